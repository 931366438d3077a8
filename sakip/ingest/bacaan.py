"""Readings of workbooks kept by content, so that a rerun reads again only what changed.

A rerun after one corrected workbook used to parse every workbook of the period again (about
10 s of a regency's 28 s). A reading (what read_pk_workbook / read_realisasi_workbook return,
or the InputError that refused the file) is kept under the outputs folder, named by

* the SHA-256 of the workbook's bytes,
* the version of the reading code: every source it runs (sakip/ingest and the helpers it calls)
  and the versions of the libraries that parse (openpyxl, python-calamine), so an upgrade or an
  edit reads everything again,
* the job (kind, path, name as shown): a reading quotes its file's path and name.

An entry is a cache, never a record: one that is missing, truncated, from another Python or
otherwise unreadable is read again from the workbook, in silence, and replaced. Entries are
pickles sealed with a key kept outside outputs/ (sakip.outputs.sealed): one planted by whoever
can write the outputs folder is a miss, never unpickled.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from ..errors import InputError, StorageError
from ..outputs import sealed
from ..outputs.files import CACHE_FOLDER, write_bytes

SUFFIX = ".pickle"
_SAKIP = Path(__file__).resolve().parent.parent
# What a reading depends on besides sakip/ingest: the helpers read_*_workbook call.
_HELPERS = ("errors.py", "formatting.py", "model.py", "paraf/asn.py")
_LIBRARIES = ("openpyxl", "python-calamine")


def folder(outputs: Path) -> Path:
    """Where the readings of a run under `outputs` are kept."""
    return outputs / CACHE_FOLDER / "bacaan"


@cache
def code_version() -> str:
    """SHA-256 of the reading code (by relative name, each file delimited) and the parsers' versions."""
    h = hashlib.sha256()
    names = sorted(p.relative_to(_SAKIP).as_posix() for p in (_SAKIP / "ingest").rglob("*.py")) + list(_HELPERS)
    for name in names:
        data = (_SAKIP / name).read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode() + data)
    for lib in _LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        h.update(f"{lib}\0{version}\0".encode())
    return h.hexdigest()


def file_sha256(path: Path) -> str | None:
    """The SHA-256 of a workbook file's bytes; None for a folder of CSV files or a file that
    cannot be read (such jobs are read every time, and reading says what is wrong)."""
    if not path.is_file():
        return None
    h = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def entry(cache_dir: Path, job: tuple[str, Path, str], digest: str) -> Path:
    kind, path, shown = job
    where = hashlib.sha256(f"{kind}\0{path}\0{shown}".encode()).hexdigest()[:16]
    return cache_dir / f"{digest}.{code_version()[:16]}.{where}{SUFFIX}"


def _valid(result: Any) -> bool:
    return isinstance(result, InputError) or (
        isinstance(result, tuple) and len(result) == 3 and isinstance(result[0], dict)
        and isinstance(result[1], list) and isinstance(result[2], list))


def load(path: Path) -> tuple | InputError | None:
    """A kept reading, or None when there is none that can be trusted to be whole."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    result = sealed.unseal(data)  # planted, truncated, another machine's: read the workbook again
    return result if _valid(result) else None


def store(path: Path, result: tuple | InputError) -> None:
    """Keep a reading; a cache that cannot be written (full or read-only disk) only costs time."""
    with contextlib.suppress(StorageError, OSError, pickle.PicklingError, TypeError, AttributeError):
        blob = sealed.seal(result)
        if blob is not None:
            write_bytes(path, blob)


def prune(cache_dir: Path) -> None:
    """Remove the readings of other code versions (each edit of the reading code would otherwise
    leave a full set behind)."""
    version = code_version()[:16]
    with contextlib.suppress(OSError):
        for name in os.listdir(cache_dir):
            parts = name.split(".")
            if name.endswith(SUFFIX) and len(parts) == 4 and parts[1] != version:
                with contextlib.suppress(OSError):
                    (cache_dir / name).unlink()
