"""Where outputs go, and how they are written: names made safe, files replaced atomically.

PK codes come from officials' workbooks, so they are data: a code never becomes a path
component unless it is made of safe characters, and every final path is checked to stay
under outputs/.

Outputs may live on another filesystem than the temporary folder (a data disk, an NFS or SMB
share), and that filesystem may be full, read-only or not writable: a file is always written
under a temporary name in its own destination folder and renamed there (a rename never crosses
filesystems), and every storage failure becomes one StorageError naming the folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import PackageError, StorageError, visible

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_component(text: str) -> str:
    """A file-name component from data: unsafe characters become '_', no dot-only names."""
    name = _UNSAFE.sub("_", text.strip()).strip("._") or "_"
    return name[:80]


def inside(root: Path, *parts: str) -> Path:
    """root/parts with every part made safe; refuses anything that would leave root."""
    path = root.joinpath(*(safe_component(p) for p in parts))
    base = root.resolve()
    if not path.resolve().is_relative_to(base):
        raise PackageError(f"jalur keluaran {path} berada di luar {root}")
    return path


def period_dir(outputs: Path, year: int, quarter: int) -> Path:
    return inside(outputs, str(year), f"TW{quarter}")


def pk_dir(outputs: Path, year: int, quarter: int, pk: str) -> Path:
    return inside(period_dir(outputs, year, quarter), pk)


# An agency's recap (and LKjIP) revisions: a PK's folder never starts with '_' (safe_component
# strips it), so the two never meet.
AGENCY_FOLDER = "_instansi"


def agency_suffix(agency: str) -> str:
    return f"_{safe_component(agency)}" if agency else ""


def agency_folder(outputs: Path, year: int, quarter: int, agency: str) -> Path:
    """outputs/<y>/TW<n>/_instansi[_<agency>]/."""
    return period_dir(outputs, year, quarter) / f"{AGENCY_FOLDER}{agency_suffix(agency)}"


# Where one agency's run, fanned out from a period's run (flows/quarterly.py, agency_quarterly),
# keeps what a whole-period run keeps in the period's folder: its lock, summary, paraf page,
# last verdicts and work folder. Hidden, so never taken for a PK's folder.
STATE_FOLDER = ".instansi"


def state_dir(outputs: Path, year: int, quarter: int, agency: str | None = None) -> Path:
    """outputs/<y>/TW<n>/ for a whole-period run; outputs/<y>/TW<n>/.instansi/<agency>/ for one agency's."""
    folder = period_dir(outputs, year, quarter)
    return folder if agency is None else inside(folder / STATE_FOLDER, agency)


def is_agency_folder(name: str) -> bool:
    return name == AGENCY_FOLDER or name.startswith(AGENCY_FOLDER + "_")


# errno -> what happened, what to do. The advice names the folder's disk, not sakip's options,
# because the same folder is reached by `run`, `forms`, `sign` and the converter alike.
_STORAGE_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("ruang disk penuh", "kosongkan ruang di disk itu (atau pilih folder lain), lalu jalankan ulang"),
    errno.EDQUOT: ("kuota disk pengguna ini habis", "minta tambahan kuota atau hapus berkas lama, lalu jalankan ulang"),
    errno.EROFS: ("disknya hanya-baca (read-only)",
                  "pasang ulang disk itu dengan izin tulis (mount -o remount,rw) atau pilih folder lain"),
    errno.EACCES: ("tidak ada izin menulis bagi pengguna ini",
                   "beri izin tulis pada folder itu (chown/chmod) atau pilih folder lain"),
    errno.EPERM: ("tidak ada izin menulis bagi pengguna ini",
                  "beri izin tulis pada folder itu (chown/chmod) atau pilih folder lain"),
    errno.EXDEV: ("berkas tidak dapat dipindahkan antar-disk dengan rename",
                  "laporkan galat ini ke pengembang sakip"),
    errno.ENAMETOOLONG: ("nama atau jalur berkas terlalu panjang", "pilih folder keluaran dengan jalur yang lebih pendek"),
    errno.EIO: ("galat baca/tulis pada disk (disk rusak atau sambungan berbagi jaringan terputus)",
                "periksa disk atau sambungan jaringannya, lalu jalankan ulang"),
    errno.EFBIG: ("berkas melebihi ukuran terbesar yang diizinkan disk itu", "pilih folder pada disk lain"),
    errno.ENOENT: ("folder itu hilang saat ditulisi (dihapus, dipindahkan, atau disk dilepas)",
                   "pastikan folder dan disknya tersedia, lalu jalankan ulang"),
    errno.ENOTDIR: ("sebagian jalurnya adalah berkas, bukan folder",
                    "pindahkan atau ganti nama berkas yang menghalangi, lalu jalankan ulang"),
    errno.EEXIST: ("sudah ada berkas dengan nama folder itu",
                   "pindahkan atau ganti nama berkas yang menghalangi, lalu jalankan ulang"),
    errno.EISDIR: ("sudah ada folder dengan nama berkas yang akan ditulis",
                   "pindahkan atau ganti nama folder yang menghalangi, lalu jalankan ulang"),
    errno.EMLINK: ("folder itu sudah berisi terlalu banyak folder", "arsipkan periode lama ke disk lain"),
    errno.ESTALE: ("berbagi jaringan (NFS) itu tidak lagi tersedia", "pasang ulang berbagi jaringan itu, lalu jalankan ulang"),
    errno.ENOTCONN: ("sambungan ke berbagi jaringan terputus", "pasang ulang berbagi jaringan itu, lalu jalankan ulang"),
    errno.EHOSTDOWN: ("server berbagi jaringan tidak dapat dihubungi", "periksa server dan jaringannya, lalu jalankan ulang"),
    errno.ETIMEDOUT: ("server berbagi jaringan tidak menjawab", "periksa server dan jaringannya, lalu jalankan ulang"),
    errno.ELOOP: ("jalurnya memuat tautan simbolik yang berputar", "perbaiki tautan simbolik pada jalur itu"),
}

# Codes that are about the disk whatever file the failing call was given: inside a write block
# they are the destination's, never a source file's.
_DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO, errno.EFBIG, errno.ESTALE,
                          errno.ENOTCONN, errno.EHOSTDOWN})


def storage_error(exc: OSError, folder: Path, other: str = "") -> StorageError:
    """One Indonesian line for a failed write into `folder`: what happened and what to do.
    `other` replaces the generic "pilih folder lain" hint (e.g. with the option that chooses it)."""
    reason, advice = _STORAGE_REASONS.get(
        exc.errno or 0, (f"galat sistem berkas: {visible(exc.strerror or type(exc).__name__)}",
                         "periksa disk dan folder itu, lalu jalankan ulang"))
    if other:
        advice = advice.replace("pilih folder lain", other)
    code = errno.errorcode.get(exc.errno or 0, "")
    return StorageError(f"tidak dapat menulis ke folder {visible(str(folder))}: {reason}"
                        f"{f' ({code})' if code else ''}; {advice}", folder, exc.errno)


def make_folder(folder: Path) -> Path:
    """`folder` and its parents, made if missing; a failure is a StorageError that names the
    folder in the way (a file of that name) or the folder that refused a new entry."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if not isinstance(exc.filename, (str, os.PathLike)):
            raise storage_error(exc, folder) from exc
        made = Path(exc.filename)
        if exc.errno == errno.ENOTDIR:
            made = _in_the_way(made)
        raise storage_error(exc, made if exc.errno in (errno.ENOTDIR, errno.EEXIST) else made.parent) from exc
    return folder


def _in_the_way(path: Path) -> Path:
    """The first part of `path` that exists and is not a folder (what ENOTDIR is about)."""
    for part in [*reversed(path.parents), path]:
        if (part.exists() or part.is_symlink()) and not part.is_dir():
            return part
    return path


def _fsync(path: Path, flags: int = os.O_RDONLY) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


BUILDING_SUFFIX = ".sementara"  # a revision being built, published whole by a rename
WORK_FOLDER = ".kerja"  # a run's intermediate files, never published
CACHE_FOLDER = ".cache"  # what a run may reuse (sakip.ingest.bacaan); an entry lost in a crash is made again


def _flushed_later(final: Path) -> bool:
    """Whether a file is made durable by someone else: inside a revision being built, all its
    files are flushed at once when it is published (flush_tree), and work files and cache
    entries never need to be. One flush per revision instead of one per file: ~50 ms less per PK on a journaling disk."""
    return any(part.endswith(BUILDING_SUFFIX) or part in (WORK_FOLDER, CACHE_FOLDER) for part in final.parent.parts)


def flush_tree(folder: Path) -> None:
    """Put everything written under `folder` on the disk before it is published by a rename:
    one syncfs(2) of its filesystem where Linux has it, else an fsync per file. A write the
    disk could not complete (a network share that filled up) raises StorageError here."""
    try:
        if _syncfs is not None:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            try:
                if _syncfs(fd) != 0:
                    code = ctypes.get_errno()
                    raise OSError(code, os.strerror(code))
            finally:
                os.close(fd)
            return
        for root, _dirs, files in os.walk(folder):
            for name in files:
                _fsync(Path(root, name))
    except OSError as exc:
        raise storage_error(exc, folder.parent) from exc


def _load_syncfs():
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.syncfs
    except (OSError, AttributeError):  # not Linux
        return None


_syncfs = _load_syncfs()


@contextlib.contextmanager
def atomic_path(final: Path) -> Iterator[Path]:
    """Yield a temporary path beside `final`; rename it over `final` only if the block succeeds.

    The temporary file is in `final`'s own folder, so the rename never crosses filesystems, and
    it is flushed to the disk before the rename (or with its whole revision, see flush_tree), so
    a crash leaves the old file or the new one whole. A run killed mid-write leaves a '.tmp' file, never a partial file under the final
    name. A storage failure (disk full, read-only, not writable, share gone), in the block or
    around it, raises StorageError naming the folder; the temporary file is removed.
    """
    folder = make_folder(final.parent)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise storage_error(exc, folder) from exc
    tmp_path = Path(tmp)
    try:
        try:
            os.close(fd)
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are for the office to read
        except OSError as exc:
            raise storage_error(exc, folder) from exc
        try:
            yield tmp_path
        except OSError as exc:
            # A source that cannot be read is the caller's failure; a full, read-only or vanished
            # destination is the folder's.
            if exc.errno in _DISK_ERRNOS or _names(exc, tmp_path, final):
                raise storage_error(exc, folder) from exc
            raise
        try:
            if not _flushed_later(final):
                _fsync(tmp_path)
            os.replace(tmp_path, final)
        except OSError as exc:
            raise storage_error(exc, folder) from exc
    finally:
        with contextlib.suppress(OSError):  # on a read-only disk there is nothing to remove
            tmp_path.unlink(missing_ok=True)


def _names(exc: OSError, *paths: Path) -> bool:
    """Whether the failed call was given one of `paths`."""
    return any(isinstance(f, (str, os.PathLike)) and Path(f) in paths for f in (exc.filename, exc.filename2))


def write_bytes(final: Path, data: bytes) -> Path:
    with atomic_path(final) as tmp:
        tmp.write_bytes(data)
    return final


def move_into(source: Path, final: Path) -> Path:
    """Move a finished file to `final`: a rename when both are on one filesystem, else a copy
    written atomically in `final`'s folder and the source removed (a temporary folder is often
    another filesystem than the outputs: tmpfs, a data disk, a network share)."""
    make_folder(final.parent)
    try:
        os.replace(source, final)
        return final
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise storage_error(exc, final.parent) from exc
    with atomic_path(final) as tmp:
        shutil.copyfile(source, tmp)
    source.unlink(missing_ok=True)
    return final


def leftovers(folder: Path) -> list[Path]:
    """What a run killed mid-way left in a period's folder: temporary files of atomic writes
    ('.name.xxx.tmp', '.latest.<pid>'), revision folders built but never published
    ('.rev-NN.sementara') and the work folder ('.kerja'). Only hidden names: a published file
    or revision is never among them. Symlinks are not followed."""
    found = []
    for root, dirs, files in os.walk(folder):
        for d in list(dirs):
            if d == WORK_FOLDER or (d.startswith(".rev-") and d.endswith(BUILDING_SUFFIX)):
                found.append(Path(root, d))
                dirs.remove(d)
        found += [Path(root, f) for f in files
                  if f.startswith(".") and (f.endswith(".tmp") or f.startswith(".latest."))]
    return sorted(found)


def sweep(folder: Path) -> list[Path]:
    """Remove `leftovers(folder)`; only while holding the period's lock (no run is writing).
    What cannot be removed (a read-only disk) stays: hidden, it is never taken as an output."""
    gone = leftovers(folder)
    for path in gone:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    return gone
