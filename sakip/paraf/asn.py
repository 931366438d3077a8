"""Civil-servant identity rules the paraf suites check: the NIP's structure and the pangkat list.

A NIP (Nomor Induk Pegawai, BKN) is 18 digits: birth date yyyymmdd, appointment (TMT CPNS)
yyyymm, sex digit (1 man, 2 woman) and a 3-digit sequence. Pangkat and golongan/ruang are the
seventeen ranks of PNS (PP 99/2000 and its amendments): each pangkat has exactly one golongan.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

PANGKAT = {
    "Juru Muda": "I/a", "Juru Muda Tingkat I": "I/b", "Juru": "I/c", "Juru Tingkat I": "I/d",
    "Pengatur Muda": "II/a", "Pengatur Muda Tingkat I": "II/b", "Pengatur": "II/c", "Pengatur Tingkat I": "II/d",
    "Penata Muda": "III/a", "Penata Muda Tingkat I": "III/b", "Penata": "III/c", "Penata Tingkat I": "III/d",
    "Pembina": "IV/a", "Pembina Tingkat I": "IV/b", "Pembina Utama Muda": "IV/c", "Pembina Utama Madya": "IV/d",
    "Pembina Utama": "IV/e",
}
GOLONGAN = tuple(PANGKAT.values())
# CPNS are appointed at 18 at the earliest (UU ASN); the earliest NIPs in use are from the 1960s.
MIN_AGE_AT_APPOINTMENT = 18


def compact_nip(text: str) -> str:
    """A NIP without the spaces it is printed and often typed with ('19710412 199603 1 003'),
    including the no-break spaces (U+00A0, U+202F) a spreadsheet or word processor inserts."""
    return "".join(text.split())


def nip_problem(nip: str | None, latest_year: int | None = None) -> str | None:
    """What is wrong with a NIP, in Indonesian, or None when it is structurally valid.

    `latest_year` bounds the birth and appointment years (neither can be later than the period
    the data is for).
    """
    if nip is None:
        return None
    text = compact_nip(str(nip))
    if not (len(text) == 18 and text.isdigit()):
        return f"NIP harus 18 digit angka, tertulis {len(text)} karakter"
    try:
        born = dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return f"8 digit pertama NIP ({text[0:8]}) bukan tanggal lahir yang sah (tttt-bb-hh)"
    if latest_year is not None and born.year > latest_year:
        return f"tanggal lahir pada NIP ({text[0:8]}) setelah tahun {latest_year}"
    year, month = int(text[8:12]), int(text[12:14])
    if not 1 <= month <= 12:
        return f"digit 9–14 NIP ({text[8:14]}) bukan bulan TMT pengangkatan yang sah (ttttbb)"
    if year < born.year + MIN_AGE_AT_APPOINTMENT:
        return f"TMT pengangkatan pada NIP ({text[8:14]}) kurang dari {MIN_AGE_AT_APPOINTMENT} tahun setelah tanggal lahir ({text[0:8]})"
    if latest_year is not None and year > latest_year:
        return f"TMT pengangkatan pada NIP ({text[8:14]}) setelah tahun {latest_year}"
    if text[14] not in "12":
        return f"digit ke-15 NIP (jenis kelamin) harus 1 atau 2, tertulis {text[14]}"
    if text[15:] == "000":
        return "3 digit terakhir NIP (nomor urut) tidak boleh 000"
    return None


# --- who a name refers to ------------------------------------------------------------------

# Titles written before a name (gelar akademik, profesi, keagamaan): 'Drs. HERU PRASETYO',
# 'H. BAMBANG SURYADI', 'Dr. Ir. ...', 'dr. ...'. Degrees follow the name after a comma.
_PREFIX_TITLES = frozenset({"dr", "drs", "dra", "drg", "ir", "h", "hj", "prof", "kh", "hc", "apt", "ns"})
# A degree written after the name without a comma: 'M.Si', 'S.E.', 'S.STP.', 'Ph.D.', 'A.Md.'
_DEGREE = re.compile(r"[a-z]{1,3}\.[a-z]{1,6}\.?(?:[a-z]{1,6}\.?)*", re.IGNORECASE)


def _is_prefix_title(token: str) -> bool:
    parts = [p for p in token.casefold().split(".") if p]
    return bool(parts) and all(p in _PREFIX_TITLES for p in parts)


def name_key(text: str) -> str:
    """A person's name reduced to what identifies them: no titles or degrees, no case, accents,
    punctuation or spacing ('Drs. HERU PRASETYO, M.Si.' and 'Heru  Prasetyo' -> 'heruprasetyo').
    Empty when nothing of a name is left."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    tokens = plain.split(",")[0].split()
    while len(tokens) > 1 and _is_prefix_title(tokens[0]):
        tokens.pop(0)
    while len(tokens) > 1 and _DEGREE.fullmatch(tokens[-1]):
        tokens.pop()
    return "".join(ch for ch in " ".join(tokens).casefold() if ch.isalnum())


def same_person(printed: str, other: str) -> bool:
    """Whether two written names are the same person's, titles, case, punctuation and spacing
    aside. Initials or a shortened name are not taken as the same: a signature must name the
    official as the document prints them."""
    key = name_key(printed)
    return bool(key) and key == name_key(other)


def nip_in(text: str) -> str:
    """The NIP a text carries (a certificate's serialNumber such as 'NIP:19710412 199603 1 003'
    or 'PNS-197104121996031003'), compact, or '' when it holds no structurally valid 18-digit
    NIP (a 16-digit NIK is not one)."""
    for run in re.findall(r"\d+", compact_nip(text)):
        if len(run) == 18 and nip_problem(run) is None:
            return run
    return ""
