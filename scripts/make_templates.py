"""Bootstrap the first version of the Word templates in templates/ (run from the project root).

After this first version, planners own the .docx files and edit them in Word; this script
refuses to overwrite an existing template unless given --force, so it cannot silently undo
their edits. Jinja tags are written as whole runs because docxtpl needs each tag in one run.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
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


def page_footer(doc, prefix: str = "", skip_first: bool = False, section: int = 0) -> None:
    """"Halaman <label>" centred in the footer, the label being the prefix and Word's PAGE field.

    The prefix must be the one sakip/pdf/package.py gives the part's PDF page labels ("L-", "P-"),
    so the printed number is the one a PDF viewer shows. `skip_first`: no number on a cover.
    LibreOffice computes the field at conversion. `section`: the Word section whose footer it is
    (the sections after it inherit it, printing the number in their own format).
    """
    sec = doc.sections[section]
    sec.footer.is_linked_to_previous = False
    if skip_first:
        sec.different_first_page_header_footer = True
    p = sec.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(f"Halaman {prefix}").font.size = Pt(8)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), "16")
    rpr.append(sz)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)


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
        col = 0
        for tc in row._tr.tc_lst:  # a merged cell is as wide as the columns it spans
            span = tc.grid_span
            tc.width = Cm(sum(cms[col:col + span]))
            col += span


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


def signature(doc, width_total: float, who: str = "ttd", field: bool = True) -> None:
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(table, [width_total - 9.0, 9.0])
    cant_split(table.rows[0])
    cell = table.rows[0].cells[1]
    cell.text = ""
    signature_cell(cell, who, field=field)


def signature_cell(cell, who: str, place: bool = True, role: str = "", field: bool = True) -> None:
    """`field`: False for a closing by name (a foreword) that carries no signature field."""
    first = cell.paragraphs[0]
    first.add_run(("{{ %s.tempat_tanggal }}" % who) if place else (role or ""))
    first.paragraph_format.keep_with_next = True
    if place and role:
        para(cell, role, keep=True, space_after=0)
    para(cell, "{{ %s.jabatan }}" % who, keep=True, space_after=None if field else 10)
    if field:
        marker(cell, "{{ %s.penanda }}" % who, lines=3)
    para(cell, "{{ %s.nama }}" % who, bold=True, underline=True, keep=True, space_after=0)
    # An official without pangkat or NIP (a Bupati) prints neither line, not a "-".
    for line, field in (("{{ %s.pangkat }}", "pangkat"), ("NIP. {{ %s.nip }}", "nip")):
        para(cell, "{%%p if %s.%s %%}" % (who, field), keep=True, space_after=0)
        para(cell, line % who, keep=field == "pangkat", space_after=0)
        para(cell, "{%p endif %}", keep=field == "pangkat", space_after=0)


def group_row(table, text: str, size: float, shade: str = "F2F2F2") -> None:
    """A row spanning the table that labels the rows after it (a sasaran over its indicators).

    It is kept with the next row (keep-with-next on its paragraph, which Word and LibreOffice
    apply to the row) and never split, so a label never ends a page apart from its first row;
    unlike a vertically merged label cell, whose text LibreOffice prints on whichever page the
    merge continues, beside rows of another group.
    """
    row = table.add_row()
    cant_split(row)
    cell = row.cells[0].merge(row.cells[-1])
    set_cell(cell, text, bold=True, size=size)
    cell.paragraphs[0].paragraph_format.keep_with_next = True
    cell_shade(cell, shade)


def last_row(loops: list[str]) -> str:
    """The Jinja condition true on the last row of nested `for` loops ("s in sasaran", ...)."""
    outer = [loop.split(" in ", 1) for loop in loops[:-1]]
    return " and ".join(["loop.last", *(f"{var.strip()} is sameas(({seq.strip()})|last)" for var, seq in outer)])


def grid(doc, headers: list[str], cms: list[float], fields: list[str], aligns: str, loops: list[str],
         shade: str = "D9E1F2", size: float = 9, head_size: float = 8.5, total: list[str] | None = None, merge_total: int = 0,
         group: str | None = None, keep: bool = False, whole: bool = False):
    """A bordered table: a repeated header row, {%tr for %} rows around one data row, an
    optional total row. `aligns` has one letter per column: l(eft), c(enter), r(ight).
    `group`: a label row (see group_row) inside the first loop, before the inner loops.
    `keep`: the last data row keeps with the next paragraph, so the table's end moves with what
    follows (a signature block) instead of leaving it alone on the next page; the row is written
    twice, for the very last row and for the others, as a paragraph property cannot depend on
    the data. In nested loops the last row is the inner loop's last under the outer loops' last
    items.
    `whole`: a short table kept on one page (every row keeps with the next), so it never starts
    at a page's foot with one row."""
    align_of = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(t.rows[0].cells, headers):
        set_cell(cell, text, bold=True, size=head_size, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell_shade(cell, shade)
    repeat_header(t.rows[0])
    for n, loop in enumerate(loops):
        tag_row(t, "{%%tr for %s %%}" % loop, len(headers))
        if n == 0 and group:
            group_row(t, group, size)
    for last in ((False, True) if keep else (False,)):
        if keep:
            tag_row(t, "{%tr else %}" if last else "{%%tr if not (%s) %%}" % last_row(loops), len(headers))
        drow = t.add_row()
        cant_split(drow)
        for cell, text, a in zip(drow.cells, fields, aligns):
            set_cell(cell, text, size=size, align=align_of[a])
            cell.paragraphs[0].paragraph_format.keep_with_next = last or whole
    if keep:
        tag_row(t, "{%tr endif %}", len(headers))
    for _ in loops:
        tag_row(t, "{%tr endfor %}", len(headers))
    if total:
        trow = t.add_row()
        merged = trow.cells[0].merge(trow.cells[merge_total]) if merge_total else trow.cells[0]
        set_cell(merged, total[0], bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER)
        for cell, text in zip(trow.cells[merge_total + 1:], total[1:]):
            set_cell(cell, text, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.RIGHT)
    widths(t, cms)
    return t


def identity(doc, pairs: list[tuple[str, str]], cms: list[float], size: float = 10) -> None:
    ident = doc.add_table(rows=0, cols=3)
    no_borders(ident)
    for label, value in pairs:
        row = ident.add_row()
        set_cell(row.cells[0], label, size=size)
        set_cell(row.cells[1], ":", size=size)
        set_cell(row.cells[2], value, size=size)
    widths(ident, cms)


def laporan_triwulan() -> Document:
    doc = base_document(landscape=True)
    page_footer(doc)
    letterhead(doc)
    para(doc, "LAPORAN CAPAIAN KINERJA {{ periode.triwulan|upper }} TAHUN {{ periode.tahun }}", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    identity(doc, [("Nama", "{{ pejabat.nama }}"), ("NIP", "{{ pejabat.nip }}"), ("Pangkat/Gol.", "{{ pejabat.pangkat }}"),
                   ("Jabatan", "{{ pejabat.jabatan }}"), ("Unit Kerja", "{{ kop.instansi_nama }}"), ("Kode PK", "{{ pk.kode }}"),
                   ("Periode", "{{ periode.triwulan }} Tahun {{ periode.tahun }} ({{ periode.rentang }})")], [3.2, 0.5, 22.0])
    para(doc, space_after=4)
    para(doc, "A. Capaian Indikator Kinerja", bold=True, keep=True)
    r = "TW\u00a0{{ periode.romawi }}"  # no-break space: "TW" and "II" never on two lines of a header
    grid(doc, ["No", "Indikator Kinerja", "Satuan", "Target Tahunan", f"Target {r}", f"Realisasi {r}",
               f"Capaian {r}", f"Realisasi s.d. {r}", f"Capaian s.d. {r} thd Target Tahunan", "Predikat"],
         # target and realisasi columns hold a Rupiah indicator's 999.999.999.999 at 8,5 pt, Satuan
         # an unbreakable unit word as long as "Rekomendasi"
         [0.9, 5.7, 2.3, 2.7, 2.7, 2.7, 2.0, 2.7, 2.0, 2.0],
         ["{{ b.no }}", "{{ b.indikator }}", "{{ b.satuan }}", "{{ b.target_tahunan }}", "{{ b.target_tw }}",
          "{{ b.realisasi_tw }}", "{{ b.capaian_tw }}", "{{ b.realisasi_sd }}", "{{ b.capaian_sd }}", "{{ b.predikat }}"],
         "clcrrrrrrc", ["s in sasaran", "b in s.indikator"], size=8.5, head_size=8, group="Sasaran {{ s.nomor }}: {{ s.nama }}")
    para(doc, "Catatan: {{ catatan_capaian }}", size=8, space_after=6)
    para(doc, "{{ grafik }}", align=WD_ALIGN_PARAGRAPH.CENTER, keep=True, space_after=0)
    para(doc, "{{ grafik.catatan }}", size=8, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)

    para(doc, "B. Realisasi Anggaran", bold=True, keep=True)
    grid(doc, ["No", "Kode", "Program/Kegiatan", "Pagu (Rp)", f"Realisasi {r} (Rp)", f"Realisasi s.d. {r} (Rp)", "Serapan s.d. " + r],
         # Kode holds a sub-kegiatan's 5.01.02.2.01.0001 (the longest code of Kepmendagri 050-5889) at 9 pt
         [1.0, 3.0, 9.7, 3.3, 3.3, 3.3, 2.1],
         ["{{ a.no }}", "{{ a.kode }}", "{{ a.program }}", "{{ a.pagu }}", "{{ a.realisasi_tw }}", "{{ a.realisasi_sd }}", "{{ a.serapan }}"],
         "cllrrrr", ["a in anggaran"],
         total=["Jumlah", "{{ anggaran_total.pagu }}", "{{ anggaran_total.realisasi_tw }}", "{{ anggaran_total.realisasi_sd }}",
                "{{ anggaran_total.serapan }}"], merge_total=2)
    para(doc, "Efisiensi penggunaan sumber daya s.d. " + r + ": {{ efisiensi.nilai }} (rata-rata capaian {{ efisiensi.capaian_rata }}, serapan anggaran {{ efisiensi.serapan }}; {{ efisiensi.rumus }}).", size=8, space_after=6)

    para(doc, "C. Kendala dan Tindak Lanjut", bold=True, keep=True)
    para(doc, "{%p if kendala %}")
    grid(doc, ["No", "Indikator Kinerja", f"Capaian {r}", "Permasalahan/Kendala", "Upaya/Tindak Lanjut"], [1.0, 7.2, 2.5, 7.5, 7.5],
         ["{{ k.no }}", "{{ k.indikator }}", "{{ k.capaian }}", "{{ k.kendala }}", "{{ k.tindak_lanjut }}"], "clrll", ["k in kendala"],
         keep=True)
    para(doc, "{%p else %}")
    para(doc, "Seluruh indikator dengan target pada triwulan ini mencapai target; tidak ada kendala yang dilaporkan.", keep=True)
    para(doc, "{%p endif %}")
    # The signature block and the paraf table stand in one borderless row that cannot split,
    # which the kendala rows keep with (keep-with-next), so no page holds only the signature or
    # only the paraf table (issue 22). Keep-with-next alone from the signature table to the
    # paraf table is not honoured by LibreOffice when the chain starts on a page's last lines.
    block = doc.add_table(rows=1, cols=1)
    no_borders(block)
    block.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(block, [25.7])
    cant_split(block.rows[0])
    box = block.rows[0].cells[0]
    box.paragraphs[0].paragraph_format.space_after = Pt(6)
    signature(box, 25.5)
    para(box, "{%p if paraf %}")
    para(box, "Paraf pemeriksa:", size=8, keep=True, space_after=1)
    t = box.add_table(rows=1, cols=4)
    t.style = "Table Grid"
    cant_split(t.rows[0])
    for cell, text in zip(t.rows[0].cells, ["No", "Jabatan pemeriksa", "Nama", "Paraf"]):
        set_cell(cell, text, bold=True, size=8, align=WD_ALIGN_PARAGRAPH.CENTER)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    tag_row(t, "{%tr for c in paraf %}", 4)
    row = t.add_row()
    cant_split(row)
    for cell, text in zip(row.cells, ["{{ c.no }}", "{{ c.jabatan }}", "{{ c.nama }}", ""]):
        set_cell(cell, text, size=8)
        cell.paragraphs[0].paragraph_format.keep_with_next = True
    marker(row.cells[3], "{{ c.penanda }}", lines=1)
    tag_row(t, "{%tr endfor %}", 4)
    widths(t, [0.8, 6.0, 5.0, 3.2])
    para(box, "{%p endif %}")
    para(box, size=1, space_after=0)  # a cell must end with a paragraph
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
    page_footer(doc, "P-")
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
    para(doc, "{{ pernyataan }}", size=10, space_after=10, keep=True)  # never a page with only the paraf block
    signature(doc, 17.0, who="paraf")
    return doc


def two_signatures(doc, width_total: float, left: str, right: str, left_role: str, right_role: str) -> None:
    """Pihak Kedua on the left, Pihak Pertama on the right, as PKs are laid out."""
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(table, [width_total / 2, width_total / 2])
    cant_split(table.rows[0])
    a, b = table.rows[0].cells
    a.text = b.text = ""
    signature_cell(a, left, place=False, role=left_role)
    signature_cell(b, right, role=right_role)
    # the left block starts one line lower than the right one's place and date
    a.paragraphs[0].insert_paragraph_before("")


def lampiran_pk() -> Document:
    doc = base_document(landscape=False)
    page_footer(doc, "L-")
    letterhead(doc)
    para(doc, "PERJANJIAN KINERJA TAHUN {{ periode.tahun }}", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "{{ pihak_pertama.jabatan|upper }}", bold=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=10)
    body = ("Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta berorientasi pada "
            "hasil, kami yang bertanda tangan di bawah ini:")
    p = para(doc, body, space_after=6)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    identity(doc, [("Nama", "{{ pihak_pertama.nama }}"), ("Jabatan", "{{ pihak_pertama.jabatan }}")], [3.0, 0.5, 13.5])
    para(doc, "selanjutnya disebut PIHAK PERTAMA", space_after=6)
    identity(doc, [("Nama", "{{ pihak_kedua.nama }}"), ("Jabatan", "{{ pihak_kedua.jabatan }}")], [3.0, 0.5, 13.5])
    para(doc, "selaku atasan langsung PIHAK PERTAMA, selanjutnya disebut PIHAK KEDUA.", space_after=6)
    for text in ("PIHAK PERTAMA berjanji akan mewujudkan target kinerja yang seharusnya sesuai lampiran perjanjian ini, dalam "
                 "rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan dalam dokumen perencanaan. "
                 "Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi tanggung jawab kami.",
                 "PIHAK KEDUA akan melakukan supervisi yang diperlukan serta akan melakukan evaluasi terhadap capaian kinerja "
                 "dari perjanjian ini dan mengambil tindakan yang diperlukan dalam rangka pemberian penghargaan dan sanksi."):
        p = para(doc, text, space_after=6)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    para(doc, space_after=6)
    two_signatures(doc, 17.0, "pihak_kedua", "pihak_pertama", "PIHAK KEDUA,", "PIHAK PERTAMA,")
    p = para(doc, "LAMPIRAN PERJANJIAN KINERJA TAHUN {{ periode.tahun }}", bold=True, size=11, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    p.paragraph_format.page_break_before = True
    para(doc, "{{ pihak_pertama.jabatan|upper }} ({{ pk.kode }})", bold=True, size=10, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    # at 9 pt Satuan holds "Rekomendasi", Target a Rupiah indicator's 999.999.999.999
    grid(doc, ["No", "Indikator Kinerja", "Satuan", "Target"], [0.9, 10.9, 2.4, 2.8],
         ["{{ i.no }}", "{{ i.indikator }}", "{{ i.satuan }}", "{{ i.target }}"], "clcr",
         ["s in sasaran", "i in s.indikator"], group="Sasaran {{ s.nomor }}: {{ s.nama }}")
    para(doc, space_after=6)
    grid(doc, ["No", "Kode", "Program/Kegiatan", "Anggaran (Rp)"], [0.9, 3.1, 9.5, 3.5],  # Kode: 5.01.02.2.01.0001 at 9 pt
         ["{{ a.no }}", "{{ a.kode }}", "{{ a.program }}", "{{ a.pagu }}"], "cllr", ["a in anggaran"],
         total=["Jumlah", "{{ anggaran_total }}"], merge_total=2)
    return doc


def lampiran_ra() -> Document:
    doc = base_document(landscape=True)
    page_footer(doc, "RA-")
    letterhead(doc)
    para(doc, "RENCANA AKSI TAHUN {{ periode.tahun }}", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "{{ pejabat.jabatan|upper }} ({{ pk.kode }})", bold=True, size=10, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    grid(doc, ["No", "Indikator Kinerja", "Satuan", "Target Tahunan", "TW I", "TW II", "TW III", "TW IV",
               "Rencana Aksi", "Penanggung Jawab"],
         # at 8 pt the annual target and each quarter hold a Rupiah indicator's 999.999.999.999
         # (a revenue target split by quarter), Satuan an unbreakable "Rekomendasi"
         [0.8, 4.4, 2.2, 2.65, 2.65, 2.65, 2.65, 2.65, 2.65, 2.4],
         ["{{ i.no }}", "{{ i.indikator }}", "{{ i.satuan }}", "{{ i.target_tahunan }}", "{{ i.tw1 }}",
          "{{ i.tw2 }}", "{{ i.tw3 }}", "{{ i.tw4 }}", "{{ i.rencana_aksi }}", "{{ i.penanggung_jawab }}"],
         "clcrrrrrll", ["s in sasaran", "i in s.indikator"], size=8, head_size=8, group="Sasaran {{ s.nomor }}: {{ s.nama }}",
         keep=True)
    para(doc, space_after=6, keep=True)  # the signature moves with the table's last row
    signature(doc, 25.7)
    return doc


def rekap_instansi() -> Document:
    doc = base_document(landscape=True)
    page_footer(doc)
    letterhead(doc)
    para(doc, "REKAPITULASI CAPAIAN KINERJA {{ periode.triwulan|upper }} TAHUN {{ periode.tahun }}", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "{{ kop.instansi }}", bold=True, size=10, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    para(doc, "Periode {{ periode.rentang }}: {{ ringkasan.jumlah_pk }} Perjanjian Kinerja, {{ ringkasan.jumlah_paraf }} telah diparaf dan "
              "{{ ringkasan.jumlah_dikembalikan }} dikembalikan untuk diperbaiki; {{ ringkasan.jumlah_indikator }} indikator dinilai"
              "{% if ringkasan.belum_diukur %}, {{ ringkasan.belum_diukur }} indikator belum diukur (targetnya mulai triwulan "
              "berikutnya){% endif %}.", space_after=6)
    para(doc, "A. Sebaran Predikat Capaian", bold=True, keep=True)
    grid(doc, ["Predikat", "Jumlah Indikator", "Persentase"], [6.0, 3.5, 3.5],
         ["{{ d.predikat }}", "{{ d.jumlah }}", "{{ d.persen }}"], "lrr", ["d in sebaran"])
    para(doc, "{{ grafik }}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=6)
    para(doc, "B. Rekapitulasi per Sasaran", bold=True, keep=True)
    grid(doc, ["No", "Sasaran", "Jumlah Indikator", "Sebaran Predikat"], [1.0, 12.7, 2.5, 9.5],
         ["{{ s.no }}", "{{ s.nama }}", "{{ s.jumlah_indikator }}", "{{ s.sebaran }}"], "clrl", ["s in sasaran"],
         whole=True)
    para(doc, space_after=6)
    para(doc, "C. Capaian per Indikator", bold=True, keep=True)
    grid(doc, ["No", "Kode PK", "Indikator Kinerja", "Satuan", "Target TW\u00a0{{ periode.romawi }}",
               "Realisasi TW\u00a0{{ periode.romawi }}", "Capaian TW\u00a0{{ periode.romawi }}",
               "Capaian s.d. TW\u00a0{{ periode.romawi }}", "Predikat"],
         [0.9, 2.2, 7.3, 2.3, 2.9, 2.9, 2.4, 2.6, 2.2],
         ["{{ i.no }}", "{{ i.pk }}", "{{ i.indikator }}", "{{ i.satuan }}", "{{ i.target_tw }}", "{{ i.realisasi_tw }}",
          "{{ i.capaian_tw }}", "{{ i.capaian_sd }}", "{{ i.predikat }}"], "cllcrrrrc", ["s in sasaran", "i in s.indikator"],
         size=8.5, head_size=8, group="Sasaran {{ s.no }}: {{ s.nama }}")
    para(doc, space_after=6)
    para(doc, "D. Status Perjanjian Kinerja", bold=True, keep=True)
    grid(doc, ["No", "Kode PK", "Pejabat", "Jumlah Indikator", "Rentang Capaian TW\u00a0{{ periode.romawi }}", "Status"],
         [1.0, 3.0, 9.0, 2.5, 5.5, 4.0],
         ["{{ p.no }}", "{{ p.pk }}", "{{ p.pejabat }}", "{{ p.jumlah_indikator }}", "{{ p.capaian }}", "{{ p.status }}"], "cllrcc", ["p in pk"])
    para(doc, space_after=6)
    para(doc, "E. Perjanjian Kinerja yang Dikembalikan untuk Diperbaiki", bold=True, keep=True)
    para(doc, "{%p if dikembalikan %}")
    grid(doc, ["No", "Kode PK", "Pejabat", "Jumlah Temuan", "Temuan Utama"], [1.0, 3.0, 6.0, 2.2, 13.5],
         ["{{ r.no }}", "{{ r.pk }}", "{{ r.pejabat }}", "{{ r.jumlah_temuan }}", "{{ r.alasan }}"], "cllrl", ["r in dikembalikan"],
         shade="F8CBAD", keep=True)
    para(doc, "{%p else %}")
    para(doc, "Tidak ada Perjanjian Kinerja yang dikembalikan pada triwulan ini.", keep=True)
    para(doc, "{%p endif %}")
    para(doc, space_after=6, keep=True)  # the signature moves with the recap's last lines
    signature(doc, 25.7)
    return doc


def narrative(doc, field: str, keep: bool = False) -> None:
    """Planner-written paragraphs, one Word paragraph each; `keep`: kept with what follows."""
    para(doc, "{%%p for t in %s %%}" % field)
    p = para(doc, "{{ t }}", space_after=4, keep=keep)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(1.0)
    para(doc, "{%p endfor %}")


def heading(doc, text: str, new_page: bool = False, level: int = 1):
    """A chapter (level 1) or a chapter's part (level 2) in Word's heading styles, from which
    the Daftar Isi is built; their look is the styles' (see heading_styles)."""
    p = doc.add_paragraph(text, style=f"Heading {level}")
    p.paragraph_format.page_break_before = new_page
    return p


def heading_styles(doc) -> None:
    """Word's Heading 1 and 2 in the document's font, black, and the Daftar Isi's entry styles
    (Word's "toc 1" and "toc 2": dot leader to a right tab at the text's right edge), replacing
    the stock template's blue theme-font headings."""
    styles = doc.styles
    for name, size, align, before, after in (("Heading 1", 12, WD_ALIGN_PARAGRAPH.CENTER, 0, 10),
                                             ("Heading 2", 10.5, WD_ALIGN_PARAGRAPH.LEFT, 6, 3)):
        st = styles[name]
        rpr = st.element.get_or_add_rPr()
        for tag in ("w:rFonts", "w:color"):  # theme attributes win over explicit ones in Word
            for el in rpr.findall(qn(tag)):
                rpr.remove(el)
        st.font.name = FONT
        st.font.size = Pt(size)
        st.font.bold = True
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.paragraph_format.alignment = align
        st.paragraph_format.space_before = Pt(before)
        st.paragraph_format.space_after = Pt(after)
        st.paragraph_format.keep_with_next = True
    for level, indent in ((1, 0.0), (2, 0.6)):
        st = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        st.element.set(qn("w:styleId"), f"TOC{level}")
        st.base_style = styles["Normal"]
        st.paragraph_format.left_indent = Cm(indent)
        st.paragraph_format.space_before = Pt(6 if level == 1 else 0)
        st.paragraph_format.space_after = Pt(2)
        st.paragraph_format.tab_stops.add_tab_stop(Cm(17.0), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        st.font.bold = level == 1
        ui = OxmlElement("w:uiPriority")
        ui.set(qn("w:val"), "39")
        st.element.append(ui)


def toc_field(doc) -> None:
    """A Word table of contents (TOC field over Heading 1-2, page numbers, links), as Word
    inserts it. Word updates it when the document is opened (marked dirty); LibreOffice imports
    it as its own index, which sakip's converter updates before writing the PDF. Until then it
    shows its cached text, which says so."""
    sdt = OxmlElement("w:sdt")
    pr = OxmlElement("w:sdtPr")
    obj = OxmlElement("w:docPartObj")
    gallery = OxmlElement("w:docPartGallery")
    gallery.set(qn("w:val"), "Table of Contents")
    obj.append(gallery)
    obj.append(OxmlElement("w:docPartUnique"))
    pr.append(obj)
    sdt.append(pr)
    content = OxmlElement("w:sdtContent")
    sdt.append(content)
    p = doc.add_paragraph(style="toc 1")
    p._p.addprevious(sdt)
    content.append(p._p)

    def run(child):
        r = OxmlElement("w:r")
        r.append(child)
        p._p.append(r)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    run(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = r' TOC \o "1-2" \h \z \u '
    run(instr)
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    run(sep)
    text = OxmlElement("w:t")
    text.text = "Daftar isi diisi saat dokumen dikonversi ke PDF (di Word: klik kanan, Update Field)."
    run(text)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run(end)


def page_numbering(section, fmt: str) -> None:
    """Number the section's pages from 1 in `fmt` (Word's "lowerRoman", "decimal")."""
    sectpr = section._sectPr
    for old in sectpr.findall(qn("w:pgNumType")):
        sectpr.remove(old)
    num = OxmlElement("w:pgNumType")
    num.set(qn("w:fmt"), fmt)
    num.set(qn("w:start"), "1")
    cols = sectpr.find(qn("w:cols"))  # the schema's order: pgNumType comes before cols
    if cols is not None:
        cols.addprevious(num)
    else:
        sectpr.append(num)


def turn(doc, landscape: bool) -> None:
    """A new section on a new page, in the given orientation, its pages numbered on from the
    section before (the copied section properties would restart them at 1)."""
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    for num in sec._sectPr.findall(qn("w:pgNumType")):
        num.attrib.pop(qn("w:start"), None)
    sec.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))


def lkjip() -> Document:
    """The LKjIP in PermenPANRB 53/2014's order: cover, Kata Pengantar, Ringkasan Eksekutif,
    Daftar Isi, BAB I-IV, Lampiran. Three Word sections: the cover (no footer), the front matter
    (pages i, ii, iii) and the body (pages 1, 2, 3); sakip labels the PDF pages from the
    numbers printed in the footers (package.Part.printed_labels)."""
    doc = base_document(landscape=False)
    heading_styles(doc)
    for _ in range(4):
        para(doc)
    para(doc, "LAPORAN KINERJA INSTANSI PEMERINTAH", bold=True, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "(LKjIP)", bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "TAHUN {{ tahun }}", bold=True, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=40)
    para(doc, "{{ kop.instansi }}", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "{{ kop.pemerintah }}", bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "{{ kop.alamat }}", size=10, align=WD_ALIGN_PARAGRAPH.CENTER)

    front = doc.add_section(WD_SECTION.NEW_PAGE)
    page_numbering(front, "lowerRoman")
    page_footer(doc, section=1)
    heading(doc, "KATA PENGANTAR")
    for text in (
        "Puji syukur kami panjatkan ke hadirat Tuhan Yang Maha Esa atas rahmat dan karunia-Nya sehingga Laporan Kinerja "
        "Instansi Pemerintah (LKjIP) {{ kop.instansi_nama }} Tahun {{ tahun }} dapat diselesaikan.",
        "LKjIP ini disusun sebagai wujud pertanggungjawaban atas pelaksanaan tugas pokok dan fungsi serta pencapaian "
        "sasaran dan target kinerja yang ditetapkan dalam Perjanjian Kinerja Tahun {{ tahun }}, sebagaimana diamanatkan "
        "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi Pemerintah dan Peraturan "
        "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun 2014 tentang Petunjuk Teknis "
        "Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu atas Laporan Kinerja Instansi Pemerintah.",
        "Laporan ini menyajikan capaian indikator kinerja dibandingkan dengan target tahun {{ tahun }}, dengan realisasi "
        "tahun-tahun sebelumnya dan dengan target jangka menengah, analisis penyebab keberhasilan dan kegagalan beserta "
        "upaya perbaikannya, serta realisasi anggaran yang mendukungnya.",
        "Kami menyadari bahwa laporan ini masih memiliki kekurangan. Saran dan masukan untuk penyempurnaannya sangat kami "
        "harapkan. Semoga LKjIP ini bermanfaat sebagai bahan evaluasi dan perbaikan kinerja {{ kop.instansi_nama }} "
        "pada tahun-tahun berikutnya.",
    ):
        p = para(doc, text, space_after=6)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Cm(1.0)
    para(doc, space_after=10, keep=True)
    # A closing by name, no signature field: the head signs the LKjIP once, under BAB IV.
    signature(doc, 17.0, field=False)

    heading(doc, "RINGKASAN EKSEKUTIF", new_page=True)
    narrative(doc, "ringkasan_eksekutif")
    p = para(doc, "{{ ringkasan_angka }}", space_after=6)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    grid(doc, ["Predikat", "Jumlah Indikator", "Persentase"], [6.0, 3.5, 3.5],
         ["{{ d.predikat }}", "{{ d.jumlah }}", "{{ d.persen }}"], "lrr", ["d in sebaran"])
    para(doc, "{{ grafik }}", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=4)

    # Not a heading style: the Daftar Isi does not list itself.
    p = para(doc, "DAFTAR ISI", bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True, space_after=10)
    p.paragraph_format.page_break_before = True
    toc_field(doc)

    body = doc.add_section(WD_SECTION.NEW_PAGE)
    page_numbering(body, "decimal")
    heading(doc, "BAB I PENDAHULUAN")  # the section break starts its page
    for title, field in (("A. Latar Belakang", "bab1.latar_belakang"), ("B. Tugas Pokok dan Fungsi", "bab1.tugas_fungsi"),
                         ("C. Struktur Organisasi", "bab1.struktur_organisasi"), ("D. Isu Strategis", "bab1.isu_strategis")):
        heading(doc, title, level=2)
        narrative(doc, field)

    heading(doc, "BAB II PERENCANAAN KINERJA", new_page=True)
    heading(doc, "A. Perjanjian Kinerja", level=2)
    p = para(doc, "Perjanjian Kinerja Tahun {{ tahun }} yang menjadi dasar pengukuran: {{ perencanaan.pk }}. Sasaran strategis, "
                  "indikator kinerja dan target tahunannya adalah sebagai berikut.", space_after=6)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    # at 9 pt Satuan holds "Rekomendasi", Target a Rupiah indicator's 999.999.999.999
    grid(doc, ["No", "Indikator Kinerja", "Satuan", "Target"], [0.9, 10.9, 2.4, 2.8],
         ["{{ i.no }}", "{{ i.indikator }}", "{{ i.satuan }}", "{{ i.target }}"], "clcr",
         ["s in sasaran", "i in s.indikator"], group="Sasaran {{ s.no }}: {{ s.nama }}")
    para(doc, space_after=6)
    heading(doc, "B. Program dan Anggaran", level=2)
    para(doc, "Program dan kegiatan yang mendukung pencapaian sasaran beserta pagu anggarannya:", keep=True)
    grid(doc, ["No", "Kode", "Program/Kegiatan", "Pagu (Rp)"], [0.9, 3.1, 9.5, 3.5],  # Kode: 5.01.02.2.01.0001 at 9 pt
         ["{{ a.no }}", "{{ a.kode }}", "{{ a.program }}", "{{ a.pagu }}"], "cllr", ["a in perencanaan.anggaran"],
         total=["Jumlah", "{{ perencanaan.anggaran_total.pagu }}"], merge_total=2)

    # BAB III on landscape pages: its comparison table has seven number columns, each holding a
    # Rupiah indicator's 999.999.999.999, which portrait A4 cannot give them.
    turn(doc, landscape=True)
    heading(doc, "BAB III AKUNTABILITAS KINERJA")
    heading(doc, "A. Capaian Kinerja Organisasi", level=2)
    p = para(doc, "Capaian setiap indikator dibandingkan dengan target tahun {{ tahun }}, dengan realisasi tahun-tahun sebelumnya "
                  "(data pembanding: {{ pembanding }}) dan dengan target akhir Renstra. Rata-rata capaian: {{ capaian_rata }}.", space_after=6)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    para(doc, "{%p for s in sasaran %}")
    para(doc, "Sasaran {{ s.no }}: {{ s.nama }}", bold=True, keep=True, space_after=4)
    grid(doc, ["No", "Indikator Kinerja", "Satuan", "Target {{ tahun }}", "Realisasi {{ tahun }}", "Capaian {{ tahun }}",
               "Realisasi {{ tahun_n2 }}", "Realisasi {{ tahun_n1 }}", "Target Akhir Renstra", "Capaian thd Renstra"],
         # at 8 pt each number column holds 999.999.999.999 and Satuan "Rekomendasi" on one line
         [0.8, 4.9, 2.2, 2.54, 2.54, 2.54, 2.54, 2.54, 2.54, 2.54],
         ["{{ i.no }}", "{{ i.indikator }}", "{{ i.satuan }}", "{{ i.target }}", "{{ i.realisasi }}", "{{ i.capaian }}",
          "{{ i.realisasi_n2 }}", "{{ i.realisasi_n1 }}", "{{ i.target_renstra }}", "{{ i.capaian_renstra }}"],
         "cllrrrrrrr", ["i in s.indikator"], size=8, head_size=7.5)
    para(doc, "Sebaran predikat: {{ s.sebaran }}.", size=9, space_after=2)
    para(doc, "{{ s.grafik }}", align=WD_ALIGN_PARAGRAPH.CENTER, keep=True, space_after=2)
    para(doc, "Analisis penyebab keberhasilan/kegagalan:", bold=True, size=10, keep=True)
    para(doc, "{%p for t in s.penyebab %}")
    p = para(doc, "{{ t }}", space_after=3)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    para(doc, "{%p endfor %}")
    para(doc, "Upaya dan solusi:", bold=True, size=10, keep=True)
    para(doc, "{%p for t in s.solusi %}")
    p = para(doc, "{{ t }}", space_after=3)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    para(doc, "{%p endfor %}")
    para(doc, space_after=4)
    para(doc, "{%p endfor %}")
    para(doc, "Efisiensi penggunaan sumber daya", bold=True, keep=True)
    grid(doc, ["Kode PK", "Rata-rata Capaian", "Serapan Anggaran", "Efisiensi"], [4.0, 4.0, 4.0, 4.0],
         ["{{ e.pk }}", "{{ e.capaian_rata }}", "{{ e.serapan }}", "{{ e.efisiensi }}"], "lrrr", ["e in efisiensi"])
    para(doc, space_after=6)
    heading(doc, "B. Realisasi Anggaran", level=2)
    grid(doc, ["No", "Kode PK", "Program/Kegiatan", "Pagu (Rp)", "Realisasi (Rp)", "Serapan"], [0.8, 2.6, 13.1, 3.4, 3.4, 2.4],
         ["{{ a.no }}", "{{ a.pk }}", "{{ a.program }}", "{{ a.pagu }}", "{{ a.realisasi }}", "{{ a.serapan }}"], "cllrrr",
         ["a in anggaran"], total=["Jumlah", "{{ anggaran_total.pagu }}", "{{ anggaran_total.realisasi }}", "{{ anggaran_total.serapan }}"],
         merge_total=2, size=8.5)

    turn(doc, landscape=False)
    heading(doc, "BAB IV PENUTUP")
    narrative(doc, "penutup", keep=True)
    para(doc, space_after=10, keep=True)
    signature(doc, 17.0)

    heading(doc, "LAMPIRAN: CAPAIAN SELURUH PERJANJIAN KINERJA", new_page=True)
    # the Status column holds "DIKEMBALIKAN" at 8,5 pt on one line
    grid(doc, ["No", "Kode PK", "Pejabat", "Jumlah Indikator", "Rentang Capaian", "Status"], [0.9, 2.4, 5.4, 2.0, 3.4, 2.9],
         ["{{ p.no }}", "{{ p.pk }}", "{{ p.pejabat }}", "{{ p.jumlah_indikator }}", "{{ p.capaian }}", "{{ p.status }}"], "cllrcc",
         ["p in semua_pk"], size=8.5)
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
    used |= {sid for sid in by_id if re.fullmatch(r"TOC\d", sid)}  # what a table of contents' entries will use
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


def bundel_paket() -> Document:
    doc = base_document(landscape=False)
    letterhead(doc)
    para(doc, "DAFTAR PAKET LAPORAN CAPAIAN KINERJA {{ periode.triwulan|upper }} TAHUN {{ periode.tahun }}", bold=True, size=12,
         align=WD_ALIGN_PARAGRAPH.CENTER, space_after=2)
    para(doc, "{{ kop.instansi }}", bold=True, size=10, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=8)
    para(doc, "Bundel ini memuat {{ ringkasan.jumlah_paket }} paket siap tanda tangan ({{ ringkasan.jumlah_halaman }} halaman) "
              "untuk dibaca sekaligus. Tanda tangan elektronik dibubuhkan pada berkas paket masing-masing PK, bukan pada bundel ini.",
         space_after=6)
    grid(doc, ["No", "Kode PK", "Pejabat", "Capaian TW {{ periode.romawi }}", "Revisi", "Halaman", "Tanda Tangan"],
         [0.9, 2.2, 4.0, 2.6, 1.4, 1.7, 4.6],
         ["{{ p.no }}", "{{ p.pk }}", "{{ p.pejabat }}", "{{ p.capaian }}", "{{ p.revisi }}", "{{ p.halaman }}", "{{ p.tanda_tangan }}"],
         "cllcccl", ["p in paket"], size=8.5, head_size=8)
    para(doc, space_after=6)
    para(doc, "{%p if tidak_termasuk %}")
    para(doc, "PK yang tidak termasuk dalam bundel:", bold=True, keep=True)
    grid(doc, ["No", "Kode PK", "Pejabat", "Status", "Keterangan"], [0.9, 2.4, 5.0, 2.8, 5.8],
         ["{{ r.no }}", "{{ r.pk }}", "{{ r.pejabat }}", "{{ r.status }}", "{{ r.alasan }}"], "cllcl", ["r in tidak_termasuk"],
         size=8.5, head_size=8, shade="F8CBAD")
    para(doc, "{%p endif %}")
    para(doc, space_after=6)
    para(doc, "Disusun oleh sakip pada {{ dibuat }}.", size=8)
    return doc


if __name__ == "__main__":
    save(bundel_paket(), "bundel_paket")
    save(laporan_triwulan(), "laporan_triwulan")
    save(sampul(), "sampul")
    save(lembar_paraf(), "lembar_paraf")
    save(lampiran_pk(), "lampiran_pk")
    save(lampiran_ra(), "lampiran_ra")
    save(rekap_instansi(), "rekap_instansi")
    save(lkjip(), "lkjip")
