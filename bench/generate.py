"""A deterministic synthetic regency for the benchmark: N agencies x M PKs x K indicators.

Every agency gets its own instansi.toml (head, secretary, heads of division, a checker) and
for every PK a PK workbook and realisasi workbooks for TW I..TW n, written with the same
`sakip.documents.forms` writers as the demo, so the benchmark reads what units send. The variety is the
demo's: percentages, counts summed over quarters, indices, Rupiah, negative polarity with
averages, qualitative targets (audit opinion, SAKIP grade, SPIP level), budgets per program,
and a few PKs whose current-quarter workbook carries the mistakes that get them returned.

The same seed and size always give the same workbooks' content.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from sakip.documents.forms import Indicator, Program, Realisasi, Signer, write_pk_workbook, write_realisasi_workbook

YEAR = 2026
REGENCY = "Kabupaten Sukamaju"
AGENCIES = [
    "Dinas Pendidikan", "Dinas Kesehatan", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas Sosial",
    "Badan Perencanaan Pembangunan Daerah", "Badan Pengelolaan Keuangan dan Aset Daerah", "Inspektorat Daerah",
    "Dinas Perhubungan", "Dinas Lingkungan Hidup", "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "Dinas Pertanian", "Dinas Koperasi dan Usaha Mikro",
    "Dinas Pariwisata dan Kebudayaan", "Satuan Polisi Pamong Praja", "Badan Penanggulangan Bencana Daerah",
    "Badan Kesatuan Bangsa dan Politik", "Dinas Komunikasi dan Informatika", "Dinas Pemberdayaan Masyarakat dan Desa",
    "Dinas Perumahan dan Kawasan Permukiman", "Dinas Perikanan", "Dinas Ketahanan Pangan", "Dinas Tenaga Kerja",
    "Dinas Perdagangan dan Perindustrian", "Dinas Perpustakaan dan Kearsipan",
    "Dinas Pemberdayaan Perempuan, Perlindungan Anak dan Keluarga Berencana", "Dinas Pemuda dan Olahraga",
    "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Badan Pendapatan Daerah", "Sekretariat Daerah",
    "Sekretariat DPRD", "Rumah Sakit Umum Daerah", "Dinas Pemadam Kebakaran", "Kecamatan Sukamaju Kota",
    "Kecamatan Sukamaju Utara", "Kecamatan Sukamaju Selatan", "Kecamatan Karanganyar", "Kecamatan Tanjungsari",
    "Kecamatan Cibening", "Kecamatan Mekarjaya",
]
POSTS = ["Kepala", "Sekretaris"] + [f"Kepala Bidang {b}" for b in ("Perencanaan", "Pelayanan", "Pengembangan", "Pengendalian")] \
    + [f"Kepala Subbagian {b}" for b in ("Perencanaan dan Keuangan", "Umum dan Kepegawaian")] \
    + [f"Kepala Seksi {b}" for b in ("Data dan Informasi", "Sarana Prasarana", "Pembinaan", "Evaluasi", "Kerja Sama", "Pengawasan")]
GRADES = [("Pembina Utama Muda", "IV/c"), ("Pembina Tingkat I", "IV/b"), ("Pembina", "IV/a"),
          ("Penata Tingkat I", "III/d"), ("Penata", "III/c")]
FIRST = ["AGUS", "SRI", "BUDI", "DEWI", "HERU", "NURUL", "RIZAL", "SITI", "ANDI", "RATNA", "YUDI", "LINA", "EKO", "WATI",
         "HENDRA", "FITRI", "DEDI", "RINA", "IWAN", "MAYA"]
LAST = ["PRASETYO", "HIDAYATI", "WIDODO", "WAHYUNINGSIH", "FAUZI", "LESTARI", "SANTOSO", "RAHAYU", "SETIAWAN", "KURNIAWATI",
        "SUGIARTO", "PERMATASARI", "NUGROHO", "HANDAYANI", "SAPUTRA", "MAULIDA"]
TITLES = ["S.E.", "S.H.", "S.Sos.", "S.T.", "S.Kom.", "S.Pd.", "S.STP."]
MASTERS = ["M.Si.", "M.M.", "M.AP.", "M.T.", "M.H.", "M.Ak."]


@dataclass(frozen=True)
class Size:
    agencies: int = 40
    pks_per_agency: int = 12
    indicators: int = 8
    quarter: int = 2  # realisasi written for TW I..this quarter
    returned_every: int = 47  # every n-th PK's current-quarter workbook has mistakes

    @property
    def pks(self) -> int:
        return self.agencies * self.pks_per_agency

    @classmethod
    def for_pks(cls, pks: int, indicators: int = 8) -> "Size":
        per = min(12, pks)
        agencies = -(-pks // per)
        return cls(agencies=agencies, pks_per_agency=per, indicators=indicators,
                   returned_every=47 if pks >= 47 else max(2, pks))


def _d(x: float, places: int = 2) -> float:
    return float(Decimal(str(x)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _nip(rng: random.Random, serial: int) -> str:
    born = f"{rng.randint(1966, 1989)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    appointed = f"{int(born[:4]) + rng.randint(23, 30)}{rng.randint(1, 12):02d}"
    return f"{born}{appointed}{rng.choice('12')}{serial % 1000:03d}"


def _name(rng: random.Random, senior: bool) -> str:
    degree = f"{rng.choice(TITLES)}, {rng.choice(MASTERS)}" if senior or rng.random() < 0.5 else rng.choice(TITLES)
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}, {degree}"


def _indicator(rng: random.Random, kode: str, sasaran: str, unit: str, kind: str) -> Indicator:
    """One indicator of a given kind with RA targets consistent with its accumulation."""
    if kind == "persen":
        t = rng.choice([80, 85, 90, 95, 100])
        return Indicator(kode, sasaran, f"Persentase layanan {unit.lower()} yang memenuhi standar", "%", "Positif", "Akhir",
                         t, [_d(t * f) for f in (0.25, 0.5, 0.75, 1)], "Pemantauan pemenuhan standar layanan bulanan")
    if kind == "jumlah":
        parts = [rng.randint(5, 60) for _ in range(4)]
        return Indicator(kode, sasaran, f"Jumlah kegiatan pembinaan {unit.lower()} yang dilaksanakan", "Kegiatan", "Positif",
                         "Jumlah", sum(parts), parts, "Pelaksanaan kegiatan pembinaan sesuai jadwal")
    if kind == "indeks":
        t = _d(rng.uniform(3.0, 3.8))
        return Indicator(kode, sasaran, f"Indeks kepuasan masyarakat terhadap layanan {unit.lower()}", "Indeks", "Positif",
                         "Akhir", t, [_d(t - 0.15), _d(t - 0.1), _d(t - 0.05), t], "Survei kepuasan masyarakat triwulanan")
    if kind == "rupiah":
        parts = [rng.randint(20, 400) * 5_000_000 for _ in range(4)]
        return Indicator(kode, sasaran, f"Nilai pendapatan daerah yang dikelola {unit.lower()}", "Rupiah", "Positif",
                         "Jumlah", sum(parts), parts, "Intensifikasi dan ekstensifikasi pendapatan")
    if kind == "negatif":
        t = rng.choice([5, 8, 10, 12, 15])
        return Indicator(kode, sasaran, f"Persentase pengaduan layanan {unit.lower()} yang berulang", "%", "Negatif", "Akhir",
                         t, [t] * 4, "Penanganan pengaduan dan perbaikan prosedur layanan")
    if kind == "rata":
        t = rng.choice([2, 3, 5, 7])
        return Indicator(kode, sasaran, f"Rata-rata waktu penyelesaian layanan {unit.lower()}", "Hari", "Negatif", "Rata-rata",
                         t, [t] * 4, "Penerapan layanan elektronik dan standar waktu")
    if kind == "opini":
        return Indicator(kode, sasaran, f"Opini BPK atas laporan keuangan {unit}", "Opini", "Positif", "Akhir", "WTP",
                         ["-", "WTP", "WTP", "WTP"], "Pendampingan pemeriksaan dan tindak lanjut temuan BPK")
    if kind == "sakip":
        return Indicator(kode, sasaran, f"Nilai evaluasi SAKIP {unit}", "Predikat", "Positif", "Akhir", "BB",
                         ["-", "-", "-", "BB"], "Perbaikan dokumen perencanaan dan pengukuran kinerja")
    if kind == "level":
        return Indicator(kode, sasaran, f"Level maturitas SPIP {unit}", "Level", "Positif", "Akhir", "Level 3",
                         ["-", "-", "Level 3", "Level 3"], "Penilaian mandiri maturitas SPIP")
    raise ValueError(kind)


QUANTITATIVE = ["persen", "jumlah", "indeks", "rupiah", "negatif", "rata"]


def _actual(rng: random.Random, ind: Indicator, q: int) -> Realisasi:
    target = ind.ra[q - 1]
    if isinstance(target, str):  # qualitative: reached when due, otherwise not yet reported
        return Realisasi(target if target != "-" else "-")
    factor = rng.choice([0.8, 0.9, 0.95, 1.0, 1.0, 1.02, 1.05, 1.1])
    value = _d(target * factor) if ind.satuan != "Kegiatan" else round(target * factor)
    if ind.satuan == "Rupiah":
        value = int(round(target * factor, -3))
    if ind.satuan == "%":
        value = min(value, 100)
    worse = value > target if ind.polaritas == "Negatif" else value < target
    if worse:
        return Realisasi(value, "Keterbatasan sumber daya dan jadwal kegiatan yang bergeser",
                         "Penjadwalan ulang kegiatan dan koordinasi dengan unit terkait", "https://drive.example.go.id/bukti")
    return Realisasi(value, bukti="https://drive.example.go.id/bukti")


def _mistake(n: int, q: int, real: dict[str, Realisasi], inds: list[Indicator]) -> None:
    """The mistakes units make, in rotation: text in a number cell, an empty cell, no kendala."""
    quantitative = [i for i in inds if not isinstance(i.target, str)]
    victim = quantitative[n % len(quantitative)]
    kind = n % 3
    if kind == 0:
        real[victim.kode] = Realisasi("belum ada data")
    elif kind == 1:
        real[victim.kode] = Realisasi(None)
    else:
        value = victim.ra[q - 1]
        bad = value * 2 if victim.polaritas == "Negatif" else 0.5 * value
        real[victim.kode] = Realisasi(_d(bad))  # below target, kendala left empty


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def generate(root: Path, size: Size = Size(), seed: int = 2026) -> dict[str, list[str]]:
    """Write the regency into root/<YEAR>/<agency>/; returns the PK codes by agency.

    Replaces root/<YEAR> entirely, so a smaller size never leaves agencies of a larger one.
    """
    rng = random.Random(seed)
    base = root / str(YEAR)
    for old in (base, root / "perbaikan"):
        if old.exists():
            shutil.rmtree(old)
    out: dict[str, list[str]] = {}
    serial = 0
    pk_index = 0
    for a in range(size.agencies):
        agency_name = AGENCIES[a % len(AGENCIES)] + (f" {a // len(AGENCIES) + 1}" if a >= len(AGENCIES) else "")
        full = f"{agency_name} {REGENCY}"
        folder = base / f"opd{a + 1:02d}"
        keys = []
        # The Kasubbag Perencanaan dan Keuangan checks, or the secretary in a small agency.
        checker = "p07" if size.pks_per_agency >= 7 else "p02" if size.pks_per_agency >= 2 else "p01"
        lines = [f"# Instansi sintetis untuk benchmark sakip (seed {seed}).", "", "[instansi]",
                 f"nama = {_toml_str(full)}", f"pemerintah = {_toml_str('Pemerintah ' + REGENCY)}",
                 f"alamat = {_toml_str(f'Jl. Pemuda No. {a + 1}, Sukamaju 68123')}", 'telepon = "(0331) 421500"',
                 f'surel = "opd{a + 1:02d}@sukamajukab.go.id"', 'kota = "Sukamaju"', 'kepala = "p01"', f'tanggal_pk = "{YEAR}-01-05"', "",
                 "[pengaturan]", 'rumus_negatif = "selisih"', "ambang_kendala = 100", f'pemeriksa = "{checker}"', "",
                 "[pejabat.bupati]", 'nama = "H. BAMBANG SURYADI, S.E., M.M."', 'jabatan = "Bupati Sukamaju"', ""]
        signers = []
        for p in range(size.pks_per_agency):
            serial += 1
            key = f"p{p + 1:02d}"
            keys.append(key)
            post = POSTS[p % len(POSTS)]
            jabatan = f"{post} {agency_name}" if p == 0 else f"{post}"
            pangkat, gol = GRADES[min(p, len(GRADES) - 1)] if p < 2 else GRADES[2 + (p % 3)]
            signer = Signer(_nip(rng, serial), _name(rng, p < 2), jabatan, full)
            signers.append(signer)
            lines += [f"[pejabat.{key}]", f"nama = {_toml_str(signer.nama)}", f'nip = "{signer.nip}"',
                      f"pangkat = {_toml_str(pangkat)}", f'golongan = "{gol}"', f"jabatan = {_toml_str(jabatan)}",
                      f'atasan = "{"bupati" if p == 0 else "p01"}"', ""]
        folder.mkdir(parents=True)
        (folder / "instansi.toml").write_text("\n".join(lines), encoding="utf-8")
        codes = []
        for p, signer in enumerate(signers):
            pk_index += 1
            code = f"PK-{a + 1:02d}-{p + 1:02d}"
            codes.append(code)
            unit = agency_name if p == 0 else POSTS[p % len(POSTS)].replace("Kepala ", "")
            sasaran = [f"Meningkatnya kualitas layanan {unit.lower()}", f"Meningkatnya akuntabilitas kinerja {unit.lower()}"]
            kinds = [QUANTITATIVE[(p + i) % len(QUANTITATIVE)] for i in range(size.indicators)]
            if p == 0 and size.indicators >= 4:  # heads of agency carry the qualitative targets
                kinds[-3:] = ["opini", "sakip", "level"]
            inds = [_indicator(rng, f"IK-{i + 1:02d}", sasaran[i * 2 // size.indicators], unit, kind)
                    for i, kind in enumerate(kinds)]
            programs = [Program(f"{a + 1}.{p + 1:02d}.{j + 1:02d}", f"Program {name} {unit}", rng.randint(10, 500) * 10_000_000)
                        for j, name in enumerate(["Penunjang Urusan Pemerintahan pada", "Peningkatan Layanan", "Pengembangan Kapasitas"])]
            write_pk_workbook(folder / "pk" / f"{code}.xlsx", code, YEAR, signer, inds, programs)
            for q in range(1, size.quarter + 1):
                real = {i.kode: _actual(rng, i, q) for i in inds}
                spent = [int(round(pr.pagu * rng.uniform(0.12, 0.24), -3)) for pr in programs]
                if q == size.quarter and pk_index % size.returned_every == 0:
                    write_realisasi_workbook(root / "perbaikan" / f"{code}.xlsx", code, YEAR, q, signer,
                                             inds, dict(real), programs, spent)
                    _mistake(pk_index // size.returned_every, q, real, inds)
                write_realisasi_workbook(folder / "realisasi" / f"tw{q}" / f"{code}.xlsx", code, YEAR, q, signer,
                                         inds, real, programs, spent)
        out[folder.name] = codes
    return out


def correct(root: Path, code: str, quarter: int) -> Path:
    """Put the corrected workbook a returned unit sends back in place of its wrong one."""
    fixed = root / "perbaikan" / f"{code}.xlsx"
    [path] = list((root / str(YEAR)).glob(f"*/realisasi/tw{quarter}/{code}.xlsx"))
    shutil.copyfile(fixed, path)
    return path


def returned(root: Path) -> list[str]:
    """The PKs generated with mistakes (each has its corrected workbook waiting in perbaikan/)."""
    return sorted(p.stem for p in (root / "perbaikan").glob("*.xlsx"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--pks", type=int, default=480)
    parser.add_argument("--indicators", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    codes = generate(args.root, Size.for_pks(args.pks, args.indicators), args.seed)
    print(f"{sum(map(len, codes.values()))} PK di {len(codes)} instansi: {args.root / str(YEAR)}")


if __name__ == "__main__":
    main()
