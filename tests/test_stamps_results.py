"""Stamp membership, primary/secondary pairing, coverage (fail closed) and verdicts."""

from __future__ import annotations

import copy
from pathlib import Path

from scanner.catalogue import load_policies
from scanner.config import load_config
from scanner.pipeline import ScanInputs, evaluate, load_inputs
from scanner.regions import RegionTable
from scanner.results import exit_code, new_finding, verdict
from scanner.snapshot import Snapshot
from scanner.stamps import resolve_stamps

from .conftest import DEMO, POLICIES, arm

REGIONS = RegionTable.of(load_policies(POLICIES))
SUB = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups"


def body(rel: str, name: str, rg: str, location: str, tags: dict[str, str] | None = None) -> dict:
    r = copy.deepcopy(arm(rel))
    r.update(id=f"{SUB}/{rg}/providers/{r['type']}/{name}", name=name, location=location, tags=tags or {})
    return r


def config(tmp_path: Path, selector: str, extra: str = "") -> Path:
    path = tmp_path / "drready.yaml"
    path.write_text(
        "regions: {primary: centralus}\nstamps:\n  - name: web\n    kind: web\n    targets: {rpo: 15m, rto: 1h}\n"
        f"    selector: {selector}\n{extra}"
    )
    return path


def test_membership_by_tags_resource_groups_and_ids(tmp_path: Path) -> None:
    a = body("storage/storage-account-get-properties-grs.json", "sta", "rg-a", "centralus", {"Workload": "web"})
    b = body("storage/storage-account-get-properties-grs.json", "stb", "rg-b", "centralus")
    c = body("storage/storage-account-get-properties-grs.json", "stc", "rg-c", "centralus")
    snapshot = Snapshot(resources=[a, b, c])
    by_tag = resolve_stamps(load_config(config(tmp_path, "{tags: {Workload: web}}")), snapshot, REGIONS)[0]
    assert [r["name"] for r in by_tag.resources] == ["sta"]
    by_rg = resolve_stamps(load_config(config(tmp_path, "{resource_groups: [RG-B]}")), snapshot, REGIONS)[0]
    assert [r["name"] for r in by_rg.resources] == ["stb"]
    by_id = resolve_stamps(
        load_config(config(tmp_path, f"{{resource_ids: ['{c['id'].upper()}']}}")), snapshot, REGIONS
    )[0]
    assert [r["name"] for r in by_id.resources] == ["stc"]


def test_pairing_by_tag_then_by_region_token(tmp_path: Path) -> None:
    rel = "keyvault/vault-get.json"
    resources = [
        body(rel, "kv-app-cus", "rg", "centralus", {"w": "x"}),
        body(rel, "kv-app-eus2", "rg", "eastus2", {"w": "x"}),
        body(rel, "kv-secrets-primary", "rg", "centralus", {"w": "x", "dr-pair": "secrets"}),
        body(rel, "kv-secrets-standby", "rg", "East US 2", {"w": "x", "DR-Pair": "secrets"}),
        body(rel, "kv-lonely-cus", "rg", "centralus", {"w": "x"}),
    ]
    stamp = resolve_stamps(load_config(config(tmp_path, "{tags: {w: x}}")), Snapshot(resources=resources), REGIONS)[0]
    pairs = {p["primary_name"]: (p["secondary_name"], p["method"]) for p in stamp.pairs}
    assert pairs == {
        "kv-app-cus": ("kv-app-eus2", "name"),
        "kv-secrets-primary": ("kv-secrets-standby", "tag"),
        "kv-lonely-cus": (None, None),
    }


def scan(tmp_path: Path, resources: list[dict], errors: list[dict] | None = None) -> dict:
    cfg = load_config(config(tmp_path, "{resource_groups: [rg]}"))
    snapshot = Snapshot(resources=resources, errors=errors or [])
    return evaluate(ScanInputs(cfg, snapshot, load_policies(POLICIES)))


def test_resource_without_the_needed_facts_is_unknown_not_pass(tmp_path: Path) -> None:
    # A storage account in a region whose zone support is unknown still gets DR-WEB-01; a PostgreSQL
    # server there gives no DR-K8S-05 result, which must surface as unknown (kubernetes stamp).
    path = tmp_path / "drready.yaml"
    path.write_text(
        "regions: {primary: jioindiawest, secondary: eastus2}\nstamps:\n  - name: k\n    kind: kubernetes\n"
        "    targets: {rpo: 15m, rto: 1h}\n    selector: {resource_groups: [rg]}\n"
    )
    pg = body("dbforpostgresql/flexible-server-get.json", "psql-a", "rg", "jioindiawest")
    result = evaluate(ScanInputs(load_config(path), Snapshot(resources=[pg]), load_policies(POLICIES)))
    [finding] = [f for f in result["findings"] if f["control"] == "DR-K8S-05"]
    assert finding["status"] == "unknown" and "gave no result" in finding["message"]
    assert result["stamps"][0]["verdict"] != "ready"
    assert exit_code(result, "high", allow_unknown=False) == 3
    assert exit_code(result, "high", allow_unknown=True) == 0


def test_failed_collection_makes_findings_unknown(tmp_path: Path) -> None:
    good = body("storage/storage-account-get-properties-grs.json", "stgood", "rg", "centralus")
    good["sku"] = {"name": "Standard_RAGZRS"}
    errors = [
        {
            "source": "resource-graph",
            "scope": SUB.rsplit("/", 1)[0],
            "error": "403 Forbidden",
            "types": ["microsoft.storage/storageaccounts"],
        }
    ]
    result = scan(tmp_path, [good], errors)
    web = [f for f in result["findings"] if f["control"] == "DR-WEB-01"]
    assert {f["status"] for f in web} == {"unknown"}
    assert any("403 Forbidden" in f["message"] for f in web)
    assert result["errors"] == errors


def test_gap_beats_unknown_in_exit_code_and_verdict(tmp_path: Path) -> None:
    lrs = body("storage/storage-account-get-properties-grs.json", "stlrs", "rg", "centralus")
    lrs["sku"] = {"name": "Standard_LRS"}
    result = scan(tmp_path, [lrs], [{"source": "arm", "scope": "/subscriptions/other", "error": "timeout"}])
    assert exit_code(result, "high", allow_unknown=False) == 1
    assert result["stamps"][0]["verdict"] == "not_ready"
    control = load_policies(POLICIES).control("DR-REG-01")
    stamp = {"id": "stamp/web", "type": "stamp"}
    medium = [new_finding(control, "web", stamp, "fail", "", severity="medium")]
    info = [new_finding(control, "web", stamp, "fail", "", severity="info")]
    assert verdict(medium) == "at_risk" and verdict(info) == "ready"


def test_demo_estate_exercises_every_control_passing_and_failing(tmp_path: Path) -> None:
    inputs = load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES)
    result = evaluate(inputs)
    seen: dict[str, set[str]] = {}
    for f in result["findings"]:
        seen.setdefault(f["control"], set()).add(f["status"])
    assert {c.id for c in inputs.policies.controls} | {"DR-SPOF-01", "DR-TGT-01"} == set(seen)
    assert [cid for cid, statuses in sorted(seen.items()) if not {"pass", "fail"} <= statuses] == []
    assert not [f for f in result["findings"] if f["status"] == "unknown"]
    scores = {s["name"]: s["score"] for s in result["stamps"]}
    assert all(0 < score < 100 for score in scores.values()), scores


def test_parallel_evaluation_gives_the_same_result(tmp_path: Path) -> None:
    from benchmarks.synth_estate import generate
    from scanner.pipeline import generated_now

    now = generated_now()
    # 24 small stamps share the workers; one 300-resource stamp has its controls shared out instead
    # and is evaluated control by control (scanner/engine/embedded.py, COMBINE_UP_TO).
    for resources, stamps in ((600, 24), (300, 1)):
        config_path, snapshot_path = generate(tmp_path / f"estate{stamps}", resources=resources, stamps=stamps)
        inputs = load_inputs(config_path, snapshot_path, POLICIES)
        one = evaluate(inputs, now=now, jobs=1)
        assert evaluate(inputs, now=now, jobs=3) == one
        assert len(one["stamps"]) == stamps and {f["status"] for f in one["findings"]} >= {"pass", "fail"}


def test_fixes_carry_the_resources_real_names_and_never_a_placeholder(tmp_path: Path) -> None:
    result = evaluate(load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES))
    fixes = [f for f in result["findings"] if f["fix"]]
    assert fixes and all(f["status"] == "fail" for f in fixes)
    ui = next(f for f in fixes if f["resource_name"] == "stnwstorefrontuicus")
    assert ui["fix"]["command"] == (
        "az storage account update -n stnwstorefrontuicus -g rg-storefront-cus "
        "--subscription 5c7e2d4a-93b1-4f06-8a2e-1d9b7c3e6f40 --sku Standard_RAGZRS"
    )
    assert all("<" not in f["fix"].get("command", "") for f in fixes)


def test_a_fix_whose_names_are_unknown_has_a_summary_and_no_command() -> None:
    from scanner.catalogue import Remediation
    from scanner.results import remediation

    stamp = resolve_stamps(load_config(DEMO / "drready.yaml"), Snapshot(resources=[]), REGIONS)[0]
    remedy = Remediation(summary="do it", command="az thing -n {name} -g {resource_group}")
    assert remediation(remedy, stamp, None) == {"summary": "do it"}
    odd = {"id": "/subscriptions/s/resourceGroups/rg a/providers/P/t/x y", "name": "x y", "location": "centralus"}
    assert remediation(remedy, stamp, odd)["command"] == "az thing -n 'x y' -g 'rg a'"
    assert stamp.secondary_name("app-orders-cus") == "app-orders-eus2"
    assert stamp.secondary_name("app-centralus-1") == "app-eastus2-1"


def test_a_secondary_stands_in_for_one_primary_only(tmp_path: Path) -> None:
    """An explicit dr-pair is exclusive: the tagged standby is not also the name-based standby of another
    primary; each secondary is claimed once."""
    rel = "keyvault/vault-get.json"
    resources = [
        body(rel, "kv-a-cus", "rg", "centralus", {"w": "x", "dr-pair": "a"}),
        body(rel, "kv-b-cus", "rg", "centralus", {"w": "x"}),
        body(rel, "kv-b-eus2", "rg", "eastus2", {"w": "x", "dr-pair": "a"}),  # named like b's, tagged as a's
    ]
    stamp = resolve_stamps(load_config(config(tmp_path, "{tags: {w: x}}")), Snapshot(resources=resources), REGIONS)[0]
    pairs = {p["primary_name"]: (p["secondary_name"], p["method"]) for p in stamp.pairs}
    assert pairs == {"kv-a-cus": ("kv-b-eus2", "tag"), "kv-b-cus": (None, None)}


def test_name_pairing_in_europe_uses_the_regions_tokens(tmp_path: Path) -> None:
    rel = "keyvault/vault-get.json"
    path = tmp_path / "drready.yaml"
    path.write_text(
        "regions: {primary: westeurope}\nstamps:\n  - name: web\n    kind: web\n    targets: {rpo: 15m, rto: 1h}\n"
        "    selector: {tags: {w: x}}\n"
    )
    resources = [
        body(rel, "kv-web-we", "rg", "West Europe", {"w": "x"}),
        body(rel, "kv-web-ne", "rg", "North Europe", {"w": "x"}),
        body(rel, "kv-network-weu", "rg", "westeurope", {"w": "x"}),  # 'ne' inside 'network' is no token
        body(rel, "kv-network-neu", "rg", "northeurope", {"w": "x"}),
    ]
    stamp = resolve_stamps(load_config(path), Snapshot(resources=resources), REGIONS)[0]
    assert (stamp.primary_region, stamp.secondary_region) == ("westeurope", "northeurope")
    pairs = {p["primary_name"]: (p["secondary_name"], p["method"]) for p in stamp.pairs}
    # by name where the token matches; the network vaults only because they are the last two left
    assert pairs == {"kv-web-we": ("kv-web-ne", "name"), "kv-network-weu": ("kv-network-neu", "only")}


def test_a_drill_cannot_hide_a_store_without_a_cross_region_copy() -> None:
    """storefront's drill met its targets (42m against 1h), but its UI storage is locally redundant: the
    estimate is unbounded, the verdict takes it, and says the drill did not exercise that store."""
    result = evaluate(load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES))
    target = next(f for f in result["findings"] if f["control"] == "DR-TGT-01" and f["stamp"] == "storefront")
    assert target["status"] == "fail" and not target["declared"]
    assert "the drill of 2026-10-14 measured RTO 42m" in target["message"]
    assert "did not exercise Fail over storage stnwstorefrontuicus" in target["message"]
    achieved = target["evidence"]["achieved"]
    assert achieved["measured"]["rto_minutes"] == 42 and achieved["estimated"]["rto_minutes"] == "unbounded"
    assistant = next(s for s in result["stamps"] if s["name"] == "assistant")["recovery"]["achieved"]
    assert assistant["source"] == "drill 2026-11-05"  # finite estimates yield to what a drill measured


def test_an_empty_snapshot_or_selector_is_unknown_never_ready(tmp_path: Path) -> None:
    result = scan(tmp_path, [])
    [stamp] = result["stamps"]
    assert stamp["verdict"] == "unknown" and stamp["score"] is None
    target = next(f for f in result["findings"] if f["control"] == "DR-TGT-01")
    assert target["status"] == "unknown" and "selector matched nothing" in target["message"]
    assert exit_code(result, None, allow_unknown=False) == 3


def test_each_control_judges_each_resource_of_a_stamp_once() -> None:
    result = evaluate(load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES))
    keys = [(f["control"], f["stamp"], f["resource"].lower()) for f in result["findings"]]
    assert len(keys) == len(set(keys))
