"""Collect 100,000 resources from the local emulator with a Resource Graph quota of 15 queries per 5 s.

Prints wall time against the quota-bound minimum (queries / 3 per second) and the collector's peak
RSS. The emulator runs in its own process, so the RSS is the collector's alone. Targets (issue 4):
within 1.3x of the bound, peak RSS under 1.5 GB.

    .venv/bin/python benchmarks/bench_collect.py [--resources 100000]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scanner.catalogue import load_policies  # noqa: E402
from scanner.collect import CollectOptions, StaticToken, collect_snapshot  # noqa: E402
from scanner.config import load_config  # noqa: E402

SUB = "5c7e2d4a-93b1-4f06-8a2e-1d9b7c3e6f40"


def serve(n: int, folder: str, ready: mp.Queue, stop: mp.Event) -> None:
    from tests.emulator import Emulator
    from tests.test_collect import many_key_vaults

    with Emulator(many_key_vaults(n, [SUB]), Path(folder), quota=15, window=5.0) as emu:
        ready.put((emu.endpoint, str(emu.cert)))
        stop.wait()
        statuses = [r.get("status") for r in emu.arg_requests()]
        ready.put({"queries": len(statuses), "throttled": statuses.count(429)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ready: mp.Queue = mp.Queue()
        stop = mp.Event()
        server = mp.Process(target=serve, args=(args.resources, folder, ready, stop))
        server.start()
        endpoint, cert = ready.get(timeout=600)
        config = load_config(ROOT / "examples" / "demo" / "drready.yaml")
        plan = load_policies(ROOT / "policies").collection
        start = time.monotonic()
        snapshot = collect_snapshot(
            config, plan, StaticToken("bench"), CollectOptions(endpoint=endpoint, verify=cert, concurrency=8)
        )
        wall = time.monotonic() - start
        stop.set()
        stats = ready.get(timeout=60)
        server.join()
    pages = -(-args.resources // 1000)
    queries = pages + 2  # + role assignments + subscriptions
    bound = queries / 3.0
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "resources": len(snapshot.resources),
                "errors": len(snapshot.errors),
                "queries_sent": stats["queries"],
                "throttled_429": stats["throttled"],
                "wall_s": round(wall, 1),
                "quota_bound_s": round(bound, 1),
                "ratio": round(wall / bound, 2),
                "peak_rss_mb": round(rss_mb),
                "target": "ratio <= 1.3, peak RSS < 1536 MB",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
