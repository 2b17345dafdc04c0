"""Document benchmark: reportbox's reading of .docx and text PDFs against the plain library calls.

    .venv/bin/python -m bench.parse [--files 60] [--max-pages 40] [--workers 2]

Generates N province reports of 1 to --max-pages pages (half .docx, half converted to PDF by
LibreOffice, which is not timed), then in one run prints pages/s of:
  - the fastest plain call on the same files: pypdfium2 text of every page, python-docx paragraphs
    and tables;
  - reportbox's `read_document` (blocks, tables, stamps, legacy text), and with the section split;
  - the same through a pool of --workers processes, and the speed-up;
and the peak RSS of a worker. Each time is the median of three passes. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import random
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportbox.sample_documents import docx_to_pdf, report_docx  # noqa: E402

PROVINCES = ("Quảng Ninh", "Hà Nội", "Đắk Lắk", "Cà Mau", "Thừa Thiên Huế", "Nghệ An")


def make_files(count: int, max_pages: int, seed: int) -> list[tuple[str, str, bytes]]:
    rng = random.Random(seed)
    docx = {f"bc-{i:03d}.docx": report_docx(PROVINCES[i % len(PROVINCES)], 2019, rng.randint(1, max_pages), seed)
            for i in range(count)}
    names = sorted(docx)
    as_pdf = docx_to_pdf({name: docx[name] for name in names[: count // 2]})
    files = [(name.replace(".docx", ".pdf"), "pdf", as_pdf[name]) for name in names[: count // 2]]
    files += [(name, "docx", docx[name]) for name in names[count // 2:]]
    return files


def plain_pdf(data: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        for page in document:
            textpage = page.get_textpage()
            textpage.get_text_bounded()
            textpage.close()
            page.close()
        return len(document)
    finally:
        document.close()


def plain_docx(data: bytes) -> int:
    import docx

    document = docx.Document(io.BytesIO(data))
    text = [p.text for p in document.paragraphs]
    text += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return len(text)


def ours(item: tuple[str, str, bytes]) -> int:
    from parsers.documents.read import read_document

    name, kind, data = item
    document = read_document(data, name, kind)
    if document.error:
        raise SystemExit(f"{name}: {document.error}: {document.detail}")
    return len(document.blocks)


def ours_with_sections(item: tuple[str, str, bytes]) -> int:
    from parsers.attachments import Reading
    from parsers.documents.read import read_document
    from parsers.sections import split_document

    name, kind, data = item
    return len(split_document(read_document(data, name, kind), Reading().outline).parts)


def worker_peak_kib(_: int) -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timed(function, items, repeats: int = 3) -> float:
    """The median of `repeats` passes over the items: this machine is noisy (±20% run to run)."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        for item in items:
            function(item)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=60)
    parser.add_argument("--max-pages", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args()

    started = time.perf_counter()
    files = make_files(args.files, args.max_pages, args.seed)
    pdfs = [f for f in files if f[1] == "pdf"]
    docxs = [f for f in files if f[1] == "docx"]
    pages = sum(plain_pdf(data) for _, _, data in pdfs)
    print(f"{len(pdfs)} PDFs ({pages} pages) and {len(docxs)} .docx, 1-{args.max_pages} pages each "
          f"(generated in {time.perf_counter() - started:.1f} s, not timed)")
    ours(pdfs[0]), ours(docxs[0]), ours_with_sections(docxs[0])  # imports out of the timings

    plain_pdf_s = timed(lambda f: plain_pdf(f[2]), pdfs)
    ours_pdf_s = timed(ours, pdfs)
    print(f"PDF  pypdfium2 text            {plain_pdf_s:6.2f} s  {pages / plain_pdf_s:7.0f} pages/s")
    print(f"PDF  reportbox read_document   {ours_pdf_s:6.2f} s  {pages / ours_pdf_s:7.0f} pages/s"
          f"   overhead {ours_pdf_s / plain_pdf_s - 1:+.0%} (target < +20%)")
    plain_docx_s = timed(lambda f: plain_docx(f[2]), docxs)
    ours_docx_s = timed(ours, docxs)
    print(f"DOCX python-docx text          {plain_docx_s:6.2f} s  {len(docxs) / plain_docx_s:7.1f} files/s")
    print(f"DOCX reportbox read_document   {ours_docx_s:6.2f} s  {len(docxs) / ours_docx_s:7.1f} files/s"
          f"   overhead {ours_docx_s / plain_docx_s - 1:+.0%} (target < +20%)")

    serial = timed(ours_with_sections, files)
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(args.workers, mp_context=context) as pool:
        list(pool.map(ours_with_sections, files[: args.workers]))  # start the workers and their imports
        pooled = timed(lambda batch: list(pool.map(ours_with_sections, batch, chunksize=1)), [files])
        peaks = list(pool.map(worker_peak_kib, range(args.workers * 4)))
    print(f"all files, read + sections, 1 process   {serial:6.2f} s")
    print(f"all files, read + sections, {args.workers} workers   {pooled:6.2f} s   speed-up {serial / pooled:.2f}x"
          " (target >= 1.6x on 2 cores)")
    print(f"peak RSS of a worker {max(peaks) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
