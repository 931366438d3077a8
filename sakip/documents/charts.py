"""Charts for the reports: data in the context, drawn by matplotlib only when a template prints them.

A chart travels in a render context as a `Chart` (in a JSON context, an object with the key
"$grafik"), so that `sample_context.json` shows planners what a chart holds; the renderer
turns it into a picture at print resolution at the moment the template prints it, so a
template without the chart does not pay for drawing it.
"""

from __future__ import annotations

import io
import textwrap
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .. import formatting

DPI = 200  # print resolution for a chart printed 16 cm wide: ~1260 px
KINDS = ("batang",)
# Colour-blind-safe, and still distinct when printed in grey.
PALETTE = ("#1f4e79", "#e69f00", "#009e73", "#cc79a7", "#56b4e9")
KEY = "$grafik"


@dataclass(frozen=True)
class Chart:
    """A bar chart: one group of bars per label, one bar per series."""

    judul: str
    label: tuple[str, ...]
    seri: tuple[tuple[str, tuple[float | None, ...]], ...]
    satuan: str = "%"
    garis: float | None = None  # a reference line, e.g. the target at 100 %
    garis_label: str = ""
    warna: tuple[str, ...] = ()  # one colour per label (a single series), else the palette per series
    lebar_cm: float = 16.0
    tinggi_cm: float = 6.0
    catatan: str = field(default="", compare=False)  # printed under the picture by the template
    # Per series, what to write on each bar instead of its value ("" or None: the value). A
    # qualitative result (Tercapai) has a bar for its meaning, not a percentage to print.
    teks: tuple[tuple[str | None, ...], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {KEY: "batang", "judul": self.judul, "label": list(self.label),
                "seri": {name: list(values) for name, values in self.seri}, "satuan": self.satuan,
                "garis": self.garis, "garis_label": self.garis_label, "warna": list(self.warna),
                "lebar_cm": self.lebar_cm, "tinggi_cm": self.tinggi_cm, "catatan": self.catatan,
                **({"teks": [list(t) for t in self.teks]} if self.teks else {})}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Chart":
        if data.get(KEY) not in KINDS:
            raise ValueError(f"jenis grafik '{data.get(KEY)}' tidak dikenal (pilihan: {', '.join(KINDS)})")
        return cls(judul=str(data.get("judul", "")), label=tuple(str(x) for x in data["label"]),
                   seri=tuple((str(k), tuple(None if v is None else float(v) for v in vs)) for k, vs in data["seri"].items()),
                   satuan=str(data.get("satuan", "")), garis=data.get("garis"), garis_label=str(data.get("garis_label", "")),
                   warna=tuple(data.get("warna") or ()), lebar_cm=float(data.get("lebar_cm", 16.0)),
                   tinggi_cm=float(data.get("tinggi_cm", 6.0)), catatan=str(data.get("catatan", "")),
                   teks=tuple(tuple(None if t is None else str(t) for t in ts) for ts in data.get("teks") or ()))

    def __str__(self) -> str:  # what a template printing the chart outside docxtpl shows
        return f"[grafik: {self.judul}]"


def from_json_tree(value: Any) -> Any:
    """A JSON context with every {"$grafik": ...} object turned into a Chart."""
    if isinstance(value, dict):
        if KEY in value:
            return Chart.from_json(value)
        return {k: from_json_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_json_tree(v) for v in value]
    return value


def to_json_tree(value: Any) -> Any:
    if isinstance(value, Chart):
        return value.to_json()
    if isinstance(value, dict):
        return {k: to_json_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_tree(v) for v in value]
    return value


_local = threading.local()


def _figure(width_cm: float, height_cm: float):
    """One figure per thread and size, cleared between charts: creating a figure costs more
    than drawing a small chart."""
    # lazy: matplotlib takes ~2 s to import; a template that prints no chart never loads it
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure  # lazy: after the backend is chosen, as above

    cache = getattr(_local, "figures", None)
    if cache is None:
        cache = _local.figures = {}
    key = (width_cm, height_cm)
    fig = cache.get(key)
    if fig is None:
        fig = cache[key] = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    fig.clear()
    return fig


LABEL_PT = 5.5  # value labels on the bars
TICK_PT = 7.0  # category names under the bars
TITLE_PT = 8.0
PAD_PT = 1.5  # between a bar's end and its label
EM = 0.56  # mean advance of a Liberation Sans character, in ems: sizes the wrapping without a renderer


def _decimal(v: float) -> Decimal:
    # repr gives the shortest decimal that reads back as the float: 97.35, not 97.349999...
    return Decimal(repr(float(v)))


def value_label(v: float | None, whole: bool = False) -> str:
    """A bar's value as the tables print it: two decimals, half up (97,35, 102,00); a count
    (indicators) as a whole number."""
    if v is None:
        return "-"
    return formatting.number(_decimal(v), 0 if whole else 2)


def _ticks(values: list[float]) -> list[str]:
    """Axis ticks in Indonesian notation (0,5; 1.000), every tick with the same number of
    decimals, no more than the ticks need."""
    # A locator's float noise (0.30000000000000004) is not a third decimal.
    exact = [_decimal(round(v, 9)) for v in values]
    places = 0
    while places < 2 and any(v != v.quantize(Decimal(1).scaleb(-places)) for v in exact):
        places += 1
    return [formatting.number(v, places) for v in exact]


def _tick_formatter():
    from matplotlib.ticker import Formatter  # lazy: matplotlib is imported only when a chart is drawn

    class IndonesianTicks(Formatter):
        def __call__(self, x: float, pos: int | None = None) -> str:
            return _ticks([x])[0]

        def format_ticks(self, values: Any) -> list[str]:
            return _ticks(list(values))

    return IndonesianTicks()


def _wrap(text: str, width_pt: float, size_pt: float) -> str:
    return textwrap.fill(text, max(4, int(width_pt / (size_pt * EM))), break_long_words=False)


def _lines(text: str) -> int:
    return text.count("\n") + 1 if text else 0


def _ink(colour: str) -> str:
    """Black or white, whichever reads on the bar's colour."""
    from matplotlib.colors import to_rgb  # lazy: matplotlib is imported only when a chart is drawn

    r, g, b = to_rgb(colour)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "white"


def figure(chart: Chart, dpi: int = DPI):
    """The chart drawn on a matplotlib Figure (one per thread and size, reused by the next
    chart): what `png` saves, and what tests read tick and label texts from."""
    many = len(chart.label) > 12
    legend = len(chart.seri) > 1 or bool(chart.garis_label)
    width_pt = chart.lebar_cm / 2.54 * 72
    left_pt, right_pt = 0.08 * width_pt, 0.01 * width_pt
    axes_w = width_pt - left_pt - right_pt
    # A long title (an LKjIP sasaran of 150+ characters) wraps, and the picture grows by its extra
    # lines instead of the plot shrinking under it.
    title = _wrap(chart.judul, width_pt * 0.96, TITLE_PT)
    title_h = _lines(title) * TITLE_PT * 1.25
    extra_pt = max(0, _lines(title) - 1) * TITLE_PT * 1.25
    height_pt = chart.tinggi_cm / 2.54 * 72 + extra_pt
    # Category names wrap to the width of their own group, so neighbours never run into each other.
    slot = axes_w / max(1, len(chart.label))
    shown = list(chart.label) if many else [_wrap(label, slot * 0.95, TICK_PT) for label in chart.label]
    if many:
        bottom_pt = max((len(t) for t in shown), default=1) * TICK_PT * EM + 10
    else:
        bottom_pt = max((_lines(t) for t in shown), default=1) * TICK_PT * 1.2 + 8
    # 8 pt of air over the title: templates place a chart right under a table
    top_pt = 8 + title_h + (TITLE_PT * 1.6 if legend else 0)
    fig = _figure(chart.lebar_cm, round(height_pt / 72 * 2.54, 3))
    fig.set_dpi(dpi)
    fig.subplots_adjust(left=left_pt / width_pt, right=1 - right_pt / width_pt,
                        top=1 - top_pt / height_pt, bottom=bottom_pt / height_pt)
    ax = fig.add_subplot()
    axes_h = height_pt - top_pt - bottom_pt
    n = max(1, len(chart.seri))
    width = 0.8 / n
    font = {"family": "Liberation Sans", "size": TICK_PT}
    xs = range(len(chart.label))
    whole = "%" not in chart.satuan and all(v is None or float(v).is_integer() for _, vs in chart.seri for v in vs)
    drawn: list[tuple[float, float | None, str, str]] = []  # x, value, label, bar colour
    for i, (name, values) in enumerate(chart.seri):
        offsets = [x - 0.4 + width * (i + 0.5) for x in xs]
        heights = [0.0 if v is None else v for v in values]
        colours = list(chart.warna) if chart.warna and n == 1 else [PALETTE[i % len(PALETTE)]] * len(values)
        ax.bar(offsets, heights, width * 0.92, label=name, color=colours)
        texts = chart.teks[i] if i < len(chart.teks) else ()
        drawn += [(offsets[j], v, texts[j] if j < len(texts) and texts[j] else value_label(v, whole),
                   colours[j % len(colours)]) for j, v in enumerate(values)]
    if chart.garis is not None:
        ax.axhline(chart.garis, color="#c00000", linewidth=0.8, linestyle="--", label=chart.garis_label or None)
    if whole:  # a count has no half indicator: ticks 0, 1, 2, never 0,5 or "2,0"
        from matplotlib.ticker import MaxNLocator  # lazy: matplotlib is imported only when a chart is drawn

        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(_tick_formatter())
    ax.set_xticks(list(xs), shown, rotation=90 if many else 0, fontdict=font)
    ax.tick_params(axis="y", labelsize=6.5)
    ax.set_ylabel(chart.satuan, fontdict=font)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.05)
    if not many:
        _label_bars(ax, drawn, chart.garis, axes_h, bar_pt=slot * width * 0.92)
    if chart.judul:
        fig.suptitle(title, y=1 - 7 / height_pt, va="top", fontfamily="Liberation Sans", fontsize=TITLE_PT,
                     fontweight="bold", linespacing=1.1)
    if legend:
        ax.legend(prop={"family": "Liberation Sans", "size": 6.5}, frameon=False, ncols=n + 1, loc="lower center",
                  bbox_to_anchor=(0.5, 1.0), borderaxespad=0.2)
    return fig


def _label_bars(ax: Any, drawn: list[tuple[float, float | None, str, str]], line: float | None,
                axes_h: float, bar_pt: float) -> None:
    """Each bar's value at its end, never across the reference line: a label that would sit on the
    line goes inside its bar (or, on a bar too short to hold it, above the line). Labels wider than
    their bar stand upright. The value axis grows to hold the labels."""
    upright = any(len(t) * LABEL_PT * EM > bar_pt for _, _, t, _ in drawn)

    def span_pt(text: str) -> float:
        # 3 pt of air over the label, so that the highest does not touch the legend above the plot
        return PAD_PT + 3 + (len(text) * LABEL_PT * EM if upright else LABEL_PT * 1.2)

    lo, hi = ax.get_ylim()
    for _ in range(2):  # the limits hold the labels, whose size in data units depends on the limits
        unit = (hi - lo) / axes_h  # data per point
        need_hi = max([hi] + [(v or 0) + span_pt(t) * unit for _, v, t, _ in drawn if (v or 0) >= 0])
        need_lo = min([lo] + [v - span_pt(t) * unit for _, v, t, _ in drawn if v is not None and v < 0])
        if line is not None:
            need_hi = max(need_hi, line + max(span_pt(t) for _, _, t, _ in drawn) * unit if drawn else need_hi)
        hi, lo = need_hi, need_lo
    ax.set_ylim(lo, hi)
    unit = (hi - lo) / axes_h
    rotation = 90 if upright else 0
    for x, v, text, colour in drawn:
        top = v or 0.0
        span = span_pt(text) * unit
        where, offset, va, ink = top, PAD_PT, "bottom", "black"
        if top < 0:
            offset, va = -PAD_PT, "top"
        elif line is not None and top - unit <= line <= top + span + unit:
            if top - span * 1.1 >= max(lo, 0):
                offset, va, ink = -PAD_PT, "top", _ink(colour)
            else:
                where = line + unit
        ax.annotate(text, (x, where), xytext=(0, offset), textcoords="offset points", ha="center", va=va,
                    rotation=rotation, fontsize=LABEL_PT, fontfamily="Liberation Sans", color=ink)


def png(chart: Chart, dpi: int = DPI) -> bytes:
    """The chart as a PNG at print resolution (Liberation Sans, the metric twin of Arial)."""
    fig = figure(chart, dpi)
    out = io.BytesIO()
    # Transparent around the plot: a picture placed tight under a table must not paint over the
    # table's bottom border (it did on the recap's first page at screen resolution).
    fig.savefig(out, format="png", dpi=dpi, transparent=True, pil_kwargs={"compress_level": 1})
    return out.getvalue()
