"""Render cost per document: sakip's renderer against docxtemplater and Carbone on the same page
(bench/peers/<engine>/template.docx, context.json), and the real laporan_triwulan template with
and without its chart.

Every measure renders `count` documents to files; the measures take turns (one round of each,
`runs` rounds) so that a busy neighbour on this shared machine slows them alike, and the median
round is reported. The peers run in one Node process started beforehand, timed inside Node, so
that neither side pays its interpreter's start in the per-document time. The first document of
each renderer is compared as text (python-docx), so the three did the same work.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import statistics
import subprocess
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn

from sakip.documents import templates
from sakip.documents.render import Renderer
from sakip.outputs.files import WORK_FOLDER

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PEERS = ("docxtemplater", "carbone")
REPORT = ROOT / "templates" / "laporan_triwulan" / "template.docx"


def document_text(path: Path) -> list[str]:
    """The non-empty paragraphs of the body in order, a table as one line per row with its cells
    joined by " | ": what a reader sees, whatever tags or runs produced it."""
    lines: list[str] = []

    def text(el) -> str:
        return "".join(t.text or "" for t in el.iter(qn("w:t"))).strip()

    for el in Document(str(path)).element.body.iterchildren():
        if el.tag == qn("w:p") and text(el):
            lines.append(text(el))
        elif el.tag == qn("w:tbl"):
            lines += [" | ".join(text(c) for c in row.iter(qn("w:tc"))) for row in el.iter(qn("w:tr"))]
    return lines


def without_chart(template: Path, out: Path) -> Path:
    """A copy of `template` whose chart paragraph prints nothing (its caption stays): the chart in
    the context is then never drawn, which is what "without the chart" costs."""
    with zipfile.ZipFile(template) as src:
        body = src.read("word/document.xml").decode("utf-8")
        if body.count("{{ grafik }}") != 1:
            raise ValueError(f"{template}: expected one {{{{ grafik }}}} tag")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                dst.writestr(item, body.replace("{{ grafik }}", "").encode("utf-8") if item.filename == "word/document.xml" else data)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(buf.getvalue())
    return out


def node_unavailable() -> str:
    """Why the peers cannot run here ("" when they can): `make bench` installs them with npm."""
    if shutil.which("node") is None:
        return "node tidak terpasang (Debian: apt-get install nodejs npm; lalu make bench)"
    if not (HERE / "node_modules").is_dir():
        return "paket npm belum terpasang (npm ci --prefix bench/peers)"
    return ""


class Peers:
    """The Node process that renders with docxtemplater and Carbone on request."""

    def __init__(self, tmp: Path) -> None:
        tmp.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(["node", str(HERE / "render.js")], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, env={**os.environ, "SAKIP_PEERS_TMP": str(tmp)})
        hello = self._answer()
        self.versions: dict[str, str | None] = hello.get("versions", {})
        self.unavailable: dict[str, str] = hello.get("unavailable", {})

    def _answer(self) -> dict:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            assert self.proc.stderr is not None
            raise RuntimeError(f"proses node berhenti: {self.proc.stderr.read()[-2000:]}")
        return json.loads(line)

    def render(self, engine: str, count: int, out: Path) -> float:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"engine": engine, "count": count, "out": str(out)}) + "\n")
        self.proc.stdin.flush()
        answer = self._answer()
        if "error" in answer:
            raise RuntimeError(f"{engine}: {answer['error']}")
        return float(answer["seconds"])

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _renders(renderer: Renderer, template: Path, context: dict, count: int, out: Path) -> float:
    # Under a work folder, as in a run (documents are flushed with their revision, not one by
    # one): the peers write without fsync too, so the disk's flush is in neither time.
    out = out.parent / WORK_FOLDER / out.name
    out.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for i in range(count):
        renderer.render(template, context, out / f"doc-{i}.docx")
    return time.perf_counter() - start


def output(work: Path, name: str) -> Path:
    """Where a measure's documents are."""
    return work / name if name in PEERS else work / WORK_FOLDER / name


def compare(work: Path, count: int = 20, runs: int = 5) -> dict:
    """ms per document of each renderer (median of `runs` interleaved rounds of `count` documents),
    the peers' versions, whatever could not run and why, and whether the texts agree."""
    context = json.loads((HERE / "context.json").read_text(encoding="utf-8"))
    report_context = templates.sample_context(REPORT)
    plain_report = without_chart(REPORT, work / "laporan_tanpa_grafik" / "template.docx")
    renderer = Renderer()
    measures: dict[str, Callable[[Path], float]] = {
        "sakip": lambda out: _renders(renderer, HERE / "sakip" / "template.docx", context, count, out),
        "laporan_triwulan_with_chart": lambda out: _renders(renderer, REPORT, report_context, count, out),
        "laporan_triwulan_without_chart": lambda out: _renders(renderer, plain_report, report_context, count, out),
    }
    skipped: dict[str, str] = {}
    peers: Peers | None = None
    why = node_unavailable()
    if why:
        skipped = {engine: why for engine in PEERS}
    else:
        peers = Peers(work / "node-tmp")
        skipped = {engine: f"tidak dapat dimuat: {peers.unavailable[engine]}" for engine in PEERS if engine in peers.unavailable}
        for engine in PEERS:
            if engine not in skipped:
                measures[engine] = lambda out, engine=engine: peers.render(engine, count, out)
    try:
        for name, measure in list(measures.items()):  # a first round untimed: loading, caches
            try:
                measure(work / "warm-up" / name)
            except RuntimeError as exc:  # a peer that loads but cannot render here
                skipped[name] = str(exc)
                del measures[name]
        seconds: dict[str, list[float]] = {name: [] for name in measures}
        for _ in range(runs):
            for name, measure in measures.items():
                seconds[name].append(measure(work / name))
    finally:
        if peers is not None:
            peers.close()

    texts = {name: document_text(output(work, name) / "doc-0.docx") for name in ("sakip", *PEERS) if name in measures}
    ms = {name: round(statistics.median(values) / count * 1000, 2) for name, values in seconds.items()}
    result: dict = {
        "documents_per_run": count, "runs": runs, "ms_per_document": ms,
        "spread_ms_per_document": {name: [round(min(v) / count * 1000, 2), round(max(v) / count * 1000, 2)]
                                   for name, v in seconds.items()},
        "versions": {k: v for k, v in (peers.versions if peers else {}).items()},
        "same_text": {name: texts[name] == texts["sakip"] for name in texts if name != "sakip"},
        "text_lines": len(texts["sakip"]),
    }
    if skipped:
        result["skipped"] = skipped
    return result
