"""End-to-end offline scan (load -> evaluate -> analyse -> every report format) at 1k, 10k and 100k
resources in 500 stamps, and one stamp of 20k resources, on each engine (regorus, embedded rego-cpp, an
OPA server).

Each scan runs as its own `drready scan` process, so wall time and peak RSS are that run's alone.
Targets (issue 8, on 2 cores): 100k/500 stamps under 60 s with the embedded engine; 10k->100k ratio at
most 11x; one 20k-resource stamp under 60 s; peak RSS under 2 GB; embedded within 10x of the OPA server.

    .venv/bin/python benchmarks/bench_scan.py [--sizes 1000,10000,100000] [--engines regorus,embedded,opa-server]
        [--phases]   (also time evaluate and each report format on its own)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.synth_estate import generate  # noqa: E402

FORMATS = "html,md,json,sarif,junit,csv,xlsx"


def run_scan(config: Path, snapshot: Path, out: Path, engine_args: list[str]) -> dict[str, float]:
    drready = Path(sys.executable).parent / "drready"
    start = time.monotonic()
    process = subprocess.Popen(
        [
            str(drready),
            "scan",
            "--config",
            str(config),
            "--snapshot",
            str(snapshot),
            "--out",
            str(out),
            "--format",
            FORMATS,
            "--fail-on",
            "none",
            "--allow-unknown",
            *engine_args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1, 3):
        raise SystemExit(f"scan failed: {process.stderr.read().decode()[-2000:]}")
    return {"wall_s": round(wall, 1), "peak_rss_mb": round(usage.ru_maxrss / 1024)}


def phases(config: Path, snapshot: Path, work: Path, engine_args: list[str]) -> dict[str, float]:
    """Wall time of `drready evaluate`, then of `drready report` for each format alone (each includes
    starting Python and reading result.json, about a second at 100k findings)."""
    drready = str(Path(sys.executable).parent / "drready")
    work.mkdir(parents=True, exist_ok=True)
    result = work / "result.json"
    common = ["--fail-on", "none", "--allow-unknown", "-q"]
    timed: dict[str, float] = {}
    start = time.monotonic()
    subprocess.run([drready, "evaluate", "--config", str(config), "--snapshot", str(snapshot), "--out", str(result),
                    *common, *engine_args], stdout=subprocess.DEVNULL, check=False)  # fmt: skip
    timed["evaluate"] = round(time.monotonic() - start, 1)
    for fmt in FORMATS.split(","):
        start = time.monotonic()
        subprocess.run([drready, "report", "--result", str(result), "--out", str(work / fmt), "--format", fmt, *common],
                       stdout=subprocess.DEVNULL, check=False)  # fmt: skip
        timed[fmt] = round(time.monotonic() - start, 1)
    return timed


def opa_server() -> tuple[subprocess.Popen[bytes], str]:
    beside = Path(sys.executable).parent / "opa"  # make tools puts it in the virtualenv
    opa = str(beside) if beside.exists() else shutil.which("opa") or str(Path.home() / "go" / "bin" / "opa")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([opa, "run", "--server", "--addr", f"127.0.0.1:{port}", "--log-level", "error"])
    time.sleep(1.5)
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--stamps", type=int, default=500)
    parser.add_argument("--single-stamp", type=int, default=20000)
    parser.add_argument("--engines", default="regorus,embedded,opa-server")
    parser.add_argument(
        "--phases", action="store_true", help="Also time `evaluate` and each format's `report` on its own."
    )
    args = parser.parse_args()
    cases = [(int(n), args.stamps) for n in args.sizes.split(",") if n]
    if args.single_stamp:
        cases.append((args.single_stamp, 1))
    server, url = opa_server() if "opa-server" in args.engines else (None, "")
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for resources, stamps in cases:
                config, snapshot = generate(Path(tmp) / f"{resources}-{stamps}", resources, stamps)
                for engine in args.engines.split(","):
                    extra = ["--engine", engine] + (["--opa-url", url] if engine == "opa-server" else [])
                    measured = run_scan(config, snapshot, Path(tmp) / f"out-{resources}-{stamps}-{engine}", extra)
                    if args.phases:
                        measured["phases_s"] = phases(config, snapshot, Path(tmp) / f"p-{resources}-{engine}", extra)
                    rows.append({"resources": resources, "stamps": stamps, "engine": engine, **measured})
                    print(json.dumps(rows[-1]), flush=True)
    finally:
        if server:
            server.terminate()
    for engine in args.engines.split(","):
        wall = {r["resources"]: r["wall_s"] for r in rows if r["engine"] == engine and r["stamps"] == args.stamps}
        if 10000 in wall and 100000 in wall:
            print(json.dumps({"engine": engine, "ratio_10k_to_100k": round(wall[100000] / wall[10000], 1)}))
    by_case: dict[tuple[int, int], dict[str, float]] = {}
    for r in rows:
        by_case.setdefault((r["resources"], r["stamps"]), {})[r["engine"]] = r["wall_s"]
    for (resources, stamps), wall in by_case.items():
        if "embedded" in wall and "opa-server" in wall:
            ratio = round(wall["embedded"] / wall["opa-server"], 1)
            print(json.dumps({"resources": resources, "stamps": stamps, "embedded_over_opa_server": ratio}))


if __name__ == "__main__":
    main()
