"""A corpus of workbooks as officials really send them, built from the demo agency's files.

Awkward but valid ones must read to exactly the values of the clean original; invalid ones must
each give one Indonesian message naming the file, the sheet and the cell.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from sakip.ingest import workbooks as ingest
from sakip.errors import InputError

from tests import bad_files
from tests.conftest import INPUTS

PK_SOURCE = INPUTS / "2026" / "pk" / "PK-SEK.xlsx"
REAL_SOURCE = INPUTS / "2026" / "realisasi" / "tw2" / "PK-SEK.xlsx"


def core_pk(result) -> tuple:
    pk, rows, budgets = result
    return (pk["pk"], pk["nip"], pk["tahun"],
            [(r["kode"], r["sasaran"], r["indikator"], r["satuan"], r["polaritas"], r["akumulasi"], r["target_tahunan"],
              r["target_tw1"], r["target_tw2"], r["target_tw3"], r["target_tw4"], r["rencana_aksi"]) for r in rows],
            [(b["kode_program"], b["program"], b["pagu"]) for b in budgets])


def core_real(result) -> tuple:
    head, rows, budgets = result
    return (head["pk"], head["triwulan_text"],
            [(r["kode"], r["realisasi"], r["kendala"], r["tindak_lanjut"], r["bukti_dukung"]) for r in rows],
            [(b["kode_program"], b["realisasi_anggaran"]) for b in budgets])


def rewrite_members(path: Path, edit: Callable[[str, bytes], bytes]) -> None:
    """Rewrite the workbook's zip members through `edit(name, data)`."""
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, edit(name, data))


def patch_cell(path: Path, sheet: str, ref: str, inner: str, cell_type: str = "") -> None:
    """Rewrite one cell in the saved XML, for what openpyxl cannot write: a formula together
    with the value Excel computed for it, or a cached error value."""
    wb = openpyxl.load_workbook(path, read_only=True)
    member = f"xl/worksheets/sheet{wb.sheetnames.index(sheet) + 1}.xml"
    wb.close()

    def edit(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        xml = data.decode()
        found = re.search(rf'<c r="{ref}"( s="\d+")?[^>]*?(/>|>.*?</c>)', xml)
        assert found, f"{ref} not in {member}"
        kind = f' t="{cell_type}"' if cell_type else ""
        return (xml[:found.start()] + f'<c r="{ref}"{found.group(1) or ""}{kind}>{inner}</c>' + xml[found.end():]).encode()

    rewrite_members(path, edit)


def rewrite_table(ws: Worksheet, header_row: int, order: list[str]) -> None:
    """Put the table's columns in another order (by header name), values and formats moving along."""
    rows = list(ws.iter_rows(min_row=header_row, max_row=ws.max_row))
    cols = {c.value: i for i, c in enumerate(rows[0])}
    snapshot = [[(c.value, c.number_format) for c in row] for row in rows]
    for r, row in enumerate(rows):
        for c, name in enumerate(order):
            value, fmt = snapshot[r][cols[name]]
            row[c].value, row[c].number_format = value, fmt


def write_csv_folder(source: Path, folder: Path, delimiter: str, encoding: str, decimal_comma: bool) -> None:
    """Export each sheet the way Excel's "Save as CSV" does: shown values, one file per sheet."""
    wb = openpyxl.load_workbook(source)
    folder.mkdir(parents=True)
    for ws in wb.worksheets:
        lines = []
        for row in ws.iter_rows(values_only=True):
            cells = []
            for v in row:
                text = "" if v is None else str(v)
                if isinstance(v, float) and decimal_comma:
                    text = text.replace(".", ",")
                if delimiter in text or '"' in text or "\n" in text or (decimal_comma and delimiter == "," and "," in text):
                    text = '"' + text.replace('"', '""') + '"'
                cells.append(text)
            lines.append(delimiter.join(cells))
        (folder / f"{ws.title}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))


# --- awkward but valid ----------------------------------------------------------------------------
# Each case: (description, which workbook, edit on the openpyxl workbook or None, file edit after
# saving or None, check on the values read beyond "equal to the clean original" or None).

Edit = Callable[[openpyxl.Workbook], None]


def _pk_header_typos(wb):
    ws = wb["PK"]
    ws["D4"], ws["E4"], ws["H4"] = "Indikator Kinrja", "Satuaan", "Target Tahunn"


def _pk_spaces_case(wb):
    ws = wb["PK"]
    ws["H4"], ws["C4"] = "  TARGET   tahunan ", "sasaran strategis\u00a0"
    ws["E5"] = " % "


def _pk_reordered(wb):
    rewrite_table(wb["PK"], 4, ["No", "Target Tahunan", "Kode", "Satuan", "Indikator Kinerja", "Cara Akumulasi",
                                "Polaritas", "Sasaran Strategis"])


def _pk_blank_rows(wb):
    wb["PK"].insert_rows(6, 2)
    wb["RA"].insert_rows(5, 1)
    wb["Anggaran"].insert_rows(7, 3)


def _pk_extra_sheets(wb):
    wb.create_sheet("Catatan", 0)["A1"] = "Catatan internal bagian perencanaan"
    wb.create_sheet("Sheet1")["C3"] = 12345
    wb.move_sheet("Anggaran", offset=-2)


def _ra_two_row_header(wb):
    ws = wb["RA"]
    ws.insert_rows(5, 1)
    for col in "ABCHI":
        ws[f"{col}5"] = None
    ws.merge_cells("A4:A5"), ws.merge_cells("B4:B5"), ws.merge_cells("C4:C5")
    ws.merge_cells("H4:H5"), ws.merge_cells("I4:I5")
    ws["D5"], ws["E5"], ws["F5"], ws["G5"] = "TW I", "TW II", "TW III", "TW IV"
    ws["D4"] = "Target"
    for col in "EFG":
        ws[f"{col}4"] = None
    ws.merge_cells("D4:G4")


def _pk_total_row(wb):
    ws = wb["Anggaran"]
    ws["C8"], ws["D8"] = "Jumlah", "=SUM(D5:D7)"
    ws["A9"] = "TOTAL KESELURUHAN"


def _pk_text_numbers(wb):
    ws = wb["Anggaran"]
    ws["D5"], ws["D6"], ws["D7"] = "Rp 96.750.000", "1.845.000.000", "Rp. 512.500.000,00"
    ws = wb["PK"]
    ws["H8"], ws["H7"] = "3,4", "95%"
    ws = wb["RA"]
    ws["F8"], ws["E8"] = "3,30", "3.25"


def _pk_english_numbers(wb):
    ws = wb["Anggaran"]
    ws["D6"], ws["D7"] = "1,845,000,000", "512,500,000.00"


def _pk_percent_format(wb):
    ws = wb["PK"]
    ws["H7"] = 0.95
    ws["H7"].number_format = "0%"


def _pk_labels(wb):
    ws = wb["Identitas"]
    ws["A1"], ws["A3"], ws["B3"] = "Kode PK :", "NIP:", "19780823 200312 2 005"
    ws["A2"] = "  tahun"


def _pk_sheet_names(wb):
    wb["Identitas"].title = "sementara"  # openpyxl suffixes a name equal to the old one but for case
    wb["sementara"].title = "identitas"
    wb["RA"].title = "ra "
    wb["Anggaran"].title = "Angaran"


def _pk_words(wb):
    ws = wb["PK"]
    ws["F5"], ws["G6"], ws["G7"], ws["G9"], ws["F9"] = "+", "JUMLAH", "Posisi Akhir", "rata rata", "-"


def _pk_header_low(wb):
    ws = wb["PK"]
    ws.insert_rows(3, 6)
    ws["A4"] = "Kabupaten Sukamaju"
    ws["A6"] = "Dokumen ini ditandatangani bersama"


def _pk_wrapped_header(wb):
    wb["PK"]["H4"] = "Target\nTahunan"
    wb["RA"]["D4"] = "Target\r\nTW I"


def _pk_other_names(wb):
    wb["PK"]["B4"] = "Kode Indikator"
    wb["RA"]["B4"] = "Kode Indikator"
    wb["RA"]["D4"], wb["RA"]["G4"] = "Target TW 1", "Target Triwulan IV"
    wb["Anggaran"]["C4"], wb["Anggaran"]["D4"] = "Program / Kegiatan", "Pagu"


def _pk_cached_formula(path: Path) -> None:
    patch_cell(path, "PK", "H6", "<f>SUM(RA!D6:G6)</f><v>6</v>")
    patch_cell(path, "Anggaran", "D6", "<f>1800000000+45000000</f><v>1845000000</v>")


def _pk_bad_dimension(path: Path) -> None:
    rewrite_members(path, lambda name, data: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
                    if name.startswith("xl/worksheets/sheet") else data)


def _real_header_typo(wb):
    wb["Realisasi"]["I4"] = "Realisai TW"
    wb["Realisasi"]["J4"] = "Kendal"


def _real_quarter_header(wb):
    wb["Realisasi"]["H4"] = "Realisasi TW I"
    wb["Realisasi"]["I4"] = "Realisasi TW II"


def _real_text_values(wb):
    ws = wb["Realisasi"]
    ws["I5"], ws["I7"], ws["I8"] = "87,5", "42,3%", "3.31"
    ws = wb["Anggaran"]
    ws["F5"], ws["F6"] = "Rp 22.500.000", "451.250.000"


def _real_old_names(wb):
    ws = wb["Realisasi"]
    ws["J4"], ws["K4"], ws["B4"] = "Permasalahan/Kendala", "Upaya/Tindak Lanjut", "Kode Indikator"
    wb["Anggaran"]["F4"] = "Realisasi (Rp)"


def _real_unprotected_reordered(wb):
    ws = wb["Realisasi"]
    ws.protection.sheet = False
    rewrite_table(ws, 4, ["No", "Kode", "Realisasi TW", "Kendala", "Tindak Lanjut", "Bukti Dukung", "Indikator Kinerja",
                          "Satuan", "Cara Akumulasi", "Target TW", "Target s.d. TW II", "Realisasi TW I (lalu)"])


def _real_cached_formula(path: Path) -> None:
    patch_cell(path, "Realisasi", "I6", "<f>1+1</f><v>2</v>")
    patch_cell(path, "Anggaran", "F7", "<f>128000000+700000</f><v>128700000</v>")


def _pk_csv_semicolon(path: Path) -> Path:
    folder = path.with_suffix("")
    write_csv_folder(PK_SOURCE, folder, ";", "utf-8-sig", decimal_comma=True)
    return folder


def _pk_csv_comma_cp1252(path: Path) -> Path:
    folder = path.with_suffix("")
    write_csv_folder(PK_SOURCE, folder, ",", "cp1252", decimal_comma=True)
    return folder


def _real_csv_tab(path: Path) -> Path:
    folder = path.with_suffix("")
    write_csv_folder(REAL_SOURCE, folder, "\t", "utf-8", decimal_comma=False)
    return folder


def _real_csv_utf16(path: Path) -> Path:
    """Excel's "Unicode Text": UTF-16 little-endian with its BOM, tab-separated."""
    folder = path.with_suffix("")
    write_csv_folder(REAL_SOURCE, folder, "\t", "utf-16", decimal_comma=True)
    assert (folder / "Realisasi.csv").read_bytes()[:2] == b"\xff\xfe"
    return folder


VALID = [
    ("judul kolom salah ketik", "pk", _pk_header_typos, None),
    ("spasi dan huruf besar di judul dan isian", "pk", _pk_spaces_case, None),
    ("urutan kolom berbeda", "pk", _pk_reordered, None),
    ("baris kosong di tengah tabel", "pk", _pk_blank_rows, None),
    ("sheet tambahan dan urutan sheet berbeda", "pk", _pk_extra_sheets, None),
    ("judul kolom dua baris dengan sel gabungan", "pk", _ra_two_row_header, None),
    ("baris jumlah di bawah tabel anggaran", "pk", _pk_total_row, None),
    ("angka sebagai teks gaya Indonesia dan Rp", "pk", _pk_text_numbers, None),
    ("angka sebagai teks gaya Inggris", "pk", _pk_english_numbers, None),
    ("sel berformat persen", "pk", _pk_percent_format, None),
    ("label identitas dengan titik dua, NIP berspasi", "pk", _pk_labels, None),
    ("nama sheet huruf kecil, spasi, salah ketik", "pk", _pk_sheet_names, None),
    ("polaritas dan akumulasi dengan variasi penulisan", "pk", _pk_words, None),
    ("judul tabel turun beberapa baris", "pk", _pk_header_low, None),
    ("judul kolom dengan ganti baris", "pk", _pk_wrapped_header, None),
    ("nama kolom alternatif", "pk", _pk_other_names, None),
    ("rumus dengan nilai tersimpan", "pk", None, _pk_cached_formula),
    ("tag dimensi sheet yang salah", "pk", None, _pk_bad_dimension),
    ("CSV titik koma UTF-8 BOM", "pk", None, _pk_csv_semicolon),
    ("CSV koma Windows-1252", "pk", None, _pk_csv_comma_cp1252),
    ("judul realisasi salah ketik di samping kolom 'lalu'", "realisasi", _real_header_typo, None),
    ("kolom realisasi bernama triwulannya", "realisasi", _real_quarter_header, None),
    ("realisasi sebagai teks", "realisasi", _real_text_values, None),
    ("nama kolom realisasi alternatif", "realisasi", _real_old_names, None),
    ("proteksi dibuka dan kolom diurutkan ulang", "realisasi", _real_unprotected_reordered, None),
    ("rumus realisasi dengan nilai tersimpan", "realisasi", None, _real_cached_formula),
    ("CSV tab realisasi", "realisasi", None, _real_csv_tab),
    ("CSV tab UTF-16 (Unicode Text) realisasi", "realisasi", None, _real_csv_utf16),
]


def _build(tmp_path: Path, kind: str, edit: Edit | None, after: Callable | None, suffix: str = ".xlsx") -> Path:
    source = PK_SOURCE if kind == "pk" else REAL_SOURCE
    path = tmp_path / f"PK-SEK{suffix}"
    if edit is None:
        shutil.copy(source, path)
    else:
        wb = openpyxl.load_workbook(source)
        edit(wb)
        wb.save(path)
    if after is not None:
        path = after(path) or path
    return path


def _read(kind: str, path: Path):
    return (ingest.read_pk_workbook if kind == "pk" else ingest.read_realisasi_workbook)(path, path.name)


@pytest.fixture(scope="module")
def originals():
    return {"pk": core_pk(ingest.read_pk_workbook(PK_SOURCE)), "realisasi": core_real(ingest.read_realisasi_workbook(REAL_SOURCE))}


def test_the_corpus_is_as_large_as_promised():
    assert len(VALID) >= 25 and len(INVALID) >= 40


@pytest.mark.parametrize("name,kind,edit,after", VALID, ids=[v[0] for v in VALID])
def test_awkward_valid_workbook_reads_to_the_original_values(tmp_path, originals, name, kind, edit, after):
    result = _read(kind, _build(tmp_path, kind, edit, after))
    core = core_pk(result) if kind == "pk" else core_real(result)
    assert core == originals[kind]


def test_lenient_readings_are_noted_for_the_unit(tmp_path):
    _, _, _ = result = _read("pk", _build(tmp_path, "pk", _pk_header_typos, None))
    notes = [(str(n.location), n.text) for n in result[0]["catatan"]]
    assert ("PK-SEK.xlsx, sheet 'PK', sel D4", "judul kolom 'Indikator Kinrja' dibaca sebagai 'Indikator Kinerja'") in notes
    assert len(notes) == 3
    (tmp_path / "b").mkdir()
    head, _, _ = _read("pk", _build(tmp_path / "b", "pk", _pk_sheet_names, None))
    assert [n.text for n in head["catatan"]] == ["sheet 'Angaran' dibaca sebagai sheet 'Anggaran'"]


def test_previous_quarter_column_is_never_taken_for_this_quarter(tmp_path):
    def only_past(wb):
        wb["Realisasi"]["I4"] = "Nilai"  # this quarter's header gone: the "(lalu)" column must not stand in

    with pytest.raises(InputError, match="baris judul kolom tidak ditemukan.*'Realisasi TW'"):
        _read("realisasi", _build(tmp_path, "realisasi", only_past, None))
    assert ingest._near("realisasi tw i", "realisasi tw") is None
    assert ingest._near("target tw ii", "target tw i") is None
    assert ingest._near("target tw iii", "target tw ii") is None


def test_text_values_keep_what_was_written(tmp_path):
    _, rows, budgets = _read("realisasi", _build(tmp_path, "realisasi", _real_text_values, None))
    ik01 = rows[0]
    assert (ik01["realisasi"], ik01["realisasi_status"], ik01["realisasi_text"]) == (Decimal("87.5"), "angka_teks", "87,5")
    assert budgets[0]["realisasi_anggaran_text"] == "Rp 22.500.000"


def test_csv_values_are_plain_numbers_with_csv_cells(tmp_path):
    folder = _build(tmp_path, "pk", None, _pk_csv_semicolon)
    pk, rows, _ = ingest.read_pk_workbook(folder, "pk/PK-SEK")
    assert rows[3]["target_tahunan_status"] == "angka"  # "3,4" in a CSV is how numbers are written
    assert str(rows[3]["target_tahunan_loc"]) == "pk/PK-SEK/PK.csv, sel H8"


# --- invalid ----------------------------------------------------------------------------------------
# Every case is one PK of a single period (copies of PK-SEK with their own code), so that one
# ingest and one paraf run check them all, and show that one unit's mistake blocks no other.
# Each: (name, "pk" or "realisasi" workbook edited, edit, after-save edit, sheet, cell, message part)

def _set(sheet: str, ref: str, value) -> Edit:
    def edit(wb):
        wb[sheet][ref] = value
    return edit


def _cached(sheet: str, ref: str, inner: str, cell_type: str = "") -> Callable[[Path], None]:
    return lambda path: patch_cell(path, sheet, ref, inner, cell_type)


def _extra_row(wb):
    ws = wb["Realisasi"]
    ws["A10"], ws["B10"], ws["I10"] = 6, "IK-99", 10


def _no_code_row(wb):
    wb["PK"]["A6"] = wb["PK"]["B6"] = wb["PK"]["C6"] = None  # the indicator "Jumlah dokumen ..." must not pass for a total row


def _no_kendala(wb):
    ws = wb["Realisasi"]
    ws["J5"] = ws["K5"] = None


CONTENT = [  # cell-level content errors: (name, kind, edit, after, sheet, cell, message)
    ("realisasi berupa kata", "realisasi", _set("Realisasi", "I5", "sekitar 80"), None, "Realisasi", "I5", "bukan angka: tertulis 'sekitar 80'"),
    ("angka bermakna ganda", "realisasi", _set("Realisasi", "I6", "1.234"), None, "Realisasi", "I6", "bermakna ganda"),
    ("galat #DIV/0!", "realisasi", None, _cached("Realisasi", "I7", "<f>1/0</f><v>#DIV/0!</v>", "e"), "Realisasi", "I7", "tertulis '#DIV/0!' (hasil rumus Excel berupa galat"),
    ("rumus tanpa nilai tersimpan", "realisasi", _set("Realisasi", "I8", "=H8*1.1"), None, "Realisasi", "I8", "tertulis '=H8*1.1' (rumus ini belum pernah dihitung"),
    ("galat #REF! di anggaran", "realisasi", None, _cached("Anggaran", "F5", "<f>#REF!*2</f><v>#REF!</v>", "e"), "Anggaran", "F5", "tidak terbaca: tertulis '#REF!'"),
    ("realisasi negatif", "realisasi", _set("Realisasi", "I9", -2), None, "Realisasi", "I9", "negatif"),
    ("realisasi kosong", "realisasi", _set("Realisasi", "I6", None), None, "Realisasi", "I6", "kosong"),
    ("kode indikator tak dikenal", "realisasi", _extra_row, None, "Realisasi", "B10", "Kode indikator 'IK-99' tidak ada di PK"),
    ("anggaran melebihi pagu", "realisasi", _set("Anggaran", "F5", 95000000), None, "Anggaran", "F5", "melebihi pagu"),
    ("di bawah target tanpa kendala", "realisasi", _no_kendala, None, "Realisasi", "J5", "tetapi kendala kosong"),
    ("triwulan salah", "realisasi", _set("Identitas", "B3", "III"), None, "Identitas", "B3", "isian triwulan tertulis 'III'"),
    ("polaritas tak dikenal", "pk", _set("PK", "F5", "naik"), None, "PK", "F5", "Polaritas indikator"),
    ("cara akumulasi tak dikenal", "pk", _set("PK", "G6", "kumulatif"), None, "PK", "G6", "Cara akumulasi indikator"),
    ("satuan kosong", "pk", _set("PK", "E7", None), None, "PK", "E7", "Satuan indikator"),
    ("kode indikator ganda", "pk", _set("PK", "B6", "IK-01"), None, "PK", "B6", "dipakai lebih dari sekali"),
    ("NIP tak terdaftar", "pk", _set("Identitas", "B3", "199001012015031001"), None, "Identitas", "B3", "tidak terdaftar sebagai pejabat"),
    ("NIP diketik sebagai angka", "pk", _set("Identitas", "B3", 197808232003122005.0), None, "Identitas", "B3", "tersimpan sebagai angka"),
    ("tahun PK salah", "pk", _set("Identitas", "B2", "2025"), None, "Identitas", "B2", "Tahun PK tertulis 2025"),
    ("target triwulan berupa kata", "pk", _set("RA", "E6", "dua"), None, "RA", "E6", "Target triwulan indikator"),
    ("target tahunan bermakna ganda", "pk", _set("PK", "H6", "1.234"), None, "PK", "H6", "ribuan"),
    ("baris tanpa nomor dan kode tidak hilang", "pk", _no_code_row, None, "PK", "B6", "Kode indikator"),
    ("target tahunan rumus tanpa nilai", "pk", _set("PK", "H5", "=RA!G5"), None, "PK", "H5", "rumus ini belum pernah dihitung"),
]


class Case(NamedTuple):
    """One invalid submission of the corpus, as PK-K<nn> of a single period.

    `file` and `pk` are templates on the case's code when the file is not <kind>/<code>.xlsx (a
    CSV folder, a second workbook, an odd file name). `exact_cell` is the machine-readable marker
    of whether the message names the exact cell (else the file, or the file and sheet).
    """

    name: str
    kind: str  # "pk" or "realisasi": which of the case's workbooks is edited
    edit: Edit | None
    after: Callable[[Path], Any] | None
    sheet: str
    cell: str
    message: str
    file: str = ""
    pk: str = "{code}"

    @property
    def exact_cell(self) -> bool:
        return bool(self.cell)

    def file_for(self, code: str) -> str:
        return self.file.format(code=code) if self.file else (
            f"pk/{code}.xlsx" if self.kind == "pk" else f"realisasi/tw2/{code}.xlsx")


def _delete_sheet(name: str) -> Edit:
    def edit(wb):
        del wb[name]
    return edit


def _renamed(name: str) -> Callable[[Path], None]:
    return lambda path: path.rename(path.with_name(name))


def _second_copy(path: Path) -> None:
    """The same PK sent twice under two names (PK-K40.xlsx and PK-K40B.xlsx)."""
    shutil.copy(path, path.with_name(f"{path.stem}B.xlsx"))


def _as_csv(change: Callable[[Path], None]) -> Callable[[Path], None]:
    """The workbook sent as a folder of CSV files instead, then one of them spoilt by `change`."""
    def after(path: Path) -> None:
        folder = path.with_suffix("")
        write_csv_folder(path, folder, ";", "utf-8-sig", decimal_comma=True)
        path.unlink()
        change(folder)
    return after


def _csv_emptied(folder: Path) -> None:
    (folder / "PK.csv").write_bytes(b"")


def _csv_hash_separated(folder: Path) -> None:
    """Identitas.csv from a system that separates columns with '#' (one line has commas)."""
    lines = (folder / "Identitas.csv").read_text(encoding="utf-8-sig").splitlines()
    (folder / "Identitas.csv").write_text("\r\n".join(line.replace(";", "#") for line in lines) + "\r\n", encoding="utf-8")


def _csv_is_a_workbook(folder: Path) -> None:
    shutil.copy(REAL_SOURCE, folder / "Realisasi.csv")  # "Save As" kept the .xlsx content


CYRILLIC_KA, CYRILLIC_O, CYRILLIC_I = "\u041a", "\u041e", "\u0406"
NB_HYPHEN, EN_DASH, ZWSP = "\u2011", "\u2013", "\u200b"
NOT_A_WORKBOOK = "bukan workbook Excel (.xlsx): berkas ini sebenarnya"

INVALID = [Case(*c) for c in CONTENT] + [
    # identity codes: look-alike characters, paths
    Case("Kode PK berhuruf Kiril", "pk", _set("Identitas", "B1", f"P{CYRILLIC_KA}-SEK"), None, "Identitas", "B1",
         "memuat karakter 'К' (CYRILLIC CAPITAL LETTER KA, U+041A) pada posisi ke-2: tampak seperti 'K'"),
    Case("Kode PK dengan spasi lebar-nol", "pk", _set("Identitas", "B1", f"PK-SEK{ZWSP}"), None, "Identitas", "B1",
         "memuat karakter (ZERO WIDTH SPACE, U+200B) pada posisi ke-7: karakter ini tidak terlihat"),
    Case("Kode PK berhuruf lebar penuh", "pk", _set("Identitas", "B1", "\uff30\uff2b-SEK"), None, "Identitas", "B1",
         "(FULLWIDTH LATIN CAPITAL LETTER P, U+FF30) pada posisi ke-1: tampak seperti 'P'"),
    Case("Kode PK berupa jalur ../../etc", "pk", _set("Identitas", "B1", "../../etc"), None, "Identitas", "B1",
         "'/' (SOLIDUS, U+002F) pada posisi ke-3: garis miring tidak boleh dipakai"),
    Case("Kode PK dengan garis miring", "pk", _set("Identitas", "B1", "PK/SEK"), None, "Identitas", "B1",
         "'/' (SOLIDUS, U+002F) pada posisi ke-3"),
    Case("Kode PK dengan garis miring terbalik", "pk", _set("Identitas", "B1", "PK\\SEK"), None, "Identitas", "B1",
         "'\\' (REVERSE SOLIDUS, U+005C) pada posisi ke-3"),
    Case("Kode PK '..'", "pk", _set("Identitas", "B1", ".."), None, "Identitas", "B1", "Kode PK '..' harus diawali huruf atau angka"),
    Case("Kode indikator dengan O Kiril", "pk", _set("PK", "B5", f"IK-{CYRILLIC_O}1"), None, "PK", "B5",
         "(CYRILLIC CAPITAL LETTER O, U+041E) pada posisi ke-4: tampak seperti 'O'"),
    Case("Kode indikator dengan tanda hubung tak-putus", "pk", _set("PK", "B6", f"IK{NB_HYPHEN}02"), None, "PK", "B6",
         "(NON-BREAKING HYPHEN, U+2011) pada posisi ke-3: tampak seperti '-'"),
    Case("Kode indikator RA dengan tanda pisah en", "pk", _set("RA", "B7", f"IK{EN_DASH}03"), None, "RA", "B7",
         "'–' (EN DASH, U+2013) pada posisi ke-3"),
    Case("Kode indikator huruf lebar penuh", "pk", _set("PK", "B8", "\uff29\uff2b-04"), None, "PK", "B8",
         "(FULLWIDTH LATIN CAPITAL LETTER I, U+FF29) pada posisi ke-1"),
    Case("Kode indikator berupa jalur", "pk", _set("PK", "B9", "../IK-05"), None, "PK", "B9", "'/' (SOLIDUS, U+002F) pada posisi ke-3"),
    Case("Kode indikator realisasi dengan I Kiril", "realisasi", _set("Realisasi", "B5", f"{CYRILLIC_I}K-01"), None, "Realisasi", "B5",
         "(CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I, U+0406) pada posisi ke-1: tampak seperti 'I'"),
    Case("Kode PK realisasi dengan tanda pisah en", "realisasi", _set("Identitas", "B1", f"PK{EN_DASH}SEK"), None, "Identitas", "B1",
         "Kode PK 'PK–SEK' memuat karakter '–' (EN DASH, U+2013)"),
    # odd file names: read by what they hold; the unit's key is the file name, made safe for outputs/
    Case("nama berkas '..xlsx' dan kode PK '..'", "pk", _set("Identitas", "B1", ".."), _renamed("..xlsx"), "Identitas", "B1",
         "harus diawali huruf atau angka", file="pk/..xlsx", pk="."),
    Case("nama berkas dengan garis miring terbalik", "pk", _set("Identitas", "B1", "PK\\..\\X"), _renamed("PK\\..\\X.xlsx"),
         "Identitas", "B1", "REVERSE SOLIDUS", file="pk/PK\\..\\X.xlsx", pk="PK\\..\\X"),
    Case("nama berkas dan kode PK dengan '..'", "pk", _set("Identitas", "B1", "PK..SEK"), _renamed("PK..SEK.xlsx"), "Identitas", "B1",
         "memuat dua titik berurutan (..)", file="pk/PK..SEK.xlsx", pk="PK..SEK"),
    # officials
    Case("NIP kurang satu digit", "pk", _set("Identitas", "B3", "19780823200312200"), None, "Identitas", "B3",
         "NIP harus 18 digit angka, tertulis 17 karakter"),
    Case("NIP dengan tanggal lahir di masa depan", "pk", _set("Identitas", "B3", "203001012050011001"), None, "Identitas", "B3",
         "tanggal lahir pada NIP (20300101) setelah tahun 2026"),
    Case("NIP dengan TMT di masa depan", "pk", _set("Identitas", "B3", "197808232027122005"), None, "Identitas", "B3",
         "TMT pengangkatan pada NIP (202712) setelah tahun 2026"),
    Case("kode PK ganda di dua workbook", "pk", None, _second_copy, "Identitas", "B1", "juga dipakai di pk/PK-K",
         file="pk/{code}B.xlsx"),
    # structure
    Case("sheet RA tidak ada", "pk", _delete_sheet("RA"), None, "", "", "sheet 'RA' tidak ada (yang ada: 'Identitas', 'PK', 'Anggaran')"),
    Case("CSV kosong 0 byte", "pk", None, _as_csv(_csv_emptied), "", "", "berkas CSV kosong (0 byte)", file="pk/{code}/PK.csv"),
    Case("CSV dengan pemisah kolom '#'", "pk", None, _as_csv(_csv_hash_separated), "", "A1",
         "semua isian berada dalam satu kolom: pemisah kolom tidak dikenali (tampaknya memakai '#')", file="pk/{code}/Identitas.csv"),
    Case("CSV berisi workbook", "realisasi", None, _as_csv(_csv_is_a_workbook), "", "", "bukan CSV (teks) melainkan berkas biner",
         file="realisasi/tw2/{code}/Realisasi.csv"),
    # another kind of file under the workbook's name
    Case("PDF bernama .xlsx", "pk", None, bad_files.pdf, "", "", f"{NOT_A_WORKBOOK} dokumen PDF"),
    Case("dokumen Word bernama .xlsx", "pk", None, bad_files.docx, "", "", f"{NOT_A_WORKBOOK} dokumen Word (.docx)"),
    Case("spreadsheet ODS bernama .xlsx", "pk", None, bad_files.ods, "", "", f"{NOT_A_WORKBOOK} spreadsheet OpenDocument (.ods"),
    Case("ekspor tabel HTML bernama .xlsx", "pk", None, bad_files.html, "", "", f"{NOT_A_WORKBOOK} halaman web (HTML)"),
    Case("ekspor HTML realisasi bernama .xlsx", "realisasi", None, bad_files.html, "", "", f"{NOT_A_WORKBOOK} halaman web (HTML)"),
    Case("teks CSV bernama .xlsx", "pk", None, bad_files.csv_text, "", "", f"{NOT_A_WORKBOOK} berkas teks/CSV"),
    Case("Excel 97-2003 (.xls) bernama .xlsx", "pk", None, bad_files.xls_97, "", "", f"{NOT_A_WORKBOOK} workbook Excel 97-2003 (.xls)"),
    Case("XML Spreadsheet 2003 bernama .xlsx", "pk", None, bad_files.xml_spreadsheet_2003, "", "", f"{NOT_A_WORKBOOK} 'XML Spreadsheet 2003'"),
    Case("foto formulir bernama .xlsx", "pk", None, bad_files.jpeg, "", "", f"{NOT_A_WORKBOOK} gambar"),
    Case("workbook di dalam arsip ZIP", "pk", None, bad_files.zip_of_workbook, "", "", f"{NOT_A_WORKBOOK} arsip ZIP biasa (berisi PK-SEK.xlsx)"),
    Case("workbook berkata sandi", "pk", None, bad_files.encrypted, "", "", "workbook ini dilindungi kata sandi"),
    Case("berkas kosong 0 byte", "pk", None, bad_files.empty, "", "", "berkas kosong (0 byte)"),
    # damaged
    Case("workbook terpotong", "pk", None, bad_files.truncated, "", "", "struktur ZIP-nya rusak (berkas mungkin terpotong"),
    Case("realisasi terpotong", "realisasi", None, bad_files.truncated, "", "", "struktur ZIP-nya rusak"),
    Case("CRC bagian sheet rusak", "pk", None, bad_files.bad_crc, "", "", "rincian: Bad CRC-32 for file 'xl/worksheets/sheet2.xml'"),
    Case("XML sheet rusak (gagal saat baris dibaca)", "pk", None, bad_files.malformed_sheet("PK"), "PK", "",
         "isi workbook rusak: XML di dalamnya tidak sah"),
    Case("XML sharedStrings rusak", "pk", None, bad_files.malformed_shared_strings, "", "", "isi workbook rusak: XML di dalamnya tidak sah"),
    # hostile or oversized
    Case("zip bomb: sheet 150 MB", "pk", None, bad_files.zip_bomb(150 * 2**20), "", "",
         "bagian 'xl/worksheets/sheet2.xml' di dalamnya berukuran 150 MB setelah diekstrak (batas 16 MB)"),
    Case("zip bomb: rasio kompresi", "pk", None, bad_files.zip_bomb(12 * 2**20), "", "", "batas 100:1), ciri 'zip bomb'"),
    Case("billion laughs di sharedStrings", "pk", None, bad_files.billion_laughs("sharedStrings"), "", "",
         "bagian 'xl/sharedStrings.xml' memuat deklarasi DTD/ENTITY"),
    Case("billion laughs di sheet", "realisasi", None, bad_files.billion_laughs("Realisasi"), "", "", "memuat deklarasi DTD/ENTITY"),
    Case("100 000 baris", "pk", None, bad_files.many_rows(100_000), "PK", "",
         "isian melewati batas 2.000 baris per sheet (ada isian di baris 2.001, sel A2001)"),
]


_UNEDITED: dict[Path, openpyxl.Workbook] = {}


def _copy_as(source: Path, target: Path, code: str, edit: Edit | None) -> None:
    # Unedited copies differ only in their code: one loaded workbook serves them all (~200 copies).
    wb = openpyxl.load_workbook(source) if edit is not None else _UNEDITED.setdefault(source, openpyxl.load_workbook(source))
    wb["Identitas"]["B1"] = code
    if edit is not None:
        edit(wb)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)


def _code(i: int) -> str:
    return f"PK-K{i:02d}"


@pytest.fixture(scope="module")
def invalid_run(tmp_path_factory, clone_suites):
    """Every invalid case as one PK of one period beside the demo's five: (period, verdicts),
    without the cross-PK budget-hierarchy checks (the cases are clones of PK-SEK, see `clone_suites`)."""
    from sakip.capaian import rules as capaian
    from sakip.paraf import suites as paraf

    inputs = tmp_path_factory.mktemp("korpus") / "inputs"
    shutil.copytree(INPUTS, inputs)
    year = inputs / "2026"
    for i, case in enumerate(INVALID, start=1):
        code = _code(i)
        _copy_as(PK_SOURCE, year / "pk" / f"{code}.xlsx", code, case.edit if case.kind == "pk" else None)
        _copy_as(year / "realisasi" / "tw1" / "PK-SEK.xlsx", year / "realisasi" / "tw1" / f"{code}.xlsx", code, None)
        _copy_as(REAL_SOURCE, year / "realisasi" / "tw2" / f"{code}.xlsx", code, case.edit if case.kind == "realisasi" else None)
        if case.after is not None:
            case.after(year / ("pk" if case.kind == "pk" else "realisasi/tw2") / f"{code}.xlsx")
    period = ingest.read_period(inputs, 2026, 2)
    return period, paraf.run(period, capaian.compute(period), clone_suites)


@pytest.fixture(scope="module")
def invalid_period(invalid_run):
    return invalid_run[1]


@pytest.mark.parametrize("i,case", list(enumerate(INVALID, start=1)), ids=[c.name for c in INVALID])
def test_invalid_workbook_is_returned_with_file_sheet_cell(invalid_run, i, case):
    period, verdicts = invalid_run
    code = _code(i)
    key = case.pk.format(code=code)
    result = verdicts[key]
    assert result.verdict == "DIKEMBALIKAN"
    file = case.file_for(code)
    at = [f for f in result.errors if (f.location.file, f.location.sheet, f.location.cell) == (file, case.sheet, case.cell)]
    assert at, [str(f.location) + ": " + f.message for f in result.errors]
    assert any(case.message in f"{f.message} {f.fix}" for f in at), [f.message for f in at]
    if i > len(CONTENT):
        # One message for the unit; a file that could not be read gives nothing else, and
        # nothing of it reaches the frames the documents are made from.
        assert len(result.errors) == 1, [str(f.location) + ": " + f.message for f in result.errors]
        assert all("\n" not in f.message and "Traceback" not in f.message for f in result.findings)
        if at[0].check == "berkas.terbaca":
            if case.kind == "pk":
                assert period.indicators.empty or not (period.indicators["pk"] == key).any()
            else:
                assert not ((period.realisasi["pk"] == key) & (period.realisasi["triwulan"] == 2)).any()


def test_one_units_mistakes_return_no_other_unit(invalid_period):
    corpus = {c.pk.format(code=_code(i)) for i, c in enumerate(INVALID, start=1)}
    assert {pk: r.verdict for pk, r in invalid_period.items() if pk not in corpus} == {
        "PK-INSP": "PARAF", "PK-IRBAN1": "PARAF", "PK-IRBAN2": "PARAF", "PK-IRBAN3": "DIKEMBALIKAN", "PK-SEK": "PARAF"}
    assert {pk for pk, r in invalid_period.items() if pk in corpus and r.verdict == "DIKEMBALIKAN"} == corpus


def test_corpus_counts():
    """The numbers the corpus promises (printed for the record; `pytest -s` shows them)."""
    exact = [c for c in INVALID if c.exact_cell]
    print(f"\nkorpus: {len(INVALID)} tidak sah ({len(exact)} menunjuk sel tepat, "
          f"{len(INVALID) - len(exact)} berkas/sheet), {len(VALID)} sah")
    assert len(INVALID) >= 40 and len(exact) >= 40 and len(VALID) >= 28
    assert all(c.exact_cell == bool(c.cell) for c in INVALID)
    assert len({c.name for c in INVALID}) == len(INVALID)


def test_csv_with_decimal_commas_in_a_comma_file_points_at_the_row(tmp_path):
    folder = tmp_path / "PK-SEK"
    write_csv_folder(PK_SOURCE, folder, ",", "utf-8", decimal_comma=True)
    text = (folder / "RA.csv").read_text()
    (folder / "RA.csv").write_text(text.replace('"3,2"', "3,2"))  # the quotes an exporter forgot
    with pytest.raises(InputError, match=r"PK-SEK/RA.csv, sel J8: baris ini memiliki lebih banyak kolom"):
        ingest.read_pk_workbook(folder, "PK-SEK")


def test_other_spreadsheet_formats_are_named_not_skipped(tmp_path):
    (tmp_path / "PK-LAMA.xls").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    (tmp_path / "catatan.txt").write_text("bukan workbook")
    assert [p.name for p in ingest.workbooks(tmp_path)] == ["PK-LAMA.xls"]
    with pytest.raises(InputError, match=r"PK-LAMA.xls: format berkas '.xls' tidak didukung"):
        ingest.read_pk_workbook(tmp_path / "PK-LAMA.xls")


def test_a_period_mixes_csv_folders_and_workbooks(tmp_path, period_tw2):
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    year = inputs / "2026"
    (year / "pk" / "PK-SEK.xlsx").unlink()
    write_csv_folder(PK_SOURCE, year / "pk" / "PK-SEK", ";", "utf-8-sig", decimal_comma=True)
    (year / "realisasi" / "tw2" / "PK-SEK.xlsx").unlink()
    write_csv_folder(REAL_SOURCE, year / "realisasi" / "tw2" / "PK-SEK", ";", "cp1252", decimal_comma=True)
    typo = year / "realisasi" / "tw2" / "PK-INSP.xlsx"
    wb = openpyxl.load_workbook(typo)
    wb["Realisasi"]["J4"] = "Kendal"
    wb.save(typo)

    period = ingest.read_period(inputs, 2026, 2)

    def values(p, pk):
        ind = p.indicators[p.indicators.pk == pk][["kode", "target_tahunan", "target_tw2"]].values.tolist()
        real = p.realisasi[(p.realisasi.pk == pk) & (p.realisasi.triwulan == 2)][["kode", "realisasi", "kendala"]]
        return ind, real.values.tolist()

    assert values(period, "PK-SEK") == values(period_tw2, "PK-SEK")
    assert period.pks.set_index("pk").loc["PK-SEK", "berkas"] == "pk/PK-SEK"
    assert [(p.pk, p.rule, str(p.location), p.text) for s in period.submissions for p in s.problems] == [
        ("PK-INSP", "berkas.judul", "realisasi/tw2/PK-INSP.xlsx, sheet 'Realisasi', sel J4",
         "Judul kolom 'Kendal' dibaca sebagai 'Kendala'")]


def test_csv_keeps_line_breaks_inside_a_quoted_cell(tmp_path):
    source = tmp_path / "sumber.xlsx"
    wb = openpyxl.load_workbook(REAL_SOURCE)
    wb["Realisasi"]["J5"] = "Aplikasi terganggu;\nlaporan Mei terlambat"
    wb.save(source)
    folder = tmp_path / "PK-SEK"
    write_csv_folder(source, folder, ";", "utf-8-sig", decimal_comma=True)
    _, rows, _ = ingest.read_realisasi_workbook(folder, "PK-SEK")
    assert rows[0]["kendala"].splitlines() == ["Aplikasi terganggu;", "laporan Mei terlambat"]
    assert str(rows[1]["realisasi_loc"]) == "PK-SEK/Realisasi.csv, sel I6"  # the record, not the text line


def test_returned_pks_get_their_correction_workbook_inside_outputs(invalid_run, tmp_path):
    """As the flow writes them: under outputs/<year>/TW<q>/<PK>/ whatever the PK key or file name,
    an .xlsx Excel opens, and a refused file (a PDF, a zip bomb) is never reopened to annotate."""
    from sakip.paraf import koreksi
    from sakip.outputs.files import pk_dir

    period, verdicts = invalid_run
    sources = koreksi.sources(period)
    out = tmp_path / "outputs"
    written = {}
    for i, case in enumerate(INVALID, start=1):
        if i > len(CONTENT):
            key = case.pk.format(code=_code(i))
            written[case.name] = koreksi.write_corrections(verdicts[key], sources, pk_dir(out, 2026, 2, key))
    assert all(written.values())
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert files and all(p.resolve().is_relative_to(out.resolve()) and p.suffix == ".xlsx" for p in files)
    assert {p.parent.name for p in written["nama berkas '..xlsx' dan kode PK '..'"]} == {"_"}
    assert [p.name for p in written["nama berkas dengan garis miring terbalik"]] == ["KOREKSI_pk_PK_.._X.xlsx"]

    def sheets(name):
        [path] = written[name]
        return openpyxl.load_workbook(path, read_only=True).sheetnames

    for refused in ("PDF bernama .xlsx", "zip bomb: sheet 150 MB", "100 000 baris", "Excel 97-2003 (.xls) bernama .xlsx"):
        assert sheets(refused) == ["Koreksi"], refused
    for marked_copy in ("Kode indikator dengan O Kiril", "nama berkas '..xlsx' dan kode PK '..'"):
        assert sheets(marked_copy) == ["Koreksi", "Identitas", "PK", "RA", "Anggaran"], marked_copy
    [path] = written["Kode indikator dengan O Kiril"]
    marked = openpyxl.load_workbook(path)["PK"]["B5"]
    assert marked.fill.fgColor.rgb.endswith("FFC7CE") and "CYRILLIC CAPITAL LETTER O" in marked.comment.text
