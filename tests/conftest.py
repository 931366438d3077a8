from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "inputs"
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
SAKIP = [sys.executable, "-m", "sakip.cli"]
# The cache's sealing key (sakip.outputs.sealed) in a folder of the test session, not the user's.
if "SAKIP_CACHE_KEY_FILE" not in os.environ:
    import tempfile  # lazy: only to name the session's key folder

    os.environ["SAKIP_CACHE_KEY_FILE"] = str(Path(tempfile.mkdtemp(prefix="sakip-kunci-")) / "kunci-cache")

# `make test` is the gate a change lands through, so its property tests draw the same examples on
# every run (a fuzz draw once failed CI on a change that had nothing to do with it). `make fuzz`
# draws new ones, more of them; what it finds becomes a unit test.
settings.register_profile("gate", derandomize=True, database=None, print_blob=True)
settings.register_profile("fuzz", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("SAKIP_HYPOTHESIS", "gate"))
FUZZ_EXAMPLES = int(os.environ.get("SAKIP_FUZZ_EXAMPLES", "0"))  # 0: each test's own count


def examples(n: int) -> int:
    """How many examples a fuzz test draws: its own `n`, or SAKIP_FUZZ_EXAMPLES under make fuzz."""
    return FUZZ_EXAMPLES or n


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode())
            h.update(p.read_bytes())
    return h.hexdigest()


@pytest.fixture(scope="session")
def period_tw2():
    from sakip.ingest import workbooks as ingest

    return ingest.read_period(INPUTS, 2026, 2)


@pytest.fixture(scope="session")
def capaian_tw2(period_tw2):
    from sakip.capaian import rules as capaian

    return capaian.compute(period_tw2)


@pytest.fixture(scope="session")
def suites():
    from sakip.paraf import suites as paraf

    return paraf.load_suites(ROOT / "expectations")


@pytest.fixture(scope="session")
def clone_suites(tmp_path_factory):
    """The suites without the budget-hierarchy checks, for periods that hold many clones of one
    demo PK: their kegiatan add up across the clones under PK-INSP's programmes, which would
    return every clone for a reason the test is not about (tests/paraf/test_paraf.py covers that rule)."""
    import json

    from sakip.paraf import suites as paraf

    rules = tmp_path_factory.mktemp("aturan")
    for path in (ROOT / "expectations").glob("*.json"):
        suite = json.loads(path.read_text(encoding="utf-8"))
        suite["expectations"] = [e for e in suite["expectations"]
                                 if not e.get("meta", {}).get("id", "").startswith("anggaran_hierarki")]
        (rules / path.name).write_text(json.dumps(suite, ensure_ascii=False), encoding="utf-8")
    return paraf.load_suites(rules)


@pytest.fixture(scope="session")
def verdicts_tw2(period_tw2, capaian_tw2, suites):
    from sakip.paraf import suites as paraf

    return paraf.run(period_tw2, capaian_tw2, suites)


@pytest.fixture(scope="session")
def run_tw2(tmp_path_factory):
    """One real `sakip run 2026 2` over a copy of the demo, printing for 80 columns: (process,
    outputs, inputs, inputs' hash before)."""
    if not shutil.which("soffice"):
        pytest.skip("LibreOffice not installed")
    tmp = tmp_path_factory.mktemp("e2e")
    inputs = tmp / "inputs"
    shutil.copytree(INPUTS, inputs)
    before = tree_hash(inputs)
    out = tmp / "outputs"
    proc = subprocess.run([*SAKIP, "run", "2026", "2", "--inputs", str(inputs), "--outputs", str(out),
                           "--templates", str(ROOT / "templates"), "--expectations", str(ROOT / "expectations"),
                           "--tanggal", "2026-07-06"],
                          capture_output=True, text=True, cwd=tmp, timeout=400,
                          env={**os.environ, "COLUMNS": "80"})  # an ordinary terminal (tests/flows/test_e2e.py)
    return proc, out, inputs, before


@pytest.fixture()
def tree(run_tw2, tmp_path):
    """A copy of the demo run's inputs and outputs, to damage (manifest paths are relative, so the
    depth between them is kept)."""
    _, out, inputs, _ = run_tw2
    shutil.copytree(inputs, tmp_path / "inputs")
    shutil.copytree(out, tmp_path / "outputs", symlinks=True)
    return tmp_path
