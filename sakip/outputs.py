"""Where outputs go, and how they are written: names made safe, files replaced atomically.

PK codes come from officials' workbooks, so they are data: a code never becomes a path
component unless it is made of safe characters, and every final path is checked to stay
under outputs/.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import PackageError

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_component(text: str) -> str:
    """A file-name component from data: unsafe characters become '_', no dot-only names."""
    name = _UNSAFE.sub("_", text.strip()).strip("._") or "_"
    return name[:80]


def inside(root: Path, *parts: str) -> Path:
    """root/parts with every part made safe; refuses anything that would leave root."""
    path = root.joinpath(*(safe_component(p) for p in parts))
    base = root.resolve()
    if not path.resolve().is_relative_to(base):
        raise PackageError(f"jalur keluaran {path} berada di luar {root}")
    return path


def period_dir(outputs: Path, year: int, quarter: int) -> Path:
    return inside(outputs, str(year), f"TW{quarter}")


def pk_dir(outputs: Path, year: int, quarter: int, pk: str) -> Path:
    return inside(period_dir(outputs, year, quarter), pk)


# An agency's recap (and LKjIP) revisions: a PK's folder never starts with '_' (safe_component
# strips it), so the two never meet.
AGENCY_FOLDER = "_instansi"


def agency_suffix(agency: str) -> str:
    return f"_{safe_component(agency)}" if agency else ""


def agency_folder(outputs: Path, year: int, quarter: int, agency: str) -> Path:
    """outputs/<y>/TW<n>/_instansi[_<agency>]/."""
    return period_dir(outputs, year, quarter) / f"{AGENCY_FOLDER}{agency_suffix(agency)}"


def is_agency_folder(name: str) -> bool:
    return name == AGENCY_FOLDER or name.startswith(AGENCY_FOLDER + "_")


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside `final`; rename it over `final` only if the block succeeds.

    A run killed mid-write leaves a '.tmp' file, never a partial file under the final name.
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent)
    os.close(fd)
    os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are for the office to read
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, final)
    finally:
        tmp_path.unlink(missing_ok=True)


def write_bytes(final: Path, data: bytes) -> Path:
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)
    return final


def leftovers(folder: Path) -> list[Path]:
    """What a run killed mid-way left in a period's folder: temporary files of atomic writes
    ('.name.xxx.tmp', '.latest.<pid>'), revision folders built but never published
    ('.rev-NN.sementara') and the work folder ('.kerja'). Only hidden names: a published file
    or revision is never among them. Symlinks are not followed."""
    found = []
    for root, dirs, files in os.walk(folder):
        for d in list(dirs):
            if d == ".kerja" or (d.startswith(".rev-") and d.endswith(".sementara")):
                found.append(Path(root, d))
                dirs.remove(d)
        found += [Path(root, f) for f in files
                  if f.startswith(".") and (f.endswith(".tmp") or f.startswith(".latest."))]
    return sorted(found)


def sweep(folder: Path) -> list[Path]:
    """Remove `leftovers(folder)`; only while holding the period's lock (no run is writing)."""
    import shutil

    gone = leftovers(folder)
    for path in gone:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return gone
