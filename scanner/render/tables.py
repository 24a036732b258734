"""CSV and XLSX for the quarterly review: a findings table and a stamp summary table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from scanner.durations import format_minutes

FINDING_COLUMNS = [
    "stamp",
    "owner",
    "control",
    "title",
    "severity",
    "status",
    "waived",
    "declared",
    "resource_name",
    "resource_type",
    "resource",
    "message",
    "waiver_owner",
    "waiver_expires",
    "waiver_reason",
]
STAMP_COLUMNS = [
    "stamp",
    "owner",
    "kind",
    "tier",
    "primary_region",
    "secondary_region",
    "verdict",
    "score",
    "pass",
    "fail",
    "unknown",
    "not_applicable",
    "waived",
    "rto_achieved_minutes",
    "rto_achieved_unbounded_or_unknown",
    "rto_target_minutes",
    "rpo_achieved_minutes",
    "rpo_achieved_unbounded_or_unknown",
    "rpo_target_minutes",
    "rto_if_fixed_minutes",
    "rpo_if_fixed_minutes",
    "recovery_source",
    "rto_set_by",
]
FIX_COLUMNS = [
    "rank",
    "stamp",
    "owner",
    "control",
    "title",
    "severity",
    "resource_name",
    "effect",
    "needed",
    "resource",
]


def findings_frame(result: dict[str, Any]) -> pd.DataFrame:
    owners = {s["name"]: s.get("owner") for s in result["stamps"]}
    rows = []
    for f in result["findings"]:
        w = f["waiver"] or {}
        rows.append(
            {
                **{k: f.get(k) for k in FINDING_COLUMNS if k in f},
                "owner": owners.get(f["stamp"]),
                "waived": bool(f["waiver"]),
                "waiver_owner": w.get("owner"),
                "waiver_expires": w.get("expires"),
                "waiver_reason": w.get("reason"),
            }
        )
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def stamps_frame(result: dict[str, Any]) -> pd.DataFrame:
    rows = []
    for s in result["stamps"]:
        rec = s.get("recovery") or {}
        achieved = rec.get("achieved") or {}
        rows.append(
            {
                "stamp": s["name"],
                "owner": s.get("owner"),
                "kind": s["kind"],
                "tier": s["tier"],
                "primary_region": s["primary_region"],
                "secondary_region": s["secondary_region"],
                "verdict": s["verdict"],
                "score": s["score"],
                **{k: s["counts"][k] for k in ("pass", "fail", "unknown", "not_applicable", "waived")},
                **_minutes("rto_achieved", achieved.get("rto_minutes")),
                "rto_target_minutes": s["targets"]["rto_minutes"],
                **_minutes("rpo_achieved", achieved.get("rpo_minutes")),
                "rpo_target_minutes": s["targets"]["rpo_minutes"],
                "rto_if_fixed_minutes": _number((rec.get("if_fixed") or {}).get("rto_minutes")),
                "rpo_if_fixed_minutes": _number((rec.get("if_fixed") or {}).get("rpo_minutes")),
                "recovery_source": achieved.get("source"),
                "rto_set_by": " -> ".join(step["label"] for step in (rec.get("estimate") or {}).get("rto_path", [])),
            }
        )
    return pd.DataFrame(rows, columns=STAMP_COLUMNS)


def _number(figure: Any) -> Any:
    return figure if isinstance(figure, int) and not isinstance(figure, bool) else None


def _minutes(prefix: str, figure: Any) -> dict[str, Any]:
    """A figure as two columns, so that the minutes column holds numbers only: 35 -> (35, None);
    'unbounded' -> (None, 'unbounded')."""
    number = _number(figure)
    return {f"{prefix}_minutes": number, f"{prefix}_unbounded_or_unknown": None if number is not None else figure}


def fixes_frame(result: dict[str, Any]) -> pd.DataFrame:
    """The fix-first list of the whole estate (as the HTML report orders it)."""
    from scanner.render import view_model

    rows = [{**{k: f.get(k) for k in FIX_COLUMNS}, "rank": i} for i, f in enumerate(view_model(result)["fix_first"], 1)]
    return pd.DataFrame(rows, columns=FIX_COLUMNS)


CHANGE_COLUMNS = ["change", "stamp", "control", "severity", "resource_name", "status_before", "status_after",
                  "resource", "message"]  # fmt: skip
MOVEMENT_COLUMNS = ["stamp", "verdict_before", "verdict_after", "score_before", "score_after", "rto_before",
                    "rto_after", "rpo_before", "rpo_after", "new_gaps", "resolved_gaps"]  # fmt: skip


def changes_frames(changes: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Since the last scan: one row per new, resolved or changed finding, and each stamp's movement
    (RTO/RPO as the reports print them, since a figure may be unbounded)."""
    from scanner.render import since_last_scan

    rows = [_change_row("new", f, None, f) for f in changes["new_gaps"]]
    rows += [_change_row("resolved", f, f, None) for f in changes["resolved"]]
    rows += [_change_row("changed", c["after"], c["before"], c["after"]) for c in changes["changed"]]
    movement = [
        {
            "stamp": m["name"],
            "verdict_before": m["verdict"][0],
            "verdict_after": m["verdict"][1],
            "score_before": m["score"][0],
            "score_after": m["score"][1],
            **{f"{k}_{when}": format_minutes(v) if v is not None else None
               for k in ("rto", "rpo") for when, v in zip(("before", "after"), m[f"{k}_minutes"], strict=True)},
            "new_gaps": m["new"],
            "resolved_gaps": m["resolved"],
        }
        for m in (since_last_scan(changes) or {"stamps": []})["stamps"]
    ]  # fmt: skip
    return {
        "Changes": pd.DataFrame(rows, columns=CHANGE_COLUMNS),
        "Movement": pd.DataFrame(movement, columns=MOVEMENT_COLUMNS),
    }


def _change_row(
    change: str, f: dict[str, Any], before: dict[str, Any] | None, after: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "change": change,
        **{k: f[k] for k in ("stamp", "control", "severity", "resource_name", "resource", "message")},
        "status_before": before["status"] if before else None,
        "status_after": after["status"] if after else None,
    }


def frames(result: dict[str, Any], changes: dict[str, Any] | None = None) -> dict[str, pd.DataFrame]:
    """The tables, built once for both CSV and XLSX, keyed by XLSX sheet name."""
    sheets = {"Stamps": stamps_frame(result), "Fix first": fixes_frame(result), "Findings": findings_frame(result)}
    return sheets | (changes_frames(changes) if changes else {})


# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula (OWASP, "CSV
# Injection"): such a text cell gets a leading apostrophe, which spreadsheets show as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text_cell(value: Any) -> Any:
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def write_csv_frame(frame: pd.DataFrame, path: Path) -> None:
    """A table as CSV that a spreadsheet opens without running anything, with RFC 4180's CRLF lines
    (so a CR inside a cell is quoted, not read as the end of a row)."""
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    frame.assign(**{c: frame[c].map(_text_cell) for c in text_columns}).to_csv(path, index=False, lineterminator="\r\n")


def write_csv(sheets: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    findings, stamps = out_dir / "findings.csv", out_dir / "stamps.csv"
    write_csv_frame(sheets["Findings"], findings)
    write_csv_frame(sheets["Stamps"], stamps)
    return [findings, stamps]


# Every value is written as what it is: a message or tag that starts with "=" stays text, not a formula.
# constant_memory streams rows to disk instead of holding every cell.
XLSX_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "constant_memory": True,
}


WIDE = {"message": 80, "title": 40, "effect": 50, "resource": 60, "rto_set_by": 60, "waiver_reason": 40}
SEVERITY_COLOURS = {"critical": "#F4B6B6", "high": "#F8D7A8", "medium": "#FBEFB0", "low": "#DDEBF7"}


def write_xlsx(sheets: dict[str, pd.DataFrame], path: Path, created: datetime | None = None) -> None:
    """XlsxWriter row by row: pandas' to_excel and openpyxl took most of a minute for 100,000 findings.
    Columns get widths from their content (long text wraps), severities their colour, every sheet a
    frozen header and a filter. The workbook's creation time is the result's generated_at, so that with
    SOURCE_DATE_EPOCH the file is byte-identical across runs (XlsxWriter already fixes the zip times)."""
    with xlsxwriter.Workbook(str(path), XLSX_OPTIONS) as book:
        book.set_properties({"created": created or datetime(1980, 1, 1, tzinfo=UTC)})
        header = book.add_format({"bold": True, "text_wrap": True, "valign": "top", "bg_color": "#EEEEEE"})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        colours = {k: book.add_format({"bg_color": v}) for k, v in SEVERITY_COLOURS.items()}
        for name, frame in sheets.items():
            sheet = book.add_worksheet(name)
            for col, column in enumerate(frame.columns):
                sheet.set_column(col, col, _width(frame[column], column), wrap if column in WIDE else None)
            sheet.write_row(0, 0, list(frame.columns), header)
            for i, row in enumerate(frame.astype(object).where(frame.notna(), None).itertuples(index=False), 1):
                _write_cells(sheet, i, row)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
            if "severity" in frame.columns and len(frame):
                col = list(frame.columns).index("severity")
                for severity, colour in colours.items():
                    sheet.conditional_format(1, col, len(frame), col, {"type": "cell", "criteria": "==",
                                             "value": f'"{severity}"', "format": colour})  # fmt: skip


def _width(values: pd.Series, column: str) -> int:
    """A column as wide as its header and typical content, long text capped (it wraps instead)."""
    lengths = values.map(lambda v: 0 if v is None or v != v else len(str(v)))  # v != v: NaN
    longest = int(lengths.quantile(0.9)) if len(values) else 0
    return max(len(column) + 2, min(WIDE.get(column, 30), longest + 2))


def _write_cells(sheet: Worksheet, row: int, values: tuple[Any, ...]) -> None:
    """Typed writes: a third faster than write_row's per-value dispatch; empty cells are skipped."""
    for col, value in enumerate(values):
        if value is None:
            continue
        if isinstance(value, str):
            sheet.write_string(row, col, value)
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        else:
            sheet.write_number(row, col, value)
