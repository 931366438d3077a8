"""DOCX -> PDF with LibreOffice kept warm, one document at a time per slot, never silently.

Each slot is one LibreOffice (soffice) with a private, long-lived profile, driven over UNO by
`sakip/pdf/uno_worker.py` running under a Python that has LibreOffice's `uno` module (Debian's
/usr/bin/python3 with python3-uno). Measured on the demo's documents: a warm slot converts in
~60 ms per document after a ~1 s start, against ~110 ms per document for one `soffice
--convert-to` invocation per batch and ~0.8 s for one cold soffice per file. unoserver was
the library candidate; it sleeps a fixed 7 s on every start (and so on every restart) and its
client has no per-call timeout, which this converter needs.

Every document has its own timeout: a document that makes LibreOffice hang or crash gets the
whole process group of its slot killed, fails alone with a message saying so, and the slot
restarts for the next document. A slot also restarts after `restart_after` documents, so that
LibreOffice's memory does not grow over a long run. Success is judged by the PDF (it exists,
opens and has pages), never by what LibreOffice answered.

A LibreOffice that cannot start (not installed, exits at once, never listens) is told apart
from one that hung on a document: the worker reports a soffice that exited during start-up at
once, and after every slot failed to start, or one slot failed START_ATTEMPTS times in a row,
the converter raises ConverterUnavailable for every document from then on: one message, no
retries, instead of every document waiting out the start-up timeout.

The slots' profiles and LibreOffice's output live in a temporary folder named after the owning
process (`sakip-lo-<pid>-<start>-*`); a run killed with SIGKILL leaves it behind, and the next
converter on the machine removes those whose process is gone.
"""

from __future__ import annotations

import atexit
import contextlib
import errno
import functools
import itertools
import json
import logging
import os
import queue
import re
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from ..errors import ConversionError, visible
from ..outputs.files import make_folder, move_into, storage_error

log = logging.getLogger("sakip.konversi")

PER_DOCUMENT_TIMEOUT = 60.0  # seconds; the longest LKjIP converts in ~2 s
STARTUP_TIMEOUT = 60.0
START_ATTEMPTS = 2  # failed starts in a row of one slot after which LibreOffice counts as unusable
LOW_SPACE = 1 << 20  # bytes: below this, a failed conversion is the temporary folder's disk being full
ROOT_PREFIX = "sakip-lo-"
TMPDIR_HINT = "atur TMPDIR ke folder di disk lain"
RESTART_AFTER = 250  # documents per LibreOffice start
MAX_BATCH = 50  # documents the pipeline hands to one slot at a time
# LibreOffice keeps every document's images (the report's chart) in a graphic cache of up to
# 300 MB and its glyphs in one of 20 MB, which a converter never reads twice: on the bench's
# documents a slot grew from 171 to 272 MiB over 240 documents with them, 173 to 204 without,
# at the same speed. Written into each slot's profile before LibreOffice first reads it.
PROFILE_SETTINGS = {
    "/org.openoffice.Office.Common/Cache/GraphicManager": {
        "GraphicMemoryLimit": 20_000_000, "TotalCacheSize": 20_000_000, "GraphicAllowedIdleTime": 1},
    "/org.openoffice.Office.Common/Cache/Font": {"GlyphsCacheSize": 5_000_000},
}
WORKER = Path(__file__).with_name("uno_worker.py")
INSTALL_HINT = ("apt-get install -y --no-install-recommends libreoffice-writer-nogui python3-uno "
                "fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea")
_ids = itertools.count(1)


class ConverterUnavailable(ConversionError):
    """LibreOffice cannot be started on this machine: no document can be converted, and trying
    again does not help (not retried, unlike a hang or crash on one document)."""


def soffice(explicit: str | os.PathLike | None = None) -> str:
    """The LibreOffice launcher: `explicit`, else $SAKIP_SOFFICE, else soffice on the PATH."""
    chosen = os.fspath(explicit or os.environ.get("SAKIP_SOFFICE", ""))
    if chosen:
        if not (os.path.isfile(chosen) and os.access(chosen, os.X_OK)):
            named = "" if explicit else " (SAKIP_SOFFICE)"
            raise ConverterUnavailable(f"LibreOffice {visible(chosen)}{named} tidak ada atau tidak dapat dijalankan; "
                                       f"perbaiki jalurnya atau pasang dengan: {INSTALL_HINT}")
        return chosen
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConverterUnavailable(f"LibreOffice (soffice) tidak ditemukan; pasang dengan: {INSTALL_HINT}")
    return found


@functools.cache
def uno_python() -> str:
    """A Python interpreter that can `import uno` (SAKIP_UNO_PYTHON, else Debian's)."""
    candidates = [os.environ.get("SAKIP_UNO_PYTHON", ""), "/usr/bin/python3", "/usr/lib/libreoffice/program/python"]
    for candidate in filter(None, candidates):
        try:
            if Path(candidate).is_file() and subprocess.run(
                    [candidate, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0:
                return candidate
        except (OSError, subprocess.SubprocessError):  # not executable, or hangs: not this one
            continue
    raise ConverterUnavailable(f"modul Python 'uno' milik LibreOffice tidak ditemukan; pasang dengan: {INSTALL_HINT}")


def profile_settings(settings: dict[str, dict[str, int]] = PROFILE_SETTINGS) -> str:
    """A LibreOffice registrymodifications.xcu setting `settings` (node path -> property -> value)."""
    items = "".join(f'<item oor:path="{node}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>\n'
                    for node, props in settings.items() for name, value in props.items())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n{items}</oor:items>\n')


def check_pdf(path: Path) -> int:
    """Number of pages of a PDF that really opens; raises ConversionError otherwise."""
    if not path.is_file() or path.stat().st_size == 0:
        raise ConversionError(f"{path.name}: LibreOffice tidak menghasilkan PDF")
    try:
        pages = len(PdfReader(path).pages)
    except (PdfReadError, OSError, ValueError) as exc:
        raise ConversionError(f"{path.name}: PDF hasil konversi rusak ({exc})") from None
    if pages == 0:
        raise ConversionError(f"{path.name}: PDF hasil konversi tidak memiliki halaman")
    return pages


@dataclass(frozen=True)
class Outcome:
    source: Path
    pdf: Path | None
    error: str = ""
    # LibreOffice hung or crashed on it: worth trying again (a document LibreOffice cannot read
    # fails the same way every time and is not; a LibreOffice that cannot start raises
    # ConverterUnavailable instead).
    transient: bool = False


class _Stopped(Exception):
    """The worker did not answer in time, or its process ended."""


class _StartFailed(Exception):
    """A slot's LibreOffice did not start; the argument says why, in Indonesian."""


def default_slots() -> int:
    """One LibreOffice per core."""
    return max(1, os.cpu_count() or 1)


_ROOT = re.compile(rf"^{ROOT_PREFIX}(\d+)-(\d+)-")


def _started(pid: int) -> str | None:
    """When process `pid` started (clock ticks after boot, /proc/<pid>/stat field 22), None if
    there is no such process: with the pid it tells a live owner from a reused pid."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[19].decode()
    except (OSError, IndexError):
        return None


def _owner_alive(pid: int, started: str) -> bool:
    now = _started(pid)
    if now is not None or os.path.isdir("/proc/self"):
        return now == started
    try:  # no /proc: the pid alone decides
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def sweep_stale(folder: Path | None = None) -> list[Path]:
    """Remove the temporary folders (profiles, PDFs) of converters whose process is gone, e.g. a
    `sakip run` killed with SIGKILL; only this user's, never one whose owner still runs."""
    folder = Path(folder or tempfile.gettempdir())
    gone = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        match = _ROOT.match(entry.name)
        try:
            if not match or not entry.is_dir(follow_symlinks=False) or entry.stat().st_uid != os.getuid():
                continue
        except OSError:
            continue
        if not _owner_alive(int(match[1]), match[2]):
            # Its LibreOffice may outlive the owner for a moment and would write the profile
            # again while it shuts down: it goes first.
            for pid in _using(entry.path):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            shutil.rmtree(entry.path, ignore_errors=True)
            gone.append(Path(entry.path))
    return gone


def _using(folder: str) -> list[int]:
    """This user's processes whose command line names `folder` (a worker or a soffice whose
    profile is in it)."""
    needles = (os.fsencode(folder), Path(folder).as_uri().encode())  # soffice is given the profile as a URL
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            with contextlib.suppress(OSError):
                with open(f"{entry.path}/cmdline", "rb") as fh:
                    line = fh.read()
                    if any(n in line for n in needles) and entry.stat().st_uid == os.getuid():
                        found.append(int(entry.name))
    return found


class Slot:
    """One warm LibreOffice, started on first use and restarted when needed."""

    def __init__(self, index: int, root: Path, launch: Callable[[], list[str]], timeout: float,
                 startup_timeout: float, restart_after: int) -> None:
        self.index = index
        self.profile_dir = root / f"profile-{index}"
        self.pipe = f"sakip-{os.getpid()}-{next(_ids)}"
        self.launch = launch
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.restart_after = restart_after
        self.proc: subprocess.Popen | None = None
        self.done = 0  # documents since the last start
        self.starts = 0
        self.failures = 0  # failed starts in a row
        self._buffer = b""

    def _line(self, deadline: float) -> dict:
        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise _Stopped("timeout")
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise _Stopped("eof")
                self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        try:
            answer = json.loads(line)
        except ValueError:
            raise _Stopped("garbled") from None
        if not isinstance(answer, dict):
            raise _Stopped("garbled")
        return answer

    def start(self) -> None:
        """Start the worker and its soffice; _StartFailed says why not (ConverterUnavailable
        when LibreOffice is not there at all)."""
        cmd = [*self.launch(), "--profile", self.profile_dir.as_uri(), "--pipe", self.pipe,
               "--startup-timeout", str(self.startup_timeout)]
        settings = self.profile_dir / "user" / "registrymodifications.xcu"
        if not settings.exists():  # a new profile (or one removed after a failed start)
            # Only memory is at stake: a folder that cannot take the file fails LibreOffice's own
            # start next, which says so.
            with contextlib.suppress(OSError):
                settings.parent.mkdir(parents=True, exist_ok=True)
                settings.write_text(profile_settings(), encoding="utf-8")
        self._buffer = b""
        self.done = 0
        self.starts += 1
        try:
            # A session of its own, so that killing its process group takes soffice with it and a
            # Ctrl-C meant for the operator's run does not reach LibreOffice half-way.
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL, start_new_session=True)
            # The worker answers by its own start-up timeout; the margin lets its reason arrive.
            answer = self._line(time.monotonic() + self.startup_timeout + 2)
        except OSError as exc:
            answer = {"error": f"pekerja UNO tidak dapat dijalankan ({exc.strerror or exc})"}
        except _Stopped as exc:
            answer = {"error": {"timeout": f"tidak siap dalam {self.startup_timeout:g} detik",
                                "eof": "pekerja UNO berhenti saat dinyalakan"}.get(str(exc), "jawaban pekerja UNO rusak")}
        if answer.get("ready") is True:
            self.failures = 0
            return
        self.kill()
        self.failures += 1
        # A profile damaged by a crash is a common reason LibreOffice will not start again: the
        # next attempt gets a fresh one.
        shutil.rmtree(self.profile_dir, ignore_errors=True)
        raise _StartFailed(visible(" ".join(str(answer.get("error") or "tanpa keterangan").split()))[:400])

    def kill(self) -> None:
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream:
                stream.close()
        self.proc = None

    def stop(self) -> None:
        """Let LibreOffice close its profile cleanly; kill it if it does not within seconds."""
        if self.proc is None:
            return
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.kill()

    def convert(self, source: Path, pdf: Path) -> str:
        """Convert one document; '' on success, else why not (the slot is then restarted).
        Raises _StartFailed when LibreOffice had to be started and would not."""
        if self.proc is None or self.done >= self.restart_after:
            if self.proc is not None:
                log.info("LibreOffice slot %d dimulai ulang setelah %d dokumen", self.index, self.done)
                self.stop()
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        self.done += 1
        try:
            self.proc.stdin.write(json.dumps({"source": str(source.resolve()), "pdf": str(pdf.resolve())}).encode() + b"\n")
            self.proc.stdin.flush()
            answer = self._line(time.monotonic() + self.timeout)
        except (_Stopped, BrokenPipeError) as exc:
            answer = {"ok": False, "alive": False, "timeout": str(exc) == "timeout"}
        if answer.get("ok"):
            return ""
        if answer.get("alive", True):
            return f"LibreOffice gagal membuka atau mengonversi dokumen ({str(answer.get('error', ''))[:200]})"
        self.kill()
        if answer.get("timeout"):
            reason = f"LibreOffice tidak selesai dalam {self.timeout:g} detik dan dihentikan"
        else:
            reason = "LibreOffice berhenti tiba-tiba saat mengonversi dokumen ini"
        log.warning("%s: %s; slot %d dimulai ulang", source.name, reason, self.index)
        return reason


class Converter:
    """`slots` warm LibreOffice instances; reuse one Converter for a whole run, then close it.

    `command` replaces the UNO worker (tests use a stand-in), `soffice_path` the LibreOffice
    launcher (else $SAKIP_SOFFICE, else soffice on the PATH)."""

    def __init__(self, slots: int | None = None, timeout: float = PER_DOCUMENT_TIMEOUT,
                 startup_timeout: float = STARTUP_TIMEOUT, restart_after: int = RESTART_AFTER,
                 command: Sequence[str] | None = None, soffice_path: str | os.PathLike | None = None) -> None:
        self.slots = slots or default_slots()
        sweep_stale()
        try:
            self._root = Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}-{_started(os.getpid()) or 0}-"))
        except OSError as exc:
            raise storage_error(exc, Path(tempfile.gettempdir()), other=TMPDIR_HINT) from exc
        self._command = list(command) if command else None
        self._soffice = soffice_path
        self._all = [Slot(i, self._root, self._launch, timeout, startup_timeout, max(1, restart_after))
                     for i in range(self.slots)]
        self._free: queue.Queue[Slot] = queue.Queue()
        for slot in self._all:
            self._free.put(slot)
        self._lock = threading.Lock()
        self._unavailable = ""  # why LibreOffice counts as unusable, once it does
        self._closed = False
        atexit.register(self.close)

    def _launch(self) -> list[str]:
        """The worker's command line up to its per-slot options."""
        return [*(self._command or [uno_python(), str(WORKER)]), "--soffice", soffice(self._soffice)]

    @property
    def starts(self) -> int:
        """LibreOffice starts so far, first starts and restarts together."""
        return sum(s.starts for s in self._all)

    @property
    def unavailable(self) -> str:
        """Why LibreOffice cannot be used on this machine ('' while it can)."""
        return self._unavailable

    def _start_failed(self, slot: Slot, why: str) -> None:
        """Note a failed start; LibreOffice counts as unusable once one slot failed START_ATTEMPTS
        starts in a row (the second with a fresh profile), or every slot failed its last start
        and START_ATTEMPTS starts failed in all."""
        with self._lock:
            # info, not warning: the reason reaches the operator in ConverterUnavailable's one line
            log.info("LibreOffice slot %d gagal dinyalakan: %s", slot.index, why)
            tried = sum(s.failures for s in self._all)
            if not self._unavailable and (slot.failures >= START_ATTEMPTS
                                          or (all(s.failures for s in self._all) and tried >= START_ATTEMPTS)):
                self._unavailable = (f"LibreOffice tidak dapat dinyalakan ({why}; gagal {tried} kali berturut-turut); "
                                     f"tidak ada dokumen yang dapat dikonversi; periksa dengan `soffice --headless "
                                     f"--version` atau pasang ulang: {INSTALL_HINT}")

    def _give_up(self, why: str) -> None:
        with self._lock:
            self._unavailable = self._unavailable or why

    def warm_up(self) -> None:
        """Start every slot in the background, so LibreOffice's start overlaps earlier stages."""
        def start() -> None:
            slot = self._free.get()
            try:
                if slot.proc is None and not self._unavailable:
                    slot.start()
            except _StartFailed as exc:
                self._start_failed(slot, str(exc))  # reported when a document needs the slot
            except ConverterUnavailable as exc:
                self._give_up(str(exc))
            finally:
                self._free.put(slot)

        for _ in self._all:
            threading.Thread(target=start, daemon=True).start()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True

        def stop() -> None:
            # Taken from the queue, so a slot still starting (warm_up) or converting is stopped
            # once it is done, never behind its back.
            self._free.get().stop()

        threads = [threading.Thread(target=stop) for _ in self._all]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        shutil.rmtree(self._root, ignore_errors=True)
        atexit.unregister(self.close)

    def __enter__(self) -> Converter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _take(self) -> Slot:
        """A free slot; ConverterUnavailable at once when LibreOffice cannot start."""
        slot = self._free.get()
        if self._unavailable:
            self._free.put(slot)
            raise ConverterUnavailable(self._unavailable)
        return slot

    def convert_batch(self, docs: list[Path], out_dir: Path) -> list[Outcome]:
        """Convert `docs` into out_dir/<stem>.pdf on one free slot (waits for one); a document
        that fails, hangs or crashes LibreOffice fails alone and the rest go on.

        Raises ConverterUnavailable when LibreOffice cannot start, and StorageError when out_dir
        or the temporary folder cannot take the PDFs (full, read-only): those stop every document."""
        make_folder(out_dir)
        slot = self._take()
        work = None
        try:
            try:
                work = Path(tempfile.mkdtemp(dir=self._root, prefix="out-"))
            except OSError as exc:
                raise storage_error(exc, self._root, other=TMPDIR_HINT) from exc
            return [self._convert_one(slot, doc, work, out_dir) for doc in docs]
        finally:
            if work is not None:
                shutil.rmtree(work, ignore_errors=True)
            self._free.put(slot)

    def _convert_one(self, slot: Slot, doc: Path, work: Path, out_dir: Path) -> Outcome:
        produced = work / f"{doc.stem}.pdf"
        reason = self._on(slot, doc, produced)
        if not reason:
            try:
                check_pdf(produced)
            except ConversionError as exc:
                reason = str(exc).removeprefix(f"{produced.name}: ")
        if reason:
            produced.unlink(missing_ok=True)
            self._check_space(work)
            return Outcome(doc, None, f"{doc.name}: {reason}", transient=slot.proc is None)
        # LibreOffice writes into the temporary folder, often another filesystem than the outputs.
        return Outcome(doc, move_into(produced, out_dir / produced.name))

    def _on(self, slot: Slot, doc: Path, produced: Path) -> str:
        """slot.convert(doc), starting LibreOffice again after a failed start for as long as it
        does not count as unusable."""
        while True:
            try:
                return slot.convert(doc, produced)
            except _StartFailed as exc:
                self._start_failed(slot, str(exc))
            except ConverterUnavailable as exc:
                self._give_up(str(exc))
            if self._unavailable:
                raise ConverterUnavailable(self._unavailable)

    def _check_space(self, work: Path) -> None:
        """A conversion that failed on a full temporary disk is the disk's failure, not the
        document's: LibreOffice only says it could not write."""
        try:
            free = shutil.disk_usage(work).free
        except OSError:
            return
        if free < LOW_SPACE:
            raise storage_error(OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)), self._root, other=TMPDIR_HINT)

    def convert(self, docs: list[Path], out_dir: Path) -> dict[Path, Outcome]:
        """Convert every document into out_dir/<stem>.pdf over all slots; one failure never
        stops the others."""
        stems = [d.stem for d in docs]
        if len(set(stems)) != len(stems):
            raise ValueError("document stems must be unique within one conversion")
        make_folder(out_dir)
        if not docs:
            return {}
        # Each slot pulls the next document when it is free, so a long document does not hold
        # up a pre-assigned share of the others.
        with ThreadPoolExecutor(max_workers=min(self.slots, len(docs))) as pool:
            results = pool.map(lambda d: self.convert_batch([d], out_dir)[0], docs)
            return {o.source: o for o in results}
