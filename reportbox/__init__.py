"""reportbox: the ministry's reporting mailbox, from IMAP to who-has-submitted."""

__version__ = "0.1.0"
