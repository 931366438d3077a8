"""What sakip prints on the operator's terminal, laid out for its width (80 columns and up).

Words are never broken: text wraps at spaces, a path at its slashes, and tables keep their short
columns whole and put anything long (paths, messages) under the table, one item per line.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from pathlib import Path

from .errors import visible

MIN_WIDTH = 40


def width() -> int:
    """The terminal's width: COLUMNS when set (as when output is piped: `make demo`), else the
    terminal's, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = shutil.get_terminal_size((80, 24)).columns
    return max(MIN_WIDTH, columns)


def _split_path(word: str, room: int) -> list[str]:
    """A word longer than `room` broken after its slashes (or, with none, after - and _): never
    inside a name if a separator allows it."""
    for seps in ("/", "-_"):
        if not any(s in word[:-1] for s in seps):
            continue
        parts, piece = [], ""
        for ch in word:
            piece += ch
            if ch in seps:
                parts.append(piece)
                piece = ""
        if piece:
            parts.append(piece)
        lines, line = [], ""
        for part in parts:
            if line and len(line) + len(part) > room:
                lines.append(line)
                line = ""
            line += part
        lines.append(line)
        if all(len(x) <= room for x in lines):
            return lines
    return [word[i:i + room] for i in range(0, len(word), room)]  # one name longer than a line


def wrap(text: str, indent: str = "  ", first: str = "", columns: int | None = None) -> list[str]:
    """`text` (from data: shown as visible characters) in lines of at most `columns`, at spaces;
    a path longer than a line at its slashes. `first` prefixes the first line, `indent` the rest."""
    columns = columns or width()
    room = columns - max(len(first), len(indent))
    words: list[str] = []
    for word in visible(text).split():
        words += _split_path(word, room) if len(word) > room else [word]
    lines = textwrap.wrap(" ".join(words), width=room, break_long_words=False, break_on_hyphens=False) or [""]
    return [(first if i == 0 else indent) + line for i, line in enumerate(lines)]


def echo(text: str, indent: str = "  ", first: str = "", err: bool = False) -> None:
    import typer  # lazy: this module is also imported where typer is not needed

    for line in wrap(text, indent, first):
        typer.echo(line, err=err)


def shown_path(path: str | Path, base: Path) -> str:
    """`path` relative to `base` where it lies under it (the table says which folder), else as given."""
    try:
        return str(Path(path).relative_to(base))
    except ValueError:
        return str(path)


def cells(text: str) -> int:
    """Columns `text` takes on a terminal (a wide character takes two)."""
    from rich.cells import cell_len  # lazy: rich's width tables, only where a table is printed

    return cell_len(text)


def table(title: str, headers: list[str], rows: list[list[str]], styles: dict[str, str] | None = None) -> None:
    """Rows under their headings in columns, when they fit the terminal's width; otherwise one
    block per row ("heading: value" pairs wrapped at spaces), so that no value is cut or broken.
    `styles` colours a cell by its text (a verdict) on a terminal; piped output stays plain."""
    import typer  # lazy: as in echo

    columns = width()
    rows = [[visible(c) for c in row] for row in rows]
    widths = [max([cells(h)] + [cells(r[i]) for r in rows]) for i, h in enumerate(headers)]
    gap = "  "
    typer.echo(title)
    if sum(widths) + len(gap) * (len(headers) - 1) <= columns:
        def line(values: list[str], color: bool = False) -> str:
            out = []
            for value, w in zip(values, widths):
                pad = " " * (w - cells(value))
                shown = typer.style(value, fg=styles[value]) if color and styles and value in styles else value
                out.append(shown + pad)
            return gap.join(out).rstrip()

        typer.echo(line(headers))
        typer.echo("─" * (sum(widths) + len(gap) * (len(headers) - 1)))
        for row in rows:
            typer.echo(line(row, color=True))
        return
    for row in rows:
        echo(row[0], first="- ", indent="  ")
        echo(" · ".join(f"{h}: {v}" for h, v in zip(headers[1:], row[1:])), first="  ", indent="  ")


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60} m {seconds % 60:02d} d" if seconds >= 60 else f"{seconds} d"


class ProgressLine:
    """sakip.progress on the terminal: one line per stage on stderr and, while PKs are produced,
    a bar (PKs done / total, elapsed, estimate). On a terminal the bar is redrawn in place; piped
    (cron's mail, `make demo`) it is a line at each tenth of the way, never wider than the width."""

    def __init__(self, stream=None, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.shown_tenth = -1
        self.drawn = False

    def _write(self, text: str, redraw: bool = False) -> None:
        if self.drawn:
            self.stream.write("\r\x1b[K")
        self.stream.write(text if redraw else text + "\n")
        self.drawn = redraw
        self.stream.flush()

    def bar(self, state) -> str:
        columns = width() - 1  # a terminal wraps a line that fills the last column
        left = state.remaining()
        tail = f" {state.done}/{state.total} PK · {_duration(state.elapsed())}" + (
            f" · sisa ± {_duration(left)}" if left is not None else "")
        room = max(10, min(30, columns - len(tail) - 2))
        filled = room * state.done // max(state.total, 1)
        return ("[" + "#" * filled + "." * (room - filled) + "]" + tail)[:columns]

    def __call__(self, state, event: str) -> None:
        if event == "stage":
            self.shown_tenth = -1
            for line in wrap(f"sakip: {state.stage} ({_duration(state.elapsed())})"):
                self._write(line)
        elif event in ("planned", "advance") and state.total:
            if self.tty:
                self._write(self.bar(state), redraw=True)
                return
            tenth = 10 * state.done // state.total
            if tenth != self.shown_tenth:
                self.shown_tenth = tenth
                self._write(self.bar(state))
        elif event == "end" and self.drawn:
            self.stream.write("\n")
            self.drawn = False
