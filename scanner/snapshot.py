"""Snapshot v1: what was collected from Azure (or a file), in ARM shape.

Resources stay plain dicts exactly as Resource Graph returns them, so the same policies run on live
data, ARM what-if output, Terraform plans mapped to ARM and the published ARM example bodies.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.errors import InputError
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
            "errors": self.errors,
        }


def load_snapshot(path: str | Path) -> Snapshot:
    return parse_snapshot(read_json(Path(path)), str(path))


def parse_snapshot(data: Any, source: str) -> Snapshot:
    if not isinstance(data, dict):
        raise InputError(source, "$", "a snapshot is a JSON object")
    schema = data.get("schema")
    if schema != SCHEMA:
        raise InputError(source, "$.schema", f"unsupported snapshot schema {schema!r}; expected '{SCHEMA}'")
    resources = _typed(data, "resources", list, source, required=True)
    for i, resource in enumerate(resources):
        _check_resource(resource, f"$.resources[{i}]", source)
    errors = _typed(data, "errors", list, source)
    for i, err in enumerate(errors):
        if not isinstance(err, dict) or not all(isinstance(err.get(k), str) for k in ("source", "error")):
            raise InputError(source, f"$.errors[{i}]", "an error needs string fields 'source' and 'error'")
    return Snapshot(
        resources=resources,
        collected_at=data.get("collected_at"),
        scope=_typed(data, "scope", dict, source),
        children=_typed(data, "children", dict, source),
        authorization=_typed(data, "authorization", list, source),
        declared=_typed(data, "declared", dict, source),
        errors=errors,
        path=source,
    )


def _typed(data: dict[str, Any], key: str, kind: type, source: str, required: bool = False) -> Any:
    if key not in data or data[key] is None:
        if required:
            raise InputError(source, f"$.{key}", "missing field")
        return kind()
    if not isinstance(data[key], kind):
        raise InputError(source, f"$.{key}", f"expected {'an array' if kind is list else 'an object'}")
    return data[key]


def _check_resource(resource: Any, where: str, source: str) -> None:
    if not isinstance(resource, dict):
        raise InputError(source, where, "a resource is a JSON object")
    for key in ("id", "type"):
        value = resource.get(key)
        if not isinstance(value, str) or not value.strip():
            raise InputError(source, f"{where}.{key}", f"a resource needs a non-empty string '{key}'")


def save_snapshot(snapshot: Snapshot, path: str | Path) -> None:
    write_atomic(Path(path), canonical_json(snapshot.to_json()))
