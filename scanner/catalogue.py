"""The control catalogue: every control read from its policy's METADATA, and what the other layers
need of it, so that a control is one folder (its Rego, its case table, its METADATA).

A control's METADATA `custom` block says what the control judges (id, severity, stamps, scope,
resource_types), what collection must read for it (reads, collect), its place in the recovery graph
(mechanism, recovery), how the gate maps Terraform plans onto the ARM properties it reads (plan), and
how to fix a gap (remediation). rego-cpp has no rego.metadata built-ins, so METADATA is read here
from the .rego text; `opa check --strict` and Regal (.regal/rules/custom) validate the same blocks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import jmespath
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from scanner.errors import EngineError

SEVERITIES = ("critical", "high", "medium", "low", "info")
STAMP_KINDS = ("web", "data", "kubernetes", "genai")
STATUSES = ("pass", "fail", "not_applicable", "unknown")
CASES_FILE = "cases.yaml"  # a control's case table, beside its .rego (read by opa test and pytest)
DATA_FILE = "data.json"  # data documents the policies read (regions, recovery capabilities)
_PACKAGE = re.compile(r"^package\s+([\w.]+)\s*$", re.MULTILINE)


class _Meta(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChildRead(_Meta):
    """An ARM read for what Resource Graph does not index, stored in snapshot.children[parent id][kind].

    GET {parent id}/{path} lists items (paged by nextLink); `get` reads one body instead. `when` limits
    the read to parents whose properties have one of the listed values (case-insensitive); `where`
    keeps listed items whose properties equal the value; `action` POSTs {item id}/{action} for each
    kept item and stores those bodies (named like their item); `each` lists a further child of every
    item, stored under its own kind at the same parent."""

    type: str
    kind: str
    api: str
    path: str
    get: bool = False
    when: dict[str, list[str]] = {}
    where: dict[str, str] = {}
    action: str | None = None
    each: ChildRead | None = None

    @field_validator("type")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class Recovery(_Meta):
    """The control's step in the stamp's recovery graph (scanner/recovery.py).

    phase: data steps (stateful stores) finish before compute steps; network, then identity, then policy
    steps before compute; secrets before compute; compute before traffic. Controls naming the same step
    make one step, whose mechanism is the worst of theirs. per_resource: one step per resource finding, id
    "<step>:<resource id>", labelled "<label> <resource name>"; otherwise one step for the stamp, which
    lists the findings' resources (`lists: findings`), the stamp's resources of `types` (`primary` or
    `all` regions) or fixed names."""

    step: str
    label: str
    phase: Literal["data", "network", "identity", "policy", "secrets", "compute", "traffic"]
    per_resource: bool = False
    when: list[Literal["pass", "fail", "unknown", "not_applicable"]] = ["pass", "fail", "unknown"]
    lists: Literal["findings", "primary", "all"] | list[str] = "findings"
    types: list[str] = []
    # A mechanism of policies/data/capabilities; one per finding status; or "finding": the finding's own.
    mechanism: str | dict[str, str] = "finding"
    fallback_mechanism: str | None = None  # the step exists without `types` resources, with this mechanism
    after: list[str] = []  # also after the steps of these ids (or id prefixes before ':')
    data_inputs: Literal["all", "declared-airflow"] = "all"


class Remediation(_Meta):
    """How to close a gap: a summary and an az command whose {placeholders} drready fills with the
    resource's real names (scanner/results.py), so no report prints `<rg>`."""

    summary: str
    command: str | None = None


class TerraformMapping(_Meta):
    """How the gate reads a Terraform resource: the ARM type, and for each ARM property path the
    control reads, a JMESPath expression over the planned attributes (null results are left unset)."""

    type: str
    body: dict[str, str]

    @field_validator("body")
    @classmethod
    def _compiles(cls, body: dict[str, str]) -> dict[str, str]:
        # A typo, a function JMESPath lacks, or a type error on an absent attribute fails when the
        # policies load, not in a gate run: each expression is tried on a resource with no attributes.
        for path, expression in body.items():
            try:
                jmespath.search(expression, {})
            except jmespath.exceptions.JMESPathError as exc:
                raise ValueError(f"{path}: not a JMESPath expression: {exc}") from exc
        return body


class Custom(_Meta):
    id: str = Field(pattern=r"^DR-[A-Z0-9]+-\d{2}$")
    severity: Literal["critical", "high", "medium", "low", "info"]
    stamps: list[Literal["web", "data", "kubernetes", "genai"]] = Field(min_length=1)
    scope: Literal["resource", "stamp"] = "resource"
    resource_types: list[str] = []
    reads: list[str] = []  # further resource types the control reads without judging them
    mechanism: str | None = None
    # Most controls are Rego; two are the recovery graph's own findings (scanner/recovery.py).
    evaluated_by: Literal["rego", "recovery-targets", "recovery-spof"] = "rego"
    spof: str | None = None  # a failing finding of this control is a single point of failure, for this reason
    collect: list[ChildRead] = []
    recovery: Recovery | None = None
    plan: dict[str, TerraformMapping] = {}
    remediation: Remediation | None = None
    # Properties whose absence the control accepts on purpose, each with the reason (tests/test_fail_closed.py).
    absent_ok: dict[str, str] = {}


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
    reads: tuple[str, ...] = ()
    evaluated_by: str = "rego"
    collect: tuple[ChildRead, ...] = ()
    recovery: Recovery | None = None
    spof: str | None = None
    plan: dict[str, TerraformMapping] = field(default_factory=dict)
    remediation: Remediation | None = None
    absent_ok: dict[str, str] = field(default_factory=dict)

    def __hash__(self) -> int:  # its METADATA models hold lists; a control is known by its id and file
        return hash((self.id, self.file))

    @property
    def entrypoint(self) -> str:
        return self.package.replace(".", "/") + "/results"

    @property
    def in_rego(self) -> bool:
        """Evaluated by the policy engines (the others come from the recovery graph)."""
        return self.evaluated_by == "rego"

    def applies_to_kind(self, kind: str) -> bool:
        return kind in self.stamps

    def to_json(self) -> dict[str, Any]:
        """The control as the result document lists it."""
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "severity": self.severity,
            "stamps": list(self.stamps),
            "resource_types": list(self.resource_types),
            "scope": self.scope,
            "mechanism": self.mechanism,
            "related_resources": list(self.related_resources),
            "file": self.file,
            "evaluated_by": self.evaluated_by,
        }


@dataclass(frozen=True)
class CollectionPlan:
    """What collection reads: resource types for Resource Graph, and ARM child reads."""

    types: tuple[str, ...]
    reads: tuple[ChildRead, ...]


@dataclass
class Policies:
    """Every .rego module (controls and their helpers), the data documents, and the controls."""

    root: Path
    modules: dict[str, str] = field(default_factory=dict)  # relative path -> source
    data: dict[str, Any] = field(default_factory=dict)
    controls: list[Control] = field(default_factory=list)

    def control(self, control_id: str) -> Control | None:
        return next((c for c in self.controls if c.id == control_id), None)

    @property
    def rego_controls(self) -> list[Control]:
        return [c for c in self.controls if c.in_rego]

    @cached_property
    def collection(self) -> CollectionPlan:
        """Every type the controls judge or read, the parents of their child reads, and the reads
        (each once, however many controls need it)."""
        reads: dict[tuple[str, str], ChildRead] = {}
        for c in self.controls:
            for read in c.collect:
                reads.setdefault((read.type, read.kind), read)
        types = {t for c in self.controls for t in (*c.resource_types, *c.reads)} | {r.type for r in reads.values()}
        return CollectionPlan(tuple(sorted(types)), tuple(reads[k] for k in sorted(reads)))

    @cached_property
    def terraform(self) -> dict[str, TerraformMapping]:
        """azurerm type -> the union of the ARM properties the controls map from it."""
        merged: dict[str, dict[str, Any]] = {}
        for c in self.controls:
            for tf_type, mapping in c.plan.items():
                into = merged.setdefault(tf_type, {"type": mapping.type, "body": {}, "by": c.file})
                if into["type"].lower() != mapping.type.lower():
                    raise EngineError(c.file, f"plan.{tf_type} maps to {mapping.type}, {into['by']} to {into['type']}")
                for path, expression in mapping.body.items():
                    if into["body"].setdefault(path, expression) != expression:
                        raise EngineError(c.file, f"plan.{tf_type}.{path} differs from its mapping in {into['by']}")
        return {k: TerraformMapping(type=v["type"], body=v["body"]) for k, v in merged.items()}


def load_policies(root: Path) -> Policies:
    """Every control and data file under root. A folder that is missing or holds no control is an error:
    evaluating nothing would rate every stamp ready."""
    if not root.is_dir():
        raise EngineError(str(root), "no such policy folder")
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
    for path in sorted(root.rglob(DATA_FILE)):
        _merge_data(policies.data, path.parent.relative_to(root).parts, path, root)
    if not policies.controls:
        raise EngineError(str(root), "holds no control (a .rego file whose METADATA gives a custom.id)")
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
    raw = meta.get("custom") or {}
    if "id" not in raw:
        return None
    if not package:
        raise EngineError(rel, "control has METADATA but no package")
    try:
        custom = Custom.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise EngineError(rel, f"METADATA custom.{where}: {first['msg']}") from exc
    if custom.scope == "resource" and not custom.resource_types and custom.evaluated_by == "rego":
        raise EngineError(rel, f"METADATA of {custom.id}: resource controls list resource_types")
    return Control(
        id=custom.id,
        title=str(meta.get("title", custom.id)),
        description=" ".join(str(meta.get("description", "")).split()),
        severity=custom.severity,
        stamps=tuple(custom.stamps),
        resource_types=tuple(t.lower() for t in custom.resource_types),
        scope=custom.scope,
        mechanism=custom.mechanism,
        related_resources=tuple(str(r["ref"]) for r in meta.get("related_resources") or ()),
        package=package.group(1),
        file=rel,
        reads=tuple(t.lower() for t in custom.reads),
        evaluated_by=custom.evaluated_by,
        collect=tuple(custom.collect),
        recovery=custom.recovery,
        spof=custom.spof,
        plan=dict(custom.plan),
        remediation=custom.remediation,
        absent_ok=dict(custom.absent_ok),
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


def case_tables(root: Path) -> dict[str, dict[str, Any]]:
    """Control folder (relative to root) -> its case table, read without OPA."""
    tables = {}
    for path in sorted(root.rglob(CASES_FILE)):
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        tables[path.parent.relative_to(root).as_posix()] = doc.get("cases") or {}
    return tables
