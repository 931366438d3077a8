"""sakip.pdf.pagination: a signature block never stands alone on a page."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml import OxmlElement
from docx.shared import Cm, Pt
from lxml import etree

from sakip.pdf import pagination
from sakip.model import signature_marker

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MARK = signature_marker("ttd_pejabat")


def document(path: Path, rows: int, above_signature: str = "", signature_lines: int = 14) -> Path:
    """A portrait A4 page of 25,7 cm: a table whose header repeats, a group label row, `rows`
    rows exactly 1 cm high, then a signature block `signature_lines` lines tall."""
    d = docx.Document()
    section = d.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.0)
    t = d.add_table(rows=1, cols=2)
    t.style = "Table Grid"
    t.rows[0].cells[0].text, t.rows[0].cells[1].text = "No", "Indikator Kinerja"
    header = t.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    group = t.add_row()
    merged = group.cells[0].merge(group.cells[1])
    merged.text = "Sasaran 1: Meningkatnya akuntabilitas"
    for n in range(1, rows + 1):
        row = t.add_row()
        row.height, row.height_rule = Cm(1.0), WD_ROW_HEIGHT_RULE.EXACTLY
        row.cells[0].text, row.cells[1].text = str(n), f"Indikator nomor {n}"
    d.add_paragraph(above_signature)
    # The signature block as the templates make it: the right cell of a row that cannot split.
    block = d.add_table(rows=1, cols=2)
    block.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cell = block.rows[0].cells[1]
    cell.text = "Sukamaju, 6 Juli 2026"
    cell.add_paragraph("Kepala Badan")
    marker = cell.add_paragraph().add_run(MARK)
    marker.font.size = Pt(1)
    for _ in range(signature_lines - 4):
        cell.add_paragraph("")
    cell.add_paragraph("NAMA PEJABAT")
    cell.add_paragraph("NIP. 197205141998031004")
    d.save(path)
    return path


def body(path: Path) -> list[etree._Element]:
    with zipfile.ZipFile(path) as z:
        return list(etree.fromstring(z.read("word/document.xml")).find(f"{W}body"))


def texts(table: etree._Element) -> list[str]:
    return ["|".join("".join(c.itertext()) for c in row.findall(f"{W}tc")) for row in table.findall(f"{W}tr")]


def test_the_last_row_moves_under_a_copy_of_the_header_and_its_group_label(tmp_path):
    path = document(tmp_path / "a.docx", rows=5)
    assert pagination.move_last_row(path)
    first, gap, second = body(path)[:3]
    assert texts(first) == ["No|Indikator Kinerja", "Sasaran 1: Meningkatnya akuntabilitas",
                            *[f"{n}|Indikator nomor {n}" for n in range(1, 5)]]
    assert gap.find(f"{W}pPr/{W}pageBreakBefore") is not None
    assert texts(second) == ["No|Indikator Kinerja", "Sasaran 1: Meningkatnya akuntabilitas", "5|Indikator nomor 5"]
    assert second.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None  # it still repeats if it runs on


def test_nothing_moves_when_text_stands_between_the_table_and_the_signature(tmp_path):
    path = document(tmp_path / "a.docx", rows=5, above_signature="Demikian laporan ini dibuat.")
    before = path.read_bytes()
    assert not pagination.move_last_row(path)
    assert path.read_bytes() == before


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_a_signature_pushed_alone_onto_a_page_comes_back_with_the_last_row(tmp_path):
    """44 rows of 1 cm: the second page has 4,7 cm left under its 20 rows and the 7 cm signature
    goes alone to page 3. After the repair page 3 holds the header, the group label, row 44 and
    the signature."""
    from pypdf import PdfReader

    from sakip.pdf.convert import Converter

    source = document(tmp_path / "a.docx", rows=44)
    with Converter(slots=1) as converter:
        [plain] = converter.convert_batch([document(tmp_path / "plain.docx", rows=44)], tmp_path / "plain")
        assert plain.pdf is not None, plain.error
        assert pagination.signature_alone(plain.pdf), "the test document no longer leaves its signature alone"
        [outcome] = pagination.convert(converter, [source], tmp_path / "pdf")
    assert outcome.pdf is not None, outcome.error
    assert not pagination.signature_alone(outcome.pdf)
    last = PdfReader(outcome.pdf).pages[-1].extract_text()
    assert "No" in last and "Sasaran 1" in last and "Indikator nomor 44" in last and "NIP. 197205141998031004" in last
    assert "Indikator nomor 43" not in last


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_a_signature_under_the_tables_rows_on_a_later_page_is_not_alone(tmp_path):
    from pypdf import PdfReader

    from sakip.pdf.convert import Converter

    with Converter(slots=1) as converter:
        [outcome] = converter.convert_batch([document(tmp_path / "a.docx", rows=30)], tmp_path)
    assert outcome.pdf is not None, outcome.error
    assert len(PdfReader(outcome.pdf).pages) == 2
    assert not pagination.signature_alone(outcome.pdf)
