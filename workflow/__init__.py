"""The workflow helper for long-lived records: declared states and transitions (workflow/machine.py)."""
