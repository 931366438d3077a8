"""`sakip verify` against hostile or clumsy edits of a real package, its manifest and its
revision's folder: each edit is a finding in Indonesian and a failed verification (exit 1),
never a traceback; an output the manifest lists is read only inside the package's folder."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.annotations import FreeText

from sakip.pdf import manifest
from sakip.pdf import sign

from tests.conftest import SAKIP
from tests.pki import DEWI, NIP, NURUL, PKI



def paket(tree: Path, pk: str = "PK-SEK") -> Path:
    return tree / "outputs/2026/TW2" / pk / "rev-01" / f"paket_{pk}_2026_TW2.pdf"


def cli(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*SAKIP, *args], capture_output=True, text=True, timeout=timeout)


def edit_manifest(package: Path, change: Callable[[dict], object]) -> None:
    path = manifest.manifest_path(package)
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def only_problem(result: manifest.Verification, *expected: str) -> str:
    """The one finding (a manifest refused is refused whole: nothing else is judged by it)."""
    assert not result.ok
    assert len(result.problems) == 1, result.problems
    for text in expected:
        assert text in result.problems[0], result.problems
    assert "\n" not in result.problems[0]
    return result.problems[0]


def record_problem(result: manifest.Verification, *expected: str) -> None:
    """data.json is both an output the manifest hashes and a record whose fields are checked:
    a damaged one is reported twice, once as each."""
    assert not result.ok and len(result.problems) == 2, result.problems
    hashed, record = result.problems
    assert hashed.startswith("keluaran data.json: "), result.problems
    for text in expected:
        assert text in record, result.problems


def annotate(package: Path, text: str = "CAPAIAN 150%") -> None:
    """An incremental update after the fact: a visible annotation on the report's first page."""
    writer = PdfWriter(package, incremental=True)
    writer.add_annotation(page_number=1, annotation=FreeText(text=text, rect=(50, 550, 300, 650)))
    with package.open("wb") as fh:
        writer.write(fh)


def made_before_signers_were_recorded(package: Path) -> None:
    """The package and manifest as sakip made them before it recorded who is printed at each
    field: neither the manifest's penanda_tangan nor the package's /SakipPenandaTangan."""
    writer = PdfWriter(clone_from=package)
    del writer._info.get_object()[manifest.PRINTED_KEY]
    with package.open("wb") as fh:
        writer.write(fh)
    edit_manifest(package, lambda m: (m["paket"].pop("penanda_tangan"),
                                      m["paket"].update(sha256=manifest.sha256(package), ukuran=package.stat().st_size)))


def sign_directly(package: Path, p12: Path, field: str, reason: str | None = None) -> None:
    """Sign with pyHanko itself, as another tool would: no check of what is signed or by whom."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=b"x")
    writer = IncrementalPdfFileWriter(io.BytesIO(package.read_bytes()), strict=False)
    out = io.BytesIO()
    signers.PdfSigner(signers.PdfSignatureMetadata(field_name=field, subfilter=fields.SigSeedSubFilter.PADES,
                                                   reason=reason),
                      signer=signer).sign_pdf(writer, output=out)
    package.write_bytes(out.getvalue())


def test_the_demo_package_and_recap_verify(tree):
    for document in (paket(tree), tree / "outputs/2026/TW2/PK-SEK/latest/paket_PK-SEK_2026_TW2.pdf",
                     tree / "outputs/2026/TW2/_instansi/rev-01/rekap_instansi_2026_TW2.pdf"):
        result = manifest.verify(document)
        assert result.ok, (document, result.problems)
        assert result.checked > 10 and result.revision == 1
    # From inside the revision's folder, by its bare name.
    inside = subprocess.run([*SAKIP, "verify", paket(tree).name], capture_output=True, text=True, cwd=paket(tree).parent)
    assert inside.returncode == 0 and "Hasil: sesuai manifest." in inside.stdout, inside.stdout


# --- the manifest's shape: every key, its type, nothing else ---------------------------------

SHAPE = [
    ("ukuran-teks", lambda d: d["paket"].update(ukuran=str(d["paket"]["ukuran"])),
     "kunci 'paket.ukuran' harus bilangan bulat, tertulis \""),
    ("ukuran-pecahan", lambda d: d["paket"].update(ukuran=d["paket"]["ukuran"] + 0.5), "kunci 'paket.ukuran' harus bilangan bulat"),
    ("ukuran-negatif", lambda d: d["paket"].update(ukuran=-1), "kunci 'paket.ukuran'"),
    ("ukuran-boolean", lambda d: d["paket"].update(ukuran=True), "kunci 'paket.ukuran' harus bilangan bulat, tertulis true"),
    ("ukuran-null", lambda d: d["paket"].update(ukuran=None), "kunci 'paket.ukuran'"),
    ("sha256-hilang", lambda d: d["paket"].pop("sha256"), "kunci 'paket.sha256' tidak ada"),
    ("paket-hilang", lambda d: d.pop("paket"), "kunci 'paket' tidak ada"),
    ("berkas-hilang", lambda d: d.pop("berkas"), "kunci 'berkas' tidak ada"),
    ("kunci-asing", lambda d: d.update(catatan="disetujui"), "kunci 'catatan' tidak dikenal"),
    ("kunci-asing-entri", lambda d: d["berkas"][2].update(disetujui=True), "kunci 'berkas[2].disetujui' tidak dikenal"),
    ("berkas-objek", lambda d: d.update(berkas={}), "kunci 'berkas' harus daftar"),
    ("entri-teks", lambda d: d["berkas"].__setitem__(0, "PK-SEK.xlsx"), "kunci 'berkas[0]' harus objek"),
    ("revisi-nol", lambda d: d["paket"].update(revisi=0), "kunci 'paket.revisi' paling kecil 1"),
    ("revisi-teks", lambda d: d["paket"].update(revisi="1"), "kunci 'paket.revisi' harus bilangan bulat"),
    ("triwulan-5", lambda d: d["paket"].update(triwulan=5), "kunci 'paket.triwulan' paling besar 4"),
    ("tahun-teks", lambda d: d["paket"].update(tahun="2026"), "kunci 'paket.tahun' harus bilangan bulat"),
    ("format-2", lambda d: d.update(format=2), "kunci 'format' harus 1"),
    ("jenis-asing", lambda d: d["berkas"][0].update(jenis="lampiran"), "kunci 'berkas[0].jenis' harus 'masukan'"),
    ("sha256-pendek", lambda d: d["berkas"][1].update(sha256="abc123"), "kunci 'berkas[1].sha256': 'abc123' bukan SHA-256"),
    ("sha256-besar", lambda d: d["paket"].update(sha256=d["paket"]["sha256"].upper()), "kunci 'paket.sha256'"),
    ("dibuat-bukan-waktu", lambda d: d["paket"].update(dibuat="kemarin sore"), "kunci 'paket.dibuat': 'kemarin sore' bukan waktu"),
    ("dibuat-tanpa-zona", lambda d: d["paket"].update(dibuat="2026-07-06T10:00:00"), "tanpa zona waktu"),
    ("kolom-kosong", lambda d: d["paket"].update(kolom_tanda_tangan=[]), "kunci 'paket.kolom_tanda_tangan' kosong"),
    ("kolom-ganda", lambda d: d["paket"]["kolom_tanda_tangan"].append("ttd_pejabat"), "nama yang sama dua kali"),
    ("penanda-tangan-kolom-asing", lambda d: d["paket"]["penanda_tangan"].update(ttd_bupati=d["paket"]["penanda_tangan"]["ttd_pejabat"]),
     "penanda_tangan menyebut kolom yang tidak ada di kolom_tanda_tangan: ttd_bupati"),
    ("pk-kosong", lambda d: d["paket"].update(pk=""), "kunci 'paket.pk' kosong"),
    ("kunci-null", lambda d: d["kunci"].update(data=None), "kunci 'kunci.data' harus teks"),
    ("run-id-angka", lambda d: d.update(run_id=7), "kunci 'run_id' harus teks"),
    ("keluaran-traversal", lambda d: d["berkas"][-1].update(berkas="../../etc/passwd"), "'../../etc/passwd' keluar dari folder paket"),
    ("keluaran-traversal-tengah", lambda d: d["berkas"][-1].update(berkas="dokumen/../../../PK-INSP/rev-01/paraf.json"),
     "keluar dari folder paket"),
    ("jalur-mutlak", lambda d: d["berkas"][0].update(berkas="/etc/passwd"), "jalur mutlak '/etc/passwd' tidak diterima"),
    ("jalur-mutlak-keluaran", lambda d: d["berkas"][-1].update(berkas="/etc/shadow"), "jalur mutlak"),
    ("jalur-windows", lambda d: d["berkas"][0].update(berkas="..\\..\\inputs\\PK-SEK.xlsx"), "karakter yang tidak ditulis sakip"),
    ("jalur-nul", lambda d: d["berkas"][0].update(berkas="PK-SEK.xlsx\u0000.pdf"), "<U+0000>"),
    ("paket-di-folder-lain", lambda d: d["paket"].update(berkas="../../PK-INSP/rev-01/paket_PK-INSP_2026_TW2.pdf"),
     "kunci 'paket.berkas'"),
    ("template-bukan-docx", lambda d: next(e for e in d["berkas"] if e["jenis"] == "template").update(berkas="../x.sh"),
     "bukan berkas .docx"),
]


@pytest.mark.parametrize("change, expected", [c[1:] for c in SHAPE], ids=[c[0] for c in SHAPE])
def test_manifest_shape_is_checked_key_by_key(tree, change, expected):
    package = paket(tree)
    edit_manifest(package, change)
    only_problem(manifest.verify(package), "manifest tidak sah", expected)
    assert manifest.previous_revision(package) is None  # a rerun takes it as no manifest: a new revision
    assert manifest.matches_manifest(package) is None


RAW = [
    ("json-terpotong", lambda raw: raw[:200], "bukan JSON yang sah (rusak di baris"),
    ("kosong", lambda raw: b"", "bukan JSON yang sah"),
    ("daftar", lambda raw: b"[]", "isi manifest harus objek"),
    ("kunci-ganda", lambda raw: raw.replace(b'"format": 1,', b'"format": 1, "format": 1,', 1), "kunci 'format' tertulis dua kali"),
    ("nan", lambda raw: raw.replace(b'"revisi": 1', b'"revisi": NaN', 1), "nilai NaN tidak diizinkan"),
    ("infinity", lambda raw: raw.replace(b'"revisi": 1', b'"revisi": Infinity', 1), "nilai Infinity tidak diizinkan"),
    ("bersarang", lambda raw: b"[" * 200_000 + b"]" * 200_000, "bersarang terlalu dalam"),
    ("bukan-utf8", lambda raw: raw.replace(b'"PK-SEK"', b'"PK-SEK\xff"', 1), "bukan teks UTF-8"),
    ("utf16", lambda raw: raw.decode().encode("utf-16"), "bukan teks UTF-8"),
    ("raksasa", lambda raw: raw + b" " * (manifest.MAX_RECORD_BYTES + 10), "bukan berkas yang ditulis sakip"),
]


@pytest.mark.parametrize("change, expected", [c[1:] for c in RAW], ids=[c[0] for c in RAW])
def test_a_manifest_that_is_not_json_is_one_finding(tree, change, expected):
    package = paket(tree)
    path = manifest.manifest_path(package)
    path.write_bytes(change(path.read_bytes()))
    only_problem(manifest.verify(package), expected)


def test_a_manifest_saved_with_a_bom_still_reads(tree):
    package = paket(tree)
    path = manifest.manifest_path(package)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert manifest.verify(package).ok


def test_cli_says_each_edit_in_indonesian_without_traceback(tree):
    """The CLI over the four kinds of manifest edit the issue met (size as text, key missing,
    broken JSON, another PK's data): exit 1, the finding on stdout, nothing on stderr."""
    edits = {
        "PK-SEK": lambda p: edit_manifest(p, lambda d: d["paket"].update(ukuran=str(d["paket"]["ukuran"]))),
        "PK-INSP": lambda p: edit_manifest(p, lambda d: d["paket"].pop("revisi")),
        "PK-IRBAN1": lambda p: manifest.manifest_path(p).write_text("{\"format\": 1, \"paket\": {"),
        "PK-IRBAN2": lambda p: shutil.copy(paket(tree, "PK-SEK").parent / "data.json", p.parent / "data.json"),
    }
    expected = {"PK-SEK": "kunci 'paket.ukuran' harus bilangan bulat", "PK-INSP": "kunci 'paket.revisi' tidak ada",
                "PK-IRBAN1": "bukan JSON yang sah", "PK-IRBAN2": "data.json: pk \"PK-SEK\" tidak sama dengan manifest"}
    for pk, change in edits.items():
        change(paket(tree, pk))
        proc = cli("verify", str(paket(tree, pk)))
        assert proc.returncode == 1, (pk, proc.stdout, proc.stderr)
        assert "MASALAH: " in proc.stdout and expected[pk] in proc.stdout, (pk, proc.stdout)
        assert "Traceback" not in proc.stdout + proc.stderr and proc.stderr == "", (pk, proc.stderr)
        shown = json.loads(cli("verify", str(paket(tree, pk)), "--json").stdout)
        assert shown["ok"] is False and any(expected[pk] in m for m in shown["masalah"])


# --- what the manifest claims, against the folder, the package and the records --------------


CLAIMS = [
    ("pk-lain", lambda d: d["paket"].update(pk="PK-INSP"),
     ["PK 'PK-SEK' (manifest: PK-INSP)", "/SakipPK 'PK-SEK' tidak sama", "data.json: pk \"PK-SEK\"",
      "nama paket tidak sesuai manifest"]),
    ("revisi-lain", lambda d: d["paket"].update(revisi=2),
     ["revisi 'rev-01' (manifest: rev-02)", "/SakipRevisi '1'", "data.json: revisi 1", "perubahan.json: revisi 1"]),
    ("triwulan-lain", lambda d: d["paket"].update(triwulan=1),
     ["triwulan 'TW2' (manifest: TW1)", "/SakipPeriode", "paraf.json: triwulan 2"]),
    ("tahun-lain", lambda d: d["paket"].update(tahun=2025), ["tahun '2026' (manifest: 2025)", "paraf.json: tahun 2026"]),
    ("run-id-lain", lambda d: d.update(run_id="0" * 32), ["/SakipRunId"]),
    ("waktu-lain", lambda d: d["paket"].update(dibuat="2026-07-01T08:00:00+07:00"), ["waktu pembuatan paket"]),
    ("kolom-kurang", lambda d: (d["paket"]["kolom_tanda_tangan"].remove("ttd_ra"), d["paket"]["penanda_tangan"].pop("ttd_ra")),
     ["kolom tanda tangan paket"]),
    ("kolom-asing", lambda d: d["paket"]["kolom_tanda_tangan"].append("ttd_bupati"), ["kolom tanda tangan paket"]),
    ("hash-berkas-lain", lambda d: d["paket"].update(sha256=d["berkas"][0]["sha256"]), ["isi paket berbeda"]),
    ("ukuran-lebih", lambda d: d["paket"].update(ukuran=d["paket"]["ukuran"] + 10), ["lebih pendek"]),
    ("ukuran-kurang", lambda d: d["paket"].update(ukuran=d["paket"]["ukuran"] - 10), ["isi paket berbeda"]),
    ("masukan-hash-lain", lambda d: d["berkas"][1].update(sha256=d["berkas"][2]["sha256"]), ["masukan", "berubah sejak paket dibuat"]),
    ("masukan-ukuran-lain", lambda d: d["berkas"][1].update(ukuran=d["berkas"][1]["ukuran"] + 1), ["berubah sejak paket dibuat"]),
    ("keluaran-hilang", lambda d: d["berkas"][-1].update(berkas="dokumen/tidak_ada.docx"), ["keluaran dokumen/tidak_ada.docx: tidak ditemukan"]),
    ("entri-paraf-dihapus", lambda d: d.update(berkas=[e for e in d["berkas"] if e["berkas"] != "paraf.json"]),
     ["tidak mencatat keluaran paraf.json", "paraf.json"]),
    ("masukan-dihapus", lambda d: d.update(berkas=[e for e in d["berkas"] if e["jenis"] != "masukan"]), ["tidak mencatat masukan"]),
    ("paket-nama-lain", lambda d: d["paket"].update(berkas="paket_PK-INSP_2026_TW2.pdf"), ["manifest ini mencatat paket"]),
]


@pytest.mark.parametrize("change, expected", [c[1:] for c in CLAIMS], ids=[c[0] for c in CLAIMS])
def test_what_the_manifest_claims_is_checked_against_folder_package_and_records(tree, change, expected):
    package = paket(tree)
    edit_manifest(package, change)
    result = manifest.verify(package)
    assert not result.ok
    for text in expected:
        assert any(text in p for p in result.problems), (text, result.problems)


def test_another_pks_records_in_the_folder(tree):
    package, other = paket(tree), paket(tree, "PK-INSP").parent
    own = (package.parent / "data.json").read_bytes()
    shutil.copy(other / "data.json", package.parent / "data.json")
    record_problem(manifest.verify(package), "data.json: pk \"PK-INSP\" tidak sama dengan manifest (\"PK-SEK\")", "milik paket lain")
    (package.parent / "data.json").write_bytes(own)
    shutil.copy(other / "paraf.json", package.parent / "paraf.json")
    problems = manifest.verify(package).problems
    assert problems == ["keluaran paraf.json: berubah sejak paket dibuat",
                        "paraf.json: pk \"PK-INSP\" tidak sama dengan manifest (\"PK-SEK\"); berkas ini milik paket lain"]


@pytest.mark.parametrize("record, change, expected", [
    ("data.json", lambda d: d.update(revisi=2), "data.json: revisi 2 tidak sama dengan manifest (1)"),
    ("data.json", lambda d: d.pop("pk"), "data.json: pk null tidak sama"),
    ("perubahan.json", lambda d: d.update(revisi=3), "perubahan.json: revisi 3"),
    ("perubahan.json", lambda d: d.update(menggantikan="rev-05"), "perubahan.json: 'menggantikan' \"rev-05\" bukan revisi sebelum"),
], ids=["data-revisi", "data-tanpa-pk", "perubahan-revisi", "perubahan-menggantikan"])
def test_records_edited(tree, record, change, expected):
    package = paket(tree)
    path = package.parent / record
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert any(expected in p for p in manifest.verify(package).problems), manifest.verify(package).problems


@pytest.mark.parametrize("damage, expected", [
    (lambda p: p.unlink(), "data.json: tidak ada di folder revisi"),
    (lambda p: p.write_text("{\"pk\": "), "data.json: bukan JSON yang sah"),
    (lambda p: p.write_text("[1, 2]"), "data.json: harus objek JSON"),
], ids=["hilang", "rusak", "bukan-objek"])
def test_a_missing_or_broken_record(tree, damage, expected):
    package = paket(tree)
    damage(package.parent / "data.json")
    record_problem(manifest.verify(package), expected)


def test_another_pks_package_and_manifest_put_in_the_folder(tree):
    package, other = paket(tree), paket(tree, "PK-INSP")
    for source in (other, manifest.manifest_path(other)):
        shutil.copy(source, package.parent / source.name)
    stranger = package.parent / other.name
    result = manifest.verify(stranger)
    assert any("PK 'PK-SEK' (manifest: PK-INSP)" in p for p in result.problems), result.problems
    assert any("data.json: pk \"PK-SEK\" tidak sama dengan manifest (\"PK-INSP\")" in p for p in result.problems)
    # ... and the folder's own package now shares its folder with a stranger.
    only_problem(manifest.verify(package), "tidak dicatat manifest", other.name, manifest.manifest_path(other).name)
    assert cli("verify", str(stranger)).returncode == 1


def test_another_pks_package_and_manifest_under_this_pks_names(tree):
    package, other = paket(tree), paket(tree, "PK-INSP")
    shutil.copy(other, package)
    shutil.copy(manifest.manifest_path(other), manifest.manifest_path(package))
    problems = manifest.verify(package).problems
    for text in ("manifest ini mencatat paket 'paket_PK-INSP_2026_TW2.pdf'", "PK 'PK-SEK' (manifest: PK-INSP)",
                 "data.json: pk \"PK-SEK\"", "keluaran dokumen/PK-INSP_sampul.docx: tidak ditemukan"):
        assert any(text in p for p in problems), (text, problems)


def test_another_pks_pdf_under_a_rewritten_manifest(tree):
    """The hash and size rewritten to fit another PK's PDF: the PDF's own metadata still tells."""
    package, other = paket(tree), paket(tree, "PK-INSP")
    shutil.copy(other, package)
    edit_manifest(package, lambda d: d["paket"].update(sha256=manifest.sha256(package), ukuran=package.stat().st_size))
    problems = manifest.verify(package).problems
    assert any("/SakipPK 'PK-INSP' tidak sama dengan manifest 'PK-SEK'" in p for p in problems), problems


def test_a_recap_claims_its_agency_folder(tree):
    recap = tree / "outputs/2026/TW2/_instansi/rev-01/rekap_instansi_2026_TW2.pdf"
    edit_manifest(recap, lambda d: d["paket"].update(pk="Dinas Lain"))
    problems = manifest.verify(recap).problems
    assert any("PK '_instansi' (manifest: _instansi_Dinas_Lain)" in p for p in problems), problems
    package = paket(tree)
    for source in (recap, manifest.manifest_path(recap)):  # a recap dropped into a PK's revision
        shutil.copy(source, package.parent / source.name)
    problems = manifest.verify(package.parent / recap.name).problems
    assert any("PK 'PK-SEK'" in p for p in problems), problems


# --- links and paths: an output is read only inside the package's folder ---------------------


def test_an_output_linked_out_of_the_folder_is_not_followed(tree):
    """Even to an identical copy: the rule is where the file is, not what it holds. The copy is
    then replaced by a FIFO: a verify that followed the link would hang."""
    package = paket(tree)
    document = package.parent / "dokumen/PK-SEK_sampul.docx"
    outside = tree / "salinan_sampul.docx"
    shutil.copy(document, outside)
    document.unlink()
    document.symlink_to(outside)
    only_problem(manifest.verify(package), "keluaran dokumen/PK-SEK_sampul.docx: tautan ke luar folder paket; tidak dibaca")
    outside.unlink()
    os.mkfifo(outside)
    proc = cli("verify", str(package), timeout=60)
    assert proc.returncode == 1 and "tautan ke luar folder paket" in proc.stdout


def test_a_linked_documents_folder_is_not_followed(tree):
    package = paket(tree)
    documents = package.parent / "dokumen"
    shutil.copytree(documents, tree / "dokumen_lain")
    shutil.rmtree(documents)
    documents.symlink_to(tree / "dokumen_lain", target_is_directory=True)
    problems = manifest.verify(package).problems
    assert sum("tautan ke luar folder paket" in p for p in problems) == 5, problems
    assert any("tidak dicatat manifest: dokumen" in p for p in problems)


def test_records_and_manifest_linked_out_are_not_read(tree):
    package = paket(tree)
    data = package.parent / "data.json"
    shutil.copy(data, tree / "data.json")
    data.unlink()
    data.symlink_to(tree / "data.json")
    record_problem(manifest.verify(package), "data.json: tautan ke luar folder paket; tidak dibaca")
    data.unlink()
    shutil.copy(tree / "data.json", data)
    made = manifest.manifest_path(package)
    shutil.copy(made, tree / made.name)
    made.unlink()
    made.symlink_to(tree / made.name)
    only_problem(manifest.verify(package), "manifest adalah tautan ke luar folder paket")


def test_a_package_linked_from_elsewhere(tree):
    package = paket(tree)
    shutil.copy(package, tree / package.name)
    package.unlink()
    package.symlink_to(tree / package.name)
    only_problem(manifest.verify(package), "paket adalah tautan ke berkas di luar folder revisinya")


def test_latest_pointing_out_of_the_pk_folder(tree):
    pk_folder = paket(tree).parent.parent
    elsewhere = tree / "salinan/2026/TW2/PK-SEK/rev-01"
    shutil.copytree(pk_folder / "rev-01", elsewhere)
    (pk_folder / "latest").unlink()
    (pk_folder / "latest").symlink_to(elsewhere, target_is_directory=True)
    problems = manifest.verify(pk_folder / "latest" / paket(tree).name).problems
    assert any("bukan tautan 'latest' ke folder rev-NN di sampingnya" in p for p in problems), problems
    assert any("folder revisi adalah tautan ke luar folder PK-nya" in p for p in problems)


def test_an_output_that_is_a_fifo_is_not_read(tree):
    package = paket(tree)
    document = package.parent / "dokumen/PK-SEK_lampiran_ra.docx"
    document.unlink()
    os.mkfifo(document)
    proc = cli("verify", str(package), timeout=60)
    assert proc.returncode == 1 and "keluaran dokumen/PK-SEK_lampiran_ra.docx: bukan berkas biasa" in proc.stdout


def test_an_input_listed_as_a_fifo_or_device_is_not_read(tree):
    package = paket(tree)
    fifo = tree / "inputs/2026/realisasi/tw2/PK-SEK.xlsx"
    fifo.unlink()
    os.mkfifo(fifo)
    zero = os.path.relpath("/dev/zero", package.parent)
    edit_manifest(package, lambda d: d["berkas"].append({**d["berkas"][0], "berkas": zero}))
    proc = cli("verify", str(package), timeout=60)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "PK-SEK.xlsx: bukan berkas biasa" in proc.stdout and "dev/zero: bukan berkas biasa" in proc.stdout


def test_strangers_in_the_revision_folder(tree):
    package = paket(tree)
    (package.parent / "catatan.txt").write_text("disetujui")
    (package.parent / "dokumen/tambahan.docx").write_bytes(b"PK")
    (package.parent / "lampiran").mkdir()
    only_problem(manifest.verify(package), "tidak dicatat manifest", "catatan.txt", "dokumen/tambahan.docx", "lampiran/")
    for leftover in ("catatan.txt", "dokumen/tambahan.docx"):
        (package.parent / leftover).unlink()
    (package.parent / "lampiran").rmdir()
    # A signing interrupted before its rename leaves a hidden temporary file: not the package's content.
    (package.parent / f".{package.name}.abc123.tmp").write_bytes(b"%PDF")
    assert manifest.verify(package).ok


# --- the package's bytes ---------------------------------------------------------------------


@pytest.mark.parametrize("cut", [0, 1, 1000, "half", -1], ids=["kosong", "satu-bita", "1000-bita", "separuh", "kurang-satu"])
def test_a_truncated_package(tree, cut):
    package = paket(tree)
    data = package.read_bytes()
    package.write_bytes(data[:len(data) // 2] if cut == "half" else data[:cut])
    result = manifest.verify(package)
    assert not result.ok and any("lebih pendek" in p for p in result.problems), result.problems


def test_a_package_that_is_not_a_pdf(tree):
    package = paket(tree)
    package.write_bytes(b"bukan PDF\n" * 30_000)
    problems = manifest.verify(package).problems
    assert any("isi paket berbeda" in p for p in problems) and any("tidak dapat dibaca sebagai PDF" in p for p in problems)


def test_an_incremental_update_after_making_is_found(tree):
    package = paket(tree)
    annotate(package)
    only_problem(manifest.verify(package), "ada tambahan setelah paket dibuat yang bukan tanda tangan")
    assert manifest.matches_manifest(package) is False  # a rerun makes the next revision instead of keeping it
    proc = cli("verify", str(package))
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr


def test_an_update_signed_over_by_another_tool_is_found(tree):
    """The annotation added, then signed with pyHanko directly: the signature is intact and
    covers the annotation, but what it signs is not the package sakip made."""
    package, pki = paket(tree), PKI.make(tree)
    annotate(package)
    sign_directly(package, pki.p12(NURUL, b"x"), "ttd_pejabat")
    result = manifest.verify(package, [pki.ca_pem])
    only_problem(result, "ada perubahan (pembaruan inkremental) setelah paket dibuat dan sebelum tanda tangan ttd_pejabat")
    assert [s.bottom_line for s in result.signatures] == [True]  # pyHanko alone would call it valid
    assert manifest.matches_manifest(package) is False


def test_changes_after_a_signature_are_found(tree):
    package, pki = paket(tree), PKI.make(tree)
    sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    signed = package.read_bytes()
    annotate(package)
    only_problem(manifest.verify(package, [pki.ca_pem]), "tanda tangan ttd_pejabat: ada perubahan setelah tanda tangan ini")
    package.write_bytes(signed + b"\n%%tambahan tanpa xref\n")
    only_problem(manifest.verify(package, [pki.ca_pem]), "ada tambahan setelah tanda tangan terakhir (ttd_pejabat)")
    package.write_bytes(signed[:-300])
    assert not manifest.verify(package, [pki.ca_pem]).ok


def test_verify_without_ca_prints_no_library_traceback(tree):
    package, pki = paket(tree), PKI.make(tree)
    sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    sign.sign(package, pki.p12(DEWI, b"y"), "paraf_pemeriksa", b"y")
    proc = cli("verify", str(package))
    printed = proc.stdout + proc.stderr
    assert proc.returncode == 1 and proc.stderr == ""
    assert "Traceback" not in printed and "PathBuildingError" not in printed and "Failed to build path" not in printed
    assert printed.count("rantai sertifikat tidak dapat diverifikasi tanpa --ca") == 2
    # What pyHanko said is kept for those who ask for it, one line each.
    shown = json.loads(cli("verify", str(package), "--json").stdout)
    assert any("Failed to build path" in line for line in shown["catatan_pustaka"])
    assert all("\n" not in line and "Traceback" not in line for line in shown["catatan_pustaka"])
    trusted = cli("verify", str(package), "--ca", str(pki.ca_pem))
    assert trusted.returncode == 0 and "Traceback" not in trusted.stdout + trusted.stderr


@pytest.mark.parametrize("content, expected", [
    (b"bukan sertifikat", "bukan sertifikat CA (PEM atau DER)"),
    (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "bukan sertifikat CA"),
    (None, "sertifikat CA tidak dapat dibaca"),
], ids=["teks", "pem-rusak", "tidak-ada"])
def test_a_bad_ca_file_is_one_line(tree, content, expected):
    ca = tree / "ca-bsre.pem"
    if content is not None:
        ca.write_bytes(content)
    proc = cli("verify", str(paket(tree)), "--ca", str(ca))
    assert proc.returncode == 1 and expected in proc.stderr and "Traceback" not in proc.stderr


def test_a_document_timestamp_after_signing_is_accepted(tree):
    """PAdES B-LTA as a signing service makes it: a document timestamp in a field of its own,
    after the signature."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    package, pki = paket(tree), PKI.make(tree)
    sign.sign(package, pki.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    tsa = pki.timestamp_server()
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(package.read_bytes()), strict=False)
        out = io.BytesIO()
        signers.PdfTimeStamper(HTTPTimeStamper(tsa.url)).timestamp_pdf(writer, "sha256", output=out)
    finally:
        tsa.close()
    package.write_bytes(out.getvalue())
    result = manifest.verify(package, [pki.ca_pem])
    assert result.ok, result.problems
    assert [s.document_timestamp for s in result.signatures] == [False, True] and result.signatures[1].timestamp


def test_a_signature_in_a_field_sakip_did_not_make(tree):
    package, pki = paket(tree), PKI.make(tree)
    sign_directly(package, pki.p12("Orang Lain", b"x"), "ttd_tambahan")
    only_problem(manifest.verify(package, [pki.ca_pem]), "tanda tangan di kolom yang tidak dibuat sakip: ttd_tambahan")


def test_a_signers_name_is_shown_as_it_is(tree):
    """The signer's name comes from the certificate in the PDF: a right-to-left override in it
    is shown, not obeyed, and the line stays one line (in the signature's line and in the
    finding that it is not the official printed at the field)."""
    package, pki = paket(tree), PKI.make(tree)
    sign_directly(package, pki.p12("Kepala \u202eatad\nbaris", b"x", name="kepala"), "ttd_pejabat")
    proc = cli("verify", str(package), "--ca", str(pki.ca_pem))
    assert proc.returncode == 1, proc.stdout
    line = next(line for line in proc.stdout.splitlines() if "tanda tangan ttd_pejabat" in line)
    assert "<U+202E>atad<U+000A>baris" in line and "\u202e" not in proc.stdout
    problem = next(line for line in proc.stdout.splitlines() if "MASALAH" in line)
    assert "atas nama Kepala <U+202E>atad<U+000A>baris" in problem


def test_a_wrong_signer_put_in_with_another_tool_is_never_reported_valid(tree):
    """The issue's case, signed with pyHanko directly (sakip sign would refuse it): DEWI
    LESTARI's certificate in the block printed for Drs. HERU PRASETYO."""
    package, pki = paket(tree), PKI.make(tree)
    sign_directly(package, pki.p12(DEWI, b"x"), "ttd_pk_pihak_kedua")
    result = manifest.verify(package, [pki.ca_pem])
    only_problem(result, "tanda tangan ttd_pk_pihak_kedua: kolom ttd_pk_pihak_kedua dicetak untuk Drs. HERU PRASETYO, "
                         "M.Si. (NIP 19710412 199603 1 003), tetapi sertifikat penanda tangan atas nama DEWI LESTARI")
    [state] = result.signatures
    assert state.intact and state.trusted and not state.bottom_line and state.wrong_signer
    proc = cli("verify", str(package), "--ca", str(pki.ca_pem))
    assert proc.returncode == 1 and ": sah" not in proc.stdout and "sesuai manifest" not in proc.stdout
    assert "tanda tangan ttd_pk_pihak_kedua: utuh, bukan pejabat yang dicetak; " in proc.stdout


def test_a_claimed_acting_signature_for_someone_not_printed_is_flagged(tree):
    """A Plt. record only passes for the official printed at the field."""
    package, pki = paket(tree), PKI.make(tree)
    sign_directly(package, pki.p12(DEWI, b"x"), "ttd_pk_pihak_kedua", reason="Plt. atas nama NURUL HIDAYATI")
    only_problem(manifest.verify(package, [pki.ca_pem]),
                 "tetapi tanda tangan DEWI LESTARI dicatat sebagai Plt. atas nama NURUL HIDAYATI")
    package, pki = paket(tree, "PK-IRBAN1"), PKI.make(tree)
    sign_directly(package, pki.p12(DEWI, b"x", name="dewi2"), "ttd_pk_pihak_kedua",
                  reason="Plh. atas nama Heru Prasetyo; Inspektur dinas luar")
    result = manifest.verify(package, [pki.ca_pem])
    assert result.ok, result.problems
    assert result.signatures[0].on_behalf == "Plh. atas nama Heru Prasetyo"


def test_a_manifest_naming_another_official_at_a_field_is_caught(tree):
    """The manifest is not signed: the officials it records must be those the package records
    (in its document information, which signatures cover), and may not be dropped from it."""
    package = paket(tree)
    dewi = {"nama": "DEWI LESTARI, S.Kom., M.M.", "nip": NIP[DEWI], "jabatan": "Kepala Subbagian"}
    edit_manifest(package, lambda m: m["paket"]["penanda_tangan"].update(ttd_pk_pihak_kedua=dewi))
    only_problem(manifest.verify(package), "manifest mencatat DEWI LESTARI, S.Kom., M.M. (NIP 19870910 201001 2 015) "
                                           "di kolom ttd_pk_pihak_kedua, tetapi paket mencatat Drs. HERU PRASETYO, "
                                           "M.Si. (NIP 19710412 199603 1 003)")
    edit_manifest(package, lambda m: m["paket"]["penanda_tangan"].update(ttd_pk_pihak_kedua={**dewi, "nip": "1234"}))
    only_problem(manifest.verify(package), "kunci 'paket.penanda_tangan.ttd_pk_pihak_kedua.nip' harus 18 digit NIP atau kosong")
    edit_manifest(package, lambda m: m["paket"]["penanda_tangan"].pop("ttd_pk_pihak_kedua"))
    only_problem(manifest.verify(package), "manifest mencatat tidak seorang pun di kolom ttd_pk_pihak_kedua, tetapi paket "
                                           "mencatat Drs. HERU PRASETYO")
    # Dropping the whole record (to pass as a package made before it existed) is caught too.
    edit_manifest(package, lambda m: m["paket"].pop("penanda_tangan"))
    only_problem(manifest.verify(package), "manifest tidak mencatat pejabat yang dicetak di kolom tanda tangan, padahal "
                                           "paket mencatatnya (/SakipPenandaTangan)")


def test_a_signature_on_a_package_whose_manifest_records_no_officials_is_not_valid(tree):
    package, pki = paket(tree), PKI.make(tree)
    made_before_signers_were_recorded(package)
    assert manifest.verify(package).ok, manifest.verify(package).problems
    sign_directly(package, pki.p12(NURUL, b"x"), "ttd_pejabat")
    result = manifest.verify(package, [pki.ca_pem])
    only_problem(result, "manifest tidak mencatat pejabat yang dicetak di setiap kolom tanda tangan",
                 "NURUL HIDAYATI tidak dapat dicocokkan")
    assert not result.signatures[0].bottom_line
