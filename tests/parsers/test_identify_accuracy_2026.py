"""Accuracy of identification on today's campaigns (issue 18): the labelled set of
tests/parsers/identify_corpus_2026.py, 34 provinces, Bộ Nội vụ's 2025 and 2026 year-end reports.

Prints the table per family (shown with `pytest -s`, and on failure, with every case a person would
correct and its evidence). Fails when:
- fewer than 300 cases, a vn34 unit has no labelled submission, or a family is missing;
- any message is accepted for another unit than the one that sent it (a former province named in the
  text, a signer called Thanh Hoa, an old domain): wrongly accepted is worse than sent to review;
- any kind, reason, campaign or report year is not as labelled (a half-year report counted, an
  automatic reply taken for a report, the 2025 report filed under 2026, a Sở Y tế report counted for
  a campaign whose letter did not address the Sở Y tế);
- fewer than 97% of the labelled submissions are accepted without review.
"""

from __future__ import annotations

import pytest

from parsers.registry import builtin
from tests.parsers.identify_corpus_2026 import build_cases_2026, figures, identify_case_2026, table_2026

MIN_CASES = 300
MIN_ACCEPTED = 0.97
FAMILIES = {"new_domain", "old_domain", "letterhead", "webmail_known", "former_named", "stamp", "scan", "signer_name",
            "late", "forwarded", "health", "other_department", "ubnd", "half_year", "reply", "auto_reply",
            "bounce"}  # fmt: skip


@pytest.fixture(scope="module")
def measured():
    cases = build_cases_2026()
    results = [identify_case_2026(case) for case in cases]
    table = table_2026(cases, results)
    print("\n" + table)
    return cases, results, table


def _report(table: str, lines: tuple[str, ...]) -> str:
    return table + "\n" + "\n".join(lines)


def test_the_set_is_large_and_covers_every_unit_and_family(measured):
    cases, _, table = measured
    assert len(cases) >= MIN_CASES, table
    labelled = {c.expected_unit for c in cases if c.expected_kind == "submission"}
    assert set(builtin("vn34").codes) == labelled, table
    assert FAMILIES <= {c.family for c in cases}, table
    for family in ("new_domain", "old_domain", "former_named", "stamp", "scan", "signer_name"):
        assert sum(c.family == family for c in cases) >= 20, family
    counted = [c for c in cases if c.expected_kind == "submission" and c.expected_report_kind == "report"]
    assert {c.expected_campaign for c in counted} == {"bnv2025", "bnv2026"}
    other = {(c.family, c.expected_campaign) for c in cases if c.expected_report_kind == "other_report"}
    # the Sở Y tế's to the 2025 letter, which did not address it; the Sở GD&ĐT's and Sở NN&MT's to either
    assert other == {("health", None), ("other_department", None)}, other


def test_no_message_is_accepted_for_another_unit(measured):
    cases, results, table = measured
    f = figures(cases, results)
    assert not f.wrong_units, _report(table, tuple(x for x in f.failing if "wrong unit" in x))


def test_kinds_campaigns_and_years_are_as_labelled(measured):
    cases, results, table = measured
    f = figures(cases, results)
    wrong = tuple(x for x in f.failing if x.split(": ", 1)[0] in f.wrong_kinds)
    assert not f.wrong_kinds, _report(table, wrong)


def test_nearly_all_submissions_are_accepted_without_review(measured):
    cases, results, table = measured
    f = figures(cases, results)
    assert f.accepted_share >= MIN_ACCEPTED, _report(table, tuple(x for x in f.failing if "to review" in x))
