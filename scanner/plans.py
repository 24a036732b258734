"""Planned changes: ARM what-if results (REST body or `az ... what-if --no-pretty-print`) and
`terraform show -json` plans, mapped to ARM resource bodies so the same controls judge them.

A planned resource that cannot be mapped is listed as such, never dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jmespath

from scanner.catalogue import TerraformMapping
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
    children: dict[str, Any] = field(default_factory=dict)  # child lists the plan sets (kind -> items)


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
def read_terraform(path: Path, subscription: str, mappings: dict[str, TerraformMapping]) -> Plan:
    """A `terraform show -json` plan; each resource change is mapped to ARM by the controls' METADATA
    (custom.plan: the ARM properties each control reads, as JMESPath over the planned attributes)."""
    data = _load_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("resource_changes", []), list):
        raise InputError(str(path), "$.resource_changes", "not a `terraform show -json` plan")
    plan = Plan(path=str(path))
    for i, rc in enumerate(data.get("resource_changes") or []):
        if not isinstance(rc, dict) or not isinstance(rc.get("change"), dict):
            raise InputError(str(path), f"$.resource_changes[{i}]", "a resource change needs `change`")
        _terraform_change(rc, plan, subscription, mappings)
    return plan


def _terraform_change(rc: dict[str, Any], plan: Plan, subscription: str, mappings: dict[str, TerraformMapping]) -> None:
    actions = rc["change"].get("actions") or []
    address, tf_type = str(rc.get("address")), str(rc.get("type"))
    if actions in (["no-op"], ["read"]):
        return
    before, after = rc["change"].get("before") or {}, rc["change"].get("after") or {}
    deleting = "delete" in actions and "create" not in actions
    state = before if deleting else after
    if tf_type == "azapi_resource":
        arm_type, mapped, children = _azapi(state)
    elif tf_type in mappings:
        arm_type, mapped, children = _mapped(mappings[tf_type], state)
    else:
        reason = "no drready control reads this resource type" if tf_type in IGNORED_TYPES else "not mapped to ARM"
        plan.unmapped.append({"address": address, "type": tf_type, "reason": reason})
        return
    name = state.get("name") or rc.get("name")
    rid = (
        before.get("id")
        or after.get("id")
        or f"/subscriptions/{subscription}/resourceGroups/{state.get('resource_group_name', 'unknown')}"
        f"/providers/{arm_type}/{name}"
    )
    if deleting:
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
    plan.changes.append(Change(action, rid, arm_type.lower(), body, "terraform", address, True, children))


def _mapped(mapping: TerraformMapping, state: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The ARM body (and child lists) a Terraform resource's planned attributes give. A property the
    plan leaves null is set to null: the plan is the resource's whole desired state."""
    body: dict[str, Any] = {}
    children: dict[str, Any] = {}
    for dotted, expression in sorted(mapping.body.items()):
        value = jmespath.search(expression, state)
        if dotted.startswith("children."):
            children[dotted.removeprefix("children.")] = value or []
            continue
        node = body
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return mapping.type, body, children


def _azapi(s: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """azapi_resource: the ARM type is the `type` attribute (before the @api-version), the body is ARM's."""
    body = s.get("body") or {}
    if isinstance(body, str):
        body = json.loads(body)
    return str(s.get("type", "")).split("@")[0], {k: v for k, v in body.items() if k != "type"}, {}


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
