"""Charts as an Indonesian official reads them: checked on the matplotlib objects a PNG is
saved from (tick texts, value labels, their boxes), not on pixels."""

from __future__ import annotations

from sakip.documents import charts
from sakip.documents.charts import Chart

LONG_SASARAN = ("Meningkatnya kualitas tata kelola pemerintahan yang akuntabel, transparan dan berorientasi "
                "hasil melalui penguatan pengawasan internal dan sistem akuntabilitas kinerja instansi pemerintah daerah")
DISTRIBUTION = Chart("Sebaran predikat capaian Triwulan II Tahun 2026",
                     ("Sangat Baik", "Baik", "Cukup", "Kurang", "Sangat Kurang", "Tercapai (kualitatif)",
                      "Tidak tercapai (kualitatif)", "Tidak dapat dihitung", "Belum diukur"),
                     (("Jumlah indikator", (3.0, 2.0, 1.0, 0.0, 1.0, 1.0, 0.0, 2.0, 2.0)),),
                     satuan="indikator", lebar_cm=15.0, tinggi_cm=5.5)
CAPAIAN = Chart("Capaian indikator Triwulan II Tahun 2026 (% terhadap target)", ("IK-01", "IK-02", "IK-03", "IK-04"),
                (("Capaian TW II", (97.35, 101.85, 100.0, 45.5)), ("Capaian s.d. TW II", (98.0, 99.5, 120.25, -50.0))),
                garis=100.0, garis_label="Target (100 %)")


def drawn(chart: Chart):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = charts.figure(chart, dpi=60)
    FigureCanvasAgg(fig).draw()
    return fig, fig.axes[0]


def y_ticks(ax) -> list[str]:
    return [t.get_text() for t in ax.get_yticklabels() if t.get_text()]


def labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_a_count_axis_has_whole_ticks_and_whole_labels():
    _, ax = drawn(DISTRIBUTION)
    ticks = y_ticks(ax)
    assert ticks and all(t.isdigit() for t in ticks), ticks  # 0 1 2 3, never "2,0" or "0.5"
    assert labels(ax) == ["3", "2", "1", "0", "1", "1", "0", "2", "2"]


def test_a_small_count_axis_does_not_step_by_halves():
    _, ax = drawn(Chart("Sebaran", ("A", "B"), (("Jumlah indikator", (1.0, 3.0)),), satuan="indikator"))
    assert all("," not in t and "." not in t for t in y_ticks(ax)), y_ticks(ax)


def test_percent_ticks_and_labels_are_written_as_the_tables_write_them():
    _, ax = drawn(CAPAIAN)
    # two decimals, half up, decimal comma: 97,35 and 101,85, not "97,3" / "101,8"
    assert labels(ax) == ["97,35", "101,85", "100,00", "45,50", "98,00", "99,50", "120,25", "-50,00"]
    assert all("." not in t and "\u2212" not in t for t in y_ticks(ax)), y_ticks(ax)
    assert "-50" in y_ticks(ax)


def test_fractional_ticks_use_a_decimal_comma():
    assert charts._ticks([0.0, 0.5, 1.0, 1.5]) == ["0,0", "0,5", "1,0", "1,5"]
    assert charts._ticks([0.0, 1000.0, 2000.0]) == ["0", "1.000", "2.000"]
    assert charts._ticks([0.0, 0.1 + 0.2, 0.6000000000000001]) == ["0,0", "0,3", "0,6"]
    assert charts.value_label(97.345) == "97,35"  # half up, as formatting.round2


def test_no_value_label_sits_on_the_target_line():
    fig, ax = drawn(CAPAIAN)
    renderer = fig.canvas.get_renderer()
    line_y = ax.transData.transform((0, 100.0))[1]
    for text in ax.texts:
        box = text.get_window_extent(renderer)
        assert not box.y0 - 1 <= line_y <= box.y1 + 1, (text.get_text(), box, line_y)


def test_category_names_do_not_run_into_each_other():
    fig, ax = drawn(DISTRIBUTION)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
    assert any("\n" in t.get_text() for t in ax.get_xticklabels())  # "Tidak tercapai (kualitatif)" wraps
    for left, right in zip(boxes, boxes[1:]):
        assert left.x1 < right.x0, (left, right)


def test_a_long_title_wraps_inside_the_picture():
    chart = Chart(f"Capaian per tahun: {LONG_SASARAN}", tuple(f"IK-{i:02d}" for i in range(1, 13)),
                  tuple((str(y), tuple(90.0 + i for i in range(12))) for y in (2024, 2025, 2026)),
                  satuan="% capaian", garis=100.0, garis_label="Target (100 %)", lebar_cm=15.0, tinggi_cm=5.5)
    fig, ax = drawn(chart)
    renderer = fig.canvas.get_renderer()
    title = fig._suptitle
    assert title.get_text().replace("\n", " ") == chart.judul and title.get_text().count("\n") >= 1
    box, page = title.get_window_extent(renderer), fig.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and box.y1 <= page.y1
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y1 < box.y0  # the legend under the title, not over it
    for text in ax.texts:  # the labels stay inside the picture too
        t = text.get_window_extent(renderer)
        assert page.y0 <= t.y0 and t.y1 <= legend.y0 + 1, text.get_text()


def test_the_picture_is_transparent_around_the_plot():
    """Placed tight under a table, the picture must not paint over the table's bottom border."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(charts.png(DISTRIBUTION, dpi=50))).convert("RGBA")
    assert image.getpixel((image.width // 2, 0))[3] == 0 and image.getpixel((0, image.height - 1))[3] == 0
