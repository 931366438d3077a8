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

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from sakip import ingest
from sakip.errors import InputError

from .conftest import INPUTS

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
    assert len(VALID) >= 25 and len(INVALID) >= 15


@pytest.mark.parametrize("name,kind,edit,after", VALID, ids=[v[0] for v in VALID])
def test_awkward_valid_workbook_reads_to_the_original_values(tmp_path, originals, name, kind, edit, after):
    result = _read(kind, _build(tmp_path, kind, edit, after))
    core = core_pk(result) if kind == "pk" else core_real(result)
    assert core == originals[kind]


def test_lenient_readings_are_noted_for_the_unit(tmp_path):
    _, _, _ = result = _read("pk", _build(tmp_path, "pk", _pk_header_typos, None))
    notes = [(str(loc), text) for loc, text in result[0]["catatan"]]
    assert ("PK-SEK.xlsx, sheet 'PK', sel D4", "judul kolom 'Indikator Kinrja' dibaca sebagai 'Indikator Kinerja'") in notes
    assert len(notes) == 3
    (tmp_path / "b").mkdir()
    head, _, _ = _read("pk", _build(tmp_path / "b", "pk", _pk_sheet_names, None))
    assert [text for _, text in head["catatan"]] == ["sheet 'Angaran' dibaca sebagai sheet 'Anggaran'"]


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


INVALID = [
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


def _copy_as(source: Path, target: Path, code: str, edit: Edit | None) -> None:
    wb = openpyxl.load_workbook(source)
    wb["Identitas"]["B1"] = code
    if edit is not None:
        edit(wb)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)


@pytest.fixture(scope="module")
def invalid_period(tmp_path_factory, suites):
    from sakip import capaian, paraf

    inputs = tmp_path_factory.mktemp("korpus") / "inputs"
    shutil.copytree(INPUTS, inputs)
    year = inputs / "2026"
    for i, (_, kind, edit, after, *_) in enumerate(INVALID, start=1):
        code = f"PK-K{i:02d}"
        _copy_as(PK_SOURCE, year / "pk" / f"{code}.xlsx", code, edit if kind == "pk" else None)
        _copy_as(year / "realisasi" / "tw1" / "PK-SEK.xlsx", year / "realisasi" / "tw1" / f"{code}.xlsx", code, None)
        _copy_as(REAL_SOURCE, year / "realisasi" / "tw2" / f"{code}.xlsx", code, edit if kind == "realisasi" else None)
        if after is not None:
            after(year / ("pk" if kind == "pk" else "realisasi/tw2") / f"{code}.xlsx")
    period = ingest.read_period(inputs, 2026, 2)
    return paraf.run(period, capaian.compute(period), suites)


@pytest.mark.parametrize("i,name,kind,sheet,cell,message",
                         [(i, c[0], c[1], c[4], c[5], c[6]) for i, c in enumerate(INVALID, start=1)],
                         ids=[c[0] for c in INVALID])
def test_invalid_workbook_is_returned_with_file_sheet_cell(invalid_period, i, name, kind, sheet, cell, message):
    code = f"PK-K{i:02d}"
    result = invalid_period[code]
    assert result.verdict == "DIKEMBALIKAN"
    file = f"pk/{code}.xlsx" if kind == "pk" else f"realisasi/tw2/{code}.xlsx"
    at = [f for f in result.errors if (f.location.file, f.location.sheet, f.location.cell) == (file, sheet, cell)]
    assert at, [str(f.location) + ": " + f.message for f in result.errors]
    assert any(message in f"{f.message} {f.fix}" for f in at), [f.message for f in at]


def test_one_units_mistakes_return_no_other_unit(invalid_period):
    assert {pk: r.verdict for pk, r in invalid_period.items() if not pk.startswith("PK-K")} == {
        "PK-INSP": "PARAF", "PK-IRBAN1": "PARAF", "PK-IRBAN2": "PARAF", "PK-IRBAN3": "DIKEMBALIKAN", "PK-SEK": "PARAF"}


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
    assert [(f.pk, f.severity, str(f.location), f.message) for f in period.findings] == [
        ("PK-INSP", "warning", "realisasi/tw2/PK-INSP.xlsx, sheet 'Realisasi', sel J4",
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
