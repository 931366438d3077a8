"""`sakip status`: a period's state per PK from outputs/ alone."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess

from sakip import sign, status
from sakip.formatting import JAKARTA
from sakip.outputs import pk_dir

from .conftest import SAKIP
from .pki import PKI


def test_status_shows_verdict_revision_and_signatures(run_tw2, tmp_path):
    _, out, _, _ = run_tw2
    shutil.copytree(out, tmp_path / "outputs", symlinks=True)
    ca = PKI.make(tmp_path)
    package = tmp_path / "outputs/2026/TW2/PK-SEK/latest/paket_PK-SEK_2026_TW2.pdf"
    sign.sign(package, ca.p12("Kepala", b"x"), "ttd_pejabat", b"x")
    proc = subprocess.run([*SAKIP, "status", "2026", "2", "--outputs", str(tmp_path / "outputs"), "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    rows = {r["pk"]: r for r in data["rows"]}
    assert rows["PK-SEK"]["signatures"] == "ttd_pejabat" and rows["PK-SEK"]["revision"] == 1
    assert rows["PK-INSP"]["verdict"] == "PARAF" and rows["PK-INSP"]["signatures"] == ""
    assert rows["PK-IRBAN3"]["verdict"] == "DIKEMBALIKAN" and rows["PK-IRBAN3"]["revision"] is None
    summary = json.loads((out / "2026/TW2/ringkasan.json").read_text())
    assert data["last_run"] == summary["run_id"] and rows["PK-INSP"]["run_id"] == summary["run_id"]
    # The agency's recap is a document of its own, not a PK.
    assert "_instansi" not in rows and set(rows) == {"PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-IRBAN3", "PK-SEK"}
    [recap] = data["documents"]
    assert recap["pk"] == "rekap_instansi_2026_TW2.pdf" and recap["revision"] == 1 and recap["run_id"] == summary["run_id"]
    assert recap["package"].endswith("_instansi/rev-01/rekap_instansi_2026_TW2.pdf")
    table = subprocess.run([*SAKIP, "status", "2026", "2", "--outputs", str(tmp_path / "outputs")],
                           capture_output=True, text=True, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})
    assert "PK-IRBAN3" in table.stdout and "1 dari 1" in table.stdout and "Dokumen instansi" in table.stdout
    made = dt.datetime.fromisoformat(rows["PK-SEK"]["made"]).astimezone(JAKARTA)
    assert made.strftime("%d-%m-%Y %H.%M WIB") in table.stdout  # as officials write times, not ISO


def test_a_pk_keyed_by_its_file_name_is_one_row(run_tw2, tmp_path):
    """An unreadable PK is keyed by its file name shown visible; its folder is that key made safe
    and is not listed a second time."""
    _, out, _, _ = run_tw2
    shutil.copytree(out, tmp_path / "outputs", symlinks=True)
    ringkasan = tmp_path / "outputs/2026/TW2/ringkasan.json"
    summary = json.loads(ringkasan.read_text())
    summary["pk"].append({"pk": "PK-<U+0007>X", "status": "DIKEMBALIKAN", "pesan": "bukan workbook Excel"})
    ringkasan.write_text(json.dumps(summary))
    pk_dir(tmp_path / "outputs", 2026, 2, "PK-<U+0007>X").mkdir()
    rows = status.period_status(tmp_path / "outputs", 2026, 2).rows
    assert [r.pk for r in rows if "0007" in r.pk] == ["PK-<U+0007>X"]


def test_status_of_a_period_never_run_is_one_message(tmp_path):
    proc = subprocess.run([*SAKIP, "status", "2026", "3", "--outputs", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.strip().startswith("galat:") and "belum pernah dijalankan" in proc.stderr
