"""The HTML report at scale: a synthetic estate (default 100,000 resources in 500 stamps, 30% of resources
failing) is evaluated once, then report.html is written from the result; its size and the time headless
Chromium takes to load it (navigation start to the load event, read by a probe script added to a copy,
as the report itself allows no script) are printed. Targets (issue 17): under 10 MB, loaded in under 3 s.

    .venv/bin/python benchmarks/bench_html.py [--resources 100000] [--stamps 500] [--gap-share 0.3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.chromium_probe import probe  # noqa: E402
from benchmarks.synth_estate import generate  # noqa: E402

PROBE = """<script>addEventListener('load', () => setTimeout(() => {
  const t = performance.getEntriesByType('navigation')[0];
  document.body.setAttribute('data-load-ms', String(Math.round(t.loadEventStart)));
}, 0));</script>"""


def drready(*args: str) -> float:
    start = time.monotonic()
    run = subprocess.run([str(Path(sys.executable).parent / "drready"), *args], capture_output=True, text=True)
    if run.returncode not in (0, 1, 3):
        raise SystemExit(f"drready {args[0]} failed: {run.stderr[-2000:]}")
    return time.monotonic() - start


def load_ms(browser: str, page: Path, work: Path) -> int:
    return int(probe(browser, page.read_text(encoding="utf-8"), PROBE, "data-load-ms", work, 1400, 60000))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=100_000)
    parser.add_argument("--stamps", type=int, default=500)
    parser.add_argument("--gap-share", type=float, default=0.3)
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise SystemExit("chromium is needed (make tools installs it)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        config, snapshot = generate(work, args.resources, args.stamps, gap_share=args.gap_share)
        drready("evaluate", "--config", str(config), "--snapshot", str(snapshot), "--out", str(work / "r.json"), "-q")
        result = json.loads((work / "r.json").read_text())
        gaps = sum(1 for f in result["findings"] if f["status"] == "fail")
        render_s = drready("report", "--result", str(work / "r.json"), "--out", str(work / "out"), "--format",
                           "html", "--fail-on", "none", "--allow-unknown", "-q")  # fmt: skip
        html = work / "out" / "report.html"
        row = {
            "resources": args.resources,
            "stamps": args.stamps,
            "findings": len(result["findings"]),
            "gaps": gaps,
            "render_s": round(render_s, 1),
            "html_mb": round(html.stat().st_size / 1e6, 2),
            "chromium_load_s": round(load_ms(browser, html, work) / 1000, 2),
        }
        print(json.dumps(row))


if __name__ == "__main__":
    main()
