"""The configuration contract: the example loads, stays in step with the schema, and errors name file and key."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from reportbox.config import Config, load_config, with_secrets
from reportbox.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "config.example.toml"


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("REPORTBOX_IMAP_PASSWORD", "imap-secret")
    monkeypatch.setenv("REPORTBOX_SMTP_PASSWORD", "smtp-secret")


def _schema_keys(model: type[BaseModel], prefix: str = "") -> set[str]:
    keys = set()
    for name, field in model.model_fields.items():
        if name in ("path", "password") or field.exclude:
            continue  # set by the loader (the config's path, secrets read), never written in a file
        key = prefix + (field.alias or name)
        keys.add(key)
        annotation = field.annotation
        if getattr(annotation, "__origin__", None) is dict:  # [table.<any name>] of one model
            keys |= {key + ".*"} | _schema_keys(annotation.__args__[1], key + ".*.")
            continue
        for candidate in getattr(annotation, "__args__", ()) + (annotation,):
            inner = getattr(candidate, "__args__", (candidate,))[0] if getattr(candidate, "__origin__", None) is tuple else candidate
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                keys |= _schema_keys(inner, key + ".")
    return keys


def _example_keys(text: str) -> set[str]:
    """Keys set in the example, counting commented-out `# key = ...` lines as documented."""
    keys: set[str] = set()

    def walk(value, prefix):
        if isinstance(value, dict):
            for key, inner in value.items():
                keys.add(prefix + key)
                walk(inner, prefix + key + ".")
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for item in value:
                walk(item, prefix)

    walk(tomllib.loads(_documented(text)), "")
    named = {"outline"}  # tables whose sub-tables are named by the user: [outline.<key>]
    return {_star(key) if key.split(".")[0] in named else key for key in keys}


def _star(key: str) -> str:
    parts = key.split(".")
    return ".".join(parts[:1] + ["*"] + parts[2:]) if len(parts) > 1 else key


def _documented(text: str) -> str:
    """The example with `# key = value` lines that document optional settings made live."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if re.fullmatch(r"# \[[a-z0-9_.]+\]", stripped.split("  #")[0]):  # a commented-out table: [smtp.oauth2]
            lines.append(stripped[2:])
            continue
        if stripped.startswith("# ") and " = " in stripped and not stripped.startswith("# kind ="):
            candidate = stripped[2:].split("  #")[0]
            key = candidate.split("=")[0].strip()
            if key.isidentifier() and "/" not in candidate.split("=")[0]:
                lines.append(candidate)
                continue
        lines.append(line)
    return "\n".join(lines)


def test_example_loads_without_secrets_and_reads_them_for_the_parts_asked(secrets, monkeypatch):
    monkeypatch.delenv("REPORTBOX_SMTP_PASSWORD")
    config = load_config(EXAMPLE)  # no secret is read at load: a read-only command needs none
    assert config.mailbox[0].password is None and config.smtp.password is None
    fetching = with_secrets(config, ["imap"])
    assert fetching.mailbox[0].password.get_secret_value() == "imap-secret" and fetching.smtp.password is None
    with pytest.raises(ConfigError, match="missing secret: smtp password"):
        with_secrets(config, ["imap", "smtp"])
    monkeypatch.setenv("REPORTBOX_SMTP_PASSWORD", "smtp-secret")
    assert with_secrets(config, ["smtp"]).smtp.password.get_secret_value() == "smtp-secret"
    assert config.campaign[0].letter == "5025/LĐTBXH-KHTC"
    assert config.campaign[0].reminders.after_deadline_days == (1, 3, 7)
    # relative paths are anchored at the file, not the working directory
    assert config.storage.raw_dir == ROOT / "var" / "raw"
    assert config.database.url == f"sqlite:///{ROOT / 'reportbox.db'}"


def test_example_documents_every_setting_and_nothing_else():
    documented = _example_keys(EXAMPLE.read_text(encoding="utf-8"))
    schema = _schema_keys(Config)
    assert schema - documented == set(), "settings missing from config.example.toml"
    assert documented - schema == set(), "config.example.toml documents settings the schema lacks"


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "reportbox.toml"
    path.write_text(text, encoding="utf-8")
    return path


CAMPAIGN = ('[[campaign]]\nid = "c"\nletter = "1/X"\ntitle = "t"\nreport_year = 2019\nplan_year = 2020\n'
            'issued = 2019-11-25\ndeadline = 2019-12-15\noutline = {outline}\n')
IMAP = '[[mailbox]]\nname = "m"\nkind = "imap"\nhost = "{host}"\nusername = "u"\npassword_env = "RB_TEST_PW"\n{extra}\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[database]\nurll = 'x'\n", "database.urll: unknown key"),
        ("[processing]\nmax_attempts = 'three'\n", "processing.max_attempts:"),
        (IMAP.format(host="mail.example.gov.vn", extra='security = "none"'), 'security: "none"'),
        (IMAP.format(host="mail.example.gov.vn", extra='mark = "flag"'), 'mailbox "m": mark: must be none'),
        (IMAP.format(host="mail.example.gov.vn", extra='password = "inline"'), "write no password in the file"),
        ('[[mailbox]]\nname = "m"\nkind = "maildir"\n', 'mailbox "m": path: required for a maildir mailbox'),
        (IMAP.format(host="127.0.0.1", extra='security = "none"\nmark = "move:Done"\nfolders = ["INBOX", "Done"]'),
         "a folder this mailbox polls"),
        ("[database]\nurl = 'mysql://x'\n", "database.url: must start with"),
        ("not toml = = 1", "not valid TOML"),
        (CAMPAIGN.format(outline='["results", "tinh_hinh"]'), 'campaign "c": outline: outline section \'tinh_hinh\''),
        ("[documents]\nocr_languages = 'vie; rm -rf'\n", "documents.ocr_languages:"),
        ("[processing]\nworker_memory_mb = 64\n", "processing.worker_memory_mb: must be 0 (no limit) or at least 512"),
        (CAMPAIGN.format(outline='["Kết quả"]'), 'campaign "c": outline.0:'),
        ("[outline.'x y']\nkeywords = ['A']\n", "outline.x y"),
        (CAMPAIGN.format(outline='["results"]') + 'registry = "vn36"\n', 'campaign "c": registry: unknown registry \'vn36\''),
        (CAMPAIGN.format(outline='["results"]') + 'exempt = ["96", "1"]\n', 'campaign "c": exempt: \'1\' not a unit code'),
        (CAMPAIGN.format(outline='["results"]') + '[campaign.reminders]\nescalate_cc = ["ubnd"]\n',
         "'ubnd' is not an e-mail address"),
        ('[smtp]\nhost = "h"\nfrom = "Phòng KH"\n', "smtp.from: 'Phòng KH' is not an address"),
        (CAMPAIGN.format(outline='["results"]') + '[campaign.match]\nexclude = [" - "]\n',
         'campaign "c": match.exclude: \' - \' has no words to match'),
        (CAMPAIGN.format(outline='["results"]') + '[[campaign.section]]\nkey = "plan"\ntitle = "x"\n',
         "key 'plan' is not in the campaign's outline"),
        (CAMPAIGN.format(outline='["results"]').replace('letter = "1/X"\n', ""), 'campaign "c": letter: Field required'),
        ('[[mailbox]]\nname = "a"\nkind = "maildir"\npath = "a"\n[[mailbox]]\nkind = "maildir"\npath = "b"\n',
         "[[mailbox]] number 2: name: Field required"),
    ],
)
def test_bad_config_names_file_and_key(tmp_path, monkeypatch, text, expected):
    monkeypatch.setenv("RB_TEST_PW", "x")
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    assert expected in message


def test_another_ministrys_outline_is_configuration_only(tmp_path):
    text = CAMPAIGN.format(outline='["tinh_hinh", "proposals"]') + (
        '[outline.tinh_hinh]\ntitle = "Tình hình thực hiện"\nkeywords = ["TÌNH HÌNH THỰC HIỆN"]\n'
        '[outline.proposals]\ntitle = "Đề xuất"\n')
    outline = load_config(_write(tmp_path, text)).section_outline()
    assert outline.keys == ("tinh_hinh", "proposals")
    assert outline.section("tinh_hinh").keywords == ("TÌNH HÌNH THỰC HIỆN",)
    assert outline.section("proposals").title == "Đề xuất" and "KIẾN NGHỊ" in outline.section("proposals").keywords


def test_an_outline_title_may_hold_the_years_but_no_other_placeholder(tmp_path):
    text = CAMPAIGN.format(outline='["results", "plan"]') + '[outline.plan]\ntitle = "Kế hoạch năm {plan_year} {năm}"\n'
    with pytest.raises(ConfigError, match=r"outline\.plan\.title: unknown placeholder \{năm\}; only \{report_year\} "
                                          r"and \{plan_year\} are filled in"):
        load_config(_write(tmp_path, text))
    text = text.replace(" {năm}", " {")  # a lone brace is only text
    assert load_config(_write(tmp_path, text)).outline_titles() == {"plan": "Kế hoạch năm {plan_year} {"}


def test_missing_secret_is_named(tmp_path, monkeypatch):
    monkeypatch.delenv("RB_TEST_PW", raising=False)
    path = _write(tmp_path, IMAP.format(host="127.0.0.1", extra=""))
    config = load_config(path)
    with pytest.raises(ConfigError) as caught:
        with_secrets(config, ["imap"])
    assert str(caught.value) == (f'{path}: missing secret: mailbox "m" password '
                                 "(environment variable RB_TEST_PW is not set)")
    monkeypatch.setenv("RB_TEST_PW", "")
    with pytest.raises(ConfigError, match="environment variable RB_TEST_PW is empty"):
        with_secrets(config, ["imap"])


def test_every_missing_secret_is_named_at_once(tmp_path, monkeypatch):
    for name in ("RB_TEST_PW", "RB_TEST_WEB"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "smtp.pw").write_bytes(b"\xff\xfe")
    text = (IMAP.format(host="127.0.0.1", extra="")
            + IMAP.format(host="127.0.0.1", extra="").replace('"m"', '"kh2"').replace(
                'password_env = "RB_TEST_PW"', 'password_file = "secrets/imap.pw"')
            + '[smtp]\nhost = "127.0.0.1"\nfrom = "KH <kh@example.gov.vn>"\nusername = "kh"\npassword_file = "smtp.pw"\n'
            + '[web]\nsecret_env = "RB_TEST_WEB"\n')
    config = load_config(_write(tmp_path, text))
    with pytest.raises(ConfigError) as caught:
        with_secrets(config, ["imap", "smtp", "web"])
    assert str(caught.value) == (
        f"{tmp_path / 'reportbox.toml'}: missing secrets: "
        'mailbox "m" password (environment variable RB_TEST_PW is not set), '
        f'mailbox "kh2" password (file {tmp_path / "secrets" / "imap.pw"} cannot be read: No such file or directory), '
        f"smtp password (file {tmp_path / 'smtp.pw'} is not UTF-8 text), "
        "web secret (environment variable RB_TEST_WEB is not set)")
    assert with_secrets(config, []) == config  # a read-only command asks for none


def test_password_file_is_read_relative_to_config(tmp_path):
    (tmp_path / "imap.secret").write_text("from-file\n")
    path = _write(tmp_path, IMAP.format(host="127.0.0.1", extra="").replace(
        'password_env = "RB_TEST_PW"', 'password_file = "imap.secret"'))
    config = with_secrets(load_config(path), ["imap"])
    assert config.mailbox[0].password.get_secret_value() == "from-file"
    assert "from-file" not in repr(config)


def test_a_password_not_read_at_start_is_read_when_it_is_used(tmp_path, monkeypatch):
    """A caller that skipped with_secrets (a script on the library) logs in with the real password
    or fails naming it, never with an empty one."""
    monkeypatch.delenv("RB_TEST_PW", raising=False)
    mailbox = load_config(_write(tmp_path, IMAP.format(host="127.0.0.1", extra=""))).mailbox[0]
    with pytest.raises(ConfigError, match='mailbox "m" password: environment variable RB_TEST_PW is not set'):
        mailbox.password_value('mailbox "m"')
    monkeypatch.setenv("RB_TEST_PW", "late")
    assert mailbox.password_value('mailbox "m"') == "late"


def test_the_dashboard_secret_is_made_once_and_owner_only(tmp_path, caplog):
    config = load_config(_write(tmp_path, '[storage]\nraw_dir = "var/raw"\n'))
    previous = os.umask(0)  # the mode must come from reportbox, not from a strict umask
    try:
        with_secrets(config, ["web"])
    finally:
        os.umask(previous)
    secret = tmp_path / "var" / "web-secret"
    assert oct(secret.stat().st_mode & 0o777) == "0o600" and os.listdir(secret.parent) == ["web-secret"]
    made = config.web_secret()
    assert len(made) >= 32 and secret.read_text() == made
    assert with_secrets(config, ["web"]) == config and config.web_secret() == made  # kept across restarts
    assert not caplog.records
    secret.chmod(0o644)
    assert config.web_secret() == made
    assert f"has mode 0644, open to others than its owner: chmod 600 {secret}" in caplog.text


def test_a_planted_dashboard_secret_is_refused(tmp_path):
    """A symbolic link where the secret is made (someone able to write in that folder planted it,
    pointing at a file they know) is never followed, neither to write nor to read."""
    config = load_config(_write(tmp_path, '[storage]\nraw_dir = "var/raw"\n'))
    known = tmp_path / "known"
    known.write_text("k" * 40)
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "web-secret").symlink_to(known)
    with pytest.raises(ConfigError, match="web-secret is a symbolic link; remove it"):
        with_secrets(config, ["web"])
    (tmp_path / "var" / "web-secret").unlink()
    (tmp_path / "var" / "web-secret").symlink_to(tmp_path / "nowhere")  # dangling: not made through it
    with pytest.raises(ConfigError, match="symbolic link"):
        with_secrets(config, ["web"])
    assert not (tmp_path / "nowhere").exists()


def test_an_operators_secret_file_open_to_others_is_reported(tmp_path, caplog):
    secret = tmp_path / "secret"
    secret.write_text("s" * 40)
    secret.chmod(0o644)
    config = load_config(_write(tmp_path, f'[web]\nsecret_file = "{secret}"\n'))
    assert config.web.secret(tmp_path / "unused") == "s" * 40
    assert f"has mode 0644, open to others than its owner: chmod 600 {secret}" in caplog.text


def test_loopback_allows_clear_text(tmp_path, monkeypatch):
    monkeypatch.setenv("RB_TEST_PW", "x")
    config = load_config(_write(tmp_path, IMAP.format(host="127.0.0.1", extra='security = "none"')))
    assert config.mailbox[0].effective_port == 143


def test_cli_exits_2_with_one_line(tmp_path):
    path = _write(tmp_path, "[storage]\nraw_dirr = 'x'\n")
    result = subprocess.run([sys.executable, "-m", "reportbox", "--config", str(path), "messages"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "storage.raw_dirr: unknown key" in lines[0] and str(path) in lines[0]


@pytest.mark.parametrize(("deadline", "registry"), [("2019-12-15", "vn63"), ("2025-06-30", "vn63"),
                                                    ("2025-07-01", "vn34"), ("2025-12-15", "vn34")])
def test_campaign_registry_defaults_to_the_one_in_force_on_its_deadline(tmp_path, deadline, registry):
    text = CAMPAIGN.format(outline='["results"]').replace("2019-12-15", deadline).replace("2019-11-25", "2019-01-01")
    assert load_config(_write(tmp_path, text)).campaign[0].registry == registry
