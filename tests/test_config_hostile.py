"""instansi.toml as a hostile or clumsy editor writes it (issue 20, classes 2 and 3).

Class 2: values TOML allows but no agency means, the encodings and line endings Windows editors
write, TOML syntax errors, invisible characters in printed texts. Class 3: who is who (NIPs,
atasan, pemeriksa). Every refusal is asserted as one Indonesian line naming the file, the line
of the key and the key path; every accepted variant loads to the same values as the demo.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from sakip import config
from sakip.errors import ConfigError

from tests.conftest import INPUTS

DEMO_PATH = INPUTS / "2026" / "instansi.toml"
DEMO = DEMO_PATH.read_text(encoding="utf-8")
ENGLISH = re.compile(r"\b(Cannot|Expected|Invalid|Illegal|Unclosed|Unterminated|Duplicate|Found|codec|line \d)\b")


def write(tmp_path: Path, text: str | bytes, name: str = "instansi.toml") -> Path:
    p = tmp_path / name
    p.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return p


def edit(old: str, new: str, text: str = DEMO, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def line_of(text: str, needle: str, nth: int = 0) -> int:
    """1-based line of the nth line holding `needle`."""
    found = [n for n, line in enumerate(text.split("\n"), start=1) if needle in line]
    return found[nth]


def refused(path: Path) -> str:
    with pytest.raises(ConfigError) as info:
        config.load(path)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert not ENGLISH.search(message.replace(str(path), "")), message
    return message


def expect(message: str, path: Path, lines: str, key: str, fragment: str) -> None:
    """`message` is '<file>, baris <lines>: <key>: ...<fragment>...'."""
    head = f"{path}, baris {lines}: {key}: " if lines else f"{path}: {key}: "
    assert message.startswith(head), message
    assert fragment in message, message


def demo() -> config.Konfigurasi:
    return config.load(DEMO_PATH)


# --- class 2: numbers ---------------------------------------------------------------------------

THRESHOLD = "ambang_kendala = 100"
NOT_FINITE = ["nan", "+nan", "-nan", "inf", "+inf", "-inf"]


@pytest.mark.parametrize("written", NOT_FINITE)
def test_threshold_not_finite(tmp_path, written):
    text = edit(THRESHOLD, f"ambang_kendala = {written}")
    message = refused(write(tmp_path, text))
    expect(message, tmp_path / "instansi.toml", str(line_of(text, "ambang_kendala =")), "pengaturan.ambang_kendala",
           "bukan angka yang dapat dipakai; tulis angka biasa, mis. ambang_kendala = 90.5")
    assert f"nilai {'nan' if 'nan' in written else written.lstrip('+')} bukan" in message  # a float nan has no sign


@pytest.mark.parametrize("written", ["-50", "-0.01", "100.01", "150", "1e300", "9999999999999999999"])
def test_threshold_out_of_range(tmp_path, written):
    text = edit(THRESHOLD, f"ambang_kendala = {written}")
    message = refused(write(tmp_path, text))
    expect(message, tmp_path / "instansi.toml", str(line_of(text, "ambang_kendala =")), "pengaturan.ambang_kendala",
           "di luar rentang 0–100: ambang adalah persen capaian")


@pytest.mark.parametrize("written,shown", [("true", "'true'"), ("false", "'false'"), ('"100"', "'100'"),
                                           ("[100]", ""), ("{ nilai = 100 }", ""), ("2026-01-01", "")])
def test_threshold_not_a_number(tmp_path, written, shown):
    text = edit(THRESHOLD, f"ambang_kendala = {written}")
    message = refused(write(tmp_path, text))
    expect(message, tmp_path / "instansi.toml", str(line_of(text, "ambang_kendala =")), "pengaturan.ambang_kendala",
           "harus berupa angka" + (f", tertulis {shown}" if shown else "") + "; tulis angka tanpa tanda kutip")


@pytest.mark.parametrize("written,value", [("0", Decimal(0)), ("100", Decimal(100)), ("90.5", Decimal("90.5")),
                                           ("75.0", Decimal(75)), ("1e2", Decimal(100)), ("-0.0", Decimal(0))])
def test_threshold_in_range_is_kept_exactly(tmp_path, written, value):
    cfg = config.load(write(tmp_path, edit(THRESHOLD, f"ambang_kendala = {written}")))
    assert cfg.pengaturan.ambang_kendala == value


@pytest.mark.parametrize("band,old", [(0, "di_atas = 90"), (1, "di_atas = 75"), (3, "di_atas = 50")])
@pytest.mark.parametrize("written", NOT_FINITE)
def test_band_not_finite(tmp_path, band, old, written):
    text = edit(old, f"di_atas = {written}")
    message = refused(write(tmp_path, text))
    expect(message, tmp_path / "instansi.toml", str(line_of(text, "di_atas =", band)),
           f"pengaturan.predikat[{band}].di_atas", "bukan angka yang dapat dipakai; tulis angka biasa, mis. di_atas = 90.5")


@pytest.mark.parametrize("old,new,band,fragment", [
    ("di_atas = 50", "di_atas = -10", 3, "-10 di luar rentang 0–1000 (persen capaian) untuk predikat 'Kurang'"),
    ("di_atas = 50", "di_atas = -0.5", 3, "-0.5 di luar rentang"),
    ("di_atas = 90", "di_atas = 1000.5", 0, "1000.5 di luar rentang"),
    ("di_atas = 90", "di_atas = 1e9", 0, "di luar rentang 0–1000"),
])
def test_band_out_of_range(tmp_path, old, new, band, fragment):
    text = edit(old, new)
    message = refused(write(tmp_path, text))
    expect(message, tmp_path / "instansi.toml", str(line_of(text, "di_atas =", band)),
           f"pengaturan.predikat[{band}].di_atas", fragment)


@pytest.mark.parametrize("old,new,band,fragment", [
    ("di_atas = 75", "di_atas = 95", 1, "'Baik' di_atas = 95 tidak lebih kecil dari 'Sangat Baik' di_atas = 90"),
    ("di_atas = 75", "di_atas = 90", 1, "'Baik' di_atas = 90 tidak lebih kecil"),
    ("di_atas = 50", "di_atas = 65.0", 3, "'Kurang' di_atas = 65.0 tidak lebih kecil dari 'Cukup' di_atas = 65"),
])
def test_bands_must_decrease(tmp_path, old, new, band, fragment):
    text = edit(old, new)
    message = refused(write(tmp_path, text))
    expect(message, tmp_path / "instansi.toml", str(line_of(text, "di_atas =", band)), "pengaturan.predikat",
           "'di_atas' wajib diisi dan harus menurun dari atas ke bawah: " + fragment)


def test_band_boolean_is_not_a_number(tmp_path):
    text = edit("di_atas = 65", "di_atas = true")
    expect(refused(write(tmp_path, text)), tmp_path / "instansi.toml", str(line_of(text, "di_atas = true")),
           "pengaturan.predikat[2].di_atas", "harus berupa angka, tertulis 'true'")


def test_band_rules_beyond_numbers(tmp_path):
    p = tmp_path / "instansi.toml"
    text = edit('label = "Baik"', 'label = "sangat baik"')
    expect(refused(write(tmp_path, text)), p, str(line_of(text, 'label = "sangat baik"')), "pengaturan.predikat[1].label",
           "label 'sangat baik' dipakai dua predikat")
    text = edit('label = "Cukup"', 'label = "  "')
    expect(refused(write(tmp_path, text)), p, str(line_of(text, 'label = "  "')), "pengaturan.predikat[2].label",
           'wajib diisi, tidak boleh kosong; tulis mis. label = "..."')
    text = edit('label = "Sangat Kurang"', 'label = "Sangat Kurang"\ndi_atas = 0')
    expect(refused(write(tmp_path, text)), p, str(line_of(text, "di_atas = 0")), "pengaturan.predikat",
           "predikat terakhir tidak boleh memiliki 'di_atas'")
    bands = DEMO[DEMO.index("[[pengaturan.predikat]]"):DEMO.index("[pejabat.bupati]")]
    text = edit(bands, "").replace("[pengaturan]\n", "[pengaturan]\npredikat = []\n")
    expect(refused(write(tmp_path, text)), p, str(line_of(text, "predikat = []")), "pengaturan.predikat",
           "daftar predikat kosong")


def test_bands_default_when_not_written(tmp_path):
    bands = DEMO[DEMO.index("[[pengaturan.predikat]]"):DEMO.index("[pejabat.bupati]")]
    cfg = config.load(write(tmp_path, edit(bands, "")))
    assert cfg.pengaturan.predikat == config.DEFAULT_BANDS


# --- class 2: encodings and line endings --------------------------------------------------------

# Names a Windows keyboard types (é, ü, en dash), present in Windows-1252 as in UTF-8.
ACCENTED = edit('nama = "Ir. SRI WAHYUNINGSIH, M.T."', 'nama = "Ir. SRI WAHYUNINGSIH – ANDRÉ MÜLLER, M.T."')
# The demo's comments hold '−' (U+2212), which Windows-1252 lacks: an ANSI file would show '-'.
ANSI = ACCENTED.replace("−", "-")


@pytest.mark.parametrize("variant", [
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-16-le-nobom", "utf-16-be-nobom",
    "utf-32", "crlf", "crlf-utf-8-sig", "crlf-utf-16", "cr", "cp1252", "cp1252-crlf",
])
def test_windows_encodings_load_the_same_values(tmp_path, variant):
    text = ANSI if variant.startswith("cp1252") else ACCENTED
    if "crlf" in variant:
        text = text.replace("\n", "\r\n")
    elif variant == "cr":
        text = text.replace("\n", "\r")
    codec = "cp1252" if variant.startswith("cp1252") else variant.removeprefix("crlf-").removeprefix("crlf")
    data = {
        "utf-16-le-bom": lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
        "utf-16-be-bom": lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
        "utf-16-le-nobom": lambda t: t.encode("utf-16-le"),
        "utf-16-be-nobom": lambda t: t.encode("utf-16-be"),
        "cr": lambda t: t.encode("utf-8"),
        "": lambda t: t.encode("utf-8"),
    }.get(codec, lambda t: t.encode(codec))(text)
    cfg = config.load(write(tmp_path, data))
    assert cfg == config.load(write(tmp_path, ACCENTED, "asli.toml"))
    assert cfg.pejabat["irban2"].nama == "Ir. SRI WAHYUNINGSIH – ANDRÉ MÜLLER, M.T."
    # and the rest as the demo has it
    assert cfg.instansi == demo().instansi and cfg.pengaturan == demo().pengaturan


@pytest.mark.parametrize("variant", ["utf-8-sig", "utf-16", "cp1252-crlf"])
def test_lkjip_narrative_reads_the_same_encodings(tmp_path, variant):
    from sakip.documents.reports import Narasi

    text = (INPUTS / "2026" / "lkjip.toml").read_text(encoding="utf-8")
    if variant.endswith("crlf"):
        text = text.replace("\n", "\r\n")
    data = text.encode(variant.removesuffix("-crlf"))
    narasi = config.load_as(Narasi, write(tmp_path, data, "lkjip.toml"))
    assert narasi == config.load_as(Narasi, INPUTS / "2026" / "lkjip.toml")
    assert "\r" not in narasi.penutup and "\n\n" in narasi.penutup


@pytest.mark.parametrize("data,line,fragment", [
    (ANSI.encode("cp1252").replace(b"ANDR\xc9", b"ANDR\x81"), "ANDR", "byte 0x81 bukan huruf UTF-8 maupun Windows-1252"),
    (ANSI.encode("cp1252").replace(b"ANDR\xc9", b"ANDR\x9d"), "ANDR", "byte 0x9D bukan huruf UTF-8 maupun Windows-1252"),
    (b"\xff\xfe" + DEMO.encode("utf-16-le") + b"\x00", None, "berkas bertanda UTF-16-LE tetapi isinya rusak"),
    (b"\xfe\xff" + "[instansi]\n".encode("utf-16-be") + b"\xd8\x00", None, "berkas bertanda UTF-16-BE tetapi isinya rusak"),
])
def test_undecodable_bytes_named_with_their_line(tmp_path, data, line, fragment):
    p = write(tmp_path, data)
    message = refused(p)
    where = f"{p}, baris {line_of(ANSI, line)}: " if line else f"{p}: "
    assert message.startswith(where + fragment), message
    assert message.endswith("simpan ulang sebagai UTF-8 (Notepad: File > Save As > Encoding: UTF-8)")


# --- class 2: TOML syntax --------------------------------------------------------------------

SYNTAX = [
    # (old, new, line needle, column, cause)
    ("[pejabat.irban2]", "[pejabat.irban1]", ("[pejabat.irban1]", 1), 16,
     "bagian [pejabat.irban1] ditulis dua kali (pertama pada baris {first})"),
    ("[pengaturan]\n", "[pengaturan]\n[instansi]\n", ("[instansi]", 1), 10, "bagian [instansi] ditulis dua kali (pertama pada baris {first})"),
    ('kota = "Sukamaju"', 'kota = "Sukamaju"\nkota = "Sukamulya"', ("Sukamulya", 0), 19,
     "kunci ini sudah diisi sebelumnya (ditulis dua kali); hapus salah satunya"),
    ('kota = "Sukamaju"', 'kota = "Sukamaju', ('kota = "Sukamaju', 0), 17,
     'teks belum ditutup: tambahkan tanda kutip (") penutup di akhir nilai'),
    ('kota = "Sukamaju"', "kota = Sukamaju", ("kota = Sukamaju", 0), 8,
     'nilai tidak sah: teks ditulis dalam tanda kutip ("..."), angka tanpa tanda kutip'),
    ('kota = "Sukamaju"', "kota = “Sukamaju”", ("kota = “", 0), 8,
     "tanda kutip lengkung (“) dari Word atau WhatsApp; ganti dengan tanda kutip lurus"),
    ('kota = "Sukamaju"', "kota =", ("kota =", 0), 7, "nilai belum diisi setelah tanda ="),
    ("ambang_kendala = 100", "ambang_kendala = 90,5", ("ambang_kendala", 0), 20,
     "angka desimal ditulis dengan titik, bukan koma (mis. 90.5, bukan 90,5)"),
    ('telepon = "(0331) 421507"', "telepon = 0331421507", ("telepon", 0), 12,
     'nomor yang diawali 0 (telepon, NIP) ditulis sebagai teks dalam tanda kutip'),
    ('kota = "Sukamaju"', 'kota = "Sukamaju" "Barat"', ("kota =", 0), 19, "ada tulisan lain setelah nilai pada baris yang sama"),
    ('kota = "Sukamaju"', 'nama kota = "Sukamaju"', ("nama kota", 0), 6,
     "setelah nama kunci harus ada tanda =; nama kunci tidak boleh berspasi"),
    ("[pejabat.irban1]", "[pejabat.irban1", ("[pejabat.irban1", 0), 16, "judul bagian belum ditutup dengan ]"),
    ("[[pengaturan.predikat]]\nlabel = \"Baik\"", "[[pengaturan.predikat]\nlabel = \"Baik\"", ("[[pengaturan.predikat]", 1), 22,
     "judul bagian belum ditutup dengan ]"),
    ('alamat = "Jl. Pahlawan No. 17, Sukamaju 68123"', 'alamat = "C:\\Users\\kantor"', ("alamat", 0), 15,
     "garis miring terbalik (\\) di dalam \"...\" dibaca sebagai kode khusus"),
    ('kota = "Sukamaju"', 'kota = "Suka\x01maju"', ("kota", 0), 13,
     "karakter tak terlihat {named:\x01} tidak boleh ada"),
    ('kota = "Sukamaju"', "kota = { nama = \"A\"", ("kota = {", 0), 20, "tabel { ... } belum ditutup dengan }"),
    ('kota = "Sukamaju"', 'kota = "Sukamaju"\nkota.nama = "A"', ("kota.nama", 0), 16, "kunci ini sudah diisi sebelumnya"),
    ('surel = "inspektorat@sukamajukab.go.id"', "surel = 2026-13-01", ("surel", 0), 13,
     'tanggal atau nomor ditulis sebagai teks dalam tanda kutip'),
    ("[pengaturan]", "pengaturan", ("pengaturan", 1), 11, "setelah nama kunci harus ada tanda ="),
    ("[pengaturan]", "\u200b[pengaturan]", ("[pengaturan]", 0), 1,
     "baris ini bukan judul bagian [..] maupun kunci = nilai; nama kunci hanya huruf, angka, _ dan - (karakter ZERO WIDTH SPACE (U+200B)"),
]


@pytest.mark.parametrize("old,new,at,column,cause", SYNTAX, ids=[c[4][:30] for c in SYNTAX])
def test_syntax_errors_in_indonesian_with_line_and_column(tmp_path, old, new, at, column, cause):
    text = edit(old, new)
    p = write(tmp_path, text)
    message = refused(p)
    needle, nth = at
    line = line_of(text, needle, nth)
    first = line_of(text, needle, 0)
    assert message.startswith(f"{p}, baris {line}, kolom {column}: bukan TOML yang sah: "
                              + cause.replace("{first}", str(first)).replace("{named:\x01}", named("\x01"))), message
    assert "(tertulis: " in message


def test_syntax_error_at_end_of_document_names_where_it_opened(tmp_path):
    text = edit('nama = "AGUS WIDODO, S.H., M.H."', 'nama = """AGUS WIDODO, S.H., M.H.')
    p = write(tmp_path, text)
    assert refused(p) == (f"{p}, baris {line_of(text, 'AGUS')}: bukan TOML yang sah: teks belum ditutup: tambahkan "
                          f"tanda kutip penutup yang sama dengan tanda kutip pembukanya (tertulis: nama = \"\"\"AGUS WIDODO, "
                          f"S.H., M.H.)")
    text = edit('kota = "Sukamaju"', "kota = 'Sukamaju")
    p = write(tmp_path, text)
    assert refused(p).startswith(f"{p}, baris {line_of(text, 'kota =')}: bukan TOML yang sah: teks belum ditutup: ")
    text = DEMO + "\ncatatan = [1, 2\n"
    p = write(tmp_path, text)
    assert refused(p).startswith(f"{p}, baris {line_of(text, 'catatan')}: bukan TOML yang sah: daftar [ ... ] belum ditutup")


# --- class 2: texts printed into a signed document -----------------------------------------------

INVISIBLE = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u200e", "\u200f", "\u2066", "\u2067", "\u2068",
             "\u2069", "\u061c", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u2028", "\u2029", "\u0007",
             "\u001b", "\u007f", "\u0085", "\u009b", "\ue000", "\t", "\U000e0041"]


def named(ch: str) -> str:
    """'RIGHT-TO-LEFT OVERRIDE (U+202E)': how every sakip message names a character."""
    from sakip.formatting import char_name

    assert char_name(ch).endswith(f" (U+{ord(ch):04X})")
    return char_name(ch)
TEXT_KEYS = [
    ('nama = "Inspektorat Daerah Kabupaten Sukamaju"', "instansi.nama"),
    ('kota = "Sukamaju"', "instansi.kota"),
    ('nama = "AGUS WIDODO, S.H., M.H."', "pejabat.irban1.nama"),
    ('jabatan = "Inspektur Pembantu Wilayah II"', "pejabat.irban2.jabatan"),
    ('pangkat = "Pembina Tingkat I"', "pejabat.sekretaris.pangkat"),
    ('label = "Cukup"', "pengaturan.predikat[2].label"),
]


def _escaped(ch: str) -> str:
    return f"\\U{ord(ch):08X}" if ord(ch) > 0xFFFF else f"\\u{ord(ch):04X}"  # as TOML escape: the way such a character is typed on purpose


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
@pytest.mark.parametrize("line,key", TEXT_KEYS, ids=[k for _, k in TEXT_KEYS])
def test_invisible_characters_in_printed_texts_are_refused(tmp_path, char, line, key):
    left, value = line.split(' = "')
    middle = len(value) // 2
    text = edit(line, f'{left} = "{value[:middle]}{_escaped(char)}{value[middle:]}')
    message = refused(write(tmp_path, text))
    expect(message, tmp_path / "instansi.toml", str(line_of(text, _escaped(char))), key,
           f"memuat karakter tak terlihat {named(char)} setelah '{value[:middle][-20:]}'; karakter itu dapat membalik")


@pytest.mark.parametrize("char", ["\u202e", "\u200f", "\u2067"])
def test_invisible_character_written_raw_in_a_cp1252_or_utf8_file(tmp_path, char):
    text = edit('nama = "AGUS WIDODO', f'nama = "AGUS {char}WIDODO')
    message = refused(write(tmp_path, text))
    expect(message, tmp_path / "instansi.toml", str(line_of(text, "AGUS")), "pejabat.irban1.nama",
           f"karakter tak terlihat {named(char)}")


@pytest.mark.parametrize("written", ['"AGUS\\nWIDODO"', '"""AGUS\nWIDODO"""', "'''AGUS\nWIDODO'''"])
def test_a_printed_text_on_two_lines_is_refused(tmp_path, written):
    text = edit('nama = "AGUS WIDODO, S.H., M.H."', f"nama = {written}")
    expect(refused(write(tmp_path, text)), tmp_path / "instansi.toml", str(line_of(text, "AGUS")),
           "pejabat.irban1.nama", "ditulis lebih dari satu baris; tulis nilainya pada satu baris")


def test_surrounding_spaces_and_a_trailing_newline_are_trimmed(tmp_path):
    cfg = config.load(write(tmp_path, edit('nama = "AGUS WIDODO, S.H., M.H."', 'nama = """\n  AGUS WIDODO, S.H., M.H.\n"""')))
    assert cfg.pejabat["irban1"] == demo().pejabat["irban1"]


def test_narrative_keeps_paragraphs_but_not_invisible_characters(tmp_path):
    from sakip.documents.reports import Narasi

    text = (INPUTS / "2026" / "lkjip.toml").read_text(encoding="utf-8")
    narasi = config.load_as(Narasi, write(tmp_path, text, "lkjip.toml"))
    assert "\n\n" in narasi.ringkasan_eksekutif
    bad = edit("Secara umum sasaran", "Secara umum \u202esasaran", text)
    p = write(tmp_path, bad, "lkjip.toml")
    with pytest.raises(ConfigError) as info:
        config.load_as(Narasi, p)
    assert str(info.value).startswith(f"{p}, baris {line_of(bad, 'ringkasan_eksekutif')}: ringkasan_eksekutif: memuat "
                                      f"karakter tak terlihat RIGHT-TO-LEFT OVERRIDE (U+202E)")


@pytest.mark.parametrize("old,new,key", [
    ('nama = "Inspektorat Daerah Kabupaten Sukamaju"', 'nama = ""', "instansi.nama"),
    ('pemerintah = "Pemerintah Kabupaten Sukamaju"', 'pemerintah = "   "', "instansi.pemerintah"),
    ('alamat = "Jl. Pahlawan No. 17, Sukamaju 68123"', 'alamat = ""', "instansi.alamat"),
    ('kota = "Sukamaju"', "kota = ''", "instansi.kota"),
    ('kepala = "inspektur"', 'kepala = ""', "instansi.kepala"),
    ('nama = "Drs. HERU PRASETYO, M.Si."', 'nama = ""', "pejabat.inspektur.nama"),
    ('jabatan = "Inspektur Daerah Kabupaten Sukamaju"', 'jabatan = " "', "pejabat.inspektur.jabatan"),
    ('nama = "H. BAMBANG SURYADI, S.E., M.M."', 'nama = """\n"""', "pejabat.bupati.nama"),
])
def test_required_texts_cannot_be_empty(tmp_path, old, new, key):
    text = edit(old, new)
    leaf = key.rsplit(".", 1)[1]
    expect(refused(write(tmp_path, text)), tmp_path / "instansi.toml", str(line_of(text, new.split("\n")[0])), key,
           f'wajib diisi, tidak boleh kosong; tulis mis. {leaf} = "..."')


@pytest.mark.parametrize("old,new,key,at,fragment", [
    ('[pejabat.irban3]', '[pejabat."irban 3"]', 'pejabat."irban 3"', '[pejabat."irban 3"]', "kunci paling panjang 64 karakter dan hanya boleh berisi huruf, angka, _ dan -"),
    ('[pejabat.irban3]', '[pejabat."irban.3"]', 'pejabat."irban.3"', '[pejabat."irban.3"]', "kunci paling panjang 64 karakter dan hanya boleh berisi huruf"),
    ('[pejabat.irban3]', '[pejabat."irban3\\u202e"]', 'pejabat."irban3<U+202E>"', "irban3\\u202e", "kunci paling panjang 64 karakter dan hanya boleh"),
    ('rumus_negatif = "selisih"', 'rumus_negatip = "selisih"', "pengaturan", "rumus_negatip",
     "kunci tidak dikenal: rumus_negatip (maksudnya rumus_negatif?); kunci yang dikenal: rumus_negatif, ambang_kendala"),
    ('kota = "Sukamaju"', 'kota = "Sukamaju"\nwarna = "merah"', "instansi", "warna", "kunci tidak dikenal: warna; kunci yang dikenal"),
    ('status = "Plt."', 'status = "Pj."', "pejabat.irban3.status", "Pj.", "harus kosong (pejabat definitif), 'Plt.' atau 'Plh.', tertulis 'Pj.'"),
    ('surel = "inspektorat@sukamajukab.go.id"', 'surel = "inspektorat sukamajukab.go.id"', "instansi.surel", "surel =",
     "bukan alamat surel"),
    ('nip = "197502142001121002"', "nip = 197502142001121002", "pejabat.irban1.nip", "nip = 1975",
     'harus berupa teks dalam tanda kutip, mis. nip = "197502142001121002"'),
    ('golongan = "IV/a"', "golongan = 4", "pejabat.irban1.golongan", "golongan = 4", 'harus berupa teks dalam tanda kutip, mis. golongan = "4"'),
    ('rumus_negatif = "selisih"', 'rumus_negatif = "Selisih"', "pengaturan.rumus_negatif", "rumus_negatif",
     "nilai 'Selisih' tidak dikenal; pilihan: 'selisih', 'rasio'"),
])
def test_other_values_no_agency_means(tmp_path, old, new, key, at, fragment):
    text = edit(old, new)
    p = write(tmp_path, text)
    message = refused(p)
    expect(message, p, str(line_of(text, at)), key, fragment)


@pytest.mark.parametrize("old,new,key,fragment", [
    ('nama = "AGUS WIDODO, S.H., M.H."', 'nama = "' + "AGUS " * 60 + '"', "pejabat.irban1.nama",
     "terlalu panjang (299 karakter, paling banyak 250): 'AGUS AGUS AGUS AGUS AGUS AGUS AGUS AGUS…'; tulis hanya nama"),
    ('alamat = "Jl. Pahlawan No. 17, Sukamaju 68123"', 'alamat = "' + "x" * 10_000 + '"', "instansi.alamat",
     "terlalu panjang (10.000 karakter, paling banyak 250)"),
    ("[pejabat.irban3]", "[pejabat." + "a" * 65 + "]", 'pejabat."' + "a" * 39 + '…"', "kunci paling panjang 64 karakter"),
    ('kota = "Sukamaju"', 'kota = "Sukamaju"\n' + "z" * 5000 + ' = "x"', "instansi", "kunci tidak dikenal: " + "z" * 39 + "…;"),
])
def test_values_too_long_to_print(tmp_path, old, new, key, fragment):
    text = edit(old, new)
    p = write(tmp_path, text)
    message = refused(p)
    expect(message, p, str(line_of(text, new.split("\n")[-1][:20])), key, fragment)
    assert len(message) < len(str(p)) + 400


@pytest.mark.parametrize("text,line,what", [
    ("a = " + "[" * 40 + "]" * 40, 1, "tanda [ ] atau { } bersarang lebih dari 32 tingkat"),
    ("[instansi]\na = " + "{ b = " * 40 + "1" + " }" * 40, 2, "tanda [ ] atau { } bersarang lebih dari 32 tingkat"),
    ("\n\n" + ".".join(["a"] * 100_000) + " = 1", 3, "kunci bertitik dengan lebih dari 8 titik dalam satu baris"),
    ("[" + ".".join(["pejabat"] * 20) + "]", 1, "kunci bertitik dengan lebih dari 8 titik dalam satu baris"),
])
def test_nesting_no_configuration_needs_is_refused_before_parsing(tmp_path, text, line, what):
    """tomllib recurses per level and rebuilds a dotted key per part: RecursionError or minutes."""
    p = write(tmp_path, text)
    assert refused(p) == (f"{p}, baris {line}: bukan TOML yang sah: {what}; berkas konfigurasi tidak pernah sedalam "
                          f"ini, periksa apakah ini berkas yang benar")


def test_dots_inside_texts_numbers_and_comments_do_not_count(tmp_path):
    text = edit('alamat = "Jl. Pahlawan No. 17, Sukamaju 68123"', 'alamat = "J.l. P.a.h.l.a.w.a.n. N.o. 1.7."  # a.b.c.d.e.f.g.h.i.j')
    text = edit("ambang_kendala = 100", "ambang_kendala = 99.5", text)
    cfg = config.load(write(tmp_path, text))
    assert cfg.instansi.alamat == "J.l. P.a.h.l.a.w.a.n. N.o. 1.7." and cfg.pengaturan.ambang_kendala == Decimal("99.5")


@pytest.mark.parametrize("written,printed", [("PLT", "Plt."), ("plt", "Plt."), ("Plt", "Plt."), ("plh.", "Plh."), ("Plh.", "Plh.")])
def test_acting_status_is_printed_in_one_form(tmp_path, written, printed):
    cfg = config.load(write(tmp_path, edit('status = "Plt."', f'status = "{written}"')))
    assert cfg.pejabat["irban3"].jabatan_lengkap == f"{printed} Inspektur Pembantu Wilayah III"


def test_file_problems_are_one_indonesian_line(tmp_path):
    assert refused(tmp_path / "tidak-ada.toml") == f"{tmp_path / 'tidak-ada.toml'}: berkas konfigurasi tidak ditemukan"
    (tmp_path / "folder.toml").mkdir()
    assert refused(tmp_path / "folder.toml") == f"{tmp_path / 'folder.toml'}: ini sebuah folder, bukan berkas konfigurasi"
    big = write(tmp_path, DEMO + "#" * config.MAX_BYTES)
    size = f"{len(DEMO.encode()) + 1_000_000:,}".replace(",", ".")
    assert refused(big) == (f"{big}: berkas berukuran {size} byte, terlalu besar untuk berkas "
                            f"konfigurasi (paling besar 1.000.000 byte); periksa apakah ini berkas yang benar")
    empty = write(tmp_path, b"")
    assert refused(empty) == f"{empty}: bagian wajib belum ditulis: [instansi], [pejabat]; lihat contoh inputs/2026/instansi.toml"
    only_bom = write(tmp_path, b"\xef\xbb\xbf\r\n")
    assert refused(only_bom).endswith("bagian wajib belum ditulis: [instansi], [pejabat]; lihat contoh inputs/2026/instansi.toml")


def test_a_key_where_a_table_belongs(tmp_path):
    text = 'pejabat = "inspektur"\n' + DEMO
    p = write(tmp_path, text)
    assert refused(p).startswith(f"{p}, baris {line_of(text, '[pejabat.bupati]')}, kolom 16: bukan TOML yang sah: "
                                 "bagian ini bertabrakan dengan kunci yang sudah ditulis sebelumnya")
    text = edit("[pejabat.bupati]\n", "[pejabat]\nbupati = \"H. BAMBANG\"\n[pejabat.bupati_lama]\n")
    p = write(tmp_path, text)
    expect(refused(p), p, str(line_of(text, 'bupati = "H. BAMBANG"')), "pejabat.bupati",
           "harus berupa bagian (tabel) TOML, mis. [pejabat.bupati]")


def test_read_toml_is_shared(tmp_path):
    data = config.read_toml(write(tmp_path, ("\ufeff" + DEMO.replace("\n", "\r\n")).encode("utf-8")))
    assert data["pengaturan"]["ambang_kendala"] == 100 and data["pejabat"]["irban3"]["status"] == "Plt."


# --- class 3: who is who ----------------------------------------------------------------------------

IRBAN1_NIP, IRBAN2_NIP = "197502142001121002", "197911052005012008"


@pytest.mark.parametrize("written", [IRBAN1_NIP, "19750214 200112 1 002", "19750214\u00a0200112\u00a01\u00a0002",
                                     "19750214\u202f200112\u202f1\u202f002", " 197502142001121002 ", "19750214-200112-1-002"])
def test_two_officials_with_one_nip(tmp_path, written):
    text = edit(IRBAN2_NIP, written)
    p = write(tmp_path, text)
    lines = f"{line_of(text, IRBAN1_NIP)} dan {line_of(text, written, 1 if written == IRBAN1_NIP else 0)}"
    expect(refused(p), p, lines, "pejabat.irban1.nip dan pejabat.irban2.nip",
           "NIP 197502142001121002 dipakai dua pejabat (AGUS WIDODO, S.H., M.H. dan Ir. SRI WAHYUNINGSIH, M.T.)")


def test_the_head_and_the_checker_with_one_nip(tmp_path):
    text = edit("198709102010012015", "197104121996031003")
    p = write(tmp_path, text)
    expect(refused(p), p, f"{line_of(text, '197104121996031003')} dan {line_of(text, '197104121996031003', 1)}",
           "pejabat.inspektur.nip dan pejabat.kasubbag_perencanaan.nip", "dipakai dua pejabat (Drs. HERU PRASETYO")


def test_nip_spaces_are_removed_so_the_pk_workbook_finds_the_official(tmp_path):
    cfg = config.load(write(tmp_path, edit('"197808232003122005"', '"19780823 200312 2 005"')))
    assert cfg.pejabat["sekretaris"].nip == "197808232003122005"
    assert cfg.official_by_nip("197808232003122005") == ("sekretaris", cfg.pejabat["sekretaris"])
    # a PK workbook's NIP typed with the no-break spaces a spreadsheet inserts finds them too
    assert cfg.official_by_nip("19780823\u00a0200312\u202f2 005") == ("sekretaris", cfg.pejabat["sekretaris"])
    assert cfg.official_by_nip("") is None and cfg.official_by_nip("1978082320031220") is None


@pytest.mark.parametrize("typed", ["19780823 200312 2 005", "19780823\u00a0200312\u00a02\u00a0005",
                                   "19780823\u202f200312\u202f2\u202f005", "\t197808232003122005 "])
def test_a_nip_typed_with_any_space_is_one_nip(typed):
    """What a spreadsheet or word processor puts between the NIP's groups is not part of it."""
    from sakip.paraf.asn import compact_nip, nip_problem

    assert compact_nip(typed) == "197808232003122005"
    assert nip_problem(typed, 2026) is None
    assert demo().official_by_nip(typed)[0] == "sekretaris"


@pytest.mark.parametrize("nip", ["19870910201001201", "197913052005012008", "198709102010013015", "ABCDEFGHIJKLMNOPQR"])
def test_a_malformed_nip_is_left_to_the_paraf_of_the_pks_it_signs(tmp_path, nip):
    """NIP structure is a paraf rule (tests/paraf/test_paraf.py): in a regency one agency's typo must not
    stop the run, and the PKs naming that official are returned with the [pejabat.x] to fix."""
    cfg = config.load(write(tmp_path, edit('"198709102010012015"', f'"{nip}"')))
    assert cfg.pejabat["kasubbag_perencanaan"].nip == nip


@pytest.mark.parametrize("key,line", [("inspektur", 'atasan = "bupati"'), ("sekretaris", 'atasan = "inspektur"'),
                                      ("kasubbag_perencanaan", 'atasan = "sekretaris"'), ("bupati", None)])
def test_an_official_who_is_their_own_atasan(tmp_path, key, line):
    text = edit(line, f'atasan = "{key}"') if line else edit('jabatan = "Bupati Sukamaju"', 'jabatan = "Bupati Sukamaju"\natasan = "bupati"')
    p = write(tmp_path, text)
    expect(refused(p), p, str(line_of(text, f'atasan = "{key}"')), f"pejabat.{key}.atasan",
           f"pejabat '{key}' menjadi atasannya sendiri: ia akan tercetak sebagai Pihak Pertama sekaligus Pihak Kedua")


def _set_atasan(text: str, key: str, atasan: str) -> str:
    start = text.index(f"[pejabat.{key}]\n")
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    block = re.sub(r'^atasan = ".*"\n?', f'atasan = "{atasan}"\n' if atasan else "", text[start:end], flags=re.M)
    if atasan and "atasan = " not in block:
        block = block.rstrip("\n") + f'\natasan = "{atasan}"\n'
    return text[:start] + block + text[end:]


@pytest.mark.parametrize("links,cycle", [
    ({"sekretaris": "kasubbag_perencanaan"}, "sekretaris → kasubbag_perencanaan → sekretaris"),
    ({"inspektur": "irban1"}, "inspektur → irban1 → inspektur"),
    ({"inspektur": "kasubbag_perencanaan"}, "inspektur → kasubbag_perencanaan → sekretaris → inspektur"),
    ({"bupati": "inspektur"}, "bupati → inspektur → bupati"),
    ({"irban1": "irban2", "irban2": "irban3", "irban3": "irban1"}, "irban1 → irban2 → irban3 → irban1"),
    ({"bupati": "kasubbag_perencanaan"}, "bupati → kasubbag_perencanaan → sekretaris → inspektur → bupati"),
])
def test_atasan_cycles_are_named(tmp_path, links, cycle):
    text = DEMO
    for key, atasan in links.items():
        text = _set_atasan(text, key, atasan)
    p = write(tmp_path, text)
    members = cycle.split(" → ")[:-1]
    lines = sorted(line_of(text[text.index(f"[pejabat.{k}]"):], "atasan =") + text[:text.index(f"[pejabat.{k}]")].count("\n")
                   for k in members)
    shown = ", ".join(map(str, lines[:-1])) + " dan " + str(lines[-1])
    expect(refused(p), p, shown, f"pejabat.{members[0]}.atasan",
           f"rantai atasan berputar ({cycle}): tidak ada yang menjadi atasan tertinggi")


@pytest.mark.parametrize("key,atasan,chain", [
    ("irban1", "bupati", "irban1 → bupati"),
    ("kasubbag_perencanaan", "bupati", "kasubbag_perencanaan → bupati"),
    ("irban2", "", "irban2"),
])
def test_a_civil_servant_whose_chain_misses_the_head(tmp_path, key, atasan, chain):
    text = _set_atasan(DEMO, key, atasan)
    p = write(tmp_path, text)
    where = f"pejabat.{key}.atasan" if atasan else f"pejabat.{key}"
    needle = f'atasan = "{atasan}"' if atasan else f"[pejabat.{key}]"
    line = (text[:text.index(f"[pejabat.{key}]")].count("\n") + line_of(text[text.index(f"[pejabat.{key}]"):], needle))
    expect(refused(p), p, str(line), where, f"rantai atasan {chain} tidak sampai ke kepala instansi 'inspektur'")


def test_a_long_chain_of_officials_is_checked_in_one_pass(tmp_path):
    """Thousands of officials in one chain (a hostile file near the size limit): seconds, not hours."""
    n = 3000
    chain = "".join(f'[pejabat.p{i}]\nnama = "A"\njabatan = "B"\nnip = "{198001012005011001 + i}"\n'
                    f'atasan = "{f"p{i - 1}" if i else "inspektur"}"\n' for i in range(n))
    cfg = config.load(write(tmp_path, DEMO + chain))
    assert cfg.pemeriksa_untuk(f"p{n - 1}") == "kasubbag_perencanaan"
    text = DEMO + chain.replace('atasan = "inspektur"', f'atasan = "p{n - 1}"')
    p = write(tmp_path, text)
    first = line_of(text, 'atasan = "p2999"')
    expect(refused(p), p, f"{first}, {first + 5}, {first + 10}, {first + 15}, {first + 20} dan {n - 5} baris lain",
           "pejabat.p0.atasan", "rantai atasan berputar (p0 → p2999 → p2998 → ")


def test_elected_officials_without_nip_may_stand_outside(tmp_path):
    text = DEMO + '\n[pejabat.wakil_bupati]\nnama = "Ir. H. SUTRISNO"\njabatan = "Wakil Bupati Sukamaju"\n'
    cfg = config.load(write(tmp_path, text))
    assert cfg.pejabat["wakil_bupati"].atasan == "" and cfg.kepala.nama == "Drs. HERU PRASETYO, M.Si."


@pytest.mark.parametrize("old,new,key,fragment", [
    ('pemeriksa = "kasubbag_perencanaan"', 'pemeriksa = "bupati"', "pengaturan.pemeriksa",
     "pemeriksa 'bupati' bukan kepala instansi 'inspektur' atau bawahannya"),
    ('pemeriksa = "kasubbag_perencanaan"', 'pemeriksa = "kasubag_perencanaan"', "pengaturan.pemeriksa",
     "pejabat 'kasubag_perencanaan' tidak ada di [pejabat] (maksudnya 'kasubbag_perencanaan'?"),
    ('pemeriksa = "kasubbag_perencanaan"', 'pemeriksa = "Sekretaris"', "pengaturan.pemeriksa",
     "pejabat 'Sekretaris' tidak ada di [pejabat] (maksudnya 'sekretaris'? huruf besar dan kecil dibedakan)"),
    ('kepala = "inspektur"', 'kepala = "inspektur_daerah"', "instansi.kepala", "pejabat 'inspektur_daerah' tidak ada di [pejabat]"),
    ('atasan = "sekretaris"', 'atasan = "sekertaris"', "pejabat.kasubbag_perencanaan.atasan",
     "pejabat 'sekertaris' tidak ada di [pejabat] (maksudnya 'sekretaris'?"),
])
def test_references_to_officials(tmp_path, old, new, key, fragment):
    text = edit(old, new)
    p = write(tmp_path, text)
    expect(refused(p), p, str(line_of(text, new)), key, fragment)


def _without_head_atasan(text: str = DEMO) -> str:
    return edit('atasan = "bupati"\n', "", text)


def test_head_as_checker_without_atasan_would_initial_their_own_pk(tmp_path):
    text = edit('pemeriksa = "kasubbag_perencanaan"', 'pemeriksa = "inspektur"', _without_head_atasan())
    p = write(tmp_path, text)
    expect(refused(p), p, f"{line_of(text, 'pemeriksa =')} dan {line_of(text, '[pejabat.inspektur]')}",
           "pengaturan.pemeriksa", "pemeriksa 'inspektur' (kepala instansi) tidak memiliki atasan, sehingga PK-nya sendiri "
                                   "akan ia paraf sendiri")
    text = edit('pemeriksa = "kasubbag_perencanaan"', "", _without_head_atasan())
    p = write(tmp_path, text)
    expect(refused(p), p, f"{line_of(text, 'kepala =')} dan {line_of(text, '[pejabat.inspektur]')}",
           "instansi.kepala", "pemeriksa 'inspektur' (kepala instansi) tidak memiliki atasan")


def test_head_without_atasan_is_fine_when_someone_else_checks(tmp_path):
    cfg = config.load(write(tmp_path, _without_head_atasan()))
    assert cfg.pemeriksa_untuk("inspektur") == "kasubbag_perencanaan"
    assert cfg.pemeriksa_untuk("kasubbag_perencanaan") == "sekretaris"


@pytest.mark.parametrize("checker,expected", [
    ("kasubbag_perencanaan", {"kasubbag_perencanaan": "sekretaris"}),
    ("sekretaris", {"sekretaris": "inspektur"}),
    ("irban3", {"irban3": "inspektur"}),
    ("inspektur", {"inspektur": "bupati"}),
    ("", {"inspektur": "bupati"}),
])
def test_nobody_initials_their_own_pk(tmp_path, checker, expected):
    cfg = config.load(write(tmp_path, edit('pemeriksa = "kasubbag_perencanaan"', f'pemeriksa = "{checker}"')))
    effective = checker or "inspektur"
    for key in cfg.pejabat:
        who = cfg.pemeriksa_untuk(key)
        assert who == expected.get(key, effective)
        assert who != key
    assert cfg.pemeriksa_untuk("") == effective  # a PK whose NIP is not registered: the configured checker


def test_key_of_finds_the_official_read(tmp_path):
    cfg = demo()
    assert cfg.key_of(cfg.kepala) == "inspektur"
    assert cfg.key_of(config.Pejabat("X", "Y")) == ""


def test_demo_passes_every_rule():
    cfg = demo()
    assert cfg.pemeriksa_untuk("irban1") == "kasubbag_perencanaan"
    assert [k for k in cfg.pejabat if not cfg.pejabat[k].nip] == ["bupati"]


# --- any edit at all: one Indonesian line or a loaded configuration, never a traceback -------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.conftest import examples  # noqa: E402

_DEMO_BYTES = DEMO.encode("utf-8")
_EDITS = st.sampled_from([b"", b"\x00", b"\xff", b"\x81", b"\xef\xbb\xbf", b'"', b"'", b"[", b"]", b"=", b"\n", b"\r",
                          b"nan", b"-inf", b"1e999", b"-", b"true", b"\xe2\x80\xae", b"\xc2\xa0", b".", b"\\u202e",
                          b'"""', b"[[pengaturan.predikat]]", b"[pejabat.irban1]", b'atasan = "irban1"'])


@settings(max_examples=examples(300), deadline=None)
@given(edits=st.lists(st.tuples(st.integers(0, len(_DEMO_BYTES)), st.integers(0, 8), _EDITS), min_size=1, max_size=4),
       encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_any_edit_loads_or_says_one_indonesian_line(tmp_path_factory, edits, encoding):
    data = _DEMO_BYTES
    for at, cut, insert in edits:
        data = data[:at] + insert + data[at + cut:]
    if encoding != "utf-8":  # what the same edit looks like when the editor saves another encoding
        data = data.decode("utf-8", "replace").replace("−", "-").encode(encoding, "replace")
    p = write(tmp_path_factory.mktemp("cfg"), data)
    try:
        cfg = config.load(p)
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(str(p)) and "\n" not in message and "\r" not in message, message
        assert not ENGLISH.search(message.replace(str(p), "")), message
        return
    # What loads keeps every promise the checks make.
    for key, official in cfg.pejabat.items():
        assert official.nama and official.jabatan
        # spaces of other widths (U+00A0, U+202F) print as spaces; nothing invisible passes
        assert all(unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp", "Co", "Cn") for ch in official.nama + official.jabatan)
        assert cfg.pemeriksa_untuk(key) != key
    assert Decimal(0) <= cfg.pengaturan.ambang_kendala <= Decimal(100)
