"""Correction workbooks: whatever a returned unit sent, its findings come back to it."""

import hashlib

import openpyxl
import pytest

from sakip.errors import Location
from sakip.model import Finding
from sakip.paraf import koreksi
from sakip.paraf.suites import ParafResult

from tests.conftest import INPUTS


def test_correction_workbook_is_a_marked_copy(verdicts_tw2, tmp_path):
    source = INPUTS / "2026/realisasi/tw2/PK-IRBAN3.xlsx"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    written = koreksi.write_corrections(verdicts_tw2["PK-IRBAN3"], {"realisasi/tw2/PK-IRBAN3.xlsx": source}, tmp_path)
    assert [p.name for p in written] == ["KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx"]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    wb = openpyxl.load_workbook(written[0])
    assert wb.sheetnames[0] == "Koreksi"
    rows = list(wb["Koreksi"].iter_rows(min_row=3, values_only=True))
    assert [(r[3], r[4]) for r in rows] == [("Realisasi", "I5"), ("Realisasi", "I7"), ("Realisasi", "J8"), ("Realisasi", "K8"), ("Realisasi", "I6")]
    f5 = wb["Realisasi"]["I5"]
    assert f5.value == "belum ada data"  # the official's value stays, marked
    assert f5.fill.fgColor.rgb.endswith("FFC7CE") and "bukan angka" in f5.comment.text


def test_a_correction_workbook_holds_names_a_worksheet_would_refuse(tmp_path):
    """A Linux file name and a CSV-folder sheet name may hold control characters, which openpyxl
    refuses in a cell: they are written visible instead of stopping the whole run."""
    where = Location("pk/PK-\x07\nQ.xlsx", "RA\x07", "")
    finding = Finding("PK-<U+0007>Q", "error", where, "nilai\x07", "Sheet 'RA\x07' tidak dikenal", "Perbaiki.")
    [book] = koreksi.write_corrections(ParafResult("PK-<U+0007>Q", "DIKEMBALIKAN", [finding]), {}, tmp_path)
    rows = list(openpyxl.load_workbook(book)["Koreksi"].iter_rows(min_row=3, values_only=True))
    assert rows[0][2:7] == ("pk/PK-<U+0007><U+000A>Q.xlsx", "RA<U+0007>", None, "nilai<U+0007>", "Sheet 'RA<U+0007>' tidak dikenal")


# --- whatever layout a unit sends, its findings come back ----------------------------------------

SOURCE = "realisasi/tw2/PK-IRBAN3.xlsx"


def unit_book(tmp_path, edit=None, name="PK-IRBAN3.xlsx"):
    """A copy of a unit's realisasi workbook, edited as a unit might have left it."""
    path = tmp_path / "masuk" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(INPUTS / "2026" / SOURCE)
    if edit:
        edit(wb)
    wb.save(path)
    return path


def finding(cell, sheet="Realisasi", file=SOURCE, value="x", severity="error", n=0):
    return Finding("PK-IRBAN3", severity, Location(file, sheet, cell), value, f"Temuan {n} di {cell}", "Perbaiki.",
                   f"realisasi.c{n}")


def corrections(tmp_path, source, findings, name=SOURCE):
    """write_corrections for one unit's file: the books written, the input's hash unchanged."""
    before = hashlib.sha256(source.read_bytes()).hexdigest() if source.is_file() else None
    books = koreksi.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", findings), {name: source}, tmp_path / "out")
    if before:
        assert hashlib.sha256(source.read_bytes()).hexdigest() == before, "the unit's file was changed"
    assert not [p for p in (tmp_path / "out").rglob("*") if p.name.endswith(".tmp")], "a temporary file was left"
    return books


def koreksi_rows(book):
    return list(openpyxl.load_workbook(book)["Koreksi"].iter_rows(min_row=3, values_only=True))


def test_merged_cells_over_the_data_are_marked_on_their_first_cell(tmp_path):
    """A merged range over the data area once crashed the writer ('MergedCell' object attribute
    'comment' is read-only) and stopped the period."""
    source = unit_book(tmp_path, lambda wb: wb["Realisasi"].merge_cells("I5:K7"))
    [book] = corrections(tmp_path, source, [finding("I6", n=1), finding("K7", n=2), finding("I5", n=3),
                                            finding("J8", severity="warning", n=4)])
    wb = openpyxl.load_workbook(book)
    ws = wb["Realisasi"]
    assert "I5:K7" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["I5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert all(f"Temuan {n} di" in ws["I5"].comment.text for n in (1, 2, 3))
    assert ws["J8"].fill.fgColor.rgb.endswith("FFEB9C") and "Temuan 4" in ws["J8"].comment.text
    links = [c.hyperlink.location for c in wb["Koreksi"]["E"][2:]]
    assert links == ["'Realisasi'!I5", "'Realisasi'!I5", "'Realisasi'!I5", "'Realisasi'!J8"]
    assert len(koreksi_rows(book)) == 4


def test_a_merged_range_over_a_whole_sheet_is_not_opened_but_its_findings_come_back(tmp_path):
    """openpyxl makes an object for every merged cell when it opens a workbook: 17 billion for
    A1:XFD1048576. The copy is not made; the findings are listed and the sheet says why."""
    import time

    import zipfile

    plain = unit_book(tmp_path, name="asal.xlsx")
    source = tmp_path / "masuk" / "PK-IRBAN3.xlsx"
    # Written into the sheet's XML: openpyxl's own merge_cells would make the 17 billion cells here.
    with zipfile.ZipFile(plain) as z, zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as out:
        sheets = {ws: f"xl/worksheets/sheet{n}.xml" for n, ws in enumerate(openpyxl.load_workbook(plain).sheetnames, 1)}
        for item in z.infolist():
            data = z.read(item)
            if item.filename == sheets["Anggaran"]:
                data = data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A20:XFD1048576"/>'
                                                      b"</mergeCells>", 1)
                assert b"A20:XFD1048576" in data
            out.writestr(item, data)
    started = time.monotonic()
    [book] = corrections(tmp_path, source, [finding("I5"), finding("J8", n=1)])
    assert time.monotonic() - started < 10
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Koreksi"]
    assert "sel gabungannya meliputi" in wb["Koreksi"]["A1"].value and "PK-IRBAN3.xlsx" in wb["Koreksi"]["A1"].value
    assert [r[4] for r in koreksi_rows(book)] == ["I5", "J8"]


def test_a_protected_sheet_is_marked_and_the_marked_cells_can_be_corrected(tmp_path):
    def protect(wb):
        wb["Realisasi"].protection.sheet = True
        wb["Realisasi"].protection.password = "rahasia"
    source = unit_book(tmp_path, protect)
    [book] = corrections(tmp_path, source, [finding("C5"), finding("I6", n=1)])
    wb = openpyxl.load_workbook(book)
    ws = wb["Realisasi"]
    assert ws.protection.sheet, "the unit's protection stays"
    assert not ws["C5"].protection.locked and not ws["I6"].protection.locked
    assert ws["C6"].protection.locked
    assert "dibuka kuncinya" in wb["Koreksi"]["A1"].value


@pytest.mark.parametrize("title", ["Realisasi TW II", "Realisasi (it's)", "Data-2026 & lain", "123", "Réalisasi ÿ"])
def test_a_sheet_name_needing_quotes_is_linked_and_marked(tmp_path, title):
    def rename(wb):
        wb["Realisasi"].title = title
    source = unit_book(tmp_path, rename)
    [book] = corrections(tmp_path, source, [finding("I5", sheet=title)])
    wb = openpyxl.load_workbook(book)
    assert wb[title]["I5"].fill.fgColor.rgb.endswith("FFC7CE")
    quoted = "'" + title.replace("'", "''") + "'"  # Excel's quoting: a quote inside is doubled
    assert wb["Koreksi"]["E3"].hyperlink.location == f"{quoted}!I5"


def test_very_many_findings_are_all_listed_and_a_cell_comment_stays_readable(tmp_path):
    import time

    source = unit_book(tmp_path)
    many = [finding(f"{col}{row}", n=n) for n, (col, row) in enumerate((c, r) for r in range(5, 505) for c in "IJKL")]
    many += [finding("I5", n=10_000 + n) for n in range(25)]  # one cell with 26 findings
    started = time.monotonic()
    [book] = corrections(tmp_path, source, many)
    assert time.monotonic() - started < 120
    assert len(koreksi_rows(book)) == len(many) == 2025
    note = openpyxl.load_workbook(book)["Realisasi"]["I5"].comment.text
    assert note.count("Galat: Temuan") == koreksi.MAX_NOTES  # ten notes, then where the rest are
    assert "dan 16 temuan lain pada sel ini: lihat sheet Koreksi" in note


REFERENCES = {  # cell as a finding names it -> cell marked (None: listed only)
    "XFD1048576": "XFD1048576",  # Excel's last cell, far beyond the sheet's dimension
    "$C$5": "C5",
    "B5:C9": "B5",  # a range: its first cell
    "XFE1": None,  # beyond Excel's last column
    "A1048577": None,  # beyond Excel's last row
    "A0": None,
    "Realisasi!B5": None,
    "A:A": None,
    "5:5": None,
    "IK-01": None,
    "": None,
}


def test_references_to_no_cell_are_listed_and_real_cells_are_marked(tmp_path):
    source = unit_book(tmp_path)
    found = [finding(ref, n=n) for n, ref in enumerate(REFERENCES)]
    [book] = corrections(tmp_path, source, found)
    wb = openpyxl.load_workbook(book)
    assert [r[4] for r in koreksi_rows(book)] == [ref or None for ref in REFERENCES]
    for n, (ref, cell) in enumerate(REFERENCES.items()):
        link = wb["Koreksi"].cell(3 + n, 5).hyperlink
        if cell is None:
            assert link is None, ref
        else:
            assert link.location == f"'Realisasi'!{cell}", ref
            assert f"Temuan {n} di" in wb["Realisasi"][cell].comment.text


def test_findings_without_a_cell_or_a_sheet_are_listed(tmp_path):
    source = unit_book(tmp_path)
    [book] = corrections(tmp_path, source, [finding("", n=1), finding("B5", sheet="", n=2), finding("B5", sheet="Tidak Ada", n=3)])
    assert [(r[3], r[4]) for r in koreksi_rows(book)] == [("Realisasi", None), (None, "B5"), ("Tidak Ada", "B5")]
    assert openpyxl.load_workbook(book)["Realisasi"]["B5"].comment is None


def crafted(source, part, old, new):
    """`source` with bytes of one part replaced, as a program other than Excel may write it."""
    import zipfile

    data = {}
    with zipfile.ZipFile(source) as z:
        for item in z.infolist():
            data[item] = z.read(item)
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as out:
        for item, content in data.items():
            if item.filename == part:
                assert old in content
                content = content.replace(old, new, 1)
            out.writestr(item, content)


@pytest.mark.parametrize("damage", ["not-a-zip", "truncated", "gone", "zip-bomb-part", "style-out-of-range",
                                    "validation-out-of-range"])
def test_a_workbook_that_cannot_be_reopened_gets_its_findings_in_a_workbook_of_their_own(tmp_path, damage):
    """The file ingest read may be unreadable by now (replaced, cut short, deleted): the findings
    go back all the same, and the Koreksi sheet says the copy could not be made."""
    import zipfile

    source = unit_book(tmp_path)
    if damage == "not-a-zip":
        source.write_bytes(b"%PDF-1.4 bukan workbook")
    elif damage == "truncated":
        source.write_bytes(source.read_bytes()[:2000])
    elif damage == "gone":
        source.unlink()
    elif damage == "zip-bomb-part":
        with zipfile.ZipFile(source, "a", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/media/besar.bin", b"\0" * (120 * 2**20))
    elif damage == "style-out-of-range":  # read-only reading (ingest) takes it; a full open does not
        crafted(source, "xl/worksheets/sheet3.xml", b'<c r="A1" s="', b'<c r="A1" s="999" x="')
    else:
        crafted(source, "xl/worksheets/sheet3.xml", b"</worksheet>", b'<dataValidations count="1"><dataValidation '
                b'type="list" sqref="A1 ZZZZZ1"><formula1>"a"</formula1></dataValidation></dataValidations></worksheet>')
    [book] = koreksi.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", [finding("I5"), finding("", n=1)]),
                                     {SOURCE: source}, tmp_path / "out")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Koreksi"]
    assert "tidak dapat dibuka lagi untuk ditandai" in wb["Koreksi"]["A1"].value
    assert [r[4] for r in koreksi_rows(book)] == ["I5", None]


def test_a_workbook_openpyxl_cannot_write_back_gets_its_findings_in_a_workbook_of_their_own(tmp_path, monkeypatch):
    """openpyxl opens some workbooks it cannot write again. No real one was found to do so on
    demand, so the save of the marked copy is made to fail as openpyxl's writer does (a
    TypeError from a value it cannot write); the fresh workbook's own save is left alone."""
    source = unit_book(tmp_path)
    real_save = openpyxl.Workbook.save

    def fails_for_the_copy(book, filename):
        if "Realisasi" in book.sheetnames:
            raise TypeError("Excel does not support timezones in datetimes")
        return real_save(book, filename)

    monkeypatch.setattr(openpyxl.Workbook, "save", fails_for_the_copy)
    [book] = corrections(tmp_path, source, [finding("I5"), finding("", n=1)])
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Koreksi"]
    assert "tidak dapat disimpan ulang dengan tandanya (TypeError)" in wb["Koreksi"]["A1"].value
    assert [r[4] for r in koreksi_rows(book)] == ["I5", None]


def test_a_units_own_comments_are_kept_after_the_findings(tmp_path):
    """The official reads the finding first (issue 22); the unit's note follows, labelled, and
    an earlier round's sakip comment sent back is replaced, not stacked."""
    from openpyxl.comments import Comment

    def commented(wb):
        wb["Realisasi"]["I5"].comment = Comment("Catatan unit: angka sementara", "Unit")
        wb["Realisasi"]["I6"].comment = Comment("", "Unit")  # an empty note
        wb["Realisasi"]["I7"].comment = Comment("Galat: Temuan lama", koreksi.COMMENT_AUTHOR)
    source = unit_book(tmp_path, commented)
    [book] = corrections(tmp_path, source, [finding("I5"), finding("I6", n=1), finding("I7", n=2)])
    ws = openpyxl.load_workbook(book)["Realisasi"]
    assert ws["I5"].comment.text == "Galat: Temuan 0 di I5\nPerbaikan: Perbaiki.\n\nCatatan sebelumnya: Catatan unit: angka sementara"
    assert ws["I6"].comment.text == "Galat: Temuan 1 di I6\nPerbaikan: Perbaiki."
    assert ws["I7"].comment.text == "Galat: Temuan 2 di I7\nPerbaikan: Perbaiki."


def test_an_earlier_koreksi_sheet_sent_back_is_replaced(tmp_path):
    def earlier_round(wb):
        old = wb.create_sheet("KOREKSI", 0)
        old["A1"] = "Lembar Koreksi lama"
    source = unit_book(tmp_path, earlier_round)
    [book] = corrections(tmp_path, source, [finding("I5")])
    wb = openpyxl.load_workbook(book)
    assert [t for t in wb.sheetnames if t.casefold() == "koreksi"] == ["Koreksi"] and wb.sheetnames[0] == "Koreksi"
    assert "lama" not in wb["Koreksi"]["A1"].value
    assert wb.active.title == "Koreksi"


def test_a_template_sent_as_a_workbook_comes_back_as_a_workbook(tmp_path):
    def as_template(wb):
        wb.template = True
    source = unit_book(tmp_path, as_template, name="PK-IRBAN3.xltx")
    [book] = corrections(tmp_path, source, [finding("I5")])
    import zipfile

    types = zipfile.ZipFile(book).read("[Content_Types].xml").decode()
    assert "spreadsheetml.sheet.main+xml" in types and "template" not in types


def test_the_correction_workbook_never_overwrites_the_units_file(tmp_path):
    """Outputs beside the inputs, and a unit that named its file as sakip names the correction:
    the correction goes to another name, and the unit's file stays as it was."""
    out = tmp_path / "out"
    out.mkdir()
    clash = unit_book(tmp_path)
    (out / "KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx").write_bytes(clash.read_bytes())
    source = out / "KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx"
    before = source.read_bytes()
    [book] = koreksi.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", [finding("I5")]), {SOURCE: source}, out)
    assert book.name == "KOREKSI_realisasi_tw2_PK-IRBAN3_2.xlsx"
    assert source.read_bytes() == before
    # the same through a symbolic link
    link = tmp_path / "tautan"
    link.mkdir()
    (link / "KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx").symlink_to(clash)
    before = clash.read_bytes()
    [book] = koreksi.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", [finding("I5")]), {SOURCE: clash}, link)
    assert book.name.endswith("_2.xlsx") and clash.read_bytes() == before


def test_two_files_with_one_safe_name_get_two_correction_workbooks(tmp_path):
    first = unit_book(tmp_path, name="a b.xlsx")
    second = unit_book(tmp_path, name="a_b.xlsx")
    found = [finding("I5", file="realisasi/a b.xlsx"), finding("I6", file="realisasi/a_b.xlsx", n=1)]
    books = koreksi.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", found),
                                    {"realisasi/a b.xlsx": first, "realisasi/a_b.xlsx": second}, tmp_path / "out")
    assert [b.name for b in books] == ["KOREKSI_realisasi_a_b.xlsx", "KOREKSI_realisasi_a_b_2.xlsx"]
    assert [koreksi_rows(b)[0][4] for b in books] == ["I5", "I6"]


def test_a_correction_workbook_replaces_the_last_one_whole(tmp_path):
    """Written beside, then renamed over the last one: a reader never sees half of it."""
    source = unit_book(tmp_path)
    [first] = corrections(tmp_path, source, [finding("I5")])
    inode = first.stat().st_ino
    [again] = corrections(tmp_path, source, [finding("I6", n=1)])
    assert again == first and again.stat().st_ino != inode
    assert [r[4] for r in koreksi_rows(again)] == ["I6"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [first.name]
