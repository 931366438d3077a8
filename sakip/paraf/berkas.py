"""The paraf's rules about the files a unit sent: whether they could be read, and whether what
they say fits the period, their folder, their PK and their earlier quarters.

Ingest reads and records (sakip.model: a `ReadProblem` for what it could not read, a
`Submission` per workbook with its Identitas); every judgement of that record is a `Rule` here,
with the text the official reads. `check(period)` gives them all, in the order the files were
read: per workbook what could not be read, then its identity; then the earlier quarters; then
the values a supervisor would question; then the earlier quarters not initialled.

None of these fits a Great Expectations suite: they compare a file with the period being run
(its year, its folder's quarter), with another file (the PK's NIP, a second workbook under one
code), or earlier quarters' workbooks, which no suite frame holds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..errors import Location, visible
from ..formatting import ROMAN, number, written
from ..ingest.workbooks import quarter_of
from ..model import REALISASI_BELUM_ADA, Finding, PeriodData, ReadProblem, Status, Submission
from .asn import nip_problem
from .rules import rule

# --- what ingest could not read (ReadProblem.rule) ------------------------------------------------
TERBACA = rule("berkas.terbaca", "error", "Workbook terbaca sesuai format")
JUDUL = rule("berkas.judul", "warning", "Judul kolom dan nama sheet seperti pada formulir")
TERSEMBUNYI = rule("berkas.tersembunyi", "warning", "Data yang dibaca tidak disembunyikan")
TAUTAN_EKSTERNAL = rule("berkas.tautan_eksternal", "warning", "Nilai tertulis langsung, bukan diambil dari workbook lain")
KARAKTER_TAK_TERLIHAT = rule("berkas.karakter_tak_terlihat", "warning",
                             "Teks tanpa karakter tak terlihat (pengatur arah teks, lebar nol, karakter kendali)")
KODE_GANDA = rule("berkas.kode_ganda", "error", "Setiap kode ditulis sekali")

# The workbook refused as a whole: what is expected names its kind.
TERBACA_EXPECTED = {"pk": "Workbook PK terbaca sesuai format", "realisasi": "Workbook realisasi terbaca sesuai format"}
HIDDEN_FIX = ("Tampilkan yang disembunyikan (klik kanan > Unhide) dan pastikan isinya benar; bila tidak berlaku, "
              "hapus (jangan hanya disembunyikan), lalu kirim ulang.")
# How to fix a ReadProblem, by (rule, case); berkas.terbaca's case is the kind of workbook.
READ_FIXES = {
    ("berkas.terbaca", "pk"): "Perbaiki berkas sesuai format PK lalu kirim ulang.",
    ("berkas.terbaca", "realisasi"): "Perbaiki berkas sesuai format realisasi lalu kirim ulang.",
    ("berkas.judul", ""): "Sebaiknya gunakan formulir dari sakip tanpa mengubah judul kolom atau nama sheet.",
    ("berkas.tersembunyi", ""): HIDDEN_FIX,
    ("berkas.tersembunyi", "sheet"): "Hapus sheet tersembunyi yang sudah tidak berlaku agar isi berkas sama dengan yang diperiksa.",
    ("berkas.tautan_eksternal", ""): "Salin sel ini lalu Tempel Nilai (Paste Special > Values) agar nilainya tertulis langsung, "
                                     "lalu kirim ulang.",
    ("berkas.karakter_tak_terlihat", ""): "Periksa teks yang akan dicetak; ketik ulang isian ini tanpa menyalin dari web, PDF atau "
                                          "aplikasi pesan (karakter seperti ini ikut tersalin dari sana), lalu kirim ulang bila perlu.",
    ("berkas.kode_ganda", ""): "Tulis setiap kode sekali: hapus baris yang lama atau ganda (termasuk yang disembunyikan), "
                               "lalu kirim ulang.",
}

# --- what was read, against the period and the other files ---------------------------------------
KODE_PK_UNIK = rule("berkas.kode_pk_unik", "error", "Kode PK tidak dipakai workbook lain")
NIP_TERDAFTAR = rule("berkas.nip_terdaftar", "error", "NIP pejabat PK terdaftar di instansi.toml")
TAHUN = rule("berkas.tahun", "error", "Tahun berkas sama dengan tahun yang diproses")  # each finding names the year
REALISASI_TUNGGAL = rule("berkas.realisasi_tunggal", "error", "Satu berkas realisasi per PK per triwulan")
TRIWULAN = rule("berkas.triwulan", "error", "Isian triwulan sama dengan folder berkas")
NIP_SAMA = rule("berkas.nip_sama", "error", "NIP berkas realisasi sama dengan NIP workbook PK")
REALISASI_TRIWULAN_LALU = rule("berkas.realisasi_triwulan_lalu", "error", "Berkas realisasi setiap triwulan sebelumnya ada")
TRIWULAN_LALU = rule("berkas.triwulan_lalu", "error", "Realisasi triwulan sebelumnya lengkap dan terbaca")
JAUH_DARI_TARGET = rule("berkas.jauh_dari_target", "warning", "Realisasi sebanding dengan targetnya")
PERSEN_PECAHAN = rule("berkas.persen_pecahan", "warning", "Persentase ditulis dalam persen, bukan pecahan")
TRIWULAN_LALU_DIPARAF = rule("berkas.triwulan_lalu_diparaf", "error", "Realisasi setiap triwulan sebelumnya sudah diparaf")


def check(period: PeriodData, indicators: list[dict[str, Any]] | None = None,
          realisasi: list[dict[str, Any]] | None = None) -> list[Finding]:
    """Every finding about the period's files (`indicators`, `realisasi`: the period's records of
    them, when the caller has them already)."""
    indicators = period.records("indicators") if indicators is None else indicators
    realisasi = period.records("realisasi") if realisasi is None else realisasi
    nips = registered_nips(period)
    out: list[Finding] = []
    for sub in period.submissions:
        out += [read_finding(p, sub.kind, period.quarter) for p in sub.problems]
        if sub.kind == "pk":
            out += pk_findings(sub, period)
        else:
            out += realisasi_findings(sub, period, nips.get(sub.pk, ""))
    out += missing_earlier(period)
    out += earlier_values(period, indicators, realisasi)
    out += plausibility(indicators, realisasi)
    out += not_initialled(period)
    return out


def earlier(q: int, quarter: int) -> str:
    """What a message about an earlier quarter's file adds: why that file still matters."""
    return f" (berkas triwulan {ROMAN[q]}: dipakai untuk capaian s.d. triwulan {ROMAN[quarter]})" if 0 < q < quarter else ""


def realisasi_folder(agency: str, q: int) -> str:
    return f"{agency}/realisasi/tw{q}" if agency else f"realisasi/tw{q}"


def read_finding(problem: ReadProblem, kind: str, quarter: int) -> Finding:
    """What ingest could not read, as its rule tells the unit (a realisasi workbook of an earlier
    quarter says why it still matters)."""
    found = RULES_OF_READING[problem.rule]
    case = kind if problem.rule == TERBACA.id else problem.case
    return found.finding(problem.pk, problem.location, problem.value, problem.text + earlier(problem.quarter, quarter),
                         READ_FIXES[(problem.rule, case)], expected=TERBACA_EXPECTED[kind] if found is TERBACA else None)


RULES_OF_READING = {r.id: r for r in (TERBACA, JUDUL, TERSEMBUNYI, TAUTAN_EKSTERNAL, KARAKTER_TAK_TERLIHAT, KODE_GANDA)}


def registered_nips(period: PeriodData) -> dict[str, str]:
    """PK -> the NIP of its workbook, where it is well formed and registered in instansi.toml:
    the NIP its realisasi workbooks must carry."""
    out = {}
    for sub in period.submissions:
        if sub.kind == "pk" and sub.accepted and _registered(sub, period):
            out[sub.pk] = sub.identity.nip
    return out


def _registered(sub: Submission, period: PeriodData) -> bool:
    # A NIP that is not even well formed is reported once, by the pejabat suite's NIP rule
    # (nip_problem, at this cell): "not registered" on top would only repeat it.
    nip = sub.identity.nip
    return nip_problem(nip, period.year) is None and period.configs[sub.agency].official_by_nip(nip) is not None


def pk_findings(sub: Submission, period: PeriodData) -> list[Finding]:
    """A PK workbook's code against the others', its NIP against instansi.toml, its year."""
    ident, year = sub.identity, period.year
    if ident is None:
        return []
    if sub.taken_by:
        return [KODE_PK_UNIK.finding(sub.pk, ident.pk_loc, sub.pk, f"Kode PK '{sub.pk}' juga dipakai di {sub.taken_by}",
                                     "Setiap PK harus memiliki kode yang unik.")]
    out = []
    if nip_problem(ident.nip, year) is None and not _registered(sub, period):
        out.append(NIP_TERDAFTAR.finding(sub.pk, ident.nip_loc, ident.nip,
                                         f"NIP {ident.nip} tidak terdaftar sebagai pejabat di instansi.toml",
                                         "Isi NIP pejabat penanda tangan PK (18 digit) persis seperti di instansi.toml."))
    if ident.year != str(year):
        out.append(TAHUN.finding(sub.pk, ident.year_loc, ident.year,
                                 f"Tahun PK tertulis {ident.year}, sedangkan periode yang diproses {year}",
                                 f"Isi tahun {year}.", expected=f"Tahun PK {year}"))
    return out


def realisasi_findings(sub: Submission, period: PeriodData, nip: str) -> list[Finding]:
    """A realisasi workbook against the other one of its PK and quarter, and its Identitas
    against the folder it sits in (a TW I file saying II would count TW II twice), the period's
    year and the PK's NIP (`nip`, "" when the PK's own is not registered)."""
    ident, code, q, year = sub.identity, sub.pk, sub.quarter, period.year
    if ident is None:
        return []
    if sub.taken_by:
        return [REALISASI_TUNGGAL.finding(code, ident.pk_loc, code, f"Realisasi {code} triwulan {ROMAN[q]} dikirim dua kali "
                                          f"({visible(sub.taken_by)} dan {visible(sub.shown)})",
                                          "Kirim satu berkas realisasi per PK per triwulan.")]
    out = []
    why = earlier(q, period.quarter)
    if quarter_of(ident.quarter) != q:
        out.append(TRIWULAN.finding(code, ident.quarter_loc, ident.quarter,
                                    f"Berkas ini ada di folder triwulan {q} (tw{q}), tetapi isian triwulan tertulis "
                                    f"'{visible(ident.quarter)}'{why}",
                                    f"Isi triwulan {ROMAN[q]} atau pindahkan berkas ke folder yang benar."))
    if ident.year != str(year):
        out.append(TAHUN.finding(code, ident.year_loc, ident.year,
                                 f"Tahun berkas realisasi tertulis {visible(ident.year)}, sedangkan periode yang diproses {year}{why}",
                                 f"Isi tahun {year}, atau letakkan berkas di folder tahunnya.", expected=f"Tahun {year}"))
    if ident.nip and nip and ident.nip != nip:
        out.append(NIP_SAMA.finding(code, ident.nip_loc, ident.nip,
                                    f"NIP di berkas realisasi ({visible(ident.nip)}) berbeda dengan NIP di workbook PK {code} "
                                    f"({nip}){why}", "Isi NIP pejabat penanda tangan PK ini, sama seperti di workbook PK."))
    return out


# --- earlier quarters -----------------------------------------------------------------------------

def missing_earlier(period: PeriodData) -> list[Finding]:
    """An error for each earlier quarter without a realisasi workbook, for a PK whose workbook of
    this quarter came in: the s.d. figures are made of every quarter's."""
    quarter, out = period.quarter, []
    for sub in period.submissions:
        if sub.kind != "pk" or not sub.accepted or (sub.pk, quarter) not in period.received:
            continue
        for q in range(1, quarter):
            if (sub.pk, q) in period.received:
                continue
            folder = realisasi_folder(sub.agency, q)
            out.append(REALISASI_TRIWULAN_LALU.finding(
                sub.pk, Location(folder), "",
                f"Berkas realisasi triwulan {ROMAN[q]} untuk {sub.pk} tidak ada di folder {folder}, padahal capaian s.d. "
                f"triwulan {ROMAN[quarter]} dihitung dari realisasi setiap triwulan",
                f"Letakkan berkas realisasi triwulan {ROMAN[q]} {sub.pk} (yang sudah diparaf) di folder {folder}, lalu jalankan ulang."))
    return out


_UNREADABLE = {Status.AMBIGUOUS, Status.EXCEL_ERROR, Status.FORMULA}


def earlier_values(period: PeriodData, indicators: list[dict[str, Any]], realisasi: list[dict[str, Any]]) -> list[Finding]:
    """The values of earlier quarters' workbooks that the s.d. figures need, checked as the
    current quarter's are by the paraf suites: every indicator has a row, no unknown code, a
    value where that quarter had a target, readable (a number for a quantitative indicator)."""
    quarter = period.quarter
    out: list[Finding] = []
    by_pk: dict[str, dict[str, dict[str, Any]]] = {}
    for ind in indicators:
        by_pk.setdefault(ind["pk"], {})[ind["kode"]] = ind
    rows: dict[tuple[str, int], dict[str, dict[str, Any]]] = {}
    for r in realisasi:
        if r["triwulan"] < quarter:
            rows.setdefault((r["pk"], r["triwulan"]), {})[r["kode"]] = r
    for sub in period.submissions:
        pk, q = sub.pk, sub.quarter
        if sub.kind != "realisasi" or not sub.accepted or q >= quarter:
            continue
        found = rows.get((pk, q), {})
        why = earlier(q, quarter)
        known = by_pk.get(pk, {})
        for code, r in found.items():
            ind = known.get(code)
            if ind is None:
                out.append(TRIWULAN_LALU.finding(pk, r["kode_loc"], code, f"Kode indikator '{code}' tidak ada di PK {pk}{why}",
                                                 "Gunakan kode indikator persis seperti pada PK."))
                continue
            status, text = r["realisasi_status"], visible(str(r["realisasi_text"] or ""))
            quantitative = ind["target_tahunan_status"] in (Status.NUMBER, Status.NUMBER_TEXT)
            problem = None
            if status in _UNREADABLE or (status == Status.TEXT and quantitative):
                note = f" ({r['realisasi_note']})" if r.get("realisasi_note") else ""
                problem = f"tidak terbaca: tertulis '{text}'{note}"
            elif status == Status.EMPTY and ind[f"target_tw{q}_status"] != Status.EMPTY:
                problem = "kosong, padahal triwulan itu ada targetnya"
            if problem:
                told = f" {REALISASI_BELUM_ADA}" if status == Status.EMPTY else " Isi dengan angka."
                out.append(TRIWULAN_LALU.finding(pk, r["realisasi_loc"], text,
                                                 f"Realisasi triwulan {ROMAN[q]} indikator '{ind['indikator']}' {problem}{why}",
                                                 f"Perbaiki isian ini di berkas triwulan {ROMAN[q]}, lalu kirim ulang.{told}"))
        for code, ind in known.items():
            if code not in found:
                out.append(TRIWULAN_LALU.finding(pk, Location(sub.shown, "Realisasi"), code,
                                                 f"Indikator '{code} {ind['indikator']}' tidak ada di sheet Realisasi{why}",
                                                 f"Tambahkan baris dengan kode '{code}' dan isi realisasi triwulan {ROMAN[q]}-nya."))
    for b in period.records("realisasi_budget"):
        if b["triwulan"] < quarter and (b["realisasi_anggaran_status"] in _UNREADABLE or b["realisasi_anggaran_status"] == Status.TEXT):
            text = visible(str(b["realisasi_anggaran_text"] or ""))
            out.append(TRIWULAN_LALU.finding(b["pk"], b["realisasi_anggaran_loc"], text,
                                             f"Realisasi anggaran triwulan {ROMAN[b['triwulan']]} program '{b['kode_program']}' tidak "
                                             f"terbaca: tertulis '{text}'{earlier(b['triwulan'], quarter)}",
                                             "Isi realisasi anggaran dalam Rupiah (mis. 125000000), lalu kirim ulang."))
    return out


def not_initialled(period: PeriodData) -> list[Finding]:
    """An error for each PK whose realisasi of this quarter came in while an earlier quarter of
    it does not count (returned, never checked, changed since its paraf: `period.standing`): the
    s.d. figures would be made of figures nobody initialled."""
    out = []
    for (pk, q), s in sorted(period.standing.items(), key=lambda item: (item[0][0], item[0][1])):
        if s.counts:
            continue
        # The folder, not the workbook: the unit corrects the earlier quarter from that quarter's
        # correction workbook, not from a second marked copy made here.
        out.append(TRIWULAN_LALU_DIPARAF.finding(
            pk, Location(realisasi_folder(period.agency(pk), q)), "",
            f"Realisasi triwulan {ROMAN[q]} {pk} belum diparaf: {s.why}. Capaian s.d. triwulan {ROMAN[period.quarter]} "
            "hanya dihitung dari realisasi yang sudah diparaf", s.fix))
    return out


# --- values a supervisor would question -----------------------------------------------------------

def _is_percent(satuan: str) -> bool:
    return "%" in satuan or "persen" in satuan.lower()


# A value this many times its target, or this fraction of it, is off by orders of magnitude: a
# typo (zeros too many or too few), thousands for units, or another unit altogether.
FAR_FROM_TARGET = Decimal(100)


def plausibility(indicators: list[dict[str, Any]], realisasi: list[dict[str, Any]]) -> list[Finding]:
    """Warnings for values a supervisor would question: a percentage typed as a fraction (0,875
    under satuan % against a target of 90), a quarterly % target typed so, and a realisasi two
    orders of magnitude or more from its target."""
    out: list[Finding] = []
    by_key = {(ind["pk"], ind["kode"]): ind for ind in indicators}
    for ind in indicators:
        annual = ind["target_tahunan"]
        if not _is_percent(ind["satuan"]) or annual is None:
            continue
        for q in range(1, 5):
            target = ind[f"target_tw{q}"]
            if target is not None and _fraction_of(target, annual):
                out.append(_fraction(ind["pk"], ind[f"target_tw{q}_loc"], f"Target TW {ROMAN[q]}", ind, target, annual))
    for r in realisasi:
        ind = by_key.get((r["pk"], r["kode"]))
        value = r["realisasi"]
        if ind is None or value is None or value == 0:
            continue
        target = _target_for(ind, r["triwulan"])
        if target is None:
            continue
        if _is_percent(ind["satuan"]):
            if _fraction_of(value, target):
                out.append(_fraction(r["pk"], r["realisasi_loc"], f"Realisasi TW {ROMAN[r['triwulan']]}", ind, value, target))
            continue
        ratio = abs(value) / abs(target)
        if ratio >= FAR_FROM_TARGET or ratio <= 1 / FAR_FROM_TARGET:
            times = f"{number(ratio, 0)} kali targetnya" if ratio >= 1 else f"hanya 1/{number(1 / ratio, 0)} dari targetnya"
            out.append(JAUH_DARI_TARGET.finding(
                r["pk"], r["realisasi_loc"], written(value),
                f"Realisasi TW {ROMAN[r['triwulan']]} indikator '{ind['indikator']}' {written(value)} {ind['satuan']}, "
                f"{times} ({written(target)}): jauh dari wajar",
                "Periksa apakah ada salah ketik (angka nol berlebih atau kurang, ribuan atau jutaan, tanda desimal) "
                "atau satuan yang berbeda; bila benar, abaikan peringatan ini."))
    return out


def _target_for(ind: dict[str, Any], q: int) -> Decimal | None:
    """The target a quarter's realisasi is compared with: that quarter's, or else, for a
    position or an average (not for a sum of quarters), the annual one."""
    for target in (ind[f"target_tw{q}"], None if ind["akumulasi"] == "jumlah" else ind["target_tahunan"]):
        if target is not None and target != 0:
            return target
    return None


def _fraction_of(value: Decimal, target: Decimal) -> bool:
    """A percentage typed as a fraction: at most 1, the target above 1, and the value a hundred
    times over much nearer the target than the value itself (0,875 against 90, not 0,9
    against an inflation target of 2,5)."""
    return 0 < abs(value) <= 1 < abs(target) and abs(value) * 10 < abs(target)


def _fraction(pk: str, loc: Location, what: str, ind: dict[str, Any], value: Decimal, target: Decimal) -> Finding:
    # Quoted as written: "0,875" rounded to "0,88" would not be what the official typed.
    shown, hundred = written(value), written(value * 100)
    return PERSEN_PECAHAN.finding(
        pk, loc, shown,
        f"{what} indikator '{ind['indikator']}' bersatuan % tertulis {shown}, sedangkan targetnya {written(target)}: "
        f"ditulis sebagai pecahan? {shown} berarti {shown} %; untuk {hundred} % tulis {hundred}",
        f"Tulis persentase sebagai angka persen (mis. {hundred}, bukan {shown}); bila {shown} % memang benar, "
        "abaikan peringatan ini.")
