"""The drready.result/v1 document as a model: what `drready report` and `drready diff` check a result
against before rendering it, and the source of the published JSON Schema (schemas/, README "Result").

Every field a renderer reads is required with its type; fields beyond them are allowed, so a result of
a newer drready still renders."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr, ValidationError

from scanner.errors import InputError, validation_error

SCHEMA_ID = "drready.result/v1"
Count = Annotated[StrictInt, Field(ge=0)]
Minutes = Annotated[StrictInt, Field(ge=0)]
# Minutes, "unbounded" (nothing outside the primary region), "unknown", or null where it does not apply.
Figure = Minutes | Literal["unbounded", "unknown"] | None
Severity = Literal["critical", "high", "medium", "low", "info"]
Status = Literal["pass", "fail", "unknown", "not_applicable"]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ControlEntry(_Open):
    id: StrictStr
    title: StrictStr
    description: StrictStr = ""
    severity: Severity
    stamps: list[StrictStr] = []
    scope: StrictStr = "resource"
    related_resources: list[StrictStr] = []
    file: StrictStr = ""
    # rego, or recovery-targets / recovery-spof: findings drready derives from the recovery graph
    evaluated_by: StrictStr = "rego"


class Waiver(_Open):
    control: StrictStr
    resource: StrictStr | None = None
    stamp: StrictStr | None = None
    reason: StrictStr
    owner: StrictStr
    expires: StrictStr


class AppliedWaiver(Waiver):
    state: Literal["active", "expired"]
    matched: Count


class Finding(_Open):
    control: StrictStr
    title: StrictStr
    severity: Severity
    stamp: StrictStr
    resource: StrictStr
    resource_name: StrictStr
    resource_type: StrictStr
    status: Status
    message: StrictStr
    evidence: dict[StrictStr, Any] = {}
    declared: StrictBool = False
    mechanism: StrictStr | None = None
    waiver: Waiver | None = None
    fix: dict[StrictStr, StrictStr] | None = None


class Step(_Open):
    id: StrictStr
    label: StrictStr
    mechanism: StrictStr
    mechanism_label: StrictStr = ""
    after: list[StrictStr] = []
    resources: list[StrictStr] = []
    resource_ids: list[StrictStr] = []
    rto_minutes: Figure
    rpo_minutes: Figure
    basis: StrictStr | None = None
    source: StrictStr | None = None
    note: StrictStr = ""
    do: StrictStr = ""
    validate_: StrictStr = Field("", alias="validate")
    failback: StrictStr = ""


class Estimate(_Open):
    rto_minutes: Figure
    rpo_minutes: Figure
    rto_path: list[Step] = []
    rpo_set_by: list[Step] = []


class Measured(_Open):
    rto_minutes: Minutes
    rpo_minutes: Minutes


class Drill(_Open):
    date: StrictStr
    age_days: StrictInt
    scenario: StrictStr
    measured: Measured
    stale: StrictBool


class Achieved(_Open):
    rto_minutes: Figure
    rpo_minutes: Figure
    source: StrictStr
    estimated: dict[StrictStr, Figure] | None = None
    measured: dict[StrictStr, Any] | None = None


class FigurePair(_Open):
    rto_minutes: Figure
    rpo_minutes: Figure


class Fix(_Open):
    """One open gap and what fixing it does to the stamp's estimated figures (scanner/recovery.py)."""

    control: StrictStr
    resource: StrictStr
    resource_name: StrictStr
    severity: Severity
    title: StrictStr
    alone: FigurePair
    needed: StrictBool
    moves_figures: StrictBool


class IfFixed(FigurePair):
    meets: dict[Literal["rpo", "rto"], StrictBool | None]


class Recovery(_Open):
    steps: list[Step]
    fixes: list[Fix] = []
    if_fixed: IfFixed | None = None
    edges: list[Annotated[list[StrictStr], Field(min_length=2, max_length=2)]] = []
    estimate: Estimate
    achieved: Achieved
    drill: Drill | None = None
    meets: dict[Literal["rpo", "rto"], StrictBool | None]
    assumed: list[StrictStr] = []


class Targets(_Open):
    rpo_minutes: Minutes
    rto_minutes: Minutes


class Stamp(_Open):
    name: StrictStr
    kind: StrictStr
    tier: StrictStr
    owner: StrictStr | None = None
    primary_region: StrictStr | None
    secondary_region: StrictStr | None
    targets: Targets
    resources: Count
    counts: dict[Literal["pass", "fail", "unknown", "not_applicable", "waived"], Count]
    score: Annotated[StrictInt, Field(ge=0, le=100)] | None
    verdict: Literal["ready", "at_risk", "not_ready", "unknown"]
    recovery: Recovery
    line: StrictInt | None = None


class SnapshotRef(_Open):
    path: StrictStr
    collected_at: StrictStr | None
    resources: Count


class Result(_Open):
    schema_: Literal["drready.result/v1"] = Field(alias="schema")
    generated_at: StrictStr
    drready_version: StrictStr
    engine: StrictStr
    config: StrictStr
    snapshot: SnapshotRef
    controls: list[ControlEntry]
    stamps: list[Stamp]
    findings: list[Finding]
    waivers: list[AppliedWaiver]
    errors: list[dict[StrictStr, Any]]


def check_result(data: Any, source: str) -> dict[str, Any]:
    """`data` as a drready.result/v1 document with every optional field filled in with its default (so
    renderers can rely on each field the model names), else exit 2 naming the JSON path and the field."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_ID:
        raise InputError(source, "$.schema", f"not a drready result (expected schema '{SCHEMA_ID}')")
    try:
        return Result.model_validate(data).model_dump(by_alias=True)
    except ValidationError as exc:
        raise validation_error(source, exc) from exc


def json_schema() -> dict[str, Any]:
    """The published JSON Schema of drready.result/v1 (schemas/drready.result.v1.json)."""
    schema = Result.model_json_schema(by_alias=True)
    schema["$id"] = "urn:drready:schema:result:v1"
    schema["title"] = SCHEMA_ID
    return schema
