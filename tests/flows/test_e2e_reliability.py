"""One period where units sent data that used to stop everyone, beside good PKs, through the real
CLI: a realisasi of 1E+30, a merged cell over the realisasi data, a damaged earlier-quarter
workbook, a stale hidden sheet. The good PKs (the demo's and a clean copy made the same way as the
bad ones) are packaged and verify; each bad one is returned or GAGAL with its own message; no
traceback anywhere; inputs unchanged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import openpyxl
import pytest

from sakip.pdf import manifest

from tests.conftest import INPUTS, ROOT, SAKIP, tree_hash

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")

SOURCE = "PK-SEK"
GOOD = ("PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-SEK", "PK-SALIN")


def _copy(year, code: str, quarter: int, change=None):
    """A unit's workbook made from PK-SEK's (`quarter` 0 is the PK workbook), its code set."""
    source = year / ("pk" if quarter == 0 else f"realisasi/tw{quarter}") / f"{SOURCE}.xlsx"
    target = source.with_name(f"{code}.xlsx")
    wb = openpyxl.load_workbook(source)
    wb["Identitas"]["B1"] = code
    if change:
        change(wb)
    wb.save(target)
    return target


def _big(wb):
    wb["Realisasi"]["I6"] = 1e30


def _merged(wb):
    wb["Realisasi"].merge_cells("I6:J7")  # the merge hides I7's realisasi and J6's kendala


def _stale_hidden(wb):
    """The unit copied its sheet, updated the copy, and hid the old one (which keeps its name)."""
    fresh = wb.copy_worksheet(wb["Realisasi"])
    fresh.title = "Realisasi (2)"
    fresh["I5"] = 95
    old = wb["Realisasi"]
    old["I5"] = 10  # stale: far below target, the figure a supervisor must never sign
    old.sheet_state = "hidden"


def _make_period(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    year = inputs / "2026"
    for code in ("PK-SALIN", "PK-BESAR", "PK-GABUNG", "PK-LAMA", "PK-SEMBUNYI"):
        _copy(year, code, 0)
        _copy(year, code, 1)
    _copy(year, "PK-SALIN", 2)
    _copy(year, "PK-BESAR", 2, _big)
    _copy(year, "PK-GABUNG", 2, _merged)
    damaged = year / "realisasi/tw1/PK-LAMA.xlsx"
    damaged.write_bytes(damaged.read_bytes()[: damaged.stat().st_size // 2])
    _copy(year, "PK-LAMA", 2)
    _copy(year, "PK-SEMBUNYI", 2, _stale_hidden)
    return inputs


def test_units_that_broke_the_period_are_returned_alone(tmp_path):
    inputs = _make_period(tmp_path)
    before = tree_hash(inputs)
    out = tmp_path / "outputs"
    proc = subprocess.run([*SAKIP, "run", "2026", "2", "--inputs", str(inputs), "--outputs", str(out),
                           "--templates", str(ROOT / "templates"), "--expectations", str(ROOT / "expectations"),
                           "--tanggal", "2026-07-06"], capture_output=True, text=True, cwd=tmp_path, timeout=600,
                          env={**os.environ, "COLUMNS": "200"})
    console = proc.stdout + proc.stderr
    assert "Traceback" not in console and "Exception" not in console, console[-4000:]
    assert proc.returncode in (2, 3), proc.stderr[-3000:]
    assert tree_hash(inputs) == before

    summary = json.loads((out / "2026/TW2/ringkasan.json").read_text())
    rows = {r["pk"]: r for r in summary["pk"]}
    for pk in GOOD:
        assert rows[pk]["status"] == "PARAF", (pk, rows[pk])
        assert manifest.verify(out / "2026/TW2" / pk / "latest" / f"paket_{pk}_2026_TW2.pdf").ok, pk
    assert summary["dokumen_instansi_gagal"] == []

    def said(pk: str) -> str:
        """Everything the PK's unit is told: the summary's message and each finding of its check."""
        record = out / "2026/TW2" / pk / "paraf.json"
        findings = json.loads(record.read_text())["temuan"] if record.exists() else []
        return " | ".join([rows[pk]["pesan"], *(f"{f['berkas']} {f['sheet']} {f['sel']} {f['pesan']}" for f in findings)])

    expected = {  # PK -> what its message must name
        "PK-BESAR": ["realisasi/tw2/PK-BESAR.xlsx", "I6"],
        "PK-GABUNG": ["realisasi/tw2/PK-GABUNG.xlsx"],
        "PK-LAMA": ["realisasi/tw1/PK-LAMA.xlsx"],
        "PK-SEMBUNYI": ["realisasi/tw2/PK-SEMBUNYI.xlsx", "tersembunyi"],
    }
    for pk, words in expected.items():
        assert rows[pk]["status"] in ("DIKEMBALIKAN", "GAGAL"), (pk, rows[pk])
        text = said(pk)
        for word in words:
            assert word in text, (pk, word, text)
        assert "\n" not in rows[pk]["pesan"]
        if rows[pk]["status"] == "DIKEMBALIKAN":  # its unit gets a correction workbook that opens
            fixes = [p for p in rows[pk]["keluaran"] if p.endswith(".xlsx")]
            assert fixes, pk
            for fix in fixes:
                openpyxl.load_workbook(fix)
        assert not (out / "2026/TW2" / pk / "latest").exists(), pk  # no package for a bad PK
    # The stale figure was never taken: the hidden sheet's 10 is nowhere in what was checked.
    assert rows["PK-SEMBUNYI"]["capaian"] == "-" or "10,00" not in rows["PK-SEMBUNYI"]["capaian"]
