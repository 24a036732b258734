"""Read a value out of a report as real headless Chromium lays it out: a copy of the page, without its
Content-Security-Policy (the report allows no script), gets a probe script that writes its finding into
a body attribute, and the DOM Chromium dumps is read back. Used by bench_html.py and the layout tests."""

from __future__ import annotations

import html
import os
import re
import subprocess
from pathlib import Path

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>')


def probe(browser: str, page: str, script: str, attribute: str, work: Path, width: int, budget_ms: int) -> str:
    """The body attribute the probe script set, unescaped; an error when the probe did not run."""
    copy = work / "probed.html"
    copy.write_text(CSP.sub("", page).replace("</body>", script + "</body>"), encoding="utf-8")
    flags = ["--headless", "--disable-gpu", f"--user-data-dir={work / 'probe-profile'}", f"--window-size={width},1200"]
    if os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
    dom = subprocess.run(
        [browser, *flags, f"--virtual-time-budget={budget_ms}", "--dump-dom", copy.as_uri()],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    ).stdout
    found = re.search(rf'{attribute}="([^"]*)"', dom)
    if not found:
        raise RuntimeError(f"the probe setting {attribute} did not run")
    return html.unescape(found.group(1))
