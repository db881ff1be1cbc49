"""The report as a PDF: the HTML page printed by headless Chromium (``zorgcap report --pdf``).

The page's print stylesheet decides the layout: A4, every chapter and every region on a new
page, all map views shown, region numbers printed on the maps with a key. Chromium is found as
``$ZORGCAP_CHROMIUM`` or ``chromium``, ``chromium-browser``, ``google-chrome`` on the PATH
(Debian: ``apt-get install chromium``); it prints without network access (no host name
resolves) from a temporary profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["find_chromium", "print_pdf"]

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str:
    """The path of a Chromium (or Chrome) executable.

    Raises
    ------
    InputError
        None is installed: the message says how to install it or where to point
        ``ZORGCAP_CHROMIUM``.
    """
    from zorgcap.forecast.errors import InputError

    given = os.environ.get("ZORGCAP_CHROMIUM")
    if given:
        if Path(given).is_file() and os.access(given, os.X_OK):
            return given
        raise InputError(f"ZORGCAP_CHROMIUM is {given!r}, which is not an executable file",
                         fix="point ZORGCAP_CHROMIUM at the chromium or chrome program, or "
                             "unset it to search the PATH.")
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise InputError("--pdf needs Chromium (or Chrome) to print the report, and none was "
                     "found on the PATH",
                     fix="install it (Debian/Ubuntu: 'apt-get install chromium'; macOS/"
                         "Windows: Google Chrome) or set ZORGCAP_CHROMIUM to its program; "
                         "or leave out --pdf and print report.html from a browser.")


def print_pdf(html_path, pdf_path, chromium: str | None = None, timeout: float = 300) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium; returns ``pdf_path``.

    Raises ``RuntimeError`` with Chromium's last output lines if it writes no PDF.
    """
    chromium = chromium or find_chromium()
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="zorgcap-chromium-") as profile:
        flags = [chromium, "--headless", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-extensions", f"--user-data-dir={profile}",
                 "--host-resolver-rules=MAP * ~NOTFOUND",  # the report needs no network
                 "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000",
                 "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.insert(1, "--no-sandbox")  # Chromium refuses its sandbox as root
        run = subprocess.run(flags, capture_output=True, text=True, timeout=timeout,
                             check=False)
    if not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        tail = "\n".join((run.stderr or run.stdout or "").strip().splitlines()[-5:])
        raise RuntimeError(f"Chromium ({chromium}) wrote no PDF (exit {run.returncode}): "
                           f"{tail}")
    return pdf_path
