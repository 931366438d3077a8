"""A warm LibreOffice: one soffice process converting document after document over UNO.

Run by a Python that has LibreOffice's `uno` module (Debian: /usr/bin/python3 with
python3-uno), never imported by sakip itself, so it uses the standard library and `uno` only.
sakip's converter (sakip/convert.py) starts one worker per slot in its own process group and
talks to it in JSON lines over stdin/stdout:

    worker -> {"ready": true}                        once soffice accepts connections
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


def connect(pipe, deadline):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException until soffice listens; its type lives in uno
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def convert(desktop, source, pdf):
    # Hidden, read-only, no macros, no link updates: a document from data must not run code or
    # fetch anything while it is converted.
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(source), "_blank", 0,
                                       props(Hidden=True, ReadOnly=True, MacroExecutionMode=0, UpdateDocMode=0))
    if doc is None:
        raise RuntimeError("dokumen tidak dapat dibuka")
    try:
        doc.storeToURL(uno.systemPathToFileUrl(pdf), props(FilterName="writer_pdf_Export"))
    finally:
        doc.close(True)


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
    office = subprocess.Popen(
        [args.soffice, f"-env:UserInstallation={args.profile}", "--headless", "--invisible", "--norestore",
         "--nolockcheck", "--nodefault", "--nologo", "--nofirststartwizard",
         f"--accept=pipe,name={args.pipe};urp;StarOffice.ComponentContext"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    desktop = None
    try:
        desktop = connect(args.pipe, time.monotonic() + args.startup_timeout)
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
            office.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(0, signal.SIGKILL)  # this worker leads its group: launcher and soffice.bin go with it
        os._exit(0)


if __name__ == "__main__":
    main()
