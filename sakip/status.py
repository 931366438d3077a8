"""`sakip status`: where a period stands, read from outputs/ alone (no Prefect server needed).

Per PK: the verdict of the last run (ringkasan.json), the latest revision and how many there are,
which signature fields of its package are signed, and when it was made.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import SakipError
from .outputs import period_dir, pk_dir
from .revisions import latest, manifest_of, package_in, read_json, revisions


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
    last_run: str = ""
    finished: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def period_status(outputs: Path, year: int, quarter: int) -> PeriodStatus:
    from .package import signature_fields

    folder = period_dir(outputs, year, quarter)
    if not folder.is_dir():
        raise SakipError(f"{folder}: periode {year} triwulan {quarter} belum pernah dijalankan")
    summary = read_json(folder / "ringkasan.json")
    out = PeriodStatus(year, quarter, last_run=summary.get("run_id", ""), finished=summary.get("selesai", ""))
    verdicts = {r["pk"]: r for r in summary.get("pk", [])}
    pk_folders = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and p.name != "dokumen")
    codes = list(verdicts) + [p.name for p in pk_folders if p.name not in verdicts]
    for pk in codes:
        row = PKStatus(pk, verdict=verdicts.get(pk, {}).get("status", "-"))
        pk_folder = pk_dir(outputs, year, quarter, pk)
        rev = latest(pk_folder)
        if rev is None:
            row.note = verdicts.get(pk, {}).get("pesan", "") or "belum ada paket"
        else:
            row.revisions = len(revisions(pk_folder))
            row.revision = int(rev.name.split("-")[1])
            made = manifest_of(rev)
            row.made = made.get("paket", {}).get("dibuat", "")
            row.run_id = made.get("run_id", "")
            package = package_in(rev)
            if package:
                row.package = str(package)
                row.signatures = ", ".join(name for name, signed in signature_fields(package).items() if signed)
        out.rows.append(row)
    return out
