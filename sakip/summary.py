"""The run summary the operator reads: one row per PK with its status, capaian range and output."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .formatting import percent
from .outputs import period_dir, write_bytes

STATUSES = ("PARAF", "DIKEMBALIKAN", "GAGAL")


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
    run_id: str = ""
    selesai: str = ""  # when the run ended (ISO, WIB)

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in STATUSES}
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        return out

    def write(self, outputs: Path) -> Path:
        data = {"tahun": self.year, "triwulan": self.quarter, "pk": [asdict(r) for r in self.rows],
                "berkas_tanpa_pk": self.orphans, "laporan_pemeriksaan": self.report,
                "dokumen_instansi": self.instansi, "catatan": self.catatan, "durasi_detik": self.timings,
                "run_id": self.run_id, "selesai": self.selesai}
        return write_bytes(period_dir(outputs, self.year, self.quarter) / "ringkasan.json",
                           json.dumps(data, ensure_ascii=False, indent=2).encode())


def capaian_range(values: tuple | None) -> str:
    if not values:
        return "-"
    low, high = values
    return percent(low) if low == high else f"{percent(low)} – {percent(high)}"
