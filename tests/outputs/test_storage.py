"""Storage (issue 20, class 7): outputs on another filesystem than the temporary folder, a full
disk, a read-only or not writable one.

Real filesystems, no mocks: each test mounts a small tmpfs of its own (as root, as CI runs; the
tests skip with the reason where mounting is not permitted) while the temporary folder stays on
the machine's disk, so every publication crosses filesystems. The disk is filled by writing until
the kernel says ENOSPC, made read-only with `mount -o remount,ro`, and unmounted whatever happens.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import pickle
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from sakip.outputs import revisions
from sakip.pdf.convert import Converter, check_pdf
from sakip.outputs.files import (StorageError, atomic_path, leftovers, make_folder, move_into, storage_error, sweep,
                           write_bytes)

from tests.conftest import ROOT, SAKIP

KEYS = revisions.Keys(data="d1", full="f1")


@dataclass
class Disk:
    """A mounted tmpfs: fill it, free it, make it read-only and writable again."""

    path: Path

    def fill(self) -> Path:
        """Write one file until the disk is full; returns it (remove it to free the space)."""
        filler = self.path / "pengisi.bin"
        chunk = b"\0" * (64 << 10)
        with pytest.raises(OSError) as full, filler.open("wb") as fh:
            while True:
                fh.write(chunk)
                fh.flush()
        assert full.value.errno == errno.ENOSPC
        return filler

    def exhaust_inodes(self) -> list[Path]:
        """Create empty files until no inode is left (a tmpfs with nr_inodes)."""
        made = []
        with pytest.raises(OSError) as full:
            for i in range(100_000):
                (self.path / f".inode-{i}").touch()
                made.append(self.path / f".inode-{i}")
        assert full.value.errno == errno.ENOSPC
        return made

    def remount(self, mode: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{mode}", str(self.path)], check=True, capture_output=True)

    def files(self) -> list[str]:
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*"))


@contextlib.contextmanager
def mounted(folder: Path, options: str):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    folder.mkdir()
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"mount -t tmpfs is not permitted here: {proc.stderr.strip()}")
    try:
        disk = Disk(folder)
        # The premise of every test here: the temporary folder is another filesystem.
        assert os.stat(folder).st_dev != os.stat(tempfile.gettempdir()).st_dev
        yield disk
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.fixture
def disk(tmp_path):
    with mounted(tmp_path / "disk", "size=4M,mode=0755") as d:
        yield d


@pytest.fixture
def few_inodes(tmp_path):
    with mounted(tmp_path / "disk", "size=4M,nr_inodes=64,mode=0755") as d:
        yield d


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def publish(pk_folder: Path, keys: revisions.Keys = KEYS, body: bytes = b"%PDF-1.7 paket") -> Path:
    """A revision as a run leaves it: a package and its manifest, then published."""
    plan = revisions.plan("PK-A", pk_folder, keys)
    build = revisions.start(plan)
    write_bytes(build / "paket_PK-A_2026_TW2.pdf", body)
    revisions.write_json(build / "paket_PK-A_2026_TW2.manifest.json", {
        "paket": {"sha256": hashlib.sha256(body).hexdigest(), "ukuran": len(body), "revisi": plan.revision},
        "kunci": {"data": keys.data, "lengkap": keys.full}, "berkas": []})
    return revisions.publish(plan)


def make_doc(path: Path, text: str) -> Path:
    d = Document()
    d.add_paragraph(text)
    d.save(path)
    return path


def no_temporaries(folder: Path) -> None:
    """Nothing half-written: no temporary file, no revision build, no new latest link."""
    assert leftovers(folder) == []
    assert not [p for p in folder.rglob("*") if p.name.endswith((".tmp", ".sementara")) or p.name.startswith(".latest.")]


def assert_storage_error(caught: pytest.ExceptionInfo, folder: Path, *says: str) -> None:
    message = str(caught.value)
    assert isinstance(caught.value, StorageError)
    assert message.startswith(f"tidak dapat menulis ke folder {folder}: "), message
    assert "\n" not in message and all(s in message for s in says), message


# (a) another filesystem than the temporary folder ------------------------------------------


def test_files_and_revisions_are_published_onto_another_filesystem(disk):
    """Issue 20: `--outputs` on another filesystem failed with EXDEV when a file made in /tmp
    was renamed into place."""
    outputs = disk.path / "outputs"
    made_in_tmp = Path(tempfile.mkstemp(suffix=".pdf")[1])
    made_in_tmp.write_bytes(b"%PDF-1.7 dari /tmp")
    moved = move_into(made_in_tmp, outputs / "2026/TW2/dokumen/laporan.pdf")
    assert moved.read_bytes() == b"%PDF-1.7 dari /tmp" and not made_in_tmp.exists()
    first = publish(outputs / "2026/TW2/PK-A")
    second = publish(outputs / "2026/TW2/PK-A", revisions.Keys("d2", "f2"), b"%PDF-1.7 revisi dua")
    assert os.readlink(outputs / "2026/TW2/PK-A/latest") == "rev-02" == second.name
    assert (first / "paket_PK-A_2026_TW2.pdf").read_bytes() == b"%PDF-1.7 paket"
    assert oct((second / "paket_PK-A_2026_TW2.pdf").stat().st_mode & 0o777) == "0o644"
    no_temporaries(outputs)


def test_move_into_on_one_filesystem_is_a_rename(disk):
    source = disk.path / "a.pdf"
    source.write_bytes(b"x")
    inode = source.stat().st_ino
    assert move_into(source, disk.path / "b" / "a.pdf").stat().st_ino == inode


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_a_real_conversion_writes_its_pdfs_onto_another_filesystem(disk, tmp_path):
    docs = [make_doc(tmp_path / f"dok{i}.docx", f"Dokumen {i}") for i in range(3)]
    out = disk.path / "outputs/2026/TW2/.kerja"
    with Converter(slots=1) as converter:
        outcomes = converter.convert_batch(docs, out)
    assert [o.error for o in outcomes] == ["", "", ""]
    assert all(o.pdf.parent == out and check_pdf(o.pdf) == 1 for o in outcomes)
    assert sorted(p.name for p in out.iterdir()) == ["dok0.pdf", "dok1.pdf", "dok2.pdf"]


# (b) a full disk --------------------------------------------------------------------------


def _write_bytes(folder: Path) -> None:
    write_bytes(folder / "ringkasan.json", b"{}" * 100_000)


def _workbook(folder: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["x" * 1000] * 50)
    with atomic_path(folder / "KOREKSI_PK-A.xlsx") as tmp:
        wb.save(tmp)


def _move_from_tmp(folder: Path) -> None:
    source = Path(tempfile.mkstemp(suffix=".pdf")[1])
    source.write_bytes(os.urandom(300_000))
    try:
        move_into(source, folder / "laporan.pdf")
    except StorageError:
        assert source.exists()  # the source stays when the copy failed
        source.unlink()
        raise
    assert not source.exists()


def _json(folder: Path) -> None:
    revisions.write_json(folder / "data.json", {"nilai": {f"isian {i}": "x" * 100 for i in range(3000)}})


@pytest.mark.parametrize("write", [_write_bytes, _workbook, _move_from_tmp, _json])
def test_a_full_disk_is_one_message_nothing_half_written_and_a_rerun_after_freeing_works(disk, write):
    outputs = disk.path / "outputs"
    folder = outputs / "2026/TW2"
    published = publish(folder / "PK-A")
    before = sha(published / "paket_PK-A_2026_TW2.pdf")
    filler = disk.fill()
    with pytest.raises(StorageError) as caught:
        write(folder)
    assert_storage_error(caught, folder, "ruang disk penuh (ENOSPC)", "kosongkan ruang")
    assert caught.value.folder == folder and caught.value.errno == errno.ENOSPC
    no_temporaries(outputs)
    assert sorted(p.name for p in folder.iterdir()) == ["PK-A"]  # nothing under a final name
    assert sha(published / "paket_PK-A_2026_TW2.pdf") == before
    filler.unlink()
    write(folder)
    no_temporaries(outputs)


def test_a_revision_that_cannot_be_written_on_a_full_disk_is_not_published(disk):
    pk = disk.path / "outputs/2026/TW2/PK-A"
    publish(pk)
    filler = disk.fill()
    plan = revisions.plan("PK-A", pk, revisions.Keys("d2", "f2"))
    build = revisions.start(plan)
    with pytest.raises(StorageError, match="ruang disk penuh"):
        write_bytes(build / "paket_PK-A_2026_TW2.pdf", os.urandom(500_000))
    shutil.rmtree(build)  # what the caller does with a revision it could not finish
    assert os.readlink(pk / "latest") == "rev-01" and revisions.revisions(pk) == [1]
    no_temporaries(pk)
    filler.unlink()
    assert publish(pk, revisions.Keys("d2", "f2")).name == "rev-02"


def test_publishing_without_a_free_inode_is_undone_and_latest_stays(few_inodes):
    """The new `latest` link needs an inode: when there is none the revision is not left
    published behind a `latest` that names the one before."""
    pk = few_inodes.path / "PK-A"
    publish(pk)
    plan = revisions.plan("PK-A", pk, revisions.Keys("d2", "f2"))
    build = revisions.start(plan)
    (build / "paket_PK-A_2026_TW2.pdf").write_bytes(b"%PDF-1.7 dua")
    made = few_inodes.exhaust_inodes()
    with pytest.raises(StorageError) as caught:
        revisions.publish(plan)
    assert_storage_error(caught, pk, "ruang disk penuh (ENOSPC)")
    assert os.readlink(pk / "latest") == "rev-01" and revisions.revisions(pk) == [1]
    assert not plan.building.exists() and not plan.folder.exists()
    for p in made:
        p.unlink()
    no_temporaries(pk)
    assert publish(pk, revisions.Keys("d2", "f2")).name == "rev-02"


def test_no_inode_for_a_new_folder_names_the_folder_that_refused_it(few_inodes):
    few_inodes.exhaust_inodes()
    with pytest.raises(StorageError) as caught:
        write_bytes(few_inodes.path / "outputs/2026/TW2/ringkasan.json", b"{}")
    assert_storage_error(caught, few_inodes.path, "ruang disk penuh")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_a_conversion_onto_a_full_disk_stops_with_one_message_and_works_after_freeing(disk, tmp_path):
    docs = [make_doc(tmp_path / f"dok{i}.docx", f"Dokumen {i} " + "isi " * 2000) for i in range(2)]
    out = disk.path / "outputs/2026/TW2/.kerja"
    out.mkdir(parents=True)
    filler = disk.fill()
    with Converter(slots=1) as converter:
        with pytest.raises(StorageError) as caught:
            converter.convert_batch(docs, out)
        assert_storage_error(caught, out, "ruang disk penuh (ENOSPC)")
        assert list(out.iterdir()) == []
        filler.unlink()
        outcomes = converter.convert_batch(docs, out)  # the same converter goes on
    assert [o.error for o in outcomes] == ["", ""] and all(check_pdf(o.pdf) >= 1 for o in outcomes)


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_a_full_temporary_folder_names_it_and_tmpdir(few_inodes, monkeypatch):
    """LibreOffice's profiles and PDFs live in the temporary folder: when that disk is full the
    message names it and says how to choose another."""
    monkeypatch.setattr(tempfile, "tempdir", str(few_inodes.path))
    few_inodes.exhaust_inodes()
    with pytest.raises(StorageError) as caught:
        Converter(slots=1)
    assert_storage_error(caught, few_inodes.path, "ruang disk penuh", "TMPDIR")


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_libreoffice_failing_to_write_on_a_full_temporary_disk_is_the_disks_failure(disk, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(disk.path))
    docs = [make_doc(tmp_path / f"dok{i}.docx", f"Dokumen {i} " + "isi " * 3000) for i in range(2)]
    with Converter(slots=1) as converter:
        [first] = converter.convert_batch(docs[:1], tmp_path / "pdf")  # LibreOffice and its profile are up
        assert first.pdf is not None
        filler = disk.fill()
        with pytest.raises(StorageError) as caught:
            converter.convert_batch(docs[1:], tmp_path / "pdf")
        assert "ruang disk penuh (ENOSPC)" in str(caught.value) and "TMPDIR" in str(caught.value)
        filler.unlink()
        [again] = converter.convert_batch(docs[1:], tmp_path / "pdf")
    assert again.pdf is not None and check_pdf(again.pdf) >= 1


# (c) a read-only disk ---------------------------------------------------------------------


def _start_revision(folder: Path) -> None:
    revisions.start(revisions.plan("PK-B", folder / "PK-B", KEYS))


def _new_folder(folder: Path) -> None:
    make_folder(folder / "PK-C" / "rev-01")


def _publish_built(folder: Path) -> None:
    revisions.publish(revisions.plan("PK-A", folder / "PK-A", revisions.Keys("d2", "f2")))


def _convert(folder: Path) -> None:
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    doc = make_doc(Path(tempfile.mkdtemp()) / "dok.docx", "x")
    with Converter(slots=1) as converter:
        converter.convert_batch([doc], folder / ".kerja")


@pytest.mark.parametrize("write", [_write_bytes, _workbook, _move_from_tmp, _json, _start_revision, _new_folder,
                                   _publish_built, _convert])
def test_a_read_only_disk_is_one_message_and_nothing_changes(disk, write):
    outputs = disk.path / "outputs"
    folder = outputs / "2026/TW2"
    published = publish(folder / "PK-A")
    revisions.start(revisions.plan("PK-A", folder / "PK-A", revisions.Keys("d2", "f2")))  # for _publish_built
    before = disk.files()
    disk.remount("ro")
    try:
        with pytest.raises(StorageError) as caught:
            write(folder)
        message = str(caught.value)
        assert "hanya-baca" in message and "(EROFS)" in message and "mount -o remount,rw" in message, message
        assert message.startswith("tidak dapat menulis ke folder ") and str(folder) in message and "\n" not in message
        assert sweep(folder) and disk.files() == before  # a leftover it cannot remove is no error either
    finally:
        disk.remount("rw")
    assert os.readlink(folder / "PK-A/latest") == "rev-01" and (published / "paket_PK-A_2026_TW2.pdf").exists()


def test_the_cli_on_a_read_only_outputs_disk_is_one_line(disk):
    disk.remount("ro")
    proc = subprocess.run([*SAKIP, "forms", "2026", "2", "--inputs", str(ROOT / "inputs"), "--outputs", str(disk.path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(f"galat: tidak dapat menulis ke folder {disk.path}") and "hanya-baca" in line, line


# not writable, in the way, too long -------------------------------------------------------


def test_an_outputs_folder_the_user_may_not_write_is_one_line_from_the_cli(tmp_path):
    """Root may write anywhere; the command runs without the capabilities that allow it, as an
    ordinary user would (EACCES)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to run without the permission to override file modes")
    outputs = tmp_path / "keluaran"
    outputs.mkdir(mode=0o555)
    proc = subprocess.run(["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", *SAKIP, "forms", "2026",
                           "2", "--inputs", str(ROOT / "inputs"), "--outputs", str(outputs)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 1 and "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith(f"galat: tidak dapat menulis ke folder {outputs}: tidak ada izin menulis"), line
    assert "(EACCES)" in line and list(outputs.iterdir()) == []


def test_an_immutable_folder_is_not_writable(tmp_path):
    folder = tmp_path / "kunci"
    folder.mkdir()
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not supported here")
    try:
        with pytest.raises(StorageError) as caught:
            write_bytes(folder / "ringkasan.json", b"{}")
        assert_storage_error(caught, folder, "tidak ada izin menulis", "(EPERM)")
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert list(folder.iterdir()) == []


def test_a_file_where_the_outputs_folder_should_be_is_named(tmp_path):
    (tmp_path / "outputs").write_text("bukan folder")
    with pytest.raises(StorageError) as caught:
        write_bytes(tmp_path / "outputs/2026/TW2/ringkasan.json", b"{}")
    assert_storage_error(caught, tmp_path / "outputs", "sebagian jalurnya adalah berkas")
    (tmp_path / "o2").mkdir()
    (tmp_path / "o2/2026").write_text("")
    with pytest.raises(StorageError, match="2026: sudah ada berkas|2026: sebagian jalurnya"):
        make_folder(tmp_path / "o2/2026")


def test_a_name_too_long_for_the_disk(tmp_path):
    with pytest.raises(StorageError) as caught:
        write_bytes(tmp_path / ("a" * 300 + ".pdf"), b"x")
    assert_storage_error(caught, tmp_path, "terlalu panjang", "(ENAMETOOLONG)")
    assert list(tmp_path.iterdir()) == []


def test_a_source_that_cannot_be_read_is_not_blamed_on_the_destination(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "paket.pdf") as tmp:
        tmp.write_bytes((tmp_path / "tidak-ada.pdf").read_bytes())
    assert list(tmp_path.iterdir()) == []


# the message itself -----------------------------------------------------------------------


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EXDEV,
                                  errno.ENAMETOOLONG, errno.EIO, errno.EFBIG, errno.ENOENT, errno.ENOTDIR, errno.EEXIST,
                                  errno.EISDIR, errno.EMLINK, errno.ESTALE, errno.ENOTCONN, errno.EHOSTDOWN,
                                  errno.ETIMEDOUT, errno.ELOOP, errno.EBUSY])
def test_every_storage_error_is_one_indonesian_line_naming_the_folder(code):
    folder = Path("/data/sakip/outputs/2026/TW2\nPK\u202eA")
    error = storage_error(OSError(code, os.strerror(code)), folder)
    message = str(error)
    assert message.startswith("tidak dapat menulis ke folder /data/sakip/outputs/2026/TW2<U+000A>PK<U+202E>A: ")
    assert "\n" not in message and "\u202e" not in message and f"({errno.errorcode[code]})" in message
    assert os.strerror(code) not in message or code == errno.EBUSY  # Indonesian, except an errno without a text of ours
    assert "; " in message  # what to do
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == message and again.folder == folder and again.errno == code


def test_storage_error_is_a_sakip_error_for_the_cli_boundary():
    from sakip.errors import SakipError

    assert issubclass(StorageError, SakipError)


def test_the_converter_temporary_folder_hint_replaces_the_generic_one():
    message = str(storage_error(OSError(errno.ENOSPC, "x"), Path("/tmp"), other="atur TMPDIR ke folder di disk lain"))
    assert "atur TMPDIR ke folder di disk lain" in message and "pilih folder lain" not in message



# durability ---------------------------------------------------------------------------------


def test_files_of_a_revision_being_built_are_flushed_once_when_it_is_published(tmp_path, monkeypatch):
    """A file published alone is fsynced before its rename; the files of a revision are flushed
    together (one syncfs) just before the revision's rename, and work files never."""
    from sakip.outputs import files as outputs

    synced, flushed = [], []
    real_fsync, real_flush = os.fsync, outputs.flush_tree
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(os.readlink(f"/proc/self/fd/{fd}")), real_fsync(fd)))
    monkeypatch.setattr(outputs, "flush_tree", lambda folder: (flushed.append(folder), real_flush(folder)))
    monkeypatch.setattr(revisions, "flush_tree", outputs.flush_tree)
    write_bytes(tmp_path / "ringkasan.json", b"{}")
    assert [Path(p).name.startswith(".ringkasan.json.") for p in synced] == [True]
    synced.clear()
    published = publish(tmp_path / "PK-A")
    write_bytes(tmp_path / ".kerja" / "x.pdf", b"x")
    assert [Path(p).name for p in synced] == ["PK-A"]  # the folder holding the renames, nothing else
    assert flushed == [tmp_path / "PK-A" / ".rev-01.sementara"] and published.name == "rev-01"
