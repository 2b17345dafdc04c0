"""Accuracy of identification on the labelled set of tests/parsers/identify_corpus.py (issue 4).

Prints a table per family (shown with `pytest -s`, and on failure). Fails when:
- fewer than 300 cases, or a vn63 or vn34 unit has no case;
- precision of accepted submissions (unit AND year right) is below 99%: wrongly accepted is worse
  than sent to review;
- any not-a-submission is accepted as a report (a half-year report is filed as another report of its
  unit, `other_report`, and never counted), or classified with another kind or reason;
- recall (submissions accepted with unit and year right) is below 90%. The set is mostly messages
  a person would file without hesitation (a letterhead, a place line, a domain or a known sender),
  so 90% leaves room for the deliberately doubtful ones (namesake senders, cooperation reports
  naming the partner first, letterheads without the province) that should go to review.
"""

from __future__ import annotations

import pytest

from parsers.registry import builtin
from tests.parsers.identify_corpus import build_cases, identify_case, report_table, score

MIN_CASES = 300
MIN_PRECISION = 0.99
MIN_RECALL = 0.90


@pytest.fixture(scope="module")
def measured():
    cases = build_cases()
    results = [identify_case(case) for case in cases]
    table = report_table(cases, results)
    print("\n" + table)
    return cases, results, table


def test_the_set_is_large_and_covers_every_unit(measured):
    cases, _, table = measured
    assert len(cases) >= MIN_CASES, table
    for registry in ("vn63", "vn34"):
        labelled = {c.expected_unit for c in cases if c.name.startswith(registry) and c.expected_kind == "submission"}
        assert set(builtin(registry).codes) <= labelled, f"{registry} units without a case"
    families = {c.family for c in cases}
    assert {"domain", "webmail_known", "webmail_unknown", "alias", "cites_other", "forwarded", "half_year",
            "nine_months", "reply", "auto_reply", "bounce", "vn34_old_name", "real_docx"} <= families  # fmt: skip


def test_accepted_submissions_are_right(measured):
    cases, results, table = measured
    s = score(cases, results)
    assert s.precision >= MIN_PRECISION, f"wrongly accepted: {s.wrong_accepted}\n{table}"


def test_recall(measured):
    cases, results, table = measured
    assert score(cases, results).recall >= MIN_RECALL, table


def test_no_other_message_is_accepted(measured):
    cases, results, table = measured
    wrong = [(c.name, r.kind, r.reason, r.state, r.report_kind, r.campaign) for c, r in zip(cases, results)
             if c.expected_kind != "submission" and (
                 (r.state == "accepted" and (r.report_kind != "other_report" or r.campaign is not None))
                 or (r.kind, r.reason) != (c.expected_kind, c.expected_reason))]  # fmt: skip
    assert not wrong, f"{wrong}\n{table}"
