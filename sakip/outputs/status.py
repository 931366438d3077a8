"""`sakip status`: where a period stands, read from outputs/ alone (no Prefect server needed).

Per PK: the verdict of the last run (ringkasan.json), the latest revision and how many there are,
which signature fields of its package are signed, and when it was made. The same for each agency
document (recap, LKjIP) that is issued in revisions.

Everything here is read from files people can open, copy and edit: a ringkasan.json or a
manifest that is not JSON, has the wrong shape or wrong types, a `latest` link that points
nowhere, a revision without its PDF, a PDF that does not open. Each becomes a state of the PK it
belongs to, "rusak: <file>: <what>", and the other PKs are shown as usual.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import SakipError, visible
from ..formatting import JAKARTA
from ..pdf.manifest import library_logs, manifest_path
from .files import STATE_FOLDER, is_agency_folder, period_dir, pk_dir
from .revisions import LATEST, is_revision, latest, package_in, revisions
from .summary import SUMMARY_FILE, Summary

MAX_JSON = 64 << 20  # bytes; a period's summary of thousands of PKs is a few MB


@dataclass
class PKStatus:
    pk: str
    verdict: str = "-"  # PARAF / DIKEMBALIKAN / GAGAL in the last run, or "rusak: ringkasan.json: ..."
    revision: int | None = None
    revisions: int = 0
    signatures: str = ""  # "ttd_pejabat, ttd_ra" (signed fields), "" when none
    made: str = ""  # when the latest revision was made (ISO)
    run_id: str = ""  # the run that made it
    package: str = ""
    note: str = ""  # why there is no package, or what is damaged ("rusak: <file>: <what>"; "; " between)


@dataclass
class AgencyStatus:
    """One agency of a period fanned out per agency (flows/quarterly.py, fan_out)."""

    agency: str
    state: str = "-"  # selesai / dikembalikan sebagian / gagal / berjalan / belum dikumpulkan / belum dijalankan
    worker: str = ""  # the machine its last run ran on
    run: str = ""  # the Prefect flow run's name
    finished: str = ""  # ISO
    pks: int = 0


@dataclass
class PeriodStatus:
    year: int
    quarter: int
    rows: list[PKStatus] = field(default_factory=list)
    documents: list[PKStatus] = field(default_factory=list)  # agency documents, `pk` naming the file
    last_run: str = ""
    finished: str = ""
    problems: list[str] = field(default_factory=list)  # damage of the period's own files ("rusak: ...")
    agencies: list[AgencyStatus] = field(default_factory=list)  # a fanned-out period's agencies

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Damaged(Exception):
    """A file status reads is missing, unreadable or not what sakip writes; str() is the
    one-line "rusak: <file>: <what>" shown for it."""


def _shown(path: Path, base: Path) -> str:
    try:
        return visible(str(path.relative_to(base)))
    except ValueError:
        return visible(str(path))


def read_json(path: Path, base: Path) -> Any:
    """The JSON value in `path`; Damaged (naming the file relative to `base`) otherwise."""
    name = _shown(path, base)
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_JSON + 1)
    except FileNotFoundError:
        raise Damaged(f"rusak: {name}: tidak ada") from None
    except IsADirectoryError:
        raise Damaged(f"rusak: {name}: sebuah folder, bukan berkas") from None
    except OSError as exc:
        raise Damaged(f"rusak: {name}: tidak dapat dibaca ({errno.errorcode.get(exc.errno or 0, exc.strerror)})") from None
    if len(data) > MAX_JSON:
        raise Damaged(f"rusak: {name}: lebih dari {MAX_JSON >> 20} MB, bukan berkas yang ditulis sakip")
    if not data.strip():
        raise Damaged(f"rusak: {name}: berkas kosong")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Damaged(f"rusak: {name}: bukan teks UTF-8 (bita ke-{exc.start + 1})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Damaged(f"rusak: {name}: bukan JSON yang sah (baris {exc.lineno} kolom {exc.colno})") from None
    except RecursionError:
        raise Damaged(f"rusak: {name}: JSON bersarang terlalu dalam") from None


_KINDS = {dict: "objek", list: "daftar", str: "teks", int: "bilangan bulat"}


def _take(obj: dict[str, Any], key: str, kind: type, where: str, required: bool = False) -> Any:
    """obj[key] when it is of `kind` (None when absent and not required); Damaged otherwise."""
    if key not in obj or obj[key] is None:
        if required:
            raise Damaged(f"{where}: '{key}' tidak ada")
        return None
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Damaged(f"{where}: '{key}' bukan {_KINDS[kind]} ({type(value).__name__})")
    return value


def _moment(value: str | None, where: str, key: str) -> str:
    """An ISO time as records keep it ('' when absent); Damaged when it is not one."""
    if not value:
        return ""
    try:
        dt.datetime.fromisoformat(value).astimezone(JAKARTA)
    except (ValueError, OverflowError, OSError):
        raise Damaged(f"{where}: '{key}' bukan waktu ISO ({visible(value[:40])})") from None
    return value


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Damaged(f"{where}: isinya bukan objek JSON ({type(value).__name__})")
    return value


@dataclass
class _Summary:
    verdicts: dict[str, PKStatus]
    run_id: str = ""
    finished: str = ""


def _summary(folder: Path, problems: list[str]) -> tuple[_Summary | None, str]:
    """The last run's verdict per PK from ringkasan.json, and what is wrong with the file as a
    whole ('' when nothing or when it is only missing; the problem is also added to
    `problems`). An entry that cannot be used is skipped with its problem; a PK whose status
    cannot be used gets the problem as its verdict."""
    path = folder / SUMMARY_FILE
    if not path.exists() and not path.is_symlink():
        problems.append(f"{SUMMARY_FILE} tidak ada: run terakhir periode ini belum selesai atau terhenti")
        return None, ""
    where = f"rusak: {SUMMARY_FILE}"
    try:
        data = _object(read_json(path, folder), where)
        entries = _take(data, "pk", list, where) or []
    except Damaged as exc:
        problems.append(str(exc))
        return None, str(exc)
    out = _Summary({})
    try:  # when the run ended is worth less than the verdicts: its damage does not hide them
        out.run_id = _take(data, "run_id", str, where) or ""
        out.finished = _moment(_take(data, "selesai", str, where), where, "selesai")
    except Damaged as exc:
        problems.append(str(exc))
    for number, entry in enumerate(entries, 1):
        at = f"{where}: entri pk ke-{number}"
        try:
            entry = _object(entry, at)
            pk = _take(entry, "pk", str, at, required=True)
        except Damaged as exc:
            problems.append(str(exc))
            continue
        row = PKStatus(pk)
        try:
            row.verdict = _take(entry, "status", str, f"{where}: {visible(pk)}", required=True)
            row.note = _take(entry, "pesan", str, f"{where}: {visible(pk)}") or ""
        except Damaged as exc:
            row.verdict = str(exc)
        out.verdicts[pk] = row
    return out, ""


def _signer(value: Any) -> str:
    """The common name of the certificate a signature value (/V) was made with, '' when it cannot
    be read. Not validated (`sakip verify` does that): what the signature says of itself."""
    from asn1crypto import cms  # lazy: only for a signed package

    from ..pdf.manifest import certificate_identity

    try:
        contents = value.get("/Contents")
        data = contents.original_bytes if hasattr(contents, "original_bytes") else bytes(contents)
        signed = cms.ContentInfo.load(data.rstrip(b"\0"))["content"]
        serial = signed["signer_infos"][0]["sid"].native.get("serial_number")
        cert = next(c.chosen for c in signed["certificates"] if c.chosen.serial_number == serial)
        return visible(certificate_identity(cert)[0])
    except Exception:  # noqa: BLE001 - a signature this cannot read still shows as signed
        return ""


def _signed(package: Path) -> str:
    """The signed fields of a package, each with its signer's name as its certificate gives it
    ("ttd_pejabat (Drs. A)"); Damaged when it does not open as a PDF."""
    from pypdf import PdfReader  # lazy: pypdf (~1 s) only for a period that has packages

    try:
        with library_logs():  # pypdf's complaints about a damaged file are not the operator's console
            fields = PdfReader(package).get_fields() or {}
            signed = [(name, f.get("/V")) for name, f in fields.items()
                      if isinstance(f, dict) and f.get("/FT") == "/Sig" and f.get("/V") is not None]
            return ", ".join(f"{name} ({who})" if (who := _signer(value.get_object())) else name for name, value in signed)
    except Exception as exc:  # noqa: BLE001 - any failure of a third-party parser on a damaged file
        raise Damaged(f"{type(exc).__name__}: {visible(' '.join(str(exc).split()))[:120]}") from None


def _revision_of(row: PKStatus, folder: Path, rev: Path, document: Path, base: Path) -> PKStatus:
    """Fill `row` from the published revision `rev` holding `document`; damage goes to its note."""
    notes = []
    row.revisions = len(revisions(folder))
    row.revision = int(rev.name.split("-")[1])
    row.package = str(document)
    made = manifest_path(document)
    where = f"rusak: {_shown(made, base)}"
    try:
        data = _object(read_json(made, base), where)
        row.run_id = _take(data, "run_id", str, where) or ""
        paket = _take(data, "paket", dict, where, required=True)
        row.made = _moment(_take(paket, "dibuat", str, f"{where}: paket"), f"{where}: paket", "dibuat")
    except Damaged as exc:
        notes.append(str(exc))
    try:
        row.signatures = _signed(document)
    except Damaged as exc:
        notes.append(f"rusak: {_shown(document, base)}: tidak dapat dibuka sebagai PDF ({exc})")
    row.note = "; ".join(filter(None, [row.note, *notes]))
    return row


def _latest(pk_folder: Path, base: Path) -> tuple[Path | None, str]:
    """The newest published revision and, when the `latest` link does not name it, why."""
    rev = latest(pk_folder)
    link = pk_folder / LATEST
    if not link.is_symlink():
        return rev, ""
    target = visible(os.readlink(link))
    if rev is not None and target == rev.name:
        return rev, ""
    instead = f"; revisi terbaru yang ada: {rev.name}" if rev is not None else ""
    return rev, f"rusak: {_shown(link, base)}: menunjuk '{target}' yang bukan revisi yang ada{instead}"


def _join(*notes: str) -> str:
    return "; ".join(filter(None, notes))


def _errno(exc: OSError) -> str:
    return errno.errorcode.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def _pk_row(row: PKStatus, pk_folder: Path, base: Path) -> PKStatus:
    rev, damaged = _latest(pk_folder, base)
    package = package_in(rev) if rev is not None else None
    if rev is not None and package is None:
        damaged = _join(damaged, f"rusak: {_shown(rev, base)}: tidak ada paket_*.pdf")
    if package is None:  # the last run's message (why returned or GAGAL) stays first
        row.note = _join(row.note, damaged) or "belum ada paket"
        return row
    row.note = damaged
    return _revision_of(row, pk_folder, rev, package, base)


def period_status(outputs: Path, year: int, quarter: int) -> PeriodStatus:
    folder = period_dir(outputs, year, quarter)
    if not folder.is_dir():
        raise SakipError(f"{folder}: periode {year} triwulan {quarter} belum pernah dijalankan")
    out = PeriodStatus(year, quarter)
    summary, damaged = _summary(folder, out.problems)
    verdicts = summary.verdicts if summary else {}
    if summary:
        out.last_run, out.finished = summary.run_id, summary.finished
    try:
        subfolders = sorted(p for p in folder.iterdir()
                            if p.is_dir() and not p.is_symlink() and not p.name.startswith(".") and p.name != "dokumen")
    except OSError as exc:
        raise SakipError(f"{folder}: folder periode tidak dapat dibaca ({_errno(exc)}); periksa izin bacanya") from None
    folders = {pk: _pk_folder(outputs, year, quarter, pk) for pk in verdicts}
    # A PK's folder is its code made safe: the folder of a PK keyed by an odd file name is not
    # listed a second time under the folder's name.
    claimed = {f.name for f in folders.values() if f is not None}
    for p in subfolders:
        if p.name not in claimed and not is_agency_folder(p.name) and _holds_pk_outputs(p):
            verdicts[p.name] = PKStatus(p.name, verdict=damaged or "-")
            folders[p.name] = p
    for pk, row in verdicts.items():
        pk_folder = folders[pk]
        if pk_folder is None:
            row.note = _join(row.note, f"rusak: {visible(pk)}: kode ini tidak dapat menjadi folder keluaran")
            out.rows.append(row)
            continue
        try:
            out.rows.append(_pk_row(row, pk_folder, folder))
        except OSError as exc:  # a PK folder that cannot be read: that PK only
            row.note = _join(row.note, f"rusak: {_shown(pk_folder, folder)}: folder tidak dapat dibaca ({_errno(exc)})")
            out.rows.append(row)
    out.agencies = agency_states(outputs, year, quarter)
    for agency in (p for p in subfolders if is_agency_folder(p.name)):
        try:
            rev, note = _latest(agency, folder)
            documents = sorted(rev.glob("*.pdf")) if rev is not None else []
            if rev is not None and not documents:
                out.problems.append(f"rusak: {_shown(rev, folder)}: tidak ada dokumen PDF")
            out.documents += [_revision_of(PKStatus(pdf.name, note=note), agency, rev, pdf, folder) for pdf in documents]
        except OSError as exc:
            out.problems.append(f"rusak: {_shown(agency, folder)}: folder tidak dapat dibaca ({_errno(exc)})")
    return out


def _holds_pk_outputs(folder: Path) -> bool:
    """Whether a folder no summary names is a PK's (revisions, a latest link, correction
    workbooks) rather than one of the period's own (log/, formulir/, dokumen/, ...)."""
    try:
        return any(p.name == LATEST or p.name.startswith("KOREKSI_") or is_revision(p)
                   for p in folder.iterdir())
    except OSError:
        return True  # unreadable: listed, with what is wrong with it


def _pk_folder(outputs: Path, year: int, quarter: int, pk: str) -> Path | None:
    try:
        return pk_dir(outputs, year, quarter, pk)
    except (SakipError, OSError, RuntimeError):  # RuntimeError: a symlink loop where the folder is
        return None


_EXIT_STATES = {0: "selesai", 2: "selesai, sebagian PK dikembalikan", 3: "selesai, ada yang gagal"}


def agency_states(outputs: Path, year: int, quarter: int, running: set[str] | None = None) -> list[AgencyStatus]:
    """Each agency that ran on its own in a fanned-out period, from what its run left in its
    state folder and what the period's run gathered. `running`: agencies whose run the Prefect
    server reports running (the caller asks it; this module reads files only)."""
    base = period_dir(outputs, year, quarter) / STATE_FOLDER
    try:
        names = sorted(p.name for p in base.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []
    period = Summary.read(outputs, year, quarter)
    gathered = period.instansi_run if period else {}
    out = []
    for name in names:
        row = AgencyStatus(name)
        mine = Summary.read(outputs, year, quarter, name)
        if mine is not None:
            row.worker, row.finished, row.pks = mine.pekerja, mine.selesai, len(mine.rows)
            row.run = gathered.get(name, {}).get("run", "")
            row.state = _EXIT_STATES.get(mine.exit_code(), "gagal")
            if gathered.get(name, {}).get("run_id") not in (mine.run_id, None) or name not in gathered:
                row.state += " (belum dikumpulkan ke ringkasan periode)"
        elif name in gathered:
            row.state, row.run = "gagal: " + str(gathered[name].get("status", "-")), gathered[name].get("run", "")
        else:
            row.state = "belum selesai"
        if running and name in running:
            row.state = "berjalan"
        out.append(row)
    return out
