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
from typing import Any

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
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    cache = getattr(_local, "figures", None)
    if cache is None:
        cache = _local.figures = {}
    key = (width_cm, height_cm)
    fig = cache.get(key)
    if fig is None:
        fig = cache[key] = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    fig.clear()
    return fig


def _value_label(v: float | None, whole: bool = False) -> str:
    """A bar's value in Indonesian notation; a count (indicators) without a decimal."""
    if v is None:
        return "-"
    return f"{v:,.0f}".replace(",", ".") if whole else f"{v:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def png(chart: Chart, dpi: int = DPI) -> bytes:
    """The chart as a PNG at print resolution (Liberation Sans, the metric twin of Arial)."""
    fig = _figure(chart.lebar_cm, chart.tinggi_cm)
    many = len(chart.label) > 12
    legend = len(chart.seri) > 1 or bool(chart.garis_label)
    top = 1.0 - (0.1 if chart.judul else 0.03) - (0.09 if legend else 0)
    # Long category names ("Tidak tercapai (kualitatif)") wrap instead of running into each other.
    shown = list(chart.label) if many else [textwrap.fill(label, 16) for label in chart.label]
    lines = max((t.count("\n") + 1 for t in shown), default=1)
    fig.subplots_adjust(left=0.08, right=0.99, top=top, bottom=0.24 if many else 0.12 + 0.05 * (lines - 1))
    ax = fig.add_subplot()
    n = max(1, len(chart.seri))
    width = 0.8 / n
    font = {"family": "Liberation Sans", "size": 7}
    xs = range(len(chart.label))
    for i, (name, values) in enumerate(chart.seri):
        offsets = [x - 0.4 + width * (i + 0.5) for x in xs]
        heights = [0.0 if v is None else v for v in values]
        colours = list(chart.warna) if chart.warna and n == 1 else PALETTE[i % len(PALETTE)]
        bars = ax.bar(offsets, heights, width * 0.92, label=name, color=colours)
        if not many:
            texts = chart.teks[i] if i < len(chart.teks) else ()
            whole = "%" not in chart.satuan and all(v is None or float(v).is_integer() for v in values)
            ax.bar_label(bars, labels=[texts[j] if j < len(texts) and texts[j] else _value_label(v, whole)
                                       for j, v in enumerate(values)], fontsize=5.5, padding=1, fontfamily="Liberation Sans")
    if chart.garis is not None:
        ax.axhline(chart.garis, color="#c00000", linewidth=0.8, linestyle="--", label=chart.garis_label or None)
    ax.set_xticks(list(xs), shown, rotation=90 if many else 0, fontdict=font)
    ax.tick_params(axis="y", labelsize=6.5)
    ax.set_ylabel(chart.satuan, fontdict=font)
    ax.spines[["top", "right"]].set_visible(False)
    ax.margins(y=0.15)
    if chart.judul:
        fig.suptitle(chart.judul, y=0.985, va="top", fontfamily="Liberation Sans", fontsize=8, fontweight="bold")
    if legend:
        ax.legend(prop={"family": "Liberation Sans", "size": 6.5}, frameon=False, ncols=n + 1, loc="lower center",
                  bbox_to_anchor=(0.5, 1.0), borderaxespad=0.2)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return out.getvalue()
