"""Issue 22: printed page numbers, signatures kept with their content, numbers and header words
never split. Checked on the converted PDFs by their extracted text (pdftotext)."""

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from sakip.pdf import package
from sakip.documents import reports
from sakip.documents import templates
from sakip.documents import render as r
from sakip.formatting import JAKARTA
from sakip.pdf.convert import Converter

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) tidak terpasang")

WIDEST = "999.999.999.999"


def page_texts(pdf: Path) -> list[str]:
    count = len(PdfReader(pdf).pages)
    return [subprocess.run(["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def packages(out: Path) -> list[Path]:
    found = sorted(out.glob("2026/TW2/PK-*/latest/paket_*.pdf"))
    assert len(found) >= 4
    return found


def printed_number(text: str) -> str | None:
    numbers = re.findall(r"^\s*Halaman (\S+)\s*$", text, flags=re.MULTILINE)
    return numbers[-1] if numbers else None


def test_every_page_but_the_cover_prints_its_pdf_label(run_tw2):
    _, out, _, _ = run_tw2
    for pdf in packages(out):
        labels = PdfReader(pdf).page_labels
        printed = [printed_number(t) for t in page_texts(pdf)]
        assert labels[0] == "Sampul" and printed[0] is None, pdf.name
        assert printed[1:] == labels[1:], pdf.name


def test_no_report_page_holds_only_the_signature_or_the_paraf_table(run_tw2):
    """The place/date line, the signature and 'Paraf pemeriksa' stand on one page with the end
    of the report (at least its last section heading or table rows above them)."""
    _, out, _, _ = run_tw2
    for pdf in packages(out):
        labels = PdfReader(pdf).page_labels
        report = [t for t, label in zip(page_texts(pdf), labels) if label.isdigit()]
        [last] = [t for t in report if "Paraf pemeriksa" in t]
        lines = [line.strip() for line in last.splitlines() if line.strip()]
        place = next(i for i, line in enumerate(lines) if re.search(r", \d{1,2} \w+ 20\d\d$", line))
        assert "NIP." in last and place < lines.index("Paraf pemeriksa:"), pdf.name
        assert place >= 2, f"{pdf.name}: halaman tanda tangan tanpa isi laporan di atasnya:\n{last}"


def render_pdf(name: str, change, tmp_path: Path) -> Path:
    tpl = ROOT / "templates" / name / "template.docx"
    ctx = templates.sample_context(tpl)
    change(ctx)
    docx = r.render_document(tpl, ctx, tmp_path / f"{name}.docx")
    [outcome] = Converter(slots=1).convert_batch([docx], tmp_path)
    assert outcome.pdf is not None, outcome.error
    return outcome.pdf


def widest_budget(rows: list[dict], keys: tuple[str, ...]) -> None:
    for row in rows:
        for key in keys:
            if key in row:
                row[key] = WIDEST


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
@pytest.mark.parametrize("name, lists, total", [
    ("laporan_triwulan", ["anggaran"], "anggaran_total"),
    ("lampiran_pk", ["anggaran"], None),
    ("lkjip", ["anggaran"], "anggaran_total"),
    ("lampiran_ra", [], None),
    ("rekap_instansi", [], None),  # no budget: a Rupiah indicator's target and realisasi
])
def test_the_widest_budget_and_header_words_print_on_one_line(name, lists, total, tmp_path):
    keys = ("pagu", "realisasi", "realisasi_tw", "realisasi_sd")

    def change(ctx):
        for key in lists:
            widest_budget(ctx[key], keys)
        if total and isinstance(ctx[total], dict):
            widest_budget([ctx[total]], keys)
        for s in ctx.get("sasaran", []) if name in ("laporan_triwulan", "rekap_instansi", "lampiran_ra") else []:
            # a Rupiah indicator (e.g. a revenue target) prints its values in the indicator columns
            widest_budget(s["indikator"], ("target_tahunan", "target_tw", "realisasi_tw", "realisasi_sd"))
            for row in s["indikator"] if name == "lampiran_ra" else []:  # the RA's quarters: hundreds of millions
                row.update({k: "999.999.999" for k in ("tw1", "tw2", "tw3", "tw4")})
        if name == "lkjip":
            widest_budget(ctx["perencanaan"]["anggaran"], keys)
            widest_budget([ctx["perencanaan"]["anggaran_total"]], keys)
            ctx["semua_pk"][-1]["status"] = "DIKEMBALIKAN"  # the Lampiran's longest status

    pdf = render_pdf(name, change, tmp_path)
    text = "\n".join(page_texts(pdf))
    assert WIDEST in text
    whole = re.sub(r"(?<![\d.])999(?:\.999){2,4}(?![\d.])", "", text)  # each value printed whole
    assert "999" not in whole, f"{name}: angka anggaran terpotong"  # a split leaves "999.999.99" and "9"
    # without -layout pdftotext prints a cell's lines one after another: a split word is "Predik\nat"
    cells = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for word in ("Realisasi", "Predikat", "No", "Dokumen", "Penanggung", "DIKEMBALIKAN"):
        for cut in range(1, len(word)):
            assert not re.search(rf"\b{word[:cut]}\n{word[cut:]}\b", cells), f"{name}: kata '{word}' terpotong"


TOC_ENTRY = re.compile(r"^\s*(\S.*?)\s*\.{3,}\s*([ivxlc]+|\d+)\s*$")
ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"]
CHAPTERS = ("KATA PENGANTAR", "RINGKASAN EKSEKUTIF", "BAB I PENDAHULUAN", "BAB II PERENCANAAN KINERJA",
            "BAB III AKUNTABILITAS KINERJA", "BAB IV PENUTUP", "A. Latar Belakang", "B. Realisasi Anggaran")


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def check_toc(texts: list[str], printed: list[str | None]) -> None:
    """Each Daftar Isi entry gives the number printed on the page where its heading stands."""
    firsts = [first_line(t) for t in texts]
    toc_pages = range(firsts.index("DAFTAR ISI"), firsts.index("BAB I PENDAHULUAN"))
    entries = [m.groups() for n in toc_pages for line in texts[n].splitlines() if (m := TOC_ENTRY.match(line))]
    titles = [title for title, _ in entries]
    for chapter in CHAPTERS:
        assert chapter in titles, titles
    assert "Daftar isi diisi" not in "".join(texts[n] for n in toc_pages)  # the placeholder was replaced
    for title, number in entries:
        where = [n for n, t in enumerate(texts) if n not in toc_pages
                 and any(line.strip() == title for line in t.splitlines())]
        assert where, f"judul '{title}' dari daftar isi tidak tercetak"
        assert printed[where[0]] == number, f"'{title}': daftar isi {number}, tercetak di halaman {printed[where[0]]}"


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
@pytest.mark.parametrize("long_summary", [False, True], ids=["sampel", "ringkasan_panjang"])
def test_lkjip_front_matter_table_of_contents_and_page_numbers(long_summary, tmp_path):
    """PermenPANRB 53/2014's order: cover (no number), Kata Pengantar, Ringkasan Eksekutif and
    Daftar Isi numbered i, ii, iii, the chapters from 1; each Daftar Isi entry gives the number
    printed on the page where its heading stands, and the PDF labels are the printed numbers.
    A Ringkasan Eksekutif of two pages moves the Daftar Isi to iv, not the chapters' numbers."""
    def change(ctx):
        if long_summary:
            ctx["ringkasan_eksekutif"] = ctx["ringkasan_eksekutif"] * 8

    pdf = render_pdf("lkjip", change, tmp_path)
    texts = page_texts(pdf)
    printed = [printed_number(t) for t in texts]
    firsts = [first_line(t) for t in texts]
    assert printed[0] is None and "LAPORAN KINERJA INSTANSI PEMERINTAH" in texts[0]
    order = [firsts.index(title) for title in ("KATA PENGANTAR", "RINGKASAN EKSEKUTIF", "DAFTAR ISI", "BAB I PENDAHULUAN")]
    assert order == sorted(order) and order[0] == 1, firsts
    body = order[3]
    assert printed[1:body] == ROMAN[:body - 1]
    assert printed[body:] == [str(n) for n in range(1, len(texts) - body + 1)]
    if long_summary:
        assert order[2] - order[1] >= 2, "ringkasan eksekutif tidak lebih dari satu halaman"
    # The foreword is closed by the head of agency, dated as the rest of the LKjIP.
    foreword = texts[order[0]]
    assert re.search(r"^\s*Sukamaju, \d{1,2} \w+ 20\d\d\s*$", foreword, re.M) and "NIP. 19710412 199603 1 003" in foreword
    check_toc(texts, printed)

    meta = package.Metadata("LKjIP", "penyusun", "subjek", "kata kunci", dt.datetime(2027, 2, 15, 9, tzinfo=JAKARTA))
    out = tmp_path / "LKjIP.pdf"
    package.assemble([package.Part("LKjIP", pdf, "Sampul", printed_labels=True)], meta, [reports.HEAD_FIELD], out)
    labels = PdfReader(out).page_labels
    assert labels[0] == "Sampul" and labels[1:] == printed[1:]


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_lkjip_table_of_contents_survives_the_template_saved_again_by_an_editor(tmp_path):
    """The Daftar Isi is an ordinary TOC field: a template saved again by a word processor
    (LibreOffice here, which rewrites the field in its own words) still gets its entries and
    page numbers at conversion."""
    profile = (tmp_path / "profil").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx:MS Word 2007 XML",
                    "--outdir", str(tmp_path / "disimpan"), str(ROOT / "templates" / "lkjip" / "template.docx")],
                   check=True, capture_output=True, timeout=180)
    saved = tmp_path / "disimpan" / "template.docx"
    ctx = templates.sample_context(ROOT / "templates" / "lkjip" / "template.docx")
    docx = r.render_document(saved, ctx, tmp_path / "lkjip.docx")
    [outcome] = Converter(slots=1).convert_batch([docx], tmp_path)
    assert outcome.pdf is not None, outcome.error
    texts = page_texts(outcome.pdf)
    check_toc(texts, [printed_number(t) for t in texts])
