"""Charts for the reports: data in the context, drawn (with Pillow) only when a template prints them.

A chart travels in a render context as a `Chart` (in a JSON context, an object with the key
"$grafik"), so that `sample_context.json` shows planners what a chart holds; the renderer
turns it into a picture at print resolution at the moment the template prints it, so a
template without the chart does not pay for drawing it.
"""

from __future__ import annotations

import functools
import math
import struct
import textwrap
import threading
import zlib
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


def _wrap(text: str, width_pt: float, size_pt: float) -> str:
    return textwrap.fill(text, max(4, int(width_pt / (size_pt * EM))), break_long_words=False)


def _lines(text: str) -> int:
    return text.count("\n") + 1 if text else 0


TICK_Y_PT = 6.5  # value axis ticks and the legend
LINE_PT = 0.8  # axes, tick marks and the target line
TICK_LEN_PT = 3.5
TICK_PAD_PT = 3.5  # between a tick mark and its text
TARGET_COLOUR = "#c00000"
DASH_PT = (2.96, 1.28)  # on, off
FONT_FILES = {False: "LiberationSans-Regular.ttf", True: "LiberationSans-Bold.ttf"}


@dataclass(frozen=True)
class Text:
    """A text as drawn: what tests and reviewers read, with its ink box in pixels (y down)."""

    role: str  # judul, legenda, sumbu (value axis ticks), satuan, kategori, nilai (a bar's label)
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass
class Drawing:
    image: Any  # PIL.Image.Image, RGBA, transparent around the ink
    texts: list[Text]
    target_y: float | None  # the reference line's row in pixels

    def of(self, role: str) -> list[str]:
        return [t.text for t in self.texts if t.role == role]

    def boxes(self, role: str) -> list[tuple[float, float, float, float]]:
        return [t.box for t in self.texts if t.role == role]


_local = threading.local()


def _font(size_px: float, bold: bool = False):
    """Liberation Sans at a pixel size, one object per thread: a FreeType face is not safe to
    render from two threads at once."""
    fonts = getattr(_local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = {}
    font = fonts.get((size_px, bold))
    if font is None:
        from PIL import ImageFont  # lazy: Pillow is loaded only when a chart is drawn

        try:
            font = fonts[(size_px, bold)] = ImageFont.truetype(_font_path(bold), size_px)
        except OSError as exc:
            raise RuntimeError(f"huruf {FONT_FILES[bold]} (Liberation Sans) tidak ditemukan: pasang fonts-liberation2") from exc
    return font


@functools.cache
def _font_path(bold: bool) -> str:
    from PIL import ImageFont  # lazy: as above

    # Pillow looks for a bare file name in the system's font folders (a walk, so done once).
    return ImageFont.truetype(FONT_FILES[bold], 10).path


def _ink(colour: str) -> str:
    """Black or white, whichever reads on the bar's colour."""
    from PIL import ImageColor  # lazy: as _font

    r, g, b = ImageColor.getrgb(colour)[:3]
    return "black" if (0.299 * r + 0.587 * g + 0.114 * b) / 255 > 0.55 else "white"


def _tick_values(lo: float, hi: float, axis_pt: float, whole: bool) -> list[float]:
    """Round ticks inside [lo, hi], at most one per two tick-label heights and ten in all, on
    steps of 1, 2, 2,5 or 5 times a power of ten (a count: whole steps only), as matplotlib's
    MaxNLocator chose them."""
    bins = max(1, min(9, int(axis_pt // (TICK_Y_PT * 2))))
    scale = 10.0 ** math.floor(math.log10((hi - lo) / bins))
    step = scale * 10
    for s in (1, 2, 2.5, 5, 10):
        candidate = s * scale
        if whole and (candidate < 1 or not float(candidate).is_integer()):
            continue
        if math.ceil(hi / candidate - 1e-9) - math.floor(lo / candidate + 1e-9) <= bins:
            step = candidate
            break
    first, last = math.ceil(lo / step - 1e-9), math.floor(hi / step + 1e-9)
    return [k * step + 0.0 for k in range(first, last + 1)]


def _limits(chart: Chart) -> tuple[float, float]:
    """The value axis as matplotlib autoscaled it: the bars (from 0) and the reference line, 5 %
    of air beyond the data except at 0, where the bars stand."""
    values = [0.0] + [v for _, vs in chart.seri for v in vs if v is not None]
    if chart.garis is not None:
        values.append(float(chart.garis))
    lo, hi = min(values), max(values)
    if hi == lo:
        hi = lo + 1.0
    pad = 0.05 * (hi - lo)
    return (lo if lo == 0 else lo - pad), (hi if hi == 0 else hi + pad)


class _Canvas:
    """Pillow drawing in points, and the texts drawn, with their boxes."""

    def __init__(self, width_pt: float, height_pt: float, dpi: int) -> None:
        from PIL import Image, ImageDraw  # lazy: as _font

        self.scale = dpi / 72
        self.image = Image.new("RGBA", (round(width_pt * self.scale), round(height_pt * self.scale)), (0, 0, 0, 0))
        self.draw = ImageDraw.Draw(self.image)
        self.texts: list[Text] = []

    def rect(self, x0: float, y0: float, x1: float, y1: float, colour: str) -> None:
        s = self.scale
        x0, x1 = sorted((x0 * s, x1 * s))
        y0, y1 = sorted((y0 * s, y1 * s))
        # Pillow's rectangle includes its last pixel: a box ends one pixel short of its edge.
        self.draw.rectangle((round(x0), round(y0), max(round(x0), round(x1) - 1), max(round(y0), round(y1) - 1)), fill=colour)

    def hline(self, x0: float, x1: float, y: float, colour: str = "black", dash: tuple[float, float] | None = None) -> None:
        half = LINE_PT / 2
        if dash is None:
            self.rect(x0, y - half, x1, y + half, colour)
            return
        x = x0
        while x < x1:
            self.rect(x, y - half, min(x1, x + dash[0]), y + half, colour)
            x += dash[0] + dash[1]

    def vline(self, x: float, y0: float, y1: float) -> None:
        self.rect(x - LINE_PT / 2, y0, x + LINE_PT / 2, y1, "black")

    def width(self, text: str, size_pt: float, bold: bool = False) -> float:
        """The advance of a line of text, in points."""
        return _font(size_pt * self.scale, bold).getlength(text) / self.scale

    def text(self, role: str, text: str, x: float, y: float, size_pt: float, anchor: str, *, bold: bool = False,
             colour: str = "black", upright: bool = False, step_pt: float = 0.0) -> None:
        """`text` (lines centred under each other, `step_pt` apart) anchored at (x, y) in points:
        anchor is Pillow's two letters, horizontal (l, m, r) and vertical (a: top, m, d: bottom);
        upright text reads from bottom to top, the anchor applied to the turned box."""
        s = self.scale
        font = _font(size_pt * s, bold)
        lines = text.split("\n")
        step = step_pt * s
        ascent, descent = font.getmetrics()
        # A line's box starts at the top of an "l", as matplotlib's did, not at the font's ascender
        # (a fifth of an em higher): text hung under a tick sits where it sat.
        lead = ascent + font.getbbox("l", anchor="ls")[1]
        w = max(font.getlength(line) for line in lines)
        h = ascent + descent + step * (len(lines) - 1) - lead
        bw, bh = (h, w) if upright else (w, h)
        left = {"l": 0.0, "m": bw / 2, "r": bw}[anchor[0]]
        top = {"a": 0.0, "m": bh / 2, "d": bh}[anchor[1]]
        x0, y0 = x * s - left, y * s - top
        if upright:
            from PIL import Image, ImageDraw  # lazy: as _font

            mask = Image.new("L", (math.ceil(w) + 2, math.ceil(h) + 2), 0)  # h already without the lead
            pen = ImageDraw.Draw(mask)
            for i, line in enumerate(lines):
                pen.text((1 + w / 2, 1 - lead + i * step), line, font=font, fill=255, anchor="ma")
            mask = mask.transpose(Image.Transpose.ROTATE_90)
            self.image.paste(colour, (round(x0) - 1, round(y0) - 1), mask)
        else:
            for i, line in enumerate(lines):
                self.draw.text((x0 + w / 2, y0 - lead + i * step), line, font=font, fill=colour, anchor="ma")
        self.texts.append(Text(role, text, (x0, y0, x0 + bw, y0 + bh)))


def drawing(chart: Chart, dpi: int = DPI) -> Drawing:
    """The chart drawn with Pillow, in the layout the matplotlib version had (sizes in points,
    Liberation Sans): what `png` encodes, and what tests read texts and their boxes from."""
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
    n_labels = max(1, len(chart.label))
    slot = axes_w / n_labels
    shown = list(chart.label) if many else [_wrap(label, slot * 0.95, TICK_PT) for label in chart.label]
    if many:
        bottom_pt = max((len(t) for t in shown), default=1) * TICK_PT * EM + 10
    else:
        bottom_pt = max((_lines(t) for t in shown), default=1) * TICK_PT * 1.2 + 8
    # 8 pt of air over the title: templates place a chart right under a table
    top_pt = 8 + title_h + (TITLE_PT * 1.6 if legend else 0)
    axes_h = height_pt - top_pt - bottom_pt
    ax_x0, ax_x1, ax_top, ax_bottom = left_pt, width_pt - right_pt, top_pt, height_pt - bottom_pt
    n = max(1, len(chart.seri))
    width = 0.8 / n
    whole = "%" not in chart.satuan and all(v is None or float(v).is_integer() for _, vs in chart.seri for v in vs)
    drawn: list[tuple[float, float | None, str, str]] = []  # x, value, label, bar colour
    series_colours: list[str] = []
    for i, (name, values) in enumerate(chart.seri):
        colours = list(chart.warna) if chart.warna and n == 1 else [PALETTE[i % len(PALETTE)]] * len(values)
        series_colours.append(colours[0] if colours else PALETTE[0])
        texts = chart.teks[i] if i < len(chart.teks) else ()
        drawn += [(j - 0.4 + width * (i + 0.5), v, texts[j] if j < len(texts) and texts[j] else value_label(v, whole),
                   colours[j % len(colours)]) for j, v in enumerate(values)]
    lo, hi = _limits(chart)
    if not many:
        lo, hi, placed = _label_places(drawn, chart.garis, lo, hi, axes_h, bar_pt=slot * width * 0.92)

    # matplotlib's x limits: the outer bar edges and 5 % of their span beyond them
    edge = 0.4 - width * 0.04
    x_lo, x_hi = -edge, n_labels - 1 + edge
    x_lo, x_hi = x_lo - 0.05 * (x_hi - x_lo), x_hi + 0.05 * (x_hi - x_lo)

    def px(x: float) -> float:
        return ax_x0 + (x - x_lo) / (x_hi - x_lo) * axes_w

    def py(v: float) -> float:
        return ax_bottom - (v - lo) / (hi - lo) * axes_h

    c = _Canvas(width_pt, height_pt, dpi)
    half_bar = width * 0.92 / 2
    for x, v, _, colour in drawn:
        if v:
            c.rect(px(x - half_bar), py(v), px(x + half_bar), py(0.0), colour)
    target_y = None
    if chart.garis is not None:
        target_y = py(float(chart.garis))
        c.hline(ax_x0, ax_x1, target_y, TARGET_COLOUR, DASH_PT)
    # the axes over the bars, as matplotlib drew its spines
    c.vline(ax_x0, ax_top, ax_bottom + LINE_PT / 2)
    c.hline(ax_x0 - LINE_PT / 2, ax_x1, ax_bottom)
    ticks = _tick_values(lo, hi, axes_h, whole)
    tick_texts = _ticks(ticks)
    for v, text in zip(ticks, tick_texts):
        c.hline(ax_x0 - TICK_LEN_PT, ax_x0, py(v))
        c.text("sumbu", text, ax_x0 - TICK_LEN_PT - TICK_PAD_PT, py(v), TICK_Y_PT, "rm")
    for j, text in enumerate(shown):
        c.vline(px(j), ax_bottom, ax_bottom + TICK_LEN_PT)
        c.text("kategori", text, px(j), ax_bottom + TICK_LEN_PT + TICK_PAD_PT, TICK_PT, "ma",
               upright=many, step_pt=TICK_PT * 1.2)
    if chart.satuan:
        widest = max((c.width(t, TICK_Y_PT) for t in tick_texts), default=0.0)
        c.text("satuan", chart.satuan, ax_x0 - TICK_LEN_PT - TICK_PAD_PT - widest - 4, (ax_top + ax_bottom) / 2,
               TICK_PT, "rm", upright=True)
    if not many:
        for x, where, offset, va, ink, text in placed:
            c.text("nilai", text, px(x), py(where) - offset, LABEL_PT, "ma" if va == "top" else "md",
                   colour=ink, upright=_upright(drawn, slot * width * 0.92))
    if chart.judul:
        c.text("judul", title, width_pt / 2, 7, TITLE_PT, "ma", bold=True, step_pt=TITLE_PT * 1.2)
    if legend:
        _legend(c, [(name, series_colours[i]) for i, (name, _) in enumerate(chart.seri)], chart.garis_label,
                (ax_x0 + ax_x1) / 2, ax_top - TICK_Y_PT * 0.6)
    return Drawing(c.image, c.texts, None if target_y is None else target_y * c.scale)


def _legend(c: _Canvas, series: list[tuple[str, str]], line_label: str, centre: float, bottom: float) -> None:
    """One row over the plot: a swatch per series, a dashed stroke for the reference line."""
    em = TICK_Y_PT
    # the reference line first, as matplotlib listed it
    entries = ([(line_label, "")] if line_label else []) + series
    widths = [2 * em + 0.8 * em + c.width(name, TICK_Y_PT) for name, _ in entries]
    x = centre - (sum(widths) + 2 * em * (len(entries) - 1)) / 2
    mid = bottom - em * 0.6
    for (name, colour), w in zip(entries, widths):
        if colour:
            c.rect(x, mid - 0.35 * em, x + 2 * em, mid + 0.35 * em, colour)
        else:
            c.hline(x, x + 2 * em, mid, TARGET_COLOUR, DASH_PT)
        c.text("legenda", name, x + 2.8 * em, mid, TICK_Y_PT, "lm")
        x += w + 2 * em


def _upright(drawn: list[tuple[float, float | None, str, str]], bar_pt: float) -> bool:
    """Labels wider than their bar stand upright, all of them."""
    return any(len(t) * LABEL_PT * EM > bar_pt for _, _, t, _ in drawn)


def _label_places(drawn: list[tuple[float, float | None, str, str]], line: float | None, lo: float, hi: float,
                  axes_h: float, bar_pt: float) -> tuple[float, float, list[tuple[float, float, float, str, str, str]]]:
    """Each bar's value at its end, never across the reference line: a label that would sit on the
    line goes inside its bar (or, on a bar too short to hold it, above the line). The value axis
    grows to hold the labels: returns the axis limits and, per label, (x, value where it is
    anchored, offset in points upwards, "top"/"bottom" edge at the anchor, colour, text)."""
    upright = _upright(drawn, bar_pt)

    def span_pt(text: str) -> float:
        # 3 pt of air over the label, so that the highest does not touch the legend above the plot
        return PAD_PT + 3 + (len(text) * LABEL_PT * EM if upright else LABEL_PT * 1.2)

    for _ in range(2):  # the limits hold the labels, whose size in data units depends on the limits
        unit = (hi - lo) / axes_h  # data per point
        need_hi = max([hi] + [(v or 0) + span_pt(t) * unit for _, v, t, _ in drawn if (v or 0) >= 0])
        need_lo = min([lo] + [v - span_pt(t) * unit for _, v, t, _ in drawn if v is not None and v < 0])
        if line is not None:
            need_hi = max(need_hi, line + max(span_pt(t) for _, _, t, _ in drawn) * unit if drawn else need_hi)
        hi, lo = need_hi, need_lo
    unit = (hi - lo) / axes_h
    placed = []
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
        placed.append((x, where, offset, va, ink, text))
    return lo, hi, placed


def png(chart: Chart, dpi: int = DPI) -> bytes:
    """The chart as a PNG at print resolution (Liberation Sans, the metric twin of Arial)."""
    # Transparent around the plot: a picture placed tight under a table must not paint over the
    # table's bottom border (it did on the recap's first page at screen resolution).
    return _encode_png(drawing(chart, dpi).image, dpi)


def _encode_png(image: Any, dpi: int) -> bytes:
    """An RGBA image as a PNG with unfiltered rows. Pillow's encoder tries all five PNG filters on
    every row of an RGBA image and has no option to skip that: it took longer than drawing the
    chart, for a file ~30 % smaller that the .docx deflates again anyway."""
    width, height = image.size
    raw = memoryview(image.tobytes())
    stride = width * 4
    rows = b"".join(b"\0" + raw[y * stride:(y + 1) * stride] for y in range(height))  # filter 0: none
    per_metre = round(dpi / 0.0254)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"".join((b"\x89PNG\r\n\x1a\n",
                     chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)),  # 8-bit RGBA
                     chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
                     chunk(b"IDAT", zlib.compress(rows, 1)),
                     chunk(b"IEND", b"")))
