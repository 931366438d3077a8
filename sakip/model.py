"""The types every stage shares: parsed cell values, what was read for a period (PeriodData) and
what reading it could not take (ReadProblem), and findings.

Kept light to import: pandas and the configuration types appear in annotations only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import Location

if TYPE_CHECKING:
    import pandas as pd

    from .config import Konfigurasi, Pejabat


class Status(StrEnum):
    """How a cell that should hold a number was read (values are the names suites test)."""

    NUMBER = "angka"  # a numeric cell
    NUMBER_TEXT = "angka_teks"  # text that reads unambiguously as a number ("87,5")
    EMPTY = "kosong"  # "", "-", "n/a"
    TEXT = "teks"  # words: a qualitative value, or a mistake in a numeric field
    AMBIGUOUS = "ambigu"  # "1.234": thousands or decimals? never guessed
    EXCEL_ERROR = "galat_excel"  # #DIV/0!, #REF!, ...
    FORMULA = "rumus_tanpa_nilai"  # a formula the file holds no computed value for


@dataclass(frozen=True)
class Reading:
    value: Decimal | None
    status: Status
    text: str  # the cell as the official wrote it, for messages and qualitative values
    note: str = ""


Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One thing the paraf step tells a unit: where, what was found, what is expected."""

    pk: str
    severity: Severity
    location: Location
    value: str
    message: str
    fix: str
    check: str = ""  # suite.expectation id (or stage.check) that produced it
    expected: str = ""  # what the check expects, in the official's words

    @property
    def label(self) -> str:
        return "Galat" if self.severity == "error" else "Peringatan"


# The report's initial (paraf) cell for the checker named in instansi.toml.
REPORT_PARAF_FIELD = "paraf_laporan"


def signature_marker(field_name: str) -> str:
    """Invisible text a template puts where a signature field goes; the package step finds it.

    Kept alphanumeric so that PDF text extraction returns it intact.
    """
    return "SAKIPMARK" + field_name.upper().replace("_", "")


# The one rule for a realisasi cell of a quarter that has a target but no realisasi yet. The form's
# Petunjuk and cell messages, inputs/README.md and the paraf's finding (expectations/realisasi.json,
# "realisasi_terisi") all say exactly this; tests/documents/test_forms.py compares them. An empty cell is
# refused rather than read as 0 because it cannot tell "none yet" from "forgotten". At most 170
# characters: Excel takes an input message of 255 characters and an error alert of 225, and the
# form puts a sentence of its own before the rule in each.
REALISASI_BELUM_ADA = ("Belum ada realisasi padahal ada target triwulan ini? Tulis 0 (kualitatif: nilai yang berlaku "
                       "saat ini) dan jelaskan di kolom Kendala. Sel kosong atau '-' dikembalikan.")


# ---------------------------------------------------------------- what ingest read

@dataclass(frozen=True)
class ReadProblem:
    """Something ingest could not read, or read only leniently or doubtfully, said in the
    official's words; the paraf wing turns it into a finding by the rule named in `rule`.

    A workbook refused as a whole is one ReadProblem (rule "berkas.terbaca", its `text` the
    reason); a file read despite it (a header with a typo, a hidden row read, a character removed
    from a text) gives one each and is read on.
    """

    pk: str  # the PK it concerns: the workbook's code, or its file name when it gave none
    location: Location
    value: str  # the cell as written ("" when the problem is not one cell's)
    text: str  # what is wrong, one sentence
    rule: str  # the paraf rule it falls under ("berkas.tersembunyi")
    quarter: int = 0  # the realisasi folder's quarter; 0 for a PK workbook
    case: str = ""  # which of the rule's cases, where the fix differs ("sheet": a hidden sheet)


@dataclass(frozen=True)
class Identity:
    """A workbook's Identitas cells as written (compact NIP); `quarter` only in a realisasi workbook."""

    pk_loc: Location | None
    year: str
    year_loc: Location | None
    nip: str
    nip_loc: Location | None
    quarter: str = ""
    quarter_loc: Location | None = None


@dataclass(frozen=True)
class Submission:
    """One workbook (or CSV folder) of the period that concerns a PK, as ingest took it.

    `identity` is None for a workbook that could not be read (its ReadProblem says why).
    `taken_by` names the workbook already read under the same PK code (for realisasi: and
    quarter): this one was not read into the frames.
    """

    kind: Literal["pk", "realisasi"]
    pk: str
    agency: str
    quarter: int  # the realisasi folder's quarter; 0 for a PK workbook
    shown: str  # as messages name it: its path under inputs/<year>
    identity: Identity | None
    problems: tuple[ReadProblem, ...] = ()
    taken_by: str = ""

    @property
    def accepted(self) -> bool:
        """Read into the period's frames."""
        return self.identity is not None and not self.taken_by


@dataclass(frozen=True)
class Standing:
    """Whether an earlier quarter's realisasi of a PK may count in a later quarter.

    `state`: "paraf" (initialled by that quarter's run, and its workbook is still the one
    initialled), "sebelum_sakip" (the quarter precedes the first one this year that sakip ran:
    taken as initialled by hand), or one that does not count: "dikembalikan", "belum_diperiksa",
    "berubah", "rusak". `why` and `fix` are the Indonesian finding for those.
    """

    pk: str
    quarter: int
    state: Literal["paraf", "sebelum_sakip", "dikembalikan", "belum_diperiksa", "berubah", "rusak"]
    why: str = ""
    fix: str = ""

    @property
    def counts(self) -> bool:
        return self.state in ("paraf", "sebelum_sakip")


def csv_files(folder: Path) -> list[Path]:
    """The files a CSV-folder workbook is made of: its .csv files, without lock and hidden files."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and not p.name.startswith((".", "~$")))


@dataclass
class PeriodData:
    """Everything read for one year and quarter; frames hold one row per PK / indicator / program."""

    year: int
    quarter: int
    configs: dict[str, Konfigurasi]  # by agency folder ("" when inputs/<year> is one agency)
    pks: pd.DataFrame  # carries the agency of each PK in column "instansi"
    indicators: pd.DataFrame
    budgets: pd.DataFrame
    realisasi: pd.DataFrame  # one row per PK, quarter 1..n and indicator code
    realisasi_budget: pd.DataFrame
    # Every workbook that concerns a PK, in the order read: what it could not read, its
    # Identitas, whether another took its place (the paraf rules of sakip.paraf.berkas read these)
    submissions: list[Submission] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)  # workbooks that name no known PK
    roots: dict[str, Path] = field(default_factory=dict)  # agency -> its folder (holding instansi.toml)
    # (PK, quarter) -> the realisasi workbook received for it, as shown: read, or refused with a
    # finding (a PK whose current workbook was refused has been told so, not "not received")
    received: dict[tuple[str, int], str] = field(default_factory=dict)
    # (PK, earlier quarter) -> where it stands in the runs recorded under outputs/, for the PKs
    # whose realisasi of this quarter came in; set by the flow (sakip.paraf.earlier), empty otherwise
    standing: dict[tuple[str, int], Standing] = field(default_factory=dict)
    _agency: dict[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _inputs: dict[str, list[Path]] | None = field(default=None, init=False, repr=False, compare=False)
    # frame name -> (the frame it was made from, its rows by PK): documents ask for one PK's rows
    # per document, and converting the whole frame each time made a regency's run quadratic
    _by_pk: dict[str, tuple[Any, dict[str, list[dict[str, Any]]]]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def records(self, name: str) -> list[dict[str, Any]]:
        """The rows of one frame ("pks", "indicators", ...) as dicts."""
        frame = getattr(self, name)
        return [] if frame.empty else frame.to_dict("records")

    def rows_of(self, name: str, pk: str) -> list[dict[str, Any]]:
        """The rows of one frame that belong to `pk`, in frame order, as dicts of their own (a
        caller may change them)."""
        frame = getattr(self, name)
        cached = self._by_pk.get(name)
        if cached is None or cached[0] is not frame:
            grouped: dict[str, list[dict[str, Any]]] = {}
            for row in self.records(name):
                grouped.setdefault(row["pk"], []).append(row)
            cached = self._by_pk[name] = (frame, grouped)
        return [dict(row) for row in cached[1].get(pk, ())]

    def pk_codes(self) -> list[str]:
        return [] if self.pks.empty else list(self.pks["pk"])

    @property
    def config(self) -> Konfigurasi:
        """The configuration of a single-agency period."""
        if len(self.configs) != 1:
            raise ValueError("a period of several agencies has one configuration per PK: use config_for(pk)")
        return next(iter(self.configs.values()))

    def agency(self, pk: str) -> str:
        if self._agency is None:
            self._agency = dict(zip(self.pks["pk"], self.pks["instansi"])) if not self.pks.empty else {}
        return self._agency[pk]

    def config_for(self, pk: str) -> Konfigurasi:
        return self.configs[self.agency(pk)]

    def official(self, pk: str) -> Pejabat:
        nip = self.pks.loc[self.pks["pk"] == pk, "nip"].iloc[0]
        found = self.config_for(pk).official_by_nip(nip)
        if found is None:  # paraf returns a PK with an unknown NIP, so a PK that got this far has one
            raise KeyError(f"no official with NIP {nip}")
        return found[1]

    def inputs_of(self, pk: str) -> list[Path]:
        """Every file a PK's documents were made from: instansi.toml, its PK workbook and its
        realisasi workbooks of quarters 1..quarter (for a CSV-folder workbook, its CSV files:
        the keys and manifests hash files)."""
        if self._inputs is None:
            # One pass over the frames for every PK: filtering them per PK cost ~1 ms a PK, and
            # planning, the agency keys and packaging each ask for every PK's inputs.
            found: dict[str, dict[Path, None]] = {}
            for frame in (self.pks, self.realisasi, self.realisasi_budget):
                if not frame.empty:
                    for code, file in zip(frame["pk"], frame["file"]):
                        if isinstance(file, str) and file:
                            path = Path(file)
                            for part in (csv_files(path) if path.is_dir() else [path]):
                                found.setdefault(code, {})[part] = None
            self._inputs = {code: list(files) for code, files in found.items()}
        files = [self.roots[self.agency(pk)] / "instansi.toml"] if self.agency(pk) in self.roots else []
        return list(dict.fromkeys(files + self._inputs.get(pk, [])))

    def only(self, pks: list[str]) -> PeriodData:
        """The same period limited to some PKs (for reruns of corrected workbooks)."""
        keep = set(pks)

        def cut(frame: pd.DataFrame) -> pd.DataFrame:
            return frame if frame.empty else frame[frame["pk"].isin(keep)].reset_index(drop=True)

        return PeriodData(self.year, self.quarter, self.configs, cut(self.pks), cut(self.indicators),
                          cut(self.budgets), cut(self.realisasi), cut(self.realisasi_budget),
                          [s for s in self.submissions if s.pk in keep], self.orphans, self.roots,
                          {k: v for k, v in self.received.items() if k[0] in keep},
                          {k: v for k, v in self.standing.items() if k[0] in keep})
