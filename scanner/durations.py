"""Durations: one grammar for drready.yaml, declared files and reports; and ARM's points in time.

A duration is one or more <number><unit> parts, largest unit first: 2d, 4h, 1h30m, 90s, 500ms, 1.5s.
A bare number means minutes in drready.yaml (targets, intervals) and seconds in gateway configs
(timeouts), as in the formats those files follow. Reports print minutes as 45m, 4h, 1h30m, 36h.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

_UNITS = {"d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|d|h|m|s)")
_HINT = "use forms such as 15m, 4h, 1h30m, 2d, 30s or 500ms"
MAX_SECONDS = 100 * 365 * 86400  # a century: anything longer is a typo, and beyond what the engines hold


def parse_seconds(value: Any, bare_unit: str = "s") -> float:
    """A duration in seconds; a bare number counts in `bare_unit`."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"expected a duration; {_HINT}")
    if isinstance(value, int | float):
        seconds = float(value) * _UNITS[bare_unit]
    else:
        seconds = _parse_text(str(value).strip(), bare_unit)
    if not math.isfinite(seconds) or seconds < 0 or seconds > MAX_SECONDS:
        raise ValueError(f"{_shown(value)} is not a duration between 0 and 100 years")
    return seconds


def _shown(value: Any) -> str:
    """A value as an error message quotes it: short, whatever the input."""
    text = str(value)
    return repr(text if len(text) <= 40 else text[:40] + "...")


def _parse_text(text: str, bare_unit: str) -> float:
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text) * _UNITS[bare_unit]
    parts = _PART.findall(text)
    units = [unit for _, unit in parts]
    ranked = [list(_UNITS).index(u) for u in units]
    if not text or "".join(n + u for n, u in parts) != text or ranked != sorted(set(ranked)):
        raise ValueError(f"{_shown(text)} is not a duration; {_HINT}")
    return sum(float(n) * _UNITS[u] for n, u in parts)


def parse_minutes(value: Any) -> int:
    """A duration in whole minutes ('15m', '4h', '1h30m', '2d'; a bare number is minutes)."""
    seconds = parse_seconds(value, bare_unit="m")
    if seconds % 60:
        raise ValueError(f"{_shown(value)} is not a whole number of minutes")
    return int(seconds // 60)


Minutes = Annotated[int, BeforeValidator(parse_minutes)]
Seconds = Annotated[float, BeforeValidator(parse_seconds)]


def format_minutes(minutes: Any) -> str:
    """240 -> '4h', 90 -> '1h30m', 2160 -> '36h'; 'unbounded' and 'unknown' (and None: unknown) as words."""
    if isinstance(minutes, str):
        return minutes
    if minutes is None:
        return "unknown"
    hours, mins = divmod(int(minutes), 60)
    return (f"{hours}h" if hours else "") + (f"{mins}m" if mins or not hours else "")


def utc_moment(text: Any) -> datetime | None:
    """An ISO 8601 time as ARM writes it (startedAt, recoveryPointTime: Z or an offset, up to seven
    fraction digits) as an aware UTC datetime; a time without offset is UTC. None when unreadable."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
