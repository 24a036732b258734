"""drready.yaml: scope, regions, stamps with targets, waivers. Validated with pydantic;
every error names the file, the line and the field, and ends the run with exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scanner.durations import Minutes
from scanner.errors import InputError, first_error
from scanner.yamlsource import Loc, dotted, line_of, load_with_lines

StampKind = Literal["web", "data", "kubernetes", "genai"]
Tier = Literal["mission-critical", "business-critical", "standard"]

RegionName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Strict):
    tenant: str | None = None
    subscriptions: list[str] = []
    management_groups: list[str] = []


class Regions(_Strict):
    primary: RegionName
    secondary: RegionName | None = None
    tokens: dict[RegionName, list[str]] = {}


class Targets(_Strict):
    rpo: Minutes
    rto: Minutes


class Selector(_Strict):
    """A resource belongs to the stamp if it matches any clause: all the tags, a resource group,
    or an id (all compared case-insensitively)."""

    tags: dict[str, str] = {}
    resource_groups: list[str] = []
    resource_ids: list[str] = []

    @model_validator(mode="after")
    def _not_empty(self) -> Selector:
        if not (self.tags or self.resource_groups or self.resource_ids):
            raise ValueError("a selector needs tags, resource_groups or resource_ids")
        return self


class StampDeclared(_Strict):
    """Declared evidence files of one stamp, relative to drready.yaml."""

    model_gateway: str | None = None
    airflow: str | None = None


class Declared(_Strict):
    """Declared evidence files for every stamp, relative to drready.yaml."""

    drills: str | None = None


class Stamp(_Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    kind: StampKind
    tier: Tier = "standard"
    owner: str | None = Field(default=None, min_length=1)  # who fixes its gaps: a team, a person, an alias
    targets: Targets
    selector: Selector
    primary_region: RegionName | None = None
    secondary_region: RegionName | None = None
    drill_interval: Minutes | None = None
    declared: StampDeclared = StampDeclared()


class Waiver(_Strict):
    control: str = Field(pattern=r"^DR-[A-Z0-9]+-\d{2}$")
    resource: str | None = None
    stamp: str | None = None
    reason: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    expires: date

    @model_validator(mode="after")
    def _has_target(self) -> Waiver:
        if not (self.resource or self.stamp):
            raise ValueError("a waiver names a resource or a stamp (or both)")
        return self


class CapabilityOverride(_Strict):
    """A user's own figure for a recovery mechanism (policies/data/capabilities)."""

    rpo: Minutes | None = None
    rto: Minutes | None = None
    source: str = "drready.yaml override"


class ConfigModel(_Strict):
    version: Literal[1] = 1
    scope: Scope = Scope()
    regions: Regions
    stamps: list[Stamp] = Field(min_length=1)
    waivers: list[Waiver] = []
    declared: Declared = Declared()
    capabilities: dict[str, CapabilityOverride] = {}


class Config:
    """A validated drready.yaml plus where each of its values stands in the file."""

    def __init__(self, path: Path, model: ConfigModel, lines: dict[Loc, int], allow_outside: bool = False) -> None:
        self.path = path
        self.model = model
        self.lines = lines
        self.allow_outside = allow_outside  # --allow-outside-config

    def file_at(self, loc: Loc, name: str) -> Path:
        """A file named at `loc`, relative to drready.yaml's folder and, unless --allow-outside-config
        was given, inside it: a config from a pull request must not make drready read ../../etc/passwd."""
        folder = self.path.resolve().parent
        path = folder / name
        if not self.allow_outside and not path.resolve().is_relative_to(folder):
            raise self.error(
                loc,
                f"'{name}' is outside the folder of {self.path.name}; to read it anyway, pass --allow-outside-config",
            )
        return path

    @property
    def stamps(self) -> list[Stamp]:
        return self.model.stamps

    @property
    def waivers(self) -> list[Waiver]:
        return self.model.waivers

    def line(self, loc: Loc) -> int | None:
        return line_of(self.lines, loc)

    def stamp_line(self, name: str) -> int:
        index = next(i for i, s in enumerate(self.stamps) if s.name == name)
        return self.line(("stamps", index)) or 1

    def error(self, loc: Loc, message: str) -> InputError:
        return InputError(str(self.path), self.line(loc), f"{dotted(loc)}: {message}")

    def regions_of(self, stamp: Stamp, pair_of: Callable[[str], str | None]) -> tuple[str, str | None]:
        """(primary, secondary) for a stamp: its own, else the config's, else the Azure pair."""
        primary = stamp.primary_region or self.model.regions.primary
        secondary = stamp.secondary_region
        if secondary is None and stamp.primary_region is None:
            secondary = self.model.regions.secondary
        return primary, secondary or pair_of(primary)

    def region_tokens(self, region: str, known: list[str]) -> list[str]:
        """Name tokens that stand for `region` in resource names (for name-based pairing)."""
        tokens = [region, *known, *self.model.regions.tokens.get(region, [])]
        return sorted({t.lower() for t in tokens}, key=lambda t: (-len(t), t))


def load_config(path: str | Path, allow_outside: bool = False) -> Config:
    path = Path(path)
    data, lines = load_with_lines(path)
    if not isinstance(data, dict):
        raise InputError(str(path), 1, "expected a mapping with regions and stamps")
    try:
        model = ConfigModel.model_validate(data)
    except ValidationError as exc:
        raise _first_error(path, exc, lines) from exc
    config = Config(path, model, lines, allow_outside)
    _check_cross_references(config)
    return config


def _first_error(path: Path, exc: ValidationError, lines: dict[Loc, int]) -> InputError:
    loc, message = first_error(exc)
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return InputError(str(path), line_of(lines, loc), f"{dotted(loc)}: {message}{more}")


def _check_cross_references(config: Config) -> None:
    names: dict[str, int] = {}
    for i, stamp in enumerate(config.stamps):
        if stamp.name in names:
            raise config.error(("stamps", i, "name"), f"duplicate stamp name '{stamp.name}'")
        names[stamp.name] = i
        primary = stamp.primary_region or config.model.regions.primary
        if stamp.secondary_region == primary:
            raise config.error(("stamps", i), f"secondary region equals the primary ({primary})")
    for i, waiver in enumerate(config.waivers):
        if waiver.stamp and waiver.stamp not in names:
            raise config.error(("waivers", i, "stamp"), f"no stamp named '{waiver.stamp}'")
    regions = config.model.regions
    if regions.secondary == regions.primary:
        raise config.error(("regions", "secondary"), "secondary region equals the primary")
