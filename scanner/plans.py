"""Planned changes: ARM what-if results (REST body or `az ... what-if --no-pretty-print`) and
`terraform show -json` plans, mapped to ARM resource bodies so the same controls judge them.

A planned resource that cannot be mapped is listed as such, never dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar

import jmespath
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from scanner.catalogue import TerraformMapping
from scanner.errors import InputError, validation_error
from scanner.files import read_json

ModelT = TypeVar("ModelT", bound=BaseModel)


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


def _arm_type(resource_id: str) -> str:
    """'/subscriptions/s/.../providers/Microsoft.Storage/storageAccounts/a' -> 'microsoft.storage/storageaccounts'."""
    tail = resource_id.split("/providers/")[-1].split("/")
    if len(tail) < 3:
        return ""
    return "/".join([tail[0], *tail[1::2]]).lower()


# -- ARM what-if -------------------------------------------------------------------------------
WHATIF_ACTIONS = {"create": "create", "modify": "modify", "deploy": "modify", "delete": "delete"}
WHATIF_NOOPS = {"nochange", "ignore"}


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class WhatIfChange(_Open):
    resourceId: Annotated[StrictStr, Field(min_length=1)]
    changeType: StrictStr
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    unsupportedReason: StrictStr | None = None


class WhatIfChanges(_Open):
    changes: list[WhatIfChange]


class WhatIf(_Open):
    """The REST body ({status, properties: {changes}}) or `az ... what-if --no-pretty-print` ({changes})."""

    changes: list[WhatIfChange] | None = None
    properties: WhatIfChanges | None = None


def read_whatif(path: Path) -> Plan:
    data = read_json(path)
    if isinstance(data, dict) and "resource_changes" in data:
        raise InputError(str(path), "$", "this is a Terraform plan: give it with --terraform-plan")
    whatif = _validated(WhatIf, data, path)
    changes = whatif.changes if whatif.changes is not None else whatif.properties.changes if whatif.properties else None
    if changes is None:
        raise InputError(
            str(path),
            "$.properties.changes",
            "missing: expected the what-if changes (REST body or az --no-pretty-print)",
        )
    plan = Plan(path=str(path))
    for change in changes:
        _whatif_change(change.model_dump(), plan)
    return plan


def _validated(model: type[ModelT], data: Any, path: Path) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(str(path), exc) from exc


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
class TerraformChange(_Open):
    actions: list[StrictStr]
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


class ResourceChange(_Open):
    address: Annotated[StrictStr, Field(min_length=1)]
    type: Annotated[StrictStr, Field(min_length=1)]
    name: StrictStr | None = None
    change: TerraformChange


class TerraformPlan(_Open):
    format_version: StrictStr
    resource_changes: list[ResourceChange] = []


def read_terraform(path: Path, subscription: str, mappings: dict[str, TerraformMapping]) -> Plan:
    """A `terraform show -json` plan; each resource change is mapped to ARM by the controls' METADATA
    (custom.plan: the ARM properties each control reads, as JMESPath over the planned attributes)."""
    data = read_json(path)
    if isinstance(data, dict) and ("changes" in data or "changes" in (data.get("properties") or {})):
        raise InputError(str(path), "$", "this is an ARM what-if result: give it with --what-if")
    if isinstance(data, dict) and "format_version" not in data:
        raise InputError(str(path), "$.format_version", "missing: not a `terraform show -json` plan")
    terraform = _validated(TerraformPlan, data, path)
    plan = Plan(path=str(path))
    for i, rc in enumerate(terraform.resource_changes):
        _terraform_change(rc.model_dump(), plan, subscription, mappings, f"{path}:$.resource_changes[{i}]")
    return plan


def _terraform_change(
    rc: dict[str, Any], plan: Plan, subscription: str, mappings: dict[str, TerraformMapping], where: str
) -> None:
    actions = rc["change"].get("actions") or []
    address, tf_type = str(rc.get("address")), str(rc.get("type"))
    if actions in (["no-op"], ["read"]):
        return
    before, after = rc["change"].get("before") or {}, rc["change"].get("after") or {}
    deleting = "delete" in actions and "create" not in actions
    state = before if deleting else after
    if tf_type == "azapi_resource":
        arm_type, mapped, children = _azapi(state, where)
    elif tf_type in mappings:
        arm_type, mapped, children = _mapped(mappings[tf_type], state, where, address)
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
        "tags": state.get("tags") if isinstance(state.get("tags"), dict) else {},
        **mapped,
    }
    action = "create" if actions == ["create"] else "modify"
    plan.changes.append(Change(action, rid, arm_type.lower(), body, "terraform", address, True, children))


def _mapped(
    mapping: TerraformMapping, state: dict[str, Any], where: str, address: str
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The ARM body (and child lists) a Terraform resource's planned attributes give. A property the
    plan leaves null is set to null: the plan is the resource's whole desired state."""
    body: dict[str, Any] = {}
    children: dict[str, Any] = {}
    for dotted, expression in sorted(mapping.body.items()):
        try:
            value = jmespath.search(expression, state)
        except jmespath.exceptions.JMESPathError as exc:  # an attribute of a type the mapping did not expect
            raise InputError(where, f"{address}.change.after", f"cannot map it to {dotted}: {exc}") from exc
        if dotted.startswith("children."):
            # null: the plan leaves the child unmanaged (an optional, computed block it does not set),
            # so what Azure has stands; a list, even empty, is what the plan sets.
            if value is not None:
                children[dotted.removeprefix("children.")] = value
            continue
        node = body
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return mapping.type, body, children


def _azapi(s: dict[str, Any], where: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """azapi_resource: the ARM type is the `type` attribute (before the @api-version), the body is ARM's
    (an object, or before azapi 2.0 a JSON string)."""
    body = s.get("body") or {}
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except json.JSONDecodeError as exc:
            raise InputError(where, "change.body", f"azapi body is not JSON: {exc.msg}") from exc
    if not isinstance(body, dict):
        raise InputError(where, "change.body", "azapi body is not an object")
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
