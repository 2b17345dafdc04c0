"""`reportbox campaign from-letter`: the JSON and TOML it prints, `--apply` storing the campaign, and a
stored letter campaign seen wherever the config's campaigns are (status, lists, polling, reminders,
the dashboard)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from jobs.poll import campaign_infos
from models.schema import Campaign
from parsers.letter import read_letter
from reportbox.app import open_app
from reportbox.config import load_config
from reportbox.letters import campaign_config
from tests.parsers import letter_fixtures as fx
from tests.parsers.test_letter import LETTER_HEAD
from tests.test_cli import reportbox

BASE_CONFIG = '[database]\nurl = "sqlite:///rb.db"\n[storage]\nraw_dir = "raw"\n'
CONFIG_CAMPAIGN = ('[[campaign]]\nid = "tk2017"\nletter = "5121/LĐTBXH-KHTC"\ntitle = "Tổng kết 2017"\n'
                   'report_year = 2017\nplan_year = 2018\nissued = 2017-12-07\ndeadline = 2017-12-20\n')
JSON_2019 = {
    "id": "tk2019", "letter": "5025/LĐTBXH-KHTC", "issuer": "Bộ Lao động - Thương binh và Xã hội",
    "issued": "2019-11-25", "deadline": "2019-12-15", "report_year": 2019, "plan_year": 2020,
    "subject": "V/v đánh giá tình hình thực hiện năm 2019; nhiệm vụ, giải pháp thực hiện kế hoạch năm 2020 lĩnh vực lao "
               "động, người có công và xã hội",
    "addressees": "Giám đốc Sở Lao động - Thương binh và Xã hội các tỉnh/thành phố trực thuộc Trung ương",
    # The Sở LĐTBXH's work is the Sở Nội vụ's since Decree 45/2025/NĐ-CP: a 2019 letter names both.
    "departments": ["Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội"],
    "mailbox": "phongkh@molisa.gov.vn", "phone": "024.38269.544/ 024.39 364.160", "registry": "vn63",
}


@pytest.fixture
def workdir(tmp_path) -> Path:
    """A config with one campaign of its own (tk2017), and the 2019 letter as pasted."""
    (tmp_path / "reportbox.toml").write_text(BASE_CONFIG + CONFIG_CAMPAIGN, encoding="utf-8")
    (tmp_path / "letter.txt").write_bytes(fx.LETTER_2019.read_bytes())
    return tmp_path


def run(workdir: Path, *args: str):
    return reportbox("--config", str(workdir / "reportbox.toml"), *args)


def test_json_gives_every_field_its_evidence_and_nothing_missing(workdir):
    result = run(workdir, "campaign", "from-letter", str(workdir / "letter.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["id", "letter", "issuer", "issued", "deadline", "report_year", "plan_year", "subject",
                          "addressees", "departments", "mailbox", "phone", "registry", "outline", "evidence",
                          "missing"]
    assert {key: data[key] for key in JSON_2019} == JSON_2019
    assert [(item["key"], item["number"]) for item in data["outline"]] == [
        ("results", "1a"), ("policies", "1b"), ("shortcomings", "1c"), ("plan", "2a"), ("proposals", "2b")]
    assert data["outline"][0]["title"].startswith("Đánh giá kết quả thực hiện các chỉ tiêu, nhiệm vụ năm 2019")
    assert data["evidence"]["deadline"] == "gửi về Bộ trước ngày 15/12/2019" and data["missing"] == []


def test_toml_loads_into_the_same_campaign(workdir):
    result = run(workdir, "campaign", "from-letter", str(workdir / "letter.txt"), "--id", "tk2019b")
    assert result.returncode == 0, result.stderr
    assert "[[campaign]]" in result.stdout and "[[campaign.section]]" in result.stdout
    assert "[campaign.match]" in result.stdout
    pasted = workdir / "pasted.toml"
    pasted.write_text(BASE_CONFIG + result.stdout, encoding="utf-8")
    loaded = load_config(pasted).campaign
    expected = campaign_config(read_letter(fx.LETTER_2019.read_text(encoding="utf-8")), "tk2019b")
    assert loaded == (expected,)
    assert expected.deadline == date(2019, 12, 15) and expected.registry == "vn63" and len(expected.section) == 5


def test_toml_of_a_letter_with_its_own_section_and_no_deadline(workdir):
    letter = workdir / "byt.txt"
    letter.write_text(LETTER_HEAD + "\nĐề nghị các đơn vị gửi báo cáo về Bộ để tổng hợp.\n", encoding="utf-8")
    result = run(workdir, "campaign", "from-letter", str(letter))
    assert result.returncode == 0, result.stderr
    assert "# deadline = …  # not in the letter: required, add it by hand" in result.stdout
    assert "# mailbox = …  # not in the letter" in result.stdout
    assert "[outline.tinh_hinh_lao_dong_nuoc_ngoai]" in result.stdout
    # With the deadline added by hand it is a valid config, the letter's own section included.
    pasted = workdir / "pasted.toml"
    pasted.write_text(BASE_CONFIG + result.stdout.replace("# deadline = …", "deadline = 2024-12-20 #"), encoding="utf-8")
    campaign = load_config(pasted).campaign[0]
    assert (campaign.id, campaign.outline) == ("tk2024", ("results", "tinh_hinh_lao_dong_nuoc_ngoai", "proposals"))
    # --apply refuses, naming the field; what was read is still printed.
    applied = run(workdir, "campaign", "from-letter", str(letter), "--apply", "--format", "json")
    assert applied.returncode == 2 and json.loads(applied.stdout)["missing"] == ["deadline", "mailbox", "phone"]
    assert applied.stderr.strip().count("\n") == 0 and "(deadline)" in applied.stderr and "by hand" in applied.stderr


def test_apply_stores_it_and_every_command_sees_it(workdir):
    result = run(workdir, "campaign", "from-letter", str(workdir / "letter.txt"), "--apply", "--by", "lan")
    assert result.returncode == 0, result.stderr
    assert "campaign tk2019 stored from letter 5025/LĐTBXH-KHTC (by lan)" in result.stderr
    listing = json.loads(run(workdir, "campaign", "list", "--format", "json").stdout)
    assert [(row["campaign"], row["in_config"]) for row in listing] == [("tk2017", True), ("tk2019", True)]
    status = run(workdir, "status", "--campaign", "tk2019", "--format", "json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["summary"]["missing"] == 63
    shown = run(workdir, "campaign", "show", "tk2019").stdout
    assert "read from its letter (campaign from-letter) by lan" in shown
    remind = run(workdir, "remind", "--campaign", "tk2019", "--dry-run", "--as-of", "2019-12-10")
    assert remind.returncode == 0, remind.stderr
    config = load_config(workdir / "reportbox.toml")
    app = open_app(config)
    try:
        assert [c.id for c in app.config.campaign] == ["tk2017", "tk2019"]
        assert [info.id for info in campaign_infos(app.config)] == ["tk2017", "tk2019"]
        with app.sessions() as session:
            row = session.get(Campaign, "tk2019")
            assert (row.source, row.in_config, row.applied_by, row.issuer) == (
                "letter", True, "lan", "Bộ Lao động - Thương binh và Xã hội")
            assert row.evidence["deadline"] == "gửi về Bộ trước ngày 15/12/2019"
            assert [item["number"] for item in row.sections] == ["1a", "1b", "1c", "2a", "2b"]
            first_applied = row.applied_at
    finally:
        app.close()
    # Applying again updates it: the new who and when.
    again = run(workdir, "campaign", "from-letter", str(workdir / "letter.txt"), "--apply", "--by", "an")
    assert again.returncode == 0 and "campaign tk2019 updated" in again.stderr
    app = open_app(config)
    try:
        with app.sessions() as session:
            rows = session.scalars(select(Campaign).where(Campaign.id == "tk2019")).all()
            assert len(rows) == 1 and rows[0].applied_by == "an" and rows[0].applied_at > first_applied
    finally:
        app.close()


def test_an_id_the_config_uses_is_refused(workdir):
    (workdir / "2017.txt").write_bytes(fx.LETTER_2017.read_bytes())
    result = run(workdir, "campaign", "from-letter", str(workdir / "2017.txt"), "--apply")
    assert result.returncode == 2 and "'tk2017' is in the config" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert run(workdir, "campaign", "from-letter", str(workdir / "2017.txt"), "--id", "Bad Id").returncode == 2


def test_a_letter_campaign_stays_active_and_the_config_may_take_it_over(workdir):
    assert run(workdir, "campaign", "from-letter", str(workdir / "letter.txt"), "--apply").returncode == 0
    config = load_config(workdir / "reportbox.toml")
    for _ in range(2):  # each open syncs the config's campaigns: the letter's is not retired
        app = open_app(config)
        try:
            with app.sessions() as session:
                assert session.get(Campaign, "tk2019").in_config
        finally:
            app.close()
    pasted = run(workdir, "campaign", "from-letter", str(workdir / "letter.txt")).stdout
    (workdir / "reportbox.toml").write_text(BASE_CONFIG + CONFIG_CAMPAIGN + pasted, encoding="utf-8")
    app = open_app(load_config(workdir / "reportbox.toml"))
    try:
        assert [c.id for c in app.config.campaign] == ["tk2017", "tk2019"]  # once, from the config
        with app.sessions() as session:
            assert session.get(Campaign, "tk2019").source == "config"
    finally:
        app.close()


def test_the_dashboard_shows_a_letter_campaign_with_its_own_section(workdir):
    from starlette.testclient import TestClient

    from models import users
    from web.app import create_app
    from web.views import reminder_policy

    letter = workdir / "byt.txt"
    letter.write_text(LETTER_HEAD + "\nBáo cáo gửi về Bộ trước ngày 20/12/2024.\n", encoding="utf-8")
    assert run(workdir, "campaign", "from-letter", str(letter), "--apply").returncode == 0
    config = load_config(workdir / "reportbox.toml")
    asgi = create_app(config)
    try:
        dashboard = asgi.dashboard
        assert [c.id for c in dashboard.config.campaign] == ["tk2017", "tk2024"]
        assert dashboard.config.section_outline(("tinh_hinh_lao_dong_nuoc_ngoai",)).sections[0].keywords == (
            "Tình hình lao động nước ngoài làm việc", "lao động nước ngoài")
        assert "không còn trong cấu hình" not in reminder_policy(dashboard.config, "tk2024")
        with dashboard.app.sessions.begin() as session:
            users.add_user(session, "an", "reader", "an-reads-only-1", None)
        client = TestClient(asgi, base_url="http://127.0.0.1:8000", follow_redirects=False)
        form = client.get("/login").text
        token = form.split('name="csrftoken" value="', 1)[1].split('"', 1)[0]
        signed_in = client.post("/login", data={"username": "an", "password": "an-reads-only-1", "csrftoken": token,
                                                "next": "/campaigns"})
        assert signed_in.status_code == 303, signed_in.text
        page = client.get("/campaigns/tk2024")
        assert page.status_code == 200 and "812/BYT-KH" in page.text
        assert "tk2024" in client.get("/campaigns").text
    finally:
        asgi.dashboard.close()


def test_a_running_daemon_takes_in_a_campaign_applied_after_it_started(workdir):
    from email.message import EmailMessage

    from jobs.daemon import Daemon
    from models.schema import Submission
    from reportbox.sample_documents import report_docx

    (workdir / "reportbox.toml").write_text(
        BASE_CONFIG + '[[mailbox]]\nname = "inbox"\nkind = "eml-dir"\npath = "inbox"\n' + CONFIG_CAMPAIGN,
        encoding="utf-8")
    mail = EmailMessage()  # a province's 2019 report, which only the letter's campaign can count
    mail["Received"] = "from mx.quangninh.gov.vn by mail.molisa.gov.vn; Tue, 10 Dec 2019 09:00:00 +0700"
    mail["From"], mail["To"], mail["Subject"] = "sldtbxh@quangninh.gov.vn", "phongkh@molisa.gov.vn", "Báo cáo năm 2019"
    mail["Date"], mail["Message-ID"] = "Tue, 10 Dec 2019 09:00:00 +0700", "<bc2019@quangninh.gov.vn>"
    mail.set_content("Kính gửi Vụ Kế hoạch - Tài chính.")
    mail.add_attachment(report_docx("Quảng Ninh", 2019, pages=1), maintype="application", subtype="octet-stream",
                        filename="Bao cao nam 2019.docx")
    (workdir / "inbox").mkdir()
    (workdir / "inbox" / "bc.eml").write_bytes(bytes(mail))
    app = open_app(load_config(workdir / "reportbox.toml"))  # the daemon's, from before the campaign existed
    try:
        daemon = Daemon(app)
        assert [c.id for c in app.config.campaign] == ["tk2017"]
        result = run(workdir, "campaign", "from-letter", str(workdir / "letter.txt"), "--apply", "--by", "lan")
        assert result.returncode == 0, result.stderr
        daemon.run(install_signals=False, max_polls=1)
        assert [c.id for c in app.config.campaign] == ["tk2017", "tk2019"]
        with app.sessions() as session:
            assert {s.campaign for s in session.scalars(select(Submission))} == {"tk2019"}
        app.refresh_campaigns()  # again: nothing added twice
        assert [c.id for c in app.config.campaign] == ["tk2017", "tk2019"]
    finally:
        app.close()


def test_a_letter_already_a_campaign_is_not_applied_again_under_another_id(workdir):
    assert run(workdir, "campaign", "from-letter", str(workdir / "letter.txt"), "--apply").returncode == 0
    twin = run(workdir, "campaign", "from-letter", str(workdir / "letter.txt"), "--apply", "--id", "x2019")
    assert twin.returncode == 2 and "letter 5025/LĐTBXH-KHTC is campaign 'tk2019' already" in twin.stderr


OWN_KEY = "tinh_hinh_lao_dong_nuoc_ngoai"


def _letter_with_an_item_of_its_own(workdir: Path) -> Path:
    path = workdir / "own.txt"
    path.write_text(fx.LETTER_2019.read_text(encoding="utf-8").replace(
        "c) Làm rõ những tồn tại",
        "c) Tình hình lao động nước ngoài làm việc tại địa phương năm 2019.\n\nd) Làm rõ những tồn tại"),
        encoding="utf-8")
    return path


def test_a_stored_campaign_the_config_can_no_longer_take_is_left_out_not_fatal(workdir):
    own = _letter_with_an_item_of_its_own(workdir)
    assert run(workdir, "campaign", "from-letter", str(own), "--apply").returncode == 0
    config = workdir / "reportbox.toml"
    # The operator retitles the letter's own section without keywords: it can no longer be sought.
    config.write_text(config.read_text(encoding="utf-8") + f'[outline.{OWN_KEY}]\ntitle = "Lao động nước ngoài"\n',
                      encoding="utf-8")
    listing = run(workdir, "campaign", "list", "--format", "json")
    assert listing.returncode == 0, listing.stderr  # every command still runs
    assert f"campaign 'tk2019', read from letter 5025/LĐTBXH-KHTC: outline: outline section '{OWN_KEY}'" in \
        listing.stderr
    assert run(workdir, "poll").returncode == 0
    app = open_app(load_config(config))
    try:
        assert [c.id for c in app.config.campaign] == ["tk2017"]
        app.refresh_campaigns()  # the daemon's refresh neither fails nor takes it in
        assert [c.id for c in app.config.campaign] == ["tk2017"]
    finally:
        app.close()
    again = run(workdir, "campaign", "from-letter", str(own), "--apply")  # storing it so is refused up front
    assert again.returncode == 2 and "give [outline.<key>] its keywords" in again.stderr


def test_a_file_with_no_letter_in_it_is_a_usage_error(workdir):
    for name, data in (("empty.txt", b""), ("noise.txt", bytes(range(256)) * 4), ("note.txt", "Xin chào".encode())):
        (workdir / name).write_bytes(data)
        result = run(workdir, "campaign", "from-letter", str(workdir / name))
        assert result.returncode == 2 and "no request letter found in it" in result.stderr, (name, result.stderr)


def test_bo_noi_vu_s_letter_to_two_departments_from_docx_to_a_stored_campaign(workdir):
    """The 2026 letter to the Sở Nội vụ and the Sở Y tế (reportbox.sample_letters) as a .docx: JSON and
    TOML say the departments, and the campaign `--apply` stores keeps them for identification."""
    from reportbox import sample_letters

    letter = workdir / "6121-BNV-KHTC.docx"
    letter.write_bytes(fx.letter_docx(sample_letters.request_letter(health=True)))
    data = json.loads(run(workdir, "campaign", "from-letter", str(letter), "--format", "json").stdout)
    assert (data["id"], data["letter"], data["issuer"], data["registry"]) == ("tk2026", "6121/BNV-KHTC", "Bộ Nội vụ", "vn34")
    assert (data["issued"], data["deadline"], data["report_year"], data["plan_year"]) == (
        "2026-11-24", "2026-12-15", 2026, 2027)
    assert data["departments"] == ["Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội", "Sở Y tế"]
    toml = run(workdir, "campaign", "from-letter", str(letter)).stdout
    assert 'departments = ["Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội", "Sở Y tế"]  # named by' in toml
    pasted = workdir / "pasted.toml"
    pasted.write_text(BASE_CONFIG + toml, encoding="utf-8")
    assert load_config(pasted).campaign[0].departments == ("Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội", "Sở Y tế")
    assert run(workdir, "campaign", "from-letter", str(letter), "--apply").returncode == 0
    shown = run(workdir, "campaign", "show", "tk2026").stdout
    assert "departments addressed: Sở Nội vụ, Sở Lao động - Thương binh và Xã hội, Sở Y tế" in shown
    app = open_app(load_config(workdir / "reportbox.toml"))
    try:
        infos = {info.id: info for info in campaign_infos(app.config)}
        assert infos["tk2026"].departments == ("noi_vu", "ldtbxh", "y_te")
        assert infos["tk2017"].departments == ("noi_vu", "ldtbxh")  # the config's, by default
    finally:
        app.close()


def test_a_letter_to_the_provinces_ubnd_makes_a_campaign_any_department_answers(workdir):
    """`Kính gửi: Ủy ban nhân dân các tỉnh …`: the UBND chooses which department answers, so from-letter
    writes `departments = ["any"]`, which the config takes, and identification checks no department."""
    from reportbox import sample_letters

    text = sample_letters.request_letter().replace(
        f"Kính gửi: {sample_letters.INTERIOR}", "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương")
    letter = workdir / "6121-BNV-KHTC.docx"
    letter.write_bytes(fx.letter_docx(text))
    data = json.loads(run(workdir, "campaign", "from-letter", str(letter), "--format", "json").stdout)
    assert data["departments"] == ["any"]
    toml = run(workdir, "campaign", "from-letter", str(letter)).stdout
    assert 'departments = ["any"]  # "Kính gửi" the provinces\' UBND' in toml
    pasted = workdir / "pasted.toml"
    pasted.write_text(BASE_CONFIG + toml, encoding="utf-8")
    assert load_config(pasted).campaign[0].departments == ("any",)
    assert run(workdir, "campaign", "from-letter", str(letter), "--apply").returncode == 0
    assert "departments addressed: any" in run(workdir, "campaign", "show", "tk2026").stdout
    app = open_app(load_config(workdir / "reportbox.toml"))
    try:
        assert {info.id: info for info in campaign_infos(app.config)}["tk2026"].departments == ()
    finally:
        app.close()
