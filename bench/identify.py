"""Identification benchmark: identifications per second on the labelled set, and its accuracy table.

    .venv/bin/python -m bench.identify [--set identify|topics|vn34] [--seed 2019] [--repeats 5] [--real-docx 20]

Builds the labelled messages of tests/parsers/identify_corpus.py (composing, parsing and splitting
them is not timed), then times `facts_from` + `identify` over all of them, the median of --repeats
passes, and prints the accuracy table the test checks. Figures, not assertions.

`--set topics` does the same on tests/parsers/topic_corpus.py (issue 15: two concurrent 2019
campaigns and two dozen kinds of other reports from the same units), with the table
tests/parsers/test_topic_accuracy.py checks; --real-docx does not apply to it.

`--set vn34` does the same on tests/parsers/identify_corpus_2026.py (issue 18: Bộ Nội vụ's 2025 and
2026 year-end campaigns to the 34 provinces: new and old domains, Sở Nội vụ letterheads, former
provinces named in the text, digital-signature stamps, scans, signers named like provinces), with
the per-family table tests/parsers/test_identify_accuracy_2026.py checks (its default seed is 2026).

Identification keeps small caches of what it read of a title (parsers.topics.read_title,
parsers.years): a mailbox sees each title once, a benchmark pass over the same messages again. Each
pass therefore starts with them empty, unless `--warm` (what repeated titles cost).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.parsers.identify_corpus import build_cases, identify_case, report_table  # noqa: E402
from tests.parsers.identify_corpus_2026 import build_cases_2026, identify_case_2026, table_2026  # noqa: E402
from tests.parsers.topic_corpus import build_topic_cases, identify_topic_case, topic_table  # noqa: E402

SETS = {  # name: (build(seed, real_docx), identify one case, table)
    "identify": (lambda seed, real_docx: build_cases(seed, real_docx), identify_case, report_table),
    "topics": (lambda seed, real_docx: build_topic_cases(seed), identify_topic_case, topic_table),
    "vn34": (lambda seed, real_docx: build_cases_2026(seed), identify_case_2026, table_2026),
}


def clear_title_caches() -> None:
    """Forget every title read: each pass then costs what new mail costs."""
    import parsers.identify
    import parsers.topics
    import parsers.years

    for cached in (parsers.topics.read_title, parsers.years._read, parsers.identify._judged):
        cached.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="identify", dest="which",
                        help="the labelled set: identify_corpus (default), topic_corpus or identify_corpus_2026")
    parser.add_argument("--seed", type=int, default=None, help="default 2019 (2026 for --set vn34)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--real-docx", type=int, default=20, help="report_docx files read for real (slower)")
    parser.add_argument("--warm", action="store_true", help="keep the title caches between passes")
    args = parser.parse_args()

    build, identify_one, table = SETS[args.which]
    started = time.perf_counter()
    seed = args.seed if args.seed is not None else (2026 if args.which == "vn34" else 2019)
    cases = build(seed, args.real_docx)
    print(f"{len(cases)} labelled messages (built in {time.perf_counter() - started:.1f} s, not timed)")
    identify_one(cases[0])  # imports and registry tables out of the timings
    times = []
    for _ in range(args.repeats):
        if not args.warm:
            clear_title_caches()
        started = time.perf_counter()
        results = [identify_one(case) for case in cases]
        times.append(time.perf_counter() - started)
    best, median = min(times), statistics.median(times)
    print(f"facts_from + identify: {median * 1000 / len(cases):.2f} ms each, {len(cases) / median:.0f} per second "
          f"(median of {args.repeats}; best {len(cases) / best:.0f}/s)")
    print(table(cases, results))


if __name__ == "__main__":
    main()
