"""The year-end campaigns the history tests share, as `[[campaign]]` blocks of a reportbox.toml:
the 2024 report of the 63 (due 2024-12-15, Bộ LĐTBXH), the 2025 one whose year straddles the
merger (due 2026-01-15, Bộ Nội vụ: it expects the 34) and the 2026 one."""

from __future__ import annotations

# report year → (issued, deadline, the ministry's letter)
YEAR_END = {
    2024: ("2024-11-20", "2024-12-15", "4321/LĐTBXH-KHTC"),
    2025: ("2025-12-01", "2026-01-15", "100/BNV-KHTC"),
    2026: ("2026-11-20", "2026-12-15", "200/BNV-KHTC"),
}


def year_end_campaign(report_year: int, campaign_id: str | None = None, letter: str | None = None) -> str:
    """The `[[campaign]]` block of that year's year-end report (id `tk<year>` and the table's letter
    unless given)."""
    issued, deadline, default_letter = YEAR_END[report_year]
    return f"""
[[campaign]]
id = "{campaign_id or f'tk{report_year}'}"
letter = "{letter or default_letter}"
title = "Đánh giá tình hình thực hiện năm {report_year}; nhiệm vụ, giải pháp năm {report_year + 1}"
report_year = {report_year}
plan_year = {report_year + 1}
issued = {issued}
deadline = {deadline}
"""
