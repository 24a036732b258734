"""Azure regions: names, pairs, zone support and the tokens resource names use for them.

The table is the policies' own data document (policies/lib/regions/data.json, or that of --policies
DIR), so Python's pairing and the Rego controls read one source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scanner.catalogue import Policies


def norm_region(location: Any) -> str:
    """'East US 2' / 'eastus2' / 'EastUS2' -> 'eastus2'."""
    return str(location or "").replace(" ", "").lower()


@dataclass(frozen=True)
class RegionTable:
    regions: dict[str, dict[str, Any]]

    @classmethod
    def of(cls, policies: Policies) -> RegionTable:
        return cls(dict(((policies.data.get("lib") or {}).get("regions") or {}).get("regions") or {}))

    def pair(self, region: str) -> str | None:
        return self.regions.get(region, {}).get("pair")

    def tokens(self, region: str) -> list[str]:
        """Short names of the region used in resource names (for name-based pairing)."""
        return list(self.regions.get(region, {}).get("aliases", []))
