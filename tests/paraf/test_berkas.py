"""The paraf's rules about the files a unit sent (sakip.paraf.berkas): what ingest could not
read, identities against the period and the PK, earlier quarters, and values a supervisor would
question. Each is a registered rule; the reading itself is tested in tests/ingest."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from sakip.ingest import workbooks as ingest
from sakip.model import Standing
from sakip.paraf import berkas
from sakip.paraf.rules import RULES

from tests import bad_files as bf
from tests.conftest import INPUTS, ROOT
from tests.ingest.test_ingest_hostile import SHOWN, _built


# --- every rule is registered, and says what its findings say --------------------------------------

def _set(path: Path, sheet: str, cells: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        wb[sheet][ref] = value
    wb.save(path)


@pytest.fixture(scope="module")
def troubled(tmp_path_factory):
    """The demo's TW II with one case of each rule about files, and its findings."""
    inputs = tmp_path_factory.mktemp("berkas") / "inputs"
    shutil.copytree(INPUTS, inputs)
    year = inputs / "2026"
    _set(year / "pk/PK-SEK.xlsx", "Identitas", {"B2": "2025"})  # tahun (PK)
    _set(year / "pk/PK-IRBAN2.xlsx", "Identitas", {"B3": "197911052005012999"})  # nip_terdaftar
    shutil.copy(year / "pk/PK-INSP.xlsx", year / "pk/PK-INSP-salinan.xlsx")  # kode_pk_unik
    (year / "pk/PK-RUSAK.xlsx").write_bytes(b"bukan workbook")  # terbaca (PK)
    _set(year / "realisasi/tw2/PK-IRBAN1.xlsx", "Identitas", {"B2": "2025", "B3": "III", "B4": "197104121996031003"})
    _set(year / "realisasi/tw2/PK-IRBAN1.xlsx", "Realisasi", {"J4": "Kendal"})  # judul
    shutil.copy(year / "realisasi/tw2/PK-INSP.xlsx", year / "realisasi/tw2/PK-INSP (2).xlsx")  # realisasi_tunggal
    (year / "realisasi/tw1/PK-IRBAN2.xlsx").unlink()  # realisasi_triwulan_lalu
    _set(year / "realisasi/tw1/PK-SEK.xlsx", "Realisasi", {"F6": "dua"})  # triwulan_lalu
    _set(year / "realisasi/tw2/PK-SEK.xlsx", "Realisasi", {"I5": 0.875, "I6": 2000})  # persen_pecahan, jauh_dari_target
    (year / "realisasi/tw1/PK-IRBAN3.xlsx").write_bytes(b"bukan workbook")  # terbaca (realisasi, earlier quarter)
    period = ingest.read_period(inputs, 2026, 2)
    period.standing = {("PK-INSP", 1): Standing("PK-INSP", 1, "dikembalikan", "dikembalikan", "Perbaiki.")}
    return period, berkas.check(period)


def test_every_rule_of_the_files_is_registered_with_what_its_findings_expect(troubled):
    _, findings = troubled
    checks = {f.check for f in findings}
    assert checks >= {"berkas.terbaca", "berkas.judul", "berkas.kode_pk_unik", "berkas.nip_terdaftar", "berkas.tahun",
                      "berkas.realisasi_tunggal", "berkas.triwulan", "berkas.nip_sama", "berkas.realisasi_triwulan_lalu",
                      "berkas.triwulan_lalu", "berkas.jauh_dari_target", "berkas.persen_pecahan",
                      "berkas.triwulan_lalu_diparaf"}, checks
    stated = {"berkas.terbaca": set(berkas.TERBACA_EXPECTED.values()), "berkas.tahun": {"Tahun PK 2026", "Tahun 2026"}}
    for f in findings:
        rule = RULES[f.check]
        assert f.severity == rule.severity and f.fix, f
        assert f.expected in stated.get(f.check, {rule.expected}), f
    assert {f.expected for f in findings if f.check in stated} == set().union(*stated.values())


def test_what_ingest_notes_falls_under_a_rule_with_a_fix_for_each_case():
    """Every rule id the reader writes is registered as a rule of reading, with a fix for each case."""
    source = (ROOT / "sakip/ingest/workbooks.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"(berkas\.[a-z_]+)"', source))
    assert used == set(berkas.RULES_OF_READING), used
    cases = {(rule, case) for rule, case in re.findall(r'"(berkas\.[a-z_]+)",\s*case="(\w+)"', source)}
    assert cases <= set(berkas.READ_FIXES) and {(r, "") for r in used if r != "berkas.terbaca"} <= set(berkas.READ_FIXES)
    assert all(berkas.RULES_OF_READING[r] is RULES[r] for r in used)


def test_findings_of_files_come_in_the_order_files_were_read(troubled):
    _, findings = troubled
    pk_rules = [f.check for f in findings if f.pk == "PK-SEK"]
    assert pk_rules == ["berkas.tahun", "berkas.triwulan_lalu", "berkas.persen_pecahan", "berkas.jauh_dari_target"]
    earlier = next(f for f in findings if f.pk == "PK-IRBAN3" and f.check == "berkas.terbaca")
    assert earlier.message.endswith("(berkas triwulan I: dipakai untuk capaian s.d. triwulan II)")
    assert earlier.fix == "Perbaiki berkas sesuai format realisasi lalu kirim ulang."


# --- values a supervisor would question -----------------------------------------------------------

def _plausibility(tmp_path: Path, pk_build=None, real_build=None, quarter: int = 2) -> list:
    (tmp_path / "pk").mkdir()
    (tmp_path / "real").mkdir()
    pk = _built(tmp_path / "pk", "pk", pk_build or (lambda p: None))
    real = _built(tmp_path / "real", "tw2", real_build or (lambda p: None))
    _, indicators, _ = ingest.read_pk_workbook(pk, SHOWN["pk"])
    _, rows, _ = ingest.read_realisasi_workbook(real, SHOWN["tw2"])
    return berkas.plausibility([{"pk": "PK-SEK", **i} for i in indicators],
                                [{"pk": "PK-SEK", "triwulan": quarter, **r} for r in rows])


PLAUSIBILITY = [
    ("persen sebagai pecahan 0.875", None, bf.edited(bf.cells("Realisasi", {"I5": 0.875})),
     [("Realisasi", "I5", "Realisasi TW II indikator 'Persentase dokumen perencanaan dan pelaporan yang disampaikan tepat waktu' "
                          "bersatuan % tertulis 0,875, sedangkan targetnya 100: ditulis sebagai pecahan? 0,875 berarti 0,875 %; "
                          "untuk 87,5 % tulis 87,5")]),
    ("persen sebagai pecahan teks '0,875'", None, bf.edited(bf.cells("Realisasi", {"I5": "0,875"})),
     [("Realisasi", "I5", "ditulis sebagai pecahan? 0,875 berarti 0,875 %")]),
    ("persen 1 terhadap target 45", None, bf.edited(bf.cells("Realisasi", {"I7": 1})),
     [("Realisasi", "I7", "untuk 100 % tulis 100")]),
    ("sel berformat persen dibaca benar", None,
     bf.edited(bf.cells("Realisasi", {"I5": 0.875}), lambda wb: setattr(wb["Realisasi"]["I5"], "number_format", "0.0%")), []),
    ("target triwulan persen sebagai pecahan", bf.edited(bf.cells("RA", {"E7": 0.45})), None,
     [("RA", "E7", "Target TW II indikator 'Persentase realisasi anggaran")]),
    ("persen kecil yang wajar (target 2,5)", bf.edited(bf.cells("RA", {"E5": 2.5})), bf.edited(bf.cells("Realisasi", {"I5": 0.9})), []),
    ("realisasi 1000 kali target", None, bf.edited(bf.cells("Realisasi", {"I6": 2000})),
     [("Realisasi", "I6", "Realisasi TW II indikator 'Jumlah dokumen laporan kinerja yang disusun' 2.000 Dokumen, "
                          "1.000 kali targetnya (2): jauh dari wajar")]),
    ("realisasi seperseratus target", None, bf.edited(bf.cells("Realisasi", {"I8": 0.0325})),
     [("Realisasi", "I8", "hanya 1/100 dari targetnya (3,25)")]),
    ("realisasi negatif jauh dari target", None, bf.edited(bf.cells("Realisasi", {"I9": 300})),
     [("Realisasi", "I9", "100 kali targetnya (3)")]),
    ("realisasi nol tidak dipersoalkan", None, bf.edited(bf.cells("Realisasi", {"I6": 0, "I8": 0})), []),
    ("realisasi 99 kali target tidak dipersoalkan", None, bf.edited(bf.cells("Realisasi", {"I6": 198})), []),
]


@pytest.mark.parametrize("name,pk_build,real_build,expected", PLAUSIBILITY, ids=[p[0] for p in PLAUSIBILITY])
def test_plausibility(tmp_path: Path, name, pk_build, real_build, expected) -> None:
    found = _plausibility(tmp_path, pk_build, real_build)
    got = [(f.severity, f.location.file, f.location.sheet, f.location.cell, f.message) for f in found]
    assert len(got) == len(expected), got
    for sheet, cell, words in expected:
        file = SHOWN["pk"] if sheet == "RA" else SHOWN["tw2"]
        assert any((s, fl, sh, c) == ("warning", file, sheet, cell) and words in m for s, fl, sh, c, m in got), got
