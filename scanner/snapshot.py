"""Snapshot v1: what was collected from Azure (or a file), in ARM shape.

Resources stay plain dicts exactly as Resource Graph returns them, so the same policies run on live
data, ARM what-if output, Terraform plans mapped to ARM and the published ARM example bodies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Required

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, StrictStr, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from scanner.errors import InputError, validation_error
from scanner.files import canonical_json, read_json, write_atomic

SCHEMA = "drready.snapshot/v1"


@dataclass
class Snapshot:
    resources: list[dict[str, Any]]
    collected_at: str | None = None
    scope: dict[str, Any] = field(default_factory=dict)
    children: dict[str, Any] = field(default_factory=dict)
    authorization: list[dict[str, Any]] = field(default_factory=list)
    declared: dict[str, Any] = field(default_factory=dict)
    locations: list[dict[str, Any]] = field(default_factory=list)  # GET /subscriptions/{id}/locations
    # Resource Graph's resourcecontainers and policyresources rows; None when not collected (a snapshot
    # from a file, or one taken before drready read them), so the controls that need them are unknown.
    resource_groups: list[dict[str, Any]] | None = None
    subscriptions: list[dict[str, Any]] | None = None
    policy_assignments: list[dict[str, Any]] | None = None
    # ARM's deny assignments per lower-case subscription id (those at, above and below it); a subscription
    # whose read failed is absent. None when not collected.
    deny_assignments: dict[str, list[dict[str, Any]]] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    path: str = "<memory>"

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "collected_at": self.collected_at,
            "scope": self.scope,
            "resources": sorted(self.resources, key=lambda r: str(r["id"]).lower()),
            "children": self.children,
            "authorization": self.authorization,
            "declared": self.declared,
            "locations": self.locations,
            "resource_groups": self.resource_groups,
            "subscriptions": self.subscriptions,
            "policy_assignments": self.policy_assignments,
            "deny_assignments": self.deny_assignments,
            "errors": self.errors,
        }


def load_snapshot(path: str | Path) -> Snapshot:
    return parse_snapshot(read_json(Path(path)), str(path))


Text = Annotated[StrictStr, Field(min_length=1)]


class Resource(TypedDict, total=False):
    """The keys of a resource every layer relies on; the rest (properties above all) stays as Azure sent
    it, since Azure adds fields every month. Objects are checked, not copied: 100,000 resources take
    0.3 s."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]
    id: Required[Text]
    type: Required[Text]
    name: StrictStr | None
    location: StrictStr | None
    resourceGroup: StrictStr | None
    subscriptionId: StrictStr | None
    kind: StrictStr | None
    tags: dict[StrictStr, StrictStr] | None
    zones: list[StrictStr] | None
    sku: InstanceOf[dict] | None
    identity: InstanceOf[dict] | None
    properties: InstanceOf[dict] | None


class AssignmentProperties(TypedDict, total=False):
    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]
    principalId: StrictStr | None
    roleDefinitionId: StrictStr | None
    scope: StrictStr | None


class RoleAssignment(TypedDict, total=False):
    """A role assignment as Resource Graph's authorizationresources table gives it."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]
    id: Required[Text]
    properties: Required[AssignmentProperties]


class Container(TypedDict, total=False):
    """A subscription or resource group as Resource Graph's resourcecontainers table gives it."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]
    id: Required[Text]
    name: StrictStr | None
    location: StrictStr | None
    subscriptionId: StrictStr | None
    properties: InstanceOf[dict] | None


class PolicyAssignment(TypedDict, total=False):
    """A policy assignment as Resource Graph's policyresources table gives it."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]
    id: Required[Text]
    name: StrictStr | None
    properties: Required[InstanceOf[dict]]


class DenyAssignment(TypedDict, total=False):
    """A deny assignment as ARM's Microsoft.Authorization/denyAssignments list gives it."""

    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]
    id: Required[Text]
    name: StrictStr | None
    properties: Required[InstanceOf[dict]]


class CollectionError(TypedDict, total=False):
    __pydantic_config__ = ConfigDict(extra="allow")  # type: ignore[misc]
    source: Required[StrictStr]
    error: Required[StrictStr]
    scope: StrictStr | None
    types: list[StrictStr] | None


class Envelope(BaseModel):
    model_config = ConfigDict(extra="allow")
    schema_: Literal["drready.snapshot/v1"] = Field(alias="schema")
    collected_at: StrictStr | None = None
    scope: InstanceOf[dict] | None = None
    resources: InstanceOf[list]
    children: dict[StrictStr, dict[StrictStr, InstanceOf[list]]] | None = None
    authorization: list[RoleAssignment] | None = None
    declared: InstanceOf[dict] | None = None
    locations: list[InstanceOf[dict]] | None = None
    resource_groups: list[Container] | None = None
    subscriptions: list[Container] | None = None
    policy_assignments: list[PolicyAssignment] | None = None
    deny_assignments: dict[StrictStr, list[DenyAssignment]] | None = None
    errors: list[CollectionError] | None = None


_RESOURCES = TypeAdapter(list[Resource])
_RESOURCE = TypeAdapter(Resource)


def check_resource(body: Any, source: str, where: str) -> None:
    """A resource body from elsewhere (a planned change) has the shape every layer relies on."""
    try:
        _RESOURCE.validate_python(body)
    except ValidationError as exc:
        raise validation_error(source, exc, where) from exc


def parse_snapshot(data: Any, source: str) -> Snapshot:
    if not isinstance(data, dict):
        raise InputError(source, "$", "a snapshot is a JSON object")
    if data.get("schema") != SCHEMA:
        raise InputError(source, "$.schema", f"unsupported snapshot schema {data.get('schema')!r}; expected '{SCHEMA}'")
    try:
        envelope = Envelope.model_validate(data)
        _RESOURCES.validate_python(envelope.resources)
    except ValidationError as exc:
        raise _input_error(source, exc, "$" if exc.title == "Envelope" else "$.resources") from exc
    return Snapshot(
        resources=envelope.resources,
        collected_at=envelope.collected_at,
        scope=envelope.scope or {},
        children=envelope.children or {},
        authorization=envelope.authorization or [],
        declared=envelope.declared or {},
        locations=envelope.locations or [],
        resource_groups=envelope.resource_groups,
        subscriptions=envelope.subscriptions,
        policy_assignments=envelope.policy_assignments,
        deny_assignments=None
        if envelope.deny_assignments is None
        else {k.lower(): v for k, v in envelope.deny_assignments.items()},
        errors=[dict(e) for e in envelope.errors or []],
        path=source,
    )


def _input_error(source: str, exc: ValidationError, root: str) -> InputError:
    error = validation_error(source, exc, root)
    path = str(error.location)
    if exc.errors()[0]["type"] == "dict_type" and path.endswith("]") and path.count("[") == 1 and root == "$.resources":
        error = InputError(source, path, "a resource is a JSON object")
    return error


def save_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    write_atomic(Path(path), canonical_json(snapshot.to_json()))
