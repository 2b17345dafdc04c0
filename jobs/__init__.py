"""Scheduled work: the daemon and the jobs it runs (polling now; reminders and receipts later)."""
