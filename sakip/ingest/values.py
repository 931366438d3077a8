"""The cell values of an .xlsx workbook as openpyxl's read-only mode gives them, read ~20x faster.

openpyxl builds a Python object per style and per cell: ~12 ms per small form, most of a
regency's ingest. Here python-calamine (Rust) reads the strings (shared strings, rich text,
inline strings) and one pass of regular expressions over each sheet's XML gives every cell's
address, type, style and raw number; numbers, dates, booleans and errors are then made with
openpyxl's own rules (_cast_number, from_excel, its date and number formats), so each cell has
the value and number format openpyxl would give, at the same row and column.

Whatever this reader cannot make exactly as openpyxl would raises Fallback, and the workbook is
read by openpyxl (sakip.ingest.workbooks): links to other workbooks, the 1904 date system,
ISO-dated cells, the _xHHHH_ escapes and raw carriage returns that calamine decodes and
openpyxl does not, Strict OOXML, cells without an address, rows out of order, sheets longer than
the row limit, and any cell where calamine and the XML disagree.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import fromstring

import python_calamine
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import WINDOWS_EPOCH, from_excel
from openpyxl.worksheet._reader import _cast_number

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_M = f"{{{MAIN_NS}}}"

# The escapes calamine decodes and openpyxl keeps as written, and a raw CR (an XML parser reads
# CRLF as LF, calamine keeps it).
_DIFFERENT = re.compile(rb"_x[0-9A-Fa-f]{4}_|\r")
# A <row> or <c> start tag (attribute values may hold '>'), and for a cell what follows up to its end tag.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)((?:\s+[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>")
_ATTR = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?c\s*>")
_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v\s*(/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?v\s*>)", re.S)
_INLINE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?is[\s/>]")
_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")
_ADDRESS = re.compile(rb"^([A-Z]{1,3})([0-9]+)$")

Cell = tuple[Any, str]


class Fallback(Exception):
    """This workbook is read by openpyxl: what this reader would give could differ."""


@dataclass
class SheetValues:
    title: str
    state: str  # as workbook.xml writes it: "visible", "hidden", "veryHidden"
    rows: list[list[Cell]]  # as openpyxl's iter_rows gives them; empty for a sheet not visible
    xml: bytes  # the sheet's part, for the hidden rows and columns and the formulas (workbooks._parse_layout)


@dataclass(frozen=True)
class _Styles:
    formats: list[str]  # style index -> number format, as openpyxl's read-only cell names it
    dates: frozenset[int]
    durations: frozenset[int]


def read(path: Path, max_rows: int) -> list[SheetValues]:
    """Every worksheet of an .xlsx (already checked by filecheck) in workbook order; Fallback when
    openpyxl must read it. A visible sheet with a row past `max_rows` raises Fallback too: the
    openpyxl reading names its first filled cell."""
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        if any(n.startswith("xl/externalLinks/") for n in names):
            raise Fallback("tautan ke workbook lain")
        book = fromstring(_part(z, names, "xl/workbook.xml"))
        if book.tag != f"{_M}workbook":
            raise Fallback("bukan SpreadsheetML transitional")
        props = book.find(f"{_M}workbookPr")
        if props is not None and (props.get("date1904") or "0").strip().lower() not in ("0", "false"):
            raise Fallback("sistem tanggal 1904")
        rels = {r.get("Id"): (r.get("Type") or "", _target(r.get("Target") or ""))
                for r in fromstring(_part(z, names, "xl/_rels/workbook.xml.rels")).iter(f"{_PKG}Relationship")}
        for kind, target in rels.values():
            if kind.endswith("/sharedStrings") and target in names and _DIFFERENT.search(z.read(target)):
                raise Fallback("escape _xHHHH_ atau CR di shared strings")
        styles = _styles(_part(z, names, "xl/styles.xml"))
        sheets = []
        for el in book.iter(f"{_M}sheet"):
            kind, target = rels.get(el.get(_R), ("", ""))
            if target not in names:
                raise Fallback("sheet tanpa bagian")
            if kind.endswith("/chartsheet"):
                continue
            if not kind.endswith("/worksheet"):
                raise Fallback(f"jenis sheet {kind}")
            name, state = el.get("name") or "", el.get("state") or "visible"
            # openpyxl refuses or renames these (its title and sheet_state rules): it reads them as it always did
            if not name or _BAD_TITLE.search(name) or state not in ("visible", "hidden", "veryHidden"):
                raise Fallback("nama atau status sheet")
            if name.lower() in (n.lower() for n, _, _ in sheets):
                raise Fallback("nama sheet ganda")
            sheets.append((name, state, target))
        calamine = python_calamine.CalamineWorkbook.from_path(str(path))
        try:
            listed = [m.name for m in calamine.sheets_metadata if m.typ == python_calamine.SheetTypeEnum.WorkSheet]
            if listed != [name for name, _, _ in sheets]:
                raise Fallback("daftar sheet berbeda")
            out = []
            for name, state, target in sheets:
                if state in ("hidden", "veryHidden"):
                    out.append(SheetValues(name, state, [], b""))
                    continue
                xml = z.read(target)
                out.append(SheetValues(name, state, _rows(xml, calamine, name, styles, max_rows), xml))
            return out
        finally:
            calamine.close()


def _part(z: zipfile.ZipFile, names: set[str], name: str) -> bytes:
    if name not in names:
        raise Fallback(f"{name} tidak ada")
    return z.read(name)


def _target(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _styles(xml: bytes) -> _Styles:
    """openpyxl's Stylesheet._normalise_numbers and ReadOnlyCell.number_format, for numbers only."""
    root = fromstring(xml)
    custom = {int(n.get("numFmtId") or ""): n.get("formatCode") for n in root.iter(f"{_M}numFmt")}
    xfs = root.find(f"{_M}cellXfs")
    if xfs is None or not len(xfs):
        raise Fallback("tanpa cellXfs: openpyxl memakai gaya bawaannya")
    formats, dates, durations = [], set(), set()
    for idx, xf in enumerate(xfs.iter(f"{_M}xf")):
        num = int(xf.get("numFmtId") or 0)
        if num in custom:
            fmt = custom[num]
            shown = fmt
        elif num < BUILTIN_FORMATS_MAX_SIZE:
            fmt = BUILTIN_FORMATS.get(num)
            shown = BUILTIN_FORMATS.get(num, "General")
        else:
            raise Fallback("format angka tak terdefinisi")
        if not isinstance(shown, str):
            raise Fallback("format angka tanpa kode")
        formats.append(shown)
        if is_date_format(fmt):
            dates.add(idx)
        if is_timedelta_format(fmt):
            durations.add(idx)
    return _Styles(formats, frozenset(dates), frozenset(durations))


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(text)}


# Cells calamine may hold in one sheet: it keeps a sheet as one dense grid, so a value at A1
# and another at XFD2000 would cost 32 million cells (openpyxl reads by rows).
MAX_GRID = 1_000_000


def _rows(xml: bytes, book: Any, name: str, styles: _Styles, max_rows: int) -> list[list[Cell]]:
    if MAIN_NS.encode() not in xml or _DIFFERENT.search(xml):
        raise Fallback("namespace lain, escape _xHHHH_ atau CR di sheet")
    scanned = _scan(xml, max_rows)
    filled = [(r, col) for r, cells in scanned for col, kind, raw, _ in cells if raw is not None]
    if filled:
        rows_used = max(r for r, _ in filled) - min(r for r, _ in filled) + 1
        cols_used = max(c for _, c in filled) - min(c for _, c in filled) + 1
        if rows_used * cols_used > MAX_GRID:
            raise Fallback("sheet jarang yang sangat lebar")
    sheet = book.get_sheet_by_name(name)
    grid = sheet.to_python()  # from sheet.start, the first cell calamine holds
    top, left = sheet.start if grid else (0, 0)
    rows: list[list[Cell]] = []
    seen: set[tuple[int, int]] = set()  # (row, col), 0-based, of the cells given a value
    for row_no, scanned_cells in scanned:
        while len(rows) < row_no - 1:
            rows.append([])  # openpyxl's filler for a row absent from the XML
        width = scanned_cells[-1][0] if scanned_cells else 0  # openpyxl: the last cell's column, not the largest
        cells: list[Cell] = [(None, "General")] * width
        for col, kind, raw, style in scanned_cells:
            value = None if raw is None else _value(kind, raw, style, styles, grid, row_no - 1 - top, col - 1 - left)
            if value is not None:
                seen.add((row_no - 1, col - 1))
            if col <= width:
                cells[col - 1] = (value, styles.formats[style])
        rows.append(cells)
    # Every value calamine holds must be at a cell the XML gives a value (else the two read differently).
    for r, line in enumerate(grid):
        for c, v in enumerate(line):
            if v != "" and (r + top, c + left) not in seen:
                raise Fallback("calamine dan XML berbeda")
    return rows


_Scanned = tuple[int, bytes, bytes | None, int]  # column (1-based), type, raw value (b"" for an inline string), style


# The common spelling (Excel's, openpyxl's, LibreOffice's): no prefix, r first, then s and t only.
_FAST = re.compile(rb'<row r="([0-9]+)"((?:\s+[\w:.-]+="[^"]*")*)\s*(/?)>'
                   rb'|<c r="([A-Z]{1,3})([0-9]+)"(?: s="([0-9]+)")?(?: t="(\w+)")?\s*(?:/>|>(.*?)</c>)', re.S)
_ANY_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")


def _scan(xml: bytes, max_rows: int) -> list[tuple[int, list[_Scanned]]]:
    """The rows of a sheet's XML, each with its cells in XML order, as openpyxl's parser sees them."""
    found = _FAST.findall(xml)
    cells = sum(1 for m in found if m[3])
    # Every row and cell in the common spelling: read at regex speed; else tag by tag.
    if len(found) - cells == len(_ANY_ROW.findall(xml)) and cells == len(_ANY_CELL.findall(xml)):
        return _scan_common(found, max_rows)
    return _scan_any(xml, max_rows)


def _scan_common(found: list[tuple[bytes, ...]], max_rows: int) -> list[tuple[int, list[_Scanned]]]:
    rows: list[tuple[int, list[_Scanned]]] = []
    row_no = 0
    current: list[_Scanned] = []
    for r, _, _, letters, number, style, kind, content in found:
        if r:
            if int(r) <= row_no:
                raise Fallback("baris tidak berurutan")
            row_no = int(r)
            if row_no > max_rows:
                raise Fallback("melewati batas baris")
            current = []
            rows.append((row_no, current))
            continue
        if not rows or int(number) != row_no:
            raise Fallback("sel di luar barisnya")
        kind = kind or b"n"
        raw: bytes | None
        if kind == b"inlineStr":
            raw = b"" if _INLINE.search(content) else None
        elif content.startswith(b"<v>") and content.endswith(b"</v>") and b"<" not in content[3:-4]:
            raw = content[3:-4] or None
        else:
            value = _VALUE.search(content) if content else None
            raw = value.group(2) if value is not None and value.group(2) else None
        current.append((_column(letters), kind, raw, int(style or 0)))
    return rows


_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    col = _COLUMNS.get(letters)
    if col is None:
        col = _COLUMNS[letters] = column_index_from_string(letters.decode())
    return col


def _scan_any(xml: bytes, max_rows: int) -> list[tuple[int, list[_Scanned]]]:
    rows: list[tuple[int, list[_Scanned]]] = []
    row_no = 0
    pos = 0
    while (tag := _TAG.search(xml, pos)) is not None:
        pos = tag.end()
        attrs = _attrs(tag.group(2))
        if tag.group(1) == b"row":
            r = attrs.get(b"r")
            number = int(r) if r is not None and r.isdigit() else (row_no + 1 if r is None else 0)
            if number <= row_no:
                raise Fallback("baris tidak berurutan")
            if number > max_rows:
                raise Fallback("melewati batas baris")
            row_no = number
            rows.append((row_no, []))
            continue
        if not rows:
            raise Fallback("sel di luar baris")
        content = b""
        if not tag.group(3):
            end = _CELL_END.search(xml, pos)
            if end is None:
                raise Fallback("sel tanpa penutup")
            content, pos = xml[pos:end.start()], end.end()
        address = _ADDRESS.match(attrs.get(b"r") or b"")
        if address is None or int(address.group(2)) != row_no:
            raise Fallback("sel tanpa alamat")
        style_text = attrs.get(b"s", b"0")
        if not style_text.isdigit():
            raise Fallback("gaya sel tidak terbaca")
        kind = attrs.get(b"t", b"n")
        raw: bytes | None
        if kind == b"inlineStr":
            raw = b"" if _INLINE.search(content) else None
        else:
            found = _VALUE.search(content)
            raw = found.group(2) if found is not None and found.group(2) else None  # openpyxl: findtext(v) or None
        rows[-1][1].append((column_index_from_string(address.group(1).decode()), kind, raw, int(style_text)))
    return rows


def _value(kind: bytes, raw: bytes, style: int, styles: _Styles, grid: list[list[Any]], r: int, c: int) -> Any:
    """A cell's value as openpyxl's WorkSheetParser.parse_cell makes it (data_only)."""
    if style >= len(styles.formats):
        raise Fallback("gaya sel di luar daftar")
    if kind == b"n":
        if b"&" in raw or b"<" in raw:
            raise Fallback("angka ber-entitas")
        try:
            value = _cast_number(raw.decode())
        except ValueError:
            raise Fallback("angka tidak terbaca") from None
        if style in styles.dates:
            try:
                return from_excel(value, WINDOWS_EPOCH, timedelta=style in styles.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # what openpyxl gives for a date out of range
        return value
    if kind in (b"s", b"str", b"inlineStr"):
        return _string(grid, r, c)
    if kind == b"b":
        if not raw.strip().isdigit():
            raise Fallback("nilai logika tidak terbaca")
        return bool(int(raw))
    if kind == b"e" and b"&" not in raw:
        return raw.decode()
    raise Fallback(f"jenis sel {kind!r}")


def _string(grid: list[list[Any]], r: int, c: int) -> str:
    if 0 <= r < len(grid) and 0 <= c < len(grid[r]) and isinstance(grid[r][c], str):
        return grid[r][c]
    raise Fallback("string tidak ada di calamine")
