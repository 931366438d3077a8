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
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

from . import manifest
from .errors import PackageError
from .formatting import JAKARTA, quarter_name
from .model import REPORT_PARAF_FIELD, signature_marker
from .outputs import atomic_path, safe_component

log = logging.getLogger("sakip.paket")

FIELD_WIDTH = 190.0  # points: the width of a signature block's free space
DEFAULT_FIELD_HEIGHT = 45.0


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


def locate_fields(pdf: bytes, names: list[str]) -> list[FieldSpot]:
    """Find each field's marker; the field spans from the marker down to the next text line.

    PDFium (pypdfium2) finds text and its boxes ~10x faster than pypdf's text extraction,
    which cost more than the rest of packaging together.
    """
    doc = pdfium.PdfDocument(pdf)
    spots: dict[str, FieldSpot] = {}
    try:
        for index in range(len(doc)):
            page = doc[index]
            text = page.get_textpage()
            rects = None
            for name in names:
                if name in spots:
                    continue
                found = text.search(signature_marker(name), match_case=True).get_next()
                if found is None:
                    continue
                if rects is None:
                    rects = [text.get_rect(i) for i in range(text.count_rects())]
                left, bottom, _right, top = text.get_charbox(found[0])
                # Text lines below the marker in the same column (rects are left, bottom, right, top).
                below = [r[3] for r in rects if r[3] < bottom - 3 and abs(r[0] - left) < 60]
                low = max(below) + 4 if below else top - DEFAULT_FIELD_HEIGHT
                spots[name] = FieldSpot(name, index, (left - 2, low, left + FIELD_WIDTH, top + 2))
            text.close()
            page.close()
            if len(spots) == len(names):
                break
    finally:
        doc.close()
    missing = [n for n in names if n not in spots]
    if missing:
        raise PackageError(f"blok tanda tangan untuk {', '.join(missing)} tidak ditemukan di dokumen (penanda hilang dari template?)")
    return [spots[n] for n in names]


MARKER_PREFIX = signature_marker("")
_SHOW_TEXT = {b"Tj", b"TJ", b"'", b'"'}


def _object_text(obj: pdfium.PdfObject, textpage: pdfium.PdfTextPage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)  # bytes, with the final NUL
    if size <= 2:
        return ""
    buffer = (ctypes.c_ushort * (size // 2))()
    pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
    return bytes(buffer)[:size - 2].decode("utf-16-le", errors="replace")


def marker_objects(pdf: bytes) -> dict[int, tuple[int, set[int]]]:
    """Per page (0-based) that prints a signature marker: how many text objects the page has and
    which of them (in content order) are markers. PDFium makes one text object per text-showing
    operator of the page's content, in order, which is how `strip_markers` finds them."""
    doc = pdfium.PdfDocument(pdf)
    found: dict[int, tuple[int, set[int]]] = {}
    try:
        for index in range(len(doc)):
            page = doc[index]
            textpage = page.get_textpage()
            texts = [_object_text(obj, textpage) for obj in page.get_objects(max_depth=0)
                     if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT]
            markers = {n for n, text in enumerate(texts) if MARKER_PREFIX in text}
            if markers:
                found[index] = (len(texts), markers)
            textpage.close()
            page.close()
    finally:
        doc.close()
    return found


def strip_markers(writer: PdfWriter, pdf: bytes) -> int:
    """Remove the marker text from the pages of `writer` (the document `pdf` was written from),
    once the fields are located: copied or extracted text of the package is the document's
    text only. A page whose text-showing operators do not pair one to one with PDFium's text
    objects (content in forms, say) is left as it is rather than edited by guess."""
    removed = 0
    for index, (count, markers) in marker_objects(pdf).items():
        page = writer.pages[index]
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
    spots = locate_fields(merged.getvalue(), fields)
    if strip_markers(writer, merged.getvalue()):
        merged = io.BytesIO()
        writer.write(merged)
    merged.seek(0)
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
