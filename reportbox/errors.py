"""The one exception tree of reportbox.

    ReportboxError                  every error we raise on purpose; has a stable `reason` code
    ├── ConfigError                 the configuration file is wrong (exit 2)
    ├── UsageError                  a command was asked for something it cannot do (exit 2)
    │   └── NotFoundError           the campaign, submission or user named does not exist
    ├── StorageError                the database or the raw store cannot be used
    │   └── LockHeldError           another daemon holds the single-instance lock (exit 2)
    ├── SourceError                 a mailbox cannot be read (IMAP, Maildir, .eml folder)
    │   ├── SourceAuthError         the server refused our credentials: retrying will not help
    │   │   └── TokenRefused        the OAuth2 provider issues no access token (grant revoked,
    │   │                           wrong tenant, client secret expired): a person must act
    │   └── SourceUnavailable       connection refused, dropped or timed out: retry with backoff
    ├── MessageError                one message cannot be parsed; recorded on it, never fatal
    ├── DocumentError               one attachment cannot be read (encrypted, corrupt, too large,
    │                               unsupported, needs OCR, timed out); recorded on the document
    └── DeliveryError               an outgoing mail could not be sent (reminders, receipts);
        │                           `temporary` says whether a later attempt may succeed
        └── DeliveryUncertain       the link broke after the final dot: it may have been delivered

Foreign exceptions (imaplib, socket, SQLAlchemy) are translated at the boundary that meets
them, with `raise ... from exc`, so callers only ever catch this tree.
"""

from __future__ import annotations


class ReportboxError(Exception):
    """Base of every error reportbox raises on purpose.

    `reason` is a short stable code stored on records and matched by scripts;
    the message says what happened and what a person can do about it.
    """

    reason = "error"
    exit_code = 1

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class ConfigError(ReportboxError):
    reason = "config"
    exit_code = 2


class UsageError(ReportboxError):
    reason = "usage"
    exit_code = 2


class NotFoundError(UsageError):
    """What was asked for (a campaign, a submission, a user) does not exist."""

    reason = "not_found"


class StorageError(ReportboxError):
    reason = "storage"


class LockHeldError(StorageError):
    reason = "lock_held"
    exit_code = 2


class SourceError(ReportboxError):
    reason = "source"


class SourceAuthError(SourceError):
    reason = "auth_failed"


class TokenRefused(SourceAuthError):
    """The identity provider refused to issue an access token (reportbox.oauth). `error` is its
    OAuth2 error code (invalid_grant, invalid_client, unauthorized_client …), for scripts and logs."""

    reason = "oauth_refused"

    def __init__(self, message: str, *, error: str = "", reason: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.error = error


class SourceUnavailable(SourceError):
    reason = "unavailable"


class MessageError(ReportboxError):
    reason = "unparseable"


class DocumentError(ReportboxError):
    """An attachment that cannot be read. `reason` is one of DocumentError.REASONS."""

    reason = "corrupt"
    # needs_ocr: a scan, and OCR is not installed or switched off here (ours to fix, not the sender's);
    # ocr_failed: OCR ran on it and failed or found no text (the sender can send a PDF with text).
    REASONS = ("encrypted", "corrupt", "too_large", "unsupported", "needs_ocr", "ocr_failed", "timeout",
               "conversion_failed")


class DeliveryError(ReportboxError):
    """`code` is the server's reply code when it gave one; `temporary` is false for a 5xx refusal,
    a rejected login or a certificate that does not verify: retrying will not help."""

    reason = "delivery"

    def __init__(self, message: str, *, reason: str | None = None, temporary: bool = True,
                 code: int | None = None) -> None:
        super().__init__(message, reason=reason)
        self.temporary = temporary
        self.code = code
        self.refused: dict[str, str] = {}  # recipients the server refused: address -> its reply


class DeliveryUncertain(DeliveryError):
    reason = "uncertain"
