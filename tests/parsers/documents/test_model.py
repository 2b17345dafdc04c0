from parsers.documents.model import Table
from parsers.documents.read import read_document
from reportbox.sample_documents import report_docx


def test_table_cells_read_as_vietnamese_numbers():
    table = Table(rows=(("Chỉ tiêu", "KH 2019", "TH 2019", "Tỷ lệ"),
                        ("Giải quyết việc làm", "24.744", "25.486", "103,0%"),
                        ("Tỷ lệ hộ nghèo", "1,2", "0,98", "(3)")))
    assert table.numbers() == ((None, None, None, None), (None, 24744, 25486, 103.0), (None, 1.2, 0.98, None))


def test_numbers_of_a_table_read_from_a_report():
    document = read_document(report_docx("Cà Mau", 2019, pages=2), "bc.docx", "docx")
    [indicators] = [b.table for b in document.blocks if b.table and b.table.rows[0][1] == "Chỉ tiêu"]
    planned = [row[3] for row in indicators.numbers()[1:]]
    texts = [row[3] for row in indicators.rows[1:]]
    assert all(isinstance(n, int) and n >= 1000 for n in planned)
    assert [f"{n:,}".replace(",", ".") for n in planned] == texts  # "12.345" is twelve thousand, not 12.3
