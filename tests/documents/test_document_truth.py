"""The document-truth check (tests/doctruth.py) on whole runs, and on small doctored texts; the
TW IV and synthetic runs are also held to the layout check (tests/layout.py).

Each scenario runs the pipeline once and checks every document kind it made, collecting every
mismatch into one assertion message (pytest-xdist gives each worker its own session fixtures,
so a scenario in one test function never runs twice).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests import doctruth as d
from tests import layout
from tests.conftest import INPUTS, ROOT, SAKIP

sys.path.insert(0, str(ROOT / "scripts"))
from make_demo_inputs import synthetic_agency, synthetic_quarters  # noqa: E402


def sakip_run(inputs: Path, out: Path, year: int, quarter: int, tanggal: dt.date, *extra: str) -> subprocess.CompletedProcess:
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    return subprocess.run([*SAKIP, "run", str(year), str(quarter), "--inputs", str(inputs), "--outputs", str(out),
                           "--templates", str(ROOT / "templates"), "--expectations", str(ROOT / "expectations"),
                           "--tanggal", tanggal.isoformat(), *extra],
                          capture_output=True, text=True, cwd=out.parent, timeout=600, env={**os.environ, "COLUMNS": "200"})


def summary(out: Path, year: int, quarter: int) -> dict:
    return json.loads((out / str(year) / f"TW{quarter}" / "ringkasan.json").read_text(encoding="utf-8"))


def year_end_run(agency, tmp_path: Path) -> tuple[Path, Path, dt.date]:
    """`agency(inputs, year, quarters)`'s four quarters of 2026 run at TW IV, after the year's
    end: (inputs, outputs, report date). Every PK must be initialled."""
    inputs = tmp_path / "inputs"
    agency(inputs, 2026, [1, 2, 3, 4])
    out = tmp_path / "outputs"
    out.mkdir()
    when = dt.date(2027, 1, 15)
    proc = sakip_run(inputs, out, 2026, 4, when)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return inputs, out, when


def truth(inputs: Path, out: Path, year: int, quarter: int, tanggal: dt.date, lkjip: bool = False) -> list[str]:
    run = d.load_run(inputs, year, quarter, tanggal, summary(out, year, quarter))
    assert run.included, "the run initialled no PK: nothing to check"
    return d.check_run(out, run, lkjip=lkjip)


# ------------------------------------------------------------------------------ whole runs


def test_demo_tw1_documents_show_what_the_data_says(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    out = tmp_path / "outputs"
    when = dt.date(2026, 4, 6)
    proc = sakip_run(inputs, out, 2026, 1, when)
    assert proc.returncode in (0, 2), proc.stdout + proc.stderr
    problems = truth(inputs, out, 2026, 1, when)
    assert not problems, d.report(problems, "Demo TW I")


def test_demo_tw2_documents_show_what_the_data_says(run_tw2):
    proc, out, inputs, _ = run_tw2
    assert proc.returncode in (0, 2), proc.stdout + proc.stderr
    problems = truth(inputs, out, 2026, 2, dt.date(2026, 7, 6))
    assert not problems, d.report(problems, "Demo TW II")


def test_tw4_with_an_earlier_year_and_a_returned_tw2_never_corrected(tmp_path):
    """The demo with 2025 behind it and TW III/IV 2026 derived from the RA targets; PK-IRBAN3's
    TW II stays as returned (never corrected). Its TW III form and its TW IV run must not treat
    the returned TW II figures as realisasi (the TW IV run returns it, naming TW II); every TW IV
    document, the LKjIP included, must show what the data says. (A TW III run is left out: the
    TW IV run reads the same TW II workbook, and each run costs half a minute of the gate.)"""
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS / "2026", inputs / "2026")
    (inputs / "2025").mkdir()
    shutil.copy(INPUTS / "2026" / "instansi.toml", inputs / "2025" / "instansi.toml")
    synthetic_quarters(inputs, 2026, [3, 4])
    synthetic_quarters(inputs, 2025, [1, 2, 3, 4], with_pk=True)
    out = tmp_path / "outputs"
    out.mkdir()
    problems: list[str] = []
    rejected = {"belum ada data", "41,5", "41.5", "38"}  # PK-IRBAN3's returned TW II figures

    from sakip.documents.forms import generate_forms

    # The TW III form is made after the TW II run that returned PK-IRBAN3 (recorded in its own
    # outputs folder: the TW IV run below stands for a first run late in the year).
    recorded = tmp_path / "tw2"
    recorded.mkdir()
    proc = sakip_run(inputs, recorded, 2026, 2, dt.date(2026, 7, 6), "--pk", "PK-IRBAN3")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    form = next(f for f in generate_forms(inputs, recorded, 2026, 3) if f.stem == "PK-IRBAN3")
    ws = openpyxl.load_workbook(form)["Realisasi"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=20) if r[0].value == "No")
    col = next((c.column for c in header if c.value == "Realisasi TW II (lalu)"), None)
    if col is not None:
        for r in ws.iter_rows(min_row=header[0].row + 1):
            value = r[col - 1].value
            if value is not None and (str(value) in rejected or (isinstance(value, (int, float)) and
                                                                   str(Decimal(str(value)).normalize()) in rejected)):
                problems.append(f"{form.name}, sel {r[col - 1].coordinate}: formulir TW III mengisi 'Realisasi TW II (lalu)' "
                                f"dengan nilai TW II yang dikembalikan ({value!r})")

    when = dt.date(2027, 1, 15)
    proc = sakip_run(inputs, out, 2026, 4, when)
    assert proc.returncode in (0, 2), proc.stdout + proc.stderr
    irban3 = next(p for p in summary(out, 2026, 4)["pk"] if p["pk"] == "PK-IRBAN3")
    said = irban3["pesan"] + " " + " ".join(irban3.get("peringatan_pesan", []))
    if irban3["status"] != "DIKEMBALIKAN":
        problems.append(f"ringkasan TW IV: PK-IRBAN3 berstatus {irban3['status']}, seharusnya DIKEMBALIKAN karena "
                        "TW II-nya masih dikembalikan")
    elif not re.search(r"TW II\b|triwulan II\b|tw2", said, re.I):
        problems.append(f"ringkasan TW IV: PK-IRBAN3 dikembalikan tanpa menyebut TW II: {said!r}")
    if not any("KOREKSI_realisasi_tw2" in x for x in [said, *irban3.get("keluaran", [])]):
        problems.append(f"ringkasan TW IV: PK-IRBAN3 dikembalikan tanpa berkas koreksi TW II: {irban3.get('keluaran')!r}")
    for data in (out / "2026" / "TW4" / "PK-IRBAN3").glob("rev-*/data.json"):
        if "belum ada data" in data.read_text(encoding="utf-8"):
            problems.append(f"{data}: menyimpan 'belum ada data' (TW II yang dikembalikan) sebagai realisasi")
    for pdf in sorted((out / "2026" / "TW4").rglob("*.pdf")):
        problems += d.absent(d.figures(pdf), "belum ada data", "realisasi TW II yang dikembalikan")
    problems += truth(inputs, out, 2026, 4, when, lkjip=True)
    problems += layout.check_outputs(out, 2026, 4)[0]
    assert not problems, d.report(problems, "TW IV dengan tahun 2025 dan TW II PK-IRBAN3 yang dikembalikan")


def test_synthetic_agency_documents_show_what_the_data_says(tmp_path):
    """Three PKs with three sasaran each, names of 150+ characters that wrap and cross page
    breaks, qualitative targets (WTP, BB, Level 3, one missed), a three-level budget."""
    inputs, out, when = year_end_run(synthetic_agency, tmp_path)
    problems = truth(inputs, out, 2026, 4, when, lkjip=True)
    problems += layout.check_outputs(out, 2026, 4)[0]
    assert not problems, d.report(problems, "Instansi sintetis TW IV")


# ------------------------------------------------------------------------------ the check itself

S1, S2 = "Meningkatnya akuntabilitas kinerja dan keuangan daerah", "Meningkatnya kapabilitas pengawasan intern"
GROUPS = [(S1, ["Opini BPK atas Laporan Keuangan", "Nilai evaluasi SAKIP"]),
          (S2, ["Level maturitas SPIP", "Persentase rekomendasi yang ditindaklanjuti"])]


def doc(*pages: str) -> d.Doc:
    return d.make_doc("uji.pdf", list(pages), [f"L-{i}" for i in range(1, len(pages) + 1)])


def test_a_true_table_passes_even_wrapped_and_split_by_a_page_break():
    page1 = ("No Sasaran Strategis Indikator\n1 1. Meningkatnya akuntabilitas\nkinerja dan keuangan daerah Opini BPK atas\n"
             "Laporan Keuangan WTP\n2 Nilai evaluasi SA-\nKIP BB\n3 2. Meningkatnya kapabilitas\nLevel maturitas SPIP Level 3")
    page2 = ("PEMERINTAH KABUPATEN SUKAMAJU\nNo Sasaran Strategis Indikator\npengawasan intern\n"
             "4 Persentase rekomendasi yang\nditindaklanjuti 85")
    assert d.sasaran_order(doc(page1.replace("SA-\nKIP", "SA\nKIP"), page2), GROUPS) == []


def test_a_dropped_sasaran_is_reported_with_its_indicators():
    text = ("1 1. Meningkatnya akuntabilitas kinerja dan keuangan daerah Opini BPK atas Laporan Keuangan WTP "
            "2 Nilai evaluasi SAKIP BB 3 Level maturitas SPIP Level 3 4 Persentase rekomendasi yang ditindaklanjuti 85")
    problems = d.sasaran_order(doc(text), GROUPS)
    assert problems[0] == f"uji.pdf: sasaran 2 '{S2}' tidak tercetak"
    assert len(problems) == 3
    assert all(f"di bawah sasaran '{S1}'" in p and "(sasaran itu tidak tercetak)" in p and "hal. L-1" in p for p in problems[1:])


def test_an_indicator_under_the_wrong_sasaran_is_reported():
    text = (f"1 {S1} Opini BPK atas Laporan Keuangan WTP Level maturitas SPIP Level 3 "
            f"2 {S2} Nilai evaluasi SAKIP BB Persentase rekomendasi yang ditindaklanjuti 85")
    problems = d.sasaran_order(doc(text), GROUPS)
    assert problems == [
        f"uji.pdf, hal. L-1: indikator 'Nilai evaluasi SAKIP' tercetak di bawah sasaran '{S2}', bukan di bawah sasarannya '{S1}'",
        f"uji.pdf, hal. L-1: indikator 'Level maturitas SPIP' tercetak di bawah sasaran '{S1}', bukan di bawah sasarannya '{S2}'"]


def test_a_name_inside_a_longer_name_is_not_taken_for_it():
    groups = [("Pengawasan Wilayah I", ["Jumlah LHP Wilayah I"])]
    text = "Pengawasan Wilayah II Jumlah LHP Wilayah II Jumlah LHP Wilayah I"
    assert d.sasaran_order(doc(text), groups)[0] == "uji.pdf: sasaran 1 'Pengawasan Wilayah I' tidak tercetak"


def test_a_total_of_a_parent_plus_its_children_is_reported():
    lines = [d.Line("PK-INSP", "5.01.02", "Program Penyelenggaraan Pengawasan", 2_480_000_000, {1: 400_000_000}),
             d.Line("PK-IRBAN1", "5.01.02.2.01", "Pengawasan Internal Wilayah I", 845_000_000, {1: 176_400_000}),
             d.Line("PK-IRBAN1", "5.01.02.2.01.0001", "Audit Kinerja Wilayah I", 300_000_000, {1: 50_000_000}),
             d.Line("PK-SEK", "5.01.01.2.01", "Perencanaan dan Evaluasi Kinerja", 96_750_000, {1: 18_250_000})]
    assert [ln.kode for ln in d.top_level(lines)] == ["5.01.02", "5.01.01.2.01"]
    pagu, now, upto = d.budget_totals(lines, 1)
    assert (pagu, now, upto) == (2_576_750_000, 418_250_000, 418_250_000)
    doubled = doc("B. Realisasi Anggaran No Program Pagu Realisasi ... Jumlah 3.721.750.000 644.650.000")
    problems = d.row(doubled, ["Jumlah", d.number(pagu), d.number(upto)], "jumlah anggaran")
    assert problems == ["uji.pdf, hal. L-1: jumlah anggaran: setelah 'Jumlah' tidak tercetak '2.576.750.000' "
                        "(baris yang diharapkan: Jumlah | 2.576.750.000 | 418.250.000)"]
    assert d.row(doc("Jumlah 2.576.750.000 418.250.000"), ["Jumlah", d.number(pagu), d.number(upto)], "x") == []
    # a value is matched whole: 2.576.750.000 is not found inside 12.576.750.000
    assert d.row(doc("Jumlah 12.576.750.000 418.250.000"), ["Jumlah", d.number(pagu)], "x") != []


def _indicator(target: str, status: str, real: str, real_status: str) -> d.Indicator:
    value = Decimal(target) if status == "angka" else None
    cell = (target, status, value)
    ind = d.Indicator("PK-INSP", "IK-01", S1, "Opini BPK", "Opini", target, status, value, [cell] * 4)
    ind.realisasi[2] = (real, real_status, Decimal(real.replace(",", ".")) if real_status == "angka" else None)
    return ind


def test_a_qualitative_result_counted_as_uncomputable_is_reported():
    achieved = _indicator("WTP", "teks", "WTP", "teks")
    missed = _indicator("Level 3", "teks", "Level 2", "teks")
    no_target = _indicator("-", "kosong", "-", "kosong")
    zero = _indicator("0", "angka", "5", "angka")
    number_ok = _indicator("50", "angka", "46,8", "angka")
    inds = [achieved, missed, no_target, zero, number_ok]
    assert [d.uncomputable(i, 2) for i in inds] == [False, False, True, True, False]
    expected = sum(d.uncomputable(i, 2) for i in inds)
    wrong = doc("A. Sebaran Predikat Sangat Baik 1 Baik 0 Tidak dapat dihitung 4 80,00 %")
    problems = d.counts(wrong, wrong.text, 0, len(inds), expected, "sebaran predikat")
    assert len(problems) == 1 and "'Tidak dapat dihitung' 4, seharusnya 2" in problems[0] and "hal. L-1" in problems[0]
    right = doc("Sangat Baik 1, Tercapai 1, Tidak tercapai 1, Tidak dapat dihitung 2.")
    assert d.counts(right, right.text, 0, len(inds), expected, "x") == []
    # "Belum diukur" (RA 0/0/0/X before TW IV) is its own category, never "tidak dapat dihitung"
    annual = _indicator("-", "kosong", "-", "kosong")
    annual.ra[3] = ("3", "angka", Decimal(3))
    assert d.not_measured(annual, 2) and not d.not_measured(annual, 4) and not d.not_measured(no_target, 2)
    later = doc("Sangat Baik 1, Tercapai 1, Tidak tercapai 1, Tidak dapat dihitung 1, Belum diukur 1.")
    assert d.counts(later, later.text, 0, len(inds), expected - 1, "x", expected_unmeasured=1) == []
    assert "'Belum diukur' 1, seharusnya 0" in d.counts(later, later.text, 0, len(inds), expected - 1, "x")[0]
    # the year's judgement: a qualitative indicator with a realisasi in any quarter is a result
    assert d.uncomputable(achieved, 4, annual=True) is False


def test_hidden_markers_and_numbers_as_printed():
    page = doc("Sukamaju, 6 Juli 2026 Sekretaris SAKIPMARKTTDPEJABAT NURUL", "SAKIPMARKPARAFLAPORAN")
    assert d.markers(page) == ["uji.pdf: teks tersembunyi dalam teks dokumen: SAKIPMARKTTDPEJABAT (hal. L-1), "
                               "SAKIPMARKPARAFLAPORAN (hal. L-2)"]
    assert [d.number(x) for x in (Decimal("1234567"), Decimal("87.50"), Decimal("3.25"), 0)] == ["1.234.567", "87,5", "3,25", "0"]
    assert d.nip_printed("197104121996031003") == "19710412 199603 1 003"
    assert d.distribution("Sangat Baik 12 63,16 % Baik 4 21,05 % Tidak dapat dihitung 3 15,79 %") == {
        "sangat baik": 12, "baik": 4, "tidak dapat dihitung": 3}
    assert d.distribution("Tercapai (kualitatif) 2, Tidak tercapai: 1") == {"tercapai": 2, "tidak tercapai": 1}
