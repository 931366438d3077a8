import datetime as dt
import re

import pytest
from docx import Document

from sakip import render
from sakip.errors import TemplateError

from .conftest import ROOT


def tiny_template(tmp_path, text: str):
    doc = Document()
    doc.add_paragraph(text)
    path = tmp_path / "t.docx"
    doc.save(path)
    return path


def doc_text(path) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


def test_special_characters_are_escaped_not_truncating(tmp_path):
    out = render.render_document(tiny_template(tmp_path, "Kendala: {{ k }} selesai"),
                                 {"k": "Dinas A & B <kegiatan> \"x\""}, tmp_path / "o.docx")
    assert "Kendala: Dinas A & B <kegiatan> \"x\" selesai" in doc_text(out)


def test_unknown_field_fails_loudly(tmp_path):
    with pytest.raises(TemplateError, match="isian yang tidak ada"):
        render.render_document(tiny_template(tmp_path, "{{ pejabat.nama_lengkap }}"), {"pejabat": {}}, tmp_path / "o.docx")
    assert not (tmp_path / "o.docx").exists()


def test_sandbox_blocks_python_internals(tmp_path):
    tpl = tiny_template(tmp_path, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateError, match="^" + re.escape(f"{tpl}: template mencoba akses yang dilarang")):
        render.render_document(tpl, {}, tmp_path / "o.docx")
    assert not (tmp_path / "o.docx").exists()


def test_syntax_error_is_a_template_error(tmp_path):
    with pytest.raises(TemplateError, match="penulisan tag"):
        render.render_document(tiny_template(tmp_path, "{% if x %}"), {"x": 1}, tmp_path / "o.docx")


def test_report_context_formats_numbers_the_indonesian_way(period_tw2, capaian_tw2):
    per = render.Period(2026, 2, dt.date(2026, 7, 6))
    ctx = render.report_context(period_tw2.config, "PK-SEK", period_tw2.official("PK-SEK"), capaian_tw2["PK-SEK"], per)
    first = ctx["sasaran"][0]["indikator"][0]
    assert first["capaian_tw"] == "87,50 %" and first["realisasi_sd"] == "93,75"
    assert ctx["ttd"]["tempat_tanggal"] == "Sukamaju, 6 Juli 2026"
    assert ctx["ttd"]["nip"] == "19780823 200312 2 005"
    assert ctx["anggaran"][1]["pagu"] == "1.845.000.000"
    assert ctx["periode"]["rentang"] == "1 April 2026 – 30 Juni 2026"
    assert "(2 × target − realisasi) / target × 100 %" in ctx["catatan_capaian"]
    assert [k["indikator"] for k in ctx["kendala"]][0].startswith("Persentase dokumen")


def test_real_template_renders_every_indicator(tmp_path, period_tw2, capaian_tw2):
    per = render.Period(2026, 2, dt.date(2026, 7, 6))
    ctx = render.report_context(period_tw2.config, "PK-SEK", period_tw2.official("PK-SEK"), capaian_tw2["PK-SEK"], per)
    out = render.render_document(render.template_path(ROOT / "templates", "laporan_triwulan"), ctx, tmp_path / "l.docx")
    doc = Document(out)
    cells = " | ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    for ind in capaian_tw2["PK-SEK"].indicators:
        assert ind.indikator in cells
    assert "{{" not in cells and "{%" not in cells


def test_renderer_reuses_a_template_without_leaking_between_documents(tmp_path):
    renderer = render.Renderer()
    tpl = tiny_template(tmp_path, "Pejabat: {{ nama }}")
    first = renderer.render(tpl, {"nama": "AGUS & RINA"}, tmp_path / "a.docx")
    second = renderer.render(tpl, {"nama": "DEWI"}, tmp_path / "b.docx")
    assert "Pejabat: AGUS & RINA" in doc_text(first)
    assert "Pejabat: DEWI" in doc_text(second) and "AGUS" not in doc_text(second)


def test_a_file_that_is_not_a_word_document_is_a_template_error(tmp_path):
    bad = tmp_path / "template.docx"
    bad.write_text("bukan docx")
    with pytest.raises(TemplateError, match="bukan dokumen Word"):
        render.render_document(bad, {}, tmp_path / "o.docx")
    assert not (tmp_path / "o.docx").exists()
