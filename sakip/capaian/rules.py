"""Capaian (achievement) by the rules of DOMAIN.md, in Decimal; every result names its rule.

* positive polarity: realisasi / target × 100;
* negative polarity: "selisih" (2 × target − realisasi) / target × 100 or "rasio"
  target / realisasi × 100 (realisasi 0 → 100), chosen per indicator (PK column "Rumus Negatif")
  with the agency's ``rumus_negatif`` as default; a negative result is kept and flagged;
* accumulation s.d. TW n: jumlah (sum), akhir (last value), rata-rata (mean of reported
  quarters), compared with the annual target; a quarter's capaian compares with that quarter's
  RA target;
* target 0 or missing: "tidak dapat dihitung", a state, never 0 % or infinity;
* measured from a later quarter (RA targets 0/0/0/X or -/-/-/X: Nilai SPIP, Indeks Integritas,
  Level Kapabilitas APIP): before the first quarter with a target the indicator is "belum
  diukur", a state with no capaian and no predikat, whose realisasi is not asked for; a value
  given anyway is kept and printed, but neither judged nor accumulated;
* qualitative targets: ordinal scales (opini WTP > WDP > TW > TMP, nilai AA > ... > D, zona
  integritas, "Level n", a month as a deadline), judged tercapai / tidak tercapai, never NaN;
* ranges ("70-80", "70 s.d. 80"): both bounds inclusive; the bound that must be reached is the
  lower one for positive polarity and the upper one for negative polarity; capaian is the
  indicator's formula against that bound (so 75 against "70-80" is 107,14 % and tercapai);
* budget: serapan = realisasi / pagu × 100 per program, per TW and s.d. TW; efficiency for
  LKjIP chapter III = (1 − serapan s.d. / mean capaian s.d. of the computable indicators) × 100,
  positive meaning less of the budget was used than of the performance was reached;
* no findings: what looks wrong in the rows (a polarity contradicting the indicator's name, a
  "%" value far above 100, an unknown qualitative target, ...) is judged by the paraf wing
  (sakip.paraf.nilai) with the readers exposed here (Target.of, quarter_targets, first_measured);
  capaian only says which state it reached.

Targets and realisasi stay Decimal in the results (`Figure`), capaian a `Result` (a Decimal or
None, with a state and a reason): this module prints nothing. Documents and the console print
them through `sakip.formatting` (`figure`, `capaian_text`, `range_text`: half up, two
decimals), and no consumer reads a printed number back ("12.500" orang is ambiguous once
printed). The predikat is judged on the value as printed (`Result.shown`) so that a report never
shows 90,00 % as "Sangat Baik".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from . import anggaran
from ..config import NEGATIVE_FORMULAS, Konfigurasi, Predikat
from ..errors import Location
from ..isolation import Failures, each
from ..formatting import QUALITATIVE_STATES, ROMAN, STATE_TEXT, round2
from ..model import PeriodData, Status

State = Literal["dihitung", "tidak_dapat_dihitung", "tercapai", "tidak_tercapai", "belum_diukur"]
HUNDRED = Decimal(100)

# Every rule a Result can come from, as the report prints it.
FORMULAS: dict[str, str] = {
    "positif": "realisasi / target × 100 %",
    **NEGATIVE_FORMULAS,
    "ordinal": "tercapai bila realisasi setara atau lebih baik dari target pada skala yang sama",
    "rentang": "terhadap batas rentang yang harus dicapai (batas bawah untuk polaritas positif, batas atas untuk "
               "negatif, keduanya inklusif)",
    "serapan": "realisasi anggaran / pagu × 100 %",
    "efisiensi": "(1 − serapan anggaran s.d. triwulan / rata-rata capaian kinerja s.d. triwulan) × 100 %",
}

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
    rule: str = ""  # key of FORMULAS: how the value was reached

    @property
    def shown(self) -> Decimal | None:
        """The value at the precision it is printed and judged at (two decimals, half up)."""
        return None if self.value is None else round2(self.value)

    @property
    def formula(self) -> str:
        return FORMULAS.get(self.rule, "")


def not_computable(note: str, rule: str = "") -> Result:
    return Result(None, "tidak_dapat_dihitung", note, rule)


def not_measured(first: int) -> Result:
    """Before the first quarter with a target: no capaian, and the report says from when."""
    return Result(None, "belum_diukur", f"mulai TW {ROMAN[first]}")


def achievement(realisasi: Decimal | None, target: Decimal | None, polarity: str, formula: str) -> Result:
    """Capaian (%) of a numeric indicator; `formula` is the negative-polarity rule."""
    rule = "positif" if polarity == "positif" else formula
    if target is None:
        return not_computable("target tidak ada", rule)
    if target == 0:
        return not_computable("target 0", rule)
    if realisasi is None:
        return not_computable("realisasi tidak ada", rule)
    if polarity == "positif":
        return Result(realisasi / target * HUNDRED, "dihitung", rule=rule)
    if polarity != "negatif":
        return not_computable(f"polaritas '{polarity}' tidak dikenal")
    if formula == "rasio":
        if realisasi == 0:
            return Result(HUNDRED, "dihitung", rule=rule)
        return Result(target / realisasi * HUNDRED, "dihitung", rule=rule)
    if formula != "selisih":
        return not_computable(f"rumus negatif '{formula}' tidak dikenal")
    value = (2 * target - realisasi) / target * HUNDRED
    note = "capaian negatif: realisasi lebih dari dua kali target" if value < 0 else ""
    return Result(value, "dihitung", note, rule)


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
        return not_computable("target tidak ada", "ordinal")
    if not realisasi:
        return not_computable("realisasi tidak ada", "ordinal")
    if rank(target) is None:
        return not_computable(f"target kualitatif '{target}' tidak dikenal", "ordinal")
    if not comparable(realisasi, target):
        return not_computable(f"realisasi '{realisasi}' tidak sebanding dengan target '{target}'", "ordinal")
    return Result(None, "tercapai" if rank(realisasi)[1] >= rank(target)[1] else "tidak_tercapai", rule="ordinal")


def in_range(realisasi: Decimal | None, bounds: tuple[Decimal, Decimal], polarity: str, formula: str) -> Result:
    """Capaian against a range target, by the bound that must be reached (see the module doc)."""
    low, high = bounds
    bound = low if polarity == "positif" else high
    result = achievement(realisasi, bound, polarity, formula)
    return Result(result.value, result.state, result.note, "rentang" if result.rule else "")


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


# A qualitative indicator has no percentage to put in a band, but reaching it or not is a result:
# its predikat says so, beside the bands, never "tidak dapat dihitung".
# The labels are the ones every capaian of that state prints (formatting.STATE_TEXT).
QUALITATIVE_PREDIKAT: dict[str, str] = {state: STATE_TEXT[state] for state in QUALITATIVE_STATES}


def band(result: Result, bands: tuple[Predikat, ...]) -> str:
    """Predikat of a computed capaian, judged on the value as printed (two decimals); "Tercapai" /
    "Tidak tercapai" for a qualitative one; "-" when there is nothing to judge."""
    if result.state in QUALITATIVE_PREDIKAT:
        return QUALITATIVE_PREDIKAT[result.state]
    if result.state != "dihitung" or result.value is None:
        return "-"
    shown = round2(result.value)
    for b in bands:
        if b.di_atas is None or shown > b.di_atas:
            return b.label
    return bands[-1].label


Kind = Literal["angka", "rentang", "kualitatif"]


@dataclass(frozen=True)
class Figure:
    """A target or realisasi as the engine keeps it: the exact number, or the text written for a
    qualitative or range value. Printed by `formatting.figure`, never parsed back."""

    value: Decimal | None = None
    text: str = ""


@dataclass
class IndicatorResult:
    pk: str
    kode: str
    sasaran: str
    indikator: str
    satuan: str
    polaritas: str
    akumulasi: str
    kind: Kind
    target_tahunan: Figure
    target_tw: Figure
    target_sd: Figure
    realisasi_tw: Figure
    realisasi_sd: Figure
    capaian_tw: Result
    capaian_sd: Result
    predikat: str
    rumus_negatif: str = ""  # the negative-polarity rule used ("selisih" / "rasio"), "" if positive
    has_target_tw: bool = True
    kendala: str = ""
    tindak_lanjut: str = ""
    location: Location | None = None

    @property
    def qualitative(self) -> bool:
        return self.kind == "kualitatif"

    @property
    def measured(self) -> bool:
        """False before the indicator's first quarter with a target ("belum diukur")."""
        return self.capaian_tw.state != "belum_diukur"

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
    serapan: Result  # s.d. TW, against the annual pagu
    serapan_tw: Result


@dataclass
class PKResult:
    pk: str
    indicators: list[IndicatorResult] = field(default_factory=list)
    budgets: list[BudgetResult] = field(default_factory=list)
    negative_formula: str = ""  # the agency default, as printed
    pagu: Decimal | None = None
    realisasi_anggaran_tw: Decimal | None = None
    realisasi_anggaran_sd: Decimal | None = None
    serapan: Result = field(default_factory=lambda: not_computable("tidak ada anggaran", "serapan"))
    capaian_rata_sd: Result = field(default_factory=lambda: not_computable("tidak ada capaian yang dapat dihitung"))
    efisiensi: Result = field(default_factory=lambda: not_computable("tidak ada data", "efisiensi"))

    def capaian_range(self, to_date: bool = False) -> tuple[Decimal, Decimal] | None:
        """Lowest and highest printed capaian of the quarter (or, `to_date`, s.d. the quarter)."""
        values = [r.shown for r in self.results(to_date) if r.state == "dihitung"]
        values = [v for v in values if v is not None]
        return (min(values), max(values)) if values else None

    def results(self, to_date: bool = False) -> list[Result]:
        """Every indicator's capaian of the quarter (or, `to_date`, s.d. the quarter)."""
        return [i.capaian_sd if to_date else i.capaian_tw for i in self.indicators]

    def predikat_counts(self) -> dict[str, int]:
        """Indicators per predikat ("-" when none could be given); an indicator not yet measured
        has no predikat and is not counted."""
        counts: dict[str, int] = {}
        for ind in self.indicators:
            if ind.predikat and ind.measured:
                counts[ind.predikat] = counts.get(ind.predikat, 0) + 1
        return counts

    def formulas_used(self) -> dict[str, list[str]]:
        """Rule key -> indicator codes computed with it (for the report's notes)."""
        used: dict[str, list[str]] = {}
        for ind in self.indicators:
            for rule in dict.fromkeys(r.rule for r in (ind.capaian_tw, ind.capaian_sd) if r.rule):
                used.setdefault(rule, []).append(ind.kode)
        return used


Records = dict[str, list[dict[str, Any]]]


def by_pk(rows: list[dict[str, Any]]) -> Records:
    """Rows grouped by their PK, in order."""
    out: Records = {}
    for r in rows:
        out.setdefault(r["pk"], []).append(r)
    return out


def words(text: Any) -> str:
    """A cell's words, lower case, single-spaced: how a word cell (a formula, a name) is compared."""
    return " ".join(str(text or "").split()).lower()


@dataclass(frozen=True)
class Target:
    """A target as written: a number, a range, an ordinal value, nothing, or something unknown."""

    kind: Literal["angka", "rentang", "ordinal", "kosong", "tidak_dikenal"]
    value: Decimal | None = None
    bounds: tuple[Decimal, Decimal] | None = None
    text: str = ""

    @classmethod
    def of(cls, value: Decimal | None, text: str, status: str, bounds: tuple[Decimal, Decimal] | None = None) -> "Target":
        """From a cell as ingest read it: its number, its text, its status, and the bounds of a
        range written in it (ingest's ``<field>_rentang``)."""
        if status in (Status.NUMBER, Status.NUMBER_TEXT) and value is not None:
            return cls("angka", value=value, text=text)
        if status == Status.EMPTY:
            return cls("kosong", text=text)
        if status == Status.TEXT:
            if bounds:
                return cls("rentang", bounds=bounds, text=text)
            if rank(text) is not None:
                return cls("ordinal", text=text)
        return cls("tidak_dikenal", text=text)

    @property
    def figure(self) -> Figure:
        return Figure(self.value if self.kind == "angka" else None, self.text)


def quarter_targets(ind: dict[str, Any]) -> list[Target]:
    """The RA targets TW I..IV of an indicator row as ingest reads it."""
    return [target_of(ind, f"target_tw{i}") for i in range(1, 5)]


def target_of(row: dict[str, Any], key: str) -> Target:
    """The target in column `key` of a row as ingest reads it."""
    return Target.of(row[key], row[f"{key}_text"], row[f"{key}_status"], row.get(f"{key}_rentang"))


def first_measured(targets: list[Target]) -> int | None:
    """The first quarter (1..4) with a target: neither empty nor 0. None when no quarter has one
    (a missing RA is "tidak dapat dihitung", not "belum diukur")."""
    for q, t in enumerate(targets, start=1):
        if t.kind != "kosong" and not (t.kind == "angka" and t.value == 0):
            return q
    return None


def target_to_date(targets: list[Target], q: int, method: str) -> Target:
    """Target s.d. TW q: the quarterly numbers from the first measured quarter accumulated like
    the realisasi (a mean of 0/0/0/X is X, not X/4), or else (a range, a qualitative or a
    missing target) the quarter's own target."""
    start = min(first_measured(targets) or 1, q)
    values = [t.value if t.kind == "angka" else None for t in targets[start - 1:q]]
    total = accumulate(values, method) if all(v is not None for v in values) else None
    return Target("angka", value=total) if total is not None else targets[q - 1]


def judge(target: Target, real: Decimal | None, real_text: str, polarity: str, formula: str) -> Result:
    """Capaian of a realisasi against a target of any kind (number, range, qualitative)."""
    if target.kind == "angka":
        return achievement(real, target.value, polarity, formula)
    if target.kind == "rentang":
        return in_range(real, target.bounds, polarity, formula)
    if target.kind == "ordinal":
        return qualitative(real_text, target.text)
    if target.kind == "kosong":
        return not_computable("target tidak ada")
    return not_computable(f"target '{target.text}' tidak dikenal")


def compute_records(cfg: Konfigurasi, q: int, pk: str, indicators: list[dict[str, Any]], realisasi: list[dict[str, Any]],
                    budgets: list[dict[str, Any]], budget_realisasi: list[dict[str, Any]]) -> PKResult:
    """One PK from its rows as ingest reads them (indicators with RA targets, realisasi of TW I..q,
    programs, budget realisation)."""
    default = cfg.pengaturan.rumus_negatif
    out = PKResult(pk, negative_formula=NEGATIVE_FORMULAS[default])
    by_quarter: dict[tuple[str, int], dict[str, Any]] = {(r["kode"], r["triwulan"]): r for r in realisasi}
    for ind in indicators:
        kode, method, polarity = ind["kode"], ind["akumulasi"], ind["polaritas"]
        current = by_quarter.get((kode, q), {})
        loc = current.get("realisasi_loc") or ind.get("kode_loc")
        formula = words(ind.get("rumus_negatif")) or default
        annual = target_of(ind, "target_tahunan")
        targets = quarter_targets(ind)
        this_quarter = targets[q - 1]
        to_date = target_to_date(targets, q, method)
        kind: Kind = {"ordinal": "kualitatif", "rentang": "rentang"}.get(annual.kind, "angka")
        if annual.kind == "tidak_dikenal" and ind["target_tahunan_status"] == Status.TEXT:
            kind = "kualitatif"
        real_now, real_text = current.get("realisasi"), current.get("realisasi_text", "") or ""
        first = first_measured(targets)
        start = first or 1
        measured = first is None or q >= first
        # Quarters before the first target are not measured: a value given there is neither judged
        # nor accumulated (a TW II "0" for Nilai SPIP must not make its TW IV mean or sum).
        reals = [by_quarter.get((kode, i), {}).get("realisasi") for i in range(start, q + 1)]
        cap_tw = judge(this_quarter, real_now, real_text, polarity, formula)
        if kind == "kualitatif":
            cap_sd = judge(annual, real_now, real_text, polarity, formula)
            real_sd = Figure(None, real_text)
            target_sd = Figure(None, to_date.text or annual.text)
            if measured and this_quarter.kind in ("angka", "rentang") and annual.kind == "ordinal" and real_now is not None:
                cap_sd = not_computable(f"target tahunan '{annual.text}' kualitatif, realisasi berupa angka", "ordinal")
        else:
            total = accumulate(reals, method) if reals else None
            cap_sd = judge(annual, total, "", polarity, formula)
            if total is None and method == "jumlah" and real_now is not None:
                cap_sd = not_computable("realisasi triwulan sebelumnya tidak lengkap", cap_sd.rule)
            real_sd = Figure(total)
            target_sd = to_date.figure
        if not measured:
            cap_tw = cap_sd = not_measured(first)
            real_sd = Figure(None, real_text) if kind == "kualitatif" else Figure()
        out.indicators.append(IndicatorResult(
            pk=pk, kode=kode, sasaran=ind["sasaran"], indikator=ind["indikator"], satuan=ind["satuan"],
            polaritas=polarity, akumulasi=method, kind=kind,
            target_tahunan=annual.figure, target_tw=this_quarter.figure, target_sd=target_sd,
            realisasi_tw=Figure(None, real_text) if kind == "kualitatif" else Figure(real_now),
            realisasi_sd=real_sd, capaian_tw=cap_tw, capaian_sd=cap_sd,
            predikat=band(cap_tw, cfg.pengaturan.predikat),
            rumus_negatif=formula if polarity == "negatif" else "",
            has_target_tw=measured and ind[f"target_tw{q}_status"] != Status.EMPTY,
            kendala=current.get("kendala", ""), tindak_lanjut=current.get("tindak_lanjut", ""), location=loc,
        ))
    _budget(out, q, budgets, budget_realisasi)
    return out


def _budget(out: PKResult, q: int, budgets: list[dict[str, Any]], budget_realisasi: list[dict[str, Any]]) -> None:
    spent: dict[tuple[str, int], Decimal | None] = {
        (r["kode_program"], r["triwulan"]): r["realisasi_anggaran"] for r in budget_realisasi
    }
    for b in budgets:
        quarters = [spent.get((b["kode_program"], i)) for i in range(1, q + 1)]
        total = accumulate(quarters, "jumlah")
        serapan = achievement(total, b["pagu"], "positif", "")
        serapan_tw = achievement(quarters[-1], b["pagu"], "positif", "")
        out.budgets.append(BudgetResult(
            kode=b["kode_program"], program=b["program"], pagu=b["pagu"], realisasi_tw=quarters[-1], realisasi_sd=total,
            serapan=Result(serapan.value, serapan.state, serapan.note, "serapan"),
            serapan_tw=Result(serapan_tw.value, serapan_tw.state, serapan_tw.note, "serapan"),
        ))
    if out.budgets:
        def total(values: list[Decimal | None]) -> Decimal | None:
            return None if any(v is None for v in values) else sum(values, Decimal(0))

        # A programme's pagu already holds its kegiatan's: the PK's total adds its top level only.
        top = anggaran.top_level(out.budgets)
        out.pagu = total([b.pagu for b in top])
        out.realisasi_anggaran_tw = total([b.realisasi_tw for b in top])
        out.realisasi_anggaran_sd = total([b.realisasi_sd for b in top])
        s = achievement(out.realisasi_anggaran_sd, out.pagu, "positif", "")
        out.serapan = Result(s.value, s.state, s.note, "serapan")
    computed = [i.capaian_sd.value for i in out.indicators if i.capaian_sd.state == "dihitung"]
    if computed:
        out.capaian_rata_sd = Result(sum(computed, Decimal(0)) / len(computed), "dihitung")
    mean, serapan = out.capaian_rata_sd, out.serapan
    if mean.state != "dihitung" or serapan.state != "dihitung":
        out.efisiensi = not_computable("capaian atau serapan tidak dapat dihitung", "efisiensi")
    elif mean.value <= 0:
        out.efisiensi = not_computable("rata-rata capaian kinerja 0 atau negatif", "efisiensi")
    else:
        out.efisiensi = Result((1 - serapan.value / mean.value) * HUNDRED, "dihitung", rule="efisiensi")


def compute(period: PeriodData, failures: Failures | None = None) -> dict[str, PKResult]:
    """Capaian for every readable PK of the period. A PK whose computation fails is left out
    and named in `failures` (raised when no map is given), so one unit's data never stops the
    others."""
    if period.pks.empty:
        return {}
    frames = [by_pk(period.records(name)) for name in ("indicators", "realisasi", "budgets", "realisasi_budget")]
    readable = list(period.pks[period.pks["readable"]]["pk"])

    def one(pk: str) -> PKResult:
        return compute_records(period.config_for(pk), period.quarter, pk, *(f.get(pk, []) for f in frames))

    if failures is None:
        return {pk: one(pk) for pk in readable}
    return each(readable, one, failures, "capaian")


def compute_pk(period: PeriodData, pk: str) -> PKResult:
    """Capaian of every indicator and program of one PK for the period's quarter."""
    return compute(period.only([pk]))[pk]
