import datetime as dt
import re

import pytest
from docx import Document

from sakip.documents import render
from sakip.errors import TemplateError

from tests.conftest import ROOT


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


def test_renderers_share_one_compiled_template_per_content_and_read_an_edited_one_afresh(tmp_path):
    """Batches each have a Renderer; the template is parsed and compiled once for all of them,
    yet a planner's edit saved at the same path between runs is what the next run prints."""
    tpl = tiny_template(tmp_path, "Pejabat: {{ nama }}")
    first, second = render.Renderer(), render.Renderer()
    first.render(tpl, {"nama": "AGUS"}, None)
    assert first._load(tpl) is second._load(tpl)
    edited = Document(tpl)
    edited.paragraphs[0].text = "Kepala: {{ nama }}"
    edited.save(tpl)
    assert doc_text(render.Renderer().render(tpl, {"nama": "DEWI"}, tmp_path / "b.docx")) == "Kepala: DEWI"
    # a Renderer keeps the file it read: a run prints one version of a template throughout
    assert doc_text(second.render(tpl, {"nama": "DEWI"}, tmp_path / "c.docx")) == "Pejabat: DEWI"


def test_threads_rendering_a_template_first_compiled_beside_each_other_print_the_same(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    rows = "".join(f"{{{{ baris[{i}] | upper }}}} " for i in range(200))  # a compile long enough to overlap
    tpl = tiny_template(tmp_path, "Nama: {{ nama }} " + rows)
    context = {"nama": "RINA & DEWI", "baris": [f"b{i}" for i in range(200)]}

    def one(n: int) -> str:
        return doc_text(render.Renderer().render(tpl, context, tmp_path / f"{n}.docx"))

    with ThreadPoolExecutor(4) as pool:
        texts = set(pool.map(one, range(8)))
    assert texts == {"Nama: RINA & DEWI " + "".join(f"B{i} " for i in range(200))}


def test_a_file_that_is_not_a_word_document_is_a_template_error(tmp_path):
    bad = tmp_path / "template.docx"
    bad.write_text("bukan docx")
    with pytest.raises(TemplateError, match="bukan dokumen Word"):
        render.render_document(bad, {}, tmp_path / "o.docx")
    assert not (tmp_path / "o.docx").exists()


# --- issue 21: every sasaran with its own indicators, dated documents, signers without NIP ------------

SASARAN_2 = "Meningkatnya kualitas pelayanan administrasi umum dan kepegawaian"


def _rows_by_sasaran(path, header: str, indicator_col: int) -> dict[str, str]:
    """indicator -> the sasaran label row above it ("Sasaran 2: ...", one cell spanning the
    table), from the first table whose header row holds `header`."""
    table = next(t for t in Document(path).tables if header in [c.text for c in t.rows[0].cells])
    owner, out = "", {}
    for row in table.rows[1:]:
        if len(row._tr.tc_lst) == 1:
            owner = row.cells[0].text
        else:
            out[row.cells[indicator_col].text] = owner
    return out


def _cfg(cfg, **instansi):
    import dataclasses

    return dataclasses.replace(cfg, instansi=dataclasses.replace(cfg.instansi, **instansi))


@pytest.mark.parametrize("name", ["lampiran_pk", "lampiran_ra"])
def test_pk_and_ra_appendices_show_each_sasaran_with_its_own_indicators(tmp_path, period_tw2, name):
    """PK-SEK's IK-04 and IK-05 belong to its second sasaran: a merge over the whole column put
    them under the first one and dropped the second from the document."""
    per = render.Period(2026, 2, dt.date(2026, 7, 6))
    make = render.lampiran_pk_context if name == "lampiran_pk" else render.lampiran_ra_context
    for pk in ("PK-SEK", "PK-INSP"):
        ctx = make(period_tw2.config, pk, period_tw2.official(pk), period_tw2, per)
        rows = [r for r in period_tw2.records("indicators") if r["pk"] == pk]
        names = list(dict.fromkeys(r["sasaran"] for r in rows))
        assert len(names) >= 2
        assert [s["nama"] for s in ctx["sasaran"]] == names
        assert [[i["indikator"] for i in s["indikator"]] for s in ctx["sasaran"]] == [
            [r["indikator"] for r in rows if r["sasaran"] == n] for n in names]
        out = render.render_document(render.template_path(ROOT / "templates", name), ctx, tmp_path / f"{pk}.docx")
        printed = _rows_by_sasaran(out, "Indikator Kinerja", 1)
        assert printed == {r["indikator"]: f"Sasaran {names.index(r['sasaran']) + 1}: {r['sasaran']}" for r in rows}
        if pk == "PK-SEK":
            assert printed["Indeks kepuasan pegawai terhadap layanan kesekretariatan"] == f"Sasaran 2: {SASARAN_2}"


def test_a_pk_of_three_sasaran_merges_each_group_apart(tmp_path, period_tw2):
    per = render.Period(2026, 2, dt.date(2026, 7, 6))
    ctx = render.lampiran_pk_context(period_tw2.config, "PK-SEK", period_tw2.official("PK-SEK"), period_tw2, per)
    names = ["Sasaran A", "Sasaran B", "Sasaran C"]
    owners = ["Sasaran A", "Sasaran B", "Sasaran B", "Sasaran C", "Sasaran C"]
    rows = [{**r, "sasaran": f"{names.index(o) + 1}. {o}"} for r, o in zip(ctx["indikator"], owners)]
    ctx = {**ctx, "indikator": rows, "sasaran": render._by_sasaran(rows, owners)}
    out = render.render_document(render.template_path(ROOT / "templates", "lampiran_pk"), ctx, tmp_path / "pk.docx")
    printed = _rows_by_sasaran(out, "Indikator Kinerja", 1)
    assert list(printed.values()) == [f"Sasaran {names.index(o) + 1}: {o}" for o in owners]
    text = " ".join(c.text for t in Document(out).tables for row in t.rows for c in row.cells)
    assert all(f"Sasaran {n}: Sasaran {x}" in text for n, x in ((1, "A"), (2, "B"), (3, "C")))


def test_lkjip_bab_ii_shows_each_sasaran_with_its_own_indicators(tmp_path):
    from sakip.documents import templates

    tpl = render.template_path(ROOT / "templates", "lkjip")
    ctx = templates.sample_context(tpl)
    assert len(ctx["sasaran"]) >= 2
    out = render.render_document(tpl, ctx, tmp_path / "lkjip.docx")
    table = next(t for t in Document(out).tables if [c.text for c in t.rows[0].cells][:4] == ["No", "Indikator Kinerja", "Satuan", "Target"])
    printed = [row.cells[0].text if len(row._tr.tc_lst) == 1 else (row.cells[0].text, row.cells[1].text) for row in table.rows[1:]]
    assert printed == [x for s in ctx["sasaran"] for x in
                       [f"Sasaran {s['no']}: {s['nama']}", *((str(i["no"]), i["indikator"]) for i in s["indikator"])]]


def test_the_pk_is_dated_with_its_signing_day_and_the_ra_with_its_own(period_tw2):
    """Not "Januari 2026" without a day, and not the quarterly report's date on an annual plan."""
    per = render.Period(2026, 2, dt.date(2026, 12, 2))
    who = period_tw2.official("PK-SEK")
    cfg = period_tw2.config
    assert cfg.instansi.tanggal_pk == dt.date(2026, 1, 5)
    pk = render.lampiran_pk_context(cfg, "PK-SEK", who, period_tw2, per)
    ra = render.lampiran_ra_context(cfg, "PK-SEK", who, period_tw2, per)
    assert pk["pihak_pertama"]["tempat_tanggal"] == "Sukamaju, 5 Januari 2026" == ra["ttd"]["tempat_tanggal"]
    own = _cfg(cfg, tanggal_ra=dt.date(2026, 1, 20))
    assert render.lampiran_ra_context(own, "PK-SEK", who, period_tw2, per)["ttd"]["tempat_tanggal"] == "Sukamaju, 20 Januari 2026"
    assert render.lampiran_pk_context(own, "PK-SEK", who, period_tw2, per)["pihak_pertama"]["tempat_tanggal"].endswith("5 Januari 2026")


def test_a_missing_or_foreign_pk_date_is_one_indonesian_error(period_tw2):
    from sakip.errors import ConfigError

    per = render.Period(2026, 2, dt.date(2026, 7, 6))
    who = period_tw2.official("PK-SEK")
    with pytest.raises(ConfigError, match=r"\[instansi\] tanggal_pk belum diisi.*tanggal_pk = \"2026-01-05\""):
        render.lampiran_pk_context(_cfg(period_tw2.config, tanggal_pk=None), "PK-SEK", who, period_tw2, per)
    with pytest.raises(ConfigError, match="bukan tanggal Perjanjian Kinerja Tahun 2026"):
        render.lampiran_ra_context(_cfg(period_tw2.config, tanggal_pk=dt.date(2025, 1, 6)), "PK-SEK", who, period_tw2, per)


@pytest.mark.parametrize("written", ['"2026-13-05"', '"5 Januari 2026"', "5"])
def test_an_invalid_pk_date_in_instansi_toml_names_the_key_and_line(tmp_path, written):
    from sakip.config import load
    from sakip.errors import ConfigError

    demo = (ROOT / "inputs/2026/instansi.toml").read_text(encoding="utf-8")
    path = tmp_path / "instansi.toml"
    path.write_text(re.sub(r'tanggal_pk = "[^"]*"', f"tanggal_pk = {written}", demo), encoding="utf-8")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), start=1) if text.startswith("tanggal_pk"))
    with pytest.raises(ConfigError, match=rf"baris {line}: instansi.tanggal_pk: bukan tanggal yang sah"):
        load(path)
    path.write_text(demo.replace('tanggal_pk = "2026-01-05"', "tanggal_pk = 2026-01-05"), encoding="utf-8")
    assert load(path).instansi.tanggal_pk == dt.date(2026, 1, 5)  # TOML's own date is read too


def test_documents_dated_before_the_quarter_ended_are_warned_about():
    warning = render.early_date_warning(2026, 4, dt.date(2026, 11, 20))
    assert warning and "20 November 2026" in warning and "Triwulan IV Tahun 2026 (31 Desember 2026)" in warning
    assert render.early_date_warning(2026, 4, dt.date(2026, 12, 31))
    assert render.early_date_warning(2026, 4, dt.date(2027, 1, 5)) is None
    assert render.early_date_warning(2026, 2, dt.date(2026, 7, 6)) is None


def test_a_bupati_signs_without_nip_or_pangkat_lines(tmp_path, period_tw2):
    """The Bupati (no NIP, no pangkat in instansi.toml) is Pihak Kedua of the Inspektur's PK."""
    per = render.Period(2026, 2, dt.date(2026, 7, 6))
    cfg = period_tw2.config
    ctx = render.lampiran_pk_context(cfg, "PK-INSP", period_tw2.official("PK-INSP"), period_tw2, per)
    assert ctx["pihak_kedua"]["nama"] == cfg.pejabat["bupati"].nama
    assert (ctx["pihak_kedua"]["nip"], ctx["pihak_kedua"]["pangkat"]) == ("", "")
    out = render.render_document(render.template_path(ROOT / "templates", "lampiran_pk"), ctx, tmp_path / "pk.docx")
    table = next(t for t in Document(out).tables if "PIHAK KEDUA," in t.rows[0].cells[0].text)
    second, first = ([p.text for p in c.paragraphs] for c in table.rows[0].cells)
    assert second[-1] == "H. BAMBANG SURYADI, S.E., M.M."  # the block ends with the name: no "-", no "NIP." line
    assert first[-3:] == ["Drs. HERU PRASETYO, M.Si.", "Pembina Utama Muda (IV/c)", "NIP. 19710412 199603 1 003"]


def test_the_bundle_index_names_who_initials_and_signs_each_package(period_tw2, capaian_tw2, verdicts_tw2):
    """The head reads names and whose signature is on, not the signing service's field names."""
    import sys

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_sample_contexts import CHECKED, bundle_sample

    ctx = bundle_sample(period_tw2, capaian_tw2, verdicts_tw2, render.Period(2026, 2, dt.date(2026, 7, 6)), CHECKED)
    rows = {r["pk"]: r["tanda_tangan"] for r in ctx["paket"]}
    assert rows["PK-INSP"] == ("Paraf: DEWI LESTARI, S.Kom., M.M.; Tanda tangan: Drs. HERU PRASETYO, M.Si., "
                               "H. BAMBANG SURYADI, S.E., M.M. (belum ditandatangani)")
    assert rows["PK-SEK"].endswith("(sudah 1 dari 6 kolom: NURUL HIDAYATI, S.E., M.Ak.)")
    assert not any(f in text for text in rows.values() for f in ("ttd_", "paraf_", "belum\n"))


def test_a_pk_holding_a_kegiatan_and_its_subkegiatan_totals_and_lists_them_by_the_hierarchy(tmp_path):
    """PK-PPE of the synthetic agency lists kegiatan 5.01.02.2.01 (900 M) and two of its
    subkegiatan (400 M, 350 M): the PK appendix and the quarterly
    report total 900 M (not 1.650 M) and print each child indented under its parent."""
    import sys

    from sakip.capaian import rules as capaian
    from sakip.ingest import workbooks as ingest

    sys.path.insert(0, str(ROOT / "scripts"))
    from make_demo_inputs import synthetic_agency

    synthetic_agency(tmp_path, 2026, [1])
    period = ingest.read_period(tmp_path, 2026, 1)
    owner = period.official("PK-PPE")
    per = render.Period(2026, 1, dt.date(2026, 4, 6))
    appendix = render.lampiran_pk_context(period.config_for("PK-PPE"), "PK-PPE", owner, period, per)
    assert appendix["anggaran_total"] == "900.000.000"
    assert [(r["kode"], r["program"].startswith("\u00a0")) for r in appendix["anggaran"]] == [
        ("5.01.02.2.01", False), ("5.01.02.2.01.0001", True), ("5.01.02.2.01.0002", True)]
    report = render.report_context(period.config_for("PK-PPE"), "PK-PPE", owner, capaian.compute(period)["PK-PPE"], per)
    assert report["anggaran_total"]["pagu"] == "900.000.000"
    assert [r["kode"] for r in report["anggaran"]] == ["5.01.02.2.01", "5.01.02.2.01.0001", "5.01.02.2.01.0002"]
    assert [r["program"].count("\u00a0") for r in report["anggaran"]] == [0, 3, 3]


def test_the_reports_chart_labels_each_bar_as_the_table_prints_its_capaian(period_tw2, capaian_tw2):
    """A bar's label is the table's capaian without " %" (97,35, not 97,3): a reader comparing the
    chart with the table finds the same figure."""
    from sakip.documents import charts

    per = render.Period(2026, 2, dt.date(2026, 7, 6))
    for key in ("PK-SEK", "PK-INSP"):
        ctx = render.report_context(period_tw2.config, key, period_tw2.official(key), capaian_tw2[key], per)
        rows = {i["kode"]: i for s in ctx["sasaran"] for i in s["indikator"]}
        shown = charts.drawing(ctx["grafik"], dpi=50).of("nilai")
        expected = [rows[k][col].removesuffix(" %") if rows[k][col].endswith(" %") else "-"
                    for col in ("capaian_tw", "capaian_sd") for k in ctx["grafik"].label]
        assert shown == expected
        assert any("," in s for s in shown)
