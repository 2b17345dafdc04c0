"""Plain-text attachments of unknown 8-bit charset: what choosing between cp1258 and TCVN3/VNI costs.

    .venv/bin/python -m bench.decode [--kb 64] [--repeats 7]

Builds a report of about --kb KB from Vietnamese sentences and saves it as UTF-8, as cp1258 (what
Notepad on Vietnamese Windows writes), as TCVN3 and as VNI. Times, per KB, what reading a .txt
attachment does now (parsers.documents.text.decode) against what it did before (UTF-8, else cp1258,
then fix_legacy), and the syllable scorer alone. Words are judged once per process (parsers.vietnamese
caches them): "cold" runs start with those caches empty, as a worker's first document does; "warm"
runs keep them, as the next documents do. Figures, not assertions: medians of --repeats runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import parsers.vietnamese as vietnamese  # noqa: E402
from parsers.documents.text import decode  # noqa: E402
from parsers.vietnamese import fix_legacy, syllable_score  # noqa: E402
from tests.parsers.documents.archive_fixtures import cp1258  # noqa: E402
from tests.parsers.documents.test_text import PARAGRAPH  # noqa: E402
from tests.parsers.test_vietnamese import SENTENCES, to_tcvn3, to_vni  # noqa: E402


def report(kb: int) -> str:
    lines, size = [], 0
    while size < kb * 1024:
        for line in (PARAGRAPH, *SENTENCES):
            lines.append(line)
            size += len(line.encode("utf-8")) + 2
    return "\r\n".join(lines)


def per_kb(work, data: bytes, repeats: int, *, cold: bool) -> float:
    """Median µs per KB of the input."""
    times = []
    for _ in range(repeats):
        if cold:
            vietnamese._is_syllable.cache_clear()
            vietnamese._evidence.cache_clear()
        started = time.perf_counter()
        work(data)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6 / (len(data) / 1024)


def before(data: bytes) -> tuple[str, str | None]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1258", "replace")
    return fix_legacy(text)


def now(data: bytes) -> tuple[str, str | None]:
    decoded = decode(data)
    return decoded.text, decoded.encoding


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    text = report(args.kb)
    files = {
        "UTF-8": text.encode("utf-8"),
        "cp1258": cp1258(text),
        "TCVN3": to_tcvn3(text).encode("latin-1"),
        "VNI": to_vni(text).encode("cp1252"),
    }
    print(f"a report of {len(text):,} characters; µs per KB of the file (median of {args.repeats})")
    print(f"{'file':<8} {'KB':>6} {'cold: before':>12} {'now':>7} {'warm: before':>12} {'now':>7}"
          "  read right before / now")
    for name, data in files.items():
        cold = [per_kb(work, data, args.repeats, cold=True) for work in (before, now)]
        warm = [per_kb(work, data, args.repeats, cold=False) for work in (before, now)]
        right = (before(data)[0] == text, now(data)[0] == text)
        print(f"{name:<8} {len(data) / 1024:>6.1f} {cold[0]:>12.0f} {cold[1]:>7.0f} {warm[0]:>12.0f} {warm[1]:>7.0f}"
              f"  {right[0]} / {right[1]}")
    scored = text.encode("utf-8")
    for cold in (True, False):
        cost = per_kb(lambda data: syllable_score(data.decode("utf-8")), scored, args.repeats, cold=cold)
        print(f"syllable_score alone, {'cold' if cold else 'warm'}: {cost:.0f} µs per KB of UTF-8 text")

if __name__ == "__main__":
    main()
