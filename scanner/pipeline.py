"""The scan as steps: load -> resolve stamps -> evaluate -> analyse -> result.

Called by the CLI, the gate and the tests; each step's output is a file a user can stop at.
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.assets import asset_dir
from scanner.collect.declared import load_declared, stamp_declared
from scanner.config import Config, load_config
from scanner.engine import Control, Policies, load_policies, make_engine
from scanner.engine.projection import Projection
from scanner.recovery import SPOF_CONTROL, TARGET_CONTROL, analyse, load_capabilities, recovery_findings
from scanner.results import SCHEMA, apply_waivers, findings_for_stamp, sort_findings, stamp_summary
from scanner.snapshot import Snapshot, load_snapshot
from scanner.stamps import ResolvedStamp, norm_region, resolve_stamps


@dataclass
class ScanInputs:
    config: Config
    snapshot: Snapshot
    policies: Policies
    declared: dict[str, Any] | None = None  # from the files drready.yaml names; else the snapshot's


def demo_paths() -> tuple[Path, Path]:
    demo = asset_dir("demo")
    return demo / "drready.yaml", demo / "snapshot.json"


def load_inputs(
    config_path: str | Path, snapshot: str | Path | Snapshot, policies_dir: str | Path | None
) -> ScanInputs:
    config = load_config(config_path)
    snapshot = snapshot if isinstance(snapshot, Snapshot) else load_snapshot(snapshot)
    policies = load_policies(Path(policies_dir) if policies_dir else asset_dir("policies"))
    check_waivers(config, snapshot, policies)
    return ScanInputs(config, snapshot, policies, load_declared(config))


RECOVERY_CONTROLS = {SPOF_CONTROL["id"], TARGET_CONTROL["id"]}


def check_waivers(config: Config, snapshot: Snapshot, policies: Policies) -> None:
    """A waiver naming an unknown control or resource is an error, not a silent no-op."""
    known_ids = {str(r["id"]).lower() for r in snapshot.resources}
    for i, waiver in enumerate(config.waivers):
        if policies.control(waiver.control) is None and waiver.control not in RECOVERY_CONTROLS:
            raise config.error(("waivers", i, "control"), f"no control {waiver.control} in the policies")
        resource = (waiver.resource or "").lower()
        if resource and resource not in known_ids and not resource.startswith("stamp/"):
            raise config.error(("waivers", i, "resource"), "no such resource in the snapshot")


def policy_input(stamp: ResolvedStamp, inputs: ScanInputs, today: date) -> dict[str, Any]:
    """The per-stamp input in the form given to the engines."""
    return engine_input(stamp_input(stamp, inputs, today), inputs.policies.projection)


def stamp_input(stamp: ResolvedStamp, inputs: ScanInputs, today: date) -> dict[str, Any]:
    """The per-stamp input document of DESIGN.md's policy contract."""
    snapshot = inputs.snapshot
    ids = {str(r["id"]).lower() for r in stamp.resources}
    declared = inputs.declared if inputs.declared is not None else snapshot.declared
    s = stamp.stamp
    return {
        "stamp": {
            "name": stamp.name,
            "kind": stamp.stamp.kind,
            "tier": stamp.stamp.tier,
            "primary_region": stamp.primary_region,
            "secondary_region": stamp.secondary_region,
            "targets": {"rpo_minutes": stamp.stamp.targets.rpo, "rto_minutes": stamp.stamp.targets.rto},
        },
        "resources": stamp.resources,
        "children": {k.lower(): v for k, v in snapshot.children.items() if k.lower() in ids},
        "pairs": stamp.pairs,
        "authorization": stamp_role_assignments(stamp, snapshot),
        "declared": stamp_declared(declared or {}, s.name, s.tier, s.drill_interval, today),
    }


def engine_input(doc: dict[str, Any], projection: Projection) -> dict[str, Any]:
    """A policy input with `resources` and `pairs` replaced by what policies/lib/drready.rego looks up:
    `by_type` (lower-case type -> resources, in snapshot order, each with its normalized region under
    `drready.region` and, for a primary, its secondary under `drready.counterpart`) and `index`
    (lower-case id -> [type, position]). Resources hold only what the policies can read
    (scanner/engine/projection.py).

    Why this shape: rego-cpp 1.5.2 costs 5-15 us per key of input and looks a computed key up by
    scanning the object, so one copy of each resource and no per-resource lookups keep a stamp's cost
    linear in its size."""
    bodies = {
        str(r["id"]).lower(): projection.resource(r) | {"drready": {"region": norm_region(r.get("location"))}}
        for r in doc.get("resources", [])
    }
    counterparts = {
        str(p["primary"]).lower(): str(p["secondary"]).lower() for p in doc.get("pairs", []) if p.get("secondary")
    }
    by_type: dict[str, list[dict[str, Any]]] = {}
    index: dict[str, list[str | int]] = {}
    for r in doc.get("resources", []):
        rid, rtype = str(r["id"]).lower(), str(r["type"]).lower()
        body = bodies[rid]
        if counterparts.get(rid) in bodies:
            body = body | {"drready": body["drready"] | {"counterpart": bodies[counterparts[rid]]}}
        index[rid] = [rtype, len(by_type.setdefault(rtype, []))]
        by_type[rtype].append(body)
    rest = {k: v for k, v in doc.items() if k not in ("resources", "pairs")}
    return rest | {"by_type": by_type, "index": index}


def stamp_role_assignments(stamp: ResolvedStamp, snapshot: Snapshot) -> list[dict[str, Any]]:
    """The role assignments held by the stamp's user-assigned identities (DR-IAM-01)."""
    principals = {
        (r.get("properties") or {}).get("principalId")
        for r in stamp.resources
        if str(r["type"]).lower() == "microsoft.managedidentity/userassignedidentities"
    }
    principals.discard(None)
    return [a for a in snapshot.authorization if (a.get("properties") or {}).get("principalId") in principals]


def default_jobs() -> int:
    """The CPUs this process may use (a container's share, not the host's), at most 8."""
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def evaluate(
    inputs: ScanInputs,
    engine_name: str = "embedded",
    now: datetime | None = None,
    jobs: int | None = None,
    progress: Callable[[str], None] | None = None,
    **engine_options: Any,
) -> dict[str, Any]:
    """Evaluate every stamp and build the drready.result/v1 document. Stamps are independent, so `jobs`
    of them are evaluated at once (the engines release the GIL while they work); the result does not
    depend on it. `progress` hears "evaluate: done/total stamps" as stamps finish."""
    now = now or generated_now()
    engine = make_engine(engine_name, inputs.policies, **engine_options)
    stamps = resolve_stamps(inputs.config, inputs.snapshot)
    caps = load_capabilities(inputs.policies.root, inputs.config)
    jobs = jobs or default_jobs()
    # Fewer stamps than workers (one very large stamp, say): each stamp's controls are shared out too.
    split = max(1, jobs // max(1, len(stamps)))

    # A second pool for those shares, kept for the whole run: its threads' engines are built once.
    share = ThreadPoolExecutor(max_workers=jobs)

    def run(controls: list[Control], doc: dict[str, Any]) -> dict[str, list[Any]]:
        if split == 1 or len(controls) < 2:
            return engine.evaluate(controls, doc)
        parts = share.map(lambda part: engine.evaluate(part, doc), [controls[i::split] for i in range(split)])
        return {cid: results for part in parts for cid, results in part.items()}

    finished = itertools.count(1)
    counting = threading.Lock()

    def assess(stamp: ResolvedStamp) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        controls = [c for c in inputs.policies.controls if c.applies_to_kind(stamp.stamp.kind)]
        doc = policy_input(stamp, inputs, now.date())
        stamp_findings = findings_for_stamp(stamp, controls, run(controls, doc), inputs.snapshot.errors)
        recovery = analyse(doc["stamp"], stamp.resources, stamp_findings, doc["declared"], caps)
        if progress:
            with counting:
                progress(f"evaluate: {next(finished)}/{len(stamps)} stamps")
        return stamp_findings + recovery_findings(doc["stamp"], recovery, stamp_findings), recovery

    with share, ThreadPoolExecutor(max_workers=jobs) as pool:
        assessed = dict(zip((s.name for s in stamps), pool.map(assess, stamps), strict=True))
    per_stamp = {name: stamp_findings for name, (stamp_findings, _) in assessed.items()}
    recovery = {name: rec for name, (_, rec) in assessed.items()}
    findings = [f for stamp_findings in per_stamp.values() for f in stamp_findings]
    waivers = apply_waivers(findings, inputs.config.waivers, now.date())
    return {
        "schema": SCHEMA,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "drready_version": __version__,
        "engine": engine_name,
        "config": str(inputs.config.path),
        "snapshot": {
            "path": inputs.snapshot.path,
            "collected_at": inputs.snapshot.collected_at,
            "resources": len(inputs.snapshot.resources),
        },
        "controls": [_control_json(c) for c in inputs.policies.controls] + [SPOF_CONTROL, TARGET_CONTROL],
        "stamps": [
            stamp_summary(s, per_stamp[s.name], recovery[s.name]) | {"line": inputs.config.stamp_line(s.name)}
            for s in stamps
        ],
        "findings": sort_findings(findings),
        "waivers": waivers,
        "errors": inputs.snapshot.errors,
    }


def _control_json(c: Control) -> dict[str, Any]:
    return {
        "id": c.id,
        "title": c.title,
        "description": c.description,
        "severity": c.severity,
        "stamps": list(c.stamps),
        "resource_types": list(c.resource_types),
        "scope": c.scope,
        "mechanism": c.mechanism,
        "related_resources": list(c.related_resources),
        "file": c.file,
    }


def generated_now() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that reproducible runs give byte-identical output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)
