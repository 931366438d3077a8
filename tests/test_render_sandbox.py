"""The template sandbox: a template reaches only data, loads no other file, cannot exhaust
memory with one expression, and stops at the render time limit; the renderer stays usable."""

import datetime as dt
import sys
import time
from decimal import Decimal

import pytest

from sakip import charts, reports
from sakip import render as r
from sakip import sandbox
from sakip.errors import TemplateError

from .conftest import ROOT
from .test_render import doc_text, tiny_template

sys.path.insert(0, str(ROOT / "scripts"))
from make_sample_contexts import bundle_sample  # noqa: E402

CHART = charts.Chart(judul="Capaian TW II", label=("IK-01",), seri=(("TW II", (87.5,)),), catatan="Catatan grafik")
FORBIDDEN = "template mencoba akses yang dilarang"
NO_FILES = "template tidak boleh memuat berkas lain"
TOO_LARGE = "template membuat nilai yang terlalu besar"
TOO_LARGE_INT = "template membuat bilangan yang terlalu besar"
TIMEOUT = "render melebihi batas waktu 1 detik (perulangan tanpa akhir?)"


def context():
    return {"grafik": CHART, "x": "abc", "pejabat": {"nama": "AGUS"}, "daftar": [1, 2, 3]}


# (template text, what the message says); {target} is a file the attack tries to write.
ATTACKS = {
    # docxtpl's template object behind a chart, and what hangs off it
    "chart-template": ("{{ grafik.tpl }}", "\u201ctpl\u201d pada grafik"),
    "chart-template-save": ("{{ grafik.tpl.save('{target}') }}", "\u201ctpl\u201d pada grafik"),
    "chart-template-item": ("{{ grafik['tpl'].save('{target}') }}", "\u201ctpl\u201d pada grafik"),
    "chart-template-attr-filter": ("{{ (grafik|attr('tpl')).save('{target}') }}", "\u201ctpl\u201d pada grafik"),
    "chart-template-format": ("{{ '{0.tpl.save}'.format(grafik) }}", "\u201ctpl\u201d pada grafik"),
    "chart-image-stream": ("{{ grafik.image_descriptor }}", "\u201cimage_descriptor\u201d pada grafik"),
    "chart-width": ("{{ grafik.width }}", "\u201cwidth\u201d pada grafik"),
    "chart-method": ("{{ grafik.to_json() }}", "\u201cto_json\u201d pada grafik"),
    # loading other files
    "include": ("{% include 'rahasia.docx' %}", NO_FILES),
    "import": ("{% import 'makro.docx' as m %}", NO_FILES),
    "extends": ("{% extends 'dasar.docx' %}", NO_FILES),
    "from-import": ("{% from 'makro.docx' import judul %}", NO_FILES),
    "include-list": ("{% include ['a.docx', 'b.docx'] ignore missing %}", NO_FILES),
    # Python's insides
    "str-class": ("{{ ''.__class__ }}", "\u201c__class__\u201d pada objek str"),
    "str-mro": ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "\u201c__class__\u201d pada objek str"),
    "lipsum-globals": ("{{ lipsum.__globals__ }}", "\u201c__globals__\u201d pada objek function"),
    "cycler-environ": ("{{ cycler.__init__.__globals__.os.environ }}", "\u201c__init__\u201d pada kelas Cycler"),
    "self-init": ("{{ self.__init__ }}", "\u201c__init__\u201d pada objek TemplateReference"),
    "namespace-globals": ("{{ namespace.__init__.__globals__ }}", "\u201c__init__\u201d pada kelas Namespace"),
    "format-class": ("{{ '{0.__class__}'.format(x) }}", "\u201c__class__\u201d pada objek str"),
    "format-map-class": ("{{ '{p.__class__}'.format_map({'p': x}) }}", "\u201c__class__\u201d pada objek str"),
    "attr-filter-class": ("{{ x|attr('__class__') }}", "\u201c__class__\u201d pada objek str"),
    "map-attribute-class": ("{{ daftar|map(attribute='__class__')|list }}", "\u201c__class__\u201d pada objek int"),
    "dict-class": ("{{ pejabat.__class__ }}", "\u201c__class__\u201d pada objek dict"),
    # one expression, gigabytes
    "str-repeat": ("{{ 'x' * 10**10 }}", TOO_LARGE),
    "list-repeat": ("{{ [1] * 10**9 }}", TOO_LARGE),
    "repeat-chain": ("{{ 'x' * 1000000 * 1000 }}", TOO_LARGE),
    "power": ("{{ 10 ** 10 ** 10 }}", TOO_LARGE_INT),
    "power-right": ("{{ 10 ** (10 ** 10) }}", TOO_LARGE_INT),
    "center": ("{{ x.center(10**10) }}", TOO_LARGE),
    "center-filter": ("{{ x|center(10**10) }}", TOO_LARGE),
    "percent-width": ("{{ '%999999999d' % 1 }}", TOO_LARGE),
    "percent-star": ("{{ '%*d' % (999999999, 1) }}", "format \u201c%*\u201d"),
    "format-width": ("{{ '{:>999999999}'.format(1) }}", TOO_LARGE),
    "format-nested-width": ("{{ '{:>{}}'.format(1, 10**10) }}", TOO_LARGE),
    "replace": ("{{ x|replace('', 'y' * 9999999) }}", TOO_LARGE),
    "to-bytes": ("{{ (1).to_bytes(10**10, 'big') }}", TOO_LARGE),
    "batch": ("{{ daftar|batch(10**10, 0)|list }}", TOO_LARGE),
    "range": ("{{ range(10**12)|list }}", "range() yang terlalu panjang"),
    # a loop doubling a value: each step is small, the 24th is 16 million
    "concat-doubling": ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
                        TOO_LARGE),
    "plus-doubling": ("{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
                      TOO_LARGE),
    "extend-doubling": ("{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{{ ns.s.extend(ns.s) }}{% endfor %}",
                        TOO_LARGE),
    "int-squaring": ("{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
                     TOO_LARGE_INT),
    "output": ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "hasil render melebihi 20.000.000 karakter"),
}


@pytest.mark.parametrize("text, says", list(ATTACKS.values()), ids=list(ATTACKS))
def test_attack_fails_naming_the_template_and_writes_nothing(tmp_path, text, says):
    target = tmp_path / "curian.docx"
    tpl = tiny_template(tmp_path, text.replace("{target}", str(target)))
    out = tmp_path / "o.docx"
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        r.Renderer(time_limit=10).render(tpl, context(), out)
    message = str(caught.value)
    assert message.startswith(f"{tpl}: "), message
    assert says in message, message
    assert time.monotonic() - started < 5, "refused at once, not stopped by the time limit"
    assert not out.exists() and not target.exists()


LOOPS = {
    "nested-range-printing": "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    "nested-range-silent": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "nested-literal-string": "{% for a in '" + "a" * 3000 + "' %}{% for b in '" + "b" * 3000 + "' %}"
                             "{% for c in '" + "c" * 3000 + "' %}{% endfor %}{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("text", list(LOOPS.values()), ids=list(LOOPS))
def test_endless_loop_stops_at_the_time_limit_and_the_renderer_goes_on(tmp_path, text):
    renderer = r.Renderer(time_limit=1)
    tpl = tiny_template(tmp_path, text)
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        renderer.render(tpl, {}, tmp_path / "o.docx")
    assert time.monotonic() - started < 4
    assert str(caught.value) == f"{tpl}: {TIMEOUT}"
    assert not (tmp_path / "o.docx").exists()
    # nothing left pending in this thread: the plain Python after the render is not interrupted
    until = time.monotonic() + 0.1
    while time.monotonic() < until:
        pass
    (tmp_path / "baik").mkdir()
    good = tiny_template(tmp_path / "baik", "Pejabat: {{ nama }}")
    assert "Pejabat: DEWI" in doc_text(renderer.render(good, {"nama": "DEWI"}, tmp_path / "baik.docx"))


def test_an_interrupt_lost_in_a_finalizer_is_repeated(tmp_path, monkeypatch):
    """An interrupt landing in a __del__ or weakref callback the thread happens to run is
    swallowed there; the watchdog fires again while the render goes on."""
    fired = []
    real = sandbox._set_async_exc

    def first_one_lost(thread, exc):
        fired.append(time.monotonic())
        return 1 if len(fired) == 1 else real(thread, exc)

    monkeypatch.setattr(sandbox, "_set_async_exc", first_one_lost)
    monkeypatch.setattr(sandbox, "REFIRE", 0.3)
    tpl = tiny_template(tmp_path, LOOPS["nested-range-silent"])
    with pytest.raises(TemplateError) as caught:
        r.Renderer(time_limit=0.5).render(tpl, {}, None)
    assert str(caught.value) == f"{tpl}: render melebihi batas waktu 0,5 detik (perulangan tanpa akhir?)"
    assert len(fired) == 2 and 0.25 < fired[1] - fired[0] < 2


# An interrupt may land in a finalizer of an earlier test's garbage (matplotlib's weakref
# callbacks) and be reported as unraisable there: the case REFIRE exists for.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_render_ending_at_its_deadline_either_completes_or_times_out_and_nothing_leaks(tmp_path):
    """Deadlines around the render's own length hit every moment of its end: the interrupt
    arrives inside the render, inside the stop, or is cleared, never in the code after it."""
    tpl = tiny_template(tmp_path, "{% for a in range(10000) %}{{ a }}{% endfor %}")
    started = time.monotonic()
    r.Renderer().render(tpl, {}, None)
    took = time.monotonic() - started
    outcomes = set()
    for n in range(40):
        renderer = r.Renderer(time_limit=took * (n % 10) / 4)  # from 0 to 2.25 times the render
        try:
            renderer.render(tpl, {}, None)
            outcomes.add("selesai")
        except TemplateError as exc:
            assert "render melebihi batas waktu" in str(exc)
            outcomes.add("waktu habis")
        for _ in range(20000):  # bytecode after the render, where a stray interrupt would surface
            pass
    time.sleep(0.05)
    assert outcomes == {"selesai", "waktu habis"}


def test_a_failed_render_does_not_leak_into_the_next_document(tmp_path):
    """docxtpl reloads its template only after a completed render; a failure in the header,
    after the body was rendered, once left that body in the next document."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("Nama: {{ nama }}")
    doc.sections[0].header.paragraphs[0].text = "Kop: {{ kop }}"
    tpl = tmp_path / "t.docx"
    doc.save(tpl)
    renderer = r.Renderer()
    with pytest.raises(TemplateError, match="isian yang tidak ada"):
        renderer.render(tpl, {"nama": "AGUS"}, tmp_path / "a.docx")
    out = Document(renderer.render(tpl, {"nama": "DEWI", "kop": "DINAS"}, tmp_path / "b.docx"))
    assert [p.text for p in out.paragraphs] == ["Nama: DEWI"]
    assert out.sections[0].header.paragraphs[0].text == "Kop: DINAS"
    assert not (tmp_path / "a.docx").exists()


def test_after_a_sandbox_violation_the_same_renderer_renders_a_good_template(tmp_path):
    renderer = r.Renderer()
    (tmp_path / "jahat").mkdir()
    bad = tiny_template(tmp_path / "jahat", "{{ grafik.tpl.save('" + str(tmp_path / "x.docx") + "') }}")
    with pytest.raises(TemplateError, match="pada grafik"):
        renderer.render(bad, context(), tmp_path / "jahat.docx")
    good = tiny_template(tmp_path, "{{ grafik.judul }}: {{ pejabat.nama }}")
    assert "Capaian TW II: AGUS" in doc_text(renderer.render(good, context(), tmp_path / "baik.docx"))
    assert not (tmp_path / "x.docx").exists() and not (tmp_path / "jahat.docx").exists()


HELPERS = {
    "loop": ("{% for i in daftar %}{{ loop.index }}/{{ loop.length }}{{ loop.cycle('a', 'b') }}"
             "{% if loop.last %}.{% endif %}{% endfor %}", "1/3a2/3b3/3a."),
    "loop-changed": ("{% for i in [1, 1, 2] %}{% if loop.changed(i) %}{{ i }}{% endif %}{% endfor %}", "12"),
    "cycler": ("{% set c = cycler('x', 'y') %}{{ c.next() }}{{ c.next() }}{{ c.next() }}{{ c.current }}", "xyxy"),
    "joiner": ("{% set j = joiner(' | ') %}{% for i in daftar %}{{ j() }}{{ i }}{% endfor %}", "1 | 2 | 3"),
    "namespace": ("{% set ns = namespace(total=0) %}{% for i in daftar %}{% set ns.total = ns.total + i %}{% endfor %}"
                  "{{ ns.total }}", "6"),
    "macro-caller": ("{% macro kotak(isi) %}[{{ isi }}{{ caller() }}]{% endmacro %}"
                     "{% call kotak('a') %}b{% endcall %} {{ kotak.name }}", "[ab] kotak"),
    "set-and-filter-blocks": ("{% set t %}isi {{ x }}{% endset %}{{ t }} {% filter upper %}{{ x }}{% endfilter %}",
                              "isi abc ABC"),
    "str-methods": ("{{ x.upper() }} {{ x.center(7, '*') }} {{ x.replace('b', 'B') }} {{ '-'.join(['a', 'b']) }}",
                    "ABC **abc** aBc a-b"),
    "format": ("{{ '{} ({:>4})'.format(x, 7) }} {{ '%s=%03d'|format('n', 7) }} {{ '%.1f' % 2.25 }}", "abc (   7) n=007 2.2"),
    "dict-and-list": ("{{ pejabat.get('nama') }} {{ pejabat.items()|list }} {{ daftar|sum }} {{ daftar|join(',') }} "
                      "{{ daftar[-1] }} {{ daftar|map('string')|join }}", "AGUS [('nama', 'AGUS')] 6 1,2,3 3 123"),
    "numbers-and-dates": ("{{ 2 ** 10 }} {{ 3 * 4 }} {{ 'ab' * 2 }} {{ [1] + [2] }} {{ 7 % 3 }} {{ n + 1 }} "
                          "{{ tanggal.year }} {{ tanggal.strftime('%d/%m') }} {{ (tanggal - tanggal).days }}",
                          "1024 12 abab [1, 2] 1 2.5 2026 06/07 0"),
    "chart-data": ("{{ grafik.judul }}; {{ grafik.catatan }}; {{ grafik.label|join }}; {{ grafik.satuan }}",
                   "Capaian TW II; Catatan grafik; IK-01; %"),
    "range-dict-lipsum": ("{{ range(3)|list }} {{ dict(a=1).a }} {{ lipsum(1, false, 5, 6)|wordcount > 4 }}",
                          "[0, 1, 2] 1 True"),
}


@pytest.mark.parametrize("text, expected", list(HELPERS.values()), ids=list(HELPERS))
def test_jinja_helpers_and_plain_data_keep_working(tmp_path, text, expected):
    ctx = {**context(), "n": Decimal("1.5"), "tanggal": dt.date(2026, 7, 6)}
    assert doc_text(r.Renderer().render(tiny_template(tmp_path, text), ctx, tmp_path / "o.docx")) == expected


# --- every context the pipeline builds is plain data --------------------------------------------

LEAVES = (str, int, float, Decimal, bool, type(None), dt.date, dt.datetime)


def plain(value, path="konteks"):
    """Every leaf of a context: data of the allowed types (charts are turned into images)."""
    if isinstance(value, charts.Chart):
        return
    if type(value) is dict:
        for k, v in value.items():
            assert type(k) is str, f"{path}: key {k!r}"
            plain(v, f"{path}.{k}")
    elif type(value) in (list, tuple):
        for n, v in enumerate(value):
            plain(v, f"{path}[{n}]")
    else:
        assert type(value) in LEAVES, f"{path}: {type(value).__name__}"
        assert type(value) in sandbox.DATA_TYPES


def test_every_document_context_of_the_demo_period_is_plain_data(period_tw2, capaian_tw2, verdicts_tw2):
    per = r.Period(2026, 2, dt.date(2026, 7, 6))
    cfg = period_tw2.config
    contexts = {}
    for pk in period_tw2.pk_codes():
        who = period_tw2.official(pk)
        pk_cfg = period_tw2.config_for(pk)
        contexts[f"sampul {pk}"] = r.cover_context(pk_cfg, pk, who, per)
        if pk in capaian_tw2:
            contexts[f"laporan_triwulan {pk}"] = r.report_context(pk_cfg, pk, who, capaian_tw2[pk], per)
        contexts[f"lampiran_pk {pk}"] = r.lampiran_pk_context(pk_cfg, pk, who, period_tw2, per)
        contexts[f"lampiran_ra {pk}"] = r.lampiran_ra_context(pk_cfg, pk, who, period_tw2, per)
        contexts[f"lembar_paraf {pk}"] = r.paraf_context(pk_cfg, pk, who, verdicts_tw2[pk], per)
    records = period_tw2.records("pks")
    officials = {x["pk"]: x["nama"] for x in records}
    contexts["rekap_instansi"] = reports.rekap_context(cfg, period_tw2.pk_codes(), capaian_tw2, verdicts_tw2, officials, per)
    contexts["lkjip"] = reports.lkjip_context(cfg, reports.Narasi(), "inputs/2026/lkjip.toml", period_tw2.pk_codes(),
                                              {x["pk"]: x["nip"] for x in records}, capaian_tw2, verdicts_tw2,
                                              officials, [], per)
    contexts["bundel_paket"] = bundle_sample(period_tw2, capaian_tw2, verdicts_tw2, per,
                                             dt.datetime(2026, 7, 6, 9, tzinfo=dt.timezone.utc))
    charts_seen = 0
    for name, ctx in contexts.items():
        plain(ctx, name)
        # what a template receives: every chart turned into an image that shows only the chart's data
        shown = r._with_images(None, ctx)
        stack = [shown]
        while stack:
            value = stack.pop()
            assert not isinstance(value, charts.Chart), name
            if isinstance(value, r._ChartImage):
                charts_seen += 1
            elif isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, (list, tuple)):
                stack.extend(value)
    assert charts_seen > 0
