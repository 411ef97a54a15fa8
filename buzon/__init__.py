"""Electronic mailbox rail (casilla electrónica, Ley 31736): consent, notices, read and deemed-notified times, cargos."""
