"""Keeping a signature block on the page where its table ends.

A signature must stand on the same page as the end of what it signs. Word keeps a table's last
row with the paragraph after it (keep-with-next on the row), but LibreOffice 7.x cannot keep
part of a table that already runs over several pages with what follows: when the signature does
not fit under the table's last row, it goes alone to the next page. No template property
prevents that, so it is repaired after conversion, where it can be seen: a PDF page whose
signature block has nothing of the document above it has its DOCX changed so that the table's
last row starts the next page, under a copy of the table's header (and of the row's group label,
"Sasaran N: ..."), and the document is converted once more. Only a table directly above the
signature is split; the repair is written into the DOCX kept beside the package, so the PDF is
still the conversion of that file.
"""

from __future__ import annotations

import copy
import re
from contextlib import AbstractContextManager, nullcontext
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pypdfium2 as pdfium
from lxml import etree

from ..model import signature_marker
from ..outputs.files import atomic_path

if TYPE_CHECKING:
    from .convert import Converter, Outcome

MARKER_PREFIX = signature_marker("")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W}}}"
# Lines a signature block prints above its (invisible) field marker: place and date, a role such
# as "PIHAK PERTAMA," and a jabatan over up to three lines. More than that is the document's own
# content, which the signature then stands with.
MAX_LINES_ABOVE = 5
_FOOTER = re.compile(r"^Halaman \S+( dari \d+)?$")


def signature_alone(pdf: Path) -> bool:
    """Whether a page of `pdf` holds a signature block with nothing of the document above it.

    The block's own lines above its field marker (place and date, role, jabatan) start where the
    marker starts; a line starting further left is the document's (a table row, a paragraph)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        for index in range(1, len(doc)):  # a document's first page always holds its beginning
            page = doc[index]
            text = page.get_textpage()
            try:
                if _alone(text):
                    return True
            finally:
                text.close()
                page.close()
    finally:
        doc.close()
    return False


def _alone(text: "pdfium.PdfTextPage") -> bool:
    content = text.get_text_range()
    at = content.find(MARKER_PREFIX)
    if at < 0:
        return False
    left = text.get_charbox(at)[0]
    lines = 0
    for match in re.finditer(r"[^\r\n]+", content[:at]):
        line = match.group().strip()
        if not line or _FOOTER.match(line):
            continue
        first = match.start() + (len(match.group()) - len(match.group().lstrip()))
        if text.get_charbox(first)[0] < left - 5:
            return False
        lines += 1
    return lines <= MAX_LINES_ABOVE


def _text(element: etree._Element) -> str:
    return "".join(element.itertext()).strip()


def _is_header(row: etree._Element) -> bool:
    return row.find(f"{_W}trPr/{_W}tblHeader") is not None


def _is_group(row: etree._Element, columns: int) -> bool:
    cells = row.findall(f"{_W}tc")
    span = cells[0].find(f"{_W}tcPr/{_W}gridSpan") if len(cells) == 1 else None
    return span is not None and int(span.get(f"{_W}val", "1")) == columns


def move_last_row(docx: Path) -> bool:
    """Move the last row of the table directly above the first signature block to a new page,
    under a copy of the table's header; False (and the file untouched) when no such table."""
    with zipfile.ZipFile(docx) as z:
        parts = {info.filename: (info, z.read(info.filename)) for info in z.infolist()}
    root = etree.fromstring(parts["word/document.xml"][1])
    body = root.find(f"{_W}body")
    children = list(body)
    holder = next((i for i, el in enumerate(children) if MARKER_PREFIX in "".join(el.itertext())), None)
    if holder is None:
        return False
    table = None
    for el in reversed(children[:holder]):
        if el.tag == f"{_W}p" and not _text(el):
            continue  # spacing paragraphs between the table and the signature
        table = el if el.tag == f"{_W}tbl" else None
        break
    if table is None:
        return False
    rows = table.findall(f"{_W}tr")
    headers = [r for r in rows if _is_header(r)]
    body_rows = [r for r in rows if not _is_header(r)]
    if not headers or len(body_rows) < 2:
        return False
    columns = len(table.findall(f"{_W}tblGrid/{_W}gridCol"))
    moved = [body_rows[-1]]
    if len(body_rows) > 2 and _is_group(body_rows[-2], columns):
        moved.insert(0, body_rows[-2])  # a group label never stays behind without its row
    elif not _is_group(body_rows[-1], columns):
        label = next((r for r in reversed(body_rows[:-1]) if _is_group(r, columns)), None)
        if label is not None:
            moved.insert(0, copy.deepcopy(label))  # the row's sasaran, repeated over it
    tail = etree.Element(f"{_W}tbl")
    for name in ("tblPr", "tblGrid"):
        part = table.find(f"{_W}{name}")
        if part is not None:
            tail.append(copy.deepcopy(part))
    for row in headers:
        tail.append(copy.deepcopy(row))
    for row in moved:
        if row.getparent() is table:
            table.remove(row)
        tail.append(row)
    # An empty paragraph keeps the two tables apart (adjacent tables merge) and starts the page.
    gap = etree.Element(f"{_W}p")
    ppr = etree.SubElement(gap, f"{_W}pPr")
    etree.SubElement(ppr, f"{_W}pageBreakBefore")
    spacing = etree.SubElement(ppr, f"{_W}spacing")
    spacing.set(f"{_W}before", "0")
    spacing.set(f"{_W}after", "0")
    rpr = etree.SubElement(ppr, f"{_W}rPr")
    etree.SubElement(rpr, f"{_W}sz").set(f"{_W}val", "2")
    index = list(body).index(table)
    body.insert(index + 1, gap)
    body.insert(index + 2, tail)
    info, _ = parts["word/document.xml"]
    parts["word/document.xml"] = (info, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
    with atomic_path(docx) as temporary, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.values():
            z.writestr(info, data)
    return True


def convert(converter: "Converter", docs: list[Path], work: Path,
            guard: AbstractContextManager[Any] | None = None) -> list["Outcome"]:
    """Convert `docs`; a document whose signature block ended alone on a page is repaired
    (move_last_row) and converted once more. `guard` is held while PDFium reads the PDFs: PDFium
    is not thread-safe, and two threads in it crash the process."""
    outcomes = converter.convert_batch(docs, work)
    with guard or nullcontext():
        again = [o.source for o in outcomes if o.pdf is not None and signature_alone(o.pdf) and move_last_row(o.source)]
    if not again:
        return outcomes
    redone = {o.source: o for o in converter.convert_batch(again, work)}
    return [redone.get(o.source, o) for o in outcomes]
