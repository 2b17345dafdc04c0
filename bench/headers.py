"""Authentication-Results: what a header a sender made long costs to read, per KB.

    .venv/bin/python -m bench.headers [--repeats 5] [--before-max-kb 20]

Every message's Authentication-Results are parsed before the trust filter, so anyone can send one.
Times, per KB of the header, reading it whole (parsers.headers._read_authentication_results: no cap,
to show the reader is linear, the same µs per KB from 1 KB to 300 KB) and as parse_message does
(parse_authentication_results: the statements within the first MAX_AUTH_RESULTS_CHARS only), for
three shapes: a real header's verdicts repeated, a run of letters with no '=' (what made the pattern
of 31e75d4 quadratic), and nested comments. "before" is that pattern, timed up to --before-max-kb
(it takes 40 s at 40 KB). Last, parse_message of a message with 1,000 headers and of one with a 300
KB header. Figures, not assertions: medians of --repeats runs.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from parsers.headers import (  # noqa: E402
    _read_authentication_results,
    _without_comments,
    parse_authentication_results,
)
from parsers.message import parse_message  # noqa: E402

SIZES_KB = (1, 5, 20, 50, 100, 300)
VERDICT = "dkim=pass (1024-bit key; secure) header.d=quangninh.gov.vn header.i=@quangninh.gov.vn header.b=\"mj+deT/Q\"; "
SHAPES = {
    "verdicts": lambda size: ("mx.molisa.gov.vn; " + VERDICT * (size // len(VERDICT) + 1))[:size],
    "letters": lambda size: "mx.molisa.gov.vn; " + "a" * size,
    "comments": lambda size: "mx.molisa.gov.vn; " + "(a(b)" * (size // 5),
}
# The reader of 31e75d4, for comparison.
_BEFORE_TOKEN = re.compile(r'([A-Za-z][\w.-]*)(?:/\d+)?\s*=\s*("(?:[^"\\]|\\.)*"|[^\s;"]+)')


def before(value: str) -> list:
    value = _without_comments(" ".join(value.split()))
    rest = value.partition(";")[2]
    return [_BEFORE_TOKEN.findall(s) for s in re.findall(r'(?:"(?:[^"\\]|\\.)*"|[^;"])+', rest)]


def median_seconds(work, value, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work(value)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def message(auth_results: list[str]) -> bytes:
    mail = EmailMessage()
    for value in auth_results:
        mail["Authentication-Results"] = value
    mail["From"], mail["To"], mail["Subject"] = "a@quangninh.gov.vn", "vukhtc@molisa.gov.vn", "Báo cáo"
    mail.set_content("Kính gửi Bộ.")
    return mail.as_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--before-max-kb", type=int, default=20)
    args = parser.parse_args()
    print(f"µs per KB of the header (median of {args.repeats}); 'capped' is parse_authentication_results")
    print(f"{'shape':<9} {'KB':>4} {'before':>9} {'whole':>7} {'capped':>7}")
    for name, build in SHAPES.items():
        for kb in SIZES_KB:
            value = build(kb * 1024)
            old = (f"{median_seconds(before, value, 1 if kb > 5 else args.repeats) * 1e6 / kb:9.0f}"
                   if kb <= args.before_max_kb else f"{'-':>9}")
            whole = median_seconds(_read_authentication_results, value, args.repeats) * 1e6 / kb
            capped = median_seconds(parse_authentication_results, value, args.repeats) * 1e6 / kb
            print(f"{name:<9} {kb:>4} {old} {whole:7.0f} {capped:7.0f}")
    many = message([f"mx{i}.example; dmarc=fail header.from=quangninh.gov.vn" for i in range(1000)])
    long = message(["mx.molisa.gov.vn; " + VERDICT * (300 * 1024 // len(VERDICT))])
    for label, raw in (("1,000 headers", many), ("a 300 KB header", long)):
        print(f"parse_message, {label}: {median_seconds(parse_message, raw, args.repeats) * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
