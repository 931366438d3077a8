"""The manifest beside each package: it records what the package was made from, verify
catches any change to it, and a rerun keeps or bumps the revision by those sources."""

import json
import subprocess

import openpyxl
import pytest

from sakip.pdf import manifest
from sakip.pdf import sign
from sakip.errors import SigningError
from sakip.documents.render import DOCUMENTS

from tests.conftest import ROOT, SAKIP
from tests.pki import AGUS, HERU, NURUL, PKI


def paket(out, pk):
    return out / "2026/TW2" / pk / "latest" / f"paket_{pk}_2026_TW2.pdf"



def test_manifest_records_every_source_and_output(run_tw2):
    _, out, inputs, _ = run_tw2
    data = json.loads(manifest.manifest_path(paket(out, "PK-SEK")).read_text())
    assert data["paket"]["revisi"] == 1 and data["paket"]["pk"] == "PK-SEK" and data["run_id"]
    assert data["kode"] == manifest.code_version()
    kinds = {}
    for entry in data["berkas"]:
        kinds.setdefault(entry["jenis"], []).append(entry["berkas"].split("/")[-1])
    assert kinds["masukan"] == ["instansi.toml", "PK-SEK.xlsx", "PK-SEK.xlsx", "PK-SEK.xlsx"]  # PK, realisasi TW1, TW2
    assert kinds["template"] == ["template.docx"] * 5
    assert sorted(kinds["suite"]) == sorted(p.name for p in (ROOT / "expectations").glob("*.json"))
    assert sorted(kinds["keluaran"]) == sorted([*(f"PK-SEK_{d}.docx" for d in DOCUMENTS), "paraf.json", "data.json",
                                                "perubahan.json"])
    for entry in data["berkas"]:  # the hashes are the files' own
        assert manifest.sha256(manifest.manifest_path(paket(out, "PK-SEK")).parent / entry["berkas"]) == entry["sha256"]


@pytest.mark.parametrize("kind", ["masukan", "keluaran"])
def test_verify_catches_a_changed_file(tree, kind):
    package = paket(tree / "outputs", "PK-SEK")
    target = (tree / "inputs/2026/realisasi/tw2/PK-SEK.xlsx" if kind == "masukan"
              else package.parent / "dokumen/PK-SEK_lampiran_ra.docx")
    assert manifest.verify(package).ok
    book = openpyxl.load_workbook(target) if kind == "masukan" else None
    if book:
        book.active["A1"] = "diubah"
        book.save(target)
    else:
        target.write_bytes(target.read_bytes() + b"\0")
    result = manifest.verify(package)
    assert result.problems == [f"{kind} {manifest.verify_path(package, target)}: berubah sejak paket dibuat"]
    proc = subprocess.run([*SAKIP, "verify", str(package)], capture_output=True, text=True)
    assert proc.returncode == 1 and "berubah sejak paket dibuat" in proc.stdout and target.name in proc.stdout


def test_verify_without_manifest_is_one_clear_message(tree):
    package = paket(tree / "outputs", "PK-SEK")
    manifest.manifest_path(package).unlink()
    proc = subprocess.run([*SAKIP, "verify", str(package)], capture_output=True, text=True)
    assert proc.returncode == 1 and "MASALAH: paket_PK-SEK_2026_TW2.manifest.json: manifest tidak ditemukan di samping paket" \
        in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    missing = subprocess.run([*SAKIP, "verify", str(package.with_name("tidak_ada.pdf"))], capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stderr.strip().endswith("tidak_ada.pdf: paket tidak ditemukan")


def set_realisasi(tree, pk: str, cell: str, value: float) -> None:
    """A unit's correction: one realisasi value changed in its workbook."""
    path = tree / f"inputs/2026/realisasi/tw2/{pk}.xlsx"
    book = openpyxl.load_workbook(path)
    book["Realisasi"][cell] = value
    book.save(path)


def test_rerun_keeps_a_signed_package_and_makes_new_revisions_of_changed_ones(tree):
    out = tree / "outputs"
    ca = PKI.make(tree)
    signed = paket(out, "PK-SEK")
    sign.sign(signed, ca.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    signed_bytes = signed.read_bytes()
    corrected_after_signing = paket(out, "PK-IRBAN1").resolve()
    sign.sign(corrected_after_signing, ca.p12(AGUS, b"x"), "ttd_pejabat", b"x")
    irban_bytes = corrected_after_signing.read_bytes()
    set_realisasi(tree, "PK-INSP", "I8", 48.2)
    set_realisasi(tree, "PK-IRBAN1", "I6", 56.5)
    proc = subprocess.run([*SAKIP, "run", "2026", "2", "--inputs", str(tree / "inputs"), "--outputs", str(out),
                           "--templates", str(ROOT / "templates"), "--expectations", str(ROOT / "expectations"),
                           "--tanggal", "2026-07-06", "--pk", "PK-SEK", "--pk", "PK-INSP", "--pk", "PK-IRBAN1"],
                          capture_output=True, text=True, cwd=tree, timeout=400)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert signed.resolve().parent.name == "rev-01" and signed.read_bytes() == signed_bytes  # unchanged data: kept
    assert manifest.verify(signed, [ca.ca_pem]).ok
    revisions = {pk: json.loads(manifest.manifest_path(paket(out, pk)).read_text())["paket"]["revisi"]
                 for pk in ("PK-SEK", "PK-INSP", "PK-IRBAN1")}
    assert revisions == {"PK-SEK": 1, "PK-INSP": 2, "PK-IRBAN1": 2}
    # Corrected after signing: the signed revision stays as it was, the next says why it exists.
    assert corrected_after_signing.read_bytes() == irban_bytes
    old = manifest.verify(corrected_after_signing, [ca.ca_pem])
    assert [s.bottom_line for s in old.signatures] == [True]
    # ... and verify says truthfully that it was made from a workbook that has since been corrected.
    assert len(old.problems) == 1 and "PK-IRBAN1.xlsx" in old.problems[0]
    change = json.loads((paket(out, "PK-IRBAN1").parent / "perubahan.json").read_text())
    assert change["menggantikan"] == "rev-01" and "setelah rev-01 ditandatangani" in change["alasan"]
    assert {"isian": "Realisasi TW2 IK-02: realisasi", "lama": "55.75", "baru": "56.5"} in change["nilai_berubah"]
    assert change["berkas_berubah"] == ["../../../../../inputs/2026/realisasi/tw2/PK-IRBAN1.xlsx"]
    assert manifest.verify(paket(out, "PK-INSP")).ok and manifest.verify(paket(out, "PK-IRBAN1")).ok
    # The operator is told that a signed package was superseded, and the rerun keeps the period's record.
    assert "menggantikan paket yang sudah ditandatangani: PK-IRBAN1." in " ".join(proc.stdout.split())
    rows = {r["pk"]: r for r in json.loads((out / "2026/TW2/ringkasan.json").read_text())["pk"]}
    assert [pk for pk, r in rows.items() if r["menggantikan_ttd"]] == ["PK-IRBAN1"]
    assert sorted(pk for pk, r in rows.items() if r["dari_run_sebelumnya"]) == ["PK-IRBAN2", "PK-IRBAN3"]
    assert rows["PK-IRBAN3"]["status"] == "DIKEMBALIKAN" and rows["PK-IRBAN3"]["keluaran"]
    page = (out / "2026/TW2/validasi.html").read_text()
    assert "PK-IRBAN3" in page and "PK-IRBAN2" in page and "pemeriksaan sebelumnya" in page
    # The superseded revision can no longer be signed: its other field would vouch for old data.
    with pytest.raises(SigningError, match="sudah digantikan oleh rev-02"):
        sign.sign(paket(out, "PK-INSP").parent.parent / "rev-01" / "paket_PK-INSP_2026_TW2.pdf",
                  ca.p12(HERU, b"x"), "ttd_pejabat", b"x")


def test_a_data_json_with_other_values_but_the_same_pk_and_revision_is_caught(tree):
    """data.json is hashed in the manifest: a copy from another period or an edited value of the
    same PK and revision (which its pk/revisi fields cannot tell apart) fails verification."""
    package = paket(tree / "outputs", "PK-SEK")
    assert manifest.verify(package).ok
    data_file = package.parent / "data.json"
    data = json.loads(data_file.read_text())
    first = next(iter(data["nilai"]))
    data["nilai"][first] = "999"
    data_file.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    result = manifest.verify(package)
    assert not result.ok and any("data.json" in p for p in result.problems), result.problems
