"""Quarterly realisasi forms: pre-filled, locked, validated, and read back exactly."""

from decimal import Decimal

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sakip.documents import forms
from sakip.ingest import workbooks as ingest

from tests.conftest import INPUTS
from tests.test_cli import run


@pytest.fixture(scope="module")
def tw2_forms(tmp_path_factory):
    out = tmp_path_factory.mktemp("forms")
    return {p.stem: p for p in forms.generate_forms(INPUTS, out, 2026, 2)}


def header_row(ws):
    return next(r for r in ws.iter_rows(values_only=True) if r[0] == "No")


def test_one_form_per_pk_opening_on_the_sheet_to_fill(tw2_forms):
    assert set(tw2_forms) == {"PK-INSP", "PK-SEK", "PK-IRBAN1", "PK-IRBAN2", "PK-IRBAN3"}
    wb = openpyxl.load_workbook(tw2_forms["PK-SEK"])
    assert wb.sheetnames == ["Petunjuk", "Identitas", "Realisasi", "Anggaran"]
    assert wb.active.title == "Realisasi"
    assert "Isi hanya sel berwarna kuning" in wb["Petunjuk"]["A3"].value


def test_form_is_prefilled_with_targets_and_the_previous_quarter(tw2_forms):
    ws = openpyxl.load_workbook(tw2_forms["PK-SEK"])["Realisasi"]
    head = header_row(ws)
    assert head[5:9] == ("Target TW", "Target s.d. TW II", "Realisasi TW I (lalu)", "Realisasi TW")
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[1]}
    # IK-02 "Jumlah dokumen" (Jumlah): TW II target 2, to date 1 + 2; TW I realisasi 1
    assert rows["IK-02"][5:9] == (2, 3, 1, None)
    # IK-01 (Rata-rata of 100, 100) and IK-03 (Akhir: the TW II target)
    assert rows["IK-01"][6] == 100 and rows["IK-03"][6] == 45
    assert rows["IK-03"][7] == 19.6


def test_only_the_cells_to_fill_are_open(tw2_forms):
    wb = openpyxl.load_workbook(tw2_forms["PK-INSP"])
    ws = wb["Realisasi"]
    assert ws.protection.sheet and wb["Anggaran"].protection.sheet and wb["Identitas"].protection.sheet
    head = header_row(ws)
    value_col = head.index("Realisasi TW") + 1
    for r in range(5, 10):
        assert ws.cell(r, 3).protection.locked  # indicator name
        assert ws.cell(r, 6).protection.locked  # target
        assert all(not ws.cell(r, c).protection.locked for c in range(value_col, value_col + 4))


def test_numbers_are_validated_and_qualitative_values_are_a_dropdown(tw2_forms):
    ws = openpyxl.load_workbook(tw2_forms["PK-INSP"])["Realisasi"]
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    decimal = next(dv for dv in rules.values() if dv.type == "decimal")
    assert {"I8", "I9"} <= set(str(decimal.sqref).split()) and decimal.prompt and decimal.showErrorMessage
    assert rules["I5"].type == "list" and "WTP" in rules["I5"].formula1  # opini BPK
    assert "BB" in rules["I6"].formula1 and "Level 3" in rules["I7"].formula1


def test_cli_writes_the_forms(tmp_path):
    r = run("forms", "2026", "3", "--outputs", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "2026/TW3/formulir").glob("*.xlsx"))) == 5 and "5 formulir" in r.stdout


amounts = st.decimals(min_value=0, max_value=Decimal("99999999999.99"), places=2, allow_nan=False, allow_infinity=False)
rupiah = st.integers(min_value=0, max_value=10**13)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(amounts, min_size=5, max_size=5), spent=st.lists(rupiah, min_size=3, max_size=3))
def test_a_filled_form_reads_back_exactly(tw2_forms, tmp_path_factory, values, spent):
    wb = openpyxl.load_workbook(tw2_forms["PK-INSP"])
    ws = wb["Realisasi"]
    col = header_row(ws).index("Realisasi TW") + 1
    codes = [ws.cell(r, 2).value for r in range(5, 10)]
    for r, v in zip(range(5, 10), values):
        ws.cell(r, col).value = float(v) if v != v.to_integral_value() else int(v)
    for r, v in zip(range(5, 8), spent):
        wb["Anggaran"].cell(r, 6).value = v
    path = tmp_path_factory.mktemp("isi") / "PK-INSP.xlsx"
    wb.save(path)
    head, rows, budget = ingest.read_realisasi_workbook(path)
    assert head["pk"] == "PK-INSP" and head["triwulan_text"] == "II"
    assert [r["kode"] for r in rows] == codes
    assert [r["realisasi"] for r in rows] == values
    assert [b["realisasi_anggaran"] for b in budget] == [Decimal(v) for v in spent]


# ---------------------------------------------------------------- one rule for a realisasi not there yet (issue 21 item 5)


def _one_line(text: str) -> str:
    return " ".join(text.replace("> ", " ").split())


def test_form_readme_demo_and_paraf_give_one_rule_for_a_realisasi_not_there_yet(tw2_forms, tmp_path, monkeypatch):
    import json
    import shutil
    import sys

    from sakip.model import REALISASI_BELUM_ADA as rule

    from tests.conftest import ROOT

    # The form: Petunjuk #5, the number cell's input message and error alert, the dropdown's message.
    wb = openpyxl.load_workbook(tw2_forms["PK-INSP"])
    assert [v for (v,) in wb["Petunjuk"].iter_rows(values_only=True) if v and v.startswith("5. ")] == [
        f"5. {rule} Triwulan tanpa target boleh dikosongkan."]
    rules = wb["Realisasi"].data_validations.dataValidation
    decimal = next(dv for dv in rules if dv.type == "decimal")
    assert decimal.prompt.endswith(rule) and decimal.error.endswith(rule)
    assert all(len(dv.prompt) <= 255 and len(dv.error) <= 225 for dv in rules)  # Excel's limits for each
    assert all(dv.prompt.endswith(rule) for dv in rules if dv.type == "list")
    # The paraf's finding for an empty cell where the quarter has a target.
    suite = json.loads((ROOT / "expectations/realisasi.json").read_text())
    (terisi,) = [e for e in suite["expectations"] if e["meta"]["id"] == "realisasi_terisi"]
    assert terisi["meta"]["perbaikan"] == rule
    # inputs/README.md, word for word.
    assert rule in _one_line((ROOT / "inputs/README.md").read_text())
    # The demo workbooks as scripts/make_demo_inputs.py writes them: no other rule ("isi tanda '-'", "kosongkan").
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_demo_inputs
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    monkeypatch.setattr(make_demo_inputs, "ROOT", tmp_path)
    (tmp_path / "2026").mkdir()
    shutil.copy(INPUTS / "2026/instansi.toml", tmp_path / "2026/instansi.toml")  # the script writes workbooks only
    make_demo_inputs.main()
    for book in sorted((tmp_path / "2026/realisasi/tw2").glob("*.xlsx")):
        lines = [v for (v,) in openpyxl.load_workbook(book)["Petunjuk"].iter_rows(values_only=True) if v]
        text = " ".join(lines)
        assert f"5. {rule}" in text and "isi tanda '-'" not in text and "kosongkan sel angka" not in text, book.name


def test_a_dash_is_offered_only_where_the_quarter_has_no_target(tw2_forms):
    ws = openpyxl.load_workbook(tw2_forms["PK-INSP"])["Realisasi"]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert not lists["I5"].startswith('"-,')  # Opini BPK: target WTP in TW II
    assert lists["I6"].startswith('"-,') and lists["I7"].startswith('"-,')  # SAKIP and SPIP: no TW II target


def test_an_empty_realisasi_is_returned_with_the_forms_rule(verdicts_tw2):
    from sakip.model import REALISASI_BELUM_ADA as rule

    empty = [f for f in verdicts_tw2["PK-IRBAN3"].errors if f.check == "realisasi.realisasi_terisi"]
    assert len(empty) == 1 and empty[0].fix == rule and empty[0].location.cell == "I7"


# ---------------------------------------------------------------- print quality (issue 22)

LONG_NAME = " ".join(["Persentase rekomendasi hasil pengawasan yang ditindaklanjuti"] * 5) + " PENUTUPNAMA"


def _synthetic_form(folder):
    """A form that stresses layout: a 300-character indicator name over a plain row, whole and
    fractional targets, a whole previous realisasi."""
    signer = forms.Signer("197004251990031006", "Nama Pejabat", "Inspektur Pembantu Wilayah I", "Inspektorat")
    items = [forms.FormIndicator("IK-01", LONG_NAME, "%", "akhir", 6, 45.5, [1234.25]),
             forms.FormIndicator("IK-02", "Jumlah dokumen", "Dokumen", "jumlah", 2, 6, [6])]
    programs = [forms.FormProgram("5.01.01", "Program Penunjang Urusan Pemerintahan Daerah " * 3, 999_999_999_999, 0)]
    return forms.write_realisasi_form(folder / "PK-X.xlsx", "PK-X", 2026, 2, signer, items, programs)


def _table_rows(ws):
    head = next(r for r in ws.iter_rows(min_row=1, max_row=20) if r[0].value == "No")
    return head[0].row, {c.value: c.column for c in head}


def test_numbers_show_whole_as_whole_and_fractions_exactly(tmp_path):
    ws = openpyxl.load_workbook(_synthetic_form(tmp_path))["Realisasi"]
    start, col = _table_rows(ws)
    first, second = start + 1, start + 2
    # Excel prints '#,##0.##' for 6 as "6,": no number cell may end in an optional decimal part.
    assert ws.cell(first, col["Target TW"]).number_format == "#,##0"  # 6
    assert ws.cell(first, col["Target s.d. TW II"]).number_format == "#,##0.0"  # 45,5
    assert ws.cell(first, col["Realisasi TW I (lalu)"]).number_format == "#,##0.00"  # 1.234,25
    assert ws.cell(second, col["Realisasi TW I (lalu)"]).number_format == "#,##0"  # 6
    assert ws.cell(first, col["Realisasi TW"]).number_format == "General"  # typed: shown as typed
    formats = {c.number_format for row in ws.iter_rows() for c in row}
    assert not any(f.endswith(".##") or f.endswith(".#") for f in formats), formats


def test_number_format_per_value():
    assert [forms.number_format(v) for v in (6, 6.0, 45.5, 21.75, 0.1 + 0.2, 1e-9)] == [
        "#,##0", "#,##0", "#,##0.0", "#,##0.00", "#,##0.000000", "#,##0.000000"]


def test_long_names_wrap_and_rows_are_tall_enough(tmp_path):
    ws = openpyxl.load_workbook(_synthetic_form(tmp_path))["Realisasi"]
    start, col = _table_rows(ws)
    name = ws.cell(start + 1, col["Indikator Kinerja"])
    assert name.alignment.wrap_text
    width = ws.column_dimensions[name.column_letter].width
    # 300+ characters in a column ~40 characters wide: at least 8 lines of 15 pt
    assert len(LONG_NAME) / width > 7 and ws.row_dimensions[start + 1].height >= 8 * forms.LINE_HEIGHT
    assert ws.row_dimensions[start + 2].height < 2 * forms.LINE_HEIGHT  # a short name stays one line
    # Header: every header word fits its column (no "Akumulas|i"), and the row holds two lines.
    for c in ws[start]:
        assert c.alignment.wrap_text
        longest = max(len(w) for w in c.value.split())
        assert ws.column_dimensions[c.column_letter].width >= longest * forms.BOLD_WIDTH + 2, c.value
    assert ws.row_dimensions[start].height >= 2 * forms.LINE_HEIGHT
    # Petunjuk: the long instructions (line 2 wraps) get rows for all their lines
    petunjuk = openpyxl.load_workbook(tmp_path / "PK-X.xlsx")["Petunjuk"]
    assert petunjuk.row_dimensions[4].height >= 2 * forms.LINE_HEIGHT


def test_every_sheet_prints_on_a4_one_page_wide_with_the_header_repeated(tmp_path):
    wb = openpyxl.load_workbook(_synthetic_form(tmp_path))
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
    for name in ("Realisasi", "Anggaran"):
        ws = wb[name]
        start, _ = _table_rows(ws)
        assert ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows.replace("$", "") == f"{start}:{start}"


def test_identity_labels_stand_level_with_their_values(tmp_path):
    ws = openpyxl.load_workbook(_synthetic_form(tmp_path))["Identitas"]
    assert all(ws.cell(r, c).alignment.vertical == "top" for r in range(1, 7) for c in (1, 2))
    assert all(ws.cell(r, 2).alignment.wrap_text for r in range(1, 7))


def test_the_form_opens_on_realisasi_only(tmp_path):
    wb = openpyxl.load_workbook(_synthetic_form(tmp_path))
    assert wb.active.title == "Realisasi"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["Realisasi"]


def _words(pdf):
    """(page, word, xMin, yMin, xMax, yMax) of every word pdftotext finds."""
    import re
    import subprocess

    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', line)
        if m:
            words.append((page, m[5], *map(float, m.groups()[:4])))
    return words


def test_calc_prints_the_form_one_page_wide_without_overprinting(tmp_path):
    import shutil
    import subprocess

    if not (shutil.which("soffice") and shutil.which("pdftotext")):
        pytest.skip("LibreOffice or poppler not installed")
    form = _synthetic_form(tmp_path)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(form)], capture_output=True, check=True, timeout=120)
    words = _words(tmp_path / "PK-X.pdf")
    pages = {p for p, *_ in words}
    # Four sheets, one page each: Realisasi's 15 columns were three pages wide before.
    assert len(pages) == 4
    (first,) = {p for p, w, *_ in words if w == "IK-02"}  # the Realisasi sheet's page
    assert {"No", "Kode", "Indikator", "Akumulasi", "Realisasi", "Bukti", "Tindak", "Lanjut"} <= {
        w for p, w, *_ in words if p == first}
    # The long name wraps inside its row: its last word stands above the next row's code.
    (end,) = [y1 for p, w, x0, y0, x1, y1 in words if w == "PENUTUPNAMA"]
    (next_code,) = [y0 for p, w, x0, y0, x1, y1 in words if w == "IK-02"]
    assert end <= next_code
    # Header cells not clipped: "Cara Akumulasi" is printed whole, on two lines within the header.
    assert "Akumulasi" in {w for p, w, *_ in words if p == first}
    # Whole numbers print whole ("6" not "6," or "6.") in Calc too.
    assert not [w for p, w, *_ in words if p == first and w.endswith((",", ".")) and w[:-1].replace(",", "").replace(".", "").isdigit()]


def test_row_estimate_counts_capitals_wider_and_line_breaks():
    mixed = "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota Sukamaju"
    assert forms.text_lines(mixed, 40) == 2
    assert forms.text_lines(mixed.upper(), 40) == 3  # capitals take about a third more room
    assert forms.text_lines("Baris satu\nBaris dua", 40) == 2
    assert forms.text_lines(None, 10) == forms.text_lines("", 10) == 1
