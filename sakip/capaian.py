"""Capaian (achievement) by the rules of DOMAIN.md, in Decimal.

* positive polarity: realisasi / target × 100;
* negative polarity: the agency's formula, "selisih" (2 × target − realisasi) / target × 100 or
  "rasio" target / realisasi × 100 (realisasi 0 → 100); a negative result is kept and flagged;
* accumulation s.d. TW n: jumlah (sum), akhir (last value), rata-rata (mean of reported quarters),
  compared with the annual target; a quarter's capaian compares with that quarter's RA target;
* target 0 or missing: "tidak dapat dihitung", a state, never 0 % or infinity;
* qualitative targets (WTP, BB, Level 3, November, WBK): compared on an ordinal scale and
  reported as tercapai / tidak tercapai, never NaN.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import pandas as pd

from .config import NEGATIVE_FORMULAS, Konfigurasi, Predikat
from .errors import Location
from .formatting import number, percent, round2
from .ingest import PeriodData
from .model import Finding, Status

State = Literal["dihitung", "tidak_dapat_dihitung", "tercapai", "tidak_tercapai"]
HUNDRED = Decimal(100)

# Ordinal scales, worst first. A qualitative target and its realisasi must sit on one scale.
SCALES: dict[str, tuple[str, ...]] = {
    "opini": ("TMP", "TW", "WDP", "WTP"),
    "nilai": ("D", "C", "CC", "B", "BB", "A", "AA"),
    "zona integritas": ("WBK", "WBBM"),
}
MONTHS = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
          "september", "oktober", "november", "desember")
_LEVEL = re.compile(r"^level\s*(\d+)$", re.I)


@dataclass(frozen=True)
class Result:
    value: Decimal | None
    state: State
    note: str = ""

    @property
    def shown(self) -> Decimal | None:
        return None if self.value is None else round2(self.value)

    @property
    def text(self) -> str:
        if self.state == "dihitung":
            return percent(self.value)
        return {"tidak_dapat_dihitung": "tidak dapat dihitung", "tercapai": "Tercapai",
                "tidak_tercapai": "Tidak tercapai"}[self.state]


def not_computable(note: str) -> Result:
    return Result(None, "tidak_dapat_dihitung", note)


def achievement(realisasi: Decimal | None, target: Decimal | None, polarity: str, formula: str) -> Result:
    """Capaian (%) of a numeric indicator."""
    if target is None:
        return not_computable("target tidak ada")
    if target == 0:
        return not_computable("target 0")
    if realisasi is None:
        return not_computable("realisasi tidak ada")
    if polarity == "positif":
        return Result(realisasi / target * HUNDRED, "dihitung")
    if polarity != "negatif":
        return not_computable(f"polaritas '{polarity}' tidak dikenal")
    if formula == "rasio":
        if realisasi == 0:
            return Result(HUNDRED, "dihitung")
        return Result(target / realisasi * HUNDRED, "dihitung")
    value = (2 * target - realisasi) / target * HUNDRED
    note = "capaian negatif: realisasi lebih dari dua kali target" if value < 0 else ""
    return Result(value, "dihitung", note)


def rank(text: str) -> tuple[str, int] | None:
    """Place a qualitative value on its scale: (scale, position), higher is better."""
    word = " ".join(text.split())
    for scale, order in SCALES.items():
        if word.upper() in order:
            return scale, order.index(word.upper())
    if m := _LEVEL.match(word):
        return "level", int(m.group(1))
    if word.lower() in MONTHS:
        # A month is a deadline: earlier is better, so rank by negative month number.
        return "bulan", -MONTHS.index(word.lower())
    return None


def comparable(realisasi: str, target: str) -> bool:
    """Both values sit on one ordinal scale."""
    t, r = rank(target), rank(realisasi)
    return t is not None and r is not None and t[0] == r[0]


def qualitative(realisasi: str, target: str) -> Result:
    """tercapai when the realisasi ranks at least as high as the target on the same scale."""
    if not target:
        return not_computable("target tidak ada")
    if not realisasi:
        return not_computable("realisasi tidak ada")
    if rank(target) is None:
        return not_computable(f"target kualitatif '{target}' tidak dikenal")
    if not comparable(realisasi, target):
        return not_computable(f"realisasi '{realisasi}' tidak sebanding dengan target '{target}'")
    return Result(None, "tercapai" if rank(realisasi)[1] >= rank(target)[1] else "tidak_tercapai")


def accumulate(values: list[Decimal | None], method: str) -> Decimal | None:
    """Realisasi (or target) up to a quarter from the quarterly values TW I..n."""
    if method == "jumlah":
        return None if any(v is None for v in values) else sum(values, Decimal(0))
    if method == "akhir":
        return values[-1] if values else None
    if method == "rata-rata":
        known = [v for v in values if v is not None]
        return sum(known, Decimal(0)) / len(known) if known else None
    return None


def band(result: Result, bands: tuple[Predikat, ...]) -> str:
    """Predikat of a computed capaian, judged on the value as printed (two decimals)."""
    if result.state != "dihitung" or result.value is None:
        return "-"
    shown = round2(result.value)
    for b in bands:
        if b.di_atas is None or shown > b.di_atas:
            return b.label
    return bands[-1].label


@dataclass
class IndicatorResult:
    pk: str
    kode: str
    sasaran: str
    indikator: str
    satuan: str
    polaritas: str
    akumulasi: str
    qualitative: bool
    target_tahunan: str
    target_tw: str
    realisasi_tw: str
    realisasi_sd: str
    capaian_tw: Result
    capaian_sd: Result
    predikat: str
    has_target_tw: bool = True
    kendala: str = ""
    tindak_lanjut: str = ""
    location: Location | None = None

    def below(self, threshold: Decimal) -> bool:
        """Under target for the quarter: the unit must explain kendala and tindak lanjut."""
        cap = self.capaian_tw
        if cap.state == "tidak_tercapai":
            return True
        return cap.state == "dihitung" and cap.shown is not None and cap.shown < threshold


@dataclass
class BudgetResult:
    kode: str
    program: str
    pagu: Decimal | None
    realisasi_tw: Decimal | None
    realisasi_sd: Decimal | None
    serapan: Result


@dataclass
class PKResult:
    pk: str
    indicators: list[IndicatorResult] = field(default_factory=list)
    budgets: list[BudgetResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    negative_formula: str = ""

    def capaian_range(self) -> tuple[Decimal, Decimal] | None:
        values = [i.capaian_tw.shown for i in self.indicators if i.capaian_tw.state == "dihitung"]
        values = [v for v in values if v is not None]
        return (min(values), max(values)) if values else None


Records = dict[str, list[dict[str, Any]]]


def _by_pk(frame: pd.DataFrame) -> Records:
    """Rows of a frame grouped by PK, in one pass (not one filter per PK)."""
    out: Records = {}
    for r in ([] if frame.empty else frame.to_dict("records")):
        out.setdefault(r["pk"], []).append(r)
    return out


def _shown(value: Decimal | None, text: str, qualitative: bool) -> str:
    if qualitative:
        return text or "-"
    return number(value)


def _compute_pk(cfg: Konfigurasi, q: int, pk: str, indicators: list[dict[str, Any]], realisasi: list[dict[str, Any]],
                budgets: list[dict[str, Any]], budget_realisasi: list[dict[str, Any]]) -> PKResult:
    formula = cfg.pengaturan.rumus_negatif
    out = PKResult(pk, negative_formula=NEGATIVE_FORMULAS[formula])
    by_quarter: dict[tuple[str, int], dict[str, Any]] = {(r["kode"], r["triwulan"]): r for r in realisasi}
    for ind in indicators:
        kode = ind["kode"]
        qual = ind["target_tahunan_status"] == Status.TEXT
        current = by_quarter.get((kode, q), {})
        method = ind["akumulasi"]
        if qual:
            target_tw_text = ind[f"target_tw{q}_text"]
            real_text = current.get("realisasi_text", "")
            cap_tw = qualitative(real_text, target_tw_text)
            cap_sd = qualitative(real_text, ind["target_tahunan_text"])
            shown_real_sd = real_text or "-"
        else:
            real_values = [by_quarter.get((kode, i), {}).get("realisasi") for i in range(1, q + 1)]
            real_sd = accumulate(real_values, method)
            cap_tw = achievement(current.get("realisasi"), ind[f"target_tw{q}"], ind["polaritas"], formula)
            cap_sd = achievement(real_sd, ind["target_tahunan"], ind["polaritas"], formula)
            if real_sd is None and method == "jumlah" and current.get("realisasi") is not None:
                cap_sd = not_computable("realisasi triwulan sebelumnya tidak lengkap")
            shown_real_sd = number(real_sd)
        loc = current.get("realisasi_loc") or ind.get("kode_loc")
        negative = [f"{what} {percent(r.value)}" for r, what in ((cap_tw, "triwulan ini"), (cap_sd, "s.d. triwulan ini"))
                    if r.note.startswith("capaian negatif")]
        if negative:
            out.findings.append(Finding(
                pk, "warning", loc, current.get("realisasi_text", ""),
                f"Capaian indikator '{ind['indikator']}' negatif ({'; '.join(negative)}): realisasi lebih dari dua kali target",
                "Periksa kembali realisasi; bila benar, capaian dilaporkan apa adanya.", "capaian_negatif"))
        real_text = current.get("realisasi_text", "")
        target_text = ind[f"target_tw{q}_text"] or ind["target_tahunan_text"]
        if qual and real_text and rank(target_text) is not None and not comparable(real_text, target_text):
            out.findings.append(Finding(
                pk, "error", loc, real_text,
                f"Realisasi '{real_text}' tidak sebanding dengan target kualitatif '{target_text}'",
                "Isi realisasi dengan nilai pada skala yang sama dengan target (mis. WTP/WDP/TW/TMP atau AA..D).",
                "kualitatif_tidak_dikenal"))
        out.indicators.append(IndicatorResult(
            pk=pk, kode=kode, sasaran=ind["sasaran"], indikator=ind["indikator"], satuan=ind["satuan"],
            polaritas=ind["polaritas"], akumulasi=method, qualitative=qual,
            target_tahunan=_shown(ind["target_tahunan"], ind["target_tahunan_text"], qual),
            target_tw=_shown(ind[f"target_tw{q}"], ind[f"target_tw{q}_text"], qual),
            realisasi_tw=_shown(current.get("realisasi"), current.get("realisasi_text", ""), qual),
            realisasi_sd=shown_real_sd,
            capaian_tw=cap_tw, capaian_sd=cap_sd, predikat=band(cap_tw, cfg.pengaturan.predikat),
            has_target_tw=ind[f"target_tw{q}_status"] != Status.EMPTY,
            kendala=current.get("kendala", ""), tindak_lanjut=current.get("tindak_lanjut", ""),
            location=loc,
        ))
    spent: dict[tuple[str, int], Decimal | None] = {
        (r["kode_program"], r["triwulan"]): r["realisasi_anggaran"] for r in budget_realisasi
    }
    for b in budgets:
        quarters = [spent.get((b["kode_program"], i)) for i in range(1, q + 1)]
        total = accumulate(quarters, "jumlah")
        out.budgets.append(BudgetResult(
            kode=b["kode_program"], program=b["program"], pagu=b["pagu"], realisasi_tw=quarters[-1],
            realisasi_sd=total, serapan=achievement(total, b["pagu"], "positif", formula),
        ))
    return out


def compute(period: PeriodData) -> dict[str, PKResult]:
    """Capaian for every readable PK of the period."""
    if period.pks.empty:
        return {}
    frames = [_by_pk(f) for f in (period.indicators, period.realisasi, period.budgets, period.realisasi_budget)]
    readable = period.pks[period.pks["readable"]]["pk"]
    return {pk: _compute_pk(period.config_for(pk), period.quarter, pk, *(f.get(pk, []) for f in frames)) for pk in readable}


def compute_pk(period: PeriodData, pk: str) -> PKResult:
    """Capaian of every indicator and program of one PK for the period's quarter."""
    return compute(period.only([pk]))[pk]


