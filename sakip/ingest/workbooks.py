"""Read the PK and realisasi workbooks of a period into pandas frames.

Every value keeps where it came from (a `Location` in the ``<field>_loc`` column) so that paraf
can point an official to the exact cell. Numeric fields are parsed by `numbers.parse_number`, one
rule for the whole project; the raw text stays in ``<field>_text``.

Layout of ``inputs/`` (see inputs/README.md)::

    <year>/instansi.toml
    <year>/pk/*.xlsx                 one PK workbook per official
    <year>/realisasi/tw<n>/*.xlsx    one realisasi workbook per official and quarter

where a workbook may also be a folder of CSV files, one per sheet (``pk/PK-SEK/PK.csv``, ...),
for agencies that export from other systems;

or, for a government with many agencies (a regency's OPDs) run as one period, the same layout
once per agency in ``<year>/<agency>/``. PK codes are unique across the whole period.

Reading only: what a workbook could not give (a missing sheet, a hidden row read, a character
removed) is kept as a `ReadProblem` with the workbook it came from (`PeriodData.submissions`),
and every rule that judges what was read lives in the paraf wing (sakip.paraf.berkas).
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
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import iterparse

import openpyxl
from openpyxl.utils import column_index_from_string, get_column_letter
from rapidfuzz.distance import Levenshtein

from .. import config as config_mod
from . import bacaan, filecheck, values
from ..paraf.asn import compact_nip
from ..errors import ConfigError, InputError, Location, visible
from ..formatting import as_typed, char_name, number, printable
from ..model import Identity, PeriodData, ReadProblem, Status, Submission, csv_files
from .numbers import Formula, magnitude_problem, parse_number, range_of

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
TARGETS = {"target_tahunan", "target_tw1", "target_tw2", "target_tw3", "target_tw4"}
NUMERIC = TARGETS | {"pagu", "realisasi", "realisasi_anggaran"}


def _norm(text: Any) -> str:
    return " ".join(str(text).replace("\u00a0", " ").split()).lower() if text is not None else ""


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


@dataclass(frozen=True)
class Note:
    """What reading a file found that the unit is told about without the file being refused: a
    lenient or doubtful reading, or a problem that returns the PK while the rest of the file is
    still read. `rule` is the paraf rule it falls under (sakip.paraf.berkas says how severe it
    is and how to fix it); read_period makes each a ReadProblem of its PK."""

    location: Location
    text: str
    rule: str = "berkas.judul"
    value: str = ""
    case: str = ""  # the rule's case where its fix differs ("sheet": a hidden sheet)


Notes = list[Note]

_STATES = {"hidden": "tersembunyi (hidden)", "veryHidden": "sangat tersembunyi (very hidden)"}


@dataclass(frozen=True)
class _Layout:
    """What openpyxl's read-only rows do not carry: hidden rows and columns (0-based), and the
    cells whose formula reads another workbook ((row, col) -> that workbook's name)."""

    rows: frozenset[int] = frozenset()
    cols: frozenset[int] = frozenset()
    external: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class _Header:
    row: int  # the last header row; data starts below it
    columns: dict[str, int | None]
    notes: list[tuple[int, str]]  # (column, what was read leniently)
    texts: dict[int, str] = field(default_factory=dict)  # column -> its header as written
    others: dict[int, list[int]] = field(default_factory=dict)  # column -> other columns of the same name


class _Headers(dict):
    """Header name -> (column, text as written), a visible column before a hidden one of the same
    name; `others` lists, per chosen column, the other columns that bear its name."""

    def __init__(self, entries: list[tuple[int, str, str]], hidden: frozenset[int]) -> None:
        super().__init__()
        self.others: dict[int, list[int]] = {}
        by_name: dict[str, list[tuple[int, str]]] = {}
        for col, name, text in entries:
            by_name.setdefault(name, []).append((col, text))
        for name, cols in by_name.items():
            cols.sort(key=lambda ct: ct[0] in hidden)  # stable: the first visible one, in column order
            self[name] = cols[0]
            self.others[cols[0][0]] = [c for c, _ in cols[1:]]


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


def _header_cells(row: list[Cell], hidden: frozenset[int] = frozenset()) -> _Headers:
    return _Headers([(c, _norm(v), " ".join(str(v).split())) for c, (v, _) in enumerate(row) if v is not None and _norm(v)],
                    hidden)


def _two_row_headers(upper: list[Cell], lower: list[Cell], hidden: frozenset[int] = frozenset()) -> _Headers:
    """Headers spread over two rows: a merged group cell ("Target") over its columns ("TW I", ...),
    and single cells merged down over both rows (read as the upper value)."""
    width = max(len(upper), len(lower))
    up = [_norm(upper[c][0]) if c < len(upper) else "" for c in range(width)]
    low = [(" ".join(str(lower[c][0]).split()) if c < len(lower) and lower[c][0] is not None else "") for c in range(width)]
    entries = []
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
        entries.append((c, _norm(text), text))
    return _Headers(entries, hidden)


class _Sheet:
    """One worksheet (or one CSV file) read into memory as values with their number formats.

    A sheet that is not visible (hidden, very hidden) keeps only its name: it is never read.
    """

    def __init__(self, shown: str, name: str, rows: list[list[Cell]], book: "_Book | None" = None,
                 csv_file: str = "", state: str = "visible", layout: _Layout | None = None) -> None:
        self.shown, self.name, self.rows, self.book, self.csv_file = shown, name, rows, book, csv_file
        self.state = state if state in _STATES else "visible"
        self.layout = layout or _Layout()

    def loc(self, row: int, col: int) -> Location:
        cell = f"{get_column_letter(col + 1)}{row + 1}"
        if self.csv_file:
            return Location(self.csv_file, "", cell)
        return Location(self.shown, self.name, cell)

    def where(self) -> Location:
        return Location(self.csv_file) if self.csv_file else Location(self.shown, self.name)

    def hidden(self, row: int, col: int) -> bool:
        return row in self.layout.rows or col in self.layout.cols

    def external_note(self, row: int, col: int) -> Note | None:
        """A warning for a cell whose formula takes its value from another workbook."""
        source = self.layout.external.get((row, col))
        if source is None:
            return None
        return Note(self.loc(row, col),
                    f"sel ini berisi rumus yang mengambil nilai dari workbook lain ('{source}'); sakip membaca nilai yang "
                    "terakhir tersimpan di berkas ini, yang belum tentu sama dengan isi workbook itu sekarang",
                    "berkas.tautan_eksternal")

    def identity(self) -> dict[str, list[tuple[Any, Location, bool]]]:
        """Label/value pairs in the first two columns: label -> every (value, cell, hidden)."""
        out: dict[str, list[tuple[Any, Location, bool]]] = {}
        for r, row in enumerate(self.rows):
            if len(row) >= 2 and row[0][0] is not None:
                out.setdefault(_norm(row[0][0]).rstrip(":").strip(), []).append((row[1][0], self.loc(r, 1), self.hidden(r, 1)))
        return out

    def header(self, columns: dict[str, tuple[str, ...]]) -> _Header:
        """The header row among the first 20 (or two rows, when a header is merged over two)."""
        required = [k for k in columns if k not in OPTIONAL]
        hidden = self.layout.cols
        for h, row in enumerate(self.rows[:20]):
            candidates = [_header_cells(row, hidden)]
            if h:
                candidates.append(_two_row_headers(self.rows[h - 1], row, hidden))
            for headers in candidates:
                found, notes = _match_headers(headers, columns)
                if all(found[k] is not None for k in required):
                    texts = {col: text for col, text in headers.values()}
                    return _Header(h, found, notes, texts, headers.others)
        names = ", ".join(f"'{label(columns[k][0])}'" for k in required)
        raise InputError(self.where(), f"baris judul kolom tidak ditemukan di 20 baris pertama (harus memuat {names})")

    def _column_notes(self, head: _Header, notes: Notes) -> None:
        """Hidden columns read, hidden columns of the same name passed over (a visible one is
        read), and two visible columns of one name (refused: which one counts is not guessed).
        A column read only to help a rule (the form's own Satuan) is not the unit's data."""
        for col in (c for f, c in head.columns.items() if c is not None and f not in NOT_PRINTED):
            text, letter = head.texts.get(col, ""), get_column_letter(col + 1)
            if col in self.layout.cols:
                notes.append(Note(self.loc(head.row, col), f"kolom {letter} ('{text}') disembunyikan (hidden) tetapi tetap dibaca",
                                  "berkas.tersembunyi"))
            for other in head.others.get(col, []):
                where = get_column_letter(other + 1)
                if other in self.layout.cols:
                    notes.append(Note(self.loc(head.row, other),
                                      f"kolom {where} yang disembunyikan (hidden) berjudul sama ('{text}') tidak dibaca; yang "
                                      f"dibaca kolom {letter}", "berkas.tersembunyi"))
                else:
                    raise InputError(self.loc(head.row, other),
                                     f"judul kolom '{text}' ada dua, di kolom {letter} dan {where}; sakip tidak menebak mana yang "
                                     "berlaku: hapus kolom yang tidak dipakai atau ganti judulnya")

    def table(self, columns: dict[str, tuple[str, ...]], notes: Notes | None = None) -> Iterator[dict[str, Any]]:
        """Rows below the header row, keyed by field; each field gives (value, number_format, loc).

        Blank rows and a closing "Jumlah"/"Total" row are skipped; headers read leniently,
        hidden rows and columns read, and cells taken from another workbook are added to `notes`.
        """
        notes = notes if notes is not None else []
        head = self.header(columns)
        notes += [Note(self.loc(head.row, col), text) for col, text in head.notes]
        self._column_notes(head, notes)
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
            if r in self.layout.rows:
                code = _text(item[key][0])
                notes.append(Note(item[key][2] or self.loc(r, 0),
                                  f"baris {r + 1} disembunyikan (hidden) tetapi tetap dibaca" + (f" (kode '{code}')" if code else ""),
                                  "berkas.tersembunyi"))
            notes += [n for col in head.columns.values() if col is not None and (n := self.external_note(r, col))]
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


def _open_workbook(path: Path, shown: str) -> list[_Sheet]:
    if path.is_dir():
        return _open_csv_folder(path, shown)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise InputError(Location(shown), f"format berkas '{path.suffix}' tidak didukung: simpan sebagai "
                                          "Excel Workbook (.xlsx), atau sebagai folder berisi CSV per sheet")
    filecheck.check_workbook(path, shown)
    book = _Book(path, shown)
    if (fast := _fast_sheets(path, shown, book)) is not None:
        return fast
    sheets = []
    with _load(path, shown, data_only=True) as wb:
        links = _link_names(wb)
        for ws in wb.worksheets:
            state = getattr(ws, "sheet_state", "visible")
            if state in _STATES:  # never read: what the checker cannot see is not what gets signed
                sheets.append(_Sheet(shown, ws.title, [], book, state=state))
                continue
            ws.reset_dimensions()  # some exporters write a wrong <dimension>; never cut a sheet short
            with _reading(Location(shown, ws.title)):
                rows = _rows_within_limit(ws, shown)
                layout = _layout(ws, links)
            sheets.append(_Sheet(shown, ws.title, rows, book, layout=layout))
    return sheets


def _fast_sheets(path: Path, shown: str, book: _Book) -> list[_Sheet] | None:
    """The sheets as openpyxl would read them, by python-calamine (sakip.ingest.values), or None
    where openpyxl must read the workbook: anything values cannot give exactly, and any failure
    (openpyxl's reading then names what is wrong, as it always did)."""
    try:
        read = values.read(path, MAX_ROWS)
    except Exception:  # values.Fallback, or a part calamine could not parse
        return None
    sheets = []
    for sheet in read:
        if sheet.state in _STATES:
            sheets.append(_Sheet(shown, sheet.title, [], book, state=sheet.state))
            continue
        with _reading(Location(shown, sheet.title)):
            layout = _parse_layout(sheet.xml, []) if _LAYOUT_MARKS.search(sheet.xml) else _Layout()
        sheets.append(_Sheet(shown, sheet.title, sheet.rows, book, layout=layout))
    return sheets


def _link_names(wb: Any) -> list[str]:
    """The file names of the workbooks this one links to, by their index in formulas ([1] first)."""
    names = []
    for link in getattr(wb, "_external_links", []):  # openpyxl keeps them only here
        target = str(getattr(getattr(link, "file_link", None), "Target", "") or "")
        names.append(re.split(r"[\\/]", target.rstrip("\\/"))[-1] or target or "?")
    return names


# A sheet's XML holds what read-only rows do not: hidden rows (hidden="1", a zero height, or
# zeroHeight on the sheet: every row hidden unless shown) and columns (hidden, zero width), and
# formulas. Parsed a second time only when one of these marks is in its bytes.
_LAYOUT_MARKS = re.compile(rb'hidden="(?:1|true)"|zeroHeight="(?:1|true)"|\b(?:ht|width)="0(?:\.0*)?"|\[|\.xl|\.ods|\.csv')
# A reference into another workbook as Excel stores it: [n]Sheet!A1, '[n]Sheet name'!A1, [n]!Name;
# or with the file named: [data.xlsx]Sheet!A1, 'C:\dir\[data.xlsx]Sheet'!A1, 'C:\dir\data.xlsx'!Name.
# A structured reference (Tabel1[Kolom], Tabel1[[#This Row],[2026]]) is not one: its "[" follows a
# name, and no "!" follows.
_EXTERNAL_INDEX = re.compile(r"(?:^|[^\w.\]'])\[(\d+)\][\w.]*!|'\[(\d+)\][^']*'!")
_EXTERNAL_FILE = re.compile(r"\[([^\[\]]+\.(?:xlsx|xlsm|xlsb|xls|xltx|xltm|ods|csv))\]|'([^']*\.(?:xlsx|xlsm|xlsb|xls|ods|csv))'!",
                            re.IGNORECASE)
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def external_source(formula: str, links: list[str]) -> str | None:
    """The workbook a formula reads from, when it reads another workbook; else None."""
    if found := _EXTERNAL_INDEX.search(formula):
        n = int(found.group(1) or found.group(2))
        return links[n - 1] if 0 < n <= len(links) else f"[{n}]"
    if found := _EXTERNAL_FILE.search(formula):
        return re.split(r"[\\/]", found.group(1) or found.group(2))[-1]
    return None


def _layout(ws: Any, links: list[str]) -> _Layout:
    # The sheet's part in the open archive (openpyxl's read-only sheet reads it the same way);
    # its size was bounded by filecheck before anything was parsed, and it holds no DTD.
    with ws._get_source() as src:
        data = src.read()
    return _parse_layout(data, links) if _LAYOUT_MARKS.search(data) else _Layout()


def _flag(value: str | None) -> bool | None:
    return None if value is None else value.strip().lower() in ("1", "true")


def _zero(value: str | None) -> bool:
    try:
        return value is not None and float(value) == 0
    except ValueError:
        return False


def _parse_layout(data: bytes, links: list[str]) -> _Layout:
    rows: set[int] = set()
    cols: set[int] = set()
    external: dict[tuple[int, int], str] = {}
    shared: dict[str, str] = {}  # shared formula index -> the formula its first cell holds
    rows_hidden_by_default = False
    row = col = 0
    for event, el in iterparse(io.BytesIO(data), events=("start", "end")):
        tag = el.tag.rpartition("}")[2]
        if event == "start":
            if tag == "sheetFormatPr":
                rows_hidden_by_default = bool(_flag(el.get("zeroHeight")))
            elif tag == "row":
                row = _whole(el.get("r"), row + 1)
                col = 0
                hidden, height = _flag(el.get("hidden")), el.get("ht")
                if hidden or _zero(height) or (rows_hidden_by_default and hidden is None and height is None):
                    rows.add(row - 1)
            elif tag == "col" and (_flag(el.get("hidden")) or _zero(el.get("width"))):
                first = _whole(el.get("min"), 1)
                cols.update(range(first - 1, min(_whole(el.get("max"), first), 16384)))
            elif tag == "c":
                ref = _CELL_REF.match(el.get("r") or "")
                col = column_index_from_string(ref.group(1).upper()) if ref else col + 1
                if ref:
                    row = int(ref.group(2))
            continue
        if tag == "f":
            text, index = el.text or "", el.get("si")
            if el.get("t") == "shared" and index is not None:
                text = shared.setdefault(index, text) if text else shared.get(index, "")
            if source := external_source(text, links):
                external[(row - 1, col - 1)] = source
        elif tag == "row":
            el.clear()
    return _Layout(frozenset(rows), frozenset(cols), external)


def _whole(text: str | None, default: int) -> int:
    try:
        return int(float(text)) if text is not None else default
    except ValueError:
        return default


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


def _open_csv_folder(folder: Path, shown: str) -> list[_Sheet]:
    """A workbook given as a folder of CSV files named after its sheets (Identitas.csv, PK.csv, ...)."""
    files = csv_files(folder)
    if not files:
        raise InputError(Location(shown), "folder ini tidak berisi berkas CSV (satu berkas .csv per sheet, mis. Identitas.csv)")
    sheets = []
    for path in files:
        where = f"{shown}/{path.name}"
        with _reading(Location(where)):
            sheets.append(_Sheet(shown, path.stem, _csv_rows(path, where), csv_file=where))
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
    return {s.name: [[v for v, _ in row] for row in s.rows] for s in _open_csv_folder(folder, shown or folder.name)}


def _sheet(sheets: list[_Sheet], shown: str, name: str, notes: Notes | None = None) -> _Sheet:
    """A visible sheet by name, ignoring case and spaces; a name one or two letters off is taken
    with a note. Hidden sheets are never read: one matching beside the sheet read is noted, one
    matching alone refuses the workbook."""
    notes = notes if notes is not None else []
    want = _norm(name)
    shown_sheets = [s for s in sheets if s.state == "visible"]
    hidden = [s for s in sheets if s.state != "visible"]
    exact = [s for s in shown_sheets if _norm(s.name) == want]
    if len(exact) > 1:
        listed = " dan ".join(f"'{s.name}'" for s in exact)
        raise InputError(Location(shown), f"ada {len(exact)} sheet bernama '{name}' ({listed}); sakip tidak menebak mana yang "
                                          "berlaku: hapus atau ganti nama sheet yang tidak dipakai")
    found = exact[0] if exact else None
    if found is None:
        near = sorted((d, i) for i, s in enumerate(shown_sheets) if (d := _near(_norm(s.name), want)) is not None)
        if near and (len(near) == 1 or near[0][0] < near[1][0]):
            found = shown_sheets[near[0][1]]
            notes.append(Note(found.where(), f"sheet '{found.name}' dibaca sebagai sheet '{name}'"))
        elif near:
            tied = " dan ".join(f"'{shown_sheets[i].name}'" for d, i in near if d == near[0][0])
            raise InputError(Location(shown), f"sheet '{name}' tidak ada, dan sheet {tied} sama-sama mirip namanya; sakip tidak "
                                              f"menebak: ganti nama sheet yang berlaku menjadi '{name}'")
    stale = [s for s in hidden if _norm(s.name) == want or _near(_norm(s.name), want) is not None]
    if found is not None:
        notes += [Note(Location(shown, s.name), f"sheet '{s.name}' yang {_STATES[s.state]} tidak dibaca; yang dibaca sheet "
                                                f"'{found.name}' yang tampak", "berkas.tersembunyi", case="sheet")
                  for s in stale]
        return found
    if stale:
        raise InputError(Location(shown, stale[0].name), _hidden_sheet_message(stale[0], name, shown_sheets))
    have = ", ".join([f"'{s.name}'" for s in shown_sheets] + [f"'{s.name}' ({_STATES[s.state]})" for s in hidden])
    raise InputError(Location(shown), f"sheet '{name}' tidak ada (yang ada: {have})")


def _hidden_sheet_message(sheet: _Sheet, name: str, shown_sheets: list[_Sheet]) -> str:
    want = _norm(name)
    copies = [s.name for s in shown_sheets if _norm(s.name).startswith(want)]  # "Realisasi (2)", "Realisasi baru"
    text = (f"sheet '{sheet.name}' {_STATES[sheet.state]}: sakip tidak membaca sheet tersembunyi, karena isinya tidak terlihat "
            "oleh yang memeriksa dan menandatangani")
    if copies:
        listed = ", ".join(f"'{c}'" for c in copies)
        return (f"{text}. Bila sheet {listed} yang tampak berisi data terbaru, ganti namanya menjadi '{name}' dan hapus sheet "
                "tersembunyi itu")
    if sheet.state == "veryHidden":
        return (f"{text}; sheet ini tidak dapat ditampilkan lewat menu Excel: salin isinya ke formulir baru dari sakip, "
                "atau kirim formulir aslinya")
    return f"{text}; tampilkan sheet itu (klik kanan tab sheet > Unhide) bila isinya memang yang berlaku, lalu kirim ulang"


def _text(value: Any) -> str:
    """A text field's value: text as written, anything else as Excel shows it, never as Python
    writes it (a date 30/06/2026, TRUE; a number in a text column keeps its '.': a program
    code 1.02 typed as a number stays '1.02')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float):
        return format(value, ".15g")
    return as_typed(value).strip()


NOT_PRINTED = {"satuan_form"}  # read for a rule, never printed


def _printed(text: str, loc: Location | None, notes: Notes | None) -> str:
    """Submitted text as it may be printed: without the characters that never show as themselves
    (a right-to-left override would print the rest of the line reversed), each removal noted."""
    clean, removed = printable(text)
    if removed and notes is not None and loc is not None:
        excerpt = clean.strip()
        excerpt = excerpt if len(excerpt) <= 80 else excerpt[:77] + "..."
        notes.append(Note(loc, f"karakter tak terlihat {', '.join(char_name(ch) for ch in removed)} dihapus dari isian sel "
                               f"ini; yang dicetak: '{excerpt}'", "berkas.karakter_tak_terlihat", visible(text)[:200]))
    return clean.strip()


def _fields(item: dict[str, Any], satuan: str = "", notes: Notes | None = None) -> dict[str, Any]:
    """Flatten a table row into value/_status/_text/_loc columns (and _rentang, the bounds of a
    target written as a range such as "70-80", else None).

    A number no report can print (not finite, 10^15 or more, or a non-zero below a millionth)
    refuses the file at its cell: it would otherwise stop the period's arithmetic.
    """
    out: dict[str, Any] = {}
    for key, (value, fmt, loc) in item.items():
        out[f"{key}_loc"] = loc
        if key in NUMERIC:
            reading = parse_number(value, satuan, "%" in str(fmt))
            if reading.value is not None and (problem := magnitude_problem(reading.value)):
                raise InputError(loc or Location(""), f"angka '{reading.text}' {problem}")
            if fmt == "csv" and reading.status == Status.NUMBER_TEXT:
                reading = replace(reading, status=Status.NUMBER)  # CSV has no number type: text is normal
            out[key] = reading.value
            out[f"{key}_status"] = str(reading.status)
            out[f"{key}_text"] = reading.text
            out[f"{key}_note"] = reading.note
            if key in TARGETS:  # capaian judges a range by its bounds: read here, by the number rule
                out[f"{key}_rentang"] = range_of(reading)
        elif key == "kode" or key in NOT_PRINTED:  # a code is refused with its character named (code_problem)
            out[key] = _text(value)
        else:
            out[key] = _printed(_text(value), loc, notes)
    return out


def _identity_value(ident: dict[str, list[tuple[Any, Location, bool]]], key: str, sheet: _Sheet, notes: Notes,
                    required: bool = True, clean: bool = False) -> tuple[str, Location | None]:
    """An Identitas value by its label. Written twice with different values it is refused (which
    one counts is not guessed), unless the other sits in a hidden row: then the visible one is
    read and the hidden one noted. A hidden value read, or one taken from another workbook, is
    noted; with `clean`, characters that may not be printed are removed (noted too)."""
    shown = label(key)
    entries = [e for e in ident.get(key, []) if _text(e[0]) != ""]
    if not entries:
        if required:
            raise InputError(sheet.where(), f"isian '{shown}' kosong atau tidak ada")
        return "", None
    pool = [e for e in entries if not e[2]] or entries
    distinct: dict[str, tuple[Any, Location]] = {}
    for v, at, _ in pool:
        distinct.setdefault(_text(v), (v, at))
    if len(distinct) > 1:
        (v1, l1), (v2, l2) = list(distinct.values())[:2]
        raise InputError(l2, f"isian '{shown}' ditulis dua kali dengan nilai berbeda ({l1.cell}: '{_text(v1)}', {l2.cell}: "
                             f"'{_text(v2)}'); sakip tidak menebak mana yang berlaku: hapus salah satu")
    value, loc, hidden = pool[0]
    if hidden:
        notes.append(Note(loc, f"isian '{shown}' berada di baris atau kolom yang disembunyikan (hidden) tetapi tetap dibaca",
                          "berkas.tersembunyi"))
    notes += [Note(other, f"isian '{shown}' lain ('{_text(v)}') di baris yang disembunyikan (hidden) tidak dibaca; yang dibaca "
                          f"{loc.cell}", "berkas.tersembunyi")
              for v, other, h in entries if h and not hidden and _text(v) != _text(value)]
    row, col = _cell_index(loc)
    if note := sheet.external_note(row, col):
        notes.append(note)
    if isinstance(value, float) and abs(value) >= 1e15:
        # Excel keeps 15 significant digits: an 18-digit NIP typed as a number has lost its last digits
        raise InputError(loc, f"isian '{shown}' tersimpan sebagai angka ({value:.0f}) sehingga digit "
                              "terakhirnya hilang; format sel sebagai Teks lalu ketik ulang")
    return (_printed(_text(value), loc, notes) if clean else _text(value)), loc


def _cell_index(loc: Location) -> tuple[int, int]:
    """(row, column), 0-based, of a cell location such as 'B7'."""
    found = _CELL_REF.match(loc.cell)
    return (int(found.group(2)) - 1, column_index_from_string(found.group(1).upper()) - 1) if found else (-1, -1)


def _unique(rows: list[dict[str, Any]], key: str, what: str, notes: Notes, sheet: _Sheet) -> list[dict[str, Any]]:
    """One row per code: two rows for one indicator or program (a stale one kept, often hidden)
    are noted at the row passed over (berkas.kode_ganda returns the PK), and what is read
    meanwhile is the first visible row, never one the checker cannot see."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[key] or f"\0{id(row)}", []).append(row)  # rows without a code are not duplicates
    dropped: set[int] = set()
    for code, same in groups.items():
        if len(same) < 2:
            continue
        kept = next((r for r in same if not sheet.hidden(*_cell_index(r[f"{key}_loc"]))), same[0])
        cells = " dan ".join(r[f"{key}_loc"].cell for r in same)
        for row in same:
            if row is not kept:
                dropped.add(id(row))
                notes.append(Note(row[f"{key}_loc"], f"{what} '{code}' ditulis lebih dari sekali (sel {cells}); sakip tidak "
                                                     "menebak baris mana yang berlaku", "berkas.kode_ganda", code))
    return [row for row in rows if id(row) not in dropped]



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
    code, code_loc = _identity_value(ident, "kode pk", ident_sheet, notes)
    _check_code(code, code_loc, "Kode PK", pk_code=True)
    year, year_loc = _identity_value(ident, "tahun", ident_sheet, notes, clean=True)
    nip, nip_loc = _identity_value(ident, "nip", ident_sheet, notes)
    pk = {
        "pk": code, "pk_loc": code_loc, "tahun": year, "tahun_loc": year_loc,
        "nip": compact_nip(nip), "nip_loc": nip_loc,
        "nama": _identity_value(ident, "nama", ident_sheet, notes, required=False, clean=True)[0],
        "file": str(path), "berkas": shown, "catatan": notes,
    }
    indicators = []
    for item in _sheet(sheets, shown, "PK", notes).table(PK_COLUMNS, notes):
        satuan = _text(item["satuan"][0])
        row = _fields(item, satuan, notes)
        _check_code(row["kode"], row["kode_loc"], "Kode indikator")
        row["polaritas"] = POLARITIES.get(_norm(row["polaritas"]), row["polaritas"])
        row["akumulasi"] = ACCUMULATIONS.get(_norm(row["akumulasi"]), row["akumulasi"])
        indicators.append(row)
    satuan_of = {row["kode"]: row["satuan"] for row in indicators}
    ra_sheet = _sheet(sheets, shown, "RA", notes)
    ra_rows = []
    for item in ra_sheet.table(RA_COLUMNS, notes):
        row = _fields(item, satuan_of.get(_text(item["kode"][0]), ""), notes)
        _check_code(row["kode"], row["kode_loc"], "Kode indikator")
        ra_rows.append(row)
    ra = {row["kode"]: row for row in _unique(ra_rows, "kode", "Kode indikator", notes, ra_sheet)}
    for row in indicators:
        targets = ra.get(row["kode"])
        if targets is None:
            row["ra_missing"] = True
            targets = {k: v for k, v in _fields({k: (None, "General", None) for k in RA_COLUMNS}).items() if k != "kode"}
        else:
            row["ra_missing"] = False
        row.update({k: v for k, v in targets.items() if not k.startswith("kode")})
    budget_sheet = _sheet(sheets, shown, "Anggaran", notes)
    budgets = _unique([_fields(item, "Rupiah", notes) for item in budget_sheet.table(BUDGET_COLUMNS, notes)],
                      "kode_program", "Kode program", notes, budget_sheet)
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
    code, code_loc = _identity_value(ident, "kode pk", ident_sheet, notes)
    _check_code(code, code_loc, "Kode PK", pk_code=True)
    tw, tw_loc = _identity_value(ident, "triwulan", ident_sheet, notes, clean=True)
    year, year_loc = _identity_value(ident, "tahun", ident_sheet, notes, clean=True)
    nip, nip_loc = _identity_value(ident, "nip", ident_sheet, notes, required=False)
    head = {"pk": code, "pk_loc": code_loc, "triwulan_text": tw, "triwulan_loc": tw_loc, "tahun": year, "tahun_loc": year_loc,
            "nip": compact_nip(nip), "nip_loc": nip_loc, "file": str(path), "berkas": shown, "catatan": notes}
    columns = REALISASI_COLUMNS
    if q := quarter_of(tw):  # "Realisasi TW II" in the quarter's own workbook is this quarter's column
        roman = ("i", "ii", "iii", "iv")[q - 1]
        columns = {**columns, "realisasi": (*columns["realisasi"], f"realisasi tw {roman}", f"realisasi triwulan {roman}")}
    real_sheet = _sheet(sheets, shown, "Realisasi", notes)
    rows = [_fields(item, _text(item["satuan_form"][0]), notes) for item in real_sheet.table(columns, notes)]
    for row in rows:
        _check_code(row["kode"], row["kode_loc"], "Kode indikator")
    rows = _unique(rows, "kode", "Kode indikator", notes, real_sheet)
    budget_sheet = _sheet(sheets, shown, "Anggaran", notes)
    budget = _unique([_fields(item, "Rupiah", notes) for item in budget_sheet.table(REALISASI_BUDGET_COLUMNS, notes)],
                     "kode_program", "Kode program", notes, budget_sheet)
    for row in rows:
        del row["satuan_form"], row["satuan_form_loc"]
    return head, rows, budget


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


def read_workbooks(jobs: list[tuple[str, Path, str]], workers: int | None = None,
                   cache: Path | None = None) -> list[tuple | InputError]:
    """Read (kind, path, shown) workbooks, in order, each result or its InputError.

    With `cache` (a folder, see sakip.ingest.bacaan), a workbook whose bytes, path and reading
    code are unchanged since a reading was kept there is not parsed again, and every new reading
    is kept. The results are the same with or without it.
    """
    if cache is None:
        return _parse_workbooks(jobs, workers)
    keys = [bacaan.entry(cache, job, digest) if (digest := bacaan.file_sha256(job[1])) else None for job in jobs]
    results: list[tuple | InputError | None] = [bacaan.load(key) if key else None for key in keys]
    missing = [i for i, r in enumerate(results) if r is None]
    if missing:
        bacaan.prune(cache)
    for i, result in zip(missing, _parse_workbooks([jobs[i] for i in missing], workers)):
        results[i] = result
        if keys[i] is not None:
            bacaan.store(keys[i], result)
    return results  # type: ignore[return-value]  # every None was filled


def _parse_workbooks(jobs: list[tuple[str, Path, str]], workers: int | None = None) -> list[tuple | InputError]:
    """openpyxl spends ~9 ms of pure Python per small workbook, so a regency's ~1000 workbooks are
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


def _problems(pk: str, notes: Notes, quarter: int = 0) -> list[ReadProblem]:
    # Notes quote sheet names, headers and cell text as written, which may hold anything.
    return [ReadProblem(pk, n.location, n.value, visible(n.text[:1].upper() + n.text[1:]), n.rule, quarter, n.case)
            for n in notes]


def shared_codes(inputs: Path, year: int, cache: Path | None = None) -> dict[str, dict[str, Any]]:
    """Per agency concerned, what a read of that agency alone cannot see of PK codes that
    workbooks of two agencies use: {"diambil": {code: workbook of an earlier agency that took
    it}, "salinan": [workbooks of later agencies under a code this agency took]} (as shown, in
    the order read_period reads them).

    A fanned-out period reads each agency on its own (read_period with `agency`), where such a
    code would be read twice, two runs would write one PK's folder, and neither would return it.
    The run that fans out reads the PK workbooks first (into the same cache the agencies' runs
    then read from) and gives each agency's run its part of this (read_period's `taken` and
    `copies`), so that both are judged exactly as one read of the whole period judges them."""
    base = inputs / str(year)
    roots = agencies(inputs, year)
    books = {agency: workbooks(root / "pk") for agency, root in roots.items()}
    jobs = [("pk", path, str(path.relative_to(base))) for found in books.values() for path in found]
    read = dict(zip((j[1] for j in jobs), read_workbooks(jobs, cache=cache)))
    first: dict[str, tuple[str, str]] = {}  # PK code -> (agency, workbook as shown)
    out: dict[str, dict[str, Any]] = {}
    for agency, found in books.items():
        for path in found:
            result = read[path]
            if isinstance(result, InputError):
                continue  # no code to take; read_period reports it in its agency's run
            code, shown = result[0]["pk"], str(path.relative_to(base))
            if code not in first:
                first[code] = (agency, shown)
            elif first[code][0] != agency:
                out.setdefault(agency, {"diambil": {}, "salinan": []})["diambil"][code] = first[code][1]
                out.setdefault(first[code][0], {"diambil": {}, "salinan": []})["salinan"].append(shown)
    return out


def read_period(inputs: Path, year: int, quarter: int, cache: Path | None = None,
                agency: str | None = None, taken: dict[str, str] | None = None,
                copies: list[str] | None = None) -> PeriodData:
    """Read instansi.toml, every PK workbook and the realisasi workbooks of quarters 1..quarter,
    for each agency of the period.

    Every file is read by the same rules, an earlier quarter's as strictly as the current one's:
    its values make the s.d. figures. What a file could not give is kept with the file, in
    `submissions` (the paraf rules of sakip.paraf.berkas return the PK for it). A second
    workbook under a PK code already read (for realisasi: in the same quarter) is not read
    further, and neither is one that names no PK of the period (an orphan). With `cache`
    (bacaan.folder of the outputs), unchanged workbooks are not parsed again (read_workbooks).
    With `agency`, only that agency's folder is read (one agency's run of a fanned-out period),
    `taken` and `copies` are that agency's part of shared_codes: a workbook of this agency under
    a code an earlier agency took is not read further, and another agency's workbook under a code
    this one took is a submission of that code not read further, as in a read of the whole period.
    """
    base = inputs / str(year)
    roots = agencies(inputs, year)
    if agency is not None:
        if agency not in roots:
            raise ConfigError(f"{base / agency / 'instansi.toml'}: instansi '{agency}' tidak ada di {base}")
        roots = {agency: roots[agency]}
    configs = {name: config_mod.load(root / "instansi.toml") for name, root in roots.items()}
    # Folders listed once; every workbook read up front (in parallel), then judged in order.
    pk_books = {agency: workbooks(root / "pk") for agency, root in roots.items()}
    real_books = {(agency, q): workbooks(root / "realisasi" / f"tw{q}")
                  for agency, root in roots.items() for q in range(1, quarter + 1)}
    jobs = [("pk", path, str(path.relative_to(base))) for books in pk_books.values() for path in books]
    jobs += [("realisasi", path, str(path.relative_to(base))) for books in real_books.values() for path in books]
    jobs += [("pk", base / shown, shown) for shown in copies or []]
    read = dict(zip((j[1] for j in jobs), read_workbooks(jobs, cache=cache)))
    submissions: list[Submission] = []
    pks, indicators, budgets, orphans = [], [], [], []
    # PK code -> (agency, workbook as shown); None: an agency not read here (a single agency is "")
    seen: dict[str, tuple[str | None, str]] = {code: (None, shown) for code, shown in (taken or {}).items()}
    for agency, root in roots.items():
        for path in pk_books[agency]:
            shown = str(path.relative_to(base))
            result = read[path]
            if isinstance(result, InputError):
                exc = result
                if twin := _readable_twin(path, pk_books[agency], read):
                    orphans.append(f"{exc} (diabaikan: PK ini dibaca dari {visible(twin.name)})")
                    continue
                key = visible(path.stem)  # no code to key it by: its file name, shown as it is
                submissions.append(Submission("pk", key, agency, 0, shown, None,
                                              (ReadProblem(key, exc.location, "", exc.message, "berkas.terbaca"),)))
                pks.append({"pk": key, "instansi": agency, "file": str(path), "berkas": shown, "nip": "", "nama": "", "readable": False})
                continue
            pk, rows, budget = result
            code = pk["pk"]
            identity = Identity(pk["pk_loc"], pk["tahun"], pk["tahun_loc"], pk["nip"], pk["nip_loc"])
            problems = tuple(_problems(code, pk.pop("catatan")))
            if code in seen:
                if seen[code][0] is None:  # an earlier agency's (taken): judged in that agency's run, as its copy
                    continue
                submissions.append(Submission("pk", code, agency, 0, shown, identity, problems, taken_by=seen[code][1]))
                continue
            seen[code] = (agency, shown)
            submissions.append(Submission("pk", code, agency, 0, shown, identity, problems))
            pk["readable"] = True
            pk["instansi"] = agency
            pks.append(pk)
            indicators += [{"pk": code, **r} for r in rows]
            budgets += [{"pk": code, **b} for b in budget]
    for shown in copies or []:  # other agencies' workbooks under this agency's codes
        result = read[base / shown]
        if isinstance(result, InputError) or seen.get(result[0]["pk"], ("",))[0] not in roots:
            continue  # changed since the run that fanned out read it: that agency's run judges it
        code = result[0]["pk"]
        identity = Identity(result[0]["pk_loc"], result[0]["tahun"], result[0]["tahun_loc"], result[0]["nip"],
                            result[0]["nip_loc"])
        submissions.append(Submission("pk", code, shown.split("/", 1)[0], 0, shown, identity,
                                      tuple(_problems(code, dict(result[0])["catatan"])), taken_by=seen[code][1]))

    realisasi, realisasi_budget = [], []
    received: dict[tuple[str, int], str] = {}  # (PK, quarter) -> its workbook as shown, read or refused
    for agency in roots:
        for q in range(1, quarter + 1):
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
                    else:
                        received.setdefault((owner, q), shown)
                        submissions.append(Submission("realisasi", owner, agency, q, shown, None,
                                                      (ReadProblem(owner, exc.location, "", exc.message, "berkas.terbaca", q),)))
                    continue
                head, rows, budget = result
                code = head["pk"]
                if code not in seen or seen[code][0] != agency:
                    orphans.append(f"{visible(shown)}: Kode PK '{code}' tidak ada di daftar PK tahun {year}"
                                   + (f" instansi {agency}" if agency else ""))
                    continue
                identity = Identity(head["pk_loc"], head["tahun"], head["tahun_loc"], head["nip"], head["nip_loc"],
                                    head["triwulan_text"], head["triwulan_loc"])
                if (code, q) in received:
                    # Not read further: its notes would be about a file that is not taken
                    submissions.append(Submission("realisasi", code, agency, q, shown, identity, taken_by=received[(code, q)]))
                    continue
                received[(code, q)] = shown
                submissions.append(Submission("realisasi", code, agency, q, shown, identity,
                                              tuple(_problems(code, head.pop("catatan"), q))))
                where = {"pk": code, "triwulan": q, "file": str(path), "berkas": head["berkas"]}
                realisasi += [{**where, **r} for r in rows]
                realisasi_budget += [{**where, **b} for b in budget]

    import pandas as pd  # lazy: the spawned reader workers import this module, and pandas costs ~2 s in each

    def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
        return pd.DataFrame(rows).reset_index(drop=True) if rows else pd.DataFrame()

    return PeriodData(
        year=year, quarter=quarter, configs=configs,
        pks=frame(pks), indicators=frame(indicators), budgets=frame(budgets),
        realisasi=frame(realisasi), realisasi_budget=frame(realisasi_budget),
        submissions=submissions, orphans=orphans, roots=roots, received=received,
    )


QUARTER_WORDS = {"1": 1, "i": 1, "2": 2, "ii": 2, "3": 3, "iii": 3, "4": 4, "iv": 4}


def quarter_of(text: str) -> int | None:
    """The quarter an Identitas cell names ("II", "TW 2", "Triwulan II"), or None."""
    word = _norm(text).replace("triwulan", "").replace("tw", "").strip()
    return QUARTER_WORDS.get(word)
