"""Package assembly: signature fields placed at the templates' markers, and the markers gone."""

from __future__ import annotations

import datetime as dt

import pypdfium2 as pdfium
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from sakip import package
from sakip.formatting import JAKARTA
from sakip.model import signature_marker


def _pdf(path, lines: list[tuple[float, float, str]]) -> None:
    """A one-page PDF printing each (x, y, text) in Helvetica, as a template's PDF would."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    stream = DecodedStreamObject()
    stream.set_data("".join(f"BT /F1 10 Tf {x} {y} Td ({t}) Tj ET\n" for x, y, t in lines).encode())
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
