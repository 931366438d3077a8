import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from docx import Document

from sakip.pdf.convert import (PROFILE_SETTINGS, Converter, ConverterUnavailable, check_pdf, profile_settings,
                               uno_python)
from sakip.errors import ConversionError

from tests.conftest import ROOT, SAKIP

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")

STAND_IN = os.path.join(os.path.dirname(os.path.dirname(__file__)), "stand_in_worker.py")


def make_doc(path, text):
    d = Document()
    d.add_paragraph(text)
    d.save(path)
    return path


def group_alive(pgid):
    """Live (not zombie) processes of a process group: a worker's group holds its soffice."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry))
    return found


def test_batch_converts_and_one_bad_document_fails_alone(tmp_path):
    good = [make_doc(tmp_path / f"doc{i}.docx", f"Dokumen {i}") for i in range(3)]
    bad = tmp_path / "rusak.docx"
    bad.write_bytes(b"\x00" * 10)
    with Converter(slots=2) as converter:
        outcomes = converter.convert([*good, bad], tmp_path / "pdf")
    for g in good:
        assert outcomes[g].pdf is not None and check_pdf(outcomes[g].pdf) == 1
    assert outcomes[bad].pdf is None and outcomes[bad].error.startswith("rusak.docx: ")
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == ["doc0.pdf", "doc1.pdf", "doc2.pdf"]


def test_hang_and_crash_fail_alone_the_slot_restarts_and_nothing_survives(tmp_path, monkeypatch):
    """A stand-in worker hangs on one document and kills soffice on another: each fails with
    its own message after the per-document timeout, the slot restarts, the rest convert."""
    pids = tmp_path / "pids.txt"
    monkeypatch.setenv("STAND_IN_PIDS", str(pids))
    names = ["a", "laporan_macet", "b", "laporan_mogok", "c"]
    docs = [make_doc(tmp_path / f"{n}.docx", n) for n in names]
    converter = Converter(slots=1, timeout=3, command=[uno_python(), STAND_IN])
    started = time.monotonic()
    outcomes = converter.convert_batch(docs, tmp_path / "pdf")
    took = time.monotonic() - started
    by_name = {o.source.stem: o for o in outcomes}
    assert [o.source for o in outcomes] == docs  # in order, every one answered
    for n in ("a", "b", "c"):
        assert by_name[n].pdf is not None and check_pdf(by_name[n].pdf) == 1
    assert "tidak selesai dalam 3 detik dan dihentikan" in by_name["laporan_macet"].error
    assert by_name["laporan_macet"].error.startswith("laporan_macet.docx: ")
    assert "LibreOffice berhenti tiba-tiba" in by_name["laporan_mogok"].error, by_name["laporan_mogok"].error
    assert converter.starts == 3  # the first start, and one restart after each bad document
    assert 3 <= took < 30  # the hang cost its timeout, not an hour
    workers = [int(line.split()[0]) for line in pids.read_text().splitlines()]
    assert len(workers) == 3
    assert group_alive(workers[0]) == [] and group_alive(workers[1]) == []  # killed with all of soffice
    assert group_alive(workers[2])  # the last slot is warm
    converter.close()
    assert group_alive(workers[2]) == []


def test_restart_after_n_documents(tmp_path):
    docs = [make_doc(tmp_path / f"doc{i}.docx", f"Dokumen {i}") for i in range(5)]
    with Converter(slots=1, restart_after=2) as converter:
        outcomes = converter.convert(docs, tmp_path / "pdf")
        assert converter.starts == 3  # documents 1-2, 3-4, 5
    assert all(outcomes[d].pdf is not None and check_pdf(outcomes[d].pdf) == 1 for d in docs)


def test_each_slot_profile_caps_libreoffice_caches_and_libreoffice_keeps_them(tmp_path):
    """The cache limits are in the profile before LibreOffice first reads it, and still there
    after LibreOffice rewrote its settings on a clean stop (it keeps what its schema knows)."""
    doc = make_doc(tmp_path / "doc.docx", "Dokumen")
    with Converter(slots=1) as converter:
        assert converter.convert([doc], tmp_path / "pdf")[doc].pdf is not None
        slot = converter._all[0]
        slot.stop()
        kept = (slot.profile_dir / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert kept != profile_settings()  # LibreOffice wrote the file itself
    for node, props in PROFILE_SETTINGS.items():
        for name, value in props.items():
            assert f'<item oor:path="{node}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value>' in kept


def stand_in_soffice(folder, script):
    """An executable standing in for LibreOffice's launcher (found through SAKIP_SOFFICE)."""
    path = folder / "soffice"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return path


def test_a_worker_that_never_starts_is_given_up_after_two_tries(tmp_path):
    doc = make_doc(tmp_path / "a.docx", "x")
    started = time.monotonic()
    with Converter(slots=1, startup_timeout=1, command=[uno_python(), "-c", "import time; time.sleep(60)"]) as converter:
        with pytest.raises(ConverterUnavailable, match="tidak dapat dinyalakan .*tidak siap dalam 1 detik"):
            converter.convert_batch([doc], tmp_path / "pdf")
        assert converter.starts == 2
    assert time.monotonic() - started < 15  # two start-up timeouts and their margins, not a minute each


@pytest.mark.parametrize("script, says", [
    ("echo 'libfoo.so: cannot open shared object file' >&2; exit 127", "kode 127 saat dinyalakan: libfoo.so: cannot open shared object"),
    ("exit 1", "soffice berhenti dengan kode 1 saat dinyalakan"),
    ("kill -9 $$", "soffice berhenti dengan kode -9 saat dinyalakan"),
    ("exit 81", "meminta dinyalakan ulang terus-menerus (kode 81)"),
    ("exit 0", "soffice berhenti dengan kode 0 saat dinyalakan"),
])
def test_a_libreoffice_that_exits_at_once_fails_fast_with_one_message(tmp_path, monkeypatch, script, says):
    """Issue 20: a LibreOffice that exits on start made every document wait the 60 s start-up
    timeout and every batch retry; now the converter gives up within seconds, once, for good."""
    monkeypatch.setenv("SAKIP_SOFFICE", str(stand_in_soffice(tmp_path, script)))
    docs = [make_doc(tmp_path / f"d{i}.docx", "x") for i in range(4)]
    started = time.monotonic()
    with Converter(slots=2) as converter:  # the default timeouts: failing fast must not depend on them
        converter.warm_up()
        with pytest.raises(ConverterUnavailable) as caught:
            converter.convert(docs, tmp_path / "pdf")
        message = str(caught.value)
        assert says in message and "\n" not in message and message.startswith("LibreOffice tidak dapat dinyalakan")
        tries = converter.starts
        assert tries <= 4
        with pytest.raises(ConverterUnavailable):  # later batches fail at once, without starting again
            converter.convert_batch(docs[:1], tmp_path / "pdf")
        assert converter.starts == tries and converter.unavailable == message
    assert time.monotonic() - started < 20
    assert not (tmp_path / "pdf").exists() or not list((tmp_path / "pdf").iterdir())


def test_a_missing_soffice_is_unavailable_without_starting(tmp_path, monkeypatch):
    monkeypatch.setenv("SAKIP_SOFFICE", str(tmp_path / "tidak-ada" / "soffice"))
    with Converter(slots=1) as converter, pytest.raises(ConverterUnavailable, match="tidak-ada/soffice .*SAKIP_SOFFICE"):
        converter.convert_batch([make_doc(tmp_path / "a.docx", "x")], tmp_path / "pdf")
    assert converter.starts == 0
    with Converter(slots=1, soffice_path=tmp_path / "a.docx") as converter, \
            pytest.raises(ConverterUnavailable, match="tidak ada atau tidak dapat dijalankan"):
        converter.convert_batch([tmp_path / "a.docx"], tmp_path / "pdf")  # not executable


def test_a_start_that_fails_once_is_tried_again_with_a_fresh_profile(tmp_path, monkeypatch):
    """One failed start is not a broken LibreOffice: the slot starts again and converts."""
    mark = tmp_path / "sudah"
    real = shutil.which("soffice")
    monkeypatch.setenv("SAKIP_SOFFICE", str(stand_in_soffice(
        tmp_path, f'if [ ! -e {mark} ]; then touch {mark}; exit 1; fi\nexec {real} "$@"\n')))
    doc = make_doc(tmp_path / "a.docx", "x")
    with Converter(slots=1) as converter:
        [outcome] = converter.convert_batch([doc], tmp_path / "pdf")
        assert converter.starts == 2 and not converter.unavailable
    assert outcome.pdf is not None and check_pdf(outcome.pdf) == 1


def test_cli_preview_with_a_libreoffice_that_exits_at_once_is_one_line(tmp_path):
    env = {**os.environ, "SAKIP_SOFFICE": str(stand_in_soffice(tmp_path, "exit 1"))}
    started = time.monotonic()
    proc = subprocess.run([*SAKIP, "template", "preview", str(ROOT / "templates/sampul"), "--outputs", str(tmp_path / "out")],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    assert time.monotonic() - started < 60
    assert proc.returncode == 1 and "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("galat: LibreOffice tidak dapat dinyalakan (soffice berhenti dengan kode 1")


def test_the_temporary_folder_of_a_killed_run_is_swept_by_the_next_converter(tmp_path):
    """kill -9 of a process using LibreOffice leaves its profiles behind; the next converter on
    the machine removes them, and keeps those of processes still running."""
    child = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from sakip.pdf.convert import Converter\n"
        "c = Converter(slots=1)\n"
        "c.warm_up()\n"
        "print(c._root, flush=True)\n"
        "time.sleep(600)\n")], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    root = Path(child.stdout.readline().strip())
    deadline = time.monotonic() + 30
    while not (root / "profile-0").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert (root / "profile-0").exists()  # LibreOffice made its profile
    child.kill()
    child.wait()
    child.stdout.close()
    # Folders of a live process (ours, with our start time) and of another user stay; one whose
    # pid is live but started at another time (the pid was reused) is gone like the killed one's.
    me = os.getpid()
    with open(f"/proc/{me}/stat", "rb") as fh:
        since = fh.read().rsplit(b")", 1)[1].split()[19].decode()
    alive = Path(tempfile.mkdtemp(prefix=f"sakip-lo-{me}-{since}-"))
    reused = Path(tempfile.mkdtemp(prefix=f"sakip-lo-{me}-1-"))
    foreign = Path(tempfile.mkdtemp(prefix="sakip-lo-1-1-"))
    os.chown(foreign, 4321, 4321)
    unrelated = Path(tempfile.mkdtemp(prefix="sakip-lo-"))  # no owner in its name: not ours to judge
    try:
        with Converter(slots=1):
            assert not root.exists() and not reused.exists()
            assert alive.exists() and foreign.exists() and unrelated.exists()
        # nothing of the killed run keeps running either: its worker saw its stdin close
        deadline = time.monotonic() + 20
        while running_with(root) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert running_with(root) == []
    finally:
        for folder in (alive, reused, foreign, unrelated):
            shutil.rmtree(folder, ignore_errors=True)


def running_with(folder):
    """Live processes whose command line names `folder` (a worker or soffice using a profile in it)."""
    found = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                mine = str(folder).encode() in fh.read()
            with open(f"/proc/{entry}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if mine and state != "Z":
            found.append(int(entry))
    return found


def test_check_pdf_rejects_missing_and_broken(tmp_path):
    with pytest.raises(ConversionError, match="tidak menghasilkan PDF"):
        check_pdf(tmp_path / "none.pdf")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 garbage")
    with pytest.raises(ConversionError):
        check_pdf(tmp_path / "b.pdf")


def test_stems_must_be_unique(tmp_path):
    with Converter(slots=1) as converter, pytest.raises(ValueError):
        converter.convert([tmp_path / "a" / "x.docx", tmp_path / "b" / "x.docx"], tmp_path / "pdf")


def test_close_during_warm_up_leaves_no_libreoffice(tmp_path):
    converter = Converter(slots=2)
    converter.warm_up()
    deadline = time.monotonic() + 10
    while not running_with(converter._root) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running_with(converter._root)  # closed while LibreOffice is still starting
    converter.close()
    assert running_with(converter._root) == []
