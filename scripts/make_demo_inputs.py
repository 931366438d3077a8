"""Write the demo agency's workbooks into inputs/2026 (deterministic; run from the project root).

The demo is a fictional "Inspektorat Daerah Kabupaten Sukamaju". The TW II realisasi workbooks
are the forms `sakip forms 2026 2` generates, filled in. The committed workbooks are this
script's output; rerun it only to change the demo on purpose. The TW II workbook of
PK-IRBAN3 carries the mistakes real units make (text in a number cell, a realisasi left empty
where the form's rule, sakip.model.REALISASI_BELUM_ADA, asks for 0, a decimal comma typed as
text, a missing kendala) so that the return path is shown. The forms' texts (Petunjuk, cell
messages) come from sakip.documents.forms: regenerate the workbooks after changing them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sakip.capaian import anggaran
from sakip.documents.forms import (Indicator, Program, Realisasi, Signer, fill_realisasi_form, generate_forms, write_pk_workbook,
                         write_realisasi_workbook)

YEAR = 2026
ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("inputs")

OFFICIALS = {
    "inspektur": ("197104121996031003", "Drs. HERU PRASETYO, M.Si.", "Inspektur Daerah Kabupaten Sukamaju"),
    "sekretaris": ("197808232003122005", "NURUL HIDAYATI, S.E., M.Ak.", "Sekretaris Inspektorat Daerah"),
    "irban1": ("197502142001121002", "AGUS WIDODO, S.H., M.H.", "Inspektur Pembantu Wilayah I"),
    "irban2": ("197911052005012008", "Ir. SRI WAHYUNINGSIH, M.T.", "Inspektur Pembantu Wilayah II"),
    "irban3": ("198305172002121001", "MUHAMMAD RIZAL FAUZI, S.STP., M.AP.", "Plt. Inspektur Pembantu Wilayah III"),
}

S_AKUNTABEL = "Meningkatnya akuntabilitas kinerja dan keuangan Pemerintah Kabupaten Sukamaju"
S_KAPABILITAS = "Meningkatnya kapabilitas pengawasan intern pemerintah daerah"
S_PERENCANAAN = "Meningkatnya kualitas perencanaan, penganggaran dan pelaporan kinerja Inspektorat"
S_LAYANAN = "Meningkatnya kualitas pelayanan administrasi umum dan kepegawaian"


def wilayah(n: str) -> str:
    return f"Meningkatnya kualitas pengawasan pada perangkat daerah Wilayah {n}"


# kode, sasaran, indikator, satuan, polaritas, akumulasi, target tahunan, RA TW I-IV, rencana aksi
PKS: dict[str, dict] = {
    "PK-INSP": {
        "pejabat": "inspektur",
        "indikator": [
            ("IK-01", S_AKUNTABEL, "Opini BPK atas Laporan Keuangan Pemerintah Daerah", "Opini", "Positif", "Akhir", "WTP", ["-", "WTP", "WTP", "WTP"], "Pendampingan tindak lanjut pemeriksaan BPK atas LKPD"),
            ("IK-02", S_AKUNTABEL, "Nilai evaluasi SAKIP Pemerintah Kabupaten Sukamaju", "Predikat", "Positif", "Akhir", "BB", ["-", "-", "-", "BB"], "Evaluasi AKIP seluruh perangkat daerah"),
            ("IK-03", S_KAPABILITAS, "Level maturitas penyelenggaraan SPIP terintegrasi", "Level", "Positif", "Akhir", "Level 3", ["-", "-", "Level 3", "Level 3"], "Penilaian mandiri dan penjaminan kualitas maturitas SPIP"),
            ("IK-04", S_KAPABILITAS, "Persentase rekomendasi hasil pengawasan yang ditindaklanjuti", "%", "Positif", "Akhir", 85, [25, 50, 70, 85], "Pemantauan tindak lanjut hasil pengawasan"),
            ("IK-05", S_KAPABILITAS, "Indeks risiko penyimpangan pengelolaan keuangan daerah", "Indeks", "Negatif", "Akhir", 2.5, [2.5, 2.5, 2.5, 2.5], "Pemetaan risiko dan pengawasan berbasis risiko"),
        ],
        "anggaran": [
            ("5.01.01", "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota", 3125000000),
            # Holds the units' kegiatan 5.01.02.2.xx (2.790.000.000 in the Irban PKs) and the rest of the programme.
            ("5.01.02", "Program Penyelenggaraan Pengawasan", 3085000000),
            ("5.01.03", "Program Perumusan Kebijakan, Pendampingan dan Asistensi", 615000000),
        ],
        "realisasi": {
            1: {"IK-01": ("-", "", ""), "IK-02": ("-", "", ""), "IK-03": ("-", "", ""),
                "IK-04": (27.5, "", ""),
                "IK-05": (2.8, "Masih terdapat kelemahan pengendalian kas di 3 perangkat daerah", "Reviu pengendalian kas dan pendampingan bendahara")},
            2: {"IK-01": ("WTP", "", ""), "IK-02": ("-", "", ""), "IK-03": ("-", "", ""),
                "IK-04": (46.8, "Sebagian rekomendasi memerlukan pengembalian kerugian oleh pihak ketiga", "Penagihan bersama BPKAD dan pendampingan majelis TP-TGR"),
                "IK-05": (2.4, "", "")},
        },
        # 5.01.02 spends at least what its kegiatan in the Irban PKs spend (544.000.000 in TW I, 728.650.000 in TW II).
        "realisasi_anggaran": {1: [612450000, 598750000, 84200000], 2: [845300000, 752115500, 163900000]},
    },
    "PK-SEK": {
        "pejabat": "sekretaris",
        "indikator": [
            ("IK-01", S_PERENCANAAN, "Persentase dokumen perencanaan dan pelaporan yang disampaikan tepat waktu", "%", "Positif", "Rata-rata", 100, [100, 100, 100, 100], "Penyusunan jadwal dan pemantauan penyampaian dokumen"),
            ("IK-02", S_PERENCANAAN, "Jumlah dokumen laporan kinerja yang disusun", "Dokumen", "Positif", "Jumlah", 6, [1, 2, 1, 2], "Penyusunan laporan kinerja triwulanan dan tahunan"),
            ("IK-03", S_PERENCANAAN, "Persentase realisasi anggaran Inspektorat", "%", "Positif", "Akhir", 95, [20, 45, 70, 95], "Pengendalian pelaksanaan anggaran bulanan"),
            ("IK-04", S_LAYANAN, "Indeks kepuasan pegawai terhadap layanan kesekretariatan", "Indeks", "Positif", "Akhir", 3.4, [3.2, 3.25, 3.3, 3.4], "Survei kepuasan pegawai setiap triwulan"),
            ("IK-05", S_LAYANAN, "Rata-rata waktu penyelesaian naskah dinas", "Hari", "Negatif", "Rata-rata", 3, [3, 3, 3, 3], "Penerapan tata naskah dinas elektronik"),
        ],
        "anggaran": [
            ("5.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah", 96750000),
            ("5.01.01.2.02", "Administrasi Keuangan Perangkat Daerah", 1845000000),
            ("5.01.01.2.06", "Administrasi Umum Perangkat Daerah", 512500000),
        ],
        "realisasi": {
            1: {"IK-01": (100, "", ""), "IK-02": (1, "", ""),
                "IK-03": (19.6, "Pengadaan belanja modal baru dimulai bulan April", "Percepatan proses pengadaan melalui e-katalog"),
                "IK-04": (3.21, "", ""), "IK-05": (2.5, "", "")},
            2: {"IK-01": (87.5, "Laporan realisasi fisik bulan Mei terlambat 2 hari karena gangguan aplikasi", "Penyampaian manual sementara dan koordinasi dengan Diskominfo"),
                "IK-02": (2, "", ""),
                "IK-03": (42.3, "Honorarium tim pengawasan dibayarkan pada triwulan III", "Penjadwalan ulang pencairan bersama BPKAD"),
                "IK-04": (3.31, "", ""),
                "IK-05": (3.2, "Volume disposisi meningkat pada masa pemeriksaan BPK", "Penambahan pengelola naskah dinas pada masa sibuk")},
        },
        "realisasi_anggaran": {1: [18250000, 398400000, 101300000], 2: [22500000, 451250000, 128700000]},
    },
}

for idx, n, pej, numbers in (
    (1, "I", "irban1", dict(lhp=(32, [6, 10, 8, 8]), rekom=(85, [25, 50, 70, 85]), berulang=(5, [5, 5, 5, 5]))),
    (2, "II", "irban2", dict(lhp=(28, [5, 9, 7, 7]), rekom=(85, [25, 50, 70, 85]), berulang=(5, [5, 5, 5, 5]))),
    (3, "III", "irban3", dict(lhp=(24, [6, 6, 6, 6]), rekom=(80, [20, 40, 60, 80]), berulang=(5, [5, 5, 5, 5]))),
):
    PKS[f"PK-IRBAN{idx}"] = {"pejabat": pej, "wilayah": n, "numbers": numbers}

IRBAN_EXTRA = {
    "I": [("IK-04", "Nilai kerugian daerah yang dipulihkan Wilayah I", "Rupiah", "Positif", "Jumlah", 450000000, [100000000, 125000000, 100000000, 125000000], "Pemantauan penyetoran kerugian daerah")],
    "II": [("IK-04", "Persentase desa yang APBDes-nya direviu Wilayah II", "%", "Positif", "Akhir", 100, [25, 50, 75, 100], "Reviu APBDes berbasis risiko"),
           ("IK-05", "Jumlah pengaduan masyarakat yang ditangani Wilayah II", "Pengaduan", "Positif", "Jumlah", 40, [10, 10, 10, 10], "Penanganan pengaduan melalui kanal SP4N-LAPOR!")],
    "III": [("IK-04", "Persentase objek pengawasan Wilayah III yang diaudit berbasis risiko", "%", "Positif", "Akhir", 90, [20, 45, 70, 90], "Penyusunan PKPT berbasis risiko")],
}
IRBAN_REAL = {
    "I": {1: {"IK-01": (6, "", ""), "IK-02": (30.2, "", ""), "IK-03": (4, "", ""),
              "IK-04": (87500000, "Dua pihak ketiga belum menyetor angsuran TGR", "Surat teguran kedua dan koordinasi dengan Kejaksaan sebagai JPN")},
          2: {"IK-01": (11, "", ""), "IK-02": (55.75, "", ""), "IK-03": (3.5, "", ""), "IK-04": (131250000, "", "")}},
    "II": {1: {"IK-01": (5, "", ""), "IK-02": (24.1, "Tindak lanjut atas temuan pengadaan menunggu audit investigatif", "Pemantauan intensif bersama perangkat daerah terkait"),
               "IK-03": (11, "Temuan penatausahaan kas berulang di 2 kecamatan", "Bimbingan teknis bendahara kecamatan dan reviu bulanan"),
               "IK-04": (23.5, "Tiga desa terlambat menetapkan APBDes", "Reviu dijadwalkan ulang pada bulan April"), "IK-05": (12, "", "")},
           2: {"IK-01": (8, "Satu penugasan tertunda karena auditor mengikuti diklat penjenjangan", "Penugasan dialihkan ke awal triwulan III"),
               "IK-02": (49.3, "Beberapa rekomendasi memerlukan perubahan regulasi desa", "Pendampingan penyusunan peraturan desa"),
               "IK-03": (6, "Temuan berulang pada pengelolaan persediaan", "Pendampingan penatausahaan persediaan"),
               "IK-04": (50, "", ""), "IK-05": (9, "Jumlah pengaduan masuk lebih sedikit dari perkiraan", "Sosialisasi kanal pengaduan di kecamatan")}},
    "III": {1: {"IK-01": (6, "", ""), "IK-02": (21.4, "", ""), "IK-03": (5, "", ""), "IK-04": (22, "", "")},
            # Deliberate mistakes, as units make them: a sentence in a number cell, an empty
            # realisasi where the quarter has a target (the rule says 0 and a kendala), a decimal
            # comma typed as text, and no kendala below target.
            2: {"IK-01": ("belum ada data", "", ""), "IK-02": ("41,5", "", ""), "IK-03": (None, "", ""), "IK-04": (38, "", "")}},
}
IRBAN_BUDGET = {
    "I": ([("5.01.02.2.01", "Penyelenggaraan Pengawasan Internal Wilayah I", 845000000),
           ("5.01.02.2.02", "Penyelenggaraan Pengawasan dengan Tujuan Tertentu Wilayah I", 210000000)],
          {1: [176400000, 38500000], 2: [224650000, 61250000]}),
    "II": ([("5.01.02.2.01", "Penyelenggaraan Pengawasan Internal Wilayah II", 790000000),
            ("5.01.02.2.02", "Penyelenggaraan Pengawasan dengan Tujuan Tertentu Wilayah II", 185000000)],
           {1: [158300000, 21000000], 2: [201750000, 52800000]}),
    "III": ([("5.01.02.2.01", "Penyelenggaraan Pengawasan Internal Wilayah III", 760000000)],
            {1: [149800000], 2: [188200000]}),
}


def expand_irban(code: str, spec: dict) -> dict:
    n, numbers = spec["wilayah"], spec["numbers"]
    sasaran = wilayah(n)
    rows = [
        ("IK-01", sasaran, f"Jumlah Laporan Hasil Pengawasan (LHP) Wilayah {n}", "Laporan", "Positif", "Jumlah", *numbers["lhp"], "Pelaksanaan audit, reviu, evaluasi dan pemantauan sesuai PKPT"),
        ("IK-02", sasaran, f"Persentase rekomendasi hasil pengawasan Wilayah {n} yang ditindaklanjuti", "%", "Positif", "Akhir", *numbers["rekom"], "Pemutakhiran data tindak lanjut bersama objek pengawasan"),
        ("IK-03", sasaran, f"Persentase temuan berulang pada objek pengawasan Wilayah {n}", "%", "Negatif", "Akhir", *numbers["berulang"], "Pembinaan objek pengawasan atas temuan sejenis"),
    ] + [(k, sasaran, *rest) for k, *rest in IRBAN_EXTRA[n]]
    budget, spent = IRBAN_BUDGET[n]
    return {"pejabat": spec["pejabat"], "indikator": rows, "anggaran": budget,
            "realisasi": IRBAN_REAL[n], "realisasi_anggaran": spent}


def signer(spec: dict) -> Signer:
    nip, nama, jabatan = OFFICIALS[spec["pejabat"]]
    return Signer(nip, nama, jabatan, "Inspektorat Daerah Kabupaten Sukamaju")


def indicators(spec: dict) -> list[Indicator]:
    return [Indicator(k, s, ind, sat, pol, ak, tgt, tw, aksi) for k, s, ind, sat, pol, ak, tgt, tw, aksi in spec["indikator"]]


def realisasi(code: str, spec: dict, q: int) -> dict[str, Realisasi]:
    out = {}
    for k, (value, kendala, tl) in spec["realisasi"][q].items():
        bukti = f"https://drive.sukamajukab.go.id/inspektorat/{YEAR}/tw{q}/{code.lower()}-{k.lower()}" if value not in ("-", None) else ""
        out[k] = Realisasi(value, kendala, tl, bukti)
    return out


def _spec(code: str) -> dict:
    return PKS[code] if "wilayah" not in PKS[code] else expand_irban(code, PKS[code])


def _planned(code: str, kode: str, q: int, year: int) -> float:
    """A deterministic 'how it went' factor around the plan (0.82 .. 1.08)."""
    import hashlib

    h = int(hashlib.sha256(f"{code}{kode}{q}{year}".encode()).hexdigest()[:6], 16)
    return 0.82 + (h % 27) / 100


def _all_programs() -> list[tuple[str, Program]]:
    return [(code, Program(*p)) for code in PKS for p in _spec(code)["anggaran"]]


def _spent(code: str, program: Program, q: int, year: int) -> int:
    """A quarter's budget realisation: about 24 % of the pagu; a programme whose kegiatan sit in
    other PKs spends what they spend plus its share of the rest, so a parent never spends less
    than its children (the paraf's budget hierarchy check)."""
    every = _all_programs()
    codes = {anggaran.key(p.kode) for _, p in every}
    children = [(c, p) for c, p in every if anggaran.parent_of(p.kode, codes) == anggaran.key(program.kode)]
    if not children:
        return int(program.pagu * 0.24 * _planned(code, program.kode, q, year))
    rest = program.pagu - sum(p.pagu for _, p in children)
    return sum(_spent(c, p, q, year) for c, p in children) + int(rest * 0.24 * _planned(code, program.kode, q, year))


def synthetic_quarters(root: Path, year: int, quarters: list[int], with_pk: bool = False) -> None:
    """Realisasi of the demo agency for further quarters (or a whole earlier year, `with_pk`),
    derived from the RA targets; used for LKjIP samples and tests, not committed to inputs/.
    An earlier year needs its own instansi.toml: copy it beside."""
    base = root / str(year)
    for code in PKS:
        spec = _spec(code)
        inds = indicators(spec)
        programs = [Program(*p) for p in spec["anggaran"]]
        if with_pk:
            write_pk_workbook(base / "pk" / f"{code}.xlsx", code, year, signer(spec), inds, programs)
        for q in quarters:
            real = {}
            for ind in inds:
                target = ind.ra[q - 1]
                if isinstance(target, (int, float)):
                    value = round(target * _planned(code, ind.kode, q, year), 2)
                    below = value < target if ind.polaritas == "Positif" else value > target
                    real[ind.kode] = Realisasi(value, "Pelaksanaan kegiatan bergeser ke triwulan berikutnya" if below else "",
                                               "Percepatan jadwal pelaksanaan" if below else "")
                else:
                    real[ind.kode] = Realisasi(target)
            spent = [_spent(code, p, q, year) for p in programs]
            write_realisasi_workbook(base / "realisasi" / f"tw{q}" / f"{code}.xlsx", code, year, q, signer(spec), inds, real,
                                     programs, spent)


# A second, synthetic agency for the document-truth tests: several sasaran per PK, names long
# enough to wrap in every table, qualitative targets (an audit opinion, a level, a grade, one of
# them missed), and a budget in three levels (program > kegiatan > subkegiatan) whose children
# stay within their parents. Written into a temporary folder by the tests, never into inputs/.
SYNTH_INSTANSI = """[instansi]
nama = "Badan Perencanaan Pembangunan Daerah Kabupaten Sukamaju"
pemerintah = "Pemerintah Kabupaten Sukamaju"
alamat = "Jl. Veteran No. 3, Sukamaju 68121"
telepon = "(0331) 421100"
surel = "bappeda@sukamajukab.go.id"
kota = "Sukamaju"
kepala = "kepala"
tanggal_pk = "{year}-01-08"

[pengaturan]
rumus_negatif = "selisih"
ambang_kendala = 100
pemeriksa = "kasubbag"
# No [[pengaturan.predikat]]: the bands are sakip's defaults (config.DEFAULT_BANDS).

[pejabat.bupati]
nama = "H. BAMBANG SURYADI, S.E., M.M."
jabatan = "Bupati Sukamaju"

[pejabat.kepala]
nama = "Dr. Ir. RAHMAT HIDAYATULLAH SETIAWAN PRAWIRANEGARA, M.Sc."
nip = "197205141998031004"
pangkat = "Pembina Utama Muda"
golongan = "IV/c"
jabatan = "Kepala Badan Perencanaan Pembangunan Daerah Kabupaten Sukamaju"
atasan = "bupati"

[pejabat.sekretaris]
nama = "SITI RAHMAWATI, S.E., M.Si."
nip = "197903212005012006"
pangkat = "Pembina"
golongan = "IV/a"
jabatan = "Sekretaris Badan Perencanaan Pembangunan Daerah"
atasan = "kepala"

[pejabat.kabid]
nama = "BUDI SANTOSO, S.T., M.T."
nip = "198011092006041003"
pangkat = "Pembina"
golongan = "IV/a"
jabatan = "Kepala Bidang Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah"
atasan = "kepala"

[pejabat.kasubbag]
nama = "RINA KARTIKA SARI, S.Kom."
nip = "198806152011012012"
pangkat = "Penata Tingkat I"
golongan = "III/d"
jabatan = "Kepala Subbagian Perencanaan dan Keuangan Bappeda"
atasan = "sekretaris"
"""

SYNTH_OFFICIALS = {
    "PK-KABAN": ("197205141998031004", "Dr. Ir. RAHMAT HIDAYATULLAH SETIAWAN PRAWIRANEGARA, M.Sc.",
                 "Kepala Badan Perencanaan Pembangunan Daerah Kabupaten Sukamaju"),
    "PK-SEKBAN": ("197903212005012006", "SITI RAHMAWATI, S.E., M.Si.", "Sekretaris Badan Perencanaan Pembangunan Daerah"),
    "PK-PPE": ("198011092006041003", "BUDI SANTOSO, S.T., M.T.",
               "Kepala Bidang Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah"),
}
_LONG = ("melalui penguatan koordinasi lintas perangkat daerah, pemanfaatan data statistik sektoral yang "
         "terintegrasi dan partisipasi masyarakat dalam setiap tahapan")


def _synth_sasaran(n: int, what: str) -> str:
    return f"Meningkatnya {what} pembangunan daerah Kabupaten Sukamaju {_LONG} (sasaran {n})"


def _synth_indicator(what: str) -> str:
    return f"{what} yang disusun dan ditetapkan tepat waktu sesuai ketentuan peraturan perundang-undangan {_LONG}"


# kode, sasaran, indikator, satuan, polaritas, akumulasi, target, RA TW I-IV, realisasi TW I-IV
SYNTH_PKS: dict[str, dict] = {
    "PK-KABAN": {
        "indikator": [
            ("IK-01", _synth_sasaran(1, "akuntabilitas keuangan"), "Opini BPK atas Laporan Keuangan Pemerintah Kabupaten Sukamaju "
             "yang dipertahankan melalui pendampingan penyusunan laporan keuangan seluruh perangkat daerah dan reviu berjenjang",
             "Opini", "Positif", "Akhir", "WTP", ["-", "WTP", "WTP", "WTP"], ["-", "WTP", "WTP", "WTP"]),
            ("IK-02", _synth_sasaran(1, "akuntabilitas keuangan"), _synth_indicator("Persentase dokumen perencanaan"),
             "%", "Positif", "Akhir", 100, [25, 50, 75, 100], [25, 50, 80, 100]),
            ("IK-03", _synth_sasaran(2, "kualitas perencanaan"), "Nilai evaluasi akuntabilitas kinerja instansi pemerintah "
             "Kabupaten Sukamaju yang diberikan oleh Kementerian PANRB atas penerapan SAKIP pada seluruh perangkat daerah",
             "Predikat", "Positif", "Akhir", "BB", ["-", "-", "-", "BB"], ["-", "-", "-", "BB"]),
            ("IK-04", _synth_sasaran(2, "kualitas perencanaan"), _synth_indicator("Jumlah dokumen evaluasi pembangunan"),
             "Dokumen", "Positif", "Jumlah", 8, [2, 2, 2, 2], [2, 2, 2, 2]),
            ("IK-05", _synth_sasaran(3, "kapabilitas pengendalian"), "Level maturitas penyelenggaraan sistem pengendalian "
             "intern pemerintah terintegrasi pada Badan Perencanaan Pembangunan Daerah Kabupaten Sukamaju tahun berjalan",
             "Level", "Positif", "Akhir", "Level 3", ["-", "-", "Level 3", "Level 3"], ["-", "-", "Level 3", "Level 2"]),
            ("IK-06", _synth_sasaran(3, "kapabilitas pengendalian"), "Indeks risiko ketidaksesuaian program dan kegiatan "
             f"perangkat daerah terhadap dokumen rencana pembangunan jangka menengah daerah {_LONG}",
             "Indeks", "Negatif", "Akhir", 2.5, [2.5, 2.5, 2.5, 2.5], [2.4, 2.3, 2.2, 2.1]),
        ],
        "anggaran": [
            ("5.01.01", "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota pada Badan Perencanaan Pembangunan "
             "Daerah termasuk Administrasi Keuangan, Kepegawaian dan Umum", 2000000000),
            ("5.01.02", "Program Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah", 1500000000),
        ],
    },
    "PK-SEKBAN": {
        "indikator": [
            ("IK-01", _synth_sasaran(4, "kualitas administrasi"), _synth_indicator("Persentase laporan keuangan bulanan"),
             "%", "Positif", "Akhir", 100, [100, 100, 100, 100], [100, 100, 100, 100]),
            ("IK-02", _synth_sasaran(5, "kualitas layanan kepegawaian"), _synth_indicator("Persentase usulan kenaikan pangkat"),
             "%", "Positif", "Rata-rata", 95, [95, 95, 95, 95], [96, 97, 98, 99]),
            ("IK-03", _synth_sasaran(6, "kualitas pelaporan kinerja"), "Predikat hasil evaluasi internal akuntabilitas "
             "kinerja Badan Perencanaan Pembangunan Daerah oleh Inspektorat Daerah Kabupaten Sukamaju atas dokumen SAKIP",
             "Predikat", "Positif", "Akhir", "BB", ["-", "BB", "BB", "BB"], ["-", "BB", "A", "A"]),
        ],
        "anggaran": [
            ("5.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah", 600000000),
            ("5.01.01.2.02", "Administrasi Keuangan Perangkat Daerah", 700000000),
        ],
    },
    "PK-PPE": {
        "indikator": [
            ("IK-01", _synth_sasaran(7, "kualitas pengendalian"), _synth_indicator("Jumlah laporan pengendalian"),
             "Laporan", "Positif", "Jumlah", 12, [3, 3, 3, 3], [3, 3, 3, 3]),
            ("IK-02", _synth_sasaran(8, "kualitas evaluasi"), _synth_indicator("Persentase rekomendasi evaluasi"),
             "%", "Positif", "Akhir", 80, [20, 40, 60, 80], [20, 45, 60, 85]),
            ("IK-03", _synth_sasaran(9, "kualitas data pembangunan"), _synth_indicator("Persentase data sektoral"),
             "%", "Positif", "Akhir", 90, [30, 50, 70, 90], [30, 55, 75, 90]),
        ],
        "anggaran": [
            ("5.01.02.2.01", "Koordinasi Pengendalian Perencanaan dan Evaluasi Pembangunan Daerah", 900000000),
            ("5.01.02.2.01.0001", "Koordinasi, Sinkronisasi dan Evaluasi Pelaksanaan Program Prioritas Daerah", 400000000),
            ("5.01.02.2.01.0002", "Pemantauan Pelaksanaan Pembangunan Daerah Berbasis Data", 350000000),
        ],
    },
}


def _synth_folder(root: Path, year: int) -> Path:
    """root/<year>/ with the synthetic Bappeda's instansi.toml (shared by the synthetic and stress agencies)."""
    base = root / str(year)
    base.mkdir(parents=True, exist_ok=True)
    (base / "instansi.toml").write_text(SYNTH_INSTANSI.replace("{year}", str(year)), encoding="utf-8")
    return base


def _synth_signer(code: str) -> Signer:
    nip, nama, jabatan = SYNTH_OFFICIALS[code]
    return Signer(nip, nama, jabatan, "Badan Perencanaan Pembangunan Daerah Kabupaten Sukamaju")


def synthetic_agency(root: Path, year: int, quarters: list[int]) -> None:
    """The synthetic agency's instansi.toml, PK workbooks and realisasi of `quarters` into root/<year>/.
    Budget realisasi is 20 % of each line's pagu per quarter, so children stay within parents."""
    base = _synth_folder(root, year)
    for code, spec in SYNTH_PKS.items():
        who = _synth_signer(code)
        inds = [Indicator(k, s, ind, sat, pol, ak, tgt, tw, "Pelaksanaan kegiatan sesuai jadwal")
                for k, s, ind, sat, pol, ak, tgt, tw, _ in spec["indikator"]]
        programs = [Program(*p) for p in spec["anggaran"]]
        write_pk_workbook(base / "pk" / f"{code}.xlsx", code, year, who, inds, programs)
        for q in quarters:
            real = {}
            for k, *_, values in spec["indikator"]:
                value = values[q - 1]
                missed = value == "Level 2"
                real[k] = Realisasi(value, "Penilaian mandiri belum didukung bukti pada dua unsur" if missed else "",
                                    "Pendampingan pemenuhan bukti pada triwulan berikutnya" if missed else "",
                                    "" if value == "-" else f"https://data.sukamajukab.go.id/{code.lower()}/{k.lower()}/tw{q}")
            write_realisasi_workbook(base / "realisasi" / f"tw{q}" / f"{code}.xlsx", code, year, q, who, inds, real,
                                     programs, [p.pagu // 5 for p in programs])


# A third agency, to stress layout (issue 22): 12 indicators per PK under 6 sasaran, sasaran and
# indicator names of about 300 characters, unit words that do not wrap ("Rekomendasi",
# "Pengaduan"), budgets in the hundreds of billions with a Rupiah indicator beside them, and
# kendala of several paragraphs. Written into a temporary folder by the tests, never into inputs/.
_STRESS_TAIL = ("dengan memperhatikan hasil evaluasi tahun sebelumnya, rekomendasi Badan Pemeriksa Keuangan, "
                "arahan Kementerian Dalam Negeri, ketersediaan data sektoral yang mutakhir serta keterlibatan "
                "perangkat daerah, kecamatan, kelurahan dan desa di seluruh wilayah Kabupaten Sukamaju")
_STRESS_KENDALA = ("Data realisasi dari sebagian perangkat daerah terlambat disampaikan karena aplikasi pelaporan "
                   "mengalami gangguan selama dua minggu pada akhir triwulan.\n"
                   "Selain itu, tiga kecamatan belum menyampaikan dokumen pendukung sehingga verifikasi lapangan "
                   "harus dijadwalkan ulang dan sebagian kegiatan bergeser ke triwulan berikutnya.\n"
                   "Koordinasi dengan Inspektorat Daerah juga memerlukan waktu tambahan untuk menyepakati "
                   "metode penghitungan yang digunakan dalam penilaian.")


def _stress_name(base: str, n: int) -> str:
    return f"{base} {_STRESS_TAIL} (bagian {n})"[:300]


def _stress_indicators(code: str) -> list[tuple]:
    """12 indicators, two per sasaran, of every kind: %, counts, a Rupiah revenue, an index
    (negative polarity), a qualitative grade; some below target (with kendala)."""
    kinds = [  # satuan, polaritas, akumulasi, target, RA, realisasi TW I-IV
        ("%", "Positif", "Akhir", 100, [25, 50, 75, 100], [20, 45, 75, 100]),
        ("Rekomendasi", "Positif", "Jumlah", 1200, [300, 300, 300, 300], [280, 310, 300, 320]),
        ("Rupiah", "Positif", "Jumlah", 480000000000, [120000000000] * 4,
         [118500000000, 121250000000, 119999999999, 120000000001]),
        ("Pengaduan", "Positif", "Jumlah", 480, [120] * 4, [130, 95, 120, 135]),
        ("Indeks", "Negatif", "Akhir", 2.5, [2.5] * 4, [2.7, 2.4, 2.3, 2.1]),
        ("Predikat", "Positif", "Akhir", "BB", ["-", "BB", "BB", "BB"], ["-", "B", "BB", "A"]),
    ]
    out = []
    for i in range(12):
        sat, pol, ak, target, ra, real = kinds[i % len(kinds)]
        sasaran = _stress_name(f"Meningkatnya kualitas tata kelola pembangunan daerah bidang {i // 2 + 1} pada {code}",
                               i // 2 + 1)
        name = _stress_name(f"Indikator {i + 1} {code}: capaian {sat.lower()} pelaksanaan program prioritas daerah", i + 1)
        out.append((f"IK-{i + 1:02d}", sasaran, name, sat, pol, ak, target, ra, real))
    return out


STRESS_PKS = {
    "PK-KABAN": [
        ("5.01.01", "Program Penunjang Urusan Pemerintahan Daerah Kabupaten/Kota pada Badan Perencanaan Pembangunan "
         "Daerah termasuk Administrasi Keuangan, Kepegawaian dan Umum", 450000000000),
        ("5.01.02", "Program Perencanaan, Pengendalian dan Evaluasi Pembangunan Daerah", 899999999999),
        ("5.01.02.2.01", "Koordinasi Pengendalian Perencanaan dan Evaluasi Pembangunan Daerah", 600000000000),
    ],
    "PK-SEKBAN": [
        ("5.01.01.2.01", "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah", 125000000000),
        ("5.01.01.2.02", "Administrasi Keuangan Perangkat Daerah", 300000000000),
    ],
}


def stress_agency(root: Path, year: int, quarters: list[int]) -> None:
    """The layout stress agency's instansi.toml, PK workbooks and realisasi of `quarters` into root/<year>/."""
    base = _synth_folder(root, year)
    for code, budget in STRESS_PKS.items():
        who = _synth_signer(code)
        spec = _stress_indicators(code)
        inds = [Indicator(k, s, ind, sat, pol, ak, tgt, ra, _stress_name("Pelaksanaan kegiatan sesuai jadwal", 0)[:120])
                for k, s, ind, sat, pol, ak, tgt, ra, _ in spec]
        programs = [Program(*p) for p in budget]
        write_pk_workbook(base / "pk" / f"{code}.xlsx", code, year, who, inds, programs)
        for q in quarters:
            real = {}
            for k, _s, _i, _sat, _pol, _ak, _t, ra, values in spec:
                value, plan = values[q - 1], ra[q - 1]
                below = isinstance(value, (int, float)) and isinstance(plan, (int, float)) and value < plan
                real[k] = Realisasi(value, _STRESS_KENDALA if below or value == "B" else "",
                                    "Percepatan verifikasi dan pendampingan pada triwulan berikutnya"
                                    if below or value == "B" else "",
                                    f"https://data.sukamajukab.go.id/{code.lower()}/{k.lower()}/tw{q}")
            spent = [p.pagu // 5 for p in programs]
            write_realisasi_workbook(base / "realisasi" / f"tw{q}" / f"{code}.xlsx", code, year, q, who, inds, real,
                                     programs, spent)


def main() -> None:
    base = ROOT / str(YEAR)
    (base / "pk").mkdir(parents=True, exist_ok=True)
    for code, spec in PKS.items():
        if "wilayah" in spec:
            spec = expand_irban(code, spec)
        programs = [Program(*p) for p in spec["anggaran"]]
        write_pk_workbook(base / "pk" / f"{code}.xlsx", code, YEAR, signer(spec), indicators(spec), programs)
        write_realisasi_workbook(base / "realisasi" / "tw1" / f"{code}.xlsx", code, YEAR, 1, signer(spec),
                                 indicators(spec), realisasi(code, spec, 1), programs, spec["realisasi_anggaran"][1])
    # TW II is what `sakip forms 2026 2` sends to the units, filled as they would fill it.
    with tempfile.TemporaryDirectory() as tmp:
        for form in generate_forms(ROOT, Path(tmp), YEAR, 2):
            spec = PKS[form.stem] if "wilayah" not in PKS[form.stem] else expand_irban(form.stem, PKS[form.stem])
            fill_realisasi_form(form, base / "realisasi" / "tw2" / form.name, realisasi(form.stem, spec, 2),
                                spec["realisasi_anggaran"][2])


if __name__ == "__main__":
    main()
