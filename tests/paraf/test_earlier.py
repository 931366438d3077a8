"""An earlier quarter counts only once initialled (issue 21 item 4): a later quarter of a PK whose
earlier quarter was returned, never run, or changed since its paraf is returned too, naming that
quarter and its correction workbook; the forms prefill only initialled quarters.

The runs of earlier quarters are recorded here as the flow records them (ringkasan.json, and for
an initialled PK a revision whose manifest lists the inputs it was made from), without the
Prefect engine."""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

from sakip.documents import forms
from sakip.ingest import workbooks as ingest
from sakip.paraf import berkas, earlier
from sakip.pdf import manifest
from sakip.formatting import JAKARTA
from sakip.pdf.manifest import RunInfo
from sakip.outputs.files import pk_dir
from sakip.outputs.summary import Row, Summary

from tests.conftest import INPUTS, ROOT

PKS = ("PK-INSP", "PK-SEK", "PK-IRBAN1", "PK-IRBAN2", "PK-IRBAN3")
KOREKSI = "outputs/2026/TW2/PK-IRBAN3/KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """The demo with a TW III for every PK (PK-IRBAN3's TW II is the demo's returned one)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_demo_inputs
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    root = tmp_path_factory.mktemp("quarters") / "inputs"
    shutil.copytree(INPUTS, root)
    make_demo_inputs.synthetic_quarters(root, 2026, [3])
    return root


def record(outputs: Path, inputs: Path, quarter: int, statuses: dict[str, str]) -> None:
    """What a run of `quarter` leaves: its summary, and for each PARAF a revision listing as its
    inputs the realisasi workbooks of quarters 1..quarter as they are now."""
    rows = []
    for pk, status in statuses.items():
        row = Row(pk, "-", status, "-", 0 if status == "PARAF" else 2, 0)
        if status == "DIKEMBALIKAN":
            row.keluaran = [KOREKSI.replace("PK-IRBAN3", pk)]
        if status == "PARAF":
            rev = pk_dir(outputs, 2026, quarter, pk) / "rev-01"
            rev.mkdir(parents=True, exist_ok=True)
            package = rev / f"paket_{pk}_2026_TW{quarter}.pdf"
            package.write_bytes(b"%PDF-1.7 stand-in")
            files = [inputs / "2026" / "realisasi" / f"tw{q}" / f"{pk}.xlsx" for q in range(1, quarter + 1)]
            manifest.write(package, pk=pk, year=2026, quarter=quarter, revision=1, created=dt.datetime.now(JAKARTA),
                           run=RunInfo(), inputs=files, templates=[], outputs=[], fields=["ttd_pejabat"])
            row.keluaran, row.revisi = [str(package)], 1
        rows.append(row)
    Summary(2026, quarter, rows).write(outputs)


def findings(inputs: Path, outputs: Path, quarter: int = 3) -> tuple[dict[str, list], list[str]]:
    period = ingest.read_period(inputs, 2026, quarter)
    period.standing, notes = earlier.received_standing(period, outputs)
    found = berkas.not_initialled(period)
    by_pk: dict[str, list] = {pk: [] for pk in PKS}
    for f in found:
        by_pk[f.pk].append(f)
    return by_pk, notes


def test_a_later_quarter_of_a_returned_quarter_is_returned_naming_it_and_its_correction(inputs, tmp_path):
    outputs = tmp_path / "outputs"
    record(outputs, inputs, 2, {pk: "DIKEMBALIKAN" if pk == "PK-IRBAN3" else "PARAF" for pk in PKS})
    by_pk, notes = findings(inputs, outputs)
    assert [pk for pk, found in by_pk.items() if found] == ["PK-IRBAN3"]
    (f,) = by_pk["PK-IRBAN3"]
    assert f.severity == "error" and f.check == "berkas.triwulan_lalu_diparaf"
    assert "Realisasi triwulan II PK-IRBAN3 belum diparaf" in f.message and KOREKSI in f.message
    assert "s.d. triwulan III" in f.message
    assert KOREKSI in f.fix and "sakip run 2026 2 --pk PK-IRBAN3" in f.fix and "realisasi/tw2" in f.fix
    assert notes == ["Triwulan I tahun 2026 belum pernah diproses sakip (tidak ada ringkasan.json di "
                     f"{outputs / '2026'}): realisasinya dianggap sudah diparaf di luar sakip dan diperiksa "
                     "kelengkapan serta keterbacaannya dalam run ini. Untuk pemeriksaan penuh, jalankan "
                     "'sakip run 2026 <triwulan>' untuk triwulan itu lebih dulu."]


def test_once_the_earlier_quarter_is_corrected_and_initialled_the_later_one_passes(inputs, tmp_path):
    outputs = tmp_path / "outputs"
    record(outputs, inputs, 2, {pk: "DIKEMBALIKAN" if pk == "PK-IRBAN3" else "PARAF" for pk in PKS})
    assert findings(inputs, outputs)[0]["PK-IRBAN3"]
    record(outputs, inputs, 2, {pk: "PARAF" for pk in PKS})  # TW II rerun after the correction: initialled
    assert not any(findings(inputs, outputs)[0].values())


def test_a_workbook_changed_after_its_paraf_does_not_count(inputs, tmp_path):
    outputs = tmp_path / "outputs"
    record(outputs, inputs, 2, {pk: "PARAF" for pk in PKS})
    changed = tmp_path / "inputs"
    shutil.copytree(inputs, changed)
    book = changed / "2026/realisasi/tw2/PK-SEK.xlsx"
    wb = openpyxl.load_workbook(book)
    wb["Realisasi"]["I6"] = 2  # a value edited after TW II was initialled, without a TW II rerun
    wb.save(book)
    by_pk, _ = findings(changed, outputs)
    assert [pk for pk, found in by_pk.items() if found] == ["PK-SEK"]
    assert "berkasnya berubah sejak diparaf" in by_pk["PK-SEK"][0].message
    assert "sakip run 2026 2 --pk PK-SEK" in by_pk["PK-SEK"][0].fix


def test_a_quarter_skipped_after_sakip_was_first_used_returns_every_pk(inputs, tmp_path):
    outputs = tmp_path / "outputs"
    record(outputs, inputs, 1, {pk: "PARAF" for pk in PKS})  # TW I ran, TW II never did
    by_pk, notes = findings(inputs, outputs)
    assert notes == []
    for pk in PKS:
        (f,) = by_pk[pk]
        assert "Realisasi triwulan II" in f.message and "triwulan II belum pernah dijalankan" in f.message
        assert "sakip run 2026 2" in f.fix


def test_a_pk_missing_from_the_earlier_run_or_failed_there_is_returned(inputs, tmp_path):
    outputs = tmp_path / "outputs"
    record(outputs, inputs, 2, {"PK-INSP": "PARAF", "PK-SEK": "GAGAL", "PK-IRBAN1": "PARAF", "PK-IRBAN2": "PARAF"})
    by_pk, _ = findings(inputs, outputs)
    assert [pk for pk, found in by_pk.items() if found] == ["PK-SEK", "PK-IRBAN3"]
    assert "berstatus GAGAL" in by_pk["PK-SEK"][0].message
    assert "tidak ada dalam pemeriksaan triwulan II" in by_pk["PK-IRBAN3"][0].message


def test_a_first_run_of_the_tool_late_in_the_year_takes_earlier_quarters_as_initialled_by_hand(inputs, tmp_path):
    by_pk, notes = findings(inputs, tmp_path / "outputs")
    assert not any(by_pk.values())
    assert len(notes) == 1 and notes[0].startswith("Triwulan I, II tahun 2026 belum pernah diproses sakip")
    # ... while the workbooks themselves are read as strictly as ever: PK-IRBAN3's TW II text and empty cell
    period = ingest.read_period(inputs, 2026, 3)
    found = [f for f in berkas.check(period) if f.pk == "PK-IRBAN3" and f.check == "berkas.triwulan_lalu"]
    assert len(found) == 2 and all("berkas triwulan II" in f.message for f in found)


def test_the_next_quarters_form_prefills_only_initialled_quarters(inputs, tmp_path):
    outputs = tmp_path / "outputs"
    record(outputs, inputs, 1, {pk: "PARAF" for pk in PKS})
    record(outputs, inputs, 2, {pk: "DIKEMBALIKAN" if pk == "PK-IRBAN3" else "PARAF" for pk in PKS})
    made = {p.stem: p for p in forms.generate_forms(inputs, outputs, 2026, 3)}
    wb = openpyxl.load_workbook(made["PK-IRBAN3"])
    ws = wb["Realisasi"]
    head = next(r for r in ws.iter_rows() if r[0].value == "No")
    col = {c.value: c.column for c in head}
    tw1, tw2 = col["Realisasi TW I (lalu)"], col["Realisasi TW II (lalu)"]
    rows = [r for r in ws.iter_rows(min_row=head[0].row + 1) if r[1].value]
    assert [r[tw1 - 1].value for r in rows] == [6, 21.4, 5, 22]  # TW I, initialled: shown
    assert [r[tw2 - 1].value for r in rows] == [None] * 4  # not 'belum ada data', 41,5, None, 38
    assert all(r[tw2 - 1].comment.text.startswith("TW II belum diparaf: dikembalikan") for r in rows)
    assert KOREKSI in rows[0][tw2 - 1].comment.text
    petunjuk = [c.value for c in wb["Petunjuk"]["A"] if c.value]
    assert any(v.startswith("Catatan: TW II belum diparaf") for v in petunjuk)
    budget = wb["Anggaran"]
    total = next(c for c in budget[5] if c.column == 5)
    assert total.value is None and total.comment.text.startswith("TW II belum diparaf")
    # An initialled PK's form still carries both quarters
    ws = openpyxl.load_workbook(made["PK-SEK"])["Realisasi"]
    rows = [r for r in ws.iter_rows(min_row=head[0].row + 1, values_only=True) if r[1]]
    assert [r[tw2 - 1] for r in rows] == [87.5, 2, 42.3, 3.31, 3.2] and all(r[tw1 - 1] is not None for r in rows)


def test_earlier_records_that_cannot_be_read_do_not_count_as_never_run(inputs, tmp_path):
    """A TW II folder linked out of outputs/ (or a damaged summary) is not 'sakip never ran TW II':
    that would take TW II as initialled by hand. Every PK is returned, saying what is wrong."""
    elsewhere = tmp_path / "elsewhere"
    record(elsewhere, inputs, 2, {pk: "PARAF" for pk in PKS})
    outputs = tmp_path / "outputs"
    (outputs / "2026").mkdir(parents=True)
    (outputs / "2026/TW2").symlink_to(elsewhere / "2026/TW2")
    by_pk, notes = findings(inputs, outputs)
    assert len(notes) == 1 and notes[0].startswith("Triwulan I tahun 2026")
    for pk in PKS:
        (f,) = by_pk[pk]
        assert "catatan pemeriksaan triwulan II" in f.message and "tidak dapat dibaca" in f.message
        assert "di luar" in f.message  # why: the folder leads out of outputs/
    (outputs / "2026/TW2").unlink()
    (outputs / "2026/TW2").mkdir()
    (outputs / "2026/TW2/ringkasan.json").write_text("{ bukan json")
    by_pk, _ = findings(inputs, outputs)
    assert all(len(found) == 1 and "tidak dapat dibaca" in found[0].message for found in by_pk.values())
