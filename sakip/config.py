"""instansi.toml: the agency, its officials and its settings, as frozen dataclasses.

Keys are Indonesian because planners edit the file. Unknown keys are rejected (a typo such as
``rumus_negatip`` must not silently fall back to a default in a legal report), and every error
names the key path and, where it can be found, the line.

The file is written by hand, often in Notepad: it is read in the encodings Windows editors
write (UTF-8 with or without BOM, UTF-16 "Unicode", Windows-1252 "ANSI") with any line ending,
and a syntax error is explained in Indonesian with its line and column. Values TOML allows but
no agency means (nan, inf, a negative threshold, an invisible right-to-left override in a name,
an official who is their own superior) are refused, naming the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
import tomllib
import types
import typing
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from .paraf.asn import compact_nip
from .errors import ConfigError, visible
from .formatting import char_name, number

NegativeFormula = Literal["selisih", "rasio"]
NEGATIVE_FORMULAS: dict[str, str] = {
    "selisih": "(2 × target − realisasi) / target × 100 %",
    "rasio": "target / realisasi × 100 % (realisasi 0 dihitung 100 %)",
}


@dataclass(frozen=True)
class Instansi:
    nama: str
    pemerintah: str
    alamat: str
    kota: str
    kepala: str
    telepon: str = ""
    surel: str = ""
    # The day the year's Perjanjian Kinerja were signed, printed on the PK appendix; the
    # Rencana Aksi is dated so too unless it has its own date.
    tanggal_pk: dt.date | None = None
    tanggal_ra: dt.date | None = None


@dataclass(frozen=True)
class Pejabat:
    nama: str
    jabatan: str
    nip: str = ""
    pangkat: str = ""
    golongan: str = ""
    atasan: str = ""
    # "Plt." or "Plh." for acting officials; printed before the jabatan.
    status: str = ""

    @property
    def pangkat_golongan(self) -> str:
        if self.pangkat and self.golongan:
            return f"{self.pangkat} ({self.golongan})"
        return self.pangkat or self.golongan

    @property
    def jabatan_lengkap(self) -> str:
        return f"{self.status} {self.jabatan}".strip()


@dataclass(frozen=True)
class Predikat:
    label: str
    # Capaian strictly above this value earns the label; the last band has none (the rest).
    di_atas: Decimal | None = None


DEFAULT_BANDS = (
    Predikat("Sangat Baik", Decimal(90)),
    Predikat("Baik", Decimal(75)),
    Predikat("Cukup", Decimal(65)),
    Predikat("Kurang", Decimal(50)),
    Predikat("Sangat Kurang"),
)


@dataclass(frozen=True)
class Pengaturan:
    rumus_negatif: NegativeFormula = "selisih"
    # Below this capaian (%) the unit must explain kendala and tindak lanjut.
    ambang_kendala: Decimal = Decimal(100)
    # Key of the official who checks and initials (paraf) the data before the head signs.
    pemeriksa: str = ""
    predikat: tuple[Predikat, ...] = DEFAULT_BANDS


@dataclass(frozen=True)
class Konfigurasi:
    instansi: Instansi
    pejabat: dict[str, Pejabat]
    pengaturan: Pengaturan = field(default_factory=Pengaturan)

    def official_by_nip(self, nip: str) -> tuple[str, Pejabat] | None:
        nip = compact_nip(str(nip or ""))  # as `load` stores them: without any kind of space
        for key, official in self.pejabat.items():
            if official.nip and official.nip == nip:
                return key, official
        return None

    @property
    def kepala(self) -> Pejabat:
        return self.pejabat[self.instansi.kepala]

    def key_of(self, official: Pejabat) -> str:
        """The [pejabat.<key>] an official was read from ('' when it is not one of this file's)."""
        return next((k for k, p in self.pejabat.items() if p is official), "")

    def pemeriksa_untuk(self, pejabat_key: str) -> str:
        """Key of the official who initials (paraf) the PK of `pejabat_key`: the configured
        pemeriksa (the kepala when none is configured), except on the pemeriksa's own PK, which
        their atasan initials (the kepala when they have none): nobody initials their own data.
        `load` refuses a configuration where that would still be the same person."""
        checker = self.pengaturan.pemeriksa or self.instansi.kepala
        if pejabat_key != checker:
            return checker
        return self.pejabat[checker].atasan or self.instansi.kepala


# --- reading the file ------------------------------------------------------------------------

# instansi.toml is a few kilobytes and a year's LKjIP narrative tens of kilobytes; tomllib needs
# seconds for a hostile megabyte, so anything larger is refused before it is parsed.
MAX_BYTES = 1_000_000
_BOMS = (  # longest first: the UTF-32 LE BOM begins with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)
SAVE_AS_UTF8 = "simpan ulang sebagai UTF-8 (Notepad: File > Save As > Encoding: UTF-8)"


class _KeyProblem(ConfigError):
    """A problem at one or more key paths: `load` adds the file and the lines it finds."""

    def __init__(self, key: str, text: str, at: tuple[str, ...] = ()) -> None:
        self.key = key
        self.text = text
        self.at = at or (key,)
        super().__init__(f"{key}: {text}" if key else text)


def _line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def _decode(shown: str, data: bytes) -> str:
    """The text of a TOML file as a Windows editor may have saved it.

    TOML is UTF-8, but Notepad writes a BOM, "Unicode" (UTF-16 LE with BOM) and, before Windows
    10 1903, "ANSI": Windows-1252 for Indonesian and English Windows. Bytes that are not UTF-8
    are therefore read as Windows-1252, which is what the planner saw on screen when typing
    'é' or '–'; the 5 byte values Windows-1252 leaves undefined are refused with their line.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            break
    else:
        # No BOM, but every other byte NUL: UTF-16 without BOM (text in Latin script has a NUL
        # beside each letter). A stray NUL in UTF-8 is left for the TOML parser to place.
        odd, even = data[1::2].count(0), data[0::2].count(0)
        if max(odd, even) * 3 >= len(data):
            codec = "utf-16-le" if odd >= even else "utf-16-be"
        else:
            codec = "utf-8"
        body = data
    try:
        return body.decode(codec)
    except UnicodeDecodeError as exc:
        if codec != "utf-8":
            raise ConfigError(f"{shown}: berkas bertanda {codec.upper()} tetapi isinya rusak "
                              f"(byte ke-{exc.start + 1}); {SAVE_AS_UTF8}") from None
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as exc:
        start = exc.start + len(data) - len(body)
        raise ConfigError(f"{shown}, baris {_line_of(data, start)}: byte 0x{data[start]:02X} bukan huruf UTF-8 "
                          f"maupun Windows-1252; {SAVE_AS_UTF8}") from None


def _read_text(path: Path) -> str:
    """A configuration file's text, decoded and with every line ending made '\\n'."""
    shown = visible(str(path))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            big, cap = number(size), number(MAX_BYTES)
            raise ConfigError(f"{shown}: berkas berukuran {big} byte, terlalu besar untuk berkas konfigurasi "
                              f"(paling besar {cap} byte); periksa apakah ini berkas yang benar")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{shown}: berkas konfigurasi tidak ditemukan") from None
    except IsADirectoryError:
        raise ConfigError(f"{shown}: ini sebuah folder, bukan berkas konfigurasi") from None
    except PermissionError:
        raise ConfigError(f"{shown}: berkas konfigurasi tidak boleh dibaca (izin akses ditolak)") from None
    except OSError as exc:
        raise ConfigError(f"{shown}: berkas konfigurasi tidak dapat dibaca (galat sistem {exc.errno})") from None
    # A lone CR (classic Mac) is not a TOML newline; CRLF is, but one form keeps columns right.
    return _decode(shown, data).replace("\r\n", "\n").replace("\r", "\n")


_COORD = re.compile(r"\(at (?:line (\d+), column (\d+)|end of document)\)$")
_QUOTES = "“”„‟‘’‚‛«»"


def _char_name(ch: str) -> str:
    return char_name(ch)  # one way of naming a character in every message ('... (U+202E)')


def _syntax_cause(msg: str, line: str, col: int) -> str:
    """What a tomllib message means for someone editing instansi.toml, in Indonesian."""
    # "\0" when the column is past the line: never one of the characters looked for below.
    here = line[col - 1] if 0 < col <= len(line) else "\0"
    before = line[:col - 1].rstrip()
    if m := re.match(r"Cannot declare \((.*)\) twice", msg):
        parts = [p.strip().strip("'\"") for p in m.group(1).split(",") if p.strip()]
        return (f"bagian [{_shown('.'.join(parts))}] ditulis dua kali; gabungkan isinya menjadi satu bagian "
                f"(untuk daftar seperti predikat tulis [[...]] di setiap butir)")
    if msg.startswith("Cannot overwrite a value") and _HEADER.match(line):
        return "bagian ini bertabrakan dengan kunci yang sudah ditulis sebelumnya; hapus salah satunya"
    if msg.startswith("Cannot overwrite a value") or msg.startswith("Duplicate inline table key"):
        return "kunci ini sudah diisi sebelumnya (ditulis dua kali); hapus salah satunya"
    if msg.startswith(("Cannot redefine namespace", "Cannot mutate immutable namespace")):
        return "bagian ini bertabrakan dengan kunci yang sudah ditulis sebelumnya; hapus salah satunya"
    if msg.startswith("Illegal character"):
        if here in ("\0", "\n"):
            return 'teks belum ditutup: tambahkan tanda kutip (") penutup di akhir nilai'
        return f"karakter tak terlihat {_char_name(here)} tidak boleh ada; ketik ulang baris ini"
    if msg == "Unterminated string" or re.fullmatch(r"""Expected (["'])["']+\1""", msg):
        return "teks belum ditutup: tambahkan tanda kutip penutup yang sama dengan tanda kutip pembukanya"
    if msg == "Invalid value":
        if here in _QUOTES:
            return f'tanda kutip lengkung ({here}) dari Word atau WhatsApp; ganti dengan tanda kutip lurus "'
        if here in ("\0", "\n", "#"):
            return 'nilai belum diisi setelah tanda =; tulis mis. nama = "..." atau hapus baris ini'
        return ('nilai tidak sah: teks ditulis dalam tanda kutip ("..."), angka tanpa tanda kutip '
                'dengan titik desimal (mis. 90.5)')
    if msg.startswith("Expected newline or end of document"):
        if here == "," and before[-1:].isdigit():
            return "angka desimal ditulis dengan titik, bukan koma (mis. 90.5, bukan 90,5)"
        if before[-1:].isdigit() and here in "-:/.":
            return 'tanggal atau nomor ditulis sebagai teks dalam tanda kutip (mis. "2026-01-31")'
        if before[-1:] == "0" and here.isdigit():
            return 'nomor yang diawali 0 (telepon, NIP) ditulis sebagai teks dalam tanda kutip (mis. "0331421507")'
        return ("ada tulisan lain setelah nilai pada baris yang sama; satu baris hanya berisi satu kunci = nilai "
                "(teks dalam tanda kutip, komentar diawali #)")
    if msg.startswith("Expected '=' after a key"):
        return "setelah nama kunci harus ada tanda =; nama kunci tidak boleh berspasi (gunakan _)"
    if msg.startswith("Expected ']' at the end of a table") or msg.startswith("Expected ']]'"):
        return "judul bagian belum ditutup dengan ] (mis. [pejabat.sekretaris])"
    if msg == "Unclosed array":
        return "daftar [ ... ] belum ditutup dengan ], atau butirnya tidak dipisahkan koma"
    if msg == "Unclosed inline table":
        return "tabel { ... } belum ditutup dengan } pada baris yang sama"
    if msg in ("Invalid hex value", "Escaped character is not a Unicode scalar value") or msg.startswith("Unescaped '\\'"):
        return ("garis miring terbalik (\\) di dalam \"...\" dibaca sebagai kode khusus; tulis \\\\ "
                "atau apit teks dengan tanda kutip tunggal '...'")
    if msg == "Invalid date or datetime":
        return 'tanggal tidak sah; tulis sebagai teks dalam tanda kutip (mis. "2026-01-31")'
    if msg.startswith(("Invalid initial character for a key part", "Invalid statement", "Found invalid character")):
        if here in _QUOTES:
            return f'tanda kutip lengkung ({here}) dari Word atau WhatsApp; ganti dengan tanda kutip lurus "'
        return ("baris ini bukan judul bagian [..] maupun kunci = nilai; nama kunci hanya huruf, angka, _ dan -"
                + (f" (karakter {_char_name(here)})" if here != "\0" and not here.isprintable() else ""))
    if m := re.fullmatch(r"""Expected (["'])(.+)\1""", msg):
        return f"tanda {m.group(2)} belum ditulis"
    return f"penulisan TOML tidak sah (pesan pengurai: {msg})"  # one tomllib may add later: shown, not lost


def _unclosed_quote(line: str) -> bool:
    """Whether a line opens a '...' or "..." it does not close (outside its comment)."""
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "#":
            return False
        if ch in "'\"":
            j = i + 1
            while j < len(line) and line[j] != ch:
                j += 2 if ch == '"' and line[j] == "\\" else 1
            if j >= len(line):
                return True
            i = j
        i += 1
    return False


def _opened_at(lines: list[str]) -> int:
    """Line of a string left open to the end of the file (tomllib reports where the file ends:
    a multi-line string, or a quoted key it reads on), else the last line written."""
    opened, quote = 0, ""
    for n, line in enumerate(lines, start=1):
        if not quote and line.lstrip().startswith("#"):
            continue
        triple = [q for q in ('"""', "'''") if line.count(q) % 2 and (not quote or quote == q)]
        if triple:
            opened, quote = (0, "") if quote else (n, triple[0])
        elif not quote and '"""' not in line and "'''" not in line and _unclosed_quote(line):
            return n
    return opened or max((n for n, line in enumerate(lines, start=1) if line.strip()), default=1)


def _syntax_message(shown: str, text: str, exc: tomllib.TOMLDecodeError) -> str:
    full = str(exc)
    m = _COORD.search(full)
    msg = full[:m.start()].rstrip() if m else full
    lines = text.split("\n")
    lineno = getattr(exc, "lineno", None) or (int(m.group(1)) if m and m.group(1) else None)
    colno = getattr(exc, "colno", None) or (int(m.group(2)) if m and m.group(2) else 0)
    if lineno is None:  # "end of document": an unclosed string or list runs to the end
        lineno, colno = _opened_at(lines), 0
    line = lines[lineno - 1] if lineno <= len(lines) else ""
    cause = _syntax_cause(msg, line, colno)
    here = line[colno - 1] if 0 < colno <= len(line) else ""
    if here and not here.isprintable() and f"U+{ord(here):04X}" not in cause:
        cause += f" (pada kolom itu ada karakter tak terlihat {_char_name(here)}; ketik ulang baris ini)"
    if msg.startswith("Cannot declare"):  # name where the first one is, so both can be merged
        header = _HEADER.match(line)
        first = key_lines(text).get(".".join(_dotted(header.group(2)))) if header else None
        if first and first != lineno:
            cause = cause.replace("ditulis dua kali", f"ditulis dua kali (pertama pada baris {first})", 1)
    quoted = visible(line.strip())
    quoted = quoted if len(quoted) <= 60 else quoted[:57] + "..."
    where = f"baris {lineno}" + (f", kolom {colno}" if colno else "")
    return f"{shown}, {where}: bukan TOML yang sah: {visible(cause)}" + (f" (tertulis: {quoted})" if quoted else "")


MAX_DEPTH = 32  # nested [ ] / { }: instansi.toml needs 2
MAX_DOTS = 8  # dots in the keys of one line: instansi.toml needs 1 ([pengaturan.predikat])


def _structure_problem(text: str) -> tuple[int, str] | None:
    """(line, problem) when the file nests deeper than any configuration does. tomllib recurses
    once per level and rebuilds the key path once per part of a dotted key: a hostile file of a
    few hundred kilobytes would end in RecursionError, or take minutes and gigabytes, inside it."""
    depth, line, dots, i, n = 0, 1, 0, 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, dots = line + 1, 0
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "'\"":
            quote = text[i:i + 3] if text[i:i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j) and (len(quote) == 3 or text[j] != "\n"):
                j += 2 if quote[0] == '"' and text[j] == "\\" else 1
            line += text.count("\n", i, j)
            i = j + len(quote)
            continue
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "." and not (text[i - 1:i].isdigit() and text[i + 1:i + 2].isdigit()):
            dots += 1
        if depth > MAX_DEPTH or dots > MAX_DOTS:
            return line, (f"tanda [ ] atau {{ }} bersarang lebih dari {MAX_DEPTH} tingkat" if depth > MAX_DEPTH else
                          f"kunci bertitik dengan lebih dari {MAX_DOTS} titik dalam satu baris")
        i += 1
    return None


def _parse(path: Path, text: str) -> dict[str, Any]:
    if problem := _structure_problem(text):
        line, what = problem
        raise ConfigError(f"{visible(str(path))}, baris {line}: bukan TOML yang sah: {what}; berkas konfigurasi "
                          f"tidak pernah sedalam ini, periksa apakah ini berkas yang benar")
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_syntax_message(visible(str(path)), text, exc)) from None


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict, in any encoding a Windows editor writes; every failure is one
    Indonesian ConfigError naming the file and, for syntax errors, the line and column."""
    return _parse(path, _read_text(path))


# --- where a key is written -------------------------------------------------------------------

# No two unbounded parts may match the same characters: a line of a million spaces stays linear.
_HEADER = re.compile(r"^\s*(\[\[?)([^\[\]]*)\]\]?[ \t]*(?:#.*)?$")
_KEY = re.compile(r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")


def _dotted(text: str) -> list[str]:
    parts = []
    for part in _PART.findall(text):
        if part.startswith('"'):  # a basic string may hold escapes (\u202e): key it as tomllib does
            try:
                part = tomllib.loads(f"k = {part}")["k"]
            except tomllib.TOMLDecodeError:
                part = part.strip('"')
        parts.append(part.strip("'"))
    return parts


def key_lines(text: str) -> dict[str, int]:
    """Line of each table header and key, by the key path the checks name ('pejabat.irban1.nip',
    'pengaturan.predikat[2].di_atas'). Best effort: a line is only added to messages."""
    lines: dict[str, int] = {}
    table: list[str] = []
    counts: dict[str, int] = {}
    in_string = ""
    for n, raw in enumerate(text.split("\n"), start=1):
        if in_string:
            if raw.count(in_string) % 2:
                in_string = ""
            continue
        if header := _HEADER.match(raw):
            parts = _dotted(header.group(2))
            path = ".".join(parts)
            if header.group(1) == "[[":
                counts[path] = counts.get(path, -1) + 1
                path = f"{path}[{counts[path]}]"
            # A sub-table of an array item ([pengaturan.predikat.x]) belongs to its last item.
            for base, i in counts.items():
                if path.startswith(base + ".") and not path.startswith(f"{base}["):
                    path = f"{base}[{i}]" + path[len(base):]
            table = [path]
            lines.setdefault(path, n)
            continue
        if key := _KEY.match(raw):
            path = ".".join([*table, *_dotted(key.group(1))])
            lines.setdefault(path, n)
            rest = raw[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2:
                    in_string = quote
                    break
    return lines


def _lines_for(keys: tuple[str, ...], where: dict[str, int]) -> list[int]:
    found = []
    for key in keys:
        probe = key
        while probe and probe not in where:  # a missing key: the line of its table
            probe = probe.rsplit(".", 1)[0] if "." in probe else ""
        if probe:
            found.append(where[probe])
    return sorted(set(found))


def _located(shown: str, text: str, exc: ConfigError) -> ConfigError:
    """`exc` as one line naming the file, the line(s) of the keys it is about, and the problem."""
    lines = _lines_for(exc.at, key_lines(text)) if isinstance(exc, _KeyProblem) else []
    if not lines:
        return ConfigError(f"{shown}: {exc}")
    if len(lines) > 5:  # a long cycle: its first lines say where to look
        listed = ", ".join(str(n) for n in lines[:5]) + f" dan {len(lines) - 5} baris lain"
    else:
        listed = ", ".join(str(n) for n in lines[:-1]) + (" dan " if len(lines) > 1 else "") + str(lines[-1])
    return ConfigError(f"{shown}, baris {listed}: {exc}")


# --- values ------------------------------------------------------------------------------------

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _leaf(path: str) -> str:
    return re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1])


MAX_TEXT = 250  # characters of a one-line value: the longest jabatan or alamat is under 150
MAX_KEY = 64  # characters of a [pejabat.<key>]


def _shown(text: str, limit: int = 60) -> str:
    """A value from the file as a message quotes it: visible, and short enough for one line."""
    text = visible(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _text_problem(value: str, one_line: bool) -> str | None:
    """Why a text value cannot be printed as written: a character that does not show as itself
    (a right-to-left override reverses a name in a signed document; a zero-width space hides in
    it), or a line break in a value printed on one line."""
    for i, ch in enumerate(value):
        if ch in "\n\t" and not one_line:
            continue
        if ch == "\n":
            return "ditulis lebih dari satu baris; tulis nilainya pada satu baris"
        if ch == "\t" or unicodedata.category(ch) in _INVISIBLE:
            after = visible(value[:i])[-20:]
            return (f"memuat karakter tak terlihat {_char_name(ch)}" + (f" setelah '{after}'" if after else " di awal")
                    + "; karakter itu dapat membalik atau menyembunyikan teks yang tercetak pada dokumen yang "
                    "ditandatangani: ketik ulang nilainya tanpa karakter itu")
    return None


def _number(value: Any, path: str) -> Decimal:
    leaf = _leaf(path)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        shown = _shown(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else ""
        raise _KeyProblem(path, "harus berupa angka" + (f", tertulis {shown!r}" if shown else "")
                          + f"; tulis angka tanpa tanda kutip dengan titik desimal, mis. {leaf} = 90.5")
    if isinstance(value, float) and not math.isfinite(value) or isinstance(value, Decimal) and not value.is_finite():
        raise _KeyProblem(path, f"nilai {str(value).lower()} bukan angka yang dapat dipakai; tulis angka biasa, "
                                f"mis. {leaf} = 90.5")
    return Decimal(str(value))


def _text(value: Any, path: str, one_line: bool) -> str:
    leaf = _leaf(path)
    if not isinstance(value, str):
        example = value if isinstance(value, int) and not isinstance(value, bool) else "..."
        raise _KeyProblem(path, f'harus berupa teks dalam tanda kutip, mis. {leaf} = "{example}"')
    text = value.strip()
    if one_line and len(text) > MAX_TEXT:
        raise _KeyProblem(path, f"terlalu panjang ({number(len(text))} karakter, paling banyak {MAX_TEXT}): "
                                f"'{_shown(text, 40)}'; tulis hanya {leaf} yang tercetak pada dokumen")
    if problem := _text_problem(text, one_line):
        raise _KeyProblem(path, problem)
    return text


def _date(value: Any, path: str) -> dt.date:
    """A date written as TOML's own date (2026-01-05) or as text (\"2026-01-05\")."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    shown = _shown(value) if isinstance(value, str) else _shown(str(value))
    raise _KeyProblem(path, f"bukan tanggal yang sah (tertulis {shown!r}); tulis tahun-bulan-tanggal, "
                            f"mis. {_leaf(path)} = \"2026-01-05\"")


def _convert(tp: Any, value: Any, path: str, one_line: bool = False) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise _KeyProblem(path, f"harus berupa bagian (tabel) TOML, mis. [{path}]")
        return _build(tp, value, path)
    if origin is dict:
        _, value_tp = typing.get_args(tp)
        if not isinstance(value, dict):
            raise _KeyProblem(path, f"harus berupa bagian (tabel) TOML, mis. [{path}.<kunci>]")
        return {_table_key(k, path): _convert(value_tp, v, f"{path}.{k}", one_line) for k, v in value.items()}
    if origin is tuple:
        item_tp = typing.get_args(tp)[0]
        if not isinstance(value, list):
            raise _KeyProblem(path, f"harus berupa daftar; tulis setiap butir sebagai [[{path}]]")
        return tuple(_convert(item_tp, v, f"{path}[{i}]", one_line) for i, v in enumerate(value))
    if origin is Literal:
        allowed = typing.get_args(tp)
        if value not in allowed:
            shown = _shown(value) if isinstance(value, str) else _shown(str(value))
            raise _KeyProblem(path, f"nilai {shown!r} tidak dikenal; pilihan: {', '.join(repr(a) for a in allowed)}")
        return value
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner[0], value, path, one_line)
    if tp is Decimal:
        return _number(value, path)
    if tp is dt.date:
        return _date(value, path)
    if tp is str:
        return _text(value, path, one_line)
    raise TypeError(f"unsupported config type {tp!r} at {path}")  # programming error


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _table_key(key: str, path: str) -> str:
    """Keys of [pejabat.<key>] are referred to by kepala, atasan and pemeriksa and shown in
    messages: plain words only, so what is referred to is what is seen."""
    if not _BARE_KEY.fullmatch(key) or len(key) > MAX_KEY:
        raise _KeyProblem(f"{path}.\"{_shown(key, 40)}\"", f"kunci paling panjang {MAX_KEY} karakter dan hanya boleh berisi huruf, angka, _ dan - tanpa spasi "
                                                    "dan tanpa tanda kutip (mis. [pejabat.kasubbag_perencanaan])",
                          at=(f"{path}.{key}",))
    return key


# The dataclasses of instansi.toml: every text of theirs is printed on one line of a document.
ONE_LINE: tuple[type, ...] = (Instansi, Pejabat, Predikat, Pengaturan, Konfigurasi)


def _build(cls: type, data: dict[str, Any], path: str) -> Any:
    hints = typing.get_type_hints(cls)
    declared = {f.name: f for f in dataclasses.fields(cls)}
    prefix = f"{path}." if path else ""
    unknown = sorted(set(data) - set(declared))
    if unknown:
        hints_text = []
        for name in unknown:
            close = difflib.get_close_matches(name, declared, n=1)
            hints_text.append(_shown(name, 40) + (f" (maksudnya {close[0]}?)" if close else ""))
        raise _KeyProblem(path, f"kunci tidak dikenal: {', '.join(hints_text)}; kunci yang dikenal: "
                                f"{', '.join(declared)}", at=tuple(prefix + k for k in unknown))
    missing = [name for name, f in declared.items()
               if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING and name not in data]
    if missing and not path:
        raise _KeyProblem("", f"bagian wajib belum ditulis: {', '.join(f'[{m}]' for m in missing)}; lihat contoh "
                              f"inputs/2026/instansi.toml", at=("",))
    if missing:
        raise _KeyProblem(path, f"kunci wajib belum diisi: {', '.join(missing)}")
    one_line = cls in ONE_LINE
    values = {k: _convert(hints[k], v, prefix + k, one_line) for k, v in data.items()}
    for name, f in declared.items():
        # A required text left empty would print a blank where a name or a jabatan belongs.
        if f.default is dataclasses.MISSING and hints[name] is str and not values[name]:
            raise _KeyProblem(prefix + name, f'wajib diisi, tidak boleh kosong; tulis mis. {name} = "..."')
    return cls(**values)


# --- checks a supervisor would make -----------------------------------------------------------

THRESHOLD_RANGE = (Decimal(0), Decimal(100))  # a capaian %, at most the target itself
BAND_RANGE = (Decimal(0), Decimal(1000))  # capaian %; above 1000 % no indicator is meant
STATUSES = {"plt": "Plt.", "plh": "Plh."}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _unknown(key: str, where: str, cfg: Konfigurasi) -> _KeyProblem:
    close = difflib.get_close_matches(key, cfg.pejabat, n=1) or [k for k in cfg.pejabat if k.lower() == key.lower()]
    hint = f" (maksudnya '{close[0]}'? huruf besar dan kecil dibedakan)" if close else ""
    return _KeyProblem(where, f"pejabat '{_shown(key, 40)}' tidak ada di [pejabat]{hint}; isi dengan kunci salah satu "
                              f"bagian [pejabat.<kunci>]")


def _check_settings(cfg: Konfigurasi) -> None:
    low, high = THRESHOLD_RANGE
    threshold = cfg.pengaturan.ambang_kendala
    if not low <= threshold <= high:
        raise _KeyProblem("pengaturan.ambang_kendala",
                          f"{threshold} di luar rentang {low}–{high}: ambang adalah persen capaian; di bawah angka ini "
                          f"unit wajib menulis kendala (100 = setiap target yang tidak tercapai, 0 = tidak pernah), "
                          f"mis. ambang_kendala = 100")
    bands = cfg.pengaturan.predikat
    if not bands:
        raise _KeyProblem("pengaturan.predikat", "daftar predikat kosong; tulis setiap predikat sebagai "
                                                 "[[pengaturan.predikat]] dengan label dan di_atas, atau hapus daftar ini")
    if bands[-1].di_atas is not None:
        raise _KeyProblem("pengaturan.predikat", "predikat terakhir tidak boleh memiliki 'di_atas' (ia untuk sisanya)",
                          at=(f"pengaturan.predikat[{len(bands) - 1}].di_atas",))
    low, high = BAND_RANGE
    for i, b in enumerate(bands[:-1]):
        key = f"pengaturan.predikat[{i}].di_atas"
        if b.di_atas is None:
            raise _KeyProblem("pengaturan.predikat", f"'di_atas' wajib diisi dan harus menurun dari atas ke bawah: "
                                                     f"predikat '{b.label}' belum memiliki di_atas", at=(f"pengaturan.predikat[{i}]",))
        if not low <= b.di_atas <= high:
            raise _KeyProblem(key, f"{b.di_atas} di luar rentang {low}–{high} (persen capaian) untuk predikat '{b.label}'; "
                                   f"mis. di_atas = 75")
        if i and b.di_atas >= bands[i - 1].di_atas:
            raise _KeyProblem("pengaturan.predikat", f"'di_atas' wajib diisi dan harus menurun dari atas ke bawah: "
                                                     f"'{b.label}' di_atas = {b.di_atas} tidak lebih kecil dari "
                                                     f"'{bands[i - 1].label}' di_atas = {bands[i - 1].di_atas}", at=(key,))
    labels = [b.label.casefold() for b in bands]
    for i, label in enumerate(labels):
        if label in labels[:i]:
            raise _KeyProblem(f"pengaturan.predikat[{i}].label", f"label '{bands[i].label}' dipakai dua predikat; "
                                                                 f"setiap predikat harus berlabel lain")
    surel = cfg.instansi.surel
    if surel and not _EMAIL.fullmatch(surel):
        raise _KeyProblem("instansi.surel", f"'{surel}' bukan alamat surel (mis. surel = \"inspektorat@contohkab.go.id\"); "
                                            f"kosongkan bila tidak ada")


def _check_officials(cfg: Konfigurasi) -> None:
    if cfg.instansi.kepala not in cfg.pejabat:
        raise _unknown(cfg.instansi.kepala, "instansi.kepala", cfg)
    checker = cfg.pengaturan.pemeriksa
    if checker and checker not in cfg.pejabat:
        raise _unknown(checker, "pengaturan.pemeriksa", cfg)
    holders: dict[str, str] = {}
    for key, official in cfg.pejabat.items():
        if official.atasan and official.atasan not in cfg.pejabat:
            raise _unknown(official.atasan, f"pejabat.{key}.atasan", cfg)
        if official.status not in ("", "Plt.", "Plh."):
            raise _KeyProblem(f"pejabat.{key}.status", f"harus kosong (pejabat definitif), 'Plt.' atau 'Plh.', "
                                                       f"tertulis '{official.status}'")
        # Compared on digits: '19750214-200112-1-002' is the same person as '197502142001121002'.
        if same := re.sub(r"\D", "", official.nip):
            if same in holders:
                first = holders[same]
                raise _KeyProblem(f"pejabat.{first}.nip dan pejabat.{key}.nip",
                                  f"NIP {same} dipakai dua pejabat ({cfg.pejabat[first].nama} dan {official.nama}); "
                                  f"NIP menentukan siapa yang menandatangani PK, jadi setiap pejabat harus ber-NIP "
                                  f"sendiri: perbaiki NIP yang salah salin",
                                  at=(f"pejabat.{first}.nip", f"pejabat.{key}.nip"))
            holders[same] = key


def _chain(cfg: Konfigurasi, key: str) -> list[str]:
    """`key` and its superiors upward, stopping before the first one repeated."""
    chain, seen = [key], {key}
    while (up := cfg.pejabat[chain[-1]].atasan) and up not in seen:
        chain.append(up)
        seen.add(up)
    return chain


def _cycle(cfg: Konfigurasi) -> list[str] | None:
    """The first atasan cycle in file order, each official walked once (a hostile file may list
    thousands of officials in one chain)."""
    done: set[str] = set()
    for start in cfg.pejabat:
        path: dict[str, int] = {}
        key = start
        while key and key not in done:
            if key in path:
                return list(path)[path[key]:]
            path[key] = len(path)
            key = cfg.pejabat[key].atasan
        done.update(path)
    return None


def _under(cfg: Konfigurasi, head: str) -> set[str]:
    """The officials whose atasan chain reaches `head` (head included), in one pass."""
    known: dict[str, bool] = {head: True}
    for start in cfg.pejabat:
        walked, key = [], start
        while key and key not in known:
            walked.append(key)
            key = cfg.pejabat[key].atasan
        result = known.get(key, False) if key else False
        known.update(dict.fromkeys(walked, result))
    return {k for k, v in known.items() if v}


def _check_hierarchy(cfg: Konfigurasi) -> None:
    for key, official in cfg.pejabat.items():
        if official.atasan == key:
            raise _KeyProblem(f"pejabat.{key}.atasan", f"pejabat '{key}' menjadi atasannya sendiri: ia akan tercetak "
                                                       f"sebagai Pihak Pertama sekaligus Pihak Kedua PK-nya; isi kunci "
                                                       f"atasan langsungnya")
    if cycle := _cycle(cfg):
        shown = " → ".join([*cycle, cycle[0]])
        raise _KeyProblem(f"pejabat.{cycle[0]}.atasan", f"rantai atasan berputar ({_shown(shown, 200)}): tidak ada yang "
                                                        f"menjadi atasan tertinggi; perbaiki atasan salah satunya",
                          at=tuple(f"pejabat.{k}.atasan" for k in cycle))
    head = cfg.instansi.kepala
    above_head = set(_chain(cfg, head))
    under_head = _under(cfg, head)
    for key, official in cfg.pejabat.items():
        # Civil servants of the agency sign their PK with a superior inside it (DOMAIN: eselon
        # IV with eselon III, III with the Kepala OPD); only the kepala and those above them
        # (the Bupati) may stand outside. Elected officials have no NIP.
        if key in above_head or not official.nip or key in under_head:
            continue
        shown = _shown(" → ".join(_chain(cfg, key)), 200)
        where = f"pejabat.{key}.atasan" if official.atasan else f"pejabat.{key}"
        raise _KeyProblem(where, f"rantai atasan {shown} tidak sampai ke kepala instansi '{head}': PK pejabat ini akan "
                                 f"ditandatangani Pihak Kedua dari luar instansi; isi atasan langsungnya (kepala "
                                 f"instansi atau pejabat di bawahnya)")
    checker = cfg.pengaturan.pemeriksa
    if checker and checker not in under_head:
        raise _KeyProblem("pengaturan.pemeriksa", f"pemeriksa '{checker}' bukan kepala instansi '{head}' atau "
                                                  f"bawahannya; paraf diberikan pejabat di dalam instansi sebelum "
                                                  f"kepala menandatangani")
    effective = checker or head
    if cfg.pemeriksa_untuk(effective) == effective:
        where = "pengaturan.pemeriksa" if checker else "instansi.kepala"
        raise _KeyProblem(where, f"pemeriksa '{effective}' (kepala instansi) tidak memiliki atasan, sehingga PK-nya "
                                 f"sendiri akan ia paraf sendiri; isi pejabat.{effective}.atasan (mis. kepala daerah) "
                                 f"atau tunjuk pemeriksa lain di pengaturan.pemeriksa",
                          at=(where, f"pejabat.{effective}"))


def _normalise(cfg: Konfigurasi) -> Konfigurasi:
    """NIPs without their spaces (a PK workbook's NIP is read so; '19710412 199603 1 003' is how
    NIPs are printed and often typed) and the acting status in its printed form."""
    officials = {}
    for key, p in cfg.pejabat.items():
        status = STATUSES.get(p.status.lower().rstrip(".").strip(), p.status)
        officials[key] = dataclasses.replace(p, nip=compact_nip(p.nip), status=status)
    return dataclasses.replace(cfg, pejabat=officials)


def _check(cfg: Konfigurasi) -> Konfigurasi:
    cfg = _normalise(cfg)
    _check_settings(cfg)
    _check_officials(cfg)
    _check_hierarchy(cfg)
    return cfg


def load_as(cls: type, path: Path) -> Any:
    """A TOML file read as dataclass `cls` (unknown keys refused, texts checked); every error is
    one Indonesian line naming the file and the line of the key."""
    text = _read_text(path)
    data = _parse(path, text)
    try:
        return _build(cls, data, "")
    except ConfigError as exc:
        raise _located(visible(str(path)), text, exc) from None


def load(path: Path) -> Konfigurasi:
    """Read and check instansi.toml."""
    text = _read_text(path)
    data = _parse(path, text)
    try:
        return _check(_build(Konfigurasi, data, ""))
    except ConfigError as exc:
        raise _located(visible(str(path)), text, exc) from None
