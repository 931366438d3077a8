"""The agency documents: recap context, LKjIP from a whole year with an earlier year to compare."""

import datetime as dt
from decimal import Decimal as D
import shutil
import sys

import pytest
from pypdf import PdfReader

from sakip.pdf import manifest
from sakip.documents import reports
from sakip.documents import render as r
from sakip.capaian.rules import compute
from sakip.errors import ConfigError
from sakip.formatting import capaian_text, figure, range_text
from sakip.ingest.workbooks import read_period
from sakip.pdf.produce import produce_agency

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from make_demo_inputs import synthetic_quarters  # noqa: E402


@pytest.fixture(scope="module")
def whole_year(tmp_path_factory):
    """The demo agency with TW III/IV 2026 and all of 2025 derived from the RA targets."""
    root = tmp_path_factory.mktemp("tahun")
    shutil.copytree(ROOT / "inputs" / "2026", root / "2026")
    (root / "2025").mkdir()
    shutil.copy(ROOT / "inputs" / "2026" / "instansi.toml", root / "2025" / "instansi.toml")
    synthetic_quarters(root, 2026, [3, 4])
    synthetic_quarters(root, 2025, [1, 2, 3, 4], with_pk=True)
    return root


def verdicts(period):
    from sakip.paraf.suites import ParafResult

    return {pk: ParafResult(pk, "PARAF") for pk in period.pk_codes()}


def test_lkjip_at_tw4_compares_with_the_earlier_year_and_uses_the_narrative(whole_year, tmp_path):
    period = read_period(whole_year, 2026, 4)
    results = compute(period)
    earlier, notes = reports.earlier_years(whole_year, 2026)
    assert [e.year for e in earlier] == [2025] and notes == []
    made = produce_agency(period, results, verdicts(period), ROOT / "templates", whole_year, tmp_path,
                          dt.date(2027, 2, 15), dt.datetime(2027, 2, 15, 9, tzinfo=dt.timezone.utc), tmp_path / "kerja", earlier)
    assert made.notes == []
    lkjip = made.documents["lkjip"]
    reader = PdfReader(lkjip)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in ("LAPORAN KINERJA INSTANSI PEMERINTAH", "RINGKASAN EKSEKUTIF", "BAB I PENDAHULUAN",
                     "BAB II PERENCANAAN KINERJA", "BAB III AKUNTABILITAS KINERJA", "BAB IV PENUTUP",
                     "Peraturan Presiden Nomor 29 Tahun 2014",  # narrative from inputs/2026/lkjip.toml
                     "Penagihan dilakukan bersama BPKAD",  # per-sasaran solution
                     "data pembanding: 2025", "Renstra", "LAMPIRAN"):
        assert expected in text, expected
    # BAB III compares with 2025: the head's IK-04 realisasi of 2025 is printed in its row
    ik04_2025 = next(i for i in compute(read_period(whole_year, 2025, 4))["PK-INSP"].indicators if i.kode == "IK-04")
    assert figure(ik04_2025.realisasi_sd) in text
    # BAB III B and the Ringkasan Eksekutif count each rupiah once: the head's programmes, which
    # hold the units' kegiatan (printed indented under them), not programmes plus kegiatan.
    assert "dari pagu 6.825.000.000 rupiah" in text and text.count("6.825.000.000") >= 3
    assert "11.464.250.000" not in text and "12.069.250.000" not in text
    assert "Tercapai (kualitatif) 3" in text and "Tidak dapat dihitung 3" not in text
    assert set(reader.get_fields()) == {"ttd_kepala"}
    assert lkjip == tmp_path / "2026/TW4/_instansi/rev-01/LKjIP_2026.pdf"
    assert (lkjip.parent / "rekap_instansi_2026_TW4.pdf").is_file()
    # A second run with nothing changed keeps the revision (earlier years and the narrative are in its key) ...
    again = produce_agency(period, results, verdicts(period), ROOT / "templates", whole_year, tmp_path,
                           dt.date(2027, 2, 15), dt.datetime(2027, 2, 16, 9, tzinfo=dt.timezone.utc), tmp_path / "kerja", earlier)
    assert again.reused == [""] and again.documents["lkjip"] == lkjip
    # ... and a changed narrative makes the next one, the first left as it was.
    before = lkjip.read_bytes()
    changed = tmp_path / "masukan"
    shutil.copytree(whole_year, changed)
    narrative = changed / "2026" / "lkjip.toml"
    narrative.write_text(narrative.read_text(encoding="utf-8").replace("Penagihan dilakukan bersama BPKAD",
                                                                       "Penagihan dilakukan bersama Bapenda"), encoding="utf-8")
    third = produce_agency(period, results, verdicts(period), ROOT / "templates", changed, tmp_path,
                           dt.date(2027, 2, 15), dt.datetime(2027, 2, 17, 9, tzinfo=dt.timezone.utc), tmp_path / "kerja", earlier)
    assert third.documents["lkjip"] == tmp_path / "2026/TW4/_instansi/rev-02/LKjIP_2026.pdf"
    assert lkjip.read_bytes() == before and manifest.verify(third.documents["lkjip"]).ok


def test_lkjip_context_marks_missing_narrative_and_compares_by_indicator(whole_year):
    period = read_period(whole_year, 2026, 4)
    results = compute(period)
    earlier, _ = reports.earlier_years(whole_year, 2026)
    per = r.Period(2026, 4, dt.date(2027, 2, 15))
    records = period.records("pks")
    ctx = reports.lkjip_context(period.config, reports.Narasi(), "inputs/2026/lkjip.toml", period.pk_codes(),
                                {x["pk"]: x["nip"] for x in records}, results, verdicts(period),
                                {x["pk"]: x["nama"] for x in records}, earlier, per)
    assert ctx["bab1"]["latar_belakang"] == ["[Narasi belum diisi: inputs/2026/lkjip.toml, [bab1] latar_belakang]"]
    assert ctx["perencanaan"]["pk"] == "PK-INSP"  # the head's PK is the agency's
    rows = [i for s in ctx["sasaran"] for i in s["indikator"]]
    assert [i["kode"] for i in rows] == ["IK-01", "IK-02", "IK-03", "IK-04", "IK-05"]
    assert all(i["realisasi_n1"] != "-" for i in rows) and all(i["realisasi_n2"] == "-" for i in rows)
    assert ctx["pembanding"] == "2025"


def test_renstra_capaian_uses_the_indicators_polarity(whole_year):
    period = read_period(whole_year, 2026, 4)
    ind = next(i for i in compute(period)["PK-INSP"].indicators if i.kode == "IK-05")  # negative polarity index
    assert ind.polaritas == "negatif"
    real = float(ind.realisasi_sd.value)
    got = capaian_text(reports._renstra_capaian(ind, reports.TargetRenstra("IK-05", "2").read(ind.satuan)))
    expected = (2 * 2 - real) / 2 * 100
    assert got == f"{expected:.2f} %".replace(".", ",")


# Issue 23's must-show: 12.500 orang in the year against a Renstra target of 15000 is 83,33 %. The
# realisasi reached the LKjIP as capaian's number, never as its printed "12.500" read back.
@pytest.mark.parametrize("typed", [D(12500), "12500", "12.500,00"], ids=["angka", "teks", "teks-desimal"])
def test_a_yearly_count_of_thousands_against_the_renstra_target_in_the_lkjip(typed, tmp_path):
    from docx import Document

    from sakip.capaian.rules import compute_records
    from sakip.paraf.suites import ParafResult

    from tests.capaian.test_capaian import CFG, indicator, realisasi

    (tmp_path / "lkjip.toml").write_text('[[renstra]]\nkode = "IK-01"\ntarget = "15000"\ntahun = "2026"\n', encoding="utf-8")
    narasi, _ = reports.load_narrative(tmp_path)
    ind = indicator([3000, 6000, 9000, 12500], 12500, "orang", akumulasi="akhir", nama="Jumlah peserta pelatihan")
    result = compute_records(CFG, 4, "PK-UJI", [ind], realisasi([3000, 6000, 9000, typed], satuan="orang"), [], [])
    assert result.indicators[0].realisasi_sd.value == D(12500)
    ctx = reports.lkjip_context(CFG, narasi, "lkjip.toml", ["PK-UJI"], {}, {"PK-UJI": result},
                                {"PK-UJI": ParafResult("PK-UJI", "PARAF")}, {"PK-UJI": "AGUS"}, [],
                                r.Period(2026, 4, dt.date(2027, 2, 15)))
    row = ctx["sasaran"][0]["indikator"][0]
    assert (row["realisasi"], row["target_renstra"], row["capaian_renstra"]) == ("12.500", "15000", "83,33 %")
    out = r.render_document(ROOT / "templates" / "lkjip" / "template.docx", ctx, tmp_path / "lkjip.docx")
    rows = [[c.text.strip() for c in row.cells] for t in Document(out).tables for row in t.rows]
    renstra = [cells for cells in rows if "Jumlah peserta pelatihan" in cells and "15000" in cells]
    assert renstra and all("83,33 %" in cells and "12.500" in cells for cells in renstra), rows


def test_12_500_typed_as_text_for_a_count_is_ambiguous_not_guessed():
    # What the unit must fix first: "12.500" orang may be 12500 or 12,5; ingest returns it, never guesses.
    from tests.capaian.test_capaian import realisasi

    assert realisasi(["12.500"], satuan="orang")[0]["realisasi_status"] == "ambigu"


def test_narrative_file_rejects_unknown_keys(tmp_path):
    (tmp_path / "lkjip.toml").write_text("[bab1]\nlatar = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="kunci tidak dikenal: latar"):
        reports.load_narrative(tmp_path)


def test_paragraphs_split_on_blank_lines():
    assert reports.paragraphs("Satu\nbaris.\n\n  Dua. ", "x") == ["Satu baris.", "Dua."]
    assert reports.paragraphs("  ", "lkjip.toml, penutup") == ["[Narasi belum diisi: lkjip.toml, penutup]"]


def test_an_agencys_lkjip_key_covers_its_own_earlier_years_only(tmp_path):
    from sakip.pdf.produce import _year_end_inputs

    for path in ("2026/opd-a/lkjip.toml", "2025/opd-a/pk/PK-A.xlsx", "2024/opd-a/instansi.toml",
                 "2025/opd-b/pk/PK-B.xlsx", "2023/opd-a/pk/PK-A.xlsx"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(path)
    found = [p.relative_to(tmp_path).as_posix() for p in _year_end_inputs(tmp_path, 2026, "opd-a")]
    assert found == ["2026/opd-a/lkjip.toml", "2024/opd-a/instansi.toml", "2025/opd-a/pk/PK-A.xlsx"]
    assert [p.relative_to(tmp_path).as_posix() for p in _year_end_inputs(tmp_path, 2026, "")] == [
        "2024/opd-a/instansi.toml", "2025/opd-a/pk/PK-A.xlsx", "2025/opd-b/pk/PK-B.xlsx"]


# --- item 2: qualitative results; item 3: budget hierarchy -------------------------------------

def all_paraf(period):
    from sakip.paraf.suites import ParafResult

    return {pk: ParafResult(pk, "PARAF") for pk in period.pk_codes()}


def lkjip_of(period, results, quarter):
    records = period.records("pks")
    return reports.lkjip_context(period.config, reports.Narasi(), "lkjip.toml", period.pk_codes(),
                                 {x["pk"]: x["nip"] for x in records}, results, all_paraf(period),
                                 {x["pk"]: x["nama"] for x in records}, [], r.Period(2026, quarter, dt.date(2026, 7, 6)))


def test_the_agency_budget_counts_the_heads_programmes_not_their_kegiatan_again(period_tw2, capaian_tw2):
    ctx = lkjip_of(period_tw2, capaian_tw2, 2)
    head = capaian_tw2["PK-INSP"]
    assert ctx["anggaran_total"]["pagu"] == "6.825.000.000" == reports.number(head.pagu, 0)
    assert ctx["anggaran_total"]["realisasi"] == reports.number(head.realisasi_anggaran_sd, 0)
    assert "dari pagu 6.825.000.000 rupiah" in ctx["ringkasan_angka"]
    rows = [(a["kode"], a["pk"], a["program"].startswith(reports.INDENT)) for a in ctx["anggaran"]]
    assert rows == [("5.01.01", "PK-INSP", False), *[(k, "PK-SEK", True) for k in ("5.01.01.2.01", "5.01.01.2.02", "5.01.01.2.06")],
                    ("5.01.02", "PK-INSP", False), ("5.01.02.2.01", "PK-IRBAN1", True), ("5.01.02.2.01", "PK-IRBAN2", True),
                    ("5.01.02.2.01", "PK-IRBAN3", True), ("5.01.02.2.02", "PK-IRBAN1", True), ("5.01.02.2.02", "PK-IRBAN2", True),
                    ("5.01.03", "PK-INSP", False)]
    assert ctx["anggaran"][1]["program"].endswith("5.01.01.2.01 Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah")
    # Without the head's PK the units' kegiatan are the top level, and add up.
    units = [pk for pk in period_tw2.pk_codes() if pk != "PK-INSP"]
    rows, total = reports._budget_rows([capaian_tw2[pk] for pk in units])
    assert total["pagu"] == "5.244.250.000"


def test_budget_totals_on_three_levels_across_pks(period_tw2):
    from sakip.capaian.rules import compute_records

    def pk(code, lines, spent):
        budgets = [{"kode_program": k, "program": f"Uraian {k}", "pagu": D(p)} for k, p in lines]
        real = [{"kode_program": k, "triwulan": 1, "realisasi_anggaran": D(v)} for k, v in spent.items()]
        return compute_records(period_tw2.config, 1, code, [], [], budgets, real)

    # PK-A holds a programme and one of its kegiatan: its own total is the programme's.
    a = pk("PK-A", [("1.01.02", 1000), ("1.01.02.2.02", 350)], {"1.01.02": 400, "1.01.02.2.02": 100})
    b = pk("PK-B", [("1.01.02.2.01", 600), ("1.01.03.2.01", 200)], {"1.01.02.2.01": 250, "1.01.03.2.01": 50})
    c = pk("PK-C", [("1.01.02.2.01.0001", 250), ("1.01.02.2.01.0002", 300)],
           {"1.01.02.2.01.0001": 100, "1.01.02.2.01.0002": 120})
    assert (a.pagu, a.realisasi_anggaran_sd, capaian_text(a.serapan)) == (D(1000), D(400), "40,00 %")
    assert (c.pagu, c.realisasi_anggaran_sd) == (D(550), D(220))
    rows, total = reports._budget_rows([a, b, c], with_code=True)
    assert total == {"pagu": "1.200", "realisasi": "450", "serapan": "37,50 %"}
    indent = [(row["kode"], len(row["program"]) - len(row["program"].lstrip("\u00a0"))) for row in rows]
    assert indent == [("1.01.02", 0), ("1.01.02.2.01", 3), ("1.01.02.2.01.0001", 6), ("1.01.02.2.01.0002", 6),
                      ("1.01.02.2.02", 3), ("1.01.03.2.01", 0)]


def test_achieved_qualitative_indicators_are_results_in_the_recap(period_tw2, capaian_tw2):
    ctx = reports.rekap_context(period_tw2.config, period_tw2.pk_codes(), capaian_tw2, all_paraf(period_tw2), {},
                                r.Period(2026, 2, dt.date(2026, 7, 6)))
    rows = {(i["pk"], i["indikator"]): i for s in ctx["sasaran"] for i in s["indikator"]}
    opini = rows[("PK-INSP", "Opini BPK atas Laporan Keuangan Pemerintah Daerah")]
    assert (opini["target_tw"], opini["realisasi_tw"], opini["capaian_tw"], opini["predikat"]) == ("WTP", "WTP", "Tercapai", "Tercapai")
    dist = {d["predikat"]: d["jumlah"] for d in ctx["sebaran"]}
    not_computable = sum(i.capaian_tw.state == "tidak_dapat_dihitung" for res in capaian_tw2.values() for i in res.indicators)
    assert dist["Tercapai (kualitatif)"] == 1 and dist["Tidak tercapai (kualitatif)"] == 0
    assert dist[reports.NOT_COMPUTABLE] == not_computable
    # PK-INSP's IK-02 and IK-03 (RA targets from TW III and TW IV) are counted apart, as not yet measured
    assert dist[reports.BELUM_DIUKUR] == ctx["ringkasan"]["belum_diukur"] == 2
    assert sum(dist.values()) == ctx["ringkasan"]["jumlah_indikator"] + ctx["ringkasan"]["belum_diukur"]
    assert "Tercapai (kualitatif) 1" in ctx["sasaran"][0]["sebaran"]
    assert ctx["grafik"].label[-4:] == ("Tercapai (kualitatif)", "Tidak tercapai (kualitatif)", reports.NOT_COMPUTABLE,
                                        reports.BELUM_DIUKUR)
    assert "kategori tersendiri" in ctx["grafik"].catatan
    head = next(p for p in ctx["pk"] if p["pk"] == "PK-INSP")
    assert head["capaian"] == "93,60 % – 104,00 %; Tercapai 1"


def test_the_lkjip_counts_and_draws_a_sasaran_of_qualitative_indicators(whole_year):
    period = read_period(whole_year, 2026, 4)
    results = compute(period)
    ctx = lkjip_of(period, results, 4)
    first = ctx["sasaran"][0]
    assert [i["kode"] for i in first["indikator"]] == ["IK-01", "IK-02"]  # Opini BPK WTP, Nilai SAKIP BB
    assert first["sebaran"] == "Tercapai (kualitatif) 2"
    chart = first["grafik"]
    assert chart.seri == (("2026", (100.0, 100.0)),) and chart.teks == (("Tercapai", "Tercapai"),)
    dist = {d["predikat"]: d["jumlah"] for d in ctx["sebaran"]}
    assert dist["Tercapai (kualitatif)"] == 3 and dist[reports.NOT_COMPUTABLE] == 0
    assert reports.QUALITATIVE_NOTE in ctx["ringkasan_angka"]
    # The year's predikat is that of the year's capaian, not of the fourth quarter's.
    head = {i.kode: i for i in results["PK-INSP"].indicators}
    for row in ctx["sasaran"][1]["indikator"]:
        assert row["predikat"] == capaian_band(head[row["kode"]].capaian_sd, period.config)


def capaian_band(result, cfg):
    from sakip.capaian.rules import band

    return band(result, cfg.pengaturan.predikat)


def test_a_chart_writes_a_qualitative_result_on_its_bar_and_keeps_it_in_json():
    from sakip.documents import charts

    chart = charts.Chart("Capaian", ("IK-01", "IK-02"), (("2026", (100.0, 87.5)),), teks=(("Tercapai", None),))
    assert charts.Chart.from_json(chart.to_json()) == chart
    assert charts.png(chart, dpi=50)[:4] == b"\x89PNG"
    assert "teks" not in charts.Chart("x", ("a",), (("s", (1.0,)),)).to_json()  # older contexts stay as they were


def test_the_lkjip_reports_the_years_range_and_numbers_indicators_as_the_packages_do(whole_year):
    """The LKjIP's list of PKs gives each PK's range of capaian s.d. TW IV (the year's), with its
    qualitative results, not the fourth quarter's; its indicators are numbered through the PK as
    in the packages and charts (IK-03 is the third), not again from 1 in each sasaran."""
    period = read_period(whole_year, 2026, 4)
    results = compute(period)
    ctx = lkjip_of(period, results, 4)
    rows = {p["pk"]: p["capaian"] for p in ctx["semua_pk"]}
    assert all(rows[pk] == range_text(results[pk], to_date=True) for pk in rows)
    assert any(range_text(results[pk], to_date=True) != range_text(results[pk]) for pk in rows)
    head = results["PK-INSP"]
    assert rows["PK-INSP"].endswith("; Tercapai 3") and range_text(head, to_date=True).endswith("; Tercapai 3")
    numbers = [i["no"] for s in ctx["sasaran"] for i in s["indikator"]]
    assert numbers == list(range(1, len(head.indicators) + 1))
    assert [i["kode"] for s in ctx["sasaran"] for i in s["indikator"]] == [i.kode for i in head.indicators]


def test_a_pks_range_names_its_qualitative_results_in_the_bundle_too(period_tw2, capaian_tw2, tmp_path):
    from pathlib import Path

    from sakip.pdf import bundle

    insp = capaian_tw2["PK-INSP"]
    assert range_text(insp) == "93,60 % – 104,00 %; Tercapai 1"
    made: dict[str, Path | str] = {pk: tmp_path / f"{pk}.pdf" for pk in period_tw2.pk_codes()}
    listed = bundle.entries(period_tw2, capaian_tw2, all_paraf(period_tw2), made, "")
    assert next(e for e in listed if e.pk == "PK-INSP").capaian == range_text(insp)


def test_the_lkjip_chart_names_the_whole_sasaran_and_wraps_it():
    """A sasaran of 150+ characters (the synthetic agency's) is named whole in its chart's title,
    wrapped over lines inside the picture, not cut at "..."."""
    from sakip.documents import charts

    name = ("Meningkatnya kualitas tata kelola pemerintahan yang akuntabel, transparan dan berorientasi hasil "
            "melalui penguatan pengawasan internal dan sistem akuntabilitas kinerja instansi pemerintah daerah")
    chart = reports._comparison_chart(name, [], 2026, None, None)
    assert chart.judul.endswith(name)
    d = charts.drawing(chart, dpi=50)
    [title], [box] = d.of("judul"), d.boxes("judul")
    assert "\n" in title and title.replace("\n", " ") == chart.judul
    assert 0 <= box[0] and box[2] <= d.image.width
