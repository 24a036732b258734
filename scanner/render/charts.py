"""Static SVG geometry for the reports (the reports' CSP allows no script): the achieved-against-target
chart on a log time axis with an "unbounded" band, and the trend charts with dates on their axis.

Templates only draw what these functions compute, so the scale lives in one place and is tested."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from scanner.durations import format_minutes

# Log scale from one minute to 30 days: RPOs of seconds and RTOs of days both stay readable.
AXIS_MIN, AXIS_MAX = 1.0, 30 * 24 * 60.0
TICKS = {1: "1m", 15: "15m", 60: "1h", 4 * 60: "4h", 24 * 60: "1d", 7 * 24 * 60: "7d", 30 * 24 * 60: "30d"}
LABEL_W, AXIS_W, BAND_GAP, BAND_W, VALUE_W = 170, 420, 12, 82, 150
ROW_H, TOP, BOTTOM = 22, 8, 30


def log_x(minutes: float, left: float, width: float) -> float:
    """Where a duration sits on the log axis; below a minute at the left edge, past 30 days at the right."""
    clamped = min(max(minutes, AXIS_MIN), AXIS_MAX)
    return round(left + width * math.log(clamped / AXIS_MIN) / math.log(AXIS_MAX / AXIS_MIN), 1)


def recovery_chart(stamps: list[dict[str, Any]]) -> dict[str, Any]:
    """Per stamp an RTO and an RPO row: a bar to the achieved figure, a marker at the target, and the
    figures as text; an unbounded figure fills a separate band past the axis, an unknown one is a
    grey band labelled unknown, never a bar of some length."""
    band_x = LABEL_W + AXIS_W + BAND_GAP
    rows = []
    for i, row in enumerate(r for stamp in stamps for r in _rows(stamp)):
        rows.append(row | {"y": TOP + i * ROW_H, "text_y": TOP + i * ROW_H + 15})
    height = TOP + len(rows) * ROW_H + BOTTOM
    return {
        "width": band_x + BAND_W + VALUE_W,
        "height": height,
        "axis_y": height - BOTTOM + 4,
        "left": LABEL_W,
        "axis_right": LABEL_W + AXIS_W,
        "band_x": band_x,
        "band_w": BAND_W,
        "value_x": band_x + BAND_W + 8,
        "ticks": [{"x": log_x(t, LABEL_W, AXIS_W), "label": label} for t, label in TICKS.items()],
        "rows": rows,
    }


def _rows(stamp: dict[str, Any]) -> list[dict[str, Any]]:
    achieved = (stamp.get("recovery") or {}).get("achieved") or {}
    meets = (stamp.get("recovery") or {}).get("meets") or {}
    rows = []
    for key in ("rto", "rpo"):
        value, target = achieved.get(f"{key}_minutes"), stamp["targets"][f"{key}_minutes"]
        known = isinstance(value, int | float)
        if value == "unbounded":
            state = "miss"
        elif not known:
            state = "unknown"
        else:
            state = "meet" if meets.get(key) else "miss"
        rows.append(
            {
                "label": f"{stamp['name']} {key.upper()}",
                "state": state,
                "band": None if known else ("unbounded" if value == "unbounded" else "unknown"),
                "bar_w": round(log_x(value, LABEL_W, AXIS_W) - LABEL_W, 1) if known else 0,
                "target_x": log_x(target, LABEL_W, AXIS_W),
                "text": f"{format_minutes(value)} (target {format_minutes(target)})",
            }
        )
    return rows


TREND_LEFT, TREND_W, TREND_TOP, TREND_H, UNBOUNDED_BAND = 64, 540, 10, 120, 14


def trend_chart(points: list[dict[str, Any]]) -> dict[str, Any]:
    """One stamp over time: score (0-100, left panel) and RTO/RPO (log time, right panel) against the
    dates of the results, with each run's new and resolved gaps marked. Points are trend rows."""
    times = [_when(p["generated_at"]) for p in points]
    first, last = min(times), max(times)
    span = (last - first).total_seconds() or 1.0

    def x(t: datetime) -> float:
        return round(TREND_LEFT + (TREND_W * (t - first).total_seconds() / span if last > first else TREND_W / 2), 1)

    def y_time(minutes: Any) -> float | None:
        """Log time upwards; unbounded on the top line (its own band, above 30 days); unknown left out."""
        if minutes == "unbounded":
            return TREND_TOP
        if not isinstance(minutes, int | float):
            return None
        return round(TREND_TOP + TREND_H - log_x(minutes, 0, TREND_H - UNBOUNDED_BAND), 1)

    placed = []
    for p, t in zip(points, times, strict=True):
        placed.append(
            p
            | {
                "x": x(t),
                "y_score": round(TREND_TOP + TREND_H - TREND_H * (p["score"] or 0) / 100, 1),
                "y_rto": y_time(p["rto"]),
                "y_rpo": y_time(p["rpo"]),
            }
        )
    first_of_day: dict[Any, datetime] = {}
    for t in sorted(times):
        first_of_day.setdefault(t.date(), t)
    days = list(first_of_day.items())
    keep = max(1, math.ceil(len(days) / 6))  # at most about six date labels
    return {
        "points": placed,
        "date_ticks": [{"x": x(t), "label": d.isoformat()} for d, t in days[::keep]],
        "time_ticks": [{"y": y_time(t), "label": TICKS[t]} for t in (1, 60, 24 * 60, 30 * 24 * 60)]
        + [{"y": TREND_TOP, "label": "unbounded"}],
        "lines": {key: _polyline(placed, f"y_{key}") for key in ("score", "rto", "rpo")},
        "targets": {key: y_time(points[-1][f"{key}_target"]) for key in ("rto", "rpo")},
        "left": TREND_LEFT,
        "right": TREND_LEFT + TREND_W,
        "top": TREND_TOP,
        "bottom": TREND_TOP + TREND_H,
    }


def _polyline(points: list[dict[str, Any]], key: str) -> str:
    """SVG points of the placed values (an unknown figure is left out, not drawn as zero)."""
    return " ".join(f"{p['x']},{p[key]}" for p in points if p[key] is not None)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
