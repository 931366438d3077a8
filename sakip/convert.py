"""DOCX -> PDF with LibreOffice, as fast as a cold-started soffice allows and never silently.

Documents are split into batches converted by `slots` concurrent soffice processes, each batch
in one invocation (start-up is paid once per batch, not once per file). Batches are capped in
count and in command-line length: soffice silently stops converting after ~16 KB of file
arguments (measured: 244 of 400 files converted, exit code 0), and the documents it skipped
would then each pay a cold start. Each slot has a
private profile (two soffice processes on one profile fail or "succeed" without output), each
batch a timeout after which its whole process group is killed, and a batch that fails is
retried one document at a time so that one bad document fails alone. Success is judged by the
PDF (it exists, opens and has pages), never by the exit code.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PdfReadError

from .errors import ConversionError

BATCH_TIMEOUT_BASE = 60.0  # seconds for start-up and the first document
PER_DOCUMENT_TIMEOUT = 20.0
MAX_BATCH = 100  # documents per soffice invocation
MAX_ARGUMENT_BYTES = 8192  # file arguments per invocation, well under soffice's silent limit


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        raise ConversionError(
            "LibreOffice (soffice) tidak ditemukan; pasang dengan: "
            "apt-get install -y libreoffice-writer-nogui fonts-liberation2 fonts-crosextra-carlito fonts-crosextra-caladea"
        )
    return found


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


class Converter:
    """A pool of `slots` LibreOffice profiles; reuse one Converter for a whole run."""

    def __init__(self, slots: int | None = None, timeout_base: float = BATCH_TIMEOUT_BASE,
                 timeout_per_doc: float = PER_DOCUMENT_TIMEOUT, max_batch: int = MAX_BATCH) -> None:
        self.slots = max(1, slots or os.cpu_count() or 1)
        self.max_batch = max_batch
        self.timeout_base = timeout_base
        self.timeout_per_doc = timeout_per_doc
        self._root = Path(tempfile.mkdtemp(prefix="sakip-lo-"))
        atexit.register(shutil.rmtree, self._root, ignore_errors=True)
        self._free = list(range(self.slots))
        self._lock = threading.Lock()

    def _profile(self, slot: int) -> str:
        return (self._root / f"profile-{slot}").as_uri()

    def _run(self, slot: int, docs: list[Path], out_dir: Path) -> bool:
        """One soffice invocation; False when it timed out (its process group is killed)."""
        cmd = [soffice(), f"-env:UserInstallation={self._profile(slot)}", "--headless", "--norestore",
               "--nolockcheck", "--nodefault", "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, docs)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            proc.wait(timeout=self.timeout_base + self.timeout_per_doc * len(docs))
            return True
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return False

    def convert_batch(self, docs: list[Path], out_dir: Path) -> list[Outcome]:
        """Convert one batch in one soffice invocation on a free slot (call from at most
        `slots` threads at once); documents that fail are retried alone."""
        out_dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            slot = self._free.pop()
        try:
            work = Path(tempfile.mkdtemp(dir=self._root, prefix="out-"))
            finished = self._run(slot, docs, work)
            outcomes, failed = [], []
            for doc in docs:
                produced = work / f"{doc.stem}.pdf"
                try:
                    check_pdf(produced)
                except ConversionError:
                    failed.append(doc)
                    continue
                target = out_dir / produced.name
                os.replace(produced, target)
                outcomes.append(Outcome(doc, target))
            if failed and len(docs) > 1:
                # Isolate the culprit: convert the rest one by one.
                for doc in failed:
                    outcomes += self._single(slot, doc, out_dir, work)
            elif failed:
                reason = "LibreOffice melewati batas waktu dan dihentikan" if not finished else "LibreOffice gagal mengonversi"
                outcomes.append(Outcome(failed[0], None, f"{failed[0].name}: {reason}"))
            shutil.rmtree(work, ignore_errors=True)
            return outcomes
        finally:
            with self._lock:
                self._free.append(slot)

    def _single(self, slot: int, doc: Path, out_dir: Path, work: Path) -> list[Outcome]:
        finished = self._run(slot, [doc], work)
        produced = work / f"{doc.stem}.pdf"
        try:
            check_pdf(produced)
        except ConversionError as exc:
            reason = "LibreOffice melewati batas waktu dan dihentikan" if not finished else str(exc)
            return [Outcome(doc, None, f"{doc.name}: {reason}")]
        target = out_dir / produced.name
        os.replace(produced, target)
        return [Outcome(doc, target)]

    def convert(self, docs: list[Path], out_dir: Path) -> dict[Path, Outcome]:
        """Convert every document into out_dir/<stem>.pdf; one failure never stops the others."""
        stems = [d.stem for d in docs]
        if len(set(stems)) != len(stems):
            raise ValueError("document stems must be unique within one conversion")
        out_dir.mkdir(parents=True, exist_ok=True)
        if not docs:
            return {}
        batches = split(docs, self.slots, self.max_batch)
        with ThreadPoolExecutor(max_workers=min(self.slots, len(batches))) as pool:
            results = [o for batch in pool.map(lambda b: self.convert_batch(b, out_dir), batches) for o in batch]
        return {o.source: o for o in results}


def split(docs: list[Path], slots: int, max_batch: int = MAX_BATCH, max_bytes: int = MAX_ARGUMENT_BYTES) -> list[list[Path]]:
    """Batches of consecutive documents, as even as the caps allow, at least one per slot."""
    size = max(1, min(max_batch, -(-len(docs) // slots)))
    batches: list[list[Path]] = []
    current: list[Path] = []
    used = 0
    for doc in docs:
        length = len(str(doc)) + 1
        if current and (len(current) >= size or used + length > max_bytes):
            batches.append(current)
            current, used = [], 0
        current.append(doc)
        used += length
    if current:
        batches.append(current)
    return batches
