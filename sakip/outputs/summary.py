"""The run summary the operator reads: one row per PK with its status, capaian range and output."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from .files import state_dir, write_bytes

STATUSES = ("PARAF", "DIKEMBALIKAN", "GAGAL")
SUMMARY_FILE = "ringkasan.json"

# Exit codes of `sakip run` (and the state of its Prefect flow run): README, "Exit codes".
EXIT_OK = 0  # every PK initialled and packaged (or kept), agency documents made
EXIT_ERROR = 1  # the run itself failed (configuration, templates, suites, outputs folder, busy period)
EXIT_RETURNED = 2  # done, but some PKs were returned to their units for correction
EXIT_FAILED = 3  # some PKs (or an agency document) failed: see each one's message


@dataclass
class Row:
    pk: str
    pejabat: str
    status: str  # PARAF (package made), DIKEMBALIKAN (returned), GAGAL (could not be produced)
    capaian: str  # "80,00 % – 104,00 %" or "-"
    galat: int
    peringatan: int
    keluaran: list[str] = field(default_factory=list)
    pesan: str = ""
    peringatan_pesan: list[str] = field(default_factory=list)  # "<location>: <message>" of each warning
    revisi: int | None = None  # the package's revision
    dipakai_ulang: bool = False  # the revision was current: nothing was made for this PK in this run
    predikat: dict[str, int] = field(default_factory=dict)  # indicators per predikat
    menggantikan_ttd: bool = False  # this run's new revision supersedes a signed one
    dari_run_sebelumnya: bool = False  # not in this run (a rerun with --pk): as the last run left it


@dataclass
class Summary:
    year: int
    quarter: int
    rows: list[Row]
    orphans: list[str] = field(default_factory=list)
    unknown_pks: list[str] = field(default_factory=list)  # asked for with --pk, not in the inputs
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, in run order
    report: str = ""  # the period's validation page (validasi.html)
    instansi: dict[str, str] = field(default_factory=dict)  # agency recap / LKjIP: the PDF, or why there is none
    catatan: list[str] = field(default_factory=list)  # notes for the operator (missing narrative, ...)
    instansi_gagal: list[str] = field(default_factory=list)  # labels of agency documents not made
    log: str = ""  # the run's log file (third-party messages and tracebacks go there, not to the console)
    run_id: str = ""
    selesai: str = ""  # when the run ended (ISO, WIB)
    pekerja: str = ""  # the machine (Prefect worker) an agency's run of a fanned-out period ran on
    instansi_run: dict[str, dict[str, str]] = field(default_factory=dict)  # fan-out: agency -> its run

    def counts(self, this_run: bool = False) -> dict[str, int]:
        """PKs per status (`this_run`: only the PKs this run processed, not those a rerun kept)."""
        out = {k: 0 for k in STATUSES}
        for r in self.rows:
            if this_run and r.dari_run_sebelumnya:
                continue
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def exit_code(self) -> int:
        """What the run tells cron, systemd or a Prefect deployment (README, "Exit codes")."""
        counts = self.counts(this_run=True)
        if counts["GAGAL"] or self.instansi_gagal:
            return EXIT_FAILED
        return EXIT_RETURNED if counts["DIKEMBALIKAN"] else EXIT_OK

    @classmethod
    def read(cls, outputs: Path, year: int, quarter: int, agency: str | None = None) -> "Summary | None":
        """The period's last summary (with `agency`, that agency's, of a fanned-out period), or
        None when there is none or it cannot be read as one."""
        path = state_dir(outputs, year, quarter, agency) / SUMMARY_FILE
        try:
            data = json.loads(path.read_bytes())
            rows = [Row(**{k: v for k, v in r.items() if k in _ROW_FIELDS}) for r in data["pk"]]
            if not all(isinstance(r.pk, str) and r.status in STATUSES for r in rows):
                return None
            return cls(year, quarter, rows, list(data.get("berkas_tanpa_pk") or []),
                       report=str(data.get("laporan_pemeriksaan") or ""),
                       instansi=dict(data.get("dokumen_instansi") or {}), catatan=list(data.get("catatan") or []),
                       instansi_gagal=list(data.get("dokumen_instansi_gagal") or []),
                       timings=dict(data.get("durasi_detik") or {}), log=str(data.get("log") or ""),
                       run_id=str(data.get("run_id") or ""), selesai=str(data.get("selesai") or ""),
                       pekerja=str(data.get("pekerja") or ""), instansi_run=dict(data.get("instansi_run") or {}))
        except (OSError, ValueError, TypeError, KeyError, AttributeError):
            return None

    def merged_into(self, before: "Summary | None") -> "Summary":
        """This run's rows (a rerun of some PKs) with every other PK of the period's last summary,
        so that a rerun never drops a returned PK from the period's record."""
        if before is None:
            return self
        mine = {r.pk for r in self.rows}
        kept = [replace(r, dari_run_sebelumnya=True) for r in before.rows if r.pk not in mine]
        return replace(self, rows=self.rows + kept, instansi={**before.instansi, **self.instansi},
                       orphans=self.orphans or before.orphans)

    @classmethod
    def gathered(cls, year: int, quarter: int, parts: list["Summary"]) -> "Summary":
        """The period's summary from its agencies' runs, in the order given (the inputs' order of
        agencies, as a whole-period run lists them)."""
        out = cls(year, quarter, [])
        for part in parts:
            out.rows += part.rows
            out.orphans += [o for o in part.orphans if o not in out.orphans]
            out.instansi.update(part.instansi)
            out.instansi_gagal += part.instansi_gagal
            out.catatan += [c for c in part.catatan if c not in out.catatan]
        return out

    def write(self, outputs: Path, agency: str | None = None) -> Path:
        data = {"tahun": self.year, "triwulan": self.quarter, "pk": [asdict(r) for r in self.rows],
                "berkas_tanpa_pk": self.orphans, "laporan_pemeriksaan": self.report,
                "dokumen_instansi": self.instansi, "catatan": self.catatan, "durasi_detik": self.timings,
                "dokumen_instansi_gagal": self.instansi_gagal, "log": self.log,
                "run_id": self.run_id, "selesai": self.selesai, "kode_keluar": self.exit_code()}
        if self.pekerja:
            data["pekerja"] = self.pekerja
        if self.instansi_run:
            data["instansi_run"] = self.instansi_run
        return write_bytes(state_dir(outputs, self.year, self.quarter, agency) / SUMMARY_FILE,
                           json.dumps(data, ensure_ascii=False, indent=2).encode())


_ROW_FIELDS = {f.name for f in fields(Row)}
