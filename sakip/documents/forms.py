"""Write PK and realisasi workbooks in the layout ingest reads (inputs/README.md).

Used by the demo and benchmark generators; the quarterly forms sent to units build on it.
Plain data in, one .xlsx out: the layout lives here once so that what sakip writes is what it
reads. Every text goes into its cell as text (sakip.xlsx): names and indicators come from units'
workbooks, and one typed as '=HYPERLINK(...)' must not become a formula in the form sent back.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import xlsx
from ..capaian import rules as capaian
from ..capaian.rules import MONTHS, SCALES
from ..formatting import ROMAN
from ..ingest.workbooks import read_period
from ..model import REALISASI_BELUM_ADA
from ..outputs.files import atomic_path, period_dir, safe_component
from ..paraf.earlier import earlier_standing

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
RUPIAH = "#,##0"
# A cell an official types a number into: General. '#,##0.##' (the old format) shows a whole
# number as "6," in Excel, because the decimal separator is printed even when both optional
# digits are empty, and number formats have no condition "is whole" to avoid it. General shows
# 6 as "6" and 45,5 as "45,5" in Excel and in Calc, with the reader's own decimal separator;
# it has no thousands separator, which a typed realisasi rarely needs.
NUMBER_INPUT = "General"
MAX_DECIMALS = 6  # more than any target or realisasi carries; beyond it the cell rounds for display


def number_format(value: float) -> str:
    """The format of a number written into a form: its own decimals, no fewer and no more, with
    thousands grouped ("1.234,5", "6", "21,75" in an Indonesian locale), the same in Excel and Calc."""
    text = format(Decimal(str(value)).normalize(), "f")
    decimals = min(len(text.partition(".")[2]), MAX_DECIMALS)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


# Row heights: openpyxl writes none, and Calc (unlike Excel) does not fit a row to wrapped text
# it reads from an .xlsx, so a long name overprints the next row. The height is estimated from
# the text and the column width (in widths of '0' of the default 11 pt font), wrapped at words as
# the spreadsheet does; a little too tall is harmless, too short clips.
LINE_HEIGHT = 15.0  # points per line of 11 pt Calibri/Carlito
BOLD_WIDTH = 1.12  # a bold character is wider than a regular one


def text_lines(text: object, width: float, bold: bool = False) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide."""
    if text is None or text == "":
        return 1
    text = str(text)
    letters = [c for c in text if c.isalpha()]
    # Capitals are wider than the '0' a column width counts in, lower case narrower: an
    # all-capitals name ("PROGRAM PENUNJANG ...") takes a third more room than a mixed one.
    upper = sum(c.isupper() for c in letters) / len(letters) if letters else 0.0
    char = (0.92 + 0.33 * upper) * (BOLD_WIDTH if bold else 1.0)
    chars = max(1, int((width - 1) / char))
    return sum(max(1, len(textwrap.wrap(part, chars, break_on_hyphens=False))) for part in text.split("\n"))


def fit_row(ws, row: int, bold: bool = False) -> float:
    """Set `row`'s height to hold the wrapped text of each of its cells; returns the height."""
    lines = 1
    for cell in ws[row]:
        if cell.value is None or cell.coordinate in ws.merged_cells:
            continue
        width = ws.column_dimensions[cell.column_letter].width or 8.43
        lines = max(lines, text_lines(cell.value, width, bold or bool(cell.font and cell.font.b)))
    height = lines * LINE_HEIGHT + 3
    ws.row_dimensions[row].height = height
    return height


def print_setup(ws, header_row: int | None = None, landscape: bool = True) -> None:
    """A4, one page wide (as many pages tall as needed), the table's header row on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # 0: no limit on pages down
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    if header_row:
        ws.print_title_rows = f"{header_row}:{header_row}"
    ws.oddFooter.center.text = xlsx.PAGE_FOOTER


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
        xlsx.put(ws, i, 1, text).font = Font(bold=True, size=12)
        ws.cell(i, 1).alignment = Alignment(horizontal="center")
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=ncols)
    return len(lines) + 2


Format = str | Callable[[float], str]


def _table(ws, start: int, headers: list[str], rows: list[list], widths: list[float],
           formats: dict[int, Format] | None = None, inputs: frozenset[int] = frozenset()) -> None:
    # A header word is never split: each column is at least as wide as its longest bold word.
    widths = [max(w, math.ceil(max(len(word) for word in h.split()) * BOLD_WIDTH + 2)) for w, h in zip(widths, headers)]
    for c, h in enumerate(headers, start=1):
        xlsx.put(ws, start, c, h)
    _style_header(ws, start, len(headers))
    for r, values in enumerate(rows, start=start + 1):
        for c, v in enumerate(values, start=1):
            cell = xlsx.put(ws, r, c, v)
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center" if c == 1 else None, vertical="top", wrap_text=True)
            if formats and c in formats and isinstance(v, (int, float)) and not isinstance(v, bool):
                fmt = formats[c]
                cell.number_format = fmt if isinstance(fmt, str) else fmt(v)
            if c in inputs:
                cell.fill = INPUT_FILL
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    for r in range(start, start + 1 + len(rows)):
        fit_row(ws, r, bold=r == start)
    ws.freeze_panes = ws.cell(start + 1, 1)
    print_setup(ws, start)


def _identity(ws, pairs: list[tuple[str, object]]) -> None:
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 60
    for r, (label, value) in enumerate(pairs, start=1):
        label_cell = xlsx.put(ws, r, 1, label)
        label_cell.font = Font(bold=True)
        label_cell.alignment = Alignment(vertical="top")  # level with its value, which may wrap
        cell = xlsx.put(ws, r, 2, value)
        cell.number_format = "@"  # NIP and codes stay text
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        fit_row(ws, r)
    print_setup(ws, landscape=False)


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
                       "Target Tahunan"], rows, [5, 8, 40, 50, 10, 10, 12, 16], {8: number_format})
    ws = wb.create_sheet("RA")
    start = _title(ws, [f"RENCANA AKSI TAHUN {year}", signer.jabatan.upper()], 9)
    rows = [[i, x.kode, x.indikator, *x.ra, x.aksi, signer.jabatan] for i, x in enumerate(indicators, start=1)]
    _table(ws, start, ["No", "Kode", "Indikator Kinerja", "Target TW I", "Target TW II", "Target TW III", "Target TW IV",
                       "Rencana Aksi", "Penanggung Jawab"], rows, [5, 8, 50, 12, 12, 12, 12, 45, 30],
           {c: number_format for c in (4, 5, 6, 7)})
    ws = wb.create_sheet("Anggaran")
    start = _title(ws, [f"PROGRAM/KEGIATAN DAN ANGGARAN TAHUN {year}", signer.jabatan.upper()], 4)
    rows = [[i, p.kode, p.nama, p.pagu] for i, p in enumerate(programs, start=1)]
    _table(ws, start, ["No", "Kode", "Program/Kegiatan", "Pagu (Rp)"], rows, [5, 14, 60, 20], {4: RUPIAH})
    with atomic_path(path) as tmp:
        wb.save(tmp)
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
           {5: number_format, 6: number_format}, inputs=frozenset({6, 7, 8, 9}))
    ws = wb.create_sheet("Anggaran")
    start = _title(ws, [f"REALISASI ANGGARAN TRIWULAN {ROMAN[quarter]} TAHUN {year}", signer.jabatan.upper()], 5)
    rows = [[i, p.kode, p.nama, p.pagu, s] for i, (p, s) in enumerate(zip(programs, spent), start=1)]
    _table(ws, start, ["No", "Kode", "Program/Kegiatan", "Pagu (Rp)", "Realisasi TW (Rp)"], rows, [5, 14, 60, 20, 20],
           {4: RUPIAH, 5: RUPIAH}, inputs=frozenset({5}))
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


# ---------------------------------------------------------------- quarterly forms sent to units

OPEN_FILL = PatternFill("solid", fgColor="FFF2CC")  # the cells an official fills
PAST_FILL = PatternFill("solid", fgColor="EDEDED")  # earlier quarters: shown, not editable


def scale_choices() -> dict[str, list[str]]:
    """Dropdown values per qualitative scale, best first, from the capaian engine's scales."""
    return {**{name: list(reversed(order)) for name, order in SCALES.items()},
            "level": [f"Level {n}" for n in range(1, 6)], "bulan": [m.title() for m in MONTHS]}


INSTRUCTIONS = [
    "PETUNJUK PENGISIAN FORMULIR REALISASI KINERJA",
    "",
    "1. Isi hanya sel berwarna kuning. Sel lain dikunci karena berasal dari Perjanjian Kinerja dan Rencana Aksi.",
    "2. Sheet 'Realisasi': isi kolom 'Realisasi TW' dengan capaian triwulan ini saja (bukan kumulatif) untuk "
    "indikator dengan cara akumulasi Jumlah; untuk Akhir dan Rata-rata isi nilai posisi triwulan ini.",
    "3. Tulis angka sebagai angka, tanpa satuan: 45,5 bukan '45,5 %'; Rupiah tanpa 'Rp' dan tanpa titik ribuan.",
    "4. Indikator kualitatif (opini, predikat, level, bulan) dipilih dari daftar pilihan pada sel.",
    f"5. {REALISASI_BELUM_ADA} Triwulan tanpa target boleh dikosongkan.",
    "6. Bila realisasi di bawah target, kolom Kendala dan Tindak Lanjut wajib diisi.",
    "7. Kolom 'Bukti Dukung' diisi tautan dokumen pendukung (mis. Google Drive atau aplikasi daerah).",
    "8. Sheet 'Anggaran': isi realisasi anggaran triwulan ini saja (Rupiah), per program/kegiatan.",
    "9. Realisasi triwulan sebelumnya (abu-abu) hanya untuk dibaca; perbaikannya diajukan lewat koreksi. "
    "Hanya realisasi yang sudah diparaf yang ditampilkan: kolom triwulan yang belum diparaf dikosongkan.",
    "10. Jangan mengubah nama sheet, urutan kolom, atau isian sheet 'Identitas'. Simpan sebagai .xlsx lalu kirim.",
]


# The realisasi cell's input message and error alert (within Excel's 255 and 225 characters).
NUMBER_PROMPT = f"Angka realisasi triwulan ini, tanpa satuan (mis. 45,5). {REALISASI_BELUM_ADA}"
NUMBER_ERROR = f"Realisasi harus berupa angka 0 atau lebih. {REALISASI_BELUM_ADA}"


@dataclass(frozen=True)
class FormIndicator:
    """One indicator as the quarterly form shows it (values already read from the PK workbook)."""

    kode: str
    indikator: str
    satuan: str
    akumulasi: str
    target_tw: object  # number or qualitative text, as to be printed
    target_sd: object
    previous: Sequence[object]  # realisasi TW I..n-1 as reported
    choices: Sequence[str] = ()  # a qualitative scale: the cell becomes a dropdown


@dataclass(frozen=True)
class FormProgram:
    kode: str
    nama: str
    pagu: object
    previous: object  # realisasi up to the previous quarter


def _lock(ws, open_cells: list[str]) -> None:
    for ref in open_cells:
        ws[ref].protection = Protection(locked=False)
        ws[ref].fill = OPEN_FILL
    # No password: the lock prevents accidents, it is not a security boundary.
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # officials may still widen columns


def write_realisasi_form(path: Path, code: str, year: int, quarter: int, signer: Signer,
                         indicators: Sequence[FormIndicator], programs: Sequence[FormProgram],
                         pending: dict[int, str] | None = None) -> Path:
    """The realisasi form of one PK for one quarter: pre-filled, locked except the cells to
    fill, with validation, dropdowns and instructions. Filled, it is a realisasi workbook.

    `pending`: earlier quarters not initialled, with why ("TW II belum diparaf: ..."); their
    columns are left empty (the caller passes no value for them) and say so, on the Petunjuk
    sheet and in a comment on each of their cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Petunjuk"
    ws.column_dimensions["A"].width = 110
    for r, line in enumerate(INSTRUCTIONS, start=1):
        xlsx.put(ws, r, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
    ws["A1"].font = Font(bold=True, size=12)
    xlsx.put(ws, len(INSTRUCTIONS) + 2, 1, f"Formulir {code}, Triwulan {ROMAN[quarter]} Tahun {year}, dibuat oleh sakip.")
    pending = pending or {}
    for r, q in enumerate(sorted(pending), start=len(INSTRUCTIONS) + 4):
        xlsx.put(ws, r, 1, f"Catatan: {pending[q]}").font = Font(bold=True, color="A4000F")
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
    for r in range(2, ws.max_row + 1):  # the title (12 pt, one line) keeps the default height
        fit_row(ws, r)
    print_setup(ws)
    ws.protection.sheet = True

    ws = wb.create_sheet("Identitas")
    _identity(ws, [("Kode PK", code), ("Tahun", str(year)), ("Triwulan", ROMAN[quarter]), ("NIP", signer.nip),
                   ("Nama", signer.nama), ("Jabatan", signer.jabatan)])
    ws.protection.sheet = True

    ws = wb.create_sheet("Realisasi")
    past = [f"Realisasi TW {ROMAN[q]} (lalu)" for q in range(1, quarter)]
    headers = ["No", "Kode", "Indikator Kinerja", "Satuan", "Cara Akumulasi", "Target TW", f"Target s.d. TW {ROMAN[quarter]}",
               *past, "Realisasi TW", "Kendala", "Tindak Lanjut", "Bukti Dukung"]
    start = _title(ws, [f"REALISASI KINERJA TRIWULAN {ROMAN[quarter]} TAHUN {year}", signer.jabatan.upper()], len(headers))
    rows = [[i, x.kode, x.indikator, x.satuan, x.akumulasi.title(), x.target_tw, x.target_sd, *x.previous, None, None, None, None]
            for i, x in enumerate(indicators, start=1)]
    value_col = 8 + len(past)
    _table(ws, start, headers, rows, [5, 8, 40, 10, 11, 12, 12, *[12] * len(past), 14, 30, 30, 24],
           {c: number_format for c in range(6, value_col)})
    for r in range(start + 1, start + 1 + len(rows)):
        for c in range(8, value_col):
            ws.cell(r, c).fill = PAST_FILL
            if c - 7 in pending:
                ws.cell(r, c).comment = Comment(xlsx.cell_text(pending[c - 7]), "sakip")
    number_rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 showInputMessage=True, showErrorMessage=True, promptTitle="Realisasi",
                                 prompt=NUMBER_PROMPT, errorTitle="Bukan angka", error=NUMBER_ERROR)
    ws.add_data_validation(number_rule)
    open_cells = []
    for i, x in enumerate(indicators):
        r = start + 1 + i
        cell = ws.cell(r, value_col)
        open_cells += [cell.coordinate] + [ws.cell(r, c).coordinate for c in range(value_col + 1, value_col + 4)]
        if x.choices:
            # '-' only where the quarter has no target: with a target it is refused (REALISASI_BELUM_ADA).
            listed = list(x.choices) if x.target_tw not in (None, "", "-") else ["-", *x.choices]
            choice = DataValidation(type="list", formula1='"' + ",".join(listed) + '"', allow_blank=True,
                                    showInputMessage=True, showErrorMessage=True, promptTitle="Realisasi",
                                    prompt=f"Pilih nilai dari daftar. {REALISASI_BELUM_ADA}", errorTitle="Nilai tidak dikenal",
                                    error="Pilih salah satu nilai dari daftar.")
            ws.add_data_validation(choice)
            choice.add(cell)
        else:
            number_rule.add(cell)
            cell.number_format = NUMBER_INPUT
        if x.satuan.strip() == "%":
            cell.comment = Comment("Tulis 45,5 untuk 45,5 % (tanpa tanda %).", "sakip")
    _lock(ws, open_cells)

    ws = wb.create_sheet("Anggaran")
    headers = ["No", "Kode", "Program/Kegiatan", "Pagu (Rp)", f"Realisasi s.d. TW {ROMAN[quarter - 1]} (Rp)" if quarter > 1
               else "Realisasi sebelumnya (Rp)", "Realisasi TW (Rp)"]
    start = _title(ws, [f"REALISASI ANGGARAN TRIWULAN {ROMAN[quarter]} TAHUN {year}", signer.jabatan.upper()], len(headers))
    rows = [[i, p.kode, p.nama, p.pagu, p.previous, None] for i, p in enumerate(programs, start=1)]
    budget_note = "; ".join(pending[q] for q in sorted(pending))
    _table(ws, start, headers, rows, [5, 14, 56, 18, 20, 20], {4: RUPIAH, 5: RUPIAH})
    money_rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                showInputMessage=True, showErrorMessage=True, promptTitle="Realisasi anggaran",
                                prompt="Isi realisasi anggaran triwulan ini saja, dalam Rupiah tanpa titik ribuan.",
                                errorTitle="Bukan angka", error="Realisasi anggaran harus berupa angka 0 atau lebih.")
    ws.add_data_validation(money_rule)
    cells = [ws.cell(start + 1 + i, 6) for i in range(len(programs))]
    for cell in cells:
        money_rule.add(cell)
        cell.number_format = RUPIAH
    for i in range(len(programs)):
        ws.cell(start + 1 + i, 5).fill = PAST_FILL
        if budget_note:  # a total over quarters not all initialled is not shown
            ws.cell(start + 1 + i, 5).comment = Comment(xlsx.cell_text(budget_note), "sakip")
    _lock(ws, [c.coordinate for c in cells])
    for sheet in wb.worksheets:  # open on Realisasi, where the work is
        sheet.sheet_view.tabSelected = sheet.title == "Realisasi"
    wb.active = wb.sheetnames.index("Realisasi")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def _decimal(value: object) -> Decimal:
    # str() first: Decimal(0.1) is the binary expansion 0.1000000000000000055..., not 0.1
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _shown(value: Decimal | None, text: str) -> object:
    """A value for a cell: numbers as numbers (ints when whole), otherwise the text as read."""
    if value is None or (isinstance(value, float) and value != value):
        return text or None
    value = _decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def generate_forms(inputs: Path, outputs: Path, year: int, quarter: int) -> list[Path]:
    """Write the realisasi form of every PK of the period into outputs/<year>/TW<n>/formulir/.

    Earlier quarters are prefilled only where they count (paraf.earlier.earlier_standing, from the runs
    recorded under `outputs`): a returned, unchecked or since-changed quarter is left empty with
    a note "TW II belum diparaf: ...", and so is the budget total up to the previous quarter."""
    period = read_period(inputs, year, quarter - 1)  # the PKs, and the quarters already reported
    if period.pks.empty:
        return []
    standing, _ = earlier_standing(period, outputs, before=quarter)
    written = []
    choices = scale_choices()
    by_pk = {k: g for k, g in period.indicators.groupby("pk", sort=False)} if not period.indicators.empty else {}
    budgets = {k: g for k, g in period.budgets.groupby("pk", sort=False)} if not period.budgets.empty else {}
    # Earlier quarters indexed once: (pk, quarter, code) -> value as shown; (pk, program) -> total
    reported = {} if period.realisasi.empty else {
        (r["pk"], r["triwulan"], r["kode"]): _shown(r["realisasi"], r["realisasi_text"])
        for r in period.realisasi.to_dict("records")}
    spent: dict[tuple[str, str], Decimal] = {}
    for r in ([] if period.realisasi_budget.empty else period.realisasi_budget.to_dict("records")):
        if r["realisasi_anggaran"] is not None and r["realisasi_anggaran"] == r["realisasi_anggaran"]:
            key = (r["pk"], r["kode_program"])
            spent[key] = spent.get(key, Decimal(0)) + _decimal(r["realisasi_anggaran"])
    for row in period.pks[period.pks["readable"]].to_dict("records"):
        pk = row["pk"]
        cfg = period.config_for(pk)
        who = period.official(pk)
        pending = {q: f"TW {ROMAN[q]} belum diparaf: {standing[(pk, q)].why}" for q in range(1, quarter)
                   if (pk, q) in standing and not standing[(pk, q)].counts}
        items = []
        for ind in by_pk.get(pk, []).to_dict("records") if pk in by_pk else []:
            targets = capaian.quarter_targets(ind)
            this, to_date = targets[quarter - 1], capaian.target_to_date(targets, quarter, ind["akumulasi"])
            previous = [None if q in pending else reported.get((pk, q, ind["kode"])) for q in range(1, quarter)]
            ranked = capaian.rank(str(ind["target_tahunan_text"] or "")) if ind["target_tahunan_status"] != "angka" else None
            items.append(FormIndicator(
                kode=ind["kode"], indikator=ind["indikator"], satuan=ind["satuan"], akumulasi=ind["akumulasi"],
                target_tw=_shown(this.value, this.text), target_sd=_shown(to_date.value, to_date.text),
                previous=previous, choices=choices.get(ranked[0], ()) if ranked else ()))
        programs = []
        for b in budgets[pk].to_dict("records") if pk in budgets else []:
            total = spent.get((pk, b["kode_program"]), Decimal(0))
            programs.append(FormProgram(b["kode_program"], b["program"], _shown(b["pagu"], b["pagu_text"]),
                                        _shown(total, "") if quarter > 1 and not pending else None))
        signer = Signer(who.nip or "", who.nama, who.jabatan, cfg.instansi.nama)
        folder = period_dir(outputs, year, quarter) / "formulir"
        if row["instansi"]:
            folder = folder / safe_component(row["instansi"])
        written.append(write_realisasi_form(folder / f"{safe_component(pk)}.xlsx", pk, year, quarter, signer, items, programs,
                                            pending))
    return written


def fill_realisasi_form(form: Path, out: Path, realisasi: dict[str, Realisasi], spent: Sequence[object]) -> Path:
    """Fill a generated form's open cells as a unit would (values typed or pasted) and save it
    as `out`. Used by the demo and the tests; pasting bypasses Excel's validation, as it does
    in real offices, so the values are written as given."""
    wb = openpyxl.load_workbook(form)
    ws = wb["Realisasi"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=20) if r[0].value == "No")
    col = {c.value: c.column for c in header}
    for row in ws.iter_rows(min_row=header[0].row + 1):
        kode = row[col["Kode"] - 1].value
        if kode in realisasi:
            r = realisasi[kode]
            for name, value in (("Realisasi TW", r.value), ("Kendala", r.kendala), ("Tindak Lanjut", r.tindak_lanjut),
                                ("Bukti Dukung", r.bukti)):
                xlsx.write(ws.cell(row[0].row, col[name]), None if value == "" else value)
    ws = wb["Anggaran"]
    header = next(r for r in ws.iter_rows(min_row=1, max_row=20) if r[0].value == "No")
    target = next(c.column for c in header if c.value == "Realisasi TW (Rp)")
    for i, value in enumerate(spent):
        xlsx.write(ws.cell(header[0].row + 1 + i, target), value)
    with atomic_path(out) as tmp:
        wb.save(tmp)
    return out
