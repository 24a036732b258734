"""Planned changes: ARM what-if results (REST body or `az ... what-if --no-pretty-print`) and
`terraform show -json` plans, mapped to ARM resource bodies so the same controls judge them.

A planned resource that cannot be mapped is listed as such, never dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import InputError


@dataclass
class Change:
    action: str  # create | modify | delete
    resource_id: str
    resource_type: str  # ARM type, lower case
    after: dict[str, Any] | None  # ARM body after the change (partial for Terraform mappings)
    source: str  # what-if | terraform
    address: str  # the what-if resource id or the Terraform address
    merge: bool = False  # partial body: merge onto the baseline resource


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    unmapped: list[dict[str, str]] = field(default_factory=list)  # {address, type, reason}
    path: str = ""


def _load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read file: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"{exc.lineno}:{exc.colno}", f"malformed JSON: {exc.msg}") from exc


def _arm_type(resource_id: str) -> str:
    """'/subscriptions/s/.../providers/Microsoft.Storage/storageAccounts/a' -> 'microsoft.storage/storageaccounts'."""
    tail = resource_id.split("/providers/")[-1].split("/")
    if len(tail) < 3:
        return ""
    return "/".join([tail[0], *tail[1::2]]).lower()


# -- ARM what-if -------------------------------------------------------------------------------
WHATIF_ACTIONS = {"create": "create", "modify": "modify", "deploy": "modify", "delete": "delete"}
WHATIF_NOOPS = {"nochange", "ignore"}


def read_whatif(path: Path) -> Plan:
    data = _load_json(path)
    if not isinstance(data, dict):
        raise InputError(str(path), "$", "a what-if result is a JSON object")
    changes = data.get("changes") if "changes" in data else (data.get("properties") or {}).get("changes")
    where = "$.changes" if "changes" in data else "$.properties.changes"
    if not isinstance(changes, list):
        raise InputError(str(path), where, "missing: expected the what-if changes (REST body or az --no-pretty-print)")
    plan = Plan(path=str(path))
    for i, change in enumerate(changes):
        if not isinstance(change, dict) or not isinstance(change.get("resourceId"), str):
            raise InputError(str(path), f"{where}[{i}]", "a change needs a string resourceId")
        _whatif_change(change, plan)
    return plan


def _whatif_change(change: dict[str, Any], plan: Plan) -> None:
    rid, kind = change["resourceId"], str(change.get("changeType", "")).lower()
    after = change.get("after")
    if isinstance(after, dict) and {"changeType", "resourceId"} <= after.keys():
        after = after.get("after") or after.get("before")  # a published example nests the change in `after`
    if kind in WHATIF_NOOPS:
        return
    if kind not in WHATIF_ACTIONS:
        reason = change.get("unsupportedReason") or f"change type {change.get('changeType')!r}"
        plan.unmapped.append({"address": rid, "type": _arm_type(rid), "reason": str(reason)})
        return
    action = WHATIF_ACTIONS[kind]
    if action != "delete" and not isinstance(after, dict):
        plan.unmapped.append({"address": rid, "type": _arm_type(rid), "reason": "no after-state in the what-if result"})
        return
    body = (
        None
        if action == "delete"
        else {**after, "id": after.get("id") or rid, "type": str(after.get("type") or _arm_type(rid)).lower()}
    )
    plan.changes.append(Change(action, rid, _arm_type(rid), body, "what-if", rid))


# -- Terraform plan ----------------------------------------------------------------------------
def read_terraform(path: Path, subscription: str) -> Plan:
    data = _load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("resource_changes", []), list):
        raise InputError(str(path), "$.resource_changes", "not a `terraform show -json` plan")
    plan = Plan(path=str(path))
    for i, rc in enumerate(data.get("resource_changes") or []):
        if not isinstance(rc, dict) or not isinstance(rc.get("change"), dict):
            raise InputError(str(path), f"$.resource_changes[{i}]", "a resource change needs `change`")
        _terraform_change(rc, plan, subscription)
    return plan


def _terraform_change(rc: dict[str, Any], plan: Plan, subscription: str) -> None:
    actions = rc["change"].get("actions") or []
    address, tf_type = str(rc.get("address")), str(rc.get("type"))
    if actions in (["no-op"], ["read"]):
        return
    before, after = rc["change"].get("before") or {}, rc["change"].get("after") or {}
    mapper = MAPPERS.get(tf_type)
    if tf_type == "azapi_resource":
        mapper = _azapi
    if mapper is None:
        reason = (
            "no drready control reads this resource type"
            if tf_type in IGNORED_TYPES
            else "resource type not mapped to ARM"
        )
        plan.unmapped.append({"address": address, "type": tf_type, "reason": reason})
        return
    state = before if "delete" in actions and "create" not in actions else after
    mapped = mapper(state)
    arm_type, name = mapped.pop("__type"), state.get("name") or rc.get("name")
    rid = (
        before.get("id")
        or after.get("id")
        or mapped.pop("__id", None)
        or (
            f"/subscriptions/{subscription}/resourceGroups/{state.get('resource_group_name', 'unknown')}"
            f"/providers/{arm_type}/{name}"
        )
    )
    mapped.pop("__id", None)
    if "delete" in actions and "create" not in actions:
        plan.changes.append(Change("delete", rid, arm_type.lower(), None, "terraform", address))
        return
    body = {
        "id": rid,
        "name": name,
        "type": arm_type.lower(),
        "location": state.get("location"),
        "tags": state.get("tags") or {},
        **mapped,
    }
    action = "create" if actions == ["create"] else "modify"
    plan.changes.append(Change(action, rid, arm_type.lower(), body, "terraform", address, merge=True))


def _first(value: Any) -> dict[str, Any]:
    """Terraform nested blocks are lists of one object."""
    if isinstance(value, list):
        return value[0] if value else {}
    return value or {}


def _get(state: dict[str, Any], *names: str, default: Any = None) -> Any:
    """The first attribute present (azurerm renamed many between v3 and v4)."""
    for name in names:
        if state.get(name) is not None:
            return state[name]
    return default


def _storage(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "__type": "Microsoft.Storage/storageAccounts",
        "sku": {"name": f"{s.get('account_tier', 'Standard')}_{s.get('account_replication_type', '')}"},
        "kind": s.get("account_kind"),
        "properties": {"isHnsEnabled": bool(s.get("is_hns_enabled"))},
    }


def _cosmos(s: dict[str, Any]) -> dict[str, Any]:
    locations = [
        {
            "locationName": g.get("location"),
            "failoverPriority": g.get("failover_priority"),
            "isZoneRedundant": bool(g.get("zone_redundant")),
        }
        for g in s.get("geo_location") or []
    ]
    backup = _first(s.get("backup"))
    return {
        "__type": "Microsoft.DocumentDB/databaseAccounts",
        "kind": s.get("kind"),
        "properties": {
            "locations": sorted(locations, key=lambda loc: loc["failoverPriority"] or 0),
            "enableAutomaticFailover": bool(
                _get(s, "automatic_failover_enabled", "enable_automatic_failover", default=False)
            ),
            "enableMultipleWriteLocations": bool(
                _get(s, "multiple_write_locations_enabled", "enable_multiple_write_locations", default=False)
            ),
            "backupPolicy": {"type": backup.get("type", "Periodic")},
            "consistencyPolicy": {
                "defaultConsistencyLevel": _first(s.get("consistency_policy")).get("consistency_level")
            },
        },
    }


def _flexible(arm_type: str, replica_role: str) -> Any:
    def mapper(s: dict[str, Any]) -> dict[str, Any]:
        ha = _first(s.get("high_availability"))
        props: dict[str, Any] = {
            "backup": {"geoRedundantBackup": "Enabled" if s.get("geo_redundant_backup_enabled") else "Disabled"},
            "highAvailability": {"mode": ha.get("mode", "Disabled") if ha else "Disabled"},
        }
        if str(s.get("create_mode", "")).lower() == "replica" and s.get("source_server_id"):
            props |= {"replicationRole": replica_role, "sourceServerResourceId": s["source_server_id"]}
        return {"__type": arm_type, "properties": props}

    return mapper


def _aks(s: dict[str, Any]) -> dict[str, Any]:
    pool = _first(s.get("default_node_pool"))
    return {
        "__type": "Microsoft.ContainerService/managedClusters",
        "properties": {
            "kubernetesVersion": s.get("kubernetes_version"),
            "agentPoolProfiles": [
                {
                    "name": pool.get("name"),
                    "mode": "System",
                    "type": "VirtualMachineScaleSets",
                    "count": _get(pool, "node_count", "min_count", default=0),
                    "availabilityZones": _get(pool, "zones", "availability_zones", default=[]),
                }
            ],
        },
    }


def _app_gateway(s: dict[str, Any]) -> dict[str, Any]:
    sku, autoscale = _first(s.get("sku")), _first(s.get("autoscale_configuration"))
    props: dict[str, Any] = {
        "sku": {"name": sku.get("name"), "tier": sku.get("tier"), "capacity": sku.get("capacity")},
        "sslCertificates": [
            {"name": c.get("name"), "properties": {"keyVaultSecretId": c.get("key_vault_secret_id")}}
            for c in s.get("ssl_certificate") or []
        ],
    }
    if autoscale:
        props["autoscaleConfiguration"] = {
            "minCapacity": autoscale.get("min_capacity"),
            "maxCapacity": autoscale.get("max_capacity"),
        }
    if s.get("firewall_policy_id"):
        props["firewallPolicy"] = {"id": s["firewall_policy_id"]}
    return {"__type": "Microsoft.Network/applicationGateways", "zones": s.get("zones") or [], "properties": props}


def _waf_policy(s: dict[str, Any]) -> dict[str, Any]:
    settings, rules = _first(s.get("policy_settings")), _first(s.get("managed_rules"))
    return {
        "__type": "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies",
        "properties": {
            "policySettings": {
                "state": "Enabled" if settings.get("enabled", True) else "Disabled",
                "mode": settings.get("mode"),
            },
            "managedRules": {
                "managedRuleSets": [
                    {"ruleSetType": r.get("type"), "ruleSetVersion": r.get("version")}
                    for r in rules.get("managed_rule_set") or []
                ]
            },
            "customRules": [
                {"name": c.get("name"), "priority": c.get("priority"), "action": c.get("action")}
                for c in s.get("custom_rules") or []
            ],
        },
    }


def _key_vault(s: dict[str, Any]) -> dict[str, Any]:
    # azurerm v3+ always enables soft delete; purge protection is the attribute that changes.
    return {
        "__type": "Microsoft.KeyVault/vaults",
        "properties": {"enableSoftDelete": True, "enablePurgeProtection": bool(s.get("purge_protection_enabled"))},
    }


def _data_factory(s: dict[str, Any]) -> dict[str, Any]:
    github, vsts = _first(s.get("github_configuration")), _first(s.get("vsts_configuration"))
    repo = None
    if github:
        repo = {
            "type": "FactoryGitHubConfiguration",
            "accountName": github.get("account_name"),
            "repositoryName": github.get("repository_name"),
        }
    elif vsts:
        repo = {
            "type": "FactoryVSTSConfiguration",
            "accountName": vsts.get("account_name"),
            "repositoryName": vsts.get("repository_name"),
        }
    return {"__type": "Microsoft.DataFactory/factories", "properties": {"repoConfiguration": repo}}


def _databricks(s: dict[str, Any]) -> dict[str, Any]:
    vnet = _first(s.get("custom_parameters")).get("virtual_network_id")
    return {
        "__type": "Microsoft.Databricks/workspaces",
        "sku": {"name": s.get("sku")},
        "properties": {"parameters": {"customVirtualNetworkId": {"value": vnet}} if vnet else {}},
    }


def _registry(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "__type": "Microsoft.ContainerRegistry/registries",
        "sku": {"name": s.get("sku")},
        "__replications": [
            {"name": g.get("location"), "location": g.get("location")} for g in s.get("georeplications") or []
        ],
    }


def _identity(_s: dict[str, Any]) -> dict[str, Any]:
    return {"__type": "Microsoft.ManagedIdentity/userAssignedIdentities", "properties": {}}


def _azapi(s: dict[str, Any]) -> dict[str, Any]:
    """azapi_resource: the ARM type is the `type` attribute (before the @api-version), the body is ARM's."""
    body = s.get("body") or {}
    if isinstance(body, str):
        body = json.loads(body)
    return {"__type": str(s.get("type", "")).split("@")[0], **{k: v for k, v in body.items() if k != "type"}}


MAPPERS = {
    "azurerm_storage_account": _storage,
    "azurerm_cosmosdb_account": _cosmos,
    "azurerm_postgresql_flexible_server": _flexible("Microsoft.DBforPostgreSQL/flexibleServers", "AsyncReplica"),
    "azurerm_mysql_flexible_server": _flexible("Microsoft.DBforMySQL/flexibleServers", "Replica"),
    "azurerm_kubernetes_cluster": _aks,
    "azurerm_application_gateway": _app_gateway,
    "azurerm_web_application_firewall_policy": _waf_policy,
    "azurerm_key_vault": _key_vault,
    "azurerm_data_factory": _data_factory,
    "azurerm_databricks_workspace": _databricks,
    "azurerm_container_registry": _registry,
    "azurerm_user_assigned_identity": _identity,
}
IGNORED_TYPES = {
    "azurerm_resource_group",
    "azurerm_subnet",
    "azurerm_public_ip",
    "azurerm_virtual_hub",
    "azurerm_virtual_wan",
    "random_pet",
    "random_string",
    "random_id",
    "random_password",
}
