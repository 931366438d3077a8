"""What a rerun takes from the last run: verdicts under a content key, and the prediction that
lets `sakip run` leave GX and LibreOffice unstarted."""

from __future__ import annotations

import copy
import os
import shutil
from decimal import Decimal

from sakip.outputs import reuse
from sakip.outputs.files import period_dir
from tests.conftest import INPUTS, ROOT

SUITES = sorted((ROOT / "expectations").glob("*.json"))


def test_the_key_is_the_content_and_a_changed_value_changes_it(period_tw2, capaian_tw2):
    key = reuse.paraf_key(period_tw2, capaian_tw2, {}, SUITES)
    assert reuse.paraf_key(copy.deepcopy(period_tw2), copy.deepcopy(capaian_tw2), {}, SUITES) == key
    changed = copy.deepcopy(period_tw2)
    column = changed.realisasi.columns.get_loc("realisasi")
    changed.realisasi.iat[0, column] = Decimal("12345.6")
    assert reuse.paraf_key(changed, capaian_tw2, {}, SUITES) != key
    assert reuse.paraf_key(period_tw2, capaian_tw2, {"PK-SEK": "gagal"}, SUITES) != key
    assert reuse.paraf_key(period_tw2, capaian_tw2, {}, SUITES[1:]) != key


def test_verdicts_come_back_as_kept_and_a_damaged_file_is_a_miss(tmp_path, verdicts_tw2):
    assert reuse.read_last(tmp_path, 2026, 2) is None
    reuse.remember(tmp_path, 2026, 2, reuse.LastParaf("sidik", "kunci", verdicts_tw2))
    last = reuse.read_last(tmp_path, 2026, 2)
    assert last is not None and last.key == "kunci" and last.verdicts == verdicts_tw2
    assert reuse.expect_unchanged(tmp_path, 2026, 2, "sidik") and not reuse.expect_unchanged(tmp_path, 2026, 2, "lain")
    (period_dir(tmp_path, 2026, 2) / reuse.CACHE_FILE).write_bytes(b"bukan pickle")
    assert reuse.read_last(tmp_path, 2026, 2) is None
    assert not reuse.expect_unchanged(tmp_path, 2026, 2, "sidik")


def test_the_fingerprint_follows_the_files_a_run_reads(tmp_path):
    shutil.copytree(INPUTS, tmp_path / "inputs")
    args = (tmp_path / "inputs", 2026, ROOT / "templates", ROOT / "expectations")
    before = reuse.fingerprint(*args)
    assert reuse.fingerprint(*args) == before
    workbook = next((tmp_path / "inputs/2026/realisasi").rglob("*.xlsx"))
    stat = workbook.stat()
    os.utime(workbook, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert reuse.fingerprint(*args) != before


def test_an_agency_runs_fingerprint_follows_its_own_folders_and_what_it_is_given(tmp_path):
    """One agency's run of a fanned-out period looks at its own folders only (a province's
    agency runs would each stat every agency's workbooks on the shared storage), and at what the
    period's run gives it of the others."""
    from bench import generate

    generate.generate(tmp_path / "inputs", generate.Size(agencies=2, pks_per_agency=1, indicators=2), 2026)
    args = (tmp_path / "inputs", 2026, ROOT / "templates", ROOT / "expectations")
    mine = reuse.fingerprint(*args, "opd01")
    whole = reuse.fingerprint(*args)
    other = next((tmp_path / "inputs/2026/opd02").rglob("*.xlsx"))
    os.utime(other, ns=(other.stat().st_atime_ns, other.stat().st_mtime_ns + 1_000_000_000))
    assert reuse.fingerprint(*args, "opd01") == mine and reuse.fingerprint(*args) != whole
    assert reuse.fingerprint(*args, "opd01", '{"diambil": {"PK-01": "opd02/pk/PK-01.xlsx"}}') != mine
    own = next((tmp_path / "inputs/2026/opd01").rglob("*.xlsx"))
    os.utime(own, ns=(own.stat().st_atime_ns, own.stat().st_mtime_ns + 1_000_000_000))
    assert reuse.fingerprint(*args, "opd01") != mine
