"""Package assembly: signature fields placed at the templates' markers, and the markers gone."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from sakip.pdf import package
from sakip.formatting import JAKARTA
from sakip.model import signature_marker


def _pdf(path, lines: list[tuple], graphics: str = "", size: tuple[float, float] = (595, 842)) -> None:
    """A one-page PDF printing each (x, y, text[, font size]) in Helvetica, as a template's PDF
    would, after the path operators `graphics` (ruling lines)."""
    writer = PdfWriter()
    page = writer.add_blank_page(*size)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data((graphics + "\n" + "".join(f"BT /F1 {(rest or [10])[0]} Tf {x} {y} Td ({t}) Tj ET\n"
                                                for x, y, t, *rest in lines)).encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    with open(path, "wb") as fh:
        writer.write(fh)


def _text(path) -> str:
    doc = pdfium.PdfDocument(path)
    try:
        return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()


def test_markers_place_the_fields_and_are_removed_from_the_text(tmp_path):
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    _pdf(first, [(72, 760, "LAPORAN CAPAIAN KINERJA"), (300, 300, "Sukamaju, 6 Juli 2026"),
                 (300, 280, signature_marker("ttd_pejabat")), (300, 220, "NURUL HIDAYATI, S.E., M.Ak.")])
    _pdf(second, [(72, 760, "LEMBAR PARAF"), (100, 280, signature_marker("paraf_pemeriksa")),
                  (100, 220, "DEWI LESTARI, S.Kom., M.M.")])
    assert signature_marker("ttd_pejabat") in _text(first)
    meta = package.Metadata("judul", "penyusun", "subjek", "kata kunci", dt.datetime(2026, 7, 6, 9, tzinfo=JAKARTA))
    out = tmp_path / "paket.pdf"
    spots = package.assemble([package.Part("Laporan", first), package.Part("Lembar Paraf", second, "P-")], meta,
                             ["ttd_pejabat", "paraf_pemeriksa"], out)
    text = _text(out)
    assert "SAKIPMARK" not in text
    assert "NURUL HIDAYATI, S.E., M.Ak." in text and "DEWI LESTARI" in text and "Sukamaju, 6 Juli 2026" in text
    # The fields still sit where the markers were: from the marker's line down to the name.
    by_name = {s.name: s for s in spots}
    assert by_name["ttd_pejabat"].page == 0 and by_name["paraf_pemeriksa"].page == 1
    left, bottom, _right, top = by_name["ttd_pejabat"].box
    assert 295 <= left <= 300 and 225 < bottom < 280 < top
    fields = PdfReader(out).get_fields()
    assert set(fields) == {"ttd_pejabat", "paraf_pemeriksa"} and all(f.get("/V") is None for f in fields.values())


def _pages(path, pages: list[list[tuple[float, float, str]]]) -> None:
    """A PDF of one page per list of (x, y, text)."""
    parts = []
    for n, lines in enumerate(pages):
        parts.append(path.with_name(f"{path.stem}-{n}.pdf"))
        _pdf(parts[-1], lines)
    writer = PdfWriter()
    for part in parts:
        writer.append(str(part))
    with open(path, "wb") as fh:
        writer.write(fh)


def test_a_document_numbering_itself_is_labelled_with_the_numbers_its_footers_print(tmp_path):
    """The LKjIP: an unnumbered cover, front matter i-iv, a body from 1. A 'Halaman 9' in the
    text above the footer is not the page's number."""
    printed = [None, "i", "ii", "iii", "iv", "1", "2", "3"]
    pdf = tmp_path / "lkjip.pdf"
    _pages(pdf, [[(72, 760, "JUDUL"), (72, 400, "lihat Halaman 9"), (72, 300, "Halaman 9")]
                 + ([(280, 30, f"Halaman {shown}")] if shown else []) for shown in printed])
    assert package.printed_numbers(pdf) == printed
    meta = package.Metadata("judul", "penyusun", "subjek", "kata kunci", dt.datetime(2027, 2, 15, 9, tzinfo=JAKARTA))
    out = tmp_path / "out.pdf"
    package.assemble([package.Part("LKjIP", pdf, "Sampul", printed_labels=True)], meta, [], out)
    assert PdfReader(out).page_labels == ["Sampul", *printed[1:]]


def test_label_ranges_follow_the_printed_numbers():
    assert package.label_ranges([None, "i", "ii", "iii", "1", "2"]) == [(0, 0, None, 0), (1, 3, "/r", 1), (4, 5, "/D", 1)]
    # a number that does not continue the range (a page the footer skips, a restart) starts a new one
    assert package.label_ranges(["3", "4", "9", "1"]) == [(0, 1, "/D", 3), (2, 2, "/D", 9), (3, 3, "/D", 1)]
    assert [package.roman_value(r) for r in ("i", "iv", "ix", "xiv", "xl")] == [1, 4, 9, 14, 40]


def test_a_document_printing_no_numbers_is_numbered_from_one(tmp_path):
    pdf = tmp_path / "polos.pdf"
    _pages(pdf, [[(72, 760, "JUDUL")], [(72, 760, "ISI")]])
    meta = package.Metadata("judul", "penyusun", "subjek", "kata kunci", dt.datetime(2027, 2, 15, 9, tzinfo=JAKARTA))
    out = tmp_path / "out.pdf"
    package.assemble([package.Part("Dokumen", pdf, printed_labels=True)], meta, [], out)
    assert PdfReader(out).page_labels == ["1", "2"]


def _field(tmp_path, lines: list[tuple], graphics: str = "", name: str = "paraf_laporan",
           size: tuple[float, float] = (595, 842)) -> tuple[float, float, float, float]:
    pdf = tmp_path / "halaman.pdf"
    _pdf(pdf, lines, graphics, size)
    [spot] = package.locate_fields(pdf.read_bytes(), [name])
    return spot.box


def _word_boxes(pdf_lines: list[tuple]) -> list[tuple[float, float, float, float]]:
    """Generous boxes of the printed (non-marker) texts of `_pdf`: Helvetica's widest glyph is
    under 1 em, its ascent under 0.75 em and descent under 0.25 em."""
    return [(x, y - 0.25 * (rest or [10])[0], x + len(t) * (rest or [10])[0], y + 0.75 * (rest or [10])[0])
            for x, y, t, *rest in pdf_lines if not t.startswith("SAKIPMARK")]


def _apart(a, b) -> bool:
    return a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


# A 4-column paraf table (No, Jabatan, Nama, Paraf) of one header row and one row, its cell
# borders drawn as separate lines (as LibreOffice draws them) or as one stroked rectangle per cell.
COLUMNS = [60, 85, 255, 397, 488]
ROWS = [331, 321, 291]


def _ruled_lines() -> str:
    ops = [f"{COLUMNS[0]} {y} m {COLUMNS[-1]} {y} l S" for y in ROWS]
    ops += [f"{x} {ROWS[-1]} m {x} {ROWS[0]} l S" for x in COLUMNS]
    return "0.75 w " + " ".join(ops)


def _ruled_rectangles() -> str:
    ops = [f"{left} {bottom} {right - left} {top - bottom} re S"
           for top, bottom in zip(ROWS, ROWS[1:]) for left, right in zip(COLUMNS, COLUMNS[1:])]
    return "0.75 w " + " ".join(ops)


@pytest.mark.parametrize("graphics", [_ruled_lines(), _ruled_rectangles()], ids=["lines", "rectangles"])
def test_a_marker_in_a_ruled_cell_gets_the_cell(tmp_path, graphics):
    lines = [(432, 324, "Paraf", 8), (91, 312, "Kepala Subbagian Perencanaan", 8), (261, 312, "DEWI LESTARI", 8),
             (402, 316, signature_marker("paraf_laporan"), 1), (63, 334, "Paraf pemeriksa:", 8)]
    left, bottom, right, top = _field(tmp_path, lines, graphics)
    # Inside the Paraf cell's lines (half a line width each side) and filling it but for the inset.
    inside = (397 + 0.375, 291 + 0.375, 488 - 0.375, 321 - 0.375)
    assert inside[0] < left and inside[1] < bottom and right < inside[2] and top < inside[3]
    assert left - inside[0] <= 3 and bottom - inside[1] <= 3 and inside[2] - right <= 3 and inside[3] - top <= 3
    assert all(_apart((left, bottom, right, top), word) for word in _word_boxes(lines))


def test_a_label_in_the_cell_above_the_marker_stays_clear(tmp_path):
    lines = [(400, 312, "Paraf:", 8), (402, 300, signature_marker("paraf_laporan"), 1)]
    left, bottom, right, top = _field(tmp_path, lines, _ruled_lines())
    assert top < 312 - 2 and bottom > 291 and right < 488 and left > 397


def test_a_borderless_block_fills_the_blank_between_jabatan_and_name(tmp_path):
    marker = signature_marker("ttd_pejabat")
    lines = [(72, 760, "LAPORAN CAPAIAN KINERJA"),
             (300, 470, "Sukamaju, 6 Juli 2026"), (300, 455, "Inspektur Daerah Kabupaten Sukamaju"),
             (300, 450, marker, 1), (300, 395, "Drs. HERU PRASETYO, M.Si."), (300, 380, "Pembina Utama Muda (IV/c)"),
             (300, 365, "NIP. 19710412 199603 1 003"),
             # a note in the next column, level with the signing space, and a long body line well above
             (500, 420, "Catatan"), (72, 520, "Demikian laporan ini disampaikan untuk dipergunakan sebagaimana mestinya.")]
    # The ruled table just above the block and a rule across the page below do not close around it.
    graphics = "0.75 w 60 540 m 540 540 l S 60 500 m 540 500 l S 60 500 m 60 540 l S 540 500 m 540 540 l S " \
               "60 340 m 540 340 l S"
    left, bottom, right, top = _field(tmp_path, lines, graphics, "ttd_pejabat")
    assert 296 <= left <= 300
    assert 395 + 7 < bottom < 395 + 14 and 455 - 6 < top < 455  # from under the jabatan to over the name
    assert right < 500  # not into the next column's note
    assert right > 300 + 165  # as wide as the block's widest line, the jabatan: about 175 pt in Helvetica 10
    assert all(_apart((left, bottom, right, top), word) for word in _word_boxes(lines))


def test_a_block_near_the_page_edge_stays_within_the_margins(tmp_path):
    lines = [(470, 455, "Bupati"), (470, 450, signature_marker("ttd_pk_pihak_kedua"), 1), (470, 395, "H. BAMBANG")]
    left, bottom, right, top = _field(tmp_path, lines, name="ttd_pk_pihak_kedua")
    assert right <= 595 - package.PAGE_MARGIN_X and left >= package.PAGE_MARGIN_X
    assert right - left > 60 and top - bottom > 35


# The marker is cut out of the page's content by a tokenizer of its own (pypdf's parser took
# ~0.1 s a package); these hold it to what the content means, with pypdf's parser as the judge.
_CONTENT = (b"q 0 0 0 rg\nBT\n56.8 534.4 Td /F1 10.5 Tf[<13>-1<1819>4<0A>]TJ\nET\nQ\n"
            b"% a comment with Tj and (parens\n"
            b"BT /F1 1 Tf (SAKIPMARK ttd \\(x\\) (nested Tj ok) \\\\) Tj ET\n"
            b"BT 2 0 (quoted) \" T* (next) ' ET\n"
            b"q [3 1] 0 d /GS1 gs << /MCID 0 >> BDC 0.5 w 10 10 m 20 20 l S EMC Q\n"
            b"BT /F2 12 Tf <FEFF 0041> Tj ET true false null pop\n")


def _shows(data: bytes) -> list[tuple[list, bytes]]:
    from pypdf.generic import ContentStream
    stream = DecodedStreamObject()
    stream.set_data(data)
    return [(ops, op) for ops, op in ContentStream(stream, None).operations if op in (b"Tj", b"TJ", b"'", b'"')]


def test_the_content_tokenizer_finds_the_text_shows_pypdf_finds():
    shows = _shows(_CONTENT)
    assert len(shows) == 5
    for drop in range(len(shows)):
        stripped = package._without_shows(_CONTENT, {drop}, len(shows))
        assert stripped is not None
        assert _shows(stripped) == shows[:drop] + shows[drop + 1:]
    # Everything but the dropped operation stays byte for byte.
    stripped = package._without_shows(_CONTENT, {1}, 5)
    assert stripped.replace(b" ", b"") == _CONTENT.replace(
        b"\nBT /F1 1 Tf (SAKIPMARK ttd \\(x\\) (nested Tj ok) \\\\) Tj ET", b"\nBT /F1 1 Tf ET").replace(b" ", b"")


@pytest.mark.parametrize("content", [
    b"BT (a) Tj ET q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00Tj) EI Q",  # an inline image: binary data
    b"BT (a (b (c) d) e) Tj ET",  # strings nested deeper than two levels
    b"BT (unterminated Tj ET",
    b"BT <0G> Tj ET",  # a hex string that is not one
], ids=["inline-image", "deep-nesting", "unterminated", "bad-hex"])
def test_content_the_tokenizer_does_not_know_goes_to_pypdf(content):
    assert package._without_shows(content, {0}, 1) is None


def test_a_count_that_does_not_match_pdfiums_leaves_the_page_alone():
    assert package._without_shows(_CONTENT, {0}, 4) is None and package._without_shows(_CONTENT, {0}, 6) is None
