from decimal import Decimal
from pathlib import Path

import pytest

from sakip import config
from sakip.errors import ConfigError

from .conftest import INPUTS

DEMO = (INPUTS / "2026" / "instansi.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "instansi.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_demo_config_loads():
    cfg = config.load(INPUTS / "2026" / "instansi.toml")
    assert cfg.kepala.nip == "197104121996031003"
    assert cfg.pengaturan.rumus_negatif == "selisih"
    assert [b.label for b in cfg.pengaturan.predikat][0] == "Sangat Baik"
    assert cfg.pejabat["irban3"].jabatan_lengkap == "Plt. Inspektur Pembantu Wilayah III"
    assert cfg.pejabat["inspektur"].pangkat_golongan == "Pembina Utama Muda (IV/c)"


def test_unknown_key_is_rejected_with_its_path(tmp_path):
    p = write(tmp_path, DEMO.replace('rumus_negatif = "selisih"', 'rumus_negatip = "selisih"'))
    with pytest.raises(ConfigError, match=r"pengaturan: kunci tidak dikenal: rumus_negatip"):
        config.load(p)


def test_unknown_formula_is_rejected(tmp_path):
    p = write(tmp_path, DEMO.replace('rumus_negatif = "selisih"', 'rumus_negatif = "kebalikan"'))
    with pytest.raises(ConfigError, match="pengaturan.rumus_negatif: nilai 'kebalikan' tidak dikenal"):
        config.load(p)


def test_nip_must_have_18_digits(tmp_path):
    p = write(tmp_path, DEMO.replace('"197808232003122005"', '"19780823200312200"'))
    with pytest.raises(ConfigError, match="pejabat.sekretaris.nip: NIP harus 18 digit"):
        config.load(p)


def test_bands_must_descend(tmp_path):
    p = write(tmp_path, DEMO.replace("di_atas = 75", "di_atas = 95"))
    with pytest.raises(ConfigError, match="menurun"):
        config.load(p)


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="tidak ditemukan"):
        config.load(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="bukan TOML"):
        config.load(write(tmp_path, "[instansi\nnama="))


def test_threshold_is_decimal(tmp_path):
    cfg = config.load(write(tmp_path, DEMO.replace("ambang_kendala = 100", "ambang_kendala = 90.5")))
    assert cfg.pengaturan.ambang_kendala == Decimal("90.5")
