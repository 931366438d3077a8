"""Tools for planners who edit the Word templates: check, preview, and the field reference.

`check` reads a .docx the way Word shows it (paragraphs and table cells, the text around each
tag) and reports problems there, not in docxtpl's XML: tags left open, tags whose characters
carry different formatting (Word split them into runs), Jinja syntax, fields the template does
not receive (with the closest real field), filters that do not exist, attribute access the
sandbox forbids, fonts that are not installed, and finally a trial render of the sample context
(which the sandbox stops as it would in a run: objects that are not data, values too large, a
render past the time limit).
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from lxml import etree

from . import charts
from ..errors import TemplateError, visible
from .fields import CATALOGUE, TITLES
from .filters import FILTERS
from .sandbox import TIME_LIMIT, environment

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
OPENERS = re.compile(r"\{\{|\{%|\{#")
# docxtpl's own markers: {%tr %}, {%tc %}, {%p %}, {%r %} (and {{r x }}); {% vm %}/{% hm %} merge cells.
DOCX_PREFIX = re.compile(r"^\{([{%])\s*(tr|tc|p|r)\s")
MERGE = re.compile(r"^\{%\s*(vm|hm)\s*%\}$")
BLOCKS = {"for", "if", "macro", "call", "filter", "with", "block", "raw", "autoescape"}
# Formatting properties that do not change how a tag's text looks.
IGNORED_RPR = {"lang", "noProof", "rFonts", "proofErr", "rtl", "cs", "szCs", "bCs", "iCs", "kern", "webHidden"}
# LibreOffice's metric-compatible substitutes: a document in these fonts keeps its line breaks.
METRIC_TWINS = {"arial": "Liberation Sans", "helvetica": "Liberation Sans", "times new roman": "Liberation Serif",
                "courier new": "Liberation Mono", "calibri": "Carlito", "cambria": "Caladea"}
JINJA_GLOBALS = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "true", "false", "none",
                 "True", "False", "None"}
ANY = "*any*"


@dataclass(frozen=True)
class Problem:
    severity: str  # "galat" (the template will not work as meant) or "peringatan"
    where: str  # in Word terms: "paragraf 12", "tabel 2, baris 3, kolom 4", "header 1, paragraf 1"
    excerpt: str  # the text around the problem, as the planner sees it
    message: str

    def __str__(self) -> str:
        quote = f" (\u201c{self.excerpt}\u201d)" if self.excerpt else ""
        return f"{self.severity}: {self.where}{quote}: {self.message}"


@dataclass(frozen=True)
class _Tag:
    text: str
    where: str
    excerpt: str


# --- reading the document the way Word shows it --------------------------------------------

def _rpr_key(run: etree._Element) -> tuple:
    rpr = run.find(f"{W}rPr")
    if rpr is None:
        return ()
    items = []
    for child in rpr:
        name = etree.QName(child).localname
        if name in IGNORED_RPR:
            continue
        items.append((name, tuple(sorted((etree.QName(k).localname, v) for k, v in child.attrib.items()))))
    return tuple(sorted(items))


def _excerpt(text: str, start: int, end: int, width: int = 30) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    return ("…" if left else "") + text[left:right].strip() + ("…" if right < len(text) else "")


def _locations(root: etree._Element, part: str) -> dict[etree._Element, str]:
    """Every paragraph's place in Word terms."""
    tables = {tbl: n for n, tbl in enumerate(root.iter(f"{W}tbl"), start=1)}
    places = {}
    body_count = 0
    prefix = "" if part == "document" else f"{part}, "
    for p in root.iter(f"{W}p"):
        cell = next((a for a in p.iterancestors(f"{W}tc")), None)
        if cell is None:
            body_count += 1
            places[p] = f"{prefix}paragraf {body_count}"
            continue
        row = cell.getparent()
        tbl = row.getparent()
        r = [x for x in tbl if x.tag == f"{W}tr"].index(row) + 1
        c = [x for x in row if x.tag == f"{W}tc"].index(cell) + 1
        places[p] = f"{prefix}tabel {tables[tbl]}, baris {r}, kolom {c}"
    return places


def _parts(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    names = zf.namelist()
    parts = [("document", "word/document.xml")] if "word/document.xml" in names else []
    for kind, label in (("header", "header"), ("footer", "footer")):
        for n, name in enumerate(sorted(x for x in names if re.fullmatch(rf"word/{kind}\d*\.xml", x)), start=1):
            parts.append((f"{label} {n}", name))
    return parts


def _scan(zf: zipfile.ZipFile, problems: list[Problem]) -> list[_Tag]:
    """Tags in document order; open tags and tags split across formatting become problems."""
    tags: list[_Tag] = []
    for part, name in _parts(zf):
        root = etree.fromstring(zf.read(name))
        places = _locations(root, part)
        for p, where in places.items():
            runs = []
            for r in p.iter(f"{W}r"):
                text = "".join(t.text or "" for t in r.iter(f"{W}t"))
                if text:
                    runs.append((text, _rpr_key(r)))
            full = "".join(t for t, _ in runs)
            if "{" not in full and "}" not in full:
                continue
            bounds, pos = [], 0
            for text, key in runs:
                bounds.append((pos, pos + len(text), key))
                pos += len(text)
            covered = []
            for m in TAG.finditer(full):
                covered.append((m.start(), m.end()))
                inner = m.group()
                nested = OPENERS.search(inner, 2)
                if nested:  # "{{ a {{ b }}": the first one was never closed
                    problems.append(Problem("galat", where, _excerpt(full, m.start(), m.end()),
                                            f"tag \u201c{inner[:nested.start()].strip()}\u201d tidak ditutup sebelum tag berikutnya"))
                    continue
                keys = {key for s, e, key in bounds if s < m.end() and e > m.start()}
                if len(keys) > 1:
                    problems.append(Problem("galat", where, _excerpt(full, m.start(), m.end()),
                                            f"tag {inner} terpecah oleh format Word (sebagian hurufnya berbeda format: tebal, "
                                            "miring, ukuran, warna); hapus tag itu dan ketik ulang seluruhnya dengan satu format"))
                tags.append(_Tag(inner, where, _excerpt(full, m.start(), m.end())))
            rest = full
            for s, e in reversed(covered):
                rest = rest[:s] + " " * (e - s) + rest[e:]
            for m in OPENERS.finditer(rest):
                problems.append(Problem("galat", where, _excerpt(full, m.start(), m.start() + 2),
                                        f"tag yang dibuka dengan \u201c{m.group()}\u201d tidak ditutup di paragraf yang sama "
                                        f"(penutupnya \u201c{ {'{{': '}}', '{%': '%}', '{#': '#}'}[m.group()] }\u201d)"))
            for m in re.finditer(r"\}\}|%\}", rest):
                problems.append(Problem("galat", where, _excerpt(full, m.start(), m.end()),
                                        f"penutup \u201c{m.group()}\u201d tanpa pembukanya"))
    return tags


# --- Jinja: syntax, blocks, fields, filters, sandbox ---------------------------------------

def _jinja_source(tag: str) -> str:
    if MERGE.match(tag):
        return ""
    return DOCX_PREFIX.sub(lambda m: "{" + m.group(1) + " ", tag)


def _block_word(tag: str) -> str:
    m = re.match(r"\{%-?\s*(\w+)", _jinja_source(tag))
    return m.group(1) if m else ""


def _check_blocks(tags: list[_Tag], problems: list[Problem]) -> bool:
    stack: list[tuple[str, _Tag]] = []
    ok = True
    for tag in tags:
        word = _block_word(tag.text)
        if word == "set" and "=" not in tag.text:
            word = "set_block"
        if word in BLOCKS or word == "set_block":
            stack.append(("set" if word == "set_block" else word, tag))
        elif word.startswith("end"):
            want = word[3:]
            if not stack or stack[-1][0] != want:
                opened = f"; blok yang terbuka: {{% {stack[-1][0]} %}} di {stack[-1][1].where}" if stack else ""
                problems.append(Problem("galat", tag.where, tag.excerpt, f"{{% {word} %}} tanpa {{% {want} %}} pembukanya{opened}"))
                ok = False
                if stack and any(s[0] == want for s in stack):
                    while stack and stack[-1][0] != want:
                        stack.pop()
                    stack.pop()
                continue
            stack.pop()
        elif word in ("else", "elif") and (not stack or stack[-1][0] not in ("if", "for")):
            problems.append(Problem("galat", tag.where, tag.excerpt, f"{{% {word} %}} di luar blok if/for"))
            ok = False
    for word, tag in stack:
        problems.append(Problem("galat", tag.where, tag.excerpt, f"blok {{% {word} %}} tidak ditutup dengan {{% end{word} %}}"))
        ok = False
    return ok


def schema(name: str | None, context: dict[str, Any] | None) -> set[str] | None:
    """The field paths a template may use: the catalogue's, else those of the given context."""
    if name in CATALOGUE:
        return set(CATALOGUE[name])
    if context is not None:
        return set(context_paths(context))
    return None


def context_paths(value: Any, prefix: str = "") -> list[str]:
    """Every leaf path of a context ('a.b', 'list[].x'); a chart is a leaf."""
    out: list[str] = []
    if isinstance(value, charts.Chart):
        return [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += context_paths(v, f"{prefix}.{k}" if prefix else str(k))
        return out or [prefix]
    if isinstance(value, (list, tuple)):
        seen: dict[str, None] = {}
        for item in value:
            seen.update(dict.fromkeys(context_paths(item, prefix + "[]")))
        return list(seen) or [prefix + "[]"]
    return [prefix]


class _Schema:
    def __init__(self, paths: set[str]) -> None:
        self.leaves = paths
        self.nodes: set[str] = set()
        for p in paths:
            parts = re.split(r"(?=\.)|(?=\[\])", p)
            acc = ""
            for part in parts:
                acc += part
                self.nodes.add(acc)

    def _match(self, path: str) -> str | None:
        if path in self.nodes:
            return path
        # a '*' segment in the catalogue matches any key
        for node in self.nodes:
            if "*" in node and re.fullmatch(re.escape(node).replace(r"\*", r"[^.\[]+"), path):
                return node
        return None

    def child(self, base: str, attr: str) -> str | None:
        return self._match(f"{base}.{attr}" if base else attr)

    def is_leaf(self, path: str) -> bool:
        return path in self.leaves or self._match(path) in self.leaves

    def suggest(self, path: str) -> str:
        close = difflib.get_close_matches(path, sorted(self.nodes), n=1, cutoff=0.6)
        return f"; maksud Anda \u201c{close[0]}\u201d?" if close else ""


LEAF_ATTRS = set(dir(str)) | {"judul", "catatan", "label", "seri", "satuan"}


class _Walker:
    def __init__(self, env: jinja2.Environment, schema_: _Schema | None, lines: list[_Tag], problems: list[Problem]) -> None:
        self.env, self.schema, self.lines, self.problems = env, schema_, lines, problems

    def report(self, node: nodes.Node, message: str) -> None:
        tag = self.lines[min(max(node.lineno, 1), len(self.lines)) - 1]
        problem = Problem("galat", tag.where, tag.excerpt, message)
        if problem not in self.problems:
            self.problems.append(problem)

    def resolve(self, node: nodes.Node, scope: dict[str, str]) -> str:
        """The schema path an expression stands for, ANY when it cannot be known."""
        if isinstance(node, nodes.Name):
            if node.name in scope:
                return scope[node.name]
            if self.schema is None or node.name in JINJA_GLOBALS:
                return ANY
            found = self.schema.child("", node.name)
            if found is None:
                self.report(node, f"isian \u201c{node.name}\u201d tidak dikenal untuk template ini{self.schema.suggest(node.name)}")
                return ANY
            return found
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            if isinstance(node, nodes.Getattr):
                attr = node.attr
            elif isinstance(node.arg, nodes.Const):
                attr = node.arg.value
            else:
                self.visit(node.arg, scope)
                base = self.resolve(node.node, scope)
                return ANY if base == ANY else base + "[]" if self.schema and self.schema._match(base + "[]") else ANY
            if isinstance(attr, str) and attr.startswith("_"):
                self.visit(node.node, scope)
                self.report(node, f"akses \u201c{attr}\u201d dilarang: template berjalan dalam sandbox dan tidak boleh "
                                  "menyentuh bagian dalam Python")
                return ANY
            base = self.resolve(node.node, scope)
            if base == ANY or self.schema is None:
                return ANY
            if isinstance(attr, int):
                return base + "[]" if self.schema._match(base + "[]") else ANY
            found = self.schema.child(base, str(attr))
            if found is not None:
                return found
            if self.schema.is_leaf(base) and str(attr) in LEAF_ATTRS:
                return ANY
            full = f"{base}.{attr}"
            self.report(node, f"isian \u201c{full.replace('[]', '')}\u201d tidak dikenal untuk template ini"
                              f"{self.schema.suggest(full).replace('[]', '')}")
            return ANY
        self.visit(node, scope)
        return ANY

    def visit(self, node: nodes.Node, scope: dict[str, str]) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)):
            if not (isinstance(node, nodes.Name) and node.ctx != "load"):
                self.resolve(node, scope)
            return
        if isinstance(node, (nodes.Import, nodes.FromImport, nodes.Include, nodes.Extends)):
            self.report(node, "{% include %}, {% import %} dan {% extends %} tidak diizinkan: template tidak boleh "
                              "memuat berkas lain")
            return
        if isinstance(node, nodes.Filter) and node.name not in self.env.filters:
            close = difflib.get_close_matches(node.name, list(self.env.filters), n=1)
            self.report(node, f"filter \u201c{node.name}\u201d tidak ada" + (f"; maksud Anda \u201c{close[0]}\u201d?" if close else
                                                                            "; lihat `sakip template fields`"))
        if isinstance(node, nodes.Test) and node.name not in self.env.tests:
            self.report(node, f"uji \u201c{node.name}\u201d tidak ada")
        if isinstance(node, nodes.For):
            self.visit(node.iter, scope)
            base = self.resolve(node.iter, scope)
            inner = dict(scope)
            item = base + "[]" if base != ANY and self.schema and self.schema._match(base + "[]") else ANY
            for target in node.target.find_all(nodes.Name) if not isinstance(node.target, nodes.Name) else [node.target]:
                inner[target.name] = item if isinstance(node.target, nodes.Name) else ANY
            inner["loop"] = ANY
            if node.test is not None:
                self.visit(node.test, inner)
            for child in node.body:
                self.visit(child, inner)
            for child in node.else_:
                self.visit(child, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            for target in node.target.find_all(nodes.Name) if not isinstance(node.target, nodes.Name) else [node.target]:
                scope[target.name] = ANY
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)


# --- fonts ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def installed_fonts() -> frozenset[str] | None:
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    return frozenset(f.strip().lower() for line in out.splitlines() for f in line.split(","))


def document_fonts(zf: zipfile.ZipFile) -> set[str]:
    fonts: set[str] = set()
    for name in zf.namelist():
        if not re.fullmatch(r"word/(document|styles|header\d*|footer\d*)\.xml", name):
            continue
        for el in etree.fromstring(zf.read(name)).iter(f"{W}rFonts"):
            for attr in ("ascii", "hAnsi"):
                value = el.get(f"{W}{attr}")
                if value:
                    fonts.add(value)
    if "word/theme/theme1.xml" in zf.namelist():
        theme = etree.fromstring(zf.read("word/theme/theme1.xml"))
        a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
        for font in (theme.find(f".//{a}majorFont/{a}latin"), theme.find(f".//{a}minorFont/{a}latin")):
            if font is not None and font.get("typeface"):
                fonts.add(font.get("typeface"))
    return fonts


def _check_fonts(zf: zipfile.ZipFile, problems: list[Problem]) -> None:
    have = installed_fonts()
    if have is None:
        problems.append(Problem("peringatan", "dokumen", "", "fc-list tidak ada: font tidak dapat diperiksa"))
        return
    for font in sorted(document_fonts(zf)):
        key = font.lower()
        if key in have:
            continue
        twin = METRIC_TWINS.get(key)
        if twin and twin.lower() in have:
            continue
        problems.append(Problem("galat", "dokumen (gaya dan teks)", font,
                                f"font \u201c{font}\u201d tidak terpasang; LibreOffice akan menggantinya dan baris serta halaman "
                                "bergeser. Pakai Arial, Times New Roman, Courier New, Calibri atau Cambria (terpasang padanan "
                                "ukurannya: Liberation dan Carlito/Caladea)"))


# --- public API -----------------------------------------------------------------------------

def template_name(path: Path) -> str:
    """templates/<name>/template.docx -> <name>; any other .docx -> its stem."""
    return path.parent.name if path.name == "template.docx" else path.stem


def template_kind(path: Path, kind: str | None = None) -> str | None:
    """Which kind of document a template is, for its list of fields: `kind` as the planner gave
    it (--jenis), else its folder's or file's name when that is a kind, else the kind its file
    name starts with ("laporan_triwulan_baru.docx", a copy saved beside the others: the longest
    kind that prefixes it); None when nothing says."""
    if kind is not None:
        if kind not in CATALOGUE:
            raise TemplateError(f"jenis template '{visible(kind)}' tidak dikenal (pilihan: {', '.join(CATALOGUE)})")
        return kind
    for name in (template_name(path), path.stem):
        if name in CATALOGUE:
            return name
        starts = [k for k in CATALOGUE if name.startswith(k)]
        if starts:
            return max(starts, key=len)
    return None


def resolve_template(path: Path) -> Path:
    if path.is_dir():
        path = path / "template.docx"
    if not path.is_file():
        raise TemplateError(f"{path}: template tidak ditemukan")
    return path


def load_context(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TemplateError(f"{path}: berkas konteks tidak ditemukan") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: bukan JSON yang sah ({exc})") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: konteks harus berupa objek JSON")
    try:
        return charts.from_json_tree(data)
    except (KeyError, ValueError, TypeError) as exc:
        raise TemplateError(f"{path}: grafik dalam konteks tidak sah ({exc})") from None


def sample_context(template: Path) -> dict[str, Any] | None:
    sample = template.parent / "sample_context.json"
    return load_context(sample) if sample.is_file() else None


def check(path: Path, context: dict[str, Any] | None = None, time_limit: float | None = None,
          kind: str | None = None) -> list[Problem]:
    """Every problem found in a template; render-time problems need a context (else the sample).
    The trial render has the time limit of a run unless `time_limit` says otherwise. Its fields
    are checked against its kind's (template_kind); of a template whose kind nothing says, a
    field no kind has is an error (a misspelling passed as a warning before)."""
    from .render import Renderer  # lazy: render loads docxtpl and pandas (~3 s); `sakip template fields` needs neither

    path = resolve_template(path)
    name = template_kind(path, kind)
    context = context if context is not None else sample_context(path)
    problems: list[Problem] = []
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return [Problem("galat", "berkas", "", "bukan dokumen Word (.docx): simpan ulang dari Word sebagai Dokumen Word")]
    with zf:
        if "word/document.xml" not in zf.namelist():
            return [Problem("galat", "berkas", "", "bukan dokumen Word (.docx): word/document.xml tidak ada")]
        tags = _scan(zf, problems)
        _check_fonts(zf, problems)
    env = environment()
    fields = schema(name, context)
    if fields is None:
        fields = {f for described in CATALOGUE.values() for f in described}
        problems.append(Problem("peringatan", "template", template_name(path),
                                "jenis template tidak dapat ditentukan dari nama berkas; isian diperiksa terhadap semua "
                                f"jenis (beri --jenis, pilihan: {', '.join(CATALOGUE)})"))
    blocks_ok = _check_blocks(tags, problems)
    lines = [t for t in tags if _jinja_source(t.text)]
    source = "\n".join(_jinja_source(t.text).replace("\n", " ") for t in lines)
    parsed = None
    if blocks_ok:
        try:
            parsed = env.parse(source)
        except jinja2.TemplateSyntaxError as exc:
            tag = lines[min(max(exc.lineno or 1, 1), len(lines)) - 1] if lines else _Tag("", "dokumen", "")
            problems.append(Problem("galat", tag.where, tag.excerpt, f"penulisan tag salah: {exc.message}"))
    if parsed is not None:
        _Walker(env, _Schema(fields) if fields else None, lines, problems).visit(parsed, {})
    if not any(p.severity == "galat" for p in problems) and context is not None:
        try:
            Renderer(TIME_LIMIT if time_limit is None else time_limit).render(path, context, None)
        except TemplateError as exc:
            problems.append(Problem("galat", "saat merender konteks contoh", "", str(exc).split(": ", 1)[-1]))
    return problems


def fields_markdown() -> str:
    """templates/FIELDS.md: every template's fields and every filter, with example values."""
    lines = ["# Daftar isian dan filter template", "",
             "Berkas ini dibuat oleh `sakip template fields` dari `sakip/documents/fields.py` dan contoh konteks di",
             "`templates/<nama>/sample_context.json`; jangan diubah dengan tangan (uji otomatis memeriksa",
             "kesesuaiannya). Cara memakai isian dan filter: `templates/README.md`.", "",
             "## Filter", "", "| filter | contoh | hasil | keterangan |", "| --- | --- | --- | --- |"]
    for fname, (func, example, doc) in FILTERS.items():
        lines.append(f"| `{fname}` | `{{{{ \"{example}\"|{fname} }}}}` | {func(example)} | {doc} |")
    lines += ["", "Filter bawaan Jinja juga tersedia, mis. `upper`, `lower`, `title`, `default`, `length`, `join`.", ""]
    root = Path(__file__).resolve().parents[2] / "templates"
    for name, described in CATALOGUE.items():
        sample_file = root / name / "sample_context.json"
        examples = _examples(json.loads(sample_file.read_text(encoding="utf-8"))) if sample_file.is_file() else {}
        lines += [f"## {name}", "", TITLES[name] + ".", "", "| isian | contoh | keterangan |", "| --- | --- | --- |"]
        for path, doc in described.items():
            example = examples.get(path, "")
            lines.append(f"| `{path}` | {_md(example)} | {_md(doc)} |")
        lines.append("")
    return "\n".join(lines)


def _examples(context: Any) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, dict) and charts.KEY in value:
            out.setdefault(prefix, f"(grafik: {value.get('judul', '')})")
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{prefix}.{k}" if prefix else k)
        elif isinstance(value, list):
            for item in value:
                walk(item, prefix + "[]")
        else:
            out.setdefault(prefix, str(value))
    walk(context, "")
    # dynamic keys are documented under '*'
    for path in list(out):
        for name in CATALOGUE.values():
            for pattern in name:
                if "*" in pattern and re.fullmatch(re.escape(pattern).replace(r"\*", r"[^.\[]+"), path):
                    out.setdefault(pattern, out[path])
    return out


def _md(text: str) -> str:
    text = " ".join(str(text).split())
    if len(text) > 80:
        text = text[:77] + "…"
    return text.replace("|", "\\|")


def preview(path: Path, context: dict[str, Any] | None, out_dir: Path) -> Path:
    """Render a template with the sample (or given) context and convert it to PDF."""
    # lazy: convert (pypdf) and render (docxtpl, pandas) take seconds; `sakip template fields` needs neither
    from ..pdf.convert import Converter
    from .render import Renderer

    path = resolve_template(path)
    context = context if context is not None else sample_context(path)
    if context is None:
        raise TemplateError(f"{path}: tidak ada sample_context.json di sampingnya; beri --context BERKAS.json")
    name = template_name(path)
    docx = Renderer().render(path, context, out_dir / f"pratinjau_{name}.docx")
    with Converter(slots=1) as converter:
        [outcome] = converter.convert_batch([docx], out_dir)
    if outcome.pdf is None:
        raise TemplateError(f"{docx}: tidak dapat diubah ke PDF ({outcome.error})")
    return outcome.pdf

