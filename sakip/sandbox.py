"""The sandbox every template renders in: a Jinja environment and a render time limit.

Why: templates are code, written by planners rather than by programmers, and a template file is
passed around and edited in Word; a careless or hostile one must not reach past the data it is
given, read or write files, or take the run down with it.

What it guarantees, for a template rendered by `Environment` under `run_with_time_limit`:
- Only plain data is reachable: attributes and calls are allowlisted to the exact types in
  DATA_TYPES (str, numbers, dates, dict, list, ...), Jinja's own helpers (loop, cycler, joiner,
  namespace, macros) and a chart's own fields. Jinja's SandboxedEnvironment by itself hides only
  names starting with "_": every public attribute of every object stays open, e.g.
  `grafik.tpl.save(path)` on docxtpl's template object behind a chart. A refused access fails
  at once with a SandboxError naming it.
- No other file is loaded: {% include %}, {% import %} and {% extends %} are refused.
- Sizes are limited: the operations that turn a short expression into gigabytes ('x' * 10**10,
  str methods and filters that pad, join or replace, str.format and '%' widths, range(), large
  integer products and powers) are measured before they run and refused above MAX_SIZE
  (MAX_RANGE, MAX_INT_BITS); `~` and list/dict growth are measured after; the output of one
  part stops at MAX_OUTPUT characters.
- A render has a time limit (TIME_LIMIT seconds by default): the rendering thread is
  interrupted where it is, with RenderTimeout, and can go on with the next document.
- Autoescape (a '&' or '<' in data would otherwise corrupt the document's XML) and
  StrictUndefined (a misspelt field fails loudly instead of printing nothing in a legal report).

Known limits:
- Memory of nested values: each value is measured by its own length, not by what it holds, so
  a list of many large strings (or of lists) can hold far more than MAX_SIZE in all; only the
  time limit bounds how long a template can go on building it.
- C calls: the interrupt is seen between Python bytecodes, so one long operation in C that the
  sandbox does not measure runs to its end before the render stops.

charts.Chart values are shown with their fields only; a renderer that shows charts as other
objects (render's images of charts) passes those types as `chart_types`.
"""

from __future__ import annotations

import ctypes
import dataclasses
import datetime as dt
import functools
import heapq
import itertools
import os
import re
import threading
import time
import types
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.runtime import BlockReference, LoopContext, Macro, Undefined
from jinja2.sandbox import SandboxedEnvironment, SandboxedEscapeFormatter, SandboxedFormatter
from jinja2.utils import Cycler, Joiner, Namespace
from markupsafe import Markup

from . import charts
from .formatting import FILTERS, number

T = TypeVar("T")


TIME_LIMIT = 20.0  # seconds per document; the largest real one renders in well under one
REFIRE = 2.0  # seconds between interrupts of a render that did not stop at the first
MAX_SIZE = 10_000_000  # characters or items of one value a template computes
MAX_OUTPUT = 20_000_000  # characters of one rendered part; a 200-indicator report is 0.6 million
MAX_INT_BITS = 256  # a 77-digit integer: no report computes one (money is a Decimal of 15 digits)
MAX_RANGE = 100_000  # Jinja's own sandbox limit on range(), with the message in Indonesian

# What a context holds (test_render_sandbox walks every document context to keep it so).
# Exact types: a subclass could add methods that are not data.
DATA_TYPES = frozenset({str, Markup, int, bool, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta,
                        dict, list, tuple, range, type(None)})
# Jinja's helpers: loop, cycler(), joiner(), macros and caller, self.<block>.
_JINJA_HELPERS = frozenset({LoopContext, Cycler, Joiner, Macro, BlockReference})
_CHART_FIELDS = frozenset(f.name for f in dataclasses.fields(charts.Chart))
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0 +\-]*(\*|\d*)(?:\.(\*|\d*))?[hlL]?[a-zA-Z%]")


# --- the environment -------------------------------------------------------------------------

class SandboxError(SecurityError):
    """A template stopped by sakip's sandbox; the message is the whole explanation."""


class _TooLarge(SandboxError):
    pass


def _count(n: int) -> str:
    return number(n) if n < 10**30 else "lebih dari 10^30"


def _limit(what: str, n: Any) -> None:
    """Refuse an operation that would make `n` characters or items, before it makes them."""
    if isinstance(n, int) and n > MAX_SIZE:
        raise _TooLarge(f"template membuat nilai yang terlalu besar: {what} menghasilkan {_count(n)} "
                        f"karakter/elemen (batas {_count(MAX_SIZE)})")


def _check_size(value: Any, what: str) -> None:
    if isinstance(value, (str, list, tuple, dict)):
        _limit(what, len(value))


def _digits(text: str) -> int:
    return int(text) if len(text) <= 12 else MAX_SIZE + 1


def _percent_size(fmt: str) -> int:
    """The widths and precisions in a '%' format, which pad its result to that many characters."""
    total = 0
    for spec in _PERCENT_SPEC.finditer(fmt):
        for part in spec.groups():
            if part == "*":  # a width taken from the arguments: not worth measuring, no report needs it
                raise SandboxError("format \u201c%*\u201d (lebar dari argumen) tidak diizinkan di template")
            if part:
                total += _digits(part)
    return total


def _spec_size(spec: str) -> int:
    return sum(_digits(d) for d in re.findall(r"\d+", spec))


def _replaced(text: str, old: Any, new: Any, count: Any = -1) -> int:
    if not (isinstance(old, str) and isinstance(new, str)):
        return 0
    hits = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _joined(sep: str, items: Any) -> int:
    if not isinstance(items, (list, tuple)):
        return 0  # an iterator: its items come one by one, and each was measured when it was made
    return len(sep) * max(len(items) - 1, 0) + sum(len(x) for x in items if isinstance(x, str))


def _check_binop(op: str, left: Any, right: Any) -> None:
    sequences = (str, list, tuple)
    if op == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, sequences) and isinstance(times, int):
                _limit("\u201c*\u201d", len(seq) * times)
        if isinstance(left, int) and isinstance(right, int) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise _TooLarge(f"template membuat bilangan yang terlalu besar dengan \u201c*\u201d (batas {MAX_INT_BITS} bit)")
    elif op == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1 \
                and (abs(left).bit_length() - 1) * right > MAX_INT_BITS:
            raise _TooLarge(f"template membuat bilangan yang terlalu besar dengan \u201c**\u201d (batas {MAX_INT_BITS} bit)")
    elif op == "+":
        if isinstance(left, sequences) and isinstance(right, sequences):
            _limit("\u201c+\u201d", len(left) + len(right))
    elif op == "%" and isinstance(left, str):
        _limit("format \u201c%\u201d", len(left) + _percent_size(left))


def _check_call(func: Any, args: tuple, kwargs: dict) -> None:
    """The methods of plain data whose result can be far larger than their arguments."""
    owner, name = getattr(func, "__self__", None), getattr(func, "__name__", "")
    first = args[0] if args else None
    if isinstance(owner, str):
        if name in ("center", "ljust", "rjust", "zfill"):
            _limit(f"{name}()", first)
        elif name == "expandtabs":
            size = first if args else kwargs.get("tabsize", 8)
            if isinstance(size, int):
                _limit("expandtabs()", len(owner) + owner.count("\t") * size)
        elif name == "replace" and len(args) >= 2:
            _limit("replace()", _replaced(owner, *args[:3]))
        elif name == "join" and args:
            _limit("join()", _joined(owner, first))
    elif isinstance(owner, int) and name == "to_bytes":
        _limit("to_bytes()", first if args else kwargs.get("length", 1))


def _wordwrapped(s: Any, width: Any = 79, break_long_words: Any = True, wrapstring: Any = None, *_: Any) -> int:
    text = str(s)
    return len(text) + (len(text) // max(int(width), 1) + 1) * len(wrapstring or "\n")


# What a filter can make from small arguments, for the filters that can make much more than
# they are given; each takes the filter's own arguments.
_FILTER_SIZES: dict[str, Callable[..., int]] = {
    "center": lambda value, width=80: width,
    "indent": lambda s, width=4, *_: len(str(s)) + (str(s).count("\n") + 1) * (len(width) if isinstance(width, str) else width),
    "batch": lambda value, linecount, fill_with=None: linecount,
    "slice": lambda value, slices, fill_with=None: slices,
    "format": lambda value, *args, **kwargs: len(str(value)) + _percent_size(str(value)),
    "join": lambda value, d="", attribute=None: _joined(str(d), value) if attribute is None else 0,
    "replace": lambda s, old, new, count=None: _replaced(str(s), old, new, -1 if count is None else count),
    "wordwrap": _wordwrapped,
}


def _guarded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    size = _FILTER_SIZES.get(name)
    skip = 1 if hasattr(func, "jinja_pass_arg") else 0  # the context, eval context or environment

    @functools.wraps(func)  # keeps jinja_pass_arg, so Jinja still passes it
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if size is not None:
            try:
                estimate = size(*args[skip:], **kwargs)
            except (TypeError, ValueError):
                estimate = 0  # arguments the filter itself will refuse
            _limit(f"filter {name}", estimate)
        result = func(*args, **kwargs)
        _check_size(result, f"filter {name}")
        return result
    return guarded


def _range(*args: Any) -> range:
    values = range(*args)
    try:
        too_long = len(values) > MAX_RANGE
    except OverflowError:
        too_long = True
    if too_long:
        raise _TooLarge(f"template membuat range() yang terlalu panjang (batas {_count(MAX_RANGE)} angka)")
    return values


class _Formatter(SandboxedFormatter):
    """str.format in a template: fields through the sandbox (Jinja's), and the padding a field's
    spec asks for measured before it is made, the fields together measured as they are made."""

    made = 0

    def vformat(self, format_string: str, args: Any, kwargs: Any) -> str:
        self.made = 0
        return super().vformat(format_string, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        _limit("format()", self.made + _spec_size(format_spec))
        field = super().format_field(value, format_spec)
        self.made += len(field)
        _limit("format()", self.made)
        return field


class _EscapeFormatter(_Formatter, SandboxedEscapeFormatter):
    pass


class _Format:
    """`'...'.format` / `format_map` as a template gets it (Jinja's wrap_str_format, with sakip's
    formatter and a type of its own for is_safe_callable)."""

    def __init__(self, text: str, formatter: _Formatter, is_map: bool) -> None:
        self.text, self.formatter, self.is_map = text, formatter, is_map

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        if self.is_map:
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one argument")
            args, kwargs = (), args[0]
        return type(self.text)(self.formatter.vformat(self.text, args, kwargs))


class _CodeGenerator(CodeGenerator):
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # `a ~ b` is not among the operators Jinja lets a sandbox intercept. Its result is no larger
        # than its operands together, so measuring it after the fact still stops a loop doubling
        # a value at twice the limit.
        self.write("environment.measured(")
        super().visit_Concat(node, frame)
        self.write(")")


def _describe(obj: Any, chart_types: tuple[type, ...]) -> str:
    if isinstance(obj, chart_types):
        return "grafik"
    if isinstance(obj, type):
        return f"kelas {obj.__name__}"
    return f"objek {type(obj).__name__}"


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
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self._chart_types = (charts.Chart, *chart_types)
        self.filters.update({name: f for name, (f, _example, _doc) in FILTERS.items()})
        self.filters = {name: _guarded_filter(name, f) for name, f in self.filters.items()}
        self.globals["range"] = _range
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (jinja's name)
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compiled[source] = super().from_string(source)
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
        if type(obj) in _JINJA_HELPERS or isinstance(obj, _Format):
            return True
        if any(obj is g for g in self.globals.values()):  # range, dict, lipsum, cycler, joiner, namespace
            return True
        if isinstance(obj, (types.BuiltinMethodType, types.MethodType)):  # a method of plain data or of loop, cycler
            owner = obj.__self__
            return (type(owner) in DATA_TYPES or type(owner) in _JINJA_HELPERS
                    or (isinstance(owner, type) and owner in DATA_TYPES))  # date.today, dict.fromkeys
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
        _check_call(obj, args, kwargs)
        result = context.call(obj, *args, **kwargs)
        what = f"{getattr(obj, '__name__', 'fungsi')}()"
        _check_size(result, what)
        owner = getattr(obj, "__self__", None)
        if type(owner) in (list, dict):  # append, extend, update: the list or dict itself grew
            _check_size(owner, what)
        return result

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)) \
                or value.__name__ not in ("format", "format_map") or not isinstance(value.__self__, str):
            return None
        text = value.__self__
        formatter = _EscapeFormatter(self, escape=text.escape) if isinstance(text, Markup) else _Formatter(self)
        return _Format(text, formatter, value.__name__ == "format_map")

    # -- size

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def measured(self, value: Any) -> Any:
        _check_size(value, "\u201c~\u201d")
        return value

    def concat(self, pieces: Any) -> str:  # type: ignore[override]  # a class attribute ("".join) in Jinja
        """The output of a template, a {% set %} block, a macro or a filter block: counted as it
        is produced, so that a loop printing without end stops at MAX_OUTPUT characters."""
        out, size = [], 0
        for piece in pieces:
            size += len(piece)
            if size > MAX_OUTPUT:
                raise _TooLarge(f"hasil render melebihi {_count(MAX_OUTPUT)} karakter (perulangan terlalu besar?)")
            out.append(piece)
        return "".join(out)

    # -- no loader: a template is one file

    def get_template(self, name: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        raise SandboxError(f"template tidak boleh memuat berkas lain ({{% include %}}, {{% import %}}, "
                            f"{{% extends %}}: \u201c{name}\u201d)")

    def select_template(self, names: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        return self.get_template(names)

    def get_or_select_template(self, names: Any, parent: Any = None, globals: Any = None) -> jinja2.Template:  # noqa: A002
        return self.get_template(names)


def environment(chart_types: tuple[type, ...] = ()) -> SandboxedEnvironment:
    return Environment(chart_types)


# --- the time limit -------------------------------------------------------------------------

class RenderTimeout(BaseException):
    """Raised inside the rendering thread by its watchdog. A BaseException, so that the
    `except Exception` clauses of Jinja and docxtpl let it through."""


_set_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.py_object)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))
# The same function with a pointer argument, to pass NULL: "clear the pending exception".
_clear_async_exc = ctypes.PYFUNCTYPE(ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p)(
    ("PyThreadState_SetAsyncExc", ctypes.pythonapi))


class _Watch:
    """One render under the watchdog, in the thread that creates it; `active` and `fired` are
    guarded by the watchdog's lock."""

    __slots__ = ("thread", "active", "fired")

    def __init__(self) -> None:
        self.thread, self.active, self.fired = threading.get_ident(), False, False


class _Watchdog:
    """Interrupts a rendering thread that has not stopped its watch within its time limit.

    Renders run in Prefect's worker threads: a signal reaches only the main thread, and a
    process per document costs more than rendering it. So the rendering thread is interrupted
    where it is: PyThreadState_SetAsyncExc makes it raise RenderTimeout at its next bytecode. A
    template loop runs bytecode on every iteration; one long C call ('x' * 10**10) cannot be
    interrupted, which is why the sandbox measures such operations before they run. One thread
    serves the whole process (a timer thread per document cost 0.5 ms on a busy machine).

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
        self._thread: threading.Thread | None = None

    def start(self, watch: _Watch, seconds: float) -> None:
        with self._cond:
            watch.active = True
            heapq.heappush(self._due, (time.monotonic() + seconds, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sakip-render-watchdog", daemon=True)
                self._thread.start()
            if self._due[0][2] is watch:  # the earliest deadline now: the watchdog sleeps until a later one
                self._cond.notify()

    def stop(self, watch: _Watch) -> None:
        with self._cond:
            watch.active = False
            if watch.fired:
                _clear_async_exc(watch.thread, None)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._due and self._due[0][0] <= now:
                    watch = heapq.heappop(self._due)[2]
                    if watch.active:
                        watch.fired = True
                        _set_async_exc(watch.thread, RenderTimeout)
                        heapq.heappush(self._due, (now + REFIRE, next(self._order), watch))
                self._cond.wait(self._due[0][0] - now if self._due else None)


_watchdog = _Watchdog()


def _new_watchdog() -> None:
    # A forked child has no watchdog thread, and the lock may have been held at the fork.
    global _watchdog
    _watchdog = _Watchdog()


os.register_at_fork(after_in_child=_new_watchdog)


def run_with_time_limit(seconds: float, func: Callable[[], T]) -> T:
    """`func()` in this thread, interrupted with RenderTimeout if it runs longer than `seconds`.
    Once this returns or raises, no interrupt is left pending in the thread (the race with the
    end of `func` is discussed at _Watchdog)."""
    watch = _Watch()
    try:
        try:
            _watchdog.start(watch, seconds)
            return func()
        finally:
            _watchdog.stop(watch)
    except (Exception, RenderTimeout):
        _watchdog.stop(watch)  # again: an interrupt raised on entering the first stop() skipped it
        raise
