"""The real UNO worker, except that some documents misbehave on purpose (run by the uno Python).

A document whose name contains "macet" never finishes converting (LibreOffice hanging), and
one containing "mogok" kills soffice mid-conversion (LibreOffice crashing). A document whose
name contains $STAND_IN_CRASH_ONCE crashes LibreOffice the first time only (a marker file in
$STAND_IN_MARKS remembers it): a transient crash, for retries. Every other document is converted
by the real worker and a real LibreOffice.
"""

import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "sakip" / "pdf"))
import uno_worker  # noqa: E402

real = uno_worker.convert


def _crash_once(source):
    needle = os.environ.get("STAND_IN_CRASH_ONCE")
    if not needle or needle not in source:
        return False
    mark = Path(os.environ["STAND_IN_MARKS"], Path(source).name)
    if mark.exists():
        return False
    mark.touch()
    return True


def convert(desktop, source, pdf):
    if "macet" in source:
        time.sleep(3600)
    if "mogok" in source or _crash_once(source):
        # Every LibreOffice process of this slot (launcher, oosplash, soffice.bin) shares our
        # process group; kill them all but us.
        group = os.getpgid(0)
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) != os.getpid():
                try:
                    if os.getpgid(int(entry)) == group:
                        os.kill(int(entry), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        time.sleep(0.5)
    return real(desktop, source, pdf)


def send(message):
    if message.get("ready"):
        with open(os.environ["STAND_IN_PIDS"], "a") as fh:  # for the test to check nothing survives
            fh.write(f"{os.getpid()} {message['pid']}\n")
    real_send(message)


real_send = uno_worker.send
uno_worker.convert = convert
uno_worker.send = send
uno_worker.main()
