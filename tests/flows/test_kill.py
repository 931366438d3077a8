"""A run killed with SIGKILL in the middle of its work: nothing half-made under a final name, no
LibreOffice left running, and the next run takes the lock over, clears the remains and completes
with every output verified by its manifest."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import psutil
import pytest
from pypdf import PdfReader

from flows.server import PrefectServer
from sakip.pdf import manifest
from sakip.outputs.files import leftovers

from tests.conftest import INPUTS, ROOT, SAKIP

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")

PKS = ["PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-SEK"]


def run_args(tmp: Path) -> list[str]:
    return [*SAKIP, "run", "2026", "2", "--inputs", str(tmp / "inputs"), "--outputs", str(tmp / "outputs"),
            "--templates", str(ROOT / "templates"), "--expectations", str(ROOT / "expectations"), "--tanggal", "2026-07-06"]


def converting(proc: psutil.Process) -> bool:
    """Whether LibreOffice is running under the run (its workers' soffice.bin)."""
    try:
        return any("soffice" in p.name() for p in proc.children(recursive=True))
    except psutil.NoSuchProcess:
        return False


def final_files(outputs: Path) -> list[Path]:
    """Every file under a final name (no hidden component), through the `latest` links too."""
    return [p for p in outputs.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(outputs).parts)]


def complete(path: Path) -> bool:
    """A file that is whole by its own format."""
    if path.suffix == ".pdf":
        return len(PdfReader(path).pages) > 0
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None
    if path.suffix == ".json":
        return isinstance(json.loads(path.read_text(encoding="utf-8")), dict)
    return path.stat().st_size > 0


# Where the run is when it is killed: converting the PKs' documents (their DOCX rendered into an
# unpublished revision), or converting the agency recap after every package was published.
MOMENTS = {
    "konversi-paket": "2026/TW2/PK-*/.rev-01.sementara/dokumen/*.docx",
    "konversi-rekap": "2026/TW2/_instansi/.rev-01.sementara/dokumen/*.docx",
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_run_killed_mid_conversion_leaves_nothing_half_made_and_the_next_run_completes(tmp_path, moment):
    shutil.copytree(INPUTS, tmp_path / "inputs")
    outputs = tmp_path / "outputs"
    with PrefectServer(home=tmp_path / "prefect") as server:
        env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_API_URL": server.url,
               "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        proc = subprocess.Popen(run_args(tmp_path), cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        watched = psutil.Process(proc.pid)
        deadline = time.monotonic() + 240
        while not (list(outputs.glob(MOMENTS[moment])) and converting(watched)):
            assert proc.poll() is None, "the run ended before the moment to kill it"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        children = watched.children(recursive=True)
        os.kill(proc.pid, signal.SIGKILL)  # kill -9 of the run itself, as an operator would
        proc.wait()

        # Right after the kill: every file under a final name is whole, every published revision verifies.
        for path in final_files(outputs):
            assert complete(path), path
        published = sorted(outputs.glob("2026/TW2/*/rev-*/*.pdf"))
        for pdf in published:
            if pdf.name.startswith(("paket_", "rekap_")):
                assert manifest.verify(pdf).ok, pdf
        if moment == "konversi-paket":
            assert not all((outputs / "2026/TW2" / pk / "rev-01").exists() for pk in PKS)  # killed before the end
        else:
            assert all((outputs / "2026/TW2" / pk / "rev-01").exists() for pk in PKS)
            assert not (outputs / "2026/TW2/_instansi/rev-01").exists()
        assert leftovers(outputs / "2026/TW2")  # the half-made revision, under its hidden name

        # LibreOffice notices that its run is gone and ends (its workers read a closed pipe).
        _, alive = psutil.wait_procs(children, timeout=30)
        assert not alive, [p.info if hasattr(p, "info") else p.pid for p in alive]

        again = subprocess.run(run_args(tmp_path), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=400)
    assert again.returncode == 2, again.stderr[-3000:]  # the demo returns PK-IRBAN3
    assert "diambil alih" in again.stderr and f"PID {proc.pid} " in again.stderr
    assert "4 paket siap tanda tangan, 1 PK dikembalikan, 0 gagal" in " ".join(again.stdout.split())
    assert leftovers(outputs / "2026/TW2") == []
    for path in final_files(outputs):
        assert complete(path), path
    for pk in PKS:
        package = outputs / "2026/TW2" / pk / "latest" / f"paket_{pk}_2026_TW2.pdf"
        assert manifest.verify(package).ok, pk
        # a revision published before the kill stands; the rest were made once, by the rerun
        made = sorted(p.name for p in (outputs / "2026/TW2" / pk).glob("rev-*"))
        assert made == ["rev-01"], [(r, json.loads((outputs / "2026/TW2" / pk / r / "perubahan.json").read_text())) for r in made]
    recap = outputs / "2026/TW2/_instansi/latest/rekap_instansi_2026_TW2.pdf"
    assert manifest.verify(recap).ok
    summary = json.loads((outputs / "2026/TW2/ringkasan.json").read_text())
    assert sorted(r["pk"] for r in summary["pk"] if r["status"] == "PARAF") == PKS


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""


def test_a_run_killed_while_checking_leaves_no_process_behind(tmp_path):
    """Without a configured Prefect server the run starts its own, and Great Expectations runs in
    a child: a kill -9 in the middle takes both with it (they were left running, ~500 MB)."""
    shutil.copytree(INPUTS, tmp_path / "inputs")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "DO_NOT_TRACK": "1",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen(run_args(tmp_path), cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    watched = psutil.Process(proc.pid)
    deadline = time.monotonic() + 240
    while True:
        assert proc.poll() is None, "the run ended before both helpers were up"
        assert time.monotonic() < deadline
        children = watched.children(recursive=True)
        lines = [_cmdline(c) for c in children]
        if any("uvicorn" in line for line in lines) and any("multiprocessing" in line for line in lines):
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive, [(p.pid, _cmdline(p)) for p in alive]
