"""The recovery graph of a stamp: achievable RPO and RTO, the path that sets them, single points of
failure, and the failover runbook's order.

Nodes are recovery steps for the stamp's real resources; edges mean "must finish before". Achievable
RTO is the longest path (sum of step durations); achievable RPO is the worst data-loss window among
the stamp's stateful stores. Figures come from policies/data/capabilities (published by Microsoft or
assumed, always labelled), overridable in drready.yaml; a fresh drill record overrides the estimate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from scanner.config import Config

UNBOUNDED = "unbounded"
UNKNOWN = "unknown"
Figure = int | str | None  # minutes, UNBOUNDED, UNKNOWN, or None where it does not apply

# Controls whose findings name the mechanism protecting a stateful store, and what they recover.
STATEFUL_CONTROLS = {
    "DR-WEB-01": "Fail over storage",
    "DR-DATA-04": "Fail over lake storage",
    "DR-AI-04": "Recover Langfuse store",
    "DR-K8S-04": "Fail over Cosmos DB",
    "DR-K8S-05": "Recover PostgreSQL",
    "DR-K8S-06": "Recover MySQL",
    "DR-K8S-03": "Restore cluster state",
}
COMPUTE_BY_TYPE = {
    "microsoft.web/sites": ("apps", "Bring up API apps", "app_redeploy"),
    "microsoft.network/applicationgateways": ("gateway", "Bring up Application Gateway", "gateway_standup"),
    "microsoft.databricks/workspaces": ("databricks", "Resume Databricks jobs", "workspace_redeploy"),
    "microsoft.datafactory/factories": ("factory", "Redeploy Data Factory", "factory_redeploy"),
}
ENTRY_TYPES = {"microsoft.cdn/profiles", "microsoft.network/frontdoors", "microsoft.network/trafficmanagerprofiles"}


@dataclass
class Capabilities:
    mechanisms: dict[str, dict[str, Any]]

    def figure(self, mechanism: str) -> dict[str, Any]:
        return self.mechanisms.get(mechanism) or self.mechanisms["unknown"]


def load_capabilities(policies_root: Path, config: Config | None) -> Capabilities:
    data = json.loads((policies_root / "data" / "capabilities" / "data.json").read_text(encoding="utf-8"))
    mechanisms = {k: dict(v) for k, v in data["mechanisms"].items()}
    for name, override in sorted((config.model.capabilities if config else {}).items()):
        if name not in mechanisms:
            raise config.error(("capabilities", name), f"no recovery mechanism '{name}' in {sorted(mechanisms)}")
        for key in ("rpo", "rto"):
            if getattr(override, key) is not None:
                mechanisms[name][key] = getattr(override, key)
        mechanisms[name] |= {"basis": "override", "source": override.source}
    return Capabilities(mechanisms)


@dataclass
class Step:
    id: str
    label: str
    mechanism: str
    resources: list[str] = field(default_factory=list)
    stateful: bool = False
    resource_ids: list[str] = field(default_factory=list)


def build_graph(
    stamp: dict[str, Any],
    resources: list[dict[str, Any]],
    findings: list[dict[str, Any]],
    declared: dict[str, Any],
    caps: Capabilities,
) -> nx.DiGraph:
    """The stamp's recovery steps and their must-finish-before edges."""
    graph = nx.DiGraph()
    primary = stamp["primary_region"]
    in_primary = [r for r in resources if _region(r) == primary]
    by_control = _findings_by_control(findings)

    data_steps = _data_steps(by_control)
    compute_steps = _compute_steps(in_primary, by_control, declared)
    secrets = _secrets_step(resources, by_control)
    traffic = _traffic_step(stamp["kind"], resources)
    for step in [*data_steps, *compute_steps, *([secrets] if secrets else []), *([traffic] if traffic else [])]:
        _add(graph, step, caps)
    graph.add_node(
        "restored",
        label="Service restored",
        mechanism=None,
        rto=0,
        rpo=None,
        stateful=False,
        resources=[],
        basis=None,
        source=None,
    )

    data_ids = [s.id for s in data_steps]
    compute_ids = [s.id for s in compute_steps if s.id != "airflow"]
    for c in compute_ids:
        graph.add_edges_from((d, c) for d in data_ids)  # apps need their data back first
        if secrets:
            graph.add_edge(secrets.id, c)
    airflow = next((s for s in compute_steps if s.id == "airflow"), None)
    if airflow:
        graph.add_edges_from((d, "airflow") for d in _airflow_inputs(declared.get("airflow") or {}, data_steps))
        graph.add_edges_from((c, "airflow") for c in compute_ids if c.startswith("aks:"))
    finishers = ([traffic.id] if traffic else []) or compute_ids + (["airflow"] if airflow else []) or data_ids
    if traffic:
        graph.add_edges_from((c, traffic.id) for c in [*compute_ids, *(["airflow"] if airflow else [])] or data_ids)
    graph.add_edges_from((f, "restored") for f in finishers)
    for node in list(graph.nodes):
        if node != "restored" and graph.out_degree(node) == 0:
            graph.add_edge(node, "restored")
    return graph


def _region(r: dict[str, Any]) -> str:
    return str(r.get("location") or "").replace(" ", "").lower()


def _findings_by_control(findings: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        out.setdefault(f["control"], []).append(f)
    return out


def _data_steps(by_control: dict[str, list[dict[str, Any]]]) -> list[Step]:
    steps = []
    for control, label in STATEFUL_CONTROLS.items():
        for f in by_control.get(control, []):
            if f["status"] == "not_applicable" or f["resource_type"] in ("stamp", "collection"):
                continue
            mechanism = f.get("mechanism") if f["status"] != "unknown" else "unknown"
            steps.append(
                Step(
                    f"data:{f['resource'].lower()}",
                    f"{label} {f['resource_name']}",
                    mechanism or "unknown",
                    [f["resource_name"]],
                    stateful=True,
                    resource_ids=[f["resource"]],
                )
            )
    return steps


def _compute_steps(
    in_primary: list[dict[str, Any]], by_control: dict[str, list[dict[str, Any]]], declared: dict[str, Any]
) -> list[Step]:
    steps: dict[str, Step] = {}
    for r in in_primary:
        kind = COMPUTE_BY_TYPE.get(str(r["type"]).lower())
        if kind:
            step = steps.setdefault(kind[0], Step(kind[0], kind[1], kind[2]))
            step.resources.append(r.get("name", r["id"]))
    for f in by_control.get("DR-K8S-02", []):
        if f["status"] in ("pass", "fail", "unknown"):
            mechanism = f.get("mechanism") if f["status"] != "unknown" else "unknown"
            steps[f"aks:{f['resource'].lower()}"] = Step(
                f"aks:{f['resource'].lower()}",
                f"Bring up standby for {f['resource_name']}",
                mechanism or "unknown",
                [f["resource_name"]],
                resource_ids=[f["resource"]],
            )
    for f in by_control.get("DR-DATA-03", []):
        if f["status"] in ("pass", "fail"):
            steps["shir"] = Step("shir", "Bring self-hosted integration runtime online", "shir", [f["resource_name"]])
    for f in by_control.get("DR-AI-01", []):
        mechanism = {"pass": "model_fallback", "fail": "none"}.get(f["status"], "unknown")
        steps["models"] = Step("models", "Route model calls to fallbacks", mechanism, ["model gateway"])
    if declared.get("airflow"):
        steps["airflow"] = Step("airflow", "Restart Airflow scheduler", "airflow_restart", ["airflow"])
    return list(steps.values())


def _secrets_step(resources: list[dict[str, Any]], by_control: dict[str, list[dict[str, Any]]]) -> Step | None:
    vaults = [r.get("name", r["id"]) for r in resources if str(r["type"]).lower() == "microsoft.keyvault/vaults"]
    if not vaults:
        return None
    kv02 = by_control.get("DR-KV-02", [{}])[0].get("status")
    mechanism = {"pass": "secret_rehydration", "fail": "keyvault_microsoft_failover"}.get(kv02, "unknown")
    return Step("secrets", "Rehydrate secrets and certificates", mechanism, vaults)


def _traffic_step(kind: str, resources: list[dict[str, Any]]) -> Step | None:
    if kind != "web":
        return None
    entry = [r.get("name", r["id"]) for r in resources if str(r["type"]).lower() in ENTRY_TYPES]
    return Step(
        "traffic", "Switch traffic to the secondary", "traffic_switch" if entry else "manual_dns_cutover", entry
    )


def _airflow_inputs(airflow: dict[str, Any], data_steps: list[Step]) -> list[str]:
    refs = {
        str(airflow.get("metadata_db", "")).lower(),
        str((airflow.get("dag_storage") or {}).get("resource", "")).lower(),
    }
    return [
        s.id
        for s in data_steps
        if any(ref and (ref in s.id or ref in (n.lower() for n in s.resources)) for ref in refs)
    ]


def _add(graph: nx.DiGraph, step: Step, caps: Capabilities) -> None:
    figure = caps.figure(step.mechanism)
    unknown = step.mechanism == "unknown"
    graph.add_node(
        step.id,
        label=step.label,
        mechanism=step.mechanism,
        resources=sorted(step.resources),
        resource_ids=step.resource_ids,
        stateful=step.stateful,
        rto=UNKNOWN if unknown else (figure["rto"] if figure["rto"] is not None else UNBOUNDED),
        rpo=(UNKNOWN if unknown else (figure["rpo"] if figure["rpo"] is not None else UNBOUNDED))
        if step.stateful
        else None,
        basis=figure.get("basis"),
        source=figure.get("source"),
        mechanism_label=figure.get("label"),
        note=figure.get("note"),
        do=figure.get("do"),
        validate=figure.get("validate"),
        failback=figure.get("failback"),
    )


def _worse(a: Figure, b: Figure) -> Figure:
    """The worse of two figures: unbounded beats unknown beats any number."""
    for special in (UNBOUNDED, UNKNOWN):
        if special in (a, b):
            return special
    return max(a or 0, b or 0)


def _plus(a: Figure, b: Figure) -> Figure:
    for special in (UNBOUNDED, UNKNOWN):
        if special in (a, b):
            return special
    return (a or 0) + (b or 0)


def critical_path(graph: nx.DiGraph) -> tuple[Figure, list[str]]:
    """Achievable RTO (longest path, steps run after their predecessors) and the steps that set it."""
    best: dict[str, tuple[Figure, list[str]]] = {}
    for node in nx.topological_sort(graph):
        preds = [best[p] for p in graph.predecessors(node)]
        start, path = (0, []) if not preds else max(preds, key=lambda fp: _rank(fp[0]))
        best[node] = (_plus(start, graph.nodes[node]["rto"]), [*path, node])
    total, path = best["restored"]
    return total, [n for n in path if n != "restored"]


def _rank(figure: Figure) -> tuple[int, int]:
    if figure == UNBOUNDED:
        return (2, 0)
    if figure == UNKNOWN:
        return (1, 0)
    return (0, int(figure or 0))


def worst_rpo(graph: nx.DiGraph) -> tuple[Figure, list[str]]:
    stateful = [n for n, d in graph.nodes(data=True) if d.get("stateful")]
    if not stateful:
        return 0, []
    worst = max(stateful, key=lambda n: _rank(graph.nodes[n]["rpo"]))
    value: Figure = 0
    for n in stateful:
        value = _worse(value, graph.nodes[n]["rpo"])
    return value, [worst]


def analyse(
    stamp: dict[str, Any],
    resources: list[dict[str, Any]],
    findings: list[dict[str, Any]],
    declared: dict[str, Any],
    caps: Capabilities,
) -> dict[str, Any]:
    """The recovery section of a stamp's result."""
    graph = build_graph(stamp, resources, findings, declared, caps)
    rto, rto_path = critical_path(graph)
    rpo, rpo_by = worst_rpo(graph)
    estimate = {
        "rto_minutes": rto,
        "rpo_minutes": rpo,
        "rto_path": [_step_json(graph, n) for n in rto_path],
        "rpo_set_by": [_step_json(graph, n) for n in rpo_by],
    }
    drill = _fresh_drill(declared)
    achieved = {"rto_minutes": rto, "rpo_minutes": rpo, "source": "estimate"}
    if drill and not drill["stale"]:
        achieved = {
            "rto_minutes": drill["measured"]["rto_minutes"],
            "rpo_minutes": drill["measured"]["rpo_minutes"],
            "source": f"drill {drill['date']}",
        }
    targets = stamp["targets"]
    return {
        "estimate": estimate,
        "achieved": achieved,
        "drill": drill,
        "meets": {
            "rto": _meets(achieved["rto_minutes"], targets["rto_minutes"]),
            "rpo": _meets(achieved["rpo_minutes"], targets["rpo_minutes"]),
        },
        "assumed": sorted(
            {graph.nodes[n]["mechanism"] for n in rto_path + rpo_by if graph.nodes[n]["basis"] == "assumed"}
        ),
        "steps": [_step_json(graph, n) for n in nx.topological_sort(graph) if n != "restored"],
        "edges": sorted([u, v] for u, v in graph.edges if v != "restored"),
    }


def _step_json(graph: nx.DiGraph, node: str) -> dict[str, Any]:
    d = graph.nodes[node]
    return {
        "id": node,
        "label": d["label"],
        "mechanism": d["mechanism"],
        "mechanism_label": d.get("mechanism_label"),
        "resources": d["resources"],
        "resource_ids": d.get("resource_ids", []),
        "rto_minutes": d["rto"],
        "rpo_minutes": d["rpo"],
        "basis": d["basis"],
        "source": d["source"],
        "note": d.get("note"),
        "do": d.get("do"),
        "validate": d.get("validate"),
        "failback": d.get("failback"),
        "after": sorted(p for p in graph.predecessors(node)),
    }


def _meets(achieved: Figure, target: int) -> bool | None:
    """True/False against the target; None when the achieved figure is unknown."""
    if achieved == UNKNOWN:
        return None
    if achieved == UNBOUNDED:
        return False
    return int(achieved or 0) <= target


def _fresh_drill(declared: dict[str, Any]) -> dict[str, Any] | None:
    drills = declared.get("drills") or []
    if not drills:
        return None
    latest = drills[0]
    return latest | {"stale": latest["age_days"] > declared.get("drill_interval_days", 90)}


SPOF_CONTROL = {
    "id": "DR-SPOF-01",
    "title": "No single point of failure on the recovery path",
    "description": "Every step of the stamp's recovery graph has a path through the secondary region: no data store "
    "without a cross-region copy, no cluster without a standby, no self-hosted runtime on one node, no AI gateway or "
    "registry in one region only. Derived from the recovery graph and the controls that feed it.",
    "severity": "high",
    "stamps": ["web", "data", "kubernetes", "genai"],
    "resource_types": [],
    "scope": "stamp",
    "mechanism": None,
    "related_resources": [
        "https://learn.microsoft.com/azure/reliability/concept-business-continuity-high-availability-disaster-recovery"
    ],
    "file": "(recovery graph: scanner/recovery.py)",
}
# Failing controls that mean a component cannot be routed around.
SPOF_FROM_CONTROLS = {
    "DR-DATA-03": "self-hosted integration runtime without a second node or a standby",
    "DR-AI-03": "AI gateway without a multi-region pool or a second gateway",
    "DR-K8S-08": "container registry without a replica in the secondary",
}


TARGET_CONTROL = SPOF_CONTROL | {
    "id": "DR-TGT-01",
    "title": "Recovery targets met",
    "description": "The stamp's achievable RTO and RPO - measured in a fresh drill, else estimated from the recovery "
    "graph - are within the targets in drready.yaml. Assumed figures are labelled; override them under capabilities.",
    "severity": "critical",
}


def recovery_findings(
    stamp: dict[str, Any], recovery: dict[str, Any], findings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The recovery graph's findings: targets (DR-TGT-01) and single points of failure (DR-SPOF-01)."""
    return [_target_finding(stamp, recovery), *spof_findings(stamp["name"], recovery, findings)]


def _target_finding(stamp: dict[str, Any], recovery: dict[str, Any]) -> dict[str, Any]:
    achieved, targets, meets = recovery["achieved"], stamp["targets"], recovery["meets"]
    parts = [
        f"{name.upper()} {_fmt(achieved[f'{name}_minutes'])} (target {_fmt(targets[f'{name}_minutes'])})"
        for name in ("rto", "rpo")
    ]
    basis = "measured in the " + achieved["source"] if achieved["source"] != "estimate" else "estimated"
    status = "fail" if False in meets.values() else "unknown" if None in meets.values() else "pass"
    missed = " misses its target" if status == "fail" else ""
    return {
        "control": TARGET_CONTROL["id"],
        "title": TARGET_CONTROL["title"],
        "severity": TARGET_CONTROL["severity"],
        "stamp": stamp["name"],
        "resource": f"stamp/{stamp['name']}",
        "resource_name": stamp["name"],
        "resource_type": "stamp",
        "status": status,
        "declared": achieved["source"] != "estimate",
        "message": f"{', '.join(parts)}, {basis}{missed}; critical path: "
        + " -> ".join(s["label"] for s in recovery["estimate"]["rto_path"]),
        "evidence": {"achieved": achieved, "targets": targets},
        "mechanism": None,
        "waiver": None,
    }


def _fmt(minutes: Figure) -> str:
    if isinstance(minutes, str) or minutes is None:
        return str(minutes or UNKNOWN)
    hours, mins = divmod(int(minutes), 60)
    return (f"{hours}h" if hours else "") + (f"{mins}m" if mins or not hours else "")


def spof_findings(stamp_name: str, recovery: dict[str, Any], findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Single points of failure as findings of DR-SPOF-01 (a pass for the stamp when there are none)."""
    # A step whose duration is unbounded waits for the primary region: nothing routes around it.
    spofs = [
        (
            s["resource_ids"][0] if len(s["resource_ids"]) == 1 else f"stamp/{stamp_name}/{s['id']}",
            ", ".join(s["resources"]) or s["label"],
            f"{s['label']}: {s['mechanism_label']}",
        )
        for s in recovery["steps"]
        if s["rto_minutes"] == UNBOUNDED
    ]
    spofs += [
        (f["resource"], f["resource_name"], SPOF_FROM_CONTROLS[f["control"]])
        for f in findings
        if f["control"] in SPOF_FROM_CONTROLS and f["status"] == "fail"
    ]
    base = {
        "control": SPOF_CONTROL["id"],
        "title": SPOF_CONTROL["title"],
        "severity": "high",
        "stamp": stamp_name,
        "evidence": {},
        "declared": False,
        "mechanism": None,
        "waiver": None,
    }
    if not spofs:
        return [
            base
            | {
                "resource": f"stamp/{stamp_name}",
                "resource_name": stamp_name,
                "resource_type": "stamp",
                "status": "pass",
                "message": "Every recovery step has a path through the secondary region",
            }
        ]
    return [
        base
        | {
            "resource": rid,
            "resource_name": name,
            "resource_type": "spof",
            "status": "fail",
            "message": f"Single point of failure: {why}; recovery cannot route around it",
        }
        for rid, name, why in sorted(set(spofs))
    ]
