"""`drready init`: a starter drready.yaml proposed from what an estate holds, every choice commented so
that the person who runs it can check each one.

Stamps come from a workload-like tag when the resources carry one (workload, app, application, service,
stamp, system, project), else from resource-group names with the region token and the rg- prefix taken
off (rg-storefront-cus and rg-storefront-eus2 make one stamp, storefront). A stamp's kind is guessed
from its resource types, its primary region is where most of its resources are, its secondary the region
of most of the rest (else the Azure pair), and its targets follow a tier the user must confirm.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.config import Config, ConfigModel, Regions, Scope, Selector, Stamp, Targets
from scanner.drills import EXPERIMENT_TYPE
from scanner.regions import RegionTable, norm_region
from scanner.stamps import resource_group

WORKLOAD_TAGS = ("workload", "app", "application", "service", "stamp", "system", "project")
# Resource types that decide a stamp's kind, strongest first.
KIND_SIGNS = (
    ("genai", ("microsoft.cognitiveservices/accounts", "microsoft.machinelearningservices/workspaces")),
    ("data", ("microsoft.databricks/workspaces", "microsoft.datafactory/factories", "microsoft.synapse/workspaces")),
    ("kubernetes", ("microsoft.containerservice/managedclusters",)),
)
TARGETS = {  # a starting point per tier, to be replaced by the business's figures
    "mission-critical": ("15m", "1h"),
    "business-critical": ("1h", "4h"),
    "standard": ("4h", "24h"),
}


@dataclass
class Proposal:
    name: str
    selector: dict[str, Any]
    why: str
    resources: list[dict[str, Any]] = field(default_factory=list)


def propose(resources: list[dict[str, Any]], regions: RegionTable) -> list[Proposal]:
    """Stamps for the resources: by workload tag where they have one, by resource-group name for the rest.
    Chaos Studio experiments are no workload: they belong to the stamps they target (scanner/drills.py)."""
    resources = [r for r in resources if str(r.get("type", "")).lower() != EXPERIMENT_TYPE]
    key = _workload_tag(resources)
    proposals: dict[str, Proposal] = {}
    rest = []
    for r in resources:
        value = _tag(r, key) if key else None
        if value:
            name = _slug(value)
            proposals.setdefault(name, Proposal(name, {"tags": {key: value}}, f"resources tagged {key}={value}"))
            proposals[name].resources.append(r)
        else:
            rest.append(r)
    tokens = sorted({t for name in regions.regions for t in (name, *regions.tokens(name))}, key=len, reverse=True)
    by_group: dict[str, list[str]] = {}
    for r in rest:
        group = resource_group(r)
        if group:
            base = _base_name(group, tokens)
            by_group.setdefault(base, [])
            if group not in by_group[base]:
                by_group[base].append(group)
    for base, groups in sorted(by_group.items()):
        name = base if base not in proposals else f"{base}-rg"
        proposal = Proposal(name, {"resource_groups": sorted(groups)}, f"resource groups named like {base}")
        proposal.resources = [r for r in rest if resource_group(r) in groups]
        proposals[name] = proposal
    return [p for _, p in sorted(proposals.items())]


def _workload_tag(resources: list[dict[str, Any]]) -> str | None:
    """The workload-like tag key most resources carry (its spelling as most resources write it)."""
    counts: Counter[str] = Counter()
    spelling: dict[str, Counter[str]] = {}
    for r in resources:
        for k in r.get("tags") or {}:
            if k.lower() in WORKLOAD_TAGS:
                counts[k.lower()] += 1
                spelling.setdefault(k.lower(), Counter())[k] += 1
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], -WORKLOAD_TAGS.index(k)))
    return spelling[best].most_common(1)[0][0]


def _tag(resource: dict[str, Any], key: str) -> str | None:
    tags = resource.get("tags") or {}
    return next((str(v) for k, v in tags.items() if k.lower() == key.lower() and v), None)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "stamp"
    return slug if slug[0].isalnum() else f"s{slug}"


def _base_name(group: str, tokens: list[str]) -> str:
    """rg-storefront-cus -> storefront: the rg prefix and a trailing region token dropped."""
    parts = [p for p in re.split(r"[-_.]", group.lower()) if p]
    if parts and parts[0] in ("rg", "rsg", "resourcegroup"):
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] in tokens:
        parts = parts[:-1]
    return _slug("-".join(parts) or group.lower())


def kind_of(resources: list[dict[str, Any]]) -> tuple[str, str]:
    """The stamp kind its resource types suggest, and why."""
    types = {str(r.get("type", "")).lower() for r in resources}
    for kind, signs in KIND_SIGNS:
        found = sorted(types & set(signs))
        if found:
            return kind, f"it has {', '.join(found)}"
    return "web", "no data, Kubernetes or AI service among its resources"


def regions_of(resources: list[dict[str, Any]], table: RegionTable) -> tuple[str | None, str | None, str]:
    """Primary: the region most of the stamp's resources are in; secondary: the region of most of the
    others, else the Azure pair of the primary."""
    counts = Counter(norm_region(r.get("location")) for r in resources if norm_region(r.get("location")) != "global")
    counts.pop("", None)
    if not counts:
        return None, None, "no resource has a location"
    ranked = counts.most_common()
    primary = ranked[0][0]
    if len(ranked) > 1:
        return primary, ranked[1][0], f"{ranked[0][1]} resources in {primary}, {ranked[1][1]} in {ranked[1][0]}"
    pair = table.pair(primary)
    return primary, pair, f"all in {primary}; " + (f"{pair} is its Azure pair" if pair else "it has no Azure pair")


def starter_yaml(
    resources: list[dict[str, Any]], table: RegionTable, scope: dict[str, Any], source: str
) -> tuple[str, int]:
    """The commented drready.yaml text, and the number of stamps it proposes."""
    proposals = propose(resources, table)
    primaries = Counter()
    lines = [
        f"# A starter drready.yaml that `drready init` proposed from {source}.",
        "# Every choice below is a guess from what the estate holds: check each, then run drready scan.",
        "version: 1",
        "scope:",
    ]
    if scope.get("tenant"):
        lines.append(f"  tenant: {_q(scope['tenant'])}")
    lines.append(f"  subscriptions: [{', '.join(_q(s) for s in scope.get('subscriptions') or [])}]")
    body = []
    for p in proposals:
        kind, kind_why = kind_of(p.resources)
        primary, secondary, region_why = regions_of(p.resources, table)
        if primary:
            primaries[primary] += len(p.resources)
        rpo, rto = TARGETS["business-critical"]
        body += [
            f"  - name: {_q(p.name)}  # {p.why} ({len(p.resources)} resources)",
            f"    kind: {kind}  # {kind_why}",
            "    tier: business-critical  # a guess: mission-critical, business-critical or standard",
            f"    targets: {{rpo: {rpo}, rto: {rto}}}  # the tier's starting point: put the business's targets here",
        ]
        if primary:
            body.append(f"    primary_region: {primary}  # {region_why}")
        if secondary:
            body.append(f"    secondary_region: {secondary}")
        body += ["    selector:", *_selector_lines(p.selector)]
    region = primaries.most_common(1)[0][0] if primaries else "eastus"
    lines += [
        "regions:",
        f"  primary: {region}  # where most resources are; each stamp names its own below",
        "stamps:",
        *body,
        "waivers: []",
    ]
    return "\n".join(lines) + "\n", len(proposals)


def _selector_lines(selector: dict[str, Any]) -> list[str]:
    if "tags" in selector:
        ((key, value),) = selector["tags"].items()
        return ["      tags:", f"        {_q(key)}: {_q(value)}"]
    return ["      resource_groups:", *(f"        - {_q(g)}" for g in selector["resource_groups"])]


def _q(value: Any) -> str:
    """A YAML scalar that reads back as the same string whatever it holds."""
    text = str(value)
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", text) and text.lower() not in (
        "yes",
        "no",
        "on",
        "off",
        "true",
        "false",
        "null",
    ):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scope_config(subscriptions: list[str]) -> Config:
    """A drready.yaml in memory that names only a scope, for collecting before there is a real one."""
    placeholder = Stamp(
        name="init", kind="web", targets=Targets(rpo=60, rto=60), selector=Selector(resource_ids=["/init"])
    )
    model = ConfigModel(
        scope=Scope(subscriptions=subscriptions), regions=Regions(primary="eastus"), stamps=[placeholder]
    )
    return Config(Path("--subscription"), model, {})
