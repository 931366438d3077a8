from decimal import Decimal

import pytest

from sakip.ingest import numbers
from sakip.ingest import workbooks as ingest
from sakip.errors import InputError
from sakip.model import Status

from tests.conftest import INPUTS, ROOT


@pytest.mark.parametrize("raw,satuan,value,status", [
    ("1.234,5", "", "1234.5", Status.NUMBER_TEXT),
    ("4,25", "", "4.25", Status.NUMBER_TEXT),
    ("4.25", "", "4.25", Status.NUMBER_TEXT),
    ("78.95", "%", "78.95", Status.NUMBER_TEXT),  # 78,95 and not 7895
    ("55%", "%", "55", Status.NUMBER_TEXT),
    ("Rp 1.250.000", "Rupiah", "1250000", Status.NUMBER_TEXT),
    ("1,234.5", "", "1234.5", Status.NUMBER_TEXT),
    ("144.000", "%", None, Status.AMBIGUOUS),
    ("1.234", "Laporan", None, Status.AMBIGUOUS),
    ("-", "", None, Status.EMPTY),
    ("", "", None, Status.EMPTY),
    ("n/a", "", None, Status.EMPTY),
    ("#DIV/0!", "", None, Status.EXCEL_ERROR),
    ("belum ada data", "", None, Status.TEXT),
    ("WTP", "Opini", None, Status.TEXT),
    (12.5, "", "12.5", Status.NUMBER),
    (7, "", "7", Status.NUMBER),
])
def test_parse_number_rule(raw, satuan, value, status):
    r = numbers.parse_number(raw, satuan)
    assert r.status == status
    assert r.value == (Decimal(value) if value is not None else None)


def test_percent_formatted_cell_is_scaled():
    assert numbers.parse_number(0.55, "%", percent_cell=True).value == Decimal("55")


def test_ambiguous_reading_explains_both_readings():
    note = numbers.parse_number("144.000", "%").note
    assert "144000" in note and "144,000" in note


def test_pk_workbook_values_keep_their_cells():
    pk, rows, budgets = ingest.read_pk_workbook(INPUTS / "2026" / "pk" / "PK-SEK.xlsx", "pk/PK-SEK.xlsx")
    assert pk["pk"] == "PK-SEK" and pk["nip"] == "197808232003122005"
    ik05 = next(r for r in rows if r["kode"] == "IK-05")
    assert ik05["polaritas"] == "negatif" and ik05["akumulasi"] == "rata-rata"
    assert ik05["target_tahunan"] == Decimal("3")
    assert str(ik05["target_tahunan_loc"]) == "pk/PK-SEK.xlsx, sheet 'PK', sel H9"
    assert ik05["target_tw2_loc"].sheet == "RA"
    assert [b["pagu"] for b in budgets] == [Decimal(96750000), Decimal(1845000000), Decimal(512500000)]


def test_period_reads_all_quarters_up_to_the_one_asked(period_tw2):
    assert sorted(period_tw2.pk_codes()) == ["PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-IRBAN3", "PK-SEK"]
    assert set(period_tw2.realisasi["triwulan"]) == {1, 2}
    bad = period_tw2.realisasi[(period_tw2.realisasi.pk == "PK-IRBAN3") & (period_tw2.realisasi.triwulan == 2)]
    by_code = {r["kode"]: r for r in bad.to_dict("records")}
    assert by_code["IK-01"]["realisasi_status"] == "teks"
    assert by_code["IK-02"]["realisasi_status"] == "angka_teks" and by_code["IK-02"]["realisasi"] == Decimal("41.5")
    assert by_code["IK-03"]["realisasi_status"] == "kosong"
    assert by_code["IK-01"]["realisasi_loc"].cell == "I5"
    assert [p for s in period_tw2.submissions for p in s.problems] == []
    assert all(s.accepted for s in period_tw2.submissions)


def test_ingest_reads_and_judges_nothing():
    """What ingest could not read is a ReadProblem; a Finding is the paraf wing's to make."""
    for path in (ROOT / "sakip" / "ingest").glob("*.py"):
        assert "Finding" not in path.read_text(encoding="utf-8"), path


def test_unreadable_workbook_is_one_clear_error(tmp_path):
    fake = tmp_path / "PK-X.xlsx"
    fake.write_bytes(b"this is not a zip file")
    with pytest.raises(InputError, match="PK-X.xlsx: bukan workbook Excel"):
        ingest.read_pk_workbook(fake)


def test_missing_sheet_names_the_sheets_present(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Lembar1"
    path = tmp_path / "PK-Y.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match="sheet 'Identitas' tidak ada \\(yang ada: 'Lembar1'\\)"):
        ingest.read_pk_workbook(path)


def test_corrupt_pk_workbook_returns_only_that_pk(tmp_path):
    import shutil

    shutil.copytree(INPUTS, tmp_path / "inputs")
    (tmp_path / "inputs/2026/pk/PK-RUSAK.xlsx").write_bytes(b"PK\x03\x04 broken")
    period = ingest.read_period(tmp_path / "inputs", 2026, 1)
    assert "PK-RUSAK" in period.pk_codes()
    [problem] = [p for s in period.submissions for p in s.problems]
    assert (problem.pk, problem.rule) == ("PK-RUSAK", "berkas.terbaca") and "bukan workbook Excel" in problem.text


def test_parallel_reading_gives_the_same_results_and_errors(tmp_path):
    import pickle

    from sakip.errors import InputError, Location

    err = InputError(Location("a.xlsx", "PK", "B7"), "bukan angka")
    back = pickle.loads(pickle.dumps(err))
    assert (back.location, back.message, str(back)) == (err.location, err.message, str(err))

    broken = tmp_path / "rusak.xlsx"
    broken.write_bytes(b"bukan excel")
    pk_books = sorted((INPUTS / "2026" / "pk").glob("*.xlsx"))
    jobs = [("pk", p, p.name) for p in pk_books] + [("pk", broken, "rusak.xlsx")]
    serial = ingest.read_workbooks(jobs, workers=1)
    parallel = ingest.read_workbooks(jobs * 10, workers=2)[: len(jobs)]  # 60 jobs: over PARALLEL_FROM
    assert [r if isinstance(r, InputError) else r[0]["pk"] for r in serial][:-1] == \
        [r[0]["pk"] for r in parallel[:-1]]
    assert isinstance(parallel[-1], InputError) and parallel[-1].location.file == "rusak.xlsx"
    assert serial[0] == parallel[0]
