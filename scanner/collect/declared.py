"""Declared evidence: what Azure cannot say by itself, read from files named in drready.yaml.

Formats (documented in README.md):
- drready.model-gateway/v1: model routes with fallbacks, timeouts, retries, circuit breakers and a
  degraded mode. A LiteLLM router config (model_list + router_settings) is accepted too.
- drready.airflow/v1: which database, DAG storage and start order an Airflow deployment uses.
- drready.drills/v1: failover drill records (date, scenario, measured RTO/RPO) per stamp.

Every file is validated; an error names the file, line and field.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scanner.config import Config
from scanner.durations import Minutes, Seconds, parse_seconds
from scanner.errors import InputError
from scanner.yamlsource import Loc, dotted, line_of, load_with_lines


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    model: str
    provider: str
    region: str | None = None


class Retries(_Strict):
    max: int = Field(ge=0)
    backoff: Literal["none", "fixed", "exponential"] = "exponential"


class CircuitBreaker(_Strict):
    failures: int = Field(ge=1)
    window: Seconds | None = None
    cooldown: Seconds | None = None


class Route(Target):
    name: str
    timeout: Seconds | None = None
    retries: Retries | None = None
    circuit_breaker: CircuitBreaker | None = None
    fallbacks: list[Target] = []


class DegradedMode(_Strict):
    mode: Literal["cached-answers", "smaller-model", "read-only", "static-page"]
    description: str = ""


class ModelGateway(_Strict):
    schema_: Literal["drready.model-gateway/v1"] = Field(alias="schema")
    routes: list[Route]
    degraded_mode: DegradedMode | None = None


class DagStorage(_Strict):
    type: Literal["git", "storage"]
    repo: str | None = None
    resource: str | None = None


class Scheduler(_Strict):
    cluster: str | None = None
    starts_after: list[Literal["metadata_db", "dag_storage"]] = []


class Airflow(_Strict):
    schema_: Literal["drready.airflow/v1"] = Field(alias="schema")
    metadata_db: str
    dag_storage: DagStorage
    scheduler: Scheduler = Scheduler()


class Measured(_Strict):
    rto: Minutes
    rpo: Minutes


class Drill(_Strict):
    stamp: str
    date: date
    scenario: Literal["region-failover", "degraded-mode"] = "region-failover"
    measured: Measured
    notes: str = ""


class Drills(_Strict):
    schema_: Literal["drready.drills/v1"] = Field(alias="schema")
    drills: list[Drill]


def _error(path: Path, lines: dict[Loc, int], loc: Loc, message: str) -> InputError:
    return InputError(str(path), line_of(lines, loc), f"{dotted(loc)}: {message}")


def _validated(model: type[BaseModel], path: Path) -> tuple[BaseModel, dict[Loc, int]]:
    data, lines = load_with_lines(path)
    if not isinstance(data, dict):
        raise InputError(str(path), 1, "expected a mapping")
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        message = "unknown field" if first["type"] == "extra_forbidden" else first["msg"].removeprefix("Value error, ")
        raise InputError(str(path), line_of(lines, loc), f"{dotted(loc)}: {message}") from exc


def load_model_gateway(path: Path) -> dict[str, Any]:
    """A model-gateway file in drready's format or LiteLLM's, as the policies' normalized shape."""
    data, lines = load_with_lines(path)
    if isinstance(data, dict) and "model_list" in data:
        return litellm_gateway(data, path, lines)
    gateway, _ = _validated(ModelGateway, path)
    return {
        "source": "drready",
        "routes": [_route_json(r) for r in gateway.routes],
        "degraded_mode": gateway.degraded_mode.model_dump() if gateway.degraded_mode else None,
    }


def _route_json(route: Route) -> dict[str, Any]:
    return {
        "name": route.name,
        "model": route.model,
        "provider": route.provider,
        "region": route.region,
        "timeout_seconds": route.timeout or 0,
        "retries": route.retries.model_dump() if route.retries else None,
        "circuit_breaker": route.circuit_breaker.model_dump() if route.circuit_breaker else None,
        "fallbacks": [f.model_dump() for f in route.fallbacks],
    }


def litellm_gateway(data: dict[str, Any], path: Path, lines: dict[Loc, int]) -> dict[str, Any]:
    """Map a LiteLLM router config: each model_name group is a route; router_settings.fallbacks
    name its fallback groups; num_retries, timeout and the cooldown (allowed_fails, cooldown_time,
    LiteLLM's circuit breaker) apply to every route. A deployment's region comes from
    litellm_params.region_name or model_info.region; LiteLLM has no degraded mode."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for i, entry in enumerate(data.get("model_list") or []):
        params = entry.get("litellm_params") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not entry.get("model_name")
            or not isinstance(params, dict)
            or not params.get("model")
        ):
            raise _error(path, lines, ("model_list", i), "needs model_name and litellm_params.model")
        groups.setdefault(str(entry["model_name"]), []).append(entry)
    settings = {**(data.get("litellm_settings") or {}), **(data.get("router_settings") or {})}
    fallbacks = _litellm_fallbacks(settings.get("fallbacks") or [], groups, path, lines)
    retries = settings.get("num_retries")
    breaker = settings.get("allowed_fails") or settings.get("cooldown_time")
    routes = []
    for name, entries in sorted(groups.items()):
        first = _litellm_target(entries[0])
        timeout = settings.get("timeout", entries[0]["litellm_params"].get("timeout"))
        routes.append(
            {
                "name": name,
                **first,
                "timeout_seconds": parse_seconds(timeout) if timeout is not None else 0,
                "retries": {"max": int(retries), "backoff": "exponential"} if retries is not None else None,
                "circuit_breaker": {
                    "failures": int(settings.get("allowed_fails") or 1),
                    "cooldown": settings.get("cooldown_time"),
                }
                if breaker
                else None,
                "fallbacks": [_litellm_target(e) for group in fallbacks.get(name, []) for e in groups[group]]
                + [_litellm_target(e) for e in entries[1:]],
            }
        )
    return {"source": "litellm", "routes": routes, "degraded_mode": None}


def _litellm_fallbacks(
    items: list[Any], groups: dict[str, Any], path: Path, lines: dict[Loc, int]
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        for name, targets in item.items() if isinstance(item, dict) else []:
            for target in targets or []:
                if target not in groups:
                    raise _error(
                        path, lines, ("router_settings", "fallbacks"), f"fallback '{target}' is not a model_name"
                    )
                out.setdefault(name, []).append(target)
    return out


def _litellm_target(entry: dict[str, Any]) -> dict[str, Any]:
    params = entry["litellm_params"]
    model = str(params["model"])
    provider, _, name = model.partition("/") if "/" in model else ("openai", "", model)
    region = params.get("region_name") or (entry.get("model_info") or {}).get("region")
    return {
        "model": name,
        "provider": provider,
        "region": region,
        "endpoint": urlparse(str(params.get("api_base") or "")).hostname,
    }


def load_airflow(path: Path) -> dict[str, Any]:
    airflow, _ = _validated(Airflow, path)
    return airflow.model_dump(exclude={"schema_"})


def load_drills(path: Path, config: Config) -> list[dict[str, Any]]:
    drills, lines = _validated(Drills, path)
    names = {s.name for s in config.stamps}
    for i, drill in enumerate(drills.drills):
        if drill.stamp not in names:
            raise _error(path, lines, ("drills", i, "stamp"), f"no stamp named '{drill.stamp}' in {config.path}")
    return [d.model_dump(mode="json") for d in drills.drills]


def load_declared(config: Config) -> dict[str, Any]:
    """Every declared file named in drready.yaml, validated: {drills: [...], stamps: {name: {...}}}."""
    top = config.model.declared
    drills = load_drills(config.file_at(("declared", "drills"), top.drills), config) if top.drills else []
    declared: dict[str, Any] = {"drills": drills, "stamps": {}}
    loaded: dict[tuple[str, Path], Any] = {}  # stamps often share one file: read and validate it once

    def load(kind: str, loc: Loc, name: str | None) -> Any:
        if not name:
            return None
        key = (kind, config.file_at(loc, name))
        if key not in loaded:
            loaded[key] = (load_model_gateway if kind == "model_gateway" else load_airflow)(key[1])
        return loaded[key]

    for i, stamp in enumerate(config.stamps):
        files = stamp.declared
        declared["stamps"][stamp.name] = {
            "model_gateway": load("model_gateway", ("stamps", i, "declared", "model_gateway"), files.model_gateway),
            "airflow": load("airflow", ("stamps", i, "declared", "airflow"), files.airflow),
        }
    return declared


def stamp_declared(
    declared: dict[str, Any], stamp_name: str, tier: str, interval_minutes: int | None, today: date
) -> dict[str, Any]:
    """The declared part of one stamp's policy input, with drill ages computed here (rego-cpp
    cannot parse dates): newest first, split by scenario."""
    drills = sorted(
        (d for d in declared.get("drills", []) if d["stamp"] == stamp_name), key=lambda d: d["date"], reverse=True
    )

    def shaped(d: dict[str, Any]) -> dict[str, Any]:
        age = (today - date.fromisoformat(d["date"])).days
        measured = {"rto_minutes": d["measured"]["rto"], "rpo_minutes": d["measured"]["rpo"]}
        return {"date": d["date"], "age_days": age, "scenario": d["scenario"], "measured": measured}

    interval_days = interval_minutes // 1440 if interval_minutes else (90 if tier == "mission-critical" else 180)
    files = declared.get("stamps", {}).get(stamp_name, {})
    return {
        "drills": [shaped(d) for d in drills if d["scenario"] == "region-failover"],
        "degraded_mode_drills": [shaped(d) for d in drills if d["scenario"] == "degraded-mode"],
        "drill_interval_days": interval_days,
        "model_gateway": files.get("model_gateway"),
        "airflow": files.get("airflow"),
    }
