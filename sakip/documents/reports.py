"""Agency-level documents: the quarterly recap across all PKs and the annual LKjIP.

The LKjIP follows the chapters of PermenPANRB 53/2014: Kata Pengantar (closed by the head of
agency), Ringkasan Eksekutif, Daftar Isi (filled at conversion), BAB I Pendahuluan,
BAB II Perencanaan Kinerja, BAB III Akuntabilitas Kinerja (capaian per sasaran against the
target, earlier years and the Renstra target, causes and solutions, efficiency, programs;
realisasi anggaran), BAB IV Penutup, Lampiran. Every number comes from the capaian engine; the
paragraphs a machine cannot write come from `inputs/<year>/lkjip.toml`, written by planners.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..capaian import anggaran
from . import charts
from ..capaian.rules import QUALITATIVE_PREDIKAT, IndicatorResult, PKResult, Result, Target, band, compute, judge
from ..config import Konfigurasi, Predikat, load_as
from ..errors import SakipError
from ..formatting import capaian_text, figure, number, percent, quarter_name, range_text
from ..ingest.numbers import parse_number, range_of
from ..ingest.workbooks import read_period
from ..paraf.suites import ParafResult
from .render import INDENT, Period, letterhead, official, signature_block

HEAD_FIELD = "ttd_kepala"
NOT_COMPUTABLE = "Tidak dapat dihitung"
NOT_MEASURED = "-"  # what predikat_of gives an indicator whose targets start in a later quarter
BELUM_DIUKUR = "Belum diukur"  # how distributions print those indicators
BAND_COLOURS = ("#1a7f37", "#4caf50", "#e6b800", "#e67e00", "#c00000", "#7f0000")
NARRATIVE_FILE = "lkjip.toml"


# --- narrative input ------------------------------------------------------------------------

@dataclass(frozen=True)
class Bab1:
    latar_belakang: str = ""
    tugas_fungsi: str = ""
    struktur_organisasi: str = ""
    isu_strategis: str = ""


@dataclass(frozen=True)
class AnalisisSasaran:
    nama: str  # the sasaran as written in the PK workbooks
    penyebab: str = ""  # why the targets were (not) reached
    solusi: str = ""  # what is done about it


@dataclass(frozen=True)
class TargetRenstra:
    kode: str  # indicator code in the head's PK
    target: str  # the Renstra's end target, as the PK writes targets ("90", "WTP", "Level 3")
    tahun: str = ""  # the Renstra's last year

    def read(self, satuan: str) -> Target:
        """The target as capaian judges it, read by the workbooks' number rule with the
        indicator's satuan (which decides whether "150.000" is Rupiah): a number, a range by its
        bounds, or the text ("WTP", "Level 3")."""
        reading = parse_number(self.target, satuan)
        return Target.of(reading.value, self.target, reading.status, range_of(reading))


@dataclass(frozen=True)
class Narasi:
    ringkasan_eksekutif: str = ""
    penutup: str = ""
    bab1: Bab1 = field(default_factory=Bab1)
    sasaran: tuple[AnalisisSasaran, ...] = ()
    renstra: tuple[TargetRenstra, ...] = ()


def load_narrative(folder: Path) -> tuple[Narasi, Path | None]:
    """The planners' narrative for a year's LKjIP (`lkjip.toml` in the agency's input folder);
    an empty narrative when the file does not exist, so the LKjIP shows what is missing."""
    path = folder / NARRATIVE_FILE
    if not path.is_file():
        return Narasi(), None
    # The same reader as instansi.toml: Windows encodings, Indonesian syntax messages with the line.
    return load_as(Narasi, path), path


def paragraphs(text: str, missing: str) -> list[str]:
    """Paragraphs separated by a blank line; a visible placeholder when the planners wrote none."""
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return parts or [f"[Narasi belum diisi: {missing}]"]


# --- shared pieces --------------------------------------------------------------------------

# Qualitative indicators (an opinion, a grade, a level, a month) have no capaian in %: reaching the
# target or not is their result, counted as a category of its own beside the percentage bands
# (never folded into a band, which would be a hidden mapping, and never "tidak dapat dihitung").
QUALITATIVE_LABELS = {QUALITATIVE_PREDIKAT["tercapai"]: "Tercapai (kualitatif)",
                      QUALITATIVE_PREDIKAT["tidak_tercapai"]: "Tidak tercapai (kualitatif)"}
QUALITATIVE_COLOURS = ("#1f4e79", "#cc79a7")
QUALITATIVE_NOTE = ("Indikator kualitatif (opini, nilai, level, bulan) tidak memiliki persentase capaian: hasilnya "
                    "Tercapai atau Tidak tercapai dan dihitung sebagai kategori tersendiri di samping predikat "
                    "berdasarkan persentase; \"Tidak dapat dihitung\" hanya untuk indikator yang target atau "
                    "realisasinya tidak ada.")


def predikat_of(ind: IndicatorResult, bands: tuple[Predikat, ...] | None = None) -> str:
    """The indicator's predikat for the quarter, as the engine judged it; with `bands`, of its
    capaian s.d. the quarter (the year's, in the LKjIP)."""
    if not ind.measured:
        return NOT_MEASURED
    label = band(ind.capaian_sd, bands) if bands is not None else ind.predikat
    return label if label and label != "-" else NOT_COMPUTABLE


def distribution(cfg: Konfigurasi, predikat: list[str]) -> list[dict[str, Any]]:
    """Indicators per predikat (labels as `predikat_of` gives them): every band, then Tercapai and
    Tidak tercapai when any indicator is qualitative, then any other label, then Tidak dapat dihitung. An indicator not yet measured (its targets
    start in a later quarter) has no predikat, not even "tidak dapat dihitung": it is counted last,
    as "Belum diukur", outside the base of the shares."""
    unmeasured = sum(p == NOT_MEASURED for p in predikat)
    predikat = [p for p in predikat if p != NOT_MEASURED]
    labels = [b.label for b in cfg.pengaturan.predikat]
    counts = Counter(QUALITATIVE_LABELS.get(p, p) for p in predikat)
    qualitative = list(QUALITATIVE_LABELS.values())
    if any(counts.get(q) for q in qualitative):
        labels += qualitative
    labels += [k for k in counts if k not in labels and k != NOT_COMPUTABLE] + [NOT_COMPUTABLE]
    total = len(predikat) or 1
    rows = [{"predikat": label, "jumlah": counts.get(label, 0),
             "persen": percent(Decimal(counts.get(label, 0)) * 100 / total)} for label in labels]
    if unmeasured:
        # Listed so that the counts add up to every indicator of the PKs, with no share: they are
        # outside the base the percentages are of.
        rows.append({"predikat": BELUM_DIUKUR, "jumlah": unmeasured, "persen": "-"})
    return rows


def distribution_chart(title: str, dist: list[dict[str, Any]]) -> charts.Chart:
    qualitative = list(QUALITATIVE_LABELS.values())
    colours, band_no = [], 0
    for d in dist:
        if d["predikat"] == NOT_COMPUTABLE:
            colours.append("#999999")
        elif d["predikat"] == BELUM_DIUKUR:
            colours.append("#cccccc")
        elif d["predikat"] in qualitative:
            colours.append(QUALITATIVE_COLOURS[qualitative.index(d["predikat"])])
        else:
            colours.append(BAND_COLOURS[min(band_no, len(BAND_COLOURS) - 1)])
            band_no += 1
    return charts.Chart(judul=title, label=tuple(d["predikat"] for d in dist),
                        seri=(("Jumlah indikator", tuple(float(d["jumlah"]) for d in dist)),),
                        satuan="indikator", warna=tuple(colours), lebar_cm=15.0, tinggi_cm=5.5,
                        catatan=QUALITATIVE_NOTE if any(d["predikat"] in qualitative for d in dist) else "")


def _spread(cfg: Konfigurasi, predikat: list[str]) -> str:
    return ", ".join(f"{d['predikat']} {d['jumlah']}" for d in distribution(cfg, predikat) if d["jumlah"])


@dataclass(frozen=True)
class _Line:
    """One budget line of one PK, for the agency's tables."""

    kode: str
    program: str
    pagu: Decimal | None
    realisasi: Decimal | None
    pk: str
    serapan: str




def _budget_rows(results: list[PKResult], with_code: bool = False) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The budget lines of `results` in hierarchy order (each programme followed by its kegiatan and
    subkegiatan, from whichever PK holds them, indented by level; `with_code` writes the code
    before the name for tables without a code column) and their total: the top level only, since
    a programme's pagu already holds its kegiatan's (see `sakip.capaian.anggaran`)."""
    lines = [_Line(b.kode, b.program, b.pagu, b.realisasi_sd, res.pk, capaian_text(b.serapan)) for res in results for b in res.budgets]
    rows = []
    for n, (level, x) in enumerate(anggaran.in_tree_order(lines), start=1):
        name = f"{x.kode} {x.program}" if with_code else x.program
        rows.append({"no": n, "pk": x.pk, "kode": x.kode, "program": INDENT * level + name,
                     "pagu": number(x.pagu, 0), "realisasi": number(x.realisasi, 0), "serapan": x.serapan})
    top = anggaran.top_level(lines)
    pagu = anggaran.known_sum(x.pagu for x in top)
    real = anggaran.known_sum(x.realisasi for x in top)
    serapan = percent(real * 100 / pagu) if pagu and real is not None else "-"
    return rows, {"pagu": number(pagu, 0), "realisasi": number(real, 0), "serapan": serapan}


# --- rekap instansi -------------------------------------------------------------------------

def rekap_context(cfg: Konfigurasi, pks: list[str], capaian: dict[str, PKResult], verdicts: dict[str, ParafResult],
                  officials: dict[str, str], per: Period) -> dict[str, Any]:
    """The agency's quarter across all its PKs: predikat counts per sasaran and indicator, their
    distribution, every PK's state, and the PKs returned for correction with the reasons."""
    included = [pk for pk in pks if verdicts.get(pk) is not None and verdicts[pk].verdict == "PARAF" and pk in capaian]
    inds = [i for pk in included for i in capaian[pk].indicators]
    by_sasaran: dict[str, list[IndicatorResult]] = {}
    for ind in inds:
        by_sasaran.setdefault(ind.sasaran, []).append(ind)
    sasaran = []
    count = 0
    for n, (name, members) in enumerate(by_sasaran.items(), start=1):
        rows = []
        for ind in members:
            count += 1
            rows.append({"no": count, "sasaran": f"{n}. {name}", "pk": ind.pk, "indikator": ind.indikator,
                         "satuan": ind.satuan, "target_tw": figure(ind.target_tw), "realisasi_tw": figure(ind.realisasi_tw), "capaian_tw": capaian_text(ind.capaian_tw),
                         "capaian_sd": capaian_text(ind.capaian_sd), "predikat": predikat_of(ind)})
        sasaran.append({"no": n, "nama": name, "jumlah_indikator": len(members), "sebaran": _spread(cfg, [predikat_of(i) for i in members]),
                        "indikator": rows})
    dist = distribution(cfg, [predikat_of(i) for i in inds])
    daftar = []
    returned = []
    for n, pk in enumerate(pks, start=1):
        verdict = verdicts.get(pk)
        state = verdict.verdict if verdict is not None else "GAGAL"
        daftar.append({"no": n, "pk": pk, "pejabat": officials.get(pk, "-"), "status": state,
                       "capaian": range_text(capaian[pk]) if pk in capaian and state == "PARAF" else "-",
                       "jumlah_indikator": len(capaian[pk].indicators) if pk in capaian else 0})
        if verdict is not None and verdict.verdict != "PARAF":
            errors = verdict.errors
            returned.append({"no": len(returned) + 1, "pk": pk, "pejabat": officials.get(pk, "-"),
                             "jumlah_temuan": len(errors),
                             "alasan": "; ".join(f"{f.location.sheet} {f.location.cell}".strip() + f": {f.message}"
                                                 for f in errors[:3]) + (f"; dan {len(errors) - 3} temuan lain" if len(errors) > 3 else "")})
    return {
        "kop": letterhead(cfg), "periode": per.context,
        "ringkasan": {"jumlah_pk": len(pks), "jumlah_paraf": len(included), "jumlah_dikembalikan": len(returned),
                      # "dinilai": an indicator not yet measured this quarter is listed but not judged
                      "jumlah_indikator": sum(1 for i in inds if i.measured),
                      "belum_diukur": sum(1 for i in inds if not i.measured)},
        "sebaran": dist, "grafik": distribution_chart(f"Sebaran predikat capaian {quarter_name(per.quarter)} Tahun {per.year}", dist),
        "sasaran": sasaran, "pk": daftar, "dikembalikan": returned,
        "ttd": signature_block(cfg, cfg.kepala, per, HEAD_FIELD),
    }


# --- LKjIP ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class EarlierYear:
    """One earlier year's results, for comparisons (read from inputs/<year>/ at TW IV)."""

    year: int
    results: dict[str, PKResult]


def _norm(text: str) -> str:
    return " ".join(str(text).lower().split())


def _earlier(ind: IndicatorResult, earlier: EarlierYear) -> IndicatorResult | None:
    """The same indicator in an earlier year: same PK and code, else the same name."""
    res = earlier.results.get(ind.pk)
    if res is not None:
        for other in res.indicators:
            if other.kode == ind.kode and _norm(other.indikator) == _norm(ind.indikator):
                return other
    name = _norm(ind.indikator)
    for res in earlier.results.values():
        for other in res.indicators:
            if _norm(other.indikator) == name:
                return other
    return None


def _renstra_capaian(ind: IndicatorResult, target: Target) -> Result | None:
    """Realisasi of the year against the Renstra's end target (as `TargetRenstra.read` gives it),
    by the indicator's own rule; None when the planners wrote no target."""
    if not target.text.strip():
        return None
    if not ind.measured:
        return ind.capaian_sd
    # The realisasi is the engine's own number, never its printed text read back ("12.500" orang
    # would be ambiguous); rumus_negatif is the rule the engine used ("" for positive polarity).
    real = ind.realisasi_sd
    return judge(target, real.value, real.text, ind.polaritas, ind.rumus_negatif)


def _renstra_text(ind: IndicatorResult, target: TargetRenstra | None) -> str:
    result = _renstra_capaian(ind, target.read(ind.satuan)) if target else None
    return "-" if result is None else capaian_text(result)


def head_pks(cfg: Konfigurasi, pks: list[str], nips: dict[str, str]) -> list[str]:
    """The PKs of the agency's head: the agency's own sasaran strategis and IKU; all PKs when
    the head has none in the period."""
    head_nip = cfg.kepala.nip
    own = [pk for pk in pks if head_nip and nips.get(pk) == head_nip]
    return own or list(pks)


def lkjip_context(cfg: Konfigurasi, narasi: Narasi, narrative_file: str, pks: list[str], nips: dict[str, str],
                  capaian: dict[str, PKResult], verdicts: dict[str, ParafResult], officials: dict[str, str],
                  earlier: list[EarlierYear], per: Period) -> dict[str, Any]:
    year = per.year
    done = [pk for pk in pks if pk in capaian and verdicts.get(pk) is not None and verdicts[pk].verdict == "PARAF"]
    main = [pk for pk in head_pks(cfg, pks, nips) if pk in done]
    inds = [i for pk in main for i in capaian[pk].indicators]
    renstra = {r.kode: r for r in narasi.renstra}
    analysis = {_norm(a.nama): a for a in narasi.sasaran}
    years = sorted(earlier, key=lambda e: e.year)[-2:]  # two earlier years at most
    n1 = next((e for e in years if e.year == year - 1), None)
    n2 = next((e for e in years if e.year == year - 2), None)

    # The LKjIP judges the year: each indicator's predikat is that of its capaian s.d. TW IV.
    annual = cfg.pengaturan.predikat
    sasaran = []
    for ind in inds:
        if not sasaran or sasaran[-1]["nama"] != ind.sasaran:
            a = analysis.get(_norm(ind.sasaran))
            where = f"{narrative_file}, [[sasaran]] nama = \"{ind.sasaran}\""
            sasaran.append({"no": len(sasaran) + 1, "nama": ind.sasaran, "indikator": [], "_inds": [],
                            "penyebab": paragraphs(a.penyebab if a else "", f"{where}, penyebab"),
                            "solusi": paragraphs(a.solusi if a else "", f"{where}, solusi")})
        prev1 = _earlier(ind, n1) if n1 else None
        prev2 = _earlier(ind, n2) if n2 else None
        target_r = renstra.get(ind.kode)
        sasaran[-1]["_inds"].append((ind, prev2, prev1))
        sasaran[-1]["indikator"].append({
            "no": sum(len(s["indikator"]) for s in sasaran) + 1, "kode": ind.kode, "indikator": ind.indikator, "satuan": ind.satuan,
            "target": figure(ind.target_tahunan), "realisasi": figure(ind.realisasi_sd), "capaian": capaian_text(ind.capaian_sd),
            "predikat": predikat_of(ind, annual),
            "realisasi_n1": figure(prev1.realisasi_sd) if prev1 else "-", "capaian_n1": capaian_text(prev1.capaian_sd) if prev1 else "-",
            "realisasi_n2": figure(prev2.realisasi_sd) if prev2 else "-",
            "target_renstra": target_r.target if target_r else "-",
            "capaian_renstra": _renstra_text(ind, target_r),
        })
    for s in sasaran:
        members = s.pop("_inds")
        s["sebaran"] = _spread(cfg, [predikat_of(m[0], annual) for m in members])
        s["grafik"] = _comparison_chart(s["nama"], members, year, n2, n1)

    results = [capaian[pk] for pk in main]
    budget_rows, budget_total = _budget_rows([capaian[pk] for pk in done], with_code=True)
    main_budget, main_total = _budget_rows(results)
    predikat = [predikat_of(i, annual) for i in inds]
    dist = distribution(cfg, predikat)
    computable = [i.capaian_sd.shown for i in inds if i.capaian_sd.state == "dihitung" and i.capaian_sd.shown is not None]
    mean = percent(sum(computable, Decimal(0)) / len(computable)) if computable else "-"
    efisiensi = [{"pk": r.pk, "capaian_rata": capaian_text(r.capaian_rata_sd), "serapan": capaian_text(r.serapan), "efisiensi": capaian_text(r.efisiensi)}
                 for r in results]
    auto = (f"Pada Tahun {year}, {cfg.instansi.nama} mengukur {len(inds)} indikator kinerja pada {len(sasaran)} sasaran "
            f"strategis. Rata-rata capaian indikator yang dapat dihitung adalah {mean}; sebaran predikat: "
            f"{_spread(cfg, predikat) or '-'}. Realisasi anggaran {budget_total['realisasi']} dari pagu {budget_total['pagu']} "
            f"rupiah ({budget_total['serapan']}); jumlah ini dihitung pada tingkat teratas kode anggaran, karena pagu program "
            f"sudah memuat pagu kegiatan dan subkegiatan di bawahnya.")
    if any(p in QUALITATIVE_PREDIKAT.values() for p in predikat):
        auto += " " + QUALITATIVE_NOTE
    all_pks = [{"no": n, "pk": pk, "pejabat": officials.get(pk, "-"),
                "jumlah_indikator": len(capaian[pk].indicators) if pk in capaian else 0,
                "capaian": range_text(capaian[pk], to_date=True) if pk in done else "-",
                "status": verdicts[pk].verdict if verdicts.get(pk) is not None else "GAGAL"} for n, pk in enumerate(pks, start=1)]
    return {
        "kop": letterhead(cfg), "periode": per.context, "tahun": str(year),
        "tahun_n1": str(year - 1), "tahun_n2": str(year - 2),
        "pembanding": ", ".join(str(e.year) for e in years) or "-",
        "ringkasan_eksekutif": paragraphs(narasi.ringkasan_eksekutif, f"{narrative_file}, ringkasan_eksekutif"),
        "ringkasan_angka": auto,
        "bab1": {k: paragraphs(getattr(narasi.bab1, k), f"{narrative_file}, [bab1] {k}")
                 for k in ("latar_belakang", "tugas_fungsi", "struktur_organisasi", "isu_strategis")},
        "perencanaan": {"pk": ", ".join(main) or "-",
                        "indikator": [{"no": n, "sasaran": i.sasaran, "indikator": i.indikator, "satuan": i.satuan,
                                       "target": figure(i.target_tahunan)} for n, i in enumerate(inds, start=1)],
                        "anggaran": main_budget, "anggaran_total": main_total},
        "sasaran": sasaran,
        "sebaran": dist, "grafik": distribution_chart(f"Sebaran predikat capaian indikator Tahun {year}", dist),
        "capaian_rata": mean,
        "efisiensi": efisiensi,
        "anggaran": budget_rows, "anggaran_total": budget_total,
        "penutup": paragraphs(narasi.penutup, f"{narrative_file}, penutup"),
        "semua_pk": all_pks,
        "kepala": official(cfg.kepala),
        "ttd": signature_block(cfg, cfg.kepala, per, HEAD_FIELD),
    }


def _comparison_chart(name: str, members: list[tuple[IndicatorResult, IndicatorResult | None, IndicatorResult | None]],
                      year: int, n2: EarlierYear | None, n1: EarlierYear | None) -> charts.Chart:
    """Capaian per indicator per year; `members` are (this year, two years before, the year before).
    A qualitative result is drawn at the target line when Tercapai and at 0 when Tidak tercapai,
    the bar labelled with the word, not a percentage: it is a result, and a missing bar would
    read as "not measured"."""
    def value(ind: IndicatorResult | None) -> tuple[float | None, str | None]:
        if ind is None:
            return None, None
        cap = ind.capaian_sd
        if cap.state == "tercapai":
            return 100.0, capaian_text(cap)
        if cap.state == "tidak_tercapai":
            return 0.0, capaian_text(cap)
        if cap.state != "dihitung" or cap.shown is None:
            return None, None
        return float(cap.shown), None

    columns = [(str(earlier.year), k) for k, earlier in ((1, n2), (2, n1)) if earlier is not None] + [(str(year), 0)]
    drawn = [(col, [value(m[k]) for m in members]) for col, k in columns]
    # The whole sasaran: the chart wraps a long title rather than the reader guessing its end.
    return charts.Chart(judul=f"Capaian per tahun: {name}", label=tuple(m[0].kode for m in members),
                        seri=tuple((n, tuple(v for v, _ in vs)) for n, vs in drawn),
                        teks=tuple(tuple(t for _, t in vs) for _, vs in drawn) if any(t for _, vs in drawn for _, t in vs) else (),
                        satuan="% capaian", garis=100.0, garis_label="Target (100 %)", lebar_cm=15.0, tinggi_cm=5.5)


def earlier_years(inputs: Path, year: int, back: int = 2) -> tuple[list[EarlierYear], list[str]]:
    """Results of up to `back` earlier years read from inputs/<year>/ at Triwulan IV, where those
    inputs exist; what could not be read is a note, not a failure of this year's report."""
    found, notes = [], []
    for y in range(year - back, year):
        if not (inputs / str(y)).is_dir():
            continue
        try:
            period = read_period(inputs, y, 4)
        except SakipError as exc:
            notes.append(f"data tahun {y} tidak dipakai sebagai pembanding: {exc}")
            continue
        if period.realisasi.empty:
            notes.append(f"data tahun {y} tidak memiliki realisasi Triwulan IV; tidak dipakai sebagai pembanding")
            continue
        found.append(EarlierYear(y, compute(period)))
    return found, notes
