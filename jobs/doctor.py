"""`reportbox doctor`: can this installation do its work? One check per thing the daemon needs —
the configuration, the database, the raw store, each mailbox, the SMTP relay, the outside tools,
the dashboard's secret — each saying what it found and, when it fails, what to do.

Doctor looks and changes nothing: it makes no database, no raw store, no dashboard secret, sends
no mail, marks no message (folders are opened read-only, with EXAMINE). It reads each secret on
the line that needs it, so one missing password fails that line alone. The checks run side by side,
each in a daemon thread with a time limit: a server that never answers costs its own line, never a
hung doctor (the connections' own timeouts, the same limit, end the threads soon after).
"""

from __future__ import annotations

import io
import json
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ingest.rawstore import RawStore, disk_space
from models.db import sqlite_file
from parsers.documents.external import find_tool, run_tool
from parsers.documents.limits import Limits
from reportbox.config import Config, SecretUnavailable
from reportbox.errors import (
    ConfigError,
    DeliveryError,
    DocumentError,
    SourceAuthError,
    SourceError,
    SourceUnavailable,
    TokenRefused,
)
from reportbox.writable import FIX as WRITABLE_FIX
from reportbox.writable import database_problem, folder_problem

OK, FAIL, SKIP = "ok", "fail", "skip"
DEFAULT_TIMEOUT = 30.0  # seconds for one check: LibreOffice's first start on a busy server takes ~10
_GRACE = 2.0  # beyond the connections' own timeout, before a check is declared hung


@dataclass(frozen=True)
class Check:
    """One line of doctor's report (README: `doctor --format json`)."""

    name: str  # what was checked: "database", 'mailbox "phongkh"' …
    status: str  # ok | fail | skip (not configured, so nothing to check)
    detail: str  # what was found
    fix: str | None = None  # what to do, when it failed
    seconds: float = 0.0


class Failed(Exception):
    def __init__(self, detail: str, fix: str) -> None:
        super().__init__(detail)
        self.detail, self.fix = detail, fix


class Skipped(Exception):
    """Not configured here: nothing to check (not a failure)."""


def diagnose(load: Callable[[], Config], named_by: str, *, timeout: float = DEFAULT_TIMEOUT,
             min_free_bytes: int | None = None) -> list[Check]:
    """Every check, in a fixed order; only the configuration's when it cannot be loaded. The raw
    store needs `min_free_bytes` free, by default the disk_low alarm's [alerts] min_free_mb."""
    started = time.monotonic()
    try:
        config = load()
    except ConfigError as exc:
        return [Check("configuration", FAIL, str(exc), "correct the file, then run `reportbox doctor` again",
                      round(time.monotonic() - started, 2))]
    mailboxes = ", ".join(f'"{m.name}"' for m in config.mailbox) or "none"
    first = Check("configuration", OK, f"{config.path} (chosen by {named_by}) is valid; mailboxes {mailboxes}; "
                  f"{len(config.campaign)} campaign(s) in the file", seconds=round(time.monotonic() - started, 2))
    if min_free_bytes is None:
        min_free_bytes = config.alerts.min_free_mb * 1024 * 1024
    checks: list[tuple[str, Callable[[], str]]] = [
        ("database", lambda: check_database(config, timeout)),
        ("raw store", lambda: check_raw_store(config, min_free_bytes, config.alerts.min_free_percent)),
        *((f'mailbox "{m.name}"', _bind(check_mailbox, m, timeout)) for m in config.mailbox),
        ("smtp", lambda: check_smtp(config, timeout)),
        ("libreoffice", lambda: check_libreoffice(config, timeout)),
        ("tesseract", lambda: check_tesseract(config, timeout)),
        ("unar", lambda: check_unar(timeout)),
        ("web secret", lambda: check_web_secret(config)),
        ("registry names", lambda: check_registry_names(config)),
        ("alarms", lambda: check_alarms(config, timeout)),
    ]
    return [first, *_run_side_by_side(checks, timeout + _GRACE)]


def _bind(function, *args):
    return lambda: function(*args)


def _run_side_by_side(checks: list[tuple[str, Callable[[], str]]], budget: float) -> list[Check]:
    results: dict[int, Check] = {}

    def run(index: int, name: str, check: Callable[[], str]) -> None:
        started = time.monotonic()
        try:
            outcome = (OK, check(), None)
        except Failed as failed:
            outcome = (FAIL, failed.detail, failed.fix)
        except Skipped as skipped:
            outcome = (SKIP, str(skipped), None)
        except Exception as exc:  # noqa: BLE001 - a check's own bug must not hide the other lines
            outcome = (FAIL, f"the check itself failed: {type(exc).__name__}: {exc}",
                       "report this to reportbox's maintainers, with this line")
        results[index] = Check(name, *outcome, seconds=round(time.monotonic() - started, 2))

    threads = [threading.Thread(target=run, args=(index, name, check), daemon=True, name=f"doctor {name}")
               for index, (name, check) in enumerate(checks)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + budget
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return [results.get(index) or Check(name, FAIL, f"no answer within {budget:g} s",
                                        "something it waits for does not answer (a server, a stuck tool): "
                                        "see the other lines, or run doctor with a longer --timeout", budget)
            for index, (name, _check) in enumerate(checks)]


def text_lines(checks: list[Check]) -> list[str]:
    """One line a check: mark, what, what was found, and after a dash what to do."""
    marks = {OK: "ok", FAIL: "FAIL", SKIP: "skip"}
    return [f"{marks[c.status]:<4}  {c.name}: {c.detail}" + (f" — {c.fix}" if c.fix else "") for c in checks]


def as_json(checks: list[Check], config_path: Path) -> dict:
    return {"config": str(config_path), "ok": all(c.status != FAIL for c in checks),
            "checks": [asdict(c) for c in checks]}


# --- the database -----------------------------------------------------------------------------------
def check_database(config: Config, timeout: float) -> str:
    from sqlalchemy.exc import SQLAlchemyError

    from models.db import current_revision

    url = config.database.url
    path = sqlite_file(url)
    if path is not None:
        if not path.exists():
            raise Failed(f"{path} does not exist yet", "run `reportbox db upgrade` (the daemon also makes it at start)")
        if problem := database_problem(url):
            raise Failed(f"{path} cannot be written ({problem})", WRITABLE_FIX)
    where, engine = _looking_engine(config, timeout)
    try:
        try:
            with engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except SQLAlchemyError as exc:
            raise Failed(f"{where}: cannot connect: {_first_line(getattr(exc, 'orig', None) or exc)}",
                         "check [database] url, that the server runs and that it accepts this user from here")
        revision = current_revision(engine)
        head, known = _migrations(engine)
    finally:
        engine.dispose()
    if revision is None:
        raise Failed(f"{where}: reachable, but holds no reportbox schema", "run `reportbox db upgrade`")
    if revision == head:
        return f"{where}: reachable, at revision {revision} (head)"
    if revision not in known:
        raise Failed(f"{where}: at revision {revision}, which this reportbox does not know (made by a newer one?)",
                     "run the reportbox version that upgraded it, or restore the database from its backup")
    raise Failed(f"{where}: at revision {revision}, not at head {head}",
                 "run `reportbox db upgrade` (the daemon also does at start)")


def _looking_engine(config: Config, timeout: float):
    """(how the database is named in messages, an engine that makes no file and waits `timeout` at
    most to connect)."""
    from sqlalchemy import make_url

    from models.db import make_engine

    url = config.database.url
    path = sqlite_file(url)
    if path is not None:
        return str(path), make_engine(url, readonly=True, untouched=True)  # doctor leaves no -wal/-shm
    parsed = make_url(url)
    if "connect_timeout" not in parsed.query:  # psycopg's own: a dead server is an answer, not a hang
        parsed = parsed.update_query_dict({"connect_timeout": str(max(1, int(timeout)))})
    return make_url(url).render_as_string(hide_password=True), make_engine(parsed.render_as_string(hide_password=False))


def _migrations(engine) -> tuple[str, set[str]]:
    """(the head revision, every revision) of this reportbox's migrations, as Alembic reads them."""
    from alembic.script import ScriptDirectory

    from models.db import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(engine))
    return scripts.get_current_head(), {script.revision for script in scripts.walk_revisions()}


# --- alarms -----------------------------------------------------------------------------------------


def check_alarms(config: Config, timeout: float) -> str:
    """The alarms active now (jobs.alerts.active_conditions), read from the database as it is."""
    from jobs.alerts import ADVICE, active_conditions
    from models.db import current_revision, session_factory
    from models.lock import has_run
    from reportbox.app import App

    path = sqlite_file(config.database.url)
    if path is not None and not path.exists():
        raise Skipped("no database yet (see the database line)")
    _where, engine = _looking_engine(config, timeout)
    try:
        if current_revision(engine) != _migrations(engine)[0]:
            raise Skipped("the database cannot be read or is not at head (see the database line)")
        app = App(config=config, engine=engine, sessions=session_factory(engine), store=RawStore(config.storage.raw_dir))
        conditions = active_conditions(app)
        with app.sessions() as session:
            daemon_ran = has_run(session)
    finally:
        engine.dispose()
    never_ran = "the daemon has not run on this database yet (start it: `reportbox run`, or its service)"
    if not daemon_ran:  # a fresh install: no daemon is no alarm yet, but say what to do
        conditions = [c for c in conditions if c.name != "daemon_stale"]
        if not conditions:
            raise Skipped(never_ran)
    if not conditions:
        return "none active"
    fixes = dict.fromkeys(ADVICE.get(c.name, 'see README "Alarms"') for c in conditions)
    raise Failed(f"{len(conditions)} active: " + "; ".join(f"{c.name}: {c.summary}" for c in conditions)
                 + ("" if daemon_ran else f" ({never_ran})"), "; ".join(fixes))


# --- the raw store ----------------------------------------------------------------------------------
def check_raw_store(config: Config, min_free_bytes: int, min_free_percent: float = 0.0) -> str:
    """Writable, with `min_free_bytes` and `min_free_percent` free: the disk_low alarm's rule."""
    root = config.storage.raw_dir
    if problem := folder_problem(root):
        raise Failed(f"{root} cannot be written ({problem})", WRITABLE_FIX)
    space = disk_space(root)
    found = (f"{root}{'' if root.exists() else ' (made at the first poll)'}: writable, {_size(space.free)} free "
             f"of {_size(space.total)} ({space.free_fraction * 100:.1f} %)")
    if space.low(min_free_bytes, min_free_percent):
        raise Failed(f"{found}, less than the {_size(min_free_bytes)} or {min_free_percent:g} % asked for",
                     f"free space on the disk of {space.path}, or move storage.raw_dir to a larger one "
                     "(thresholds: doctor's --min-free-mb, [alerts] min_free_percent)")
    return found


def _size(count: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} TB"


# --- mailboxes --------------------------------------------------------------------------------------
def check_mailbox(mailbox, timeout: float) -> str:
    where = f'[[mailbox]] "{mailbox.name}"'
    if mailbox.kind != "imap":
        return _check_files(mailbox, where)
    mailbox = _with_secret(mailbox, where).model_copy(update={"timeout": min(mailbox.timeout, timeout)})
    return _check_imap(mailbox, where)


def _check_files(mailbox, where: str) -> str:
    from reportbox.app import make_source

    if not mailbox.path.is_dir():
        raise Failed(f"{mailbox.path} {'is not a folder' if mailbox.path.exists() else 'does not exist'}",
                     f"correct path in {where}")
    source = make_source(mailbox)
    try:
        for folder in mailbox.folders:
            source.open_folder(folder)
    except SourceError as exc:
        raise Failed(str(exc), f"correct folders in {where}, or make the folder") from None
    return f"{mailbox.kind} {mailbox.path}: folders {', '.join(mailbox.folders)} found"


def _check_imap(mailbox, where: str) -> str:
    from imapclient.exceptions import IMAPClientError

    from ingest.imap import ImapSource

    source = ImapSource(mailbox)
    server = f"{mailbox.host}:{mailbox.effective_port} ({mailbox.security})"
    try:
        client = source.connect()
        found, missing = [], []
        for folder in mailbox.folders:
            try:
                info = client.select_folder(folder, readonly=True)  # EXAMINE: nothing is marked
            except IMAPClientError as exc:
                missing.append((folder, _first_line(exc)))
                continue
            found.append(f"{folder} ({int(info.get(b'EXISTS', 0))} messages)")
        if missing:
            listed = sorted(str(name) for _flags, _sep, name in client.list_folders())
            raise Failed(f"{server}: logged in as {mailbox.username}, but cannot open "
                         + "; ".join(f"folder {name!r} ({why})" for name, why in missing)
                         + f"; the server has: {', '.join(listed[:15])}{' …' if len(listed) > 15 else ''}",
                         f"correct folders in {where}, spelled as the server lists them")
    except TokenRefused as exc:
        raise Failed(str(exc), f"renew the grant named by the [oauth2] settings of {where} (README: OAuth2)") from None
    except SourceAuthError as exc:
        raise Failed(str(exc), f"check username and {_login_source(mailbox)} in {where}") from None
    except SourceUnavailable as exc:
        raise Failed(str(exc), f"check host, port and security in {where}, and that this machine may reach "
                               "the server (firewall)") from None
    except SourceError as exc:
        fix = f"set ca_file in {where}" if exc.reason == "tls_verify" else f"check {where}"
        raise Failed(str(exc), fix) from None
    except IMAPClientError as exc:
        raise Failed(f"{server}: {_first_line(exc)}", f"check {where}") from None
    except OSError as exc:  # the link dropped between commands
        raise Failed(f"{server}: connection lost: {exc}", f"check host, port and security in {where}") from None
    finally:
        source.close()
    return f"{server}: logged in as {mailbox.username}; folders {', '.join(found)}"


# --- SMTP -------------------------------------------------------------------------------------------
def check_smtp(config: Config, timeout: float) -> str:
    from jobs.mail.smtp import SmtpRelay

    if config.smtp is None:
        raise Skipped("no [smtp] section: nothing is ever sent (no reminders, receipts or resend requests)")
    smtp = config.smtp
    if smtp.username or smtp.auth == "oauth2":
        smtp = _with_secret(smtp, "[smtp]")
    smtp = smtp.model_copy(update={"timeout": min(smtp.timeout, timeout)})
    relay = SmtpRelay(smtp)
    try:
        relay.open()  # connect, TLS as configured, EHLO, AUTH; no MAIL FROM: nothing is sent
    except DeliveryError as exc:
        fixes = {"auth": f"check username and {_login_source(smtp)} in [smtp]",
                 "oauth": "renew the grant named by the [oauth2] settings of [smtp] (README: OAuth2)",
                 "tls": "check security, and give the relay's CA in [smtp] ca_file"}
        raise Failed(str(exc), fixes.get(exc.reason, "check host, port and security in [smtp], and that this "
                                                     "machine may reach the relay (firewall)")) from None
    finally:
        relay.close()  # QUIT
    login = f"logged in as {smtp.username}" if smtp.username else "no login configured"
    return f"{smtp.host}:{smtp.port} ({smtp.security}): connected, {login}; no mail sent"


# --- secrets ----------------------------------------------------------------------------------------
def _with_secret(ref, where: str):
    try:
        return ref.with_password()
    except SecretUnavailable as exc:
        if ref.auth == "oauth2":
            raise Failed(f"oauth2 {exc}", f"give it to the service that runs reportbox as the [oauth2] settings "
                                          f"of {where} name it") from None
        if ref.password_env:
            fix = (f"set {ref.password_env} in the environment of the service that runs reportbox "
                   f"(or name another with password_env in {where})")
        else:
            fix = f"put the password in {ref.password_file}, readable by the user reportbox runs as"
        raise Failed(f"password: {exc}", fix) from None


def _login_source(ref) -> str:
    if ref.auth == "oauth2":
        return "the [oauth2] settings"
    return f"the password (${ref.password_env})" if ref.password_env else f"the password ({ref.password_file})"


def check_web_secret(config: Config) -> str:
    web, default = config.web, config.web_secret_default
    if not (web.secret_env or web.secret_file or default.exists()):
        if problem := folder_problem(default.parent):
            raise Failed(f"none yet, and {default} cannot be made ({problem})", WRITABLE_FIX)
        return f"none yet: made (0600) at {default} when the dashboard first starts"
    try:
        web.read_secret(default)  # the file exists (or is the operator's): nothing is made
    except SecretUnavailable as exc:
        if web.secret_env:
            fix = f"set {web.secret_env} in the environment of the dashboard's service"
        else:
            fix = (f"make {web.secret_file or default} a file of at least 32 characters, readable by the user "
                   "reportbox runs as (mode 0600)")
        raise Failed(str(exc), fix) from None
    return f"read from ${web.secret_env}" if web.secret_env else f"read from {web.secret_file or default}"


def check_registry_names(config: Config) -> str:
    """The operator's renames (`[registry] names`), read and checked as every command reads them at start."""
    from reportbox.renames import read_operator_renames

    path = config.registry.names
    if path is None:
        raise Skipped("no [registry] names file: the built-in names alone")
    try:
        renames = read_operator_renames(config)
    except ConfigError as exc:
        raise Failed(str(exc), f"correct that row of {path} (header registry,code,name,full_name,valid_from"
                     f"[,valid_until][,basis]), or remove `names` from [registry] in {config.path}") from None
    return f"{path}: {len(renames)} rename(s), none naming two units"


# --- outside tools ----------------------------------------------------------------------------------
_TEST_RTF = rb"{\rtf1\ansi reportbox doctor\par}"


def check_libreoffice(config: Config, timeout: float) -> str:
    from parsers.documents.libreoffice import convert

    soffice = find_tool("soffice", "libreoffice")
    if soffice is None:
        raise Failed("soffice not found on PATH: .doc, .rtf, .odt and .ods attachments cannot be read",
                     "install the packages libreoffice-writer-nogui and libreoffice-calc-nogui")
    limits = replace(config.documents.limits(), subprocess_seconds=min(config.documents.tool_timeout, timeout))
    started = time.monotonic()
    try:
        converted = convert(_TEST_RTF, "rtf", "docx", limits)
        with zipfile.ZipFile(io.BytesIO(converted)) as docx:
            text = docx.read("word/document.xml")
    except (DocumentError, zipfile.BadZipFile, KeyError) as exc:
        raise Failed(f"{soffice} could not convert a test .rtf to .docx: {exc}",
                     "run `soffice --headless --convert-to docx FILE.rtf` as the user reportbox runs as, to see why")
    if b"reportbox doctor" not in text:
        raise Failed(f"{soffice} converted a test .rtf but its text is lost", "reinstall LibreOffice")
    return f"{soffice}: converted a test .rtf to .docx in {time.monotonic() - started:.1f} s"


def check_tesseract(config: Config, timeout: float) -> str:
    documents = config.documents
    if not documents.ocr or documents.ocr_max_pages == 0:
        raise Skipped("OCR is switched off ([documents] ocr): scans wait in review as needs_ocr")
    binary = find_tool("tesseract")
    wanted = documents.ocr_languages.split("+")
    packages = " ".join(f"tesseract-ocr-{code}" for code in wanted)
    if binary is None:
        raise Failed("tesseract not found on PATH: scanned reports cannot be read",
                     f"install the packages tesseract-ocr {packages}, or set [documents] ocr = false")
    try:
        listed = run_tool([binary, "--list-langs"], Limits(subprocess_seconds=timeout), what="tesseract --list-langs")
    except DocumentError as exc:
        raise Failed(f"{binary}: {exc}", "run `tesseract --list-langs` as the user reportbox runs as, to see why")
    said = listed.stdout.decode("utf-8", "replace") + listed.stderr.decode("utf-8", "replace")
    installed = set(said.split())  # one code a line after a heading (on stderr in some versions)
    missing = [code for code in wanted if code not in installed]
    if listed.returncode != 0 or missing:
        raise Failed(f"{binary} has no language data for {', '.join(missing) or documents.ocr_languages}",
                     f"install {' '.join(f'tesseract-ocr-{code}' for code in missing) or packages} (or put "
                     "the .traineddata files where $TESSDATA_PREFIX points)")
    return f"{binary}: languages {documents.ocr_languages} installed"


def check_unar(timeout: float) -> str:
    lsar, unar = find_tool("lsar"), find_tool("unar")
    if not (lsar and unar):
        missing = " and ".join(name for name, path in (("lsar", lsar), ("unar", unar)) if not path)
        raise Failed(f"{missing} not found on PATH: .rar and .7z attachments cannot be read",
                     "install the package unar")
    limits = Limits(subprocess_seconds=timeout)
    with tempfile.TemporaryDirectory(prefix="reportbox-doctor-") as work:
        archive = Path(work, "test.zip")
        with zipfile.ZipFile(archive, "w") as test:
            test.writestr("bao-cao.txt", "reportbox doctor")
        try:
            listed = run_tool([lsar, "-j", str(archive)], limits, what="lsar")
            unpacked = run_tool([unar, "-q", "-o", str(Path(work, "out")), str(archive)], limits, what="unar")
            names = [item.get("XADFileName") for item in json.loads(listed.stdout).get("lsarContents", [])]
            text = Path(work, "out", "bao-cao.txt").read_text(encoding="utf-8")
        except (DocumentError, ValueError, OSError) as exc:
            raise Failed(f"{lsar} / {unar} could not list and unpack a test archive: {exc}",
                         "run `lsar` and `unar` on an archive as the user reportbox runs as, to see why")
    if names != ["bao-cao.txt"] or text != "reportbox doctor" or unpacked.returncode != 0:
        raise Failed(f"{lsar} / {unar} misread a test archive", "reinstall the package unar")
    return f"{unar}: listed and unpacked a test archive"


def _first_line(exc: object) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
