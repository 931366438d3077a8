"""The layout check (issue 22): what a head of agency's red pen finds on a printed page.

It reads every page of a PDF with pdfplumber (word, line, rectangle and image boxes) and
compares what is printed with what was written: the DOCX a document was converted from, or the
workbook Calc printed. Each finding names the file, the page (by its PDF label) and what is wrong:

- **split**: a word or number printed in two pieces ("450.000.00" / "0", "Dokume" / "n"): a
  printed word that the source does not hold, but which joined with the next piece is one of the
  source's words; and a value joined by non-breaking spaces ("102,00 %", "TW II") printed over
  two lines;
- **unknown text**: a printed word the source does not hold at all (text cut by its cell);
- **page number**: a numbered page whose footer does not print "Halaman <label>", or an
  unnumbered page (a cover) that prints one;
- **lone page**: a page that holds only a signature block, or after the table header repeated
  from the page before only one table row or less;
- **margins**: anything printed or drawn within 5 mm of the paper's edge;
- **overlap**: two words printed over each other, or an image (a chart) over a word or a ruling
  line.

The source's words are the whitespace-separated tokens of its paragraphs (DOCX) or cells (XLSX);
non-breaking spaces join tokens, as they join them on the page.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

import pdfplumber
from openpyxl import load_workbook

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EDGE = 14.2  # 5 mm: a printer's unprintable border; nothing of a document belongs there
NBSP = "\u00a0\u202f\u2007"
PLACE_DATE = re.compile(r"^[A-Z][\w .'()-]*, \d{1,2} \w+ \d{4}$")
PAGE_NUMBER = re.compile(r"^Halaman (\S+)(?: dari \d+)?$")
NUMBERED_LABEL = re.compile(r"^(?:[A-Z]+-)?(?:\d+|[ivxlcdm]+)$")
# Text printed by fields or by the PDF's own furniture rather than by the source's paragraphs:
# page numbers and a table of contents' numbers and dot leaders.
FIELD_TOKEN = re.compile(r"^(?:\d{1,4}|[ivxlcdm]{1,6}|[A-Z]+-\d+|\.{3,}\d*)$")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    def overlaps(self, other: "Word | tuple[float, float, float, float]", share: float = 0.3) -> bool:
        x0, top, x1, bottom = (other.x0, other.top, other.x1, other.bottom) if isinstance(other, Word) else other
        w = min(self.x1, x1) - max(self.x0, x0)
        h = min(self.bottom, bottom) - max(self.top, top)
        if w <= 0 or h <= 0:
            return False
        smaller = min((self.x1 - self.x0) * (self.bottom - self.top), (x1 - x0) * (bottom - top)) or 1
        return w * h / smaller > share


# ------------------------------------------------------------------------------ sources


def tokens(text: str) -> list[str]:
    """Whitespace-separated tokens; non-breaking spaces stay inside their token."""
    return [t for t in re.split(r"[ \t\r\n\u2002\u2003\u2009]+", text) if t]


def docx_vocabulary(docx: Path) -> set[str]:
    words: set[str] = set()
    with zipfile.ZipFile(docx) as z:
        for name in z.namelist():
            if not re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", name):
                continue
            root = ET.fromstring(z.read(name))
            for para in root.iter(f"{W}p"):
                parts = []
                for node in para.iter():
                    if node.tag == f"{W}t" and node.text:
                        parts.append(node.text)
                    elif node.tag in (f"{W}tab", f"{W}br", f"{W}cr"):
                        parts.append(" ")
                words.update(tokens("".join(parts)))
    return words


def workbook_vocabulary(xlsx: Path) -> set[str]:
    words: set[str] = set()
    wb = load_workbook(xlsx)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    words.update(tokens(cell.value))
        for part in (ws.oddHeader, ws.oddFooter):
            for side in (part.left, part.center, part.right):
                if side.text:
                    words.update(tokens(re.sub(r"&[A-Z]", " ", side.text)))
    return words


# ------------------------------------------------------------------------------ pages


@dataclass
class Page:
    label: str
    width: float
    height: float
    words: list[Word]
    rulings: list[tuple[float, float, float, float]]  # x0, top, x1, bottom of lines and thin rects
    images: list[tuple[float, float, float, float]]

    def lines(self) -> list[list[Word]]:
        """Words grouped into printed lines (same baseline band), top to bottom, left to right."""
        rows: list[list[Word]] = []
        for w in sorted(self.words, key=lambda w: (round(w.bottom), w.x0)):
            if rows and abs(rows[-1][0].bottom - w.bottom) < 2:
                rows[-1].append(w)
            else:
                rows.append([w])
        return [sorted(r, key=lambda w: w.x0) for r in rows]


def read_pages(pdf: Path) -> list[Page]:
    pages = []
    with pdfplumber.open(pdf) as doc:
        for page, label in zip(doc.pages, _labels(pdf)):  # pypdf gives 1..N where a PDF sets none
            words = [Word(w["text"], w["x0"], w["x1"], w["top"], w["bottom"])
                     for w in page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False)]
            rulings = [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in page.lines]
            rulings += [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in page.rects
                        if min(o["width"], o["height"]) < 2.5]
            images = [(o["x0"], o["top"], o["x1"], o["bottom"]) for o in page.images]
            pages.append(Page(label, float(page.width), float(page.height), words, rulings, images))
    return pages


def _labels(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return list(PdfReader(pdf).page_labels)


# ------------------------------------------------------------------------------ checks


def _segments(line: list[Word]) -> list[list[Word]]:
    """A printed line cut where a gap wider than a word space separates two cells or columns."""
    out: list[list[Word]] = []
    for w in line:
        if out and w.x0 - out[-1][-1].x1 < 8:
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _reading_order(page: Page) -> list[tuple[Word, Word | None]]:
    """Each word with the piece that would continue it if it were split: the next word of its
    cell's line when it touches it, else the first word of the next line in the same cell (a
    left-aligned line starts where this one started; a right-aligned or centred piece lies under
    the word)."""
    lines = [_segments(line) for line in page.lines()]
    pairs: list[tuple[Word, Word | None]] = []
    for i, segments in enumerate(lines):
        for segment in segments:
            start = segment[0].x0
            for j, w in enumerate(segment):
                after = segment[j + 1] if j + 1 < len(segment) and segment[j + 1].x0 - w.x1 < 1 else None
                if after is None and j + 1 == len(segment):
                    for below in lines[i + 1:i + 4]:
                        heads = [s[0] for s in below]
                        if heads and heads[0].top - w.bottom > 14:
                            break
                        under = [h for h in heads if abs(h.x0 - start) < 3]
                        under = under or [h for h in heads if h.x0 < w.x1 and h.x1 > w.x0 and h.x0 >= start - 3]
                        if not under and len(segments) == 1 and len(below) == 1:
                            under = heads  # a centred paragraph's next line
                        if under:
                            after = under[0]
                            break
                pairs.append((w, after))
    return pairs


TOC_ENTRY = re.compile(r"^(.*?)\.{3,}(?:[ivxlcdm]+|\d+)$")
# A number as Calc or Word prints a numeric cell or field (either locale's separators).
NUMBER = re.compile(r"^[-+(]?(?:Rp)?\d[\d.,]*%?\)?$")


def check_words(name: str, page: Page, vocabulary: set[str], cells: bool = False) -> list[str]:
    """`cells`: a spreadsheet's printout, where numbers are formatted by Calc (any number is
    its own) and two neighbouring cells' texts may touch ("1" and "IK-01" read as "1IK-01")."""
    problems = []
    glued = {tuple(re.split(f"[{NBSP}]+", t)) for t in vocabulary if any(c in t for c in NBSP)}
    pieces = {piece for t in glued for piece in t}
    pairs = {(t[i], t[i + 1]) for t in glued for i in range(len(t) - 1)}

    def known(text: str) -> bool:
        leader = TOC_ENTRY.match(text)  # a table of contents' last word, dot leader and page number
        if leader and (not leader.group(1) or known(leader.group(1))):
            return True
        return (text in vocabulary or text in pieces or bool(FIELD_TOKEN.match(text))
                or (cells and bool(NUMBER.match(text))))

    def touching(text: str) -> bool:
        return any(known(text[:i]) and known(text[i:]) for i in range(1, len(text)))

    order = _reading_order(page)
    follow = {id(w): after for w, after in order}
    tails: set[int] = set()
    for w, after in order:
        text = w.text
        if id(w) in tails:
            continue
        wrapped = after is not None and after.top > w.bottom - 2
        if known(text):
            if wrapped and (text, after.text) in pairs:
                problems.append(f"{name} hlm {page.label}: '{text} {after.text}' terpotong di antara dua baris")
            continue
        chain, joined, cur = [w], text, w
        while (not known(joined) and len(chain) < 8 and follow.get(id(cur)) is not None
               and any(v.startswith(joined) for v in vocabulary)):
            cur = follow[id(cur)]
            chain.append(cur)
            joined += cur.text
        if len(chain) > 1 and known(joined):
            tails.update(id(c) for c in chain[1:])
            if all(c.text.endswith(("-", "/")) for c in chain[:-1]):
                continue  # a line may break after a hyphen or slash ("APBDes-" / "nya"), as typesetters do
            problems.append(f"{name} hlm {page.label}: '{joined}' terpotong menjadi "
                            + " / ".join(f"'{c.text}'" for c in chain))
        elif cells and set(text) == {"#"}:
            problems.append(f"{name} hlm {page.label}: angka tidak muat di selnya (tercetak '{text}')")
        elif cells and touching(text):
            continue
        else:
            problems.append(f"{name} hlm {page.label}: teks '{text}' tidak ada di sumbernya (terpotong sel?)")
    return problems


def body(page: Page) -> list[list[Word]]:
    """The page's lines without the footer's page number."""
    return [line for line in page.lines() if not PAGE_NUMBER.match(" ".join(w.text for w in line))]


def check_page_number(name: str, page: Page, numbered: bool) -> list[str]:
    footer = [" ".join(w.text for w in line) for line in page.lines() if line[0].top > page.height * 0.85]
    printed = [m.group(1) for line in footer if (m := PAGE_NUMBER.match(line))]
    if numbered and printed != [page.label]:
        return [f"{name} hlm {page.label}: nomor halaman tercetak {printed or 'tidak ada'}, label PDF '{page.label}'"]
    if not numbered and printed:
        return [f"{name} hlm {page.label}: halaman tanpa nomor (sampul) mencetak 'Halaman {printed[0]}'"]
    return []


def check_lone(name: str, page: Page, before: Page | None) -> list[str]:
    if before is None:
        return []
    lines = [" ".join(w.text for w in line) for line in body(page)]
    earlier = [" ".join(w.text for w in line) for line in body(before)]
    repeated = 0
    while repeated < len(lines) and lines[repeated] in earlier[:8]:
        repeated += 1  # a table header Word repeats at the top of each page
    rest = lines[repeated:]
    if not rest:
        return [f"{name} hlm {page.label}: halaman hanya berisi kepala tabel yang diulang"]
    if PLACE_DATE.match(rest[0]) or rest[0].startswith(("Paraf pemeriksa", "NIP", "PIHAK")):
        return [f"{name} hlm {page.label}: halaman hanya berisi blok tanda tangan ('{rest[0]}')"]
    if repeated and len(rest) == 1:
        return [f"{name} hlm {page.label}: satu baris tabel sendirian di halaman ('{rest[0][:60]}')"]
    return []


def check_margins(name: str, page: Page) -> list[str]:
    out = []
    for w in page.words:
        if w.x0 < EDGE or w.top < EDGE or w.x1 > page.width - EDGE or w.bottom > page.height - EDGE:
            out.append(f"{name} hlm {page.label}: '{w.text}' tercetak di luar batas halaman")
    for box in page.images + page.rulings:
        x0, top, x1, bottom = box
        if x0 < EDGE - 1 or top < EDGE - 1 or x1 > page.width - EDGE + 1 or bottom > page.height - EDGE + 1:
            out.append(f"{name} hlm {page.label}: garis atau gambar di luar batas halaman ({x0:.0f},{top:.0f})")
            break
    return out


def check_overlap(name: str, page: Page) -> list[str]:
    out = []
    words = sorted(page.words, key=lambda w: w.top)
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if b.top > a.bottom:
                break
            if a.overlaps(b):
                out.append(f"{name} hlm {page.label}: '{a.text}' dan '{b.text}' tercetak bertumpuk")
    for image in page.images:
        covered = [w.text for w in page.words if w.overlaps(image, share=0.2)]
        if covered:
            out.append(f"{name} hlm {page.label}: gambar menutupi teks {covered[:5]}")
        x0, top, x1, bottom = image
        for rx0, rtop, rx1, rbottom in page.rulings:
            # a ruling crossing the image's inside (not just touching its edge)
            if rx0 < x1 - 2 and rx1 > x0 + 2 and rtop < bottom - 2 and rbottom > top + 2:
                out.append(f"{name} hlm {page.label}: gambar menutupi garis tabel")
                break
    return out


def numbered_label(label: str) -> bool:
    """A label that a printed page number must match ("3", "L-2", "iii"); not "Sampul"."""
    return bool(NUMBERED_LABEL.match(label))


def check_pdf(pdf: Path, vocabulary: set[str], numbered=numbered_label,
              name: str | None = None, cells: bool = False) -> list[str]:
    return check_pages(read_pages(pdf), vocabulary, numbered, name or pdf.name, cells)


def check_pages(pages: list[Page], vocabulary: set[str], numbered, name: str, cells: bool = False) -> list[str]:
    problems: list[str] = []
    for i, page in enumerate(pages):
        before = pages[i - 1] if i and _same_part(pages[i - 1].label, page.label) else None
        problems += check_words(name, page, vocabulary, cells)
        problems += check_page_number(name, page, numbered(page.label))
        problems += check_lone(name, page, before)
        problems += check_margins(name, page)
        problems += check_overlap(name, page)
    return problems


def _same_part(a: str, b: str) -> bool:
    prefix = lambda label: re.sub(r"\d+$|[ivxlcdm]+$", "", label)  # noqa: E731
    return prefix(a) == prefix(b) and a != b


# ------------------------------------------------------------------------------ whole runs


def check_package(pdf: Path) -> tuple[list[str], int]:
    """A package against the DOCX files it was assembled from (kept beside it in dokumen/):
    (findings, pages)."""
    vocabulary: set[str] = set()
    for docx in sorted((pdf.parent / "dokumen").glob("*.docx")):
        vocabulary |= docx_vocabulary(docx)
    assert vocabulary, f"{pdf}: no dokumen/*.docx beside the package"
    pages = read_pages(pdf)
    return check_pages(pages, vocabulary, numbered_label, pdf.name), len(pages)


def check_outputs(out: Path, year: int, quarter: int) -> tuple[list[str], int]:
    """Every package and recap of a period's latest revisions (and the LKjIP when there is one):
    (findings, pages checked)."""
    period = out / str(year) / f"TW{quarter}"
    pdfs = sorted(p.resolve() for p in period.glob("*/latest/*.pdf"))
    assert pdfs, f"no documents under {period}"
    problems: list[str] = []
    pages = 0
    for pdf in pdfs:
        found, count = check_package(pdf)
        problems += found
        pages += count
    return problems, pages


def check_workbook_pdf(pdf: Path, xlsx: Path) -> list[str]:
    """A workbook as LibreOffice Calc prints it: every page numbered 'Halaman N' by the footer,
    no cell text cut or printed over its neighbour."""
    vocabulary = workbook_vocabulary(xlsx)
    return check_pdf(pdf, vocabulary, name=xlsx.name, cells=True)
