"""The pre-change gate: overlay a planned change on the baseline snapshot, evaluate both, and fail
only on what the change makes worse (a finding that passed and now fails, a new gap on a created
resource, a new single point of failure, a worse achievable RPO/RTO or a target newly missed).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from scanner.pipeline import ScanInputs, evaluate
from scanner.plans import Change, Plan
from scanner.recovery import UNBOUNDED, UNKNOWN
from scanner.results import diff_results
from scanner.snapshot import Snapshot, check_resource

SCHEMA = "drready.gate/v1"


def deep_merge(base: Any, patch: Any) -> Any:
    """Patch a baseline ARM body with a (partial) planned one: objects merge, everything else replaces."""
    if isinstance(base, dict) and isinstance(patch, dict):
        return {**base, **{k: deep_merge(base.get(k), v) for k, v in patch.items()}}
    return copy.deepcopy(patch)


def overlay(snapshot: Snapshot, plan: Plan) -> tuple[Snapshot, list[dict[str, Any]]]:
    """The planned estate, and what each change did to it."""
    resources = {str(r["id"]).lower(): r for r in snapshot.resources}
    baseline_ids = set(resources)
    children = copy.deepcopy(snapshot.children)
    applied = []
    for change in plan.changes:
        key = change.resource_id.lower()
        if change.resource_type.endswith("/integrationruntimes/nodes"):
            applied.append(_remove_node(children, change) | {"address": change.address})
            continue
        if change.action == "delete":
            found = resources.pop(key, None)
            children = {k: v for k, v in children.items() if k.lower() != key}
            applied.append(
                {"action": "delete", "id": change.resource_id, "address": change.address, "known": found is not None}
            )
            continue
        body = dict(change.after or {})
        if change.merge and key in resources:
            body = deep_merge(resources[key], body)
        check_resource(body, plan.path, change.address)
        resources[key] = body
        for kind, items in change.children.items():
            children.setdefault(change.resource_id, {})[kind] = items
        applied.append(
            {
                "action": change.action,
                "id": change.resource_id,
                "address": change.address,
                "known": key in baseline_ids,
            }
        )
    planned = replace(
        snapshot, resources=list(resources.values()), children=children, path=f"{snapshot.path} + {plan.path}"
    )
    return planned, applied


def _remove_node(children: dict[str, Any], change: Change) -> dict[str, Any]:
    """A what-if delete of .../integrationRuntimes/<ir>/nodes/<node>: the runtime loses that node."""
    parts = change.resource_id.split("/")
    node, runtime = parts[-1], parts[-3]
    factory = "/".join(parts[:-4]).lower()
    for parent, kinds in children.items():
        if parent.lower() != factory:
            continue
        for status in kinds.get("integrationRuntimes", []):
            if str(status.get("name", "")).lower() == runtime.lower():
                props = status.get("properties", {}).get("typeProperties", {})
                props["nodes"] = [n for n in props.get("nodes", []) if n.get("nodeName") != node]
                return {"action": "delete", "id": change.resource_id, "known": True}
    return {"action": "delete", "id": change.resource_id, "known": False}


def _rank(value: Any) -> tuple[int, float]:
    if value == UNBOUNDED:
        return (2, 0)
    if value == UNKNOWN or value is None:
        return (1, 0)
    return (0, float(value))


@dataclass
class GateOutcome:
    report: dict[str, Any]
    baseline: dict[str, Any]
    planned: dict[str, Any]

    @property
    def failed(self) -> bool:
        return bool(self.report["regressions"] or self.report["recovery_regressions"])


def run_gate(inputs: ScanInputs, plans: list[Plan], engine: str = "auto", **options: Any) -> GateOutcome:
    """Evaluate the baseline, then the baseline with every plan overlaid, with the same engine and clock."""
    baseline = evaluate(inputs, engine, **options)
    snapshot, applied = inputs.snapshot, []
    for plan in plans:
        snapshot, done = overlay(snapshot, plan)
        applied += done
    planned_inputs = ScanInputs(inputs.config, snapshot, inputs.policies)
    planned = evaluate(planned_inputs, engine, now=_generated(baseline), **options)
    changes = diff_results(baseline, planned)
    recovery = []
    for s in changes["stamps"]:
        for name in ("rto_minutes", "rpo_minutes"):
            before, after = s[name]
            if _rank(after) > _rank(before):
                recovery.append(
                    {"stamp": s["name"], "figure": name.split("_")[0].upper(), "before": before, "after": after}
                )
    report = {
        "schema": SCHEMA,
        "baseline": inputs.snapshot.path,
        "plans": [p.path for p in plans],
        "applied": applied,
        "unmapped": [u for p in plans for u in p.unmapped],
        "regressions": changes["new_gaps"],
        "recovery_regressions": recovery,
        "improvements": changes["resolved"],
        "stamps": changes["stamps"],
        "remaining_gaps": sum(1 for f in planned["findings"] if f["status"] == "fail" and not f["waiver"]),
    }
    return GateOutcome(report, baseline, planned)


def _generated(result: dict[str, Any]) -> datetime:
    return datetime.strptime(result["generated_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
