"""Assemble the signature-ready PDF package of one PK: parts merged, bookmarked, labelled,
described, and an empty visible signature field on each signature block.

Signature fields are placed where the rendered document puts them: templates carry an
invisible marker (`sakip.model.signature_marker`) in each signature block, located here in the
PDF text, so a planner who moves the block in Word moves the field too; once located, the marker
text is removed from the page content, so the package's text is the document's. Fields are added with
pyHanko as an incremental update to the file pypdf wrote (LibreOffice's hybrid xrefs are
rewritten by pypdf first); nothing rewrites the file after that.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import ContentStream

from . import manifest
from ..errors import PackageError
from ..formatting import JAKARTA, quarter_name
from ..model import REPORT_PARAF_FIELD, signature_marker
from ..outputs.files import atomic_path, safe_component

log = logging.getLogger("sakip.paket")


@dataclass(frozen=True)
class Part:
    title: str  # bookmark text
    pdf: Path
    label_prefix: str = ""
    numbered: bool = True  # page labels 1, 2, 3 (with the prefix) or the prefix alone
    # Labels read from the numbers the pages print ("Halaman iii", "Halaman 4"): a document
    # that numbers its own parts (the LKjIP: cover, front matter i, ii, iii, body from 1); a page
    # printing none is labelled with the prefix alone.
    printed_labels: bool = False
    bookmarks: tuple[str, ...] = ()  # texts (e.g. sasaran) bookmarked under the part where first printed


@dataclass(frozen=True)
class FieldSpot:
    name: str
    page: int
    box: tuple[float, float, float, float]


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    subject: str
    keywords: str
    created: dt.datetime
    extra: tuple[tuple[str, str], ...] = ()  # further document-information keys, e.g. ("/SakipPK", "PK-SEK")


def pdf_date(moment: dt.datetime) -> str:
    local = moment.astimezone(JAKARTA)
    offset = local.strftime("%z")
    return local.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


Box = tuple[float, float, float, float]  # left, bottom, right, top, in PDF points

MARKER_PREFIX = signature_marker("")
_MARKER_RUN = re.compile(r"[A-Z0-9]+")  # what signature_marker makes of a field name
_MARKER_LONGEST = 80  # characters read after a marker's prefix: more than any field name makes

# The templates' page margins (scripts/make_templates.py, base_document): 2 cm left and right,
# 1.8 cm top and bottom. A field never reaches past them, whatever the text around it.
PAGE_MARGIN_X = 2.0 / 2.54 * 72
PAGE_MARGIN_Y = 1.8 / 2.54 * 72
CELL_INSET = 2.0  # points between a cell's ruling lines and its field
RULING = 3.0  # the thickest stroke or bar that counts as a ruling line, not a shaded area
MIN_FIELD_WIDTH = 120.0  # a signature's stamp needs this much even under a short name
DEFAULT_FIELD_HEIGHT = 45.0  # a block without a printed name below its marker
_BLOCK_REACH = 150.0  # points above and below a marker within which its signature block's lines lie


@dataclass(frozen=True)
class PageLayout:
    """What a page prints around its markers: text line boxes (markers left out) and ruling lines."""

    width: float
    height: float
    words: tuple[Box, ...]
    rulings: tuple[Box, ...]


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _padded(word: Box) -> Box:
    """A text box as tall as its font's line rather than its glyphs: tools that report word boxes
    (pdftotext -bbox, a viewer's selection) reach about a third of the glyph height further."""
    pad = max(1.5, 0.35 * (word[3] - word[1]))
    return (word[0] - 1.0, word[1] - pad, word[2] + 1.0, word[3] + pad)


def _cell(layout: PageLayout, marker: Box) -> Box | None:
    """The inside of the table cell whose four ruling lines enclose the marker, if they do."""
    x, y = marker[0] + 0.5, (marker[1] + marker[3]) / 2
    tol = RULING  # how far a line may stop short of the one it meets
    vertical = [r for r in layout.rulings if r[2] - r[0] <= RULING and r[1] - tol <= y <= r[3] + tol]
    horizontal = [r for r in layout.rulings if r[3] - r[1] <= RULING and r[0] - tol <= x <= r[2] + tol]
    left = max((r for r in vertical if r[2] <= x), key=lambda r: r[2], default=None)
    right = min((r for r in vertical if r[0] >= x), key=lambda r: r[0], default=None)
    top = min((r for r in horizontal if r[1] >= y), key=lambda r: r[1], default=None)
    bottom = max((r for r in horizontal if r[3] <= y), key=lambda r: r[3], default=None)
    if left is None or right is None or top is None or bottom is None:
        return None
    # A box only when the four lines meet: the sides reach from the bottom line to the top one and
    # the top and bottom lines from side to side. Lines of tables above, below or beside a
    # borderless signature block do not close around it.
    for side in (left, right):
        if side[1] > bottom[3] + tol or side[3] < top[1] - tol:
            return None
    for edge in (top, bottom):
        if edge[0] > left[2] + tol or edge[2] < right[0] - tol:
            return None
    return (left[2] + CELL_INSET, bottom[3] + CELL_INSET, right[0] - CELL_INSET, top[1] - CELL_INSET)


def _block(words: list[Box], start: Box, x: float, step: int) -> list[Box]:
    """The lines of the signature block from `start` on, upwards (step 1) or downwards (-1): each
    next line crosses the block's x and follows at most a line's height after the last."""
    lines = [start]
    candidates = sorted((w for w in words if w[0] - 3 <= x <= w[2] + 3),
                        key=lambda w: -w[1] if step < 0 else w[1])
    for word in candidates:
        last = lines[-1]
        gap = word[1] - last[3] if step > 0 else last[1] - word[3]
        if gap < 0:
            continue
        if gap > max(last[3] - last[1], word[3] - word[1]) or len(lines) >= 5:
            break
        lines.append(word)
    # Pieces of the same printed line (a change of font splits it) belong to the block too.
    for line in list(lines):
        for word in words:
            same_line = min(word[3], line[3]) - max(word[1], line[1]) > 0.5 * (line[3] - line[1])
            if same_line and word not in lines and (abs(word[0] - line[2]) < 6 or abs(line[0] - word[2]) < 6):
                lines.append(word)
    return lines


def _free_space(layout: PageLayout, marker: Box) -> Box:
    """A borderless block: the blank between the line above the marker (the jabatan) and the
    printed name below it, as wide as the block's lines."""
    x = marker[0] + 0.5
    # A block's lines are a few lines above and below the marker; a full page need not be sorted.
    near = [w for w in layout.words if w[3] > marker[1] - _BLOCK_REACH and w[1] < marker[3] + _BLOCK_REACH]
    column = [w for w in near if w[0] - 3 <= x <= w[2] + 3]
    above = min((w for w in column if w[1] >= marker[3] - 0.5), key=lambda w: w[1], default=None)
    below = max((w for w in column if w[3] <= marker[1] + 0.5), key=lambda w: w[3], default=None)
    if above is not None and above[1] - marker[3] > 24:  # the marker follows the jabatan at once
        above = None
    top = _padded(above)[1] if above else marker[3] + 2
    bottom = _padded(below)[3] if below else marker[3] - DEFAULT_FIELD_HEIGHT
    lines = ((_block(near, above, x, 1) if above else []) + (_block(near, below, x, -1) if below else []))
    left = min([marker[0]] + [w[0] for w in lines]) - 2
    right = max([marker[0] + MIN_FIELD_WIDTH] + [w[2] for w in lines]) + 2
    return (left, bottom, right, top)


def _clear(layout: PageLayout, box: Box, marker: Box) -> Box:
    """`box` within the page margins, narrowed off any printed text or ruling line in it: those above
    or below the marker lower or raise its edge, those beside it pull in a side."""
    left, bottom, right, top = (max(box[0], PAGE_MARGIN_X), max(box[1], PAGE_MARGIN_Y),
                                min(box[2], layout.width - PAGE_MARGIN_X), min(box[3], layout.height - PAGE_MARGIN_Y))
    obstacles = [item for item in [*map(_padded, layout.words), *layout.rulings]
                 if _overlaps(item, (left, bottom, right, top))]
    for item in obstacles:  # first what lies above and below, so the band is settled ...
        if _overlaps(item, (left, bottom, right, top)):
            if item[1] >= marker[3] - 0.5:
                top = min(top, item[1])
            elif item[3] <= marker[1] + 0.5:
                bottom = max(bottom, item[3])
    for item in obstacles:  # ... then what is beside the marker within it
        if _overlaps(item, (left, bottom, right, top)):
            if item[0] >= marker[2] - 0.5:
                right = min(right, item[0])
            elif item[2] <= marker[0] + 0.5:
                left = max(left, item[2])
    return (left, bottom, right, top)


def field_box(layout: PageLayout, marker: Box) -> Box:
    """The rectangle of the signature field whose marker prints at `marker`: the inside of its table
    cell, or the blank space of a borderless signature block; never over printed text."""
    return _clear(layout, _cell(layout, marker) or _free_space(layout, marker), marker)


def _rulings(page: pdfium.PdfPage) -> list[Box]:
    """The page's ruling lines (table borders, rules): path objects thinner than `RULING` one way,
    and the axis-parallel edges of stroked outlines. Only the page's own objects: LibreOffice
    draws table borders there, not in form XObjects."""
    out: list[Box] = []
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            continue
        box = (left.value, bottom.value, right.value, top.value)
        width, height = box[2] - box[0], box[3] - box[1]
        if min(width, height) <= RULING:
            if max(width, height) >= 2 * RULING:
                out.append(box)
            continue
        out.extend(_outline_edges(obj))
    return out


def _outline_edges(obj) -> list[Box]:
    """The horizontal and vertical edges of a stroked, unfilled path (a border drawn as one
    rectangle or polyline), in page space; nothing for a filled area (shading)."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(obj, fill, stroke) or fill.value or not stroke.value:
        return []
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, matrix)
    stroke_width = ctypes.c_float()
    pdfium_c.FPDFPageObj_GetStrokeWidth(obj, stroke_width)
    half = max(0.25, stroke_width.value * max(abs(matrix.a), abs(matrix.d)) / 2)
    edges: list[Box] = []

    def edge(a: tuple[float, float] | None, b: tuple[float, float] | None) -> None:
        if a is not None and b is not None and (abs(a[0] - b[0]) < 0.5 or abs(a[1] - b[1]) < 0.5):
            edges.append((min(a[0], b[0]) - half, min(a[1], b[1]) - half, max(a[0], b[0]) + half, max(a[1], b[1]) + half))

    x, y = ctypes.c_float(), ctypes.c_float()
    start = last = None
    for n in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, n)
        if not pdfium_c.FPDFPathSegment_GetPoint(segment, x, y):
            continue
        point = (matrix.a * x.value + matrix.c * y.value + matrix.e, matrix.b * x.value + matrix.d * y.value + matrix.f)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = point
        elif kind == pdfium_c.FPDF_SEGMENT_LINETO:  # a curve's control points are no edge
            edge(last, point)
        if pdfium_c.FPDFPathSegment_GetClose(segment):
            edge(point, start)
        last = point
    return edges


def _page_layout(page: pdfium.PdfPage, text: pdfium.PdfTextPage, markers: list[Box]) -> PageLayout:
    words = []
    for i in range(text.count_rects()):
        rect = text.get_rect(i)
        if not any(_overlaps(rect, (m[0] - 0.5, m[1] - 0.5, m[2] + 0.5, m[3] + 0.5)) for m in markers):
            words.append(rect)
    width, height = page.get_size()
    return PageLayout(width, height, tuple(words), tuple(_rulings(page)))


def _markers(text: pdfium.PdfTextPage) -> dict[str, Box]:
    """Each marker the page prints (its text, as far as it runs in marker characters) and its box."""
    found: dict[str, Box] = {}
    chars = text.count_chars()
    search = text.search(MARKER_PREFIX, match_case=True)
    while (hit := search.get_next()) is not None:
        first = hit[0]
        run = _MARKER_RUN.match(text.get_text_range(first, min(_MARKER_LONGEST, chars - first)))
        # A marker is one short run on one line: its first and last characters bound it.
        head, tail = text.get_charbox(first), text.get_charbox(first + (run.end() if run else len(MARKER_PREFIX)) - 1)
        found.setdefault(run.group() if run else MARKER_PREFIX, (min(head[0], tail[0]), min(head[1], tail[1]),
                                                                 max(head[2], tail[2]), max(head[3], tail[3])))
    search.close()
    return found


def _named(marker: str, wanted: dict[str, str]) -> str | None:
    """The field a marker stands for; the longest match, should the text run on into what follows."""
    matches = [m for m in wanted if marker.startswith(m)]
    return wanted[max(matches, key=len)] if matches else None


@dataclass(frozen=True)
class MarkerScan:
    spots: list[FieldSpot]  # in the order the names were asked for
    # per page (0-based) that prints a marker: how many text objects it has and which of them
    # (in content order) are markers
    objects: dict[int, tuple[int, set[int]]]


def scan_markers(pdf: bytes, names: list[str]) -> MarkerScan:
    """Find each field's marker, and every marker's text object, in one pass over the pages:
    a page's text (PDFium's text page) is most of the cost and is built once.

    A field fills the printed box its marker stands in: its table cell, or the blank between
    the jabatan and the name of a borderless signature block. PDFium (pypdfium2) finds text and
    its boxes ~10x faster than pypdf's text extraction.
    """
    wanted = {signature_marker(name): name for name in names}
    doc = pdfium.PdfDocument(pdf)
    spots: dict[str, FieldSpot] = {}
    objects: dict[int, tuple[int, set[int]]] = {}
    try:
        for index in range(len(doc)):
            page = doc[index]
            text = page.get_textpage()
            markers = _markers(text)
            if markers:
                texts = [_object_text(obj, text) for obj in page.get_objects(max_depth=0)
                         if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT]
                marked = {n for n, t in enumerate(texts) if MARKER_PREFIX in t}
                if marked:
                    objects[index] = (len(texts), marked)
            mine = {name: box for m, box in markers.items()
                    if (name := _named(m, wanted)) is not None and name not in spots}
            if mine:
                layout = _page_layout(page, text, list(markers.values()))
                for name, marker in mine.items():
                    left, bottom, right, top = field_box(layout, marker)
                    box = (left, bottom, max(right, left + 1), max(top, bottom + 1))
                    if box[2] - box[0] < 20 or box[3] - box[1] < 10:
                        log.warning("kolom tanda tangan %s di halaman %d sempit (%.0f x %.0f pt): blok tanda tangan "
                                    "di template terlalu rapat", name, index + 1, box[2] - box[0], box[3] - box[1])
                    spots[name] = FieldSpot(name, index, box)
            text.close()
            page.close()
    finally:
        doc.close()
    missing = [n for n in names if n not in spots]
    if missing:
        raise PackageError(f"blok tanda tangan untuk {', '.join(missing)} tidak ditemukan di dokumen (penanda hilang dari template?)")
    return MarkerScan([spots[n] for n in names], objects)


def locate_fields(pdf: bytes, names: list[str]) -> list[FieldSpot]:
    """Each field's spot (see `scan_markers`)."""
    return scan_markers(pdf, names).spots


def _object_text(obj: pdfium.PdfObject, textpage: pdfium.PdfTextPage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)  # bytes, with the final NUL
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
    return bytes(buffer)[:size - 2].decode("utf-16-le", errors="replace")


# One content-stream operation: its operands, then its operator. Operands are strings (nested
# parentheses to two levels, escapes), hex strings, names, numbers, arrays' brackets, dictionary
# delimiters, booleans and null, with whitespace and comments between. Possessive, so content
# this does not know fails at once instead of backtracking; such content goes to pypdf's parser.
_OPERATION = re.compile(rb"""
    (?:\s+|%[^\r\n]*|/[^\s()<>\[\]{}/%]*|<<|>>|<[0-9A-Fa-f\s]*>
       |\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*+\))*+\)
       |[\[\]]|[+-]?(?:\d+\.?\d*|\.\d+)|(?:true|false|null)(?![^\s()<>\[\]{}/%])
    )*+
    ([A-Za-z'"*][A-Za-z0-9'"*]*+)(?![^\s()<>\[\]{}/%])
    """, re.VERBOSE | re.DOTALL)
_SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}


def _without_shows(data: bytes, drop: set[int], count: int) -> bytes | None:
    """`data` (a page's decoded content) without its text-showing operations numbered in `drop`
    (0-based, in content order), each with its operands; None when the stream does not read
    as plain operations (an inline image, say) or does not have `count` of them. Everything
    else stays byte for byte, where a parse and re-serialisation would rewrite every number."""
    kept: list[bytes] = []
    pos, shows, last = 0, 0, 0
    end = len(data.rstrip())
    while pos < end:
        match = _OPERATION.match(data, pos)
        if match is None or match.group(1) == b"BI":
            return None
        if match.group(1) in _SHOW_TEXT:
            if shows in drop:
                kept += (data[last:match.start()], b" ")
                last = match.end()
            shows += 1
        pos = match.end()
    if shows != count:
        return None
    kept.append(data[last:])
    return b"".join(kept)


def strip_markers(writer: PdfWriter, objects: dict[int, tuple[int, set[int]]]) -> int:
    """Remove the marker text objects `scan_markers` found from the pages of `writer` (the
    document it scanned was written from), once the fields are located: copied or extracted text of the package is the document's
    text only. A page whose text-showing operators do not pair one to one with PDFium's text
    objects (content in forms, say) is left as it is rather than edited by guess."""
    removed = 0
    for index, (count, markers) in objects.items():
        page = writer.pages[index]
        content = page.get_contents()
        stripped = _without_shows(content.get_data(), markers, count) if content is not None else None
        if stripped is not None:
            content.set_data(stripped)
            page.replace_contents(content.flate_encode())
            removed += len(markers)
            continue
        content = ContentStream(page.get_contents(), writer)
        shows = [n for n, (_operands, op) in enumerate(content.operations) if op in _SHOW_TEXT]
        if len(shows) != count:
            log.warning("penanda tanda tangan di halaman %d tidak dihapus: %d operator teks, %d objek teks",
                        index + 1, len(shows), count)
            continue
        drop = {shows[n] for n in markers}
        content.operations = [item for n, item in enumerate(content.operations) if n not in drop]
        page.replace_contents(content)
        removed += len(drop)
    return removed


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def find_texts(pdf: Path, texts: tuple[str, ...]) -> dict[str, int]:
    """The first page (0-based) on which each text is printed, ignoring how lines wrapped it."""
    found: dict[str, int] = {}
    doc = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            printed = _squash(textpage.get_text_range())
            textpage.close()
            page.close()
            for text in texts:
                if text not in found and _squash(text) in printed:
                    found[text] = index
            if len(found) == len(texts):
                break
    finally:
        doc.close()
    return found


_PRINTED_NUMBER = re.compile(r"^\s*Halaman\s+([ivxlc]+|\d+)\s*$", re.MULTILINE)
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
FOOTER_SHARE = 0.12  # of the page's height, from its bottom edge: where a footer prints


def roman_value(text: str) -> int:
    values = [_ROMAN[c] for c in text]
    return sum(-v if n + 1 < len(values) and v < values[n + 1] else v for n, v in enumerate(values))


def printed_numbers(pdf: Path) -> list[str | None]:
    """The page number each page prints in its footer ("Halaman iii" -> "iii"), None where it
    prints none (a cover)."""
    found: list[str | None] = []
    doc = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            width, height = page.get_size()
            footer = textpage.get_text_bounded(0, 0, width, height * FOOTER_SHARE)
            textpage.close()
            page.close()
            numbers = _PRINTED_NUMBER.findall(footer.replace("\r", "\n"))
            found.append(numbers[-1] if numbers else None)
    finally:
        doc.close()
    return found


def label_ranges(printed: list[str | None]) -> list[tuple[int, int, str | None, int]]:
    """Page label ranges (first page, last page, style /r or /D or None for no number, first
    number) that give each page the number it prints."""
    ranges: list[tuple[int, int, str | None, int]] = []
    for index, shown in enumerate(printed):
        style = None if shown is None else "/D" if shown.isdigit() else "/r"
        value = 0 if shown is None else int(shown) if shown.isdigit() else roman_value(shown)
        if ranges:
            a, b, last_style, first = ranges[-1]
            if style == last_style and (style is None or value == first + index - a):
                ranges[-1] = (a, index, style, first)
                continue
        ranges.append((index, index, style, value))
    return ranges


def signature_fields(path: Path) -> dict[str, bool]:
    """Each signature field of a PDF and whether it is signed ({} for a file that does not open)."""
    try:
        fields = PdfReader(path).get_fields() or {}
    except (PdfReadError, OSError, ValueError):
        return {}
    return {name: f.get("/V") is not None for name, f in fields.items() if f.get("/FT") == "/Sig"}


def is_signed(path: Path) -> bool:
    """True when the PDF carries a filled signature field (it must then never be replaced)."""
    return any(signature_fields(path).values())


def assemble(parts: list[Part], meta: Metadata, fields: list[str], out: Path,
             attachments: dict[str, bytes] | None = None) -> list[FieldSpot]:
    """Write the package to `out` atomically; refuses to replace a signed package."""
    if out.exists() and is_signed(out):
        raise PackageError(f"{out}: paket sudah ditandatangani dan tidak boleh ditimpa; koreksi setelah tanda tangan memerlukan revisi baru")
    writer = PdfWriter()
    numbers: dict[str, int] = {}  # parts sharing a prefix number on; each prefix must match the footer its template prints
    for part in parts:
        start = len(writer.pages)
        try:
            writer.append(str(part.pdf), import_outline=False)
        except (PdfReadError, OSError) as exc:
            raise PackageError(f"{part.pdf.name}: tidak dapat digabung ({exc})") from None
        end = len(writer.pages) - 1
        parent = writer.add_outline_item(part.title, start)
        if part.bookmarks:
            pages = find_texts(part.pdf, part.bookmarks)
            for text in part.bookmarks:  # one the template does not print points at the part itself
                writer.add_outline_item(text, start + pages.get(text, 0), parent=parent)
        printed = printed_numbers(part.pdf) if part.printed_labels else []
        if any(printed):
            for a, b, style, first in label_ranges(printed):
                if style is None:
                    writer.set_page_label(start + a, start + b, prefix=part.label_prefix)
                else:
                    writer.set_page_label(start + a, start + b, style=style, start=first)
        elif part.numbered:
            first = numbers.get(part.label_prefix, 1)
            writer.set_page_label(start, end, style="/D", prefix=part.label_prefix or None, start=first)
            numbers[part.label_prefix] = first + end - start + 1
        else:
            writer.set_page_label(start, end, prefix=part.label_prefix)
    writer.add_metadata({
        "/Title": meta.title, "/Author": meta.author, "/Subject": meta.subject, "/Keywords": meta.keywords,
        "/Creator": "sakip", "/CreationDate": pdf_date(meta.created), "/ModDate": pdf_date(meta.created),
        **dict(meta.extra),
    })
    for name, data in (attachments or {}).items():
        writer.add_attachment(name, data)
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    merged = io.BytesIO()
    writer.write(merged)
    scan = scan_markers(merged.getvalue(), fields)
    spots = scan.spots
    if strip_markers(writer, scan.objects):
        merged = io.BytesIO()
        writer.write(merged)
    merged.seek(0)
    # lazy: pyHanko (~1.5 s) only when a package is assembled, not when a run imports this module
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    incremental = IncrementalPdfFileWriter(merged, strict=False)
    for spot in spots:
        append_signature_field(incremental, SigFieldSpec(sig_field_name=spot.name, on_page=spot.page, box=spot.box))
    with atomic_path(out) as tmp, tmp.open("wb") as fh:
        incremental.write(fh)
    return spots


# Stable field names, documented in README: the official's signature on the report and on the
# RA, both parties of the PK, the checker's initials on the Lembar Paraf and, when instansi.toml
# names a checker, on the report.
PACKAGE_FIELDS = ["ttd_pejabat", "ttd_pk_pihak_pertama", "ttd_pk_pihak_kedua", "ttd_ra", "paraf_pemeriksa"]


def package_name(pk: str, year: int, quarter: int) -> str:
    return f"paket_{safe_component(pk)}_{year}_TW{quarter}.pdf"


@dataclass(frozen=True)
class Provenance:
    """What a package is made from, for its manifest."""

    inputs: list[Path]
    templates: list[Path]
    documents: list[Path]  # the rendered DOCX and the paraf record, listed as outputs
    run: manifest.RunInfo


def package_pk(pk: str, author: str, official: str, year: int, quarter: int, pdfs: dict[str, Path], folder: Path,
               created: dt.datetime, provenance: Provenance, data: bytes, revision: int = 1, sasaran: tuple[str, ...] = (),
               report_paraf: bool = True, keys: dict[str, str] | None = None,
               signers: dict[str, object] | None = None) -> Path:
    """The package of one PK from its converted cover, report, PK and RA appendices and Lembar
    Paraf, with the validated data attached and its manifest beside it, written into `folder`
    (the revision's folder; which revision it is, is decided by `revisions.plan`). `signers`:
    the official printed at each field (`render.printed_signers`), recorded in the manifest."""
    out = folder / package_name(pk, year, quarter)
    period = f"{quarter_name(quarter)} Tahun {year}"
    parts = [
        Part("Sampul", pdfs["sampul"], "Sampul", numbered=False),
        Part("Laporan Capaian Kinerja", pdfs["laporan_triwulan"], bookmarks=sasaran),
        Part("Lampiran Perjanjian Kinerja", pdfs["lampiran_pk"], "L-"),
        Part("Lampiran Rencana Aksi", pdfs["lampiran_ra"], "RA-"),
        Part("Lembar Paraf", pdfs["lembar_paraf"], "P-"),
    ]
    fields = PACKAGE_FIELDS + ([REPORT_PARAF_FIELD] if report_paraf else [])
    meta = Metadata(
        title=f"Laporan Capaian Kinerja {period} - {pk}",
        author=author,
        subject=f"Laporan capaian kinerja {period}, {official}; siap tanda tangan",
        keywords=f"SAKIP; {pk}; {year}; TW{quarter}; revisi {revision}; siap tanda tangan",
        created=created,
        extra=(("/SakipPeriode", period), ("/SakipPK", pk), ("/SakipRevisi", str(revision)),
               ("/SakipRunId", provenance.run.run_id), manifest.printed_metadata(signers, fields)),
    )
    assemble(parts, meta, fields, out, {data_name(pk, year, quarter): data})
    manifest.write(out, pk=pk, year=year, quarter=quarter, revision=revision, created=created, run=provenance.run,
                   inputs=provenance.inputs, templates=provenance.templates, outputs=provenance.documents, fields=fields,
                   keys=keys, signers=signers)
    return out


def data_name(pk: str, year: int, quarter: int) -> str:
    return f"data_tervalidasi_{safe_component(pk)}_{year}_TW{quarter}.xlsx"
