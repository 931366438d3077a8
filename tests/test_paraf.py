import hashlib
import json

import openpyxl
import pytest

from sakip import paraf
from sakip.errors import Location, SuiteError
from sakip.model import Finding
from sakip.paraf import ParafResult

from .conftest import INPUTS


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

    from sakip import capaian, ingest

    shutil.copytree(INPUTS, tmp_path / "inputs")
    (tmp_path / "inputs/2026/realisasi/tw2/PK-SEK.xlsx").unlink()
    period = ingest.read_period(tmp_path / "inputs", 2026, 2)
    verdicts = paraf.run(period, capaian.compute(period), suites)
    assert verdicts["PK-SEK"].verdict == "DIKEMBALIKAN"
    assert "belum diterima" in verdicts["PK-SEK"].errors[0].message
    assert verdicts["PK-INSP"].verdict == "PARAF"


def test_suites_in_a_child_process_give_the_same_verdicts(period_tw2, capaian_tw2, verdicts_tw2):
    from pathlib import Path

    from sakip import paraf

    with paraf.IsolatedSuites(Path(__file__).resolve().parents[1] / "expectations") as checker:
        described = checker.suites()
        assert described and all(s.gx_suite is None for s in described)  # GX objects stay in the child
        isolated = paraf.run(period_tw2, capaian_tw2, described, checker.validate)
    assert {pk: (v.verdict, [f.message for f in v.findings]) for pk, v in isolated.items()} == \
        {pk: (v.verdict, [f.message for f in v.findings]) for pk, v in verdicts_tw2.items()}


def test_a_broken_suite_is_reported_from_the_child_process(tmp_path):
    import pytest

    from sakip import paraf
    from sakip.errors import SuiteError

    (tmp_path / "x.json").write_text('{"name": "x", "expectations": [{"type": "expect_nothing_real"}]}')
    with paraf.IsolatedSuites(tmp_path) as checker, pytest.raises(SuiteError, match="x.json"):
        checker.suites()


def test_a_dead_gx_process_is_one_indonesian_error(period_tw2, capaian_tw2):
    import os
    import signal
    from pathlib import Path

    import pytest

    from sakip import paraf
    from sakip.errors import SuiteError

    with paraf.IsolatedSuites(Path(__file__).resolve().parents[1] / "expectations") as checker:
        described = checker.suites()
        for pid in list(checker._pool._processes):  # as the OOM killer would
            os.kill(pid, signal.SIGKILL)
        with pytest.raises(SuiteError, match="berhenti tiba-tiba"):
            paraf.run(period_tw2, capaian_tw2, described, checker.validate)


def test_a_csv_submission_comes_back_as_a_marked_workbook(tmp_path, suites):
    import shutil

    from sakip import capaian, ingest

    from .test_ingest_corpus import write_csv_folder

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

    from sakip import capaian, ingest

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

    from sakip import capaian, ingest

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
