"""A sasaran's label stays with its indicators across a page break.

The tables that group indicators by sasaran used to print the sasaran in a vertically merged
cell. When a group started at the bottom of a page, LibreOffice printed the merged cell's text on
the next page, beside the group's second row, so the first indicator read as part of the previous
sasaran (the rekap's row 18 under sasaran 5). The templates now print a label row per sasaran
("Sasaran 6: ...") that is kept with the next row.

Each case renders the template's sample context with k filler indicators added to the first
sasaran, for a range of k that moves a group boundary across a page break, and reads the PDF.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest

from sakip.documents import render as r
from sakip.documents import templates
from sakip.pdf.convert import Converter

from tests import doctruth as d
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                                reason="LibreOffice / poppler-utils tidak terpasang")

# template -> (the table's section: start and end, the k swept)
# The ranges hold the k for which the old merged-cell tables printed an indicator under the
# previous sasaran (rekap k=3 and 7, laporan k=12 and 13, lampiran PK k=56, with the sample
# contexts of this commit) and those for which a label row left without keep-with-next ends a
# page alone (rekap 10, laporan 15, PK 57, RA 24, LKjIP BAB II 57).
CASES = {
    "rekap_instansi": (r"C\.\s*Capaian per Indikator", r"D\.\s*Status", range(3, 11)),
    "laporan_triwulan": (r"A\.\s*Capaian Indikator", r"B\.\s*Realisasi Anggaran", range(10, 16)),
    "lampiran_pk": (r"LAMPIRAN PERJANJIAN KINERJA", r"Program/Kegiatan", range(52, 60)),
    "lampiran_ra": (r"RENCANA AKSI TAHUN", r"NIP\.", range(21, 27)),
    # the chapter's heading and first part, not its Daftar Isi entries (which end in leader dots)
    "lkjip": (r"BAB\s*II\s*PERENCANAAN\s*KINERJA\s*A\.\s*Perjanjian", r"B\.\s*Program dan Anggaran", range(55, 60)),
}
LABEL = re.compile(r"Sasaran\s*(\d+)\s*:")


def with_fillers(ctx: dict, k: int) -> dict:
    ctx = copy.deepcopy(ctx)
    first = ctx["sasaran"][0]["indikator"]
    first += [dict(first[0], indikator=f"Indikator pengisi nomor {j}", kode=f"IK-X{j}") for j in range(k)]
    for n, ind in enumerate((i for s in ctx["sasaran"] for i in s["indikator"]), start=1):
        ind["no"] = n
    return ctx


@pytest.fixture(scope="module")
def swept(tmp_path_factory) -> dict[str, list[tuple[int, Path, list[tuple[str, list[str]]]]]]:
    work = tmp_path_factory.mktemp("groups")
    jobs = []
    for name, (_, _, ks) in CASES.items():
        tpl = ROOT / "templates" / name / "template.docx"
        base = templates.sample_context(tpl)
        for k in ks:
            ctx = with_fillers(base, k)
            groups = [(s["nama"], [i["indikator"] for i in s["indikator"]]) for s in ctx["sasaran"]]
            jobs.append((name, k, r.render_document(tpl, ctx, work / f"{name}-k{k}.docx"), groups))
    outcomes = {o.source: o for o in Converter(slots=1).convert_batch([j[2] for j in jobs], work)}
    out: dict[str, list] = {name: [] for name in CASES}
    for name, k, docx, groups in jobs:
        assert outcomes[docx].pdf is not None, outcomes[docx].error
        out[name].append((k, outcomes[docx].pdf, groups))
    return out


def table_pages(pdf: Path, name: str) -> list[tuple[str, str]]:
    """The text of the table's section, page by page, with each page's label."""
    start, end, _ = CASES[name]
    table = d.whole(pdf, pdf.name).section(start, end, "tabel")
    return list(zip(table.labels, table.text.split(d.PAGE)))


def labels_without_rows(pages: list[tuple[str, str]], groups: list[tuple[str, list[str]]]) -> list[str]:
    """A 'Sasaran N:' label printed on a page with none of that sasaran's indicators after it."""
    problems = []
    for label, page in pages:
        for m in LABEL.finditer(page):
            n = int(m.group(1))
            rest = d.make_doc("x", [page[m.end():]], ["x"])
            if not any(rest.spans(ind) for ind in groups[n - 1][1]):
                problems.append(f"hal. {label}: label sasaran {n} tanpa indikatornya di halaman yang sama")
    return problems


@pytest.mark.parametrize("name", list(CASES))
def test_every_indicator_is_printed_under_its_own_sasaran_across_page_breaks(name, swept):
    start, end, _ = CASES[name]
    problems = []
    for k, pdf, groups in swept[name]:
        problems += d.sasaran_order(d.whole(pdf, f"k={k}").section(start, end, "tabel"), groups)
        problems += [f"k={k}, {p}" for p in labels_without_rows(table_pages(pdf, name), groups)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(CASES))
def test_the_sweep_puts_a_group_boundary_on_a_page_break(name, swept):
    """The range of k must make a page of the table start with a sasaran label other than the
    first: the break then fell between two groups, the case the old tables got wrong. If the
    layout changes so that no k in the range does, widen the range rather than pass quietly."""
    hits = []
    for k, pdf, groups in swept[name]:
        for label, page in table_pages(pdf, name)[1:]:
            first_label = LABEL.search(page)
            rows = d.make_doc("x", [page], ["x"])
            first_row = min((a for _, inds in groups for ind in inds for a, _ in rows.spans(ind)), default=None)
            if first_label and int(first_label.group(1)) > 1 and (first_row is None or first_label.start() < first_row):
                hits.append((k, label))
    assert hits, f"{name}: no k in {CASES[name][2]} puts a sasaran label at the top of a page"


@pytest.mark.parametrize("name", list(CASES))
def test_sasaran_label_row_is_kept_with_the_next_row_and_no_cell_is_merged_down(name):
    """Word honours the same properties LibreOffice does: keep-with-next on the label's
    paragraph and a row that cannot split; a vertically merged cell is what broke."""
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(ROOT / "templates" / name / "template.docx"))
    body = doc.element.body
    assert not re.search(r"\{%\s*vm\s*%\}", "".join(t.text or "" for t in body.iter(qn("w:t"))))
    labels = [tr for tr in body.iter(qn("w:tr")) if "Sasaran {{ s." in "".join(t.text or "" for t in tr.iter(qn("w:t")))]
    assert len(labels) == 1, "one sasaran label row"
    tr = labels[0]
    tbl = tr.getparent()
    columns = len(tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
    [tc] = tr.findall(qn("w:tc"))
    assert tc.tcPr.find(qn("w:gridSpan")).get(qn("w:val")) == str(columns)
    assert tr.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None
    assert all(p.find(qn("w:pPr")).find(qn("w:keepNext")) is not None for p in tc.iter(qn("w:p")))
    before = "".join(t.text or "" for t in tr.getprevious().iter(qn("w:t")))
    after = "".join(t.text or "" for t in tr.getnext().iter(qn("w:t")))
    assert before.startswith("{%tr for s in sasaran") and after.startswith("{%tr for ")
