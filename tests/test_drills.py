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

from .conftest import DEMO, POLICIES, arm, run_cli

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


STAMP = {"name": "s1", "primary_region": "centralus"}


def observe(experiment: dict[str, Any], executions: Any = None, *, location: str = "centralus") -> dict[str, Any]:
    """observed_drills for one experiment whose runs are `executions` (None: not read)."""
    children = {} if executions is None else {experiment["id"].lower(): {EXECUTIONS: executions}}
    return observed_drills([experiment], children, STAMP, [vm_of(created(), location)], TODAY)


NOTHING = {"runs": [], "unread": {"region-failover": [], "degraded-mode": []}}


def test_published_runs_become_observed_region_failover_drills() -> None:
    observed = observe(created(), runs())
    assert observed["unread"] == NOTHING["unread"]
    assert {(r["date"], r["status"], r["scenario"]) for r in observed["runs"]} == {
        (r["properties"]["startedAt"][:10], r["properties"]["status"], "region-failover") for r in runs()
    }
    assert all(r["age_days"] == (TODAY - date.fromisoformat(r["date"])).days for r in observed["runs"])


def test_an_experiment_whose_runs_were_not_read_is_unread_not_absent() -> None:
    assert observe(created()) == {"runs": [], "unread": {"region-failover": ["exampleExperiment"], "degraded-mode": []}}


@pytest.mark.parametrize(
    "executions",
    [
        "not a list",
        [{"properties": {"startedAt": "2026-13-45T00:00:00Z", "status": "success"}}],
        [{"properties": {"startedAt": "2026-01-01Tjunk", "status": "failed"}}],
        [{"properties": {"status": "success"}}],  # ended, but no start drready can date
        [None],
    ],
)
def test_runs_drready_cannot_read_leave_the_experiment_unread(executions: Any) -> None:
    assert observe(created(), executions)["unread"]["region-failover"] == ["exampleExperiment"]


def test_a_queued_run_is_skipped_and_a_start_is_dated_in_utc() -> None:
    executions = [
        {"properties": {"status": "NotStarted"}},
        {"properties": {"startedAt": "2026-11-20T23:30:00-05:00", "status": "Success"}},  # 04:30 UTC on the 21st
        {"properties": {"startedAt": "2026-11-10T21:52:52.2552574Z", "status": "failed"}},  # ARM's 7-digit fraction
    ]
    observed = observe(created(), executions)
    assert [(r["date"], r["status"]) for r in observed["runs"]] == [("2026-11-21", "success"), ("2026-11-10", "failed")]


def with_action(fault: str, target: dict[str, Any] | None = None, tags: dict[str, str] | None = None) -> dict[str, Any]:
    """Microsoft's published experiment with its one action's fault (and selector target) replaced."""
    experiment = copy.deepcopy(created()) | {"tags": tags or {}}
    experiment["properties"]["steps"][0]["branches"][0]["actions"][0]["name"] = fault
    if target:
        experiment["properties"]["selectors"][0]["targets"][0]["id"] = (
            f"{target['id']}/providers/Microsoft.Chaos/targets/Microsoft-Other"
        )
    return experiment


@pytest.mark.parametrize(
    ("location", "tags", "scenario"),
    [
        ("eastus2", {}, None),  # an outage in the secondary rehearses nothing about losing the primary
        ("eastus2", {"drready-scenario": "region-failover"}, "region-failover"),  # the tag says what it is
        ("centralus", {"drready-scenario": "degraded-mode", "drready-mode": "read-only"}, "degraded-mode"),
        ("centralus", {"drready-scenario": "something-else"}, None),  # a scenario drready does not judge
        ("centralus", {"drready-stamp": "another"}, None),  # tagged for another stamp
    ],
)
def test_what_an_experiment_rehearses(location: str, tags: dict[str, str], scenario: str | None) -> None:
    observed = observe(created() | {"tags": tags}, runs(), location=location)
    assert {r["scenario"] for r in observed["runs"]} == ({scenario} if scenario else set())


@pytest.mark.parametrize(
    "experiment",
    [
        # a network latency, an NSG rule (it may allow) or a Key Vault deny takes no failover
        with_action("urn:csci:microsoft:agent:networkLatency/1.1"),
        with_action("urn:csci:microsoft:networkSecurityGroup:securityRule/1.0"),
        with_action("urn:csci:microsoft:keyVault:denyAccess/1.0"),
        # the outage fault's selector targets a resource of no stamp drready knows
        with_action(
            "urn:csci:microsoft:virtualMachine:shutdown/1.0",
            {"id": "/subscriptions/6b052e15-03d3-4f17-b2e1-be7f07588291/resourceGroups/x/providers/A.B/c/d"},
        ),
        # tagged, but only a delay: it injects nothing
        with_action("urn:csci:microsoft:chaosStudio:timedDelay/1.0", tags={"drready-scenario": "region-failover"}),
    ],
)
def test_experiments_that_rehearse_no_failover_are_ignored(experiment: dict[str, Any]) -> None:
    assert observe(experiment, runs()) == NOTHING


def test_the_stamp_tag_attributes_an_experiment_whose_targets_drready_cannot_see() -> None:
    query = copy.deepcopy(created()) | {"tags": {"drready-stamp": "s1", "drready-scenario": "region-failover"}}
    query["properties"]["selectors"] = [{"type": "Query", "id": "selector1", "queryString": "resources"}]
    assert {r["scenario"] for r in observe(query, runs())["runs"]} == {"region-failover"}
    del query["tags"]["drready-stamp"]
    assert observe(query, runs()) == NOTHING


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


def test_observed_outranks_declared_within_a_day_and_for_the_same_mode() -> None:
    drills = merged(
        [record("2026-11-01", "read-only"), record("2026-10-01", "cached-answers"), record("2026-09-01")],
        [
            run("2026-11-02", "failed", "read-only"),  # a day after the record (a local date)
            run("2026-10-01", "success", "read-only"),  # another mode on a record's day: its own drill
            run("2026-09-01", "success", "cached-answers"),  # a record naming no mode is not a mode's run
            run("2026-08-01", "cancelled", "smaller-model"),  # a failed rehearsal with no record
            run("2026-07-01", "running", "smaller-model"),  # still going: nothing yet
        ],
        "degraded-mode",
    )
    assert [(d["date"], d["mode"], d["source"], d.get("contradicted_by")) for d in drills] == [
        ("2026-11-01", "read-only", "declared", "Chaos Studio's run of experiment e1 on 2026-11-02 failed"),
        ("2026-10-01", "cached-answers", "declared", None),
        ("2026-10-01", "read-only", "observed", None),
        ("2026-09-01", None, "declared", None),
        ("2026-09-01", "cached-answers", "observed", None),
        ("2026-08-01", "smaller-model", "observed", "Chaos Studio's run of experiment e1 on 2026-08-01 cancelled"),
    ]
    assert drills[2]["measured"] is None and drills[2]["observed_by"] == "e1"


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
        "does not count: Chaos Studio's run of experiment chaos-orders-cosmos"
        in before["orders", "DR-OPS-01"]["message"]
    )
    snapshot = json.loads((demo_copy / "snapshot.json").read_text())
    [storefront_runs] = [
        kinds[EXECUTIONS] for parent, kinds in snapshot["children"].items() if "chaos-storefront" in parent
    ]
    storefront_runs[0]["properties"]["status"] = "cancelled"
    (demo_copy / "snapshot.json").write_text(json.dumps(snapshot))
    after = demo_verdicts(demo_copy)
    assert after["storefront", "DR-OPS-01"]["status"] == "fail"
    assert "drill of 2026-10-14 does not count" in after["storefront", "DR-OPS-01"]["message"]
    for parent, kinds in snapshot["children"].items():
        if "chaos-storefront" in parent:
            del kinds[EXECUTIONS]  # the runs were not read
    (demo_copy / "snapshot.json").write_text(json.dumps(snapshot))
    assert demo_verdicts(demo_copy)["storefront", "DR-OPS-01"]["status"] == "unknown"


def test_a_failed_resource_graph_read_leaves_observed_drills_unknown(demo_copy: Path) -> None:
    snapshot = json.loads((demo_copy / "snapshot.json").read_text())
    snapshot["errors"] = [{"source": "resource-graph:resources", "scope": "x", "error": "HTTP 500"}]
    (demo_copy / "snapshot.json").write_text(json.dumps(snapshot))
    verdict = demo_verdicts(demo_copy)["storefront", "DR-OPS-01"]
    assert verdict["status"] == "unknown" and "Resource Graph read of resources failed" in verdict["message"]


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
    assert [b["name"] for b in failover["properties"]["steps"][0]["branches"]] == ["aks-orders-cus"]
    readme = (out / "README.md").read_text()
    # the demo's Cosmos DB account lists one region: no read region to fail over to
    assert "cosmos-orders-cus (microsoft.documentdb/databaseaccounts): the account has no read region" in readme
    zone = json.loads((out / "orders-zone-down.json").read_text())
    spec = json.loads(zone["properties"]["steps"][0]["branches"][0]["actions"][0]["parameters"][0]["value"])
    assert spec["selector"]["nodeSelectors"] == {"topology.kubernetes.io/zone": "centralus-1"}
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
    children = {experiment["id"].lower(): {EXECUTIONS: [execution]}}
    observed = observed_drills(
        [experiment], children, {"name": "storefront", "primary_region": "centralus"}, resources, TODAY
    )
    merged_in = with_observed({"drills": [], "degraded_mode_drills": []}, observed)
    assert merged_in["experiments_unread"] == merged_in["degraded_mode_experiments_unread"] == []
    assert [(d["source"], d["observed_by"], d["age_days"]) for d in merged_in["drills"]] == [("observed", "p", 2)]


def test_drill_plan_for_an_unknown_stamp_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "drills"
    result = run_cli("drill", "plan", "--demo", "--stamp", "nope", "--out", str(out), "-q")
    assert result.exit_code == 2 and "no stamp named 'nope'" in result.output
    assert not out.exists()


def cosmos(locations: list[str], multi_write: bool = False) -> dict[str, Any]:
    """Microsoft's published Cosmos DB account (../shared fixtures) in Central US with these regions."""
    body = copy.deepcopy(arm("documentdb/database-account-get.json"))
    body["properties"]["locations"] = [{"locationName": n, "failoverPriority": i} for i, n in enumerate(locations)]
    body["properties"]["enableMultipleWriteLocations"] = multi_write
    # the example's subscription is "subid"; Chaos Studio's target ids need a real subscription GUID
    real_id = body["id"].replace("ddb1", "cosmos-a").replace("subid", "00000000-0000-0000-0000-000000000000")
    return body | {"location": "Central US", "id": real_id}


def plan_for(resources: list[dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    stamp = {
        "name": "s1",
        "primary_region": "centralus",
        "secondary_region": "eastus2",
        "recovery": {"estimate": {"rto_path": [{"resources": [r["name"] for r in resources]}]}},
    }
    return drill_plan(stamp, resources, {"centralus": {"display": "Central US", "zones": False}})


def test_cosmos_failover_reads_the_accounts_own_name_for_its_secondary_and_skips_what_cannot_fail_over() -> None:
    plans, skipped = plan_for([cosmos(["Central US", "East US 2"])])
    [body] = plans.values()
    assert_valid_experiment(body)
    assert body["properties"]["steps"][0]["branches"][0]["actions"][0]["parameters"] == [
        {"key": "readRegion", "value": "East US 2"}
    ]
    assert skipped == []
    for account, why in (
        (cosmos(["Central US"]), "no read region in the secondary"),
        (cosmos(["Central US", "East US 2"], multi_write=True), "single write region"),
    ):
        plans, [line] = plan_for([account])
        assert plans == {} and why in line


def site(i: int) -> dict[str, Any]:
    sub = "00000000-0000-0000-0000-000000000000"
    name = f"app-{i}"
    return {"id": f"/subscriptions/{sub}/resourceGroups/rg/providers/Microsoft.Web/sites/{name}", "name": name,
            "type": "microsoft.web/sites", "location": "centralus"}  # fmt: skip


def test_more_than_nine_faults_are_split_into_experiments_started_together() -> None:
    plans, _ = plan_for([site(i) for i in range(11)])
    assert sorted(plans) == ["s1-region-failover-2.json", "s1-region-failover.json"]
    assert [len(b["properties"]["steps"][0]["branches"]) for b in plans.values()] == [9, 2]
    for body in plans.values():
        assert_valid_experiment(body)


def test_a_key_vault_alone_is_no_failover_experiment() -> None:
    vault = copy.deepcopy(arm("keyvault/vault-get.json")) | {
        "location": "centralus",
        "type": "microsoft.keyvault/vaults",
    }
    plans, [line] = plan_for([vault])
    assert plans == {} and "alone it rehearses no failover" in line


def test_drill_plan_location_is_a_known_region_in_any_spelling(tmp_path: Path) -> None:
    out = tmp_path / "drills"
    result = run_cli("drill", "plan", "--demo", "--stamp", "orders", "--location", "West US 2", "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert json.loads((out / "orders-region-failover.json").read_text())["location"] == "westus2"
    bad = run_cli("drill", "plan", "--demo", "--stamp", "orders", "--location", "mars-1", "--out", str(tmp_path / "x"))
    assert bad.exit_code == 2 and "'mars-1' is no Azure region drready knows" in bad.output
    assert not (tmp_path / "x").exists()
