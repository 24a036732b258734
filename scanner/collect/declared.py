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
from typing import Annotated, Any, ClassVar, Literal, TypeVar
from urllib.parse import urlparse

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from scanner.config import Config
from scanner.durations import Minutes, Seconds
from scanner.errors import InputError, first_error
from scanner.yamlsource import Loc, dotted, line_of, load_with_lines

ModelT = TypeVar("ModelT", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    model: str
    provider: str
    region: str | None = None
    # The host the gateway calls (a URL or a bare host); DR-NET-06 checks the secondary's firewall
    # admits it. Without it the provider's public host, or the stamp's Azure OpenAI account, is assumed.
    endpoint: str | None = None

    @field_validator("endpoint")
    @classmethod
    def _host_only(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host = endpoint_host(value)
        if not host:
            raise ValueError(f"{value!r} names no host")
        return host


class Retries(_Strict):
    max: int = Field(ge=0)
    backoff: Literal["none", "fixed", "exponential"] = "exponential"


class CircuitBreaker(_Strict):
    failures: int = Field(ge=1)
    window: Seconds | None = None
    cooldown: Seconds | None = None


class RateLimit(_Strict):
    retry_after: bool  # retries wait as long as a 429's Retry-After says
    on_429: Literal["retry", "fallback", "queue", "fail"]


class Route(Target):
    name: str
    timeout: Seconds | None = None
    retries: Retries | None = None
    circuit_breaker: CircuitBreaker | None = None
    fallbacks: list[Target] = []
    # The Service Bus or Event Hubs namespace (name or id) that buffers the route's requests (DR-AI-08).
    queue: str | None = None
    rate_limit: RateLimit | None = None  # how a 429 is handled (DR-AI-09)


DegradedModeName = Literal["cached-answers", "smaller-model", "read-only", "static-page"]


class DegradedMode(_Strict):
    mode: DegradedModeName
    description: str = ""


class ModelGateway(_Strict):
    schema_: Literal["drready.model-gateway/v1"] = Field(alias="schema")
    routes: list[Route]
    # One mode, or several (DR-AI-05 wants a drill of each); the policies read them as one list.
    degraded_mode: DegradedMode | None = None
    degraded_modes: list[DegradedMode] = []


class DagStorage(_Strict):
    type: Literal["git", "storage"]
    repo: str | None = None
    resource: str | None = None


class Scheduler(_Strict):
    cluster: str | None = None
    starts_after: list[Literal["metadata_db", "dag_storage"]] = []


class _NamedStore(_Strict):
    """A store of the stamp named by `resource` (name or id), which one `type` of it requires."""

    _named_when: ClassVar[str]
    _what: ClassVar[str]
    type: str
    resource: str | None = None

    @model_validator(mode="after")
    def _names_its_resource(self) -> _NamedStore:
        if self.type == self._named_when and not self.resource:
            raise ValueError(f"{self._what} names its resource (resource: name or id)")
        return self


class Broker(_NamedStore):
    # Celery's broker, an Azure Cache for Redis or Managed Redis; none for the Kubernetes or Local
    # executor, which have no broker.
    _named_when: ClassVar[str] = "redis"
    _what: ClassVar[str] = "a redis broker"
    type: Literal["redis", "rabbitmq", "none"]


class XComBackend(_NamedStore):
    # Airflow keeps XComs in the metadata database unless a custom backend puts them in object storage.
    _named_when: ClassVar[str] = "storage"
    _what: ClassVar[str] = "an object-storage XCom backend"
    type: Literal["database", "storage"] = "database"


class Airflow(_Strict):
    schema_: Literal["drready.airflow/v1"] = Field(alias="schema")
    metadata_db: str
    dag_storage: DagStorage
    scheduler: Scheduler = Scheduler()
    broker: Broker | None = None
    xcom_backend: XComBackend = XComBackend()


class Measured(_Strict):
    rto: Minutes
    rpo: Minutes


class Drill(_Strict):
    stamp: str
    date: date
    scenario: Literal["region-failover", "degraded-mode"] = "region-failover"
    mode: DegradedModeName | None = None  # the degraded mode a degraded-mode drill exercised
    measured: Measured
    notes: str = ""


class Drills(_Strict):
    schema_: Literal["drready.drills/v1"] = Field(alias="schema")
    drills: list[Drill]


# A LiteLLM router config: only the fields drready reads are checked; LiteLLM has many more.
class _LiteLLM(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


Name = Annotated[StrictStr, Field(min_length=1)]
Count = Annotated[StrictInt, Field(ge=0)]


class LiteLLMParams(_LiteLLM):
    model: Name
    region_name: StrictStr | None = None
    api_base: StrictStr | None = None
    timeout: Seconds | None = None


class LiteLLMModelInfo(_LiteLLM):
    region: StrictStr | None = None


class LiteLLMDeployment(_LiteLLM):
    model_name: Name
    litellm_params: LiteLLMParams
    model_info: LiteLLMModelInfo | None = None


class RouterSettings(_LiteLLM):
    fallbacks: list[dict[Name, list[Name]]] = []
    num_retries: Count | None = None
    timeout: Seconds | None = None
    allowed_fails: Count | None = None
    cooldown_time: Seconds | None = None


class LiteLLMConfig(_LiteLLM):
    model_list: list[LiteLLMDeployment]
    router_settings: RouterSettings = RouterSettings()
    litellm_settings: RouterSettings = RouterSettings()


def _error(path: Path, lines: dict[Loc, int], loc: Loc, message: str) -> InputError:
    return InputError(str(path), line_of(lines, loc), f"{dotted(loc)}: {message}")


def _validated(
    model: type[ModelT], path: Path, loaded: tuple[Any, dict[Loc, int]] | None = None
) -> tuple[ModelT, dict[Loc, int]]:
    data, lines = loaded or load_with_lines(path)
    if not isinstance(data, dict):
        raise InputError(str(path), 1, "expected a mapping")
    try:
        return model.model_validate(data), lines
    except ValidationError as exc:
        loc, message = first_error(exc)
        raise InputError(str(path), line_of(lines, loc), f"{dotted(loc)}: {message}") from exc


def load_model_gateway(path: Path) -> dict[str, Any]:
    """A model-gateway file in drready's format or LiteLLM's, as the policies' normalized shape."""
    loaded = load_with_lines(path)
    if isinstance(loaded[0], dict) and "model_list" in loaded[0]:
        return litellm_gateway(*_validated(LiteLLMConfig, path, loaded), path)
    gateway, _ = _validated(ModelGateway, path, loaded)
    return {
        "source": "drready",
        "routes": [_route_json(r) for r in gateway.routes],
        "degraded_modes": _degraded_modes(gateway),
    }


def _degraded_modes(gateway: ModelGateway) -> list[dict[str, Any]]:
    """degraded_mode and degraded_modes as one list, each mode once (the first description kept)."""
    modes: dict[str, dict[str, Any]] = {}
    for m in [*filter(None, [gateway.degraded_mode]), *gateway.degraded_modes]:
        modes.setdefault(m.mode, m.model_dump())
    return list(modes.values())


def _route_json(route: Route) -> dict[str, Any]:
    return {
        "name": route.name,
        "model": route.model,
        "provider": route.provider,
        "region": route.region,
        "endpoint": route.endpoint,
        "timeout_seconds": route.timeout or 0,
        "retries": route.retries.model_dump() if route.retries else None,
        "circuit_breaker": route.circuit_breaker.model_dump() if route.circuit_breaker else None,
        "fallbacks": [f.model_dump() for f in route.fallbacks],
        "queue": route.queue,
        "rate_limit": route.rate_limit.model_dump() if route.rate_limit else None,
    }


def litellm_gateway(config: LiteLLMConfig, lines: dict[Loc, int], path: Path) -> dict[str, Any]:
    """Map a LiteLLM router config: each model_name group is a route; router_settings.fallbacks
    name its fallback groups; num_retries, timeout and the cooldown (allowed_fails, cooldown_time,
    LiteLLM's circuit breaker) apply to every route, router_settings over litellm_settings. A
    deployment's region comes from litellm_params.region_name or model_info.region; LiteLLM has no
    degraded mode."""
    groups: dict[str, list[LiteLLMDeployment]] = {}
    for entry in config.model_list:
        groups.setdefault(entry.model_name, []).append(entry)
    settings = config.litellm_settings.model_dump(exclude_unset=True) | config.router_settings.model_dump(
        exclude_unset=True
    )
    fallbacks: dict[str, list[str]] = {}
    for item in settings.get("fallbacks") or []:
        for name, targets in item.items():
            for target in targets:
                if target not in groups:
                    raise _error(
                        path, lines, ("router_settings", "fallbacks"), f"fallback '{target}' is not a model_name"
                    )
                fallbacks.setdefault(name, []).append(target)
    retries, allowed, cooldown = (
        settings.get("num_retries"),
        settings.get("allowed_fails"),
        settings.get("cooldown_time"),
    )
    routes = []
    for name, entries in sorted(groups.items()):
        timeout = settings.get("timeout", entries[0].litellm_params.timeout)
        routes.append(
            {
                "name": name,
                **_litellm_target(entries[0]),
                "timeout_seconds": timeout or 0,
                "retries": {"max": retries, "backoff": "exponential"} if retries is not None else None,
                "circuit_breaker": {"failures": allowed or 1, "cooldown": cooldown} if allowed or cooldown else None,
                "fallbacks": [_litellm_target(e) for group in fallbacks.get(name, []) for e in groups[group]]
                + [_litellm_target(e) for e in entries[1:]],
                "queue": None,  # LiteLLM's router holds no queue of its own
                "rate_limit": _litellm_rate_limit(retries, bool(fallbacks.get(name))),
            }
        )
    return {"source": "litellm", "routes": routes, "degraded_modes": []}


def _litellm_rate_limit(retries: int | None, has_fallbacks: bool) -> dict[str, Any] | None:
    """LiteLLM's router waits out a 429's Retry-After (up to 60 s, else exponential backoff) between
    its num_retries, then falls back on the RateLimitError (litellm's _calculate_retry_after)."""
    if not retries and not has_fallbacks:
        return None
    return {"retry_after": bool(retries), "on_429": "fallback" if has_fallbacks else "retry"}


def _litellm_target(entry: LiteLLMDeployment) -> dict[str, Any]:
    params = entry.litellm_params
    provider, _, name = params.model.partition("/") if "/" in params.model else ("openai", "", params.model)
    return {
        "model": name,
        "provider": provider,
        "region": params.region_name or (entry.model_info.region if entry.model_info else None),
        "endpoint": endpoint_host(params.api_base) if params.api_base else None,
    }


def endpoint_host(value: str) -> str | None:
    """The host of a URL or of a bare host name ("https://x.openai.azure.com/openai" and
    "x.openai.azure.com" both give "x.openai.azure.com"); None when there is none."""
    return urlparse(value if "://" in value else f"https://{value}").hostname


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
        return {
            "date": d["date"],
            "age_days": age,
            "scenario": d["scenario"],
            "mode": d.get("mode"),
            "measured": measured,
        }

    interval_days = interval_minutes // 1440 if interval_minutes else (90 if tier == "mission-critical" else 180)
    files = declared.get("stamps", {}).get(stamp_name, {})
    return {
        "drills": [shaped(d) for d in drills if d["scenario"] == "region-failover"],
        "degraded_mode_drills": [shaped(d) for d in drills if d["scenario"] == "degraded-mode"],
        "drill_interval_days": interval_days,
        "model_gateway": files.get("model_gateway"),
        "airflow": files.get("airflow"),
    }
