"""One run per period: a second run refuses or waits, a dead run's lock is taken over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sakip.outputs import lock
from sakip.outputs.lock import BusyError

from tests.conftest import ROOT, SAKIP

HOLD = """
import sys, time
from pathlib import Path
from sakip.outputs import lock
held = lock.acquire(Path(sys.argv[1]), 2026, 2, run="uji-penahan")
print("ok", flush=True)
time.sleep(float(sys.argv[2]))
held.release()
"""


def holder(outputs: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the lock of 2026 TW II for `seconds`, then releasing it cleanly."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(outputs), str(seconds)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ok"
    return proc


def test_a_second_run_is_refused_naming_the_holder(tmp_path):
    proc = holder(tmp_path, 30)
    try:
        with pytest.raises(BusyError) as caught:
            lock.acquire(tmp_path, 2026, 2)
        message = str(caught.value)
        assert message.startswith("2026 Triwulan II sedang diproses oleh run lain (PID ")
        assert f"PID {proc.pid} " in message and "run uji-penahan" in message and "--tunggu" in message
        lock.acquire(tmp_path, 2026, 1).release()  # another period is free
    finally:
        proc.kill()
        proc.wait()


def test_a_waiting_run_says_so_once_and_goes_on_when_the_holder_ends(tmp_path):
    proc = holder(tmp_path, 1.5)
    told = []
    start = time.monotonic()
    with lock.held(tmp_path, 2026, 2, wait=30, on_wait=told.append) as held:
        waited = time.monotonic() - start
        assert held.taken_over is None  # released cleanly: nothing to take over
    proc.wait()
    assert 0.5 < waited < 20
    assert len(told) == 1 and "menunggu paling lama 30 detik" in told[0] and f"PID {proc.pid}" in told[0]


def test_waiting_has_an_end(tmp_path):
    proc = holder(tmp_path, 30)
    try:
        with pytest.raises(BusyError, match="setelah menunggu 1 detik"):
            lock.acquire(tmp_path, 2026, 2, wait=1)
    finally:
        proc.kill()
        proc.wait()


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path):
    proc = holder(tmp_path, 60)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with lock.held(tmp_path, 2026, 2, run="pengganti") as held:
        assert held.taken_over is not None and held.taken_over.pid == proc.pid
        assert held.taken_over.run == "uji-penahan"
    # released cleanly this time: the next run finds no trace
    with lock.held(tmp_path, 2026, 2) as again:
        assert again.taken_over is None


def test_a_lock_handed_in_is_used_and_stays_its_owners(tmp_path):
    with lock.held(tmp_path, 2026, 2) as outer:
        with lock.held(tmp_path, 2026, 2, taken=outer) as inner:  # the flow inside `sakip run`
            assert inner.path == outer.path and inner.taken_over is None
        # Still held after the inner block, and held once: nothing in this process shares it silently.
        with pytest.raises(BusyError):
            lock.acquire(tmp_path, 2026, 2)
        proc = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from sakip.outputs import lock; "
                               "lock.acquire(Path(sys.argv[1]), 2026, 2)", str(tmp_path)],
                              cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 1 and "BusyError" in proc.stderr
        with pytest.raises(ValueError, match="not a held lock of 2026 Triwulan I\\b"):
            with lock.held(tmp_path, 2026, 1, taken=outer):  # another period's lock does not stand for this one
                pass
    lock.acquire(tmp_path, 2026, 2).release()


def test_package_paths_lead_to_their_period(tmp_path):
    assert lock.period_of_package(tmp_path / "2026" / "TW2" / "PK-SEK" / "rev-01" / "paket.pdf") == (tmp_path, 2026, 2)
    assert lock.period_of_package(tmp_path / "2026" / "TW3" / "PK-SEK" / "latest" / "paket.pdf") == (tmp_path, 2026, 3)
    assert lock.period_of_package(tmp_path / "paket.pdf") is None


def test_cli_run_on_a_busy_period_is_one_line_and_writes_nothing(tmp_path):
    outputs = tmp_path / "outputs"
    proc = holder(outputs, 60)
    try:
        run = subprocess.run([*SAKIP, "run", "2026", "2", "--outputs", str(outputs)], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    finally:
        proc.kill()
        proc.wait()
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [run.stderr.strip()]
    assert run.stderr.startswith("galat: 2026 Triwulan II sedang diproses oleh run lain")
    assert "Traceback" not in run.stdout + run.stderr
    assert sorted(p.name for p in outputs.rglob("*")) == sorted(["2026", "TW2", lock.LOCK_FILE])


# --- issue 25: agency runs of a fanned-out period, on several machines ----------------------------

HOLD_AS = """
import sys, time
from pathlib import Path
from sakip.outputs import lock
kind, agency = sys.argv[3], sys.argv[4] or None
held = lock.acquire(Path(sys.argv[1]), 2026, 2, run="uji-" + kind, shared=kind == "bersama", agency=agency)
print("ok", flush=True)
time.sleep(float(sys.argv[2]))
held.release()
"""


def holding(outputs: Path, kind: str, agency: str = "", seconds: float = 30) -> subprocess.Popen:
    """Another process (as another machine would be) holding the period's lock exclusively
    ("periode"), or shared ("bersama"), or an agency's ("instansi", with `agency`)."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD_AS, str(outputs), str(seconds), kind, agency], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ok"
    return proc


def test_agency_runs_share_the_period_and_exclude_a_whole_period_run(tmp_path):
    """Two agencies' runs hold the period shared beside each other; a whole-period run is refused
    while they do, and names no holder it does not know; the same agency twice is refused."""
    procs = [holding(tmp_path, "bersama"), holding(tmp_path, "bersama")]  # two agency runs' period locks
    try:
        mine = lock.acquire(tmp_path, 2026, 2, shared=True)  # a third beside them
        mine.release()
        with pytest.raises(BusyError) as refused:
            lock.acquire(tmp_path, 2026, 2)
        assert str(refused.value).startswith("2026 Triwulan II sedang diproses oleh run per instansi yang sedang berjalan")
        procs.append(holding(tmp_path, "instansi", "opd01"))
        with pytest.raises(BusyError) as refused:
            lock.acquire(tmp_path, 2026, 2, agency="opd01")
        assert str(refused.value).startswith("2026 Triwulan II instansi opd01 sedang diproses oleh run lain (PID")
        lock.acquire(tmp_path, 2026, 2, agency="opd02").release()  # another agency is free
    finally:
        for p in procs:
            p.kill()
            p.wait()
    lock.acquire(tmp_path, 2026, 2).release()  # all gone: the period is free


def test_a_whole_period_run_keeps_agency_runs_out(tmp_path):
    proc = holding(tmp_path, "periode")
    try:
        with pytest.raises(BusyError, match="oleh run lain \\(PID"):
            lock.acquire(tmp_path, 2026, 2, shared=True)
    finally:
        proc.kill()
        proc.wait()
    # killed holding it (kill -9, a machine gone): the kernel dropped the lock
    lock.acquire(tmp_path, 2026, 2, shared=True).release()


def test_a_shared_holder_leaves_the_exclusive_holders_record_alone(tmp_path):
    """A shared lock writes no record (there may be many); releasing it does not erase the
    record of a dead exclusive holder either, which the next exclusive run reports as taken over."""
    proc = holding(tmp_path, "periode")
    proc.kill()
    proc.wait()
    lock.acquire(tmp_path, 2026, 2, shared=True).release()
    taken = lock.acquire(tmp_path, 2026, 2)
    try:
        assert taken.taken_over is not None and taken.taken_over.run == "uji-periode"
    finally:
        taken.release()


def test_an_agency_from_data_cannot_place_its_lock_outside_outputs(tmp_path):
    from sakip.outputs.files import STATE_FOLDER, state_dir

    for name in ("../../x", "/etc", "..", ".instansi"):
        folder = state_dir(tmp_path, 2026, 2, name)
        assert folder.resolve().is_relative_to((tmp_path / "2026/TW2" / STATE_FOLDER).resolve())
    assert state_dir(tmp_path, 2026, 2) == tmp_path / "2026/TW2"
