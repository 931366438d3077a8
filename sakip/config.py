"""instansi.toml: the agency, its officials and its settings, as frozen dataclasses.

Keys are Indonesian because planners edit the file. Unknown keys are rejected (a typo such as
``rumus_negatip`` must not silently fall back to a default in a legal report), and every error
names the key path.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError

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
        for key, official in self.pejabat.items():
            if official.nip and official.nip == nip:
                return key, official
        return None

    @property
    def kepala(self) -> Pejabat:
        return self.pejabat[self.instansi.kepala]


def _convert(tp: Any, value: Any, path: str) -> Any:
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: harus berupa tabel TOML")
        return _build(tp, value, path)
    if origin is dict:
        _, value_tp = typing.get_args(tp)
        if not isinstance(value, dict):
            raise ConfigError(f"{path}: harus berupa tabel TOML")
        return {k: _convert(value_tp, v, f"{path}.{k}") for k, v in value.items()}
    if origin is tuple:
        item_tp = typing.get_args(tp)[0]
        if not isinstance(value, list):
            raise ConfigError(f"{path}: harus berupa daftar")
        return tuple(_convert(item_tp, v, f"{path}[{i}]") for i, v in enumerate(value))
    if origin is Literal:
        if value not in typing.get_args(tp):
            allowed = ", ".join(repr(a) for a in typing.get_args(tp))
            raise ConfigError(f"{path}: nilai {value!r} tidak dikenal; pilihan: {allowed}")
        return value
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(inner[0], value, path)
    if tp is Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{path}: harus berupa angka")
        return Decimal(str(value))
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{path}: harus berupa teks")
        return value.strip()
    raise TypeError(f"unsupported config type {tp!r} at {path}")  # programming error


def _build(cls: type, data: dict[str, Any], path: str) -> Any:
    hints = typing.get_type_hints(cls)
    declared = {f.name: f for f in dataclasses.fields(cls)}
    where = f"{path}: " if path else ""
    unknown = sorted(set(data) - set(declared))
    if unknown:
        raise ConfigError(f"{where}kunci tidak dikenal: {', '.join(unknown)}")
    missing = [
        name
        for name, f in declared.items()
        if f.default is dataclasses.MISSING
        and f.default_factory is dataclasses.MISSING
        and name not in data
    ]
    if missing:
        raise ConfigError(f"{where}kunci wajib belum diisi: {', '.join(missing)}")
    values = {k: _convert(hints[k], v, f"{path}.{k}" if path else k) for k, v in data.items()}
    return cls(**values)


def _check(cfg: Konfigurasi) -> None:
    if cfg.instansi.kepala not in cfg.pejabat:
        raise ConfigError(f"instansi.kepala: pejabat '{cfg.instansi.kepala}' tidak ada di [pejabat]")
    checker = cfg.pengaturan.pemeriksa
    if checker and checker not in cfg.pejabat:
        raise ConfigError(f"pengaturan.pemeriksa: pejabat '{checker}' tidak ada di [pejabat]")
    for key, official in cfg.pejabat.items():
        if official.atasan and official.atasan not in cfg.pejabat:
            raise ConfigError(f"pejabat.{key}.atasan: pejabat '{official.atasan}' tidak ada")
        if official.status not in ("", "Plt.", "Plh."):
            raise ConfigError(f"pejabat.{key}.status: harus kosong, 'Plt.' atau 'Plh.'")
    bands = cfg.pengaturan.predikat
    if not bands or bands[-1].di_atas is not None:
        raise ConfigError("pengaturan.predikat: predikat terakhir tidak boleh memiliki 'di_atas'")
    limits = [b.di_atas for b in bands[:-1]]
    if any(x is None for x in limits) or limits != sorted(limits, reverse=True) or len(set(limits)) != len(limits):
        raise ConfigError("pengaturan.predikat: 'di_atas' wajib diisi dan harus menurun dari atas ke bawah")


def load(path: Path) -> Konfigurasi:
    """Read and check instansi.toml."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: berkas konfigurasi tidak ditemukan") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: bukan TOML yang sah ({exc})") from None
    try:
        cfg = _build(Konfigurasi, data, "")
        _check(cfg)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return cfg
