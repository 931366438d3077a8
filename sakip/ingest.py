"""Read the PK and realisasi workbooks of a period into pandas frames.

Every value keeps where it came from (a `Location` in the ``<field>_loc`` column) so that paraf
can point an official to the exact cell. Numeric fields are parsed by `parse_number`, one rule
for the whole project; the raw text stays in ``<field>_text``.

Layout of ``inputs/`` (see inputs/README.md)::

    <year>/instansi.toml
    <year>/pk/*.xlsx                 one PK workbook per official
    <year>/realisasi/tw<n>/*.xlsx    one realisasi workbook per official and quarter

where a workbook may also be a folder of CSV files, one per sheet (``pk/PK-SEK/PK.csv``, ...),
for agencies that export from other systems;

or, for a government with many agencies (a regency's OPDs) run as one period, the same layout
once per agency in ``<year>/<agency>/``. PK codes are unique across the whole period.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import multiprocessing
import os
import re
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl
from openpyxl.utils import get_column_letter
from rapidfuzz.distance import Levenshtein

from . import config as config_mod
from . import filecheck
from .asn import nip_problem
from .config import Konfigurasi, Pejabat
from .errors import ConfigError, InputError, Location, visible
from .model import Finding, Reading, Status

if TYPE_CHECKING:  # pandas is imported where frames are built: reader processes do without it
    import pandas as pd

POLARITIES = {"positif": "positif", "+": "positif", "negatif": "negatif", "-": "negatif"}
ACCUMULATIONS = {
    "jumlah": "jumlah",
    "akhir": "akhir",
    "posisi akhir": "akhir",
    "rata-rata": "rata-rata",
    "rata rata": "rata-rata",
}
EMPTY_MARKS = {"", "-", "–", "—", "n/a", "na"}
EXCEL_ERRORS = {"#DIV/0!", "#REF!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!"}

# Column headers as printed on the forms, normalised (lower case, single spaces).
PK_COLUMNS = {
    "kode": ("kode", "kode indikator"),
    "sasaran": ("sasaran strategis", "sasaran"),
    "indikator": ("indikator kinerja", "indikator"),
    "satuan": ("satuan",),
    "polaritas": ("polaritas",),
    "akumulasi": ("cara akumulasi", "akumulasi"),
    "target_tahunan": ("target tahunan", "target"),
    "rumus_negatif": ("rumus negatif", "rumus polaritas negatif"),  # optional: per-indicator override
    "boleh_negatif": ("boleh negatif", "realisasi boleh negatif"),  # optional: "Ya" where values can be < 0
}
RA_COLUMNS = {
    "kode": ("kode", "kode indikator"),
    "target_tw1": ("target tw i", "target tw 1", "target triwulan i"),
    "target_tw2": ("target tw ii", "target tw 2", "target triwulan ii"),
    "target_tw3": ("target tw iii", "target tw 3", "target triwulan iii"),
    "target_tw4": ("target tw iv", "target tw 4", "target triwulan iv"),
    "rencana_aksi": ("rencana aksi",),
    "penanggung_jawab": ("penanggung jawab",),
}
BUDGET_COLUMNS = {
    "kode_program": ("kode", "kode program"),
    "program": ("program/kegiatan", "program / kegiatan", "program"),
    "pagu": ("pagu (rp)", "pagu"),
}
REALISASI_COLUMNS = {
    "kode": ("kode", "kode indikator"),
    "satuan_form": ("satuan",),  # read for the number rule only: the PK's satuan is the one that counts
    "realisasi": ("realisasi tw", "realisasi"),
    "kendala": ("kendala", "permasalahan/kendala"),
    "tindak_lanjut": ("tindak lanjut", "upaya/tindak lanjut"),
    "bukti_dukung": ("bukti dukung",),
}
REALISASI_BUDGET_COLUMNS = {
    "kode_program": ("kode", "kode program"),
    "realisasi_anggaran": ("realisasi tw (rp)", "realisasi (rp)", "realisasi tw", "realisasi"),
}
OPTIONAL = {"rencana_aksi", "penanggung_jawab", "kendala", "tindak_lanjut", "bukti_dukung", "satuan_form", "rumus_negatif", "boleh_negatif"}
NUMERIC = {
    "target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4",
    "pagu", "realisasi", "realisasi_anggaran",
}

_NUMBER_TEXT = re.compile(r"^[+-]?[\d.,]+$")
_GROUPED = re.compile(r"^\d{1,3}([.,]\d{3})+$")


def _norm(text: Any) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).lower() if text is not None else ""


class Formula(str):
    """A formula found where the file holds no computed value (never recalculated by Excel)."""


def parse_number(raw: Any, satuan: str = "", percent_cell: bool = False) -> Reading:
    """Read a cell that should hold a number, by one documented rule.

    * Numeric cells are taken as they are (a cell formatted as a percentage holds 0,55 for
      55 %, so it is scaled by 100).
    * Text is read the Indonesian way first: "1.234,5" and "4,25"; a lone "." followed by other
      than three digits is a decimal point ("78.95" is 78,95); "1,234.5" (English) is accepted.
    * A lone "." or "," followed by exactly three digits ("1.234", "144.000") is ambiguous and is
      reported, never guessed, except for Rupiah where it can only be thousands.
    * "", "-", "n/a" mean missing; Excel errors (#DIV/0!, #REF!) and formulas without a
      computed value are reported as such.
    """
    if raw is None:
        return Reading(None, Status.EMPTY, "")
    if isinstance(raw, Formula):
        return Reading(None, Status.FORMULA, str(raw),
                       "rumus ini belum pernah dihitung; buka berkas di Excel lalu simpan ulang, atau isi angkanya langsung")
    if isinstance(raw, bool):
        return Reading(None, Status.TEXT, str(raw))
    if isinstance(raw, (int, float)):
        value = Decimal(str(raw))
        if percent_cell:
            value = (value * 100).normalize()
        return Reading(value, Status.NUMBER, str(raw))
    text = str(raw).strip()
    if text.upper() in EXCEL_ERRORS:
        return Reading(None, Status.EXCEL_ERROR, text, "hasil rumus Excel berupa galat; perbaiki rumusnya atau isi angkanya langsung")
    if text.lower() in EMPTY_MARKS:
        return Reading(None, Status.EMPTY, text)
    core = re.sub(r"(?i)^rp\.?|%$", "", text.replace("\u00a0", "").replace(" ", "")).strip()
    if not core or not _NUMBER_TEXT.match(core):
        return Reading(None, Status.TEXT, text)
    sign = "-" if core.startswith("-") else ""
    digits = core.lstrip("+-")
    is_rupiah = text.lower().startswith("rp") or "rp" in _norm(satuan) or "rupiah" in _norm(satuan)
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal_sep = "," if digits.rfind(",") > digits.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        whole, _, frac = digits.rpartition(decimal_sep)
        if digits.count(decimal_sep) > 1 or not _GROUPED.match(whole) and thousands in whole:
            return Reading(None, Status.TEXT, text)
        normal = whole.replace(thousands, "") + "." + frac
    elif dots + commas == 0:
        normal = digits
    else:
        sep = "." if dots else ","
        if dots + commas > 1:
            if not _GROUPED.match(digits):
                return Reading(None, Status.TEXT, text)
            normal = digits.replace(sep, "")
        else:
            whole, _, frac = digits.partition(sep)
            if len(frac) == 3 and whole not in ("", "0"):
                if not is_rupiah:
                    return Reading(
                        None, Status.AMBIGUOUS, text,
                        f"'{text}' bisa dibaca {whole}{frac} (ribuan) atau {whole},{frac} (desimal)",
                    )
                normal = whole + frac
            else:
                normal = whole + "." + frac
    try:
        value = Decimal(sign + normal)
    except InvalidOperation:
        return Reading(None, Status.TEXT, text)
    return Reading(value, Status.NUMBER_TEXT, text)


@dataclass
class PeriodData:
    """Everything read for one year and quarter; frames hold one row per PK / indicator / program."""

    year: int
    quarter: int
    configs: dict[str, Konfigurasi]  # by agency folder ("" when inputs/<year> is one agency)
    pks: pd.DataFrame  # carries the agency of each PK in column "instansi"
    indicators: pd.DataFrame
    budgets: pd.DataFrame
    realisasi: pd.DataFrame  # one row per PK, quarter 1..n and indicator code
    realisasi_budget: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # workbooks that name no known PK
    roots: dict[str, Path] = field(default_factory=dict)  # agency -> its folder (holding instansi.toml)
    _agency: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _inputs: dict[str, list[Path]] | None = field(default=None, init=False, repr=False, compare=False)

    def records(self, name: str) -> list[dict[str, Any]]:
        """The rows of one frame ("pks", "indicators", ...) as dicts."""
        frame = getattr(self, name)
        return [] if frame.empty else frame.to_dict("records")

    def pk_codes(self) -> list[str]:
        return [] if self.pks.empty else list(self.pks["pk"])

    @property
    def config(self) -> Konfigurasi:
        """The configuration of a single-agency period."""
        if len(self.configs) != 1:
            raise ValueError("a period of several agencies has one configuration per PK: use config_for(pk)")
        return next(iter(self.configs.values()))

    def agency(self, pk: str) -> str:
        if self._agency is None:
            self._agency = dict(zip(self.pks["pk"], self.pks["instansi"])) if not self.pks.empty else {}
        return self._agency[pk]

    def config_for(self, pk: str) -> Konfigurasi:
        return self.configs[self.agency(pk)]

    def official(self, pk: str) -> Pejabat:
        nip = self.pks.loc[self.pks["pk"] == pk, "nip"].iloc[0]
        found = self.config_for(pk).official_by_nip(nip)
        if found is None:  # ingest reports unknown NIPs, so a PK that got this far has one
            raise KeyError(f"no official with NIP {nip}")
        return found[1]

    def inputs_of(self, pk: str) -> list[Path]:
        """Every file a PK's documents were made from: instansi.toml, its PK workbook and its
        realisasi workbooks of quarters 1..quarter (for a CSV-folder workbook, its CSV files:
        the keys and manifests hash files)."""
        if self._inputs is None:
            # One pass over the frames for every PK: filtering them per PK cost ~1 ms a PK, and
            # planning, the agency keys and packaging each ask for every PK's inputs.
            found: dict[str, dict[Path, None]] = {}
            for frame in (self.pks, self.realisasi, self.realisasi_budget):
                if not frame.empty:
                    for code, file in zip(frame["pk"], frame["file"]):
                        if isinstance(file, str) and file:
                            path = Path(file)
                            for part in (_csv_files(path) if path.is_dir() else [path]):
                                found.setdefault(code, {})[part] = None
            self._inputs = {code: list(files) for code, files in found.items()}
        files = [self.roots[self.agency(pk)] / "instansi.toml"] if self.agency(pk) in self.roots else []
        return list(dict.fromkeys(files + self._inputs.get(pk, [])))

    def only(self, pks: list[str]) -> "PeriodData":
        """The same period limited to some PKs (for reruns of corrected workbooks)."""
        keep = set(pks)

        def cut(frame: pd.DataFrame) -> pd.DataFrame:
            return frame if frame.empty else frame[frame["pk"].isin(keep)].reset_index(drop=True)

        return PeriodData(self.year, self.quarter, self.configs, cut(self.pks), cut(self.indicators),
                          cut(self.budgets), cut(self.realisasi), cut(self.realisasi_budget),
                          [f for f in self.findings if f.pk in keep], self.orphans, self.roots)


Cell = tuple[Any, str]  # (value, number format); CSV cells have the format "csv"
ROMAN_TOKENS = {"i", "ii", "iii", "iv"}
# A closing sum row: its first filled cell says only this (an indicator named "Jumlah dokumen ..."
# with its code missing is not one, and is kept so that paraf reports the missing code).
_TOTAL_ROW = re.compile(r"^(jumlah|total)( total| keseluruhan| seluruhnya| anggaran)?\s*:?$")


_UPPER_WORDS = {"tw", "pk", "nip", *ROMAN_TOKENS}


def label(alias: str) -> str:
    """A header or sheet name as printed on the forms ("target tw ii" -> "Target TW II")."""
    def word(w: str) -> str:
        if w.strip("()") in _UPPER_WORDS:
            return w.upper()
        return re.sub(r"[a-z]", lambda m: m.group().upper(), w, count=1)

    return " ".join("/".join(word(part) for part in w.split("/")) for w in alias.split())


def _near(header: str, alias: str) -> int | None:
    """The edit distance if `header` is a plausible typo of `alias`, else None.

    Small (1 for short names, 2 otherwise) and word by word, and a quarter numeral never
    changes: "Realisasi TW I (lalu)" or "Target TW I" must never pass for another column.
    """
    words, alias_words = header.split(), alias.split()
    if len(words) != len(alias_words):
        return None
    if any((w in ROMAN_TOKENS or a in ROMAN_TOKENS) and w != a for w, a in zip(words, alias_words)):
        return None
    d = Levenshtein.distance(header, alias, score_cutoff=2)
    return d if 0 < d <= (1 if len(alias) <= 6 else 2) else None


@dataclass
class _Header:
    row: int  # the last header row; data starts below it
    columns: dict[str, int | None]
    notes: list[tuple[int, str]]  # (column, what was read leniently)


def _match_headers(headers: dict[str, tuple[int, str]], columns: dict[str, tuple[str, ...]]) -> tuple[dict[str, int | None], list[tuple[int, str]]]:
    """Columns by field: exact names first, then unclaimed headers within a small edit distance."""
    found: dict[str, int | None] = {k: None for k in columns}
    claimed: set[int] = set()
    for key, aliases in columns.items():
        col = next((headers[a][0] for a in aliases if a in headers and headers[a][0] not in claimed), None)
        if col is not None:
            found[key] = col
            claimed.add(col)
    notes = []
    for key, aliases in columns.items():
        if found[key] is not None:
            continue
        near = sorted({(d, col, text) for name, (col, text) in headers.items() if col not in claimed
                       for a in aliases if (d := _near(name, a)) is not None})
        if near and (len(near) == 1 or near[0][0] < near[1][0]):
            _, col, text = near[0]
            found[key] = col
            claimed.add(col)
            notes.append((col, f"judul kolom '{text}' dibaca sebagai '{label(aliases[0])}'"))
    return found, notes


def _header_cells(row: list[Cell]) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    for c, (v, _) in enumerate(row):
        if v is not None and _norm(v):
            out.setdefault(_norm(v), (c, " ".join(str(v).split())))
    return out


def _two_row_headers(upper: list[Cell], lower: list[Cell]) -> dict[str, tuple[int, str]]:
    """Headers spread over two rows: a merged group cell ("Target") over its columns ("TW I", ...),
    and single cells merged down over both rows (read as the upper value)."""
    width = max(len(upper), len(lower))
    up = [_norm(upper[c][0]) if c < len(upper) else "" for c in range(width)]
    low = [(" ".join(str(lower[c][0]).split()) if c < len(lower) and lower[c][0] is not None else "") for c in range(width)]
    out: dict[str, tuple[int, str]] = {}
    group = ""
    for c in range(width):
        if up[c]:
            group = up[c] if low[c] else ""  # a group heads columns with their own names below
            text = f"{up[c]} {low[c]}".strip()
        elif low[c]:
            text = f"{group} {low[c]}".strip()
        else:
            group = ""
            continue
        out.setdefault(_norm(text), (c, text))
    return out


class _Sheet:
    """One worksheet (or one CSV file) read into memory as values with their number formats."""

    def __init__(self, shown: str, name: str, rows: list[list[Cell]], book: "_Book | None" = None,
                 csv_file: str = "") -> None:
        self.shown, self.name, self.rows, self.book, self.csv_file = shown, name, rows, book, csv_file

    def loc(self, row: int, col: int) -> Location:
        cell = f"{get_column_letter(col + 1)}{row + 1}"
        if self.csv_file:
            return Location(self.csv_file, "", cell)
        return Location(self.shown, self.name, cell)

    def where(self) -> Location:
        return Location(self.csv_file) if self.csv_file else Location(self.shown, self.name)

    def identity(self) -> dict[str, tuple[Any, Location]]:
        """Label/value pairs in the first two columns."""
        out: dict[str, tuple[Any, Location]] = {}
        for r, row in enumerate(self.rows):
            if len(row) >= 2 and row[0][0] is not None:
                out[_norm(row[0][0]).rstrip(":").strip()] = (row[1][0], self.loc(r, 1))
        return out

    def header(self, columns: dict[str, tuple[str, ...]]) -> _Header:
        """The header row among the first 20 (or two rows, when a header is merged over two)."""
        required = [k for k in columns if k not in OPTIONAL]
        for h, row in enumerate(self.rows[:20]):
            candidates = [_header_cells(row)]
            if h:
                candidates.append(_two_row_headers(self.rows[h - 1], row))
            for headers in candidates:
                found, notes = _match_headers(headers, columns)
                if all(found[k] is not None for k in required):
                    return _Header(h, found, notes)
        names = ", ".join(f"'{label(columns[k][0])}'" for k in required)
        raise InputError(self.where(), f"baris judul kolom tidak ditemukan di 20 baris pertama (harus memuat {names})")

    def table(self, columns: dict[str, tuple[str, ...]], notes: list[tuple[Location, str]] | None = None) -> Iterator[dict[str, Any]]:
        """Rows below the header row, keyed by field; each field gives (value, number_format, loc).

        Blank rows and a closing "Jumlah"/"Total" row are skipped; headers read leniently are
        added to `notes`.
        """
        head = self.header(columns)
        if notes is not None:
            notes += [(self.loc(head.row, col), text) for col, text in head.notes]
        key = next(iter(columns))
        width = max((c + 1 for c, (v, _) in enumerate(self.rows[head.row]) if _text(v)), default=0)
        for r in range(head.row + 1, len(self.rows)):
            row = self.rows[r]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v, _ in row):
                continue
            if self.csv_file and len(row) > width and any(_text(v) for v, _ in row[width:]):
                extra = next(c for c in range(width, len(row)) if _text(row[c][0]))
                raise InputError(self.loc(r, extra), "baris ini memiliki lebih banyak kolom daripada judul kolom; "
                                 "bila angka desimal memakai koma, pemisah kolom harus titik koma (;) atau nilai diberi tanda kutip")
            item: dict[str, Any] = {}
            for field_name, col in head.columns.items():
                if col is None:
                    item[field_name] = (None, "General", None)
                    continue
                value, fmt = row[col] if col < len(row) else (None, "General")
                if value is None and field_name in NUMERIC and self.book is not None:
                    value = self.book.formula(self.name, r, col)
                item[field_name] = (value, fmt, self.loc(r, col))
            if not _text(item[key][0]) and _TOTAL_ROW.match(next((_norm(v) for v, _ in row if _text(v)), "")):
                continue
            yield item


class _Book:
    """A workbook's sheets; formulas are looked up (second, lazy read) only where a value is missing."""

    def __init__(self, path: Path, shown: str) -> None:
        self.path, self.shown = path, shown
        self._formulas: dict[str, dict[tuple[int, int], str]] | None = None

    def formula(self, sheet: str, row: int, col: int) -> Formula | None:
        if self._formulas is None:
            self._formulas = {}
            with _load(self.path, self.shown, data_only=False) as wb:
                for ws in wb.worksheets:
                    ws.reset_dimensions()
                    with _reading(Location(self.shown, ws.title)):  # this read is lazy: outside _open_workbook
                        self._formulas[ws.title] = {
                            (r, c): cell.value for r, cells in enumerate(ws.iter_rows(max_row=MAX_ROWS))
                            for c, cell in enumerate(cells) if isinstance(cell.value, str) and cell.value.startswith("=")}
        found = self._formulas.get(sheet, {}).get((row, col))
        return Formula(found) if found else None


# Rows read per sheet: a PK has tens of indicators, a budget sheet down to sub-kegiatan a few
# hundred rows. Reading stops at the first filled row past the limit, so a 100 000-row sheet
# costs the time of 2 000.
MAX_ROWS = 2000
MAX_CSV_BYTES = 10 * 2**20  # a CSV is decoded whole; a sheet's CSV is a few KB


@contextlib.contextmanager
def _reading(where: Location) -> Iterator[None]:
    """Turn any failure while parsing a file into an InputError naming it; InputErrors pass.

    openpyxl parses sheets lazily (iter_rows), so a broken part can fail far from load_workbook,
    with errors of the zip, zlib, XML and openpyxl's own descriptors; one unit's broken file must
    return that PK, never stop the period with a traceback.
    """
    try:
        yield
    except InputError:
        raise
    except Exception as exc:
        raise InputError(where, filecheck.damaged(exc)) from exc


def _open_workbook(path: Path, shown: str) -> dict[str, _Sheet]:
    if path.is_dir():
        return _open_csv_folder(path, shown)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(Location(shown), f"format berkas '{path.suffix}' tidak didukung: simpan sebagai "
                                          "Excel Workbook (.xlsx), atau sebagai folder berisi CSV per sheet")
    filecheck.check_workbook(path, shown)
    book = _Book(path, shown)
    sheets = {}
    with _load(path, shown, data_only=True) as wb:
        for ws in wb.worksheets:
            ws.reset_dimensions()  # some exporters write a wrong <dimension>; never cut a sheet short
            with _reading(Location(shown, ws.title)):
                rows = _rows_within_limit(ws, shown)
            sheets[_norm(ws.title)] = _Sheet(shown, ws.title, rows, book)
    return sheets


@contextlib.contextmanager
def _load(path: Path, shown: str, data_only: bool) -> Iterator[Any]:
    """A workbook opened read-only from an open file: openpyxl judges a path by its extension and
    refuses a valid workbook named "..xlsx" (no extension to os.path.splitext)."""
    with path.open("rb") as f:
        with _reading(Location(shown)):
            wb = openpyxl.load_workbook(f, read_only=True, data_only=data_only)
        try:
            yield wb
        finally:
            wb.close()


def _rows_within_limit(ws: Any, shown: str) -> list[list[Cell]]:
    """The sheet's rows; blank rows past MAX_ROWS are passed over, a filled one stops the read."""
    rows: list[list[Cell]] = []
    for n, row in enumerate(ws.iter_rows(), start=1):
        cells = [(c.value, getattr(c, "number_format", "General") or "General") for c in row]
        if n <= MAX_ROWS:
            rows.append(cells)
            continue
        filled = [c for c, (v, _) in enumerate(cells) if v is not None and str(v).strip()]
        if filled:
            # The location names the sheet, not the cell: a correction workbook annotates a copy
            # of the file at a cell, and this file is too large to copy.
            raise InputError(Location(shown, ws.title), _too_many_rows(n, f"{get_column_letter(filled[0] + 1)}{n}"))
    return rows


def _too_many_rows(row: int, cell: str) -> str:
    from .formatting import number

    return (f"isian melewati batas {number(MAX_ROWS)} baris per sheet (ada isian di baris {number(row)}, sel {cell}); formulir "
            "PK/realisasi hanya memuat puluhan baris, jadi pembacaan dihentikan di sini. Hapus baris yang tidak diperlukan "
            "(atau pindahkan data lain ke berkas terpisah) lalu kirim ulang")


CSV_DELIMITERS = ";,\t|"


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), UTF-16 (Excel's "Unicode Text", with its
    BOM), else Windows-1252, the encoding of a "CSV (Comma delimited)" saved by Excel on an
    Indonesian Windows."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and not p.name.startswith((".", "~$")))


def _open_csv_folder(folder: Path, shown: str) -> dict[str, _Sheet]:
    """A workbook given as a folder of CSV files named after its sheets (Identitas.csv, PK.csv, ...)."""
    files = _csv_files(folder)
    if not files:
        raise InputError(Location(shown), "folder ini tidak berisi berkas CSV (satu berkas .csv per sheet, mis. Identitas.csv)")
    sheets = {}
    for path in files:
        where = f"{shown}/{path.name}"
        with _reading(Location(where)):
            sheets[_norm(path.stem)] = _Sheet(shown, path.stem, _csv_rows(path, where), csv_file=where)
    return sheets


def _csv_rows(path: Path, where: str) -> list[list[Cell]]:
    size = path.stat().st_size
    if size == 0:
        raise InputError(Location(where), "berkas CSV kosong (0 byte); ekspor ulang sheet ini dari Excel")
    if size > MAX_CSV_BYTES:
        raise InputError(Location(where), f"berkas CSV ini berukuran {filecheck.megabytes(size)} (batas {filecheck.megabytes(MAX_CSV_BYTES)}); satu sheet "
                                          "formulir hanya beberapa KB: periksa apakah berkas yang benar yang dikirim")
    data = path.read_bytes()
    if data.startswith(filecheck.ZIP_MAGIC + (filecheck.OLE_MAGIC, b"%PDF")) or (b"\x00" in data[:4096] and not data.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))):
        raise InputError(Location(where), "berkas ini bukan CSV (teks) melainkan berkas biner, mis. workbook Excel yang diberi "
                                          "nama .csv; di Excel pilih Save As 'CSV UTF-8 (Comma delimited)' untuk setiap sheet")
    text = _decode(data)
    if not text.strip():
        raise InputError(Location(where), "berkas CSV kosong")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=CSV_DELIMITERS)
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if text.count(";") >= text.count(",") else ","
    rows: list[list[Cell]] = []
    for n, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
        if n > MAX_ROWS:
            if any(v.strip() for v in record):
                raise InputError(Location(where), _too_many_rows(n, f"A{n}"))
            continue
        rows.append([(v if v.strip() else None, "csv") for v in record])
    filled = [(r, row) for r, row in enumerate(rows) if any(v is not None for v, _ in row)]
    if filled and sum(len(row) <= 1 for _, row in filled) >= 0.8 * len(filled):
        # A sheet of the forms has at least two columns: one column means the separator was not
        # one sakip knows, and every line would be read as one long label.
        r, row = filled[0]
        line = str(row[0][0]) if row else ""
        used = sorted(((line.count(ch), ch) for ch in set(line) if not ch.isalnum() and ch not in " .-_/()%'\"&"), reverse=True)
        guess = f" (tampaknya memakai '{used[0][1]}')" if used else ""
        raise InputError(Location(where, "", f"A{r + 1}"),
                         f"semua isian berada dalam satu kolom: pemisah kolom tidak dikenali{guess}; sakip mengenali titik koma (;), "
                         "koma (,), tab dan garis tegak (|). Simpan ulang dari Excel sebagai 'CSV UTF-8 (Comma delimited)'")
    return rows


def csv_folder_rows(folder: Path, shown: str = "") -> dict[str, list[list[Any]]]:
    """The sheets of a CSV-folder workbook as rows of cell texts, by sheet name."""
    return {s.name: [[v for v, _ in row] for row in s.rows] for s in _open_csv_folder(folder, shown or folder.name).values()}


def _sheet(sheets: dict[str, _Sheet], shown: str, name: str, notes: list[tuple[Location, str]] | None = None) -> _Sheet:
    """A sheet by name, ignoring case and spaces; a name one or two letters off is taken with a note."""
    want = _norm(name)
    if want in sheets:
        return sheets[want]
    near = sorted((d, key) for key in sheets if (d := _near(key, want)) is not None)
    if near and (len(near) == 1 or near[0][0] < near[1][0]):
        found = sheets[near[0][1]]
        if notes is not None:
            notes.append((found.where(), f"sheet '{found.name}' dibaca sebagai sheet '{name}'"))
        return found
    have = ", ".join(f"'{s.name}'" for s in sheets.values())
    raise InputError(Location(shown), f"sheet '{name}' tidak ada (yang ada: {have})")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _fields(item: dict[str, Any], satuan: str = "") -> dict[str, Any]:
    """Flatten a table row into value/_status/_text/_loc columns."""
    out: dict[str, Any] = {}
    for key, (value, fmt, loc) in item.items():
        out[f"{key}_loc"] = loc
        if key in NUMERIC:
            reading = parse_number(value, satuan, "%" in str(fmt))
            if fmt == "csv" and reading.status == Status.NUMBER_TEXT:
                reading = replace(reading, status=Status.NUMBER)  # CSV has no number type: text is normal
            out[key] = reading.value
            out[f"{key}_status"] = str(reading.status)
            out[f"{key}_text"] = reading.text
            out[f"{key}_note"] = reading.note
        else:
            out[key] = _text(value)
    return out


def _identity_value(ident: dict[str, tuple[Any, Location]], key: str, sheet: _Sheet) -> tuple[str, Location]:
    shown = label(key)
    if key not in ident or _text(ident[key][0]) == "":
        raise InputError(sheet.where(), f"isian '{shown}' kosong atau tidak ada")
    value, loc = ident[key]
    if isinstance(value, float) and abs(value) >= 1e15:
        # Excel keeps 15 significant digits: an 18-digit NIP typed as a number has lost its last digits
        raise InputError(loc, f"isian '{shown}' tersimpan sebagai angka ({value:.0f}) sehingga digit "
                              "terakhirnya hilang; format sel sebagai Teks lalu ketik ulang")
    return _text(value), loc


Notes = list[tuple[Location, str]]

# --- identity codes -------------------------------------------------------------------------------
# PK and indicator codes join the PK to its realisasi and name output folders. A code is ASCII
# letters, digits, '-', '.' and '_': a look-alike typed from another script (Cyrillic 'К'), a
# typographic dash, a zero-width space or a full-width letter looks the same on screen but never
# matches, so it is refused at its cell with the character named. Folding such characters
# (NFKC, or a confusables table) is not done: it would silently merge two codes that differ in
# the file, and an identity must be what was written. The fold is only offered as a hint.
CODE_MAX_LENGTH = 40
_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._")
_LOOK_ALIKES = {
    **dict(zip("АВЕКМНОРСТХУІЈЅаеорсхуіјѕ", "ABEKMHOPCTXYIJSaeopcxyijs")),  # Cyrillic
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧοικν", "ABEZHIKMNOPTYXoikv")),  # Greek
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"),  # dashes and minus signs
}


def _char_name(ch: str) -> str:
    name = unicodedata.name(ch, "tanpa nama Unicode")
    shown = f"'{ch}' " if ch.isprintable() and not ch.isspace() else ""
    return f"{shown}({name}, U+{ord(ch):04X})"


def code_problem(code: str, what: str, pk_code: bool = False) -> str | None:
    """What is wrong with an identity code, in Indonesian, or None when it may be used.

    A PK code must also end with a letter or digit, so that as a folder name under outputs/ it
    is exactly the code (outputs.safe_component strips trailing dots and underscores).
    """
    if not code:
        return None
    shown = visible(code)
    if len(code) > CODE_MAX_LENGTH:
        return f"{what} '{shown[:60]}' terlalu panjang ({len(code)} karakter, paling banyak {CODE_MAX_LENGTH})"
    allowed = "kode hanya boleh berisi huruf A-Z, angka 0-9, tanda hubung (-), titik (.) dan garis bawah (_)"
    for i, ch in enumerate(code, start=1):
        if ch in _CODE_CHARS:
            continue
        folded = _LOOK_ALIKES.get(ch) or unicodedata.normalize("NFKC", ch)
        if ch in "/\\":
            why = "garis miring tidak boleh dipakai karena kode menjadi nama folder keluaran"
        elif ch.isspace() or unicodedata.category(ch).startswith("C"):
            why = "karakter ini tidak terlihat di layar; hapus lalu ketik ulang kodenya"
        elif folded != ch and all(c in _CODE_CHARS for c in folded):
            why = f"tampak seperti '{folded}' tetapi karakter lain; ketik ulang dengan papan ketik biasa"
        else:
            why = "ketik ulang kodenya dengan papan ketik biasa"
        return f"{what} '{shown}' memuat karakter {_char_name(ch)} pada posisi ke-{i}: {why}; {allowed}"
    if not code[0].isalnum():
        return f"{what} '{code}' harus diawali huruf atau angka; {allowed}"
    if ".." in code:
        return f"{what} '{code}' memuat dua titik berurutan (..); {allowed}"
    if pk_code and not code[-1].isalnum():
        return f"{what} '{code}' harus diakhiri huruf atau angka"
    return None


def _check_code(code: str, loc: Location | None, what: str, pk_code: bool = False) -> None:
    if (problem := code_problem(code, what, pk_code)) is not None:
        raise InputError(loc or Location(""), problem)


def read_pk_workbook(path: Path, shown: str = "") -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """One PK workbook: identity, indicators with their RA targets, and program budgets.

    `shown` is how messages name the file (by default its name). What was read leniently (a
    header or sheet name with a typo) is listed in the identity's ``catatan``. Whatever fails
    while the file is parsed is an InputError naming the file.
    """
    shown = shown or path.name
    with _reading(Location(shown)):
        return _read_pk(path, shown)


def _read_pk(path: Path, shown: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    notes: Notes = []
    sheets = _open_workbook(path, shown)
    ident_sheet = _sheet(sheets, shown, "Identitas", notes)
    ident = ident_sheet.identity()
    code, code_loc = _identity_value(ident, "kode pk", ident_sheet)
    _check_code(code, code_loc, "Kode PK", pk_code=True)
    year, year_loc = _identity_value(ident, "tahun", ident_sheet)
    nip, nip_loc = _identity_value(ident, "nip", ident_sheet)
    pk = {
        "pk": code, "pk_loc": code_loc, "tahun": year, "tahun_loc": year_loc,
        "nip": nip.replace(" ", ""), "nip_loc": nip_loc,
        "nama": _text(ident.get("nama", ("", None))[0]), "file": str(path), "berkas": shown, "catatan": notes,
    }
    indicators = []
    for item in _sheet(sheets, shown, "PK", notes).table(PK_COLUMNS, notes):
        satuan = _text(item["satuan"][0])
        row = _fields(item, satuan)
        _check_code(row["kode"], row["kode_loc"], "Kode indikator")
        row["polaritas"] = POLARITIES.get(_norm(row["polaritas"]), row["polaritas"])
        row["akumulasi"] = ACCUMULATIONS.get(_norm(row["akumulasi"]), row["akumulasi"])
        indicators.append(row)
    satuan_of = {row["kode"]: row["satuan"] for row in indicators}
    ra = {}
    for item in _sheet(sheets, shown, "RA", notes).table(RA_COLUMNS, notes):
        row = _fields(item, satuan_of.get(_text(item["kode"][0]), ""))
        _check_code(row["kode"], row["kode_loc"], "Kode indikator")
        ra.setdefault(row["kode"], row)
    for row in indicators:
        targets = ra.get(row["kode"])
        if targets is None:
            row["ra_missing"] = True
            targets = {k: v for k, v in _fields({k: (None, "General", None) for k in RA_COLUMNS}).items() if k != "kode"}
        else:
            row["ra_missing"] = False
        row.update({k: v for k, v in targets.items() if not k.startswith("kode")})
    budgets = [_fields(item, "Rupiah") for item in _sheet(sheets, shown, "Anggaran", notes).table(BUDGET_COLUMNS, notes)]
    return pk, indicators, budgets


def read_realisasi_workbook(path: Path, shown: str = "") -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """One quarterly realisasi workbook: identity, realisasi per indicator, budget realisation."""
    shown = shown or path.name
    with _reading(Location(shown)):
        return _read_realisasi(path, shown)


def _read_realisasi(path: Path, shown: str) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    notes: Notes = []
    sheets = _open_workbook(path, shown)
    ident_sheet = _sheet(sheets, shown, "Identitas", notes)
    ident = ident_sheet.identity()
    code, code_loc = _identity_value(ident, "kode pk", ident_sheet)
    _check_code(code, code_loc, "Kode PK", pk_code=True)
    tw, tw_loc = _identity_value(ident, "triwulan", ident_sheet)
    head = {"pk": code, "pk_loc": code_loc, "triwulan_text": tw, "triwulan_loc": tw_loc, "file": str(path),
            "berkas": shown, "catatan": notes}
    columns = REALISASI_COLUMNS
    if q := _quarter_of(tw):  # "Realisasi TW II" in the quarter's own workbook is this quarter's column
        roman = ("i", "ii", "iii", "iv")[q - 1]
        columns = {**columns, "realisasi": (*columns["realisasi"], f"realisasi tw {roman}", f"realisasi triwulan {roman}")}
    rows = [_fields(item, _text(item["satuan_form"][0]))
            for item in _sheet(sheets, shown, "Realisasi", notes).table(columns, notes)]
    for row in rows:
        _check_code(row["kode"], row["kode_loc"], "Kode indikator")
    budget = [_fields(item, "Rupiah")
              for item in _sheet(sheets, shown, "Anggaran", notes).table(REALISASI_BUDGET_COLUMNS, notes)]
    for row in rows:
        del row["satuan_form"], row["satuan_form_loc"]
    return head, rows, budget


QUARTER_WORDS = {"1": 1, "i": 1, "2": 2, "ii": 2, "3": 3, "iii": 3, "4": 4, "iv": 4}


def _quarter_of(text: str) -> int | None:
    word = _norm(text).replace("triwulan", "").replace("tw", "").strip()
    return QUARTER_WORDS.get(word)


SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv", ".numbers"}


def workbooks(folder: Path) -> list[Path]:
    """The workbooks of a folder in name order: .xlsx files and folders of CSV files.

    Other spreadsheet files (.xls, .ods, a loose .csv) are listed too, so that reading them
    reports the format instead of skipping a unit's submission in silence. Only what an office
    program leaves beside a file is left out: Office (~$...) and LibreOffice (.~lock...) lock
    files and macOS resource forks (._...); any other name, even one starting with a dot
    ("..xlsx" is a valid name), is read, and what it holds decides; hidden folders are tools', not CSV workbooks.
    """
    if not folder.is_dir():
        return []
    found = []
    for p in folder.iterdir():
        if p.name.startswith(("~$", ".~lock.", "._")) or p.name == ".DS_Store":
            continue
        if p.is_dir() and not p.name.startswith(".") and any(c.suffix.lower() == ".csv" for c in p.iterdir()):
            found.append(p)
        elif p.is_file() and p.suffix.lower() in SPREADSHEET_SUFFIXES:
            found.append(p)
    return sorted(found)


def agencies(inputs: Path, year: int) -> dict[str, Path]:
    """The agency folders of a period: inputs/<year> itself, or each inputs/<year>/<agency>/."""
    base = inputs / str(year)
    if (base / "instansi.toml").is_file():
        return {"": base}
    found = {p.name: p for p in sorted(base.iterdir()) if (p / "instansi.toml").is_file()} if base.is_dir() else {}
    if not found:
        raise ConfigError(f"{base / 'instansi.toml'}: berkas konfigurasi instansi tidak ditemukan "
                          f"(juga tidak ada subfolder instansi yang memuat instansi.toml)")
    return found


PARALLEL_FROM = 40  # workbooks; below this a process pool costs more than it saves


def _read_one(job: tuple[str, Path, str]) -> tuple | InputError:
    kind, path, shown = job
    reader = read_pk_workbook if kind == "pk" else read_realisasi_workbook
    try:
        return reader(path, shown)
    except InputError as exc:
        return exc


def read_workbooks(jobs: list[tuple[str, Path, str]], workers: int | None = None) -> list[tuple | InputError]:
    """Read (kind, path, shown) workbooks, in order, each result or its InputError.

    openpyxl spends ~9 ms of pure Python per small workbook, so a regency's ~1000 workbooks are
    read by one process per core. Workers are spawned, not forked: the flow runs with threads
    (Prefect's, the GX warm-up) and forking a threaded process can deadlock the child.
    """
    workers = workers or os.cpu_count() or 1
    if len(jobs) < PARALLEL_FROM or workers < 2:
        return [_read_one(j) for j in jobs]
    context = multiprocessing.get_context("spawn")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            return list(pool.map(_read_one, jobs, chunksize=max(1, len(jobs) // (workers * 4))))
    except BrokenProcessPool:
        folder = os.path.commonpath([str(j[1].parent) for j in jobs])
        raise InputError(Location(folder), "proses pembaca workbook berhenti tiba-tiba (kehabisan memori? "
                                           "periksa berkas yang sangat besar atau rusak)") from None


def _readable_twin(path: Path, books: list[Path], read: dict[Path, Any]) -> Path | None:
    """Another workbook of the same name that was read (PK-SEK.xlsx beside a stray PK-SEK.xls)."""
    return next((p for p in books if p != path and p.stem == path.stem and not isinstance(read[p], InputError)), None)


def _notes(pk: str, notes: Notes) -> list[Finding]:
    # Notes quote sheet names and column headers as written, which may hold anything.
    return [Finding(pk, "warning", loc, "", visible(text[:1].upper() + text[1:]), "Sebaiknya gunakan formulir dari sakip tanpa mengubah "
                    "judul kolom atau nama sheet.", "berkas.judul",
                    "Judul kolom dan nama sheet seperti pada formulir") for loc, text in notes]


def read_period(inputs: Path, year: int, quarter: int) -> PeriodData:
    """Read instansi.toml, every PK workbook and the realisasi workbooks of quarters 1..quarter,
    for each agency of the period."""
    base = inputs / str(year)
    roots = agencies(inputs, year)
    configs = {name: config_mod.load(root / "instansi.toml") for name, root in roots.items()}
    # Folders listed once; every workbook read up front (in parallel), then judged in order.
    pk_books = {agency: workbooks(root / "pk") for agency, root in roots.items()}
    real_books = {(agency, q): workbooks(root / "realisasi" / f"tw{q}")
                  for agency, root in roots.items() for q in range(1, quarter + 1)}
    jobs = [("pk", path, str(path.relative_to(base))) for books in pk_books.values() for path in books]
    jobs += [("realisasi", path, str(path.relative_to(base))) for books in real_books.values() for path in books]
    read = dict(zip((j[1] for j in jobs), read_workbooks(jobs)))
    findings: list[Finding] = []
    pks, indicators, budgets, orphans = [], [], [], []
    seen: dict[str, tuple[str, str]] = {}  # PK code -> (agency, workbook as shown)
    for agency, root in roots.items():
        cfg = configs[agency]
        for path in pk_books[agency]:
            shown = str(path.relative_to(base))
            result = read[path]
            if isinstance(result, InputError):
                exc = result
                if twin := _readable_twin(path, pk_books[agency], read):
                    orphans.append(f"{exc} (diabaikan: PK ini dibaca dari {visible(twin.name)})")
                    continue
                key = visible(path.stem)  # no code to key it by: its file name, shown as it is
                findings.append(Finding(key, "error", exc.location, "", exc.message, "Perbaiki berkas sesuai format PK lalu kirim ulang.",
                                        "berkas.terbaca", "Workbook PK terbaca sesuai format"))
                pks.append({"pk": key, "instansi": agency, "file": str(path), "berkas": shown, "nip": "", "nama": "", "readable": False})
                continue
            pk, rows, budget = result
            findings += _notes(pk["pk"], pk.pop("catatan"))
            if pk["pk"] in seen:
                findings.append(Finding(pk["pk"], "error", pk["pk_loc"], pk["pk"],
                                        f"Kode PK '{pk['pk']}' juga dipakai di {seen[pk['pk']][1]}",
                                        "Setiap PK harus memiliki kode yang unik.", "berkas.kode_pk_unik",
                                        "Kode PK tidak dipakai workbook lain"))
                continue
            seen[pk["pk"]] = (agency, shown)
            # A NIP that is not even well formed is reported once, by the pejabat suite's NIP rule
            # (nip_problem, at this cell): "not registered" on top would only repeat it.
            if nip_problem(pk["nip"], year) is None and cfg.official_by_nip(pk["nip"]) is None:
                findings.append(Finding(pk["pk"], "error", pk["nip_loc"], pk["nip"],
                                        f"NIP {pk['nip']} tidak terdaftar sebagai pejabat di instansi.toml",
                                        "Isi NIP pejabat penanda tangan PK (18 digit) persis seperti di instansi.toml.",
                                        "berkas.nip_terdaftar", "NIP pejabat PK terdaftar di instansi.toml"))
            if pk["tahun"] != str(year):
                findings.append(Finding(pk["pk"], "error", pk["tahun_loc"], pk["tahun"],
                                        f"Tahun PK tertulis {pk['tahun']}, sedangkan periode yang diproses {year}",
                                        f"Isi tahun {year}.", "berkas.tahun", f"Tahun PK {year}"))
            pk["readable"] = True
            pk["instansi"] = agency
            pks.append(pk)
            indicators += [{"pk": pk["pk"], **r} for r in rows]
            budgets += [{"pk": pk["pk"], **b} for b in budget]

    realisasi, realisasi_budget = [], []
    for agency in roots:
        for q in range(1, quarter + 1):
            sources: dict[str, str] = {}
            for path in real_books[(agency, q)]:
                shown = str(path.relative_to(base))
                result = read[path]
                if isinstance(result, InputError):
                    exc = result
                    owner = path.stem if seen.get(path.stem, ("",))[0] == agency else None
                    if twin := _readable_twin(path, real_books[(agency, q)], read):
                        orphans.append(f"{exc} (diabaikan: realisasi dibaca dari {visible(twin.name)})")
                    elif owner is None:
                        orphans.append(f"{exc}")
                    elif q == quarter:
                        findings.append(Finding(owner, "error", exc.location, "", exc.message, "Perbaiki berkas sesuai format realisasi lalu kirim ulang.",
                                                "berkas.terbaca", "Workbook realisasi terbaca sesuai format"))
                    continue
                head, rows, budget = result
                code = head["pk"]
                if code not in seen or seen[code][0] != agency:
                    orphans.append(f"{visible(shown)}: Kode PK '{code}' tidak ada di daftar PK tahun {year}"
                                   + (f" instansi {agency}" if agency else ""))
                    continue
                if code in sources:
                    if q == quarter:
                        findings.append(Finding(code, "error", head["pk_loc"], code,
                                                f"Realisasi {code} triwulan {q} dikirim dua kali ({sources[code]} dan {path.name})",
                                                "Kirim satu berkas realisasi per PK per triwulan.", "berkas.realisasi_tunggal",
                                                "Satu berkas realisasi per PK per triwulan"))
                    continue
                sources[code] = path.name
                notes = head.pop("catatan")
                if q == quarter:
                    findings += _notes(code, notes)
                if _quarter_of(head["triwulan_text"]) != q and q == quarter:
                    findings.append(Finding(code, "error", head["triwulan_loc"], head["triwulan_text"],
                                            f"Berkas ini ada di folder triwulan {q}, tetapi isian triwulan tertulis '{head['triwulan_text']}'",
                                            f"Isi triwulan {q} atau pindahkan berkas ke folder yang benar.", "berkas.triwulan",
                                            "Isian triwulan sama dengan folder berkas"))
                where = {"pk": code, "triwulan": q, "file": str(path), "berkas": head["berkas"]}
                realisasi += [{**where, **r} for r in rows]
                realisasi_budget += [{**where, **b} for b in budget]

    import pandas as pd

    def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
        return pd.DataFrame(rows).reset_index(drop=True) if rows else pd.DataFrame()

    return PeriodData(
        year=year, quarter=quarter, configs=configs,
        pks=frame(pks), indicators=frame(indicators), budgets=frame(budgets),
        realisasi=frame(realisasi), realisasi_budget=frame(realisasi_budget),
        findings=findings, orphans=orphans, roots=roots,
    )
