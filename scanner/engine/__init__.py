"""Policy engines and the control catalogue read from the policies' METADATA.

rego-cpp has no rego.metadata built-ins, so METADATA is read here from the .rego text; the same
blocks are what `opa check --strict` validates.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import yaml

from scanner.engine.projection import Projection
from scanner.errors import EngineError

SEVERITIES = ("critical", "high", "medium", "low", "info")
STAMP_KINDS = ("web", "data", "kubernetes", "genai")
_PACKAGE = re.compile(r"^package\s+([\w.]+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Control:
    id: str
    title: str
    description: str
    severity: str
    stamps: tuple[str, ...]
    resource_types: tuple[str, ...]
    scope: str  # "resource": one result per applicable resource; "stamp": one result per stamp
    mechanism: str | None
    related_resources: tuple[str, ...]
    package: str
    file: str  # relative to the policies folder

    @property
    def entrypoint(self) -> str:
        return self.package.replace(".", "/") + "/results"

    def applies_to_kind(self, kind: str) -> bool:
        return kind in self.stamps


@dataclass
class Policies:
    """Every .rego module (controls and their helpers), the data documents, and the controls."""

    root: Path
    modules: dict[str, str] = field(default_factory=dict)  # relative path -> source
    data: dict[str, Any] = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)

    def control(self, control_id: str) -> Control | None:
        return next((c for c in self.controls if c.id == control_id), None)

    @cached_property
    def projection(self) -> Projection:
        """The resource types and keys these policies can read (scanner/engine/projection.py)."""
        return Projection.of(self.modules.values())


class PolicyEngine(Protocol):
    name: str

    def evaluate(self, controls: list[Control], policy_input: dict[str, Any]) -> dict[str, list[Any]]:
        """Raw `results` of each control for one stamp's input, keyed by control id. Safe to call from
        several threads at once."""
        ...


def load_policies(root: Path) -> Policies:
    policies = Policies(root=root)
    for path in sorted(root.rglob("*.rego")):
        rel = path.relative_to(root).as_posix()
        if rel.endswith("_test.rego"):
            continue
        source = path.read_text(encoding="utf-8")
        policies.modules[rel] = source
        control = parse_control(rel, source)
        if control:
            policies.controls.append(control)
    for path in sorted(root.rglob("*.json")):
        _merge_data(policies.data, path.parent.relative_to(root).parts, path, root)
    _check_unique(policies.controls)
    check_function_arities(policies.modules)
    policies.controls.sort(key=lambda c: c.id)
    return policies


def _merge_data(data: dict[str, Any], parts: tuple[str, ...], path: Path, root: Path) -> None:
    """Place a data file where `opa` puts it: at the path of its folder below the policies root."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EngineError(path.relative_to(root).as_posix(), f"malformed JSON: {exc}") from exc
    node = data
    for part in parts:
        node = node.setdefault(part, {})
    node.update(doc)


def parse_control(rel: str, source: str) -> Control | None:
    """The control declared by a module's package METADATA, or None for helper modules."""
    package = _PACKAGE.search(source)
    meta = _package_metadata(rel, source, package.start() if package else 0)
    custom = meta.get("custom") or {}
    if "id" not in custom:
        return None
    if not package:
        raise EngineError(rel, "control has METADATA but no package")
    try:
        severity = str(custom["severity"])
        stamps = tuple(custom["stamps"])
        scope = str(custom.get("scope", "resource"))
        types = tuple(str(t).lower() for t in custom.get("resource_types") or ())
    except (KeyError, TypeError) as exc:
        raise EngineError(rel, f"METADATA custom needs id, severity and stamps ({exc})") from exc
    if severity not in SEVERITIES or not set(stamps) <= set(STAMP_KINDS) or scope not in ("resource", "stamp"):
        raise EngineError(rel, f"METADATA of {custom['id']}: bad severity, stamps or scope")
    if scope == "resource" and not types:
        raise EngineError(rel, f"METADATA of {custom['id']}: resource controls list resource_types")
    return Control(
        id=str(custom["id"]),
        title=str(meta.get("title", custom["id"])),
        description=" ".join(str(meta.get("description", "")).split()),
        severity=severity,
        stamps=stamps,
        resource_types=types,
        scope=scope,
        mechanism=custom.get("mechanism"),
        related_resources=tuple(str(r["ref"]) for r in meta.get("related_resources") or ()),
        package=package.group(1),
        file=rel,
    )


def _package_metadata(rel: str, source: str, package_at: int) -> dict[str, Any]:
    """The YAML of the `# METADATA` comment block right before the package line."""
    lines = source[:package_at].splitlines()
    try:
        start = max(i for i, line in enumerate(lines) if line.strip() == "# METADATA")
    except ValueError:
        return {}
    block = []
    for line in lines[start + 1 :]:
        if not line.startswith("#"):
            break
        block.append(line[2:] if line.startswith("# ") else line[1:])
    try:
        meta = yaml.safe_load("\n".join(block)) or {}
    except yaml.YAMLError as exc:
        raise EngineError(rel, f"METADATA is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise EngineError(rel, "METADATA is not a mapping")
    return meta


_FUNCTION_HEAD = re.compile(r"^([a-z_][a-z0-9_]*)\(([^)]*)\)\s*(?::=|if\b|=|\{)", re.MULTILINE)


def check_function_arities(modules: dict[str, str]) -> None:
    """Refuse two functions of one name with different arities, even in different packages:
    rego-cpp 1.5.2 then crashes the whole process (segmentation fault), depending on module order."""
    seen: dict[str, tuple[int, str]] = {}
    for rel, source in modules.items():
        for name, args in _FUNCTION_HEAD.findall(source):
            arity = len([a for a in args.split(",") if a.strip()])
            first = seen.setdefault(name, (arity, rel))
            if first[0] != arity:
                raise EngineError(
                    rel,
                    f"function {name} takes {arity} argument(s) here and {first[0]} in {first[1]}: "
                    "rename one (rego-cpp cannot tell them apart)",
                )


def _check_unique(controls: list[Control]) -> None:
    seen: dict[str, str] = {}
    for c in controls:
        if c.id in seen:
            raise EngineError(c.file, f"control id {c.id} is also declared in {seen[c.id]}")
        seen[c.id] = c.file


def make_engine(
    name: str, policies: Policies, opa_url: str | None = None, opa_token: str | None = None
) -> PolicyEngine:
    if name == "embedded":
        from scanner.engine.embedded import EmbeddedEngine

        return EmbeddedEngine(policies)
    if name == "opa-server":
        from scanner.engine.opa_server import OpaServerEngine

        if not opa_url:
            raise EngineError("(opa-server)", "--engine opa-server needs --opa-url")
        return OpaServerEngine(policies, opa_url, opa_token)
    raise EngineError("(engine)", f"unknown engine '{name}'")
