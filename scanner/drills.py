"""Observed drill evidence: Azure Chaos Studio experiment runs read through ARM, matched to a stamp
and merged with the declared drill records (observed outranks declared).

An experiment belongs to a stamp when it is tagged drready-stamp with the stamp's name (as `drready drill
plan` writes them) or, untagged, when one of its List selectors targets a resource of the stamp (a target
id is `<resource id>/providers/Microsoft.Chaos/targets/<target type>`; Query selectors name no resource
and are not attributed). What it rehearses:
- its drready-scenario tag (region-failover, or degraded-mode with the drready-mode tag), when it injects
  at least one fault (a delay alone rehearses nothing);
- untagged, a region failover when one of its actions injects an outage fault (OUTAGE_FAULTS) through a
  selector that targets a primary-region resource of the stamp; anything else (CPU pressure, latency, a
  network rule, a Key Vault deny) is not counted as a failover drill.
A run counts on the UTC day it started. `success` is a rehearsal carried out; `failed` or `cancelled` is
one that did not complete: on the day of a declared drill (one day either side, as a declared date is a
local date) it contradicts that record, and on a day with no record it is a failed rehearsal. A run not
started or still going counts for nothing yet. Chaos Studio measures no RTO or RPO, so an observed drill
alone proves the rehearsal, not the figures; a declared record of the same day supplies them.

Sources: experiment and execution shapes, tests/published/chaos (Microsoft.Chaos 2025-01-01 examples);
fault URNs, Microsoft's Chaos Studio fault and action library
(https://learn.microsoft.com/azure/chaos-studio/chaos-studio-fault-library).
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from scanner.durations import utc_moment
from scanner.regions import norm_region

EXPERIMENT_TYPE = "microsoft.chaos/experiments"
EXECUTIONS = "executions"  # the child read DR-OPS-01 declares (GET {experiment}/executions)
STAMP_TAG, SCENARIO_TAG, MODE_TAG = "drready-stamp", "drready-scenario", "drready-mode"
JUDGED = ("region-failover", "degraded-mode")  # the scenarios a control judges (DR-OPS-01, DR-AI-05)
_TARGET = re.compile(r"^(?P<resource>.+)/providers/microsoft\.chaos/targets/[^/]+$", re.IGNORECASE)
_URN = re.compile(r"^urn:csci:microsoft:(?P<fault>[a-z0-9]+:[a-z0-9]+)/", re.IGNORECASE)
_DELAY = "chaosstudio:timeddelay"

# Faults that take the resource they target out of service, as losing its region would (the fault
# library's failover and shutdown faults). Lower case "provider:fault".
OUTAGE_FAULTS = frozenset(
    {"cosmosdb:failover", "appservice:stop", "virtualmachine:shutdown", "virtualmachinescaleset:shutdown"}
)
FAILED = frozenset({"failed", "cancelled", "canceled"})
_TERMINAL = FAILED | {"success"}


def observed_drills(
    experiments: list[dict[str, Any]],
    children: dict[str, Any],
    stamp: dict[str, Any],
    stamp_resources: list[dict[str, Any]],
    today: date,
) -> dict[str, Any]:
    """The runs of the experiments that rehearse this stamp's scenarios, newest first, and per scenario
    the experiments whose runs were not read (what they say is unknown). `children` is keyed by lower-case
    parent id; `stamp` has name and primary_region."""
    if not experiments:  # most estates: nothing to match, so no per-stamp index either
        return {"runs": [], "unread": {s: [] for s in JUDGED}}
    regions = {str(r["id"]).lower(): norm_region(r.get("location")) for r in stamp_resources}
    runs: list[dict[str, Any]] = []
    unread: dict[str, list[str]] = {s: [] for s in JUDGED}
    for experiment in experiments:
        scenario, mode = rehearses(experiment, stamp["name"], regions, stamp["primary_region"])
        if scenario is None:
            continue
        read = _runs(experiment, children, scenario, mode, today)
        if read is None:
            unread[scenario].append(str(experiment.get("name")))
        else:
            runs.extend(read)
    runs.sort(key=lambda r: (r["date"], r["experiment"]), reverse=True)
    return {"runs": runs, "unread": {k: sorted(v) for k, v in unread.items()}}


def unreadable(what: str) -> dict[str, Any]:
    """The observed evidence when the experiments themselves could not be read."""
    return {"runs": [], "unread": {s: [what] for s in JUDGED}}


def rehearses(
    experiment: dict[str, Any], stamp_name: str, regions: dict[str, str], primary: str
) -> tuple[str | None, str | None]:
    """(scenario, mode) the experiment rehearses for this stamp, or (None, None)."""
    tags = {str(k).lower(): v for k, v in _props(experiment, "tags").items()}
    tagged_stamp, scenario, mode = tags.get(STAMP_TAG), tags.get(SCENARIO_TAG), tags.get(MODE_TAG)
    actions = fault_targets(experiment)
    ours = tagged_stamp == stamp_name or (
        tagged_stamp is None and any(t in regions for _, targets_ in actions for t in targets_)
    )
    if not ours:
        return None, None
    if scenario in JUDGED:
        has_fault = any(fault != _DELAY for fault, _ in actions)
        named_mode = mode if scenario == "degraded-mode" and isinstance(mode, str) else None
        return (scenario, named_mode) if has_fault else (None, None)
    if scenario is None and any(
        fault in OUTAGE_FAULTS and any(regions.get(t) == primary for t in targets_) for fault, targets_ in actions
    ):
        return "region-failover", None
    return None, None


def targets(experiment: dict[str, Any]) -> list[str]:
    """The lower-case resource ids an experiment's List selectors target (Query selectors name none)."""
    return [t for ids in _selectors(experiment).values() for t in ids]


def faults(experiment: dict[str, Any]) -> list[str]:
    """The lower-case "provider:fault" of every action in the experiment's steps."""
    return [fault for fault, _ in fault_targets(experiment)]


def fault_targets(experiment: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Each action's fault with the resources its selector targets (none for a delay)."""
    selectors = _selectors(experiment)
    out = []
    for step in _list(_props(experiment).get("steps")):
        for branch in _list(step.get("branches") if isinstance(step, dict) else None):
            for action in _list(branch.get("actions") if isinstance(branch, dict) else None):
                match = _URN.match(str(action.get("name", ""))) if isinstance(action, dict) else None
                if match:
                    out.append((match["fault"].lower(), selectors.get(str(action.get("selectorId")), [])))
    return out


def _selectors(experiment: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for selector in _list(_props(experiment).get("selectors")):
        if not isinstance(selector, dict):
            continue
        ids = []
        for target in _list(selector.get("targets")):
            match = _TARGET.match(str(target.get("id", ""))) if isinstance(target, dict) else None
            if match:
                ids.append(match["resource"].lower())
        out[str(selector.get("id"))] = ids
    return out


def _runs(
    experiment: dict[str, Any], children: dict[str, Any], scenario: str, mode: str | None, today: date
) -> list[dict[str, Any]] | None:
    """The experiment's runs, or None when they were not read or one that ended cannot be dated."""
    executions = _props(children.get(str(experiment.get("id")).lower()), None).get(EXECUTIONS)
    if not isinstance(executions, list):
        return None
    out = []
    for execution in executions:
        status = str(_props(execution).get("status") or "").lower()
        day = _day(execution)
        if day is None:
            if status in _TERMINAL or not isinstance(execution, dict):
                return None
            continue  # queued, not started yet
        out.append(
            {
                "experiment": str(experiment.get("name")),
                "scenario": scenario,
                "mode": mode,
                "date": day.isoformat(),
                "age_days": (today - day).days,
                "status": status,
            }
        )
    return out


def _day(execution: Any) -> date | None:
    """The UTC day a run started (ARM's startedAt), or None when it has none drready can read."""
    moment = utc_moment(_props(execution).get("startedAt"))
    return moment.date() if moment else None


def merged(records: list[dict[str, Any]], runs: list[dict[str, Any]], scenario: str) -> list[dict[str, Any]]:
    """Declared records of one scenario with the observed runs of the same scenario, newest first.
    A record gets `observed_by` (a successful run of its mode within a day of it) or `contradicted_by`
    (only failed or cancelled runs); other runs of a day and mode are added with measured null: a
    success as an observed drill, only failures as a failed one (`contradicted_by`)."""
    runs = [r for r in runs if r["scenario"] == scenario]
    out = []
    matched: set[int] = set()
    for record in records:
        near = [i for i, r in enumerate(runs) if _near(r, record) and r.get("mode") == record.get("mode")]
        matched.update(near)
        entry = record | {"source": "declared"} | _verdict([runs[i] for i in near], "declared and observed")
        out.append(entry)
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for i, run in enumerate(runs):
        if i not in matched:
            groups.setdefault((run["date"], run["mode"]), []).append(run)
    for (day, mode), group in groups.items():
        verdict = _verdict(group, "observed")
        if verdict:
            common = {"date": day, "age_days": group[0]["age_days"], "scenario": scenario, "mode": mode}
            out.append(common | {"measured": None, "source": "observed"} | verdict)
    return sorted(out, key=lambda d: d["date"], reverse=True)


def _near(run: dict[str, Any], record: dict[str, Any]) -> bool:
    return abs((date.fromisoformat(run["date"]) - date.fromisoformat(record["date"])).days) <= 1


def _verdict(runs: list[dict[str, Any]], confirmed: str) -> dict[str, Any]:
    """What the runs of one drill say: a success confirms it, only failed or cancelled runs contradict it."""
    ok = [r for r in runs if r["status"] == "success"]
    if ok:
        return {"source": confirmed, "observed_by": ok[0]["experiment"]}
    bad = [r for r in runs if r["status"] in FAILED]
    if bad:
        run = bad[0]
        return {
            "contradicted_by": f"Chaos Studio's run of experiment {run['experiment']} on {run['date']} {run['status']}"
        }
    return {}


def with_observed(declared: dict[str, Any], observed: dict[str, Any]) -> dict[str, Any]:
    """A stamp's declared evidence with the observed runs merged into its drill lists."""
    return declared | {
        "drills": merged(declared["drills"], observed["runs"], "region-failover"),
        "degraded_mode_drills": merged(declared["degraded_mode_drills"], observed["runs"], "degraded-mode"),
        "experiments_unread": observed["unread"]["region-failover"],
        "degraded_mode_experiments_unread": observed["unread"]["degraded-mode"],
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
# type -> (target type, fault URN). All are continuous actions. A type missing here has no such fault.
_DURATION = "PT10M"
_COSMOS, _AKS = "microsoft.documentdb/databaseaccounts", "microsoft.containerservice/managedclusters"
FAULTS: dict[str, tuple[str, str]] = {
    _COSMOS: ("Microsoft-CosmosDB", "urn:csci:microsoft:cosmosDB:failover/1.0"),
    "microsoft.web/sites": ("Microsoft-AppService", "urn:csci:microsoft:appService:stop/1.0"),
    "microsoft.keyvault/vaults": ("Microsoft-KeyVault", "urn:csci:microsoft:keyVault:denyAccess/1.0"),
    "microsoft.compute/virtualmachines": ("Microsoft-VirtualMachine", "urn:csci:microsoft:virtualMachine:shutdown/1.0"),
    "microsoft.compute/virtualmachinescalesets": (
        "Microsoft-VirtualMachineScaleSet",
        "urn:csci:microsoft:virtualMachineScaleSet:shutdown/2.0",
    ),
    _AKS: (
        "Microsoft-AzureKubernetesServiceChaosMesh",
        "urn:csci:microsoft:azureKubernetesServiceChaosMesh:podChaos/2.1",
    ),
}
# The swagger: "9 total per experiment" for branches and for actions.
MAX_ACTIONS = 9


def drill_plan(
    stamp: dict[str, Any],
    resources: list[dict[str, Any]],
    facts: dict[str, dict[str, Any]],
    location: str | None = None,
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Experiment bodies (the PUT body of Microsoft.Chaos/experiments, by file name) for one stamp of a
    result, and a line for each critical-path resource no experiment covers, with the reason.

    - region-failover: every resource of the RTO critical path in the primary region that a fault can
      take out, in one step (parallel branches), as losing the region takes them out together; written
      only when at least one of them is compute or data (a Key Vault alone rehearses no failover), and
      split into experiments of at most nine actions, to be started together;
    - zone-down: the AKS clusters in the primary region, pods on nodes of zone 1 failed (Chaos Mesh),
      when the region has zones.
    `facts` are the stamp's region facts (scanner/regions.py: display name, zones); `location` is where
    the experiments are created (default the primary region; Chaos Studio is offered in some regions)."""
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
    why_not = {str(r["id"]): _why_not(r, secondary) for r in chosen}
    faulted = [r for r in chosen if why_not[str(r["id"])] is None]
    if not any(str(r["type"]).lower() != "microsoft.keyvault/vaults" for r in faulted):
        why_not |= {
            str(r["id"]): "alone it rehearses no failover (no compute or data fault on the path)" for r in faulted
        }
        faulted = []
    skipped = [f"{r['name']} ({r['type']}): {why_not[str(r['id'])]}" for r in chosen if r not in faulted]
    where = location or primary
    plans: dict[str, dict[str, Any]] = {}
    for n, part in enumerate(_chunks(faulted), start=1):
        name = f"{stamp['name']}-region-failover" + (f"-{n}" if n > 1 else "")
        plans[f"{name}.json"] = _experiment(
            stamp, "region-failover", f"Lose {display.get(primary, primary)}", part, display, where
        )
    clusters = [r for r in resources if str(r["type"]).lower() == _AKS and norm_region(r.get("location")) == primary]
    if clusters and (facts.get(primary) or {}).get("zones"):
        for n, part in enumerate(_chunks(clusters), start=1):
            name = f"{stamp['name']}-zone-down" + (f"-{n}" if n > 1 else "")
            plans[f"{name}.json"] = _experiment(
                stamp, "zone-down", f"Lose zone 1 of {display.get(primary, primary)}", part, display, where
            )
    return plans, skipped


def _chunks(items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [items[i : i + MAX_ACTIONS] for i in range(0, len(items), MAX_ACTIONS)]


def _why_not(r: dict[str, Any], secondary: str | None) -> str | None:
    """Why no fault can rehearse losing this resource, or None when one can."""
    kind = str(r["type"]).lower()
    if kind not in FAULTS:
        return "Chaos Studio has no fault that takes this type out; rehearse its failover by hand"
    if kind == _COSMOS:
        props = _props(r)
        if props.get("enableMultipleWriteLocations") is True:
            return "Chaos Studio's Cosmos DB failover is for accounts with a single write region"
        if not _cosmos_region(r, secondary):
            return f"the account has no read region in the secondary ({secondary or 'none'}) to fail over to"
    return None


def _cosmos_region(r: dict[str, Any], secondary: str | None) -> str | None:
    """The account's own name for its read region in the stamp's secondary (readRegion of the fault)."""
    for loc in _list(_props(r).get("locations")):
        name = loc.get("locationName") if isinstance(loc, dict) else None
        if isinstance(name, str) and secondary and norm_region(name) == secondary:
            return name
    return None


def _experiment(
    stamp: dict[str, Any],
    scenario: str,
    step: str,
    targets_: list[dict[str, Any]],
    display: dict[str, str],
    location: str,
) -> dict[str, Any]:
    selectors, branches, used = [], [], set()
    for i, r in enumerate(targets_, start=1):
        selector = f"selector{i}"
        kind = str(r["type"]).lower()
        target = f"{r['id']}/providers/Microsoft.Chaos/targets/{FAULTS[kind][0]}"
        selectors.append({"type": "List", "id": selector, "targets": [{"type": "ChaosTarget", "id": target}]})
        zone = f"{stamp['primary_region']}-1" if scenario == "zone-down" else None
        branch = str(r["name"]) if r["name"] not in used else f"{r['name']} ({i})"
        used.add(branch)
        branches.append({"name": branch, "actions": [_action(r, selector, stamp, zone)]})
    return {
        "location": location,
        "identity": {"type": "SystemAssigned"},
        "tags": {STAMP_TAG: stamp["name"], SCENARIO_TAG: scenario},
        "properties": {"selectors": selectors, "steps": [{"name": step, "branches": branches}]},
    }


def _action(r: dict[str, Any], selector: str, stamp: dict[str, Any], zone: str | None) -> dict[str, Any]:
    kind = str(r["type"]).lower()
    parameters: list[dict[str, str]] = []
    if kind == _AKS:
        # Chaos Mesh PodChaos: every pod of the namespace fails (on one zone's nodes for zone-down);
        # the README says to name the workload's namespaces.
        chosen: dict[str, Any] = {"namespaces": ["default"]}
        if zone:
            chosen["nodeSelectors"] = {"topology.kubernetes.io/zone": zone}
        spec = {"action": "pod-failure", "mode": "all", "duration": "600s", "selector": chosen}
        parameters = [{"key": "jsonSpec", "value": json.dumps(spec, separators=(",", ":"))}]
    elif kind == _COSMOS:
        parameters = [{"key": "readRegion", "value": str(_cosmos_region(r, stamp["secondary_region"]))}]
    elif kind in ("microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets"):
        parameters = [{"key": "abruptShutdown", "value": "true"}]
    return {
        "type": "continuous",
        "name": FAULTS[kind][1],
        "duration": _DURATION,
        "parameters": parameters,
        "selectorId": selector,
    }


_WHAT = {
    "region-failover": "takes out, together, every resource of the critical path in the primary region that a "
    "Chaos Studio fault can take out (AKS: every pod of the namespace fails): the stamp must fail over to its "
    "secondary. Its runs are observed region-failover drills of the stamp (DR-OPS-01)",
    "zone-down": "fails the pods on nodes of zone 1 of each AKS cluster in the primary region (Chaos Mesh "
    "PodChaos): the cluster must keep serving from the other zones. No control judges zone drills yet, so "
    "its runs are not counted",
}


def drill_plan_readme(stamp: str, plans: dict[str, dict[str, Any]], skipped: list[str]) -> str:
    """What each experiment file rehearses, how to run it, and what Chaos Studio cannot rehearse."""
    lines = [
        f"# Chaos Studio drills for stamp {stamp}",
        "",
        "Written by `drready drill plan`; drready never creates or starts an experiment. Each file is the",
        "body of `PUT .../providers/Microsoft.Chaos/experiments/{name}?api-version=2025-01-01`. Before a run:",
        "enable each target and its capability in Chaos Studio, and give the experiment's managed identity",
        "the role Microsoft suggests for each target type (chaos-studio-fault-providers). Files numbered -2,",
        "-3 hold the faults past Chaos Studio's nine actions per experiment: start them together.",
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
        "Management. Tag an experiment you write for one `drready-stamp: <stamp>`, `drready-scenario:",
        "degraded-mode` and `drready-mode: <mode>`; DR-AI-05 counts its runs when it injects a fault.",
    ]
    return "\n".join(lines) + "\n"
