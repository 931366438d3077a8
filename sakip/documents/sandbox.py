"""The sandbox every template renders in: a Jinja environment, size and memory limits, and a
render time limit.

Why: templates are code, written by planners rather than by programmers, and a template file is
passed around and edited in Word; a careless or hostile one must not reach past the data it is
given, read or write files, or take the run down with it.

What it guarantees, for a template rendered by `Environment` under `run_with_time_limit`:
- Only plain data is reachable: attributes and calls are allowlisted to the exact types in
  DATA_TYPES (str, numbers, dates, dict, list, ...), Jinja's own helpers (loop, cycler, joiner,
  namespace, macros) and a chart's own fields. Jinja's SandboxedEnvironment by itself hides only
  names starting with "_": every public attribute of every object stays open, e.g.
  `grafik.tpl.save(path)` on docxtpl's template object behind a chart. A refused access fails
  at once with a SandboxError naming it. Methods that make something other than data
  (str.encode, int.to_bytes) or that take a function (list.sort(key=...)) are refused.
- Only data is printed: `{{ x }}`, `~`, `join` and the text filters print text, numbers, dates
  and lists or dicts of them; a function, a method, a macro, a generator or Jinja's helpers
  (which Python would print with a heap address) are refused, naming what to write instead.
  Python string formatting ('%' on text, str.format, format_map, the `format` and `pprint`
  filters) is refused: it prints Python's own notation of any value it is given, and no
  template uses it (numbers are written with the `angka`, `persen` and `rupiah` filters).
- No other file is loaded: {% include %}, {% import %} and {% extends %} are refused.
- Sizes are limited BEFORE a value is made: every operation that can make a value larger than
  its operands ('*', '+', '~', '**', slices, sum, join, str methods and filters that pad, join,
  repeat, split, replace or change case, strftime, range(), lipsum(), list.extend, dict.update,
  a filter iterating a text or dict into a list, f(*x) and f(**x), printing a list) is measured
  from its operands and refused above MAX_SIZE characters or items (MAX_RANGE for range(),
  MAX_INT_BITS for integers), so that no single call in C can build gigabytes before the
  sandbox sees it. `sum` and `join` are sakip's own: Python's sum() concatenating lists is
  quadratic and runs in C.
- Memory is limited three ways: each value by MAX_SIZE; everything one render builds by
  MAX_BUILT bytes, counted at every operation the sandbox intercepts (so that a loop storing
  value after value stops too); and, for a path the first two do not see, the process's memory
  is watched during every render, which is interrupted once it grew by MAX_MEMORY.
- The output of one part stops at MAX_OUTPUT characters; macros nest at most MAX_DEPTH deep.
- A render has a time limit (TIME_LIMIT seconds by default): the rendering thread is
  interrupted where it is, with RenderTimeout, and can go on with the next document.
- Every refusal names the template line and quotes its text (docxtpl puts each Word paragraph
  on a line of its own).
- Autoescape (a '&' or '<' in data would otherwise corrupt the document's XML) and
  StrictUndefined (a misspelt field fails loudly instead of printing nothing in a legal report).

Known limits:
- The memory watch reads the whole process's memory: two renders running in two threads at
  the moment one of them builds hundreds of megabytes may both be stopped.
- C calls: the interrupts are seen between Python bytecodes, so one long operation in C that
  the sandbox does not measure runs to its end before the render stops (sorting ten million
  items takes seconds; none makes more than MAX_SIZE items).

charts.Chart values are shown with their fields only; a renderer that shows charts as other
objects (render's images of charts) passes those types as `chart_types`.
"""

from __future__ import annotations

import builtins
import ctypes
import dataclasses
import datetime as dt
import functools
import heapq
import html
import inspect
import itertools
import os
import re
import sys
import threading
import time
import types
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.filters import make_attrgetter, sync_do_join
from jinja2.runtime import BlockReference, LoopContext, Macro, Undefined, markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.utils import Cycler, Joiner, Namespace, generate_lorem_ipsum, pass_environment, pass_eval_context
from markupsafe import Markup

from . import charts
from ..errors import visible
from .filters import FILTERS
from ..formatting import number

T = TypeVar("T")


TIME_LIMIT = 20.0  # seconds per document; the largest real one renders in well under one
REFIRE = 2.0  # seconds between interrupts of a render that did not stop at the first
MAX_SIZE = 10_000_000  # characters or items of one value a template computes
# Characters of one rendered part. The demo's largest part (an agency recap of 5 PKs) is 80 000;
# docxtpl and lxml then hold about five copies, up to 4 bytes a character: 10 million stay
# under 200 MB.
MAX_OUTPUT = 10_000_000
MAX_INT_BITS = 256  # a 77-digit integer: no report computes one (money is a Decimal of 15 digits)
MAX_RANGE = 100_000  # Jinja's own sandbox limit on range(), with the message in Indonesian
MAX_BUILT = 100 * 2**20  # bytes one render may build in all; the demo's largest (LKjIP) builds 0.2 MB
MAX_MEMORY = 512 * 2**20  # growth of the process's memory during one render: the last guard
MEMORY_POLL = 0.01  # seconds between two looks at the process's memory during a render (20 µs each)
MAX_DEPTH = 50  # nesting of macro calls, and of lists in a printed value

# What a context holds (test_render_sandbox walks every document context to keep it so).
# Exact types: a subclass could add methods that are not data.
DATA_TYPES = frozenset({str, Markup, int, bool, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta,
                        dict, list, tuple, range, type(None)})
# Jinja's helpers: loop, cycler(), joiner(), macros and caller, self.<block>.
_JINJA_HELPERS = frozenset({LoopContext, Cycler, Joiner, Macro, BlockReference})
_CHART_FIELDS = frozenset(f.name for f in dataclasses.fields(charts.Chart))
# Values printed as themselves; lists, tuples and dicts of them are printed as Python writes them.
_SCALARS = DATA_TYPES - {dict, list, tuple}
_CONTAINERS = (list, tuple, dict)
# Methods of data that make something other than data (bytes), fill a value from a table
# (translate: one character becomes any string), or format (see _FORMAT_REFUSED). Markup.escape
# prints any object it is given.
_REFUSED_METHODS = frozenset({"format", "format_map", "encode", "translate", "maketrans", "to_bytes", "from_bytes",
                              "escape"})
_CASE_METHODS = frozenset({"upper", "lower", "title", "capitalize", "swapcase", "casefold"})
_CASE_GROWTH = 3  # 'ΐ'.upper() is three characters: case mapping can triple a text
_DICT_ITEM = 40  # bytes of one dict entry (hash, key, value, index), for what a dict may grow to
# Bytes of one item a text, a dict or its items become when they are iterated into a container:
# a character outside Latin-1 is a str object of its own (76 bytes), an item of a dict a tuple.
_OBJECT_ITEM = 80
_PIECE = 58  # bytes of one short str a split makes
# Filters that iterate their value into a list or a generator: measured as such before.
_ITERATING_FILTERS = frozenset({"list", "sort", "unique", "batch", "slice", "groupby", "map", "select", "reject",
                                "selectattr", "rejectattr", "join", "sum", "dictsort", "items"})
_FORMAT_REFUSED = ("template memakai format string Python (\u201c%\u201d, format() atau format_map()), yang mencetak "
                   "wujud Python sebuah nilai dan tidak dipakai di dokumen sakip: tulis angka dengan filter angka, "
                   "persen atau rupiah, dan gabungkan teks dengan ~")
# Filters that print Python's notation of a value (format, pprint) or write for web pages.
_REFUSED_FILTERS = {
    "format": _FORMAT_REFUSED,
    "pprint": "filter \u201cpprint\u201d mencetak wujud Python sebuah nilai, bukan isi dokumen",
    **{name: f"filter \u201c{name}\u201d untuk halaman web, bukan untuk dokumen" for name in ("tojson", "urlencode",
                                                                                              "xmlattr", "urlize")},
}
# Filters that turn their value and arguments into text (Jinja's and sakip's): a list given to
# them is printed by the sandbox first, as str() would, within the limits.
_TEXT_FILTERS = frozenset({"capitalize", "center", "e", "escape", "forceescape", "indent", "lower", "replace", "safe",
                           "string", "striptags", "title", "trim", "truncate", "upper", "wordcount", "wordwrap",
                           *FILTERS})


# --- errors, named by the template line they come from ----------------------------------------

class SandboxError(SecurityError):
    """A template stopped by sakip's sandbox; the message is the whole explanation, ending with
    the template line it was raised at when it was raised inside a template."""

    def __init__(self, message: str) -> None:
        super().__init__(message + _where())


class _TooLarge(SandboxError):
    pass


_XML_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # Word's markup around a paragraph's text, not a '<' in a tag


def _line_text(template: Any, lineno: int) -> str:
    source = getattr(template, "sakip_source", None)
    if source is None:
        return ""
    lines = source.splitlines()
    if not 0 < lineno <= len(lines):
        return ""
    text = " ".join(html.unescape(_XML_TAG.sub("", lines[lineno - 1])).split())
    return visible(text if len(text) <= 100 else text[:99] + "\u2026")


def _at_line(template: Any, lineno: int) -> str:
    text = _line_text(template, lineno)
    return f" (baris {lineno} template: \u201c{text}\u201d)" if text else f" (baris {lineno} template)"


def _where() -> str:
    """The template line being rendered in this thread, from the live stack ('' outside a render)."""
    frame = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            return _at_line(template, template.get_corresponding_lineno(frame.f_lineno))
        frame = frame.f_back
    return ""


def _where_in(tb: Any) -> str:
    """The innermost template line of a traceback: a real frame of the compiled template, or
    the frame Jinja rewrote to carry the template's name and line."""
    found = ""
    while tb is not None:
        frame = tb.tb_frame
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            found = _at_line(template, template.get_corresponding_lineno(tb.tb_lineno))
        elif frame.f_code.co_filename == "<template>":
            found = f" (baris {tb.tb_lineno} template)"
        tb = tb.tb_next
    return found


# --- sizes and the render's budget ---------------------------------------------------------------

class _Render:
    """What one render has built so far, in bytes (sys.getsizeof of each value made)."""

    __slots__ = ("built",)

    def __init__(self) -> None:
        self.built = 0


_local = threading.local()  # .render: the _Render of this thread's render; .depth: macro nesting


def _count(n: int) -> str:
    return number(n) if n < 10**30 else "lebih dari 10^30"


def _too_large(what: str, n: int) -> _TooLarge:
    return _TooLarge(f"template membuat nilai yang terlalu besar: {what} menghasilkan {_count(n)} "
                     f"karakter/elemen (batas {_count(MAX_SIZE)})")


def _reserve(nbytes: int) -> None:
    render = getattr(_local, "render", None)
    if render is not None and render.built + nbytes > MAX_BUILT:
        raise _TooLarge(f"template membangun terlalu banyak data dalam satu render: lebih dari "
                        f"{_count(MAX_BUILT // 2**20)} MB (perulangan yang menyimpan nilai besar?)")


def _limit(what: str, n: Any, item_bytes: int = 1) -> None:
    """Refuse an operation that would make `n` characters or items, before it makes them."""
    if isinstance(n, int):
        if n > MAX_SIZE:
            raise _too_large(what, n)
        _reserve(max(n, 0) * item_bytes)


def _charge(value: Any) -> None:
    """Count a value just made against the render's budget."""
    if type(value) in (str, Markup, list, tuple, dict):
        _charge_bytes(sys.getsizeof(value))


def _charge_bytes(nbytes: int) -> None:
    render = getattr(_local, "render", None)
    if render is not None and nbytes > 0:
        _reserve(nbytes)
        render.built += nbytes


def _check_size(value: Any, what: str) -> None:
    if isinstance(value, (str, list, tuple, dict)):
        if len(value) > MAX_SIZE:
            raise _too_large(what, len(value))
    elif type(value) is int and value.bit_length() > MAX_INT_BITS:
        raise _TooLarge(f"template membuat bilangan yang terlalu besar dengan {what} (batas {MAX_INT_BITS} bit)")


def _escaped_len(text: str) -> int:
    """len(markupsafe.escape(text)): & < > " ' become entities of four or five characters."""
    if isinstance(text, Markup):
        return len(text)
    return len(text) + 4 * (text.count("&") + text.count('"') + text.count("'")) + 3 * (text.count("<") + text.count(">"))


def _text_len(value: Any, escaped: bool) -> int:
    if isinstance(value, str):
        return _escaped_len(value) if escaped else len(value)
    return 80  # a number, date or None: its str() is short (integers are at most 77 digits)


def _item_bytes(values: Any) -> int:
    """Bytes one item of `values` takes in a list made from it (the list's pointer, and the
    object a character or a dict's item becomes)."""
    return _OBJECT_ITEM if isinstance(values, (str, dict)) or type(values).__name__.startswith("dict_") else 8


def _iterated(what: str, values: Any) -> None:
    """Refuse, before it is made, a list of the items of a text, list or dict too large."""
    if hasattr(values, "__len__") and not isinstance(values, range):
        _limit(what, len(values), _item_bytes(values))


def _items(values: Any, what: str) -> list:
    """An iterable's items as a list, refused past MAX_SIZE of them."""
    _iterated(what, values)
    if type(values) in (list, tuple):
        return list(values)
    taken = list(itertools.islice(iter(values), MAX_SIZE + 1))
    if len(taken) > MAX_SIZE:
        raise _too_large(what, len(taken))
    return taken


def _sized(value: Any) -> int | None:
    return len(value) if isinstance(value, (str, list, tuple, dict, range)) else None


# --- printing: only data, within the limits --------------------------------------------------------

def _describe(obj: Any, chart_types: tuple[type, ...]) -> str:
    if isinstance(obj, chart_types):
        return "grafik"
    if isinstance(obj, type):
        return f"kelas {obj.__name__}"
    return f"objek {type(obj).__name__}"


def _not_data(value: Any) -> SandboxError:
    if isinstance(value, (types.BuiltinMethodType, types.MethodType, types.FunctionType)):
        what = f"fungsi \u201c{value.__name__}\u201d, bukan nilainya (lupa tanda kurung \u201c()\u201d?)"
    elif isinstance(value, Macro):
        what = f"makro \u201c{value.name}\u201d, bukan hasilnya (panggil dengan \u201c()\u201d)"
    elif isinstance(value, types.GeneratorType) or type(value).__name__.startswith("dict_"):
        what = "hasil yang belum menjadi daftar (akhiri dengan |list atau |join)"
    elif isinstance(value, type):
        what = f"kelas {value.__name__}"
    else:
        what = f"objek {type(value).__name__}"
    return SandboxError(f"template mencetak {what}: hanya teks, angka, tanggal dan daftar yang dapat dicetak")


class _Printer:
    """str() of a list, tuple or dict of plain data, as Python writes it, built piece by piece so
    that it stops at MAX_SIZE characters whatever the value shares or nests; anything but plain
    data inside is refused.

    A list of scalars is written by repr() in C when its size is known to be at most a few times
    the room left. A list met again (a list shared, or repeated by '*') is written from memory
    when its text was short, and refused at once when its length no longer fits; small pieces
    are joined as they come (a str object per item takes fifty times its characters).
    """

    CHUNK = 4096  # pieces joined together, and scalars written by one repr()
    MEMO = 65_536  # characters of a list's text kept to write it again
    _INTS = frozenset({int, bool})
    _SHORT = _SCALARS - {str, Markup}  # their repr() is short
    _is_text = str.__instancecheck__

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.size = 0
        self.open: set[int] = set()  # the lists being written, to write a list holding itself as [...]
        self.cycles = 0  # how many [...] were written: a text holding one depends on where it stands
        self.memo: dict[int, str] = {}  # id -> text of a list already written
        self.lengths: dict[int, int] = {}  # id -> length of a text too long to keep

    def text(self, value: Any) -> str:
        self.walk(value, 0)
        return "".join(self.buf)

    def fits(self, n: int) -> None:
        if self.size + n > MAX_SIZE:
            raise _too_large("mencetak daftar", self.size + n)

    def emit(self, piece: str) -> None:
        self.fits(len(piece))
        self.size += len(piece)
        self.buf.append(piece)
        if len(self.buf) >= self.CHUNK:
            self.buf[:] = ["".join(self.buf)]

    def walk(self, value: Any, depth: int) -> None:
        kind = type(value)
        if kind in _SCALARS:
            if isinstance(value, str):  # repr() escapes: at most 10 characters for one (\U000e0001)
                self.fits((2 if value.isprintable() else 10) * len(value) + 10)
            self.emit(repr(value))
            return
        if kind not in _CONTAINERS:
            if isinstance(value, Undefined):
                str(value)  # a misspelt field inside a list fails as it does alone (StrictUndefined)
            raise _not_data(value)
        key = id(value)
        if key in self.memo:
            self.emit(self.memo[key])
            return
        if key in self.open:
            self.cycles += 1
            self.emit("{...}" if kind is dict else "[...]")
            return
        if depth >= MAX_DEPTH:
            raise _TooLarge(f"template mencetak daftar yang bersarang lebih dari {MAX_DEPTH} tingkat")
        # Each item takes at least one character and a separator; a list met before, its length.
        self.fits(max(3 * len(value) - 2, self.lengths.get(key, 0)))
        flat = None if kind is dict else self.flat(value)
        if flat is not None:
            self.memo[key] = flat
            self.emit(flat)
            return
        outer, start, cycles = self.buf, self.size, self.cycles
        self.buf = []
        self.open.add(key)
        self.items(value, depth)
        self.open.discard(key)
        inner, self.buf = self.buf, outer
        if self.cycles == cycles and self.size - start <= self.MEMO:
            self.memo[key] = "".join(inner)
            self.buf.append(self.memo[key])
        else:
            self.lengths[key] = self.size - start
            self.buf.extend(inner)
        if len(self.buf) >= self.CHUNK:
            self.buf[:] = ["".join(self.buf)]

    def items(self, value: list | tuple | dict, depth: int) -> None:
        kind = type(value)
        opening, closing = {list: ("[", "]"), tuple: ("(", ")"), dict: ("{", "}")}[kind]
        self.emit(opening)
        if kind is dict:
            for n, (key, item) in enumerate(value.items()):
                self.emit(", " if n else "")
                self.walk(key, depth + 1)
                self.emit(": ")
                self.walk(item, depth + 1)
        else:
            for start in range(0, len(value), self.CHUNK):
                self.emit(", " if start else "")
                self.sequence(value[start:start + self.CHUNK], depth)
            if kind is tuple and len(value) == 1:
                self.emit(",")
        self.emit(closing)

    def flat(self, value: list | tuple) -> str | None:
        """repr() of a whole list or tuple of scalars, in C, when its size is known to be at most
        a few times the room left (emit() then refuses what does not fit)."""
        kinds = set(map(type, value))
        if not value or not kinds <= _SCALARS:
            return None
        if kinds <= self._INTS:
            bound = (max(map(int.bit_length, value)) * 31 // 100 + 4) * len(value)  # digits, sign, ", "
        else:  # a text's repr is at most 10 characters a character; a number or date at most 100
            bound = 10 * sum(map(len, filter(self._is_text, value))) + 100 * len(value)
        return repr(value) if bound <= 4 * (MAX_SIZE - self.size) + 1000 else None

    def sequence(self, items: list | tuple, depth: int) -> None:
        """Items of a list or tuple without brackets: scalars by one repr() as flat() does, or
        one by one, a number or a list written before without a call of walk()."""
        flat = self.flat(items)
        if flat is not None:
            self.emit(flat[1:-1] if type(items) is list else repr(list(items))[1:-1])
            return
        parts = []
        for n, item in enumerate(items):
            kind = type(item)
            if kind in self._SHORT:
                text = repr(item)
                self.size += len(text)
            elif kind in _CONTAINERS and id(item) in self.memo:
                text = self.memo[id(item)]
                self.size += len(text)
            else:  # walked into a buffer of its own, which counts its size
                outer, self.buf = self.buf, []
                self.walk(item, depth + 1)
                text, self.buf = "".join(self.buf), outer
            self.size += 2 if n else 0
            if self.size > MAX_SIZE:
                raise _too_large("mencetak daftar", self.size)
            parts.append(text)
        self.buf.append(", ".join(parts))


def _printable(value: Any, passed: tuple[type, ...]) -> Any:
    """`value` as it may be printed: text and scalars as they are, a list, tuple or dict as the
    text Python would print, charts (`passed`) and undefined values unchanged (the latter fail
    when printed); anything else refused."""
    kind = type(value)
    if kind in _SCALARS or isinstance(value, (Undefined, *passed)):
        return value
    if kind in _CONTAINERS:
        text = _Printer().text(value)
        _charge(text)
        return text
    raise _not_data(value)


# --- operators and methods: measured before they run ---------------------------------------------

def _replaced(text: str, old: Any, new: Any, count: Any = -1, escaped: bool = False) -> int:
    if not (isinstance(old, str) and isinstance(new, str)):
        return 0
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    grown = (_escaped_len(new) if escaped else len(new)) - len(old)
    return len(text) + hits * max(grown, 0)


def _joined(sep: str, items: Any, escaped: bool = False) -> int:
    if not isinstance(items, (list, tuple)):
        return 0  # an iterator: its items come one by one, and each was measured when it was made
    return (_text_len(sep, escaped) * max(len(items) - 1, 0)
            + sum(_text_len(x, escaped) for x in items if isinstance(x, str)))


def _check_binop(op: str, left: Any, right: Any) -> None:
    sequences = (str, list, tuple)
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, sequences) and isinstance(times, int):
                _limit("\u201c*\u201d", len(seq) * times, 1 if isinstance(seq, str) else 8)
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _TooLarge(f"template membuat bilangan yang terlalu besar dengan \u201c*\u201d (batas {MAX_INT_BITS} bit)")
    elif op == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                and (abs(left).bit_length() - 1) * right > MAX_INT_BITS:
            raise _TooLarge(f"template membuat bilangan yang terlalu besar dengan \u201c**\u201d (batas {MAX_INT_BITS} bit)")
    elif op == "+":
        if isinstance(left, sequences) and isinstance(right, sequences):
            # Markup + text escapes the text
            markup = isinstance(left, Markup) or isinstance(right, Markup)
            _limit("\u201c+\u201d", _text_len(left, markup) + _text_len(right, markup)
                   if isinstance(left, str) and isinstance(right, str) else len(left) + len(right),
                   1 if isinstance(left, str) else 8)
    elif op == "%" and isinstance(left, str):
        raise SandboxError(_FORMAT_REFUSED)


def _check_method(func: Any, owner: Any, args: tuple, kwargs: dict) -> None:
    """A method of plain data: no function among its arguments (list.sort(key=...) would call it
    from C, past the sandbox), and the methods whose result can be far larger than their
    arguments measured before they run."""
    name = func.__name__
    if any(callable(a) for a in (*args, *kwargs.values())):
        raise SandboxError(f"template memberi fungsi sebagai argumen \u201c{name}()\u201d; hanya data yang boleh diberikan")
    first = args[0] if args else None
    what = f"{name}()"
    if isinstance(owner, str):
        markup = isinstance(owner, Markup)
        if name in ("center", "ljust", "rjust", "zfill"):
            _limit(what, first if args else kwargs.get("width"))
        elif name == "expandtabs":
            size = first if args else kwargs.get("tabsize", 8)
            if isinstance(size, int):
                _limit(what, len(owner) + owner.count("\t") * max(size, 0))
        elif name == "replace" and len(args) >= 2:
            _limit(what, _replaced(owner, *args[:3], escaped=markup))
        elif name == "join" and args:
            if markup and isinstance(first, (list, tuple)) and any(type(x) not in _SCALARS for x in first):
                raise SandboxError("template memakai join() pada Markup dengan isi yang bukan teks atau angka")
            _limit(what, _joined(owner, first, escaped=markup))
        elif name in _CASE_METHODS:
            _limit(what, _CASE_GROWTH * len(owner))
        elif name in ("split", "rsplit", "splitlines"):
            sep = first if name != "splitlines" and args else kwargs.get("sep")
            pieces = owner.count(sep) + 1 if isinstance(sep, str) and sep else len(owner) // 2 + 1
            limit = args[1] if len(args) > 1 else kwargs.get("maxsplit", -1)
            if name != "splitlines" and isinstance(limit, int) and limit >= 0:
                pieces = min(pieces, limit + 1)
            _limit(what, pieces, _PIECE)
    elif isinstance(owner, (dt.date, dt.time)) and name == "strftime":
        fmt = first if args else kwargs.get("format")
        if isinstance(fmt, str):
            _limit(what, 12 * len(fmt) + 32)  # %c: 24 characters from 2
    elif isinstance(owner, list) and name in ("append", "insert", "extend"):
        added = 1 if name != "extend" else _sized(first)
        if added is not None:
            _limit(what, len(owner) + added, _item_bytes(first) if name == "extend" else 8)
    elif isinstance(owner, dict) and name in ("update", "setdefault"):
        added = 1 if name == "setdefault" else (_sized(first) or 0) + len(kwargs)
        _limit(what, len(owner) + added, _DICT_ITEM)
    elif owner is dict and name == "fromkeys":
        _limit(what, _sized(first), _DICT_ITEM)


# --- filters and globals -----------------------------------------------------------------------------

def _wordwrapped(a: dict[str, Any]) -> int:
    text = str(a["s"])
    return len(text) + (len(text) // max(int(a["width"]), 1) + 1) * len(a["wrapstring"] or "\n")


def _indented(a: dict[str, Any]) -> int:
    text, width = str(a["s"]), a["width"]
    return len(text) + (text.count("\n") + 1) * (len(width) if isinstance(width, str) else int(width))


# What a filter can make, for the filters that can make much more than they are given; each
# takes the filter's arguments bound to its parameters by name, defaults applied.
_FILTER_SIZES: dict[str, Callable[[dict[str, Any]], int]] = {
    "center": lambda a: a["width"],
    "indent": _indented,
    "batch": lambda a: a["linecount"],
    "slice": lambda a: a["slices"],
    "replace": lambda a: _replaced(str(a["s"]), a["old"], a["new"], -1 if a["count"] is None else a["count"]),
    "truncate": lambda a: len(str(a["s"])) + len(str(a["end"])),
    "wordwrap": _wordwrapped,
    **{name: (lambda a: _CASE_GROWTH * len(str(a["s"]))) for name in ("upper", "lower", "title", "capitalize")},
}


def _bind(signature: inspect.Signature | None, args: tuple, kwargs: dict) -> dict[str, Any] | None:
    if signature is None:
        return None
    try:
        bound = signature.bind(*args, **kwargs)
    except TypeError:
        return None  # arguments the filter itself will refuse
    bound.apply_defaults()
    return bound.arguments


def _guarded_filter(name: str, func: Callable[..., Any], printable: Callable[[Any], Any]) -> Callable[..., Any]:
    size = _FILTER_SIZES.get(name)
    signature = inspect.signature(func) if size is not None else None
    text = name in _TEXT_FILTERS
    iterates = name in _ITERATING_FILTERS
    skip = 1 if hasattr(func, "jinja_pass_arg") else 0  # the context, eval context or environment

    @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja still passes it
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if text:  # the filter would print its arguments: printed here first, within the limits
            args = (*args[:skip], *map(printable, args[skip:]))
            kwargs = {k: printable(v) for k, v in kwargs.items()}
        if iterates and len(args) > skip:
            _iterated(f"filter {name}", args[skip])
        bound = _bind(signature, args, kwargs)
        if bound is not None and size is not None:
            try:
                estimate = size(bound)
            except (TypeError, ValueError):
                estimate = 0  # arguments the filter itself will refuse
            _limit(f"filter {name}", estimate)
        result = func(*args, **kwargs)
        _check_size(result, f"filter {name}")
        _charge(result)
        return result
    return guarded


def _refused_filter(name: str, reason: str) -> Callable[..., Any]:
    def refused(*_args: Any, **_kwargs: Any) -> Any:
        raise SandboxError(reason)
    refused.__name__ = name
    return refused


@pass_environment
def _sum(environment: Any, iterable: Iterable[Any], attribute: str | int | None = None, start: Any = 0) -> Any:
    """Jinja's `sum`, with a sum of lists or tuples measured before it is made and made in one
    pass (Python's sum() copies the growing list at every item, in C)."""
    items = _items(iterable, "filter sum")
    if attribute is not None:
        items = list(map(make_attrgetter(environment, attribute), items))
    if isinstance(start, (list, tuple)):
        kind = type(start)
        if any(type(x) is not kind for x in items):
            raise SandboxError(f"filter sum hanya menjumlahkan angka, daftar atau tuple: start berupa {kind.__name__}, "
                               f"tetapi tidak semua isinya {kind.__name__}")
        _limit("filter sum", len(start) + sum(map(len, items)), 8)
        return kind(itertools.chain(start, *items))
    if isinstance(start, str):
        raise SandboxError("filter sum hanya menjumlahkan angka, daftar atau tuple; teks digabung dengan join")
    return sum(items, start)


@pass_eval_context
def _join(eval_ctx: Any, value: Iterable[Any], d: Any = "", attribute: str | int | None = None) -> str:
    """Jinja's `join`, with every item printed by the sandbox and the result measured before it is
    made."""
    env = eval_ctx.environment
    items = _items(value, "filter join")
    if attribute is not None:
        items = list(map(make_attrgetter(env, attribute), items))
    d = env.printable(d)
    texts, size = [], _text_len(d, False) * max(len(items) - 1, 0)
    for item in items:  # each printed and counted as it comes: a list of large lists stops at the limit
        texts.append(env.printable(item))
        size += _text_len(texts[-1], False)
        _limit("filter join", size)
    escaped = eval_ctx.autoescape and (hasattr(d, "__html__") or any(hasattr(x, "__html__") for x in texts))
    if escaped:
        _limit("filter join", _text_len(d, True) * max(len(texts) - 1, 0) + sum(_text_len(x, True) for x in texts))
    return sync_do_join(eval_ctx, texts, d)


def _lipsum(n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:  # noqa: A002 (jinja's names)
    """Jinja's lipsum(), measured first: each word is at most 14 characters with its punctuation."""
    if all(isinstance(x, int) for x in (n, min, max)):
        _limit("lipsum()", n * builtins.max(min, max) * 15)
    return generate_lorem_ipsum(n, html, min, max)


def _range(*args: Any) -> range:
    values = range(*args)
    try:
        too_long = len(values) > MAX_RANGE
    except OverflowError:
        too_long = True
    if too_long:
        raise _TooLarge(f"template membuat range() yang terlalu panjang (batas {_count(MAX_RANGE)} angka)")
    return values


class _CodeGenerator(CodeGenerator):
    def signature(self, node: Any, frame: Frame, extra_kwargs: Any = None) -> None:
        # f(*x), f(**x): Python expands x in C before the sandbox sees the call, so x goes to
        # Environment.spread first, to be measured.
        original = node.dyn_args, node.dyn_kwargs
        node.dyn_args, node.dyn_kwargs = (None if x is None else nodes.Call(
            nodes.EnvironmentAttribute("spread"), [x], [], None, None, lineno=x.lineno) for x in original)
        try:
            super().signature(node, frame, extra_kwargs)
        finally:
            node.dyn_args, node.dyn_kwargs = original

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # `a ~ b` is not among the operators Jinja lets a sandbox intercept: its operands go to
        # Environment.joined, which prints and measures them before joining them.
        if frame.eval_ctx.volatile:
            autoescape = "context.eval_ctx.autoescape"
        else:
            autoescape = "True" if frame.eval_ctx.autoescape else "False"
        self.write("environment.joined((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(f"), {autoescape})")

    def visit_Getitem(self, node: nodes.Getitem, frame: Frame) -> None:
        # Jinja writes x[a:b] as Python's own subscript, past environment.getitem: a slice is a
        # copy, measured there like any other value made.
        if not isinstance(node.arg, nodes.Slice):
            return super().visit_Getitem(node, frame)
        self.write("environment.getitem(")
        self.visit(node.node, frame)
        self.write(", slice(")
        for n, part in enumerate((node.arg.start, node.arg.stop, node.arg.step)):
            self.write(", " if n else "")
            if part is None:
                self.write("None")
            else:
                self.visit(part, frame)
        self.write("))")


_COMPILED_MAX = 256


class Environment(SandboxedEnvironment):
    """The sandbox, compiling each distinct source once.

    docxtpl hands the environment the same patched XML for every PK rendered from one
    template; compiling it again each time cost more than rendering it.
    """

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, chart_types: tuple[type, ...] = ()) -> None:
        """`chart_types`: the types that stand for a charts.Chart in a context, of which a
        template reads only the chart's fields."""
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined, finalize=self._finalize)
        self._chart_types = (charts.Chart, *chart_types)
        every = {**self.filters, **{name: f for name, (f, _example, _doc) in FILTERS.items()}}
        self.filters = {name: self._filter(name, f) for name, f in every.items()}
        self.globals["range"] = _range
        self.globals["lipsum"] = _lipsum
        self._compiled: dict[str, jinja2.Template] = {}

    def _filter(self, name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        if name in _REFUSED_FILTERS:
            return _refused_filter(name, _REFUSED_FILTERS[name])
        return _guarded_filter(name, {"sum": _sum, "join": _join}.get(name, func), self.printable)

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (jinja's name)
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            try:
                compiled = super().from_string(source)
            except RecursionError:
                raise SandboxError("template terlalu dalam bersarang (ekspresi atau tag di dalam tag)") from None
            compiled.sakip_source = source  # the lines quoted in the sandbox's messages
            if len(self._compiled) >= _COMPILED_MAX:
                # A footnote part renders in passes whose sources differ per document; the
                # environment lives for the process, so what it keeps is bounded.
                self._compiled.clear()
            self._compiled[source] = compiled
        return compiled

    # -- what a template may touch

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, self._chart_types):
            return attr in _CHART_FIELDS  # its data, not the docxtpl template it draws into
        kind = type(obj)
        # A namespace's attributes are the values the template stored in it.
        return kind in DATA_TYPES or kind in _JINJA_HELPERS or kind is Namespace

    def is_safe_callable(self, obj: Any) -> bool:
        if not super().is_safe_callable(obj):
            return False
        if type(obj) in _JINJA_HELPERS:
            return True
        if getattr(obj, "__func__", None) is Environment.spread and obj.__self__ is self:  # see _CodeGenerator.signature
            return True
        if any(obj is g for g in self.globals.values()):  # range, dict, lipsum, cycler, joiner, namespace
            return True
        if isinstance(obj, (types.BuiltinMethodType, types.MethodType)):  # a method of plain data or of loop, cycler
            if _is_data_method(obj):  # str.upper; date.today, dict.fromkeys on the class
                return obj.__name__ not in _REFUSED_METHODS
            return type(obj.__self__) in _JINJA_HELPERS
        return False

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        # Jinja returns an undefined that fails when used; failing at once names the culprit.
        raise SandboxError(f"template mencoba akses yang dilarang: \u201c{attribute}\u201d pada {_describe(obj, self._chart_types)} "
                           "(template hanya boleh membaca isian data)")

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        if not self.is_safe_callable(obj):
            name = getattr(obj, "__name__", None) or type(obj).__name__
            raise SandboxError(f"template mencoba akses yang dilarang: \u201c{name}\u201d tidak boleh dipanggil "
                               "dari template")
        if type(obj) is Macro:
            return self._call_macro(context, obj, args, kwargs)
        owner = getattr(obj, "__self__", None)
        if _is_data_method(obj):
            _check_method(obj, owner, args, kwargs)
        grows = type(owner) in (list, dict)  # append, extend, update: the list or dict itself grows
        before = sys.getsizeof(owner) if grows else 0
        result = context.call(obj, *args, **kwargs)
        what = f"{getattr(obj, '__name__', 'fungsi')}()"
        _check_size(result, what)
        if result is not owner:
            _charge(result)
        if grows:
            _check_size(owner, what)
            _charge_bytes(sys.getsizeof(owner) - before)
        return result

    def _call_macro(self, context: Any, macro: Macro, args: tuple, kwargs: dict) -> Any:
        # A macro calling itself without end would hit Python's recursion limit with an English
        # message, or first take all the time there is.
        depth = getattr(_local, "depth", 0)
        if depth >= MAX_DEPTH:
            raise SandboxError(f"makro \u201c{macro.name}\u201d dipanggil bertingkat lebih dari {MAX_DEPTH} kali "
                               "(makro yang memanggil dirinya sendiri tanpa akhir?)")
        _local.depth = depth + 1
        try:
            return context.call(macro, *args, **kwargs)
        finally:
            _local.depth = depth

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        # Called by Jinja for every attribute read: `'...'.format` is refused when it is read.
        if isinstance(value, (types.MethodType, types.BuiltinMethodType)) \
                and value.__name__ in ("format", "format_map") and isinstance(value.__self__, str):
            raise SandboxError(_FORMAT_REFUSED)
        return None

    def spread(self, values: Any) -> Any:
        """The `x` of f(*x) or f(**x), measured before Python expands it into arguments."""
        return values if isinstance(values, dict) else _items(values, "argumen *")

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, slice) and isinstance(obj, (str, list, tuple)):  # a copy: counted before it is made
            try:
                taken = len(range(*argument.indices(len(obj))))
            except (TypeError, ValueError):
                taken = 0  # a slice Python itself refuses
            _limit("potongan [a:b]", taken, 1 if isinstance(obj, str) else 8)
            result = super().getitem(obj, argument)
            _charge(result)
            return result
        return super().getitem(obj, argument)

    # -- printing and size

    def printable(self, value: Any) -> Any:
        """`value` as it may be printed (see _printable)."""
        return _printable(value, self._chart_types)

    def _finalize(self, value: Any) -> Any:
        """Every `{{ ... }}` before it is escaped and printed."""
        value = self.printable(value)
        if type(value) is str and len(value) > 1000 and _escaped_len(value) > MAX_OUTPUT:
            raise _output_too_large()  # escaping '&' makes five characters of one
        return value

    def joined(self, parts: tuple[Any, ...], autoescape: bool) -> str:
        """`a ~ b ~ ...`: the operands printed, then measured, then joined (escaped when one of
        them is markup, as Jinja does)."""
        texts = [self.printable(p) for p in parts]
        escaped = autoescape and any(hasattr(t, "__html__") for t in texts)
        _limit("\u201c~\u201d", sum(_text_len(t, escaped) for t in texts))
        result = markup_join(texts) if autoescape else str_join(texts)
        _charge(result)
        return result

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        _check_size(result, f"\u201c{operator}\u201d")
        _charge(result)
        return result

    def concat(self, pieces: Any) -> str:  # type: ignore[override]  # a class attribute ("".join) in Jinja
        """The output of a template, a {% set %} block, a macro or a filter block: counted as it
        is produced, so that a loop printing without end stops at MAX_OUTPUT characters."""
        out, size = [], 0
        for piece in pieces:
            size += len(piece)
            if size > MAX_OUTPUT:
                raise _output_too_large(getattr(pieces, "gi_frame", None))
            out.append(piece)
        result = "".join(out)
        _charge(result)
        return result

    # -- no loader: a template is one file

    def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        raise SandboxError(f"template tidak boleh memuat berkas lain ({{% include %}}, {{% import %}}, "
                           f"{{% extends %}}: \u201c{name}\u201d)")

    def select_template(self, names: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        return self.get_template(names)

    def get_or_select_template(self, names: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        return self.get_template(names)


def _is_data_method(obj: Any) -> bool:
    if not isinstance(obj, (types.BuiltinMethodType, types.MethodType)):
        return False
    owner = obj.__self__
    return type(owner) in DATA_TYPES or (isinstance(owner, type) and owner in DATA_TYPES)


def _output_too_large(frame: Any = None) -> _TooLarge:
    """`frame`: the template's output generator, suspended where it printed the last piece (it
    is not on the stack while concat() reads it)."""
    template = frame.f_globals.get("__jinja_template__") if frame is not None else None
    where = _at_line(template, template.get_corresponding_lineno(frame.f_lineno)) if template is not None else ""
    return _TooLarge(f"hasil render melebihi {_count(MAX_OUTPUT)} karakter (perulangan terlalu besar?){where}")


def environment(chart_types: tuple[type, ...] = ()) -> SandboxedEnvironment:
    return Environment(chart_types)


# --- the time and memory limits ---------------------------------------------------------------

class RenderTimeout(BaseException):
    """Raised inside the rendering thread by its watchdog. A BaseException, so that the
    `except Exception` clauses of Jinja and docxtpl let it through."""


class _MemoryInterrupt(BaseException):
    """Raised inside the rendering thread by its watchdog when the process's memory grew by
    MAX_MEMORY during the render; run_with_time_limit turns it into a SandboxError."""


_set_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))
# The same function with a pointer argument, to pass NULL: "clear the pending exception".
_clear_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))

_process: Any = None


def _memory() -> int:
    """The process's resident memory in bytes, 0 when it cannot be read (then nothing is watched)."""
    global _process
    try:
        if _process is None or _process.pid != os.getpid():
            import psutil  # lazy: ~0.1 s, and only a dev dependency (its absence is tolerated below)

            _process = psutil.Process()
        return int(_process.memory_info().rss)
    except Exception:  # psutil missing or /proc unreadable: the memory watch is a last guard, not the only one
        return 0


class _Watch:
    """One render under the watchdog, in the thread that creates it; `active`, `fired` and
    `interrupt` are guarded by the watchdog's lock."""

    __slots__ = ("thread", "active", "fired", "interrupt", "memory")

    def __init__(self) -> None:
        self.thread, self.active, self.fired = threading.get_ident(), False, False
        self.interrupt: type[BaseException] = RenderTimeout
        self.memory = _memory()  # when the render began


class _Watchdog:
    """Interrupts a rendering thread that has not stopped its watch within its time limit, or
    during whose render the process's memory grew by MAX_MEMORY.

    Renders run in Prefect's worker threads: a signal reaches only the main thread, and a
    process per document costs more than rendering it. So the rendering thread is interrupted
    where it is: PyThreadState_SetAsyncExc makes it raise RenderTimeout (or _MemoryInterrupt)
    at its next bytecode. A template loop runs bytecode on every iteration; one long C call
    ('x' * 10**10) cannot be interrupted, which is why the sandbox measures such operations
    before they run. One thread serves the whole process (a timer thread per document cost
    0.5 ms on a busy machine); while a render is watched it also reads the process's memory
    every MEMORY_POLL seconds.

    An interrupt that lands in a finalizer the thread happens to run (a __del__, a weakref
    callback: matplotlib has some) is swallowed there, so a watch still active is fired at
    again every REFIRE seconds.

    The race with the end of the render: the exception must never surface in the thread after
    it left the render, in whatever it does next. `_cond`'s lock makes firing and stopping
    exclusive, and the watchdog fires only at a watch still `active`:
    - stop() takes the lock first: the watch is inactive, and its deadline passing later does
      nothing.
    - the watchdog takes it first: the exception is pending. The thread raises it at its next
      bytecode, before stop() or inside it; it then leaves through run_with_time_limit()'s
      `except`, which stops the watch again (stop() is idempotent), and is reported as a
      timeout, rightly: the render had run out of time. If stop() reaches the clearing call first, the render
      completed, and the pending exception is dropped (SetAsyncExc with NULL) under the lock,
      after which nothing can set it again.
    - the one window left: an interrupt raised on entering the first stop() skips it, and the
      second stop() in the `except` clause follows within microseconds; only another firing
      could come between, REFIRE seconds after the first, i.e. if the thread stalled that long
      between two bytecodes.
    run_with_time_limit() creates the watch before its `try` and starts it inside, so that
    whatever is raised once the watch is active reaches the code that stops it.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._due: list[tuple[float, int, _Watch]] = []  # a heap of (deadline, order, watch)
        self._order = itertools.count()
        self._watched: set[_Watch] = set()  # active watches, whose memory is watched
        self._thread: threading.Thread | None = None

    def start(self, watch: _Watch, seconds: float) -> None:
        with self._cond:
            watch.active = True
            self._watched.add(watch)
            heapq.heappush(self._due, (time.monotonic() + seconds, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sakip-render-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()  # an earlier deadline, or memory to watch: the watchdog may be asleep

    def stop(self, watch: _Watch) -> None:
        with self._cond:
            watch.active = False
            self._watched.discard(watch)
            if watch.fired:
                _clear_async_exc(watch.thread, None)

    def _fire(self, watch: _Watch, now: float) -> None:
        watch.fired = True
        _set_async_exc(watch.thread, watch.interrupt)
        heapq.heappush(self._due, (now + REFIRE, next(self._order), watch))

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._due and self._due[0][0] <= now:
                    watch = heapq.heappop(self._due)[2]
                    if watch.active:
                        self._fire(watch, now)
                if self._watched:
                    used = _memory()
                    for watch in self._watched:
                        if used and watch.memory and not watch.fired and used - watch.memory > MAX_MEMORY:
                            watch.interrupt = _MemoryInterrupt
                            self._fire(watch, now)
                wait = self._due[0][0] - now if self._due else None
                if self._watched:
                    wait = MEMORY_POLL if wait is None else min(wait, MEMORY_POLL)
                self._cond.wait(wait)


_watchdog = _Watchdog()


def _new_watchdog() -> None:
    # A forked child has no watchdog thread, and the lock may have been held at the fork.
    global _watchdog, _process
    _watchdog = _Watchdog()
    _process = None


os.register_at_fork(after_in_child=_new_watchdog)


def run_with_time_limit(seconds: float, func: Callable[[], T]) -> T:
    """`func()` in this thread, interrupted with RenderTimeout if it runs longer than `seconds`,
    and with a SandboxError if the process's memory grows by MAX_MEMORY meanwhile; everything
    the sandbox's operations build in it is counted against MAX_BUILT. Once this returns or
    raises, no interrupt is left pending in the thread (the race with the end of `func` is
    discussed at _Watchdog)."""
    watch = _Watch()
    outer = getattr(_local, "render", None)
    _local.render = _Render()
    try:
        try:
            try:
                _watchdog.start(watch, seconds)
                return func()
            finally:
                _watchdog.stop(watch)
        except (Exception, RenderTimeout, _MemoryInterrupt):
            _watchdog.stop(watch)  # again: an interrupt raised on entering the first stop() skipped it
            raise
    except _MemoryInterrupt as exc:
        raise SandboxError(f"render memakai memori lebih dari {_count(MAX_MEMORY // 2**20)} MB (nilai yang dibangun "
                           f"template terlalu besar){_where_in(exc.__traceback__)}") from None
    except RecursionError as exc:
        raise SandboxError("template terlalu dalam bersarang (makro atau nilai yang memuat dirinya sendiri?)"
                           f"{_where_in(exc.__traceback__)}") from None
    except MemoryError as exc:
        raise SandboxError(f"memori habis saat merender template{_where_in(exc.__traceback__)}") from None
    finally:
        _local.render = outer
