"""What drready prints on a terminal or in a CI log: progress on stderr and the one-screen summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scanner.durations import format_minutes

VERDICT_STYLE = {"ready": "green", "at_risk": "yellow", "not_ready": "red", "unknown": "bright_black"}


@contextmanager
def progress_reporter(quiet: bool, verbose: bool, activity: str) -> Iterator[Callable[[str], None]]:
    """rich progress on a terminal; plain log lines in CI (the first and last of each kind, every one
    with -v); nothing with -q."""
    if quiet:
        yield lambda _message: None
        return
    console = Console(stderr=True)
    if console.is_terminal:
        with console.status(activity) as status:
            yield lambda message: status.update(f"{activity}: {message}")
        return
    first: dict[str, str] = {}
    last: dict[str, str] = {}

    def log(message: str) -> None:
        key = message.split(":", 1)[0]
        if verbose or key not in first:
            click.echo(f"drready: {message}", err=True)
            first.setdefault(key, message)
        last[key] = message

    yield log
    for key, message in last.items():
        if not verbose and message != first[key]:
            click.echo(f"drready: {message}", err=True)


def print_summary(result: dict[str, Any]) -> None:
    """One screen: per stamp the verdict, score, achieved against target RTO/RPO, and worst gap."""
    console = Console(width=140)
    table = Table(
        "Stamp", "Kind", "Verdict", "Score", "RTO", "RPO", "Gaps", "Unknown", "Worst gap", box=None, pad_edge=False
    )
    worst_of: dict[str, dict[str, Any]] = {}
    for f in result["findings"]:  # sorted worst first
        if f["status"] == "fail" and not f["waiver"]:
            worst_of.setdefault(f["stamp"], f)
    for s in result["stamps"]:
        worst = worst_of.get(s["name"])
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


def _against(achieved: Any, target: Any) -> str:
    return f"{format_minutes(achieved)}/{format_minutes(target)}"
