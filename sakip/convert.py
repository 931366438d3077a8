"""DOCX -> PDF with LibreOffice kept warm, one document at a time per slot, never silently.

Each slot is one LibreOffice (soffice) with a private, long-lived profile, driven over UNO by
`sakip/uno_worker.py` running under a Python that has LibreOffice's `uno` module (Debian's
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
"""

from __future__ import annotations

import atexit
import functools
import itertools
import json
import logging
import os
import queue
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .errors import ConversionError

log = logging.getLogger("sakip.konversi")

PER_DOCUMENT_TIMEOUT = 60.0  # seconds; the longest LKjIP converts in ~2 s
STARTUP_TIMEOUT = 60.0
RESTART_AFTER = 250  # documents per LibreOffice start
MAX_BATCH = 50  # documents the pipeline hands to one slot at a time
WORKER = Path(__file__).with_name("uno_worker.py")
INSTALL_HINT = ("apt-get install -y --no-install-recommends libreoffice-writer-nogui python3-uno "
                "fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea")
_ids = itertools.count(1)


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionError(f"LibreOffice (soffice) tidak ditemukan; pasang dengan: {INSTALL_HINT}")
    return found


@functools.cache
def uno_python() -> str:
    """A Python interpreter that can `import uno` (SAKIP_UNO_PYTHON, else Debian's)."""
    candidates = [os.environ.get("SAKIP_UNO_PYTHON", ""), "/usr/bin/python3", "/usr/lib/libreoffice/program/python"]
    for candidate in filter(None, candidates):
        if Path(candidate).is_file() and subprocess.run(
                [candidate, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0:
            return candidate
    raise ConversionError(f"modul Python 'uno' milik LibreOffice tidak ditemukan; pasang dengan: {INSTALL_HINT}")


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
    # LibreOffice hung, crashed or would not start: worth trying again (a document LibreOffice
    # cannot read fails the same way every time and is not).
    transient: bool = False


class _Stopped(Exception):
    """The worker did not answer in time, or its process ended."""


def default_slots() -> int:
    """One LibreOffice per core."""
    return max(1, os.cpu_count() or 1)


class Slot:
    """One warm LibreOffice, started on first use and restarted when needed."""

    def __init__(self, index: int, root: Path, command: Sequence[str], timeout: float,
                 startup_timeout: float, restart_after: int) -> None:
        self.index = index
        self.profile = (root / f"profile-{index}").as_uri()
        self.pipe = f"sakip-{os.getpid()}-{next(_ids)}"
        self.command = list(command)
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.restart_after = restart_after
        self.proc: subprocess.Popen | None = None
        self.done = 0  # documents since the last start
        self.starts = 0
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
            return json.loads(line)
        except ValueError:
            raise _Stopped("garbled") from None

    def start(self) -> None:
        cmd = [*self.command, "--soffice", soffice(), "--profile", self.profile, "--pipe", self.pipe,
               "--startup-timeout", str(self.startup_timeout)]
        # A session of its own, so that killing its process group takes soffice with it and a
        # Ctrl-C meant for the operator's run does not reach LibreOffice half-way.
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self._buffer = b""
        self.done = 0
        self.starts += 1
        try:
            if not self._line(time.monotonic() + self.startup_timeout).get("ready"):
                raise _Stopped("not ready")
        except _Stopped as exc:
            self.kill()
            raise ConversionError(f"LibreOffice (slot {self.index}) gagal dinyalakan ({exc}); periksa pemasangan: {INSTALL_HINT}") from None

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
        """Convert one document; '' on success, else why not (the slot is then restarted)."""
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
            return f"LibreOffice gagal membuka atau mengonversi dokumen ({answer.get('error', '')[:200]})"
        self.kill()
        if answer.get("timeout"):
            reason = f"LibreOffice tidak selesai dalam {self.timeout:g} detik dan dihentikan"
        else:
            reason = "LibreOffice berhenti tiba-tiba saat mengonversi dokumen ini"
        log.warning("%s: %s; slot %d dimulai ulang", source.name, reason, self.index)
        return reason


class Converter:
    """`slots` warm LibreOffice instances; reuse one Converter for a whole run, then close it."""

    def __init__(self, slots: int | None = None, timeout: float = PER_DOCUMENT_TIMEOUT,
                 startup_timeout: float = STARTUP_TIMEOUT, restart_after: int = RESTART_AFTER,
                 command: Sequence[str] | None = None) -> None:
        self.slots = slots or default_slots()
        self._root = Path(tempfile.mkdtemp(prefix="sakip-lo-"))
        command = list(command) if command else [uno_python(), str(WORKER)]
        self._all = [Slot(i, self._root, command, timeout, startup_timeout, max(1, restart_after))
                     for i in range(self.slots)]
        self._free: queue.Queue[Slot] = queue.Queue()
        for slot in self._all:
            self._free.put(slot)
        self._closed = False
        atexit.register(self.close)

    @property
    def starts(self) -> int:
        """LibreOffice starts so far, first starts and restarts together."""
        return sum(s.starts for s in self._all)

    def warm_up(self) -> None:
        """Start every slot in the background, so LibreOffice's start overlaps earlier stages."""
        def start() -> None:
            slot = self._free.get()
            try:
                if slot.proc is None:
                    slot.start()
            except ConversionError:
                pass  # reported by the first document converted on this slot
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

    def convert_batch(self, docs: list[Path], out_dir: Path) -> list[Outcome]:
        """Convert `docs` into out_dir/<stem>.pdf on one free slot (waits for one); a document
        that fails, hangs or crashes LibreOffice fails alone and the rest go on."""
        out_dir.mkdir(parents=True, exist_ok=True)
        slot = self._free.get()
        try:
            work = Path(tempfile.mkdtemp(dir=self._root, prefix="out-"))
            outcomes = []
            for doc in docs:
                produced = work / f"{doc.stem}.pdf"
                try:
                    reason = slot.convert(doc, produced)
                except ConversionError as exc:  # the slot would not start: nothing else can work
                    outcomes.append(Outcome(doc, None, f"{doc.name}: {exc}", transient=True))
                    continue
                if not reason:
                    try:
                        check_pdf(produced)
                    except ConversionError as exc:
                        reason = str(exc).removeprefix(f"{produced.name}: ")
                if reason:
                    outcomes.append(Outcome(doc, None, f"{doc.name}: {reason}", transient=slot.proc is None))
                    continue
                target = out_dir / produced.name
                os.replace(produced, target)
                outcomes.append(Outcome(doc, target))
            shutil.rmtree(work, ignore_errors=True)
            return outcomes
        finally:
            self._free.put(slot)

    def convert(self, docs: list[Path], out_dir: Path) -> dict[Path, Outcome]:
        """Convert every document into out_dir/<stem>.pdf over all slots; one failure never
        stops the others."""
        stems = [d.stem for d in docs]
        if len(set(stems)) != len(stems):
            raise ValueError("document stems must be unique within one conversion")
        out_dir.mkdir(parents=True, exist_ok=True)
        if not docs:
            return {}
        # Each slot pulls the next document when it is free, so a long document does not hold
        # up a pre-assigned share of the others.
        with ThreadPoolExecutor(max_workers=min(self.slots, len(docs))) as pool:
            results = pool.map(lambda d: self.convert_batch([d], out_dir)[0], docs)
            return {o.source: o for o in results}

