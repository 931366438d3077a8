import hashlib
import json

import openpyxl
import pytest

from sakip.paraf import suites as paraf
from sakip.errors import Location, SuiteError
from sakip.model import Finding
from sakip.paraf.suites import ParafResult

from tests.conftest import INPUTS


def test_every_declared_expectation_is_loaded(suites):
    for suite in suites:
        declared = json.loads(suite.path.read_text())["expectations"]
        assert len(suite.gx_suite.expectations) == len(declared) > 0
    assert [s.name for s in suites] == ["pejabat", "pk", "ra", "realisasi", "anggaran"]


def test_unknown_expectation_type_is_an_error(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"name": "x", "expectations": [
        {"type": "expect_column_values_to_be_bogus", "kwargs": {"column": "a"},
         "meta": {"severity": "error", "lokasi": "a", "uraian": "u", "pesan": "p", "perbaikan": "f"}}]}))
    with pytest.raises(SuiteError, match="x.json: 1 expectation ditulis, hanya 0 dimuat; .*'expect_column_values_to_be_bogus'"):
        paraf.load_suites(tmp_path)


def test_meta_must_declare_severity(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"name": "x", "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}, "meta": {"severity": "fatal"}}]}))
    with pytest.raises(SuiteError, match="severity"):
        paraf.load_suites(tmp_path)


def test_verdicts_of_demo_tw2(verdicts_tw2):
    assert {pk: v.verdict for pk, v in verdicts_tw2.items()} == {
        "PK-INSP": "PARAF", "PK-SEK": "PARAF", "PK-IRBAN1": "PARAF", "PK-IRBAN2": "PARAF", "PK-IRBAN3": "DIKEMBALIKAN"}


def test_returned_pk_findings_name_file_sheet_cell(verdicts_tw2):
    v = verdicts_tw2["PK-IRBAN3"]
    errors = {(f.location.file, f.location.sheet, f.location.cell) for f in v.errors}
    assert errors == {("realisasi/tw2/PK-IRBAN3.xlsx", "Realisasi", c) for c in ("I5", "I7", "J8", "K8")}
    text_error = next(f for f in v.errors if f.location.cell == "I5")
    assert "bukan angka" in text_error.message and "belum ada data" in text_error.message
    assert [(w.location.cell, w.value) for w in v.warnings] == [("I6", "41,5")]


def test_every_check_is_listed_for_the_lembar_paraf(verdicts_tw2, suites):
    n = sum(len(s.checks) for s in suites)
    sek, irban3 = verdicts_tw2["PK-SEK"], verdicts_tw2["PK-IRBAN3"]
    assert len(sek.checks) == n
    assert all(sek.outcome(c) == "Sesuai" for c in sek.checks)
    failed = [irban3.outcome(c) for c in irban3.checks if irban3.failed(c)]
    assert "1 galat" in failed and "1 peringatan" in failed


def test_one_failing_unit_does_not_block_others(verdicts_tw2):
    assert sum(v.verdict == "PARAF" for v in verdicts_tw2.values()) == 4


def test_correction_workbook_is_a_marked_copy(verdicts_tw2, tmp_path):
    source = INPUTS / "2026/realisasi/tw2/PK-IRBAN3.xlsx"
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    written = paraf.write_corrections(verdicts_tw2["PK-IRBAN3"], {"realisasi/tw2/PK-IRBAN3.xlsx": source}, tmp_path)
    assert [p.name for p in written] == ["KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx"]
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    wb = openpyxl.load_workbook(written[0])
    assert wb.sheetnames[0] == "Koreksi"
    rows = list(wb["Koreksi"].iter_rows(min_row=3, values_only=True))
    assert [(r[3], r[4]) for r in rows] == [("Realisasi", "I5"), ("Realisasi", "I7"), ("Realisasi", "J8"), ("Realisasi", "K8"), ("Realisasi", "I6")]
    f5 = wb["Realisasi"]["I5"]
    assert f5.value == "belum ada data"  # the official's value stays, marked
    assert f5.fill.fgColor.rgb.endswith("FFC7CE") and "bukan angka" in f5.comment.text


def test_missing_realisasi_workbook_returns_the_pk(tmp_path, period_tw2, suites):
    import shutil

    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    shutil.copytree(INPUTS, tmp_path / "inputs")
    (tmp_path / "inputs/2026/realisasi/tw2/PK-SEK.xlsx").unlink()
    period = ingest.read_period(tmp_path / "inputs", 2026, 2)
    verdicts = paraf.run(period, capaian.compute(period), suites)
    assert verdicts["PK-SEK"].verdict == "DIKEMBALIKAN"
    assert "belum diterima" in verdicts["PK-SEK"].errors[0].message
    assert verdicts["PK-INSP"].verdict == "PARAF"


def test_suites_in_a_child_process_give_the_same_verdicts(period_tw2, capaian_tw2, verdicts_tw2):
    from pathlib import Path

    from sakip.paraf import suites as paraf

    with paraf.IsolatedSuites(Path(__file__).resolve().parents[2] / "expectations") as checker:
        described = checker.suites()
        assert described and all(s.gx_suite is None for s in described)  # GX objects stay in the child
        isolated = paraf.run(period_tw2, capaian_tw2, described, checker.validate)
    assert {pk: (v.verdict, [f.message for f in v.findings]) for pk, v in isolated.items()} == \
        {pk: (v.verdict, [f.message for f in v.findings]) for pk, v in verdicts_tw2.items()}


def test_a_broken_suite_is_reported_from_the_child_process(tmp_path):
    import pytest

    from sakip.paraf import suites as paraf
    from sakip.errors import SuiteError

    (tmp_path / "x.json").write_text('{"name": "x", "expectations": [{"type": "expect_nothing_real"}]}')
    with paraf.IsolatedSuites(tmp_path) as checker, pytest.raises(SuiteError, match="x.json"):
        checker.suites()


def test_a_dead_gx_process_is_one_indonesian_error(period_tw2, capaian_tw2):
    import os
    import signal
    from pathlib import Path

    import pytest

    from sakip.paraf import suites as paraf
    from sakip.errors import SuiteError

    with paraf.IsolatedSuites(Path(__file__).resolve().parents[2] / "expectations") as checker:
        described = checker.suites()
        for pid in list(checker._pool._processes):  # as the OOM killer would
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(SuiteError, match="berhenti tiba-tiba"):
            paraf.run(period_tw2, capaian_tw2, described, checker.validate)


def test_a_csv_submission_comes_back_as_a_marked_workbook(tmp_path, suites):
    import shutil

    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    from tests.ingest.test_ingest_corpus import write_csv_folder

    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    book = inputs / "2026/realisasi/tw2/PK-IRBAN3.xlsx"
    write_csv_folder(book, book.with_suffix(""), ";", "utf-8", decimal_comma=True)
    book.unlink()
    period = ingest.read_period(inputs, 2026, 2)
    verdict = paraf.run(period, capaian.compute(period), suites)["PK-IRBAN3"]
    assert verdict.verdict == "DIKEMBALIKAN"
    source = {"realisasi/tw2/PK-IRBAN3": book.with_suffix("")}
    [written] = paraf.write_corrections(verdict, source, tmp_path / "out")
    assert written.name == "KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx"
    wb = openpyxl.load_workbook(written)
    assert wb.sheetnames[0] == "Koreksi" and "Realisasi" in wb.sheetnames
    cell = wb["Realisasi"]["I5"]
    assert cell.value == "belum ada data" and cell.fill.fgColor.rgb.endswith("FFC7CE")
    rows = list(wb["Koreksi"].iter_rows(min_row=3, values_only=True))
    assert ("realisasi/tw2/PK-IRBAN3/Realisasi.csv", "Realisasi", "I5") in {(r[2], r[3], r[4]) for r in rows}


def test_a_bad_nip_in_instansi_toml_returns_the_pks_it_signs_not_the_run(tmp_path, suites):
    """NIP structure is a paraf rule, not a configuration error: in a regency, one agency's typo
    must not stop the others' runs."""
    import shutil

    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    toml = inputs / "2026/instansi.toml"
    toml.write_text(toml.read_text().replace('"198709102010012015"', '"19870910201001201"'))
    period = ingest.read_period(inputs, 2026, 2)
    verdicts = paraf.run(period, capaian.compute(period), suites)
    for pk, v in verdicts.items():  # the checker initials every PK's Lembar Paraf
        assert v.verdict == "DIKEMBALIKAN"
        [f] = [f for f in v.errors if f.check == "pejabat.nip_sah"]
        assert str(f.location) == "instansi.toml, sheet '[pejabat.kasubbag_perencanaan]', sel nip"
        assert "NIP Pemeriksa (DEWI LESTARI, S.Kom., M.M.) tidak sah: NIP harus 18 digit" in f.message


def test_an_unregistered_nip_is_reported_once_not_as_a_missing_pangkat(tmp_path, suites):
    import shutil

    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    book = inputs / "2026/pk/PK-SEK.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["Identitas"]["B3"] = "198001012005011001"  # structurally valid, nobody's
    wb.save(book)
    period = ingest.read_period(inputs, 2026, 2)
    v = paraf.run(period, capaian.compute(period), suites)["PK-SEK"]
    at_nip = [f.check for f in v.findings if f.location.cell == "B3"]
    assert at_nip == ["berkas.nip_terdaftar"]
    assert not [f for f in v.findings if f.check.startswith("pejabat.") and "Pihak Pertama" in f.message]


@pytest.mark.parametrize(("targets", "rising", "back"), [
    ([25, 50, 75, 100], True, None), ([25, 50, 45, 100], True, 2), ([50, None, 40, 80], True, 2),
    ([None, None, None, 3], True, None), ([5, 6, 5, 5], False, 1), ([10, 9.8, 9.6, 9.5], False, None),
])
def test_the_cell_marked_for_a_target_going_back(targets, rising, back):
    from decimal import Decimal

    assert paraf._step_back([None if t is None else Decimal(str(t)) for t in targets], rising) == back


def test_a_correction_workbook_holds_names_a_worksheet_would_refuse(tmp_path):
    """A Linux file name and a CSV-folder sheet name may hold control characters, which openpyxl
    refuses in a cell: they are written visible instead of stopping the whole run."""
    where = Location("pk/PK-\x07\nQ.xlsx", "RA\x07", "")
    finding = Finding("PK-<U+0007>Q", "error", where, "nilai\x07", "Sheet 'RA\x07' tidak dikenal", "Perbaiki.")
    [book] = paraf.write_corrections(ParafResult("PK-<U+0007>Q", "DIKEMBALIKAN", [finding]), {}, tmp_path)
    rows = list(openpyxl.load_workbook(book)["Koreksi"].iter_rows(min_row=3, values_only=True))
    assert rows[0][2:7] == ("pk/PK-<U+0007><U+000A>Q.xlsx", "RA<U+0007>", None, "nilai<U+0007>", "Sheet 'RA<U+0007>' tidak dikenal")


# --- correction workbooks: whatever layout a unit sends, its findings come back ------------------

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
    books = paraf.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", findings), {name: source}, tmp_path / "out")
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
    assert note.count("Galat: Temuan") == paraf.MAX_NOTES  # ten notes, then where the rest are
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
    [book] = paraf.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", [finding("I5"), finding("", n=1)]),
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
        wb["Realisasi"]["I7"].comment = Comment("Galat: Temuan lama", paraf.COMMENT_AUTHOR)
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
    [book] = paraf.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", [finding("I5")]), {SOURCE: source}, out)
    assert book.name == "KOREKSI_realisasi_tw2_PK-IRBAN3_2.xlsx"
    assert source.read_bytes() == before
    # the same through a symbolic link
    link = tmp_path / "tautan"
    link.mkdir()
    (link / "KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx").symlink_to(clash)
    before = clash.read_bytes()
    [book] = paraf.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", [finding("I5")]), {SOURCE: clash}, link)
    assert book.name.endswith("_2.xlsx") and clash.read_bytes() == before


def test_two_files_with_one_safe_name_get_two_correction_workbooks(tmp_path):
    first = unit_book(tmp_path, name="a b.xlsx")
    second = unit_book(tmp_path, name="a_b.xlsx")
    found = [finding("I5", file="realisasi/a b.xlsx"), finding("I6", file="realisasi/a_b.xlsx", n=1)]
    books = paraf.write_corrections(ParafResult("PK-IRBAN3", "DIKEMBALIKAN", found),
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


# --- budget hierarchy (issue 21 item 3) -------------------------------------------------------

def _with_budget(period, change=None, add=()):
    """The period (a copy) with one PK line's pagu changed and lines added: (pk, kode, pagu, {quarter: realisasi})."""
    import pandas as pd

    from sakip.errors import Location

    copy = period.only(period.pk_codes())
    if change:
        pk, kode, pagu = change
        row = (copy.budgets["pk"] == pk) & (copy.budgets["kode_program"] == kode)
        copy.budgets.loc[row, "pagu"] = pagu
    for n, (pk, kode, pagu, spent) in enumerate(add):
        book = copy.records("pks")[[x["pk"] for x in copy.records("pks")].index(pk)]["berkas"]
        copy.budgets = pd.concat([copy.budgets, pd.DataFrame([{
            "pk": pk, "kode_program": kode, "kode_program_loc": Location(book, "Anggaran", f"B{20 + n}"),
            "program": f"Subkegiatan {kode}", "program_loc": Location(book, "Anggaran", f"C{20 + n}"),
            "pagu": pagu, "pagu_loc": Location(book, "Anggaran", f"D{20 + n}"), "pagu_status": "angka",
            "pagu_text": str(pagu), "pagu_note": ""}])], ignore_index=True)
        for q, value in spent.items():
            berkas = f"realisasi/tw{q}/{pk}.xlsx"
            copy.realisasi_budget = pd.concat([copy.realisasi_budget, pd.DataFrame([{
                "pk": pk, "triwulan": q, "file": "", "berkas": berkas, "kode_program": kode,
                "kode_program_loc": Location(berkas, "Anggaran", f"B{20 + n}"),
                "realisasi_anggaran": value, "realisasi_anggaran_loc": Location(berkas, "Anggaran", f"F{20 + n}"),
                "realisasi_anggaran_status": "angka", "realisasi_anggaran_text": str(value),
                "realisasi_anggaran_note": ""}])], ignore_index=True)
    return copy


def _hierarchy(verdicts):
    return {pk: [(f.severity, f.check.split(".")[1], f.location.cell) for f in v.findings if "hierarki" in f.check]
            for pk, v in verdicts.items()}


def test_the_demos_budget_lines_fit_in_their_programmes(verdicts_tw2):
    assert all(not found for found in _hierarchy(verdicts_tw2).values())


def test_units_kegiatan_together_above_the_heads_programme_warn_every_pk_involved(period_tw2, suites):
    """No unit's own kegiatan exceed programme 5.01.02, only their sum does: the data cannot tell
    whose line is wrong, so each PK involved is warned with every line and cell, none returned."""
    from decimal import Decimal

    from sakip.capaian.rules import compute

    period = _with_budget(period_tw2, change=("PK-IRBAN3", "5.01.02.2.01", Decimal(1_500_000_000)))
    verdicts = paraf.run(period, compute(period), suites)
    found = _hierarchy(verdicts)
    assert found["PK-IRBAN1"] == [("warning", "anggaran_hierarki_pagu_bersama", "D5"),
                                  ("warning", "anggaran_hierarki_pagu_bersama", "D6")]
    assert found["PK-IRBAN3"] == [("warning", "anggaran_hierarki_pagu_bersama", "D5")]
    assert verdicts["PK-IRBAN1"].verdict == verdicts["PK-IRBAN2"].verdict == "PARAF"
    # The head's programme is the other side: a warning there too.
    assert found["PK-INSP"] == [("warning", "anggaran_hierarki_pagu_pk_lain", "D6")] and verdicts["PK-INSP"].verdict == "PARAF"
    message = next(f.message for f in verdicts["PK-IRBAN1"].findings if f.location.cell == "D5" and "hierarki" in f.check)
    assert message.startswith("Pagu seluruh kegiatan di bawah program 5.01.02 pada PK-IRBAN1, PK-IRBAN2, PK-IRBAN3 "
                              "berjumlah Rp 3.530.000.000 (")
    assert "melebihi pagu program 5.01.02 Rp 3.085.000.000 (5.01.02 PK-INSP (pk/PK-INSP.xlsx, sheet 'Anggaran', sel D6)" in message
    assert "5.01.02.2.01 PK-IRBAN3 (pk/PK-IRBAN3.xlsx, sheet 'Anggaran', sel D5) Rp 1.500.000.000" in message


def test_a_units_own_kegiatan_above_the_heads_programme_return_that_unit_only(period_tw2, suites):
    from decimal import Decimal

    from sakip.capaian.rules import compute

    period = _with_budget(period_tw2, change=("PK-IRBAN3", "5.01.02.2.01", Decimal(3_500_000_000)))
    verdicts = paraf.run(period, compute(period), suites)
    found = _hierarchy(verdicts)
    assert ("error", "anggaran_hierarki_pagu", "D5") in found["PK-IRBAN3"] and verdicts["PK-IRBAN3"].verdict == "DIKEMBALIKAN"
    assert verdicts["PK-IRBAN1"].verdict == verdicts["PK-IRBAN2"].verdict == "PARAF"
    assert all(severity == "warning" for pk in ("PK-IRBAN1", "PK-IRBAN2", "PK-INSP") for severity, *_ in found[pk])
    message = next(f.message for f in verdicts["PK-IRBAN3"].findings if f.severity == "error" and "hierarki" in f.check)
    assert message.startswith("Pagu seluruh kegiatan di bawah program 5.01.02 berjumlah Rp 3.500.000.000 (5.01.02.2.01 PK-IRBAN3")


def test_subkegiatan_above_their_kegiatan_in_the_same_pk_return_it(period_tw2, suites):
    from decimal import Decimal

    from sakip.capaian.rules import compute

    # Three levels: programme 5.01.01 (PK-INSP) > kegiatan 5.01.01.2.01 (PK-SEK, pagu 96.750.000,
    # realisasi s.d. TW II 40.750.000) > two subkegiatan added to PK-SEK.
    period = _with_budget(period_tw2, add=[("PK-SEK", "5.01.01.2.01.0001", Decimal(60_000_000), {1: 5_000_000, 2: 5_000_000}),
                                           ("PK-SEK", "5.01.01.2.01.0002", Decimal(40_000_000), {1: 5_000_000, 2: 5_000_000})])
    verdicts = paraf.run(period, compute(period), suites)
    found = _hierarchy(verdicts)
    assert found["PK-SEK"] == [("error", "anggaran_hierarki_pagu", "D20"), ("error", "anggaran_hierarki_pagu", "D21")]
    assert verdicts["PK-SEK"].verdict == "DIKEMBALIKAN" and found["PK-INSP"] == []
    message = next(f.message for f in verdicts["PK-SEK"].findings if "hierarki" in f.check)
    assert "subkegiatan di bawah kegiatan 5.01.01.2.01 berjumlah Rp 100.000.000" in message
    assert "melebihi pagu kegiatan 5.01.01.2.01 Rp 96.750.000" in message
    # Their realisasi (45.000.000 against 40.750.000) too, at the realisasi cells.
    more = _with_budget(period_tw2, add=[("PK-SEK", "5.01.01.2.01.0001", Decimal(50_000_000), {1: 10_000_000, 2: 20_000_000}),
                                         ("PK-SEK", "5.01.01.2.01.0002", Decimal(40_000_000), {1: 5_000_000, 2: 10_000_000})])
    found = _hierarchy(paraf.run(more, compute(more), suites))
    assert found["PK-SEK"] == [("error", "anggaran_hierarki_realisasi", "F20"), ("error", "anggaran_hierarki_realisasi", "F21")]


# --- issue 21: indicators measured once a year, Rata-rata targets (capaian engine's checks) -------

def _suite(suites, name):
    return next(s for s in suites if s.name == name)


def _ra_findings(suites, targets, annual, akumulasi, polaritas="negatif", q=2):
    from types import SimpleNamespace

    from tests.capaian.test_capaian import indicator

    row = {**indicator(targets, annual, "%", polaritas, akumulasi, nama="Prevalensi stunting"), "ra_missing": False}
    frame = paraf.ra_frame(SimpleNamespace(quarter=q), [row])
    return paraf.validate(_suite(suites, "ra"), frame)[0]


def test_cumulative_looking_targets_are_flagged_under_rata_rata(suites):
    # 2,5 / 5 / 7,5 / 10 is flagged under Akhir (warning) and Jumlah (error); under Rata-rata it
    # passed, and the report compared the mean of cumulative positions with the annual 10.
    [f] = _ra_findings(suites, ["2,5", "5", "7,5", "10"], "10", "rata-rata")
    assert (f.severity, f.check, f.location.sheet, f.location.cell) == ("error", "ra.ra_rata_sama_target", "RA", "G5")
    assert "Rata-rata target triwulan indikator 'Prevalensi stunting' adalah 6,25 (2,5 / 5 / 7,5 / 10)" in f.message
    assert "target tahunannya 10" in f.message and "'Akhir'" in f.fix
    assert [x.check for x in _ra_findings(suites, ["2,5", "5", "7,5", "10"], "10", "akhir")] == ["ra.ra_kumulatif_turun"]


@pytest.mark.parametrize("targets,annual", [
    (["10"] * 4, "10"),
    (["0", "0", "0", "3"], "3"),  # measured at TW IV only: the mean starts there
    (["10", "10", "11", "-"], "10,33"),  # compared as printed: 10,333... is 10,33
])
def test_rata_rata_targets_whose_mean_is_the_annual_target_pass(suites, targets, annual):
    assert _ra_findings(suites, targets, annual, "rata-rata") == []


def _realisasi_findings(suites, targets, rows, q=2):
    from types import SimpleNamespace

    import pandas as pd

    from sakip.capaian import rules as capaian

    from tests.capaian.test_capaian import CFG, indicator, realisasi

    ind = indicator(targets, targets[-1], "Nilai", akumulasi="akhir", nama="Nilai maturitas SPIP")
    reals = [{**r, "berkas": "realisasi/tw2/PK-UJI.xlsx", "kendala_loc": None, "tindak_lanjut_loc": None}
             for r in realisasi(rows, satuan="Nilai") if r["triwulan"] <= q and r["realisasi_status"] != "hilang"]
    result = capaian.compute_records(CFG, q, "PK-UJI", [ind], reals, [], [])
    period = SimpleNamespace(quarter=q, realisasi=pd.DataFrame(reals), config_for=lambda pk: CFG)
    frame = paraf.realisasi_frame(period, {"PK-UJI": result}, {"PK-UJI"}, [ind])
    return paraf.validate(_suite(suites, "realisasi"), frame)[0]


def test_no_realisasi_is_asked_before_the_first_quarter_with_a_target(suites):
    # Nilai SPIP, RA 0/0/0/3: an empty TW II cell, or no TW II row at all, no longer returns the PK.
    assert _realisasi_findings(suites, [0, 0, 0, 3], ["", ""]) == []
    assert _realisasi_findings(suites, [0, 0, 0, 3], []) == []
    # measured from TW II: both are still demanded
    assert [f.check for f in _realisasi_findings(suites, [0, 3, 3, 3], ["", ""])] == ["realisasi.realisasi_terisi"]
    assert [f.check for f in _realisasi_findings(suites, [0, 3, 3, 3], [])] == ["realisasi.realisasi_ada"]
