"""xinfang — a district petition office's land-petition ledger."""

__version__ = "0.1.0"
