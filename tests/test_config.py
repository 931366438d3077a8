from decimal import Decimal
from pathlib import Path

import pytest

from sakip import config
from sakip.errors import ConfigError

from tests.conftest import INPUTS

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


@pytest.mark.parametrize("old,new,message", [
    ('rumus_negatif = "selisih"', 'rumus_negatip = "selisih"', r"pengaturan: kunci tidak dikenal: rumus_negatip"),
    ('rumus_negatif = "selisih"', 'rumus_negatif = "kebalikan"', r"pengaturan.rumus_negatif: nilai 'kebalikan' tidak dikenal"),
    ("di_atas = 75", "di_atas = 95", r"predikat: 'di_atas' wajib diisi dan harus menurun"),
    ('kepala = "inspektur"', 'kepala = "bupatii"', r"instansi.kepala: pejabat 'bupatii' tidak ada"),
])
def test_invalid_config_names_the_key(tmp_path, old, new, message):
    assert old in DEMO
    with pytest.raises(ConfigError, match=message):
        config.load(write(tmp_path, DEMO.replace(old, new)))


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="tidak ditemukan"):
        config.load(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match="bukan TOML") as info:
        config.load(write(tmp_path, "[instansi\nnama="))
    # Indonesian, with the line and column tomllib found and the line as written
    assert str(info.value) == (f"{tmp_path / 'instansi.toml'}, baris 1, kolom 10: bukan TOML yang sah: judul bagian "
                               f"belum ditutup dengan ] (mis. [pejabat.sekretaris]) (tertulis: [instansi)")


def test_threshold_is_decimal(tmp_path):
    cfg = config.load(write(tmp_path, DEMO.replace("ambang_kendala = 100", "ambang_kendala = 90.5")))
    assert cfg.pengaturan.ambang_kendala == Decimal("90.5")
