"""Revisions of a PK's package, and the content keys that decide when a run makes a new one.

Each PK's outputs of a quarter live in `outputs/<year>/TW<n>/<PK>/rev-NN/` (package, manifest,
rendered DOCX, validated data and what changed since the revision before) with a `latest`
symlink to the newest. A revision is built under a hidden name and renamed into place whole,
and a published revision is never written again: a correction makes the next one.

Whether a run needs to make anything for a PK is decided by content, not by time: the key of a
PK hashes its input files (instansi.toml, PK and realisasi workbooks), the paraf verdict, an
explicitly given report date, the templates, the suites and sakip's code version. A run whose
key equals the one recorded in the latest revision's manifest reuses that revision as it is,
which is how a rerun after one corrected workbook redoes one PK instead of the agency.

A signed revision is a legal record: it is superseded only when its *data* changed (inputs,
verdict or report date); new templates, suites or a new sakip version do not re-issue it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import PackageError
from ..pdf.manifest import code_version, matches_manifest, previous_revision, sha256
from .files import BUILDING_SUFFIX, StorageError, flush_tree, make_folder, storage_error, write_bytes

LATEST = "latest"
DATA_FILE = "data.json"  # the validated values of the revision, compared by the next one
CHANGES_FILE = "perubahan.json"  # why this revision exists and what differs from the one before
_REV = re.compile(r"^rev-(\d{2,})$")


def rev_name(revision: int) -> str:
    return f"rev-{revision:02d}"


def is_revision(folder: Path) -> bool:
    """Whether `folder` is a published revision (rev-NN), not a PK folder or a build."""
    return bool(_REV.match(folder.name))


def revisions(pk_folder: Path) -> list[int]:
    """The published revision numbers of a PK, oldest first."""
    if not pk_folder.is_dir():
        return []
    return sorted(int(m.group(1)) for p in pk_folder.iterdir()
                  if (m := _REV.match(p.name)) and p.is_dir() and not p.is_symlink())


def latest(pk_folder: Path) -> Path | None:
    """The newest published revision folder (the `latest` link, or the highest number if the link
    is missing, e.g. after a copy that dropped symlinks)."""
    link = pk_folder / LATEST
    try:
        target = os.readlink(link)
    except OSError:  # no link (or not a link): the numbers decide
        target = ""
    # Only a sibling rev-NN counts, and it is checked without following further links: a link
    # edited to point elsewhere, at itself or at a missing folder is not taken.
    if _REV.match(target) and (pk_folder / target).is_dir() and not (pk_folder / target).is_symlink():
        return pk_folder / target
    numbers = revisions(pk_folder)
    return pk_folder / rev_name(numbers[-1]) if numbers else None


@dataclass(frozen=True)
class Keys:
    data: str  # inputs, verdict, report date: what the documents say
    full: str  # data plus templates, suites and code version: how they are made


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def keys(inputs: list[Path], verdict: Any, issued: dt.date | None, templates: list[Path], suites: list[Path]) -> Keys:
    """The content keys of one PK. `verdict` is anything JSON-able that captures the paraf
    outcome; `issued` is the report date only when the operator fixed it (a default date of
    'today' would otherwise make every rerun on another day redo every PK)."""
    data = digest({"masukan": sorted((p.name, sha256(p)) for p in inputs), "paraf": verdict,
                    "tanggal": issued.isoformat() if issued else None})
    full = digest({"data": data, "template": [(p.name, sha256(p)) for p in templates],
                    "suite": sorted((p.name, sha256(p)) for p in suites), "kode": code_version()})
    return Keys(data, full)


@dataclass(frozen=True)
class Plan:
    """What a run does for one PK: reuse a published revision, or build the next one."""

    pk: str
    keys: Keys
    revision: int
    folder: Path  # the revision's folder (published, or to be published)
    reuse: bool
    reason: str = ""  # why a new revision is made ("" when reused)
    previous: Path | None = None  # the revision it follows
    supersedes_signed: bool = False  # the revision it follows was signed: the operator is told

    @property
    def building(self) -> Path:
        """Where the revision is built before it is published by a rename."""
        return self.folder.with_name(f".{self.folder.name}{BUILDING_SUFFIX}")


PACKAGES = "paket_*.pdf"


def package_in(folder: Path, pattern: str = PACKAGES) -> Path | None:
    found = sorted(folder.glob(pattern))
    return found[0] if found else None


def plan(pk: str, pk_folder: Path, current: Keys, force: bool = False, pattern: str = PACKAGES) -> Plan:
    """Reuse the latest revision when its recorded keys still hold; otherwise plan the next.

    A revision holds one package (`paket_*.pdf`), or for an agency its recap and LKjIP
    (`pattern` "*.pdf"); each has its manifest beside it, the first one's keys are the revision's."""
    prev = latest(pk_folder)
    if prev is None:
        return Plan(pk, current, 1, pk_folder / rev_name(1), reuse=False, reason="revisi pertama")
    documents = sorted(prev.glob(pattern))
    package = documents[0] if documents else None
    made = _manifest(package) if package else {}
    recorded = made.get("kunci") if isinstance(made.get("kunci"), dict) else {}
    intact = bool(package and made and matches_manifest(package, made)
                  and all(_manifest(d) and matches_manifest(d) for d in documents[1:]))
    same_full = recorded.get("lengkap") == current.full
    same_data = recorded.get("data") == current.data
    # Opening the PDF for its signatures only matters when the data stayed and the rest changed.
    signed = intact and not same_full and any(_signed(d) for d in documents)
    if intact and not force and (same_full or (signed and same_data)):
        return Plan(pk, current, int(_REV.match(prev.name).group(1)), prev, reuse=True, previous=prev)
    # A signed revision superseded is news the operator must see (the signed one stays on disk).
    signed = signed or (intact and same_full and any(_signed(d) for d in documents))
    if not intact:
        reason = f"paket {prev.name} hilang atau tidak sesuai manifest-nya"
    elif force:
        reason = "dibuat ulang atas permintaan operator (--force)" + (
            f"; menggantikan {prev.name} yang sudah ditandatangani" if signed else "")
    elif not same_data:
        reason = "data masukan atau hasil paraf berubah" + (f" setelah {prev.name} ditandatangani" if signed else "")
    else:
        reason = "template, suite, atau versi sakip berubah"
    number = max(revisions(pk_folder)) + 1
    return Plan(pk, current, number, pk_folder / rev_name(number), reuse=False, reason=reason, previous=prev,
                supersedes_signed=signed)


def _manifest(package: Path) -> dict[str, Any]:
    """The manifest beside `package` when it has the shape sakip writes ({} otherwise): a manifest
    edited or damaged by hand makes its revision count as not intact, never stops the run."""
    return (previous_revision(package) or {}) if package.is_file() else {}


def _signed(package: Path | None) -> bool:
    from ..pdf.package import is_signed  # lazy: pypdf and pyHanko only when a package's signatures matter

    return bool(package) and is_signed(package)


def start(plan_: Plan) -> Path:
    """An empty folder to build the planned revision in (a leftover of a killed run is removed)."""
    parent = make_folder(plan_.building.parent)
    try:
        if plan_.building.is_symlink():
            plan_.building.unlink()
        elif plan_.building.exists():
            shutil.rmtree(plan_.building)
        plan_.building.mkdir()
    except OSError as exc:
        raise storage_error(exc, parent) from exc
    return plan_.building


def publish(plan_: Plan) -> Path:
    """Rename the built revision into place, then point `latest` at it. A published revision is
    never replaced: if the name exists (another run got there first) this refuses.

    All or nothing: the new `latest` link is made before the revision is renamed into place, and
    if the link cannot be moved the rename is undone, so a full or read-only disk never leaves a
    published revision that `latest` does not name. On any failure the build folder is removed."""
    if plan_.folder.exists():
        shutil.rmtree(plan_.building, ignore_errors=True)
        raise PackageError(f"{plan_.folder}: revisi ini sudah ada dan tidak ditimpa")
    parent = plan_.folder.parent
    link = parent / LATEST
    tmp = link.with_name(f".{LATEST}.{os.getpid()}")
    try:
        flush_tree(plan_.building)  # its files are on the disk before the rename publishes them
    except StorageError:
        shutil.rmtree(plan_.building, ignore_errors=True)
        raise
    published = False
    try:
        tmp.unlink(missing_ok=True)
        os.symlink(plan_.folder.name, tmp)
        os.rename(plan_.building, plan_.folder)
        published = True
        os.replace(tmp, link)
    except OSError as exc:
        if published:
            with contextlib.suppress(OSError):
                os.rename(plan_.folder, plan_.building)
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        shutil.rmtree(plan_.building, ignore_errors=True)
        raise storage_error(exc, parent) from exc
    _fsync_folder(parent)
    return plan_.folder


def _fsync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (the files themselves were flushed when written).
    Best effort: some network filesystems refuse to sync a folder, and the renames are done."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def changes(plan_: Plan, values: dict[str, str], inputs: dict[str, str]) -> dict[str, Any]:
    """What this revision is and what differs from the revision before: its reason, the input
    files whose content changed and every value that differs (`values` flattens the validated
    data; `inputs` maps each input file, named as in the manifest, to its SHA-256)."""
    record: dict[str, Any] = {"revisi": plan_.revision, "alasan": plan_.reason,
                              "menggantikan": plan_.previous.name if plan_.previous else None,
                              "berkas_berubah": [], "nilai_berubah": []}
    if plan_.previous is None:
        return record
    old_values = read_json(plan_.previous / DATA_FILE).get("nilai")
    old_values = old_values if isinstance(old_values, dict) else {}
    old_package = package_in(plan_.previous)
    listed = _manifest(old_package).get("berkas") if old_package else None
    old_inputs = {e["berkas"]: e.get("sha256") for e in (listed if isinstance(listed, list) else [])
                  if isinstance(e, dict) and e.get("jenis") == "masukan" and isinstance(e.get("berkas"), str)}
    record["berkas_berubah"] = sorted(name for name in {*old_inputs, *inputs} if old_inputs.get(name) != inputs.get(name))
    record["nilai_berubah"] = [{"isian": k, "lama": old_values.get(k), "baru": values.get(k)}
                               for k in sorted({*old_values, *values}) if old_values.get(k) != values.get(k)]
    return record


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object sakip wrote, or {} when it is missing, damaged or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def write_json(path: Path, data: dict[str, Any]) -> Path:
    return write_bytes(path, (json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n").encode())
