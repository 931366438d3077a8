import subprocess
import sys

from tests.conftest import INPUTS

SAKIP = [sys.executable, "-m", "sakip.cli"]


def run(*args, cwd=None):
    return subprocess.run([*SAKIP, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def test_help_on_every_command():
    assert run("--help").returncode == 0
    r = run("run", "--help")
    assert r.returncode == 0 and "Triwulan 1 sampai 4" in r.stdout


def test_quarter_out_of_range_is_a_usage_error():
    r = run("run", "2026", "5")
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_bad_config_is_one_line_without_traceback(tmp_path):
    (tmp_path / "2026").mkdir()
    demo = (INPUTS / "2026/instansi.toml").read_text(encoding="utf-8")
    (tmp_path / "2026/instansi.toml").write_text(demo.replace("[instansi]\n", "[instansi]\nwarna = 'merah'\n"), encoding="utf-8")
    r = run("run", "2026", "1", "--inputs", str(tmp_path))
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("galat: ") and "instansi: kunci tidak dikenal: warna" in lines[0]


def test_verbose_shows_the_traceback(tmp_path):
    r = run("--verbose", "run", "2026", "1", "--inputs", str(tmp_path))
    assert r.returncode == 1 and "Traceback" in r.stderr


def test_verbose_is_the_option_not_a_word_anywhere_on_the_line():
    # "-v" here is the value of --tanggal: the error stays one line, without a traceback.
    r = run("run", "2026", "1", "--inputs", str(INPUTS), "--tanggal", "-v")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == ["galat: --tanggal '-v' bukan tanggal YYYY-MM-DD"]
    r = run("-v", "run", "2026", "1", "--inputs", str(INPUTS), "--tanggal", "-v")
    assert r.returncode == 1 and "Traceback" in r.stderr


def test_bad_date_option():
    r = run("run", "2026", "1", "--inputs", str(INPUTS), "--tanggal", "6/7/2026")
    assert r.returncode == 1 and "bukan tanggal YYYY-MM-DD" in r.stderr


def test_unknown_pk_is_one_line_without_traceback(tmp_path):
    r = run("run", "2026", "1", "--inputs", str(INPUTS), "--outputs", str(tmp_path / "out"), "--pk", "PK-TIDAKADA")
    assert r.returncode == 1
    assert "Traceback" not in r.stderr + r.stdout
    assert f"galat: PK tidak ditemukan di {INPUTS / '2026'}: PK-TIDAKADA" in r.stderr.splitlines()
    # The period's lock and the run's log (the attempt is recorded), nothing else; the readings
    # kept for a rerun (outputs/.cache, sakip.ingest.bacaan) are a cache, not an output.
    written = sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*")
                     if p.is_file() and not p.relative_to(tmp_path / "out").parts[0] == ".cache")
    assert written[0] == "2026/TW1/.proses.lock" and all(w.startswith("2026/TW1/log/") for w in written[1:]), written


def test_warnings_of_initialled_pks_are_printed_under_the_summary(capsys, monkeypatch):
    from pathlib import Path

    from sakip import cli
    from sakip.outputs.summary import Row, Summary

    monkeypatch.setenv("COLUMNS", "200")
    warnings = [f"pk/PK-A.xlsx, sheet 'RA', sel E{i}: pesan ke-{i}" for i in range(25)]
    rows = [Row("PK-A", "A", "PARAF", "-", 0, 25, peringatan_pesan=warnings),
            Row("PK-B", "B", "DIKEMBALIKAN", "-", 1, 1, pesan="salah", peringatan_pesan=["tidak dicetak di sini"])]
    cli._print_summary(Summary(2026, 2, rows, report="out/2026/TW2/validasi.html"), Path("out"))
    out = capsys.readouterr().out
    assert "Peringatan PK-A: pk/PK-A.xlsx, sheet 'RA', sel E0: pesan ke-0" in out and "pesan ke-19" in out
    assert "pesan ke-20" not in out and "tidak dicetak di sini" not in out
    assert "... dan 5 peringatan lain (lihat out/2026/TW2/validasi.html)" in out
