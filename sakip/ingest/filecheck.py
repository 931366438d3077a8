"""What a file sent as a workbook really is, and whether it is safe to parse.

Units send what they have: a PDF of the form, a photo, an old .xls, an HTML export from a web
application, a password-protected workbook, a file cut short by a download. Each is named for
what it is, with what to do, before openpyxl sees it. And a workbook is a ZIP of XML, so a
crafted one can make a parser inflate gigabytes (a zip bomb, or entity expansion in a DTD):
the ZIP directory and every XML part are checked against the limits below, on the raw bytes,
before anything is parsed. Every refusal is an InputError naming the file.
"""

from __future__ import annotations

import codecs
import zipfile
import zlib
from decimal import Decimal
from pathlib import Path

from ..errors import InputError, Location
from ..formatting import number

# A PK or realisasi form is tens of KB unpacked; its largest part, a sheet, a few hundred KB even
# with a thousand rows of styled cells. 100 MB a part and 200 MB in all leave room for logos and
# pasted pictures while bounding what a crafted file makes sakip inflate and parse.
MAX_PART_BYTES = 100 * 2**20
MAX_UNPACKED_BYTES = 200 * 2**20
# Sheets and shared strings are parsed whole by openpyxl even in read-only mode (a sheet without
# a <dimension> is scanned to its end before its first row is given, ~4 MB a second), so they
# get a tighter bound: 2 000 wide rows with long texts stay well under 16 MB.
MAX_SHEET_BYTES = 16 * 2**20
# Sheet XML deflates 5-20:1, repetitive styles up to ~50:1; 100:1 over 1 MB is a zip bomb's mark
# (a sheet of 300 MB of blanks packs into 300 KB, 1000:1). Small parts may pack tighter: harmless.
MAX_RATIO = 100
RATIO_FROM_BYTES = 2**20

_SAVE_AS_XLSX = "buka berkas di Excel lalu pilih Save As (Simpan Sebagai) 'Excel Workbook (*.xlsx)' dan kirim ulang"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def megabytes(count: int) -> str:
    """A byte count for people: MB, or KB below one MB (only messages need it, hence babel late)."""
    if count >= 2**20:
        return f"{number(Decimal(count) / 2**20, 0)} MB"
    return f"{number(Decimal(max(count, 1)) / 2**10, 0)} KB"


def _ole_streams(path: Path) -> set[str]:
    """Names of the well-known streams in an OLE2 compound file (old Office formats, and every
    password-protected OOXML file), found as the UTF-16 names its directory stores."""
    wanted = ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "WordDocument", "PowerPoint Document")
    needles = {name: name.encode("utf-16-le") + b"\x00\x00" for name in wanted}
    found: set[str] = set()
    tail = b""
    with path.open("rb") as f:
        for _ in range(64):  # 64 MB: directory sectors of any real file are within this
            chunk = f.read(2**20)
            if not chunk:
                break
            data = tail + chunk
            found |= {name for name, needle in needles.items() if needle in data}
            tail = data[-64:]
    return found


_NOT_A_WORKBOOK = "bukan workbook Excel (.xlsx): berkas ini sebenarnya"


def _what_file_is(path: Path, head: bytes) -> str:
    """What a file that is not an OOXML zip really is, and what to do, as its message."""
    if head.startswith(b"%PDF"):
        return f"{_NOT_A_WORKBOOK} dokumen PDF; kirim workbook Excel yang diisi, bukan hasil cetak atau ekspor PDF-nya"
    if head.startswith(OLE_MAGIC):
        streams = _ole_streams(path)
        if streams & {"EncryptionInfo", "EncryptedPackage"}:
            return ("workbook ini dilindungi kata sandi (terenkripsi) sehingga isinya tidak dapat dibaca; buka di Excel dengan "
                    "kata sandinya, hapus kata sandi (File > Info > Protect Workbook > Encrypt with Password, kosongkan), "
                    "simpan lalu kirim ulang")
        if streams & {"Workbook", "Book"}:
            return f"{_NOT_A_WORKBOOK} workbook Excel 97-2003 (.xls) yang diberi nama .xlsx; {_SAVE_AS_XLSX}"
        if "WordDocument" in streams:
            return f"{_NOT_A_WORKBOOK} dokumen Word 97-2003 (.doc); isi formulir di Excel lalu kirim ulang"
        return f"{_NOT_A_WORKBOOK} dokumen Office format lama (OLE2); {_SAVE_AS_XLSX}"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return f"{_NOT_A_WORKBOOK} gambar (foto atau hasil pindai); kirim workbook Excel yang diisi, bukan gambarnya"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head.decode("utf-16", errors="replace")
    elif b"\x00" in head:
        return f"bukan workbook Excel (.xlsx) dan jenis isinya tidak dikenali; {_SAVE_AS_XLSX}"
    else:
        text = head.decode("utf-8", errors="replace")
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith("{\\rtf"):
        return f"{_NOT_A_WORKBOOK} dokumen RTF (Word/WordPad); isi formulir di Excel lalu kirim ulang"
    if start.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in start:
        return f"{_NOT_A_WORKBOOK} 'XML Spreadsheet 2003' yang diberi nama .xlsx; {_SAVE_AS_XLSX}"
    if start.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body")) or "<html" in start or "<table" in start:
        # Web applications export a table as HTML named .xls/.xlsx; Excel opens it with a warning.
        return (f"{_NOT_A_WORKBOOK} halaman web (HTML), seperti ekspor tabel dari aplikasi web; {_SAVE_AS_XLSX}")
    return f"{_NOT_A_WORKBOOK} berkas teks/CSV; {_SAVE_AS_XLSX}, atau kirim sebagai folder berisi satu berkas CSV per sheet"


def _what_zip_is(z: zipfile.ZipFile, names: set[str]) -> str | None:
    """None for an OOXML workbook, else what this zip really is, as its message."""
    if "word/document.xml" in names:
        return f"{_NOT_A_WORKBOOK} dokumen Word (.docx); isi formulir di Excel lalu simpan sebagai Excel Workbook (.xlsx)"
    if "ppt/presentation.xml" in names:
        return f"{_NOT_A_WORKBOOK} presentasi PowerPoint (.pptx); kirim workbook Excel yang diisi"
    if "mimetype" in names:
        info = z.getinfo("mimetype")
        kind = z.read("mimetype").decode("ascii", errors="replace").strip() if info.file_size <= 100 else ""
        if kind.endswith("spreadsheet"):
            return (f"{_NOT_A_WORKBOOK} spreadsheet OpenDocument (.ods, dari LibreOffice/WPS) yang diberi nama .xlsx; "
                    "buka lalu Simpan Sebagai 'Excel 2007-365 (.xlsx)' dan kirim ulang")
        return f"{_NOT_A_WORKBOOK} dokumen OpenDocument ({kind or 'ODF'}); {_SAVE_AS_XLSX}"
    if "xl/workbook.bin" in names:
        return f"{_NOT_A_WORKBOOK} Excel Binary Workbook (.xlsb) yang diberi nama .xlsx; {_SAVE_AS_XLSX}"
    if "[Content_Types].xml" not in names:
        listed = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
        return (f"{_NOT_A_WORKBOOK} arsip ZIP biasa (berisi {listed or 'tidak ada apa pun'}); ekstrak lalu kirim "
                "workbook .xlsx-nya saja")
    return None


_DTD_MARKS = tuple(mark.encode(enc) for mark in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be"))


def _has_dtd(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether an XML part declares a DTD or entities, in any encoding the XML parsers accept.

    A workbook written by Excel, LibreOffice or openpyxl never has one; with one, a few KB expand
    to gigabytes ("billion laughs"). Scanned in chunks as the part is inflated (sizes are checked
    first, so this is bounded).
    """
    tail = b""
    with z.open(info) as part:
        while chunk := part.read(2**20):
            data = tail + chunk
            if any(mark in data for mark in _DTD_MARKS):
                return True
            tail = data[-32:]
    return False


def check_workbook(path: Path, shown: str) -> None:
    """Refuse a file that is not an OOXML workbook (saying what it is) or that is unsafe to parse."""
    where = Location(shown)
    if path.stat().st_size == 0:
        raise InputError(where, "berkas kosong (0 byte); simpan ulang workbook dari Excel lalu kirim ulang")
    with path.open("rb") as f:
        head = f.read(8192)
    if not head.startswith(ZIP_MAGIC):
        raise InputError(where, _what_file_is(path, head))
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            names = {i.filename for i in infos}
            if (what := _what_zip_is(z, names)) is not None:
                raise InputError(where, what)
            total = 0
            for info in infos:
                total += info.file_size
                parsed_whole = info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml"
                limit = MAX_SHEET_BYTES if parsed_whole else MAX_PART_BYTES
                if info.file_size > limit:
                    raise InputError(where, f"workbook ini ditolak: bagian '{info.filename}' di dalamnya berukuran "
                                            f"{megabytes(info.file_size)} setelah diekstrak (batas {megabytes(limit)}); "
                                            "formulir PK/realisasi hanya puluhan KB. Hapus baris, format atau gambar yang tidak "
                                            "perlu lalu simpan ulang, atau kirim ulang formulir aslinya")
                if info.file_size > RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise InputError(where, f"workbook ini ditolak: bagian '{info.filename}' memampat "
                                            f"{number(info.file_size // max(info.compress_size, 1))}:1 "
                                            f"({megabytes(info.compress_size)} menjadi {megabytes(info.file_size)}; batas {MAX_RATIO}:1), "
                                            "ciri 'zip bomb' dan bukan workbook yang disimpan Excel; kirim ulang formulir aslinya")
            if total > MAX_UNPACKED_BYTES:
                raise InputError(where, f"workbook ini ditolak: isinya berukuran {megabytes(total)} setelah diekstrak (batas "
                                        f"{megabytes(MAX_UNPACKED_BYTES)}); hapus gambar atau sheet yang tidak perlu lalu kirim ulang")
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels", ".vml")) and _has_dtd(z, info):
                    raise InputError(where, f"workbook ini ditolak: bagian '{info.filename}' memuat deklarasi DTD/ENTITY "
                                            "(<!DOCTYPE), yang tidak pernah ada di workbook Excel dan dapat dipakai untuk "
                                            "serangan 'billion laughs'; simpan ulang dari Excel atau kirim ulang formulir aslinya")
    except InputError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise InputError(where, damaged(exc)) from exc


def damaged(exc: BaseException) -> str:
    """Why a workbook could not be parsed, for the unit: what is broken, and the technical detail."""
    detail = " ".join(str(exc).split())[:160] or type(exc).__name__
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, EOFError)):
        return ("bukan workbook Excel (.xlsx) yang utuh: struktur ZIP-nya rusak (berkas mungkin terpotong saat diunduh atau "
                f"disalin); buka di Excel dan simpan ulang, atau kirim ulang berkas aslinya (rincian: {detail})")
    if isinstance(exc, SyntaxError) or type(exc).__name__ in ("ExpatError", "XMLSyntaxError", "ParseError"):
        return f"isi workbook rusak: XML di dalamnya tidak sah; buka di Excel, simpan ulang lalu kirim ulang (rincian: {detail})"
    return (f"bukan workbook Excel (.xlsx) yang dapat dibaca; buka di Excel, simpan ulang lalu kirim ulang "
            f"(rincian: {type(exc).__name__}: {detail})")
