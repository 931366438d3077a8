"""Paraf's checks of the values capaian works with (sakip.paraf.nilai): rows as ingest delivers them."""

import pytest

from sakip.capaian import rules as capaian
from sakip.paraf import nilai
from sakip.paraf.rules import RULES

from tests.capaian.test_capaian import CASES, CFG, indicator, realisasi


def findings(ind, reals, q=None):
    """The findings on one indicator, as the paraf run makes them: capaian first, then its checks."""
    q = q or len(reals)
    result = capaian.compute_records(CFG, q, "PK-UJI", [ind], reals, [], [])
    return nilai.check_records(q, "PK-UJI", [ind], reals, result)


@pytest.mark.parametrize("name,ind,reals,expected", CASES, ids=[c[0] for c in CASES])
def test_no_indicator_capaian_can_compute_is_returned(name, ind, reals, expected):
    assert not [f for f in findings(ind, realisasi(reals, satuan=ind["satuan"])) if f.severity == "error"]


def test_negative_result_below_zero_is_flagged_with_its_cell():
    found = findings(indicator([10] * 4, 10, "Kasus", "negatif", "akhir"), realisasi([25]))
    assert [(f.severity, f.check, f.location.cell) for f in found] == [("warning", "capaian.negatif", "I5")]
    assert found[0].message == ("Capaian indikator 'Indikator uji' negatif (triwulan ini -50,00 %; s.d. triwulan ini "
                                "-50,00 %): realisasi lebih dari dua kali target")


def test_negative_capaian_of_the_demo_is_a_warning_at_its_cell():
    from sakip.ingest import workbooks as ingest

    from tests.conftest import INPUTS

    period = ingest.read_period(INPUTS, 2026, 1).only(["PK-IRBAN2"])
    found = nilai.check(period, capaian.compute(period))
    assert [(f.severity, f.check, f.location.cell) for f in found] == [("warning", "capaian.negatif", "F7")]


def test_progress_targets_against_a_level_annual_target_is_a_finding():
    [finding] = findings(indicator([25, 50, 75, 100], "Level 3", "Level", akumulasi="akhir"), realisasi([25, 50]))
    assert (finding.severity, finding.check, finding.location.sheet, finding.location.cell) == \
        ("warning", "capaian.skala_target", "RA", "E5")
    assert "Level 3" in finding.message


def test_a_realisasi_on_another_scale_than_its_qualitative_target_is_an_error():
    found = findings(indicator(["-", "-", "-", "WTP"], "WTP", "Opini", akumulasi="akhir"), realisasi(["", "", "", "BB"]))
    assert [(f.severity, f.check, f.location.cell, f.value) for f in found] == \
        [("error", "capaian.skala_realisasi", "I5", "BB")]
    assert found[0].message == "Realisasi 'BB' tidak sebanding dengan target kualitatif 'WTP'"


@pytest.mark.parametrize("nama,polaritas,flagged", [
    ("Prevalensi stunting pada balita", "positif", True),
    ("Angka kemiskinan", "positif", True),
    ("Jumlah pelanggaran Perda", "positif", True),
    ("Persentase penurunan angka kemiskinan", "positif", False),
    ("Nilai kerugian daerah yang dipulihkan", "positif", False),
    ("Cakupan pelayanan kesehatan dasar", "negatif", True),
    ("Persentase dokumen yang disampaikan tepat waktu", "negatif", True),
    ("Rata-rata waktu penyelesaian naskah dinas", "negatif", False),
    ("Jumlah dokumen perencanaan", "positif", False),
])
def test_polarity_contradicting_the_name_is_a_warning(nama, polaritas, flagged):
    found = findings(indicator([5] * 4, 5, "Dokumen", polaritas, "akhir", nama=nama), realisasi([5]))
    checks = [(f.severity, f.check, f.location.cell) for f in found]
    assert checks == ([("warning", "capaian.polaritas_nama", "F5")] if flagged else [])


def test_what_one_cell_says_against_a_set_or_bounds_is_left_to_the_suites():
    """An unknown formula or qualitative target, a summed or huge percentage: pk.* and realisasi.* expectations."""
    rows = [indicator([25, 50, 75, 100], 100, "%", akumulasi="jumlah", rumus="kebalikan"),
            indicator(["-"] * 4, "Baik Sekali", "Predikat", akumulasi="akhir")]
    assert findings(rows[0], realisasi([30, "250"])) == findings(rows[1], realisasi(["", ""])) == []


def test_realisasi_falling_under_a_progress_target_is_a_warning():
    falling = findings(indicator([20, 45, 70, 95], 95, "%", akumulasi="akhir"), realisasi([30, 25]))
    assert [f.check for f in falling] == ["capaian.arah_kumulatif"]
    index = findings(indicator(["3,2", "3,25", "3,3", "3,4"], "3,4", "Indeks", akumulasi="akhir"), realisasi(["3,4", "3,1"]))
    assert index == []  # an index may fall for real


def test_a_quarter_before_the_first_target_is_not_judged():
    """Nilai SPIP, RA 0/0/0/3,5: TW I and II values are not accumulated, so not judged as falling."""
    ind = indicator([0, 0, 0, "3,5"], "3,5", "%", nama="Nilai maturitas SPIP", akumulasi="akhir")
    assert findings(ind, realisasi(["3,4", "1"])) == []


def test_every_capaian_check_is_a_registered_rule_that_says_what_it_expects():
    rules = {name: value for name, value in vars(nilai).items() if value in RULES.values()}
    assert len(rules) == 5
    assert all(r.id.startswith("capaian.") and r.expected for r in rules.values())
    assert sorted(r.id for r in rules.values()) == sorted(i for i in RULES if i.startswith("capaian."))


def test_rows_that_do_not_match_the_result_are_refused():
    ind = indicator([5] * 4, 5, "Dokumen")
    result = capaian.compute_records(CFG, 1, "PK-UJI", [ind, ind], realisasi([5]), [], [])
    with pytest.raises(ValueError, match="1 indikator dibaca, 2 dihitung"):
        nilai.check_records(1, "PK-UJI", [ind], realisasi([5]), result)
