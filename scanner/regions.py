"""Azure regions: names, pairs, zone support and the tokens resource names use for them.

Two sources, one table: the policies' own data document (policies/lib/regions/data.json, or that of
--policies DIR), which cites Microsoft's published lists, and what Azure itself says to the scanning
identity (GET /subscriptions/{id}/locations, collected into the snapshot), which wins where it speaks.
Python's pairing reads the merged table, and each stamp's input carries the facts of its regions, so
the Rego controls read the same one.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from scanner.catalogue import Policies


def norm_region(location: Any) -> str:
    """'East US 2' / 'eastus2' / 'EastUS2' -> 'eastus2' (a display name without its spaces is the name)."""
    return str(location or "").replace(" ", "").lower()


@dataclass(frozen=True)
class RegionTable:
    regions: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, policies: Policies, locations: Iterable[dict[str, Any]] = ()) -> RegionTable:
        table = copy.deepcopy(((policies.data.get("lib") or {}).get("regions") or {}).get("regions") or {})
        for location in locations:
            _merge_location(table, location)
        return cls(table)

    def pair(self, region: str) -> str | None:
        return self.regions.get(region, {}).get("pair")

    def tokens(self, region: str) -> list[str]:
        """Short names of the region used in resource names (for name-based pairing)."""
        return list(self.regions.get(region, {}).get("aliases") or [])

    def facts(self, names: Iterable[str]) -> dict[str, dict[str, Any]]:
        """What the controls need to know of these regions: pair, zone support, display name; a region
        the table does not know is left out, so a control that needs it says unknown."""
        out = {}
        for name in sorted(set(names)):
            if name in self.regions:
                known = self.regions[name]
                keys = ("display", "pair", "pair_one_way", "zones", "restricted", "source")
                out[name] = {k: known.get(k) for k in keys}
        return out


def _merge_location(table: dict[str, dict[str, Any]], location: dict[str, Any]) -> None:
    """One entry of ARM's locations list over the shipped facts: its pair (none when ARM lists none or
    the region itself) and, when ARM sends zone mappings at all (api-version 2022-12-01 and later),
    whether the region has zones."""
    name = norm_region(location.get("name"))
    metadata = location.get("metadata") if isinstance(location.get("metadata"), dict) else {}
    if not name or metadata.get("regionType") not in (None, "Physical"):
        return
    entry = table.setdefault(name, {"aliases": []})
    entry["source"] = "arm"
    if isinstance(location.get("displayName"), str):
        entry["display"] = location["displayName"]
    pairs = [norm_region(p.get("name")) for p in metadata.get("pairedRegion") or [] if isinstance(p, dict)]
    if "pairedRegion" in metadata:
        entry["pair"] = next((p for p in pairs if p and p != name), None)
    if "availabilityZoneMappings" in location:
        entry["zones"] = bool(location["availabilityZoneMappings"])
