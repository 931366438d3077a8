"""Paraf's checks of the values capaian works with: what DOMAIN.md calls findings, not guesses.

Capaian computes whatever it can and says which state it reached (a value, "tidak dapat
dihitung", "belum diukur"); whether a row is suspicious is judged here: a polarity that
contradicts the indicator's name, realisasi falling under a progress target, quarterly targets
or a realisasi on another scale than a qualitative annual target, a negative capaian. Each is a
registered rule "capaian.<name>"; the values are read again from the rows ingest delivered, with
capaian's own readers (Target.of, quarter_targets), so paraf and capaian never disagree on what a
cell says.

What one cell's value in a set or between bounds expresses is a GX expectation instead: the
negative formula, an unknown qualitative target, a "%" far above 100, a percentage summed over
quarters (pk.rumus_negatif, pk.target_dikenal, pk.persen_besar, realisasi.persen_besar,
pk.persen_dijumlah in expectations/). The checks left here compare cells with each other, with
the computed capaian, or with earlier quarters, or match words in a name.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..capaian.rules import (IndicatorResult, PKResult, Target, by_pk, comparable, first_measured, quarter_targets,
                             rank, target_of, words)
from ..formatting import percent, written
from ..model import Finding, PeriodData
from .rules import rule

POLARITAS_NAMA = rule("capaian.polaritas_nama", "warning", "Polaritas sesuai makna nama indikator")
SKALA_TARGET = rule("capaian.skala_target", "warning", "Target triwulan pada skala yang sama dengan target tahunan")
NEGATIF = rule("capaian.negatif", "warning", "Capaian tidak negatif")
SKALA_REALISASI = rule("capaian.skala_realisasi", "error", "Realisasi pada skala yang sama dengan target kualitatif")
ARAH_KUMULATIF = rule("capaian.arah_kumulatif", "warning", "Realisasi kumulatif tidak mundur dari triwulan sebelumnya")

# Name patterns of indicators where lower is better, unless the name speaks of reducing them.
NEGATIVE_NAMES = ("prevalensi", "kemiskinan", "penduduk miskin", "pengangguran", "angka kematian", "angka kesakitan",
                  "jumlah pelanggaran", "jumlah kasus", "putus sekolah", "risiko bencana", "kecelakaan",
                  "kriminalitas", "stunting", "inflasi", "rasio gini", "waktu penyelesaian", "lama waktu",
                  "jumlah temuan", "tunggakan", "kerugian")
# Words saying the bad thing is being reduced or handled: "penurunan angka kemiskinan",
# "kerugian daerah yang dipulihkan" are rightly positive.
HANDLING_WORDS = ("penurunan", "menurunnya", "turunnya", "berkurangnya", "pengurangan", "penanganan", "ditangani",
                  "dipulihkan", "pemulihan", "dikembalikan", "ditindaklanjuti", "tindak lanjut", "diselesaikan",
                  "penyelesaian")
POSITIVE_NAMES = ("cakupan", "tepat waktu", "kepuasan", "opini", "nilai sakip", "nilai evaluasi", "tingkat kehadiran",
                  "persentase penyelesaian")


def check(period: PeriodData, capaian: dict[str, PKResult], indicators: list[dict[str, Any]] | None = None,
          realisasi: list[dict[str, Any]] | None = None) -> list[Finding]:
    """The findings on the values of every PK whose capaian was computed, PK by PK in `capaian`'s
    order (`indicators`, `realisasi`: the period's records of them, when the caller has them already)."""
    by_indicator = by_pk(period.records("indicators") if indicators is None else indicators)
    by_realisasi = by_pk(period.records("realisasi") if realisasi is None else realisasi)
    out: list[Finding] = []
    for pk, result in capaian.items():
        out += check_records(period.quarter, pk, by_indicator.get(pk, []), by_realisasi.get(pk, []), result)
    return out


def check_records(q: int, pk: str, indicators: list[dict[str, Any]], realisasi: list[dict[str, Any]],
                  result: PKResult) -> list[Finding]:
    """One PK from the rows capaian was computed from (capaian.compute_records) and its result."""
    if len(indicators) != len(result.indicators):
        raise ValueError(f"{pk}: {len(indicators)} indikator dibaca, {len(result.indicators)} dihitung")
    by_quarter: dict[tuple[str, int], dict[str, Any]] = {(r["kode"], r["triwulan"]): r for r in realisasi}
    out: list[Finding] = []
    for ind, computed in zip(indicators, result.indicators):
        out += _indicator(q, pk, ind, computed, by_quarter)
    return out


def _indicator(q: int, pk: str, ind: dict[str, Any], computed: IndicatorResult,
               by_quarter: dict[tuple[str, int], dict[str, Any]]) -> list[Finding]:
    # The order is the one a unit has always read them in: the PK's cells, then the values.
    out = []
    current = by_quarter.get((ind["kode"], q), {})
    annual = target_of(ind, "target_tahunan")
    targets = quarter_targets(ind)
    this_quarter = targets[q - 1]
    if computed.qualitative:
        if computed.measured and this_quarter.kind in ("angka", "rentang") and annual.kind == "ordinal":
            out.append(SKALA_TARGET.finding(
                pk, ind.get(f"target_tw{q}_loc"), this_quarter.text,
                f"Target triwulan indikator '{ind['indikator']}' berupa angka ({this_quarter.text}), sedangkan target "
                f"tahunannya kualitatif ('{annual.text}'): capaian s.d. triwulan tidak dapat dibandingkan",
                f"Tulis target triwulan pada skala yang sama dengan target tahunan (mis. 'Level 1'..'{annual.text}'), "
                "atau ubah target tahunan menjadi angka."))
    else:
        # The realisasi capaian accumulated: none from before the first quarter with a target.
        reals = [by_quarter.get((ind["kode"], i), {}).get("realisasi") for i in range((first_measured(targets) or 1), q + 1)]
        out += _value_findings(pk, ind, targets, reals, current)
    out += _name_findings(pk, ind)
    real_text = current.get("realisasi_text", "") or ""
    negative = [f"{what} {percent(r.value)}" for r, what in ((computed.capaian_tw, "triwulan ini"),
                                                             (computed.capaian_sd, "s.d. triwulan ini"))
                if r.note.startswith("capaian negatif")]
    if negative:
        out.append(NEGATIF.finding(
            pk, computed.location, real_text,
            f"Capaian indikator '{ind['indikator']}' negatif ({'; '.join(negative)}): realisasi lebih dari dua kali target",
            "Periksa kembali realisasi; bila benar, capaian dilaporkan apa adanya."))
    target_text = this_quarter.text or annual.text
    if (computed.measured and computed.qualitative and real_text and rank(target_text) is not None
            and not comparable(real_text, target_text)):
        out.append(SKALA_REALISASI.finding(
            pk, computed.location, real_text,
            f"Realisasi '{real_text}' tidak sebanding dengan target kualitatif '{target_text}'",
            "Isi realisasi dengan nilai pada skala yang sama dengan target (mis. WTP/WDP/TW/TMP atau AA..D)."))
    return out


def _name_findings(pk: str, ind: dict[str, Any]) -> list[Finding]:
    """Polarity labels that contradict the indicator's name."""
    out = []
    name = words(ind["indikator"])
    reducing = any(w in name for w in HANDLING_WORDS)
    polarity = ind["polaritas"]
    if polarity == "positif" and not reducing and (hit := next((w for w in NEGATIVE_NAMES if w in name), None)):
        out.append(POLARITAS_NAMA.finding(pk, ind.get("polaritas_loc"), "Positif",
                                          f"Indikator '{ind['indikator']}' bertanda polaritas positif, padahal '{hit}' "
                                          f"biasanya semakin rendah semakin baik",
                                          "Periksa polaritas pada PK; bila memang positif, abaikan peringatan ini."))
    if polarity == "negatif" and (hit := next((w for w in POSITIVE_NAMES if w in name), None)):
        out.append(POLARITAS_NAMA.finding(pk, ind.get("polaritas_loc"), "Negatif",
                                          f"Indikator '{ind['indikator']}' bertanda polaritas negatif, padahal '{hit}' "
                                          f"biasanya semakin tinggi semakin baik",
                                          "Periksa polaritas pada PK; bila memang negatif, abaikan peringatan ini."))
    return out


def _value_findings(pk: str, ind: dict[str, Any], targets: list[Target], reals: list[Decimal | None],
                    current: dict[str, Any]) -> list[Finding]:
    """Realisasi moving against a cumulative target."""
    out = []
    values = [t.value for t in targets]
    if (ind["akumulasi"] == "akhir" and len(reals) > 1 and all(v is not None for v in values)
            and reals[-1] is not None and reals[-2] is not None):
        # A progress target (25/50/75/100, 20/45/70/95) measures a stock that only grows; an index
        # with gently rising targets (3,2/3,25/3,3/3,4) may fall for real and is not judged.
        rising = all(a <= b for a, b in zip(values, values[1:])) and 0 <= 2 * values[0] <= values[-1] and values[-1] > 0
        if rising and reals[-1] < reals[-2]:
            out.append(ARAH_KUMULATIF.finding(pk, current.get("realisasi_loc"), written(reals[-1]),
                                              f"Realisasi indikator kumulatif '{ind['indikator']}' "
                                              f"turun dari {written(reals[-2])} menjadi {written(reals[-1])}, "
                                              f"berlawanan dengan arah target ({' / '.join(written(v) for v in values)})",
                                              "Untuk cara akumulasi Akhir, isi posisi s.d. triwulan ini (bukan capaian "
                                              "triwulan saja); bila memang turun, jelaskan pada kolom Kendala."))
    return out
