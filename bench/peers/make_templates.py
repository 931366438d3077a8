"""The peer comparison's template, one page of a PK report, written three times with python-docx:
the same document in each renderer's tag syntax (docxtpl/Jinja for sakip, docxtemplater,
Carbone), so that the three renderers fill the same paragraphs and tables from context.json.

Run `python -m bench.peers.make_templates` to write them again; the output is byte-stable
(fixed zip timestamps), so the committed files show whether the script changed.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
ENGINES = ("sakip", "docxtemplater", "carbone")
INDICATOR_COLUMNS = (("No", "no", 1.0), ("Indikator Kinerja", "nama", 5.6), ("Satuan", "satuan", 1.6),
                     ("Target", "target", 1.8), ("Realisasi", "realisasi", 1.8), ("Capaian", "capaian", 1.8),
                     ("Predikat", "predikat", 2.4))
BUDGET_COLUMNS = (("No", "no", 1.0), ("Program", "program", 6.4), ("Pagu (Rp)", "pagu", 3.2),
                  ("Realisasi (Rp)", "realisasi", 3.2), ("Serapan", "serapan", 2.2))


@dataclass(frozen=True)
class Syntax:
    """How one renderer writes a field, and a table row repeated for each item of a list."""

    engine: str

    def field(self, name: str) -> str:
        return {"sakip": f"{{{{ {name} }}}}", "docxtemplater": f"{{{name}}}", "carbone": f"{{d.{name}}}"}[self.engine]

    def loop_rows(self, table, array: str, columns: tuple[tuple[str, str, float], ...]) -> None:
        keys = [key for _, key, _ in columns]
        if self.engine == "sakip":
            # docxtpl: a {%tr %} tag replaces its whole row, so the loop takes a row above and below.
            _row(table, [f"{{%tr for r in {array} %}}", *[""] * (len(keys) - 1)])
            _row(table, [f"{{{{ r.{k} }}}}" for k in keys])
            _row(table, ["{%tr endfor %}", *[""] * (len(keys) - 1)])
        elif self.engine == "docxtemplater":
            cells = [f"{{{k}}}" for k in keys]
            cells[0], cells[-1] = f"{{#{array}}}{cells[0]}", f"{cells[-1]}{{/{array}}}"
            _row(table, cells)
        else:
            # Carbone: the first row is the item, the second (removed) tells it the row repeats.
            _row(table, [f"{{d.{array}[i].{k}}}" for k in keys])
            _row(table, [f"{{d.{array}[i+1].{k}}}" for k in keys])


def _row(table, texts: list[str], bold: bool = False) -> None:
    cells = table.add_row().cells
    for cell, text in zip(cells, texts):
        run = cell.paragraphs[0].add_run(text)
        run.bold = bold


def _table(doc, columns: tuple[tuple[str, str, float], ...]):
    table = doc.add_table(rows=0, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _row(table, [head for head, _, _ in columns], bold=True)
    for column, (_, _, width) in zip(table.columns, columns):
        column.width = Cm(width)
    return table


def _paragraph(doc, text: str, *, bold: bool = False, center: bool = False, size: float | None = None,
               indent_cm: float = 0.0, after: float = 2.0):
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.left_indent = Cm(indent_cm)
    p.paragraph_format.space_after = Pt(after)
    return p


def build(engine: str) -> bytes:
    s = Syntax(engine)
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin = section.bottom_margin = Cm(1.8)
    doc.styles["Normal"].font.name = "Liberation Sans"
    doc.styles["Normal"].font.size = Pt(10)

    _paragraph(doc, s.field("pemerintah"), bold=True, center=True, size=12, after=0)
    _paragraph(doc, s.field("instansi"), bold=True, center=True, size=14, after=0)
    _paragraph(doc, s.field("alamat"), center=True, size=9, after=8)
    _paragraph(doc, f"LAPORAN CAPAIAN KINERJA TRIWULAN {s.field('romawi')} TAHUN {s.field('tahun')}",
               bold=True, center=True, size=12, after=8)
    for label, name in (("Nomor PK", "kode_pk"), ("Periode", "rentang"), ("Nama", "pejabat_nama"),
                        ("Jabatan", "pejabat_jabatan"), ("Sasaran", "sasaran")):
        _paragraph(doc, f"{label}: {s.field(name)}", after=0)

    _paragraph(doc, "A. Capaian Indikator Kinerja", bold=True, after=4).paragraph_format.space_before = Pt(8)
    s.loop_rows(_table(doc, INDICATOR_COLUMNS), "indikator", INDICATOR_COLUMNS)

    _paragraph(doc, "B. Realisasi Anggaran", bold=True, after=4).paragraph_format.space_before = Pt(8)
    budget = _table(doc, BUDGET_COLUMNS)
    s.loop_rows(budget, "anggaran", BUDGET_COLUMNS)
    _row(budget, ["", "Jumlah", s.field("pagu_total"), s.field("realisasi_total"), s.field("serapan_total")], bold=True)

    _paragraph(doc, f"Catatan: {s.field('catatan')}", after=12).paragraph_format.space_before = Pt(8)
    for name, after in (("tempat_tanggal", 0), ("ttd_jabatan", 40), ("ttd_nama", 0), ("ttd_pangkat", 0)):
        _paragraph(doc, s.field(name), indent_cm=9.5, after=after, bold=name == "ttd_nama")
    _paragraph(doc, f"NIP. {s.field('ttd_nip')}", indent_cm=9.5)

    raw = io.BytesIO()
    doc.save(raw)
    return _stable(raw.getvalue())


def _stable(docx: bytes) -> bytes:
    """The same package with fixed timestamps and core properties, so reruns give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in sorted(src.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _fixed_core(data)
            dst.writestr(zipfile.ZipInfo(item.filename, date_time=(2026, 1, 1, 0, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _fixed_core(xml: bytes) -> bytes:
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", xml)


def template(engine: str) -> Path:
    return HERE / engine / "template.docx"


def main() -> None:
    for engine in ENGINES:
        path = template(engine)
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(build(engine))
        print(path.relative_to(HERE.parents[1]))


if __name__ == "__main__":
    main()
