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
    swaps: dict[str, str] = field(default_factory=dict)  # primary region token -> the secondary's like it

    @property
    def name(self) -> str:
        return self.stamp.name

    def secondary_name(self, name: str) -> str | None:
        """The name a primary resource's counterpart would have: its region token swapped."""
        for token in sorted(self.swaps, key=len, reverse=True):
            positions = token_positions(name.lower(), token)
            if positions:
                at = positions[-1]
                return name[:at] + self.swaps[token] + name[at + len(token) :]
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
        resolved.append(ResolvedStamp(stamp, primary, secondary, members, pairs, _swaps(primary, secondary, regions)))
    return resolved


def _swaps(primary: str, secondary: str | None, regions: RegionTable) -> dict[str, str]:
    """Each token of the primary region with the secondary's token of the same kind (the full name for
    the full name, the n-th alias for the n-th alias), for proposing a counterpart's name."""
    if not secondary:
        return {}
    aliases = zip(regions.tokens(primary), regions.tokens(secondary), strict=False)
    return {primary: secondary} | {p.lower(): s.lower() for p, s in aliases}


def pair_resources(
    resources: list[dict[str, Any]], primary: str, secondary: str, config: Config, regions: RegionTable
) -> list[dict[str, Any]]:
    """Link each primary-region resource to its secondary counterpart: by the dr-pair tag, else by its
    name with the region token swapped (e.g. app-cus <-> app-eus2), else, when exactly one primary and
    one secondary of a type are left unpaired, those two. A secondary stands in for one primary only:
    tag pairs are made first, then name pairs among the secondaries still free, then the last one."""
    in_secondary: dict[str, list[dict[str, Any]]] = {}
    for r in resources:
        if norm_region(r.get("location")) == secondary:
            in_secondary.setdefault(str(r["type"]).lower(), []).append(r)
    tokens = (
        config.region_tokens(primary, regions.tokens(primary)),
        config.region_tokens(secondary, regions.tokens(secondary)),
    )
    primaries = [r for r in resources if norm_region(r.get("location")) == primary]
    claimed: set[str] = set()
    found: dict[str, tuple[dict[str, Any] | None, str | None]] = {}
    for method in ("tag", "name"):
        for r in primaries:
            if str(r["id"]).lower() in found:
                continue
            free = [c for c in in_secondary.get(str(r["type"]).lower(), []) if str(c["id"]).lower() not in claimed]
            match = _by_tag(r, free) if method == "tag" else _by_name(r, free, *tokens)
            if match is not None or (method == "tag" and tag(r, PAIR_TAG) is not None):
                found[str(r["id"]).lower()] = (match, method if match else None)
                if match is not None:
                    claimed.add(str(match["id"]).lower())
    for rtype, candidates in in_secondary.items():
        left = [r for r in primaries if str(r["type"]).lower() == rtype and str(r["id"]).lower() not in found]
        free = [c for c in candidates if str(c["id"]).lower() not in claimed]
        untagged = [r for r in left if tag(r, PAIR_TAG) is None]
        if len(left) == 1 and len(untagged) == 1 and len(free) == 1 and tag(free[0], PAIR_TAG) is None:
            found[str(left[0]["id"]).lower()] = (free[0], "only")
    pairs = []
    for r in primaries:
        match, method = found.get(str(r["id"]).lower(), (None, None))
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


def _by_tag(resource: dict[str, Any], candidates: list[dict[str, Any]]) -> dict[str, Any] | None:
    value = tag(resource, PAIR_TAG)
    if value is None:
        return None
    return next((c for c in candidates if tag(c, PAIR_TAG) == value), None)


def _by_name(
    resource: dict[str, Any], candidates: list[dict[str, Any]], primary_tokens: list[str], secondary_tokens: list[str]
) -> dict[str, Any] | None:
    name = str(resource.get("name") or "").lower()
    wanted = {
        name[:at] + s + name[at + len(p) :]
        for p in primary_tokens
        for at in token_positions(name, p)
        for s in secondary_tokens
    }
    return next((c for c in candidates if str(c.get("name") or "").lower() in wanted), None)


SEPARATORS = "-_."


def token_positions(name: str, token: str) -> list[int]:
    """Where a region token stands in a resource name as a token, not inside a word: between separators
    (app-cus-01, app-weu), or, in names that cannot have separators (storage accounts, registries), at
    the end or before digits (stappcus, stappcus01). Short tokens such as 'we' or 'ne' thus never match
    inside 'web' or 'network'."""
    bare = not any(ch in SEPARATORS for ch in name)
    out = []
    at = name.find(token)
    while token and at >= 0:
        end = at + len(token)
        left = at == 0 or name[at - 1] in SEPARATORS or bare
        right = end == len(name) or name[end] in SEPARATORS or name[end].isdigit()
        if left and right:
            out.append(at)
        at = name.find(token, at + 1)
    return out
