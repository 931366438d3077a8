"""One unit's failure never stops the period.

Every stage that works on many PKs (or agencies) runs each one's share under `guarded`: an
exception inside it becomes that PK's one-line Indonesian message in a `Failures` map, its
traceback goes to the run's log file (never the console), and the others go on. Stages that
work on the whole period at once for speed (capaian, paraf's Great Expectations run) use
`whole_or_each`: the period in one call, and only if that call fails unexpectedly, each PK
alone, so that the PK whose data breaks the stage is the only one lost.

What stops a run is what no PK can do without: an unreadable suite (`SuiteError`), a
template that cannot be used, an outputs folder that cannot be written (those are raised before
or outside the per-PK work). KeyboardInterrupt and SystemExit are not caught: the operator
stopped the run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TypeVar

from .errors import SakipError, SuiteError, visible

log = logging.getLogger("sakip.isolasi")

K = TypeVar("K")
V = TypeVar("V")

Failures = dict[str, str]  # PK (or agency label) -> why its work stopped, one Indonesian line

STAGES = {
    "ingest": "membaca berkas",
    "capaian": "menghitung capaian",
    "paraf": "pemeriksaan (paraf)",
    "koreksi": "membuat berkas koreksi",
    "catatan-paraf": "mencatat hasil pemeriksaan",
    "render": "menyusun dokumen",
    "paket": "menyusun paket PDF",
    "instansi": "menyusun dokumen instansi",
}

# Errors that are nobody's data but the operator's set-up: they stop the run, not one PK.
PERIOD_WIDE: tuple[type[BaseException], ...] = (SuiteError,)


def message(stage: str, exc: BaseException) -> str:
    """The one line a PK's failure is reported with."""
    where = STAGES.get(stage, stage)
    if isinstance(exc, SakipError):
        text = " ".join(visible(str(exc)).split())
        return f"{where}: {text}" if not text.startswith(where) else text
    return (f"{where}: kesalahan tak terduga ({type(exc).__name__}); data PK ini tidak dapat diproses, "
            f"rinciannya tercatat di log run. Laporkan ke pengelola sakip bila data sudah benar")


@contextmanager
def guarded(failures: Failures, key: str, stage: str) -> Iterator[None]:
    """Run the body for `key`; an exception becomes `failures[key]` and the caller goes on."""
    try:
        yield
    except PERIOD_WIDE:
        raise
    except Exception as exc:  # noqa: BLE001 - the point: any failure of one PK's work is that PK's
        log.error("%s gagal pada tahap %s", visible(key), stage, exc_info=True)
        failures.setdefault(key, message(stage, exc))


def each(keys: Iterable[str], work: Callable[[str], V], failures: Failures, stage: str) -> dict[str, V]:
    """`work(key)` for every key not already failed; the keys whose work raised are in `failures`."""
    out: dict[str, V] = {}
    for key in keys:
        if key in failures:
            continue
        with guarded(failures, key, stage):
            out[key] = work(key)
    return out


def whole_or_each(keys: list[str], work: Callable[[list[str]], Mapping[str, V]], failures: Failures,
                  stage: str) -> dict[str, V]:
    """`work(keys)` in one call; if it fails, `work([key])` for each key, so that one PK's data
    that breaks the stage costs that PK only."""
    todo = [k for k in keys if k not in failures]
    try:
        return dict(work(todo))
    except PERIOD_WIDE:
        raise
    except Exception:  # noqa: BLE001
        log.warning("tahap %s gagal untuk seluruh periode; diulang per PK", stage, exc_info=True)
    out: dict[str, V] = {}
    for key in todo:
        with guarded(failures, key, stage):
            out.update(work([key]))
    return out
