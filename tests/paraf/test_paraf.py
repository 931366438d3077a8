import json

import openpyxl
import pytest

from sakip.paraf import koreksi
from sakip.paraf import suites as paraf
from sakip.errors import Location, SuiteError

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
    from sakip.paraf.rules import RULES

    n = sum(len(s.checks) for s in suites)
    sek, irban3 = verdicts_tw2["PK-SEK"], verdicts_tw2["PK-IRBAN3"]
    assert len(sek.checks) == n + len(RULES)
    assert {f"{c.suite}.{c.id}" for c in sek.checks if c.name == paraf.RULE_TYPE} == set(RULES)
    assert {"capaian.negatif", "realisasi.kode_dikenal", "berkas.realisasi_diterima"} <= set(RULES)
    assert all(sek.outcome(c) == "Sesuai" for c in sek.checks)
    failed = [irban3.outcome(c) for c in irban3.checks if irban3.failed(c)]
    assert "1 galat" in failed and "1 peringatan" in failed


def test_a_rule_that_fires_is_counted_on_its_row_of_the_lembar_paraf(suites):
    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    period = ingest.read_period(INPUTS, 2026, 1).only(["PK-IRBAN2"])  # IK-03: capaian -20 %
    v = paraf.run(period, capaian.compute(period), suites)["PK-IRBAN2"]
    negative = next(c for c in v.checks if (c.suite, c.id) == ("capaian", "negatif"))
    assert v.outcome(negative) == "1 peringatan" and v.failures["capaian.negatif"] == 1
    assert [g.name for g in v.groups] == ["berkas", "pejabat", "pk", "ra", "realisasi", "anggaran", "capaian"]
    assert [c.id for c in v.checks if c.suite == "realisasi"][-1] == "kode_dikenal"  # with the realisasi suite


def test_a_rule_may_not_take_the_id_of_an_expectation(suites, period_tw2, capaian_tw2, monkeypatch):
    from sakip.paraf import rules

    monkeypatch.setitem(rules.RULES, "pk.kode_unik", rules.Rule("pk.kode_unik", "error", "Kode unik"))
    with pytest.raises(SuiteError, match="pk.json: id 'kode_unik' sudah dipakai aturan sakip pk.kode_unik"):
        paraf.run(period_tw2, capaian_tw2, suites)


def test_one_failing_unit_does_not_block_others(verdicts_tw2):
    assert sum(v.verdict == "PARAF" for v in verdicts_tw2.values()) == 4


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


def test_a_missing_realisasi_workbook_of_a_regency_names_its_agencys_folder(tmp_path):
    """Several agencies under inputs/<year>: the finding points into the PK's own agency folder."""
    from bench import generate
    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    codes = generate.generate(tmp_path, generate.Size(agencies=2, pks_per_agency=1, indicators=3, returned_every=99))
    [(agency, [pk])] = [(a, c) for a, c in codes.items() if a != min(codes)]
    (tmp_path / "2026" / agency / "realisasi/tw2" / f"{pk}.xlsx").unlink()
    period = ingest.read_period(tmp_path, 2026, 2)
    verdict = paraf.run(period, capaian.compute(period), [])[pk]  # the rules alone, no suite
    [missing] = [f for f in verdict.findings if f.check == "berkas.realisasi_diterima"]
    assert missing.location == Location(f"{agency}/realisasi/tw2")
    assert missing.message == f"Berkas realisasi triwulan 2 untuk {pk} belum diterima"


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
    # Made unstarted (a rerun expecting to reuse its verdicts), it starts when first asked.
    with paraf.IsolatedSuites(tmp_path, start=False) as checker, pytest.raises(SuiteError, match="x.json"):
        assert not checker.started
        checker.suites()
    assert checker.started


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
    [written] = koreksi.write_corrections(verdict, source, tmp_path / "out")
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


# --- budget hierarchy (issue 21 item 3) -------------------------------------------------------

def _with_budget(period, change=None, add=()):
    """The period (a copy) with one PK line's pagu changed and lines added: (pk, kode, pagu, {quarter: realisasi})."""
    import pandas as pd


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


# --- checks of one cell against a set or bounds: GX expectations of the pk and realisasi suites ---

def _suite_findings(suites, name, frame):
    found, _ = paraf.validate(next(s for s in suites if s.name == name), frame)
    return found


def _pk_rows(*rows):
    """Indicator rows as tests/capaian builds them, with the cells the pk frame also locates."""
    return [{**r, "indikator_loc": Location("pk/PK-UJI.xlsx", "PK", "D5"), "satuan_loc": Location("pk/PK-UJI.xlsx", "PK", "E5")}
            for r in rows]


def _checked(suites, check, *rows):
    found = _suite_findings(suites, "pk", paraf.pk_frame(None, _pk_rows(*rows)))
    return [(f.severity, f.location.cell, f.value, f.message) for f in found if f.check == check]


def test_an_unknown_negative_formula_is_an_error_at_its_cell(suites):
    from tests.capaian.test_capaian import indicator

    rows = [indicator([5] * 4, 5, "Hari", "negatif", "akhir", nama=f"Indikator {rumus!r}", rumus=rumus, kode=f"IK-0{i}")
            for i, rumus in enumerate(("kebalikan", "Rasio", " selisih ", ""), start=1)]
    assert _checked(suites, "pk.rumus_negatif", *rows) == [
        ("error", "I5", "kebalikan", "Rumus negatif indikator 'Indikator 'kebalikan'' tertulis 'kebalikan'")]
    [finding] = [f for f in _suite_findings(suites, "pk", paraf.pk_frame(None, _pk_rows(rows[0]))) if f.check == "pk.rumus_negatif"]
    assert finding.expected == "Rumus negatif 'selisih', 'rasio', atau kosong"
    assert finding.fix == "Isi 'selisih' atau 'rasio', atau kosongkan untuk memakai rumus instansi."


def test_the_pk_suite_allows_exactly_the_formulas_capaian_knows(suites):
    from sakip.config import NEGATIVE_FORMULAS

    [suite] = [s for s in suites if s.name == "pk"]
    [expectation] = [e for e, m in zip(suite.gx_suite.expectations, suite.metas) if m["id"] == "rumus_negatif"]
    assert set(expectation.value_set) == set(NEGATIVE_FORMULAS)


def test_an_unknown_qualitative_annual_target_is_an_error(suites):
    from tests.capaian.test_capaian import indicator

    rows = [indicator(["-"] * 4, target, "Predikat", akumulasi="akhir", nama=f"Indikator {target}", kode=f"IK-0{i}")
            for i, target in enumerate(("Baik Sekali", "WTP", "BB", "70-80", "Level 3", "November", 85), start=1)]
    assert _checked(suites, "pk.target_dikenal", *rows) == [
        ("error", "H5", "Baik Sekali", "Target tahunan indikator 'Indikator Baik Sekali' tertulis 'Baik Sekali', bukan "
                                       "angka, rentang, atau nilai kualitatif yang dikenal")]


def test_no_indicator_capaian_can_compute_has_an_unknown_target_or_formula(suites):
    from tests.capaian.test_capaian import CASES

    rows = [{**ind, "kode": f"IK-{i:02}"} for i, (_, ind, _, _) in enumerate(CASES, start=1)]
    assert _checked(suites, "pk.target_dikenal", *rows) == _checked(suites, "pk.rumus_negatif", *rows) == []


def test_an_annual_percentage_far_above_100_is_a_warning(suites):
    from tests.capaian.test_capaian import indicator

    cases = [("%", 250), ("%", "150,5"), ("%", 150), ("% pegawai", 1000), ("persen", 250), ("Dokumen", 250)]
    rows = [indicator([annual] * 4, annual, satuan, akumulasi="akhir", nama=f"{satuan} {annual}", kode=f"IK-0{i}")
            for i, (satuan, annual) in enumerate(cases, start=1)]
    assert _checked(suites, "pk.persen_besar", *rows) == [
        ("warning", "H5", "250", "Target tahunan indikator '% 250' bersatuan % bernilai 250, jauh di atas 100"),
        ("warning", "H5", "150,5", "Target tahunan indikator '% 150,5' bersatuan % bernilai 150,5, jauh di atas 100"),
        ("warning", "H5", "1000", "Target tahunan indikator '% pegawai 1000' bersatuan % bernilai 1.000, jauh di atas 100")]


def test_a_percentage_summed_over_quarters_is_a_warning(suites):
    from tests.capaian.test_capaian import indicator

    cases = [("%", "jumlah"), ("%", "akhir"), ("%", "rata-rata"), ("Dokumen", "jumlah")]
    rows = [indicator([25] * 4, 100, satuan, akumulasi=akumulasi, nama=f"{satuan} {akumulasi}", kode=f"IK-0{i}")
            for i, (satuan, akumulasi) in enumerate(cases, start=1)]
    assert _checked(suites, "pk.persen_dijumlah", *rows) == [
        ("warning", "G5", "Jumlah", "Indikator '% jumlah' bersatuan % tetapi cara akumulasinya Jumlah: persentase "
                                    "triwulan akan dijumlahkan")]


def test_a_realisasi_percentage_far_above_100_is_a_warning_at_its_cell(suites, period_tw2, capaian_tw2):
    import dataclasses
    from decimal import Decimal

    realisasi = period_tw2.realisasi.copy()
    for kode, value in (("IK-03", "493"), ("IK-01", "150"), ("IK-04", "493")):  # %, % at the bound, Indeks
        at = (realisasi["pk"] == "PK-SEK") & (realisasi["kode"] == kode) & (realisasi["triwulan"] == 2)
        realisasi.loc[at, "realisasi"] = Decimal(value)
    period = dataclasses.replace(period_tw2, realisasi=realisasi)
    frame = paraf.realisasi_frame(period, capaian_tw2, {"PK-SEK"})
    assert [(f.pk, f.severity, str(f.location), f.message) for f in _suite_findings(suites, "realisasi", frame)
            if f.check == "realisasi.persen_besar"] == [
        ("PK-SEK", "warning", "realisasi/tw2/PK-SEK.xlsx, sheet 'Realisasi', sel I7",
         "Realisasi indikator 'Persentase realisasi anggaran Inspektorat' bersatuan % bernilai 493, jauh di atas 100")]


def test_findings_name_their_expectation_whatever_order_gx_returns_results_in(suites, period_tw2):
    """GX groups results by column: an expectation on a column checked earlier in the suite must
    still name its own meta and cells (pk.persen_dijumlah follows pk.akumulasi_sah by eight)."""
    import dataclasses

    indicators = period_tw2.indicators.copy()
    at = (indicators["pk"] == "PK-SEK") & (indicators["kode"] == "IK-03")
    indicators.loc[at, "akumulasi"] = "jumlah"
    frame = paraf.pk_frame(dataclasses.replace(period_tw2, indicators=indicators))
    assert [(f.check, f.location.cell, f.value) for f in _suite_findings(suites, "pk", frame)] == \
        [("pk.persen_dijumlah", "G7", "Jumlah")]
