"""`make bench`: a regency-sized quarter through the real flow, against the conversion floor
and the naive one-soffice-per-file pipeline, in one process tree and one sitting.

Steps (all timed as wall clock on this machine):

1. full   - `sakip run <year> <quarter>` on the synthetic regency (a real Prefect flow, no cache);
2. floor  - the DOCX files that run rendered, converted again with the same Converter settings
            and nothing else;
3. naive  - one cold `soffice --headless --convert-to pdf` per file, for a fixed sample of those
            files (per-file time);
   warm   - the same files through sakip's converter on one warm slot, one by one (per-file
            time, and the slot's start, paid once);
4. rerun  - one returned PK's corrected workbook put in place, then `sakip run` again;
5. memory - peak resident memory of the whole process tree (this process and every descendant,
            sampled every 100 ms, summed: shared pages are counted once per process, so this
            overstates rather than understates);
6. CPU    - of the full run and the floor by kind of process (LibreOffice incl. its UNO worker,
            sakip's own processes, the Prefect server), from the same samples; the exact total
            of the reaped children (RUSAGE_CHILDREN, read once they have ended) shows what the
            samples missed;
7. render - ms per document of sakip's renderer against docxtemplater and Carbone on one
            equivalent page, and of the real laporan_triwulan with and without its chart
            (bench/peers/compare.py);
8. demo   - a second `sakip run 2026 1` on the demo's inputs with nothing changed, with the
            temporary server an operator's run starts.

Writes bench/results.json and prints a table. Timings are for reading, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from bench import generate
from bench.peers import compare
from flows.server import PrefectServer
from sakip.pdf.convert import Converter, check_pdf, soffice

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"full_over_floor": ("<=", 1.3), "naive_over_sakip_per_doc": (">=", 5.0), "cold_over_warm_per_doc": (">=", 5.0),
           "rerun_over_full": ("<=", 0.05), "peak_rss_mib": ("<=", 1024.0),
           "paraf_seconds": ("<=", 3.0), "sakip_own_over_libreoffice": ("<=", 0.3),
           "sakip_over_docxtemplater_render": ("<=", 1.0)}


class TreeSampler:
    """Peak memory and CPU time of this process's descendants, sampled in a thread.

    Memory: two sums over this process and its descendants, RSS (what the target is judged on;
    shared libraries count once per process, so it overstates) and PSS (shared pages split
    between the processes sharing them: the memory the tree really occupies).

    CPU: every descendant's own user+system time as last seen, by kind of process and by the
    kind of this process's child it descends from (its "branch": a `sakip run`, the Prefect
    server, a converter's worker). A process's CPU after its last sample, or of one that lived
    less than an interval, is missed here; `Cpu.unsampled` is that gap, against the exact total
    the kernel gives for reaped children (RUSAGE_CHILDREN).
    """

    KINDS = (("soffice", "libreoffice"), ("prefect server", "prefect server"), ("uvicorn", "prefect server"),
             ("sakip run", "sakip run"),
             ("spawn_main", "sakip workers (ingest, GX)"))

    def __init__(self, interval: float = 0.1, pss_every: int = 10) -> None:
        self.interval = interval
        # PSS needs each process's smaps walked (~0.3 ms a process): at every 100 ms sample it cost
        # 173 CPU-seconds of a 480-PK bench, taken from the run it measures. RSS stays at every
        # sample (it is the target); PSS, for reading only, at every `pss_every`-th.
        self.pss_every = pss_every
        self._samples = 0
        self.peak = 0
        self.peak_pss = 0
        self.at_peak: dict[str, int] = {}  # RSS by kind of process when the RSS sum peaked
        self.overhead = 0.0  # CPU seconds this process spent sampling (in either thread)
        self._cpu: dict[tuple[int, float], tuple[str, str, float]] = {}  # (pid, start) -> (branch, kind, cpu)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def kind(self, cmdline: str, default: str = "benchmark and others") -> str:
        return next((name for key, name in self.KINDS if key in cmdline), default)

    def _sample(self) -> tuple[int, int, dict[str, int]]:
        spent = time.thread_time()
        me = psutil.Process()
        rss = pss = 0
        kinds: dict[str, int] = {}
        try:
            tops = me.children()
        except psutil.Error:
            tops = []
        procs: list[tuple[psutil.Process, str]] = [(me, "")]
        for top in tops:
            try:
                branch = self.kind(" ".join(top.cmdline()), "other")
                procs += [(top, branch), *((p, branch) for p in top.children(recursive=True))]
            except psutil.Error:
                continue
        full = self._samples % self.pss_every == 0
        self._samples += 1
        with self._lock:
            for proc, branch in procs:
                try:
                    with proc.oneshot():
                        info = proc.memory_full_info() if full else proc.memory_info()
                        line = " ".join(proc.cmdline())
                        cpu = proc.cpu_times()
                        key = (proc.pid, proc.create_time())
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                rss += info.rss
                pss += getattr(info, "pss", info.rss) if full else 0
                kind = self.kind(line)
                kinds[kind] = kinds.get(kind, 0) + info.rss
                if branch:  # this process's own CPU is measured with getrusage, minus the sampling
                    self._cpu[key] = (branch, self.kind(line, "other"), cpu.user + cpu.system)
            self.overhead += time.thread_time() - spent
        return rss, pss, kinds

    def _run(self) -> None:
        while not self._stop.is_set():
            self._keep(*self._sample())
            self._stop.wait(self.interval)

    def _keep(self, rss: int, pss: int, kinds: dict[str, int]) -> None:
        if rss > self.peak:
            self.peak, self.at_peak = rss, kinds
        self.peak_pss = max(self.peak_pss, pss)  # 0 from a sample that took RSS only

    def reset(self) -> None:
        self.peak = self.peak_pss = 0
        self._samples = 0  # the first sample after a reset takes PSS too
        self._keep(*self._sample())

    def cpu_mark(self) -> "CpuMark":
        """Where the CPU counters stand now (a fresh sample, so that no process alive now is
        taken for one born later)."""
        self._keep(*self._sample())
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        with self._lock:
            return CpuMark(dict(self._cpu), me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime, self.overhead)

    def cpu_since(self, mark: "CpuMark") -> "Cpu":
        """CPU seconds since `mark`, by (branch, kind); read it once the phase's processes have
        ended and been reaped, so that RUSAGE_CHILDREN holds all of them."""
        now = self.cpu_mark()
        by: dict[tuple[str, str], float] = {}
        for key, (branch, kind, cpu) in now.seen.items():
            before = mark.seen.get(key)
            spent = cpu - (before[2] if before else 0.0)
            if spent > 0:
                by[(branch, kind)] = by.get((branch, kind), 0.0) + spent
        return Cpu(by, reaped=now.children - mark.children,
                   bench=(now.self_cpu - mark.self_cpu) - (now.overhead - mark.overhead))

    def __enter__(self) -> "TreeSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class CpuMark:
    seen: dict[tuple[int, float], tuple[str, str, float]]
    self_cpu: float  # RUSAGE_SELF: this process, sampling included
    children: float  # RUSAGE_CHILDREN: every reaped descendant, exactly
    overhead: float  # the part of self_cpu spent sampling


@dataclass(frozen=True)
class Cpu:
    """CPU seconds of a phase: sampled by (branch, kind), the reaped total, this process's own."""

    by: dict[tuple[str, str], float]
    reaped: float
    bench: float

    def of(self, branch: str, kinds: tuple[str, ...] | None = None) -> float:
        return sum(v for (b, k), v in self.by.items() if b == branch and (kinds is None or k in kinds))

    def unsampled(self, branches: tuple[str, ...]) -> float:
        """The reaped total minus what the samples saw of the branches that ended in the phase."""
        return self.reaped - sum(self.of(b) for b in branches)


LIBREOFFICE = ("libreoffice",)
SERVER = ("prefect server",)
SAKIP_OWN = ("sakip run", "sakip workers (ingest, GX)", "other")  # "other": what sakip started besides


def full_cpu_split(cpu: Cpu) -> dict[str, float]:
    """A `sakip run`'s CPU by kind; its total is exact (reaped), `unsampled` what the samples
    missed of it. The bench's own Prefect server, when there is one, is added as sampled."""
    run = "sakip run"
    split = {"libreoffice": cpu.of(run, LIBREOFFICE), "sakip_own": cpu.of(run, SAKIP_OWN),
             "prefect_server": cpu.of(run, SERVER) + cpu.of("prefect server"),
             "unsampled": cpu.unsampled((run,))}
    return {"total": round(cpu.reaped + cpu.of("prefect server"), 2), **{k: round(v, 2) for k, v in split.items()}}


def floor_cpu_split(cpu: Cpu) -> dict[str, float]:
    """The floor's CPU: its LibreOffice processes (exact, reaped; `unsampled` what the samples
    missed of them) and this process driving them."""
    split = {"libreoffice": cpu.of("libreoffice"), "unsampled": cpu.unsampled(("libreoffice",)),
             "converter_in_bench": cpu.bench}
    return {"total": round(cpu.reaped + cpu.bench, 2), **{k: round(v, 2) for k, v in split.items()}}


def sakip_run(inputs: Path, outputs: Path, year: int, quarter: int, api: str = "") -> tuple[float, dict]:
    """One `sakip run` as the operator starts it; returns wall seconds and ringkasan.json.
    Without `api` Prefect starts (and stops) a temporary server inside the run."""
    env = {**os.environ, "DO_NOT_TRACK": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    if api:
        env["PREFECT_API_URL"] = api
    else:
        env.pop("PREFECT_API_URL", None)
    cmd = [str(Path(sys.executable).parent / "sakip"), "run", str(year), str(quarter), "--inputs", str(inputs),
           "--outputs", str(outputs), "--templates", str(ROOT / "templates"),
           "--expectations", str(ROOT / "expectations"), "--tanggal", f"{year}-{3 * quarter + 1:02d}-10"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 2):  # 2: done, some PKs returned (the bench returns one on purpose)
        raise SystemExit(f"sakip run gagal (kode {proc.returncode}):\n{proc.stderr[-3000:]}")
    summary = json.loads((outputs / str(year) / f"TW{quarter}" / "ringkasan.json").read_text(encoding="utf-8"))
    return seconds, summary


def naive(docs: list[Path], work: Path) -> float:
    """Seconds per file for one cold soffice per file (its profile created beforehand, untimed)."""
    profile = (work / "profile-naive").as_uri()
    base = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir"]
    subprocess.run([*base, str(work / "warm"), str(docs[0])], capture_output=True, timeout=300)
    out = work / "naive"
    start = time.perf_counter()
    for doc in docs:
        subprocess.run([*base, str(out), str(doc)], capture_output=True, timeout=300)
    seconds = (time.perf_counter() - start) / len(docs)
    for doc in docs:
        check_pdf(out / f"{doc.stem}.pdf")
    return seconds


def warm(docs: list[Path], work: Path) -> tuple[float, float]:
    """(start seconds, seconds per file) for sakip's converter on one slot, on the files the
    naive way converted: the per-document comparison on the same documents."""
    out = work / "warm"
    with Converter(slots=1) as converter:
        start = time.perf_counter()
        converter.convert_batch(docs[:1], work / "warm-start")
        started = time.perf_counter() - start
        start = time.perf_counter()
        outcomes = converter.convert_batch(docs, out)
        per_doc = (time.perf_counter() - start) / len(docs)
    failed = [o.error for o in outcomes if o.pdf is None]
    if failed:
        raise SystemExit(f"konversi warm gagal: {failed[:3]}")
    return started, per_doc


def machine() -> dict:
    lo = subprocess.run([soffice(), "--version"], capture_output=True, text=True).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "os": platform.platform(), "python": platform.python_version(), "libreoffice": lo}


def demo_rerun_unchanged(work: Path, year: int = 2026, quarter: int = 1) -> dict:
    """A second `sakip run` on the demo's inputs with nothing changed, into a fresh outputs
    folder, with the temporary server an operator's run starts (no PREFECT_API_URL); the first
    run, untimed, makes every package."""
    outputs = work / "demo-outputs"
    shutil.rmtree(outputs, ignore_errors=True)
    first, _ = sakip_run(ROOT / "inputs", outputs, year, quarter)
    second, summary = sakip_run(ROOT / "inputs", outputs, year, quarter)
    shutil.rmtree(outputs, ignore_errors=True)
    return {"seconds": round(second, 2), "first_run_seconds": round(first, 2), "pks": len(summary["pk"]),
            "reused": sum(1 for r in summary["pk"] if r.get("dipakai_ulang")), "stages": summary.get("durasi_detik", {})}


def run(pks: int, sample: int, work: Path, results: Path, seed: int = 2026, server: bool = True,
        peer_docs: int = 20, peer_runs: int = 5, demo: bool = True) -> dict:
    size = generate.Size.for_pks(pks)
    inputs = work / f"regency-{pks}"
    year, quarter = generate.YEAR, size.quarter
    gen_start = time.perf_counter()
    generate.generate(inputs, size, seed)
    generated = time.perf_counter() - gen_start
    outputs = work / f"outputs-{pks}"
    shutil.rmtree(outputs, ignore_errors=True)
    # Paraf alone, in a fresh process: GX context set-up and every suite over the whole period.
    paraf = json.loads(subprocess.run([sys.executable, "-m", "bench.paraf", str(inputs), str(year), str(quarter)],
                                      cwd=ROOT, check=True, capture_output=True, text=True).stdout)
    scratch = Path(tempfile.mkdtemp(prefix="bench-", dir=work))

    with TreeSampler() as memory, contextlib.ExitStack() as stack:
        api = stack.enter_context(PrefectServer(scratch / "prefect")).url if server else ""
        memory.reset()
        mark = memory.cpu_mark()
        full_s, summary = sakip_run(inputs, outputs, year, quarter, api)
        full_cpu = full_cpu_split(memory.cpu_since(mark))
        full_peak, full_kinds = memory.peak, memory.at_peak
        # the PKs' documents (an agency's recap, in _instansi/, is not part of the comparison)
        docs = sorted(d for d in (outputs / str(year) / f"TW{quarter}").glob("*/rev-*/dokumen/*.docx")
                      if not d.parts[-4].startswith("_"))
        if not docs:
            raise SystemExit("tidak ada dokumen yang dirender; benchmark tidak dapat diukur")

        memory.reset()
        mark = memory.cpu_mark()
        start = time.perf_counter()
        with Converter() as converter:
            outcomes = converter.convert(docs, scratch / "floor")
            floor_s = time.perf_counter() - start
        # Read once the converter is closed: its LibreOffice processes reaped, their CPU counted.
        floor_cpu = floor_cpu_split(memory.cpu_since(mark))
        failed = [o.error for o in outcomes.values() if o.pdf is None]
        if failed:
            raise SystemExit(f"konversi floor gagal: {failed[:3]}")

        step = max(1, len(docs) // sample)
        picked = docs[::step][:sample]
        naive_per_doc = naive(picked, scratch)
        warm_start, warm_per_doc = warm(picked, scratch)

        returned = [r["pk"] for r in summary["pk"] if r["status"] == "DIKEMBALIKAN"]
        fixed = sorted(set(returned) & set(generate.returned(inputs)))
        if not fixed:
            raise SystemExit("tidak ada PK dikembalikan yang dapat dikoreksi; benchmark rerun tidak dapat diukur")
        generate.correct(inputs, fixed[0], quarter)
        memory.reset()
        rerun_s, rerun_summary = sakip_run(inputs, outputs, year, quarter, api)
        rerun_status = next(r["status"] for r in rerun_summary["pk"] if r["pk"] == fixed[0])
        # What the rerun made: the corrected PK's package, nothing else.
        remade = sorted(r["pk"] for r in rerun_summary["pk"] if r["status"] == "PARAF" and not r.get("dipakai_ulang"))
    shutil.rmtree(scratch, ignore_errors=True)
    # Outside the sampled tree: neither is part of the regency's run or its memory.
    demo_rerun = demo_rerun_unchanged(work) if demo else None
    render = compare.compare(work / "peers", peer_docs, peer_runs)

    counts = {s: sum(1 for r in summary["pk"] if r["status"] == s) for s in ("PARAF", "DIKEMBALIKAN", "GAGAL")}
    stages = summary.get("durasi_detik", {})
    sakip_per_doc = full_s / len(docs)
    data = {
        "taken": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "size": {"agencies": size.agencies, "pks": size.pks, "indicators_per_pk": size.indicators,
                 "quarter": quarter, "documents": len(docs), "generated_seconds": round(generated, 1), **counts},
        "full": {"seconds": round(full_s, 2), "per_document": round(sakip_per_doc, 4), "stages": stages,
                 "outside_stages": round(full_s - sum(v for k, v in stages.items() if "." not in k), 2)},
        "floor": {"seconds": round(floor_s, 2), "per_document": round(floor_s / len(docs), 4),
                  "slots": converter.slots},
        # CPU seconds by kind of process. Divided by the cores, the total bounds a run from below.
        "cpu_seconds": {"full": full_cpu, "floor": floor_cpu,
                        "floor_per_document_ms": round(floor_cpu["total"] / len(docs) * 1000, 1),
                        "full_libreoffice_per_document_ms": round(full_cpu["libreoffice"] / len(docs) * 1000, 1),
                        "sampling_overhead": round(memory.overhead, 2)},
        "naive": {"sample": len(picked), "per_document": round(naive_per_doc, 4)},
        # The same sample, one document at a time on one warm slot: the converter's own speed.
        "warm": {"sample": len(picked), "per_document": round(warm_per_doc, 4), "start_seconds": round(warm_start, 2)},
        "paraf": paraf,
        "rerun": {"seconds": round(rerun_s, 2), "corrected_pk": fixed[0], "status_after": rerun_status,
                  "packages_made": remade, "stages": rerun_summary.get("durasi_detik", {})},
        "prefect": "running server (in this process tree)" if server else "temporary server started by each run",
        "peak_rss_mib": round(max(full_peak, memory.peak) / 2**20, 1),
        "peak_pss_mib": round(memory.peak_pss / 2**20, 1),
        "full_peak_rss_mib": round(full_peak / 2**20, 1),
        "full_peak_rss_by_process_mib": {k: round(v / 2**20, 1) for k, v in sorted(full_kinds.items())},
        "demo_rerun_unchanged_seconds": demo_rerun["seconds"] if demo_rerun else None,
        "demo_rerun_unchanged": demo_rerun,
        "render": render,
    }
    ms = render["ms_per_document"]
    data["ratios"] = {
        "full_over_floor": round(full_s / floor_s, 3),
        "naive_over_sakip_per_doc": round(naive_per_doc / sakip_per_doc, 2),
        "cold_over_warm_per_doc": round(naive_per_doc / warm_per_doc, 2),
        "rerun_over_full": round(rerun_s / full_s, 3),
        "peak_rss_mib": data["peak_rss_mib"],
        "paraf_seconds": paraf["setup_and_validate_seconds"],
        "sakip_own_over_libreoffice": round(full_cpu["sakip_own"] / full_cpu["libreoffice"], 3),
        # None when docxtemplater could not run here (render["skipped"] says why)
        "sakip_over_docxtemplater_render": round(ms["sakip"] / ms["docxtemplater"], 3) if "docxtemplater" in ms else None,
    }
    data["targets_met"] = {k: None if v is None else (v <= limit if op == "<=" else v >= limit)
                           for k, (op, limit) in TARGETS.items() for v in [data["ratios"][k]]}
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return data


def _num(value: float | None, width: int, places: int | None = None) -> str:
    if value is None:
        return f"{'-':>{width}}"
    return f"{value:>{width}.{places}f}" if places is not None else f"{value:>{width}}"


def report(data: dict) -> str:
    """The table printed after a run (also quoted in README and closing notes)."""
    s, f = data["size"], data["full"]
    lines = [
        f"sakip benchmark: {s['pks']} PK ({s['agencies']} instansi x {s['pks'] // s['agencies']} PK x "
        f"{s['indicators_per_pk']} indikator), TW {s['quarter']}, {s['documents']} dokumen; "
        f"{data['machine']['cores']} core {data['machine']['cpu']}; Prefect: {data['prefect']}",
        f"{'measure':<34}{'seconds':>10}{'per doc':>10}",
        f"{'full run (sakip run, real flow)':<34}{f['seconds']:>10.1f}{f['per_document'] * 1000:>8.0f}ms",
    ]
    for stage, sec in f["stages"].items():
        # produksi.* overlap inside produksi: render and paket are busy time, konversi wall time
        label = f"    {stage.split('.')[1]} (overlapping)" if "." in stage else f"  {stage}"
        lines.append(f"{label:<34}{sec:>10.1f}")
    lines += [
        f"{'  outside stages (start-up, Prefect)':<34}{f['outside_stages']:>10.1f}",
        f"{'floor (conversion only)':<34}{data['floor']['seconds']:>10.1f}{data['floor']['per_document'] * 1000:>8.0f}ms",
        f"{'naive (cold soffice per file)':<34}{'':>10}{data['naive']['per_document'] * 1000:>8.0f}ms",
        f"{'warm slot, same files, 1 core':<34}{data['warm']['start_seconds']:>10.1f}{data['warm']['per_document'] * 1000:>8.0f}ms"
        "   (seconds: its start, paid once per slot)",
        f"{'rerun after 1 corrected PK':<34}{data['rerun']['seconds']:>10.1f}",
        f"{'paraf alone: GX set-up + validate':<34}{data['paraf']['setup_and_validate_seconds']:>10.2f}"
        f"   ({data['paraf']['pks']} PK, {data['paraf']['indicators']} indikator, {data['paraf']['expectations']} "
        f"aturan; GX import {data['paraf']['import_seconds']:.1f} s, overlapped in a run)",
        f"{'peak memory of the tree, PSS':<34}{data['peak_pss_mib']:>9.0f}M",
        "  RSS at the full run's peak: " + ", ".join(f"{k} {v:.0f}M" for k, v in data["full_peak_rss_by_process_mib"].items()),
        f"{'demo rerun, nothing changed':<34}{_num(data['demo_rerun_unchanged_seconds'], 10, 1)}"
        "   (inputs/, TW 1, temporary Prefect server)",
    ]
    c, full, floor = data["cpu_seconds"], data["cpu_seconds"]["full"], data["cpu_seconds"]["floor"]
    lines += [
        f"{'CPU seconds':<34}{'total':>10}{'LibreOff.':>10}{'sakip':>10}{'Prefect':>10}{'unsampled':>10}",
        f"{'  full run':<34}{full['total']:>10.1f}{full['libreoffice']:>10.1f}{full['sakip_own']:>10.1f}"
        f"{full['prefect_server']:>10.1f}{full['unsampled']:>10.1f}",
        f"{'  floor (sakip = bench driving it)':<34}{floor['total']:>10.1f}{floor['libreoffice']:>10.1f}"
        f"{floor['converter_in_bench']:>10.1f}{'':>10}{floor['unsampled']:>10.1f}",
        f"{'  per document: floor / full LO':<34}{c['floor_per_document_ms']:>8.0f}ms{c['full_libreoffice_per_document_ms']:>8.0f}ms",
    ]
    r = data["render"]
    lines.append(f"{'render per document':<34}{'':>10}{'per doc':>10}   ({r['documents_per_run']} docs x "
                 f"{r['runs']} runs interleaved, median)")
    labels = {"sakip": "sakip (docxtpl), PK page", "docxtemplater": "docxtemplater, same page",
              "carbone": "Carbone, same page (no LO)", "laporan_triwulan_with_chart": "laporan_triwulan with chart",
              "laporan_triwulan_without_chart": "laporan_triwulan without chart"}
    for key, label in labels.items():
        value = r["ms_per_document"].get(key)
        note = f"   dilewati: {r['skipped'][key]}" if key in r.get("skipped", {}) else \
            ("   same text" if r["same_text"].get(key) else "   TEXT DIFFERS" if key in r["same_text"] else "")
        lines.append(f"{'  ' + label:<34}{'':>10}{_num(value, 8, 0)}ms{note}")
    lines += [
        "",
        f"{'ratio':<34}{'value':>10}{'target':>10}  met",
    ]
    for key, (op, limit) in TARGETS.items():
        value, met = data["ratios"][key], data["targets_met"][key]
        lines.append(f"{key:<34}{_num(value, 10)}{op + ' ' + str(limit):>10}  {'-' if met is None else 'yes' if met else 'NO'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Benchmark sakip on a synthetic regency.")
    parser.add_argument("--pks", type=int, default=480, help="number of PKs (12 per agency; default 480)")
    parser.add_argument("--naive-sample", type=int, default=20, help="files converted the naive way (default 20)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "work", help="scratch folder (inputs and outputs)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.json")
    parser.add_argument("--peer-docs", type=int, default=20, help="documents per renderer and run (default 20)")
    parser.add_argument("--peer-runs", type=int, default=5, help="interleaved runs of the renderers (default 5)")
    parser.add_argument("--temporary-server", action="store_true",
                        help="no Prefect server: each run starts a temporary one, as `sakip run` alone does")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    data = run(args.pks, args.naive_sample, args.work.resolve(), args.results, server=not args.temporary_server,
               peer_docs=args.peer_docs, peer_runs=args.peer_runs)
    print(report(data))
    print(f"\nhasil: {args.results}")


if __name__ == "__main__":
    main()
