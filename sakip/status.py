"""`sakip status`: where a period stands, read from outputs/ alone (no Prefect server needed).

Per PK: the verdict of the last run (ringkasan.json), the latest revision and how many there are,
which signature fields of its package are signed, and when it was made. The same for each agency
document (recap, LKjIP) that is issued in revisions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import SakipError
from .manifest import manifest_path
from .outputs import is_agency_folder, period_dir, pk_dir
from .revisions import latest, package_in, read_json, revisions


@dataclass
class PKStatus:
    pk: str
    verdict: str = "-"  # PARAF / DIKEMBALIKAN / GAGAL in the last run
    revision: int | None = None
    revisions: int = 0
    signatures: str = ""  # "ttd_pejabat, ttd_ra" (signed fields), "" when none
    made: str = ""  # when the latest revision was made
    run_id: str = ""  # the run that made it
    package: str = ""
    note: str = ""


@dataclass
class PeriodStatus:
    year: int
    quarter: int
    rows: list[PKStatus] = field(default_factory=list)
    documents: list[PKStatus] = field(default_factory=list)  # agency documents, `pk` naming the file
    last_run: str = ""
    finished: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _signed(package: Path) -> str:
    from .package import signature_fields

    return ", ".join(name for name, signed in signature_fields(package).items() if signed)


def _revision_of(row: PKStatus, folder: Path, rev: Path, document: Path) -> PKStatus:
    made = read_json(manifest_path(document))
    row.revisions = len(revisions(folder))
    row.revision = int(rev.name.split("-")[1])
    row.made = made.get("paket", {}).get("dibuat", "")
    row.run_id = made.get("run_id", "")
    row.package = str(document)
    row.signatures = _signed(document)
    return row


def period_status(outputs: Path, year: int, quarter: int) -> PeriodStatus:
    folder = period_dir(outputs, year, quarter)
    if not folder.is_dir():
        raise SakipError(f"{folder}: periode {year} triwulan {quarter} belum pernah dijalankan")
    summary = read_json(folder / "ringkasan.json")
    out = PeriodStatus(year, quarter, last_run=summary.get("run_id", ""), finished=summary.get("selesai", ""))
    verdicts = {r["pk"]: r for r in summary.get("pk", [])}
    # A PK's folder is its code made safe: the folder of a PK keyed by an odd file name is not
    # listed a second time under the folder's name.
    claimed = {pk_dir(outputs, year, quarter, pk).name for pk in verdicts}
    subfolders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "dokumen")
    codes = list(verdicts) + [p.name for p in subfolders if p.name not in claimed and not is_agency_folder(p.name)]
    for pk in codes:
        row = PKStatus(pk, verdict=verdicts.get(pk, {}).get("status", "-"))
        pk_folder = pk_dir(outputs, year, quarter, pk)
        rev = latest(pk_folder)
        package = package_in(rev) if rev is not None else None
        if rev is None or package is None:
            row.note = verdicts.get(pk, {}).get("pesan", "") or "belum ada paket"
        else:
            _revision_of(row, pk_folder, rev, package)
        out.rows.append(row)
    for agency in (p for p in subfolders if is_agency_folder(p.name)):
        if (rev := latest(agency)) is not None:
            out.documents += [_revision_of(PKStatus(pdf.name), agency, rev, pdf) for pdf in sorted(rev.glob("*.pdf"))]
    return out
