from decimal import Decimal as D

import pytest

from sakip.capaian import rules as capaian
from sakip.config import DEFAULT_BANDS
from sakip.formatting import capaian_text, figure


def test_domain_example_both_negative_formulas():
    # DOMAIN.md: Indeks Risiko Bencana, target 88,82, realisasi 135,15.
    assert capaian_text(capaian.achievement(D("135.15"), D("88.82"), "negatif", "selisih")) == "47,84 %"
    assert capaian_text(capaian.achievement(D("135.15"), D("88.82"), "negatif", "rasio")) == "65,72 %"


def test_selisih_below_zero_is_kept_and_flagged():
    r = capaian.achievement(D(25), D(10), "negatif", "selisih")
    assert r.shown == D("-50.00") and "negatif" in r.note


def test_rasio_with_zero_realisasi_is_100():
    assert capaian.achievement(D(0), D(5), "negatif", "rasio").shown == D("100.00")


def test_positive():
    assert capaian_text(capaian.achievement(D("46.8"), D(50), "positif", "selisih")) == "93,60 %"


@pytest.mark.parametrize("target", [D(0), None])
def test_zero_or_missing_target_is_not_computable(target):
    r = capaian.achievement(D(5), target, "positif", "selisih")
    assert r.state == "tidak_dapat_dihitung" and r.value is None and capaian_text(r) == "tidak dapat dihitung"


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
    assert figure(inds["IK-01"].realisasi_sd) == "93,75"  # rata-rata of 100 and 87,5
    assert capaian_text(inds["IK-01"].capaian_tw) == "87,50 %"
    assert inds["IK-02"].realisasi_sd.value == D(3)  # jumlah of 1 and 2
    assert capaian_text(inds["IK-02"].capaian_sd) == "50,00 %"  # vs the annual target 6
    assert capaian_text(inds["IK-05"].capaian_tw) == "93,33 %"  # negatif, selisih: (6 - 3,2) / 3
    budget = capaian_tw2["PK-SEK"].budgets[1]
    assert budget.realisasi_sd == D(849650000) and capaian_text(budget.serapan) == "46,05 %"


def test_demo_qualitative_indicators_never_nan(capaian_tw2):
    inds = {i.kode: i for i in capaian_tw2["PK-INSP"].indicators}
    assert capaian_text(inds["IK-01"].capaian_tw) == "Tercapai"
    # RA -/-/-/BB: measured from TW IV on, so at TW II neither a capaian nor "tidak dapat dihitung"
    assert capaian_text(inds["IK-02"].capaian_tw) == "belum diukur (mulai TW IV)"
    texts = [capaian_text(i.capaian_tw) for r in capaian_tw2.values() for i in r.indicators]
    assert not any("nan" in t.lower() for t in texts)


def test_negative_capaian_is_kept():
    from sakip.ingest import workbooks as ingest

    from tests.conftest import INPUTS

    period = ingest.read_period(INPUTS, 2026, 1)
    result = capaian.compute_pk(period, "PK-IRBAN2")
    ik03 = next(i for i in result.indicators if i.kode == "IK-03")
    assert capaian_text(ik03.capaian_tw) == "-20,00 %" and ik03.capaian_tw.note.startswith("capaian negatif")


# --- table-driven: whole indicators through compute_records, as ingest delivers them -------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sakip import config
from sakip.ingest import numbers
from sakip.errors import Location  # noqa: E402
from sakip.formatting import number, percent, round2, rupiah  # noqa: E402

from tests.conftest import INPUTS  # noqa: E402

CFG = config.load(INPUTS / "2026" / "instansi.toml")  # rumus_negatif = "selisih"


def _reading(raw, satuan: str):
    r = numbers.parse_number(raw, satuan)
    return r.value, str(r.status), r.text, numbers.range_of(r)


def indicator(targets, annual, satuan="%", polaritas="positif", akumulasi="jumlah", nama="Indikator uji",
              rumus="", kode="IK-01"):
    row = {"pk": "PK-UJI", "kode": kode, "sasaran": "Sasaran uji", "indikator": nama, "satuan": satuan,
           "polaritas": polaritas, "akumulasi": akumulasi, "rumus_negatif": rumus,
           "kode_loc": Location("pk/PK-UJI.xlsx", "PK", "B5"), "polaritas_loc": Location("pk/PK-UJI.xlsx", "PK", "F5"),
           "akumulasi_loc": Location("pk/PK-UJI.xlsx", "PK", "G5"), "rumus_negatif_loc": Location("pk/PK-UJI.xlsx", "PK", "I5")}
    cells = [("target_tahunan", annual, "PK", "H5")] + [(f"target_tw{i}", t, "RA", "DEFG"[i - 1] + "5")
                                                       for i, t in enumerate(targets, start=1)]
    for key, raw, sheet, cell in cells:
        row[key], row[f"{key}_status"], row[f"{key}_text"], row[f"{key}_rentang"] = _reading(raw, satuan)  # as ingest
        row[f"{key}_loc"] = Location("pk/PK-UJI.xlsx", sheet, cell)
    return row


def realisasi(values, kode="IK-01", satuan="%"):
    rows = []
    for q, raw in enumerate(values, start=1):
        value, status, text, _ = _reading(raw, satuan)
        rows.append({"pk": "PK-UJI", "kode": kode, "triwulan": q, "realisasi": value, "realisasi_status": status,
                     "realisasi_text": text, "realisasi_loc": Location(f"realisasi/tw{q}/PK-UJI.xlsx", "Realisasi", "I5"),
                     "kendala": "", "tindak_lanjut": ""})
    return rows


def one(ind, reals, q=None, budgets=(), spent=()):
    q = q or len(reals)
    return capaian.compute_records(CFG, q, "PK-UJI", [ind], reals, list(budgets), list(spent))


CASES = [
    # name, indicator, realisasi TW I.., expected (target_sd, realisasi_sd, capaian_tw, capaian_sd, rule_tw)
    ("positif jumlah", indicator([10, 20, 30, 40], 100, "Dokumen"), [8, 22], ("30", "30", "110,00 %", "30,00 %", "positif")),
    ("negatif selisih, contoh DOMAIN", indicator(["88,82"] * 4, "88,82", "Indeks", "negatif", "akhir"), ["135,15"],
     ("88,82", "135,15", "47,84 %", "47,84 %", "selisih")),
    ("negatif rasio per indikator, contoh DOMAIN", indicator(["88,82"] * 4, "88,82", "Indeks", "negatif", "akhir", rumus="Rasio"),
     ["135,15"], ("88,82", "135,15", "65,72 %", "65,72 %", "rasio")),
    ("negatif selisih di bawah nol", indicator([10] * 4, 10, "Kasus", "negatif", "akhir"), [25],
     ("10", "25", "-50,00 %", "-50,00 %", "selisih")),
    # Before its first target an indicator is "belum diukur": the TW II value is kept but not judged
    # (this case was "tidak dapat dihitung" / 33,33 % before issue 21).
    ("target akhir tahun saja 0/0/0/3, TW II", indicator([0, 0, 0, 3], 3, "Dokumen"), [0, 1],
     ("0", "-", "belum diukur (mulai TW IV)", "belum diukur (mulai TW IV)", "")),
    ("target akhir tahun saja 0/0/0/3, TW IV", indicator([0, 0, 0, 3], 3, "Dokumen"), [0, 0, 0, 3],
     ("3", "3", "100,00 %", "100,00 %", "positif")),
    ("datar 2/2/2/2 jumlah, tahunan 8", indicator([2, 2, 2, 2], 8, "Kegiatan"), [2, 2], ("4", "4", "100,00 %", "50,00 %", "positif")),
    ("datar 2/2/2/2 rata-rata, tahunan 2", indicator([2, 2, 2, 2], 2, "Hari", akumulasi="rata-rata"), [2, 2],
     ("2", "2", "100,00 %", "100,00 %", "positif")),
    ("persentase posisi akhir tidak dijumlahkan", indicator([20, 45, 70, 95], 95, "%", akumulasi="akhir"), ["19,6", "42,3"],
     ("45", "42,3", "94,00 %", "44,53 %", "positif")),
    ("rata-rata mengabaikan triwulan tanpa realisasi", indicator([3, 3, 3, 3], 3, "Hari", "negatif", "rata-rata"), ["2,5", "-", "3,2"],
     ("3", "2,85", "93,33 %", "105,00 %", "selisih")),
    ("rentang positif: batas bawah", indicator(["70-80"] * 4, "70-80", "Nilai"), [75], ("70-80", "75", "107,14 %", "107,14 %", "rentang")),
    ("rentang negatif: batas atas", indicator(["70 s.d. 80"] * 4, "70 s.d. 80", "Hari", "negatif", "akhir"), [85],
     ("70 s.d. 80", "85", "93,75 %", "93,75 %", "rentang")),
    ("target 0", indicator([0] * 4, 0, "Dokumen"), [1], ("0", "1", "tidak dapat dihitung", "tidak dapat dihitung", "positif")),
    ("target kosong", indicator(["-"] * 4, "-", "Dokumen"), [1], ("-", "1", "tidak dapat dihitung", "tidak dapat dihitung", "")),
    ("opini tercapai", indicator(["-", "-", "-", "WTP"], "WTP", "Opini", akumulasi="akhir"), ["", "", "", "WTP"],
     ("WTP", "WTP", "Tercapai", "Tercapai", "ordinal")),
    ("predikat tidak tercapai", indicator(["-", "-", "-", "A"], "A", "Predikat", akumulasi="akhir"), ["", "", "", "BB"],
     ("A", "BB", "Tidak tercapai", "Tidak tercapai", "ordinal")),
    ("tenggat bulan", indicator(["-", "November", "-", "-"], "November", "Bulan", akumulasi="akhir"), ["", "Oktober"],
     ("November", "Oktober", "Tercapai", "Tercapai", "ordinal")),
]


@pytest.mark.parametrize("name,ind,reals,expected", CASES, ids=[c[0] for c in CASES])
def test_indicator_rules(name, ind, reals, expected):
    result = one(ind, realisasi(reals, satuan=ind["satuan"]))
    r = result.indicators[0]
    got = (figure(r.target_sd), figure(r.realisasi_sd), capaian_text(r.capaian_tw), capaian_text(r.capaian_sd), r.capaian_tw.rule)
    assert got == expected
    assert "nan" not in f"{got}".lower() and "inf" not in f"{got}".lower()


def test_per_indicator_formula_overrides_the_agency_default_and_is_named():
    ind_a = indicator(["88,82"] * 4, "88,82", "Indeks", "negatif", "akhir", kode="IK-01")
    ind_b = indicator(["88,82"] * 4, "88,82", "Indeks", "negatif", "akhir", rumus="rasio", kode="IK-02")
    reals = realisasi(["135,15"], "IK-01") + realisasi(["135,15"], "IK-02")
    result = capaian.compute_records(CFG, 1, "PK-UJI", [ind_a, ind_b], reals, [], [])
    assert [i.rumus_negatif for i in result.indicators] == ["selisih", "rasio"]
    assert result.formulas_used() == {"selisih": ["IK-01"], "rasio": ["IK-02"]}
    assert result.indicators[1].capaian_tw.formula.startswith("target / realisasi")


def test_an_unknown_negative_formula_is_not_computable():
    result = one(indicator([5] * 4, 5, "Hari", "negatif", "akhir", rumus="kebalikan"), realisasi([4]))
    assert result.indicators[0].capaian_tw.state == "tidak_dapat_dihitung"
    assert result.indicators[0].capaian_tw.note == "rumus negatif 'kebalikan' tidak dikenal"


def test_progress_targets_against_a_level_annual_target_are_not_compared():
    result = one(indicator([25, 50, 75, 100], "Level 3", "Level", akumulasi="akhir"), realisasi([25, 50]))
    r = result.indicators[0]
    assert capaian_text(r.capaian_tw) == "100,00 %"  # the quarter's own numeric progress target
    assert r.capaian_sd.state == "tidak_dapat_dihitung" and "Level 3" in r.capaian_sd.note


def test_unknown_qualitative_target_is_not_computable_not_nan():
    result = one(indicator(["-"] * 4, "Baik Sekali", "Predikat", akumulasi="akhir"), realisasi(["Baik"]))
    assert result.indicators[0].kind == "kualitatif"
    assert capaian_text(result.indicators[0].capaian_sd) == "tidak dapat dihitung"


def test_budget_serapan_and_efficiency():
    from sakip.capaian.rules import FORMULAS

    budgets = [{"kode_program": "P1", "program": "Program 1", "pagu": D(1000)},
               {"kode_program": "P2", "program": "Program 2", "pagu": D(3000)}]
    spent = [{"pk": "PK-UJI", "kode_program": p, "triwulan": q, "realisasi_anggaran": D(v)}
             for p, q, v in (("P1", 1, 100), ("P1", 2, 200), ("P2", 1, 500), ("P2", 2, 400))]
    result = one(indicator([10, 20, 30, 40], 100, "Dokumen"), realisasi([10, 30]), budgets=budgets, spent=spent)
    p1, p2 = result.budgets
    assert (p1.realisasi_tw, p1.realisasi_sd, capaian_text(p1.serapan), capaian_text(p1.serapan_tw)) == (D(200), D(300), "30,00 %", "20,00 %")
    assert (result.pagu, result.realisasi_anggaran_sd, capaian_text(result.serapan)) == (D(4000), D(1200), "30,00 %")
    # capaian s.d. 40 % of the year's target for 30 % of the budget: (1 − 30/40) × 100 = 25 %
    assert capaian_text(result.capaian_rata_sd) == "40,00 %" and capaian_text(result.efisiensi) == "25,00 %"
    assert result.efisiensi.formula == FORMULAS["efisiensi"]


def test_missing_budget_realisation_is_not_a_zero():
    budgets = [{"kode_program": "P1", "program": "Program 1", "pagu": D(1000)}]
    result = one(indicator([10] * 4, 40, "Dokumen"), realisasi([10]), budgets=budgets, spent=[])
    assert capaian_text(result.budgets[0].serapan) == "tidak dapat dihitung"
    assert result.efisiensi.state == "tidak_dapat_dihitung"


def test_report_context_names_every_rule_used(capaian_tw2):
    import datetime as dt

    from sakip.documents import render

    result = capaian_tw2["PK-SEK"]
    ctx = render.report_context(CFG, "PK-SEK", CFG.pejabat["sekretaris"], result, render.Period(2026, 2, dt.date(2026, 7, 6)))
    rows = [i for s in ctx["sasaran"] for i in s["indikator"]]
    assert {(r["kode"], r["rumus_tw"]) for r in rows} == {("IK-01", "positif"), ("IK-02", "positif"), ("IK-03", "positif"),
                                                          ("IK-04", "positif"), ("IK-05", "selisih")}
    assert set(ctx["rumus"]) == {"positif", "selisih"}
    assert "(IK-05): (2 × target − realisasi) / target × 100 %" in ctx["catatan_capaian"]


# --- properties ----------------------------------------------------------------------------------

decimals = st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False, allow_infinity=False)
positives = st.decimals(min_value=D("0.0001"), max_value=10**9, places=4)


@given(positives, decimals, decimals)
def test_positive_capaian_is_monotone_in_realisasi(target, a, b):
    low, high = sorted((a, b))
    r1, r2 = (capaian.achievement(x, target, "positif", "selisih") for x in (low, high))
    assert r1.value <= r2.value


@given(positives, decimals, decimals, st.sampled_from(["selisih", "rasio"]))
def test_negative_capaian_is_antitone_in_realisasi(target, a, b, formula):
    low, high = sorted((a, b))
    if formula == "rasio" and low <= 0:
        # target / realisasi is defined for realisasi > 0 (0 is 100 % by the rule, below 0 meaningless)
        return
    r1, r2 = (capaian.achievement(x, target, "negatif", formula) for x in (low, high))
    assert r1.value >= r2.value


@given(st.one_of(st.none(), decimals), st.one_of(st.none(), decimals), st.sampled_from(["positif", "negatif"]),
       st.sampled_from(["selisih", "rasio"]))
def test_no_rule_returns_nan_or_infinity_and_every_value_has_a_band(real, target, polarity, formula):
    r = capaian.achievement(real, target, polarity, formula)
    assert r.value is None or r.value.is_finite()
    assert (r.value is None) == (r.state != "dihitung")
    assert "nan" not in capaian_text(r).lower() and "inf" not in capaian_text(r).lower()
    label = capaian.band(r, CFG.pengaturan.predikat)
    assert label in {b.label for b in CFG.pengaturan.predikat} | {"-"}
    assert (label == "-") == (r.state != "dihitung")


@given(st.text(alphabet="0123456789.,-–sd WTPBAC%Level", max_size=12), st.one_of(st.none(), decimals),
       st.sampled_from(["positif", "negatif"]))
def test_any_written_target_gives_a_state_never_nan(text, real, polarity):
    ind = indicator([text] * 4, text, "Nilai", polarity, "akhir")
    reals = [{"pk": "PK-UJI", "kode": "IK-01", "triwulan": 1, "realisasi": real, "realisasi_status": "angka",
              "realisasi_text": "" if real is None else str(real), "realisasi_loc": None, "kendala": "", "tindak_lanjut": ""}]
    r = capaian.compute_records(CFG, 1, "PK-UJI", [ind], reals, [], []).indicators[0]
    for res in (r.capaian_tw, r.capaian_sd):
        assert res.state in ("dihitung", "tidak_dapat_dihitung", "tercapai", "tidak_tercapai")
        assert res.value is None or res.value.is_finite()


@settings(max_examples=300)
@given(st.decimals(min_value=-10**12, max_value=10**12, allow_nan=False, allow_infinity=False))
def test_formatting_round_trips_through_the_number_rule(value):
    assert numbers.parse_number(percent(value).removesuffix(" %")).value == round2(value)
    assert numbers.parse_number(number(value, 2)).value == round2(value)
    whole = value.quantize(D(1), rounding="ROUND_HALF_UP")
    assert numbers.parse_number(rupiah(value), "Rupiah").value == whole


# --- issue 21: indicators measured once a year, Rata-rata, numbers kept as numbers ---------------

def test_indicator_measured_from_tw_iv_is_not_measured_before_it():
    # Nilai SPIP: RA 0/0/0/3,5. A TW II "0" (typed because the form asked for it) gives no 0 %.
    ind = indicator([0, 0, 0, "3,5"], "3,5", "Nilai", nama="Nilai maturitas SPIP", akumulasi="akhir")
    r = one(ind, realisasi([0, 0], satuan="Nilai")).indicators[0]
    assert (r.capaian_tw.state, r.capaian_sd.state) == ("belum_diukur", "belum_diukur")
    assert capaian_text(r.capaian_sd) == "belum diukur (mulai TW IV)" and r.capaian_sd.value is None
    assert r.predikat == "-" and not r.measured and not r.has_target_tw and not r.below(D(100))
    assert figure(r.realisasi_tw) == "0" and figure(r.realisasi_sd) == "-"  # kept, not accumulated


def test_quarters_before_the_first_target_are_not_accumulated():
    # Rata-rata 0/0/0/80: a TW II value given anyway does not halve the TW IV mean, and a Jumlah
    # indicator with no TW I-III rows at all is still computed at TW IV.
    ind = indicator([0, 0, 0, 80], 80, "%", akumulasi="rata-rata")
    r = one(ind, realisasi(["", 40, "", 80])).indicators[0]
    assert (r.target_sd.value, r.realisasi_sd.value, capaian_text(r.capaian_sd)) == (D(80), D(80), "100,00 %")
    count = indicator(["-", "-", "-", 12], 12, "Laporan")
    only_tw4 = [row for row in realisasi(["", "", "", 12], satuan="Laporan") if row["triwulan"] == 4]
    r = one(count, only_tw4, q=4).indicators[0]
    assert capaian_text(r.capaian_sd) == "100,00 %" and r.measured


def test_distribution_leaves_out_indicators_not_yet_measured():
    from sakip.documents import reports

    inds = one(indicator([0, 0, 0, 3], 3, "Nilai", akumulasi="akhir", kode="IK-01"), realisasi([""]), q=1).indicators
    inds += one(indicator([0] * 4, 0, "Dokumen", kode="IK-02"), realisasi([1], kode="IK-02"), q=1).indicators
    dist = {d["predikat"]: d["jumlah"] for d in reports.distribution(CFG, [reports.predikat_of(i) for i in inds])}
    # IK-02 only (target 0) is not computable; IK-01 is counted apart, outside the shares' base
    assert dist[reports.NOT_COMPUTABLE] == 1 and dist[reports.BELUM_DIUKUR] == 1 and sum(dist.values()) == 2
    assert next(d for d in reports.distribution(CFG, [reports.predikat_of(i) for i in inds])
                if d["predikat"] == reports.NOT_COMPUTABLE)["persen"] == "100,00 %"
    assert reports.predikat_of(inds[0]) == "-"


def test_rekap_counts_as_judged_only_the_indicators_already_measured():
    import datetime as dt

    from sakip.documents import reports
    from sakip.documents import render
    from sakip.paraf.suites import ParafResult

    later = one(indicator([0, 0, 0, 3], 3, "Nilai", akumulasi="akhir", kode="IK-01"), realisasi([""]), q=1)
    now = one(indicator([5] * 4, 20, "Dokumen", kode="IK-02"), realisasi([5], kode="IK-02"), q=1)
    later.indicators += now.indicators
    ctx = reports.rekap_context(CFG, ["PK-UJI"], {"PK-UJI": later}, {"PK-UJI": ParafResult("PK-UJI", "PARAF")},
                                {"PK-UJI": "Uji"}, render.Period(2026, 1, dt.date(2026, 4, 6)))
    assert ctx["ringkasan"]["jumlah_indikator"] == 1 and ctx["ringkasan"]["belum_diukur"] == 1
    assert [(d["predikat"], d["jumlah"], d["persen"]) for d in ctx["sebaran"] if d["jumlah"]] == [
        ("Sangat Baik", 1, "100,00 %"), ("Belum diukur", 1, "-")]
    assert [r["capaian_sd"] for s in ctx["sasaran"] for r in s["indikator"]] == ["belum diukur (mulai TW IV)", "25,00 %"]


def test_report_says_when_an_indicator_is_measured():
    import datetime as dt

    from sakip.documents import render

    result = one(indicator([0, 0, 0, 3], 3, "Nilai", akumulasi="akhir", kode="IK-07"), realisasi(["", ""]), q=2)
    ctx = render.report_context(CFG, "PK-UJI", CFG.pejabat["sekretaris"], result, render.Period(2026, 2, dt.date(2026, 7, 6)))
    row = ctx["indikator"][0]
    assert (row["capaian_tw"], row["capaian_sd"], row["predikat"]) == (
        "belum diukur (mulai TW IV)", "belum diukur (mulai TW IV)", "-")
    assert "\"belum diukur\" (IK-07)" in ctx["catatan_capaian"]
    assert "Belum diukur pada triwulan ini: IK-07." in ctx["grafik"].catatan


@pytest.mark.parametrize("values,shown", [(["100", "91", "92"], "94,33"), (["2,8", "2,9", "2,9"], "2,87")])
def test_rata_rata_realisasi_prints_two_decimals_and_keeps_the_exact_mean(values, shown):
    r = one(indicator([95] * 4, 95, "%", akumulasi="rata-rata"), realisasi(values)).indicators[0]
    assert figure(r.realisasi_sd) == shown
    assert r.realisasi_sd.value == sum(D(v.replace(",", ".")) for v in values) / 3


def test_renstra_capaian_of_a_yearly_count_of_thousands():
    # 12.500 orang against a Renstra target of 15000: the printed "12.500" was read back as ambiguous.
    from sakip.documents import reports

    ind = one(indicator([3000, 3000, 3000, 3500], 12500, "Orang", nama="Jumlah peserta pelatihan"),
              realisasi([3000, 3000, 3000, 3500], satuan="Orang")).indicators[0]
    assert ind.realisasi_sd.value == D(12500) and figure(ind.realisasi_sd) == "12.500"
    assert capaian_text(reports._renstra_capaian(ind, reports.TargetRenstra("IK-01", "15000").read(ind.satuan))) == "83,33 %"


def test_datasheet_stores_the_number_not_its_printed_text():
    import pandas as pd

    from sakip.model import PeriodData
    from sakip.pdf import datasheet

    result = one(indicator([3000, 3000, 3000, 3500], 12500, "Orang"), realisasi([3000, 3000, 3000, 3500], satuan="Orang"))
    empty = PeriodData(2026, 4, {}, *(pd.DataFrame() for _ in range(5)))
    values = datasheet.values(empty, "PK-UJI", result)
    assert values["Capaian IK-01: realisasi_sd"] == "12500.0" and values["Capaian IK-01: target_sd"] == "12500.0"


def test_run_summary_counts_no_predikat_for_an_indicator_not_yet_measured():
    later = one(indicator([0, 0, 0, 3], 3, "Nilai", akumulasi="akhir", kode="IK-01"), realisasi([""]), q=1)
    zero = one(indicator([0] * 4, 0, "Dokumen", kode="IK-02"), realisasi([1], kode="IK-02"), q=1)
    later.indicators += zero.indicators
    assert later.predikat_counts() == {"-": 1}  # IK-02 (target 0); IK-01 is not counted at all
