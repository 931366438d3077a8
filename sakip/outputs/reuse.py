"""What a rerun with nothing changed can take from the period's last run instead of redoing it.

Two things, of two strengths:

- `paraf` verdicts, kept under a content key: the period as read (every value with its cell,
  the earlier quarters' standing, the configuration), its capaian, the PKs that already failed,
  the suites' bytes and the hash of sakip's own code. The same key gives the same verdicts, so
  a hit replaces the Great Expectations run; any difference is a miss and paraf runs as before.
- a `fingerprint` of the files a run reads (names, sizes and modification times of the inputs,
  templates and suites, and the code hash), taken before anything starts. It only predicts: when
  it equals the last full run's, `sakip run` does not start the GX child or LibreOffice ahead of
  need (both start on demand when the prediction was wrong; see IsolatedSuites, Converter).

Kept in one hidden file per period (`.paraf-terakhir.pickle`), sealed with a key kept outside
outputs/ (sakip.outputs.sealed); a file that cannot be read, or was not sealed here, is a miss.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..pdf.manifest import code_version
from . import sealed
from .files import state_dir, write_bytes

CACHE_FILE = ".paraf-terakhir.pickle"
log = logging.getLogger("sakip")


@dataclass
class LastParaf:
    fingerprint: str
    key: str
    verdicts: dict[str, Any]  # pk -> ParafResult


def fingerprint(inputs: Path, year: int, templates: Path, expectations: Path, agency: str | None = None,
                extra: str = "") -> str:
    """Names, sizes and modification times of what a run of `year` reads, and the code hash:
    cheap (no file is read) and only a prediction (see the module's text). With `agency` (one
    agency's run of a fanned-out period), only that agency's folders, and `extra` for what it
    is given of the others (its part of ingest.shared_codes): a province's 4,000 agency runs
    would otherwise each stat every workbook of every agency on the shared storage."""
    digest = hashlib.sha256(code_version()["sha256_kode"].encode())
    digest.update(extra.encode())
    years = [inputs / str(y) for y in (year, year - 1, year - 2)]
    folders = [y / agency for y in years] if agency else years
    folders += [templates, expectations]
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = Path(root, name)
                try:
                    st = path.stat()
                except OSError:
                    continue
                digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def paraf_key(period: Any, results: dict[str, Any], failed: dict[str, str], suites: list[Path]) -> str:
    """The content key of a period's paraf: equal keys, equal verdicts (but their time)."""
    digest = hashlib.sha256(code_version()["sha256_kode"].encode())
    for suite in suites:
        digest.update(suite.name.encode() + b"\0" + suite.read_bytes() + b"\0")
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=5)
    # No memo: the bytes then depend on the values, not on which of them are one object.
    pickler.fast = True
    pickler.dump((_canonical(period), results, sorted(failed.items())))
    digest.update(out.getvalue())
    return digest.hexdigest()


def _canonical(period: Any) -> Any:
    """The period as plain values: frames by their columns and cells (not by how pandas lays
    out its blocks), its public fields only (not its caches). Cells and the other fields are
    plain values and dataclasses, which pickle by their fields."""
    return [(f.name, ("frame", [str(c) for c in value.columns], value.to_numpy(dtype=object).tolist())
                      if isinstance(value, pd.DataFrame) else value)
            for f in dataclasses.fields(period) if not f.name.startswith("_") for value in [getattr(period, f.name)]]


def read_last(outputs: Path, year: int, quarter: int, agency: str | None = None) -> LastParaf | None:
    path = state_dir(outputs, year, quarter, agency) / CACHE_FILE
    try:
        last = sealed.unseal(path.read_bytes())
    except OSError:
        return None
    if not isinstance(last, LastParaf):  # old, damaged, planted or another machine's: check again
        log.info("%s tidak dapat dipakai; paraf dijalankan ulang", path)
        return None
    return last


def expect_unchanged(outputs: Path, year: int, quarter: int, current: str, agency: str | None = None) -> bool:
    """Whether the last full run read the same files (a prediction: see the module's text)."""
    last = read_last(outputs, year, quarter, agency)
    return last is not None and last.fingerprint == current


def remember(outputs: Path, year: int, quarter: int, last: LastParaf, agency: str | None = None) -> None:
    """Keep the verdicts for the next run; a failure to write costs that run time, not this one."""
    try:
        blob = sealed.seal(last)
        if blob is not None:
            write_bytes(state_dir(outputs, year, quarter, agency) / CACHE_FILE, blob)
    except OSError:
        log.info("verdik paraf tidak disimpan untuk run berikutnya", exc_info=True)
