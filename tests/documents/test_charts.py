"""Charts as an Indonesian official reads them: checked on the texts drawn into the picture a
PNG is saved from (tick texts, value labels, their ink boxes), not on pixels."""

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


def drawn(chart: Chart) -> charts.Drawing:
    return charts.drawing(chart, dpi=60)


def y_ticks(d: charts.Drawing) -> list[str]:
    return d.of("sumbu")


def labels(d: charts.Drawing) -> list[str]:
    return d.of("nilai")


def test_a_count_axis_has_whole_ticks_and_whole_labels():
    d = drawn(DISTRIBUTION)
    ticks = y_ticks(d)
    assert ticks and all(t.isdigit() for t in ticks), ticks  # 0 1 2 3, never "2,0" or "0.5"
    assert labels(d) == ["3", "2", "1", "0", "1", "1", "0", "2", "2"]


def test_a_small_count_axis_does_not_step_by_halves():
    d = drawn(Chart("Sebaran", ("A", "B"), (("Jumlah indikator", (1.0, 3.0)),), satuan="indikator"))
    assert all("," not in t and "." not in t for t in y_ticks(d)), y_ticks(d)


def test_percent_ticks_and_labels_are_written_as_the_tables_write_them():
    d = drawn(CAPAIAN)
    # two decimals, half up, decimal comma: 97,35 and 101,85, not "97,3" / "101,8"
    assert labels(d) == ["97,35", "101,85", "100,00", "45,50", "98,00", "99,50", "120,25", "-50,00"]
    assert all("." not in t and "\u2212" not in t for t in y_ticks(d)), y_ticks(d)
    assert "-50" in y_ticks(d)


def test_fractional_ticks_use_a_decimal_comma():
    assert charts._ticks([0.0, 0.5, 1.0, 1.5]) == ["0,0", "0,5", "1,0", "1,5"]
    assert charts._ticks([0.0, 1000.0, 2000.0]) == ["0", "1.000", "2.000"]
    assert charts._ticks([0.0, 0.1 + 0.2, 0.6000000000000001]) == ["0,0", "0,3", "0,6"]
    assert charts.value_label(97.345) == "97,35"  # half up, as formatting.round2


def test_no_value_label_sits_on_the_target_line():
    d = drawn(CAPAIAN)
    assert d.target_y is not None and labels(d)
    for text in d.texts:
        if text.role == "nilai":
            assert not text.box[1] - 1 <= d.target_y <= text.box[3] + 1, (text, d.target_y)


def test_category_names_do_not_run_into_each_other():
    d = drawn(DISTRIBUTION)
    boxes = d.boxes("kategori")
    assert len(boxes) == 9 and any("\n" in t for t in d.of("kategori"))  # "Tidak tercapai (kualitatif)" wraps
    for left, right in zip(boxes, boxes[1:]):
        assert left[2] < right[0], (left, right)
    assert all(box[3] <= d.image.height for box in boxes)  # three lines still inside the picture


def test_a_long_title_wraps_inside_the_picture():
    chart = Chart(f"Capaian per tahun: {LONG_SASARAN}", tuple(f"IK-{i:02d}" for i in range(1, 13)),
                  tuple((str(y), tuple(90.0 + i for i in range(12))) for y in (2024, 2025, 2026)),
                  satuan="% capaian", garis=100.0, garis_label="Target (100 %)", lebar_cm=15.0, tinggi_cm=5.5)
    d = drawn(chart)
    [title] = d.of("judul")
    assert title.replace("\n", " ") == chart.judul and title.count("\n") >= 1
    [box] = d.boxes("judul")
    width, height = d.image.size
    assert 0 <= box[0] and box[2] <= width and 0 <= box[1]
    assert d.of("legenda") == ["Target (100 %)", "2024", "2025", "2026"]
    legend_top = min(b[1] for b in d.boxes("legenda"))
    legend_bottom = max(b[3] for b in d.boxes("legenda"))
    assert box[3] < legend_top  # the legend under the title, not over it
    for t in d.boxes("nilai"):  # the labels stay inside the picture too, under the legend
        assert legend_bottom - 1 <= t[1] and t[3] <= height, t


def test_the_picture_is_transparent_around_the_plot():
    """Placed tight under a table, the picture must not paint over the table's bottom border."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(charts.png(DISTRIBUTION, dpi=50))).convert("RGBA")
    assert image.getpixel((image.width // 2, 0))[3] == 0 and image.getpixel((0, image.height - 1))[3] == 0


def test_the_bars_and_the_target_line_are_in_the_picture():
    d = charts.drawing(CAPAIAN, dpi=100)
    image = d.image.convert("RGBA")
    # IK-03's second bar (120,25) crosses the target line's row in the palette's second colour,
    # the line itself is drawn in red between the groups.
    [label] = [t for t in d.texts if t.text == "120,25"]
    x = round((label.box[0] + label.box[2]) / 2)
    assert image.getpixel((x, round(label.box[3]) + 5))[:3] == (0xe6, 0x9f, 0x00)
    assert d.target_y is not None
    rows = [image.getpixel((col, round(d.target_y) + dy))[:3] for dy in (-1, 0, 1) for col in range(image.width // 2, image.width - 5)]
    assert (0xc0, 0x00, 0x00) in rows


def test_value_axis_ticks_are_round_steps_inside_the_axis():
    assert charts._tick_values(0.0, 115.0, 200.0, whole=False) == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    assert charts._tick_values(-62.0, 140.0, 250.0, whole=False) == [-50.0, -25.0, 0.0, 25.0, 50.0, 75.0, 100.0, 125.0]
    assert charts._tick_values(0.0, 3.4, 200.0, whole=True) == [0.0, 1.0, 2.0, 3.0]


def test_drawing_a_chart_does_not_load_matplotlib():
    """The first chart of a process cost 1,3-2 s when matplotlib drew it."""
    import subprocess
    import sys

    code = ("import sys; from sakip.documents import charts; "
            "charts.png(charts.Chart('x', ('a',), (('s', (1.0,)),), garis=100.0, garis_label='Target')); "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "False", out


def test_the_png_holds_the_drawing_exactly():
    import io

    from PIL import Image

    drawn_image = charts.drawing(CAPAIAN, dpi=80).image
    saved = Image.open(io.BytesIO(charts.png(CAPAIAN, dpi=80)))
    assert saved.mode == "RGBA" and saved.size == drawn_image.size
    assert saved.tobytes() == drawn_image.tobytes()
    assert round(saved.info["dpi"][0]) == 80
