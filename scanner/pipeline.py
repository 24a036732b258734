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
from functools import cached_property
from pathlib import Path
from typing import Any

from scanner import __version__
from scanner.assets import asset_dir
from scanner.catalogue import Control, Policies, load_policies
from scanner.collect import CollectOptions, collect_snapshot, make_credential
from scanner.collect.declared import load_declared, stamp_declared
from scanner.config import Config, load_config
from scanner.drills import EXPERIMENT_TYPE, observed_drills, unreadable, with_observed
from scanner.durations import utc_moment
from scanner.engine import make_engine
from scanner.engine.projection import Projection
from scanner.recovery import Capabilities, analyse, fix_first, load_capabilities, recovery_findings
from scanner.regions import RegionTable, norm_region
from scanner.results import SCHEMA, StampSummary, apply_waivers, findings_for_stamp, sort_findings
from scanner.snapshot import Snapshot, load_snapshot
from scanner.stamps import ResolvedStamp, resolve_stamps


@dataclass
class ScanInputs:
    """Everything an evaluation reads: the config, the snapshot (with its declared evidence) and the
    policies, whose data documents give the region table and the recovery figures to Python and Rego
    alike."""

    config: Config
    snapshot: Snapshot
    policies: Policies

    @cached_property
    def regions(self) -> RegionTable:
        return RegionTable.of(self.policies, self.snapshot.locations)

    @cached_property
    def capabilities(self) -> Capabilities:
        return load_capabilities(self.policies, self.config)

    @cached_property
    def experiments(self) -> list[dict[str, Any]]:
        """The Chaos Studio experiments in the snapshot, found once per scan (scanner/drills.py)."""
        return [r for r in self.snapshot.resources if str(r.get("type", "")).lower() == EXPERIMENT_TYPE]

    @cached_property
    def children_by_id(self) -> dict[str, Any]:
        """The snapshot's child reads by lower-case parent id."""
        return {k.lower(): v for k, v in self.snapshot.children.items()}

    @cached_property
    def projection(self) -> Projection:
        """The keys these policies can read (scanner/engine/projection.py)."""
        return Projection.of(self.policies.modules.values())


def demo_paths() -> tuple[Path, Path]:
    demo = asset_dir("demo")
    return demo / "drready.yaml", demo / "snapshot.json"


def policies_from(policies_dir: str | Path | None) -> Policies:
    return load_policies(Path(policies_dir) if policies_dir else asset_dir("policies"))


def collect(
    config: Config,
    policies: Policies,
    auth: str,
    options: CollectOptions,
    progress: Callable[[str], None],
    declared: bool = True,
) -> Snapshot:
    """The collect step: a read-only snapshot of the estate in drready.yaml's scope, with the declared
    evidence its files name, so that the snapshot alone is enough to evaluate."""
    snapshot = collect_snapshot(config, policies.collection, make_credential(auth, options.cloud), options, progress)
    if declared:
        snapshot.declared = load_declared(config)
    return snapshot


def load_inputs(
    config_path: str | Path,
    snapshot: str | Path | Snapshot,
    policies_dir: str | Path | None,
    allow_outside_config: bool = False,
) -> ScanInputs:
    config = load_config(config_path, allow_outside_config)
    snapshot = snapshot if isinstance(snapshot, Snapshot) else load_snapshot(snapshot)
    if not snapshot.declared:
        # A snapshot taken without drready collect (a file from elsewhere): its declared evidence is
        # read now, as collect would have.
        snapshot.declared = load_declared(config)
    policies = policies_from(policies_dir)
    check_waivers(config, snapshot, policies)
    return ScanInputs(config, snapshot, policies)


def check_waivers(config: Config, snapshot: Snapshot, policies: Policies) -> None:
    """A waiver naming an unknown control or resource is an error, not a silent no-op."""
    known_ids = {str(r["id"]).lower() for r in snapshot.resources}
    for i, waiver in enumerate(config.waivers):
        if policies.control(waiver.control) is None:
            raise config.error(("waivers", i, "control"), f"no control {waiver.control} in the policies")
        resource = (waiver.resource or "").lower()
        if resource and resource not in known_ids and not resource.startswith("stamp/"):
            raise config.error(("waivers", i, "resource"), "no such resource in the snapshot")


def policy_input(stamp: ResolvedStamp, inputs: ScanInputs, today: date) -> dict[str, Any]:
    """The per-stamp input in the form given to the engines."""
    return engine_input(stamp_input(stamp, inputs, today), inputs.projection)


def stamp_input(stamp: ResolvedStamp, inputs: ScanInputs, today: date) -> dict[str, Any]:
    """The per-stamp input document of DESIGN.md's policy contract."""
    snapshot = inputs.snapshot
    ids = {str(r["id"]).lower() for r in stamp.resources}
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
        # Each null when its read failed or never happened, so the controls say unknown, not "none".
        "authorization": None
        if _read_failed(snapshot, "authorizationresources")
        else stamp_role_assignments(stamp, snapshot),
        "resource_groups": stamp_resource_groups(stamp, snapshot),
        "management_groups": stamp_management_groups(stamp, snapshot),
        "policy_assignments": stamp_policy_assignments(stamp, snapshot),
        "deny_assignments": stamp_deny_assignments(stamp, snapshot),
        "recovery_point_ages": recovery_point_ages(stamp, inputs),
        "declared": with_observed(
            stamp_declared(snapshot.declared, s.name, s.tier, s.drill_interval, today),
            stamp_observed(stamp, inputs, today),
        ),
        "regions": inputs.regions.facts(
            [
                stamp.primary_region,
                stamp.secondary_region or "",
                *(norm_region(r.get("location")) for r in stamp.resources),
            ]
        ),
    }


def recovery_point_ages(stamp: ResolvedStamp, inputs: ScanInputs) -> dict[str, int | None] | None:
    """Minutes from each backup instance's newest completed recovery point to the snapshot's collection
    (rego-cpp cannot parse dates), by lower-case instance id, for the stamp's Backup vaults whose
    recovery points were read; null for an instance with none. None when the snapshot has no collection
    time. A recovery point belongs to the instance its id is under ({instance id}/recoveryPoints/...)."""
    collected = utc_moment(inputs.snapshot.collected_at)
    if collected is None:
        return None
    ages: dict[str, int | None] = {}
    for vault in stamp.resources:
        if str(vault.get("type", "")).lower() != "microsoft.dataprotection/backupvaults":
            continue
        kinds = inputs.children_by_id.get(str(vault["id"]).lower()) or {}
        points = kinds.get("recoveryPoints")
        if not isinstance(points, list):
            continue
        completed: dict[str, list[datetime]] = {}  # instance id -> its completed points' times, in one pass
        for point in points:
            at = utc_moment(_completed_at(point))
            if at is not None:
                completed.setdefault(str(_id_of(point)).lower().rsplit("/recoverypoints/", 1)[0], []).append(at)
        for instance in kinds.get("backupInstances") or []:
            bi = str(_id_of(instance) or "").lower()
            if bi:
                newest = max(completed.get(bi, []), default=None)
                ages[bi] = None if newest is None else max(0, int((collected - newest).total_seconds() // 60))
    return ages


def _id_of(item: Any) -> Any:
    return item.get("id") if isinstance(item, dict) else None


def _completed_at(point: Any) -> Any:
    props = point.get("properties") if isinstance(point, dict) else None
    if isinstance(props, dict) and props.get("recoveryPointState") == "Completed":
        return props.get("recoveryPointTime")
    return None


def stamp_observed(stamp: ResolvedStamp, inputs: ScanInputs, today: date) -> dict[str, Any]:
    """The Chaos Studio runs that rehearse the stamp (scanner/drills.py); all unknown when the
    experiments themselves could not be read."""
    if _read_failed(inputs.snapshot, "resources"):
        return unreadable("the experiments (the Resource Graph read of resources failed)")
    where = {"name": stamp.name, "primary_region": stamp.primary_region}
    return observed_drills(inputs.experiments, inputs.children_by_id, where, stamp.resources, today)


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
    # A claimed secondary says whose standby it is, so no other primary takes it for its own.
    for p in doc.get("pairs", []):
        secondary = str(p.get("secondary") or "").lower()
        if secondary in bodies:
            claim = {"claimed": True, "claimed_by": str(p.get("primary_name") or p["primary"])}
            bodies[secondary] = bodies[secondary] | {"drready": bodies[secondary]["drready"] | claim}
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
    """The role assignments held by the stamp's identities: user-assigned identity resources and the
    system-assigned identities of its resources."""
    principals = set()
    for r in stamp.resources:
        principals.add((r.get("properties") or {}).get("principalId"))
        principals.add((r.get("identity") or {}).get("principalId"))
    principals.discard(None)
    return [a for a in snapshot.authorization if (a.get("properties") or {}).get("principalId") in principals]


def _read_failed(snapshot: Snapshot, table: str) -> bool:
    """A Resource Graph table whose read failed for some part of the scope: its rows are not all there."""
    return any(e.get("source") == f"resource-graph:{table}" for e in snapshot.errors)


MANAGEMENT_GROUP_SCOPE = "/providers/microsoft.management/managementgroups/"


def _group_id(resource_id: str) -> str | None:
    """/subscriptions/{s}/resourcegroups/{g} of a resource id, in lower case."""
    parts = resource_id.lower().split("/")
    grouped = len(parts) > 4 and parts[1] == "subscriptions" and parts[3] == "resourcegroups"
    return "/".join(parts[:5]) if grouped else None


def _subscription_id(resource_id: str) -> str | None:
    parts = resource_id.lower().split("/")
    return parts[2] if len(parts) > 2 and parts[1] == "subscriptions" else None


def stamp_resource_groups(stamp: ResolvedStamp, snapshot: Snapshot) -> dict[str, Any] | None:
    """The region of each resource group holding the stamp's resources (lower-case group id -> region,
    None when Resource Graph gave none); None when resource groups were not collected. A group missing
    from the collected rows is left out, so a control reading it says it is not known."""
    if snapshot.resource_groups is None or _read_failed(snapshot, "resourcecontainers"):
        return None
    wanted = {g for g in (_group_id(str(r["id"])) for r in stamp.resources) if g}
    return {
        str(g["id"]).lower(): norm_region(g.get("location")) or None
        for g in snapshot.resource_groups
        if str(g["id"]).lower() in wanted
    }


def stamp_management_groups(stamp: ResolvedStamp, snapshot: Snapshot) -> dict[str, list[str]]:
    """Each of the stamp's subscriptions -> the scopes of the management groups above it (from the
    subscription's managementGroupAncestorsChain); a subscription whose chain is not known is left out."""
    wanted = {s for s in (_subscription_id(str(r["id"])) for r in stamp.resources) if s}
    chains = {}
    for row in snapshot.subscriptions or []:
        sub = str(row.get("subscriptionId") or _subscription_id(str(row["id"])) or "").lower()
        chain = (row.get("properties") or {}).get("managementGroupAncestorsChain")
        if sub in wanted and isinstance(chain, list):
            names = [str(m.get("name")).lower() for m in chain if isinstance(m, dict) and m.get("name")]
            chains[sub] = [MANAGEMENT_GROUP_SCOPE + n for n in names]
    return chains


def stamp_policy_assignments(stamp: ResolvedStamp, snapshot: Snapshot) -> list[dict[str, Any]] | None:
    """The policy assignments whose scope is a management group, or a subscription, resource group or
    resource above one of the stamp's resources; None when assignments were not collected."""
    if snapshot.policy_assignments is None or _read_failed(snapshot, "policyresources"):
        return None
    above = _scopes_above(stamp)
    scope = lambda a: str((a.get("properties") or {}).get("scope") or "").lower()  # noqa: E731
    return [a for a in snapshot.policy_assignments if scope(a) in above or MANAGEMENT_GROUP_SCOPE in scope(a)]


def stamp_deny_assignments(stamp: ResolvedStamp, snapshot: Snapshot) -> dict[str, list[dict[str, Any]]] | None:
    """The deny assignments of each of the stamp's subscriptions whose read succeeded (those at, above and
    below it); a subscription not read is left out, so DR-POL-03 is unknown there; None when not collected."""
    if snapshot.deny_assignments is None:
        return None
    failed = {
        str(e.get("scope") or "").lower().rsplit("/", 1)[-1]
        for e in snapshot.errors
        if e.get("source") == "arm:denyAssignments"
    }
    wanted = {s for s in (_subscription_id(str(r["id"])) for r in stamp.resources) if s} - failed
    # Only those that can cover one of the stamp's resources: a subscription holds one deny assignment per
    # deployment stack, and each stamp checking all of them made evaluation grow with the estate.
    above = _scopes_above(stamp)
    scope = lambda d: str((d.get("properties") or {}).get("scope") or "").lower()  # noqa: E731
    return {
        sub: [d for d in items if scope(d) in above or not scope(d).startswith("/subscriptions/")]
        for sub, items in snapshot.deny_assignments.items()
        if sub in wanted
    }


def _scopes_above(stamp: ResolvedStamp) -> set[str]:
    """The lower-case scopes at or above the stamp's resources: each resource and every id it sits under
    (a parent resource, its group, its subscription), whether or not the stamp holds that parent."""
    above: set[str] = set()
    for r in stamp.resources:
        parts = str(r["id"]).lower().rstrip("/").split("/")
        above |= {"/".join(parts[:n]) for n in range(3, len(parts) + 1)}
    return above


def default_jobs() -> int:
    """The CPUs this process may use (a container's share, not the host's), at most 8."""
    return max(1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def evaluate(
    inputs: ScanInputs,
    engine_name: str = "auto",
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
    stamps = resolve_stamps(inputs.config, inputs.snapshot, inputs.regions)
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

    def assess(stamp: ResolvedStamp) -> StampSummary:
        controls = [c for c in inputs.policies.controls if c.applies_to_kind(stamp.stamp.kind)]
        in_rego = [c for c in controls if c.in_rego]
        doc = policy_input(stamp, inputs, now.date())
        found = findings_for_stamp(stamp, in_rego, run(in_rego, doc), inputs.snapshot.errors)
        args = (doc["stamp"], stamp.resources, found, doc["declared"], inputs.capabilities, controls)
        recovery = analyse(*args) | fix_first(*args)
        found += recovery_findings(doc["stamp"], recovery, found, inputs.policies, stamp.resources)
        if progress:
            with counting:
                progress(f"evaluate: {next(finished)}/{len(stamps)} stamps")
        return StampSummary(stamp, found, recovery, inputs.config.stamp_line(stamp.name))

    with share, ThreadPoolExecutor(max_workers=jobs) as pool:
        summaries = list(pool.map(assess, stamps))
    findings = [f for summary in summaries for f in summary.findings]
    waivers = apply_waivers(findings, inputs.config.waivers, now.date())
    waived = {(f.stamp, f.control, f.resource) for f in findings if f.waiver is not None}
    for summary in summaries:  # a waived gap is no fix to make
        fixes = summary.recovery["fixes"]
        summary.recovery["fixes"] = [
            e for e in fixes if (summary.stamp.name, e["control"], e["resource"]) not in waived
        ]
    return {
        "schema": SCHEMA,
        "generated_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "drready_version": __version__,
        "engine": engine.name,
        "config": str(inputs.config.path),
        "snapshot": {
            "path": inputs.snapshot.path,
            "collected_at": inputs.snapshot.collected_at,
            "resources": len(inputs.snapshot.resources),
        },
        "controls": [c.to_json() for c in inputs.policies.controls],
        "stamps": [summary.to_json() for summary in summaries],
        "findings": [f.to_json() for f in sort_findings(findings)],
        "waivers": waivers,
        "errors": inputs.snapshot.errors,
    }


def generated_now() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that reproducible runs give byte-identical output."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).replace(microsecond=0)
