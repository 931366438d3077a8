"""Readings kept by content (sakip.ingest.bacaan): a rerun reads only changed workbooks, and the
cache never changes what a period reads."""

import pickle
import shutil
from pathlib import Path

import openpyxl
import pandas as pd

from sakip.ingest import bacaan
from sakip.ingest import workbooks as ingest
from sakip.model import PeriodData

from tests.conftest import INPUTS


def _same(a: PeriodData, b: PeriodData) -> None:
    for name in ("pks", "indicators", "budgets", "realisasi", "realisasi_budget"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert a.submissions == b.submissions
    assert a.orphans == b.orphans
    assert a.received == b.received


def _entries(cache: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in cache.glob(f"*{bacaan.SUFFIX}")}


def test_cold_warm_and_corrupt_cache_read_the_same(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    cache = bacaan.folder(tmp_path / "outputs")
    plain = ingest.read_period(inputs, 2026, 2)
    cold = ingest.read_period(inputs, 2026, 2, cache=cache)
    _same(plain, cold)
    kept = _entries(cache)
    assert len(kept) == len(list((inputs / "2026").rglob("*.xlsx")))

    warm = ingest.read_period(inputs, 2026, 2, cache=cache)
    _same(plain, warm)
    assert _entries(cache) == kept  # nothing parsed again, nothing rewritten

    # Planted damage: truncated, garbage, and a whole pickle of something else: each is read
    # again from its workbook, in silence, and replaced.
    names = sorted(kept)
    (cache / names[0]).write_bytes((cache / names[0]).read_bytes()[:20])
    (cache / names[1]).write_bytes(b"\x00not a pickle")
    (cache / names[2]).write_bytes(pickle.dumps({"pk": "PALSU"}))
    (cache / names[3]).write_bytes(b"")
    damaged = ingest.read_period(inputs, 2026, 2, cache=cache)
    _same(plain, damaged)
    assert all(bacaan.load(cache / n) is not None for n in names[:4])


def test_a_changed_workbook_is_read_again(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    cache = bacaan.folder(tmp_path / "outputs")
    first = ingest.read_period(inputs, 2026, 1, cache=cache)
    kept = _entries(cache)
    path = inputs / "2026" / "pk" / "PK-SEK.xlsx"
    wb = openpyxl.load_workbook(path)
    wb["Identitas"]["B4"] = "NAMA YANG DIKOREKSI"
    wb.save(path)

    second = ingest.read_period(inputs, 2026, 1, cache=cache)
    assert set(_entries(cache)) - set(kept)  # one new reading, of the changed bytes
    assert {n: t for n, t in _entries(cache).items() if n in kept} == kept
    _same(second, ingest.read_period(inputs, 2026, 1))
    sek = second.pks.set_index("pk").loc["PK-SEK", "nama"]
    assert sek == "NAMA YANG DIKOREKSI" != first.pks.set_index("pk").loc["PK-SEK", "nama"]


def test_refused_workbook_is_kept_refused(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    (inputs / "2026" / "pk" / "PK-RUSAK.xlsx").write_bytes(b"PK\x03\x04 bukan workbook")
    cache = bacaan.folder(tmp_path / "outputs")
    cold = ingest.read_period(inputs, 2026, 1, cache=cache)
    warm = ingest.read_period(inputs, 2026, 1, cache=cache)
    _same(cold, warm)
    assert any(s.pk == "PK-RUSAK" and s.problems for s in warm.submissions)


def test_other_code_versions_are_pruned(tmp_path):
    cache = bacaan.folder(tmp_path / "outputs")
    cache.mkdir(parents=True)
    stale = cache / f"{'0' * 64}.{'f' * 16}.{'a' * 16}{bacaan.SUFFIX}"
    stale.write_bytes(b"x")
    inputs = tmp_path / "inputs"
    shutil.copytree(INPUTS, inputs)
    ingest.read_period(inputs, 2026, 1, cache=cache)
    assert not stale.exists()
    assert _entries(cache)
