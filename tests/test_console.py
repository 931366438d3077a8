"""What the operator's terminal shows (sakip/console.py): never wider than the terminal, no
word broken, nothing lost."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from sakip import console

WORDS = st.one_of(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzĀé–%,.()", min_size=1, max_size=14),
    st.builds(lambda parts: "/".join(parts), st.lists(st.text(alphabet="abcxyz_-.0123", min_size=1, max_size=30),
                                                      min_size=1, max_size=6)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=40), st.integers(40, 120), st.sampled_from(["", "  ", "PK-SEK: "]))
def test_wrapped_text_fits_keeps_every_character_and_breaks_no_short_word(words, columns, first):
    text = " ".join(words)
    lines = console.wrap(text, indent="    ", first=first, columns=columns)
    assert all(cell_len(line) <= columns for line in lines)
    assert re.sub(r"\s", "", "".join(lines)) == re.sub(r"\s", "", first + text)
    room = columns - max(len(first), 4)
    tokens = {t for line in lines for t in line.split()}
    assert all(w in tokens for w in words if len(w) <= room)


def test_a_long_path_breaks_after_its_slashes():
    path = "outputs/2026/TW2/PK-DINAS-KESEHATAN-BIDANG-P2P/KOREKSI_realisasi_tw2_PK-DINAS-KESEHATAN-BIDANG-P2P.xlsx"
    lines = console.wrap(path, first="  ", indent="    ", columns=60)
    assert lines == ["  outputs/2026/TW2/PK-DINAS-KESEHATAN-BIDANG-P2P/",
                     "    KOREKSI_realisasi_tw2_PK-DINAS-KESEHATAN-BIDANG-P2P.xlsx"]


def test_a_table_that_fits_is_columns_and_one_that_does_not_is_blocks(capsys, monkeypatch):
    rows = [["PK-SEK", "PARAF", "87,50 % – 101,85 %", "0"], ["PK-IRBAN3", "DIKEMBALIKAN", "84,44 % – 103,75 %", "4"]]
    monkeypatch.setenv("COLUMNS", "80")
    console.table("Ringkasan Triwulan II Tahun 2026", ["PK", "Status", "Capaian TW", "Galat"], rows)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["PK", "Status", "Capaian", "TW", "Galat"]
    assert lines[4].split()[:2] == ["PK-IRBAN3", "DIKEMBALIKAN"]
    # columns line up: each row's values start where their headings do
    assert lines[1].index("Status") == lines[3].index("PARAF") == lines[4].index("DIKEMBALIKAN") == len("PK-IRBAN3  ")
    assert lines[1].index("Galat") == lines[3].index(" 0") + 1

    wide = [["PK-" + "X" * 40, "DIKEMBALIKAN", "84,44 % – 103,75 %", "4"]]
    monkeypatch.setenv("COLUMNS", "50")
    console.table("Status", ["PK", "Status", "Capaian TW", "Galat"], wide)
    lines = capsys.readouterr().out.splitlines()
    assert all(cell_len(line) <= 50 for line in lines)
    assert lines[1] == "- PK-" + "X" * 40 and "Status: DIKEMBALIKAN" in lines[2]


def test_the_width_is_the_terminals_and_never_absurd(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    assert console.width() == 200
    monkeypatch.setenv("COLUMNS", "5")
    assert console.width() == console.MIN_WIDTH


def test_progress_is_a_line_per_stage_and_a_bar_at_each_tenth_when_piped(monkeypatch):
    import io

    from sakip import progress

    monkeypatch.setenv("COLUMNS", "80")
    out = io.StringIO()
    progress.start()
    remove = progress.listen(console.ProgressLine(out, tty=False))
    broken = progress.listen(lambda state, event: 1 / 0)  # a listener that fails never stops the run
    try:
        progress.stage("paraf")
        progress.stage("produksi")
        progress.planned(480)
        for _ in range(480):
            progress.advance()
        progress.end()
    finally:
        remove()
        broken()
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("sakip: memeriksa (paraf) (") and lines[1].startswith("sakip: menyusun dokumen dan paket")
    bars = lines[2:]
    assert len(bars) == 11 and bars[0].startswith("[...") and "] 0/480 PK" in bars[0] and "] 480/480 PK" in bars[-1]
    assert "sisa ±" in bars[5] and all(cell_len(line) <= 79 for line in lines)


def test_progress_on_a_terminal_is_redrawn_in_place():
    import io

    from sakip import progress

    out = io.StringIO()
    progress.start()
    remove = progress.listen(console.ProgressLine(out, tty=True))
    try:
        progress.stage("produksi")
        progress.planned(3)
        progress.advance()
        progress.advance(2)
        progress.end()
    finally:
        remove()
    text = out.getvalue()
    assert text.count("\r\x1b[K") == 2 and text.endswith("] 3/3 PK · 0 d\n")
