"""Document-truth check: the facts each output document must show, computed from the data that
went into a run, compared with the text of the PDF that came out.

The facts are computed from the input workbooks and instansi.toml (read with `sakip.ingest` and
`sakip.config` for parsing only); totals, counts and which indicator belongs to which sasaran are
worked out here, never taken from the code under test. The only thing taken from the run is which
PKs it initialled and which it returned (ringkasan.json), since that decides which PKs a document
covers. Text is extracted with `pdftotext -raw` (content order, so a wrapped table cell stays in
one piece) and compared with whitespace made optional, so a name wrapped across lines, or a word
broken inside a narrow cell, still matches; a "row" is a sequence of facts that must follow each
other closely, in order.

Facts checked, per document kind:

- Every document: no hidden marker text ("SAKIPMARK...") in the extracted text.
- Sampul (cover): the official's jabatan, name and PK code; the quarter and year
  ("TRIWULAN II TAHUN 2026").
- Laporan triwulan: identity (name, NIP printed 8 6 1 3, jabatan, PK code, period); in table A,
  every sasaran of the PK with exactly its own indicators (each indicator printed after its own
  sasaran and before the next one); per indicator the row name, satuan, target tahunan, and, when
  both exist, target TW and realisasi TW; in table B every programme/kegiatan row with code,
  name, pagu, realisasi TW and realisasi s.d. TW, and the "Jumlah" row with the totals summed over
  one level of the budget hierarchy (a code is a child of another when it extends it after a dot:
  5.01.02 > 5.01.02.2.01; children of a printed parent are not added again); the signature block
  of the PK's official (place and report date, jabatan, name, pangkat (golongan), NIP).
- Lampiran PK (statement page and L-2): both parties' names and jabatan; a place and full date
  with a day ("Sukamaju, 2 Januari 2026") in the PK year; signature blocks of PIHAK PERTAMA (the
  official) and PIHAK KEDUA (the official's atasan in instansi.toml; a political official such as
  the Bupati prints no NIP line and no "-" line); every sasaran with exactly its own indicators,
  each indicator row with satuan and target tahunan; every programme row with code, name and
  pagu; "Jumlah" summed by the hierarchy.
- Lampiran RA: every sasaran with exactly its own indicators; each indicator row with satuan,
  target tahunan and the four quarterly targets; the official's signature block, dated with a full
  date in the PK year that is not the quarterly report's date (the RA is the annual plan).
- Lembar paraf: PK code, official's name and jabatan, the quarter; the checker's (pengaturan.
  pemeriksa) signature block with the report date; no internal suite listing ("Suite:",
  "SHA-256").
- Rekap instansi: the number of indicators assessed (the initialled PKs') and, when any, the number
  not yet measured (no RA target up to this quarter, one later: RA 0/0/0/X); the predikat
  distribution (table A): counts add up to every indicator, "Belum diukur" equals the indicators
  not yet measured, and "Tidak dapat dihitung" equals the measured indicators whose quarter
  target or realisasi is missing or zero; a qualitative indicator with target and realisasi (judged Tercapai / Tidak
  tercapai) is a result and never in that category; per sasaran (table B) the number of
  indicators and the same category count; table C: every sasaran with exactly its own indicators;
  each initialled and returned PK listed with its official and status; the head's signature block
  with the report date.
- Bundle index: every initialled PK with its official and the page range where its package
  really sits in the bundle; every returned PK with its official and DIKEMBALIKAN.
- LKjIP (TW IV): Ringkasan Eksekutif predikat distribution over the head's PK for the year (same
  rule as the rekap, against the annual target and the year's realisasi) and the budget total:
  pagu and realisasi summed by the hierarchy over all PKs of the agency; BAB II: every sasaran of
  the head's PK with exactly its own indicators, programme rows and "Jumlah" by the hierarchy;
  BAB III A: every sasaran with exactly its own indicators and its own predikat distribution;
  BAB III B: every budget line of the initialled PKs, its name followed by its pagu and its
  realisasi for the year, the "Jumlah" row with the hierarchy totals, and the double-counted sum
  (parents plus their children, over all PKs or over the initialled ones) printed nowhere in the
  document; the head's signature block; the Lampiran listing every PK with its official and status.
- A PK whose earlier quarter is still returned (tests/documents/test_document_truth.py, TW IV scenario):
  the run summary returns it (DIKEMBALIKAN) naming TW II and its TW II correction workbook
  (KOREKSI_realisasi_tw2_...); no TW IV document presents the returned
  figure ('belum ada data') -- the rekap's list of returned PKs and the bundle index, which quote
  findings, are left out of that search (`figures`); no data.json of it stores that figure; the
  TW III form does not prefill "Realisasi TW II (lalu)" with the returned values.

A failed check lists every missing or misplaced fact, by document and page label.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from pypdf import PdfReader

MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
MARKER = "SAKIPMARK"
# Package outline titles -> document kinds
PACKAGE_PARTS = {"Sampul": "sampul", "Laporan Capaian Kinerja": "laporan_triwulan",
                 "Lampiran Perjanjian Kinerja": "lampiran_pk", "Lampiran Rencana Aksi": "lampiran_ra",
                 "Lembar Paraf": "lembar_paraf"}
UNCOMPUTABLE = ("tidak dapat dihitung",)
_LABELS = r"(Sangat Baik|Sangat Kurang|Tidak dapat dihitung|Tidak tercapai|Belum diukur|Baik|Cukup|Kurang|Tercapai)"


# ---------------------------------------------------------------------------------------------
# Text of documents


@dataclass
class Doc:
    """The text of one document (or a section of it), whitespace collapsed to single spaces, with
    the page label of every position."""

    name: str
    text: str
    starts: list[int]  # offset in `text` where each page begins
    labels: list[str]

    def page(self, pos: int) -> str:
        i = max(k for k, s in enumerate(self.starts) if s <= pos) if self.starts else 0
        return self.labels[i] if self.labels else "?"

    def spans(self, needle: str, token: bool = False) -> list[tuple[int, int]]:
        """Where `needle` is printed; a name a page break splits is found only when it is not
        printed whole anywhere, and then from its nearest start."""
        found = [m.span() for m in _pattern(needle, token).finditer(self.text)]
        if found or not (split := _pattern(needle, token, jump=True)).search(self.text):
            return found
        pos = 0
        while m := split.search(self.text, pos):
            a, b = m.span()
            while (tighter := split.search(self.text, a + 1)) and tighter.end() == b:
                a = tighter.start()
            found.append((a, b))
            pos = b
        return found

    def section(self, start: str, end: str | None = None, title: str = "") -> "Doc":
        """The part from the first match of regex `start` to the next match of regex `end`
        (both searched with whitespace as written in the pattern); the whole rest when absent."""
        m = re.search(start, self.text, re.I)
        if not m:
            return Doc(f"{self.name} {title}".strip(), "", [0], [self.labels[0] if self.labels else "?"])
        a = m.start()
        e = re.search(end, self.text[m.end():], re.I) if end else None
        b = m.end() + e.start() if e else len(self.text)
        starts, labels = [0], [self.page(a)]
        for s, lab in zip(self.starts, self.labels):
            if a < s < b:
                starts.append(s - a)
                labels.append(lab)
        return Doc(f"{self.name} {title}".strip(), self.text[a:b], starts, labels)

    def where(self, pos: int) -> str:
        return f"{self.name}, hal. {self.page(pos)}"


PAGE = "\x0c"
# A cell split by a page break: its first part, the rest of that row on the page, the break, the
# next page's letterhead and repeated table header, then its second part.
_BETWEEN_WORDS = r"(?:\s*|\s[^\x0c]{0,900}?\x0c[^\x0c]{0,900}?\s)"
_PAGE_JUMP = 900


@lru_cache(maxsize=4096)
def _pattern(needle: str, token: bool, jump: bool = False) -> re.Pattern[str]:
    # Within a word, whitespace is optional (a narrow cell breaks a word); between words, the
    # text may also jump a page break and what the next page repeats (letterhead, table header).
    words = [r"\s*".join(re.escape(c) for c in w) for w in needle.split()]
    body = (_BETWEEN_WORDS if jump else r"\s*").join(words)
    if token:  # a number or short value: not part of a longer number or word
        body = r"(?<![\w.,])" + body + r"(?![\w]|[.,]\d)"
    elif needle.strip():  # a name: whole words ('Wilayah I' is not found in 'Wilayah II')
        body = (r"(?<!\w)" if needle.strip()[0].isalnum() else "") + body + (r"(?!\w)" if needle.strip()[-1].isalnum() else "")
    return re.compile(body, re.I)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "").replace("\u00a0", " ")).strip()


def pdf_pages(pdf: Path) -> tuple[list[str], list[str]]:
    """Each page's text (pdftotext -raw) and its page label."""
    out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    pages = out.decode("utf-8").split("\f")
    reader = PdfReader(str(pdf))
    n = len(reader.pages)
    pages = (pages + [""] * n)[:n]
    try:
        labels = list(reader.page_labels)
    except Exception:  # an unlabelled PDF: physical numbers
        labels = [str(i + 1) for i in range(n)]
    return pages, labels


def make_doc(name: str, pages: list[str], labels: list[str]) -> Doc:
    text, starts = "", []
    for p in pages:
        if text:
            text += f" {PAGE} "
        starts.append(len(text))
        text += squash(p)
    return Doc(name, text, starts or [0], labels)


def whole(pdf: Path, name: str) -> Doc:
    pages, labels = pdf_pages(pdf)
    return make_doc(name, pages, labels)


def package_docs(pdf: Path) -> dict[str, Doc]:
    """The documents of one PK package, split where its outline's top-level items start."""
    pages, labels = pdf_pages(pdf)
    reader = PdfReader(str(pdf))
    starts = []
    for item in reader.outline:
        if isinstance(item, list):
            continue
        starts.append((reader.get_destination_page_number(item), PACKAGE_PARTS.get(str(item.title), str(item.title))))
    starts.sort()
    docs = {}
    for i, (first, kind) in enumerate(starts):
        last = starts[i + 1][0] if i + 1 < len(starts) else len(pages)
        docs[kind] = make_doc(f"{pdf.name} [{kind}]", pages[first:last], labels[first:last])
    return docs


# ---------------------------------------------------------------------------------------------
# Formatting as the documents print (Indonesian conventions)


def number(value: Decimal | int | float | str) -> str:
    """1234567 -> '1.234.567'; 3.25 -> '3,25'; 87.50 -> '87,5'."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}".replace(",", ".")
    sign = "-" if d < 0 else ""
    text = format(abs(d).normalize(), "f")
    whole_part, frac = text.split(".")
    return f"{sign}{int(whole_part):,}".replace(",", ".") + "," + frac


def nip_printed(nip: str) -> str:
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


def tanggal(d: dt.date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


# ---------------------------------------------------------------------------------------------
# The data that went into a run


@dataclass
class Indicator:
    pk: str
    kode: str
    sasaran: str
    nama: str
    satuan: str
    target: str  # target tahunan as printed
    target_status: str  # ingest's reading: angka / teks / kosong
    target_value: Decimal | None
    ra: list[tuple[str, str, Decimal | None]]  # per quarter: (printed, status, value)
    realisasi: dict[int, tuple[str, str, Decimal | None]] = field(default_factory=dict)  # quarter -> same


@dataclass
class Line:
    pk: str
    kode: str
    nama: str
    pagu: int
    spent: dict[int, int] = field(default_factory=dict)  # quarter -> realisasi

    def upto(self, q: int) -> int:
        return sum(v for k, v in self.spent.items() if k <= q)


@dataclass
class PKData:
    code: str
    nip: str
    official: Any  # sakip.config.Pejabat
    superior: Any  # Pejabat or None
    indicators: list[Indicator]
    lines: list[Line]

    def groups(self) -> list[tuple[str, list[str]]]:
        return groups_of(self.indicators)


@dataclass
class RunData:
    year: int
    quarter: int
    config: Any  # sakip.config.Konfigurasi
    pks: dict[str, PKData]
    report_date: dt.date
    status: dict[str, str]  # PK -> PARAF / DIKEMBALIKAN, from the run's ringkasan.json

    @property
    def included(self) -> list[str]:
        return [p for p in self.pks if self.status.get(p) == "PARAF"]

    @property
    def head(self) -> PKData:
        kepala = self.config.kepala
        return next(p for p in self.pks.values() if p.official is kepala)


def groups_of(indicators: Iterable[Indicator]) -> list[tuple[str, list[str]]]:
    """Sasaran in order of first appearance, each with its indicators' names."""
    out: dict[str, list[str]] = {}
    for ind in indicators:
        out.setdefault(ind.sasaran, []).append(ind.nama)
    return list(out.items())


def _cell(row: dict[str, Any], key: str) -> tuple[str, str, Decimal | None]:
    status = row.get(f"{key}_status") or ""
    value = row.get(key)
    text = str(row.get(f"{key}_text") or "")
    if status == "angka" and value is not None:
        return number(value), status, Decimal(value)
    return (text.strip() or "-"), status, None


def load_run(inputs: Path, year: int, quarter: int, report_date: dt.date, summary: dict[str, Any]) -> RunData:
    """Read the inputs of one agency (instansi.toml, PK workbooks, realisasi workbooks of quarters
    1..quarter) into the facts' raw material."""
    from sakip import config as config_mod
    from sakip.ingest import workbooks as ingest

    base = inputs / str(year)
    cfg = config_mod.load(base / "instansi.toml")
    pks: dict[str, PKData] = {}
    for path in sorted((base / "pk").glob("*.xlsx")):
        head, rows, budget = ingest.read_pk_workbook(path)
        found = cfg.official_by_nip(head["nip"])
        official = found[1] if found else None
        superior = cfg.pejabat.get(official.atasan) if official is not None and official.atasan else None
        inds = []
        for r in rows:
            target, status, value = _cell(r, "target_tahunan")
            inds.append(Indicator(head["pk"], r["kode"], r["sasaran"], r["indikator"], r["satuan"], target, status, value,
                                  [_cell(r, f"target_tw{q}") for q in range(1, 5)]))
        lines = [Line(head["pk"], b["kode_program"], b["program"], int(b["pagu"] or 0)) for b in budget]
        pks[head["pk"]] = PKData(head["pk"], head["nip"], official, superior, inds, lines)
    for q in range(1, quarter + 1):
        for path in sorted((base / "realisasi" / f"tw{q}").glob("*.xlsx")):
            try:
                head, rows, budget = ingest.read_realisasi_workbook(path)
            except Exception:  # a workbook the run refuses: its PK is returned, nothing to print
                continue
            pk = pks.get(head["pk"])
            if pk is None:
                continue
            by_code = {i.kode: i for i in pk.indicators}
            for r in rows:
                if r["kode"] in by_code:
                    by_code[r["kode"]].realisasi[q] = _cell(r, "realisasi")
            by_line = {ln.kode: ln for ln in pk.lines}
            for b in budget:
                if b["kode_program"] in by_line and b.get("realisasi_anggaran") is not None:
                    by_line[b["kode_program"]].spent[q] = int(b["realisasi_anggaran"])
    status = {p["pk"]: p["status"] for p in summary.get("pk", [])}
    return RunData(year, quarter, cfg, pks, report_date, status)


# ---------------------------------------------------------------------------------------------
# Facts computed independently


def is_child(code: str, parent: str) -> bool:
    return code != parent and code.startswith(parent + ".")


def top_level(lines: list[Line]) -> list[Line]:
    """The lines no other listed line is a parent of: a total sums these, one level, never a
    parent plus its children."""
    codes = {ln.kode for ln in lines}
    return [ln for ln in lines if not any(is_child(ln.kode, c) for c in codes)]


def budget_totals(lines: list[Line], quarter: int) -> tuple[int, int, int]:
    """(pagu, realisasi in the quarter, realisasi up to the quarter), by the hierarchy."""
    top = top_level(lines)
    return (sum(ln.pagu for ln in top), sum(ln.spent.get(quarter, 0) for ln in top), sum(ln.upto(quarter) for ln in top))


def _missing(cell: tuple[str, str, Decimal | None] | None) -> bool:
    if cell is None:
        return True
    printed, status, value = cell
    if status == "angka":
        return value is None
    return status in ("kosong", "") or printed.strip() in ("", "-")


def uncomputable(ind: Indicator, quarter: int, annual: bool = False) -> bool:
    """Capaian that cannot be computed: target or realisasi missing, or target 0. A qualitative
    target with a realisasi is judged (Tercapai / Tidak tercapai): a result, computable."""
    if annual:
        target = (ind.target, ind.target_status, ind.target_value)
        real = [ind.realisasi.get(q) for q in range(1, quarter + 1)]
        has_real = any(not _missing(c) for c in real)
    else:
        target = ind.ra[quarter - 1]
        has_real = not _missing(ind.realisasi.get(quarter))
    if _missing(target) or not has_real:
        return True
    return target[1] == "angka" and target[2] == 0


def _no_target(cell: tuple[str, str, Decimal | None] | None) -> bool:
    return _missing(cell) or (cell[1] == "angka" and cell[2] == 0)


def not_measured(ind: Indicator, quarter: int) -> bool:
    """Measured once a year (or from a later quarter): no RA target up to this quarter, one later
    (RA 0/0/0/X). Such an indicator is "belum diukur": no capaian, no predikat, and neither a
    result nor "tidak dapat dihitung"."""
    return (all(_no_target(t) for t in ind.ra[:quarter])
            and any(not _no_target(t) for t in ind.ra[quarter:]))


# ---------------------------------------------------------------------------------------------
# Comparisons: each returns the list of problems, each naming document and page


def markers(doc: Doc) -> list[str]:
    """Hidden marker text, one line per document: where and which."""
    found = [(doc.page(m.start()), m.group(0)) for m in re.finditer(MARKER + r"\w*", doc.text, re.I)]
    if not found:
        return []
    return [f"{doc.name}: teks tersembunyi dalam teks dokumen: " + ", ".join(f"{m} (hal. {page})" for page, m in found)]


def present(doc: Doc, needle: str, what: str) -> list[str]:
    return [] if doc.spans(needle) else [f"{doc.name}: {what} '{needle}' tidak tercetak"]


def absent(doc: Doc, needle: str, what: str, token: bool = False) -> list[str]:
    pages = sorted({doc.page(a) for a, _ in doc.spans(needle, token)}, key=str)
    return [f"{doc.name}, hal. {', '.join(pages)}: {what} '{needle}' tercetak"] if pages else []


def row(doc: Doc, cells: list[str], what: str, window: int = 90, token_from: int = 1) -> list[str]:
    """`cells` printed in order, each within `window` characters after the previous one (cells
    from index `token_from` on are matched as whole values, e.g. '2' not inside '12')."""
    if not cells:
        return []
    best, best_at = 0, None
    for start, end in doc.spans(cells[0], token=token_from == 0):
        got, pos = 1, end
        for i, cell in enumerate(cells[1:], 1):
            limit = pos + window + len(cell) * 3
            if PAGE in doc.text[pos:limit]:  # the row goes on after the next page's letterhead and header
                limit += _PAGE_JUMP
            m = _pattern(cell, i >= token_from).search(doc.text, pos, min(len(doc.text), limit))
            if not m:
                break
            got, pos = got + 1, m.end()
        if got == len(cells):
            return []
        if got > best:
            best, best_at = got, start
    if best_at is None:
        return [f"{doc.name}: {what}: '{cells[0]}' tidak tercetak"]
    return [f"{doc.where(best_at)}: {what}: setelah '{cells[best - 1]}' tidak tercetak '{cells[best]}' "
            f"(baris yang diharapkan: {' | '.join(cells)})"]


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def _spans_outside_longer(doc: Doc, names: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Each name's spans, without those that are part of a longer name containing it
    ('... Wilayah I' inside '... Wilayah II')."""
    found = {n: doc.spans(n) for n in set(names)}
    out = {}
    for n, spans in found.items():
        longer = [m for m in found if len(_key(m)) > len(_key(n)) and _key(n) in _key(m)]
        keep = []
        for a, b in spans:
            inside = any(x <= a and b <= y for m in longer for x, y in found[m])
            if not inside:
                keep.append((a, b))
        out[n] = keep
    return out


def sasaran_order(doc: Doc, groups: list[tuple[str, list[str]]]) -> list[str]:
    """Each sasaran printed, each indicator printed after its own sasaran and before any other
    sasaran (every occurrence of the indicator in this document or section)."""
    problems = []
    names = [s for s, _ in groups] + [i for _, inds in groups for i in inds]
    spans = _spans_outside_longer(doc, names)
    heads = sorted((a, s) for s, _ in groups for a, _ in spans[s])
    for n, (sasaran, inds) in enumerate(groups, 1):
        if not spans[sasaran]:
            problems.append(f"{doc.name}: sasaran {n} '{sasaran}' tidak tercetak")
        for ind in inds:
            if not spans[ind]:
                problems.append(f"{doc.name}: indikator '{ind}' (sasaran '{sasaran}') tidak tercetak")
                continue
            for a, _ in spans[ind]:
                before = [s for p, s in heads if p < a]
                owner = before[-1] if before else None
                if owner != sasaran:
                    under = f"di bawah sasaran '{owner}'" if owner else "sebelum sasaran mana pun"
                    problems.append(f"{doc.where(a)}: indikator '{ind}' tercetak {under}, bukan di bawah sasarannya "
                                    f"'{sasaran}'" + ("" if spans[sasaran] else " (sasaran itu tidak tercetak)"))
    return problems


def distribution(text: str) -> dict[str, int]:
    """Predikat counts printed in a piece of text ('Sangat Baik 2, Tidak dapat dihitung 3')."""
    out: dict[str, int] = {}
    for m in re.finditer(_LABELS + r"(?:\s*\([^)]{0,40}\))?\s*:?\s*(\d+)(?![\d.,]\d)", text, re.I):
        label = m.group(1).lower()
        out[label] = out.get(label, 0) + int(m.group(2))
    return out


def counts(doc: Doc, text: str, where: int, expected_total: int | None, expected_unc: int, what: str,
           expected_unmeasured: int = 0) -> list[str]:
    got = distribution(text)
    if not got:
        return [f"{doc.where(where)}: {what}: sebaran predikat tidak tercetak"]
    problems = []
    unc = sum(got.get(k, 0) for k in UNCOMPUTABLE)
    if got.get("belum diukur", 0) != expected_unmeasured:
        problems.append(f"{doc.where(where)}: {what}: 'Belum diukur' {got.get('belum diukur', 0)}, seharusnya "
                        f"{expected_unmeasured} (target triwulannya baru mulai pada triwulan berikutnya); tercetak: {got}")
    if unc != expected_unc:
        problems.append(f"{doc.where(where)}: {what}: 'Tidak dapat dihitung' {unc}, seharusnya {expected_unc} "
                        f"(indikator kualitatif yang dinilai Tercapai/Tidak tercapai adalah hasil); tercetak: {got}")
    if expected_total is not None and sum(got.values()) != expected_total:
        problems.append(f"{doc.where(where)}: {what}: jumlah predikat {sum(got.values())}, seharusnya {expected_total} "
                        f"indikator; tercetak: {got}")
    return problems


def signature(doc: Doc, official: Any, what: str, date_text: str | None = None) -> list[str]:
    """The signature block: (place and date,) jabatan, name, pangkat (golongan), NIP."""
    cells = [official.jabatan, official.nama]
    if official.pangkat:
        cells.append(f"{official.pangkat} ({official.golongan})" if official.golongan else official.pangkat)
    if official.nip:
        cells.append(f"NIP. {nip_printed(official.nip)}")
    problems = row(doc, cells, f"blok tanda tangan {what}", window=120, token_from=99)
    if date_text:
        problems += row(doc, [date_text, official.jabatan], f"tempat dan tanggal blok {what}", window=80, token_from=99)
    if not official.nip:  # a political official: no NIP line, no '-' in its place
        for _, b in doc.spans(official.nama):
            after = doc.text[b:b + 12].strip()
            if after.startswith(("NIP", "-")):
                problems.append(f"{doc.where(b)}: blok tanda tangan {what}: {official.nama} tidak ber-NIP, tetapi "
                                f"tercetak '{after}'")
    return problems


# ---------------------------------------------------------------------------------------------
# Per document kind


def _date_re(kota: str, year: int) -> str:
    return re.escape(kota) + r"\s*,\s*(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+" + str(year)


def check_sampul(doc: Doc, run: RunData, pk: PKData) -> list[str]:
    who = pk.official
    return (row(doc, [who.jabatan, who.nama, f"Perjanjian Kinerja {pk.code}"], "identitas sampul", window=60, token_from=99)
            + present(doc, f"Triwulan {ROMAN[run.quarter]} Tahun {run.year}", "periode"))


def check_laporan(doc: Doc, run: RunData, pk: PKData) -> list[str]:
    q, who = run.quarter, pk.official
    tw = ROMAN[q]
    p = row(doc, [who.nama, f"NIP : {nip_printed(pk.nip)}"], "identitas pejabat", window=10, token_from=99)
    p += present(doc, who.jabatan, "jabatan") + present(doc, f"Kode PK : {pk.code}", "kode PK")
    p += present(doc, f"Triwulan {tw} Tahun {run.year}", "periode")
    a = doc.section(r"A\.\s*Capaian Indikator", r"B\.\s*Realisasi Anggaran", "tabel A")
    p += sasaran_order(a, pk.groups())
    for ind in pk.indicators:
        cells = [ind.nama, ind.satuan, ind.target]
        target, real = ind.ra[q - 1], ind.realisasi.get(q)
        if not _missing(target) and not _missing(real):
            cells += [target[0], real[0]]
        p += row(a, cells, f"baris indikator {ind.kode}")
    b = doc.section(r"B\.\s*Realisasi Anggaran", r"C\.\s*Kendala", "tabel B")
    for ln in pk.lines:
        p += row(b, [ln.kode, ln.nama, number(ln.pagu), number(ln.spent.get(q, 0)), number(ln.upto(q))],
                 f"baris anggaran {ln.kode}", token_from=2)
    pagu, now, upto = budget_totals(pk.lines, q)
    p += row(b, ["Jumlah", number(pagu), number(now), number(upto)], "jumlah anggaran (satu tingkat hierarki)")
    p += signature(doc, who, "pejabat", f"{run.config.instansi.kota}, {tanggal(run.report_date)}")
    return p


def check_lampiran_pk(doc: Doc, run: RunData, pk: PKData) -> list[str]:
    who, boss = pk.official, pk.superior
    p = row(doc, [who.nama, who.jabatan, "PIHAK PERTAMA"], "pihak pertama", window=30, token_from=99)
    if boss is not None:
        p += row(doc, [boss.nama, boss.jabatan, "PIHAK KEDUA"], "pihak kedua", window=80, token_from=99)
        p += signature(doc, boss, "PIHAK KEDUA")
    p += signature(doc, who, "PIHAK PERTAMA")
    if not re.search(_date_re(run.config.instansi.kota, run.year), doc.text):
        m = re.search(re.escape(run.config.instansi.kota) + r"\s*,\s*[^A-Z]{0,3}\w+ \d{4}", doc.text)
        shown = m.group(0) if m else "tidak ada"
        p.append(f"{doc.where(m.start() if m else 0)}: tanggal PK tanpa hari; harus '"
                 f"{run.config.instansi.kota}, <tanggal> <bulan> {run.year}', tercetak '{shown}'")
    p += sasaran_order(doc, pk.groups())
    for ind in pk.indicators:
        p += row(doc, [ind.nama, ind.satuan, ind.target], f"baris indikator {ind.kode}")
    for ln in pk.lines:
        p += row(doc, [ln.kode, ln.nama, number(ln.pagu)], f"baris anggaran {ln.kode}", token_from=2)
    p += row(doc, ["Jumlah", number(budget_totals(pk.lines, run.quarter)[0])], "jumlah anggaran (satu tingkat hierarki)")
    return p


def check_lampiran_ra(doc: Doc, run: RunData, pk: PKData) -> list[str]:
    p = sasaran_order(doc, pk.groups())
    for ind in pk.indicators:
        p += row(doc, [ind.nama, ind.satuan, ind.target, *(t[0] for t in ind.ra)], f"baris RA {ind.kode}")
    p += signature(doc, pk.official, "pejabat")
    report = f"{run.config.instansi.kota}, {tanggal(run.report_date)}"
    if dated := doc.spans(report):
        p.append(f"{doc.where(dated[0][0])}: RA (rencana tahunan) bertanggal laporan triwulan '{report}'")
    elif not re.search(_date_re(run.config.instansi.kota, run.year), doc.text):
        p.append(f"{doc.name}: RA tanpa tempat dan tanggal lengkap tahun {run.year}")
    return p


def check_lembar_paraf(doc: Doc, run: RunData, pk: PKData) -> list[str]:
    who = pk.official
    p = present(doc, f"Kode PK : {pk.code}", "kode PK") + present(doc, who.nama, "pejabat") + present(doc, who.jabatan, "jabatan")
    p += present(doc, f"Triwulan {ROMAN[run.quarter]} Tahun {run.year}", "periode")
    checker = run.config.pejabat.get(run.config.pengaturan.pemeriksa)
    if checker is not None:
        p += signature(doc, checker, "pemeriksa", f"{run.config.instansi.kota}, {tanggal(run.report_date)}")
    p += absent(doc, "Suite:", "daftar suite internal") + absent(doc, "SHA-256", "sidik SHA-256 internal")
    return p


def check_package(pdf: Path, run: RunData, pk: PKData) -> list[str]:
    docs = package_docs(pdf)
    p = []
    checks = {"sampul": check_sampul, "laporan_triwulan": check_laporan, "lampiran_pk": check_lampiran_pk,
              "lampiran_ra": check_lampiran_ra, "lembar_paraf": check_lembar_paraf}
    for kind, check in checks.items():
        if kind not in docs:
            p.append(f"{pdf.name}: bagian {kind} tidak ada dalam paket")
            continue
        p += markers(docs[kind]) + check(docs[kind], run, pk)
    return p


def check_rekap(pdf: Path, run: RunData) -> list[str]:
    doc = whole(pdf, pdf.name)
    q = run.quarter
    inds = [i for pk in run.included for i in run.pks[pk].indicators]
    p = markers(doc)
    later = [i for i in inds if not_measured(i, q)]
    p += present(doc, f"{len(inds) - len(later)} indikator dinilai", "jumlah indikator dinilai")
    if later:
        p += present(doc, f"{len(later)} indikator belum diukur", "jumlah indikator belum diukur")
    a = doc.section(r"A\.\s*Sebaran Predikat", r"B\.\s*Rekapitulasi", "tabel A")
    p += counts(a, a.text, 0, len(inds), sum(uncomputable(i, q) and not not_measured(i, q) for i in inds),
                "sebaran predikat instansi", len(later))
    b = doc.section(r"B\.\s*Rekapitulasi per Sasaran", r"C\.\s*Capaian per Indikator", "tabel B")
    groups: dict[str, list[Indicator]] = {}
    for i in inds:
        groups.setdefault(i.sasaran, []).append(i)
    spans = _spans_outside_longer(b, list(groups))
    heads = sorted((a_, s) for s in groups for a_, _ in spans[s])
    for s, members in groups.items():
        if not spans[s]:
            p.append(f"{b.name}: sasaran '{s}' tidak tercetak")
            continue
        start = spans[s][0][1]
        nxt = [x for x, _ in heads if x > start]
        seg = b.text[start:nxt[0] if nxt else len(b.text)]
        m = re.match(r"\s*(\d+)", seg)
        if not m or int(m.group(1)) != len(members):
            p.append(f"{b.where(start)}: sasaran '{s}': jumlah indikator tercetak "
                     f"{m.group(1) if m else 'tidak ada'}, seharusnya {len(members)}")
        p += counts(b, seg[m.end() if m else 0:], start, len(members),
                    sum(uncomputable(i, q) and not not_measured(i, q) for i in members),
                    f"sebaran predikat sasaran '{s}'", sum(not_measured(i, q) for i in members))
    c = doc.section(r"C\.\s*Capaian per Indikator", r"D\.\s*Status", "tabel C")
    p += sasaran_order(c, groups_of(inds))
    for code, pk in run.pks.items():
        if code in run.status:
            p += row(doc, [code, pk.official.nama, run.status[code]], f"status {code}", window=80, token_from=99)
    p += signature(doc, run.config.kepala, "kepala", f"{run.config.instansi.kota}, {tanggal(run.report_date)}")
    return p


def check_bundle(pdf: Path, run: RunData) -> list[str]:
    pages, labels = pdf_pages(pdf)
    doc = make_doc(pdf.name, pages, [str(i + 1) for i in range(len(pages))])
    p = markers(doc)
    first = {}
    for code in run.included:
        hit = next((i for i, t in enumerate(pages) if _pattern(f"Perjanjian Kinerja {code}", False).search(squash(t))
                    and _pattern(f"Triwulan {ROMAN[run.quarter]}", False).search(squash(t))), None)
        if hit is None:
            p.append(f"{pdf.name}: sampul paket {code} tidak ada dalam bundel")
        else:
            first[code] = hit + 1
    order = sorted(first.items(), key=lambda kv: kv[1])
    index = doc.section(r"DAFTAR PAKET", None, "daftar")
    for n, (code, start) in enumerate(order):
        end = order[n + 1][1] - 1 if n + 1 < len(order) else len(pages)
        p += row(index, [code, run.pks[code].official.nama, f"{start}–{end}"], f"daftar bundel {code}", window=60, token_from=2)
    for code, status in run.status.items():
        if status != "PARAF" and code in run.pks:
            p += row(index, [code, run.pks[code].official.nama, status], f"PK di luar bundel {code}", window=60, token_from=99)
    return p


TOC_LINE = re.compile(r"^.*\.{5,}\s*(?:[ivxlc]+|\d+)\s*$", re.MULTILINE)


def check_lkjip(pdf: Path, run: RunData) -> list[str]:
    # Without the Daftar Isi's lines ("BAB II PERENCANAAN KINERJA.....2"): a chapter is where
    # its heading is printed, not its entry (the entries' pages: tests/documents/test_templates_layout.py).
    pages, labels = pdf_pages(pdf)
    doc = make_doc(pdf.name, [TOC_LINE.sub("", t) for t in pages], labels)
    head = run.head
    q = run.quarter
    p = markers(doc)
    ring = doc.section(r"RINGKASAN EKSEKUTIF", r"BAB\s*I\b", "Ringkasan Eksekutif")
    unc = sum(uncomputable(i, q, annual=True) for i in head.indicators)
    n = len(head.indicators)
    sentence = ring.section(r"sebaran predikat", r"Predikat\s*Jumlah\s*Indikator|$", "kalimat")
    table = ring.section(r"Predikat\s*Jumlah\s*Indikator", None, "tabel")
    if sentence.text:
        p += counts(sentence, sentence.text.split(".")[0] if "." in sentence.text else sentence.text, 0, n, unc,
                    "sebaran predikat (kalimat)")
    p += counts(table, table.text, 0, n, unc, "sebaran predikat (tabel)")
    all_lines = [ln for pk in run.pks.values() for ln in pk.lines]
    pagu, _, spent = budget_totals(all_lines, q)
    p += present(ring, number(pagu), "pagu instansi (satu tingkat hierarki)")
    p += present(ring, number(spent), "realisasi anggaran instansi (satu tingkat hierarki)")
    # Parents plus their children, over every PK or over the initialled ones: printed nowhere.
    for doubled in sorted({sum(ln.pagu for ln in all_lines),
                           sum(ln.pagu for ln in all_lines if run.status.get(ln.pk) == "PARAF")} - {pagu}):
        p += absent(doc, number(doubled), "pagu terhitung dua kali (program dan kegiatan anaknya dijumlahkan)", token=True)
    bab2 = doc.section(r"BAB\s*II\b", r"BAB\s*III\b", "BAB II")
    p += sasaran_order(bab2, head.groups())
    for ind in head.indicators:
        p += row(bab2, [ind.nama, ind.satuan, ind.target], f"BAB II baris indikator {ind.kode}")
    for ln in head.lines:
        p += row(bab2, [ln.kode, ln.nama, number(ln.pagu)], f"BAB II program {ln.kode}", token_from=2)
    p += row(bab2, ["Jumlah", number(budget_totals(head.lines, q)[0])], "BAB II jumlah pagu")
    bab3a = doc.section(r"A\.\s*Capaian Kinerja Organisasi", r"B\.\s*Realisasi Anggaran", "BAB III A")
    p += sasaran_order(bab3a, head.groups())
    for k, (s, names) in enumerate(head.groups(), 1):
        part = bab3a.section(r"Sasaran\s*" + str(k) + r"\s*:", r"Sasaran\s*" + str(k + 1) + r"\s*:|Efisiensi", f"sasaran {k}")
        members = [i for i in head.indicators if i.sasaran == s]
        if not part.text:
            p.append(f"{bab3a.name}: bagian 'Sasaran {k}: {s}' tidak ada")
            continue
        m = re.search(r"Sebaran predikat\s*:([^.]*)", part.text, re.I)
        p += counts(part, m.group(1) if m else "", 0, len(members), sum(uncomputable(i, q, annual=True) for i in members),
                    f"sebaran predikat sasaran {k}")
    bab3b = doc.section(r"B\.\s*Realisasi Anggaran", r"BAB\s*IV", "BAB III B")
    for ln in all_lines:
        if run.status.get(ln.pk) == "PARAF":
            p += row(bab3b, [ln.nama, number(ln.pagu), number(ln.upto(q))], f"BAB III B baris {ln.kode} ({ln.pk})")
    p += row(bab3b, ["Jumlah", number(pagu), number(spent)], "BAB III B jumlah (satu tingkat hierarki)")
    p += signature(doc, run.config.kepala, "kepala", f"{run.config.instansi.kota}, {tanggal(run.report_date)}")
    lamp = doc.section(r"LAMPIRAN", None, "Lampiran")
    for code, status in run.status.items():
        if code in run.pks:
            p += row(lamp, [code, run.pks[code].official.nama, status], f"Lampiran: status {code}", window=80, token_from=99)
    return p


def figures(pdf: Path) -> Doc:
    """The parts of a document that present figures: without the rekap's list of returned PKs
    and the bundle index, which quote the findings (a returned value among them) on purpose."""
    pages, labels = pdf_pages(pdf)
    doc = make_doc(pdf.name, pages, labels)
    if "rekap_instansi" in pdf.name:
        return doc.section(r"^", r"E\.\s*Perjanjian Kinerja yang Dikembalikan")
    if "bundel_paket" in pdf.name:
        keep = [i for i, t in enumerate(pages) if not re.search(r"DAFTAR\s+PAKET|tidak\s+termasuk\s+dalam\s+bundel", t, re.I)]
        return make_doc(pdf.name, [pages[i] for i in keep], [labels[i] for i in keep])
    return doc


def check_run(out: Path, run: RunData, lkjip: bool = False) -> list[str]:
    """Every document of one run checked; the problems of all of them."""
    folder = out / str(run.year) / f"TW{run.quarter}"
    p = []
    for code in run.included:
        found = sorted((folder / code).glob(f"rev-*/paket_{code}_{run.year}_TW{run.quarter}.pdf"))
        if not found:
            p.append(f"paket {code} tidak ada di {folder / code}")
            continue
        p += check_package(found[-1], run, run.pks[code])
    rekap = sorted(folder.glob(f"_instansi/rev-*/rekap_instansi_{run.year}_TW{run.quarter}.pdf"))
    p += check_rekap(rekap[-1], run) if rekap else [f"rekap instansi tidak ada di {folder}"]
    bundle = folder / f"bundel_paket_{run.year}_TW{run.quarter}.pdf"
    p += check_bundle(bundle, run) if bundle.is_file() else [f"bundel tidak ada: {bundle}"]
    if lkjip:
        found = sorted(folder.glob(f"_instansi/rev-*/LKjIP_{run.year}.pdf"))
        p += check_lkjip(found[-1], run) if found else [f"LKjIP tidak ada di {folder}"]
    return p


def report(problems: list[str], title: str) -> str:
    return f"{title}: {len(problems)} fakta tidak sesuai\n" + "\n".join(f"  - {x}" for x in problems)
