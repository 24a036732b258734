"""Fail closed, for every control: a property a control reads, deleted or set to null, never turns its
verdict into a pass and never breaks the evaluation.

Generated from the case tables: for every case where a control passes or fails a resource, each
property path of that resource (and of its child resources and its counterpart) whose keys the policies
name is deleted, then nulled, and the case evaluated again on the embedded engine. A path counts as read
when the mutation changes the resource's status or message. Then:

- a failing resource never passes;
- a passing resource that the mutation changed no longer passes;
- unless the control's METADATA lists the path under custom.absent_ok with the reason: a property whose
  absence means what ARM means by it (disableGateway absent is false) or that Microsoft recommends
  omitting (Azure Firewall's zone list);
- no mutation makes the engine fail (an unexpected null is unknown, never a crash).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest

from scanner.engine.projection import Projection
from scanner.errors import EngineError

from .test_controls import engine, policies, tables

Path_ = tuple[str | int, ...]
SKIP = {"id", "type", "name"}  # identity: a resource without them is refused when the snapshot is loaded


@cache
def named_keys() -> frozenset[str]:
    return Projection.of(policies().modules.values()).keys


def paths(value: Any, prefix: Path_ = ()) -> Iterator[Path_]:
    """Every key path under `value` whose keys the policies name (list items by index)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if not prefix and key in SKIP:
                continue
            if key in named_keys() or key == "tags" or prefix[:1] == ("tags",):
                yield (*prefix, key)
                yield from paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from paths(item, (*prefix, i))


def mutated(doc: Any, path: Path_, how: str) -> Any:
    out = copy.deepcopy(doc)
    node = out
    for key in path[:-1]:
        node = node[key]
    if how == "delete":
        del node[path[-1]]
    else:
        node[path[-1]] = None
    return out


def targets(case: dict[str, Any]) -> Iterator[tuple[str, Path_]]:
    """(judged resource id, path in the case input) of what a mutation may touch: the judged resources,
    their child resources and their counterparts."""
    inp = case["input"]
    by_id = {r["id"].lower(): i for i, r in enumerate(inp.get("resources", []))}
    partner = {p["primary"].lower(): p.get("secondary") for p in inp.get("pairs", [])}
    for rid, expect in case["expect"].items():
        if expect["status"] not in ("pass", "fail") or rid.lower() not in by_id:
            continue
        places = [("resources", by_id[rid.lower()])]
        if partner.get(rid.lower()) and partner[rid.lower()].lower() in by_id:
            places.append(("resources", by_id[partner[rid.lower()].lower()]))
        for where in places:
            for p in paths(inp[where[0]][where[1]]):
                yield rid, (*where, *p)
        for kind, items in (inp.get("children", {}).get(rid.lower()) or {}).items():
            for i, item in enumerate(items):
                for p in paths(item):
                    yield rid, ("children", rid.lower(), kind, i, *p)


def verdict_of(results: list[dict[str, Any]], rid: str) -> tuple[str, str] | None:
    found = [r for r in results if r["resource"].lower() == rid.lower()]
    return (found[0]["status"], found[0]["message"]) if found else None


def cases_with_verdicts() -> list[tuple[str, str]]:
    out = []
    for cid, table in sorted(tables().items()):
        for name, case in sorted(table.items()):
            if any(e["status"] in ("pass", "fail") for e in case["expect"].values()):
                out.append((cid, name))
    return out


def absent_ok(control_id: str) -> dict[str, str]:
    control = policies().control(control_id)
    return dict(control.absent_ok) if control else {}


def allowed(path: Path_, allow: dict[str, str]) -> bool:
    """The mutated path is (under, or the parent of) a property the control's METADATA accepts absent."""
    start = 4 if path[0] == "children" else 2
    dotted = ".".join(str(p) for p in path[start:] if not isinstance(p, int))
    return any(dotted == a or dotted.startswith(a + ".") or a.startswith(dotted + ".") for a in allow)


@pytest.mark.parametrize(("control_id", "case_name"), cases_with_verdicts())
def test_a_missing_or_null_property_never_passes_and_never_crashes(control_id: str, case_name: str) -> None:
    case = tables()[control_id][case_name]
    control = policies().control(control_id)
    original = engine().evaluate([control], case["input"])[control_id]
    assert not isinstance(original, EngineError), original
    allow = absent_ok(control_id)
    problems = []
    for rid, path in targets(case):
        before = verdict_of(original, rid)
        for how in ("delete", "null"):
            outcome = engine().evaluate([control], mutated(case["input"], path, how))[control_id]
            where = f"{how} {'.'.join(map(str, path))}"
            if isinstance(outcome, EngineError):
                problems.append(f"{where}: engine error {outcome}")
                continue
            after = verdict_of(outcome, rid)
            if after is None or before is None or after == before or after[0] != "pass":
                continue  # no result (unknown in the pipeline), unchanged, or no longer a pass
            if allowed(path, allow):
                continue  # a property whose absence the control accepts, for the reason its METADATA gives
            if before[0] == "fail":
                problems.append(f"{where}: a failing resource now passes: {after[1]}")
            else:
                problems.append(f"{where}: still passes though the control read it: {after[1]}")
    assert problems == [], "\n".join(problems[:20])
