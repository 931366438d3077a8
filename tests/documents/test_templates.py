"""Planner tooling: `sakip template check|preview|fields`, the field catalogue and the shipped templates."""

import copy
import json
import subprocess
import sys

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from sakip.documents import charts
from sakip.documents import fields
from sakip.documents import templates
from sakip.documents import render as r
from sakip.cli import app
from sakip.errors import TemplateError

from tests.conftest import ROOT, SAKIP

sys.path.insert(0, str(ROOT / "scripts"))
import make_sample_contexts  # noqa: E402
from make_sample_contexts import CHECKED  # noqa: E402

NAMES = list(fields.CATALOGUE)
TEMPLATES = ROOT / "templates"


def broken(tmp_path, build, name="laporan_triwulan"):
    """A copy of a shipped template's folder with a paragraph added by `build(doc)`."""
    folder = tmp_path / name
    folder.mkdir()
    (folder / "sample_context.json").write_bytes((TEMPLATES / name / "sample_context.json").read_bytes())
    doc = Document(TEMPLATES / name / "template.docx")
    build(doc)
    doc.save(folder / "template.docx")
    return folder


def only_errors(problems):
    return [p for p in problems if p.severity == "galat"]


@pytest.mark.parametrize("name", NAMES)
def test_every_shipped_template_passes_check_and_renders_its_sample(name, tmp_path):
    problems = templates.check(TEMPLATES / name)
    assert only_errors(problems) == []
    ctx = templates.sample_context(TEMPLATES / name / "template.docx")
    out = r.render_document(TEMPLATES / name / "template.docx", ctx, tmp_path / "o.docx")
    body = "\n".join(p.text for p in Document(out).paragraphs) + " ".join(
        c.text for t in Document(out).tables for row in t.rows for c in row.cells)
    assert "{{" not in body and "{%" not in body
    assert ctx["kop"]["instansi"] in body


def test_misspelt_field_is_named_with_its_place_and_the_real_field(tmp_path):
    folder = broken(tmp_path, lambda d: d.add_paragraph("Disusun oleh {{ pejabat.nama_lengkap }} pada triwulan ini"))
    [problem] = only_errors(templates.check(folder))
    assert "pejabat.nama_lengkap" in problem.message and "maksud Anda \u201cpejabat.nama\u201d" in problem.message
    body_paragraphs = len(Document(folder / "template.docx").paragraphs)
    assert problem.where == f"paragraf {body_paragraphs}"
    assert "Disusun oleh" in problem.excerpt


def test_unclosed_tag_and_unclosed_block_are_located(tmp_path):
    def build(doc):
        doc.add_paragraph("Nama: {{ pejabat.nama")
        doc.add_paragraph("{% if kendala %}")
        doc.add_paragraph("Ada kendala")
    errors = only_errors(templates.check(broken(tmp_path, build)))
    messages = " | ".join(f"{p.where}: {p.message}" for p in errors)
    assert "tidak ditutup di paragraf yang sama" in messages
    assert "blok {% if %} tidak ditutup dengan {% endif %}" in messages
    assert all(p.where.startswith("paragraf ") for p in errors), messages


def test_tag_split_by_word_formatting_is_found(tmp_path):
    def build(doc):
        p = doc.add_paragraph("Kepala: ")
        p.add_run("{{ pejabat.")
        bold = p.add_run("nama }}")
        bold.bold = True
    [problem] = only_errors(templates.check(broken(tmp_path, build)))
    assert "terpecah oleh format Word" in problem.message and "{{ pejabat.nama }}" in problem.message


def test_same_formatting_split_runs_are_not_a_problem(tmp_path):
    """Word splits runs for spelling marks without changing formatting; docxtpl joins them."""
    def build(doc):
        p = doc.add_paragraph()
        for part in ("{{ pej", "abat.na", "ma }}"):
            p.add_run(part).font.size = Pt(10)
    assert only_errors(templates.check(broken(tmp_path, build))) == []


def test_forbidden_attribute_and_unknown_filter_are_reported_in_a_table_cell(tmp_path):
    def build(doc):
        t = doc.add_table(rows=1, cols=2)
        t.rows[0].cells[0].text = "{{ pejabat.nama.__class__ }}"
        t.rows[0].cells[1].text = "{{ periode.tanggal|tanggal_panjang }}"
    folder = broken(tmp_path, build)
    errors = only_errors(templates.check(folder))
    # the checker numbers every table, nested ones too (the report's signature block holds two)
    tables = len(list(Document(folder / "template.docx").element.body.iter(qn("w:tbl"))))
    sandbox = next(p for p in errors if "__class__" in p.message)
    assert "sandbox" in sandbox.message and sandbox.where == f"tabel {tables}, baris 1, kolom 1"
    unknown = next(p for p in errors if "tanggal_panjang" in p.message)
    assert "filter" in unknown.message and "maksud Anda \u201ctanggal\u201d" in unknown.message
    assert unknown.where == f"tabel {tables}, baris 1, kolom 2"


def test_font_that_is_not_installed_is_an_error(tmp_path):
    def build(doc):
        doc.add_paragraph().add_run("Judul").font.name = "Bookman Old Style"
    errors = only_errors(templates.check(broken(tmp_path, build)))
    assert any("Bookman Old Style" in p.message for p in errors)


def test_loop_variables_are_checked_against_the_list_items(tmp_path):
    def build(doc):
        t = doc.add_table(rows=3, cols=1)
        t.rows[0].cells[0].text = "{%tr for k in kendala %}"
        t.rows[1].cells[0].text = "{{ k.tindaklanjut }} {{ k.kendala|upper }}"
        t.rows[2].cells[0].text = "{%tr endfor %}"
    [problem] = only_errors(templates.check(broken(tmp_path, build)))
    assert "kendala.tindaklanjut" in problem.message and "kendala.tindak_lanjut" in problem.message


def test_cli_check_exits_non_zero_on_error_and_zero_on_a_good_template(tmp_path):
    from typer.testing import CliRunner

    runner = CliRunner()
    good = runner.invoke(app, ["template", "check", str(TEMPLATES / "sampul")])
    assert good.exit_code == 0 and "dapat dipakai" in good.output
    folder = broken(tmp_path, lambda d: d.add_paragraph("{{ kop.nama_instansi }}"), name="sampul")
    bad = runner.invoke(app, ["template", "check", str(folder)])
    assert bad.exit_code == 1 and "kop.nama_instansi" in bad.output


def test_fields_md_is_in_sync():
    assert (TEMPLATES / "FIELDS.md").read_text(encoding="utf-8") == templates.fields_markdown(), \
        "templates/FIELDS.md is stale: run `sakip template fields --tulis templates/FIELDS.md`"


@pytest.mark.parametrize("name", NAMES)
def test_catalogue_documents_exactly_what_the_sample_context_holds(name):
    sample = templates.sample_context(TEMPLATES / name / "template.docx")
    held = {p for p in templates.context_paths(sample) if not p.endswith("[]")}
    schema = templates._Schema(set(fields.CATALOGUE[name]))
    undocumented = {p for p in held if schema._match(p) is None}
    assert undocumented == set()
    # every documented field appears in the sample (lists that are empty in it excepted)
    empty_lists = {p[:-2] for p in templates.context_paths(sample) if p.endswith("[]")}
    missing = {p for p in fields.CATALOGUE[name] if "*" not in p and p not in held
               and not any(p.startswith(e + "[]") for e in empty_lists)}
    assert missing == set()


def test_sample_contexts_have_the_shape_the_code_produces(period_tw2, capaian_tw2, verdicts_tw2):
    """sample_context.json is what the pipeline gives the template (same fields), not a hand-made copy."""
    import datetime as dt

    per = r.Period(2026, 2, dt.date(2026, 7, 6))
    cfg, who = period_tw2.config, period_tw2.official("PK-SEK")
    built = {"sampul": r.cover_context(cfg, "PK-SEK", who, per),
             "laporan_triwulan": r.report_context(cfg, "PK-SEK", who, capaian_tw2["PK-SEK"], per),
             "lampiran_pk": r.lampiran_pk_context(cfg, "PK-SEK", who, period_tw2, per),
             "lampiran_ra": r.lampiran_ra_context(cfg, "PK-SEK", who, period_tw2, per),
             "bundel_paket": make_sample_contexts.bundle_sample(period_tw2, capaian_tw2, verdicts_tw2, per, CHECKED)}
    for name, ctx in built.items():
        sample = templates.sample_context(TEMPLATES / name / "template.docx")
        assert set(templates.context_paths(ctx)) == set(templates.context_paths(sample)), name
        assert json.loads(json.dumps(charts.to_json_tree(ctx))) == json.loads(json.dumps(charts.to_json_tree(sample))), name


def test_every_filter_example_renders(tmp_path):
    from sakip.documents.filters import FILTERS

    text = " ".join(f"[{{{{ '{ex}'|{name} }}}}]" for name, (_f, ex, _d) in FILTERS.items())
    doc = Document()
    doc.add_paragraph(text)
    doc.save(tmp_path / "f.docx")
    out = r.render_document(tmp_path / "f.docx", {}, tmp_path / "o.docx")
    rendered = Document(out).paragraphs[0].text
    assert "[1.234.567,5] [87,50 %] [Rp 1.845.000.000] [6 Juli 2026] [19710412 199603 1 003] [Triwulan II] [II]" == rendered


def test_a_filter_given_something_else_names_the_filter(tmp_path):
    from sakip.errors import TemplateError

    doc = Document()
    doc.add_paragraph("{{ pejabat.nama|rupiah }}")
    doc.save(tmp_path / "f.docx")
    with pytest.raises(TemplateError, match="filter 'rupiah'"):
        r.render_document(tmp_path / "f.docx", {"pejabat": {"nama": "AGUS"}}, tmp_path / "o.docx")


def hostile(ctx: dict, n_indicators: int = 40) -> dict:
    """The sample report context with '&', '<', quotes, very long names and 40 indicators."""
    ctx = copy.deepcopy(ctx)
    row = ctx["sasaran"][0]["indikator"][0]
    long_name = ("Persentase penyelesaian tindak lanjut rekomendasi hasil pemeriksaan BPK & APIP atas pengelolaan "
                 "keuangan desa <DD/ADD> yang \"berkadar\" risiko tinggi di seluruh kecamatan wilayah kabupaten")
    rows = []
    for i in range(n_indicators):
        x = dict(row, no=i + 1, kode=f"IK-{i + 1:02d}", indikator=f"{long_name} nomor {i + 1}",
                 sasaran="1. Sasaran A & B <utama> \"2026\"")
        rows.append(x)
    ctx["sasaran"] = [{"nomor": 1, "nama": "Sasaran A & B <utama> \"2026\"", "indikator": rows}]
    ctx["indikator"] = rows
    ctx["pejabat"]["nama"] = "Dr. H. " + "R" * 60 + " & <Rekan>, S.H., M.H."
    ctx["ttd"]["nama"] = ctx["pejabat"]["nama"]
    ctx["grafik"] = charts.Chart(judul="Capaian A & B <x>", label=tuple(x["kode"] for x in rows),
                                 seri=(("TW", tuple(float(i * 3) for i in range(n_indicators))),), garis=100.0)
    ctx["kendala"] = [dict(ctx["kendala"][0], indikator=long_name, kendala="Kas < 0 & \"saldo\" minus")] if ctx["kendala"] else []
    return ctx


def test_special_characters_long_names_and_40_indicators_render_completely(tmp_path):
    tpl = TEMPLATES / "laporan_triwulan" / "template.docx"
    ctx = hostile(templates.sample_context(tpl))
    out = r.render_document(tpl, ctx, tmp_path / "o.docx")
    doc = Document(out)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    for i in range(1, 41):
        assert any(c.endswith(f"nomor {i}") and "BPK & APIP" in c and "<DD/ADD>" in c for c in cells), i
    assert any("Kas < 0 & \"saldo\" minus" in c for c in cells)
    # the signature block, after everything else, is still there: nothing was truncated
    # (it stands in a table nested in the block that keeps it with the paraf table)
    assert any("NIP. " in "".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.body.iter(qn("w:p")))


def test_check_reports_a_sandbox_violation_only_the_trial_render_sees(tmp_path):
    """`grafik|attr('tpl')` names no field the walker could flag; the sandbox stops it."""
    folder = broken(tmp_path, lambda d: d.add_paragraph("{{ grafik|attr('tpl') }}"))
    [problem] = only_errors(templates.check(folder))
    assert problem.where == "saat merender konteks contoh"
    assert problem.message.startswith("template mencoba akses yang dilarang: \u201ctpl\u201d pada grafik")


def test_check_stops_an_endless_loop_at_the_time_limit(tmp_path):
    loop = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    folder = broken(tmp_path, lambda d: d.add_paragraph(loop), name="sampul")
    [problem] = only_errors(templates.check(folder, time_limit=1))
    assert problem.where == "saat merender konteks contoh"
    assert problem.message == "render melebihi batas waktu 1 detik (perulangan tanpa akhir?)"


def test_check_reports_loading_another_file(tmp_path):
    folder = broken(tmp_path, lambda d: d.add_paragraph("{% include 'kop.docx' %}"), name="sampul")
    [problem] = only_errors(templates.check(folder))
    assert "template tidak boleh memuat berkas lain" in problem.message


def _copy_with(tmp_path, filename, text):
    """The shipped laporan_triwulan saved under another name, outside its kind's folder, with a
    paragraph `text` added (a planner's copy)."""
    doc = Document(TEMPLATES / "laporan_triwulan" / "template.docx")
    doc.add_paragraph(text)
    path = tmp_path / "salinan" / filename
    path.parent.mkdir(exist_ok=True)
    doc.save(path)
    return path


def test_a_copy_outside_its_folder_is_checked_as_the_kind_its_name_starts_with(tmp_path):
    path = _copy_with(tmp_path, "laporan_triwulan_baru.docx", "{{ kop.instansii }}")
    assert templates.template_kind(path) == "laporan_triwulan"
    [problem] = only_errors(templates.check(path))
    assert "kop.instansii" in problem.message and "tidak dikenal" in problem.message and "kop.instansi" in problem.message


def test_a_template_whose_kind_nothing_says_is_checked_against_every_kind(tmp_path):
    """A misspelt field is an error even when the kind is unknown; a field some kind has passes,
    with a warning asking for --jenis."""
    typo = _copy_with(tmp_path, "draf.docx", "{{ kop.instansii }}")
    assert templates.template_kind(typo) is None
    problems = templates.check(typo)
    [error] = only_errors(problems)
    assert "kop.instansii" in error.message
    assert any(p.severity == "peringatan" and "--jenis" in p.message for p in problems)
    assert only_errors(templates.check(typo, kind="laporan_triwulan")) == [error]
    with pytest.raises(TemplateError, match="jenis template 'laporan' tidak dikenal"):
        templates.check(typo, kind="laporan")


def test_template_check_takes_the_kind_from_the_command_line(tmp_path):
    path = _copy_with(tmp_path, "draf.docx", "{{ kop.instansii }}")
    r = subprocess.run([*SAKIP, "template", "check", str(path), "--jenis", "laporan_triwulan"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "kop.instansii" in r.stdout and "--jenis" not in r.stdout
    r = subprocess.run([*SAKIP, "template", "check", str(path), "--jenis", "bukan_jenis"], capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "bukan_jenis" in r.stderr and "Traceback" not in r.stderr
