"""Attachments → Documents: every file provinces send, read into blocks of normalised Unicode text."""
