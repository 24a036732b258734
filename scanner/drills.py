"""Observed drill evidence: Azure Chaos Studio experiment executions read through ARM, matched to a
stamp's resources and merged with the declared drill records (observed outranks declared).

An experiment belongs to a stamp when one of its List selectors targets a resource of the stamp
(a target id is `<resource id>/providers/Microsoft.Chaos/targets/<target type>`). What it rehearsed:
- the tags drready writes in `drready drill plan` (drready-scenario, drready-mode) when present;
- otherwise a region failover when it injects an outage fault (OUTAGE_FAULTS) into a primary-region
  resource of the stamp; anything else (CPU pressure, latency) is not a failover drill.
Each execution counts on the day it started: `success` is a drill carried out; `failed` or
`cancelled` on the day a drill is declared contradicts that record; a run still going counts for
nothing yet. Chaos Studio measures no RTO or RPO, so an observed drill alone proves the rehearsal, not
the figures; a declared record of the same day supplies them.

Sources: experiment and execution shapes, tests/published/chaos (Microsoft.Chaos 2025-01-01 examples);
fault URNs, Microsoft's Chaos Studio fault and action library
(https://learn.microsoft.com/azure/chaos-studio/chaos-studio-fault-library).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from scanner.regions import norm_region

EXPERIMENT_TYPE = "microsoft.chaos/experiments"
EXECUTIONS = "executions"  # the child read DR-OPS-01 declares (GET {experiment}/executions)
SCENARIO_TAG, MODE_TAG = "drready-scenario", "drready-mode"
SCENARIOS = ("region-failover", "degraded-mode", "zone-down")
_TARGET = re.compile(r"^(?P<resource>.+)/providers/microsoft\.chaos/targets/[^/]+$", re.IGNORECASE)
_URN = re.compile(r"^urn:csci:microsoft:(?P<fault>[a-z0-9]+:[a-z0-9]+)/", re.IGNORECASE)

# Faults that take the resource they target out of service (the fault library's "service disruption"
# and failover faults). Lower case "provider:fault".
OUTAGE_FAULTS = frozenset(
    {
        "cosmosdb:failover",
        "appservice:stop",
        "virtualmachine:shutdown",
        "virtualmachinescaleset:shutdown",
        "keyvault:denyaccess",
        "networksecuritygroup:securityrule",
    }
)
FAILED = frozenset({"failed", "cancelled", "canceled"})


def observed_drills(
    experiments: list[dict[str, Any]],
    children: dict[str, dict[str, list[Any]]],
    stamp_resources: list[dict[str, Any]],
    primary_region: str,
    today: date,
) -> dict[str, Any]:
    """The executions of the experiments that target this stamp, newest first, and the experiments
    whose executions were not read (their runs are unknown)."""
    regions = {str(r["id"]).lower(): norm_region(r.get("location")) for r in stamp_resources}
    lowered = {k.lower(): v for k, v in children.items()}
    runs: list[dict[str, Any]] = []
    unread: list[str] = []
    for experiment in experiments:
        targeted = [t for t in targets(experiment) if t in regions]
        if not targeted:
            continue
        scenario, mode = _rehearses(experiment, [t for t in targeted if regions[t] == primary_region])
        if scenario is None:
            continue
        executions = _props(lowered.get(str(experiment.get("id")).lower()), None).get(EXECUTIONS)
        dated = [_day(e) for e in executions] if isinstance(executions, list) else [None]
        if None in dated:  # not read, or a run drready cannot date: what the runs say is unknown
            unread.append(str(experiment.get("name")))
            continue
        runs.extend(_run(experiment, e, day, scenario, mode, today) for e, day in zip(executions, dated, strict=True))
    runs.sort(key=lambda r: (r["date"], r["experiment"]), reverse=True)
    return {"runs": runs, "unread": sorted(unread)}


def targets(experiment: dict[str, Any]) -> list[str]:
    """The lower-case resource ids an experiment's List selectors target (Query selectors name none)."""
    out = []
    for selector in _list(_props(experiment).get("selectors")):
        for target in _list(selector.get("targets") if isinstance(selector, dict) else None):
            match = _TARGET.match(str(target.get("id", ""))) if isinstance(target, dict) else None
            if match:
                out.append(match["resource"].lower())
    return out


def faults(experiment: dict[str, Any]) -> list[str]:
    """The lower-case "provider:fault" of every action in the experiment's steps."""
    out = []
    for step in _list(_props(experiment).get("steps")):
        for branch in _list(step.get("branches") if isinstance(step, dict) else None):
            for action in _list(branch.get("actions") if isinstance(branch, dict) else None):
                match = _URN.match(str(action.get("name", ""))) if isinstance(action, dict) else None
                if match:
                    out.append(match["fault"].lower())
    return out


def _rehearses(experiment: dict[str, Any], primary_targets: list[str]) -> tuple[str | None, str | None]:
    tags = {str(k).lower(): v for k, v in _props(experiment, "tags").items()}
    scenario, mode = tags.get(SCENARIO_TAG), tags.get(MODE_TAG)
    if scenario in SCENARIOS:
        return scenario, mode if scenario == "degraded-mode" and isinstance(mode, str) else None
    if primary_targets and OUTAGE_FAULTS & set(faults(experiment)):
        return "region-failover", None
    return None, None


def _day(execution: Any) -> date | None:
    """The day a run started (ARM's startedAt, ISO 8601), or None when it has none drready can read."""
    started = _props(execution).get("startedAt")
    try:
        return date.fromisoformat(started[:10]) if isinstance(started, str) else None
    except ValueError:
        return None


def _run(
    experiment: dict[str, Any], execution: dict[str, Any], day: date, scenario: str, mode: str | None, today: date
) -> dict[str, Any]:
    return {
        "experiment": str(experiment.get("name")),
        "scenario": scenario,
        "mode": mode,
        "date": day.isoformat(),
        "age_days": (today - day).days,
        "status": str(_props(execution).get("status") or "").lower(),
    }


def merged(records: list[dict[str, Any]], runs: list[dict[str, Any]], scenario: str) -> list[dict[str, Any]]:
    """Declared records of one scenario with the observed runs of the same scenario, newest first.
    A record gets `observed_by` (a successful run that day) or `contradicted_by` (only failed or
    cancelled runs that day); a successful run with no record that day is added with measured null."""
    runs = [r for r in runs if r["scenario"] == scenario]
    out = []
    for record in records:
        same_day = [r for r in runs if r["date"] == record["date"] and _same_mode(r, record)]
        ok = [r for r in same_day if r["status"] == "success"]
        bad = [r for r in same_day if r["status"] in FAILED]
        entry = record | {"source": "declared"}
        if ok:
            entry |= {"source": "declared and observed", "observed_by": ok[0]["experiment"]}
        elif bad:
            run = bad[0]
            entry |= {
                "contradicted_by": f"Chaos Studio's run of experiment {run['experiment']} that day {run['status']}"
            }
        out.append(entry)
    for run in runs:
        if run["status"] == "success" and not any(d["date"] == run["date"] and _same_mode(run, d) for d in out):
            out.append(
                {
                    "date": run["date"],
                    "age_days": run["age_days"],
                    "scenario": scenario,
                    "mode": run["mode"],
                    "measured": None,
                    "source": "observed",
                    "observed_by": run["experiment"],
                }
            )
    return sorted(out, key=lambda d: d["date"], reverse=True)


def _same_mode(run: dict[str, Any], record: dict[str, Any]) -> bool:
    return run["mode"] is None or record.get("mode") is None or run["mode"] == record.get("mode")


def with_observed(declared: dict[str, Any], observed: dict[str, Any]) -> dict[str, Any]:
    """A stamp's declared evidence with the observed runs merged into its drill lists."""
    return declared | {
        "drills": merged(declared["drills"], observed["runs"], "region-failover"),
        "degraded_mode_drills": merged(declared["degraded_mode_drills"], observed["runs"], "degraded-mode"),
        "experiments_unread": observed["unread"],
    }


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _props(value: Any, key: str | None = "properties") -> dict[str, Any]:
    """value[key] (value itself when key is None) when it is an object, else {}: ARM bodies from a
    snapshot file may be any shape, and a shape drready cannot read is no evidence."""
    inner = value.get(key) if key and isinstance(value, dict) else value
    return inner if isinstance(inner, dict) else {}


# --- drready drill plan: Chaos Studio experiment definitions for a stamp's critical path -------------

# Chaos Studio's service-direct faults that take a resource of each type out of service (fault library):
# (target type, fault URN, action type, parameters). A type missing here has no such fault.
_DURATION = "PT10M"
FAULTS: dict[str, tuple[str, str, str]] = {
    "microsoft.documentdb/databaseaccounts": (
        "Microsoft-CosmosDB",
        "urn:csci:microsoft:cosmosDB:failover/1.0",
        "continuous",
    ),
    "microsoft.web/sites": ("Microsoft-AppService", "urn:csci:microsoft:appService:stop/1.0", "continuous"),
    "microsoft.keyvault/vaults": ("Microsoft-KeyVault", "urn:csci:microsoft:keyVault:denyAccess/1.0", "continuous"),
    "microsoft.compute/virtualmachines": (
        "Microsoft-VirtualMachine",
        "urn:csci:microsoft:virtualMachine:shutdown/1.0",
        "continuous",
    ),
    "microsoft.compute/virtualmachinescalesets": (
        "Microsoft-VirtualMachineScaleSet",
        "urn:csci:microsoft:virtualMachineScaleSet:shutdown/2.0",
        "continuous",
    ),
}
_AKS = "microsoft.containerservice/managedclusters"
_AKS_POD_CHAOS = "urn:csci:microsoft:azureKubernetesServiceChaosMesh:podChaos/2.1"


def drill_plan(
    stamp: dict[str, Any], resources: list[dict[str, Any]], facts: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Experiment bodies (the PUT body of Microsoft.Chaos/experiments, by file name) for one stamp of a
    result, and a line for each critical-path resource Chaos Studio has no fault for.

    - region-failover: every resource of the RTO critical path in the primary region that a fault can
      take out, all in one step (parallel branches), as losing the region takes them out together;
    - zone-down: the AKS clusters in the primary region, pods on nodes of zone 1 failed (Chaos Mesh),
      when the region has zones.
    `facts` are the stamp's region facts (scanner/regions.py: display name, zones). Each is tagged with
    the stamp and scenario, so its runs count as observed drills of that stamp."""
    primary, secondary = stamp["primary_region"], stamp["secondary_region"]
    display = {name: f.get("display") or name for name, f in facts.items()}
    # A step names its resources; a step merged from several controls keeps the names only.
    path = stamp["recovery"]["estimate"]["rto_path"]
    ids = {i.lower() for st in path for i in st.get("resource_ids", [])}
    names = {n for st in path for n in st.get("resources", [])}
    chosen = [
        r
        for r in resources
        if (str(r["id"]).lower() in ids or r.get("name") in names) and norm_region(r.get("location")) == primary
    ]
    faulted = [r for r in chosen if _faultable(r, secondary)]
    skipped = [f"{r['name']} ({r['type']}): {_why_not(r)}" for r in chosen if r not in faulted]
    plans: dict[str, dict[str, Any]] = {}
    if faulted:
        plans[f"{stamp['name']}-region-failover.json"] = _experiment(
            stamp, "region-failover", f"Lose {display.get(primary, primary)}", faulted, display
        )
    clusters = [r for r in resources if str(r["type"]).lower() == _AKS and norm_region(r.get("location")) == primary]
    if clusters and (facts.get(primary) or {}).get("zones"):
        plans[f"{stamp['name']}-zone-down.json"] = _experiment(
            stamp, "zone-down", f"Lose zone 1 of {display.get(primary, primary)}", clusters, display
        )
    return plans, skipped


def _experiment(
    stamp: dict[str, Any],
    scenario: str,
    step: str,
    targets_: list[dict[str, Any]],
    display: dict[str, str],
) -> dict[str, Any]:
    selectors, branches = [], []
    for i, r in enumerate(targets_, start=1):
        selector = f"selector{i}"
        kind = str(r["type"]).lower()
        target_type = "Microsoft-AzureKubernetesServiceChaosMesh" if kind == _AKS else FAULTS[kind][0]
        selectors.append(
            {
                "type": "List",
                "id": selector,
                "targets": [
                    {"type": "ChaosTarget", "id": f"{r['id']}/providers/Microsoft.Chaos/targets/{target_type}"}
                ],
            }
        )
        zone = f"{stamp['primary_region']}-1" if scenario == "zone-down" else None
        branches.append({"name": f"{r['name']}", "actions": [_action(r, selector, stamp, display, zone)]})
    return {
        "location": stamp["primary_region"],
        "identity": {"type": "SystemAssigned"},
        "tags": {"drready-stamp": stamp["name"], SCENARIO_TAG: scenario},
        "properties": {"selectors": selectors, "steps": [{"name": step, "branches": branches}]},
    }


def _faultable(r: dict[str, Any], secondary: str | None) -> bool:
    kind = str(r["type"]).lower()
    return kind == _AKS or (kind in FAULTS and (kind != "microsoft.documentdb/databaseaccounts" or bool(secondary)))


def _why_not(r: dict[str, Any]) -> str:
    if str(r["type"]).lower() in FAULTS:
        return "the stamp has no secondary region to fail over to"
    return "Chaos Studio has no fault that takes this type out; rehearse its failover by hand"


def _action(
    r: dict[str, Any], selector: str, stamp: dict[str, Any], display: dict[str, str], zone: str | None
) -> dict[str, Any]:
    kind = str(r["type"]).lower()
    if kind == _AKS:
        # Chaos Mesh PodChaos: every pod of the namespace fails (on one zone's nodes for zone-down);
        # the README says to name the workload's namespaces.
        chosen: dict[str, Any] = {"namespaces": ["default"]}
        if zone:
            chosen["nodeSelectors"] = {"topology.kubernetes.io/zone": zone}
        spec = {"action": "pod-failure", "mode": "all", "duration": "600s", "selector": chosen}
        urn, parameters = _AKS_POD_CHAOS, [{"key": "jsonSpec", "value": json.dumps(spec, separators=(",", ":"))}]
    else:
        urn = FAULTS[kind][1]
        parameters = {
            "microsoft.documentdb/databaseaccounts": [
                {"key": "readRegion", "value": display.get(stamp["secondary_region"], stamp["secondary_region"])}
            ],
            "microsoft.compute/virtualmachines": [{"key": "abruptShutdown", "value": "true"}],
            "microsoft.compute/virtualmachinescalesets": [{"key": "abruptShutdown", "value": "true"}],
        }.get(kind, [])
    return {"type": "continuous", "name": urn, "duration": _DURATION, "parameters": parameters, "selectorId": selector}


_WHAT = {
    "region-failover": "takes out, together, every resource of the critical path in the primary region that a "
    "Chaos Studio fault can take out (AKS: every pod of the namespace fails): the stamp must fail over to its "
    "secondary",
    "zone-down": "fails the pods on nodes of zone 1 of each AKS cluster in the primary region (Chaos Mesh "
    "PodChaos): the cluster must keep serving from the other zones",
}


def drill_plan_readme(stamp: str, plans: dict[str, dict[str, Any]], skipped: list[str]) -> str:
    """What each experiment file rehearses, how to run it, and what Chaos Studio cannot rehearse."""
    lines = [
        f"# Chaos Studio drills for stamp {stamp}",
        "",
        "Written by `drready drill plan`; drready never creates or starts an experiment. Each file is the",
        "body of `PUT .../providers/Microsoft.Chaos/experiments/{name}?api-version=2025-01-01`. Before a run:",
        "enable each target and its capability in Chaos Studio, and give the experiment's managed identity",
        "the role Microsoft suggests for each target type (chaos-studio-fault-providers). The tags",
        "`drready-stamp` and `drready-scenario` make each run an observed drill of the stamp (DR-OPS-01).",
        "Record the measured RTO and RPO of a run in the drills file: Chaos Studio does not measure them.",
        "The AKS faults (Chaos Mesh, which must be installed in the cluster) select the namespace `default`:",
        "name your workload's namespaces in each jsonSpec before the first run.",
        "",
    ]
    for name, body in plans.items():
        scenario = body["tags"][SCENARIO_TAG]
        lines.append(f"- `{name}` ({scenario}): {_WHAT[scenario]}.")
        for branch in body["properties"]["steps"][0]["branches"]:
            lines.append(f"  - {branch['name']}: `{branch['actions'][0]['name']}`")
    if not plans:
        lines.append("- No experiment: no resource of the critical path has a Chaos Studio fault.")
    if skipped:
        lines += ["", "Not covered by any experiment:", ""] + [f"- {s}" for s in skipped]
    lines += [
        "",
        "Degraded modes are not planned: Chaos Studio has no fault for Azure OpenAI, AI services or API",
        "Management. Tag an experiment you write for one `drready-scenario: degraded-mode` and",
        "`drready-mode: <mode>` (DR-AI-05 counts its runs).",
    ]
    return "\n".join(lines) + "\n"
