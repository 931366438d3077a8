"""Files a unit sends by mistake or by malice in place of a workbook, generated on the spot.

Each builder takes the path of a good workbook (a copy of a demo form, already carrying its own
PK code) and replaces it in place: with another kind of file under the same name, a damaged or
hostile copy, or a workbook too large to be a form. Nothing here is checked in as a binary; the
expensive ones (100 000 rows, a zip bomb) are built once per session and copied.
"""

from __future__ import annotations

import functools
import io
import re
import struct
import zipfile
from pathlib import Path

import openpyxl


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _write_members(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def sheet_member(path: Path, sheet: str) -> str:
    """The zip member of a sheet, through the workbook's relationships (not assumed from order)."""
    members = _members(path)
    rid = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(rId\d+)"', members["xl/workbook.xml"].decode()).group(1)
    target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"',
                       members["xl/_rels/workbook.xml.rels"].decode())
    found = target.group(1) or target.group(2)
    return found.lstrip("/") if found.startswith("/") else f"xl/{found}"


# --- another kind of file under the workbook's name ---------------------------------------------

def pdf(path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Title": "Perjanjian Kinerja 2026"})
    with path.open("wb") as f:
        writer.write(f)


def docx(path: Path) -> None:
    import docx as python_docx

    doc = python_docx.Document()
    doc.add_heading("PERJANJIAN KINERJA TAHUN 2026", 1)
    table = doc.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Kode", "Indikator Kinerja", "Target")):
        cell.text = text
    doc.save(path)


def ods(path: Path) -> None:
    """A spreadsheet saved by LibreOffice Calc: 'mimetype' first and stored, as ODF requires."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3"><office:body>'
               '<office:spreadsheet><table:table table:name="Identitas"><table:table-row>'
               '<table:table-cell office:value-type="string"><text:p>Kode PK</text:p></table:table-cell>'
               '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)


def html(path: Path) -> None:
    """A table exported by a web application "as Excel": HTML with Office namespaces."""
    path.write_text(
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        '<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"><!--[if gte mso 9]><xml>'
        '<x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>PK</x:Name></x:ExcelWorksheet>'
        '</x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]--></head>\n<body><table border="1">\n'
        '<tr><th>Kode</th><th>Indikator Kinerja</th><th>Target Tahunan</th></tr>\n'
        '<tr><td>IK-01</td><td>Persentase dokumen tepat waktu</td><td>100</td></tr>\n</table></body></html>\n',
        encoding="utf-8")


def csv_text(path: Path) -> None:
    path.write_text("Kode PK;PK-SEK\r\nTahun;2026\r\nNIP;197808232003122005\r\n", encoding="utf-8")


def xml_spreadsheet_2003(path: Path) -> None:
    path.write_text('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
                    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
                    'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Identitas"><Table>'
                    '<Row><Cell><Data ss:Type="String">Kode PK</Data></Cell></Row></Table></Worksheet></Workbook>\n')


def jpeg(path: Path) -> None:
    """A photo of the printed form, as units send from a phone."""
    from PIL import Image

    Image.new("RGB", (64, 48), (240, 240, 230)).save(path, "JPEG")


def zip_of_workbook(path: Path) -> None:
    """The workbook put in a .zip (e-mail size limits) and the archive renamed .xlsx."""
    data = path.read_bytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("PK-SEK.xlsx", data)


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal, well-formed OLE2 compound file (version 3, 512-byte sectors) holding `streams`,
    each padded to at least 4096 bytes so that it lives in regular sectors (no mini stream)."""
    sector = 512
    end, free, fat_sect, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    datas = [(name, data.ljust(4096, b"\x00")) for name, data in streams.items()]
    entries = 1 + len(datas)
    dir_sectors = -(-entries * 128 // sector)
    first_data = 1 + dir_sectors
    fat = [fat_sect] + [i + 2 if i + 1 < dir_sectors else end for i in range(dir_sectors)]
    starts, position = [], first_data
    for _, data in datas:
        count = -(-len(data) // sector)
        starts.append(position)
        fat += [position + i + 1 if i + 1 < count else end for i in range(count)]
        position += count
    assert len(fat) <= sector // 4, "one FAT sector is enough for these small files"
    fat += [free] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB3I", len(encoded), kind, 1, no_stream, right, child)
                + b"\x00" * 16 + struct.pack("<IQQIQ", 0, 0, 0, start, size))

    directory = entry("Root Entry", 5, 1 if datas else no_stream, no_stream, end, 0)
    for i, ((name, data), start) in enumerate(zip(datas, starts)):
        # siblings as a right-leaning chain; a valid red-black tree when all are black is not
        # required by readers
        directory += entry(name, 2, no_stream, i + 2 if i + 1 < len(datas) else no_stream, start, len(data))
    directory = directory.ljust(dir_sectors * sector, b"\x00")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == sector
    body = b"".join(data for _, data in datas)
    return header + struct.pack(f"<{sector // 4}I", *fat) + directory + body


def xls_97(path: Path) -> None:
    """An Excel 97-2003 workbook: an OLE2 file with a 'Workbook' stream of BIFF8 records
    (BOF and EOF: an empty workbook, as far as the format goes)."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    eof = struct.pack("<HH", 0x000A, 0)
    path.write_bytes(ole2({"Workbook": bof + eof}))


def encrypted(path: Path) -> None:
    """The same workbook protected with a password in Excel (File > Info > Encrypt with Password)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with path.open("rb") as f:
        OOXMLFile(f).encrypt("Rahasia#2026", out)
    path.write_bytes(out.getvalue())


def empty(path: Path) -> None:
    path.write_bytes(b"")


# --- a damaged or hostile workbook ---------------------------------------------------------------

def truncated(path: Path) -> None:
    """Half a workbook, as an interrupted download leaves it: the zip directory at the end is gone."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def malformed_sheet(sheet: str):
    """A sheet whose XML breaks after the table (an unclosed element), so that openpyxl fails
    lazily, while rows are iterated."""
    def build(path: Path) -> None:
        member = sheet_member(path, sheet)
        members = _members(path)
        members[member] = members[member].replace(b"</sheetData>", b'<row r="60"><c r="A60"><v>1</v></row></sheetData>', 1)
        _write_members(path, members)
    return build


_SST_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_shared_strings(path: Path, sst: bytes) -> None:
    """Give the workbook a shared-strings part `sst` (openpyxl writes text inline) and a cell
    that uses its first string, as Excel's own files do."""
    members = _members(path)
    members["xl/sharedStrings.xml"] = sst
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                     b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    sheet = sheet_member(path, "Identitas")
    members[sheet] = members[sheet].replace(b"</row>", b'<c r="Z1" t="s"><v>0</v></c></row>', 1)
    _write_members(path, members)


def malformed_shared_strings(path: Path) -> None:
    """Shared strings cut short: openpyxl fails while loading, before any sheet is read."""
    with_shared_strings(path, f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_SST_NS}" count="1" '
                              f'uniqueCount="1"><si><t>Kode PK</t></si><si><t>PK-'.encode())


def bad_crc(path: Path) -> None:
    """A byte of one sheet changed after the zip was written (a bad sector, a broken transfer).
    The sheet is stored uncompressed so that the change can only show as a CRC mismatch, never
    as a deflate error, whatever the byte."""
    member = sheet_member(path, "PK")
    members = _members(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data, zipfile.ZIP_STORED if name == member else zipfile.ZIP_DEFLATED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(member)
    name_len, extra_len = struct.unpack("<HH", data[info.header_offset + 26: info.header_offset + 30])
    data[info.header_offset + 30 + name_len + extra_len + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(data))


@functools.lru_cache(maxsize=None)
def _bomb_bytes(size: int) -> bytes:
    out = io.BytesIO()
    member = sheet_member(_clean_source(), "PK")
    members = _members(_clean_source())
    xml = members.pop(member)
    head, _, tail = xml.rpartition(b"</worksheet>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        with z.open(member, "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * 2**20
            for _ in range(size // 2**20):
                f.write(chunk)
            f.write(b"</worksheet>" + tail)
    return out.getvalue()


def zip_bomb(size: int):
    """A demo form whose PK sheet is `size` bytes once inflated: its XML with blanks before the
    closing tag, valid XML that deflates a thousand to one (150 MB packs into ~150 KB). Built
    once per size: it is refused before any cell is read, so its PK code does not matter."""
    def build(path: Path) -> None:
        path.write_bytes(_bomb_bytes(size))
    return build


def _clean_source() -> Path:
    from tests.conftest import INPUTS

    return INPUTS / "2026" / "pk" / "PK-SEK.xlsx"


_LAUGHS = (b'<!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%s;" % (str(i - 1).encode() if i > 1 else b"")) * 10)
                      for i in range(1, 10))
           + b"]>")


def billion_laughs(member: str):
    """Nested entities in "sharedStrings" or in a sheet (by name): 10^9 "lol"s once expanded."""
    def build(path: Path) -> None:
        if member == "sharedStrings":
            with_shared_strings(path, b'<?xml version="1.0" encoding="UTF-8"?>' + _LAUGHS
                                + f'<sst xmlns="{_SST_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'.encode())
            return
        name = sheet_member(path, member)
        members = _members(path)
        xml = members[name]
        decl_end = xml.index(b"?>") + 2 if xml.startswith(b"<?xml") else 0
        body = xml[decl_end:].replace(b"</row>", b'<c r="Z1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', 1)
        members[name] = xml[:decl_end] + _LAUGHS + body
        _write_members(path, members)
    return build


@functools.lru_cache(maxsize=None)
def _many_rows_bytes(source: Path, rows: int) -> bytes:
    wb_in = openpyxl.load_workbook(source, read_only=True)
    wb = openpyxl.Workbook(write_only=True)
    for ws_in in wb_in.worksheets:
        ws = wb.create_sheet(ws_in.title)
        for row in ws_in.iter_rows(values_only=True):
            ws.append(row)
        if ws_in.title == "PK":
            # one cell a row keeps the 100 000 rows to ~1 s of writing (eight cells: ~6 s)
            for n in range(10, rows + 1):
                ws.append([n])
    wb_in.close()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def many_rows(rows: int):
    """The PK sheet continued with numbered rows down to row `rows` (openpyxl write_only)."""
    def build(path: Path) -> None:
        path.write_bytes(_many_rows_bytes(_clean_source(), rows))
    return build


# --- what a unit hides, links or pastes into a good workbook (issue 20) -------------------------
# Each maker is a builder like the ones above: it takes the path of a good workbook copy and
# edits it in place, through openpyxl where openpyxl can write what Excel writes, else in the XML.

def edited(*edits):
    """The workbook with openpyxl edits applied (each a function of the openpyxl workbook)."""
    def build(path: Path) -> None:
        wb = openpyxl.load_workbook(path)
        for edit in edits:
            edit(wb)
        wb.save(path)
    return build


def cells(sheet: str, values: dict):
    """Set cells: {"I5": 0.875, "J5": "teks"}."""
    def edit(wb) -> None:
        for ref, value in values.items():
            wb[sheet][ref] = value
    return edit


def hide_sheet(sheet: str, state: str = "hidden", copy_as: str | None = None, copy_values: dict | None = None):
    """The sheet made hidden or very hidden, as a stale copy is left behind; with `copy_as`, the
    visible copy Excel makes by "Move or Copy" ("Realisasi (2)"), holding `copy_values`."""
    def edit(wb) -> None:
        ws = wb[sheet]
        if copy_as is not None:
            copy = wb.copy_worksheet(ws)
            copy.title = copy_as
            for ref, value in (copy_values or {}).items():
                copy[ref] = value
        ws.sheet_state = state
        wb.active = next(i for i, s in enumerate(wb.worksheets) if s.sheet_state == "visible")
    return edit


def rename_sheet(sheet: str, title: str):
    def edit(wb) -> None:
        wb[sheet].title = title
    return edit


def add_sheet(title: str, source: str, values: dict | None = None, state: str = "visible"):
    """Another sheet: a copy of `source` named `title`, with some cells changed."""
    def edit(wb) -> None:
        copy = wb.copy_worksheet(wb[source])
        copy.title = title
        copy.sheet_state = state
        for ref, value in (values or {}).items():
            copy[ref] = value
    return edit


def hide_rows(sheet: str, rows: list[int]):
    """Rows hidden (Excel's Hide, an autofilter, a collapsed group)."""
    def edit(wb) -> None:
        for r in rows:
            wb[sheet].row_dimensions[r].hidden = True
    return edit


def hide_columns(sheet: str, letters: str):
    def edit(wb) -> None:
        for letter in letters:
            wb[sheet].column_dimensions[letter].hidden = True
    return edit


def zero_height_row(sheet: str, row: int):
    """A row dragged to zero height (openpyxl does not write a zero height: done in the XML)."""
    def build(path: Path) -> None:
        member = sheet_member(path, sheet)
        members = _members(path)
        xml = members[member].decode()
        found = re.search(rf'<row r="{row}"([^>]*?)(/?)>', xml)
        attrs = re.sub(r'\s(ht|customHeight)="[^"]*"', "", found.group(1))
        xml = xml[:found.start()] + f'<row r="{row}"{attrs} ht="0" customHeight="1"{found.group(2)}>' + xml[found.end():]
        members[member] = xml.encode()
        _write_members(path, members)
    return build


def zero_width_column(sheet: str, letter: str):
    """A column dragged to zero width (done in the XML, as openpyxl drops a zero width)."""
    from openpyxl.utils import column_index_from_string

    def build(path: Path) -> None:
        n = column_index_from_string(letter)
        member = sheet_member(path, sheet)
        members = _members(path)
        xml = re.sub(rf'<col [^>]*min="{n}" max="{n}"[^>]*/>', "", members[member].decode())
        xml = xml.replace("<cols>", f'<cols><col min="{n}" max="{n}" width="0" customWidth="1"/>', 1)
        members[member] = xml.encode()
        _write_members(path, members)
    return build


def rows_hidden_by_default(sheet: str, shown: list[int]):
    """Every row of the sheet hidden by default (sheetFormatPr zeroHeight), but `shown` rows."""
    def edit(wb) -> None:
        ws = wb[sheet]
        ws.sheet_format.zeroHeight = True
        for r in shown:
            ws.row_dimensions[r].height = 15
    return edit


def insert_row(sheet: str, at: int, values: dict[str, object], hidden: bool = False):
    """A row inserted at `at` (the rows below move down) holding `values` by column letter."""
    def edit(wb) -> None:
        ws = wb[sheet]
        ws.insert_rows(at)
        for letter, value in values.items():
            ws[f"{letter}{at}"] = value
        ws.row_dimensions[at].hidden = hidden
    return edit


def copy_column(sheet: str, source: str, target: str, values: dict[int, object] | None = None, hidden: bool = False):
    """Column `source` copied to `target` (header and values), some values changed: the stale or
    second copy of a column a unit keeps beside the real one."""
    def edit(wb) -> None:
        ws = wb[sheet]
        for r in range(1, ws.max_row + 1):
            ws[f"{target}{r}"] = ws[f"{source}{r}"].value
        for r, value in (values or {}).items():
            ws[f"{target}{r}"] = value
        ws.column_dimensions[target].hidden = hidden
    return edit


_EXTERNAL_LINK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                  'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                  '<externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
                  '<sheetDataSet><sheetData sheetId="0"/></sheetDataSet></externalBook></externalLink>')


def with_external_book(path: Path, target: str) -> None:
    """Make the workbook link to another one, as Excel records it: an externalLink part whose
    relationship names the file, referenced from workbook.xml; formulas then say [1]."""
    members = _members(path)
    members["xl/externalLinks/externalLink1.xml"] = _EXTERNAL_LINK.encode()
    members["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
        f'Target="{target}" TargetMode="External"/></Relationships>').encode()
    members["xl/workbook.xml"] = members["xl/workbook.xml"].replace(
        b"</sheets>", b'</sheets><externalReferences><externalReference xmlns:r="http://schemas.openxmlformats.org/'
                      b'officeDocument/2006/relationships" r:id="rIdExt1"/></externalReferences>', 1)
    members["xl/_rels/workbook.xml.rels"] = members["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdExt1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                             b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                     b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')
    _write_members(path, members)


def raw_cell(sheet: str, ref: str, inner: str, cell_type: str = ""):
    """One cell rewritten in the sheet's XML: what openpyxl cannot write, such as a formula with
    the value Excel cached for it (`inner` = "<f>...</f><v>...</v>"), or a number literal."""
    def build(path: Path) -> None:
        member = sheet_member(path, sheet)
        members = _members(path)
        xml = members[member].decode()
        found = re.search(rf'<c r="{ref}"( s="\d+")?[^>]*?(/>|>.*?</c>)', xml)
        if found is None:  # an empty cell: put it in its row
            row = re.sub(r"\D", "", ref)
            at = re.search(rf'<row r="{row}"[^>]*?(/>|>)', xml)
            assert at, f"row {row} not in {member}"
            tag = at.group(0)
            opened = tag[:-2] + ">" if tag.endswith("/>") else tag
            closing = "</row>" if tag.endswith("/>") else ""
            xml = xml[:at.start()] + opened + f'<c r="{ref}">{inner}</c>' + closing + xml[at.end():]
        else:
            kind = f' t="{cell_type}"' if cell_type else ""
            xml = xml[:found.start()] + f'<c r="{ref}"{found.group(1) or ""}{kind}>{inner}</c>' + xml[found.end():]
        members[member] = xml.encode()
        _write_members(path, members)
    return build


def external_formula(sheet: str, ref: str, formula: str, cached: str, target: str | None = "file:///C:\\Data\\data_unit.xlsx"):
    """A cell whose formula reads another workbook, with the value Excel cached the last time it
    could: `formula` as Excel stores it ("[1]Sheet1!B2"); with `target`, the link part naming
    the file (a formula naming its file in brackets needs none)."""
    def build(path: Path) -> None:
        if target is not None:
            with_external_book(path, target)
        raw_cell(sheet, ref, f"<f>{xml_escape(formula)}</f><v>{cached}</v>", "" if _is_number(cached) else "str")(path)
    return build


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def chain(*builders):
    """Several builders applied in order."""
    def build(path: Path) -> None:
        for b in builders:
            b(path)
    return build


def linked_to(target: str):
    """The workbook linked to another one (see with_external_book), its formulas left alone."""
    def build(path: Path) -> None:
        with_external_book(path, target)
    return build
