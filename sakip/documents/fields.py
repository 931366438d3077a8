"""The fields each template receives, described for planners (in Indonesian).

This table is the contract between the code that builds render contexts and the Word
templates planners edit: `sakip template check` accepts exactly these fields, `sakip template
fields` and templates/FIELDS.md are generated from it, and tests keep it equal to what the
code produces (templates/<name>/sample_context.json) in both directions.

A path is dotted; `[]` marks a list (used in `{%tr for x in list %}`), `*` any key.
"""

from __future__ import annotations

KOP = {
    "kop.pemerintah": "nama pemerintah daerah, huruf besar (kop surat)",
    "kop.instansi": "nama instansi, huruf besar (kop surat)",
    "kop.instansi_nama": "nama instansi seperti ditulis di instansi.toml",
    "kop.alamat": "alamat, telepon dan surel instansi",
}
PERIODE = {
    "periode.tahun": "tahun laporan",
    "periode.triwulan": "nama triwulan, mis. \"Triwulan II\"",
    "periode.romawi": "nomor triwulan dalam angka Romawi",
    "periode.rentang": "tanggal awal dan akhir triwulan",
    "periode.nomor": "nomor triwulan 1 sampai 4 (untuk filter `triwulan`, `romawi`)",
    "periode.tanggal": "tanggal penerbitan dokumen TTTT-BB-HH (untuk filter `tanggal`)",
}


def person(prefix: str, who: str) -> dict[str, str]:
    return {f"{prefix}.nama": f"nama {who}",
            f"{prefix}.nip": f"NIP {who}, sudah dikelompokkan 8 6 1 3 (kosong bila tidak ada, mis. Bupati: "
                             f"tulis baris NIP di antara {{%p if {prefix}.nip %}} dan {{%p endif %}})",
            f"{prefix}.jabatan": f"jabatan {who} (dengan Plt./Plh. bila ada)",
            f"{prefix}.pangkat": f"pangkat dan golongan {who}, mis. \"Pembina (IV/a)\" (kosong bila tidak ada)"}


def signature(prefix: str, who: str, place: bool = True) -> dict[str, str]:
    out = person(prefix, who)
    if place:
        out[f"{prefix}.tempat_tanggal"] = "tempat dan tanggal penandatanganan, mis. \"Sukamaju, 6 Juli 2026\""
    out[f"{prefix}.penanda"] = ("penanda tak terlihat tempat kolom tanda tangan elektronik dipasang; letakkan di ruang "
                                "kosong blok tanda tangan, jangan dihapus")
    return out


PK = {"pk.kode": "kode Perjanjian Kinerja, mis. \"PK-SEK\""}

INDIKATOR_LAPORAN = {
    "no": "nomor urut indikator", "kode": "kode indikator", "sasaran": "sasaran strategis bernomor, mis. \"1. Meningkatnya ...\"",
    "indikator": "nama indikator kinerja", "satuan": "satuan", "target_tahunan": "target tahunan",
    "target_tw": "target triwulan ini (Rencana Aksi)", "target_sd": "target s.d. triwulan ini",
    "realisasi_tw": "realisasi triwulan ini", "capaian_tw": "capaian triwulan ini, mis. \"87,50 %\"",
    "realisasi_sd": "realisasi s.d. triwulan ini menurut cara akumulasi", "capaian_sd": "capaian s.d. triwulan ini terhadap target tahunan",
    "predikat": "predikat capaian (pita di instansi.toml)", "polaritas": "positif / negatif", "akumulasi": "jumlah / akhir / rata-rata",
    "rumus_tw": "kunci rumus capaian triwulan (lihat `rumus`)", "rumus_sd": "kunci rumus capaian s.d. triwulan",
}

SASARAN_GRUP = {
    "sasaran[].nomor": "nomor sasaran", "sasaran[].nama": "nama sasaran strategis",
    "sasaran[].label": "sasaran bernomor, mis. \"1. Meningkatnya ...\"",
}
INDIKATOR_PK = {"no": "nomor urut", "sasaran": "sasaran strategis bernomor", "indikator": "indikator kinerja",
                "satuan": "satuan", "target": "target tahunan"}
INDIKATOR_RA = {"no": "nomor urut", "sasaran": "sasaran strategis bernomor", "indikator": "indikator kinerja",
                "satuan": "satuan", "target_tahunan": "target tahunan", "tw1": "target TW I", "tw2": "target TW II",
                "tw3": "target TW III", "tw4": "target TW IV", "rencana_aksi": "rencana aksi",
                "penanggung_jawab": "penanggung jawab"}

GRAFIK = ("grafik (gambar dibuat otomatis); tulis `{{ %s }}` sendirian dalam satu paragraf. `%s.judul` dan "
          "`%s.catatan` berisi judul dan catatannya")


def grafik(path: str) -> str:
    return GRAFIK % (path, path, path)


CATALOGUE: dict[str, dict[str, str]] = {
    "sampul": {**KOP, **PERIODE, **person("pejabat", "pejabat pemilik PK"), **PK},
    "laporan_triwulan": {
        **KOP, **PERIODE, **person("pejabat", "pejabat pemilik PK"), **PK,
        "sasaran[].nomor": "nomor sasaran", "sasaran[].nama": "nama sasaran strategis",
        **{f"sasaran[].indikator[].{k}": v for k, v in INDIKATOR_LAPORAN.items()},
        **{f"indikator[].{k}": v + " (daftar datar semua indikator)" for k, v in INDIKATOR_LAPORAN.items()},
        "grafik": grafik("grafik") + ": capaian TW dan s.d. TW per indikator terhadap garis target 100 %",
        "catatan_capaian": "catatan cara menghitung capaian, menyebut rumus dan indikatornya",
        "rumus.*": "uraian setiap rumus yang dipakai, menurut kuncinya (positif, selisih, rasio, rentang, ordinal)",
        "anggaran[].no": "nomor urut program", "anggaran[].kode": "kode program/kegiatan", "anggaran[].program": "nama program/kegiatan",
        "anggaran[].pagu": "pagu (angka, tanpa \"Rp\")", "anggaran[].realisasi_tw": "realisasi anggaran triwulan ini",
        "anggaran[].realisasi_sd": "realisasi anggaran s.d. triwulan ini", "anggaran[].serapan": "serapan s.d. triwulan ini, mis. \"45,65 %\"",
        "anggaran_total.pagu": "jumlah pagu", "anggaran_total.realisasi_tw": "jumlah realisasi triwulan ini",
        "anggaran_total.realisasi_sd": "jumlah realisasi s.d. triwulan ini", "anggaran_total.serapan": "serapan seluruh anggaran",
        "efisiensi.nilai": "efisiensi penggunaan sumber daya", "efisiensi.rumus": "rumus efisiensi",
        "efisiensi.capaian_rata": "rata-rata capaian s.d. triwulan ini", "efisiensi.serapan": "serapan anggaran s.d. triwulan ini",
        "kendala[].no": "nomor urut", "kendala[].indikator": "indikator di bawah target atau yang melaporkan kendala",
        "kendala[].capaian": "capaian triwulan indikator itu", "kendala[].kendala": "permasalahan/kendala yang ditulis unit",
        "kendala[].tindak_lanjut": "upaya/tindak lanjut yang ditulis unit",
        **signature("ttd", "pejabat penandatangan laporan"),
        "paraf[].no": "nomor urut pemeriksa", "paraf[].jabatan": "jabatan pemeriksa (pengaturan.pemeriksa)",
        "paraf[].nama": "nama pemeriksa", "paraf[].penanda": "penanda tak terlihat tempat kolom paraf elektronik; jangan dihapus",
    },
    "lampiran_pk": {
        **KOP, **PERIODE, **PK,
        **signature("pihak_pertama", "Pihak Pertama (pejabat pemilik PK)"),
        "pihak_pertama.peran": "tulisan \"PIHAK PERTAMA\"",
        **signature("pihak_kedua", "Pihak Kedua (atasan langsung)", place=False),
        "pihak_kedua.peran": "tulisan \"PIHAK KEDUA\"",
        "tanggal": "tanggal penandatanganan PK TTTT-BB-HH ([instansi] tanggal_pk; untuk filter `tanggal`)",
        **SASARAN_GRUP,
        **{f"sasaran[].indikator[].{k}": v for k, v in INDIKATOR_PK.items()},
        **{f"indikator[].{k}": v + " (daftar datar semua indikator)" for k, v in INDIKATOR_PK.items()},
        "anggaran[].no": "nomor urut", "anggaran[].kode": "kode program/kegiatan", "anggaran[].program": "program/kegiatan",
        "anggaran[].pagu": "anggaran (angka, tanpa \"Rp\")", "anggaran_total": "jumlah anggaran",
    },
    "lampiran_ra": {
        **KOP, **PERIODE, **person("pejabat", "pejabat pemilik PK"), **PK,
        "tanggal": "tanggal Rencana Aksi TTTT-BB-HH ([instansi] tanggal_ra, atau tanggal_pk; untuk filter `tanggal`)",
        **SASARAN_GRUP,
        **{f"sasaran[].indikator[].{k}": v for k, v in INDIKATOR_RA.items()},
        **{f"indikator[].{k}": v + " (daftar datar semua indikator)" for k, v in INDIKATOR_RA.items()},
        **signature("ttd", "pejabat pemilik PK"),
    },
    "lembar_paraf": {
        **KOP, **PERIODE, **person("pejabat", "pejabat pemilik PK"), **PK,
        "hasil": "hasil pemeriksaan, mis. \"PARAF: data kinerja sesuai, dengan 2 peringatan\"",
        "pemeriksaan[].no": "nomor urut kelompok aturan",
        "pemeriksaan[].uraian": "apa yang diperiksa kelompok itu (satu suite, atau aturan sakip satu tahap)",
        "pemeriksaan[].hasil": "berapa aturan sesuai dan aturan mana yang menandai sesuatu",
        "peringatan[].no": "nomor urut peringatan", "peringatan[].lokasi": "sheet dan sel", "peringatan[].pesan": "isi peringatan",
        "diperiksa_pada": "waktu pemeriksaan (WIB)",
        "aturan_sumber": "jumlah aturan pemeriksaan dan di mana hasil setiap aturan tercatat (tanpa nama berkas)",
        "pernyataan": "pernyataan pemeriksa",
        **signature("paraf", "pemeriksa (pengaturan.pemeriksa)"),
    },
    "rekap_instansi": {
        **KOP, **PERIODE,
        "ringkasan.jumlah_pk": "jumlah PK instansi", "ringkasan.jumlah_paraf": "PK yang diparaf",
        "ringkasan.jumlah_dikembalikan": "PK yang dikembalikan", "ringkasan.jumlah_indikator": "indikator yang dinilai",
        "ringkasan.belum_diukur": "indikator yang belum diukur (target mulai triwulan berikutnya)",
        "sebaran[].predikat": "predikat (ditambah \"Tercapai (kualitatif)\", \"Tidak tercapai (kualitatif)\" bila ada "
                              "indikator kualitatif, \"Tidak dapat dihitung\", dan \"Belum diukur\" bila ada indikator "
                              "yang targetnya mulai triwulan berikutnya)", "sebaran[].jumlah": "jumlah indikator",
        "sebaran[].persen": "persentase indikator",
        "grafik": grafik("grafik") + ": sebaran predikat",
        "sasaran[].no": "nomor sasaran", "sasaran[].nama": "sasaran", "sasaran[].jumlah_indikator": "jumlah indikator sasaran itu",
        "sasaran[].sebaran": "sebaran predikat sasaran itu, mis. \"Sangat Baik 3, Baik 1\"",
        "sasaran[].indikator[].no": "nomor urut indikator", "sasaran[].indikator[].sasaran": "sasaran bernomor",
        "sasaran[].indikator[].pk": "kode PK", "sasaran[].indikator[].indikator": "indikator kinerja",
        "sasaran[].indikator[].satuan": "satuan indikator",
        "sasaran[].indikator[].target_tw": "target triwulan", "sasaran[].indikator[].realisasi_tw": "realisasi triwulan",
        "sasaran[].indikator[].capaian_tw": "capaian triwulan", "sasaran[].indikator[].capaian_sd": "capaian s.d. triwulan",
        "sasaran[].indikator[].predikat": "predikat",
        "pk[].no": "nomor urut", "pk[].pk": "kode PK", "pk[].pejabat": "nama pejabat", "pk[].status": "PARAF / DIKEMBALIKAN / GAGAL",
        "pk[].capaian": "rentang capaian triwulan", "pk[].jumlah_indikator": "jumlah indikator",
        "dikembalikan[].no": "nomor urut", "dikembalikan[].pk": "kode PK", "dikembalikan[].pejabat": "nama pejabat",
        "dikembalikan[].jumlah_temuan": "jumlah galat", "dikembalikan[].alasan": "tiga temuan pertama dengan selnya",
        **signature("ttd", "kepala instansi"),
    },
    "bundel_paket": {
        **KOP, **PERIODE,
        "ringkasan.jumlah_paket": "jumlah paket dalam bundel", "ringkasan.jumlah_halaman": "jumlah halaman bundel",
        "paket[].no": "nomor urut", "paket[].pk": "kode PK", "paket[].pejabat": "nama pejabat",
        "paket[].capaian": "rentang capaian triwulan", "paket[].revisi": "nomor revisi paket",
        "paket[].halaman": "halaman paket di bundel, mis. \"2-9\"",
        "paket[].tanda_tangan": "siapa yang memaraf dan menandatangani paket, dan siapa yang sudah, mis. \"Paraf: ...; "
                                "Tanda tangan: ... (belum ditandatangani)\"",
        "tidak_termasuk[].no": "nomor urut", "tidak_termasuk[].pk": "kode PK", "tidak_termasuk[].pejabat": "nama pejabat",
        "tidak_termasuk[].status": "DIKEMBALIKAN / GAGAL", "tidak_termasuk[].alasan": "mengapa tidak ada paketnya",
        "dibuat": "waktu bundel disusun (WIB)",
    },
    "lkjip": {
        **KOP, **PERIODE,
        "tahun": "tahun LKjIP", "tahun_n1": "tahun sebelumnya", "tahun_n2": "dua tahun sebelumnya",
        "pembanding": "tahun-tahun pembanding yang datanya ada, mis. \"2025\"",
        "ringkasan_eksekutif[]": "paragraf ringkasan eksekutif dari lkjip.toml (`{%p for t in ringkasan_eksekutif %}`)",
        "ringkasan_angka": "ringkasan angka otomatis: jumlah indikator, rata-rata capaian, predikat, anggaran",
        "bab1.latar_belakang[]": "paragraf BAB I latar belakang (lkjip.toml)", "bab1.tugas_fungsi[]": "paragraf tugas pokok dan fungsi",
        "bab1.struktur_organisasi[]": "paragraf struktur organisasi", "bab1.isu_strategis[]": "paragraf isu strategis",
        "perencanaan.pk": "kode PK kepala instansi yang menjadi dasar pengukuran",
        "perencanaan.indikator[].no": "nomor urut", "perencanaan.indikator[].sasaran": "sasaran strategis",
        "perencanaan.indikator[].indikator": "indikator kinerja", "perencanaan.indikator[].satuan": "satuan",
        "perencanaan.indikator[].target": "target tahunan",
        "perencanaan.anggaran[].no": "nomor urut", "perencanaan.anggaran[].pk": "kode PK", "perencanaan.anggaran[].kode": "kode program",
        "perencanaan.anggaran[].program": "program/kegiatan", "perencanaan.anggaran[].pagu": "pagu",
        "perencanaan.anggaran[].realisasi": "realisasi tahunan", "perencanaan.anggaran[].serapan": "serapan",
        "perencanaan.anggaran_total.pagu": "jumlah pagu", "perencanaan.anggaran_total.realisasi": "jumlah realisasi",
        "perencanaan.anggaran_total.serapan": "serapan",
        "sasaran[].no": "nomor sasaran", "sasaran[].nama": "sasaran strategis",
        "sasaran[].indikator[].no": "nomor urut", "sasaran[].indikator[].kode": "kode indikator",
        "sasaran[].indikator[].indikator": "indikator kinerja", "sasaran[].indikator[].satuan": "satuan",
        "sasaran[].indikator[].target": "target tahunan", "sasaran[].indikator[].realisasi": "realisasi tahunan",
        "sasaran[].indikator[].capaian": "capaian tahunan", "sasaran[].indikator[].predikat": "predikat",
        "sasaran[].indikator[].realisasi_n1": "realisasi tahun sebelumnya (\"-\" bila datanya tidak ada)",
        "sasaran[].indikator[].capaian_n1": "capaian tahun sebelumnya",
        "sasaran[].indikator[].realisasi_n2": "realisasi dua tahun sebelumnya",
        "sasaran[].indikator[].target_renstra": "target akhir Renstra (lkjip.toml [[renstra]])",
        "sasaran[].indikator[].capaian_renstra": "realisasi tahun ini terhadap target akhir Renstra",
        "sasaran[].penyebab[]": "paragraf analisis penyebab keberhasilan/kegagalan (lkjip.toml [[sasaran]])",
        "sasaran[].solusi[]": "paragraf upaya dan solusi", "sasaran[].sebaran": "sebaran predikat sasaran itu",
        "sasaran[].grafik": grafik("s.grafik") + ": capaian per indikator per tahun",
        "sebaran[].predikat": "predikat", "sebaran[].jumlah": "jumlah indikator", "sebaran[].persen": "persentase",
        "grafik": grafik("grafik") + ": sebaran predikat tahunan",
        "capaian_rata": "rata-rata capaian indikator yang dapat dihitung",
        "efisiensi[].pk": "kode PK", "efisiensi[].capaian_rata": "rata-rata capaian", "efisiensi[].serapan": "serapan anggaran",
        "efisiensi[].efisiensi": "efisiensi penggunaan sumber daya",
        "anggaran[].no": "nomor urut", "anggaran[].pk": "kode PK", "anggaran[].kode": "kode program/kegiatan/subkegiatan",
        "anggaran[].program": "kode dan nama program/kegiatan, menjorok sesuai tingkatnya (urut hierarki kode)",
        "anggaran[].pagu": "pagu", "anggaran[].realisasi": "realisasi tahunan", "anggaran[].serapan": "serapan",
        "anggaran_total.pagu": "jumlah pagu seluruh PK pada tingkat teratas kode (kegiatan tidak ditambahkan lagi ke programnya)",
        "anggaran_total.realisasi": "jumlah realisasi (tingkat teratas kode)",
        "anggaran_total.serapan": "serapan seluruh anggaran",
        "penutup[]": "paragraf BAB IV penutup (lkjip.toml)",
        "semua_pk[].no": "nomor urut", "semua_pk[].pk": "kode PK", "semua_pk[].pejabat": "nama pejabat",
        "semua_pk[].jumlah_indikator": "jumlah indikator", "semua_pk[].capaian": "rentang capaian", "semua_pk[].status": "status",
        **person("kepala", "kepala instansi"),
        **signature("ttd", "kepala instansi"),
    },
}

TITLES = {
    "sampul": "Sampul paket per PK per triwulan",
    "laporan_triwulan": "Laporan Capaian Kinerja Triwulan, per PK",
    "lampiran_pk": "Lampiran: Perjanjian Kinerja (pernyataan dan lampiran indikator/anggaran), per PK",
    "lampiran_ra": "Lampiran: Rencana Aksi, per PK",
    "lembar_paraf": "Lembar Paraf (hasil pemeriksaan data), per PK per triwulan",
    "rekap_instansi": "Rekapitulasi capaian instansi per triwulan (semua PK)",
    "lkjip": "LKjIP tahunan per instansi (dibuat pada Triwulan IV)",
    "bundel_paket": "Daftar isi bundel semua paket siap tanda tangan per instansi per triwulan",
}
