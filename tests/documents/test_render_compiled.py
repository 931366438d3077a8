"""The compiled renderer (sakip.documents.compiled) writes what docxtpl wrote.

The reference below is the render sakip used before: docxtpl's DocxTemplate in the same
sandbox, with the chart as docxtpl's InlineImage. For every real template with its sample
context, and for hostile contexts, both outputs are compared part by part:
- the parts a render writes (the main document part, pictures) byte for byte;
- every other XML part after canonicalisation (lxml C14N, blank text between elements dropped
  as python-docx drops it): python-docx serialised those again (its XML declaration, no blank
  text), the compiled renderer copies the template's bytes;
- .rels as sets of relationships and [Content_Types].xml as each part's content type: python-docx
  rebuilt both, in its own order.
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.opc.oxml import parse_xml
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage
from lxml import etree

from sakip.documents import charts, rawzip, sandbox
from sakip.documents import render as r
from sakip.documents import templates
from sakip.errors import TemplateError

from tests.conftest import ROOT

TEMPLATES = sorted(p.parent.name for p in (ROOT / "templates").glob("*/template.docx")
                   if (p.parent / "sample_context.json").is_file())


class _DocxtplChart(InlineImage):
    """The chart as sakip printed it through docxtpl."""

    def __init__(self, tpl: DocxTemplate, chart: charts.Chart) -> None:
        super().__init__(tpl, None, width=Cm(chart.lebar_cm))
        self.chart = chart

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "chart":
            raise AttributeError(name)
        return getattr(self.chart, name)

    def _insert_image(self) -> str:
        if self.image_descriptor is None:
            self.image_descriptor = io.BytesIO(charts.png(self.chart))
        self.image_descriptor.seek(0)
        return super()._insert_image()


def _docxtpl_images(tpl: DocxTemplate, value: Any) -> Any:
    if isinstance(value, charts.Chart):
        return _DocxtplChart(tpl, value)
    if isinstance(value, dict):
        return {k: _docxtpl_images(tpl, v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_docxtpl_images(tpl, v) for v in value)
    return value


def docxtpl_render(template: Path, context: dict[str, Any]) -> bytes:
    """The document as docxtpl renders it (sakip's render before the compiled one)."""
    env = sandbox.Environment(chart_types=(_DocxtplChart,))
    tpl = DocxTemplate(io.BytesIO(template.read_bytes()))

    def run() -> bytes:
        tpl.render(_docxtpl_images(tpl, context), jinja_env=env, autoescape=True)
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    return sandbox.run_with_time_limit(60, run)


def compiled_render(template: Path, context: dict[str, Any], tmp_path: Path) -> bytes:
    return r.Renderer().render(template, context, tmp_path / "baru.docx").read_bytes()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return {n: z.read(n) for n in z.namelist()}


def _content_types(parts: dict[str, bytes]) -> dict[str, str]:
    types = parse_xml(parts["[Content_Types].xml"])
    defaults = {d.get("Extension").lower(): d.get("ContentType") for d in types if d.tag.endswith("Default")}
    overrides = {d.get("PartName"): d.get("ContentType") for d in types if d.tag.endswith("Override")}
    return {n: overrides.get("/" + n) or defaults.get(n.rsplit(".", 1)[-1].lower(), "?") for n in parts}


def _rels(data: bytes) -> set[tuple[str | None, ...]]:
    return {(x.get("Id"), x.get("Type"), x.get("Target"), x.get("TargetMode")) for x in parse_xml(data)}


def assert_same_document(new: bytes, old: bytes) -> None:
    a, b = _parts(new), _parts(old)
    assert sorted(a) == sorted(b)
    assert _content_types(a) == _content_types(b)
    for name in a:
        if name == "[Content_Types].xml":
            continue
        if name.endswith(".rels"):
            assert _rels(a[name]) == _rels(b[name]), name
        elif name == "word/document.xml" or not name.endswith(".xml"):
            assert a[name] == b[name], name
        else:
            assert etree.tostring(parse_xml(a[name]), method="c14n") == \
                etree.tostring(parse_xml(b[name]), method="c14n"), name
    doc = Document(io.BytesIO(new))  # python-docx opens it
    assert doc.paragraphs or doc.tables


def assert_same_outcome(tpl: Path, ctx: dict[str, Any], tmp_path: Path) -> None:
    """The same document, or both refuse the context."""
    try:
        old = docxtpl_render(tpl, ctx)
    except Exception as exc:
        with pytest.raises(TemplateError) as caught:
            compiled_render(tpl, ctx, tmp_path)
        assert type(exc).__name__ in str(caught.value) or str(exc)[:40] in str(caught.value)
        return
    assert_same_document(compiled_render(tpl, ctx, tmp_path), old)


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_renders_its_sample_as_docxtpl_does(tmp_path, name):
    tpl = r.template_path(ROOT / "templates", name)
    ctx = templates.sample_context(tpl)
    new = compiled_render(tpl, ctx, tmp_path)
    assert_same_document(new, docxtpl_render(tpl, ctx))
    if name == "laporan_triwulan":  # the chart: a picture part, its relationship and content type
        assert any(n.startswith("word/media/image") for n in _parts(new))


HOSTILE = {
    "markup": 'Dinas A & B <kegiatan> "kutip" \'tunggal\' ]]> &amp; {{ x }} {% if %}',
    "lines": "baris satu\nbaris dua\tkolom\fhalaman\a paragraf",
    "long": "Panjang " * 4000,
    "empty": "",
}


def _every_text(value: Any, text: str) -> Any:
    if isinstance(value, str):
        return text
    if isinstance(value, dict):
        return {k: _every_text(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_every_text(v, text) for v in value]
    return value


def _no_lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: [] if isinstance(v, list) else _no_lists(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("kind", [*HOSTILE, "empty-lists"])
@pytest.mark.parametrize("name", ["laporan_triwulan", "lembar_paraf", "lkjip"])
def test_hostile_contexts_render_as_docxtpl_does(tmp_path, name, kind):
    tpl = r.template_path(ROOT / "templates", name)
    sample = templates.sample_context(tpl)
    ctx = _no_lists(sample) if kind == "empty-lists" else _every_text(sample, HOSTILE[kind])
    assert_same_outcome(tpl, ctx, tmp_path)


def _docxtpl_features(path: Path) -> Path:
    """A template using docxtpl's own tags, a tagged header and footer, and tagged properties."""
    doc = Document()
    doc.core_properties.title = "Laporan {{ kode }}"  # a property cannot hold control characters
    doc.core_properties.author = ""
    doc.sections[0].header.paragraphs[0].text = "Kop: {{ judul }}"
    doc.sections[0].footer.paragraphs[0].text = "Halaman {{ judul|upper }}"
    doc.add_paragraph("{%p if baris %}")
    doc.add_paragraph("Ada {{ baris|length }} baris: {{ catatan }}")
    doc.add_paragraph("{%p endif %}")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for b in baris %}"
    table.cell(1, 0).text = "{{ b.no }}"
    table.cell(1, 1).text = "{{r b.nama }}"
    table.cell(2, 0).text = "{%tr endfor %}"
    doc.add_paragraph("Akhir {{ judul }}")
    doc.save(path)
    return path


@pytest.mark.parametrize("text", [*HOSTILE.values()], ids=list(HOSTILE))
def test_docxtpl_tags_headers_and_properties_render_as_docxtpl_does(tmp_path, text):
    tpl = _docxtpl_features(tmp_path / "fitur.docx")
    ctx = {"kode": "A & B <x> \"k\"", "judul": text, "catatan": text, "baris": [{"no": n, "nama": f"{text} {n}"} for n in range(1, 4)]}
    assert_same_outcome(tpl, ctx, tmp_path)
    ctx["baris"] = []
    assert_same_outcome(tpl, ctx, tmp_path)


def test_a_chart_printed_twice_adds_one_picture_and_two_charts_two(tmp_path):
    chart = templates.sample_context(r.template_path(ROOT / "templates", "laporan_triwulan"))["grafik"]
    other = dataclasses.replace(chart, judul="Grafik lain")
    doc = Document()
    doc.add_paragraph("{{ a }} dan {{ a }} lalu {{ b }}")
    tpl = tmp_path / "grafik.docx"
    doc.save(tpl)
    ctx = {"a": chart, "b": other}
    new = compiled_render(tpl, ctx, tmp_path)
    assert_same_document(new, docxtpl_render(tpl, ctx))
    assert sorted(n for n in _parts(new) if "media" in n) == ["word/media/image1.png", "word/media/image2.png"]


def test_a_picture_in_a_header_is_refused_in_words(tmp_path):
    doc = Document()
    doc.add_paragraph("Isi")
    doc.sections[0].header.paragraphs[0].text = "{{ grafik }}"
    tpl = tmp_path / "kop.docx"
    doc.save(tpl)
    ctx = {"grafik": templates.sample_context(r.template_path(ROOT / "templates", "laporan_triwulan"))["grafik"]}
    with pytest.raises(TemplateError, match="gambar hanya dapat dicetak di isi dokumen"):
        r.Renderer().render(tpl, ctx, tmp_path / "o.docx")


def test_raw_entries_are_written_back_as_zipfile_reads_them(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", "<a>" + "x" * 5000 + "</a>")
        z.writestr("ü/naïve.txt", "tidak ascii")
        z.writestr("kosong", b"")
        z.writestr("simpan.bin", bytes(range(256)), compress_type=zipfile.ZIP_STORED)
    entries = rawzip.read_entries(buf.getvalue())
    extra = [rawzip.deflated("baru.xml", b"<b/>"), rawzip.stored("gambar.png", b"\x89PNG...")]
    out = rawzip.write([*entries, *extra])
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.testzip() is None
        assert z.namelist() == ["a.xml", "ü/naïve.txt", "kosong", "simpan.bin", "baru.xml", "gambar.png"]
        assert z.read("a.xml") == b"<a>" + b"x" * 5000 + b"</a>" and z.read("simpan.bin") == bytes(range(256))
        assert z.read("ü/naïve.txt") == "tidak ascii".encode() and z.read("kosong") == b""
        assert z.getinfo("a.xml").compress_type == zipfile.ZIP_DEFLATED
        assert z.getinfo("gambar.png").compress_type == zipfile.ZIP_STORED
    # the copied entries are the very bytes read, not compressed again
    assert rawzip.read_entries(out)[:4] == entries


def test_a_corrupt_template_is_no_word_document(tmp_path):
    good = (ROOT / "templates" / "sampul" / "template.docx").read_bytes()
    bad = tmp_path / "rusak.docx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(TemplateError, match="bukan dokumen Word"):
        r.Renderer().render(bad, {}, None)
