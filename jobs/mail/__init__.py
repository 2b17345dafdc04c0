"""Outgoing mail: the e-mails composed from templates (compose) and the SMTP conversation (smtp)."""
