"""Live collection through the real Azure SDK clients, against the local emulator on 127.0.0.1."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.transport import HttpRequest

from scanner.catalogue import load_policies
from scanner.collect import CollectOptions, StaticToken, collect_snapshot
from scanner.collect.guard import ReadOnlyPolicy, WriteRefused, allowed
from scanner.config import load_config
from scanner.pipeline import evaluate, load_inputs, stamp_input
from scanner.snapshot import Snapshot, parse_snapshot
from scanner.stamps import resolve_stamps

from .conftest import DEMO, POLICIES, run_cli
from .emulator import ARG_PATH, Emulator

DEMO_SNAPSHOT = json.loads((DEMO / "snapshot.json").read_text())
SUB = DEMO_SNAPSHOT["resources"][0]["subscriptionId"]


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(DEMO_SNAPSHOT, tmp_path) as emu:
        yield emu


def collect(emu: Emulator, config: Path = DEMO / "drready.yaml", **options: Any):
    opts = CollectOptions(endpoint=emu.endpoint, verify=str(emu.cert), retries=options.pop("retries", 2), **options)
    return collect_snapshot(load_config(config), load_policies(POLICIES).collection, StaticToken("emulator"), opts)


def as_of_the_demo(snapshot: Snapshot) -> Snapshot:
    """The snapshot as if collected when the demo's was: the emulator serves the demo's recovery points,
    whose age DR-K8S-03 counts from the collection time."""
    snapshot.collected_at = DEMO_SNAPSHOT["collected_at"]
    return snapshot


def scoped_config(tmp_path: Path, subscriptions: list[str]) -> Path:
    text = (
        (DEMO / "drready.yaml")
        .read_text()
        .replace(f"subscriptions: [{SUB}]", f"subscriptions: {json.dumps(subscriptions)}")
    )
    for f in DEMO.glob("*.yaml"):
        if f.name != "drready.yaml":
            (tmp_path / f.name).write_text(f.read_text())
    (tmp_path / "drready.yaml").write_text(text)
    return tmp_path / "drready.yaml"


def comparable(result: dict[str, Any]) -> tuple[Any, Any]:
    stamps = [{k: s[k] for k in ("name", "verdict", "score", "counts")} for s in result["stamps"]]
    return stamps, result["findings"]


def test_collected_snapshot_scores_exactly_like_the_same_resources_from_a_file(emulator: Emulator) -> None:
    snapshot = collect(emulator)
    assert snapshot.errors == []
    assert len(snapshot.resources) == len(DEMO_SNAPSHOT["resources"])
    assert {k.lower() for k in DEMO_SNAPSHOT["children"]} <= {k.lower() for k in snapshot.children}
    assert len(snapshot.authorization) == len(DEMO_SNAPSHOT["authorization"])
    live = evaluate(load_inputs(DEMO / "drready.yaml", as_of_the_demo(snapshot), POLICIES))
    from_file = evaluate(load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES))
    assert comparable(live) == comparable(from_file)


def test_recovery_points_age_from_the_collection_time(emulator: Emulator) -> None:
    snapshot = collect(emulator)
    cluster = next(r["id"] for r in DEMO_SNAPSHOT["resources"] if r["name"] == "aks-orders-cus")
    vault = next(r["id"] for r in DEMO_SNAPSHOT["resources"] if r["name"] == "bv-orders-cus")
    assert [p["properties"]["recoveryPointTime"] for p in snapshot.children[vault]["recoveryPoints"]] == [
        "2026-11-20T01:52:00Z"
    ]
    snapshot.collected_at = "2026-11-20T06:00:00Z"  # four hours later: beyond orders' 15-minute RPO
    result = evaluate(load_inputs(DEMO / "drready.yaml", snapshot, POLICIES))
    [finding] = [f for f in result["findings"] if f["control"] == "DR-K8S-03" and f["resource"] == cluster]
    assert finding["status"] == "fail" and "248 min old at collection" in finding["message"]


def test_resource_groups_subscriptions_and_policy_assignments_are_collected(emulator: Emulator) -> None:
    snapshot = collect(emulator)
    assert snapshot.resource_groups == DEMO_SNAPSHOT["resource_groups"]
    assert snapshot.subscriptions == DEMO_SNAPSHOT["subscriptions"]
    assert snapshot.policy_assignments == DEMO_SNAPSHOT["policy_assignments"]
    # Management-group assignments (the demo's allowed locations) come back only when asked for: the
    # emulator, like Resource Graph, leaves them out unless authorizationScopeFilter says so.
    assert any("/managementgroups/" in a["id"].lower() for a in snapshot.policy_assignments)
    assert ["2024-04-01"] in [r["query"].get("api-version") for r in emulator.arg_requests()]


def test_a_failed_policy_read_makes_only_the_policy_controls_unknown(emulator: Emulator) -> None:
    emulator.faults.server_error_tables = {"policyresources"}
    snapshot = collect(emulator, retries=0)
    assert [e["source"] for e in snapshot.errors] == ["resource-graph:policyresources"]
    inputs = load_inputs(DEMO / "drready.yaml", snapshot, POLICIES)
    doc = stamp_input(resolve_stamps(inputs.config, snapshot, inputs.regions)[0], inputs, date(2026, 12, 1))
    assert doc["policy_assignments"] is None and doc["resource_groups"] is not None
    result = evaluate(inputs)
    assignment_controls = ("DR-POL-01", "DR-POL-02")  # DR-POL-03 reads deny assignments, from ARM
    statuses = {(f["control"], f["status"]) for f in result["findings"] if f["control"] in assignment_controls}
    assert statuses == {("DR-POL-01", "unknown"), ("DR-POL-02", "unknown")}
    others = [f for f in result["findings"] if "policyresources" in f["message"]]
    assert [f for f in others if f["control"] not in assignment_controls] == []


def test_deny_assignments_are_read_from_arm_per_subscription(emulator: Emulator) -> None:
    snapshot = collect(emulator)
    assert snapshot.deny_assignments == {SUB: DEMO_SNAPSHOT["deny_assignments"][SUB]}
    reads = [r for r in emulator.requests if r["path"].endswith("/providers/microsoft.authorization/denyassignments")]
    assert [(r["method"], r["path"], r["query"]["api-version"]) for r in reads] == [
        ("GET", f"/subscriptions/{SUB}/providers/microsoft.authorization/denyassignments", ["2022-04-01"])
    ]
    result = evaluate(load_inputs(DEMO / "drready.yaml", snapshot, POLICIES))
    statuses = {f["stamp"]: f["status"] for f in result["findings"] if f["control"] == "DR-POL-03"}
    assert statuses["orders"] == "fail" and statuses["storefront"] == "pass"


def test_a_deny_assignment_on_a_parent_the_stamp_does_not_hold_still_reaches_its_child() -> None:
    """The policies are given the deny assignments at or above a stamp resource: a slot's site may be
    outside the stamp's selector, and a stack's deny on it still blocks the slot."""
    group = f"/subscriptions/{SUB}/resourceGroups/rg-storefront-eus2"
    site = f"{group}/providers/Microsoft.Web/sites/app-ghost-eus2"
    slot = {
        "id": f"{site}/slots/blue",
        "name": "app-ghost-eus2/blue",
        "type": "Microsoft.Web/sites/slots",
        "location": "East US 2",
        "resourceGroup": "rg-storefront-eus2",
        "subscriptionId": SUB,
        "tags": {"workload": "storefront", "env": "prod"},
        "properties": {},
    }
    stack = copy.deepcopy(DEMO_SNAPSHOT["deny_assignments"][SUB][1])
    elsewhere = copy.deepcopy(stack) | {"id": "/other"}
    stack["properties"]["scope"] = site
    elsewhere["properties"] = elsewhere["properties"] | {"scope": f"/subscriptions/{SUB}/resourceGroups/rg-elsewhere"}
    data = copy.deepcopy(DEMO_SNAPSHOT) | {"deny_assignments": {SUB: [stack, elsewhere]}}
    data["resources"].append(slot)
    snapshot = parse_snapshot(data, "snapshot.json")
    inputs = load_inputs(DEMO / "drready.yaml", snapshot, POLICIES)
    storefront = next(s for s in resolve_stamps(inputs.config, snapshot, inputs.regions) if s.name == "storefront")
    given = stamp_input(storefront, inputs, date(2026, 12, 1))["deny_assignments"]
    assert [d["properties"]["scope"] for d in given[SUB]] == [site]
    finding = next(
        f for f in evaluate(inputs)["findings"] if f["control"] == "DR-POL-03" and f["stamp"] == "storefront"
    )
    assert finding["status"] == "fail" and "denies writing app-ghost-eus2/blue" in finding["message"]


def test_a_refused_deny_assignment_read_makes_dr_pol_03_unknown_and_nothing_else(emulator: Emulator) -> None:
    path = f"/subscriptions/{SUB}/providers/microsoft.authorization/denyassignments"
    emulator.faults.failing_paths = {path: 403}
    snapshot = collect(emulator, retries=0)
    assert [(e["source"], e["scope"], e["error"][:8]) for e in snapshot.errors] == [
        ("arm:denyAssignments", f"/subscriptions/{SUB}", "HTTP 403")
    ]
    assert snapshot.deny_assignments == {}
    result = evaluate(load_inputs(DEMO / "drready.yaml", as_of_the_demo(snapshot), POLICIES))
    expected = evaluate(load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES))
    before = {(f["control"], f["stamp"], f["resource"], f["status"]) for f in expected["findings"]}
    changed = {
        (f["control"], f["stamp"], f["status"])
        for f in result["findings"]
        if (f["control"], f["stamp"], f["resource"], f["status"]) not in before
        and not f["control"].startswith(("DR-TGT", "DR-SPOF"))
    }
    with_standby = {"orders", "storefront", "lakehouse", "assistant", "copilot"}  # copilot: its egress firewall
    assert changed == {("DR-POL-03", stamp, "unknown") for stamp in with_standby}
    assert all(
        "were not read" in f["message"]
        for f in result["findings"]
        if f["control"] == "DR-POL-03" and f["stamp"] in with_standby
    )


def test_a_failed_container_read_makes_group_placement_unknown(emulator: Emulator) -> None:
    emulator.faults.server_error_tables = {"resourcecontainers"}
    snapshot = collect(emulator, retries=0)
    inputs = load_inputs(DEMO / "drready.yaml", snapshot, POLICIES)
    doc = stamp_input(resolve_stamps(inputs.config, snapshot, inputs.regions)[0], inputs, date(2026, 12, 1))
    assert doc["resource_groups"] is None and doc["management_groups"] == {}
    result = evaluate(inputs)
    reg = [f for f in result["findings"] if f["control"] == "DR-REG-02" and f["resource_type"] == "stamp"]
    assert reg and all(f["status"] in ("unknown", "not_applicable") for f in reg)
    assert any(f["status"] == "unknown" for f in reg)


def test_only_reads_are_sent_and_every_request_is_authorized(emulator: Emulator) -> None:
    collect(emulator)
    assert [r["path"].endswith("/origingroups") for r in emulator.requests].count(True) == 1  # listed once
    assert emulator.requests and all(allowed(r["method"], r["path"]) and r["authorized"] for r in emulator.requests)
    assert {r["method"] for r in emulator.requests} == {"GET", "POST"}
    posts = {r["path"] for r in emulator.requests if r["method"] == "POST"}
    assert all(p == ARG_PATH or p.endswith("/getstatus") for p in posts)


def test_the_guard_refuses_writes_before_they_are_sent() -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        request = PipelineRequest(
            HttpRequest(method, "https://management.azure.com/subscriptions/x?api-version=1"), PipelineContext(None)
        )
        with pytest.raises(WriteRefused):
            ReadOnlyPolicy().on_request(request)
    assert not allowed("POST", "https://management.azure.com/subscriptions/x/providers/Microsoft.Web/sites/a/restart")
    assert allowed(
        "POST", "https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=2022-10-01"
    )


def many_key_vaults(n: int, subscriptions: list[str]) -> dict[str, Any]:
    # Key vaults need no ARM child read (storage accounts do: blobServices): the collection is Resource Graph alone.
    template = next(r for r in DEMO_SNAPSHOT["resources"] if r["name"] == "kv-storefront-cus")
    resources = []
    for i in range(n):
        sub = subscriptions[i % len(subscriptions)]
        r = copy.deepcopy(template)
        r.update(
            id=f"/subscriptions/{sub}/resourceGroups/rg-bulk/providers/Microsoft.KeyVault/vaults/kv{i:06d}",
            name=f"kv{i:06d}",
            subscriptionId=sub,
        )
        resources.append(r)
    return {"resources": resources, "children": {}, "authorization": []}


def test_paging_over_several_pages(tmp_path: Path) -> None:
    with Emulator(many_key_vaults(2500, [SUB]), tmp_path) as emu:
        snapshot = collect(emu)
        pages = [r for r in emu.arg_requests() if r["status"] == 200]
    assert len(snapshot.resources) == 2500 and len({r["id"] for r in snapshot.resources}) == 2500
    assert len(pages) >= 3 + 2  # three pages of resources, then role assignments and subscriptions


def test_more_than_1000_subscriptions_are_split_into_batches(tmp_path: Path) -> None:
    subs = [f"00000000-0000-0000-0000-{i:012d}" for i in range(1500)]
    with Emulator(many_key_vaults(1500, subs), tmp_path, quota=100) as emu:
        seen: list[int] = []
        original = emu.resource_graph

        def spy(body: dict[str, Any]):
            seen.append(len(body.get("subscriptions") or []))
            return original(body)

        emu.resource_graph = spy  # type: ignore[method-assign]
        snapshot = collect(emu, scoped_config(tmp_path, subs))
    assert len(snapshot.resources) == 1500 and snapshot.errors == []
    assert max(seen) <= 1000 and seen.count(900) >= 3 and seen.count(600) >= 3


def test_quota_headers_are_honoured_and_a_429_succeeds_on_retry(tmp_path: Path) -> None:
    with Emulator(many_key_vaults(6000, [SUB]), tmp_path, quota=3, window=1.0) as emu:
        emu.faults.throttle_first = 1
        snapshot = collect(emu)
        statuses = [r["status"] for r in emu.arg_requests()]
    assert snapshot.errors == [] and len(snapshot.resources) == 6000
    assert statuses[0] == 429 and statuses[1] == 200
    assert statuses.count(429) == 1  # the collector waited for the quota to reset instead of being throttled


def test_403_on_one_subscription_marks_its_findings_unknown_and_collects_the_rest(tmp_path: Path) -> None:
    other = "11111111-2222-3333-4444-555555555555"
    with Emulator(DEMO_SNAPSHOT, tmp_path, subscriptions=[SUB, other]) as emu:
        emu.faults.forbidden_subscriptions = {other}
        config = scoped_config(tmp_path, [SUB, other])
        snapshot = collect(emu, config)
        out = tmp_path / "out"
        scan = run_cli(
            "scan",
            "--config",
            str(config),
            "--out",
            str(out),
            "--fail-on",
            "none",
            *emu.cli_args(),
            "-q",
            env={"AZURE_ACCESS_TOKEN": "t"},
        )
    assert len(snapshot.resources) == len(DEMO_SNAPSHOT["resources"])
    assert {(e["source"], e["scope"]) for e in snapshot.errors} >= {
        ("resource-graph:resources", f"/subscriptions/{other}")
    }
    assert "AuthorizationFailed" in snapshot.errors[0]["error"]
    assert scan.exit_code == 3, scan.output
    result = json.loads((out / "result.json").read_text())
    assert any(f["status"] == "unknown" and other in f["resource"] for f in result["findings"])
    assert (out / "snapshot.json").exists()


def test_persistent_500_is_recorded_and_its_controls_become_unknown(emulator: Emulator) -> None:
    emulator.faults.server_error_tables = {"authorizationresources"}
    snapshot = collect(emulator, retries=1)
    [error] = snapshot.errors
    assert error["source"] == "resource-graph:authorizationresources" and "HTTP 500" in error["error"]
    result = evaluate(load_inputs(DEMO / "drready.yaml", snapshot, POLICIES))
    iam = [f for f in result["findings"] if f["control"] == "DR-IAM-01"]
    assert (iam and all(f["status"] == "unknown" for f in iam if f["resource_type"] != "collection")) or any(
        f["status"] == "unknown" for f in iam
    )


def test_malformed_json_from_the_server_is_recorded(emulator: Emulator) -> None:
    emulator.faults.malformed_tables = {"resourcecontainers"}
    snapshot = collect(emulator, retries=0)
    assert [e["source"] for e in snapshot.errors] == ["resource-graph:resourcecontainers"]
    assert "unreadable response" in snapshot.errors[0]["error"] or "Decode" in snapshot.errors[0]["error"]
    assert len(snapshot.resources) == len(DEMO_SNAPSHOT["resources"])


def test_a_timeout_is_recorded(emulator: Emulator) -> None:
    emulator.faults.slow_tables = {"resourcecontainers": 5.0}
    snapshot = collect(emulator, timeout=2, retries=0)
    errors = {e["source"]: e["error"] for e in snapshot.errors}
    assert "resource-graph:resourcecontainers" in errors
    assert (
        "timed out" in errors["resource-graph:resourcecontainers"].lower()
        or "Timeout" in errors["resource-graph:resourcecontainers"]
    )
    assert len(snapshot.resources) == len(DEMO_SNAPSHOT["resources"])


def test_a_failed_child_read_makes_that_resource_unknown(emulator: Emulator) -> None:
    factory = next(r["id"] for r in DEMO_SNAPSHOT["resources"] if r["name"] == "adf-lakehouse-cus")
    emulator.faults.failing_paths = {f"{factory.lower()}/integrationruntimes": 403}
    snapshot = collect(emulator, retries=0)
    [error] = snapshot.errors
    assert error["scope"] == factory and error["source"] == "arm:integrationRuntimes" and "403" in error["error"]
    result = evaluate(load_inputs(DEMO / "drready.yaml", snapshot, POLICIES))
    shir = next(f for f in result["findings"] if f["control"] == "DR-DATA-03" and f["resource"] == factory)
    assert shir["status"] == "unknown"


def test_collect_command_writes_a_snapshot_that_evaluates_like_the_demo(emulator: Emulator, tmp_path: Path) -> None:
    out = tmp_path / "snapshot.json"
    result = run_cli(
        "collect",
        "--config",
        str(DEMO / "drready.yaml"),
        "--out",
        str(out),
        *emulator.cli_args(),
        env={"AZURE_ACCESS_TOKEN": "t"},
    )
    assert result.exit_code == 0, result.output
    assert "102 resources, 0 errors" in result.output
    assert "drready: resources: page 1, 102 rows" in result.stderr
    assert "drready: arm: 46/46 child reads" in result.stderr
    evaluated = run_cli(
        "evaluate",
        "--config",
        str(DEMO / "drready.yaml"),
        "--snapshot",
        str(out),
        "--out",
        str(tmp_path / "result.json"),
    )
    assert evaluated.exit_code == 1


def test_collect_then_evaluate_gives_what_scan_gives_and_the_snapshot_alone_is_enough(
    emulator: Emulator, tmp_path: Path
) -> None:
    """The snapshot is the complete resume point: it carries the declared evidence, so evaluating it
    needs none of the declared files, and collect + evaluate equals scan."""
    args = [*emulator.cli_args()]
    env = {"AZURE_ACCESS_TOKEN": "t"}
    (tmp_path / "cfg").mkdir()
    config = scoped_config(tmp_path / "cfg", [SUB])
    snapshot = tmp_path / "snapshot.json"
    assert run_cli("collect", "--config", str(config), "--out", str(snapshot), *args, env=env).exit_code == 0
    assert json.loads(snapshot.read_text())["declared"]["drills"]
    scanned = run_cli(
        "scan", "--config", str(config), "--out", str(tmp_path / "scan"), "--format", "json", *args, env=env
    )
    assert scanned.exit_code == 1, scanned.output
    for declared_file in (tmp_path / "cfg").glob("*.yaml"):
        if declared_file.name != "drready.yaml":
            declared_file.unlink()
    evaluated = run_cli(
        "evaluate", "--config", str(config), "--snapshot", str(snapshot), "--out", str(tmp_path / "result.json")
    )
    assert evaluated.exit_code == 1, evaluated.output
    from_scan = json.loads((tmp_path / "scan" / "result.json").read_text())
    from_evaluate = json.loads((tmp_path / "result.json").read_text())
    assert from_scan["findings"] == from_evaluate["findings"] and from_scan["stamps"] == from_evaluate["stamps"]


def test_quiet_collection_prints_no_progress(emulator: Emulator, tmp_path: Path) -> None:
    result = run_cli(
        "collect",
        "--config",
        str(DEMO / "drready.yaml"),
        "--out",
        str(tmp_path / "s.json"),
        "-q",
        *emulator.cli_args(),
        env={"AZURE_ACCESS_TOKEN": "t"},
    )
    assert result.exit_code == 0 and result.stderr == ""


def test_token_auth_without_a_token_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli(
        "collect",
        "--config",
        str(DEMO / "drready.yaml"),
        "--out",
        str(tmp_path / "s.json"),
        "--auth",
        "token",
        env={"AZURE_ACCESS_TOKEN": ""},
    )
    assert result.exit_code == 2 and "AZURE_ACCESS_TOKEN" in result.output and not (tmp_path / "s.json").exists()


def test_the_custom_role_covers_every_read_the_collector_makes(emulator: Emulator) -> None:
    role = json.loads((DEMO.parents[0] / "azure" / "drready-reader-role.json").read_text())
    actions = {a.lower() for a in role["Actions"]}
    assert not role["DataActions"] and all(a.endswith(("/read", "/getstatus/action")) for a in actions)
    for resource_type in load_policies(POLICIES).collection.types:
        assert f"{resource_type}/read" in actions, resource_type
    collect(emulator)
    for r in emulator.requests:
        if r["path"] == ARG_PATH:
            continue
        if "/providers/" in r["path"]:
            parts = r["path"].split("/providers/", 1)[1].split("/")
            kinds = [parts[0], *parts[1::2]]  # provider, then each type segment
        else:  # /subscriptions/{id}/locations
            kinds = ["microsoft.resources", *r["path"].strip("/").split("/")[::2]]
        action = "/".join(kinds) + ("/action" if r["method"] == "POST" else "/read")
        assert action in actions, (r["method"], r["path"], action)


def test_azure_locations_are_collected_and_override_the_region_table(emulator: Emulator) -> None:
    snapshot = collect(emulator)
    assert [loc["name"] for loc in snapshot.locations] == ["eastus", "eastus2"]
    assert any(r["path"] == f"/subscriptions/{SUB}/locations" for r in emulator.requests)
    inputs = load_inputs(DEMO / "drready.yaml", snapshot, POLICIES)
    assert inputs.regions.regions["eastus2"]["source"] == "arm" and inputs.regions.pair("eastus2") == "centralus"


def test_a_failed_locations_read_is_recorded_and_the_table_answers(emulator: Emulator) -> None:
    emulator.faults.failing_paths[f"/subscriptions/{SUB}/locations"] = 403
    snapshot = collect(emulator, retries=0)
    [error] = snapshot.errors
    assert error["source"] == "arm:locations" and "403" in error["error"] and snapshot.locations == []
    result = evaluate(load_inputs(DEMO / "drready.yaml", snapshot, POLICIES))
    assert not [f for f in result["findings"] if f["status"] == "unknown"]  # the shipped table still answers
