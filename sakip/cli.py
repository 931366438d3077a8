"""The `sakip` command: a thin Typer layer over the library and the Prefect flows.

One error boundary (`main`): a SakipError prints as one Indonesian line and exit code 1; a
traceback is shown only with --verbose. The top imports typer and errors alone, which is all
`sakip --help` loads; each command imports what it uses (`# lazy:`), so that `sakip status`
loads no Prefect, Great Expectations or pandas.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import SakipError, visible

app = typer.Typer(
    name="sakip",
    help="Laporan kinerja SAKIP triwulanan: dari workbook Excel pejabat ke paket PDF siap tanda tangan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    # Click's plain help: Typer's rich help imports rich's markdown, syntax and traceback modules
    # (~0.9 s, more than the rest of `sakip --help`).
    rich_markup_mode=None,
)

Year = Annotated[int, typer.Argument(help="Tahun anggaran, mis. 2026.", min=2000, max=2100)]
Quarter = Annotated[int, typer.Argument(help="Triwulan 1 sampai 4.", min=1, max=4)]
Inputs = Annotated[Path, typer.Option(help="Folder masukan (berisi <tahun>/instansi.toml atau <tahun>/<instansi>/instansi.toml).")]
Outputs = Annotated[Path, typer.Option(help="Folder keluaran.")]


@dataclass
class Options:
    """The root options, for the commands (ctx.obj) and for `main`'s error boundary, which
    passes this object in and reads it back once the command has run (so not frozen)."""

    verbose: bool = False
    quiet: bool = False  # --senyap: for cron, only the final line (and the exit code)


def _quiet_environment() -> None:
    # No internet here and no telemetry wanted: set before Prefect is imported.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")


@app.callback()
def _root(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Tampilkan traceback lengkap bila terjadi galat.")] = False,
    senyap: Annotated[bool, typer.Option("--senyap", "-q", help="Untuk cron: cetak hanya baris akhir run (dan kode keluarnya); "
                                         "galat tetap satu baris di stderr.")] = False,
) -> None:
    """sakip: otomasi pengumpulan data kinerja, paraf, dan laporan SAKIP."""
    options = ctx.ensure_object(Options)
    options.verbose, options.quiet = verbose, senyap


@app.command()
def run(
    ctx: typer.Context,
    year: Year,
    quarter: Quarter,
    inputs: Inputs = Path("inputs"),
    outputs: Outputs = Path("outputs"),
    templates: Annotated[Path, typer.Option(help="Folder template Word.")] = Path("templates"),
    expectations: Annotated[Path, typer.Option(help="Folder suite Great Expectations.")] = Path("expectations"),
    tanggal: Annotated[Optional[str], typer.Option(help="Tanggal laporan (YYYY-MM-DD) pada baris tempat dan tanggal; bawaan: hari ini.")] = None,
    pk: Annotated[Optional[list[str]], typer.Option("--pk", help="Proses hanya PK ini (boleh diulang).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Buat revisi baru setiap PK walaupun masukan, template, suite, dan versi sakip tidak berubah.")] = False,
    tunggu: Annotated[float, typer.Option("--tunggu", min=0, help="Bila periode ini sedang diproses run lain, tunggu paling lama sekian detik (bawaan: langsung berhenti).")] = 0,
    sebar: Annotated[bool, typer.Option("--sebar", help="Sebar per instansi ke pekerja (worker) work pool server Prefect; butuh PREFECT_API_URL dan deployment sakip-instansi/instansi.")] = False,
    instansi: Annotated[Optional[list[str]], typer.Option("--instansi", help="Dengan --sebar: proses ulang hanya instansi ini (boleh diulang); yang lain tetap seperti run terakhirnya.")] = None,
) -> None:
    """Jalankan alur triwulanan: baca, paraf, hitung capaian, susun laporan, buat paket PDF.
    PK yang masukannya tidak berubah sejak revisi terakhir tidak dibuat ulang."""
    issued = _parse_date(tanggal) if tanggal else None
    _preflight(inputs, year, quarter, templates, expectations)
    _quiet_environment()
    if sebar or instansi:
        if pk:
            raise SakipError("--pk tidak dapat digabung dengan --sebar/--instansi: ulangi instansinya dengan --instansi")
        _run_fanned_out(ctx, year, quarter, inputs, outputs, templates, expectations, issued, force, tunggu, instansi)
        return
    # lazy: the stages of a run (suites loads pandas) are not for `sakip --help`
    from .outputs import lock as period_lock
    from .outputs import reuse, runlog
    from .formatting import quarter_name
    from .paraf.suites import IsolatedSuites
    from .outputs.summary import Summary

    verbose = ctx.ensure_object(Options).verbose
    # The lock first: a busy period is refused before anything starts.
    with period_lock.held(outputs, year, quarter, run=f"sakip run {year} {quarter}", wait=tunggu,
                          on_wait=lambda message: typer.echo(message, err=True)) as held, contextlib.ExitStack() as stack:
        log = runlog.new_path(outputs, year, quarter)
        if held.taken_over:
            from .console import echo  # lazy: only on this path

            echo(f"Kunci periode dari run yang berhenti tanpa selesai ({held.taken_over}) diambil alih.", err=True)
        # A rerun whose files are those of the last full run will most likely reuse its verdicts
        # and packages: GX (and LibreOffice, in the flow) then start only if needed after all.
        fingerprint = reuse.fingerprint(inputs, year, templates, expectations)
        unchanged = not force and not pk and reuse.expect_unchanged(outputs, year, quarter, fingerprint)
        server = _run_server(stack, log)
        # GX loads the suites while Prefect starts; the flow closes it after paraf, or this stack does.
        checker = stack.enter_context(IsolatedSuites(expectations, log, start=not unchanged))
        from flows.quarterly import Started, quarterly  # lazy: Prefect reads PREFECT_API_URL, set just above, when imported

        stack.enter_context(runlog.to_file(log))
        if not verbose:
            stack.enter_context(runlog.quiet_console())
        from .console import echo  # lazy: only where a run starts

        if not ctx.ensure_object(Options).quiet:
            echo(f"sakip: memproses {quarter_name(quarter)} Tahun {year}; catatan teknis di {log}", err=True)
            stack.callback(_show_progress())
        if server:
            server.wait()
        state = quarterly(year, quarter, inputs=inputs, outputs=outputs, templates=templates, expectations=expectations,
                          issued=issued, pks=pk or None, force=force, log=log, started=Started(held, checker, fingerprint, unchanged),
                          return_state=True)
        summary = state.result(raise_on_failure=False)
        if server:
            from flows.server import drain_prefect  # lazy: flows.server (http.client, ssl) is not for `sakip --help`

            drain_prefect()
        if not isinstance(summary, Summary):
            _raise_from_run(summary, log, outputs)
    if summary.rows:
        _print_summary(summary, outputs, quiet=ctx.ensure_object(Options).quiet)
    if summary.unknown_pks:
        raise SakipError(f"PK tidak ditemukan di {inputs / str(year)}: {', '.join(summary.unknown_pks)}")
    if not summary.rows:
        raise SakipError(f"tidak ada workbook PK di {inputs / str(year)}")
    raise typer.Exit(summary.exit_code())


def _run_fanned_out(ctx: typer.Context, year: int, quarter: int, inputs: Path, outputs: Path, templates: Path,
                    expectations: Path, issued, force: bool, wait: float, agencies: list[str] | None) -> None:
    """The period as one run per agency on a Prefect server's work pool (flows.quarterly.fan_out):
    the agencies' runs go to the pool's workers, this process waits and gathers them."""
    # lazy: like every stage, not for `sakip --help`
    from .outputs import runlog
    from .formatting import quarter_name
    from .outputs.summary import Summary

    url = os.environ.get("PREFECT_API_URL")
    if not url:
        from flows.server import running_server  # lazy: not for `sakip --help`

        url = running_server()
        if not url:
            raise SakipError("--sebar membutuhkan server Prefect yang berjalan dengan work pool dan pekerjanya "
                             "(atur PREFECT_API_URL; lihat README, \"Banyak mesin\")")
        os.environ["PREFECT_API_URL"] = url
    log = runlog.new_path(outputs, year, quarter)
    with contextlib.ExitStack() as stack:
        from flows.quarterly import quarterly  # lazy: Prefect reads PREFECT_API_URL when imported

        stack.enter_context(runlog.to_file(log))
        if not ctx.ensure_object(Options).verbose:
            stack.enter_context(runlog.quiet_console())
        from .console import echo  # lazy: only where a run starts

        if not ctx.ensure_object(Options).quiet:
            echo(f"sakip: menyebar {quarter_name(quarter)} Tahun {year} per instansi ke {url}; catatan teknis di {log}",
                 err=True)
        state = quarterly(year, quarter, inputs=inputs, outputs=outputs, templates=templates, expectations=expectations,
                          issued=issued, force=force, wait=wait, log=log, sebar=True, instansi=agencies or None,
                          return_state=True)
        summary = state.result(raise_on_failure=False)
        if not isinstance(summary, Summary):
            _raise_from_run(summary, log, outputs)
    if summary.rows:
        _print_summary(summary, outputs, quiet=ctx.ensure_object(Options).quiet)
    for agency, info in summary.instansi_run.items() if not ctx.ensure_object(Options).quiet else ():
        echo(f"instansi {agency}: {info.get('status', '-')} di {info.get('pekerja') or '-'} ({info.get('run', '-')})",
             first="  ", indent="    ")
    raise typer.Exit(summary.exit_code())


def _run_server(stack: contextlib.ExitStack, log: Path):
    """The run's own Prefect server (output to the log, gone with the run), unless one is
    configured or already running (the run then shows in its UI, and skips ~10 s of start)."""
    if os.environ.get("PREFECT_API_URL"):
        return None
    from flows.server import RunServer, running_server  # lazy: flows.server (http.client, ssl) is not for `sakip --help`

    if url := running_server():
        os.environ["PREFECT_API_URL"] = url
        stack.callback(os.environ.pop, "PREFECT_API_URL", None)
        return None
    server = stack.enter_context(RunServer(log))
    os.environ["PREFECT_API_URL"] = server.url
    stack.callback(os.environ.pop, "PREFECT_API_URL", None)
    return server


def _raise_from_run(value: object, log: Path, outputs: Path) -> None:
    """A flow run that ended without a summary: its error as one line (the traceback is in the log).
    A storage failure no stage named (a write() on a full disk carries no file name) names the
    outputs folder."""
    # lazy: only a failed run needs these
    import logging

    from .outputs.files import storage_error

    if isinstance(value, SakipError):
        raise value
    if isinstance(value, OSError) and value.errno:
        logging.getLogger("sakip").error("run berhenti", exc_info=value)
        folder = Path(value.filename).parent if isinstance(value.filename, str) else outputs
        raise storage_error(value, folder) from value
    logging.getLogger("sakip").error("run berhenti", exc_info=value if isinstance(value, BaseException) else None)
    kind = type(value).__name__ if isinstance(value, BaseException) else "tanpa ringkasan"
    raise SakipError(f"run berhenti karena kesalahan tak terduga ({kind}); rincian di {log}")


@app.command()
def forms(
    year: Year,
    quarter: Quarter,
    inputs: Inputs = Path("inputs"),
    outputs: Outputs = Path("outputs"),
) -> None:
    """Buat formulir realisasi triwulan untuk setiap PK, siap dikirim ke unit."""
    from .documents.forms import generate_forms  # lazy: forms loads openpyxl, ingest and paraf (~2 s)

    written = generate_forms(inputs, outputs, year, quarter)
    if not written:
        raise SakipError(f"tidak ada PK di {inputs / str(year)}")
    from .console import echo  # lazy: only where something is printed
    from .formatting import quarter_name

    for path in written:
        echo(str(path), first="  ", indent="    ")
    echo(f"{len(written)} formulir realisasi {quarter_name(quarter)} dibuat. Isi sel kuning, lalu simpan di "
         f"{inputs / str(year)}/[instansi/]realisasi/tw{quarter}/.")


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SakipError(f"--tanggal '{text}' bukan tanggal YYYY-MM-DD") from None


def _preflight(inputs: Path, year: int, quarter: int, templates: Path, expectations: Path) -> None:
    """Fail fast, with one line, on what would stop every PK or the agency documents (before
    starting Prefect, and before hours of packages are made only for the last stage to stop)."""
    # lazy: convert (pypdf), ingest (openpyxl) and render (docxtpl, pandas) are the run's, not --help's
    from . import config
    from .pdf.convert import soffice
    from .ingest.workbooks import agencies
    from .documents.render import DOCUMENTS, template_path

    for root in agencies(inputs, year).values():
        config.load(root / "instansi.toml")
    for name in [*DOCUMENTS, "rekap_instansi", "bundel_paket", *(["lkjip"] if quarter == 4 else [])]:
        template_path(templates, name)
    if not any(expectations.glob("*.json")):
        raise SakipError(f"{expectations}: tidak ada suite expectation (*.json)")
    soffice()


SHOWN_WARNINGS = 20  # warnings of initialled PKs printed under the table; all are in validasi.html


def _show_progress():
    """The run's stages and its PKs done on the terminal (sakip.progress); returns what ends it."""
    from . import progress  # lazy: only where a run starts
    from .console import ProgressLine

    progress.start()
    remove = progress.listen(ProgressLine())

    def end() -> None:
        progress.end()
        remove()

    return end


def _print_summary(summary, outputs: Path, quiet: bool = False) -> None:
    from .console import echo, shown_path, table  # lazy: only where a summary is printed
    from .formatting import quarter_name

    period = outputs / str(summary.year) / f"TW{summary.quarter}"
    counts = summary.counts(this_run=True)
    final = (f"{counts['PARAF']} paket siap tanda tangan, {counts['DIKEMBALIKAN']} PK dikembalikan, "
             f"{counts['GAGAL']} gagal. Ringkasan: {period / 'ringkasan.json'}")
    if quiet:  # cron mails what is printed: one line, unwrapped, with the code cron also sees
        typer.echo(f"sakip {quarter_name(summary.quarter)} {summary.year}: {final} (kode keluar {summary.exit_code()})")
        return
    rows = [r for r in summary.rows if not r.dari_run_sebelumnya]
    table(f"Ringkasan {quarter_name(summary.quarter)} Tahun {summary.year}",
          ["PK", "Status", "Capaian TW", "Galat", "Peringatan", "Revisi"],
          [[r.pk, r.status, r.capaian or "-", str(r.galat), str(r.peringatan),
            (f"{r.revisi}" + (" (tetap)" if r.dipakai_ulang else " (baru)")) if r.revisi else "-"] for r in rows],
          styles={"PARAF": "green", "DIKEMBALIKAN": "yellow", "GAGAL": "red"})
    if rows:
        echo(f"Keluaran per PK (di {period}):")
    for r in rows:
        for i, item in enumerate(r.keluaran or [r.pesan or "-"]):
            echo(shown_path(item, period), indent="    ", first=f"  {r.pk}: " if i == 0 else "    ")
    warned = [(r.pk, w) for r in summary.rows if r.status == "PARAF" for w in r.peringatan_pesan]
    for pk, warning in warned[:SHOWN_WARNINGS]:
        echo(f"Peringatan {pk}: {warning}", indent="  ")
    if len(warned) > SHOWN_WARNINGS:
        echo(f"... dan {len(warned) - SHOWN_WARNINGS} peringatan lain (lihat {summary.report or 'ringkasan.json'})")
    for orphan in summary.orphans:
        echo(f"Berkas tanpa PK: {orphan}", indent="  ")
    if (period / "index.html").is_file():
        echo(f"Halaman status (untuk peramban): {period / 'index.html'}")
    if summary.report:
        echo(f"Laporan pemeriksaan (paraf): {summary.report}", indent="  ")
    for label, doc in summary.instansi.items():
        name = ("LKjIP" if label.startswith("lkjip") else "Bundel paket (untuk dibaca)" if label.startswith("bundel")
                else "Rekap instansi")
        echo(f"{name}: {doc}", indent="  ")
    for note in summary.catatan:
        echo(f"Catatan: {note}", indent="  ")
    kept = sum(r.dipakai_ulang for r in summary.rows if not r.dari_run_sebelumnya)
    superseded = [r.pk for r in summary.rows if r.menggantikan_ttd and not r.dari_run_sebelumnya]
    if superseded:
        echo(f"Perhatian: revisi baru menggantikan paket yang sudah ditandatangani: {', '.join(superseded)}. Paket "
             "bertanda tangan tetap tersimpan; revisi baru perlu ditandatangani lagi.", indent="  ")
    others = sum(r.dari_run_sebelumnya for r in summary.rows)
    if others:
        echo(f"{others} PK lain tidak diproses pada run ini; keadaannya dari run sebelumnya tetap di ringkasan.")
    if summary.log:
        echo(f"Catatan teknis run (log): {summary.log}", indent="  ")
    if kept:
        echo(f"{kept} PK tidak berubah sejak revisi terakhirnya dan tidak dibuat ulang (--force untuk membuat ulang).")
    echo(final)


template_app = typer.Typer(help="Alat untuk perencana yang mengubah template Word.", no_args_is_help=True,
                           rich_markup_mode=None)
app.add_typer(template_app, name="template")
ContextFile = Annotated[Optional[Path], typer.Option("--context", help="Konteks JSON (bawaan: sample_context.json di samping template).")]


@template_app.command("check")
def template_check(
    path: Annotated[Path, typer.Argument(help="Template .docx atau foldernya, mis. templates/laporan_triwulan.")],
    context: ContextFile = None,
    jenis: Annotated[Optional[str], typer.Option("--jenis", help="Jenis dokumen template ini (mis. laporan_triwulan); "
                                                 "bawaan: dari nama folder atau awal nama berkas.")] = None,
) -> None:
    """Periksa template: tag, isian, filter, sandbox, font, dan uji render konteks contoh."""
    from .documents import templates as tpl  # lazy: templates loads jinja2 and lxml (~0.3 s)

    problems = tpl.check(path, tpl.load_context(context) if context else None, kind=jenis)
    for problem in problems:
        typer.echo(str(problem))
    errors = sum(p.severity == "galat" for p in problems)
    if errors:
        typer.echo(f"{path}: {errors} galat, {len(problems) - errors} peringatan; template belum dapat dipakai.", err=True)
        raise typer.Exit(1)
    typer.echo(f"{path}: template dapat dipakai" + (f" ({len(problems)} peringatan)" if problems else "") + ".")


@template_app.command("preview")
def template_preview(
    path: Annotated[Path, typer.Argument(help="Template .docx atau foldernya.")],
    context: ContextFile = None,
    outputs: Outputs = Path("outputs"),
) -> None:
    """Render template dengan konteks contoh (atau --context) ke PDF dan cetak lokasinya."""
    from .documents import templates as tpl  # lazy: templates loads jinja2 and lxml (~0.3 s)

    pdf = tpl.preview(path, tpl.load_context(context) if context else None, outputs / "pratinjau")
    typer.echo(str(pdf))


@template_app.command("fields")
def template_fields(
    write: Annotated[Optional[Path], typer.Option("--tulis", help="Tulis juga ke berkas ini (mis. templates/FIELDS.md).")] = None,
) -> None:
    """Daftar semua isian dan filter template, dengan contoh nilainya."""
    from .documents import templates as tpl  # lazy: templates loads jinja2 and lxml (~0.3 s)
    from .outputs.files import write_bytes

    text = tpl.fields_markdown()
    typer.echo(text)
    if write is not None:
        write_bytes(write, text.encode("utf-8"))


@app.command()
def verify(
    paket: Annotated[Path, typer.Argument(help="Paket PDF (manifest-nya dibaca dari <paket>.manifest.json di sampingnya).")],
    ca: Annotated[Optional[list[Path]], typer.Option("--ca", help="Sertifikat CA tepercaya (PEM/DER) untuk menilai tanda tangan; boleh diulang.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Cetak hasil sebagai JSON.")] = False,
) -> None:
    """Periksa paket terhadap manifest-nya (paket, masukan, template, suite, keluaran) dan setiap tanda tangan."""
    # lazy: like every stage, not for `sakip --help` (manifest itself defers pydantic and pyHanko)
    import json

    from .pdf import manifest
    from .formatting import wib

    result = manifest.verify(paket, ca or [])
    if as_json:
        typer.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))
    else:
        typer.echo(f"{paket}: revisi {result.revision}, {result.checked} berkas diperiksa terhadap manifest.")
        for sig in result.signatures:
            state = ("sah" if sig.bottom_line else "utuh, bukan pejabat yang dicetak" if sig.intact and sig.wrong_signer
                     else "utuh" if sig.intact else "RUSAK")
            acting = f" sebagai {sig.on_behalf}" if sig.on_behalf else ""
            stamp = f", cap waktu {wib(sig.timestamp, seconds=True)}" if sig.timestamp else ""
            signed_at = wib(sig.signed_at, seconds=True) if sig.signed_at else "waktu tidak dicatat"
            who = manifest.signer_shown(sig.name, sig.nip) if sig.name else sig.signer
            typer.echo(f"  tanda tangan {sig.field}: {state}; {who}{acting}; {signed_at}{stamp}")
        if not result.signatures:
            typer.echo("  belum ada tanda tangan.")
        for problem in result.problems:
            typer.echo(f"  MASALAH: {problem}")
        typer.echo("Hasil: " + ("sesuai manifest." if result.ok else f"{len(result.problems)} masalah ditemukan."))
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def sign(
    paket: Annotated[Path, typer.Argument(help="Paket PDF yang akan ditandatangani.")],
    p12: Annotated[Path, typer.Option("--p12", help="Sertifikat dan kunci penanda tangan (PKCS#12, .p12/.pfx).")],
    field: Annotated[str, typer.Option("--field", help="Nama kolom tanda tangan, mis. ttd_pejabat (lihat README).")],
    tsa: Annotated[str, typer.Option("--tsa", help="URL server cap waktu RFC 3161 (PAdES B-T); tanpa ini PAdES B-B.")] = "",
    alasan: Annotated[str, typer.Option(help="Alasan penandatanganan yang dicatat di tanda tangan.")] = "",
    lokasi: Annotated[str, typer.Option(help="Lokasi penandatanganan yang dicatat di tanda tangan.")] = "",
    atas_nama: Annotated[str, typer.Option("--atas-nama", help="Plt. atau Plh.: pemegang sertifikat menandatangani sebagai pelaksana tugas/harian atas nama pejabat yang dicetak di kolom itu (dicatat di tanda tangan).")] = "",
) -> None:
    """Tanda tangani paket (PAdES) ke kolom bernama. Kata sandi dari variabel lingkungan
    SAKIP_P12_PASSPHRASE atau ditanyakan; tidak pernah lewat argumen."""
    from .pdf import sign as signing  # lazy: pyHanko and cryptography (~2 s) are for sign only

    from .outputs import lock as period_lock

    secret = os.environ.get(signing.PASSPHRASE_ENV)
    if secret is None:
        secret = typer.prompt(f"Kata sandi {p12.name}", hide_input=True, default="", show_default=False)
    # A run of the package's period may be making its next revision: sign before it or after it.
    where = period_lock.period_of_package(paket)
    with period_lock.held(*where, run=f"sakip sign {paket.name}") if where else contextlib.nullcontext():
        signed = signing.sign(paket, p12, field, secret.encode() if secret else None, tsa, alasan, lokasi, atas_nama)
    acting = f" sebagai {signed.on_behalf}" if signed.on_behalf else ""
    typer.echo(f"{signed.package}: ditandatangani di kolom {signed.field} oleh {signed.signer}{acting} ({signed.level}).")


@app.command()
def status(
    year: Year,
    quarter: Quarter,
    outputs: Outputs = Path("outputs"),
    as_json: Annotated[bool, typer.Option("--json", help="Cetak hasil sebagai JSON.")] = False,
) -> None:
    """Keadaan satu periode per PK: hasil paraf, revisi terakhir, sudah ditandatangani atau belum, run terakhir."""
    import json  # lazy: like every stage, not for `sakip --help`

    from .outputs import status as status_mod

    report = status_mod.period_status(outputs, year, quarter)
    if report.agencies and (running := _running_agencies(year, quarter)):
        report.agencies = status_mod.agency_states(outputs, year, quarter, running)
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
        return
    from .console import echo, shown_path, table  # lazy: as rich (~0.3 s), only where a table is printed (not for --json)
    from .formatting import quarter_name, wib

    def revision(r: status_mod.PKStatus) -> list[str]:
        return [f"{r.revision} dari {r.revisions}" if r.revision else "-", r.signatures or "-",
                wib(r.made) if r.made else "-"]

    period = outputs / str(year) / f"TW{quarter}"
    table(f"Status {quarter_name(quarter)} Tahun {year}", ["PK", "Paraf", "Revisi", "Tanda tangan", "Dibuat"],
          [[r.pk, r.verdict, *revision(r)] for r in report.rows],
          styles={"PARAF": "green", "DIKEMBALIKAN": "yellow", "GAGAL": "red"})
    if report.rows:
        echo(f"Paket dan catatan per PK (di {period}):")
    for r in report.rows:
        for i, item in enumerate([shown_path(r.package, period)] if r.package else []):
            echo(item, indent="    ", first=f"  {r.pk}: ")
        if r.note:
            echo(r.note, indent="    ", first="    " if r.package else f"  {r.pk}: ")
    if report.documents:
        table("Dokumen instansi", ["Dokumen", "Revisi", "Tanda tangan", "Dibuat"],
              [[r.pk, *revision(r)] for r in report.documents])
        for r in report.documents:
            if r.package:
                echo(shown_path(r.package, period), indent="    ", first="  ")
            if r.note:
                echo(r.note, indent="    ", first="  ")
    if report.agencies:
        table("Instansi (disebar per instansi)", ["Instansi", "Keadaan", "PK", "Pekerja", "Selesai"],
              [[a.agency, a.state, str(a.pks or "-"), a.worker or "-", wib(a.finished) if a.finished else "-"]
               for a in report.agencies])
        for a in report.agencies:
            if a.run:
                echo(f"run {a.run}", indent="    ", first=f"  {a.agency}: ")
        echo(f"Ulang satu instansi setelah koreksi: sakip run {year} {quarter} --sebar --instansi <instansi>")
    for problem in report.problems:
        echo(f"catatan: {problem}", indent="  ")
    finished = wib(report.finished) if report.finished else "-"
    echo(f"Run terakhir: {report.last_run or '-'} (selesai {finished}).", indent="  ")


def _running_agencies(year: int, quarter: int) -> set[str]:
    """Agencies whose run a reachable Prefect server reports running; none without a server."""
    url = os.environ.get("PREFECT_API_URL")
    if not url:
        from flows.server import running_server  # lazy: flows.server (http.client, ssl) is not for `sakip --help`

        url = running_server()
    if not url:
        return set()
    import httpx  # lazy: only when a server answers

    prefix = f"triwulan-{year}-TW{quarter}-"
    try:
        runs = httpx.post(f"{url.rstrip('/')}/flow_runs/filter", timeout=3, json={
            "flow_runs": {"name": {"like_": prefix}, "state": {"type": {"any_": ["RUNNING", "PENDING", "SCHEDULED"]}}},
            "limit": 200}).json()
        return {r["name"][len(prefix):] for r in runs if isinstance(r, dict) and str(r.get("name", "")).startswith(prefix)}
    except (httpx.HTTPError, ValueError, TypeError, KeyError):
        return set()


@app.command()
def serve(
    inputs: Inputs = Path("inputs"),
    outputs: Outputs = Path("outputs"),
    templates: Annotated[Path, typer.Option(help="Folder template Word.")] = Path("templates"),
    expectations: Annotated[Path, typer.Option(help="Folder suite Great Expectations.")] = Path("expectations"),
) -> None:
    """Jalankan jadwal triwulanan di mesin ini (06.00 WIB tanggal 5 setelah triwulan berakhir) dan
    terima run ulang manual; berhenti dengan Ctrl-C."""
    _quiet_environment()

    from flows.server import PrefectServer, healthy  # lazy: flows.server (http.client, ssl) is not for `sakip --help`

    folders = {"inputs": inputs.resolve(), "outputs": outputs.resolve(), "templates": templates.resolve(),
               "expectations": expectations.resolve()}
    with contextlib.ExitStack() as stack:
        # Runs must be reachable from another terminal (for a rerun), so serve needs a server that
        # outlives one run: the configured one, one already on the default port, or one started here.
        if not os.environ.get("PREFECT_API_URL"):
            url = f"http://127.0.0.1:{SERVE_PORT}/api"
            if not healthy(url):
                typer.echo(f"Menyalakan server Prefect di http://127.0.0.1:{SERVE_PORT} ...")
                url = stack.enter_context(PrefectServer(port=SERVE_PORT, ui=True)).url
            os.environ["PREFECT_API_URL"] = url
        # lazy: Prefect reads PREFECT_API_URL, set just above, when imported
        from prefect import serve as prefect_serve

        from flows.deployments import deployments

        api = os.environ["PREFECT_API_URL"]
        typer.echo(f"Server Prefect: {api.removesuffix('/api')} (tampilan web dan API).")
        typer.echo("Jadwal: pukul 06.00 WIB tanggal 5 Januari, April, Juli, dan Oktober (triwulan yang baru berakhir).")
        typer.echo(f"Run ulang dari terminal lain: PREFECT_API_URL={api} prefect deployment run "
                   "'sakip-triwulan/ulang' -p year=<tahun> -p quarter=<triwulan>")
        prefect_serve(*deployments(**folders), print_starting_message=False)


SERVE_PORT = 4200  # Prefect's own default, so `prefect` commands on this machine find it


def main() -> None:
    options = Options()  # --verbose as the root callback parsed it
    try:
        app(standalone_mode=True, obj=options)
    except SakipError as exc:
        if options.verbose:
            raise
        typer.echo(f"galat: {visible(str(exc))}", err=True)  # one line whatever the data held
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("dibatalkan.", err=True)
        sys.exit(130)
    except OSError as exc:  # a storage failure nothing closer named: one line naming the folder
        if options.verbose:
            raise
        from .outputs.files import storage_error  # lazy: only this error path needs it

        folder = Path(exc.filename).parent if isinstance(exc.filename, str) else Path.cwd()
        typer.echo(f"galat: {visible(str(storage_error(exc, folder)))}", err=True)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - the boundary: never a traceback on the operator's console
        if options.verbose:
            raise
        typer.echo(f"galat: kesalahan tak terduga ({type(exc).__name__}): {visible(' '.join(str(exc).split()))[:300]}; "
                   "jalankan ulang dengan --verbose untuk rinciannya", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
