"""A Word template read, cleaned and compiled once, then rendered into many documents.

docxtpl re-reads every part of the template with python-docx for each document and writes
(deflates) every part again; most of a document's render went there. Here the template is
read once: the parts that hold template tags (the body, tagged headers, footers and
footnotes, tagged core properties) are cleaned by docxtpl's own functions (patch_xml) and
compiled once in the sandbox; a document renders only those, applies the post-processing
docxtpl applies (resolve_listing, fix_tables, the docPr ids) and copies every other part as
the template's already-compressed bytes (sakip.documents.rawzip).

What python-docx would have written differently, and why it does not matter: it serialises
every XML part again (quotes of the XML declaration, blank text between elements dropped) and
rebuilds [Content_Types].xml and the .rels parts; here those keep the template's own bytes, so
a part's XML is the same up to that (tests/documents/test_render_compiled.py compares every
part with docxtpl's, canonicalised). A picture (the report's chart) is added as python-docx
adds it: the same part name, relationship id, content type and inline XML.
"""

from __future__ import annotations

import copy
import io
import re
import threading
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jinja2
from docx import Document
from docx.image.image import Image
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import parse_xml as parse_opc_xml
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import PackURI
from docx.opc.parts.coreprops import CorePropertiesPart
from docx.opc.spec import default_content_types
from docx.oxml.parser import parse_xml
from docx.oxml.shape import CT_Inline
from docxtpl import DocxTemplate
from lxml import etree

from . import rawzip

# docxtpl's functions, called on an instance that holds nothing: patch_xml, resolve_listing and
# fix_tables use no state, fix_docpr_ids only the counter render() starts at 1000.
_DOCXTPL = DocxTemplate(None)
_DOCPR_START = 1000
# The core properties docxtpl renders (DocxTemplate.render_properties).
_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
# What makes docxtpl's render of a part differ from the part: a tag, or the characters
# resolve_listing turns into runs, breaks and paragraphs.
_RENDERED = re.compile(r"[{\t\n\a\f]")
_LISTING = re.compile(r"[\t\n\a\f]")
_LISTING_PARA = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)  # resolve_listing's paragraphs
_PARA = re.compile(r"<w:p([ >])")
_PARA_LINE = re.compile(r"\n<w:p([ >])")
_ENCODING = re.compile(r'<\?xml[^\?]+\bencoding="([^"]+)"', re.I)


class UnsupportedTemplate(ValueError):
    """A template asking what the compiled renderer does not do (a picture outside the body)."""


def _for_jinja(patched: str) -> str:
    """docxtpl's render_xml_part puts each paragraph on its own line before compiling, so that
    a template error names the paragraph's line."""
    return _PARA.sub(r"\n<w:p\1", patched)


def _after_jinja(rendered: str) -> str:
    """docxtpl's render_xml_part after the Jinja render."""
    xml = _PARA_LINE.sub(r"<w:p\1", rendered)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    # resolve_listing rewrites only these characters, paragraph by paragraph (its regular
    # expressions cost more than the rest of a simple document's render): it runs on the
    # paragraphs that have one, the others are their own output.
    if not _LISTING.search(xml):
        return xml
    return _LISTING_PARA.sub(lambda m: _DOCXTPL.resolve_listing(m.group(0)) if _LISTING.search(m.group(0))
                             else m.group(0), xml)


@dataclass
class Pictures:
    """The pictures one document adds to its main part, numbered as python-docx numbers them."""

    template: CompiledTemplate
    parts: dict[str, tuple[str, Image]] = field(default_factory=dict)  # sha1 -> (zip name, image)
    rels: dict[str, str] = field(default_factory=dict)  # zip name -> rId
    main_done: bool = False  # the headers, footers and footnotes render after the main part

    def inline(self, blob: bytes, width: int | None, height: int | None = None) -> str:
        """The run XML that docxtpl's InlineImage prints for `blob`, adding its part."""
        if self.main_done:
            raise UnsupportedTemplate("gambar hanya dapat dicetak di isi dokumen, tidak di kepala, kaki halaman atau "
                                      "catatan kaki")
        t = self.template
        image = Image.from_blob(blob)
        found = t.image_by_sha1.get(image.sha1) or self.parts.get(image.sha1, (None,))[0]
        if found is None:  # docx.package.ImageParts._next_image_partname
            used = t.image_numbers + [PackURI("/" + name).idx for name, _ in self.parts.values()]
            count = len(used)
            n = next((n for n in range(1, count + 1) if n not in used), count + 1)
            found = f"word/media/image{n}.{image.ext}"
            self.parts[image.sha1] = (found, image)
        rid = t.image_rels.get(found) or self.rels.get(found)
        if rid is None:  # docx.opc.rel.Relationships._next_rId
            taken = t.rids | set(self.rels.values())
            rid = next(f"rId{n}" for n in range(1, len(taken) + 2) if f"rId{n}" not in taken)
            self.rels[found] = rid
        cx, cy = image.scaled_dimensions(width, height)
        xml = CT_Inline.new_pic_inline(t.next_id, rid, image.filename, cx, cy).xml
        return f'</w:t></w:r><w:r><w:drawing>{xml}</w:drawing></w:r><w:r><w:t xml:space="preserve">'


@dataclass
class _Story:
    """A header, footer or footnotes part that holds tags."""

    name: str  # in the zip
    source: str  # patched, as compiled
    encoding: str
    passes: int  # docxtpl renders the footnotes once per section, each pass on the last one's output
    reserialise: bool  # headers and footers are XML parts python-docx parses and writes again
    compiled: jinja2.Template | None = None


class CompiledTemplate:
    """One template, read once and compiled at its first render. Threads may render it beside
    each other; everything a render produces is its own, so that a failed render leaves nothing
    for the next one."""

    def __init__(self, data: bytes) -> None:
        self.entries = rawzip.read_entries(data)
        names = {e.name for e in self.entries}
        doc = Document(io.BytesIO(data))
        part = doc.part
        self.main = part.partname[1:]
        if self.main not in names:
            raise KeyError(self.main)
        root = part.element
        body = root.body
        self._body_index = root.index(body)
        self._body_source = _for_jinja(_DOCXTPL.patch_xml(etree.tostring(body, encoding="unicode")))
        self._body: jinja2.Template | None = None
        self._compile_lock = threading.Lock()
        self._shell = copy.deepcopy(root)
        self._shell.remove(self._shell[self._body_index])
        self.next_id = part.next_id

        self._stories: list[_Story] = []
        for rel in part.rels.values():
            if rel.is_external or rel.reltype not in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
                continue
            story = rel.target_part
            if not story.blob:
                continue
            xml = etree.tostring(parse_opc_xml(story.blob), encoding="unicode")
            enc = _ENCODING.match(xml)
            patched = _DOCXTPL.patch_xml(xml)
            if _RENDERED.search(patched):
                self._stories.append(_Story(story.partname[1:], _for_jinja(patched), enc.group(1) if enc else "utf-8",
                                            1, True))
        for other in part.package.parts:
            # docxtpl's render_footnotes: the part's own text, not parsed again
            if other.content_type == CT.WML_FOOTNOTES and _RENDERED.search(other.blob.decode("utf-8")):
                self._stories.append(_Story(other.partname[1:], other.blob.decode("utf-8"), "utf-8",
                                            len(doc.sections), False))

        self._core: CorePropertiesPart | None = None
        self._core_name = ""
        self._core_constant: bytes | None = None
        self._properties: dict[str, str] = {}
        # The part docxtpl's render_properties changes. A template without one gets none (python-docx
        # would add a default one stamped with the time of the render).
        core = next((p for p in part.package.parts if p.content_type == CT.OPC_CORE_PROPERTIES), None)
        if isinstance(core, CorePropertiesPart):
            self._core, self._core_name = core, core.partname[1:]
            self._properties = {p: getattr(core.core_properties, p) for p in _PROPERTIES}

        self.image_numbers = [p.partname.idx for p in part.package.image_parts]
        self.image_by_sha1 = {p.sha1: p.partname[1:] for p in part.package.image_parts}
        self.image_rels = {r.target_part.partname[1:]: r.rId for r in part.rels.values()
                           if not r.is_external and r.reltype == RT.IMAGE}
        self.rids = set(part.rels.keys())
        self._rels_name = part.partname.rels_uri[1:]
        self._base = part.partname.baseURI
        self._entry = {e.name: e for e in self.entries}
        types = parse_opc_xml(self._read("[Content_Types].xml"))
        self._defaults = {(d.get("Extension") or "").lower() for d in types if d.tag.endswith("Default")}
        self._overrides = {d.get("PartName") for d in types if d.tag.endswith("Override")}

    def _read(self, name: str) -> bytes:
        e = self._entry[name]
        return e.raw if e.method == zipfile.ZIP_STORED else zlib.decompress(e.raw, -15)

    def _compile(self, env: jinja2.Environment) -> None:
        """Compile on the first render, inside its time limit, as docxtpl did on each."""
        if self._body is not None:
            return
        with self._compile_lock:  # _body is set last: a thread that sees it sees the rest
            if self._body is not None:
                return
            for story in self._stories:
                if story.reserialise and story.compiled is None:
                    story.compiled = env.from_string(story.source)
            if self._core is not None and self._core_constant is None:
                # The properties render with an empty context when they hold no tag: their output
                # is then the same for every document and written once.
                if not any("{" in v for v in self._properties.values()):
                    self._core_constant = self._core_blob(env, {})
            self._body = env.from_string(self._body_source)

    def _core_blob(self, env: jinja2.Environment, context: dict[str, Any]) -> bytes:
        core = CorePropertiesPart.load(self._core.partname, self._core.content_type, self._core.blob, None)
        props = core.core_properties
        for name, initial in self._properties.items():
            setattr(props, name, env.from_string(initial).render(context))
        return core.blob

    def render(self, env: jinja2.Environment, context: Callable[[Pictures], dict[str, Any]]) -> bytes:
        """The document as DOCX bytes. `context(pictures)` gives the context the template
        receives, its images drawing into `pictures`."""
        self._compile(env)
        pictures = Pictures(self)
        ctx = context(pictures)
        body = _after_jinja(self._body.render(ctx))
        tree = _DOCXTPL.fix_tables(body)
        counter = DocxTemplate(None)
        counter.docx_ids_index = _DOCPR_START
        counter.fix_docpr_ids(tree)
        root = copy.deepcopy(self._shell)
        root.insert(self._body_index, tree)
        changed = {self.main: serialize_part_xml(root)}

        pictures.main_done = True
        for story in self._stories:
            if story.reserialise:
                xml = _after_jinja(story.compiled.render(ctx)).encode(story.encoding)
                changed[story.name] = serialize_part_xml(parse_xml(xml))
            else:
                xml = story.source
                for _ in range(story.passes):
                    xml = _after_jinja(env.from_string(_for_jinja(_DOCXTPL.patch_xml(xml))).render(ctx))
                changed[story.name] = xml.encode("utf-8")
        core = self._core_constant
        if self._core is not None and core is None:
            core = self._core_blob(env, ctx)
        entries = []
        for e in self.entries:
            if e.name in changed:
                entries.append(rawzip.deflated(e.name, changed[e.name], date_time=e.date_time))
            elif e.name == self._core_name and core is not None:
                entries.append(rawzip.deflated(e.name, core, date_time=e.date_time))
            elif pictures.rels and e.name == self._rels_name:
                entries.append(rawzip.deflated(e.name, self._with_rels(pictures), date_time=e.date_time))
            elif pictures.parts and e.name == "[Content_Types].xml":
                entries.append(rawzip.deflated(e.name, self._with_types(pictures), date_time=e.date_time))
            else:
                entries.append(e)
        entries += [rawzip.stored(name, image.blob) for name, image in pictures.parts.values()]
        return rawzip.write(entries)

    def _with_rels(self, pictures: Pictures) -> bytes:
        xml = self._read(self._rels_name)
        added = "".join(f'<Relationship Id="{rid}" Type="{RT.IMAGE}" '
                        f'Target="{PackURI("/" + name).relative_ref(self._base)}"/>'
                        for name, rid in pictures.rels.items())
        end = xml.rindex(b"</Relationships>")
        return xml[:end] + added.encode() + xml[end:]

    def _with_types(self, pictures: Pictures) -> bytes:
        """[Content_Types].xml naming the new pictures as python-docx's _ContentTypesItem does:
        by extension when the pair is a default one, else by part name."""
        xml = self._read("[Content_Types].xml")
        added = []
        defaults = set(self._defaults)
        for name, image in pictures.parts.values():
            ext = image.ext.lower()
            if (ext, image.content_type) in default_content_types:
                if ext not in defaults:
                    defaults.add(ext)
                    added.append(f'<Default Extension="{ext}" ContentType="{image.content_type}"/>')
            elif "/" + name not in self._overrides:
                added.append(f'<Override PartName="/{name}" ContentType="{image.content_type}"/>')
        end = xml.rindex(b"</Types>")
        return xml[:end] + "".join(added).encode() + xml[end:]
