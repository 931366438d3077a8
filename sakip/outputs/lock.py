"""One run per period: a lock file in the period's output folder.

Two runs of one quarter at once (the scheduled run and an operator's rerun, or a rerun started
twice) would plan the same next revision of a PK and race to publish it. The lock is an
advisory `flock` on ``outputs/<year>/TW<n>/.proses.lock``: the kernel drops it when its process
ends, however it ends (kill -9 included), so a lock can never outlive its run and no pid has to
be guessed alive or dead. The file also says who holds it (pid, host, start, run), for the
message the second run prints; the holder clears it on a clean exit, so a record still present
when the lock is taken is the trace of a run that died, reported as taken over.

A period fanned out per agency over a work pool (flows/quarterly.py) locks in two levels: each
agency's run holds the period's lock shared and its agency's lock (in its state folder,
files.state_dir) exclusively; the run that fans out holds the period's lock shared and the fan-out
lock exclusively. A whole-period run, which wants the period's lock exclusively, therefore waits
for every agency run, and two agency runs of one agency, or two fan-outs of one period, exclude
each other.

flock works across processes on one machine and, on Linux, over NFS (the client emulates it with
fcntl byte-range locks, which the NFS server arbitrates: NLM for NFSv3, the protocol itself for
NFSv4), which covers workers on several machines sharing one outputs/ folder. It relies on every
machine mounting that folder over NFS with locking on (not `nolock`, not `local_lock=all`); SMB
mounts map it to byte-range locks only with `nobrl` off, the default. An object store has no
locks at all: outputs/ must be a filesystem.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import SakipError
from ..formatting import ROMAN, wib
from .files import make_folder, period_dir, state_dir, storage_error

LOCK_FILE = ".proses.lock"
FANOUT_LOCK_FILE = ".sebar.lock"
POLL_SECONDS = 0.5


class BusyError(SakipError):
    """Another run holds the period's lock."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: str
    run: str

    def __str__(self) -> str:
        return f"PID {self.pid} di {self.host}, mulai {wib(self.started, seconds=True)}" + (f", run {self.run}" if self.run else "")


def _holder(text: str) -> Holder | None:
    try:
        data = json.loads(text)
        return Holder(int(data["pid"]), str(data["host"]), str(data["mulai"]), str(data.get("run", "")))
    except (ValueError, KeyError, TypeError):
        return None


def _read(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    return os.read(fd, 4096).decode("utf-8", "replace")


@dataclass
class PeriodLock:
    """A held lock; `taken_over` is the holder a dead run left behind, if any."""

    path: Path
    fd: int
    taken_over: Holder | None = None
    shared: bool = False  # held beside others: it wrote no holder record

    def release(self) -> None:
        if self.fd < 0:
            return
        try:
            if not self.shared:
                os.ftruncate(self.fd, 0)  # a clean exit leaves no holder record
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            os.close(self.fd)
            self.fd = -1


def _label(year: int, quarter: int, agency: str | None = None) -> str:
    return f"{year} Triwulan {ROMAN[quarter]}" + (f" instansi {agency}" if agency else "")


def acquire(outputs: Path, year: int, quarter: int, run: str = "", wait: float = 0.0,
            on_wait: Callable[[str], None] | None = None, agency: str | None = None, shared: bool = False,
            name: str = LOCK_FILE) -> PeriodLock:
    """Take the period's lock (with `agency`, that agency's; `name`, another lock of the same
    folder), exclusively or `shared`. If another run holds it: refuse at once (wait 0), or wait up to
    `wait` seconds, calling `on_wait` once with a message saying who holds it."""
    folder = make_folder(state_dir(outputs, year, quarter, agency))
    path = folder / name
    label = _label(year, quarter, agency)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise storage_error(exc, folder) from exc
    deadline = time.monotonic() + wait
    told = False
    try:
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(_read(fd))
                # An exclusive holder writes its record; holders beside each other are agency runs.
                who = f" oleh run lain ({holder})" if holder else " oleh run per instansi yang sedang berjalan"
                if time.monotonic() >= deadline:
                    waited = f" setelah menunggu {wait:.0f} detik" if wait else ""
                    raise BusyError(f"{label} sedang diproses{who}{waited}; tunggu sampai selesai "
                                    f"(lihat 'sakip status {year} {quarter}'), atau jalankan dengan --tunggu DETIK") from None
                if not told and on_wait is not None:
                    on_wait(f"{label} sedang diproses{who}; menunggu paling lama {wait:.0f} detik ...")
                    told = True
                time.sleep(POLL_SECONDS)
        if shared:
            return PeriodLock(path, fd, shared=True)
        stale = _holder(_read(fd))
        record = {"pid": os.getpid(), "host": socket.gethostname(), "mulai": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                  "run": run}
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(record).encode(), 0)
            os.fsync(fd)
        except OSError as exc:  # a full disk: the lock is held all the same, the record is lost
            raise storage_error(exc, folder) from exc
        return PeriodLock(path, fd, stale)
    except BaseException:
        os.close(fd)
        raise


@contextlib.contextmanager
def held(outputs: Path, year: int, quarter: int, run: str = "", wait: float = 0.0,
         on_wait: Callable[[str], None] | None = None, taken: PeriodLock | None = None,
         agency: str | None = None, shared: bool = False, name: str = LOCK_FILE) -> Iterator[PeriodLock]:
    """The period's lock for the block: taken here and released after it, or `taken`, the lock
    the caller holds already (`sakip run` takes it before it starts the flow, so that a busy
    period is one line, not a failed flow run), which stays the caller's to release. The caller
    reported its take-over: the block sees none."""
    path = period_dir(outputs, year, quarter) / LOCK_FILE
    if taken is not None:
        if taken.fd < 0 or taken.path.resolve() != path.resolve():
            raise ValueError(f"{taken.path}: not a held lock of {_label(year, quarter)}")
        yield PeriodLock(taken.path, -1)
        return
    lock = acquire(outputs, year, quarter, run, wait, on_wait, agency, shared, name)
    try:
        yield lock
    finally:
        lock.release()


def period_of_package(package: Path) -> tuple[Path, int, int] | None:
    """(outputs, year, quarter) of a package at outputs/<year>/TW<n>/<PK>/<rev-NN or latest>/, else None."""
    parts = package.absolute().parts
    if len(parts) < 6:
        return None
    year, quarter = parts[-5], parts[-4]
    if not (year.isdigit() and quarter.startswith("TW") and quarter[2:].isdigit()):
        return None
    return Path(*parts[:-5]), int(year), int(quarter[2:])
