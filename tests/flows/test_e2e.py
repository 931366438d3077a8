"""The whole path through the real stack: CLI -> Prefect flow -> GX -> docxtpl -> LibreOffice -> pypdf/pyHanko."""

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from sakip.pdf import manifest
from sakip.model import signature_marker

from tests.conftest import ROOT, tree_hash

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")


def test_run_succeeds_and_summarizes(run_tw2):
    proc, out, _, _ = run_tw2
    assert proc.returncode == 2, proc.stderr[-3000:]  # done, one PK returned (README, exit codes)
    assert "4 paket siap tanda tangan, 1 PK dikembalikan, 0 gagal" in proc.stdout
    assert (out / "2026/TW2/ringkasan.json").is_file()


def test_the_console_shows_sakip_lines_only_and_names_the_log(run_tw2):
    """Prefect's engine lines, its server's output and library warnings go to the run's log file."""
    proc, out, _, _ = run_tw2
    console = proc.stdout + proc.stderr
    for noise in ("Traceback", "Starting temporary server", "Stopping temporary server", "Task run", "Flow run",
                  "docs.prefect.io", "Error logging to API", "Finished in state", "Warning", "INFO", "ERROR"):
        assert noise not in console, noise
    said = " ".join(proc.stderr.split())  # sakip's lines, wrapped to the terminal's width
    assert said.startswith("sakip: memproses Triwulan II Tahun 2026;")
    # then the stages and the packages' progress, nothing else
    assert all(line.startswith(("sakip: ", "  ", "[")) for line in proc.stderr.splitlines()), proc.stderr
    assert "sakip: memeriksa (paraf)" in said and "sakip: menyusun dokumen dan paket" in said and "] 4/4 PK" in said
    summary = json.loads((out / "2026/TW2/ringkasan.json").read_text())
    log = Path(summary["log"])
    assert log.parent == out / "2026/TW2/log" and log.name in " ".join(proc.stdout.split()).replace(" ", "")
    text = log.read_text()
    assert "Finished in state" in text and "Sebagian dikembalikan" in text  # the flow's state, in the log
    assert summary["kode_keluar"] == 2


def _fits(text: str, columns: int = 80) -> list[str]:
    from rich.cells import cell_len

    lines = text.splitlines()
    assert lines and all(cell_len(line) <= columns for line in lines), [l for l in lines if cell_len(l) > columns]
    return lines


def _whole(word: str, lines: list[str]) -> bool:
    """`word` appears unbroken on one line (wrapped text puts a word on one line or the next)."""
    return any(word in line for line in lines)


def test_run_and_status_read_whole_at_80_columns(run_tw2):
    """What the operator reads in an ordinary 80-column terminal: no line wider, no word broken,
    quarters in Roman numerals, every PK with its verdict, capaian, revision and file, in
    Indonesian, and no line of Prefect's (README, "Exit codes and the run's log")."""
    proc, out, _, _ = run_tw2
    lines = _fits(proc.stdout + proc.stderr)
    summary = json.loads((out / "2026/TW2/ringkasan.json").read_text())
    assert "Ringkasan Triwulan II Tahun 2026" in lines and not any("Triwulan 2" in line for line in lines)
    for row in summary["pk"]:
        line = next(line for line in lines if line.split()[:2] == [row["pk"], row["status"]])
        assert " ".join(row["capaian"].split()) in " ".join(line.split()), (row["capaian"], line)
        for made in row["keluaran"]:
            assert _whole(Path(made).name, lines), made
            assert _whole(f"{row['pk']}:", lines)
    for word in ("paket siap tanda tangan,", "dikembalikan,", "gagal."):
        assert _whole(word, lines)

    status = subprocess.run([sys.executable, "-m", "sakip.cli", "status", "2026", "2", "--outputs", str(out)],
                            capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"}, timeout=120)
    assert status.returncode == 0, status.stderr
    lines = _fits(status.stdout + status.stderr)
    assert "Status Triwulan II Tahun 2026" in lines
    for row in summary["pk"]:
        assert any(line.split()[:2] == [row["pk"], row["status"]] for line in lines), row["pk"]
    for package in out.glob("2026/TW2/*/latest/paket_*.pdf"):
        assert _whole(package.name, lines)
    for noise in ("Task run", "Flow run", "docs.prefect.io", "Finished in state", "INFO", "Traceback"):
        assert noise not in status.stdout + status.stderr


def test_inputs_are_never_written(run_tw2):
    _, _, inputs, before = run_tw2
    assert tree_hash(inputs) == before


def package(out, pk):
    return out / "2026" / "TW2" / pk / "latest" / f"paket_{pk}_2026_TW2.pdf"


def test_package_content(run_tw2):
    _, out, _, _ = run_tw2
    reader = PdfReader(package(out, "PK-SEK"))
    # cover, report, PK (statement and appendix) and RA numbered on as appendices, Lembar Paraf
    labels = reader.page_labels
    assert labels[0] == "Sampul" and labels[-1] == "P-1"
    report = [x for x in labels if x.isdigit()]
    assert report == [str(n) for n in range(1, len(report) + 1)] and len(report) >= 2
    # the RA numbers its own pages (RA-1): each appendix prints its label in its footer (issue 22)
    assert [x for x in labels if x.startswith(("L-", "RA-"))] == ["L-1", "L-2", "RA-1"]
    assert [o.title for o in reader.outline if not isinstance(o, list)] == ["Sampul", "Laporan Capaian Kinerja", "Lampiran Perjanjian Kinerja",
                                                 "Lampiran Rencana Aksi", "Lembar Paraf"]
    report_start = labels.index("1")
    sasaran = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline[2]]
    assert [t for t, _ in sasaran] == ["Meningkatnya kualitas perencanaan, penganggaran dan pelaporan kinerja Inspektorat",
                                       "Meningkatnya kualitas pelayanan administrasi umum dan kepegawaian"]
    for title, page in sasaran:  # each sasaran bookmark opens a report page that prints it
        assert labels[page].isdigit() and page >= report_start
        assert " ".join(title.split()) in " ".join(reader.pages[page].extract_text().split())
    meta = reader.metadata
    assert meta.title == "Laporan Capaian Kinerja Triwulan II Tahun 2026 - PK-SEK"
    assert meta.author == "Inspektorat Daerah Kabupaten Sukamaju"
    assert (meta["/SakipPK"], meta["/SakipPeriode"], meta["/SakipRevisi"]) == ("PK-SEK", "Triwulan II Tahun 2026", "1")
    assert meta["/CreationDate"].endswith("+07'00'")  # Asia/Jakarta
    # The validated data rides along: the PK's indicators, realisasi and computed capaian.
    [(name, [data])] = reader.attachments.items()
    assert name == "data_tervalidasi_PK-SEK_2026_TW2.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["PK", "Indikator", "Anggaran", "Realisasi", "Realisasi Anggaran", "Capaian"]
    capaian = {r[0]: r for r in book["Capaian"].iter_rows(min_row=2, values_only=True)}
    assert len(capaian) == len(list(book["Indikator"].iter_rows(min_row=2))) >= 3
    assert any(r[6] == "87,50 %" for r in capaian.values())
    sources = [r[-1] for r in book["Realisasi"].iter_rows(min_row=2, values_only=True)]
    assert all("realisasi/tw" in s and "sel " in s.lower() for s in sources), sources[:2]
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in ("LAPORAN CAPAIAN KINERJA TRIWULAN II TAHUN 2026", "Jumlah dokumen laporan kinerja yang disusun",
                     "87,50 %", "93,75", "93,33 %", "46,05 %", "1.845.000.000", "Sukamaju, 6 Juli 2026",
                     "NURUL HIDAYATI, S.E., M.Ak.", "NIP. 19780823 200312 2 005", "Pembina Tingkat I (IV/b)", "LEMBAR PARAF",
                     "PERJANJIAN KINERJA TAHUN 2026", "PIHAK KEDUA", "Drs. HERU PRASETYO, M.Si.", "RENCANA AKSI TAHUN 2026",
                     "Penyusunan jadwal dan pemantauan penyampaian dokumen", "Paraf pemeriksa"):
        assert expected in text, expected


def test_signature_fields_are_empty_and_on_the_signature_blocks(run_tw2):
    _, out, _, _ = run_tw2
    path = package(out, "PK-SEK")
    reader = PdfReader(path)
    fields = reader.get_fields()
    assert set(fields) == {"ttd_pejabat", "paraf_pemeriksa", "paraf_laporan", "ttd_pk_pihak_pertama", "ttd_pk_pihak_kedua", "ttd_ra"}
    assert all(f.get("/FT") == "/Sig" and f.get("/V") is None for f in fields.values())
    labels = reader.page_labels
    for name, signer, label in (("ttd_pejabat", "NURUL HIDAYATI, S.E., M.Ak.", None),
                                ("paraf_pemeriksa", "DEWI LESTARI, S.Kom., M.M.", "P-1"),
                                ("ttd_pk_pihak_pertama", "NURUL HIDAYATI, S.E., M.Ak.", "L-1"),
                                ("ttd_pk_pihak_kedua", "Drs. HERU PRASETYO, M.Si.", "L-1"),
                                ("ttd_ra", "NURUL HIDAYATI, S.E., M.Ak.", "RA-1")):
        page_index, rect = next((i, [float(v) for v in a.get_object()["/Rect"]])
                                for i, p in enumerate(reader.pages) for a in p.get("/Annots", [])
                                if a.get_object().get("/T") == name)
        found = []
        reader.pages[page_index].extract_text(visitor_text=lambda t, cm, tm, f, s: found.append((t, tm[5] * cm[3] + cm[5])) if signer in t else None)
        assert found, f"{signer} not on the page of {name}"
        assert label is None or labels[page_index] == label, (name, labels[page_index])
        name_y = found[-1][1]  # the signature block's name, below any mention in the text
        assert rect[2] - rect[0] > 100 and rect[3] - rect[1] > 25  # visible, room to sign
        assert rect[1] > name_y and rect[1] - name_y < 30  # just above the printed name
        # The template's invisible marker placed the field and is gone from the page's text.
        assert signature_marker(name) not in reader.pages[page_index].extract_text()
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "SAKIPMARK" not in text and "NURUL HIDAYATI, S.E., M.Ak." in text
    check = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    assert "ttd_pejabat" in check.stdout and "not signed" in check.stdout
    if shutil.which("qpdf"):
        assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0


def _page_text(path, label: str) -> str:
    reader = PdfReader(path)
    index = reader.page_labels.index(label)
    return subprocess.run(["pdftotext", "-f", str(index + 1), "-l", str(index + 1), str(path), "-"],
                          capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("pk", ["PK-SEK", "PK-INSP"])
def test_appendices_print_every_sasaran_and_their_own_dates(run_tw2, pk):
    """Issue 21: the PK appendix (L-2) and the RA (RA-1) print each sasaran of the PK (a merge over the
    whole column dropped all but the first); the PK is dated with its signing day, the RA with its
    own date (the PK's here), not the report's 6 Juli 2026."""
    _, out, inputs, _ = run_tw2
    book = openpyxl.load_workbook(inputs / "2026/pk" / f"{pk}.xlsx", read_only=True)
    sasaran = list(dict.fromkeys(r[2] for r in book["PK"].iter_rows(values_only=True) if str(r[1] or "").startswith("IK-")))
    assert len(sasaran) == 2
    path = package(out, pk)
    for label in ("L-2", "RA-1"):
        flat = " ".join(_page_text(path, label).split())
        for n, name in enumerate(sasaran, start=1):
            assert f"Sasaran {n}: {name}" in flat, (label, name)
    assert "Sukamaju, 5 Januari 2026" in _page_text(path, "L-1")
    assert "Sukamaju, 5 Januari 2026" in _page_text(path, "RA-1") and "6 Juli 2026" not in _page_text(path, "RA-1")


def test_returned_pk_gets_corrections_and_no_package(run_tw2):
    _, out, _, _ = run_tw2
    folder = out / "2026/TW2/PK-IRBAN3"
    assert not package(out, "PK-IRBAN3").exists()
    wb = openpyxl.load_workbook(folder / "KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx")
    cells = {(r[3], r[4]) for r in wb["Koreksi"].iter_rows(min_row=3, values_only=True)}
    assert {("Realisasi", "I5"), ("Realisasi", "I7")} <= cells


def test_other_packages_exist(run_tw2):
    _, out, _, _ = run_tw2
    for pk in ("PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-SEK"):
        assert package(out, pk).is_file()


def test_paraf_records_and_validation_page(run_tw2):
    import json

    proc, out, _, _ = run_tw2
    period = out / "2026/TW2"
    assert f"Laporanpemeriksaan(paraf):{period / 'validasi.html'}" in "".join(proc.stdout.split())
    for pk, status in (("PK-SEK", "PARAF"), ("PK-IRBAN3", "DIKEMBALIKAN")):
        record = json.loads((period / pk / "paraf.json").read_text())
        assert record["status"] == status and len(record["suite"]) == 5
    html = (period / "validasi.html").read_text()
    assert 'href="PK-IRBAN3/KOREKSI_realisasi_tw2_PK-IRBAN3.xlsx"' in html
    # The Lembar Paraf page of a package says what was checked in the officials' words; the
    # suite files and their hashes are in paraf.json (and validasi.html) for auditors.
    text = "".join(p.extract_text() for p in PdfReader(package(out, "PK-SEK")).pages)
    sha = json.loads((period / "PK-SEK/paraf.json").read_text())["suite"][0]["sha256"][:12]
    # Every rule of the record (the GX expectations and the paraf wing's own rules) is counted.
    rules = json.loads((period / "PK-SEK/paraf.json").read_text())["ringkasan"]["aturan"]
    assert rules > 42 + 9 and "LEMBAR PARAF" in text and f"{rules} aturan pemeriksaan" in text
    assert sha not in text and "pejabat.json" not in text and sha in html
    # The revision keeps the record of the check its data passed, beside the package it vouches for.
    frozen = json.loads((package(out, "PK-SEK").parent / "paraf.json").read_text())
    assert frozen == json.loads((period / "PK-SEK/paraf.json").read_text())  # one run: the same check
    assert frozen["status"] == "PARAF" and not (period / "PK-IRBAN3" / "latest").exists()


def test_agency_recap_lists_every_pk_and_the_returned_one(run_tw2):
    _, out, _, _ = run_tw2
    path = out / "2026" / "TW2" / "_instansi" / "rev-01" / "rekap_instansi_2026_TW2.pdf"
    assert (out / "2026/TW2/_instansi/latest").resolve() == path.parent.resolve()
    assert manifest.verify(path).ok  # the recap has its manifest, like a package
    reader = PdfReader(path)
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in ("REKAPITULASI CAPAIAN KINERJA TRIWULAN II TAHUN 2026", "5 Perjanjian Kinerja, 4 telah diparaf dan 1 dikembalikan",
                     "Sebaran Predikat", "PK-IRBAN3", "DIKEMBALIKAN", "Inspektur Daerah Kabupaten Sukamaju", "Drs. HERU PRASETYO, M.Si."):
        assert expected in text, expected
    assert set(reader.get_fields()) == {"ttd_kepala"}
    summary = json.loads((out / "2026" / "TW2" / "ringkasan.json").read_text(encoding="utf-8"))
    assert summary["dokumen_instansi"]["rekap_instansi"] == str(path)


def test_agency_bundle_holds_every_package_behind_an_index(run_tw2):
    _, out, _, _ = run_tw2
    period = out / "2026/TW2"
    bundle = PdfReader(period / "bundel_paket_2026_TW2.pdf")
    pks = ["PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-SEK"]
    sizes = [len(PdfReader(package(out, pk)).pages) for pk in pks]
    top = [(o.title, bundle.get_destination_page_number(o)) for o in bundle.outline if not isinstance(o, list)]
    assert top[0] == ("Daftar Paket", 0) and [t.split(" - ")[0] for t, _ in top[1:]] == pks
    index_pages = top[1][1]
    assert len(bundle.pages) == index_pages + sum(sizes)
    index = " ".join(" ".join(p.extract_text().split()) for p in bundle.pages[:index_pages])
    start = index_pages + 1
    for pk, size, (_, first) in zip(pks, sizes, top[1:]):
        assert first == start - 1  # the bookmark opens the package's cover
        assert f"{pk} " in index and f"{start}–{start + size - 1}" in index  # the index prints its pages
        # the package's own first page is the bundle's page at that place
        assert bundle.pages[first].extract_text().split()[:6] == PdfReader(package(out, pk)).pages[0].extract_text().split()[:6]
        start += size
    assert "PK-IRBAN3" in index and "DIKEMBALIKAN" in index  # the returned PK is listed as left out
    assert not bundle.get_fields() and not any(p.get("/Annots") for p in bundle.pages)  # nothing to sign here
    summary = json.loads((period / "ringkasan.json").read_text())
    assert summary["dokumen_instansi"]["bundel_paket"] == str(period / "bundel_paket_2026_TW2.pdf")


def test_make_demo_lists_every_kind_of_output(run_tw2):
    """The `find` lines `make demo` prints with, run on a real run's outputs: each lists something
    (a package behind the `latest` link was once silently missed)."""
    _, out, _, _ = run_tw2
    lines = [line.strip().lstrip("@") for line in (ROOT / "Makefile").read_text().splitlines()
             if line.strip().startswith("@find outputs") or line.strip().startswith("@find -L outputs")]
    assert len(lines) == 6  # packages, corrections, bundles, recaps, status pages, validation pages
    for line in lines:
        listed = subprocess.run(["bash", "-c", line], cwd=out.parent, capture_output=True, text=True).stdout.split()
        assert listed, line
    packages = subprocess.run(["bash", "-c", lines[0]], cwd=out.parent, capture_output=True, text=True).stdout.split()
    assert len(packages) == 4 and all("/latest/paket_" in p for p in packages)


def test_quiet_mode_prints_only_the_final_line_for_cron(tree):
    """`sakip -q run` (cron): one line on stdout with the counts, the summary and the exit code,
    nothing on stderr, the same exit code."""
    r = subprocess.run([sys.executable, "-m", "sakip.cli", "-q", "run", "2026", "2", "--inputs", str(tree / "inputs"),
                        "--outputs", str(tree / "outputs"), "--templates", str(ROOT / "templates"),
                        "--expectations", str(ROOT / "expectations"), "--tanggal", "2026-07-06"],
                       capture_output=True, text=True, cwd=tree, timeout=400)
    assert r.returncode == 2 and r.stderr == "", r.stderr[-2000:]
    assert r.stdout.splitlines() == [
        f"sakip Triwulan II 2026: 4 paket siap tanda tangan, 1 PK dikembalikan, 0 gagal. Ringkasan: "
        f"{tree / 'outputs/2026/TW2/ringkasan.json'} (kode keluar 2)"]
