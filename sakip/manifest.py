"""The manifest beside each package, and `sakip verify`: what a package was made from, and
whether it, its inputs and its signatures are still what they were.

The manifest (`<package>.manifest.json`) records the SHA-256 of every input workbook, template,
suite and output, the code version and the run id. Signing appends an incremental update to
the package, so a signed package is the package as made (its recorded size and hash are a
prefix of the file) followed by signature revisions; verify checks the prefix, then asks
pyHanko whether each signature is intact and whether anything but signing happened after.
Paths are stored relative to the manifest's folder, so the project can move as a whole.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .errors import VerifyError
from .outputs import write_bytes

FORMAT = 1
SUFFIX = ".manifest.json"
_CHUNK = 1 << 20


def sha256(path: Path, limit: int | None = None) -> str:
    """SHA-256 of a file, or of its first `limit` bytes.

    Whole files are hashed once per content version: every PK's manifest lists the same
    templates and suites, and a rerun compares sources before writing the same hashes again.
    """
    if limit is None:
        stat = path.stat()
        return _whole(path.resolve(), stat.st_size, stat.st_mtime_ns)
    return _digest(path, limit)


@functools.lru_cache(maxsize=4096)
def _whole(path: Path, _size: int, _mtime_ns: int) -> str:  # size and mtime invalidate the cache
    return _digest(path, None)


def _digest(path: Path, limit: int | None) -> str:
    digest = hashlib.sha256()
    left = limit
    with path.open("rb") as fh:
        while left is None or left > 0:
            chunk = fh.read(_CHUNK if left is None else min(_CHUNK, left))
            if not chunk:
                break
            digest.update(chunk)
            if left is not None:
                left -= len(chunk)
    return digest.hexdigest()


@functools.cache
def code_version() -> dict[str, str]:
    """The package version and a hash of sakip's own source, which changes with any code change
    even where no version was bumped or no git checkout exists."""
    digest = hashlib.sha256()
    root = Path(__file__).parent
    for source in sorted(root.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return {"versi": __version__, "sha256_kode": digest.hexdigest()}


@dataclass(frozen=True)
class RunInfo:
    """What one run shares across its packages."""

    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    suites: tuple[Path, ...] = ()


def manifest_path(package: Path) -> Path:
    return package.with_name(package.stem + SUFFIX)


def verify_path(package: Path, path: Path) -> str:
    """How the manifest of `package` names `path`: relative to the manifest's folder."""
    return os.path.relpath(path.resolve(), package.parent.resolve())


def _entry(path: Path, base: Path, kind: str) -> dict[str, Any]:
    return {"jenis": kind, "berkas": os.path.relpath(path.resolve(), base.resolve()), "sha256": sha256(path),
            "ukuran": path.stat().st_size}


def previous_revision(package: Path) -> dict[str, Any] | None:
    try:
        return json.loads(manifest_path(package).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(package: Path, *, pk: str, year: int, quarter: int, revision: int, created: dt.datetime, run: RunInfo,
          inputs: list[Path], templates: list[Path], outputs: list[Path], fields: list[str],
          keys: dict[str, str] | None = None) -> Path:
    """Write the manifest of a just-assembled, unsigned package."""
    base = package.parent
    data = {
        "format": FORMAT,
        "paket": {**_entry(package, base, "paket"), "pk": pk, "tahun": year, "triwulan": quarter,
                  "revisi": revision, "dibuat": created.isoformat(timespec="seconds"), "kolom_tanda_tangan": fields},
        "kode": code_version(),
        "run_id": run.run_id,
        # The content keys a rerun compares to decide whether this revision still stands.
        "kunci": keys or {},
        "berkas": ([_entry(p, base, "masukan") for p in inputs] + [_entry(p, base, "template") for p in templates]
                   + [_entry(p, base, "suite") for p in run.suites] + [_entry(p, base, "keluaran") for p in outputs]),
    }
    return write_bytes(manifest_path(package), (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())


def matches_manifest(package: Path, manifest: dict[str, Any] | None = None) -> bool | None:
    """Whether the package as made is intact (a signed package extends it); None without a
    readable manifest (read from beside the package unless given)."""
    try:
        recorded = (manifest or json.loads(manifest_path(package).read_text(encoding="utf-8")))["paket"]
    except (OSError, ValueError, KeyError):
        return None
    return package.stat().st_size >= recorded["ukuran"] and sha256(package, recorded["ukuran"]) == recorded["sha256"]


@dataclass
class SignatureState:
    field: str
    signer: str
    signed_at: str
    intact: bool
    trusted: bool
    bottom_line: bool
    coverage: str
    timestamp: str
    problem: str = ""


@dataclass
class Verification:
    package: Path
    problems: list[str] = field(default_factory=list)
    checked: int = 0  # files checked against the manifest
    signatures: list[SignatureState] = field(default_factory=list)
    revision: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"paket": str(self.package), "ok": self.ok, "masalah": self.problems, "berkas_diperiksa": self.checked,
                "revisi": self.revision, "tanda_tangan": [asdict(s) for s in self.signatures]}


def verify(package: Path, trust_roots: list[Path] | None = None) -> Verification:
    """Check a package against its manifest and report each signature's state."""
    if not package.is_file():
        raise VerifyError(f"{package}: paket tidak ditemukan")
    path = manifest_path(package)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        recorded = data["paket"]
    except FileNotFoundError:
        raise VerifyError(f"{path}: manifest tidak ditemukan di samping paket") from None
    except (OSError, ValueError, KeyError) as exc:
        raise VerifyError(f"{path}: manifest tidak dapat dibaca ({exc})") from None
    out = Verification(package, revision=recorded.get("revisi", 0))
    size = package.stat().st_size
    if not matches_manifest(package):
        out.problems.append(f"{package.name}: isi paket berbeda dari yang dicatat manifest (diubah setelah dibuat)")
    out.checked += 1
    base = path.parent
    for entry in data.get("berkas", []):
        target = base / entry["berkas"]
        out.checked += 1
        if not target.is_file():
            out.problems.append(f"{entry['jenis']} {entry['berkas']}: tidak ditemukan")
        elif sha256(target) != entry["sha256"]:
            out.problems.append(f"{entry['jenis']} {entry['berkas']}: berubah sejak paket dibuat")
    out.signatures = signatures(package, trust_roots or [])
    for sig in out.signatures:
        if sig.problem:
            out.problems.append(f"tanda tangan {sig.field}: {sig.problem}")
    if size > recorded["ukuran"] and not out.signatures:
        out.problems.append(f"{package.name}: ada tambahan setelah paket dibuat yang bukan tanda tangan")
    return out


def signatures(package: Path, trust_roots: list[Path]) -> list[SignatureState]:
    """Each embedded signature: intact (digest and signature), trusted (chain to a given root),
    and whether the file after it holds only further signing."""
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = []
    for root in trust_roots:
        raw = root.read_bytes()
        for _kind, _headers, der in (pem.unarmor(raw, multiple=True) if pem.detect(raw) else [(None, None, raw)]):
            roots.append(x509.Certificate.load(der))
    states = []
    with package.open("rb") as fh:
        reader = PdfFileReader(fh, strict=False)
        for sig in reader.embedded_signatures:
            # No revocation fetching: the machine may be offline, and a BSrE check is the signer's tool's job.
            context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
            try:
                status = validate_pdf_signature(sig, context)
            except Exception as exc:  # a malformed signature is a finding, not a crash
                states.append(SignatureState(sig.field_name, "?", "", False, False, False, "", "",
                                             f"tidak dapat divalidasi ({type(exc).__name__})"))
                continue
            problem = ""
            if not status.intact or not status.valid:
                problem = "rusak: isi yang ditandatangani telah berubah"
            elif status.coverage != SignatureCoverageLevel.ENTIRE_FILE and status.modification_level is not None \
                    and status.modification_level.name not in ("NONE", "LTA_UPDATES", "FORM_FILLING"):
                problem = f"ada perubahan setelah tanda tangan ini ({status.modification_level.name})"
            elif not status.trusted:
                problem = "sertifikat penanda tangan tidak dipercaya (berikan sertifikat CA dengan --ca)"
            ts = status.timestamp_validity
            states.append(SignatureState(
                field=sig.field_name, signer=status.signing_cert.subject.human_friendly,
                signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else "",
                intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
                bottom_line=bool(status.bottom_line), coverage=status.coverage.name,
                timestamp=ts.timestamp.isoformat() if ts is not None else "", problem=problem))
    return states
