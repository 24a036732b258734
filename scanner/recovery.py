"""The recovery graph of a stamp: achievable RPO and RTO, the path that sets them, single points of
failure, and the failover runbook's order.

Nodes are recovery steps for the stamp's real resources; edges mean "must finish before". Achievable
RTO is the longest path (sum of step durations); achievable RPO is the worst data-loss window among
the stamp's stateful stores. Figures come from policies/data/capabilities (published by Microsoft or
assumed, always labelled), overridable in drready.yaml; a fresh drill record overrides the estimate.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx

from scanner.catalogue import Control, Policies, Recovery
from scanner.config import Config
from scanner.durations import format_minutes
from scanner.results import NOT_RESOURCES, Finding, new_finding, stamp_ref
from scanner.stamps import norm_region

UNBOUNDED = "unbounded"
UNKNOWN = "unknown"
Figure = int | str | None  # minutes, UNBOUNDED, UNKNOWN, or None where it does not apply
# The order steps are listed in when nothing else orders them.
PHASES = ("data", "network", "identity", "policy", "secrets", "compute", "traffic")
# The standby's foundations, restored in this order before any compute starts (network, then identity
# bindings, then policy controls).
FOUNDATIONS = ("network", "identity", "policy")
STATUS_RANK = {"unknown": 0, "fail": 1, "pass": 2}  # which finding sets a shared step's mechanism


@dataclass
class Capabilities:
    mechanisms: dict[str, dict[str, Any]]

    def figure(self, mechanism: str) -> dict[str, Any]:
        return self.mechanisms.get(mechanism) or self.mechanisms["unknown"]


def load_capabilities(policies: Policies, config: Config | None) -> Capabilities:
    """The recovery mechanisms of the policies in use (policies/data/capabilities), with the figures
    drready.yaml overrides."""
    data = ((policies.data.get("data") or {}).get("capabilities") or {}).get("mechanisms") or {}
    mechanisms = {k: dict(v) for k, v in data.items()}
    if "unknown" not in mechanisms:
        mechanisms["unknown"] = {"label": "unknown", "rpo": None, "rto": None, "basis": None, "source": None}
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
    phase: str
    resources: list[str] = field(default_factory=list)
    resource_ids: list[str] = field(default_factory=list)
    recovery: Recovery | None = None

    @property
    def stateful(self) -> bool:
        return self.phase == "data"


def build_graph(
    stamp: dict[str, Any],
    resources: list[dict[str, Any]],
    findings: list[Finding],
    declared: dict[str, Any],
    caps: Capabilities,
    controls: list[Control],
) -> nx.DiGraph:
    """The stamp's recovery steps, from the recovery roles of its controls' METADATA, and their
    must-finish-before edges: data stores, then (with secrets) compute, then the traffic switch."""
    by_control: dict[str, list[Finding]] = {}
    for f in findings:
        by_control.setdefault(f.control, []).append(f)
    steps: dict[str, Step] = {}
    for control in controls:
        if control.recovery:
            for step in _steps(control, by_control.get(control.id, []), resources, stamp["primary_region"]):
                steps[step.id] = _merged(steps[step.id], step, caps) if step.id in steps else step
    graph = nx.DiGraph()
    for step in steps.values():
        _add(graph, step, caps)
    graph.add_node("restored", label="Service restored", mechanism=None, rto=0, rpo=None, resources=[], phase="end")
    _add_edges(graph, list(steps.values()), declared)
    return graph


def _steps(control: Control, findings: list[Finding], resources: list[dict[str, Any]], primary: str) -> list[Step]:
    rec = control.recovery
    assert rec is not None
    chosen = [f for f in findings if f.status in rec.when]
    if rec.per_resource:
        return [
            Step(
                f"{rec.step}:{f.resource.lower()}",
                f"{rec.label} {f.resource_name}",
                _mechanism(rec, f),
                rec.phase,
                [f.resource_name],
                [f.resource],
                rec,
            )
            for f in chosen
            if f.resource_type not in NOT_RESOURCES
        ]
    if rec.lists in ("primary", "all"):
        types = set(rec.types or control.resource_types)
        names = [
            r.get("name", r["id"])
            for r in resources
            if str(r["type"]).lower() in types and (rec.lists == "all" or norm_region(r.get("location")) == primary)
        ]
        if not names and not rec.fallback_mechanism:
            return []
        return [
            Step(rec.step, rec.label, _one_step_mechanism(rec, chosen, bool(names)), rec.phase, names, recovery=rec)
        ]
    if not chosen:
        return []
    names = [f.resource_name for f in chosen] if rec.lists == "findings" else list(rec.lists)
    return [Step(rec.step, rec.label, _one_step_mechanism(rec, chosen, True), rec.phase, names, recovery=rec)]


def _one_step_mechanism(rec: Recovery, chosen: list[Finding], has_resources: bool) -> str:
    """The mechanism of a control's one step (not per resource): that of its first finding where the step
    lists the stamp's resources, else that of its first finding of the worst status. Either way only the
    first finding of each status decides it (FixedFigures relies on that)."""
    if rec.lists in ("primary", "all"):
        if not has_resources:
            return rec.fallback_mechanism or "unknown"
        return _mechanism(rec, chosen[0] if chosen else None)
    return _mechanism(rec, min(chosen, key=lambda f: STATUS_RANK.get(f.status, 0)))


def _merged(a: Step, b: Step, caps: Capabilities) -> Step:
    """Two controls' shares of one step (the network step of DR-NET-01..04, say): their resources, and
    the slower mechanism (unknown before unbounded before the longer figure)."""

    slower = a if _cost(a, caps) >= _cost(b, caps) else b
    names = list(dict.fromkeys(a.resources + b.resources))  # a stamp's thousands of subnets: no list scans
    ids = list(dict.fromkeys(a.resource_ids + b.resource_ids))
    return Step(a.id, a.label, slower.mechanism, a.phase, names, ids, slower.recovery)


def _slowest_weights(shares: list[Step], caps: Capabilities) -> tuple[Figure, Figure]:
    """The weights _merged gives a shared step: the slowest share's, the first of equally slow ones."""
    slowest = max(range(len(shares)), key=lambda k: (_cost(shares[k], caps), -k))
    return _weights(shares[slowest], caps)


def _cost(step: Step, caps: Capabilities) -> tuple[int, int]:
    """How slow a step is, for merging shares: unknown, then unbounded, then the longer figure."""
    rto = _weights(step, caps)[0]
    return (2, 0) if rto == UNKNOWN else (1, 0) if rto == UNBOUNDED else (0, int(rto or 0))


def _mechanism(rec: Recovery, finding: Finding | None) -> str:
    """The step's mechanism: fixed by METADATA, by the finding's status, or the finding's own."""
    if isinstance(rec.mechanism, dict):
        return rec.mechanism.get(finding.status, "unknown") if finding else "unknown"
    if rec.mechanism != "finding":
        return rec.mechanism
    if finding is None or finding.status == "unknown":
        return "unknown"
    return finding.mechanism or "unknown"


def _add_edges(graph: nx.DiGraph, steps: list[Step], declared: dict[str, Any]) -> None:
    data = [s.id for s in steps if s.phase == "data"]
    secrets = [s.id for s in steps if s.phase == "secrets"]
    compute = [s for s in steps if s.phase == "compute"]
    traffic = [s.id for s in steps if s.phase == "traffic"]
    for c in compute:
        rec = c.recovery
        if rec and rec.data_inputs == "declared-airflow":
            graph.add_edges_from((d, c.id) for d in _airflow_inputs(declared.get("airflow") or {}, steps))
        else:
            graph.add_edges_from((d, c.id) for d in data + secrets)  # apps need their data and secrets back
        for prefix in rec.after if rec else []:
            graph.add_edges_from((s.id, c.id) for s in compute if s.id == prefix or s.id.startswith(prefix + ":"))
    # The standby's network, identities and policies come back, in that order, before any compute starts.
    layers = [[s.id for s in steps if s.phase == phase] for phase in FOUNDATIONS] + [[s.id for s in compute]]
    layers = [layer for layer in layers if layer]
    for before, after in itertools.pairwise(layers):
        graph.add_edges_from((b, a) for b in before for a in after)
    for t in traffic:
        graph.add_edges_from((c, t) for c in [s.id for s in compute] or data)
    finishers = traffic or [s.id for s in compute] or data
    graph.add_edges_from((f, "restored") for f in finishers)
    for node in list(graph.nodes):
        if node != "restored" and graph.out_degree(node) == 0:
            graph.add_edge(node, "restored")


def _airflow_inputs(airflow: dict[str, Any], steps: list[Step]) -> list[str]:
    """The data steps of the Airflow metadata database and DAG storage named in its declared file."""
    refs = {
        str(airflow.get("metadata_db", "")).lower(),
        str((airflow.get("dag_storage") or {}).get("resource", "")).lower(),
    }
    refs.discard("")
    return [
        s.id
        for s in steps
        if s.phase == "data" and any(ref in s.id or ref in (n.lower() for n in s.resources) for ref in refs)
    ]


def _weights(step: Step, caps: Capabilities) -> tuple[Figure, Figure]:
    """A step's RTO and RPO (None for a stateless step): unknown for an unknown mechanism, unbounded
    where the capability gives no figure."""
    if step.mechanism == "unknown":
        return UNKNOWN, UNKNOWN if step.stateful else None
    figure = caps.figure(step.mechanism)
    rto = figure["rto"] if figure["rto"] is not None else UNBOUNDED
    rpo = (figure["rpo"] if figure["rpo"] is not None else UNBOUNDED) if step.stateful else None
    return rto, rpo


def _add(graph: nx.DiGraph, step: Step, caps: Capabilities) -> None:
    figure = caps.figure(step.mechanism)
    rto, rpo = _weights(step, caps)
    graph.add_node(
        step.id,
        label=step.label,
        phase=step.phase,
        mechanism=step.mechanism,
        resources=sorted(step.resources),
        resource_ids=step.resource_ids,
        stateful=step.stateful,
        rto=rto,
        rpo=rpo,
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


def ordered(graph: nx.DiGraph) -> list[str]:
    """The steps in an order that respects every edge; independent steps by phase, then label, so the
    order does not depend on how the graph was built."""
    rank = {p: i for i, p in enumerate((*PHASES, "end"))}
    return list(
        nx.lexicographical_topological_sort(
            graph, key=lambda n: (rank.get(graph.nodes[n].get("phase"), 9), graph.nodes[n]["label"], n)
        )
    )


def critical_path(graph: nx.DiGraph) -> tuple[Figure, list[str]]:
    """Achievable RTO (longest path, steps run after their predecessors) and the steps that set it.
    Among paths as long (both unbounded, say), the one whose known steps take longest."""
    order = ordered(graph)
    position = {n: i for i, n in enumerate(order)}
    best: dict[str, tuple[Figure, int, list[str]]] = {}
    for node in order:
        preds = [best[p] for p in sorted(graph.predecessors(node), key=position.__getitem__)]
        start, known, path = (0, 0, []) if not preds else max(preds, key=lambda p: (_rank(p[0]), p[1]))
        rto = graph.nodes[node]["rto"]
        best[node] = (_plus(start, rto), known + (rto if isinstance(rto, int) else 0), [*path, node])
    total, _, path = best["restored"]
    return total, [n for n in path if n != "restored"]


def _rank(figure: Figure) -> tuple[int, int]:
    if figure == UNBOUNDED:
        return (2, 0)
    if figure == UNKNOWN:
        return (1, 0)
    return (0, int(figure or 0))


def worst_rpo(graph: nx.DiGraph) -> tuple[Figure, list[str]]:
    stateful = [n for n in ordered(graph) if graph.nodes[n].get("stateful")]
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
    findings: list[Finding],
    declared: dict[str, Any],
    caps: Capabilities,
    controls: list[Control],
) -> dict[str, Any]:
    """The recovery section of a stamp's result."""
    graph = build_graph(stamp, resources, findings, declared, caps, controls)
    rto, rto_path = critical_path(graph)
    rpo, rpo_by = worst_rpo(graph)
    estimate = {
        "rto_minutes": rto,
        "rpo_minutes": rpo,
        "rto_path": [_step_json(graph, n) for n in rto_path],
        "rpo_set_by": [_step_json(graph, n) for n in rpo_by],
    }
    drill = _fresh_drill(declared)
    achieved = _achieved(estimate, drill)
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
        "steps": [_step_json(graph, n) for n in ordered(graph) if n != "restored"],
        "edges": sorted([u, v] for u, v in graph.edges if v != "restored"),
    }


def fix_first(
    stamp: dict[str, Any],
    resources: list[dict[str, Any]],
    findings: list[Finding],
    declared: dict[str, Any],
    caps: Capabilities,
    controls: list[Control],
) -> dict[str, Any]:
    """What fixing the stamp's gaps does to its estimated RPO and RTO, from the recovery graph re-built
    with gaps fixed: all of them (`if_fixed`), each alone (`alone`), and all but each one (a gap whose
    fix the best figures need is `needed`). Fixes are ranked needed first, then by what each alone
    gains, then by severity. Only gaps of controls with a recovery step can move the figures; the rest
    are listed after them by severity. Findings derived from the graph (a missed target) are symptoms,
    not fixes, and are left out."""
    by_id = {c.id: c for c in controls}
    gaps = [f for f in findings if f.status == "fail" and by_id.get(f.control) and by_id[f.control].in_rego]
    movers = [i for i, f in enumerate(gaps) if by_id[f.control].recovery]
    figures = FixedFigures((stamp, resources, findings, declared, caps, controls), gaps)
    moving = set(movers)
    now, best = figures(set()), figures.all_fixed(moving)
    entries = []
    for i, f in enumerate(gaps):
        alone = figures.alone(i) if i in moving and best != now else now
        needed = i in moving and best != now and _key(figures.all_but(i, moving)) > _key(best)
        entries.append(
            {
                "control": f.control,
                "resource": f.resource,
                "resource_name": f.resource_name,
                "severity": f.severity,
                "title": f.title,
                "alone": {"rto_minutes": alone[0], "rpo_minutes": alone[1]},
                "needed": needed,
                "moves_figures": i in moving,
                "_order": (not needed, _key(alone), SEVERITY_ORDER[f.severity], f.control, f.resource_name),
            }
        )
    entries.sort(key=lambda e: e.pop("_order"))
    targets = stamp["targets"]
    meets = {"rto": _meets(best[0], targets["rto_minutes"]), "rpo": _meets(best[1], targets["rpo_minutes"])}
    return {"fixes": entries, "if_fixed": {"rto_minutes": best[0], "rpo_minutes": best[1], "meets": meets}}


SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
# What build_graph, analyse and fix_first take: stamp, resources, findings, declared, capabilities, controls.
GraphArgs = tuple[dict[str, Any], list[dict[str, Any]], list[Finding], dict[str, Any], Capabilities, list[Control]]


class _Changed:
    """The figures when one step's weights change, without walking the graph again (a stamp of 20,000
    resources has about 2,000 movable gaps): the RTO is unbounded while any step's RTO is (every step
    reaches "restored"), else unknown while any is, else the longest path, which a step off every
    longest path cannot lower and can only raise to the longest path through it. The RPO is the worst
    of the stateful steps'."""

    def __init__(self, figures: FixedFigures, weights: dict[str, tuple[Figure, Figure]]) -> None:
        self.owner, self.weights = figures, weights
        self.stats = self._stats()

    def _stats(self) -> dict[str, Any]:
        rto_specials = Counter(w[0] for w in self.weights.values() if w[0] in (UNBOUNDED, UNKNOWN))
        rpos = [w[1] for w in self.weights.values() if w[1] is not None]
        stats: dict[str, Any] = {"rto_specials": rto_specials, "rpos": Counter(rpos), "stateful": bool(rpos)}
        stats["rto"], stats["rpo"] = self.owner._values(self.weights)
        if not rto_specials:  # longest time to reach each step (start) and from it to the end (tail)
            start: dict[str, int] = {}
            finish: dict[str, int] = {}
            for node in self.owner.order:
                start[node] = max((finish[p] for p in self.owner.preds[node]), default=0)
                finish[node] = start[node] + int(self.weights[node][0] or 0)
            tail: dict[str, int] = {}
            for node in reversed(self.owner.order):
                tail[node] = max((int(self.weights[c][0] or 0) + tail[c] for c in self.owner.succs[node]), default=0)
            stats["start"], stats["tail"] = start, tail
        return stats

    def figures(self, sid: str, new: tuple[Figure, Figure]) -> tuple[Figure, Figure]:
        old = self.weights[sid]
        return self._rto(sid, old[0], new[0]), self._rpo(old[1], new[1])

    def _rto(self, sid: str, old: Figure, new: Figure) -> Figure:
        specials = Counter(self.stats["rto_specials"])
        for value, delta in ((old, -1), (new, 1)):
            if value in (UNBOUNDED, UNKNOWN):
                specials[value] += delta
        if specials[UNBOUNDED] > 0:
            return UNBOUNDED
        if specials[UNKNOWN] > 0:
            return UNKNOWN
        if "start" not in self.stats:  # the changed step was the only unbounded or unknown one
            return self.owner._values({**self.weights, sid: (new, self.weights[sid][1])})[0]
        through_old = self.stats["start"][sid] + int(old or 0) + self.stats["tail"][sid]
        if through_old >= self.stats["rto"]:  # on a longest path: lowering it may expose another
            return self.owner._values({**self.weights, sid: (new, self.weights[sid][1])})[0]
        return max(self.stats["rto"], self.stats["start"][sid] + int(new or 0) + self.stats["tail"][sid])

    def _rpo(self, old: Figure, new: Figure) -> Figure:
        if not self.stats["stateful"]:
            return 0
        values = Counter(self.stats["rpos"])
        if old is not None:
            values[old] -= 1
        if new is not None:
            values[new] += 1
        worst: Figure = 0
        for value, count in values.items():
            if count > 0:
                worst = _worse(worst, value)
        return worst


@dataclass
class _Firsts:
    """A one-step control's findings, as _one_step_changed needs them: each one's position, the first two
    positions of each status, the first position of each status among those no movable gap, the movers."""

    position: dict[int, int]
    of_all: dict[str, list[int]]
    of_others: dict[str, int]
    movers: list[int]


class FixedFigures:
    """The estimated RTO and RPO with a set of gaps (indexes into `gaps`) fixed. The graph is built
    once: a fix that only changes the mechanism of steps that exist either way changes their weights,
    and the figures are re-computed over the same edges (a stamp of 200 resources: about 60 graph
    re-builds before, each a few milliseconds). A fix that adds or removes a step re-builds the graph."""

    def __init__(self, args: GraphArgs, gaps: list[Finding]) -> None:
        """args: what build_graph takes (stamp, resources, findings, declared, capabilities, controls)."""
        self.args = args
        stamp, resources, findings, _declared, _caps, controls = args
        self.gaps = gaps
        self.by_id = {c.id: c for c in controls}
        self.by_control: dict[str, list[Finding]] = {}
        for f in findings:
            self.by_control.setdefault(f.control, []).append(f)
        graph = build_graph(*self.args)
        self.order = list(nx.topological_sort(graph))
        self.preds = {n: list(graph.predecessors(n)) for n in self.order}
        self.weights = {n: (d["rto"], d["rpo"]) for n, d in graph.nodes(data=True)}
        self.succs = {n: list(graph.successors(n)) for n in self.order}
        self.best_weights: dict[str, tuple[Figure, Figure]] | None = None  # set by all_fixed, with:
        self.best_shares: dict[str, dict[str, Step]] = {}
        self.best_movers: set[int] = set()
        self.firsts: dict[str, _Firsts] = {}  # per one-step control, for _one_step_changed
        self.from_now: _Changed | None = None  # built when first needed
        self.from_best: _Changed | None = None
        self.steps: dict[str, dict[str, Step]] = {}  # each recovery control's own share of each step
        self.merged_within: set[str] = set()  # controls with two shares of one step: no fast path
        self.owners: dict[str, list[str]] = {}  # step id -> the controls sharing it, in build_graph's order
        for c in controls:
            if c.recovery:
                made = _steps(c, self.by_control.get(c.id, []), resources, stamp["primary_region"])
                own = {st.id: st for st in made}
                if len(own) < len(made):  # two findings of one resource: build_graph merges them, re-build
                    self.merged_within.add(c.id)
                self.steps[c.id] = own
                for sid in own:
                    self.owners.setdefault(sid, []).append(c.id)

    def __call__(self, fixed: set[int]) -> tuple[Figure, Figure]:
        if not fixed:
            return self._values(self.weights)
        weights = self._weights_for(fixed)
        return self.rebuilt(fixed) if weights is None else self._values(weights)

    def all_fixed(self, movers: set[int]) -> tuple[Figure, Figure]:
        """The figures with every movable gap fixed; their weights are kept for all_but."""
        shares = self._shares_for(movers)
        if shares is None:
            return self.rebuilt(movers)
        self.best_shares, self.best_movers, self.firsts, self.from_best = shares, movers, {}, None
        self.best_weights = self._weights_from(shares)
        return self._values(self.best_weights)

    def alone(self, i: int) -> tuple[Figure, Figure]:
        """The figures with gap i alone fixed."""
        changed = self._changed_step(i, others_fixed=False)
        if changed is None:
            return self({i})
        self.from_now = self.from_now or _Changed(self, self.weights)
        return self.from_now.figures(*changed)

    def all_but(self, i: int, movers: set[int]) -> tuple[Figure, Figure]:
        """The figures with every movable gap but i fixed (after all_fixed)."""
        if self.best_weights is None or movers is not self.best_movers:  # identity: a set compare per gap is O(n)
            return self(movers - {i})
        changed = self._changed_step(i, others_fixed=True)
        if changed is None:
            return self(movers - {i})
        self.from_best = self.from_best or _Changed(self, self.best_weights)
        return self.from_best.figures(*changed)

    def _changed_step(self, i: int, others_fixed: bool) -> tuple[str, tuple[Figure, Figure]] | None:
        """The one step gap i's fix changes and its weights, with the other movable gaps as found (alone)
        or fixed (all_but); None when the fix changes more than one step's weights."""
        one = self._single_step(i)
        if one is None:
            return self._one_step_changed(i, others_fixed)
        sid, unfixed, fixed = one
        return sid, unfixed if others_fixed else fixed

    def _one_step_changed(self, i: int, others_fixed: bool) -> tuple[str, tuple[Figure, Figure]] | None:
        """For a gap of a control with one step (the network step, say): the step and its weights with the
        gap fixed alone (or with every movable gap fixed but this one), from the first finding of each
        status on either side (_one_step_mechanism needs no more), merged with the other controls' shares.
        Walking the control's thousands of findings for each gap made fix first quadratic."""
        cid = self.gaps[i].control
        control = self.by_id[cid]
        rec = control.recovery
        own = self.steps.get(cid, {})
        if rec is None or rec.per_resource or len(own) != 1 or cid in self.merged_within:
            return None
        (sid,) = own
        findings = self.by_control[cid]
        firsts = self._firsts(cid)
        p = firsts.position[id(self.gaps[i])]
        if others_fixed:  # left as found: the findings that are no movable gap, and this one
            kept = [*firsts.of_others.values(), p]
            fixed = [q for q in firsts.movers[:2] if q != p][:1]
        else:
            kept = [next(q for q in qs if q != p) for qs in firsts.of_all.values() if any(q != p for q in qs)]
            fixed = [p]
        witnesses = sorted([(q, findings[q]) for q in kept] + [(q, _fixed(findings[q], control)) for q in fixed])
        chosen = [f for _q, f in witnesses if f.status in rec.when]
        if not chosen and rec.lists not in ("primary", "all"):
            return None  # the step goes away with this fix: the graph's steps change
        has_resources = bool(own[sid].resources) or rec.lists not in ("primary", "all")
        mechanism = _one_step_mechanism(rec, chosen, has_resources)
        shares = self.best_shares if others_fixed else self.steps
        owned = [
            Step(sid, "", mechanism, rec.phase, recovery=rec) if o == cid else shares[o][sid] for o in self.owners[sid]
        ]
        return sid, _slowest_weights(owned, self.args[4])

    def _firsts(self, cid: str) -> _Firsts:
        """The control's first findings of each status, once (after all_fixed, whose movers they need)."""
        if cid not in self.firsts:
            findings = self.by_control[cid]
            position = {id(f): q for q, f in enumerate(findings)}
            movers = sorted(position[id(self.gaps[j])] for j in self.best_movers if self.gaps[j].control == cid)
            moving = set(movers)
            of_all: dict[str, list[int]] = {}
            of_others: dict[str, int] = {}
            for q, f in enumerate(findings):
                if len(of_all.setdefault(f.status, [])) < 2:
                    of_all[f.status].append(q)
                if q not in moving:
                    of_others.setdefault(f.status, q)
            self.firsts[cid] = _Firsts(position, of_all, of_others, movers)
        return self.firsts[cid]

    def _single_step(self, i: int) -> tuple[str, tuple[Figure, Figure], tuple[Figure, Figure]] | None:
        """For a gap whose control makes one step per resource and whose step exists fixed or not: the
        step and its weights unfixed and fixed (the only weights its fix changes)."""
        f = self.gaps[i]
        control = self.by_id[f.control]
        rec = control.recovery
        if rec is None or not rec.per_resource or f.resource_type in NOT_RESOURCES or f.control in self.merged_within:
            return None
        fixed = _fixed(f, control)
        sid = f"{rec.step}:{f.resource.lower()}"
        if f.status not in rec.when or fixed.status not in rec.when or len(self.owners.get(sid, [])) != 1:
            return None
        caps = self.args[4]

        def weights(finding: Finding) -> tuple[Figure, Figure]:
            return _weights(Step(sid, "", _mechanism(rec, finding), rec.phase, recovery=rec), caps)

        return sid, weights(f), weights(fixed)

    def _weights_for(self, fixed: set[int]) -> dict[str, tuple[Figure, Figure]] | None:
        """The weights with the gaps fixed, or None when the fix changes the graph's steps."""
        shares = self._shares_for(fixed)
        return None if shares is None else self._weights_from(shares)

    def _shares_for(self, fixed: set[int]) -> dict[str, dict[str, Step]] | None:
        """Each control's share of each step with the gaps fixed, or None when the fix changes the steps."""
        stamp, resources, _findings, _declared, _caps, _controls = self.args
        fixed_ids = {id(self.gaps[i]) for i in fixed}
        shares = dict(self.steps)
        for cid in {self.gaps[i].control for i in fixed}:
            control = self.by_id[cid]
            if control.recovery is None:
                continue
            if cid in self.merged_within:
                return None
            changed = [_fixed(f, control) if id(f) in fixed_ids else f for f in self.by_control.get(cid, [])]
            own = {st.id: st for st in _steps(control, changed, resources, stamp["primary_region"])}
            if own.keys() != self.steps[cid].keys():
                return None
            shares[cid] = own
        return shares

    def _weights_from(self, shares: dict[str, dict[str, Step]]) -> dict[str, tuple[Figure, Figure]]:
        """The graph's weights with these shares: a step two controls share (the network step of
        DR-NET-01..04) is merged again from every owner's share."""
        weights = dict(self.weights)
        for sid in {sid for cid in shares if shares[cid] is not self.steps[cid] for sid in shares[cid]}:
            weights[sid] = _slowest_weights([shares[cid][sid] for cid in self.owners[sid]], self.args[4])
        return weights

    def rebuilt(self, fixed: set[int]) -> tuple[Figure, Figure]:
        """The figures from a graph built anew with the gaps fixed (the reference the fast path matches)."""
        stamp, resources, findings, declared, caps, controls = self.args
        fixed_ids = {id(self.gaps[i]) for i in fixed}
        changed = [_fixed(f, self.by_id[f.control]) if id(f) in fixed_ids else f for f in findings]
        graph = build_graph(stamp, resources, changed, declared, caps, controls)
        return critical_path(graph)[0], worst_rpo(graph)[0]

    def _values(self, weights: dict[str, tuple[Figure, Figure]]) -> tuple[Figure, Figure]:
        """Longest path to "restored" (the RTO: its value does not depend on which of equally long paths
        is reported) and the worst RPO of the stateful steps."""
        finish: dict[str, Figure] = {}
        for node in self.order:
            start: Figure = 0
            for p in self.preds[node]:
                if _rank(finish[p]) > _rank(start):
                    start = finish[p]
            finish[node] = _plus(start, weights[node][0])
        rpo: Figure = 0
        stateful = [w[1] for w in weights.values() if w[1] is not None]
        for value in stateful:
            rpo = _worse(rpo, value)
        return finish["restored"], rpo if stateful else 0


def _key(figures: tuple[Figure, Figure]) -> tuple[tuple[int, int], tuple[int, int]]:
    """Worse RTO first, then worse RPO: larger is worse."""
    return _rank(figures[0]), _rank(figures[1])


def _fixed(finding: Finding, control: Control) -> Finding:
    """The finding as if its gap were fixed: passing, with the mechanism a pass gives."""
    rec = control.recovery
    if rec is None:
        return replace(finding, status="pass")
    if isinstance(rec.mechanism, dict):
        mechanism = rec.mechanism.get("pass")
    elif rec.mechanism == "finding":
        mechanism = control.mechanism
    else:
        mechanism = rec.mechanism
    return replace(finding, status="pass", mechanism=mechanism)


def _achieved(estimate: dict[str, Any], drill: dict[str, Any] | None) -> dict[str, Any]:
    """What the verdict is judged on, with the estimate and a fresh drill's measurement side by side.
    A measurement outranks estimated figures, which are typical (Microsoft's) or assumed values; but
    where the estimate is unbounded, a step has no path through the secondary at all (a store with no
    cross-region copy), so the drill predates the current setup or did not exercise that step, and the
    worse figure, the estimate's, counts."""
    achieved: dict[str, Any] = {
        "rto_minutes": estimate["rto_minutes"],
        "rpo_minutes": estimate["rpo_minutes"],
        "source": "estimate",
        "estimated": {"rto_minutes": estimate["rto_minutes"], "rpo_minutes": estimate["rpo_minutes"]},
        "measured": None,
    }
    if not drill or drill["stale"]:
        return achieved
    measured = drill["measured"]
    achieved["measured"] = {**measured, "date": drill["date"]}
    from_estimate = False
    for figure in ("rto_minutes", "rpo_minutes"):
        if estimate[figure] == UNBOUNDED:
            achieved[figure], from_estimate = estimate[figure], True
        else:
            achieved[figure] = measured[figure]
    date = drill["date"]
    achieved["source"] = f"estimate, worse than the drill {date}" if from_estimate else f"drill {date}"
    return achieved


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
    """The newest drill with measurements that counts: an observed run alone measures nothing, and a
    record its day's Chaos Studio runs contradict does not count (scanner/drills.py)."""
    drills = [d for d in declared.get("drills") or [] if d.get("measured") and not d.get("contradicted_by")]
    if not drills:
        return None
    latest = drills[0]
    return latest | {"stale": latest["age_days"] > declared.get("drill_interval_days", 90)}


def recovery_findings(
    stamp: dict[str, Any],
    recovery: dict[str, Any],
    findings: list[Finding],
    policies: Policies,
    resources: list[dict[str, Any]],
) -> list[Finding]:
    """The recovery graph's findings, for the controls whose METADATA says the graph evaluates them:
    achievable RPO/RTO against the targets, and single points of failure."""
    out: list[Finding] = []
    reasons = {c.id: c.spof for c in policies.controls if c.spof}
    for control in policies.controls:
        if control.evaluated_by == "recovery-targets":
            out.append(_target_finding(control, stamp, recovery, resources))
        elif control.evaluated_by == "recovery-spof":
            out += spof_findings(control, stamp["name"], recovery, findings, reasons)
    return out


def _target_finding(
    control: Control, stamp: dict[str, Any], recovery: dict[str, Any], resources: list[dict[str, Any]]
) -> Finding:
    achieved, targets, meets = recovery["achieved"], stamp["targets"], recovery["meets"]
    parts = [
        f"{name.upper()} {format_minutes(achieved[f'{name}_minutes'])} "
        f"(target {format_minutes(targets[f'{name}_minutes'])})"
        for name in ("rto", "rpo")
    ]
    source = achieved["source"]
    basis = "estimated" if source == "estimate" else f"measured in the {source}"
    if source.startswith("estimate, worse"):
        measured = achieved["measured"]
        basis = (
            f"estimated; the drill of {measured['date']} measured RTO {format_minutes(measured['rto_minutes'])}, "
            f"RPO {format_minutes(measured['rpo_minutes'])}, but predates the current setup or did not exercise "
            + ", ".join(s["label"] for s in _beyond_drill(recovery))
        )
    status = "fail" if False in meets.values() else "unknown" if None in meets.values() else "pass"
    missed = " misses its target" if status == "fail" else ""
    message = f"{', '.join(parts)}, {basis}{missed}; critical path: " + " -> ".join(
        s["label"] for s in recovery["estimate"]["rto_path"]
    )
    if not resources:
        status, message = (
            "unknown",
            f"Stamp {stamp['name']} has no resources in the snapshot: its selector matched nothing",
        )
    return new_finding(
        control,
        stamp["name"],
        stamp_ref(stamp["name"]),
        status,
        message,
        evidence={"achieved": achieved, "targets": targets},
        declared=source.startswith("drill"),
    )


def _beyond_drill(recovery: dict[str, Any]) -> list[dict[str, Any]]:
    """The steps no drill can have carried out: those without a path through the secondary."""
    return [s for s in recovery["steps"] if UNBOUNDED in (s["rto_minutes"], s["rpo_minutes"])] or recovery["estimate"][
        "rto_path"
    ]


def spof_findings(
    control: Control,
    stamp_name: str,
    recovery: dict[str, Any],
    findings: list[Finding],
    reasons: dict[str, str],
) -> list[Finding]:
    """Single points of failure as findings (a pass for the stamp when there are none)."""
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
        (f.resource, f.resource_name, reasons[f.control])
        for f in findings
        if f.control in reasons and f.status == "fail"
    ]
    if not spofs:
        message = "Every recovery step has a path through the secondary region"
        return [new_finding(control, stamp_name, stamp_ref(stamp_name), "pass", message)]
    reasons_of: dict[tuple[str, str], list[str]] = {}
    for rid, name, why in sorted(set(spofs)):
        reasons_of.setdefault((rid, name), []).append(why)
    return [
        new_finding(
            control,
            stamp_name,
            {"id": rid, "name": name, "type": "spof"},
            "fail",
            f"Single point of failure: {'; '.join(whys)}; recovery cannot route around it",
        )
        for (rid, name), whys in reasons_of.items()
    ]
