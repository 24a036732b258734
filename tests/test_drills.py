"""Observed drills (Chaos Studio experiment runs) and `drready drill plan`, on Microsoft's published
Chaos Studio bodies (tests/published/chaos) and the demo estate."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scanner.drills import EXECUTIONS, drill_plan, faults, merged, observed_drills, targets, with_observed
from scanner.pipeline import evaluate, load_inputs

from .conftest import DEMO, POLICIES, run_cli

CHAOS = Path(__file__).parent / "published" / "chaos" / "2025-01-01"
TODAY = date(2026, 11, 30)


def published(name: str) -> Any:
    doc = json.loads((CHAOS / "examples" / name).read_text(encoding="utf-8"))
    return doc["responses"]["200"]["body"]


def created() -> dict[str, Any]:
    """Microsoft's CreateOrUpdate example: a virtualMachine:shutdown fault on exampleVM."""
    return published("Experiments_CreateOrUpdate.json")


def vm_of(experiment: dict[str, Any], location: str = "centralus") -> dict[str, Any]:
    target = experiment["properties"]["selectors"][0]["targets"][0]["id"]
    vm_id = target.split("/providers/Microsoft.Chaos/")[0]
    return {"id": vm_id, "name": "exampleVM", "type": "microsoft.compute/virtualmachines", "location": location}


def runs() -> list[dict[str, Any]]:
    return published("Experiments_ListAllExecutions.json")["value"]


def test_targets_and_faults_are_read_from_the_published_experiments() -> None:
    experiment = created()
    assert targets(experiment) == [vm_of(experiment)["id"].lower()]
    assert faults(experiment) == ["virtualmachine:shutdown"]
    # Experiments_Get uses a placeholder provider URN (urn:csci:provider:...): not a Microsoft fault.
    assert faults(published("Experiments_Get.json")) == []
    for broken in ({}, {"properties": None}, {"properties": {"selectors": "x", "steps": [None, {"branches": 3}]}}):
        assert targets(broken) == [] and faults(broken) == []


def test_published_runs_become_observed_region_failover_drills() -> None:
    experiment = created()
    observed = observed_drills(
        [experiment], {experiment["id"]: {EXECUTIONS: runs()}}, [vm_of(experiment)], "centralus", TODAY
    )
    assert observed["unread"] == []
    assert {(r["date"], r["status"], r["scenario"]) for r in observed["runs"]} == {
        (r["properties"]["startedAt"][:10], r["properties"]["status"], "region-failover") for r in runs()
    }
    assert all(r["age_days"] == (TODAY - date.fromisoformat(r["date"])).days for r in observed["runs"])


def test_an_experiment_whose_runs_were_not_read_is_unread_not_absent() -> None:
    experiment = created()
    observed = observed_drills([experiment], {}, [vm_of(experiment)], "centralus", TODAY)
    assert observed == {"runs": [], "unread": ["exampleExperiment"]}


@pytest.mark.parametrize(
    "executions",
    [
        "not a list",
        [{"properties": {"startedAt": "2026-13-45T00:00:00Z", "status": "success"}}],
        [{"properties": "success"}],
        [None],
    ],
)
def test_runs_drready_cannot_read_leave_the_experiment_unread(executions: Any) -> None:
    experiment = created()
    children = {experiment["id"]: {EXECUTIONS: executions}}
    observed = observed_drills([experiment], children, [vm_of(experiment)], "centralus", TODAY)
    assert observed == {"runs": [], "unread": ["exampleExperiment"]}


@pytest.mark.parametrize(
    ("location", "tags", "scenario"),
    [
        ("eastus2", {}, None),  # an outage in the secondary rehearses nothing about losing the primary
        ("eastus2", {"drready-scenario": "region-failover"}, "region-failover"),  # the tag says what it is
        ("centralus", {"drready-scenario": "degraded-mode", "drready-mode": "read-only"}, "degraded-mode"),
        ("centralus", {"drready-scenario": "something-else"}, "region-failover"),  # unknown tag: the faults decide
    ],
)
def test_what_an_experiment_rehearses(location: str, tags: dict[str, str], scenario: str | None) -> None:
    experiment = created() | {"tags": tags}
    children = {experiment["id"]: {EXECUTIONS: runs()}}
    observed = observed_drills([experiment], children, [vm_of(experiment, location)], "centralus", TODAY)
    assert {r["scenario"] for r in observed["runs"]} == ({scenario} if scenario else set())


def test_an_experiment_of_another_stamp_or_without_a_fault_that_takes_anything_out_is_ignored() -> None:
    experiment = created()
    other = {"id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.Web/sites/z", "location": "centralus"}
    assert observed_drills([experiment], {}, [other], "centralus", TODAY) == {"runs": [], "unread": []}
    latency = copy.deepcopy(experiment)
    latency["properties"]["steps"][0]["branches"][0]["actions"][0]["name"] = (
        "urn:csci:microsoft:agent:networkLatency/1.1"
    )
    assert observed_drills([latency], {}, [vm_of(experiment)], "centralus", TODAY) == {"runs": [], "unread": []}


def record(day: str, mode: str | None = None) -> dict[str, Any]:
    age = (TODAY - date.fromisoformat(day)).days
    return {"date": day, "age_days": age, "scenario": "degraded-mode", "mode": mode, "measured": {"rto_minutes": 5}}


def run(day: str, status: str, mode: str | None = None) -> dict[str, Any]:
    age = (TODAY - date.fromisoformat(day)).days
    return {
        "experiment": "e1",
        "scenario": "degraded-mode",
        "mode": mode,
        "date": day,
        "age_days": age,
        "status": status,
    }


def test_observed_outranks_declared_on_the_same_day_and_mode() -> None:
    drills = merged(
        [record("2026-11-01", "read-only"), record("2026-10-01", "cached-answers")],
        [run("2026-11-01", "failed", "read-only"), run("2026-10-01", "success", "read-only")],
        "degraded-mode",
    )
    assert [(d["date"], d["mode"], d["source"], d.get("contradicted_by")) for d in drills] == [
        ("2026-11-01", "read-only", "declared", "Chaos Studio's run of experiment e1 that day failed"),
        # a run of another mode on the day of a record: the record stands, the run is its own drill
        ("2026-10-01", "cached-answers", "declared", None),
        ("2026-10-01", "read-only", "observed", None),
    ]
    assert drills[2]["measured"] is None


def test_a_success_beside_a_failure_on_the_same_day_confirms_the_record() -> None:
    [drill] = merged(
        [record("2026-11-01")], [run("2026-11-01", "failed"), run("2026-11-01", "success")], "degraded-mode"
    )
    assert drill["source"] == "declared and observed" and "contradicted_by" not in drill


def test_a_run_in_progress_neither_confirms_nor_contradicts() -> None:
    [drill] = merged([record("2026-11-01")], [run("2026-11-01", "running")], "degraded-mode")
    assert drill["source"] == "declared" and "contradicted_by" not in drill


def demo_verdicts(folder: Path) -> dict[tuple[str, str], dict[str, Any]]:
    result = evaluate(load_inputs(folder / "drready.yaml", folder / "snapshot.json", POLICIES))
    return {(f["stamp"], f["control"]): f for f in result["findings"] if f["control"] == "DR-OPS-01"}


def test_observed_runs_change_the_demo_verdicts(demo_copy: Path) -> None:
    before = demo_verdicts(demo_copy)
    assert before["storefront", "DR-OPS-01"]["status"] == "pass"
    assert "observed: Chaos Studio experiment chaos-storefront-region" in before["storefront", "DR-OPS-01"]["message"]
    assert (
        "not counted: Chaos Studio's run of experiment chaos-orders-cosmos" in before["orders", "DR-OPS-01"]["message"]
    )
    snapshot = json.loads((demo_copy / "snapshot.json").read_text())
    [storefront_runs] = [
        kinds[EXECUTIONS] for parent, kinds in snapshot["children"].items() if "chaos-storefront" in parent
    ]
    storefront_runs[0]["properties"]["status"] = "cancelled"
    (demo_copy / "snapshot.json").write_text(json.dumps(snapshot))
    after = demo_verdicts(demo_copy)
    assert after["storefront", "DR-OPS-01"]["status"] == "fail"
    assert "2026-10-14 is not counted" in after["storefront", "DR-OPS-01"]["message"]
    for parent, kinds in snapshot["children"].items():
        if "chaos-storefront" in parent:
            del kinds[EXECUTIONS]  # the runs were not read
    (demo_copy / "snapshot.json").write_text(json.dumps(snapshot))
    assert demo_verdicts(demo_copy)["storefront", "DR-OPS-01"]["status"] == "unknown"


# --- drready drill plan ---------------------------------------------------------------------------


def swagger_validator(definition: str) -> jsonschema.Draft4Validator:
    """A validator for one definition of Microsoft's Chaos Studio swagger (openapi.json, 2025-01-01).
    The swagger's own keywords (discriminator, x-ms-*) are ignored by JSON Schema; its external
    common-types references are not vendored, so the definitions used here are the local ones."""
    spec = json.loads((CHAOS / "openapi.json").read_text(encoding="utf-8"))
    schema = {"$ref": f"#/definitions/{definition}", "definitions": spec["definitions"]}
    return jsonschema.Draft4Validator(schema)


def subtype(base: str, value: str) -> str:
    """The swagger definition of a polymorphic type for its discriminator value (x-ms-discriminator-value)."""
    spec = json.loads((CHAOS / "openapi.json").read_text(encoding="utf-8"))
    [name] = [
        n
        for n, d in spec["definitions"].items()
        if d.get("x-ms-discriminator-value") == value and {"$ref": f"#/definitions/{base}"} in d.get("allOf", [])
    ]
    return name


def assert_valid_experiment(body: dict[str, Any]) -> None:
    assert isinstance(body["location"], str) and body["identity"] == {"type": "SystemAssigned"}
    assert all(isinstance(v, str) for v in body["tags"].values())
    swagger_validator("ExperimentProperties").validate(body["properties"])
    assert "provisioningState" not in body["properties"]  # read-only
    selector_ids = set()
    for selector in body["properties"]["selectors"]:
        swagger_validator(subtype("ChaosTargetSelector", selector["type"])).validate(selector)
        selector_ids.add(selector["id"])
    for step in body["properties"]["steps"]:
        for branch in step["branches"]:
            for action in branch["actions"]:
                swagger_validator(subtype("ChaosExperimentAction", action["type"])).validate(action)
                assert action["selectorId"] in selector_ids
    assert len({b["name"] for s in body["properties"]["steps"] for b in s["branches"]}) == sum(
        len(s["branches"]) for s in body["properties"]["steps"]
    )


def test_the_validator_accepts_microsofts_request_and_refuses_what_the_swagger_refuses() -> None:
    doc = json.loads((CHAOS / "examples" / "Experiments_CreateOrUpdate.json").read_text(encoding="utf-8"))
    good = doc["parameters"]["resource"]  # the body Microsoft's example PUTs
    assert_valid_experiment(good)
    body = {k: good[k] for k in ("location", "identity", "tags")}
    bad = copy.deepcopy(good["properties"])
    del bad["steps"][0]["branches"][0]["actions"][0]["duration"]  # a continuous action needs its duration
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_experiment(body | {"properties": bad})
    bad = copy.deepcopy(good["properties"])
    bad["selectors"][0]["targets"][0]["id"] = "/subscriptions/not-a-guid/resourceGroups/r/providers/a.b/c/d"
    with pytest.raises(jsonschema.ValidationError):
        assert_valid_experiment(body | {"properties": bad})


def test_drill_plan_writes_experiments_that_validate_against_the_chaos_studio_swagger(tmp_path: Path) -> None:
    out = tmp_path / "drills"
    result = run_cli("drill", "plan", "--demo", "--stamp", "orders", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "README.md",
        "orders-region-failover.json",
        "orders-zone-down.json",
    ]
    snapshot = json.loads((DEMO / "snapshot.json").read_text())
    ids = {r["id"].lower() for r in snapshot["resources"]}
    for path in out.glob("*.json"):
        body = json.loads(path.read_text())
        assert_valid_experiment(body)
        assert body["tags"]["drready-stamp"] == "orders"
        assert all(t in ids for t in targets(body))  # every target is a resource of the estate
    failover = json.loads((out / "orders-region-failover.json").read_text())
    actions = {b["name"]: b["actions"][0] for b in failover["properties"]["steps"][0]["branches"]}
    assert actions["cosmos-orders-cus"]["name"] == "urn:csci:microsoft:cosmosDB:failover/1.0"
    assert actions["cosmos-orders-cus"]["parameters"] == [{"key": "readRegion", "value": "East US 2"}]
    zone = json.loads((out / "orders-zone-down.json").read_text())
    spec = json.loads(zone["properties"]["steps"][0]["branches"][0]["actions"][0]["parameters"][0]["value"])
    assert spec["selector"]["nodeSelectors"] == {"topology.kubernetes.io/zone": "centralus-1"}
    readme = (out / "README.md").read_text()
    assert "orders-zone-down.json" in readme and "Degraded modes are not planned" in readme


def test_a_planned_experiment_that_ran_counts_as_an_observed_drill_of_its_stamp(tmp_path: Path) -> None:
    inputs = load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES)
    result = evaluate(inputs)
    stamp = next(s for s in result["stamps"] if s["name"] == "storefront")
    resources = [r for r in inputs.snapshot.resources if r.get("tags", {}).get("workload") == "storefront"]
    plans, skipped = drill_plan(stamp, resources, {"centralus": {"display": "Central US", "zones": True}})
    body = plans["storefront-region-failover.json"]
    assert {b["name"] for b in body["properties"]["steps"][0]["branches"]} == {
        "app-storefront-admin-cus",
        "app-storefront-api-cus",
    }
    assert any("stnwstorefrontuicus" in s and "no fault" in s for s in skipped)
    experiment = body | {"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Chaos/experiments/p", "name": "p"}
    execution = {"properties": {"startedAt": "2026-11-28T10:00:00Z", "status": "Success"}}
    observed = observed_drills(
        [experiment], {experiment["id"]: {EXECUTIONS: [execution]}}, resources, "centralus", TODAY
    )
    merged_in = with_observed({"drills": [], "degraded_mode_drills": []}, observed)
    assert [(d["source"], d["observed_by"], d["age_days"]) for d in merged_in["drills"]] == [("observed", "p", 2)]


def test_drill_plan_for_an_unknown_stamp_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "drills"
    result = run_cli("drill", "plan", "--demo", "--stamp", "nope", "--out", str(out), "-q")
    assert result.exit_code == 2 and "no stamp named 'nope'" in result.output
    assert not out.exists()
