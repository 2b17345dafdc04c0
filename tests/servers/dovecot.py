"""A private, throw-away Dovecot IMAP server for tests.

The instance has its own base_dir, state_dir and instance_name, listens on
127.0.0.1 on a free port without TLS, authenticates plaintext logins against a
passwd-file and stores mail as Maildir.  It runs beside a system Dovecot
without touching it.

Things tests must keep in mind:

* Dovecot serves a bare LF as CRLF (and NUL as 0x80).  Build test messages
  with CRLF line endings (e.g. ``email.policy.SMTP``) so that what a test
  appends is byte-for-byte what the code under test fetches.
* The hierarchy separator is ``/`` (``SEPARATOR``); on disk folders are
  Maildir++ (``Maildir/.Parent.Child``).
* Pass timezone-aware datetimes as ``internaldate``; naive ones are taken as
  the machine's local time by imapclient.
* Failed logins cost about 0.5 s each, but unlike a stock Dovecot they do not
  slow down later logins (the auth penalty is switched off).
"""

from __future__ import annotations

import itertools
import json
import pwd
import re
import shutil
import socket
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import imapclient

from .availability import require_root, require_tool
from .common import (
    LOCALHOST,
    ServerStartError,
    check_traversable,
    free_port,
    kill_tree,
    logs_report,
    stop_process,
    wait_until,
)

DOVECOT = "/usr/sbin/dovecot"
DOVEADM = "doveadm"
MAIL_USER = "reportbox-mail"
SEPARATOR = "/"
EMAIL_DOMAIN = "example.gov.vn"
START_TIMEOUT = 20

CONFIG_TEMPLATE = """\
base_dir = {dir}/run/
state_dir = {dir}/state
log_path = {dir}/dovecot.log
instance_name = reportbox-test-{port}
protocols = imap
listen = {host}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth2_mechanisms}
auth_verbose = yes
# Tests of bad logins must not slow down later logins: without these a
# failed login delays every following login from 127.0.0.1 by 2, 4, 8, 15 s.
auth_failure_delay = 0
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
mail_location = maildir:{dir}/mail/%u/Maildir
namespace inbox {{
  inbox = yes
  separator = {separator}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {dir}/users/%u
}}
{oauth2_passdb}userdb {{
  driver = static
  args = uid={uid} gid={gid} home={dir}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""

# With an introspection URL: XOAUTH2 and OAUTHBEARER logins whose access tokens Dovecot checks
# there (RFC 7662, the token POSTed as a form), the token's "username" having to be the login's.
OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {dir}/dovecot-oauth2.conf.ext
}}
"""
OAUTH2_CONFIG = """\
introspection_mode = post
introspection_url = {url}
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""
# Dovecot 2.3's own capability list less IDLE, for a server that does not offer it.
WITHOUT_IDLE = ("imap_capability = IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE SORT "
                "THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED "
                "I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN CONTEXT=SEARCH LIST-STATUS "
                "BINARY MOVE\n")

_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")


def ensure_mail_user(name: str = MAIL_USER) -> tuple[int, int]:
    """uid/gid of the system user owning test mail, created (--system) if missing.

    Dovecot refuses to run mail processes as root, so the Maildirs need an
    unprivileged owner; a dedicated one avoids borrowing a real account.
    """
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        # A parallel worker may win the race; only a still-missing user is an error.
        created = subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home",
             "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name],
            capture_output=True, text=True,
        )
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            raise ServerStartError(f"cannot create mail user {name}: {created.stderr}") from None
    return entry.pw_uid, entry.pw_gid


def imap_greets(host: str, port: int) -> bool:
    """True once the port accepts a connection and sends an IMAP ``* OK`` greeting."""
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            return sock.recv(256).startswith(b"* OK")
    except OSError:
        return False


@dataclass
class Account:
    """One mailbox user on a running Dovecot, with helpers to arrange test mail."""

    username: str
    password: str
    host: str
    port: int
    maildir: Path
    server: Dovecot = field(repr=False, compare=False)

    def client(self) -> imapclient.IMAPClient:
        """A logged-in IMAPClient; use it as a context manager so it logs out."""
        client = imapclient.IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.login(self.username, self.password)
        return client

    def mailbox_toml(self, password_env: str, name: str = "phongkh", **settings) -> str:
        """A `[[mailbox]]` table of reportbox's configuration reading this account (plain IMAP),
        the password from `password_env`, with more settings (`poll_interval=5`) after it."""
        lines = [f'[[mailbox]]\nname = "{name}"\nkind = "imap"\nhost = "{self.host}"\nport = {self.port}\n'
                 f'security = "none"\nusername = "{self.username}"\npassword_env = "{password_env}"\n']
        lines += [f"{key} = {_toml_value(value)}\n" for key, value in settings.items()]
        return "".join(lines)

    def create_folder(self, name: str) -> None:
        """Create a folder (and its parents) unless it already exists."""
        with self.client() as client:
            _ensure_folder(client, name)

    def append(
        self,
        raw: bytes,
        folder: str = "INBOX",
        flags: tuple[bytes | str, ...] | list = (),
        internaldate: datetime | None = None,
    ) -> int:
        """APPEND a message (creating the folder if needed) and return its UID."""
        with self.client() as client:
            _ensure_folder(client, folder)
            response = client.append(folder, raw, flags=flags, msg_time=internaldate)
            match = _APPENDUID.search(response or b"")
            if match:
                return int(match.group(1))
            client.select_folder(folder, readonly=True)
            return max(client.search(["ALL"]))

    def uids(self, folder: str = "INBOX") -> list[int]:
        """UIDs of all messages in the folder, ascending."""
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            return sorted(client.search(["ALL"]))

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        """Flags per UID, read via EXAMINE so looking never sets \\Seen (may include \\Recent)."""
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            if not uids:
                return {}
            fetched = client.fetch(uids, ["FLAGS"])
            return {uid: tuple(data[b"FLAGS"]) for uid, data in fetched.items()}

    def folder_dir(self, folder: str = "INBOX", kind: str = "control") -> Path:
        """A folder's directory as Dovecot sees it: kind is mailbox, control or index."""
        out = self.server.doveadm("mailbox", "path", "-u", self.username, "-t", kind, folder)
        return Path(out.strip())

    def uidvalidity(self, folder: str = "INBOX") -> int:
        """The folder's current UIDVALIDITY, read with doveadm (no IMAP session needed)."""
        out = self.server.doveadm(
            "-f", "flow", "mailbox", "status", "-u", self.username, "uidvalidity", folder,
        )
        return int(out.split("uidvalidity=")[1].split()[0])

    def change_uidvalidity(self, folder: str = "INBOX") -> int:
        """Rebuild the folder under a new UIDVALIDITY, keeping its messages; returns it.

        Removing dovecot-uidlist alone is not enough: force-resync then takes
        the old UIDVALIDITY back from the index, so the index goes too.  The
        new value comes from the user's dovecot-uidvalidity counter, so it
        always differs.  UIDs restart at 1; flags survive (they live in the
        Maildir file names).
        """
        (self.folder_dir(folder, "control") / "dovecot-uidlist").unlink(missing_ok=True)
        for index_file in self.folder_dir(folder, "index").glob("dovecot.index*"):
            index_file.unlink()
        self.server.doveadm("force-resync", "-u", self.username, folder)
        return self.uidvalidity(folder)


def _ensure_folder(client: imapclient.IMAPClient, name: str) -> None:
    if not client.folder_exists(name):
        client.create_folder(name)


class Dovecot:
    """A Dovecot child process serving IMAP for the users added with add_user().

    ``tmpdir`` must be traversable by the dovecot system users (see
    common.make_shared_dir); everything of this instance lives below it.
    """

    host = LOCALHOST

    def __init__(self, tmpdir: Path | str, *, oauth2_introspection_url: str | None = None,
                 extra_config: str = ""):
        """With `oauth2_introspection_url` (tests/servers/oauth.py's), XOAUTH2 and OAUTHBEARER logins
        are offered too, checked there; password logins work as ever (Account's helpers use them).
        `extra_config` is appended to dovecot.conf (e.g. WITHOUT_IDLE)."""
        self.dir = Path(tmpdir)
        self.oauth2_introspection_url = oauth2_introspection_url
        self.extra_config = extra_config
        self.port: int | None = None
        self.proc: subprocess.Popen | None = None
        self._numbers = itertools.count(1)
        self.conf_path = self.dir / "dovecot.conf"
        self.users_path = self.dir / "users"
        self.log_path = self.dir / "dovecot.log"
        self.stderr_path = self.dir / "dovecot.stderr"

    def start(self) -> None:
        """Write the config on first start, launch ``dovecot -F`` and wait for the greeting."""
        require_tool(DOVECOT, "to run the test IMAP server (apt-get install dovecot-imapd)")
        require_tool(DOVEADM, "to manage the test IMAP server (apt-get install dovecot-imapd)")
        require_root("to run Dovecot with a separate mail user")
        if self.port is None:
            self._prepare()
        with self.stderr_path.open("ab") as stderr:
            self.proc = subprocess.Popen(
                [DOVECOT, "-F", "-c", str(self.conf_path)],
                stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
            )
        try:
            wait_until(lambda: imap_greets(self.host, self.port), self.proc, START_TIMEOUT, "dovecot")
        except ServerStartError as error:
            self.stop()
            raise ServerStartError(f"{error}\n{logs_report(self.stderr_path, self.log_path)}") from None

    def stop(self) -> None:
        """End the Dovecot master (it takes its imap processes with it)."""
        stop_process(self.proc)
        self.proc = None

    def restart(self) -> None:
        """Stop and start again on the same port, keeping users and mail."""
        self.stop()
        self.start()

    def kill(self) -> None:
        """SIGKILL the master and every process it runs (imap, imap-login, auth …) at once: open
        connections break in the middle of whatever they were sending. start() brings it back."""
        kill_tree(self.proc)
        self.proc = None

    def add_user(self, name: str | None = None, password: str = "secret") -> Account:
        """Add a login, usable at once, also while the server runs.

        Each user gets a passwd-file of its own (users/NAME): Dovecot checks a
        passwd-file for changes at most once a second, so a user appended to a
        shared file right after another login would be refused for up to a
        second, whereas a file it has never opened is read on first use.
        """
        username = name or f"u{next(self._numbers)}@{EMAIL_DOMAIN}"
        user_file = self.users_path / username
        if user_file.exists():
            raise ValueError(f"IMAP user {username} already exists")
        user_file.write_text(f"{username}:{{PLAIN}}{password}\n")
        return Account(
            username=username, password=password, host=self.host, port=self.port,
            maildir=self.dir / "mail" / username / "Maildir", server=self,
        )

    def imap_sessions(self, username: str) -> list[int]:
        """Process ids of the user's imap sessions (one per open connection), from `doveadm who`."""
        for line in self.doveadm("who").splitlines():
            if line.startswith(username + " "):
                return [int(pid) for pid in re.search(r"\(([\d ]+)\)", line).group(1).split()]
        return []

    def doveadm(self, *args: str) -> str:
        """Run doveadm against this instance; returns stdout, raises with stderr on failure."""
        result = subprocess.run(
            [DOVEADM, "-c", str(self.conf_path), *args], capture_output=True, text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"doveadm {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result.stdout

    def _prepare(self) -> None:
        """Pick the port, create the mail root and users folder, write dovecot.conf."""
        check_traversable(self.dir)
        uid, gid = ensure_mail_user()
        self.port = free_port()
        mail_root = self.dir / "mail"
        mail_root.mkdir(exist_ok=True)
        shutil.chown(mail_root, uid, gid)
        self.users_path.mkdir(exist_ok=True)
        oauth2 = self.oauth2_introspection_url
        if oauth2:
            (self.dir / "dovecot-oauth2.conf.ext").write_text(OAUTH2_CONFIG.format(url=oauth2))
        self.conf_path.write_text(CONFIG_TEMPLATE.format(
            dir=self.dir, host=self.host, port=self.port, uid=uid, gid=gid, separator=SEPARATOR,
            oauth2_mechanisms=" xoauth2 oauthbearer" if oauth2 else "",
            oauth2_passdb=OAUTH2_PASSDB.format(dir=self.dir) if oauth2 else "",
        ) + self.extra_config)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)  # a TOML basic string, or an array of them
