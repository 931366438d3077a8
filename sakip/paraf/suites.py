"""Paraf: the supervisor's check, automated with Great Expectations suites from expectations/.

Each suite is validated once over one flat frame holding every PK of the period (one GX run
per suite, not per PK), and each failing row is traced back to the workbook cell it came from.
An expectation's ``meta`` says how severe a failure is (``error`` returns the PK to its unit,
``warning`` is printed on the Lembar Paraf), which field locates it, and the Indonesian text an
official reads. The checks GX cannot express are registered rules (sakip.paraf.rules, e.g. the
checks of the values in sakip.paraf.nilai): their findings join the same verdict, and the
Lembar Paraf lists them beside the expectations. A PK without errors is initialled (PARAF);
otherwise it is returned (DIKEMBALIKAN) with a correction workbook (sakip.paraf.koreksi).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import string
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from rapidfuzz.process import extractOne

from ..capaian import anggaran
from ..capaian.rules import PKResult, target_of, words
from ..errors import Location, SuiteError
from ..formatting import JAKARTA, capaian_text, number, round2, written
from ..lifeline import watch_parent
from ..model import Finding, PeriodData
from . import berkas, nilai
from .asn import PANGKAT, nip_problem
from .rules import RULES, Group, group_of, rule

Verdict = Literal["PARAF", "DIKEMBALIKAN"]
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Check:
    """One rule as the Lembar Paraf lists it: a GX expectation or a registered Rule."""

    suite: str  # the suite, or the group of a Rule (its id's prefix)
    id: str  # meta.id, unique in its suite: findings name their check "<suite>.<id>"
    name: str  # the expectation type, or RULE_TYPE
    description: str
    severity: str


RULE_TYPE = "aturan_sakip"  # a check written in Python in the paraf wing (sakip.paraf.rules), not a GX expectation


@dataclass
class ParafResult:
    pk: str
    verdict: Verdict
    findings: list[Finding] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)  # every rule run: the suites' in suite order, then the Rules
    failures: dict[str, int] = field(default_factory=dict)  # "<suite>.<id>" -> rows (or findings) of this PK that failed
    checked_at: dt.datetime | None = None
    suites: list[dict[str, Any]] = field(default_factory=list)  # nama, berkas, sha256, uraian, jumlah_aturan
    groups: list[Group] = field(default_factory=list)  # the rows of the Lembar Paraf: suites and groups of Rules

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def failed(self, check: Check) -> int:
        return self.failures.get(f"{check.suite}.{check.id}", 0)

    def outcome(self, check: Check) -> str:
        """The rule's result as the Lembar Paraf prints it."""
        n = self.failed(check)
        return "Sesuai" if n == 0 else (f"{n} galat" if check.severity == "error" else f"{n} peringatan")


@dataclass(frozen=True)
class Suite:
    name: str
    frame: str
    description: str
    path: Path
    gx_suite: Any
    checks: tuple[Check, ...]
    metas: tuple[dict[str, Any], ...]
    order: int = 0  # meta.urutan: where the suite's checks appear on the Lembar Paraf
    sha256: str = ""  # of the suite file as loaded, for the paraf record


def suite_files(folder: Path) -> list[Path]:
    """The suite files of expectations/, in the order they run."""
    return sorted(folder.glob("*.json"))


def load_suites(folder: Path) -> list[Suite]:
    """Load every suite JSON; a suite whose expectations do not all load is an error, not a gap."""
    # lazy: Great Expectations takes several seconds to import; it loads in the GX worker (IsolatedSuites)
    from great_expectations.core import ExpectationSuite

    from . import expectations  # noqa: F401  (registers the custom expectation types with GX)

    suites = []
    gx_log = logging.getLogger("great_expectations")
    for path in suite_files(folder):
        level = gx_log.level
        # GX logs a traceback and drops an expectation it cannot build; we report it ourselves.
        gx_log.setLevel(logging.CRITICAL + 1)
        try:
            raw = path.read_bytes()
            data = json.loads(raw.decode("utf-8"))
            declared = data["expectations"]
            gx_suite = ExpectationSuite(**data)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SuiteError(f"{path}: suite tidak dapat dimuat ({exc})") from None
        except Exception as exc:  # GX's own hierarchy
            raise SuiteError(f"{path}: suite tidak dapat dimuat ({exc})") from None
        finally:
            gx_log.setLevel(level)
        if len(gx_suite.expectations) != len(declared):
            loaded = {e.expectation_type for e in gx_suite.expectations}
            dropped = [f"ke-{i + 1} '{e.get('type')}'" for i, e in enumerate(declared) if e.get("type") not in loaded]
            raise SuiteError(
                f"{path}: {len(declared)} expectation ditulis, hanya {len(gx_suite.expectations)} dimuat; "
                f"tidak dikenal atau tidak sah: {', '.join(dropped) or '?'}"
            )
        metas = tuple(e.meta or {} for e in gx_suite.expectations)
        seen: set[str] = set()
        for i, meta in enumerate(metas):
            missing = {"id", "severity", "lokasi", "uraian", "pesan", "perbaikan"} - set(meta)
            if missing or meta["severity"] not in SEVERITIES:
                raise SuiteError(f"{path}: expectation ke-{i + 1}: meta harus memuat id, severity (error/warning), "
                                 "lokasi, uraian, pesan, perbaikan")
            if meta["id"] in seen:
                raise SuiteError(f"{path}: expectation ke-{i + 1}: id '{meta['id']}' dipakai lebih dari sekali")
            seen.add(meta["id"])
        suites.append(Suite(
            name=data["name"], frame=data.get("meta", {}).get("frame", data["name"]),
            description=data.get("meta", {}).get("uraian", ""), path=path, gx_suite=gx_suite,
            checks=tuple(Check(data["name"], m["id"], e.expectation_type, m["uraian"], m["severity"])
                         for e, m in zip(gx_suite.expectations, metas)),
            metas=metas, order=int(data.get("meta", {}).get("urutan", 99)),
            sha256=hashlib.sha256(raw).hexdigest(),
        ))
    if not suites:
        raise SuiteError(f"{folder}: tidak ada suite expectation (*.json)")
    return sorted(suites, key=lambda s: (s.order, s.name))


# ---------------------------------------------------------------- GX in its own process

_CHILD_SUITES: list[Suite] = []


def _child_init(parent: int, log: str | None) -> None:
    # A kill -9 of the run must not leave GX (~300 MB) behind: the child watches its parent.
    watch_parent(parent)
    if log:  # GX and its libraries print warnings: the run's log file, not the operator's console
        try:
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError:  # a full or read-only disk: nothing to the console either
            fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.close(fd)


def _child_load(folder: str) -> list[Suite]:
    _CHILD_SUITES[:] = load_suites(Path(folder))
    return [replace(s, gx_suite=None) for s in _CHILD_SUITES]


def _child_validate(name: str, frame: Frame) -> tuple[list[Finding], dict[CountKey, int]]:
    return validate(next(s for s in _CHILD_SUITES if s.name == name), frame)


class IsolatedSuites:
    """The suites loaded and validated by Great Expectations in a child process.

    Importing GX costs ~6 s of CPU and ~140 MB that Python never gives back. In a child started
    at the beginning of a run, the import overlaps reading the workbooks without contending for
    the run's GIL, and the memory is returned when paraf is done, before conversion (the peak of
    a run) starts. The child is spawned, not forked: the run has threads. Loading starts when
    the instance is made: `sakip run` makes it before Prefect spends seconds starting, and hands
    it to the flow. GX's own output goes to `log` (the run's log file) when given.
    """

    def __init__(self, folder: Path, log: Path | None = None, start: bool = True) -> None:
        self._folder, self._log = folder, log
        self._pool: ProcessPoolExecutor | None = None
        self._loaded: Future[list[Suite]] | None = None
        if start:
            self.start()

    def start(self) -> None:
        """Start the child loading the suites, if it is not running yet. A run that expects to
        reuse its last verdicts makes the instance with start=False: the child then starts only
        when paraf does need it (suites() or validate())."""
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_child_init,
                                             initargs=(os.getpid(), str(self._log) if self._log else None))
            self._loaded = self._pool.submit(_child_load, str(self._folder))

    @property
    def started(self) -> bool:
        return self._pool is not None

    def suites(self) -> list[Suite]:
        """The suites' descriptions (without their GX objects); raises the child's SuiteError."""
        self.start()
        assert self._loaded is not None
        try:
            return self._loaded.result()
        except BrokenProcessPool:
            raise SuiteError("proses pemeriksaan Great Expectations berhenti tiba-tiba saat memuat suite") from None

    def validate(self, suite: Suite, frame: Frame) -> tuple[list[Finding], dict[CountKey, int]]:
        self.start()
        assert self._pool is not None
        try:
            return self._pool.submit(_child_validate, suite.name, frame).result()
        except BrokenProcessPool:
            raise SuiteError(f"{suite.path}: proses pemeriksaan Great Expectations berhenti tiba-tiba") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "IsolatedSuites":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@cache
def _gx_batch_definition() -> Any:
    # lazy: Great Expectations takes several seconds to import; it loads in the GX worker (IsolatedSuites)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    # GX pins this module's logger at INFO on import; its chatter is not for the operator.
    logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    asset = context.data_sources.add_pandas("sakip").add_dataframe_asset("frame")
    return asset.add_batch_definition_whole_dataframe("whole")


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _blank(text: str | None) -> str | None:
    return text if text and str(text).strip() else None


@dataclass
class Frame:
    """A flat frame for GX plus, per row, the cell of each field and the message context."""

    data: pd.DataFrame
    locations: list[dict[str, Location]]
    # Per row, a function giving field -> {nilai, teks, catatan, ...}: called only for rows that
    # fail, since formatting numbers for every row would cost more than validating them.
    contexts: list[Callable[[], dict[str, dict[str, str]]]]
    base: list[dict[str, str]]  # row -> context shared by all fields (pk, kode, indikator)
    parameters: dict[str, Any] = field(default_factory=dict)  # suite parameters ({"$PARAMETER": name})


def _value_ctx(row: dict[str, Any], fieldname: str) -> dict[str, str]:
    value = row.get(fieldname)
    if isinstance(value, Decimal):
        shown = written(value)  # a message quotes the cell as written, not rounded for print
    else:
        shown = "" if value is None else str(value)
    note = row.get(f"{fieldname}_note", "") or ""
    return {"nilai": shown or str(row.get(f"{fieldname}_text", "") or ""),
            "teks": str(row.get(f"{fieldname}_text", shown) or ""),
            "catatan": f"({note})" if note else ""}


def _value_ctxs(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {k: _value_ctx(row, k) for k in fields}


def _pick(row: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """What `_value_ctx` reads of a row: the frames travel to the GX process, whole rows would not."""
    return {k: row[k] for f in fields for k in (f, f"{f}_text", f"{f}_note") if k in row}


def _pejabat_context(nip: str | None, pangkat: str | None, golongan: str | None, year: int) -> dict[str, dict[str, str]]:
    guess = extractOne(pangkat, list(PANGKAT)) if pangkat and pangkat not in PANGKAT else None
    return {"nip": {"nilai": nip or "", "teks": nip or "", "alasan": nip_problem(nip, year) or ""},
            "pangkat": {"nilai": pangkat or "", "teks": pangkat or "",
                        "saran": f", mis. '{guess[0]}'" if guess and guess[1] >= 80 else ""},
            "golongan": {"nilai": golongan or "", "teks": golongan or "",
                         "golongan_seharusnya": PANGKAT.get(pangkat or "", "-")}}


def _measured_mean(targets: list[Decimal | None]) -> Decimal | None:
    """Mean of the quarterly targets from the first one that is neither empty nor 0, as the
    engine accumulates a Rata-rata indicator (a 0/0/0/X indicator is not measured before TW IV)."""
    start = next((i for i, t in enumerate(targets) if t is not None and t != 0), None)
    known = [t for t in targets[start:] if t is not None] if start is not None else []
    return sum(known, Decimal(0)) / len(known) if known else None


def _ra_context(r: dict[str, Any], q: int, targets: list[Decimal | None], back: int | None) -> dict[str, dict[str, str]]:
    shown = [written(t) if t is not None else "-" for t in targets]
    total = sum((t for t in targets if t is not None), Decimal(0))
    ctx = {"rincian": " / ".join(shown), "jumlah": written(total), "tw4": shown[3], "rata": number(_measured_mean(targets)),
           "target_tahunan": written(r["target_tahunan"]) if r["target_tahunan"] is not None else "-",
           "triwulan_mundur": QUARTERS[back] if back is not None else ""}
    return {"kode": {**ctx, **_value_ctx(r, "kode")}, "target_tw": {**ctx, **_value_ctx(r, f"target_tw{q}")},
            "target_tw4": {**ctx, **_value_ctx(r, "target_tw4")},
            "target_mundur": {**ctx, **_value_ctx(r, f"target_tw{back + 1 if back is not None else 1}")}}


YES = {"ya", "y", "yes", "boleh", "benar", "true", "1"}  # "true": an Excel TRUE cell read as text
NO = {"", "-", "tidak", "t", "no", "tdk", "false", "0"}


def _allows_negative(text: str | None) -> tuple[bool, str]:
    """The PK's 'Boleh Negatif' cell as (allowed, normalised text); unknown words stay as written."""
    word = words(text)
    if word in YES:
        return True, "ya"
    if word in NO:
        return False, "tidak"
    return False, str(text)


def _config_shown(agency: str) -> str:
    return f"{agency}/instansi.toml" if agency else "instansi.toml"


def pejabat_frame(period: PeriodData) -> Frame:
    """The officials each PK's documents name: Pihak Pertama (whose NIP the PK workbook gives),
    Pihak Kedua (the superior) and the checker who initials, from instansi.toml."""
    rows, locs, ctxs, base = [], [], [], []
    for pk in period.records("pks"):
        if not pk.get("readable"):
            continue
        code, cfg, shown = pk["pk"], period.config_for(pk["pk"]), _config_shown(pk["instansi"])
        found = cfg.official_by_nip(pk["nip"])
        checker = cfg.pemeriksa_untuk(found[0] if found else "")
        roles: list[tuple[str, str | None]] = [("Pihak Pertama", found[0] if found else None)]
        if found and found[1].atasan:
            roles.append(("Pihak Kedua", found[1].atasan))
        roles.append(("Pemeriksa", checker))
        for role, key in roles:
            official = cfg.pejabat.get(key) if key else None
            nip = pk["nip"] if role == "Pihak Pertama" else (official.nip if official else "")
            pangkat = _blank(official.pangkat) if official else None
            golongan = _blank(official.golongan) if official else None
            where = f"[pejabat.{key}]" if key else ""
            nip_loc = pk["nip_loc"] if role == "Pihak Pertama" else Location(shown, where, "nip")
            # An unregistered NIP (ingest reports it) has no pangkat to check, only its structure.
            rows.append({"pk": code, "nip": _blank(nip), "pangkat": pangkat, "golongan": golongan,
                         "pns": bool(pangkat or golongan), "nip_ada": bool(_blank(nip)), "terdaftar": official is not None})
            locs.append({"nip": nip_loc, "pangkat": Location(shown, where, "pangkat"),
                         "golongan": Location(shown, where, "golongan")})
            ctxs.append(partial(_pejabat_context, nip, pangkat, golongan, period.year))
            name = official.nama if official else pk.get("nama", "")
            base.append({"pk": code, "peran": role, "nama": name, "pangkat": pangkat or "", "golongan": golongan or "",
                         "pangkat_golongan": official.pangkat_golongan if official else "",
                         "sumber": (f"sheet Identitas {pk['berkas']}" if role == "Pihak Pertama" and not official
                                    else f"{shown} bagian {where}")})
    return Frame(pd.DataFrame(rows), locs, ctxs, base, {"tahun": period.year})


ACCUMULATION_NAMES = {"jumlah": "Jumlah", "akhir": "Akhir", "rata-rata": "Rata-rata"}  # as the forms offer them


def _is_percent(satuan: str | None) -> bool:
    """A unit written with "%": the rows the % checks of the pk and realisasi suites judge."""
    return "%" in str(satuan or "")


def pk_frame(period: PeriodData, indicators: list[dict[str, Any]] | None = None) -> Frame:
    rows, locs, ctxs, base = [], [], [], []
    for r in period.records("indicators") if indicators is None else indicators:
        allowed, allowed_text = _allows_negative(r.get("boleh_negatif"))
        rows.append({
            "pk": r["pk"], "kode": _blank(r["kode"]), "indikator": _blank(r["indikator"]),
            "satuan": _blank(r["satuan"]), "polaritas": r["polaritas"], "akumulasi": r["akumulasi"],
            "target_tahunan_status": r["target_tahunan_status"],
            "target_tahunan_angka": _float(r["target_tahunan"]),
            # Classified by capaian's own reader, so paraf refuses exactly the targets capaian cannot judge.
            "target_tahunan_jenis": target_of(r, "target_tahunan").kind,
            "boleh_negatif": allowed, "boleh_negatif_teks": allowed_text,
            # As capaian reads the cell to pick the formula; empty means the agency's formula.
            "rumus_negatif": words(r.get("rumus_negatif")) or None,
            "persen": _is_percent(r["satuan"]),
        })
        loc = {k: r[f"{k}_loc"] for k in ("kode", "indikator", "satuan", "polaritas", "akumulasi", "target_tahunan")}
        locs.append({**loc, "boleh_negatif": r.get("boleh_negatif_loc") or r["kode_loc"],
                     "rumus_negatif": r.get("rumus_negatif_loc") or r["kode_loc"]})
        fields = (*loc, "boleh_negatif", "rumus_negatif")
        # A known accumulation is quoted as the form offers it ("Jumlah"), not as normalised.
        quoted = {**_pick(r, fields), "akumulasi_text": ACCUMULATION_NAMES.get(r["akumulasi"], r["akumulasi"])}
        ctxs.append(partial(_value_ctxs, quoted, fields))
        base.append({"pk": r["pk"], "kode": r["kode"], "indikator": r["indikator"]})
    return Frame(pd.DataFrame(rows), locs, ctxs, base)


QUARTERS = ("TW I", "TW II", "TW III", "TW IV")
RA_TARGETS = ("target_tw1", "target_tw2", "target_tw3", "target_tw4")
_READABLE = ("angka", "angka_teks", "kosong")


def _step_back(targets: list[Decimal | None], rising: bool) -> int | None:
    """Index of the first quarter whose target goes back against a cumulative target's direction
    (where the monotonic expectation's finding is marked); gaps compare with the last target set."""
    last = None
    for i, t in enumerate(targets):
        if t is None:
            continue
        if last is not None and (t < last if rising else t > last):
            return i
        last = t
    return None


def ra_frame(period: PeriodData, indicators: list[dict[str, Any]] | None = None) -> Frame:
    """One row per PK indicator with its RA targets, as numbers where they are numbers."""
    q = period.quarter
    rows, locs, ctxs, base = [], [], [], []
    for r in period.records("indicators") if indicators is None else indicators:
        targets = [r[f"target_tw{i}"] for i in range(1, 5)]
        numeric = (not r["ra_missing"] and r["target_tahunan_status"] in ("angka", "angka_teks")
                   and all(r[f"target_tw{i}_status"] in _READABLE for i in range(1, 5)))
        mean = _measured_mean(targets) if numeric else None
        rows.append({
            "pk": r["pk"], "kode": _blank(r["kode"]), "akumulasi": r["akumulasi"], "polaritas": r["polaritas"],
            "ra_ada": not r["ra_missing"], "kualitatif": r["target_tahunan_status"] == "teks",
            "target_tw_status": r[f"target_tw{q}_status"], "angka": numeric,
            "target_tahunan": _float(r["target_tahunan"]), **{f"target_tw{i}": _float(t) for i, t in enumerate(targets, 1)},
            # Compared as printed (two decimals, half up): a mean of 10/10/11 is 10,33 like its target.
            "target_rata": _float(round2(mean)) if mean is not None else None,
            "target_tahunan_2d": _float(round2(r["target_tahunan"])) if r["target_tahunan"] is not None else None,
        })
        back = _step_back(targets, rising=r["polaritas"] == "positif")
        tw_loc = [r[f"target_tw{i}_loc"] or r["kode_loc"] for i in range(1, 5)]
        locs.append({"kode": r["kode_loc"], "target_tw": tw_loc[q - 1], "target_tw4": tw_loc[3],
                     "target_mundur": tw_loc[back] if back is not None else tw_loc[0]})
        ctxs.append(partial(_ra_context, _pick(r, ("kode", "target_tahunan", *RA_TARGETS)), q, targets, back))
        base.append({"pk": r["pk"], "kode": r["kode"], "indikator": r["indikator"]})
    return Frame(pd.DataFrame(rows), locs, ctxs, base)


def _current(frame: pd.DataFrame, quarter: int, key: str) -> tuple[dict[tuple[str, str], dict[str, Any]], dict[str, str]]:
    """Rows of one quarter by (pk, key), first one winning, and each PK's workbook as shown."""
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    files: dict[str, str] = {}
    if not frame.empty:
        for r in frame[frame["triwulan"] == quarter].to_dict("records"):
            rows.setdefault((r["pk"], r[key]), r)
            files[r["pk"]] = r["berkas"]
    return rows, files


def realisasi_frame(period: PeriodData, capaian: dict[str, PKResult], submitted: set[str],
                    indicators: list[dict[str, Any]] | None = None) -> Frame:
    current, files = _current(period.realisasi, period.quarter, "kode")
    allowed = {(r["pk"], r["kode"]): _allows_negative(r.get("boleh_negatif"))[0]
               for r in (period.records("indicators") if indicators is None else indicators)}
    rows, locs, ctxs, base = [], [], [], []
    for pk, result in capaian.items():
        if pk not in submitted:
            continue
        sheet = Location(files.get(pk, ""), "Realisasi")
        for ind in result.indicators:
            r = current.get((pk, ind.kode))
            cap = ind.capaian_tw
            explain = ind.below(period.config_for(pk).pengaturan.ambang_kendala)
            rows.append({
                "pk": pk, "kode": ind.kode, "kualitatif": ind.qualitative,
                "realisasi_status": r["realisasi_status"] if r else "tidak_ada",
                "realisasi_angka": _float(r["realisasi"]) if r else None,
                "kendala": _blank(r["kendala"]) if r else None,
                "tindak_lanjut": _blank(r["tindak_lanjut"]) if r else None,
                "perlu_penjelasan": bool(explain and r),
                "target_tw_ada": ind.has_target_tw,
                # Before its first quarter with a target, no realisasi is asked for (not even a row).
                "diukur": ind.measured,
                "boleh_negatif": allowed.get((pk, ind.kode), False),
                "persen": _is_percent(ind.satuan),
            })
            locs.append({k: (r[f"{k}_loc"] if r and r[f"{k}_loc"] else sheet)
                         for k in ("realisasi", "kendala", "tindak_lanjut")})
            fields = ("realisasi", "kendala", "tindak_lanjut")
            ctxs.append(partial(_value_ctxs, _pick(r or {}, fields), fields))
            base.append({"pk": pk, "kode": ind.kode, "indikator": ind.indikator, "capaian": capaian_text(cap)})
    return Frame(pd.DataFrame(rows), locs, ctxs, base)


@dataclass(frozen=True)
class _BudgetLine:
    """One budget line of one PK with where its numbers were read, for the hierarchy checks."""

    kode: str
    pk: str
    pagu: Decimal | None
    realisasi_sd: Decimal | None
    pagu_loc: Location
    realisasi_loc: Location


LEVELS = {3: "program", 5: "kegiatan", 6: "subkegiatan"}  # by the number of dotted parts of a code


def _level_name(code: str) -> str:
    return LEVELS.get(len(anggaran.key(code).split(".")), "baris anggaran")


def _listing(lines: list[_BudgetLine], amount: str) -> str:
    """'5.01.02.2.01 PK-IRBAN1 (pk/PK-IRBAN1.xlsx, sheet 'Anggaran', sel D5) Rp 845.000.000; ...'"""
    return "; ".join(f"{x.kode} {x.pk} ({x.pagu_loc if amount == 'pagu' else x.realisasi_loc}) "
                     f"Rp {number(getattr(x, amount), 0) if getattr(x, amount) is not None else '-'}" for x in lines)


def _sum_of(lines: list[_BudgetLine], amount: str) -> Decimal | None:
    return anggaran.known_sum(getattr(x, amount) for x in lines)


def _hierarchy_context(line: _BudgetLine, tree: anggaran.Tree) -> dict[str, str]:
    """What the hierarchy messages of `line` name (made only for a row that fails): its parent
    with where each part of it was read, the parent's direct children with their cells, both
    sums, for pagu and realisasi; and, as a parent, its own children likewise."""
    ctx: dict[str, str] = {"jenis": _level_name(line.kode)}
    if (parent := tree.parent_of(line.kode)) is not None:
        holders, every = tree.holders_of(parent), tree.children_of(parent)
        kids = [x for x in every if x.pk == line.pk]
        ctx.update({"induk": parent, "jenis_induk": _level_name(parent), "jenis_anak": _level_name(line.kode),
                    "induk_pk": ", ".join(dict.fromkeys(x.pk for x in holders)),
                    "induk_rincian_pagu": _listing(holders, "pagu"), "induk_rincian_realisasi": _listing(holders, "realisasi_sd"),
                    "anak_rincian_pagu": _listing(kids, "pagu"), "anak_rincian_realisasi": _listing(kids, "realisasi_sd"),
                    "induk_pagu": number(_sum_of(holders, "pagu"), 0), "anak_pagu": number(_sum_of(kids, "pagu"), 0),
                    "induk_realisasi": number(_sum_of(holders, "realisasi_sd"), 0),
                    "anak_realisasi": number(_sum_of(kids, "realisasi_sd"), 0),
                    "anak_semua_pk": ", ".join(dict.fromkeys(x.pk for x in every)),
                    "anak_semua_rincian_pagu": _listing(every, "pagu"),
                    "anak_semua_rincian_realisasi": _listing(every, "realisasi_sd"),
                    "anak_semua_pagu": number(_sum_of(every, "pagu"), 0),
                    "anak_semua_realisasi": number(_sum_of(every, "realisasi_sd"), 0)})
    if kids := tree.children_of(line.kode):
        holders = tree.holders_of(line.kode)
        ctx.update({"anak_pk": ", ".join(dict.fromkeys(x.pk for x in kids)), "jenis_anak_sendiri": _level_name(kids[0].kode),
                    "rincian_pagu": _listing(holders, "pagu"), "rincian_realisasi": _listing(holders, "realisasi_sd"),
                    "anak_sendiri_rincian_pagu": _listing(kids, "pagu"),
                    "anak_sendiri_rincian_realisasi": _listing(kids, "realisasi_sd"),
                    "kode_pagu": number(_sum_of(holders, "pagu"), 0), "anak_sendiri_pagu": number(_sum_of(kids, "pagu"), 0),
                    "kode_realisasi": number(_sum_of(holders, "realisasi_sd"), 0),
                    "anak_sendiri_realisasi": number(_sum_of(kids, "realisasi_sd"), 0)})
    return ctx


def _hierarchy_columns(line: _BudgetLine, tree: anggaran.Tree) -> dict[str, float | None]:
    """The sums the hierarchy expectations compare for `line`.

    As a child: its parent's amount against the parent's direct children held by the same PK; an
    error, so that PK is returned (its own lines cannot fit, whatever the others hold). Against
    all the parent's children, when some live in other PKs: a warning on each of those PKs, since
    the data cannot tell whose line is wrong and one unit is never returned for another's (the
    warning names every line with its cell, so each unit checks its own against the DPA). As a
    parent whose children live in other PKs (the head's programme, the units' kegiatan): the
    same comparison as a warning on the parent's PK."""
    out: dict[str, float | None] = dict.fromkeys(("induk_pagu_angka", "anak_pagu_angka", "induk_realisasi_sd_angka",
                                                  "anak_realisasi_sd_angka", "anak_semua_pagu_angka",
                                                  "anak_semua_realisasi_sd_angka", "kode_pagu_angka", "anak_lain_pagu_angka",
                                                  "kode_realisasi_sd_angka", "anak_lain_realisasi_sd_angka"))
    if (parent := tree.parent_of(line.kode)) is not None:
        holders, every = tree.holders_of(parent), tree.children_of(parent)
        kids = [x for x in every if x.pk == line.pk]
        out["induk_pagu_angka"], out["anak_pagu_angka"] = _float(_sum_of(holders, "pagu")), _float(_sum_of(kids, "pagu"))
        out["induk_realisasi_sd_angka"] = _float(_sum_of(holders, "realisasi_sd"))
        out["anak_realisasi_sd_angka"] = _float(_sum_of(kids, "realisasi_sd"))
        if len(kids) < len(every):
            out["anak_semua_pagu_angka"] = _float(_sum_of(every, "pagu"))
            out["anak_semua_realisasi_sd_angka"] = _float(_sum_of(every, "realisasi_sd"))
    kids = tree.children_of(line.kode)
    if any(x.pk != line.pk for x in kids):
        holders = tree.holders_of(line.kode)
        out["kode_pagu_angka"], out["anak_lain_pagu_angka"] = _float(_sum_of(holders, "pagu")), _float(_sum_of(kids, "pagu"))
        out["kode_realisasi_sd_angka"] = _float(_sum_of(holders, "realisasi_sd"))
        out["anak_lain_realisasi_sd_angka"] = _float(_sum_of(kids, "realisasi_sd"))
    return out


def _budget_lines(period: PeriodData, capaian: dict[str, PKResult]) -> dict[str, list[_BudgetLine]]:
    """Every PK's budget lines, by agency: the hierarchy spans the PKs of one agency (the head's
    programmes, the units' kegiatan), never two agencies, whose codes may coincide."""
    current, files = _current(period.realisasi_budget, period.quarter, "kode_program")
    pagu_locs = {(b["pk"], b["kode_program"]): b["pagu_loc"] for b in period.records("budgets")}
    out: dict[str, list[_BudgetLine]] = defaultdict(list)
    for pk, result in capaian.items():
        for b in result.budgets:
            r = current.get((pk, b.kode))
            sheet = Location(files.get(pk, ""), "Anggaran")
            out[period.agency(pk)].append(_BudgetLine(
                b.kode, pk, b.pagu, b.realisasi_sd, pagu_locs.get((pk, b.kode)) or Location("", "Anggaran"),
                r["realisasi_anggaran_loc"] if r else sheet))
    return out


def _budget_context(r: dict[str, Any], pagu: Decimal | None, to_date: Decimal | None,
                    line: _BudgetLine, tree: anggaran.Tree) -> dict[str, dict[str, str]]:
    hierarchy = _hierarchy_context(line, tree)
    return {"realisasi_anggaran": {**_value_ctx(r, "realisasi_anggaran"), "pagu": number(pagu),
                                   "realisasi_sd": number(to_date), **hierarchy},
            "pagu": {"nilai": number(pagu), "teks": number(pagu), **hierarchy}}


def budget_frame(period: PeriodData, capaian: dict[str, PKResult], submitted: set[str]) -> Frame:
    current, _ = _current(period.realisasi_budget, period.quarter, "kode_program")
    _, files = _current(period.realisasi, period.quarter, "kode")
    trees = {agency: anggaran.Tree(lines) for agency, lines in _budget_lines(period, capaian).items()}
    rows, locs, ctxs, base = [], [], [], []
    for pk, result in capaian.items():
        if pk not in submitted:
            continue
        sheet = Location(files.get(pk, ""), "Anggaran")
        tree = trees[period.agency(pk)]
        mine = {x.kode: x for x in tree.lines if x.pk == pk}
        for b in result.budgets:
            r = current.get((pk, b.kode))
            line = mine[b.kode]
            rows.append({
                "pk": pk, "kode": b.kode,
                "realisasi_anggaran_status": r["realisasi_anggaran_status"] if r else "kosong",
                "realisasi_anggaran_angka": _float(r["realisasi_anggaran"]) if r else None,
                "pagu_angka": _float(b.pagu), "realisasi_sd_angka": _float(b.realisasi_sd),
                **_hierarchy_columns(line, tree),
            })
            locs.append({"realisasi_anggaran": (r["realisasi_anggaran_loc"] if r else sheet), "pagu": line.pagu_loc})
            ctxs.append(partial(_budget_context, _pick(r or {}, ("realisasi_anggaran",)), b.pagu, b.realisasi_sd, line, tree))
            base.append({"pk": pk, "kode": b.kode, "program": b.program})
    return Frame(pd.DataFrame(rows), locs, ctxs, base)


class _Context(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _format(text: str, ctx: dict[str, str]) -> str:
    return " ".join(string.Formatter().vformat(text, (), _Context(ctx)).split())


CountKey = tuple[str, str, int]  # (pk, suite name, index of the expectation in the suite)


def validate(suite: Suite, frame: Frame) -> tuple[list[Finding], dict[CountKey, int]]:
    """Run one suite over its frame; return findings and failure counts per PK and expectation."""
    if frame.data.empty:
        return [], {}
    data = frame.data.reset_index(drop=True)
    data.insert(0, "row_id", range(len(data)))
    batch = _gx_batch_definition().get_batch(batch_parameters={"dataframe": data})
    results = batch.validate(
        suite.gx_suite, expectation_parameters=frame.parameters or None,
        result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["row_id"]},
    )
    findings: list[Finding] = []
    counts: dict[CountKey, int] = defaultdict(int)
    # GX returns the results grouped by column, not in the suite's order: each names its meta.id.
    position = {meta["id"]: i for i, meta in enumerate(suite.metas)}
    for res in results.results:
        i = position[res.expectation_config.meta["id"]]
        info = res.exception_info or {}
        if info.get("raised_exception"):
            raise SuiteError(f"{suite.path}: expectation ke-{i + 1} gagal dijalankan: {info.get('exception_message')}")
        if res.success:
            continue
        meta = suite.metas[i]
        field_name = meta["lokasi"]
        for item in res.result.get("unexpected_index_list") or []:
            row = int(item["row_id"])
            ctx = {**frame.base[row], **frame.contexts[row]().get(field_name, {})}
            pk = frame.base[row]["pk"]
            counts[(pk, suite.name, i)] += 1
            findings.append(Finding(
                pk=pk, severity=meta["severity"], location=frame.locations[row][field_name],
                value=ctx.get("teks", ""), message=_format(meta["pesan"], ctx),
                fix=_format(meta["perbaikan"], ctx), check=f"{suite.name}.{meta['id']}",
                expected=meta["uraian"],
            ))
    return findings, counts


KODE_DIKENAL = rule("realisasi.kode_dikenal", "error", "Kode indikator sama dengan kode pada PK")
REALISASI_DITERIMA = rule("berkas.realisasi_diterima", "error", "Berkas realisasi triwulan ini diterima")


def _unknown_rows(quarter: int, indicators: list[dict[str, Any]], realisasi: list[dict[str, Any]]) -> list[Finding]:
    """Realisasi rows of the quarter whose indicator code is not in the PK: reported, never
    silently dropped."""
    out: list[Finding] = []
    if not indicators:
        return out
    known = {(i["pk"], i["kode"]) for i in indicators}
    for r in realisasi:
        if r["triwulan"] == quarter and (r["pk"], r["kode"]) not in known:
            out.append(KODE_DIKENAL.finding(r["pk"], r["kode_loc"], r["kode"],
                                            f"Kode indikator '{r['kode']}' tidak ada di PK {r['pk']}",
                                            "Gunakan kode indikator persis seperti pada PK."))
    return out


def run(period: PeriodData, capaian: dict[str, PKResult], suites: list[Suite],
        validator: Callable[[Suite, Frame], tuple[list[Finding], dict[CountKey, int]]] | None = None) -> dict[str, ParafResult]:
    """The paraf verdict for every PK of the period (suites validated in this process, or by
    `validator`, e.g. IsolatedSuites.validate)."""
    validator = validator or validate
    checked_at = dt.datetime.now(JAKARTA).replace(microsecond=0)
    ran = [{"nama": s.name, "berkas": s.path.name, "sha256": s.sha256, "uraian": s.description,
            "jumlah_aturan": len(s.checks)} for s in suites]
    rule_checks = _rule_checks(suites)
    every_check = [check for suite in suites for check in suite.checks] + rule_checks
    groups = _groups(suites, rule_checks)
    pks = period.pk_codes()
    submitted = set() if period.realisasi.empty else set(
        period.realisasi.loc[period.realisasi["triwulan"] == period.quarter, "pk"])
    # Converted once for the file rules, the value rules and the frames that walk them.
    indicators, realisasi = period.records("indicators"), period.records("realisasi")
    findings = berkas.check(period, indicators, realisasi) + _unknown_rows(period.quarter, indicators, realisasi)
    for pk in pks:
        # A workbook received but refused is reported by its own finding; "not received" is the rest.
        if pk in capaian and pk not in submitted and (pk, period.quarter) not in period.received:
            folder = Location(berkas.realisasi_folder(period.agency(pk), period.quarter))
            findings.append(REALISASI_DITERIMA.finding(pk, folder, "",
                                                       f"Berkas realisasi triwulan {period.quarter} untuk {pk} belum diterima",
                                                       "Isi formulir realisasi triwulan ini dan kirimkan."))
    findings += nilai.check(period, capaian, indicators, realisasi)
    frames = {"pejabat": pejabat_frame(period), "pk": pk_frame(period, indicators), "ra": ra_frame(period, indicators),
              "realisasi": realisasi_frame(period, capaian, submitted, indicators),
              "anggaran": budget_frame(period, capaian, submitted)}
    counts: dict[CountKey, int] = {}
    for suite in suites:
        if suite.frame not in frames:
            raise SuiteError(f"{suite.path}: meta.frame '{suite.frame}' tidak dikenal (pilihan: {', '.join(frames)})")
        found, c = validator(suite, frames[suite.frame])
        findings += found
        counts.update(c)
    by_pk: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_pk[f.pk].append(f)
    out = {}
    for pk in pks:
        mine = sorted(by_pk.get(pk, []), key=lambda f: (f.severity != "error", f.location.file, f.location.sheet, _cell_key(f.location.cell)))
        failures = {f"{suite.name}.{check.id}": counts.get((pk, suite.name, i), 0)
                    for suite in suites for i, check in enumerate(suite.checks)}
        found = Counter(f.check for f in mine)
        failures.update({f"{c.suite}.{c.id}": found[f"{c.suite}.{c.id}"] for c in rule_checks})
        verdict: Verdict = "DIKEMBALIKAN" if any(f.severity == "error" for f in mine) else "PARAF"
        out[pk] = ParafResult(pk, verdict, mine, every_check, failures, checked_at, ran, groups)
    return out


def _cell_key(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, cell)


def _rule_checks(suites: list[Suite]) -> list[Check]:
    """Every registered Rule as the Lembar Paraf lists it, by group and id."""
    taken = {f"{s.name}.{c.id}": s for s in suites for c in s.checks}
    out = []
    for r in sorted(RULES.values(), key=lambda r: (group_of(r.id).order, r.id)):
        if r.id in taken:
            raise SuiteError(f"{taken[r.id].path}: id '{r.id.partition('.')[2]}' sudah dipakai aturan sakip {r.id}")
        group, _, name = r.id.partition(".")
        out.append(Check(group, name, RULE_TYPE, r.expected, r.severity))
    return out


def _groups(suites: list[Suite], rule_checks: list[Check]) -> list[Group]:
    """The Lembar Paraf's rows: every suite, and every group of Rules that is not a suite, in
    the suites' order (meta.urutan)."""
    out = {s.name: Group(s.name, s.description, s.order) for s in suites}
    for c in rule_checks:
        out.setdefault(c.suite, group_of(f"{c.suite}.{c.id}"))
    return sorted(out.values(), key=lambda g: (g.order, g.name))
