"""The pure functional core: bytes in, dataclasses out. No database, no network, no clock."""
