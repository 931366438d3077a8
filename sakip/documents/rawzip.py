"""Read a zip's entries as their stored (compressed) bytes and write a zip from such entries.

A rendered DOCX changes only the parts that hold template tags; every other part is copied as
the template's already-compressed bytes. The stdlib zipfile can read a member's raw bytes only
through private attributes and cannot write one without compressing it again, and no kept
library on PyPI does both, so the two halves of the format used here (local headers, central
directory, end record; no zip64, no encryption: a Word template is a few hundred kilobytes)
are written out below and tested against zipfile reading them back.
"""

from __future__ import annotations

import io
import struct
import zlib
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_CENTRAL = struct.Struct("<4sHHHHHHLLLHHHHHLL")
_END = struct.Struct("<4sHHHHLLH")
_UTF8 = 0x800
_DESCRIPTOR = 0x08  # sizes after the data: not needed here, the sizes are known
_VERSION = 20  # deflate
_LIMIT = 0xFFFFFFFF
_DEFAULT_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Entry:
    """One zip member: its name and its bytes as stored (deflated or not)."""

    name: str
    raw: bytes
    method: int  # zipfile.ZIP_DEFLATED or zipfile.ZIP_STORED
    crc: int
    size: int  # uncompressed
    date_time: tuple[int, int, int, int, int, int] = _DEFAULT_TIME
    external_attr: int = 0


def deflated(name: str, data: bytes, level: int = 6,
             date_time: tuple[int, int, int, int, int, int] = _DEFAULT_TIME) -> Entry:
    """`data` as a deflated entry (level 6: zipfile's own default, what python-docx wrote)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    raw = packer.compress(data) + packer.flush()
    return Entry(name, raw, zipfile.ZIP_DEFLATED, zlib.crc32(data), len(data), date_time)


def stored(name: str, data: bytes) -> Entry:
    """`data` stored as it is (a PNG: deflating it again gains nothing)."""
    return Entry(name, data, zipfile.ZIP_STORED, zlib.crc32(data), len(data))


def read_entries(data: bytes) -> list[Entry]:
    """The members of the zip in `data`, in their order, each as its stored bytes. Raises
    zipfile.BadZipFile for what this module cannot copy (encrypted, zip64, other methods)."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # BytesIO shares the bytes, no copy
        for info in archive.infolist():
            if info.flag_bits & 0x1:
                raise zipfile.BadZipFile(f"{info.filename}: terenkripsi")
            if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED):
                raise zipfile.BadZipFile(f"{info.filename}: metode kompresi {info.compress_type}")
            if max(info.compress_size, info.file_size, info.header_offset) >= _LIMIT:
                raise zipfile.BadZipFile(f"{info.filename}: zip64")
            head = data[info.header_offset:info.header_offset + _LOCAL.size]
            if len(head) < _LOCAL.size or head[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"{info.filename}: header lokal rusak")
            name_len, extra_len = _LOCAL.unpack(head)[-2:]
            start = info.header_offset + _LOCAL.size + name_len + extra_len
            raw = data[start:start + info.compress_size]
            if len(raw) != info.compress_size:
                raise zipfile.BadZipFile(f"{info.filename}: terpotong")
            entries.append(Entry(info.filename, raw, info.compress_type, info.CRC, info.file_size,
                                 info.date_time, info.external_attr))
    return entries


def _dos(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time
    return hour << 11 | minute << 5 | second // 2, (year - 1980) << 9 | month << 5 | day


def write(entries: Iterable[Entry]) -> bytes:
    """A zip of `entries`, each written with its stored bytes as they are."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for e in entries:
        try:
            name = e.name.encode("ascii")
            flags = 0
        except UnicodeEncodeError:
            name = e.name.encode("utf-8")
            flags = _UTF8
        if offset >= _LIMIT or len(e.raw) >= _LIMIT:
            raise ValueError("paket terlalu besar untuk zip tanpa zip64")
        time, date = _dos(e.date_time)
        head = _LOCAL.pack(b"PK\x03\x04", _VERSION, flags & ~_DESCRIPTOR, e.method, time, date, e.crc, len(e.raw),
                           e.size, len(name), 0)
        central.append(_CENTRAL.pack(b"PK\x01\x02", _VERSION, _VERSION, flags, e.method, time, date, e.crc, len(e.raw),
                                     e.size, len(name), 0, 0, 0, 0, e.external_attr, offset) + name)
        chunks += (head, name, e.raw)
        offset += len(head) + len(name) + len(e.raw)
        count += 1
    directory = b"".join(central)
    chunks += (directory, _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0))
    return b"".join(chunks)
