"""Write PK and realisasi workbooks in the layout ingest reads (inputs/README.md).

Used by the demo and benchmark generators; the quarterly forms sent to units build on it.
Plain data in, one .xlsx out: the layout lives here once so that what sakip writes is what it
reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .formatting import ROMAN

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
NUMBER = "#,##0.##"
RUPIAH = "#,##0"


@dataclass(frozen=True)
class Signer:
    """The official a workbook belongs to."""

    nip: str
    nama: str
    jabatan: str
    unit: str


@dataclass(frozen=True)
class Indicator:
    kode: str
    sasaran: str
    indikator: str
    satuan: str
    polaritas: str  # as typed on the form: "Positif" / "Negatif"
    akumulasi: str  # "Jumlah" / "Akhir" / "Rata-rata"
    target: object  # number or qualitative text
    ra: Sequence[object]  # targets TW I-IV
    aksi: str


@dataclass(frozen=True)
class Program:
    kode: str
    nama: str
    pagu: int


@dataclass(frozen=True)
class Realisasi:
    value: object  # number, text as the unit typed it, or None
    kendala: str = ""
    tindak_lanjut: str = ""
    bukti: str = ""


def _style_header(ws, row: int, ncols: int) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row, c)
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _title(ws, lines: list[str], ncols: int) -> int:
    for i, text in enumerate(lines, start=1):
        ws.cell(i, 1, text).font = Font(bold=True, size=12)
        ws.cell(i, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncols)
    return len(lines) + 2


def _table(ws, start: int, headers: list[str], rows: list[list], widths: list[int],
           formats: dict[int, str] | None = None, inputs: frozenset[int] = frozenset()) -> None:
    for c, h in enumerate(headers, start=1):
        ws.cell(start, c, h)
    _style_header(ws, start, len(headers))
    for r, values in enumerate(rows, start=start + 1):
        for c, v in enumerate(values, start=1):
            cell = ws.cell(r, c, v)
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if formats and c in formats and isinstance(v, (int, float)):
                cell.number_format = formats[c]
            if c in inputs:
                cell.fill = INPUT_FILL
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = ws.cell(start + 1, 1)


def _identity(ws, pairs: list[tuple[str, object]]) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    for r, (label, value) in enumerate(pairs, start=1):
        ws.cell(r, 1, label).font = Font(bold=True)
        ws.cell(r, 2, value).number_format = "@"  # NIP and codes stay text


def write_pk_workbook(path: Path, code: str, year: int, signer: Signer, indicators: Sequence[Indicator],
                      programs: Sequence[Program]) -> Path:
    """The PK workbook: Identitas, PK (indicators and annual targets), RA (quarterly targets), Anggaran."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Identitas"
    _identity(ws, [("Kode PK", code), ("Tahun", str(year)), ("NIP", signer.nip), ("Nama", signer.nama),
                   ("Jabatan", signer.jabatan), ("Unit Kerja", signer.unit)])
    ws = wb.create_sheet("PK")
    start = _title(ws, [f"PERJANJIAN KINERJA TAHUN {year}", signer.jabatan.upper()], 8)
    rows = [[i, x.kode, x.sasaran, x.indikator, x.satuan, x.polaritas, x.akumulasi, x.target]
            for i, x in enumerate(indicators, start=1)]
    _table(ws, start, ["No", "Kode", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Polaritas", "Cara Akumulasi",
                       "Target Tahunan"], rows, [5, 8, 40, 50, 10, 10, 12, 16], {8: NUMBER})
    ws = wb.create_sheet("RA")
    start = _title(ws, [f"RENCANA AKSI TAHUN {year}", signer.jabatan.upper()], 9)
    rows = [[i, x.kode, x.indikator, *x.ra, x.aksi, signer.jabatan] for i, x in enumerate(indicators, start=1)]
    _table(ws, start, ["No", "Kode", "Indikator Kinerja", "Target TW I", "Target TW II", "Target TW III", "Target TW IV",
                       "Rencana Aksi", "Penanggung Jawab"], rows, [5, 8, 50, 12, 12, 12, 12, 45, 30],
           {c: NUMBER for c in (4, 5, 6, 7)})
    ws = wb.create_sheet("Anggaran")
    start = _title(ws, [f"PROGRAM/KEGIATAN DAN ANGGARAN TAHUN {year}", signer.jabatan.upper()], 4)
    rows = [[i, p.kode, p.nama, p.pagu] for i, p in enumerate(programs, start=1)]
    _table(ws, start, ["No", "Kode", "Program/Kegiatan", "Pagu (Rp)"], rows, [5, 14, 60, 20], {4: RUPIAH})
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_realisasi_workbook(path: Path, code: str, year: int, quarter: int, signer: Signer,
                             indicators: Sequence[Indicator], realisasi: dict[str, Realisasi],
                             programs: Sequence[Program], spent: Sequence[object]) -> Path:
    """The quarterly realisasi workbook: Identitas, Realisasi per indicator, Anggaran per program."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Identitas"
    _identity(ws, [("Kode PK", code), ("Tahun", str(year)), ("Triwulan", ROMAN[quarter]), ("NIP", signer.nip),
                   ("Nama", signer.nama), ("Jabatan", signer.jabatan)])
    ws = wb.create_sheet("Realisasi")
    start = _title(ws, [f"REALISASI KINERJA TRIWULAN {ROMAN[quarter]} TAHUN {year}", signer.jabatan.upper()], 9)
    rows = []
    for i, x in enumerate(indicators, start=1):
        r = realisasi.get(x.kode, Realisasi(None))
        rows.append([i, x.kode, x.indikator, x.satuan, x.ra[quarter - 1], r.value, r.kendala or None,
                     r.tindak_lanjut or None, r.bukti or None])
    _table(ws, start, ["No", "Kode", "Indikator Kinerja", "Satuan", "Target TW", "Realisasi TW", "Kendala",
                       "Tindak Lanjut", "Bukti Dukung"], rows, [5, 8, 50, 10, 14, 14, 40, 40, 30],
           {5: NUMBER, 6: NUMBER}, inputs=frozenset({6, 7, 8, 9}))
    ws = wb.create_sheet("Anggaran")
    start = _title(ws, [f"REALISASI ANGGARAN TRIWULAN {ROMAN[quarter]} TAHUN {year}", signer.jabatan.upper()], 5)
    rows = [[i, p.kode, p.nama, p.pagu, s] for i, (p, s) in enumerate(zip(programs, spent), start=1)]
    _table(ws, start, ["No", "Kode", "Program/Kegiatan", "Pagu (Rp)", "Realisasi TW (Rp)"], rows, [5, 14, 60, 20, 20],
           {4: RUPIAH, 5: RUPIAH}, inputs=frozenset({5}))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
