"""The workflow helper for long-lived records: declared states and transitions (not built yet, issue 11)."""
