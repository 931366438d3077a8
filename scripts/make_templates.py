"""Bootstrap the first version of the Word templates in templates/ (run from the project root).

After this first version, planners own the .docx files and edit them in Word; this script
refuses to overwrite an existing template unless given --force, so it cannot silently undo
their edits. Jinja tags are written as whole runs because docxtpl needs each tag in one run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Arial"
FORCE = "--force" in sys.argv


def base_document(landscape: bool) -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(2)
    style.paragraph_format.space_before = Pt(0)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    if landscape:
        sec.orientation = WD_ORIENT.LANDSCAPE
        sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(2.0)
    sec.top_margin = sec.bottom_margin = Cm(1.8)
    return doc


def para(container, text: str = "", bold: bool = False, size: float | None = None, align=None,
         underline: bool = False, space_after: float | None = None, keep: bool = False):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.underline = underline
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    if keep:
        p.paragraph_format.keep_with_next = True
    return p


def marker(container, tag: str, lines: int = 3):
    """The invisible signature-field marker: white 1 pt text located in the PDF by sakip."""
    p = container.add_paragraph()
    run = p.add_run(tag)
    run.font.size = Pt(1)
    run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    p.paragraph_format.keep_with_next = True
    for _ in range(lines):
        para(container, keep=True)


def bottom_border(paragraph, size: int = 18) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "thinThickSmallGap" if size > 12 else "single"), ("w:sz", str(size)), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(k), v)
    bdr.append(bottom)
    ppr.append(bdr)


def cell_shade(cell, color: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), color)
    tcpr.append(shd)


def repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


def no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def set_cell(cell, text: str, bold: bool = False, size: float = 9, align=WD_ALIGN_PARAGRAPH.LEFT):
    cell.text = ""
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)


def widths(table, cms: list[float]) -> None:
    """Set the grid (what LibreOffice lays out by) and every cell (what Word shows)."""
    table.autofit = False
    for col, w in zip(table.columns, cms):
        col.width = Cm(w)
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    for row in table.rows:
        for cell, w in zip(row.cells, cms):
            cell.width = Cm(w)


def tag_row(table, tag: str, ncols: int) -> None:
    """A row holding a {%tr %} tag; docxtpl removes the row and keeps the tag."""
    row = table.add_row()
    set_cell(row.cells[0], tag)


def letterhead(doc) -> None:
    para(doc, "{{ kop.pemerintah }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    para(doc, "{{ kop.instansi }}", bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    p = para(doc, "{{ kop.alamat }}", size=9, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    bottom_border(p)
    para(doc, space_after=4)


def signature(doc, width_total: float, who: str = "ttd") -> None:
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(table, [width_total - 9.0, 9.0])
    cant_split(table.rows[0])
    cell = table.rows[0].cells[1]
    cell.text = ""
    first = cell.paragraphs[0]
    first.add_run("{{ %s.tempat_tanggal }}" % who)
    first.paragraph_format.keep_with_next = True
    para(cell, "{{ %s.jabatan }}" % who, keep=True)
    marker(cell, "{{ %s.penanda }}" % who, lines=3)
    para(cell, "{{ %s.nama }}" % who, bold=True, underline=True, keep=True, space_after=0)
    para(cell, "{{ %s.pangkat }}" % who, keep=True, space_after=0)
    para(cell, "NIP. {{ %s.nip }}" % who, space_after=0)


def laporan_triwulan() -> Document:
    doc = base_document(landscape=True)
    letterhead(doc)
    para(doc, "LAPORAN CAPAIAN KINERJA {{ periode.triwulan|upper }} TAHUN {{ periode.tahun }}", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    ident = doc.add_table(rows=0, cols=3)
    no_borders(ident)
    for label, value in (("Nama", "{{ pejabat.nama }}"), ("NIP", "{{ pejabat.nip }}"), ("Jabatan", "{{ pejabat.jabatan }}"),
                         ("Unit Kerja", "{{ kop.instansi_nama }}"), ("Kode PK", "{{ pk.kode }}"), ("Periode", "{{ periode.triwulan }} Tahun {{ periode.tahun }} ({{ periode.rentang }})")):
        row = ident.add_row()
        set_cell(row.cells[0], label, size=10)
        set_cell(row.cells[1], ":", size=10)
        set_cell(row.cells[2], value, size=10)
    widths(ident, [3.2, 0.5, 22.0])
    para(doc, space_after=4)
    para(doc, "A. Capaian Indikator Kinerja", bold=True, keep=True)
    cols = ["No", "Indikator Kinerja", "Satuan", "Target Tahunan", "Target TW {{ periode.romawi }}", "Realisasi TW {{ periode.romawi }}",
            "Capaian TW {{ periode.romawi }}", "Realisasi s.d. TW {{ periode.romawi }}", "Capaian s.d. TW {{ periode.romawi }} thd Target Tahunan", "Predikat"]
    cw = [1.0, 7.7, 1.9, 2.0, 2.0, 2.0, 2.1, 2.1, 2.4, 2.5]
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, cols):
        set_cell(cell, text, bold=True, size=8.5, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell_shade(cell, "D9E1F2")
    repeat_header(t.rows[0])
    tag_row(t, "{%tr for s in sasaran %}", len(cols))
    srow = t.add_row()
    merged = srow.cells[0].merge(srow.cells[-1])
    set_cell(merged, "Sasaran {{ s.nomor }}: {{ s.nama }}", bold=True, size=9)
    cell_shade(merged, "F2F2F2")
    tag_row(t, "{%tr for b in s.indikator %}", len(cols))
    drow = t.add_row()
    cant_split(drow)
    fields = ["{{ b.no }}", "{{ b.indikator }}", "{{ b.satuan }}", "{{ b.target_tahunan }}", "{{ b.target_tw }}", "{{ b.realisasi_tw }}",
              "{{ b.capaian_tw }}", "{{ b.realisasi_sd }}", "{{ b.capaian_sd }}", "{{ b.predikat }}"]
    for i, (cell, text) in enumerate(zip(drow.cells, fields)):
        align = WD_ALIGN_PARAGRAPH.LEFT if i == 1 else (WD_ALIGN_PARAGRAPH.CENTER if i in (0, 2, 9) else WD_ALIGN_PARAGRAPH.RIGHT)
        set_cell(cell, text, size=9, align=align)
    tag_row(t, "{%tr endfor %}", len(cols))
    tag_row(t, "{%tr endfor %}", len(cols))
    widths(t, cw)
    para(doc, "Catatan: {{ catatan_capaian }}", size=8.5, space_after=8)

    para(doc, "B. Realisasi Anggaran", bold=True, keep=True)
    cols = ["No", "Kode", "Program/Kegiatan", "Pagu (Rp)", "Realisasi TW {{ periode.romawi }} (Rp)", "Realisasi s.d. TW {{ periode.romawi }} (Rp)", "Serapan"]
    cw = [1.0, 2.8, 9.9, 3.3, 3.3, 3.3, 2.1]
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, cols):
        set_cell(cell, text, bold=True, size=8.5, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell_shade(cell, "D9E1F2")
    repeat_header(t.rows[0])
    tag_row(t, "{%tr for a in anggaran %}", len(cols))
    drow = t.add_row()
    for i, (cell, text) in enumerate(zip(drow.cells, ["{{ a.no }}", "{{ a.kode }}", "{{ a.program }}", "{{ a.pagu }}", "{{ a.realisasi_tw }}", "{{ a.realisasi_sd }}", "{{ a.serapan }}"])):
        set_cell(cell, text, size=9, align=WD_ALIGN_PARAGRAPH.RIGHT if i >= 3 else WD_ALIGN_PARAGRAPH.LEFT)
    tag_row(t, "{%tr endfor %}", len(cols))
    trow = t.add_row()
    merged = trow.cells[0].merge(trow.cells[2])
    set_cell(merged, "Jumlah", bold=True, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
    for cell, text in zip(trow.cells[3:], ["{{ anggaran_total.pagu }}", "{{ anggaran_total.realisasi_tw }}", "{{ anggaran_total.realisasi_sd }}", "{{ anggaran_total.serapan }}"]):
        set_cell(cell, text, bold=True, size=9, align=WD_ALIGN_PARAGRAPH.RIGHT)
    widths(t, cw)
    para(doc, space_after=6)

    para(doc, "C. Kendala dan Tindak Lanjut", bold=True, keep=True)
    para(doc, "{%p if kendala %}")
    cols = ["No", "Indikator Kinerja", "Capaian TW {{ periode.romawi }}", "Permasalahan/Kendala", "Upaya/Tindak Lanjut"]
    cw = [1.0, 7.2, 2.5, 7.5, 7.5]
    t = doc.add_table(rows=1, cols=len(cols))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, cols):
        set_cell(cell, text, bold=True, size=8.5, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell_shade(cell, "D9E1F2")
    repeat_header(t.rows[0])
    tag_row(t, "{%tr for k in kendala %}", len(cols))
    drow = t.add_row()
    for i, (cell, text) in enumerate(zip(drow.cells, ["{{ k.no }}", "{{ k.indikator }}", "{{ k.capaian }}", "{{ k.kendala }}", "{{ k.tindak_lanjut }}"])):
        set_cell(cell, text, size=9, align=WD_ALIGN_PARAGRAPH.RIGHT if i == 2 else WD_ALIGN_PARAGRAPH.LEFT)
    tag_row(t, "{%tr endfor %}", len(cols))
    widths(t, cw)
    para(doc, "{%p else %}")
    para(doc, "Seluruh indikator dengan target pada triwulan ini mencapai target; tidak ada kendala yang dilaporkan.")
    para(doc, "{%p endif %}")
    para(doc, space_after=6)
    signature(doc, 25.7)
    return doc


def sampul() -> Document:
    doc = base_document(landscape=False)
    for _ in range(5):
        para(doc)
    para(doc, "LAPORAN CAPAIAN KINERJA", bold=True, size=20, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    para(doc, "{{ periode.triwulan|upper }} TAHUN {{ periode.tahun }}", bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=30)
    para(doc, "{{ pejabat.jabatan|upper }}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)
    para(doc, "{{ pejabat.nama }}", size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "Perjanjian Kinerja {{ pk.kode }}", size=11, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    for _ in range(12):
        para(doc)
    para(doc, "{{ kop.pemerintah }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "{{ kop.instansi }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "{{ periode.tahun }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    return doc


def lembar_paraf() -> Document:
    doc = base_document(landscape=False)
    letterhead(doc)
    para(doc, "LEMBAR PARAF", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "Pemeriksaan Data Kinerja {{ periode.triwulan }} Tahun {{ periode.tahun }}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    ident = doc.add_table(rows=0, cols=3)
    no_borders(ident)
    for label, value in (("Kode PK", "{{ pk.kode }}"), ("Pejabat", "{{ pejabat.nama }}"), ("Jabatan", "{{ pejabat.jabatan }}"), ("Hasil", "{{ hasil }}"),
                         ("Diperiksa", "{{ diperiksa_pada }}")):
        row = ident.add_row()
        set_cell(row.cells[0], label, size=10)
        set_cell(row.cells[1], ":", size=10)
        set_cell(row.cells[2], value, size=10)
    widths(ident, [3.0, 0.5, 13.5])
    para(doc, space_after=4)
    para(doc, "Pemeriksaan yang dilakukan", bold=True, keep=True)
    cols = ["No", "Pemeriksaan", "Hasil"]
    t = doc.add_table(rows=1, cols=3)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, cols):
        set_cell(cell, text, bold=True, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell_shade(cell, "D9E1F2")
    repeat_header(t.rows[0])
    tag_row(t, "{%tr for c in pemeriksaan %}", 3)
    drow = t.add_row()
    for cell, text in zip(drow.cells, ["{{ c.no }}", "{{ c.uraian }}", "{{ c.hasil }}"]):
        set_cell(cell, text, size=9)
    tag_row(t, "{%tr endfor %}", 3)
    widths(t, [1.0, 12.5, 3.5])
    para(doc, "{{ aturan_sumber }}", size=8, space_after=4)
    para(doc, "{%p if peringatan %}")
    para(doc, "Peringatan yang perlu diperhatikan", bold=True, keep=True)
    t = doc.add_table(rows=1, cols=3)
    t.style = "Table Grid"
    for cell, text in zip(t.rows[0].cells, ["No", "Lokasi", "Peringatan"]):
        set_cell(cell, text, bold=True, size=9, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell_shade(cell, "FFF2CC")
    tag_row(t, "{%tr for w in peringatan %}", 3)
    drow = t.add_row()
    for cell, text in zip(drow.cells, ["{{ w.no }}", "{{ w.lokasi }}", "{{ w.pesan }}"]):
        set_cell(cell, text, size=9)
    tag_row(t, "{%tr endfor %}", 3)
    widths(t, [1.0, 5.0, 11.0])
    para(doc, "{%p endif %}")
    para(doc, space_after=4)
    para(doc, "{{ pernyataan }}", size=10, space_after=10)
    signature(doc, 17.0, who="paraf")
    return doc


UNUSED_PARTS = ("/stylesWithEffects", "/customXml", "/webSettings", "/thumbnail")


def slim(doc: Document) -> None:
    """Drop what python-docx's stock template carries and these documents never use.

    Its styles.xml (350 KB of table styles and latent styles) and stylesWithEffects.xml
    (440 KB) are parsed and written again for every rendered report and parsed again by
    LibreOffice for every conversion; a document saved by Word carries a few dozen KB.
    """
    for rels in (doc.part.rels, doc.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(UNUSED_PARTS):
                rels.pop(rid)
    styles = doc.styles.element
    for latent in styles.findall(qn("w:latentStyles")):
        styles.remove(latent)
    used = set()
    parts = [doc.part] + [hf.part for sec in doc.sections for hf in (sec.header, sec.footer) if not hf.is_linked_to_previous]
    for part in parts:
        for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
            used |= {e.get(qn("w:val")) for e in part.element.iter(qn(tag))}
    by_id = {st.get(qn("w:styleId")): st for st in styles.findall(qn("w:style"))}
    used |= {sid for sid, st in by_id.items() if st.get(qn("w:default")) == "1"}
    pending = list(used)
    while pending:  # styles the used ones are based on or link to
        st = by_id.get(pending.pop())
        if st is None:
            continue
        for tag in ("w:basedOn", "w:next", "w:link"):
            ref = st.find(qn(tag))
            if ref is not None and ref.get(qn("w:val")) not in used:
                used.add(ref.get(qn("w:val")))
                pending.append(ref.get(qn("w:val")))
    for sid, st in by_id.items():
        if sid not in used:
            styles.remove(st)


def save(doc: Document, name: str) -> None:
    folder = Path("templates") / name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "template.docx"
    if target.exists() and not FORCE:
        print(f"{target} exists; planners own it now (use --force to overwrite)")
        return
    slim(doc)
    doc.save(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    save(laporan_triwulan(), "laporan_triwulan")
    save(sampul(), "sampul")
    save(lembar_paraf(), "lembar_paraf")
