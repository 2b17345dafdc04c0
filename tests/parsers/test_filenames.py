import pytest

from parsers.filenames import MAX_NAME_BYTES, safe_filename


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("C:\\Users\\vanthu\\Báo cáo.docx", "Báo cáo.docx"),
        ("bao\x00cao\r\n.pdf", "baocao.pdf"),
        (".hidden", "hidden"),
        ("..", "fallback.bin"),
        ("", "fallback.bin"),
        (None, "fallback.bin"),
        ("report\u202egpj.exe", "reportgpj.exe"),  # right-to-left override hides the real extension
        ("a<b>c:d|e?f*.pdf", "a_b_c_d_e_f_.pdf"),
        ("CON.docx", "_CON.docx"),
        ("Báo  cáo\tnăm 2019 .pdf", "Báo cáo năm 2019 .pdf"),
        ("Ba\u0301o ca\u0301o.pdf", "Báo cáo.pdf"),  # decomposed (NFD) → NFC
    ],
)
def test_hostile_names_are_made_safe(hostile, expected):
    assert safe_filename(hostile, "fallback.bin") == expected


def test_long_names_are_clipped_by_bytes_keeping_the_extension():
    name = "Báo cáo tình hình thực hiện " * 40 + ".docx"
    safe = safe_filename(name, "x")
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
    assert safe.endswith(".docx")
    safe.encode("utf-8").decode("utf-8")  # whole characters only
    assert safe.startswith("Báo cáo tình hình")
