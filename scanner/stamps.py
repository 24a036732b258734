"""Which resources belong to which stamp, and which secondary resource stands in for each primary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from scanner.config import Config, Stamp
from scanner.regions import RegionTable, norm_region
from scanner.snapshot import Snapshot

PAIR_TAG = "dr-pair"
ROLE_TAG = "drready-role"


@dataclass
class ResolvedStamp:
    stamp: Stamp
    primary_region: str
    secondary_region: str | None
    resources: list[dict[str, Any]] = field(default_factory=list)
    pairs: list[dict[str, Any]] = field(default_factory=list)
    tokens: tuple[list[str], list[str]] = ([], [])  # region tokens of the primary and the secondary

    @property
    def name(self) -> str:
        return self.stamp.name

    def secondary_name(self, name: str) -> str | None:
        """The name a primary resource's counterpart would have: its region token swapped."""
        primary, secondary = self.tokens
        lowered = name.lower()
        for token in primary:
            at = lowered.find(token)
            if at >= 0 and secondary and self.secondary_region:
                # the full region name for a full region name, the shortest token for a short one
                swap = self.secondary_region if token == self.primary_region else secondary[-1]
                return name[:at] + swap + name[at + len(token) :]
        return None


def tag(resource: dict[str, Any], key: str) -> str | None:
    """A tag's value, the key compared case-insensitively (ARM keeps the user's casing)."""
    for k, v in (resource.get("tags") or {}).items():
        if k.lower() == key.lower():
            return None if v is None else str(v)
    return None


def resource_group(resource: dict[str, Any]) -> str:
    if resource.get("resourceGroup"):
        return str(resource["resourceGroup"]).lower()
    parts = str(resource["id"]).split("/")
    lowered = [p.lower() for p in parts]
    if "resourcegroups" in lowered:
        i = lowered.index("resourcegroups")
        if i + 1 < len(parts):
            return parts[i + 1].lower()
    return ""


def matches(selector_stamp: Stamp, resource: dict[str, Any]) -> bool:
    sel = selector_stamp.selector
    rid = str(resource["id"]).lower()
    if rid in {i.lower() for i in sel.resource_ids}:
        return True
    if resource_group(resource) in {g.lower() for g in sel.resource_groups}:
        return True
    return bool(sel.tags) and all(tag(resource, k) == v for k, v in sel.tags.items())


@dataclass
class ResourceIndex:
    """Resources by id, resource group and tag, so that resolving M stamps over N resources costs
    about N + M lookups instead of N x M selector checks."""

    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_group: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    by_tag: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, resources: list[dict[str, Any]]) -> ResourceIndex:
        index = cls()
        for r in resources:
            index.by_id[str(r["id"]).lower()] = r
            index.by_group.setdefault(resource_group(r), []).append(r)
            for k, v in (r.get("tags") or {}).items():
                index.by_tag.setdefault((k.lower(), str(v)), []).append(r)
        return index

    def candidates(self, stamp: Stamp) -> list[dict[str, Any]]:
        """Every resource that might match the selector; matches() decides."""
        sel = stamp.selector
        found = [self.by_id[i.lower()] for i in sel.resource_ids if i.lower() in self.by_id]
        for group in sel.resource_groups:
            found += self.by_group.get(group.lower(), [])
        if sel.tags:
            key, value = next(iter(sel.tags.items()))
            found += self.by_tag.get((key.lower(), value), [])
        return found


def resolve_stamps(config: Config, snapshot: Snapshot, regions: RegionTable) -> list[ResolvedStamp]:
    index = ResourceIndex.of(snapshot.resources)
    resolved = []
    for stamp in config.stamps:
        primary, secondary = config.regions_of(stamp, regions.pair)
        unique = {str(r["id"]).lower(): r for r in index.candidates(stamp) if matches(stamp, r)}
        members = [unique[k] for k in sorted(unique)]
        pairs = pair_resources(members, primary, secondary, config, regions) if secondary else []
        tokens = (
            config.region_tokens(primary, regions.tokens(primary)),
            config.region_tokens(secondary, regions.tokens(secondary)) if secondary else [],
        )
        resolved.append(ResolvedStamp(stamp, primary, secondary, members, pairs, tokens))
    return resolved


def pair_resources(
    resources: list[dict[str, Any]], primary: str, secondary: str, config: Config, regions: RegionTable
) -> list[dict[str, Any]]:
    """Link each primary-region resource to its secondary counterpart: by the dr-pair tag, else by
    its name with the region token swapped (e.g. app-cus <-> app-eus2)."""
    in_secondary: dict[str, list[dict[str, Any]]] = {}
    for r in resources:
        if norm_region(r.get("location")) == secondary:
            in_secondary.setdefault(str(r["type"]).lower(), []).append(r)
    primary_tokens = config.region_tokens(primary, regions.tokens(primary))
    secondary_tokens = config.region_tokens(secondary, regions.tokens(secondary))
    pairs = []
    for r in resources:
        if norm_region(r.get("location")) != primary:
            continue
        candidates = in_secondary.get(str(r["type"]).lower(), [])
        match, method = _counterpart(r, candidates, primary_tokens, secondary_tokens)
        pairs.append(
            {
                "type": str(r["type"]).lower(),
                "primary": r["id"],
                "primary_name": r.get("name"),
                "secondary": match["id"] if match else None,
                "secondary_name": match.get("name") if match else None,
                "method": method,
            }
        )
    return pairs


def _counterpart(
    resource: dict[str, Any],
    candidates: list[dict[str, Any]],
    primary_tokens: list[str],
    secondary_tokens: list[str],
) -> tuple[dict[str, Any] | None, str | None]:
    pair_value = tag(resource, PAIR_TAG)
    if pair_value is not None:
        for c in candidates:
            if tag(c, PAIR_TAG) == pair_value:
                return c, "tag"
        return None, None
    name = str(resource.get("name") or "").lower()
    wanted = {name.replace(p, s) for p in primary_tokens if p in name for s in secondary_tokens}
    for c in candidates:
        if str(c.get("name") or "").lower() in wanted:
            return c, "name"
    return None, None
