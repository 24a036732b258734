"""What drready prints on a terminal or in a CI log: progress on stderr and the one-screen summary."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from scanner.durations import format_minutes

VERDICT_STYLE = {"ready": "green", "at_risk": "yellow", "not_ready": "red", "unknown": "bright_black"}


_COUNT = re.compile(r"(\d+)/(\d+)")
HEARTBEAT_SECONDS = 10.0
SUMMARY_STAMPS = 40  # rows of the terminal summary: one screen (500 stamps took rich 2 s to lay out)


@contextmanager
def progress_reporter(quiet: bool, verbose: bool, activity: str) -> Iterator[Callable[[str], None]]:
    """rich progress bars on a terminal, one per kind of message ("evaluate: 3/6 stamps" gives a bar of
    6; a message without a total a spinner); plain log lines in CI (the last of each kind once done,
    and one every HEARTBEAT_SECONDS while a kind runs long; every one with -v); nothing with -q.
    A quick failure thus prints only its one error line."""
    if quiet:
        yield lambda _message: None
        return
    console = Console(stderr=True)
    if console.is_terminal:
        with _bars(console, activity) as report:
            yield report
        return
    printed: dict[str, float] = {}
    last: dict[str, str] = {}

    def log(message: str) -> None:
        key = message.split(":", 1)[0]
        now = time.monotonic()
        printed.setdefault(key, now)
        if verbose or now - printed[key] >= HEARTBEAT_SECONDS:
            click.echo(f"drready: {message}", err=True)
            printed[key] = now
            message = ""
        last[key] = message

    yield log
    for message in last.values():  # reached only on success: an error stays the one line printed
        if message:
            click.echo(f"drready: {message}", err=True)


@contextmanager
def _bars(console: Console, activity: str) -> Iterator[Callable[[str], None]]:
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def report(message: str) -> None:
            key = message.split(":", 1)[0]
            count = _COUNT.search(message)
            total = int(count.group(2)) if count else None
            if key not in tasks:
                tasks[key] = progress.add_task(f"{activity}: {message}", total=total)
            progress.update(tasks[key], description=message, total=total, completed=int(count.group(1)) if count else 0)

        yield report
        for task in tasks.values():  # a kind without a total ends as a finished bar, not a spinning one
            progress.update(task, total=progress.tasks[task].total or 1, completed=progress.tasks[task].total or 1)


def headline(result: dict[str, Any]) -> str:
    """One line: how many stamps are ready, the open gaps, and the stamp furthest from its RTO."""
    stamps = result["stamps"]
    ready = sum(1 for s in stamps if s["verdict"] == "ready")
    gaps = [f for f in result["findings"] if f["status"] == "fail" and not f["waiver"]]
    critical = sum(1 for f in gaps if f["severity"] == "critical")
    unknown = sum(s["counts"]["unknown"] for s in stamps)
    missed = [s for s in stamps if ((s.get("recovery") or {}).get("meets") or {}).get("rto") is False]
    text = f"{ready} of {len(stamps)} stamps ready; {len(gaps)} open gaps ({critical} critical); {unknown} unknown"
    if missed:
        worst = missed[0]
        achieved = worst["recovery"]["achieved"]["rto_minutes"]
        target = worst["targets"]["rto_minutes"]
        text += f"; {len(missed)} miss their RTO (first: {worst['name']}, {format_minutes(achieved)}"
        text += f" for a {format_minutes(target)} target)"
    return text


def print_summary(result: dict[str, Any]) -> None:
    """One screen: per stamp the verdict, score, achieved against target RTO/RPO, and the gap to fix first
    (the first of the stamp's fix-first list, else its worst gap that is not a missed-target symptom)."""
    console = Console(width=140)
    table = Table(
        "Stamp", "Kind", "Verdict", "Score", "RTO", "RPO", "Gaps", "Unknown", "Fix first", box=None, pad_edge=False
    )
    symptoms = {c["id"] for c in result["controls"] if c.get("evaluated_by") == "recovery-targets"}
    worst_of: dict[str, dict[str, Any]] = {}
    for f in result["findings"]:  # sorted worst first
        if f["status"] == "fail" and not f["waiver"] and f["control"] not in symptoms:
            worst_of.setdefault(f["stamp"], f)
    stamps = result["stamps"]
    if len(stamps) > SUMMARY_STAMPS:  # the worst first when not every stamp fits
        rank = {"not_ready": 0, "unknown": 1, "at_risk": 2, "ready": 3}
        stamps = sorted(stamps, key=lambda s: (rank.get(s["verdict"], 0), s["score"] if s["score"] is not None else -1))
    shown = stamps[:SUMMARY_STAMPS]
    for s in shown:
        fixes = (s.get("recovery") or {}).get("fixes") or []
        worst = fixes[0] if fixes else worst_of.get(s["name"])
        achieved = (s.get("recovery") or {}).get("achieved") or {}
        table.add_row(
            escape(s["name"]),
            s["kind"],
            f"[{VERDICT_STYLE.get(s['verdict'], 'white')}]{s['verdict']}[/]",
            str(s["score"] if s["score"] is not None else "n/a"),
            _against(achieved.get("rto_minutes"), s["targets"]["rto_minutes"]),
            _against(achieved.get("rpo_minutes"), s["targets"]["rpo_minutes"]),
            str(s["counts"]["fail"]),
            str(s["counts"]["unknown"]),
            escape(f"{worst['severity']} {worst['control']} {worst['resource_name']}") if worst else "-",
        )
    console.print(table, markup=True, highlight=False)
    if len(result["stamps"]) > len(shown):
        console.print(f"... and {len(result['stamps']) - len(shown)} more stamps (every one is in the reports)")
    console.print(escape(headline(result)), markup=False, highlight=False)


def _against(achieved: Any, target: Any) -> str:
    return f"{format_minutes(achieved)}/{format_minutes(target)}"
