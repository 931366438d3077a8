"""Paraf: the supervisor's check, automated with Great Expectations suites from expectations/.

Each suite is validated once over one flat frame holding every PK of the period (one GX run
per suite, not per PK), and each failing row is traced back to the workbook cell it came from.
An expectation's ``meta`` says how severe a failure is (``error`` returns the PK to its unit,
``warning`` is printed on the Lembar Paraf), which field locates it, and the Indonesian text an
official reads. A PK without errors is initialled (PARAF); otherwise it is returned
(DIKEMBALIKAN) with a correction workbook: the unit's own file, offending cells highlighted and
commented, and a first sheet "Koreksi" listing every finding.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import multiprocessing
import os
import string
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from ..capaian import anggaran
from ..capaian.rules import PKResult
from ..errors import Location, SuiteError, visible
from ..formatting import JAKARTA, number, round2, written
from ..lifeline import watch_parent
from ..model import Finding, PeriodData
from ..outputs.files import atomic_path, inside
from . import berkas

Verdict = Literal["PARAF", "DIKEMBALIKAN"]
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Check:
    """One expectation as the Lembar Paraf lists it."""

    suite: str
    id: str  # meta.id, unique in its suite: findings name their check "<suite>.<id>"
    name: str  # the expectation type
    description: str
    severity: str


@dataclass
class ParafResult:
    pk: str
    verdict: Verdict
    findings: list[Finding] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)  # every rule run, in suite order
    failures: dict[str, int] = field(default_factory=dict)  # "<suite>.<id>" -> rows of this PK that failed
    checked_at: dt.datetime | None = None
    suites: list[dict[str, Any]] = field(default_factory=list)  # nama, berkas, sha256, uraian, jumlah_aturan

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
    from great_expectations.core import ExpectationSuite

    from . import expectations

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
    a run) starts. The child is spawned, not forked: the run has threads.
    """

    _started: dict[Path, "IsolatedSuites"] = {}

    def __init__(self, folder: Path, log: Path | None = None) -> None:
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_child_init, initargs=(os.getpid(), str(log) if log else None))
        self._loaded = self._pool.submit(_child_load, str(folder))

    @classmethod
    def start_early(cls, folder: Path, log: Path | None = None) -> None:
        """Start loading now (the CLI does, before Prefect spends seconds starting its server);
        the next `for_folder` with the same folder takes this instance. GX's own output goes to
        `log` (the run's log file) when given."""
        cls._started.setdefault(folder.resolve(), cls(folder, log))

    @classmethod
    def for_folder(cls, folder: Path) -> "IsolatedSuites":
        return cls._started.pop(folder.resolve(), None) or cls(folder)

    def suites(self) -> list[Suite]:
        """The suites' descriptions (without their GX objects); raises the child's SuiteError."""
        try:
            return self._loaded.result()
        except BrokenProcessPool:
            raise SuiteError("proses pemeriksaan Great Expectations berhenti tiba-tiba saat memuat suite") from None

    def validate(self, suite: Suite, frame: Frame) -> tuple[list[Finding], dict[CountKey, int]]:
        try:
            return self._pool.submit(_child_validate, suite.name, frame).result()
        except BrokenProcessPool:
            raise SuiteError(f"{suite.path}: proses pemeriksaan Great Expectations berhenti tiba-tiba") from None

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "IsolatedSuites":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@cache
def _gx_batch_definition() -> Any:
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
    from rapidfuzz import process

    from .asn import PANGKAT, nip_problem

    guess = process.extractOne(pangkat, list(PANGKAT)) if pangkat and pangkat not in PANGKAT else None
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
    word = " ".join(str(text or "").lower().split())
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


def pk_frame(period: PeriodData, indicators: list[dict[str, Any]] | None = None) -> Frame:
    rows, locs, ctxs, base = [], [], [], []
    for r in period.records("indicators") if indicators is None else indicators:
        allowed, allowed_text = _allows_negative(r.get("boleh_negatif"))
        rows.append({
            "pk": r["pk"], "kode": _blank(r["kode"]), "indikator": _blank(r["indikator"]),
            "satuan": _blank(r["satuan"]), "polaritas": r["polaritas"], "akumulasi": r["akumulasi"],
            "target_tahunan_status": r["target_tahunan_status"],
            "target_tahunan_angka": _float(r["target_tahunan"]),
            "boleh_negatif": allowed, "boleh_negatif_teks": allowed_text,
        })
        loc = {k: r[f"{k}_loc"] for k in ("kode", "indikator", "satuan", "polaritas", "akumulasi", "target_tahunan")}
        locs.append({**loc, "boleh_negatif": r.get("boleh_negatif_loc") or r["kode_loc"]})
        fields = (*loc, "boleh_negatif")
        ctxs.append(partial(_value_ctxs, _pick(r, fields), fields))
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
            })
            locs.append({k: (r[f"{k}_loc"] if r and r[f"{k}_loc"] else sheet)
                         for k in ("realisasi", "kendala", "tindak_lanjut")})
            fields = ("realisasi", "kendala", "tindak_lanjut")
            ctxs.append(partial(_value_ctxs, _pick(r or {}, fields), fields))
            base.append({"pk": pk, "kode": ind.kode, "indikator": ind.indikator, "capaian": cap.text})
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
    for i, res in enumerate(results.results):
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


def _unknown_rows(period: PeriodData) -> list[Finding]:
    """Realisasi rows whose indicator code is not in the PK: reported, never silently dropped."""
    out = []
    if period.realisasi.empty or period.indicators.empty:
        return out
    known = set(zip(period.indicators["pk"], period.indicators["kode"]))
    for r in period.realisasi[period.realisasi["triwulan"] == period.quarter].to_dict("records"):
        if (r["pk"], r["kode"]) not in known:
            out.append(Finding(r["pk"], "error", r["kode_loc"], r["kode"],
                               f"Kode indikator '{r['kode']}' tidak ada di PK {r['pk']}",
                               "Gunakan kode indikator persis seperti pada PK.", "realisasi.kode_dikenal",
                               "Kode indikator sama dengan kode pada PK"))
    return out


def run(period: PeriodData, capaian: dict[str, PKResult], suites: list[Suite],
        validator: Callable[[Suite, Frame], tuple[list[Finding], dict[CountKey, int]]] | None = None) -> dict[str, ParafResult]:
    """The paraf verdict for every PK of the period (suites validated in this process, or by
    `validator`, e.g. IsolatedSuites.validate)."""
    validator = validator or validate
    checked_at = dt.datetime.now(JAKARTA).replace(microsecond=0)
    ran = [{"nama": s.name, "berkas": s.path.name, "sha256": s.sha256, "uraian": s.description,
            "jumlah_aturan": len(s.checks)} for s in suites]
    every_check = [check for suite in suites for check in suite.checks]
    pks = period.pk_codes()
    submitted = set() if period.realisasi.empty else set(
        period.realisasi.loc[period.realisasi["triwulan"] == period.quarter, "pk"])
    indicators = period.records("indicators")  # converted once for the file rules and the three frames that walk them
    findings: list[Finding] = berkas.check(period, indicators) + _unknown_rows(period)
    for pk in pks:
        # A workbook received but refused is reported by its own finding; "not received" is the rest.
        if pk in capaian and pk not in submitted and (pk, period.quarter) not in period.received:
            findings.append(Finding(pk, "error", Location(f"realisasi/tw{period.quarter}"), "",
                                    f"Berkas realisasi triwulan {period.quarter} untuk {pk} belum diterima",
                                    "Isi formulir realisasi triwulan ini dan kirimkan.", "berkas.realisasi_diterima",
                                    "Berkas realisasi triwulan ini diterima"))
    for result in capaian.values():
        findings += result.findings
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
        verdict: Verdict = "DIKEMBALIKAN" if any(f.severity == "error" for f in mine) else "PARAF"
        out[pk] = ParafResult(pk, verdict, mine, every_check, failures, checked_at, ran)
    return out


def _cell_key(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, cell)


# ---------------------------------------------------------------- correction workbooks

KOREKSI_HEADERS = ("No", "Tingkat", "Berkas", "Sheet", "Sel", "Nilai tertulis", "Temuan", "Yang diharapkan",
                   "Cara memperbaiki")
KOREKSI_SHEET = "Koreksi"
# Column widths (characters) of the Koreksi sheet: about 190 characters, printed one A4 landscape
# page wide at about 70 %; the long texts (Temuan, Cara memperbaiki) get the room.
KOREKSI_WIDTHS = (5, 11, 27, 11, 7, 16, 45, 28, 40)
PORTRAIT_COLUMNS = 85  # characters of 11 pt text across A4 portrait between 0,75 in margins
COMMENT_AUTHOR = "sakip (paraf otomatis)"
FORM_AUTHOR = "sakip"  # the form's own hints (sakip.forms)
MAX_NOTES = 10  # findings written into one cell's comment; all of them are on the Koreksi sheet
# A form merges its titles, a few hundred cells; openpyxl makes an object for every merged cell.
MAX_MERGED_CELLS = 200_000


def _source_of(loc: Location, sources: dict[str, Path]) -> tuple[str, str]:
    """The submitted file a finding points into, and the sheet to mark there ("" when none): a
    cell of a CSV-folder workbook is located as <folder>/<Sheet>.csv."""
    if loc.file in sources:
        return loc.file, loc.sheet
    folder, _, csv_name = loc.file.rpartition("/")
    if folder in sources and csv_name.lower().endswith(".csv"):
        return folder, csv_name[:-4]
    return "", ""


@dataclass
class _Copy:
    """The unit's workbook to mark up (`book`), or None and why it is not there (`why`, said on
    the Koreksi sheet); `titles` maps a sheet as findings name it to its title in `book`."""

    book: Any = None
    titles: dict[str, str] = field(default_factory=dict)
    why: str = ""


def _annotatable_copy(name: str, sources: dict[str, Path], findings: list[Finding]) -> _Copy:
    """The submitted workbook as an openpyxl workbook to mark up, or why there is none.

    A file ingest could not read as a whole (a PDF, an encrypted or damaged workbook, a zip bomb,
    100 000 rows: an unreadable-file finding with no cell) is never opened again; nor is one
    whose bytes now fail ingest's checks (changed since), or whose merged ranges openpyxl would
    expand into millions of cells. Any other file that fails to open here still gets its
    correction workbook, without the copy.
    """
    import openpyxl

    from .. import xlsx
    from ..errors import InputError
    from ..ingest.filecheck import check_workbook

    if not name:
        return _Copy()
    if any(f.check == "berkas.terbaca" and not f.location.cell for f in findings):
        return _Copy(why=f"Berkas {visible(name)} tidak dapat dibaca sebagai workbook; temuan hanya dicantumkan di sini.")
    cannot = f"Berkas {visible(name)} tidak dapat dibuka lagi untuk ditandai"
    path = sources[name]
    try:
        if path.is_dir():
            # A CSV-folder submission comes back as one workbook, a sheet per CSV file.
            from ..ingest.workbooks import csv_folder_rows

            book = openpyxl.Workbook()
            book.remove(book.active)
            titles: dict[str, str] = {}
            taken: set[str] = set()
            for sheet_name, rows in csv_folder_rows(path, name).items():
                titles[sheet_name] = xlsx.sheet_title(sheet_name, taken)
                ws = book.create_sheet(titles[sheet_name])
                for row in rows:
                    xlsx.append(ws, row)  # what the unit typed stays text, '=' or not
            return _Copy(book, titles)
        check_workbook(path, name)
        merged = xlsx.merged_cells(path)
        if merged > MAX_MERGED_CELLS:
            return _Copy(why=f"{cannot}: sel gabungannya meliputi {number(merged)} sel; temuan hanya dicantumkan di sini.")
        # From an open file: openpyxl judges a path by its extension, and "..xlsx" has none.
        with path.open("rb") as f:
            book = openpyxl.load_workbook(f)
        return _Copy(book, {title: title for title in book.sheetnames})
    except InputError as exc:
        return _Copy(why=f"{cannot} ({exc.message}); temuan hanya dicantumkan di sini.")
    except Exception as exc:  # the findings still go back, in a workbook of their own
        return _Copy(why=f"{cannot} ({type(exc).__name__}); temuan hanya dicantumkan di sini.")


def _target_path(out_dir: Path, name: str, pk: str, sources: dict[str, Path], used: set[Path]) -> Path:
    """KOREKSI_<name>.xlsx under out_dir; never a submitted file, nor a name this call used (two
    names may make one safe name): a clash gets a suffix.

    Always an .xlsx name: the copy is saved as .xlsx whatever the submitted file was called (a
    refused "PK-X.xls" or a CSV folder), and Excel refuses content that is not its name. Cut to
    fit outputs.safe_component's 80 characters with the suffix kept.
    """
    import os

    from ..errors import PackageError

    stem = name or pk
    stem = stem[:-5] if stem.lower().endswith(".xlsx") else stem
    originals = [p for p in sources.values() if p.exists()]
    for n in range(1, len(used) + len(originals) + 2):
        suffix = "" if n == 1 else f"_{n}"
        try:
            target = inside(out_dir, f"KOREKSI_{stem}"[:75 - len(suffix)] + suffix + ".xlsx")
        except PackageError:
            continue  # a link under that name to somewhere else: not sakip's to replace
        if target not in used and not any(target.resolve() == p.resolve()
                                           or (target.exists() and os.path.samefile(target, p)) for p in originals):
            used.add(target)
            return target
    raise AssertionError("unreachable: there is one more name than names taken")


def _mark(copy: _Copy, marked: list[tuple[Finding, str]]) -> tuple[dict[int, str], list[str]]:
    """Fill and comment, in the unit's own sheets, each cell a finding names. Returns where each
    marked finding's row on the Koreksi sheet links to (its number -> location), and what the
    Koreksi sheet should say about the marking."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill, Protection
    from openpyxl.utils import quote_sheetname

    from .. import xlsx

    fills = {"error": PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C")}
    notes: dict[Any, list[str]] = defaultdict(list)  # cell -> its findings' notes, in order
    severity: dict[Any, str] = {}
    links: dict[int, str] = {}
    unlocked = False
    for n, (f, sheet) in enumerate(marked, start=1):
        title = copy.titles.get(sheet)
        target = xlsx.target_cell(copy.book[title], f.location.cell) if title and f.location.cell else None
        if target is None:
            continue
        # A warning marks its cell too (input cells are already yellow), but never turns a cell
        # marked as an error back into a warning.
        if severity.get(target) != "error":
            severity[target] = f.severity
        notes[target].append(f"{f.label}: {f.message}\nPerbaikan: {f.fix}")
        links[n] = f"{quote_sheetname(title)}!{target.coordinate}"
        if target.parent.protection.sheet and target.protection.locked:
            target.protection = Protection(locked=False)  # so that the unit can correct it in a locked sheet
            unlocked = True
    for target, texts in notes.items():
        target.fill = fills[severity[target]]
        shown = texts[:MAX_NOTES]
        if len(texts) > MAX_NOTES:
            shown.append(f"... dan {len(texts) - MAX_NOTES} temuan lain pada sel ini: lihat sheet {KOREKSI_SHEET}.")
        target.comment = Comment(xlsx.cell_text("\n\n".join(shown) + _earlier_note(target.comment)), COMMENT_AUTHOR,
                                 width=320, height=140)
    return links, ["Sel yang ditandai dibuka kuncinya agar dapat diperbaiki pada sheet yang terkunci."] if unlocked else []


def _earlier_note(comment: Any) -> str:
    """What a marked cell's comment said before, to follow the findings (the official reads the
    finding first): the form's hint or the unit's own note. An earlier round's findings, sent
    back with the corrections, are dropped: this round's findings replace them."""
    if comment is None or not comment.text or comment.author == COMMENT_AUTHOR:
        return ""
    label = "Petunjuk formulir" if comment.author == FORM_AUTHOR else "Catatan sebelumnya"
    return f"\n\n{label}: {comment.text}"


def _koreksi_sheet(book: Any, result: ParafResult, marked: list[tuple[Finding, str]], notes: list[str],
                   links: dict[int, str]) -> None:
    """The first sheet, which the workbook opens on: a line saying what to do, then every
    finding, one a row, its cell linked to the cell it marks."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    from .. import xlsx

    ws = book.create_sheet(KOREKSI_SHEET, 0)
    errors = sum(f.severity == "error" for f, _ in marked)
    head = (f"Lembar Koreksi {visible(result.pk)}: {errors} galat, {len(marked) - errors} peringatan. "
            "Perbaiki sel yang ditandai merah pada berkas ini, lalu kirim kembali.")
    xlsx.append(ws, [" ".join([head, *notes])])
    xlsx.append(ws, list(KOREKSI_HEADERS))
    for n, (f, sheet) in enumerate(marked, start=1):
        # File and sheet names are shown visible (a Linux file name may hold a newline); the rest
        # as submitted, as text (sakip.xlsx), losing only what a worksheet cannot hold.
        xlsx.append(ws, [n, f.label, visible(f.location.file), visible(f.location.sheet or sheet), f.location.cell,
                         f.value, f.message, f.expected or "-", f.fix])
        if n in links:
            ws.cell(n + 2, 5).hyperlink = Hyperlink(ref=f"E{n + 2}", location=links[n])
    for col, width in zip("ABCDEFGHI", KOREKSI_WIDTHS):
        ws.column_dimensions[col].width = width
    last = len(marked) + 2
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(KOREKSI_HEADERS))
    ws["A1"].font = Font(bold=True, size=12)
    ws["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    edge = Side(style="thin", color="808080")
    box = Border(left=edge, right=edge, top=edge, bottom=edge)
    for row in ws.iter_rows(min_row=2, max_row=last, max_col=len(KOREKSI_HEADERS)):
        for cell in row:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if cell.row == 2 else None)
            if cell.row == 2:
                cell.font = Font(bold=True)
                cell.fill = PatternFill("solid", fgColor="D9D9D9")
    xlsx.fit_row_heights(ws)
    # Printed as the official files it: A4 landscape, one page wide, the header on every page.
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.print_title_rows = "2:2"
    ws.print_area = f"A1:{get_column_letter(len(KOREKSI_HEADERS))}{last}"
    ws.oddFooter.center.text = xlsx.PAGE_FOOTER
    ws.freeze_panes = "A3"
    for sheet in book.worksheets:
        if sheet is not ws:
            _printable(sheet)
    book.active = 0
    for sheet in book.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws


def _printable(ws: Any) -> None:
    """A sheet of the unit's copy, printable as Calc shows it: a form made before the forms had
    row heights and a print setup wraps its long texts in rows one line high (the lines overprint
    in Calc) and prints a wide sheet several pages across. A height or print setup the sheet
    already has is kept."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.worksheet.worksheet import Worksheet

    from .. import xlsx

    if not isinstance(ws, Worksheet):
        return  # a chart sheet
    if ws.title.casefold() == "petunjuk":
        # The form's one column of instructions is wider than A4 portrait, and Calc cuts it at
        # the page's edge instead of scaling it down.
        for dim in ws.column_dimensions.values():
            if dim.width and dim.width > PORTRAIT_COLUMNS:
                dim.width = PORTRAIT_COLUMNS
    xlsx.fit_row_heights(ws)
    if not (ws.oddFooter.left.text or ws.oddFooter.center.text or ws.oddFooter.right.text):
        ws.oddFooter.center.text = xlsx.PAGE_FOOTER  # numbered on from the Koreksi sheet
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        return
    width = 0.0
    for c in range(1, ws.max_column + 1):
        width += ws.column_dimensions[get_column_letter(c)].width or xlsx.DEFAULT_COLUMN_WIDTH
        if width > PORTRAIT_COLUMNS:
            break  # wide enough to print landscape; a stray cell at XFD1 needs no 16 384 columns
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if width > PORTRAIT_COLUMNS and not ws.page_setup.orientation:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _save(book: Any, target: Path) -> None:
    book.template = False  # a template (.xltx) sent as a workbook comes back as a workbook
    with atomic_path(target) as tmp:
        book.save(tmp)


def write_corrections(result: ParafResult, sources: dict[str, Path], out_dir: Path) -> list[Path]:
    """One correction workbook per source file with findings, written under out_dir.

    `sources` maps a file name (as in Finding.location.file) to its path in inputs/; the input is
    copied, never modified, never written over. Findings with no workbook to annotate go into
    "KOREKSI_<pk>.xlsx". Whatever a unit's workbook holds (merged cells over the data, protected
    or oddly named sheets, references to no real cell), its findings come back: marked in the
    copy, or, when the copy cannot be opened or saved again, on the Koreksi sheet of a workbook
    of their own that says so. Each file is written atomically (outputs.atomic_path).
    """
    import openpyxl

    by_file: dict[str, list[tuple[Finding, str]]] = defaultdict(list)  # source -> (finding, sheet to mark)
    for f in result.findings:
        source, sheet = _source_of(f.location, sources)
        by_file[source].append((f, sheet))
    written = []
    used: set[Path] = set()
    for name, marked in by_file.items():
        target = _target_path(out_dir, name, result.pk, sources, used)
        copy = _annotatable_copy(name, sources, [f for f, _ in marked])
        if copy.book is not None:
            try:
                for title in list(copy.book.sheetnames):  # an earlier round's sheet, sent back with the corrections
                    if title.casefold() == KOREKSI_SHEET.casefold():
                        del copy.book[title]
                        copy.titles = {k: v for k, v in copy.titles.items() if v != title}
                links, notes = _mark(copy, marked)
                _koreksi_sheet(copy.book, result, marked, notes, links)
                _save(copy.book, target)
                written.append(target)
                continue
            except OSError:
                raise  # the outputs folder's disk, not the unit's workbook
            except Exception as exc:  # a workbook openpyxl opened but cannot mark or write back
                copy = _Copy(why=f"Berkas {visible(name)} tidak dapat disimpan ulang dengan tandanya "
                                 f"({type(exc).__name__}); temuan hanya dicantumkan di sini.")
        book = openpyxl.Workbook()
        book.remove(book.active)
        _koreksi_sheet(book, result, marked, [copy.why] if copy.why else [], {})
        _save(book, target)
        written.append(target)
    return written
