import os
import shutil
import time

import pytest
from docx import Document

from sakip.convert import Converter, check_pdf, uno_python
from sakip.errors import ConversionError

pytestmark = pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")

STAND_IN = os.path.join(os.path.dirname(__file__), "stand_in_worker.py")


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


def test_a_worker_that_never_starts_fails_every_document_clearly(tmp_path):
    doc = make_doc(tmp_path / "a.docx", "x")
    with Converter(slots=1, startup_timeout=1, command=[uno_python(), "-c", "import time; time.sleep(60)"]) as converter:
        [outcome] = converter.convert_batch([doc], tmp_path / "pdf")
    assert outcome.pdf is None and "gagal dinyalakan" in outcome.error


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
    def started_by(converter):
        """Live (not zombie) processes of this converter: each worker and soffice names its profile folder."""
        found = []
        for entry in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    mine = str(converter._root).encode() in fh.read()
                with open(f"/proc/{entry}/stat") as fh:
                    state = fh.read().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if mine and state != "Z":
                found.append(int(entry))
        return found

    converter = Converter(slots=2)
    converter.warm_up()
    deadline = time.monotonic() + 10
    while not started_by(converter) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert started_by(converter)  # closed while LibreOffice is still starting
    converter.close()
    assert started_by(converter) == []
