"""Where a run is: its stage, and PKs done out of those to produce, for whoever watches.

The flow reports (`stage`, `planned`, `advance`); what shows it is installed by the caller: the
terminal's line (sakip.console.ProgressLine, by `sakip run`) and the Prefect UI's progress
artifact (flows/quarterly.py). Nothing is installed in a worker's run or a test: the calls then
cost a lookup.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Callable

STAGES = {  # the Stopwatch's stage names, as the operator reads them
    "ingest": "membaca workbook",
    "capaian": "menghitung capaian",
    "paraf": "memeriksa (paraf)",
    "koreksi": "menulis berkas koreksi dan catatan paraf",
    "produksi": "menyusun dokumen dan paket",
    "instansi": "menyusun rekap dan bundel instansi",
    "kode": "membaca kode PK semua instansi",
    "sebar": "menunggu run per instansi",
}


@dataclass
class State:
    stage: str = ""
    done: int = 0
    total: int = 0
    started: float = field(default_factory=time.monotonic)
    stage_started: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float | None:
        """Seconds left in this stage by the pace so far (None before the first PK is done)."""
        if not self.done or self.done >= self.total:
            return None
        pace = (time.monotonic() - self.stage_started) / self.done
        return pace * (self.total - self.done)


_listeners: list[Callable[[State, str], None]] = []
_state = State()
_lock = threading.Lock()


def listen(listener: Callable[[State, str], None]) -> Callable[[], None]:
    """Install `listener(state, event)`, event one of "stage", "planned", "advance", "end";
    returns what removes it."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _emit(event: str) -> None:
    for listener in list(_listeners):
        try:
            listener(_state, event)
        except Exception:  # noqa: BLE001 - showing progress must never stop a run
            pass


def start() -> None:
    global _state
    with _lock:
        _state = State()


def stage(name: str) -> None:
    with _lock:
        _state.stage, _state.done, _state.total = STAGES.get(name, name), 0, 0
        _state.stage_started = time.monotonic()
        _emit("stage")


def planned(total: int) -> None:
    with _lock:
        _state.total, _state.done = total, 0
        _state.stage_started = time.monotonic()
        _emit("planned")


def advance(n: int = 1) -> None:
    with _lock:
        _state.done = min(_state.total, _state.done + n)
        _emit("advance")


def end() -> None:
    with _lock:
        _emit("end")
