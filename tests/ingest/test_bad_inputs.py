"""File-level bad inputs straight through the readers, and the rules behind them: what a file
really is, the limits that keep a hostile file cheap, identity codes, odd file names.

The cases themselves are part of the invalid corpus (tests/ingest/test_ingest_corpus.py INVALID), where
each is also returned as its own PK in one period; here each must fail in the reader alone with
one InputError naming the file (and the sheet where one applies), quickly.
"""

from __future__ import annotations

import shutil
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakip.ingest import filecheck
from sakip.ingest import workbooks as ingest
from sakip.paraf.asn import nip_problem
from sakip.errors import InputError
from sakip.outputs.files import safe_component

from tests import bad_files
from tests.conftest import examples
from tests.ingest.test_ingest_corpus import INVALID, PK_SOURCE, REAL_SOURCE, Case, write_csv_folder

FILE_CASES = [c for c in INVALID if c.after is not None and getattr(c.after, "__module__", "") == bad_files.__name__]


def test_every_file_level_kind_is_in_the_corpus():
    names = {c.name for c in FILE_CASES}
    assert len(FILE_CASES) >= 20, names
    for kind in ("PDF", "Word", "ODS", "HTML", "teks CSV", "97-2003", "sandi", "kosong", "terpotong", "XML sheet rusak",
                 "zip bomb", "billion laughs di sharedStrings", "billion laughs di sheet", "100 000 baris"):
        assert any(kind in n for n in names), kind


# Refused on the first bytes or the zip directory: openpyxl never parses them (a bomb is never
# inflated, a DTD never reaches a parser). The others are refused while or after openpyxl reads.
PARSED = ("XML sheet rusak", "XML sharedStrings rusak", "100 000 baris")


@pytest.mark.parametrize("case", FILE_CASES, ids=[c.name for c in FILE_CASES])
def test_reader_refuses_with_one_message_naming_the_file(tmp_path, monkeypatch, case: Case):
    shown = f"{'pk' if case.kind == 'pk' else 'realisasi/tw2'}/PK-F01.xlsx"
    path = tmp_path / "PK-F01.xlsx"
    shutil.copy(PK_SOURCE if case.kind == "pk" else REAL_SOURCE, path)
    case.after(path)
    reader = ingest.read_pk_workbook if case.kind == "pk" else ingest.read_realisasi_workbook
    opened = []
    real_load = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(a) or real_load(*a, **k))
    with pytest.raises(InputError) as caught:
        reader(path, shown)
    error = caught.value
    assert (error.location.file, error.location.sheet, error.location.cell) == (shown, case.sheet, case.cell)
    assert case.message in error.message
    assert str(error).startswith(f"{shown}{', sheet ' + repr(case.sheet) if case.sheet else ''}: ")
    assert "\n" not in str(error) and "Traceback" not in str(error)
    assert bool(opened) == any(case.name.startswith(p) for p in PARSED), opened


def test_limits_on_everything_unpacked(tmp_path, monkeypatch):
    path = tmp_path / "PK-SEK.xlsx"
    shutil.copy(PK_SOURCE, path)
    monkeypatch.setattr(filecheck, "MAX_UNPACKED_BYTES", 10_000)
    with pytest.raises(InputError, match=r"isinya berukuran \d+ KB setelah diekstrak \(batas 10 KB\)"):
        ingest.read_pk_workbook(path)


def test_a_dtd_is_found_in_utf16_xml_too(tmp_path):
    """expat reads UTF-16 XML: a byte search for '<!DOCTYPE' in UTF-8 alone would miss it."""
    path = tmp_path / "PK-SEK.xlsx"
    shutil.copy(PK_SOURCE, path)
    member = bad_files.sheet_member(path, "PK")
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    xml = members[member].decode()
    body = xml[xml.index("?>") + 2:] if xml.startswith("<?xml") else xml
    members[member] = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "a">]>' + body).encode("utf-16")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    with pytest.raises(InputError, match="memuat deklarasi DTD/ENTITY"):
        ingest.read_pk_workbook(path)


def test_old_excel_fixture_is_a_real_compound_file(tmp_path):
    import olefile

    path = tmp_path / "x.xlsx"
    bad_files.xls_97(path)
    with olefile.OleFileIO(str(path)) as ole:
        assert ole.listdir() == [["Workbook"]] and ole.openstream("Workbook").read(2) == b"\x09\x08"
    bad_files.encrypted(shutil.copy(PK_SOURCE, tmp_path / "y.xlsx"))
    with olefile.OleFileIO(str(tmp_path / "y.xlsx")) as ole:
        assert ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage")


def test_a_csv_sheet_past_the_row_limit_stops_there(tmp_path):
    folder = tmp_path / "PK-SEK"
    write_csv_folder(PK_SOURCE, folder, ";", "utf-8", decimal_comma=True)
    with (folder / "Anggaran.csv").open("a", encoding="utf-8") as f:
        f.writelines(f"{n};5.01.01.2.{n};Kegiatan {n};1000\r\n" for n in range(8, 3001))
    with pytest.raises(InputError, match=r"PK-SEK/Anggaran.csv: isian melewati batas 2.000 baris per sheet \(ada isian di baris 2.001"):
        ingest.read_pk_workbook(folder, "PK-SEK")


# --- identity codes ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["PK-SEK", "PK-IRBAN1", "IK-01", "5.01.01.2.01", "PK_A.2", "1"])
def test_ordinary_codes_pass(code):
    assert ingest.code_problem(code, "Kode PK", pk_code=True) is None


@pytest.mark.parametrize("code,part", [
    ("PK SEK", "(SPACE, U+0020) pada posisi ke-3: karakter ini tidak terlihat"),
    ("PK-SEK\u00a0", "(NO-BREAK SPACE, U+00A0) pada posisi ke-7"),
    ("PK-\ufeffSEK", "(ZERO WIDTH NO-BREAK SPACE, U+FEFF)"),
    ("PK\u2212SEK", "'−' (MINUS SIGN, U+2212) pada posisi ke-3: tampak seperti '-'"),
    ("ΡΚ-SEK", "(GREEK CAPITAL LETTER RHO, U+03A1) pada posisi ke-1: tampak seperti 'P'"),
    ("PK-SÉK", "(LATIN CAPITAL LETTER E WITH ACUTE, U+00C9)"),
    ("PK-SEK.", "harus diakhiri huruf atau angka"),
    ("-PK", "harus diawali huruf atau angka"),
    ("P" * 41, "terlalu panjang (41 karakter, paling banyak 40)"),
])
def test_code_problems_name_the_character_and_its_position(code, part):
    problem = ingest.code_problem(code, "Kode PK", pk_code=True)
    assert problem is not None and part in problem, problem


def test_look_alike_table_maps_foreign_letters_to_ascii():
    assert ingest._LOOK_ALIKES and all(not k.isascii() and len(v) == 1 and v.isascii() for k, v in ingest._LOOK_ALIKES.items())
    assert ingest._LOOK_ALIKES["\u041a"] == "K" and ingest._LOOK_ALIKES["\u0391"] == "A"


@settings(max_examples=examples(300), deadline=None)
@given(st.text(alphabet="AZaz09-._/\\ \u041a\u2011", max_size=45))
def test_an_accepted_pk_code_is_its_own_output_folder_name(code):
    """A PK code that passes is exactly the folder sakip writes it to: no two codes share one,
    and none leaves outputs/."""
    if ingest.code_problem(code, "Kode PK", pk_code=True) is None and code:
        assert safe_component(code) == code


def test_nip_dates_after_the_period_are_refused():
    assert nip_problem("203001012050011001", 2026) == "tanggal lahir pada NIP (20300101) setelah tahun 2026"
    assert "setelah tahun 2026" in nip_problem("197808232027122005", 2026)
    assert nip_problem("203001012050011001") is None  # structurally sound: only the period makes it wrong


# --- file names -------------------------------------------------------------------------------------

ODD_NAMES = ["PK..SEK.xlsx", "..xlsx", "PK\\..\\X.xlsx"]


def test_odd_file_names_are_listed_and_read_by_what_they_hold(tmp_path):
    for name in ODD_NAMES:
        shutil.copy(PK_SOURCE, tmp_path / name)
    for junk in ("~$PK-SEK.xlsx", ".~lock.PK-SEK.xlsx#", "._PK-SEK.xlsx"):
        (tmp_path / junk).write_bytes(b"\x00\x05\x16\x07")  # lock files, a macOS resource fork
    assert sorted(p.name for p in ingest.workbooks(tmp_path)) == sorted(ODD_NAMES)
    for name in ODD_NAMES:
        pk, rows, _ = ingest.read_pk_workbook(tmp_path / name, f"pk/{name}")
        assert pk["pk"] == "PK-SEK" and len(rows) == 5  # the code is the cell's, never the file name's


def test_a_valid_workbook_with_an_xlsx_name_but_no_extension_to_openpyxl(tmp_path):
    path = tmp_path / "..xlsx"
    wb = openpyxl.load_workbook(PK_SOURCE)
    wb["RA"]["D5"] = None  # a formula lookup opens the workbook a second time
    wb.save(path)
    _, rows, _ = ingest.read_pk_workbook(path)
    assert rows[0]["target_tw1_status"] == "kosong"


def test_names_from_the_file_are_shown_on_one_line(tmp_path):
    """A zip member, a sheet or a file name may hold a newline or a right-to-left override (the
    fuzz test found a member name whose byte became a newline): the message stays one line and
    shows what is there."""
    path = tmp_path / "PK\nSEK\u202e.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("laporan\n2026.txt", "x")
        z.writestr("catatan\u202etxt.exe", "x")
    with pytest.raises(InputError) as caught:
        ingest.read_pk_workbook(path, f"pk/{path.name}")
    shown = str(caught.value)
    assert shown.isprintable(), shown
    assert "pk/PK<U+000A>SEK<U+202E>.xlsx" in shown and "laporan<U+000A>2026.txt" in shown and "catatan<U+202E>txt.exe" in shown

    wb = openpyxl.load_workbook(PK_SOURCE)
    wb["Identitas"].title = "Ident\u202eitas"  # read leniently as Identitas, with a note
    wb.save(path)
    pk, _, _ = ingest.read_pk_workbook(path, "pk/PK-SEK.xlsx")
    (note,) = ingest._problems("PK-SEK", pk["catatan"])
    assert note.text == "Sheet 'Ident<U+202E>itas' dibaca sebagai sheet 'Identitas'" and str(note.location).isprintable()


# --- whatever the damage: an InputError, never another exception --------------------------------

_PK_BYTES = PK_SOURCE.read_bytes()
with zipfile.ZipFile(PK_SOURCE) as _z:
    _PK_MEMBERS = {n: _z.read(n) for n in _z.namelist()}


@settings(max_examples=examples(200), deadline=None)
@given(raw=st.booleans(), member=st.sampled_from(sorted(_PK_MEMBERS)),
       edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.binary(min_size=0, max_size=3)), min_size=1, max_size=4))
def test_damaged_workbooks_give_an_input_error_or_read(tmp_path_factory, raw, member, edits):
    """Bytes replaced at random in the file itself, or in one part's XML before zipping."""
    data = bytearray(_PK_BYTES if raw else _PK_MEMBERS[member])
    for at, new in edits:
        i = int(at * len(data))
        data[i:i + len(new) or i + 1] = new
    path = tmp_path_factory.mktemp("fuzz") / "PK-SEK.xlsx"
    if raw:
        path.write_bytes(bytes(data))
    else:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, content in _PK_MEMBERS.items():
                z.writestr(name, bytes(data) if name == member else content)
    try:
        ingest.read_pk_workbook(path, "pk/PK-SEK.xlsx")
    except InputError as error:
        assert error.location.file == "pk/PK-SEK.xlsx" and str(error).isprintable(), str(error)
