"""The correction workbook as the official opens and prints it (issue 22): it opens on Koreksi,
whose table has borders, wrapped text, rows as high as their text and an A4 landscape print
setup one page wide; the form's Petunjuk does not overprint; each comment starts with the
finding. The Calc check converts the demo's IRBAN3 workbook with LibreOffice."""

import shutil
import subprocess

import openpyxl
import pytest

from sakip import xlsx
from sakip.paraf import koreksi as koreksi_stage

from tests.conftest import INPUTS

SOURCE = "realisasi/tw2/PK-IRBAN3.xlsx"


@pytest.fixture(scope="module")
def koreksi(verdicts_tw2, tmp_path_factory):
    out = tmp_path_factory.mktemp("koreksi")
    [book] = koreksi_stage.write_corrections(verdicts_tw2["PK-IRBAN3"], {SOURCE: INPUTS / "2026" / SOURCE}, out)
    return book


def test_it_opens_on_koreksi_with_only_koreksi_selected(koreksi):
    wb = openpyxl.load_workbook(koreksi)
    assert wb.active.title == "Koreksi" and wb.views[0].activeTab == 0
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Koreksi"]


def test_koreksi_prints_on_a4_landscape_one_page_wide_with_its_header_repeated(koreksi):
    ws = openpyxl.load_workbook(koreksi)["Koreksi"]
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$2:$2"
    assert ws.print_area == "'Koreksi'!$A$1:$I$7"
    assert "A1:I1" in {str(r) for r in ws.merged_cells.ranges}  # the title is not cut at column I
    assert "&P" in ws.oddFooter.center.text


def test_koreksi_table_has_borders_wrap_and_row_heights_that_fit(koreksi):
    ws = openpyxl.load_workbook(koreksi)["Koreksi"]
    for row in ws.iter_rows(min_row=2, max_row=7, max_col=9):
        for cell in row:
            assert cell.border.left.style == cell.border.bottom.style == "thin", cell.coordinate
            assert cell.alignment.wrap_text, cell.coordinate
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFGHI"}
    for row in ws.iter_rows(min_row=3, max_row=7, max_col=9):
        need = max(xlsx.text_lines(str(c.value), widths[c.column_letter]) for c in row if c.value is not None)
        assert need > 1 and ws.row_dimensions[row[0].row].height >= need * xlsx.LINE_POINTS


def test_petunjuk_rows_are_as_high_as_their_wrapped_lines(koreksi):
    ws = openpyxl.load_workbook(koreksi)["Petunjuk"]
    width = ws.column_dimensions["A"].width
    assert width <= koreksi_stage.PORTRAIT_COLUMNS
    long = [c for c in ws["A"] if isinstance(c.value, str) and xlsx.text_lines(c.value, width) > 1]
    assert long, "the demo's instructions have lines that wrap"
    for cell in long:
        assert ws.row_dimensions[cell.row].height >= xlsx.text_lines(cell.value, width) * xlsx.LINE_POINTS


def test_each_comment_starts_with_its_finding(koreksi, verdicts_tw2):
    ws = openpyxl.load_workbook(koreksi)["Realisasi"]
    for f in verdicts_tw2["PK-IRBAN3"].findings:
        text = ws[f.location.cell].comment.text
        assert text.startswith(f"{f.label}: {f.message}"), text
        assert "Tulis 45,5" not in text or "Petunjuk formulir: Tulis 45,5" in text


def test_text_lines_counts_wrapped_and_broken_lines():
    assert xlsx.text_lines("", 10) == 1
    assert xlsx.text_lines("satu\ndua", 10) == 2
    assert xlsx.text_lines("kata " * 40, 20) > 5


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdfinfo"), reason="LibreOffice/poppler absent")
def test_calc_prints_koreksi_one_page_wide_and_the_title_whole(koreksi, tmp_path):
    wb = openpyxl.load_workbook(koreksi)
    for title in wb.sheetnames[1:]:
        del wb[title]
    only = tmp_path / "koreksi_only.xlsx"
    wb.save(only)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(only)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "koreksi_only.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "Pages:           1" in info and "841.89 x 595.3" in info  # A4 landscape, one page
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    assert "lalu kirim kembali." in text and "Cara memperbaiki" in text and "Halaman 1" in text


def test_the_units_sheets_print_one_page_wide_and_their_wrapped_rows_fit(koreksi):
    """The demo's forms predate row heights and a print setup: in the copy, the Realisasi sheet
    (wider than portrait) prints landscape one page wide, and its wrapped indicator names get
    the rows they need; a height the form set itself is kept."""
    source = openpyxl.load_workbook(INPUTS / "2026" / SOURCE)["Realisasi"]
    ws = openpyxl.load_workbook(koreksi)["Realisasi"]
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.orientation == "landscape"
    width = ws.column_dimensions["C"].width
    wrapped = [c for c in ws["C"] if isinstance(c.value, str) and c.alignment.wrap_text
               and xlsx.text_lines(c.value, width) > 1 and source.row_dimensions[c.row].height is None]
    assert wrapped, "the demo has indicator names that wrap"
    for cell in wrapped:
        assert ws.row_dimensions[cell.row].height >= xlsx.text_lines(cell.value, width) * xlsx.LINE_POINTS
    for row, dim in source.row_dimensions.items():
        if dim.height is not None:
            assert ws.row_dimensions[row].height == dim.height
