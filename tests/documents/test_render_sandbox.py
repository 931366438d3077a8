"""The template sandbox: a template reaches only data, prints only data, loads no other file,
cannot exhaust memory with one expression or with many, and stops at the render time limit; the
renderer stays usable."""

import datetime as dt
import json
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sakip.documents import charts
from sakip.documents import reports
from sakip.documents import render as r
from sakip.documents import sandbox
from sakip.errors import TemplateError

from tests.conftest import ROOT
from tests.documents.test_render import doc_text, tiny_template

sys.path.insert(0, str(ROOT / "scripts"))
from make_sample_contexts import bundle_sample  # noqa: E402

CHART = charts.Chart(judul="Capaian TW II", label=("IK-01",), seri=(("TW II", (87.5,)),), catatan="Catatan grafik")
FORBIDDEN = "template mencoba akses yang dilarang"
NO_FILES = "template tidak boleh memuat berkas lain"
TOO_LARGE = "template membuat nilai yang terlalu besar"
TOO_LARGE_INT = "template membuat bilangan yang terlalu besar"
BUILT = "template membangun terlalu banyak data dalam satu render"
FORMAT = "template memakai format string Python"
PRINTS = "template mencetak"
TIMEOUT = "render melebihi batas waktu 1 detik (perulangan tanpa akhir?)"


def context():
    return {"grafik": CHART, "x": "abc", "pejabat": {"nama": "AGUS"}, "daftar": [1, 2, 3],
            "kop": {"nama": "DINAS", "alamat": "Jl. Merdeka 1"}, "tanggal": dt.date(2026, 7, 6)}


def refused(tmp_path, text, says, seconds=5.0):
    """Render `text` as a template's one paragraph: it must fail with one of `says` (alternatives
    split by '|'), naming the template and the line, within `seconds`, and write nothing."""
    target = tmp_path / "curian.docx"
    tpl = tiny_template(tmp_path, text.replace("{target}", str(target)))
    out = tmp_path / "o.docx"
    started = time.monotonic()
    with pytest.raises(TemplateError) as caught:
        r.Renderer(time_limit=10).render(tpl, context(), out)
    took = time.monotonic() - started
    message = str(caught.value)
    assert message.startswith(f"{tpl}: "), message
    assert any(part in message for part in says.split("|")), message
    assert "(baris 2 template" in message, message  # docxtpl's line 1 is the document's header
    assert "\n" not in message and "Traceback" not in message
    assert took < seconds, f"refused after {took:.1f} s, not at once"
    assert not out.exists() and not target.exists()
    return message


# (template text, what the message says); {target} is a file the attack tries to write.
ATTACKS = {
    # docxtpl's template object behind a chart, and what hangs off it
    "chart-template": ("{{ grafik.tpl }}", "\u201ctpl\u201d pada grafik"),
    "chart-template-save": ("{{ grafik.tpl.save('{target}') }}", "\u201ctpl\u201d pada grafik"),
    "chart-template-item": ("{{ grafik['tpl'].save('{target}') }}", "\u201ctpl\u201d pada grafik"),
    "chart-template-attr-filter": ("{{ (grafik|attr('tpl')).save('{target}') }}", "\u201ctpl\u201d pada grafik"),
    "chart-template-format": ("{{ '{0.tpl.save}'.format(grafik) }}", FORMAT),
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
    "format-class": ("{{ '{0.__class__}'.format(x) }}", FORMAT),
    "format-map-class": ("{{ '{p.__class__}'.format_map({'p': x}) }}", FORMAT),
    "format-through-attr": ("{{ (x|attr('format'))('{0.__class__}') }}", FORMAT),
    "format-through-item": ("{{ x['format']('{0.__class__}') }}", FORMAT),
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
    "percent-width": ("{{ '%999999999d' % 1 }}", FORMAT),
    "percent-star": ("{{ '%*d' % (999999999, 1) }}", FORMAT),
    "format-width": ("{{ '{:>999999999}'.format(1) }}", FORMAT),
    "format-nested-width": ("{{ '{:>{}}'.format(1, 10**10) }}", FORMAT),
    "replace": ("{{ x|replace('', 'y' * 9999999) }}", TOO_LARGE),
    "to-bytes": ("{{ (1).to_bytes(10**10, 'big') }}", "\u201cto_bytes\u201d tidak boleh dipanggil"),
    "batch": ("{{ daftar|batch(10**10, 0)|list }}", TOO_LARGE),
    "range": ("{{ range(10**12)|list }}", "range() yang terlalu panjang"),
    # a loop doubling a value: each step is small, the 24th is 16 million
    "concat-doubling": ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
                        TOO_LARGE),
    "plus-doubling": ("{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
                      f"{TOO_LARGE}|{BUILT}"),
    "extend-doubling": ("{% set ns = namespace(s=[1]) %}{% for i in range(40) %}{{ ns.s.extend(ns.s) }}{% endfor %}",
                        TOO_LARGE),
    "int-squaring": ("{% set ns = namespace(n=3) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
                     TOO_LARGE_INT),
    "output": ("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}", "hasil render melebihi 10.000.000 karakter"),
}


@pytest.mark.parametrize("text, says", list(ATTACKS.values()), ids=list(ATTACKS))
def test_attack_fails_naming_the_template_and_writes_nothing(tmp_path, text, says):
    refused(tmp_path, text, says)


# Memory bombs: what a template can build is bounded before it is built, by each value's size,
# by what one render builds in all, and by the process's memory. Each is refused in under 2 s.
BOMBS = {
    # Python's sum() of lists runs in C: 540 million items from 9 million shared 60 times
    "sum-of-shared-lists": ("{{ ([[0] * 9000000] * 60)|sum(start=[]) }}", TOO_LARGE),
    "sum-of-many-lists": ("{{ ([[0] * 100000] * 200)|sum(start=[]) }}", TOO_LARGE),
    "sum-of-tuples": ("{{ ([(0,) * 6000000] * 2)|sum(start=()) }}", TOO_LARGE),
    "sum-by-attribute": ("{% set a = [0] * 6000000 %}{{ [{'a': a}, {'a': a}]|sum(attribute='a', start=[]) }}", TOO_LARGE),
    "sum-of-texts": ("{{ (['x' * 1000000] * 20)|sum(start='') }}", "filter sum hanya menjumlahkan"),
    "sum-of-mixed": ("{{ [[0], (0,)]|sum(start=[]) }}", "filter sum hanya menjumlahkan"),
    # printing: str() of a value runs in C, whatever it shares or nests
    "print-shared-list": ("{{ [[0] * 3000000] * 60 }}", TOO_LARGE),
    "print-list-literal": ("{% set a = [0] * 3000000 %}{{ [a, a, a, a] }}", TOO_LARGE),
    "print-long-list": ("{{ [0] * 9000000 }}", TOO_LARGE),
    "print-mixed-list": ("{{ [0, 'a'] * 1600000 }}", TOO_LARGE),
    "print-doubling-nest": ("{% set ns = namespace(l=[0]) %}{% for i in range(45) %}{% set ns.l = [ns.l, ns.l] %}"
                            "{% endfor %}{{ ns.l }}", TOO_LARGE),
    "print-deep-nest": ("{% set ns = namespace(l=[]) %}{% for i in range(5000) %}{% set ns.l = [ns.l] %}{% endfor %}"
                        "{{ ns.l }}", "bersarang lebih dari 50 tingkat"),
    "compare-deep-nest": ("{% set ns = namespace(l=[]) %}{% for i in range(3000) %}{% set ns.l = [ns.l] %}{% endfor %}"
                          "{{ ns.l == [ns.l] }}", "template terlalu dalam bersarang"),
    "concat-shared-list": ("{{ ([[0] * 3000000] * 60) ~ '' }}", TOO_LARGE),
    "concat-operands": ("{% set a = 'x' * 3000000 %}{{ a ~ a ~ a ~ a }}", TOO_LARGE),
    # ('<' below: docxtpl leaves a '&' typed in Word as '&amp;' in the template's code)
    "concat-escaping": ("{% set m %}-{% endset %}{{ m ~ ('<' * 3000000) }}", TOO_LARGE),
    "string-filter-list": ("{{ ([[0] * 3000000] * 60)|string }}", TOO_LARGE),
    "upper-filter-list": ("{{ ([[0] * 3000000] * 60)|upper }}", TOO_LARGE),
    "angka-filter-list": ("{{ ([[0] * 3000000] * 60)|angka }}", TOO_LARGE),
    "output-escaping": ("{{ '<' * 9000000 }}", "hasil render melebihi 10.000.000 karakter"),
    # joining
    "join-shared-lists": ("{{ ([[0] * 3000000] * 60)|join }}", TOO_LARGE),
    "join-long-texts": ("{{ (['x' * 1000000] * 20)|join }}", TOO_LARGE),
    "join-separator": ("{{ (['x'] * 2000)|join('y' * 10000) }}", TOO_LARGE),
    "str-join": ("{{ ''.join(['x' * 1000000] * 20) }}", TOO_LARGE),
    "markup-join-list": ("{% set m %}-{% endset %}{{ m.join([[[0] * 3000000] * 60]) }}", "join() pada Markup"),
    "join-of-generator": ("{{ range(10000)|map('center', 9000000)|join }}", BUILT),
    # str methods and filters that pad, repeat, replace or change case
    "zfill": ("{{ x.zfill(10**9) }}", TOO_LARGE),
    "expandtabs": ("{{ ('\\t' * 1000).expandtabs(100000) }}", TOO_LARGE),
    "replace-method": ("{{ ('x' * 10000).replace('x', 'y' * 10000) }}", TOO_LARGE),
    "replace-count-keyword": ("{{ x|replace('', 'y' * 9999999, count=5) }}", TOO_LARGE),
    "upper-expands": ("{{ ('\u0390' * 4000000).upper() }}", TOO_LARGE),
    "upper-filter-expands": ("{{ ('\u0390' * 4000000)|upper }}", TOO_LARGE),
    "indent-keyword": ("{{ ('x\\n' * 1000)|indent(1000000, first=true) }}", TOO_LARGE),
    "wordwrap-keyword": ("{{ ('x' * 10000)|wordwrap(1, true, 'y' * 10000, break_on_hyphens=false) }}", TOO_LARGE),
    "strftime": ("{{ tanggal.strftime('%c' * 1000000) }}", TOO_LARGE),
    "center-through-map": ("{{ daftar|map('center', 10**10)|list }}", TOO_LARGE),
    "batch-keyword": ("{{ daftar|batch(linecount=10**10, fill_with=0)|list }}", TOO_LARGE),
    "translate": ("{{ x.translate({97: 'y' * 9000000}) }}", "\u201ctranslate\u201d tidak boleh dipanggil"),
    "encode-bytes": ("{{ x.encode() * 10**10 }}", "\u201cencode\u201d tidak boleh dipanggil"),
    "sort-key-function": ("{{ [10**9, 1].sort(key=x.center) }}", "fungsi sebagai argumen"),
    "int-from-text": ("{{ ('9' * 4000)|int }}", TOO_LARGE_INT),
    "range-list": ("{{ range(10**9)|list }}", "range() yang terlalu panjang"),
    "lipsum-paragraphs": ("{{ lipsum(n=10**7) }}", TOO_LARGE),
    "lipsum-words": ("{{ lipsum(1, false, 10**9, 10**9) }}", TOO_LARGE),
    "fromkeys": ("{% set big = [0] * 9000000 %}{{ pejabat.fromkeys(big)|length }}", BUILT),
    # a text or a dict iterated into a list: each character outside Latin-1 becomes an object
    "list-of-characters": ("{{ ('\u0390' * 9000000)|list|length }}", BUILT),
    "select-characters": ("{{ ('\u0390' * 9000000)|select|list|length }}", BUILT),
    "batch-characters": ("{{ ('\u0390' * 9000000)|batch(3)|list|length }}", BUILT),
    "extend-characters": ("{% set ns = namespace(l=[]) %}{{ ns.l.extend('\u0390' * 9000000) }}", BUILT),
    "split-pieces": ("{{ ('abc' * 3333333).split('a')|length }}", BUILT),
    "star-arguments": ("{{ cycler(*('\u0390' * 9000000)) }}", BUILT),
    # many values, each within the limits: what one render builds in all
    "loop-appending": ("{% set ns = namespace(l=[]) %}{% for i in range(100000) %}{{ ns.l.append('x' * 9000000) }}"
                       "{% endfor %}", BUILT),
    "loop-updating-dict": ("{% set d = dict() %}{% for i in range(100000) %}{{ d.update({i: 'x' * 9000000}) }}"
                           "{% endfor %}", BUILT),
    "loop-slicing": ("{% set big = [0] * 9000000 %}{% set ns = namespace(l=[]) %}{% for i in range(100) %}"
                     "{{ ns.l.append(big[:]) }}{% endfor %}", BUILT),
    "loop-set-blocks": ("{% set ns = namespace(l=[]) %}{% for i in range(1000) %}{% set b %}{{ 'x' * 5000000 }}"
                        "{% endset %}{{ ns.l.append(b) }}{% endfor %}", BUILT),
    "nested-loops-output": ("{% for a in range(1000) %}{% for b in range(1000) %}{{ 'x' * 100 }}{% endfor %}{% endfor %}",
                            "hasil render melebihi 10.000.000 karakter"),
    # macros
    "macro-recursion": ("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "dipanggil bertingkat lebih dari 50"),
    "macro-fork": ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% else %}{{ 'x' * 1000 }}{% endif %}"
                   "{% endmacro %}{{ f(40) }}", f"hasil render melebihi|{BUILT}"),
    "caller-recursion": ("{% macro f() %}{{ caller() }}{% endmacro %}{% macro g() %}{% call f() %}{{ g() }}{% endcall %}"
                         "{% endmacro %}{{ g() }}", "dipanggil bertingkat lebih dari 50"),
}


@pytest.mark.parametrize("text, says", list(BOMBS.values()), ids=list(BOMBS))
def test_memory_bomb_is_refused_before_it_is_built(tmp_path, text, says):
    refused(tmp_path, text, says, seconds=2.0 * 3)  # 2 s alone; the machine's other tests share its cores


# The worst cases, in one process that measures each one's peak memory: Linux's high-water mark
# of resident memory (VmHWM), reset before each (clear_refs), against the memory before it.
WORST = ["sum-of-shared-lists", "print-shared-list", "print-mixed-list", "concat-escaping", "output-escaping",
         "join-of-generator", "upper-expands", "lipsum-paragraphs", "loop-appending", "loop-slicing",
         "loop-set-blocks", "macro-fork", "compare-deep-nest", "strftime", "fromkeys"]
MEASURE = """
import ctypes, gc, json, re, sys, tempfile, time
from pathlib import Path
from tests.documents.test_render import tiny_template
from tests.documents.test_render_sandbox import context
from sakip.documents import render as r
from sakip.errors import TemplateError

def mb(key):
    return int(re.search(key + r":\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)) / 1024

tmp = Path(tempfile.mkdtemp())
renderer = r.Renderer()
renderer.render(tiny_template(tmp, "{{ x }}"), context(), None)  # imports, fonts, the first render
for n, text in enumerate(json.loads(sys.argv[1])):
    (tmp / str(n)).mkdir()
    tpl = tiny_template(tmp / str(n), text)
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)  # what the previous case freed goes back to the system
    try:
        Path("/proc/self/clear_refs").write_text("5")  # the high-water mark starts again from here
    except OSError:
        pass  # a kernel that refuses: the mark then counts from the first case, a stricter measure
    before = mb("VmRSS")
    started = time.monotonic()
    try:
        renderer.render(tpl, context(), None)
        outcome = "dirender"
    except TemplateError as exc:
        outcome = str(exc)
    seconds = time.monotonic() - started
    print(json.dumps({"seconds": seconds, "mb": mb("VmHWM") - before, "outcome": outcome}))
"""


def test_the_worst_bombs_are_refused_in_two_seconds_with_little_memory():
    texts = [BOMBS[name][0] for name in WORST]
    done = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(texts)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == len(WORST)
    for name, result in zip(WORST, results):
        assert result["outcome"] != "dirender", name
        assert any(part in result["outcome"] for part in BOMBS[name][1].split("|")), (name, result["outcome"])
        assert result["seconds"] < 2.0 * 2, (name, result)  # 2 s on an idle machine
        assert result["mb"] < 200, (name, result)


# Printing: only data reaches a document, never Python's notation of a function or an object
# (with its heap address).
NOT_DATA = {
    "method": ("{{ x.upper }}", "fungsi \u201cupper\u201d"),
    "method-in-list": ("{{ [x.upper] }}", "fungsi \u201cupper\u201d"),
    "method-in-dict": ("{{ {'a': x.upper} }}", "fungsi \u201cupper\u201d"),
    "method-in-namespace": ("{% set ns = namespace(f=x.upper) %}{{ ns.f }}", "fungsi \u201cupper\u201d"),
    "method-concat": ("{{ x.upper ~ '' }}", "fungsi \u201cupper\u201d"),
    "method-string-filter": ("{{ x.upper|string }}", "fungsi \u201cupper\u201d"),
    "method-escape-filter": ("{{ x.upper|e }}", "fungsi \u201cupper\u201d"),
    "method-safe-filter": ("{{ x.upper|safe }}", "fungsi \u201cupper\u201d"),
    "method-sakip-filter": ("{{ x.upper|nip }}", "fungsi \u201cupper\u201d"),
    "method-join": ("{{ [x.upper]|join }}", "fungsi \u201cupper\u201d"),
    "method-replace-argument": ("{{ x|replace('a', x.upper) }}", "fungsi \u201cupper\u201d"),
    "global-function": ("{{ lipsum }}", "fungsi \u201c_lipsum\u201d"),
    "global-range": ("{{ range }}", "fungsi \u201c_range\u201d"),
    "global-class": ("{{ dict }}", "kelas dict"),
    "generator": ("{{ daftar|map('string') }}", "akhiri dengan |list atau |join"),
    "dict-view": ("{{ pejabat.items() }}", "akhiri dengan |list atau |join"),
    "loop": ("{% for i in daftar %}{{ loop }}{% endfor %}", "objek LoopContext"),
    "cycler": ("{{ cycler('a') }}", "objek Cycler"),
    "namespace": ("{{ namespace(a=1) }}", "objek Namespace"),
    "macro": ("{% macro kotak() %}x{% endmacro %}{{ kotak }}", "makro \u201ckotak\u201d"),
    "self": ("{{ self }}", "objek TemplateReference"),
    "chart-in-list": ("{{ [grafik] }}", "objek _ChartImage"),
}


@pytest.mark.parametrize("text, says", list(NOT_DATA.values()), ids=list(NOT_DATA))
def test_only_data_is_printed(tmp_path, text, says):
    message = refused(tmp_path, text, f"{PRINTS}|{says}")
    assert says in message and " at 0x" not in message


# Python string formatting prints Python's notation of what it is given: no template uses it.
FORMATTING = {
    "percent": "{{ '%s' % kop }}",
    "percent-number": "{{ '%d' % 5 }}",
    "percent-markup": "{% set m %}%s{% endset %}{{ m % kop }}",
    "format-attribute": "{{ '{0.items}'.format(kop) }}",
    "format-map": "{{ '{nama}'.format_map(kop) }}",
    "format-kept-aside": "{% set f = x.format %}{{ f(kop) }}",
    "format-filter": "{{ '%s'|format(kop) }}",
    "format-filter-width": "{{ '%999999999d'|format(1) }}",
}


@pytest.mark.parametrize("text", list(FORMATTING.values()), ids=list(FORMATTING))
def test_python_string_formatting_is_refused_with_what_to_use(tmp_path, text):
    message = refused(tmp_path, text, FORMAT)
    assert "filter angka, persen atau rupiah" in message


@pytest.mark.parametrize("name", ["pprint", "tojson", "urlencode", "xmlattr", "urlize"])
def test_filters_that_print_python_or_write_web_pages_are_refused(tmp_path, name):
    refused(tmp_path, "{{ kop|" + name + " }}", f"filter \u201c{name}\u201d")


def test_a_refusal_quotes_its_paragraph_and_line(tmp_path):
    from docx import Document

    doc = Document()
    for text in ("Judul", "Nama: {{ pejabat.nama }}", "Bom: {{ 'x' * 10**10 }} & selesai"):
        doc.add_paragraph(text)
    doc.save(tmp_path / "t.docx")
    with pytest.raises(TemplateError) as caught:
        r.Renderer().render(tmp_path / "t.docx", context(), None)
    assert str(caught.value).endswith("(baris 4 template: \u201cBom: {{ 'x' * 10**10 }} & selesai\u201d)")


SCALARS = (st.integers(-10**30, 10**30) | st.floats(allow_nan=False) | st.text(max_size=8) | st.none() | st.booleans()
           | st.decimals(allow_nan=False, allow_infinity=False, places=2) | st.dates())
PLAIN = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=5) | st.tuples(inner) | st.tuples(inner, inner)
                     | st.dictionaries(st.text(max_size=3) | st.integers(0, 9), inner, max_size=3), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(value=st.lists(PLAIN, max_size=4) | st.dictionaries(st.text(max_size=3), PLAIN, max_size=3), times=st.integers(1, 3))
def test_a_printed_list_reads_as_python_prints_it(value, times):
    """The sandbox writes lists itself (to stop at its limits): exactly as str() does, shared
    parts and lists holding themselves included."""
    if isinstance(value, list):
        value = value * times + [value]
        value.append(value)
    assert sandbox._Printer().text(value) == str(value)


def test_the_memory_watch_stops_a_render_the_other_limits_do_not_see(monkeypatch):
    """A path no limit measures (here: a filter whose own loop keeps what it makes) still stops
    once the process's memory grew by MAX_MEMORY during the render."""
    import ctypes
    import ctypes.util
    import gc

    monkeypatch.setattr(sandbox, "MAX_MEMORY", 64 * 2**20)
    env = sandbox.Environment()
    # The watch reads the process's resident memory: what earlier tests freed but the C library
    # kept would be reused first, unseen. Given back, every new megabyte shows.
    gc.collect()
    if ctypes.util.find_library("c"):
        getattr(ctypes.CDLL(ctypes.util.find_library("c")), "malloc_trim", lambda _pad: 0)(0)
    kept = []

    def hoard(value):
        for _ in range(400):  # 400 MB if nothing stopped it
            kept.append(value * 2**20)
            time.sleep(0.002)  # a real loop does some work between allocations: the watch looks meanwhile
        return "selesai"

    env.filters["hoard"] = hoard  # not guarded: stands for a path the sandbox missed
    template = env.from_string("Judul\n{{ x|hoard }}")  # x, not a constant Jinja would fold at compile time
    with pytest.raises(sandbox.SandboxError, match="render memakai memori lebih dari 64 MB") as caught:
        sandbox.run_with_time_limit(30, lambda: template.render(x="x"))
    assert len(kept) < 400, "the render ran to its end"
    kept.clear()
    assert str(caught.value).endswith("(baris 2 template: \u201c{{ x|hoard }}\u201d)")
    # the thread goes on: nothing pending, and the next render is counted from zero
    until = time.monotonic() + 0.2
    while time.monotonic() < until:
        pass
    assert sandbox.run_with_time_limit(5, lambda: env.from_string("{{ x|upper }}").render(x="ok")) == "OK"


def test_what_one_render_builds_is_counted_from_zero_in_the_next(tmp_path):
    renderer = r.Renderer()
    tpl = tiny_template(tmp_path, "{% set ns = namespace(l=[]) %}{% for i in range(6) %}{{ ns.l.append('x' * 9000000) }}"
                                  "{% endfor %}{{ ns.l|length }}")
    for _ in range(3):  # 54 MB each: three renders would pass 100 MB if the count carried over
        assert doc_text(renderer.render(tpl, {}, tmp_path / "o.docx")) == "NoneNoneNoneNoneNoneNone6"


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
    # A loop that prints stops at the time limit, or at the output limit if a fast machine gets
    # there first (10 million characters in under a second): both within the same bound.
    assert str(caught.value) == f"{tpl}: {TIMEOUT}" or ("}x{" in text and str(caught.value).startswith(
        f"{tpl}: hasil render melebihi 10.000.000 karakter"))
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
    "sum-and-join": ("{{ daftar|sum }} {{ [[1], [2, 3]]|sum(start=[]) }} {{ [(1,), (2,)]|sum(start=()) }} "
                     "{{ [{'n': 2}, {'n': 3}]|sum(attribute='n') }} {{ daftar|join(', ') }} {{ [1, 'a', none]|join('-') }}",
                     "6 [1, 2, 3] (1, 2) 5 1, 2, 3 1-a-None"),
    "printing-lists": ("{{ [1, (2,), {'a': [3, 'b', none, 1.5]}, (), [], {}, \"it's\", (1, 2), [(3,)]] }} "
                       "{{ ['<'] ~ 1 }}", "[1, (2,), {'a': [3, 'b', None, 1.5]}, (), [], {}, \"it's\", (1, 2), [(3,)]] "
                       "['<']1"),
    "modulo-and-concat": ("{{ 7 % 3 }} {{ x ~ 1 ~ none }} {{ daftar|string }} {{ daftar|upper }}",
                          "1 abc1None [1, 2, 3] [1, 2, 3]"),
    "spread-and-split": ("{{ dict(**{'a': 1}).a }} {{ cycler(*[1, 2]).next() }} {{ 'a b c'.split()|length }} "
                         "{{ 'abc'|list }} {{ [3, 1]|sort(*[true]) }} {{ 'a-b-c'.split('-', 1) }}",
                         "1 1 3 ['a', 'b', 'c'] [3, 1] ['a', 'b-c']"),
    "nested-macros": ("{% macro f(n) %}{% if n %}{{ n }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}",
                      "".join(str(n) for n in range(40, 0, -1))),
    "list-growth": ("{% set ns = namespace(l=[]) %}{% for i in daftar %}{{ ns.l.append(i) }}{% endfor %}"
                    "{{ ns.l.extend([4]) }}{% set d = dict(a=1) %}{{ d.update(b=2) }}{{ ns.l }} {{ d|dictsort }}",
                    "NoneNoneNoneNoneNone[1, 2, 3, 4] [('a', 1), ('b', 2)]"),
    "dict-and-list": ("{{ pejabat.get('nama') }} {{ pejabat.items()|list }} {{ daftar|sum }} {{ daftar|join(',') }} "
                      "{{ daftar[-1] }} {{ daftar|map('string')|join }}", "AGUS [('nama', 'AGUS')] 6 1,2,3 3 123"),
    "numbers-and-dates": ("{{ 2 ** 10 }} {{ 3 * 4 }} {{ 'ab' * 2 }} {{ [1] + [2] }} {{ 7 % 3 }} {{ n + 1 }} "
                          "{{ tanggal.year }} {{ tanggal.strftime('%d/%m') }} {{ (tanggal - tanggal).days }}",
                          "1024 12 abab [1, 2] 1 2.5 2026 06/07 0"),
    "text-methods": ("{{ x.title() }} {{ x.zfill(5) }} {{ 'a\\tb'.expandtabs(2) }} {{ tanggal.strftime('%A %d %B') }} "
                     "{{ x|wordwrap(2, true, '/') }} {{ x|indent(2, first=true) }} {{ x|truncate(5) }}",
                     "Abc 00abc a b Monday 06 July ab/c   abc abc"),
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
