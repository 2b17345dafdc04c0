"""Bộ Nội vụ's request letter of 2026 (reportbox.sample_letters), to the Sở Nội vụ of the 34 provinces
and, in a variant, to their Sở Y tế too, read as pasted text, as a .docx and as a text PDF: its number
with /BNV-, dates, years, the 34-province registry, the outline, and the departments it addresses."""

from __future__ import annotations

from datetime import date

import pytest

from parsers.letter import letter_from_file, read_letter
from reportbox import sample_letters
from reportbox.letters import campaign_config
from tests.parsers import letter_fixtures as fx
from tests.parsers.test_letter import require_font

INTERIOR = ("Sở Nội vụ", "Sở Lao động - Thương binh và Xã hội")
OUTLINE = [("results", "1a"), ("policies", "1b"), ("shortcomings", "1c"), ("plan", "2a"), ("proposals", "2b")]
VARIANTS = {"interior": False, "interior+health": True}


@pytest.fixture(scope="module")
def letters() -> dict[tuple[str, str], object]:
    read = {}
    for variant, health in VARIANTS.items():
        text = sample_letters.request_letter(health=health)
        read[variant, "txt"] = read_letter(text)
        read[variant, "docx"] = letter_from_file(fx.letter_docx(text), "6121-BNV-KHTC.docx")
        if fx.Path(fx.DEJAVU).is_file():
            read[variant, "pdf"] = letter_from_file(fx.letter_pdf(text), "6121-BNV-KHTC.pdf")
    return read


@pytest.mark.parametrize("kind", ["txt", "docx", "pdf"])
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_field_of_bo_noi_vu_s_letter(letters, variant, kind):
    if kind == "pdf":
        require_font()
    letter = letters[variant, kind]
    assert (letter.letter, letter.issuer, letter.issued, letter.deadline) == (
        "6121/BNV-KHTC", "Bộ Nội vụ", date(2026, 11, 24), date(2026, 12, 15))
    assert (letter.report_year, letter.plan_year, letter.year_end) == (2026, 2027, True)
    assert letter.registry == "vn34"  # the deadline is after 1 July 2025 (Resolution 202/2025/QH15)
    assert letter.subject == sample_letters.SUBJECT
    assert (letter.mailbox, letter.phone) == ("khtc@moha.gov.vn", "024.3824.0213")
    assert [(item.key, item.number) for item in letter.outline] == OUTLINE
    assert letter.outline[-1].title == "Đề xuất, kiến nghị của địa phương đối với Quốc hội, Chính phủ và Bộ Nội vụ"
    assert letter.missing == ()
    if VARIANTS[variant]:
        assert letter.addressees == f"{sample_letters.INTERIOR}; {sample_letters.HEALTH}"
        assert letter.departments == (*INTERIOR, "Sở Y tế")
    else:
        assert letter.addressees == sample_letters.INTERIOR
        assert letter.departments == INTERIOR
    assert letter.evidence["departments"] == letter.addressees


def test_the_stamp_below_the_signature_is_not_read_as_the_letter_s_mailbox(letters):
    assert "vanthu@moha.gov.vn" in sample_letters.request_letter()  # the stamp's e-mail
    assert all(letter.mailbox == "khtc@moha.gov.vn" for letter in letters.values())


def test_the_campaign_it_makes_addresses_those_departments(letters):
    campaign = campaign_config(letters["interior+health", "docx"], "tk2026")
    assert campaign.departments == (*INTERIOR, "Sở Y tế") and campaign.registry == "vn34"
    assert campaign_config(letters["interior", "docx"], "tk2026").departments == INTERIOR


def test_a_letter_that_names_no_department_makes_a_campaign_with_the_default_ones():
    text = sample_letters.request_letter().replace(f"Kính gửi: {sample_letters.INTERIOR}", "Kính gửi: Các Bộ, ngành")
    letter = read_letter(text)
    assert letter.departments == () and "departments" not in letter.evidence
    assert campaign_config(letter, "tk2026").departments == INTERIOR


def test_a_letter_to_the_provinces_people_s_committees_lets_any_department_answer():
    text = sample_letters.request_letter().replace(
        f"Kính gửi: {sample_letters.INTERIOR}", "Kính gửi: Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương")
    letter = read_letter(text)
    assert letter.departments == ("any",)
    assert letter.evidence["departments"] == "Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương"
    assert campaign_config(letter, "tk2026").departments == ("any",)
