"""The IMAP source, on IMAPClient: incremental by UID, read with BODY.PEEK so \\Seen stays untouched."""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
import time
from collections.abc import Iterator, Sequence

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from ingest.sources import FetchedMessage, KnownKeys
from reportbox.config import MailboxConfig
from reportbox.errors import SourceAuthError, SourceError, SourceUnavailable
from reportbox.oauth import SaslLogin, token_source, with_token

log = logging.getLogger("reportbox.ingest.imap")

KEYWORD = b"$Reportbox"
LARGE_MESSAGE = 8 * 1024 * 1024  # above this, fetch in pieces so memory stays near one copy
CHUNK = 4 * 1024 * 1024
BODY_GROUP_BYTES = 16 * 1024 * 1024
RESELECT_AFTER = 300.0  # seconds an open session trusts its SELECT before doing it again
# Everything a dropped or stalled connection raises, translated once into SourceUnavailable.
_CONNECTION_ERRORS = (OSError, socket.timeout, ssl.SSLError, IMAPClientAbortError, imaplib.IMAP4.abort, EOFError)


class ImapSource:
    """One IMAP account. Connects lazily, reconnects after a drop, and is reused between polls."""

    def __init__(self, config: MailboxConfig) -> None:
        self.name = config.name
        self.config = config
        self._client: IMAPClient | None = None
        self._selected: str | None = None
        self._uidvalidity = 0
        self._selected_at = 0.0
        self.round_trips = 0  # commands sent since connecting: the idle-poll cost is measured by it

    # -- connection ----------------------------------------------------------------------------
    def connect(self) -> IMAPClient:
        if self._client is not None:
            return self._client
        self._client = open_connection(self.config)
        self._selected = None
        self.round_trips = 0
        return self._client

    def close(self) -> None:
        client, self._client, self._selected = self._client, None, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # noqa: BLE001 - a connection we are dropping anyway
            try:
                client.shutdown()
            except Exception:  # noqa: BLE001
                pass

    def _call(self, what: str, fn, *args, **kwargs):
        """Run one command; a dropped connection is closed here and surfaces as SourceUnavailable."""
        client = self.connect()
        self.round_trips += 1
        try:
            return fn(client, *args, **kwargs)
        except _CONNECTION_ERRORS as exc:
            self.close()
            raise SourceUnavailable(f"{self.name}: connection lost during {what}: {exc}") from exc
        except IMAPClientError as exc:
            raise SourceError(f"{self.name}: the server refused {what}: {exc}", reason="imap_error") from exc

    # -- the MailSource protocol ---------------------------------------------------------------
    def folders(self) -> Sequence[str]:
        return self.config.folders

    def open_folder(self, folder: str) -> int:
        """SELECT the folder, or on an open session where it is selected already, just NOOP.

        Re-SELECTing costs the server a rescan of the folder (135 ms at 20,000 messages on a
        Dovecot Maildir); a NOOP lets it announce new mail for the price of a round trip. A
        UIDVALIDITY change ends the session on the server's side, and we re-SELECT now and then.
        """
        if (self._client is not None and self._selected == folder
                and time.monotonic() - self._selected_at < RESELECT_AFTER):
            self._call("NOOP", lambda c: c.noop())
            return self._uidvalidity
        readonly = self.config.mark == "none"
        info = self._call(f"SELECT {folder}", lambda c: c.select_folder(folder, readonly=readonly))
        self._selected, self._selected_at = folder, time.monotonic()
        self._uidvalidity = int(info[b"UIDVALIDITY"])
        return self._uidvalidity

    def list_new(self, folder: str, last_uid: int, known: KnownKeys) -> list[str]:
        self._ensure_selected(folder)
        # Criteria are ASCII, so no CHARSET is sent (some servers reject one). `n:*` always
        # matches the highest UID even when it is below n: filter on our side.
        uids = self._call("UID SEARCH", lambda c: c.search(["UID", f"{last_uid + 1}:*"]))
        return [str(uid) for uid in sorted(uids) if uid > last_uid]

    def fetch(self, folder: str, keys: Sequence[str]) -> Iterator[FetchedMessage]:
        """Sizes first, then bodies in groups of at most BODY_GROUP_BYTES; large ones in pieces."""
        self._ensure_selected(folder)
        uids = [int(key) for key in keys]
        meta = self._call("FETCH sizes", lambda c: c.fetch(uids, ["RFC822.SIZE", "INTERNALDATE"]))
        present = [uid for uid in uids if uid in meta]  # the rest were expunged since the search
        for group in _groups(present, lambda uid: meta[uid][b"RFC822.SIZE"]):
            if len(group) == 1 and meta[group[0]][b"RFC822.SIZE"] > LARGE_MESSAGE:
                bodies = {group[0]: self._fetch_in_pieces(group[0], meta[group[0]][b"RFC822.SIZE"])}
            else:
                reply = self._call("FETCH bodies", lambda c: c.fetch(group, ["BODY.PEEK[]"]))
                # A message the server lists but returns no body for (NIL: a store that failed to
                # convert it) is kept as empty bytes, so it is recorded and seen to fail, not skipped.
                bodies = {uid: item.get(b"BODY[]") or b"" for uid, item in reply.items()}
            for uid in group:
                data = bodies.pop(uid, None)
                if data is None:
                    continue  # expunged since the search
                yield FetchedMessage(
                    folder=folder,
                    source_key=str(uid),
                    uid=uid,
                    internaldate=meta[uid].get(b"INTERNALDATE"),
                    file_mtime=None,
                    data=bytes(data),
                )

    def _fetch_in_pieces(self, uid: int, size: int) -> bytes | None:
        """Read until a piece comes back short: RFC822.SIZE is the server's estimate, not a promise."""
        buffer = bytearray()
        while True:
            item = f"BODY.PEEK[]<{len(buffer)}.{CHUNK}>"
            reply = self._call("FETCH piece", lambda c: c.fetch([uid], [item]))
            if uid not in reply:
                return None  # expunged meanwhile
            piece = next((v for k, v in reply[uid].items() if k.startswith(b"BODY[]")), None) or b""
            buffer += piece
            if len(piece) < CHUNK:
                break
        if len(buffer) != size:
            log.info("%s: UID %d is %d bytes, the server announced %d", self.name, uid, len(buffer), size)
        return bytes(buffer)

    def mark(self, folder: str, keys: Sequence[str]) -> None:
        mark = self.config.mark
        if mark == "none" or not keys:
            return
        self._ensure_selected(folder)
        uids = [int(key) for key in keys]
        if mark == "keyword":
            self._call("STORE keyword", lambda c: c.add_flags(uids, [KEYWORD], silent=True))
        elif mark == "seen":
            self._call("STORE \\Seen", lambda c: c.add_flags(uids, [b"\\Seen"], silent=True))
        else:
            self._move(uids, mark.removeprefix("move:"))

    def _move(self, uids: list[int], target: str) -> None:
        client = self.connect()
        if not self._call("folder check", lambda c: c.folder_exists(target)):
            self._call(f"CREATE {target}", lambda c: c.create_folder(target))
        if client.has_capability("MOVE"):
            self._call(f"MOVE {target}", lambda c: c.move(uids, target))
        else:
            self._call(f"COPY {target}", lambda c: c.copy(uids, target))
            self._call("STORE \\Deleted", lambda c: c.delete_messages(uids, silent=True))
            self._call("UID EXPUNGE", lambda c: c.uid_expunge(uids))

    def _ensure_selected(self, folder: str) -> None:
        if self._selected != folder or self._client is None:
            self.open_folder(folder)


def _groups(uids: list[int], size_of) -> Iterator[list[int]]:
    """Consecutive groups under BODY_GROUP_BYTES; a large message always travels alone."""
    group: list[int] = []
    total = 0
    for uid in uids:
        size = size_of(uid)
        if group and (size > LARGE_MESSAGE or total + size > BODY_GROUP_BYTES):
            yield group
            group, total = [], 0
        group.append(uid)
        total += size
        if size > LARGE_MESSAGE:
            yield group
            group, total = [], 0
    if group:
        yield group


def open_connection(config: MailboxConfig) -> IMAPClient:
    """A connected, secured and logged-in client for the mailbox: the one way in, for the poll's
    connection and any other (IDLE's). Raises SourceAuthError, SourceUnavailable or SourceError."""
    name = config.name
    tokens = token = password = None
    if config.auth == "oauth2":  # a token first: a refused grant needs no connection
        tokens = token_source(config.oauth2, label=f'mailbox "{name}"', protocol="imap", timeout=config.timeout)
        token = tokens.get()
    else:
        password = config.password_value(f'mailbox "{name}"')  # read before connecting
    # Reading the system's CA store takes ~30 ms a connection: only for a connection that uses TLS.
    context = (None if config.security == "none"
               else ssl.create_default_context(cafile=str(config.ca_file) if config.ca_file else None))
    client = None
    try:
        client = IMAPClient(
            config.host,
            port=config.effective_port,
            ssl=config.security == "ssl",
            ssl_context=context,
            timeout=config.timeout,
        )
        # IMAPClient 4.1.0 switches on imaplib's debug output and sends it to a logger that
        # drops it: every fetched message is formatted as text first, which costs 4-6x.
        client._imap.debug = 0
        client.normalise_times = False  # keep INTERNALDATE's zone: we store UTC
        if config.security == "starttls":
            client.starttls(context)
        if tokens is not None:
            _oauth2_login(client, config, tokens, token)
        else:
            try:
                client.login(config.username, password)
            except LoginError as exc:
                raise SourceAuthError(
                    f"{name}: the server refused the login for {config.username}: check the password "
                    f"({config.password_env or config.password_file})"
                ) from exc
    except BaseException as exc:
        if client is not None:
            _shutdown(client)
        if isinstance(exc, ssl.SSLCertVerificationError):
            raise SourceError(
                f"{name}: the certificate of {config.host} does not verify ({exc.verify_message}); "
                "set ca_file to the ministry's CA if it uses its own",
                reason="tls_verify",
            ) from exc
        if isinstance(exc, _CONNECTION_ERRORS):
            raise SourceUnavailable(f"{name}: cannot reach {config.host}:{config.effective_port}: {exc}") from exc
        if isinstance(exc, IMAPClientError) and not isinstance(exc, LoginError):
            raise SourceError(f"{name}: the server answered an error at login: {exc}") from exc
        raise
    return client


def _oauth2_login(client: IMAPClient, config: MailboxConfig, tokens, token) -> None:
    """AUTHENTICATE with an access token; a cached one the server refuses is renewed once."""
    offered = [c.decode().split("=", 1)[1] for c in client.capabilities() if c.upper().startswith(b"AUTH=")]
    login = SaslLogin(config.oauth2.mechanism, offered, config.username, config.host, config.effective_port)
    try:
        with_token(tokens, lambda token: client.sasl_login(login.mechanism, login.exchange(token)), (LoginError,),
                   token)
    except LoginError as exc:
        said = login.refusal
        raise SourceAuthError(
            f'mailbox "{config.name}": the server refused the OAuth2 login ({login.mechanism}) of {config.username}'
            f"{' (' + said + ')' if said else ''} with a token the provider issued: check that the app has the "
            "IMAP permission, that IMAP is enabled for this mailbox, that username is the mailbox the token is "
            "for, and (client credentials) that the app was given access to this mailbox",
            reason="oauth_login_refused",
        ) from exc


def _shutdown(client: IMAPClient) -> None:
    try:
        client.shutdown()
    except Exception:  # noqa: BLE001 - a connection we are dropping anyway
        pass
