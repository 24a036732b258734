"""report.pdf for the review deck: the HTML report printed by headless Chromium with the report's print
stylesheet, so the PDF and the page never disagree."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from scanner.errors import InputError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "msedge")
PRINT_TIMEOUT_S = 180


def browser() -> str:
    """The Chromium to print with: DRREADY_CHROMIUM, else the first of BROWSERS on PATH."""
    named = os.environ.get("DRREADY_CHROMIUM")
    found = shutil.which(named) if named else next((b for b in map(shutil.which, BROWSERS) if b), None)
    if not found:
        raise InputError(
            "--format pdf",
            None,
            f"printed by headless Chromium, and {named or 'none of ' + ', '.join(BROWSERS)} is on PATH;"
            " install Chromium or set DRREADY_CHROMIUM",
        )
    return found


def print_pdf(html: str, target: Path) -> None:
    """Write html to a private folder and print it to target; a browser failure is an error naming it."""
    command = browser()
    with tempfile.TemporaryDirectory(prefix="drready-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        args = [
            command,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--user-data-dir={Path(work) / 'profile'}",  # no shared profile lock between runs
            "--no-pdf-header-footer",
            f"--print-to-pdf={target}",
            page.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.insert(1, "--no-sandbox")  # Chromium refuses to start as root with its sandbox
        try:
            run = subprocess.run(args, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as exc:
            raise InputError(command, None, f"did not print report.pdf within {PRINT_TIMEOUT_S} s") from exc
    if run.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        raise InputError(command, None, f"could not print report.pdf (exit {run.returncode}): {last}")
