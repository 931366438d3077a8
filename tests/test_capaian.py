from decimal import Decimal as D

import pytest

from sakip import capaian
from sakip.config import DEFAULT_BANDS


def test_domain_example_both_negative_formulas():
    # DOMAIN.md: Indeks Risiko Bencana, target 88,82, realisasi 135,15.
    assert capaian.achievement(D("135.15"), D("88.82"), "negatif", "selisih").text == "47,84 %"
    assert capaian.achievement(D("135.15"), D("88.82"), "negatif", "rasio").text == "65,72 %"


def test_selisih_below_zero_is_kept_and_flagged():
    r = capaian.achievement(D(25), D(10), "negatif", "selisih")
    assert r.shown == D("-50.00") and "negatif" in r.note


def test_rasio_with_zero_realisasi_is_100():
    assert capaian.achievement(D(0), D(5), "negatif", "rasio").shown == D("100.00")


def test_positive():
    assert capaian.achievement(D("46.8"), D(50), "positif", "selisih").text == "93,60 %"


@pytest.mark.parametrize("target", [D(0), None])
def test_zero_or_missing_target_is_not_computable(target):
    r = capaian.achievement(D(5), target, "positif", "selisih")
    assert r.state == "tidak_dapat_dihitung" and r.value is None and r.text == "tidak dapat dihitung"


def test_accumulation_methods_never_sum_levels():
    q = [D(20), D(45)]
    assert capaian.accumulate(q, "jumlah") == D(65)
    assert capaian.accumulate(q, "akhir") == D(45)
    assert capaian.accumulate(q, "rata-rata") == D("32.5")
    assert capaian.accumulate([D(1), None], "jumlah") is None
    assert capaian.accumulate([D(1), None, D(3)], "rata-rata") == D(2)


@pytest.mark.parametrize("real,target,state", [
    ("WTP", "WTP", "tercapai"), ("WDP", "WTP", "tidak_tercapai"), ("A", "BB", "tercapai"),
    ("Level 2", "Level 3", "tidak_tercapai"), ("Oktober", "November", "tercapai"),
    ("Desember", "November", "tidak_tercapai"), ("WBBM", "WBK", "tercapai"),
])
def test_qualitative_ordinal_scales(real, target, state):
    assert capaian.qualitative(real, target).state == state


def test_qualitative_values_on_different_scales_are_not_compared():
    r = capaian.qualitative("WTP", "BB")
    assert r.state == "tidak_dapat_dihitung" and "tidak sebanding" in r.note


@pytest.mark.parametrize("value,label", [
    ("90.01", "Sangat Baik"), ("90", "Baik"), ("90.004", "Baik"), ("75.005", "Baik"),
    ("65.5", "Cukup"), ("50", "Sangat Kurang"), ("-20", "Sangat Kurang"),
])
def test_bands_are_judged_on_the_printed_value(value, label):
    assert capaian.band(capaian.Result(D(value), "dihitung"), DEFAULT_BANDS) == label


def test_demo_pk_sek_tw2(capaian_tw2):
    inds = {i.kode: i for i in capaian_tw2["PK-SEK"].indicators}
    assert inds["IK-01"].realisasi_sd == "93,75"  # rata-rata of 100 and 87,5
    assert inds["IK-01"].capaian_tw.text == "87,50 %"
    assert inds["IK-02"].realisasi_sd == "3"  # jumlah of 1 and 2
    assert inds["IK-02"].capaian_sd.text == "50,00 %"  # vs the annual target 6
    assert inds["IK-05"].capaian_tw.text == "93,33 %"  # negatif, selisih: (6 - 3,2) / 3
    budget = capaian_tw2["PK-SEK"].budgets[1]
    assert budget.realisasi_sd == D(849650000) and budget.serapan.text == "46,05 %"


def test_demo_qualitative_indicators_never_nan(capaian_tw2):
    inds = {i.kode: i for i in capaian_tw2["PK-INSP"].indicators}
    assert inds["IK-01"].capaian_tw.text == "Tercapai"
    assert inds["IK-02"].capaian_tw.text == "tidak dapat dihitung"  # no TW II target in the RA
    texts = [i.capaian_tw.text for r in capaian_tw2.values() for i in r.indicators]
    assert not any("nan" in t.lower() for t in texts)


def test_negative_capaian_is_a_warning_finding():
    from sakip import ingest

    from .conftest import INPUTS

    period = ingest.read_period(INPUTS, 2026, 1)
    result = capaian.compute_pk(period, "PK-IRBAN2")
    ik03 = next(i for i in result.indicators if i.kode == "IK-03")
    assert ik03.capaian_tw.text == "-20,00 %"
    assert [f.severity for f in result.findings] == ["warning"]
    assert result.findings[0].location.cell == "F7"
