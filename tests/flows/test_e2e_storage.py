"""A whole `sakip run` whose outputs folder is another filesystem than the temporary folder (an
office's data disk or a network share): every PK is packaged. The same with the disk filled while
LibreOffice converts: one Indonesian line, nothing half-made under a final name, and a rerun
after space is freed completes. Real tmpfs mounts (CI runs as root), no mocks."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import psutil
import pytest

from sakip.pdf import manifest
from sakip.outputs.files import leftovers

from tests.conftest import INPUTS, ROOT, SAKIP, tree_hash
from tests.flows.test_kill import complete, converting, final_files
from tests.outputs.test_storage import mounted

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")

GOOD = ("PK-INSP", "PK-IRBAN1", "PK-IRBAN2", "PK-SEK")


def args(tmp, outputs) -> list[str]:
    return [*SAKIP, "run", "2026", "2", "--inputs", str(tmp / "inputs"), "--outputs", str(outputs),
            "--templates", str(ROOT / "templates"), "--expectations", str(ROOT / "expectations"), "--tanggal", "2026-07-06"]


def env() -> dict[str, str]:
    return {**os.environ, "COLUMNS": "200", "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}


def packaged(outputs) -> None:
    for pk in GOOD:
        package = outputs / "2026/TW2" / pk / "latest" / f"paket_{pk}_2026_TW2.pdf"
        assert manifest.verify(package).ok, pk


def whole(outputs) -> None:
    for path in final_files(outputs):
        if path.suffix != ".log":  # a log is appended to, never published
            assert complete(path), path


def test_a_run_onto_another_filesystem_packages_every_pk(tmp_path):
    shutil.copytree(INPUTS, tmp_path / "inputs")
    with mounted(tmp_path / "disk", "size=96M,mode=0755") as disk:
        outputs = disk.path / "outputs"
        proc = subprocess.run(args(tmp_path, outputs), capture_output=True, text=True, cwd=tmp_path, timeout=600, env=env())
        assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
        assert proc.returncode == 2, proc.stderr[-3000:]  # the demo returns PK-IRBAN3
        assert "4 paket siap tanda tangan, 1 PK dikembalikan, 0 gagal" in " ".join(proc.stdout.split())
        packaged(outputs)
        whole(outputs)
        assert leftovers(outputs / "2026/TW2") == []


def test_a_disk_filled_during_conversion_ends_in_one_line_and_a_rerun_completes(tmp_path):
    shutil.copytree(INPUTS, tmp_path / "inputs")
    inputs_before = tree_hash(tmp_path / "inputs")
    with mounted(tmp_path / "disk", "size=96M,mode=0755") as disk:
        outputs = disk.path / "outputs"
        proc = subprocess.Popen(args(tmp_path, outputs), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=tmp_path, env=env())
        watched = psutil.Process(proc.pid)
        deadline = time.monotonic() + 300
        while not (list(outputs.glob("2026/TW2/PK-*/.rev-01.sementara/dokumen/*.docx")) and converting(watched)):
            assert proc.poll() is None, proc.communicate()[1][-3000:]
            assert time.monotonic() < deadline
            time.sleep(0.02)
        filler = disk.fill()
        out, err = proc.communicate(timeout=600)
        assert "Traceback" not in out + err, err[-3000:]
        assert proc.returncode in (1, 3), (proc.returncode, out[-2000:], err[-2000:])
        # what is not sakip's start, stage or progress lines (or their wrapped continuations)
        said = [line for line in err.splitlines() if not line.startswith(("sakip: ", "[", "  "))]
        if proc.returncode == 1:  # the run could not even record its summary: one line says why
            assert len(said) == 1 and said[0].startswith("galat: ") and "penuh" in said[0], err
            assert str(disk.path) in said[0]
        else:  # the summary was written: each PK that could not be packaged says why, in one line
            assert "gagal" in out and "penuh" in out, out
        whole(outputs)  # nothing half-made under a final name
        assert not list(outputs.glob("2026/TW2/*/.rev-*.sementara")), leftovers(outputs / "2026/TW2")

        filler.unlink()
        again = subprocess.run(args(tmp_path, outputs), capture_output=True, text=True, cwd=tmp_path, timeout=600,
                               env=env())
        assert "Traceback" not in again.stdout + again.stderr, again.stderr[-3000:]
        assert again.returncode == 2, again.stderr[-3000:]
        assert "4 paket siap tanda tangan, 1 PK dikembalikan, 0 gagal" in " ".join(again.stdout.split())
        packaged(outputs)
        whole(outputs)
        assert leftovers(outputs / "2026/TW2") == []
    assert tree_hash(tmp_path / "inputs") == inputs_before
