"""Synthetic estates for benchmarks: N resources across M stamps, from the demo's resources (which are
Microsoft's published ARM example bodies), with a controlled share of gaps.

Each stamp copies the demo stamp of its kind (web, data, kubernetes, genai in turn) with its own names
and tags, children and role assignments, then fills up to N/M resources with extra storage accounts,
Key Vaults and network security groups, a `gap_share` of which fail their controls.

    python benchmarks/synth_estate.py OUT_DIR --resources 100000 --stamps 500
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import shutil
from pathlib import Path
from typing import Any

import yaml

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo"
TEMPLATES = {"web": "storefront", "data": "lakehouse", "kubernetes": "orders", "genai": "assistant"}
KINDS = list(TEMPLATES)


def _renamed(items: Any, old: str, new: str) -> Any:
    return json.loads(json.dumps(items).replace(old, new))


def generate(out: Path, resources: int, stamps: int, gap_share: float = 0.3, seed: int = 7) -> tuple[Path, Path]:
    rng = random.Random(seed)
    demo = json.loads((DEMO / "snapshot.json").read_text())
    config = yaml.safe_load((DEMO / "drready.yaml").read_text())
    by_workload: dict[str, list[dict[str, Any]]] = {}
    for r in demo["resources"]:
        by_workload.setdefault(r["tags"].get("workload", ""), []).append(r)
    per_stamp = max(1, resources // stamps)
    mentions = lambda item, names: any(n in json.dumps(item) for n in names)  # noqa: E731
    global_items = {  # groups and assignments of no one stamp (management groups, shared networks)
        key: [x for x in demo[key] if not mentions(x, TEMPLATES.values())]
        for key in ("resource_groups", "policy_assignments")
    }
    sub, denies = next(iter(demo["deny_assignments"].items()))
    snapshot = {**demo, "resources": [], "children": {}, "authorization": [], **global_items}
    snapshot["deny_assignments"] = {sub: [d for d in denies if not mentions(d, TEMPLATES.values())]}
    config["stamps"], config["waivers"] = [], []
    config["declared"] = {}
    for i in range(stamps):
        kind = KINDS[i % len(KINDS)]
        template = TEMPLATES[kind]
        name = f"{template}{i:04d}"
        # Each stamp's identities get principals of their own, as real managed identities have: a stamp
        # sharing the template's principals would see every other stamp's role assignments.
        principals = _principals(by_workload[template])

        def own(items: Any, template: str = template, name: str = name, principals: set[str] = principals) -> Any:
            return _with_principals(_renamed(items, template, name), principals, int(name[-4:]))

        base = own(by_workload[template])
        ids = {r["id"] for r in by_workload[template]}
        snapshot["children"] |= _renamed({k: v for k, v in demo["children"].items() if k in ids}, template, name)
        snapshot["authorization"] += own(
            [a for a in demo["authorization"] if any(a["properties"]["scope"].startswith(x) for x in ids)]
        )
        for key in ("resource_groups", "policy_assignments"):
            snapshot[key] += _renamed([x for x in demo[key] if mentions(x, [template])], template, name)
        snapshot["deny_assignments"][sub] += _renamed([d for d in denies if mentions(d, [template])], template, name)
        if per_stamp < len(base):  # a small budget: the first resources of the template, both regions
            base = base[:per_stamp]
        snapshot["resources"] += base + _fill(base, name, per_stamp - len(base), gap_share, rng)
        stamp = {
            "name": name,
            "kind": kind,
            "tier": "business-critical",
            "targets": {"rpo": "1h", "rto": "8h"},
            "selector": {"tags": {"workload": name}},
        }
        if kind == "genai":
            stamp["declared"] = {"model_gateway": "model-gateway.yaml"}
        config["stamps"].append(stamp)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copy(DEMO / "model-gateway.yaml", out / "model-gateway.yaml")
    (out / "drready.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (out / "snapshot.json").write_text(json.dumps(snapshot))
    return out / "drready.yaml", out / "snapshot.json"


def _principals(resources: list[dict[str, Any]]) -> set[str]:
    """The principal ids of the resources' own identities (system-assigned, or a user-assigned identity's)."""
    found = {(r.get("identity") or {}).get("principalId") for r in resources}
    found |= {(r.get("properties") or {}).get("principalId") for r in resources}
    return {p for p in found if isinstance(p, str) and len(p) == 36}


def _with_principals(items: Any, principals: set[str], stamp: int) -> Any:
    """The items with each principal id made the stamp's own (its second group replaced by the stamp number)."""
    text = json.dumps(items)
    for p in principals:
        text = text.replace(p, f"{p[:9]}{stamp:04x}{p[13:]}")
    return json.loads(text)


def _fill(
    base: list[dict[str, Any]], stamp: str, count: int, gap_share: float, rng: random.Random
) -> list[dict[str, Any]]:
    """Extra resources of the stamp's own shapes: storage accounts, Key Vaults, security groups."""
    shapes = [
        r
        for r in base
        if r["type"]
        in ("microsoft.storage/storageaccounts", "microsoft.keyvault/vaults", "microsoft.network/networksecuritygroups")
    ]
    shapes = shapes or [base[0]]
    out = []
    for k in range(max(0, count)):
        r = copy.deepcopy(shapes[k % len(shapes)])
        r["name"] = f"x{k:05d}{stamp}cus"[:60]
        r["id"] = r["id"].rsplit("/", 1)[0] + "/" + r["name"]
        r["location"] = "centralus"
        gap = rng.random() < gap_share
        if r["type"] == "microsoft.storage/storageaccounts":
            r["sku"] = {"name": "Standard_LRS" if gap else "Standard_RAGZRS", "tier": "Standard"}
        elif r["type"] == "microsoft.keyvault/vaults":
            r["properties"] = {**r["properties"], "enableSoftDelete": True, "enablePurgeProtection": not gap}
        out.append(r)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--stamps", type=int, default=5)
    parser.add_argument("--gap-share", type=float, default=0.3)
    args = parser.parse_args()
    config, snapshot = generate(args.out, args.resources, args.stamps, args.gap_share)
    print(f"wrote {config} and {snapshot}")


if __name__ == "__main__":
    main()
