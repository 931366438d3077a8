"""`sakip status`: a period's state per PK from outputs/ alone, whatever state those files are in."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess

import pytest
from pypdf import PdfWriter

from sakip.outputs import revisions
from sakip.pdf import sign
from sakip.outputs import status
from sakip.formatting import JAKARTA
from sakip.outputs.files import agency_folder, period_dir, pk_dir

from tests.conftest import SAKIP
from tests.pki import NURUL, PKI


def copy_run(run_tw2, tmp_path):
    """The run's outputs with its inputs beside them, as the manifests name them (relative paths)."""
    _, out, inputs, _ = run_tw2
    shutil.copytree(inputs, tmp_path / "inputs")
    shutil.copytree(out, tmp_path / "outputs", symlinks=True)
    return tmp_path / "outputs"


def test_status_shows_verdict_revision_and_signatures(run_tw2, tmp_path):
    _, out, _, _ = run_tw2
    outputs = copy_run(run_tw2, tmp_path)
    ca = PKI.make(tmp_path)
    package = outputs / "2026/TW2/PK-SEK/latest/paket_PK-SEK_2026_TW2.pdf"
    sign.sign(package, ca.p12(NURUL, b"x"), "ttd_pejabat", b"x")
    proc = subprocess.run([*SAKIP, "status", "2026", "2", "--outputs", str(outputs), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    rows = {r["pk"]: r for r in data["rows"]}
    # each signed field with its signer's name, as the certificate gives it
    assert rows["PK-SEK"]["signatures"] == f"ttd_pejabat ({NURUL})" and rows["PK-SEK"]["revision"] == 1
    assert rows["PK-INSP"]["verdict"] == "PARAF" and rows["PK-INSP"]["signatures"] == ""
    assert rows["PK-IRBAN3"]["verdict"] == "DIKEMBALIKAN" and rows["PK-IRBAN3"]["revision"] is None
    assert all(not r["note"].startswith("rusak") for r in data["rows"]) and data["problems"] == []
    summary = json.loads((out / "2026/TW2/ringkasan.json").read_text())
    assert data["last_run"] == summary["run_id"] and rows["PK-INSP"]["run_id"] == summary["run_id"]
    # The agency's recap is a document of its own, not a PK.
    assert "_instansi" not in rows and set(rows) == {"PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-IRBAN3", "PK-SEK"}
    [recap] = data["documents"]
    assert recap["pk"] == "rekap_instansi_2026_TW2.pdf" and recap["revision"] == 1 and recap["run_id"] == summary["run_id"]
    assert recap["package"].endswith("_instansi/rev-01/rekap_instansi_2026_TW2.pdf")
    table = subprocess.run([*SAKIP, "status", "2026", "2", "--outputs", str(outputs)],
                           capture_output=True, text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "PK-IRBAN3" in table.stdout and "1 dari 1" in table.stdout and "Dokumen instansi" in table.stdout
    # the status page the next run writes says who signed which field
    from sakip.outputs.page import write_page

    assert f"ttd_pejabat ({NURUL})" in write_page(outputs, 2026, 2).read_text(encoding="utf-8")
    made = dt.datetime.fromisoformat(rows["PK-SEK"]["made"]).astimezone(JAKARTA)
    assert made.strftime("%d-%m-%Y %H.%M WIB") in table.stdout  # as officials write times, not ISO


def test_a_pk_keyed_by_its_file_name_is_one_row(run_tw2, tmp_path):
    """An unreadable PK is keyed by its file name shown visible; its folder is that key made safe
    and is not listed a second time."""
    outputs = copy_run(run_tw2, tmp_path)
    ringkasan = outputs / "2026/TW2/ringkasan.json"
    summary = json.loads(ringkasan.read_text())
    summary["pk"].append({"pk": "PK-<U+0007>X", "status": "DIKEMBALIKAN", "pesan": "bukan workbook Excel"})
    ringkasan.write_text(json.dumps(summary))
    pk_dir(outputs, 2026, 2, "PK-<U+0007>X").mkdir()
    rows = status.period_status(outputs, 2026, 2).rows
    assert [r.pk for r in rows if "0007" in r.pk] == ["PK-<U+0007>X"]


def test_status_of_a_period_never_run_is_one_message(tmp_path):
    proc = subprocess.run([*SAKIP, "status", "2026", "3", "--outputs", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.strip().startswith("galat:") and "belum pernah dijalankan" in proc.stderr


# A damaged period (issue 20, class 10) --------------------------------------------------------
#
# A small period built the way a run leaves it (revisions published with a real PDF and the
# manifest fields status reads), then one of its files damaged as an editor, a copy tool or a
# full disk would. Status must show every PK, the damaged one with "rusak: <file>: <what>".

PKS = ("PK-A", "PK-B", "PK-C")


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def publish(folder, name, run="run-1"):
    plan = revisions.plan(name, folder, revisions.Keys("d", "f"))
    build = revisions.start(plan)
    body = pdf_bytes()
    package = build / name
    package.write_bytes(body)
    revisions.write_json(package.with_name(package.stem + ".manifest.json"), {
        "run_id": run, "kunci": {"data": "d", "lengkap": "f"}, "berkas": [],
        "paket": {"sha256": hashlib.sha256(body).hexdigest(), "ukuran": len(body), "revisi": 1,
                  "dibuat": "2026-07-06T10:00:00+07:00"}})
    return revisions.publish(plan)


@pytest.fixture
def period(tmp_path):
    outputs = tmp_path / "outputs"
    for pk in PKS[:2]:
        publish(pk_dir(outputs, 2026, 2, pk), f"paket_{pk}_2026_TW2.pdf")
    publish(agency_folder(outputs, 2026, 2, ""), "rekap_instansi_2026_TW2.pdf")
    rows = [{"pk": "PK-A", "status": "PARAF"}, {"pk": "PK-B", "status": "PARAF"},
            {"pk": "PK-C", "status": "DIKEMBALIKAN", "pesan": "realisasi IK-1 kosong"}]
    (period_dir(outputs, 2026, 2) / "ringkasan.json").write_text(json.dumps(
        {"tahun": 2026, "triwulan": 2, "pk": rows, "run_id": "run-1", "selesai": "2026-07-06T10:05:00+07:00"}))
    return outputs


def summary_file(outputs):
    return period_dir(outputs, 2026, 2) / "ringkasan.json"


def edit_summary(change):
    def damage(outputs):
        path = summary_file(outputs)
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    return damage


def write_summary(content: bytes):
    return lambda outputs: summary_file(outputs).write_bytes(content)


def manifest_a(outputs):
    return pk_dir(outputs, 2026, 2, "PK-A") / "rev-01/paket_PK-A_2026_TW2.manifest.json"


def edit_manifest(change):
    def damage(outputs):
        path = manifest_a(outputs)
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    return damage


def write_manifest(content: bytes):
    return lambda outputs: manifest_a(outputs).write_bytes(content)


def package_a(outputs):
    return pk_dir(outputs, 2026, 2, "PK-A") / "rev-01/paket_PK-A_2026_TW2.pdf"


def relink(target):
    def damage(outputs):
        link = pk_dir(outputs, 2026, 2, "PK-A") / "latest"
        link.unlink()
        os.symlink(target, link)
    return damage


def replace_summary_by_folder(outputs):
    summary_file(outputs).unlink()
    summary_file(outputs).mkdir()


def dangling_summary(outputs):
    summary_file(outputs).unlink()
    os.symlink("tidak-ada.json", summary_file(outputs))


def huge_summary(outputs):
    with summary_file(outputs).open("wb") as fh:
        fh.truncate(65 << 20)  # sparse: a disk image written over it, say


def no_pdf_in_revision(outputs):
    package_a(outputs).unlink()


def rev_emptied(outputs):
    for p in (pk_dir(outputs, 2026, 2, "PK-A") / "rev-01").iterdir():
        p.unlink()


def pk_folder_is_a_file(outputs):
    shutil.rmtree(pk_dir(outputs, 2026, 2, "PK-A"))
    pk_dir(outputs, 2026, 2, "PK-A").write_text("bukan folder")


def pk_folder_loops(outputs):
    shutil.rmtree(pk_dir(outputs, 2026, 2, "PK-A"))
    os.symlink("PK-A", pk_dir(outputs, 2026, 2, "PK-A"))


def agency_manifest(content: bytes):
    def damage(outputs):
        (agency_folder(outputs, 2026, 2, "") / "rev-01/rekap_instansi_2026_TW2.manifest.json").write_bytes(content)
    return damage


def agency_without_pdf(outputs):
    (agency_folder(outputs, 2026, 2, "") / "rev-01/rekap_instansi_2026_TW2.pdf").unlink()


# (damage, where the damage shows: "problems" (the period), "PK-A" (its verdict or note) or
#  "rekap" (the agency document), what it says)
CASES = {
    # ringkasan.json as a whole
    "summary not json": (write_summary(b'{"pk": [{"pk": "PK-A",'), "problems", "rusak: ringkasan.json: bukan JSON yang sah (baris 1 kolom 23)"),
    "summary empty": (write_summary(b""), "problems", "rusak: ringkasan.json: berkas kosong"),
    "summary blank lines": (write_summary(b"\n \n"), "problems", "rusak: ringkasan.json: berkas kosong"),
    "summary binary": (write_summary(b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00"), "problems", "rusak: ringkasan.json: bukan teks UTF-8 (bita ke-1)"),
    "summary nul bytes": (write_summary(b"\x00" * 64), "problems", "rusak: ringkasan.json: bukan JSON yang sah"),
    "summary a list": (write_summary(b'[{"pk": "PK-A"}]'), "problems", "rusak: ringkasan.json: isinya bukan objek JSON (list)"),
    "summary a string": (write_summary(b'"PK-A"'), "problems", "rusak: ringkasan.json: isinya bukan objek JSON (str)"),
    "summary a number": (write_summary(b"42"), "problems", "rusak: ringkasan.json: isinya bukan objek JSON (int)"),
    "summary null": (write_summary(b"null"), "problems", "rusak: ringkasan.json: isinya bukan objek JSON (NoneType)"),
    "summary nested deep": (write_summary(b"[" * 200_000), "problems", "rusak: ringkasan.json: JSON bersarang terlalu dalam"),
    "summary huge": (huge_summary, "problems", "rusak: ringkasan.json: lebih dari 64 MB, bukan berkas yang ditulis sakip"),
    "summary a folder": (replace_summary_by_folder, "problems", "rusak: ringkasan.json: sebuah folder, bukan berkas"),
    "summary dangling link": (dangling_summary, "problems", "rusak: ringkasan.json: tidak ada"),
    "summary pk a string": (edit_summary(lambda d: d.update(pk="PK-A")), "problems", "rusak: ringkasan.json: 'pk' bukan daftar (str)"),
    "summary pk an object": (edit_summary(lambda d: d.update(pk={"PK-A": "PARAF"})), "problems", "'pk' bukan daftar (dict)"),
    "summary run_id an object": (edit_summary(lambda d: d.update(run_id={"id": 1})), "problems", "'run_id' bukan teks (dict)"),
    "summary selesai not a time": (edit_summary(lambda d: d.update(selesai="kemarin sore")), "problems", "'selesai' bukan waktu ISO (kemarin sore)"),
    "summary selesai a number": (edit_summary(lambda d: d.update(selesai=20260706)), "problems", "'selesai' bukan teks (int)"),
    "summary selesai past year 9999": (edit_summary(lambda d: d.update(selesai="9999-12-31T23:59:59-14:00")), "problems", "'selesai' bukan waktu ISO"),
    # one entry of ringkasan.json
    "entries are strings": (edit_summary(lambda d: d.update(pk=["PK-A", "PK-B"])), "problems", "rusak: ringkasan.json: entri pk ke-1: isinya bukan objek JSON (str)"),
    "entry without pk": (edit_summary(lambda d: d["pk"][0].pop("pk")), "problems", "entri pk ke-1: 'pk' tidak ada"),
    "entry pk a number": (edit_summary(lambda d: d["pk"][0].update(pk=7)), "problems", "entri pk ke-1: 'pk' bukan teks (int)"),
    "entry pk a list": (edit_summary(lambda d: d["pk"][0].update(pk=["PK-A"])), "problems", "entri pk ke-1: 'pk' bukan teks (list)"),
    "entry status a number": (edit_summary(lambda d: d["pk"][0].update(status=1)), "PK-A", "rusak: ringkasan.json: PK-A: 'status' bukan teks (int)"),
    "entry status a bool": (edit_summary(lambda d: d["pk"][0].update(status=True)), "PK-A", "'status' bukan teks (bool)"),
    "entry without status": (edit_summary(lambda d: d["pk"][0].pop("status")), "PK-A", "rusak: ringkasan.json: PK-A: 'status' tidak ada"),
    "entry pesan an object": (edit_summary(lambda d: d["pk"][0].update(pesan={"x": 1})), "PK-A", "'pesan' bukan teks (dict)"),
    # the manifest of PK-A's latest revision
    "manifest not json": (write_manifest(b"{'paket': 1}"), "PK-A", "rusak: PK-A/rev-01/paket_PK-A_2026_TW2.manifest.json: bukan JSON yang sah (baris 1 kolom 2)"),
    "manifest empty": (write_manifest(b""), "PK-A", "paket_PK-A_2026_TW2.manifest.json: berkas kosong"),
    "manifest binary": (write_manifest(os.urandom(64) + b"\xff"), "PK-A", "paket_PK-A_2026_TW2.manifest.json: bukan"),
    "manifest a list": (write_manifest(b"[]"), "PK-A", "manifest.json: isinya bukan objek JSON (list)"),
    "manifest missing": (lambda o: manifest_a(o).unlink(), "PK-A", "rusak: PK-A/rev-01/paket_PK-A_2026_TW2.manifest.json: tidak ada"),
    "manifest paket a string": (edit_manifest(lambda d: d.update(paket="paket.pdf")), "PK-A", "manifest.json: 'paket' bukan objek (str)"),
    "manifest without paket": (edit_manifest(lambda d: d.pop("paket")), "PK-A", "manifest.json: 'paket' tidak ada"),
    "manifest dibuat a number": (edit_manifest(lambda d: d["paket"].update(dibuat=1783000000)), "PK-A", "manifest.json: paket: 'dibuat' bukan teks (int)"),
    "manifest dibuat not a time": (edit_manifest(lambda d: d["paket"].update(dibuat="6 Juli 2026")), "PK-A", "'dibuat' bukan waktu ISO (6 Juli 2026)"),
    "manifest run_id a list": (edit_manifest(lambda d: d.update(run_id=["a"])), "PK-A", "manifest.json: 'run_id' bukan teks (list)"),
    # the package, the revision folder and the latest link
    "package garbage": (lambda o: package_a(o).write_bytes(b"bukan PDF sama sekali"), "PK-A", "rusak: PK-A/rev-01/paket_PK-A_2026_TW2.pdf: tidak dapat dibuka sebagai PDF"),
    "package empty": (lambda o: package_a(o).write_bytes(b""), "PK-A", "paket_PK-A_2026_TW2.pdf: tidak dapat dibuka sebagai PDF"),
    "package truncated": (lambda o: package_a(o).write_bytes(package_a(o).read_bytes()[:120]), "PK-A", "tidak dapat dibuka sebagai PDF"),
    "package a folder": (lambda o: (package_a(o).unlink(), package_a(o).mkdir()), "PK-A", "tidak dapat dibuka sebagai PDF"),
    "latest dangling": (relink("rev-07"), "PK-A", "rusak: PK-A/latest: menunjuk 'rev-07' yang bukan revisi yang ada; revisi terbaru yang ada: rev-01"),
    "latest loops": (relink("latest"), "PK-A", "rusak: PK-A/latest: menunjuk 'latest' yang bukan revisi yang ada"),
    "latest outside": (relink("../../../../etc"), "PK-A", "menunjuk '../../../../etc' yang bukan revisi yang ada"),
    "latest odd name": (relink("rev-01\n\u202e"), "PK-A", "menunjuk 'rev-01<U+000A><U+202E>'"),
    "revision without pdf": (no_pdf_in_revision, "PK-A", "rusak: PK-A/rev-01: tidak ada paket_*.pdf"),
    "revision emptied": (rev_emptied, "PK-A", "rusak: PK-A/rev-01: tidak ada paket_*.pdf"),
    "pk folder a file": (pk_folder_is_a_file, "PK-A", "belum ada paket"),
    "pk folder loops": (pk_folder_loops, "PK-A", "rusak: PK-A:"),
    # the agency's document
    "agency manifest garbage": (agency_manifest(b"\x00\x01"), "rekap", "rusak: _instansi/rev-01/rekap_instansi_2026_TW2.manifest.json: bukan JSON yang sah"),
    "agency manifest a list": (agency_manifest(b"[1]"), "rekap", "isinya bukan objek JSON (list)"),
    "agency without pdf": (agency_without_pdf, "problems", "rusak: _instansi/rev-01: tidak ada dokumen PDF"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_damaged_file_is_shown_as_damaged_and_the_rest_goes_on(period, case):
    damage, where, says = CASES[case]
    damage(period)
    report = status.period_status(period, 2026, 2)
    rows = {r.pk: r for r in report.rows}
    if where == "problems":
        shown = report.problems
    elif where == "rekap":
        shown = [d.note for d in report.documents]
    else:
        shown = [rows[where].verdict, rows[where].note]
    assert any(says in text for text in shown), (shown, says)
    texts = [*report.problems, *(v for r in report.rows + report.documents for v in (r.verdict, r.note))]
    assert all("\n" not in t and "\u202e" not in t for t in texts)
    # Every PK is still listed; a PK whose files were not touched reads as before.
    assert set(rows) >= {"PK-A", "PK-B"}
    if "ringkasan" not in says and where != "problems":
        assert (rows["PK-B"].verdict, rows["PK-B"].revision, rows["PK-B"].note) == ("PARAF", 1, "")
        assert rows["PK-B"].made == "2026-07-06T10:00:00+07:00" and rows["PK-B"].run_id == "run-1"
    if where == "PK-A" and case.startswith(("manifest", "package", "latest")):
        assert rows["PK-A"].revision == 1 and rows["PK-A"].package.endswith("rev-01/paket_PK-A_2026_TW2.pdf")
    json.dumps(report.as_dict())  # --json still prints


def test_a_summary_damaged_as_a_whole_is_said_on_every_pk_found_on_disk(period):
    summary_file(period).write_bytes(b"\xff\xfe{")
    report = status.period_status(period, 2026, 2)
    assert [r.pk for r in report.rows] == ["PK-A", "PK-B"]  # PK-C had no folder: only ringkasan knew it
    assert all(r.verdict.startswith("rusak: ringkasan.json: bukan teks UTF-8") and r.revision == 1 for r in report.rows)
    assert report.last_run == "" and report.finished == ""


def test_a_missing_summary_is_said_once_and_the_packages_are_shown(period):
    summary_file(period).unlink()
    report = status.period_status(period, 2026, 2)
    assert report.problems == ["ringkasan.json tidak ada: run terakhir periode ini belum selesai atau terhenti"]
    assert [(r.pk, r.verdict, r.revision) for r in report.rows] == [("PK-A", "-", 1), ("PK-B", "-", 1)]


def test_a_summary_saved_by_notepad_with_a_bom_is_read(period):
    path = summary_file(period)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = status.period_status(period, 2026, 2)
    assert report.problems == [] and {r.pk: r.verdict for r in report.rows}["PK-C"] == "DIKEMBALIKAN"


def test_the_periods_own_folders_are_not_pks(period):
    """log/ (the run's log), formulir/ (`sakip forms`) and any folder without a PK's outputs are
    not listed as PKs; a PK folder the summary does not name is, when it holds revisions."""
    base = period_dir(period, 2026, 2)
    for name in ("log", "formulir", "dokumen", "arsip"):
        (base / name).mkdir(exist_ok=True)
        (base / name / "x.txt").write_text("x")
    publish(base / "PK-Z", "paket_PK-Z_2026_TW2.pdf")
    (base / "PK-K").mkdir()
    (base / "PK-K/KOREKSI_PK-K.xlsx").write_bytes(b"x")
    rows = {r.pk: r for r in status.period_status(period, 2026, 2).rows}
    assert set(rows) == {"PK-A", "PK-B", "PK-C", "PK-Z", "PK-K"}
    assert (rows["PK-Z"].verdict, rows["PK-Z"].revision) == ("-", 1) and rows["PK-K"].note == "belum ada paket"


def test_one_bad_entry_leaves_the_other_entries(period):
    edit_summary(lambda d: d["pk"].insert(1, "PK-X"))(period)
    report = status.period_status(period, 2026, 2)
    assert report.problems == ["rusak: ringkasan.json: entri pk ke-2: isinya bukan objek JSON (str)"]
    assert {r.pk: r.verdict for r in report.rows} == {"PK-A": "PARAF", "PK-B": "PARAF", "PK-C": "DIKEMBALIKAN"}
    assert {r.pk: r.note for r in report.rows}["PK-C"] == "realisasi IK-1 kosong"


def test_a_pk_folder_that_cannot_be_read_is_that_pk_only(period, tmp_path):
    """Run as an ordinary user would (root reads everything): a PK folder with mode 000."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run without the permission to override file modes")
    pk_dir(period, 2026, 2, "PK-A").chmod(0)
    try:
        proc = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *SAKIP, "status",
                               "2026", "2", "--outputs", str(period), "--json"], capture_output=True, text=True)
    finally:
        pk_dir(period, 2026, 2, "PK-A").chmod(0o755)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    rows = {r["pk"]: r for r in json.loads(proc.stdout)["rows"]}
    assert rows["PK-A"]["note"] == "rusak: PK-A: folder tidak dapat dibaca (EACCES)" and rows["PK-A"]["verdict"] == "PARAF"
    assert rows["PK-B"]["revision"] == 1 and rows["PK-B"]["note"] == ""


def test_the_cli_on_a_period_damaged_everywhere_prints_no_traceback(period):
    """The issue's report: `sakip status` ended in `TypeError: string indices must be integers`."""
    edit_summary(lambda d: d.update(pk=["PK-A", {"pk": "PK-B", "status": 3}, {"pk": "PK-C", "status": "GAGAL"}],
                                    selesai="kemarin"))(period)
    write_manifest(b"[1, 2")(period)
    relink("rev-09")(period)
    (agency_folder(period, 2026, 2, "") / "rev-01/rekap_instansi_2026_TW2.pdf").write_bytes(b"%PDF-1.7\n%%EOF")
    for extra in ([], ["--json"]):
        proc = subprocess.run([*SAKIP, "status", "2026", "2", "--outputs", str(period), *extra],
                              capture_output=True, text=True, env={**os.environ, "COLUMNS": "250"})
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr and proc.stderr == "", proc.stderr
        assert "rusak: ringkasan.json: PK-B: 'status' bukan teks (int)" in proc.stdout
    data = json.loads(proc.stdout)
    assert "rusak: ringkasan.json: entri pk ke-1: isinya bukan objek JSON (str)" in data["problems"]
    assert "rusak: ringkasan.json: 'selesai' bukan waktu ISO (kemarin)" in data["problems"]
    rows = {r["pk"]: r for r in data["rows"]}
    assert "menunjuk 'rev-09'" in rows["PK-A"]["note"] and "bukan JSON yang sah" in rows["PK-A"]["note"]
    assert rows["PK-C"]["verdict"] == "GAGAL"
    assert "tidak dapat dibuka sebagai PDF" in data["documents"][0]["note"]


def test_a_fanned_out_periods_agencies_each_with_their_state(tmp_path):
    """`sakip status` of a period fanned out per agency: done (and how), failed before writing
    its summary, done but not yet gathered, and running as the Prefect server reports it."""
    from sakip.outputs.status import agency_states
    from sakip.outputs.summary import Row, Summary

    def row(pk: str, status: str) -> Row:
        return Row(pk=pk, pejabat="A", status=status, capaian="-", galat=0, peringatan=0)

    Summary(2026, 2, [row("PK-1", "PARAF")], run_id="r1", pekerja="w1", selesai="2026-07-10T08:00:00+07:00").write(tmp_path, "opd01")
    Summary(2026, 2, [row("PK-2", "DIKEMBALIKAN")], run_id="r2", pekerja="w2").write(tmp_path, "opd02")
    Summary(2026, 2, [row("PK-4", "PARAF")], run_id="r4-baru", pekerja="w2").write(tmp_path, "opd04")
    (tmp_path / "2026/TW2/.instansi/opd03").mkdir(parents=True)  # its run died before its summary
    Summary(2026, 2, [], instansi_run={
        "opd01": {"run": "triwulan-2026-TW2-opd01", "run_id": "r1", "status": "Completed"},
        "opd02": {"run": "triwulan-2026-TW2-opd02", "run_id": "r2", "status": "Sebagian dikembalikan"},
        "opd03": {"run": "triwulan-2026-TW2-opd03", "run_id": "r3", "status": "Crashed"},
        "opd04": {"run": "triwulan-2026-TW2-opd04", "run_id": "r4", "status": "Completed"}}).write(tmp_path)
    states = {a.agency: a for a in agency_states(tmp_path, 2026, 2)}
    assert states["opd01"].state == "selesai" and states["opd01"].worker == "w1" and states["opd01"].pks == 1
    assert states["opd02"].state == "selesai, sebagian PK dikembalikan"
    assert states["opd03"].state == "gagal: Crashed" and states["opd03"].run == "triwulan-2026-TW2-opd03"
    assert states["opd04"].state == "selesai (belum dikumpulkan ke ringkasan periode)"
    assert agency_states(tmp_path, 2026, 2, running={"opd03"})[2].state == "berjalan"
    assert agency_states(tmp_path, 2026, 1) == []  # a period never fanned out has none
