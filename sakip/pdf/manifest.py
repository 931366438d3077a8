"""The manifest beside each package, and `sakip verify`: what a package was made from, and
whether it, its inputs and its signatures are still what they were.

The manifest (`<package>.manifest.json`) records the SHA-256 of every input workbook, template,
suite and output, the code version and the run id. Signing appends an incremental update to
the package, so a signed package is the package as made (its recorded size and hash are a
prefix of the file) followed by signature revisions; verify checks the prefix, then asks
pyHanko whether each signature is intact and whether anything but signing happened after.
Paths are stored relative to the manifest's folder, so the project can move as a whole.

A manifest is not signed, so verify trusts none of it on its own word: its shape is checked
key by key, and what it claims is checked against the folder it sits in (outputs/<year>/TW<n>/
<PK>/rev-NN/), against the package's own metadata and against the revision's records
(data.json, perubahan.json, paraf.json). Outputs it lists are read only inside the revision's
folder; a link that leads out of it is refused, not followed.

The manifest also records the official printed at each signature field, as the package does in
its own document information; each signature must come from that official (name without
titles, and NIP where the certificate carries one) or record an acting Plt./Plh. signing on
their behalf, or it is a finding and never "sah".
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import io
import json
import logging
import os
import re
import stat
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from .. import __version__
from ..errors import VerifyError, visible
from ..formatting import nip as nip_groups, quarter_name
from ..outputs.files import AGENCY_FOLDER, agency_suffix, safe_component, write_bytes
from ..paraf.asn import compact_nip, nip_in, same_person

FORMAT = 1
SUFFIX = ".manifest.json"
_CHUNK = 1 << 20
MAX_RECORD_BYTES = 16 << 20  # a manifest or record this large is not one sakip wrote
MAX_PACKAGE_BYTES = 2 << 30  # verify holds a package in memory; sakip's are a few MB
PARAF_RECORD = "paraf.json"  # paraf_report.RECORD_FILE (importing it loads the paraf machinery)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_REVISION = re.compile(r"rev-(\d{2,})")


def sha256(path: Path, limit: int | None = None) -> str:
    """SHA-256 of a file, or of its first `limit` bytes.

    Whole files are hashed once per content version: every PK's manifest lists the same
    templates and suites, and a rerun compares sources before writing the same hashes again.
    """
    if limit is None:
        stat_ = path.stat()
        return _whole(path.resolve(), stat_.st_size, stat_.st_mtime_ns)
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
    root = Path(__file__).resolve().parents[1]
    for source in sorted(root.rglob("*.py")):
        digest.update(source.relative_to(root).as_posix().encode() + b"\0" + source.read_bytes() + b"\0")
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


# The package's own document-information key holding the same record as the manifest's
# penanda_tangan: the package is what signatures cover, the manifest is not signed.
PRINTED_KEY = "/SakipPenandaTangan"


def printed_record(signers: dict[str, Any] | None, fields: list[str]) -> dict[str, dict[str, str]]:
    """Field -> the official printed there (config.Pejabat -> name, NIP digits, jabatan)."""
    return {name: printed_official(official) for name, official in (signers or {}).items() if name in fields}


def printed_metadata(signers: dict[str, Any] | None, fields: list[str]) -> tuple[str, str]:
    """The package's (PRINTED_KEY, JSON) document-information entry for `signers`."""
    return PRINTED_KEY, json.dumps(printed_record(signers, fields), ensure_ascii=False, sort_keys=True,
                                   separators=(",", ":"))


def printed_official(official: Any) -> dict[str, str]:
    """How the manifest records the official a signature block prints (a config.Pejabat):
    name and jabatan as printed, the NIP as digits ('' for an official without one, a Bupati)."""
    return {"nama": official.nama, "nip": compact_nip(official.nip or ""), "jabatan": official.jabatan_lengkap}


def write(package: Path, *, pk: str, year: int, quarter: int, revision: int, created: dt.datetime, run: RunInfo,
          inputs: list[Path], templates: list[Path], outputs: list[Path], fields: list[str],
          keys: dict[str, str] | None = None, signers: dict[str, Any] | None = None) -> Path:
    """Write the manifest of a just-assembled, unsigned package. `signers` names the official
    printed at each signature field (config.Pejabat); a field that prints nobody is left out,
    and nobody may sign it."""
    base = package.parent
    printed = printed_record(signers, fields)
    data = {
        "format": FORMAT,
        "paket": {**_entry(package, base, "paket"), "pk": pk, "tahun": year, "triwulan": quarter,
                  "revisi": revision, "dibuat": created.isoformat(timespec="seconds"), "kolom_tanda_tangan": fields,
                  # Who each signature must come from (sakip sign and verify match the certificate to it).
                  "penanda_tangan": printed},
        "kode": code_version(),
        "run_id": run.run_id,
        # The content keys a rerun compares to decide whether this revision still stands.
        "kunci": keys or {},
        "berkas": ([_entry(p, base, "masukan") for p in inputs] + [_entry(p, base, "template") for p in templates]
                   + [_entry(p, base, "suite") for p in run.suites] + [_entry(p, base, "keluaran") for p in outputs]),
    }
    return write_bytes(manifest_path(package), (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode())


# --- the manifest's shape ------------------------------------------------------------------


class ManifestShapeError(ValueError):
    """A manifest (or record) that is not what sakip writes; the message is one Indonesian line."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ManifestShapeError(f"kunci '{visible(key)}' tertulis dua kali")
        seen[key] = value
    return seen


def parse_json(raw: bytes) -> Any:
    """JSON as sakip writes it (UTF-8, a BOM tolerated); anything else is a ManifestShapeError."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ManifestShapeError(f"bukan teks UTF-8 (bita ke-{exc.start + 1})") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates,
                          parse_constant=lambda name: _refuse_constant(name))
    except json.JSONDecodeError as exc:
        raise ManifestShapeError(f"bukan JSON yang sah (rusak di baris {exc.lineno}, kolom {exc.colno})") from None
    except RecursionError:
        raise ManifestShapeError("bukan JSON yang sah (bersarang terlalu dalam)") from None


def _refuse_constant(name: str) -> Any:
    raise ManifestShapeError(f"bukan JSON yang sah (nilai {name} tidak diizinkan)")


def _relative(value: str) -> str:
    """A path as the manifest writes it: relative to its folder, POSIX separators, printable."""
    if not value:
        raise ValueError("jalur kosong")
    if "\\" in value or not value.isprintable():
        raise ValueError(f"jalur '{visible(value)}' memuat karakter yang tidak ditulis sakip")
    if os.path.isabs(value):
        raise ValueError(f"jalur mutlak '{visible(value)}' tidak diterima; manifest mencatat jalur relatif "
                         "terhadap foldernya")
    return value


def _inside_name(value: str) -> str:
    """A path that stays in the manifest's folder (no '..' anywhere, not the folder itself)."""
    parts = Path(_relative(value)).parts
    if ".." in parts or not parts or parts == (".",):
        raise ValueError(f"jalur '{visible(value)}' keluar dari folder paket")
    return value


def _sha(value: str) -> str:
    if not _SHA256.fullmatch(value):
        raise ValueError(f"'{visible(value[:70])}' bukan SHA-256 (64 digit heksadesimal huruf kecil)")
    return value


def _moment(value: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"'{visible(value[:40])}' bukan waktu ISO 8601") from None
    if moment.tzinfo is None:
        raise ValueError(f"waktu '{visible(value)}' tanpa zona waktu")
    return value


@functools.cache
def _schema() -> type:
    """The manifest as pydantic models: every key required, typed strictly, no other key.

    Built on first use: pydantic costs half a second to import, which `sakip status` and
    `sakip --help` need not pay."""
    # lazy: see above
    from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

    text = Annotated[str, Field(min_length=1, max_length=500)]
    sha = Annotated[str, AfterValidator(_sha)]
    size = Annotated[int, Field(ge=0, le=1 << 40)]

    class Strict(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    class Entry(Strict):
        jenis: Literal["masukan", "template", "suite", "keluaran"]
        berkas: Annotated[str, Field(max_length=4096), AfterValidator(_relative)]
        sha256: sha
        ukuran: size

        @model_validator(mode="after")
        def _outputs_inside(self) -> "Entry":
            if self.jenis == "keluaran":
                _inside_name(self.berkas)
            if self.jenis == "template" and not self.berkas.endswith(".docx"):
                raise ValueError(f"template '{visible(self.berkas)}' bukan berkas .docx")
            if self.jenis == "suite" and not self.berkas.endswith(".json"):
                raise ValueError(f"suite '{visible(self.berkas)}' bukan berkas .json")
            return self

    class Dicetak(Strict):  # the official a signature block prints
        nama: text
        nip: Annotated[str, Field(pattern=r"^([0-9]{18})?$")]
        jabatan: Annotated[str, Field(max_length=500)]

    class Paket(Strict):
        jenis: Literal["paket"]
        berkas: Annotated[str, Field(max_length=255), AfterValidator(_inside_name)]
        sha256: sha
        ukuran: Annotated[int, Field(gt=0, le=1 << 40)]
        pk: text
        tahun: Annotated[int, Field(ge=2000, le=2100)]
        triwulan: Annotated[int, Field(ge=1, le=4)]
        revisi: Annotated[int, Field(ge=1, le=9999)]
        dibuat: Annotated[str, Field(max_length=40), AfterValidator(_moment)]
        kolom_tanda_tangan: Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]],
                                      Field(min_length=1, max_length=50)]
        # Absent in manifests of sakip before it recorded who is printed at each field.
        penanda_tangan: Annotated[dict[str, Dicetak], Field(max_length=50)] | None = None

        @model_validator(mode="after")
        def _plain_name(self) -> "Paket":
            if "/" in self.berkas:
                raise ValueError(f"nama paket '{visible(self.berkas)}' harus nama berkas di folder manifest")
            if len(set(self.kolom_tanda_tangan)) != len(self.kolom_tanda_tangan):
                raise ValueError("kolom_tanda_tangan memuat nama yang sama dua kali")
            unknown = sorted(set(self.penanda_tangan or {}) - set(self.kolom_tanda_tangan))
            if unknown:
                raise ValueError(f"penanda_tangan menyebut kolom yang tidak ada di kolom_tanda_tangan: "
                                 f"{visible(', '.join(unknown))}")
            return self

    class Kode(Strict):
        versi: text
        sha256_kode: sha

    class Kunci(Strict):  # {} when the run gave no keys; null is not written
        data: sha = None  # type: ignore[assignment]
        lengkap: sha = None  # type: ignore[assignment]

    class Manifest(Strict):
        format: Literal[1]
        paket: Paket
        kode: Kode
        run_id: Annotated[str, Field(min_length=1, max_length=100)]
        kunci: Kunci
        berkas: Annotated[list[Entry], Field(max_length=100_000)]

    return Manifest


_TYPE_NAMES = {
    "int_type": "bilangan bulat", "int_from_float": "bilangan bulat", "string_type": "teks", "list_type": "daftar",
    "dict_type": "objek", "model_type": "objek", "model_attributes_type": "objek", "bool_type": "true/false",
}


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return visible(text if len(text) <= 60 else text[:57] + "...")


def _describe(error: dict[str, Any]) -> str:
    """One pydantic error as Indonesian: which key, what is wrong."""
    kind, loc, ctx = error["type"], tuple(error["loc"]), error.get("ctx") or {}
    key = _where(loc)
    subject = f"kunci '{key}'" if key else "isi manifest"
    if kind == "missing":
        return f"kunci '{key}' tidak ada"
    if kind == "extra_forbidden":
        return f"kunci '{key}' tidak dikenal (bukan bagian dari manifest sakip)"
    if kind in _TYPE_NAMES:
        return f"{subject} harus {_TYPE_NAMES[kind]}, tertulis {_shown(error.get('input'))}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "?")).replace(" or ", " atau ")
        return f"{subject} harus {expected}, tertulis {_shown(error.get('input'))}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": "paling kecil", "greater_than": "harus lebih dari",
                 "less_than_equal": "paling besar", "less_than": "harus kurang dari"}[kind]
        limit = next(iter(ctx.values()), "?")
        return f"{subject} {bound} {limit}, tertulis {_shown(error.get('input'))}"
    if kind == "string_pattern_mismatch":  # only the NIP of a printed official has a pattern
        return f"{subject} harus 18 digit NIP atau kosong, tertulis {_shown(error.get('input'))}"
    if kind in ("string_too_short", "too_short"):
        return f"{subject} kosong"
    if kind in ("string_too_long", "too_long"):
        return f"{subject} terlalu panjang"
    if kind == "value_error":
        return f"{subject}: {visible(str(ctx.get('error', error.get('msg', ''))))}"
    return f"{subject} tidak sah ({kind})"


def parse(raw: bytes) -> Any:
    """The manifest in `raw`, validated; ManifestShapeError (one Indonesian line naming the key)
    for anything sakip would not have written."""
    from pydantic import ValidationError  # lazy: pydantic only where a manifest is read (see _schema)

    data = parse_json(raw)
    try:
        return _schema().model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        more = f" (dan {len(errors) - 1} masalah lain)" if len(errors) > 1 else ""
        raise ManifestShapeError(_describe(errors[0]) + more) from None


def _read_limited(path: Path) -> bytes:
    """A small regular file's bytes (not a device, a FIFO or a file of gigabytes)."""
    with path.open("rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise ManifestShapeError("bukan berkas biasa")
        raw = fh.read(MAX_RECORD_BYTES + 1)
    if len(raw) > MAX_RECORD_BYTES:
        raise ManifestShapeError(f"lebih dari {MAX_RECORD_BYTES >> 20} MB, bukan berkas yang ditulis sakip")
    return raw


def load(package: Path) -> Any | None:
    """The validated manifest beside `package`, or None when it is missing, unreadable or not
    in the shape sakip writes."""
    try:
        return parse(_read_limited(manifest_path(package)))
    except (OSError, ManifestShapeError):
        return None


def previous_revision(package: Path) -> dict[str, Any] | None:
    """The manifest beside `package` as a dict, only when it has the shape sakip writes: a
    manifest edited or damaged by hand counts as none (its revision is then not intact)."""
    made = load(package)
    return made.model_dump() if made is not None else None


def matches_manifest(package: Path, manifest: dict[str, Any] | None = None) -> bool | None:
    """Whether the package as made is intact, and whatever follows it is signing; None without
    a readable manifest (read from beside the package unless given)."""
    if manifest is None:
        made = load(package)
        if made is None:
            return None
        size, digest = made.paket.ukuran, made.paket.sha256
    else:
        recorded = manifest.get("paket") if isinstance(manifest, dict) else None
        size = recorded.get("ukuran") if isinstance(recorded, dict) else None
        digest = recorded.get("sha256") if isinstance(recorded, dict) else None
        if type(size) is not int or size <= 0 or not isinstance(digest, str):
            return None
    try:
        actual = package.stat().st_size
        if actual < size or sha256(package, size) != digest:
            return False
    except OSError:
        return False
    return actual == size or _only_signing_after(package, size)


def _only_signing_after(package: Path, size: int) -> bool:
    """Whether the bytes after the first `size` (the package as made) begin with a signature:
    an unsigned update (an annotation, a changed page) right after the package is refused.
    What follows a signature is judged by pyHanko's difference analysis in `verify`."""
    try:
        with library_logs():
            data = package.read_bytes()
            made = _revisions(data[:size])
            sigs = _embedded(data)
    except Exception:  # noqa: BLE001 - an unreadable extension is not signing
        return False
    return bool(sigs) and min(s.signed_revision for s in sigs) == made


def _revisions(data: bytes) -> int:
    from pyhanko.pdf_utils.reader import PdfFileReader  # lazy: pyHanko (~2 s) is for verify, not status

    return PdfFileReader(io.BytesIO(data), strict=False).xrefs.total_revisions


def _embedded(data: bytes) -> list[Any]:
    from pyhanko.pdf_utils.reader import PdfFileReader  # lazy: pyHanko (~2 s) is for verify, not status

    return list(PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures)


# --- third-party log lines -----------------------------------------------------------------

# Libraries verify and sign call into: pyHanko logs a certificate path it cannot build as a
# WARNING with a full traceback (always, when no --ca is given), pypdf logs damaged objects.
LIBRARY_LOGGERS = ("pyhanko", "pyhanko_certvalidator", "pypdf", "asn1crypto", "cryptography", "urllib3", "requests")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a badly formatted record is still one line
            message = str(record.msg)
        # One line without the traceback: what the library said, kept for --json and --verbose.
        self.lines.append(f"{record.levelname} {record.name}: {visible(' '.join(message.split()))[:300]}")


@contextlib.contextmanager
def library_logs() -> Iterator[list[str]]:
    """While inside, what pyHanko, pypdf and the libraries under them log or warn is collected
    (one line each, no traceback) instead of reaching the console; yields the collected lines."""
    handler = _Collect()
    saved = []
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate))
        logger.addHandler(handler)
        logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield handler.lines
            finally:
                handler.lines.extend(f"{w.category.__name__}: {visible(' '.join(str(w.message).split()))[:300]}"
                                     for w in caught)
    finally:
        for logger, propagate in saved:
            logger.removeHandler(handler)
            logger.propagate = propagate


# --- verify --------------------------------------------------------------------------------

# What each kind of problem concerns. `sakip sign` signs despite "kepercayaan" (no CA is given
# when signing) and "sumber" (a template or suite changed: how documents are made, which never
# re-issues a revision), and refuses on every other.
TRUST = "kepercayaan"
SOURCES = "sumber"
NOT_BLOCKING_SIGNING = frozenset({TRUST, SOURCES})


@dataclass(frozen=True)
class Problem:
    kind: str  # paket, manifest, folder, catatan, masukan, sumber, keluaran, tanda_tangan, kepercayaan
    text: str


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
    revision: int = -1  # the file revision the signature signed (0-based)
    modification: str = ""  # pyHanko's judgement of what came after it
    trust_only: bool = False  # the only problem is a chain that could not be built
    document_timestamp: bool = False  # a PAdES B-LTA document timestamp (in a field of its own)
    name: str = ""  # the certificate's subject name (common name), as the certificate writes it
    nip: str = ""  # the NIP the certificate carries, digits only ('' when it carries none)
    on_behalf: str = ""  # 'Plt. atas nama <official>' when the signature records acting for the printed official
    wrong_signer: str = ""  # why the signer is not the official printed at the field (then never bottom_line)


@dataclass
class Verification:
    package: Path
    findings: list[Problem] = field(default_factory=list)
    checked: int = 0  # files checked against the manifest
    signatures: list[SignatureState] = field(default_factory=list)
    revision: int = 0
    notes: list[str] = field(default_factory=list)  # what the libraries logged, one line each

    @property
    def problems(self) -> list[str]:
        return [p.text for p in self.findings]

    @property
    def ok(self) -> bool:
        return not self.findings

    def blocking_signing(self) -> list[str]:
        """The problems that forbid signing the package."""
        return [p.text for p in self.findings if p.kind not in NOT_BLOCKING_SIGNING]

    def add(self, kind: str, text: str) -> None:
        self.findings.append(Problem(kind, text))

    def as_dict(self) -> dict[str, Any]:
        return {"paket": str(self.package), "ok": self.ok, "masalah": self.problems,
                "masalah_rinci": [{"jenis": p.kind, "pesan": p.text} for p in self.findings],
                "berkas_diperiksa": self.checked, "revisi": self.revision,
                "tanda_tangan": [asdict(s) for s in self.signatures], "catatan_pustaka": self.notes}


def verify(package: Path, trust_roots: list[Path] | None = None) -> Verification:
    """Check a package against its manifest, the manifest against the package's folder and
    records, and report each signature's state. Raises VerifyError only when there is nothing
    to check (no package) or a --ca file cannot be read; everything else is a finding."""
    if not package.is_file():
        raise VerifyError(f"{visible(str(package))}: paket tidak ditemukan" +
                          (" (bukan berkas biasa)" if package.exists() else ""))
    roots = _load_roots(trust_roots or [])
    out = Verification(package)
    with library_logs() as notes:
        folder = _revision_folder(package, out)
        made = _manifest(package, folder, out)
        data = _read_package(package, out) if _contained(package, folder) else None
        if made is not None:
            out.revision = made.paket.revisi
            _check(package, folder, made, data, out)
        _check_signatures(package, made, data, roots, out)
    out.notes = notes
    return out


def _revision_folder(package: Path, out: Verification) -> Path:
    """The revision's real folder. The package may be reached through the PK's `latest` link,
    which must name a sibling rev-NN; the package itself must not be a link out of it."""
    parent = package.absolute().parent  # absolute, links kept: `sakip verify paket.pdf` inside the folder
    if parent.is_symlink():
        target = os.readlink(parent)
        if parent.name != "latest" or not _REVISION.fullmatch(target):
            out.add("folder", f"{visible(str(parent))}: folder paket adalah tautan ke '{visible(target)}', "
                              "bukan tautan 'latest' ke folder rev-NN di sampingnya")
    folder = parent.resolve()
    if folder.parent != parent.parent.resolve():
        out.add("folder", f"{visible(str(parent))}: folder revisi adalah tautan ke luar folder PK-nya "
                          f"({visible(str(folder))})")
    if package.resolve().parent != folder:
        out.add("folder", f"{package.name}: paket adalah tautan ke berkas di luar folder revisinya "
                          f"({visible(str(package.resolve()))})")
    return folder


def _manifest(package: Path, folder: Path, out: Verification) -> Any | None:
    path = manifest_path(package)
    shown = visible(path.name)
    if not path.exists() and not path.is_symlink():
        out.add("manifest", f"{shown}: manifest tidak ditemukan di samping paket")
        return None
    if not _contained(path, folder):
        out.add("manifest", f"{shown}: manifest adalah tautan ke luar folder paket; tidak dibaca")
        return None
    try:
        return parse(_read_limited(path))
    except OSError as exc:
        out.add("manifest", f"{shown}: manifest tidak dapat dibaca ({visible(exc.strerror or type(exc).__name__)})")
    except ManifestShapeError as exc:
        out.add("manifest", f"{shown}: manifest tidak sah: {exc}")
    return None


def _read_package(package: Path, out: Verification) -> bytes | None:
    try:
        size = package.stat().st_size
        if size > MAX_PACKAGE_BYTES:
            out.add("paket", f"{package.name}: berkas {size >> 20} MB, jauh lebih besar dari paket sakip; tidak dibaca")
            return None
        return package.read_bytes()
    except OSError as exc:
        out.add("paket", f"{package.name}: paket tidak dapat dibaca ({visible(exc.strerror or type(exc).__name__)})")
        return None


def _contained(path: Path, folder: Path) -> bool:
    """Whether `path`, every link followed, is inside `folder` (already resolved)."""
    try:
        return path.resolve().is_relative_to(folder)
    except (OSError, RuntimeError):  # a link loop
        return False


def _check(package: Path, folder: Path, made: Any, data: bytes | None, out: Verification) -> None:
    layout = _layout(made)
    _check_place(package, folder, made, layout, out)
    as_made = _check_bytes(package, made, data, out)
    if as_made is not None:
        _check_metadata(package, made, as_made, layout, out)
    for entry in made.berkas:
        _check_entry(folder, entry, out)
    _check_completeness(made, layout, out)
    _check_records(folder, made, layout, out)
    _check_strangers(package, folder, made, layout, out)


@dataclass(frozen=True)
class _Layout:
    """Where a document of this manifest lives and what its revision folder holds."""

    agency: bool
    owner_folders: tuple[str, ...]  # the PK's (or agency's) folder name(s)
    names: tuple[str, ...]  # the document file names this folder may hold
    records: tuple[str, ...]  # the JSON records the revision must hold


def _layout(made: Any) -> _Layout:
    # cycle: package and revisions import this module (and package loads pyHanko, which status avoids)
    from .package import package_name
    from ..outputs.revisions import CHANGES_FILE, DATA_FILE

    p = made.paket
    if p.berkas.startswith("paket_"):
        return _Layout(False, (safe_component(p.pk),), (package_name(p.pk, p.tahun, p.triwulan),),
                       (DATA_FILE, CHANGES_FILE, PARAF_RECORD))
    # An agency's recap and LKjIP (sakip.pdf.produce): the manifest's pk is the agency, "instansi"
    # for a single-agency project.
    suffix = agency_suffix(p.pk)
    folders = (f"{AGENCY_FOLDER}{suffix}",) + ((AGENCY_FOLDER,) if p.pk == "instansi" else ())
    names = []
    for sfx in {suffix, ""} if p.pk == "instansi" else {suffix}:
        names.append(f"rekap_instansi_{p.tahun}_TW{p.triwulan}{sfx}.pdf")
        if p.triwulan == 4:
            names.append(f"LKjIP_{p.tahun}{sfx}.pdf")
    return _Layout(True, folders, tuple(names), (CHANGES_FILE,))


def _check_place(package: Path, folder: Path, made: Any, layout: _Layout, out: Verification) -> None:
    """The manifest's PK, year, quarter and revision against outputs/<y>/TW<n>/<PK>/rev-NN/."""
    p = made.paket
    if p.berkas != package.name:
        out.add("manifest", f"{package.name}: manifest ini mencatat paket '{visible(p.berkas)}', bukan berkas ini")
    if package.name not in layout.names:
        out.add("folder", f"{package.name}: nama paket tidak sesuai manifest (PK {visible(p.pk)}, {p.tahun} "
                          f"TW{p.triwulan}; seharusnya {' atau '.join(layout.names)})")
    expected = [("tahun", (str(p.tahun),), folder.parent.parent.parent.name),
                ("triwulan", (f"TW{p.triwulan}",), folder.parent.parent.name),
                ("PK", layout.owner_folders, folder.parent.name),
                ("revisi", (f"rev-{p.revisi:02d}",), folder.name)]
    wrong = [f"{what} '{visible(have)}' (manifest: {visible(' atau '.join(want))})"
             for what, want, have in expected if have not in want]
    if wrong:
        where = "/".join(want[0] for _what, want, _have in expected)
        out.add("folder", f"{package.name}: folder paket tidak sesuai manifest: {', '.join(wrong)}; paket ini "
                          f"seharusnya berada di outputs/{visible(where)}/")


def _check_bytes(package: Path, made: Any, data: bytes | None, out: Verification) -> bytes | None:
    """The package as made (the first `ukuran` bytes) against the manifest; those bytes when they match."""
    out.checked += 1
    if data is None:
        return None
    size = made.paket.ukuran
    if len(data) < size:
        out.add("paket", f"{package.name}: paket lebih pendek ({len(data)} bita) dari yang dicatat manifest "
                         f"({size} bita): terpotong atau diganti")
        return None
    if hashlib.sha256(data[:size]).hexdigest() != made.paket.sha256:
        out.add("paket", f"{package.name}: isi paket berbeda dari yang dicatat manifest (diubah setelah dibuat)")
        return None
    return data[:size]


def _check_metadata(package: Path, made: Any, as_made: bytes, layout: _Layout, out: Verification) -> None:
    """What the package says of itself (document information, signature fields) against the manifest."""
    from pypdf import PdfReader  # lazy: pypdf (~1 s) is for verify, not status

    from .package import pdf_date  # cycle: package imports this module

    p = made.paket
    try:
        reader = PdfReader(io.BytesIO(as_made))
        info = {k: str(v) for k, v in (reader.metadata or {}).items()}
        fields = {name: f.get("/V") is not None for name, f in (reader.get_fields() or {}).items()
                  if f.get("/FT") == "/Sig"}
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on a damaged file
        out.add("paket", f"{package.name}: metadata paket tidak dapat dibaca ({type(exc).__name__})")
        return
    claims = {"/SakipPK": p.pk, "/SakipRevisi": str(p.revisi),
              "/SakipPeriode": f"{quarter_name(p.triwulan)} Tahun {p.tahun}", "/SakipRunId": made.run_id}
    for key, want in claims.items():
        have = info.get(key)
        if have is None:
            if not layout.agency:  # agency documents carry the period in their keywords only
                out.add("paket", f"{package.name}: metadata {key} tidak ada di paket")
        elif have != want:
            out.add("paket", f"{package.name}: metadata paket {key} '{visible(have)}' tidak sama dengan manifest "
                             f"'{visible(want)}'")
    if layout.agency and f"; {p.tahun}; TW{p.triwulan};" not in info.get("/Keywords", ""):
        out.add("paket", f"{package.name}: kata kunci paket '{visible(info.get('/Keywords', ''))}' tidak menyebut "
                         f"{p.tahun} TW{p.triwulan} seperti manifest")
    created = pdf_date(dt.datetime.fromisoformat(p.dibuat))
    if info.get("/CreationDate") != created:
        out.add("paket", f"{package.name}: waktu pembuatan paket '{visible(info.get('/CreationDate', '-'))}' tidak sama "
                         f"dengan manifest ({p.dibuat})")
    if sorted(fields) != sorted(p.kolom_tanda_tangan):
        out.add("paket", f"{package.name}: kolom tanda tangan paket ({', '.join(sorted(fields)) or '-'}) tidak sama "
                         f"dengan manifest ({', '.join(sorted(p.kolom_tanda_tangan))})")
    if any(fields.values()):
        out.add("paket", f"{package.name}: paket yang dicatat manifest sudah berisi tanda tangan; sakip membuat paket "
                         "dengan kolom kosong")
    _check_printed(package, made, info.get(PRINTED_KEY), out)


def _check_printed(package: Path, made: Any, stored: str | None, out: Verification) -> None:
    """The officials the manifest records at the fields against those the package itself records
    (PRINTED_KEY), which the signatures cover: an edited or removed manifest record cannot name
    someone else as the one who may sign."""
    recorded = made.paket.penanda_tangan
    if stored is None:
        if recorded is not None:
            out.add("paket", f"{package.name}: metadata {PRINTED_KEY} (pejabat yang dicetak di kolom tanda tangan) tidak "
                             "ada di paket, padahal manifest mencatatnya")
        return
    try:
        in_package = parse_json(stored.encode())
    except ManifestShapeError as exc:
        out.add("paket", f"{package.name}: metadata {PRINTED_KEY} tidak sah ({exc})")
        return
    if recorded is None:
        out.add("manifest", f"{made.paket.berkas}: manifest tidak mencatat pejabat yang dicetak di kolom tanda tangan, "
                            f"padahal paket mencatatnya ({PRINTED_KEY}); catatan itu dihapus dari manifest?")
        return
    as_recorded = {name: official.model_dump() for name, official in recorded.items()}
    in_package = in_package if isinstance(in_package, dict) else {}

    def named(official: Any) -> str:
        return _official_shown(official) if _is_official(official) else "tidak seorang pun"

    for name in sorted(set(as_recorded) | set(in_package)):
        if as_recorded.get(name) != in_package.get(name):
            out.add("manifest", f"{made.paket.berkas}: manifest mencatat {named(as_recorded.get(name))} di kolom "
                                f"{visible(name)}, tetapi paket mencatat {named(in_package.get(name))}; manifest diubah?")


def _is_official(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k), str) for k in ("nama", "nip", "jabatan"))


_ENTRY_KIND = {"masukan": "masukan", "template": SOURCES, "suite": SOURCES, "keluaran": "keluaran"}


def _check_entry(folder: Path, entry: Any, out: Verification) -> None:
    """One listed file: present, a regular file, the size and hash recorded. An output must be
    inside the revision's folder (links followed); inputs, templates and suites live elsewhere."""
    out.checked += 1
    kind = _ENTRY_KIND[entry.jenis]
    label = f"{entry.jenis} {visible(entry.berkas)}"
    target = folder / entry.berkas
    if entry.jenis == "keluaran" and not _contained(target, folder):
        out.add("folder", f"{label}: tautan ke luar folder paket; tidak dibaca (keluaran harus berada di folder revisinya)")
        return
    try:
        info = target.stat()
    except OSError:
        out.add(kind, f"{label}: tidak ditemukan")
        return
    if not stat.S_ISREG(info.st_mode):
        out.add(kind, f"{label}: bukan berkas biasa; tidak dibaca")
        return
    try:
        # The size first: a file of another size is not read at all, and never beyond the size recorded.
        same = info.st_size == entry.ukuran and _digest(target, entry.ukuran) == entry.sha256
    except OSError as exc:
        out.add(kind, f"{label}: tidak dapat dibaca ({visible(exc.strerror or type(exc).__name__)})")
        return
    if not same:
        out.add(kind, f"{label}: berubah sejak paket dibuat")


def _check_completeness(made: Any, layout: _Layout, out: Verification) -> None:
    """A manifest that lists no inputs or templates, or (a PK's) no paraf record, lost entries."""
    kinds = {e.jenis for e in made.berkas}
    missing = [k for k in ("masukan", "template", "keluaran") if k not in kinds]
    if not layout.agency and not any(e.jenis == "keluaran" and e.berkas == PARAF_RECORD for e in made.berkas):
        missing.append(f"keluaran {PARAF_RECORD}")
    if missing:
        out.add("manifest", f"{made.paket.berkas}: manifest tidak mencatat {', '.join(missing)}; sakip selalu "
                            "mencatatnya (entri dihapus?)")


# Which of the manifest's claims each record repeats (sakip.pdf.produce, sakip.paraf.record).
_RECORD_CLAIMS = {"data.json": ("pk", "revisi"), "perubahan.json": ("revisi",), PARAF_RECORD: ("pk", "tahun", "triwulan")}


def _check_records(folder: Path, made: Any, layout: _Layout, out: Verification) -> None:
    """data.json, perubahan.json and paraf.json of the revision name the manifest's PK, period and revision."""
    p = made.paket
    claims = {"pk": p.pk, "revisi": p.revisi, "tahun": p.tahun, "triwulan": p.triwulan}
    for name in layout.records:
        record = _record(folder / name, folder, out)
        if record is None:
            continue
        for key in _RECORD_CLAIMS.get(name, ()):
            if record.get(key) != claims[key]:
                out.add("catatan", f"{name}: {key} {_shown(record.get(key))} tidak sama dengan manifest "
                                   f"({_shown(claims[key])}); berkas ini milik paket lain")
        if name == "perubahan.json":
            _check_follows(record, p.revisi, out)


def _record(path: Path, folder: Path, out: Verification) -> dict[str, Any] | None:
    name = path.name
    if not path.exists() and not path.is_symlink():
        out.add("catatan", f"{name}: tidak ada di folder revisi; setiap revisi sakip memilikinya")
        return None
    if not _contained(path, folder):
        out.add("folder", f"{name}: tautan ke luar folder paket; tidak dibaca")
        return None
    try:
        record = parse_json(_read_limited(path))
    except OSError as exc:
        out.add("catatan", f"{name}: tidak dapat dibaca ({visible(exc.strerror or type(exc).__name__)})")
        return None
    except ManifestShapeError as exc:
        out.add("catatan", f"{name}: {exc}")
        return None
    if not isinstance(record, dict):
        out.add("catatan", f"{name}: harus objek JSON")
        return None
    return record


def _check_follows(record: dict[str, Any], revision: int, out: Verification) -> None:
    before = record.get("menggantikan")
    if before is None:
        return
    match = _REVISION.fullmatch(before) if isinstance(before, str) else None
    if match is None or int(match.group(1)) >= revision:
        out.add("catatan", f"perubahan.json: 'menggantikan' {_shown(before)} bukan revisi sebelum rev-{revision:02d}")


def _check_strangers(package: Path, folder: Path, made: Any, layout: _Layout, out: Verification) -> None:
    """Files in the revision's folder that no manifest of it accounts for: another PK's package
    put beside this one, an unlisted document, a folder or link that sakip never makes. Hidden
    temporary files of an interrupted signing (.<name>.*.tmp) are left for the next run to clear."""
    from ..outputs.revisions import CHANGES_FILE, DATA_FILE  # cycle: revisions imports this module

    top = {package.name, manifest_path(package).name, CHANGES_FILE}
    if layout.agency:  # the recap and the LKjIP share a revision, each with its manifest
        top |= {n for name in layout.names for n in (name, manifest_path(folder / name).name)}
    else:
        top |= {DATA_FILE, PARAF_RECORD}
    listed = {os.path.normpath(e.berkas) for e in made.berkas if e.jenis == "keluaran"}
    others = tuple(Path(n).stem for n in layout.names) if layout.agency else ()
    strangers = []
    for name in sorted(os.listdir(folder)):
        path = folder / name
        if name.startswith(".") and name.endswith(".tmp"):
            continue
        if name == "dokumen" and path.is_dir() and not path.is_symlink():
            strangers += [rel for rel in _files_under(path, folder)
                          if rel not in listed and not (others and Path(rel).name.startswith(others))]
        elif name not in top:
            strangers.append(name + ("/" if path.is_dir() and not path.is_symlink() else ""))
    if strangers:
        shown = ", ".join(visible(s) for s in strangers[:5]) + (f" (dan {len(strangers) - 5} lainnya)"
                                                                 if len(strangers) > 5 else "")
        out.add("folder", f"folder revisi memuat berkas yang tidak dicatat manifest: {shown}")


def _files_under(path: Path, folder: Path) -> list[str]:
    """Every file and link under `path`, relative to `folder`; links are listed, not followed."""
    found = []
    for root, dirs, files in os.walk(path):  # followlinks=False: a linked folder is not entered
        found += [os.path.relpath(os.path.join(root, n), folder)
                  for n in sorted(files + [d for d in dirs if os.path.islink(os.path.join(root, d))])]
    return found


# --- signatures ----------------------------------------------------------------------------


def _load_roots(paths: list[Path]) -> list[Any]:
    from asn1crypto import pem, x509  # lazy: only `sakip verify --ca` reads certificates

    roots = []
    for root in paths:
        try:
            raw = root.read_bytes()
            blocks = pem.unarmor(raw, multiple=True) if pem.detect(raw) else [(None, None, raw)]
            found = [x509.Certificate.load(der) for _kind, _headers, der in blocks]
            for cert in found:
                cert.native  # noqa: B018 - parse now: asn1crypto parses lazily and fails later otherwise
        except OSError as exc:
            raise VerifyError(f"{visible(str(root))}: sertifikat CA tidak dapat dibaca "
                              f"({visible(exc.strerror or type(exc).__name__)})") from None
        except Exception:  # noqa: BLE001 - asn1crypto raises ValueError, TypeError and its own
            raise VerifyError(f"{visible(str(root))}: bukan sertifikat CA (PEM atau DER)") from None
        if not found:
            raise VerifyError(f"{visible(str(root))}: tidak berisi sertifikat")
        roots.extend(found)
    return roots


def _check_signatures(package: Path, made: Any | None, data: bytes | None, roots: list[Any],
                      out: Verification) -> None:
    if data is None:
        return
    try:
        out.signatures = _states(data, roots)
    except Exception as exc:  # noqa: BLE001 - a file pyHanko cannot read is a finding, not a crash
        out.add("paket", f"{package.name}: paket tidak dapat dibaca sebagai PDF ({type(exc).__name__}); "
                         "berkas terpotong atau rusak")
        return
    for sig in out.signatures:
        if sig.problem:
            out.add(TRUST if sig.trust_only else "tanda_tangan", f"tanda tangan {sig.field}: {sig.problem}")
    if made is None:
        return
    _check_signers(made, out)
    size = made.paket.ukuran
    if len(data) > size and not out.signatures:
        out.add("paket", f"{package.name}: ada tambahan setelah paket dibuat yang bukan tanda tangan "
                         "(pembaruan inkremental, mis. anotasi atau halaman diubah)")
        return
    if not out.signatures or len(data) < size:
        return
    unknown = [s.field for s in out.signatures
               if s.field not in made.paket.kolom_tanda_tangan and not s.document_timestamp]
    if unknown:
        out.add("tanda_tangan", f"tanda tangan di kolom yang tidak dibuat sakip: {', '.join(unknown)}")
    try:
        with library_logs():
            as_made = _revisions(data[:size])
    except Exception:  # noqa: BLE001 - the prefix check has already said the package differs
        return
    first = min(out.signatures, key=lambda s: s.revision)
    if first.revision != as_made:
        out.add("paket", f"{package.name}: ada perubahan (pembaruan inkremental) setelah paket dibuat dan sebelum "
                         f"tanda tangan {first.field}; yang ditandatangani bukan paket seperti dibuat sakip")
    last = max(out.signatures, key=lambda s: s.revision)
    # NONE without covering the file: bytes after it; FORM_FILLING: an unsigned fill after it.
    if last.intact and last.coverage != "ENTIRE_FILE" and last.modification in ("", "NONE", "FORM_FILLING"):
        out.add("paket", f"{package.name}: ada tambahan setelah tanda tangan terakhir ({last.field}) yang bukan "
                         "tanda tangan")


_TRUST_REASONS = {
    "NO_CERTIFICATE_CHAIN_FOUND": "sertifikat penanda tangan tidak berantai ke CA yang diberikan dengan --ca",
    "EXPIRED": "sertifikat penanda tangan sudah kedaluwarsa pada waktu validasi",
    "OUT_OF_BOUNDS_NO_POE": "sertifikat penanda tangan tidak berlaku pada waktu penandatanganan",
    "NOT_YET_VALID": "sertifikat penanda tangan belum berlaku pada waktu penandatanganan",
    "REVOKED": "sertifikat penanda tangan telah dicabut",
    "REVOKED_NO_POE": "sertifikat penanda tangan telah dicabut",
    "CHAIN_CONSTRAINTS_FAILURE": "rantai sertifikat tidak memenuhi batasan (penggunaan kunci atau kebijakan)",
    "SIG_CONSTRAINTS_FAILURE": "penggunaan kunci sertifikat tidak untuk tanda tangan dokumen",
}


_CHANGES = {"ANNOTATIONS": "anotasi ditambahkan atau diubah", "OTHER": "isi dokumen diubah"}


def _states(data: bytes, roots: list[Any]) -> list[SignatureState]:
    """Each embedded signature, in the order it was made: intact (digest and signature), trusted
    (chain to a given root, a key usage for signing) and what came after it."""
    # lazy: pyHanko (~2 s) is for verify, not status
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko.sign.validation.settings import KeyUsageConstraints
    from pyhanko_certvalidator import ValidationContext

    # The same rule as `sakip sign`: digitalSignature or nonRepudiation (pyHanko's default
    # demands nonRepudiation alone, which many signing certificates lack).
    usage = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)
    states = []
    for sig in sorted(_embedded(data), key=lambda s: s.signed_revision):
        # No revocation fetching: the machine may be offline, and a BSrE check is the signer's tool's job.
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        try:
            if sig.sig_object_type == "/DocTimeStamp":  # PAdES B-LTA: a document timestamp after the signatures
                status = validate_pdf_timestamp(sig, context)
            else:
                status = validate_pdf_signature(sig, context, key_usage_settings=usage)
            states.append(_state(sig, status, bool(roots)))
        except Exception as exc:  # noqa: BLE001 - a malformed signature is a finding, not a crash
            states.append(SignatureState(visible(str(sig.field_name)), "?", "", False, False, False, "", "",
                                         f"tidak dapat divalidasi ({type(exc).__name__})", revision=sig.signed_revision))
    return states


def _state(sig: Any, status: Any, have_roots: bool) -> SignatureState:
    modification = status.modification_level.name if status.modification_level is not None else ""
    problem, trust_only = "", False
    if not status.intact or not status.valid:
        problem = "rusak: isi yang ditandatangani telah berubah"
    elif status.coverage.name != "ENTIRE_FILE" and modification not in ("", "NONE", "LTA_UPDATES", "FORM_FILLING"):
        problem = f"ada perubahan setelah tanda tangan ini ({_CHANGES.get(modification, modification)})"
    elif not status.trusted:
        indic = status.trust_problem_indic.name if status.trust_problem_indic is not None else ""
        trust_only = indic in ("", "NO_CERTIFICATE_CHAIN_FOUND", "CERTIFICATE_CHAIN_GENERAL_FAILURE")
        if not have_roots and trust_only:
            problem = ("rantai sertifikat tidak dapat diverifikasi tanpa --ca (berikan sertifikat CA penerbitnya, "
                       "mis. CA BSrE, dengan --ca)")
        else:
            problem = _TRUST_REASONS.get(indic, f"sertifikat penanda tangan tidak dipercaya ({indic or 'tanpa alasan'})")
    document_stamp = sig.sig_object_type == "/DocTimeStamp"
    reported = getattr(status, "signer_reported_dt", None) or (status.timestamp if document_stamp else None)
    ts = getattr(status, "timestamp_validity", None)
    stamped = status.timestamp if document_stamp else (ts.timestamp if ts is not None else None)
    signer = visible(status.signing_cert.subject.human_friendly)
    name, nip = certificate_identity(status.signing_cert)
    acting = None if document_stamp else on_behalf_of(_text(sig.sig_object.get("/Reason")))
    # The field and the signer's name come from the PDF (anyone can write them): shown visibly, one line.
    return SignatureState(
        name=visible(name), nip=nip, on_behalf=visible(f"{acting[0]} atas nama {acting[1]}") if acting else "",
        field=visible(str(sig.field_name)), signer=f"cap waktu dokumen, {signer}" if document_stamp else signer,
        signed_at=reported.isoformat() if reported else "",
        intact=bool(status.intact and status.valid), trusted=bool(status.trusted),
        bottom_line=bool(getattr(status, "bottom_line", not problem)), coverage=status.coverage.name,
        timestamp=stamped.isoformat() if stamped else "", problem=problem,
        revision=sig.signed_revision, modification=modification, trust_only=trust_only,
        document_timestamp=document_stamp)


def _text(value: Any) -> str:
    return str(value) if value is not None else ""


# --- who signed, against who is printed ------------------------------------------------------

# Acting officials (Plt. pelaksana tugas, Plh. pelaksana harian) may sign a block printed for
# the definitive official; `sakip sign --atas-nama` records it in the signature's /Reason, which
# the signature covers, as "<Plt.|Plh.> atas nama <printed official>[; <alasan>]".
ACTING = ("Plt.", "Plh.")
_ACTING_REASON = re.compile(r"(Plt\.|Plh\.) atas nama ([^;]+?)(?:; .*)?", re.DOTALL)


def acting_reason(role: str, official: str, reason: str = "") -> str:
    """The signature's /Reason recording `role` signing on behalf of `official`."""
    return f"{role} atas nama {official}" + (f"; {reason}" if reason else "")


def on_behalf_of(reason: str) -> tuple[str, str] | None:
    """(role, official) when a signature's /Reason records signing on behalf, else None."""
    found = _ACTING_REASON.fullmatch(reason.strip())
    return (found.group(1), found.group(2).strip()) if found else None


def certificate_identity(cert: Any) -> tuple[str, str]:
    """(name, NIP) of an asn1crypto certificate's subject: the common name, and the NIP where
    the certificate carries one in its subject's serialNumber (X.520 2.5.4.5, where national
    signing certificates put the holder's identifier) or UID ('' when neither holds one)."""
    subject = cert.subject.native

    def values(key: str) -> list[str]:
        value = subject.get(key)
        return [str(v) for v in (value if isinstance(value, list) else [value])] if value is not None else []

    names = values("common_name")
    nips = [n for n in (nip_in(v) for v in values("serial_number") + values("user_id")) if n]
    return (names[0] if names else cert.subject.human_friendly), (nips[0] if nips else "")


def _official_shown(printed: dict[str, str]) -> str:
    return visible(printed["nama"]) + (f" (NIP {visible(nip_groups(printed['nip']))})" if printed["nip"] else "")


def signer_shown(name: str, nip: str) -> str:
    """'DEWI LESTARI (NIP 19870910 201001 2 015)': a certificate's holder as messages name them."""
    return visible(name) + (f" (NIP {nip_groups(nip)})" if nip else "")


def signer_problem(field_name: str, printed: dict[str, str] | None, name: str, nip: str,
                   acting: tuple[str, str] | None = None) -> str:
    """Why the holder of a certificate (`name`, `nip`) may not sign `field_name`, which prints
    `printed` (None: the field prints nobody), or '' when they may. `acting` is a recorded
    (Plt.|Plh., official) signing on behalf of the printed official."""
    holder = signer_shown(name, nip)
    if printed is None:
        return f"kolom {visible(field_name)} tidak mencetak pejabat mana pun, jadi tidak ada yang berhak menandatanganinya"
    if acting is not None:
        role, official = acting
        if not same_person(printed["nama"], official):
            return (f"kolom {visible(field_name)} dicetak untuk {_official_shown(printed)}, tetapi tanda tangan "
                    f"{holder} dicatat sebagai {role} atas nama {visible(official)}")
        return ""
    if not same_person(printed["nama"], name):
        return (f"kolom {visible(field_name)} dicetak untuk {_official_shown(printed)}, tetapi sertifikat "
                f"penanda tangan atas nama {holder}")
    if nip and printed["nip"] and nip != printed["nip"]:
        return (f"kolom {visible(field_name)} dicetak untuk {_official_shown(printed)}, tetapi NIP pada sertifikat "
                f"penanda tangan {nip_groups(nip)}")
    return ""


def _check_signers(made: Any, out: Verification) -> None:
    """Every signature in a field sakip made comes from the official printed there, or records
    an acting official (Plt./Plh.) signing on their behalf."""
    p = made.paket
    signed = [s for s in out.signatures if not s.document_timestamp and s.field in p.kolom_tanda_tangan]
    if not signed:
        return
    if p.penanda_tangan is None:
        for sig in signed:
            sig.wrong_signer, sig.bottom_line = "manifest tidak mencatat pejabat yang dicetak", False
        out.add("tanda_tangan", f"{p.berkas}: manifest tidak mencatat pejabat yang dicetak di setiap kolom tanda tangan "
                                "(dibuat sakip versi sebelumnya), jadi penanda tangan "
                                f"{', '.join(s.name or s.signer for s in signed)} tidak dapat dicocokkan dengan dokumen")
        return
    for sig in signed:
        printed = p.penanda_tangan.get(sig.field)
        acting = on_behalf_of(sig.on_behalf) if sig.on_behalf else None
        problem = signer_problem(sig.field, printed.model_dump() if printed else None, sig.name, sig.nip, acting)
        if problem:
            sig.wrong_signer, sig.bottom_line = problem, False
            out.add("tanda_tangan", f"tanda tangan {sig.field}: {problem}")


def signatures(package: Path, trust_roots: list[Path]) -> list[SignatureState]:
    """Each embedded signature of `package` and its state (see `_states`)."""
    roots = _load_roots(trust_roots)
    with library_logs():
        try:
            return _states(package.read_bytes(), roots)
        except OSError as exc:
            raise VerifyError(f"{package}: paket tidak dapat dibaca ({exc.strerror})") from None
