"""Correction workbooks: what a returned PK gets back.

One workbook per submitted file with findings: the unit's own file, offending cells filled and
commented, and a first sheet "Koreksi" listing every finding with what is expected and how to fix
it. Findings with no workbook to mark (instansi.toml, a missing file) go into KOREKSI_<PK>.xlsx.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from .. import xlsx
from ..errors import InputError, Location, PackageError, visible
from ..formatting import number
from ..ingest.filecheck import check_workbook
from ..ingest.workbooks import csv_folder_rows
from ..isolation import Failures, each
from ..model import Finding, PeriodData
from ..outputs.files import atomic_path, inside, pk_dir
from .berkas import TERBACA
from .suites import ParafResult

KOREKSI_HEADERS = ("No", "Tingkat", "Berkas", "Sheet", "Sel", "Nilai tertulis", "Temuan", "Yang diharapkan",
                   "Cara memperbaiki")
KOREKSI_SHEET = "Koreksi"
# Column widths (characters) of the Koreksi sheet: about 190 characters, printed one A4 landscape
# page wide at about 70 %; the long texts (Temuan, Cara memperbaiki) get the room.
KOREKSI_WIDTHS = (5, 11, 27, 11, 7, 16, 45, 28, 40)
PORTRAIT_COLUMNS = 85  # characters of 11 pt text across A4 portrait between 0,75 in margins
COMMENT_AUTHOR = "sakip (paraf otomatis)"
FORM_AUTHOR = "sakip"  # the form's own hints (sakip.documents.forms)
MAX_NOTES = 10  # findings written into one cell's comment; all of them are on the Koreksi sheet
# A form merges its titles, a few hundred cells; openpyxl makes an object for every merged cell.
MAX_MERGED_CELLS = 200_000


def _source_of(loc: Location, sources: dict[str, Path]) -> tuple[str, str]:
    """The submitted file a finding points into, and the sheet to mark there ("" when none): a
    cell of a CSV-folder workbook is located as <folder>/<Sheet>.csv."""
    if loc.file in sources:
        return loc.file, loc.sheet
    folder, _, csv_name = loc.file.rpartition("/")
    if folder in sources and csv_name.lower().endswith(".csv"):
        return folder, csv_name[:-4]
    return "", ""


@dataclass
class _Copy:
    """The unit's workbook to mark up (`book`), or None and why it is not there (`why`, said on
    the Koreksi sheet); `titles` maps a sheet as findings name it to its title in `book`."""

    book: Any = None
    titles: dict[str, str] = field(default_factory=dict)
    why: str = ""


def _annotatable_copy(name: str, sources: dict[str, Path], findings: list[Finding]) -> _Copy:
    """The submitted workbook as an openpyxl workbook to mark up, or why there is none.

    A file ingest could not read as a whole (a PDF, an encrypted or damaged workbook, a zip bomb,
    100 000 rows: an unreadable-file finding with no cell) is never opened again; nor is one
    whose bytes now fail ingest's checks (changed since), or whose merged ranges openpyxl would
    expand into millions of cells. Any other file that fails to open here still gets its
    correction workbook, without the copy.
    """
    if not name:
        return _Copy()
    if any(f.check == TERBACA.id and not f.location.cell for f in findings):
        return _Copy(why=f"Berkas {visible(name)} tidak dapat dibaca sebagai workbook; temuan hanya dicantumkan di sini.")
    cannot = f"Berkas {visible(name)} tidak dapat dibuka lagi untuk ditandai"
    path = sources[name]
    try:
        if path.is_dir():
            # A CSV-folder submission comes back as one workbook, a sheet per CSV file.
            book = openpyxl.Workbook()
            book.remove(book.active)
            titles: dict[str, str] = {}
            taken: set[str] = set()
            for sheet_name, rows in csv_folder_rows(path, name).items():
                titles[sheet_name] = xlsx.sheet_title(sheet_name, taken)
                ws = book.create_sheet(titles[sheet_name])
                for row in rows:
                    xlsx.append(ws, row)  # what the unit typed stays text, '=' or not
            return _Copy(book, titles)
        check_workbook(path, name)
        merged = xlsx.merged_cells(path)
        if merged > MAX_MERGED_CELLS:
            return _Copy(why=f"{cannot}: sel gabungannya meliputi {number(merged)} sel; temuan hanya dicantumkan di sini.")
        # From an open file: openpyxl judges a path by its extension, and "..xlsx" has none.
        with path.open("rb") as f:
            book = openpyxl.load_workbook(f)
        return _Copy(book, {title: title for title in book.sheetnames})
    except InputError as exc:
        return _Copy(why=f"{cannot} ({exc.message}); temuan hanya dicantumkan di sini.")
    except Exception as exc:  # the findings still go back, in a workbook of their own
        return _Copy(why=f"{cannot} ({type(exc).__name__}); temuan hanya dicantumkan di sini.")


def _target_path(out_dir: Path, name: str, pk: str, sources: dict[str, Path], used: set[Path]) -> Path:
    """KOREKSI_<name>.xlsx under out_dir; never a submitted file, nor a name this call used (two
    names may make one safe name): a clash gets a suffix.

    Always an .xlsx name: the copy is saved as .xlsx whatever the submitted file was called (a
    refused "PK-X.xls" or a CSV folder), and Excel refuses content that is not its name. Cut to
    fit outputs.safe_component's 80 characters with the suffix kept.
    """
    stem = name or pk
    stem = stem[:-5] if stem.lower().endswith(".xlsx") else stem
    originals = [p for p in sources.values() if p.exists()]
    for n in range(1, len(used) + len(originals) + 2):
        suffix = "" if n == 1 else f"_{n}"
        try:
            target = inside(out_dir, f"KOREKSI_{stem}"[:75 - len(suffix)] + suffix + ".xlsx")
        except PackageError:
            continue  # a link under that name to somewhere else: not sakip's to replace
        if target not in used and not any(target.resolve() == p.resolve()
                                           or (target.exists() and os.path.samefile(target, p)) for p in originals):
            used.add(target)
            return target
    raise AssertionError("unreachable: there is one more name than names taken")


def _mark(copy: _Copy, marked: list[tuple[Finding, str]]) -> tuple[dict[int, str], list[str]]:
    """Fill and comment, in the unit's own sheets, each cell a finding names. Returns where each
    marked finding's row on the Koreksi sheet links to (its number -> location), and what the
    Koreksi sheet should say about the marking."""
    fills = {"error": PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C")}
    notes: dict[Any, list[str]] = defaultdict(list)  # cell -> its findings' notes, in order
    severity: dict[Any, str] = {}
    links: dict[int, str] = {}
    unlocked = False
    for n, (f, sheet) in enumerate(marked, start=1):
        title = copy.titles.get(sheet)
        target = xlsx.target_cell(copy.book[title], f.location.cell) if title and f.location.cell else None
        if target is None:
            continue
        # A warning marks its cell too (input cells are already yellow), but never turns a cell
        # marked as an error back into a warning.
        if severity.get(target) != "error":
            severity[target] = f.severity
        notes[target].append(f"{f.label}: {f.message}\nPerbaikan: {f.fix}")
        links[n] = f"{quote_sheetname(title)}!{target.coordinate}"
        if target.parent.protection.sheet and target.protection.locked:
            target.protection = Protection(locked=False)  # so that the unit can correct it in a locked sheet
            unlocked = True
    for target, texts in notes.items():
        target.fill = fills[severity[target]]
        shown = texts[:MAX_NOTES]
        if len(texts) > MAX_NOTES:
            shown.append(f"... dan {len(texts) - MAX_NOTES} temuan lain pada sel ini: lihat sheet {KOREKSI_SHEET}.")
        target.comment = Comment(xlsx.cell_text("\n\n".join(shown) + _earlier_note(target.comment)), COMMENT_AUTHOR,
                                 width=320, height=140)
    return links, ["Sel yang ditandai dibuka kuncinya agar dapat diperbaiki pada sheet yang terkunci."] if unlocked else []


def _earlier_note(comment: Any) -> str:
    """What a marked cell's comment said before, to follow the findings (the official reads the
    finding first): the form's hint or the unit's own note. An earlier round's findings, sent
    back with the corrections, are dropped: this round's findings replace them."""
    if comment is None or not comment.text or comment.author == COMMENT_AUTHOR:
        return ""
    label = "Petunjuk formulir" if comment.author == FORM_AUTHOR else "Catatan sebelumnya"
    return f"\n\n{label}: {comment.text}"


def _koreksi_sheet(book: Any, result: ParafResult, marked: list[tuple[Finding, str]], notes: list[str],
                   links: dict[int, str]) -> None:
    """The first sheet, which the workbook opens on: a line saying what to do, then every
    finding, one a row, its cell linked to the cell it marks."""
    ws = book.create_sheet(KOREKSI_SHEET, 0)
    errors = sum(f.severity == "error" for f, _ in marked)
    head = (f"Lembar Koreksi {visible(result.pk)}: {errors} galat, {len(marked) - errors} peringatan. "
            "Perbaiki sel yang ditandai merah pada berkas ini, lalu kirim kembali.")
    xlsx.append(ws, [" ".join([head, *notes])])
    xlsx.append(ws, list(KOREKSI_HEADERS))
    for n, (f, sheet) in enumerate(marked, start=1):
        # File and sheet names are shown visible (a Linux file name may hold a newline); the rest
        # as submitted, as text (sakip.xlsx), losing only what a worksheet cannot hold.
        xlsx.append(ws, [n, f.label, visible(f.location.file), visible(f.location.sheet or sheet), f.location.cell,
                         f.value, f.message, f.expected or "-", f.fix])
        if n in links:
            ws.cell(n + 2, 5).hyperlink = Hyperlink(ref=f"E{n + 2}", location=links[n])
    for col, width in zip("ABCDEFGHI", KOREKSI_WIDTHS):
        ws.column_dimensions[col].width = width
    last = len(marked) + 2
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(KOREKSI_HEADERS))
    ws["A1"].font = Font(bold=True, size=12)
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    edge = Side(style="thin", color="808080")
    box = Border(left=edge, right=edge, top=edge, bottom=edge)
    for row in ws.iter_rows(min_row=2, max_row=last, max_col=len(KOREKSI_HEADERS)):
        for cell in row:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if cell.row == 2 else None)
            if cell.row == 2:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="D9D9D9")
    xlsx.fit_row_heights(ws)
    # Printed as the official files it: A4 landscape, one page wide, the header on every page.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_title_rows = "2:2"
    ws.print_area = f"A1:{get_column_letter(len(KOREKSI_HEADERS))}{last}"
    ws.oddFooter.center.text = xlsx.PAGE_FOOTER
    ws.freeze_panes = "A3"
    for sheet in book.worksheets:
        if sheet is not ws:
            _printable(sheet)
    book.active = 0
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws


def _printable(ws: Any) -> None:
    """A sheet of the unit's copy, printable as Calc shows it: a form made before the forms had
    row heights and a print setup wraps its long texts in rows one line high (the lines overprint
    in Calc) and prints a wide sheet several pages across. A height or print setup the sheet
    already has is kept."""
    if not isinstance(ws, Worksheet):
        return  # a chart sheet
    if ws.title.casefold() == "petunjuk":
        # The form's one column of instructions is wider than A4 portrait, and Calc cuts it at
        # the page's edge instead of scaling it down.
        for dim in ws.column_dimensions.values():
            if dim.width and dim.width > PORTRAIT_COLUMNS:
                dim.width = PORTRAIT_COLUMNS
    xlsx.fit_row_heights(ws)
    if not (ws.oddFooter.left.text or ws.oddFooter.center.text or ws.oddFooter.right.text):
        ws.oddFooter.center.text = xlsx.PAGE_FOOTER  # numbered on from the Koreksi sheet
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        return
    width = 0.0
    for c in range(1, ws.max_column + 1):
        width += ws.column_dimensions[get_column_letter(c)].width or xlsx.DEFAULT_COLUMN_WIDTH
        if width > PORTRAIT_COLUMNS:
            break  # wide enough to print landscape; a stray cell at XFD1 needs no 16 384 columns
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if width > PORTRAIT_COLUMNS and not ws.page_setup.orientation:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _save(book: Any, target: Path) -> None:
    book.template = False  # a template (.xltx) sent as a workbook comes back as a workbook
    with atomic_path(target) as tmp:
        book.save(tmp)


def write_corrections(result: ParafResult, sources: dict[str, Path], out_dir: Path) -> list[Path]:
    """One correction workbook per source file with findings, written under out_dir.

    `sources` maps a file name (as in Finding.location.file) to its path in inputs/; the input is
    copied, never modified, never written over. Findings with no workbook to annotate go into
    "KOREKSI_<pk>.xlsx". Whatever a unit's workbook holds (merged cells over the data, protected
    or oddly named sheets, references to no real cell), its findings come back: marked in the
    copy, or, when the copy cannot be opened or saved again, on the Koreksi sheet of a workbook
    of their own that says so. Each file is written atomically (outputs.atomic_path).
    """
    by_file: dict[str, list[tuple[Finding, str]]] = defaultdict(list)  # source -> (finding, sheet to mark)
    for f in result.findings:
        source, sheet = _source_of(f.location, sources)
        by_file[source].append((f, sheet))
    written = []
    used: set[Path] = set()
    for name, marked in by_file.items():
        target = _target_path(out_dir, name, result.pk, sources, used)
        copy = _annotatable_copy(name, sources, [f for f, _ in marked])
        if copy.book is not None:
            try:
                for title in list(copy.book.sheetnames):  # an earlier round's sheet, sent back with the corrections
                    if title.casefold() == KOREKSI_SHEET.casefold():
                        del copy.book[title]
                        copy.titles = {k: v for k, v in copy.titles.items() if v != title}
                links, notes = _mark(copy, marked)
                _koreksi_sheet(copy.book, result, marked, notes, links)
                _save(copy.book, target)
                written.append(target)
                continue
            except OSError:
                raise  # the outputs folder's disk, not the unit's workbook
            except Exception as exc:  # a workbook openpyxl opened but cannot mark or write back
                copy = _Copy(why=f"Berkas {visible(name)} tidak dapat disimpan ulang dengan tandanya "
                                 f"({type(exc).__name__}); temuan hanya dicantumkan di sini.")
        book = openpyxl.Workbook()
        book.remove(book.active)
        _koreksi_sheet(book, result, marked, [copy.why] if copy.why else [], {})
        _save(book, target)
        written.append(target)
    return written


def sources(period: PeriodData) -> dict[str, Path]:
    """Every submitted workbook a finding may point into, by the name findings give it
    (Location.file): the PK workbooks and the realisasi workbooks of every quarter read."""
    out: dict[str, Path] = {}
    for frame in (period.pks, period.realisasi):
        if not frame.empty:
            out.update({shown: Path(f) for shown, f in zip(frame["berkas"], frame["file"])})
    return out


def write_returned(period: PeriodData, verdicts: dict[str, ParafResult], outputs: Path,
                   failures: Failures) -> dict[str, list[Path]]:
    """The correction workbooks of every returned PK, in its folder under `outputs`. A PK whose
    workbooks cannot be written is named in `failures` with why; the others go on."""
    submitted = sources(period)
    returned = [pk for pk, verdict in verdicts.items() if verdict.verdict == "DIKEMBALIKAN"]
    return each(returned, lambda pk: write_corrections(
        verdicts[pk], submitted, pk_dir(outputs, period.year, period.quarter, pk)), failures, "koreksi")
