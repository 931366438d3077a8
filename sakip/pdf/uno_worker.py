"""A warm LibreOffice: one soffice process converting document after document over UNO.

Run by a Python that has LibreOffice's `uno` module (Debian: /usr/bin/python3 with
python3-uno), never imported by sakip itself, so it uses the standard library and `uno` only.
sakip's converter (sakip/pdf/convert.py) starts one worker per slot in its own process group and
talks to it in JSON lines over stdin/stdout:

    worker -> {"ready": true}                        once soffice accepts connections
           | {"ready": false, "error": "..."}        soffice cannot start (exited, not found)
    sakip  -> {"source": "/abs/in.docx", "pdf": "/abs/out.pdf"}
    worker -> {"ok": true} | {"ok": false, "error": "...", "alive": <soffice still running>}

A hang or a crash inside LibreOffice is handled by sakip killing the whole process group, so
the worker needs no timeouts of its own. Messages are one line each; anything LibreOffice
prints goes to stderr, so stdout carries only the protocol.
"""

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def props(**values):
    out = []
    for name, value in values.items():
        p = PropertyValue()
        p.Name, p.Value = name, value
        out.append(p)
    return tuple(out)


class Exited(Exception):
    """soffice ended before it accepted a connection."""


# LibreOffice asks its launcher for a restart with this code after setting up a new profile
# (oosplash normally does it; a launcher that does not passes it on).
RESTART_CODE = 81


def connect(pipe, deadline, office):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException until soffice listens; its type lives in uno
            # A soffice that exited will never listen: say so now, not after the whole timeout.
            if office.poll() is not None:
                raise Exited(office.returncode) from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def launch(args, log):
    return subprocess.Popen(
        [args.soffice, f"-env:UserInstallation={args.profile}", "--headless", "--invisible", "--norestore",
         "--nolockcheck", "--nodefault", "--nologo", "--nofirststartwizard",
         f"--accept=pipe,name={args.pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log)


def start(args, log):
    """(soffice process, Desktop), or an error message for sakip when soffice cannot start."""
    deadline = time.monotonic() + args.startup_timeout
    office = None
    for _ in range(2):
        try:
            office = launch(args, log)
        except OSError as exc:
            return office, None, f"{args.soffice} tidak dapat dijalankan ({exc.strerror or exc})"
        try:
            return office, connect(args.pipe, deadline, office), ""
        except Exited as exc:
            if exc.args[0] != RESTART_CODE:
                return office, None, f"soffice berhenti dengan kode {exc.args[0]} saat dinyalakan{said(log)}"
        except Exception:
            return office, None, f"soffice tidak menerima sambungan dalam {args.startup_timeout:g} detik{said(log)}"
    return office, None, f"soffice meminta dinyalakan ulang terus-menerus (kode {RESTART_CODE}){said(log)}"


def said(log):
    """The end of what soffice printed on stderr, one line, for the message sakip shows."""
    if log is subprocess.DEVNULL:
        return ""
    log.seek(0)
    text = " ".join(log.read()[-2000:].decode("utf-8", "replace").split())
    return f": {text[-300:]}" if text else ""


def stderr_log():
    try:
        return tempfile.TemporaryFile()
    except OSError:  # a full temporary folder: start without quoting soffice
        return subprocess.DEVNULL


def convert(desktop, source, pdf):
    # Hidden, read-only, no macros, no link updates: a document from data must not run code or
    # fetch anything while it is converted.
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                       props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
    if doc is None:
        raise RuntimeError("dokumen tidak dapat dibuka")
    try:
        update_indexes(doc)
        doc.storeToURL(uno.systemPathToFileUrl(pdf), props(FilterName="writer_pdf_Export"))
    finally:
        doc.close(True)


def update_indexes(doc):
    """Fill a document's tables of contents (a Word TOC field is imported as an index holding
    the text Word cached, or the template's placeholder) from its headings and their pages.
    Only a document that has one pays for it: the others are written as loaded."""
    indexes = doc.getDocumentIndexes() if hasattr(doc, "getDocumentIndexes") else None
    if indexes is None or indexes.getCount() == 0:
        return
    for i in range(indexes.getCount()):
        indexes.getByIndex(i).update()
    doc.getTextFields().refresh()


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--soffice", required=True)
    parser.add_argument("--profile", required=True, help="file:// URL of a private user profile")
    parser.add_argument("--pipe", required=True)
    parser.add_argument("--startup-timeout", type=float, default=60.0)
    args = parser.parse_args()
    log = stderr_log()  # soffice's stderr, quoted when it will not start
    office, desktop, error = start(args, log)
    try:
        if desktop is None:
            send({"ready": False, "error": error})
            return
        send({"ready": True, "pid": office.pid})
        for line in sys.stdin:
            request = json.loads(line)
            try:
                convert(desktop, request["source"], request["pdf"])
                send({"ok": True})
            except Exception as exc:  # a UNO error is reported, the worker stays up for the next one
                # A disposed bridge means soffice is gone even if its launcher has not exited yet.
                alive = office.poll() is None and "DisposedException" not in type(exc).__name__
                send({"ok": False, "error": f"{type(exc).__name__}: {exc}".strip(), "alive": alive})
    finally:
        # Also when sakip died (kill -9): stdin then ends, or a reply meets a broken pipe, and
        # LibreOffice must not outlive it.
        if desktop is not None:
            try:
                desktop.terminate()
            except Exception:
                pass
        try:
            if office is not None:
                office.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(0, signal.SIGKILL)  # this worker leads its group: launcher and soffice.bin go with it
        os._exit(0)


if __name__ == "__main__":
    main()
