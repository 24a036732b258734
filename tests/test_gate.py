"""The pre-change gate on real-shaped what-if results and Terraform plans against the demo baseline."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import DEMO, SHARED, run_cli

BASELINE = json.loads((DEMO / "snapshot.json").read_text())


def resource(name: str) -> dict[str, Any]:
    return copy.deepcopy(next(r for r in BASELINE["resources"] if r["name"] == name))


def whatif_cli(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """What `az deployment group what-if --no-pretty-print` prints: changes at the top level."""
    return {"status": "Succeeded", "error": None, "changes": changes}


def whatif_rest(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """The Deployments_WhatIf REST body: status plus properties.changes."""
    return {"status": "Succeeded", "properties": {"changes": changes}}


def modify(before: dict[str, Any], after: dict[str, Any], path: str, old: Any, new: Any) -> dict[str, Any]:
    return {
        "resourceId": before["id"],
        "changeType": "Modify",
        "before": before,
        "after": after,
        "delta": [{"path": path, "propertyChangeType": "Modify", "before": old, "after": new}],
    }


def tf_plan(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """The shape of `terraform show -json` (format 1.2), as in shared/fixtures/terraform-plan."""
    return {
        "format_version": "1.2",
        "terraform_version": "1.14.9",
        "resource_changes": changes,
        "planned_values": {},
        "configuration": {},
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def tf_change(
    address: str,
    tf_type: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    unknown: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One resource_changes entry: an update, or a create when there is nothing before."""
    action = "create" if before is None else "update"
    return {
        "address": address,
        "mode": "managed",
        "type": tf_type,
        "name": address.split(".")[-1],
        "provider_name": "registry.terraform.io/hashicorp/azurerm",
        "change": {"actions": [action], "before": before, "after": after, "after_unknown": unknown or {}},
    }


def tf_update(address: str, tf_type: str, before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return tf_change(address, tf_type, before, after)


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=2))
    return path


def gate(tmp_path: Path, *args: str) -> tuple[int, str, dict[str, Any]]:
    out = tmp_path / "gate"
    result = run_cli(
        "gate",
        "--config",
        str(DEMO / "drready.yaml"),
        "--baseline",
        str(DEMO / "snapshot.json"),
        "--out",
        str(out),
        *args,
    )
    report = json.loads((out / "gate.json").read_text()) if (out / "gate.json").exists() else {}
    return result.exit_code, result.output, report


def regressions(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(f["control"], f["resource_name"]) for f in report["regressions"]}


def test_storage_gzrs_to_lrs_fails(tmp_path: Path) -> None:
    before = resource("stnwstorefrontassetscus")
    after = copy.deepcopy(before) | {"sku": {"name": "Standard_LRS", "tier": "Standard"}}
    path = write(
        tmp_path, "whatif.json", whatif_cli([modify(before, after, "sku.name", "Standard_RAGZRS", "Standard_LRS")])
    )
    code, output, report = gate(tmp_path, "--what-if", str(path))
    assert code == 1
    assert ("DR-WEB-01", "stnwstorefrontassetscus") in regressions(report)
    assert "stnwstorefrontassetscus" in output and "DR-WEB-01" in output
    sarif = json.loads((tmp_path / "gate" / "gate.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} == {f["control"] for f in report["regressions"]}


def test_cosmos_region_removed_fails(tmp_path: Path) -> None:
    account = resource("cosmos-catalog-cus")
    tf_before = {
        "id": account["id"],
        "name": account["name"],
        "location": "centralus",
        "resource_group_name": "rg-orders-cus",
        "kind": "MongoDB",
        "automatic_failover_enabled": True,
        "multiple_write_locations_enabled": False,
        "backup": [{"type": "Continuous"}],
        "consistency_policy": [{"consistency_level": "BoundedStaleness"}],
        "geo_location": [
            {"location": "centralus", "failover_priority": 0, "zone_redundant": True},
            {"location": "eastus2", "failover_priority": 1, "zone_redundant": True},
        ],
    }
    tf_after = tf_before | {"geo_location": tf_before["geo_location"][:1]}
    path = write(
        tmp_path,
        "plan.json",
        tf_plan([tf_update("azurerm_cosmosdb_account.catalog", "azurerm_cosmosdb_account", tf_before, tf_after)]),
    )
    code, output, report = gate(tmp_path, "--terraform-plan", str(path))
    assert code == 1 and ("DR-K8S-04", "cosmos-catalog-cus") in regressions(report)
    assert "add eastus2 to properties.locations" in output


def test_postgresql_geo_backup_disabled_fails_and_worsens_rpo(tmp_path: Path) -> None:
    server = resource("psql-orders-cus")
    tf_before = {
        "id": server["id"],
        "name": server["name"],
        "location": "centralus",
        "resource_group_name": "rg-orders-cus",
        "geo_redundant_backup_enabled": True,
        "high_availability": [{"mode": "ZoneRedundant"}],
    }
    tf_after = tf_before | {"geo_redundant_backup_enabled": False}
    path = write(
        tmp_path,
        "plan.json",
        tf_plan(
            [
                tf_update(
                    "azurerm_postgresql_flexible_server.orders",
                    "azurerm_postgresql_flexible_server",
                    tf_before,
                    tf_after,
                )
            ]
        ),
    )
    code, _, report = gate(tmp_path, "--terraform-plan", str(path))
    assert code == 1 and ("DR-K8S-05", "psql-orders-cus") in regressions(report)
    assert ("DR-SPOF-01", "psql-orders-cus") in regressions(report)


def test_aks_zones_dropped_fails(tmp_path: Path) -> None:
    before = resource("aks-orders-cus")
    after = copy.deepcopy(before)
    after["properties"]["agentPoolProfiles"][0]["availabilityZones"] = []
    path = write(
        tmp_path,
        "whatif.json",
        whatif_rest([modify(before, after, "properties.agentPoolProfiles[0].availabilityZones", ["1", "2", "3"], [])]),
    )
    code, _, report = gate(tmp_path, "--what-if", str(path))
    assert code == 1 and ("DR-K8S-01", "aks-orders-cus") in regressions(report)


def waf_tf(mode: str, rule_sets: list[tuple[str, str]]) -> dict[str, Any]:
    waf = resource("waf-storefront-cus")
    return {
        "id": waf["id"],
        "name": waf["name"],
        "location": "centralus",
        "resource_group_name": "rg-storefront-cus",
        "policy_settings": [{"enabled": True, "mode": mode}],
        "managed_rules": [{"managed_rule_set": [{"type": t, "version": v} for t, v in rule_sets]}],
        "custom_rules": [
            {"name": c["name"], "priority": c["priority"], "action": c["action"]}
            for c in waf["properties"]["customRules"]
        ],
    }


def test_waf_switched_to_detection_fails(tmp_path: Path) -> None:
    sets = [("OWASP", "3.2"), ("Microsoft_BotManagerRuleSet", "1.0"), ("Microsoft_HTTPDDoSRuleSet", "1.0")]
    change = tf_update(
        "azurerm_web_application_firewall_policy.storefront",
        "azurerm_web_application_firewall_policy",
        waf_tf("Prevention", sets),
        waf_tf("Detection", sets),
    )
    code, output, report = gate(tmp_path, "--terraform-plan", str(write(tmp_path, "plan.json", tf_plan([change]))))
    assert code == 1 and ("DR-WEB-05", "waf-storefront-cus") in regressions(report)
    assert "mode is Detection" in output


def test_bot_manager_rule_set_removed_in_the_secondary_fails(tmp_path: Path) -> None:
    before = resource("waf-storefront-eus2")
    after = copy.deepcopy(before)
    sets = after["properties"]["managedRules"]["managedRuleSets"]
    after["properties"]["managedRules"]["managedRuleSets"] = [
        s for s in sets if s["ruleSetType"] != "Microsoft_BotManagerRuleSet"
    ]
    path = write(
        tmp_path,
        "whatif.json",
        whatif_rest(
            [
                modify(
                    before,
                    after,
                    "properties.managedRules.managedRuleSets",
                    sets,
                    after["properties"]["managedRules"]["managedRuleSets"],
                )
            ]
        ),
    )
    code, output, report = gate(tmp_path, "--what-if", str(path))
    assert code == 1 and ("DR-WEB-05", "waf-storefront-cus") in regressions(report)
    assert "other managed rule sets" in output


def test_key_vault_purge_protection_off_fails(tmp_path: Path) -> None:
    vault = resource("kv-storefront-cus")
    tf_before = {
        "id": vault["id"],
        "name": vault["name"],
        "location": "centralus",
        "resource_group_name": "rg-storefront-cus",
        "purge_protection_enabled": True,
        "soft_delete_retention_days": 90,
        "sku_name": "standard",
    }
    change = tf_update(
        "azurerm_key_vault.storefront", "azurerm_key_vault", tf_before, tf_before | {"purge_protection_enabled": False}
    )
    code, _, report = gate(tmp_path, "--terraform-plan", str(write(tmp_path, "plan.json", tf_plan([change]))))
    assert code == 1 and regressions(report) == {("DR-KV-01", "kv-storefront-cus")}


def test_shir_scaled_to_one_node_fails(tmp_path: Path) -> None:
    factory = resource("adf-lakehouse-cus")
    node = f"{factory['id']}/integrationRuntimes/shir-onprem/nodes/Node_2"
    path = write(
        tmp_path,
        "whatif.json",
        whatif_cli([{"resourceId": node, "changeType": "Delete", "before": {"name": "Node_2"}}]),
    )
    code, output, report = gate(tmp_path, "--what-if", str(path))
    assert code == 1 and ("DR-DATA-03", "adf-lakehouse-cus") in regressions(report)
    assert any("shir-onprem has 1 online node(s)" in f["message"] for f in report["regressions"])
    assert "adf-lakehouse-cus" in output


def ui_account_state() -> dict[str, Any]:
    """The demo's UI storage account as azurerm_storage_account's planned attributes (locally redundant)."""
    storage = resource("stnwstorefrontuicus")
    return {
        "id": storage["id"],
        "name": storage["name"],
        "location": "centralus",
        "resource_group_name": "rg-storefront-cus",
        "account_tier": "Standard",
        "account_replication_type": "LRS",
        "account_kind": "StorageV2",
    }


def test_an_improvement_passes_and_is_reported(tmp_path: Path) -> None:
    tf_before = ui_account_state()
    change = tf_update(
        "azurerm_storage_account.ui",
        "azurerm_storage_account",
        tf_before,
        tf_before | {"account_replication_type": "RAGZRS"},
    )
    code, output, report = gate(tmp_path, "--terraform-plan", str(write(tmp_path, "plan.json", tf_plan([change]))))
    assert code == 0, output
    assert report["regressions"] == [] and ("DR-WEB-01", "stnwstorefrontuicus") in {
        (f["control"], f["resource_name"]) for f in report["improvements"]
    }
    assert "no DR regression" in output and "gap(s) remain from before" in output


def test_a_plan_that_drops_blob_soft_delete_is_a_regression_and_one_that_leaves_it_unset_is_not(
    tmp_path: Path,
) -> None:
    """azurerm's blob_properties is optional and computed: a plan without it leaves Azure's settings as
    they are, while a block without delete_retention_policy turns blob soft delete off."""
    before = ui_account_state()
    kept = {"delete_retention_policy": [{"days": 300}], "container_delete_retention_policy": [{"days": 7}]}
    dropped = {"delete_retention_policy": [], "container_delete_retention_policy": [{"days": 7}]}
    for blob_properties, regression in (([kept], False), ([dropped], True), ([], False)):
        after = before | {"blob_properties": blob_properties}
        change = tf_update("azurerm_storage_account.ui", "azurerm_storage_account", before, after)
        plan = write(tmp_path, "plan.json", tf_plan([change]))
        code, output, report = gate(tmp_path, "--terraform-plan", str(plan))
        found = [(r["control"], r["resource_name"]) for r in report["regressions"]]
        assert found == ([("DR-PROT-01", "stnwstorefrontuicus")] if regression else []), output
        assert code == (1 if regression else 0), output


def test_a_change_that_keeps_readiness_passes_with_published_plans(tmp_path: Path) -> None:
    code, output, report = gate(
        tmp_path,
        "--what-if",
        str(SHARED / "fixtures" / "whatif" / "azure-cli-test_resource_group_level_what_if.json"),
        "--what-if",
        str(SHARED / "fixtures" / "whatif" / "PostDeploymentWhatIfOnManagementGroup.json"),
        "--terraform-plan",
        str(SHARED / "fixtures" / "terraform-plan" / "psrule-rules-azure-tfplan.json"),
        "--terraform-plan",
        str(SHARED / "fixtures" / "terraform-plan" / "infracost-azure_firewall_plan.json"),
    )
    assert code == 0, output
    unmapped = {u["type"] for u in report["unmapped"]}
    assert {"random_pet", "azurerm_firewall", "azurerm_virtual_wan"} <= unmapped
    assert "**not assessed**" in output and "azurerm\\_firewall" in output


def test_a_new_resource_created_with_a_gap_fails(tmp_path: Path) -> None:
    after = {
        "name": "stnwstorefrontmediacus",
        "location": "centralus",
        "resource_group_name": "rg-storefront-cus",
        "account_tier": "Standard",
        "account_replication_type": "LRS",
        "account_kind": "StorageV2",
        "tags": {"workload": "storefront"},
    }
    created = tf_change("azurerm_storage_account.media", "azurerm_storage_account", None, after, {"id": True})
    code, _, report = gate(tmp_path, "--terraform-plan", str(write(tmp_path, "plan.json", tf_plan([created]))))
    assert code == 1 and ("DR-WEB-01", "stnwstorefrontmediacus") in regressions(report)


@pytest.mark.parametrize(
    ("name", "content", "location"),
    [
        ("plan.json", '{"resource_changes": [', "plan.json:1:"),
        ("whatif.json", '{"status": "Succeeded"}', "$.properties.changes"),
        ("whatif.json", '{"changes": [{"changeType": "Modify"}]}', "$.changes[0]"),
    ],
)
def test_unreadable_plans_exit_2_with_the_location(tmp_path: Path, name: str, content: str, location: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    flag = "--terraform-plan" if name == "plan.json" else "--what-if"
    code, output, _ = gate(tmp_path, flag, str(path))
    assert code == 2 and location in output and not (tmp_path / "gate").exists()


@pytest.mark.parametrize(
    ("flag", "content", "says"),
    [
        ("--terraform-plan", "{}", "$.format_version: missing: not a `terraform show -json` plan"),
        ("--terraform-plan", '{"changes": []}', "this is an ARM what-if result: give it with --what-if"),
        ("--terraform-plan", '{"status": "Succeeded", "properties": {"changes": []}}', "give it with --what-if"),
        ("--what-if", '{"format_version": "1.2", "resource_changes": []}', "give it with --terraform-plan"),
        ("--what-if", '{"properties": 1}', "$.properties: expected an object"),
        ("--what-if", '{"changes": [{"resourceId": 5, "changeType": "Create"}]}', "$.changes[0].resourceId"),
        ("--what-if", '{"changes": {"a": 1}}', "$.changes: expected an array"),
        (
            "--terraform-plan",
            '{"format_version": "1.2", "resource_changes": [{"address": "a", "type": "t"}]}',
            "$.resource_changes[0].change: missing field",
        ),
        (
            "--terraform-plan",
            '{"format_version": "1.2", "resource_changes": [{"address": "a", "type": "t", '
            '"change": {"actions": "create"}}]}',
            "$.resource_changes[0].change.actions: expected an array",
        ),
        (
            "--terraform-plan",
            '{"format_version": "1.2", "resource_changes": [{"address": 1, "type": "t", "change": {"actions": []}}]}',
            "$.resource_changes[0].address: expected a string",
        ),
        (
            "--terraform-plan",
            '{"format_version": "1.2", "resource_changes": [{"address": "a", "type": '
            '"azapi_resource", "change": {"actions": ["create"], "after": {"type": "x@1", "body": "{"}}}]}',
            "$.resource_changes[0]:change.body: azapi body is not JSON",
        ),
    ],
)
def test_a_plan_of_the_wrong_kind_or_shape_is_refused_with_a_hint(
    tmp_path: Path, flag: str, content: str, says: str
) -> None:
    path = write(tmp_path, "plan.json", json.loads(content))
    code, output, _ = gate(tmp_path, flag, str(path))
    assert code == 2 and says in output and "Traceback" not in output, output
    assert not (tmp_path / "gate").exists()


def test_a_plan_mapping_that_is_not_jmespath_is_refused_when_the_policies_load() -> None:
    """JMESPath has no split(): a mapping using it would fail in the middle of a gate run."""
    from scanner.catalogue import parse_control
    from scanner.errors import EngineError

    rel = "controls/genai/dr_ai_06/dr_ai_06.rego"
    source = (Path(__file__).parents[1] / "policies" / rel).read_text(encoding="utf-8")
    start = source.index("#         sku.name: >-")
    end = source.index("#         zones: zones")
    broken = source[:start] + "#         sku.name: \"split(sku_name, '_')[0]\"\n" + source[end:]
    assert parse_control(rel, source) is not None
    with pytest.raises(EngineError, match=r"azurerm_api_management\.body: Value error, sku\.name: not a JMESPath"):
        parse_control(rel, broken)


def test_a_planned_attribute_of_an_unexpected_type_is_a_located_input_error(tmp_path: Path) -> None:
    """starts_with() on a number: exit 2 naming the plan, the resource address and the ARM property."""
    change = tf_change("azurerm_api_management.gw", "azurerm_api_management", None, {"name": "apim-x", "sku_name": 7})
    plan = write(tmp_path, "plan.json", tf_plan([change]))
    code, output, _ = gate(tmp_path, "--terraform-plan", str(plan))
    assert code == 2 and "Traceback" not in output, output
    assert "azurerm_api_management.gw.change.after" in output and "sku.name" in output, output
