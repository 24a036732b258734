"""The drready command line. Kept thin: each command parses options and calls the pipeline."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from scanner import __version__
from scanner.assets import asset_dir
from scanner.collect import AUTH_MODES, CLOUDS, CollectOptions, collect_snapshot, make_credential
from scanner.config import load_config
from scanner.engine import SEVERITIES, load_policies
from scanner.errors import EngineError, InputError
from scanner.files import canonical_json, staged_dir, write_atomic
from scanner.gate import run_gate
from scanner.pipeline import demo_paths, evaluate, load_inputs
from scanner.plans import read_terraform, read_whatif
from scanner.render import (
    FILE_NAMES,
    FORMATS,
    parse_formats,
    render,
    render_catalogue,
    render_diff,
    render_gate,
    render_runbook,
    render_trend,
)
from scanner.render.sarif import to_sarif
from scanner.results import SCHEMA, diff_results, exit_code
from scanner.snapshot import Snapshot, load_snapshot, save_snapshot

EXIT_CODES = """\b
Exit codes:
  0  the gate holds: no gap at or above --fail-on, nothing unknown
  1  a gap at or above --fail-on (default high)
  2  usage, configuration or input error (the message names file, line and field)
  3  incomplete: some findings are unknown and --allow-unknown was not given
Precedence: 2 > 1 > 3 > 0."""

FAIL_ON = click.Choice([*SEVERITIES, "none"])


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input or a broken policy: one line on stderr, exit 2, no partial output."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (InputError, EngineError) as exc:
            click.echo(f"drready: error: {exc}", err=True)
            sys.exit(2)

    return wrapper


@click.group(epilog=EXIT_CODES)
@click.version_option(__version__, prog_name="drready")
def main() -> None:
    """drready: would your Azure workloads survive the loss of a region?

    Evaluates a snapshot of Azure configuration with Rego controls per workload stamp and reports
    the disaster-recovery gaps against the business's targets.
    """


def _config_option(required: bool = True, help: str = "drready.yaml.") -> Callable[..., Any]:
    return click.option(
        "--config", "config_path", required=required, help=help, type=click.Path(dir_okay=False, path_type=Path)
    )


def _snapshot_option(required: bool, help: str = "Snapshot file (drready.snapshot/v1).") -> Callable[..., Any]:
    return click.option(
        "--snapshot", "snapshot_path", required=required, help=help, type=click.Path(dir_okay=False, path_type=Path)
    )


def _policies_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--policies",
        "policies_dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Policy folder to use instead of the shipped one.",
    )(func)


def _engine_option(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        help="Stamps evaluated at once (default: the CPUs available, at most 8).",
    )(func)
    func = click.option("--opa-token", envvar="DRREADY_OPA_TOKEN", help="Bearer token for the OPA server.")(func)
    func = click.option("--opa-url", help="OPA server for --engine opa-server, e.g. http://127.0.0.1:8181.")(func)
    return click.option(
        "--engine",
        type=click.Choice(["embedded", "opa-server"]),
        default="embedded",
        show_default=True,
        help="Policy engine: embedded (rego-cpp, in-process) or opa-server (a central `opa run --server`).",
    )(func)


def _collect_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option(
            "--auth",
            type=click.Choice(AUTH_MODES),
            default="default",
            show_default=True,
            help="default: DefaultAzureCredential; cli: az login; msi: managed identity; env: service "
            "principal from AZURE_* variables; workload-identity: federated OIDC token of GitHub Actions or "
            "Azure DevOps (no secret); token: a bearer token in AZURE_ACCESS_TOKEN.",
        ),
        click.option(
            "--cloud",
            type=click.Choice(sorted(CLOUDS)),
            default="AzurePublicCloud",
            show_default=True,
            help="Sets the authority and the ARM endpoint.",
        ),
        click.option("--endpoint", help="ARM endpoint to use instead of the cloud's (private clouds, emulators)."),
        click.option(
            "--ca-bundle",
            type=click.Path(dir_okay=False, exists=True),
            help="CA bundle that signs the endpoint's TLS certificate.",
        ),
        click.option("--timeout", type=float, default=60, show_default=True, help="Seconds to wait for a response."),
        click.option("-q", "--quiet", is_flag=True, help="No progress output."),
        click.option("-v", "--verbose", is_flag=True, help="Log every page, child read and evaluated stamp."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _collect(
    config_path: Path,
    policies_dir: Path | None,
    auth: str,
    cloud: str,
    endpoint: str | None,
    ca_bundle: str | None,
    timeout: float,
    quiet: bool,
    verbose: bool,
) -> Snapshot:
    config = load_config(config_path)
    policies = load_policies(policies_dir or asset_dir("policies"))
    options = CollectOptions(cloud=cloud, endpoint=endpoint, verify=ca_bundle or True, timeout=timeout)
    with progress_reporter(quiet, verbose) as report:
        snapshot = collect_snapshot(config, policies, make_credential(auth, cloud), options, report)
    for error in snapshot.errors:
        click.echo(
            f"drready: collection error: {error['source']} {error.get('scope') or '(all)'}: {error['error']}", err=True
        )
    return snapshot


@contextmanager
def progress_reporter(quiet: bool, verbose: bool, activity: str = "collecting") -> Iterator[Callable[[str], None]]:
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


def _gate_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--allow-unknown", is_flag=True, help="Do not exit 3 when some findings are unknown.")(func)
    return click.option(
        "--fail-on",
        type=FAIL_ON,
        default="high",
        show_default=True,
        help="Exit 1 when an open gap has this severity or worse ('none': never).",
    )(func)


@main.command(epilog=EXIT_CODES)
@_config_option(required=False, help="drready.yaml describing scope, regions, stamps, targets and waivers.")
@_snapshot_option(required=False, help="Snapshot file (drready.snapshot/v1) to evaluate; without it, collect.")
@click.option("--demo", is_flag=True, help="Scan the bundled demo estate (no Azure account needed).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for the reports; written only when every format succeeded.",
)
@click.option(
    "--format",
    "formats",
    default="html,md,json",
    show_default=True,
    help=f"Comma-separated output formats: {', '.join(FORMATS)}.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Report template folder to use instead of the shipped one.",
)
@_gate_options
@_policies_option
@_engine_option
@_collect_options
@guarded
def scan(
    config_path: Path | None,
    snapshot_path: Path | None,
    demo: bool,
    out_dir: Path,
    formats: str,
    templates: Path | None,
    fail_on: str,
    allow_unknown: bool,
    policies_dir: Path | None,
    engine: str,
    opa_url: str | None,
    opa_token: str | None,
    jobs: int | None,
    **collect_options: Any,
) -> None:
    """Collect (unless --snapshot is given), evaluate and write the reports in one step.

    Examples: drready scan --config drready.yaml --out out (collects from Azure, read-only);
    drready scan --config drready.yaml --snapshot snapshot.json --out out --format html,md,json,sarif
    """
    if demo:
        config_path, snapshot_path = demo_paths()
    if config_path is None:
        raise click.UsageError("give --config (with or without --snapshot), or --demo")
    chosen = _formats(formats)
    snapshot = load_snapshot(snapshot_path) if snapshot_path else _collect(config_path, policies_dir, **collect_options)
    inputs = load_inputs(config_path, snapshot, policies_dir)
    with progress_reporter(collect_options["quiet"], collect_options["verbose"], "evaluating") as report:
        result = evaluate(inputs, engine, jobs=jobs, progress=report, opa_url=opa_url, opa_token=opa_token)
    with staged_dir(out_dir) as stage:
        render(result, chosen, stage, templates)
        if not snapshot_path:
            save_snapshot(snapshot, stage / "snapshot.json")
    print_summary(result)
    for fmt in chosen:
        click.echo(f"{fmt:>5}: {out_dir / FILE_NAMES[fmt]}")
    sys.exit(_exit(result, fail_on, allow_unknown))


@main.command(epilog=EXIT_CODES)
@_config_option(required=True, help="drready.yaml (its scope says what to read).")
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the snapshot (drready.snapshot/v1).",
)
@_policies_option
@_collect_options
@guarded
def collect(config_path: Path, out_file: Path, policies_dir: Path | None, **options: Any) -> None:
    """Take a read-only snapshot of the Azure estate: Resource Graph, ARM child reads, declared files.

    Exits 3 when some collection step failed (recorded in the snapshot's errors), else 0.
    """
    snapshot = _collect(config_path, policies_dir, **options)
    save_snapshot(snapshot, out_file)
    click.echo(f"snapshot: {out_file} ({len(snapshot.resources)} resources, {len(snapshot.errors)} errors)")
    sys.exit(3 if snapshot.errors else 0)


@main.command("evaluate", epilog=EXIT_CODES)
@_config_option()
@_snapshot_option(required=True)
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the result (drready.result/v1 JSON).",
)
@_gate_options
@_policies_option
@_engine_option
@guarded
def evaluate_cmd(
    config_path: Path,
    snapshot_path: Path,
    out_file: Path,
    fail_on: str,
    allow_unknown: bool,
    policies_dir: Path | None,
    engine: str,
    opa_url: str | None,
    opa_token: str | None,
    jobs: int | None,
) -> None:
    """Evaluate a snapshot and write the result JSON (no reports)."""
    inputs = load_inputs(config_path, snapshot_path, policies_dir)
    result = evaluate(inputs, engine, jobs=jobs, opa_url=opa_url, opa_token=opa_token)
    write_atomic(out_file, canonical_json(result))
    print_summary(result)
    sys.exit(_exit(result, fail_on, allow_unknown))


@main.command(epilog=EXIT_CODES)
@click.option(
    "--result",
    "result_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A result written by drready evaluate or scan (result.json).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for the reports.",
)
@click.option(
    "--format",
    "formats",
    default="html,md",
    show_default=True,
    help=f"Comma-separated output formats: {', '.join(FORMATS)}.",
)
@click.option(
    "--templates",
    type=click.Path(file_okay=False, path_type=Path),
    help="Report template folder to use instead of the shipped one.",
)
@_gate_options
@guarded
def report(
    result_file: Path, out_dir: Path, formats: str, templates: Path | None, fail_on: str, allow_unknown: bool
) -> None:
    """Render the reports of an existing result."""
    result = load_result(result_file)
    chosen = _formats(formats)
    with staged_dir(out_dir) as stage:
        render(result, chosen, stage, templates)
    for fmt in chosen:
        click.echo(f"{fmt:>5}: {out_dir / FILE_NAMES[fmt]}")
    sys.exit(_exit(result, fail_on, allow_unknown))


@main.command(epilog=EXIT_CODES)
@click.option("--stamp", "stamp_name", required=True, help="The stamp to write the runbook for.")
@_config_option(required=False)
@_snapshot_option(required=False)
@click.option("--demo", is_flag=True, help="Use the bundled demo estate.")
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the runbook to this file instead of standard output.",
)
@_policies_option
@guarded
def runbook(
    stamp_name: str,
    config_path: Path | None,
    snapshot_path: Path | None,
    demo: bool,
    out_file: Path | None,
    policies_dir: Path | None,
) -> None:
    """Write a Markdown failover runbook for one stamp, in dependency order, from the actual estate."""
    if demo:
        config_path, snapshot_path = demo_paths()
    if config_path is None or snapshot_path is None:
        raise click.UsageError("give --config and --snapshot, or --demo")
    result = evaluate(load_inputs(config_path, snapshot_path, policies_dir))
    try:
        text = render_runbook(result, stamp_name)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--stamp") from exc
    if out_file:
        write_atomic(out_file, text)
        click.echo(f"runbook: {out_file}")
    else:
        click.echo(text, nl=False)


@main.command(epilog=EXIT_CODES)
@click.argument("old_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write diff.md and diff.json into this folder.",
)
@click.option("--fail-on-new", is_flag=True, help="Exit 1 when NEW has a gap that OLD did not have.")
@guarded
def diff(old_file: Path, new_file: Path, out_dir: Path | None, fail_on_new: bool) -> None:
    """Compare two results (drready.result/v1): new, resolved and changed findings, score and RPO/RTO."""
    changes = diff_results(load_result(old_file), load_result(new_file))
    text = render_diff(changes)
    if out_dir:
        with staged_dir(out_dir) as stage:
            (stage / "diff.md").write_text(text, encoding="utf-8")
            (stage / "diff.json").write_text(canonical_json(changes), encoding="utf-8")
    click.echo(text, nl=False)
    sys.exit(1 if fail_on_new and changes["new_gaps"] else 0)


@main.command(epilog=EXIT_CODES)
@_config_option()
@click.option(
    "--baseline",
    "baseline_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Snapshot of the estate before the change (drready collect, e.g. from the nightly scan).",
)
@click.option(
    "--what-if",
    "whatif_paths",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="ARM what-if result: the REST body, or az deployment ... what-if --no-pretty-print output.",
)
@click.option(
    "--terraform-plan",
    "plan_paths",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Terraform plan as JSON: terraform show -json plan.tfplan > plan.json.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/gate"),
    show_default=True,
    help="Folder for gate.md, gate.json and gate.sarif.",
)
@_policies_option
@guarded
def gate(
    config_path: Path,
    baseline_path: Path,
    whatif_paths: tuple[Path, ...],
    plan_paths: tuple[Path, ...],
    out_dir: Path,
    policies_dir: Path | None,
) -> None:
    """Fail a change that would weaken disaster recovery: exit 1 only on regressions against the baseline
    (old gaps stay the nightly scan's job). Prints a pull-request comment; writes it, JSON and SARIF."""
    if not whatif_paths and not plan_paths:
        raise click.UsageError("give --what-if and/or --terraform-plan")
    subscription = (load_config(config_path).model.scope.subscriptions or ["00000000-0000-0000-0000-000000000000"])[0]
    plans = [read_whatif(p) for p in whatif_paths] + [read_terraform(p, subscription) for p in plan_paths]
    outcome = run_gate(config_path, baseline_path, plans, policies_dir)
    text = render_gate(outcome.report, outcome.failed)
    with staged_dir(out_dir) as stage:
        (stage / "gate.md").write_text(text, encoding="utf-8")
        (stage / "gate.json").write_text(canonical_json(outcome.report), encoding="utf-8")
        regressions = outcome.planned | {"findings": outcome.report["regressions"]}
        (stage / "gate.sarif").write_text(canonical_json(to_sarif(regressions)), encoding="utf-8")
    click.echo(text, nl=False)
    sys.exit(1 if outcome.failed else 0)


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out/trend"),
    show_default=True,
    help="Folder for trend.html and trend.csv.",
)
@guarded
def trend(inputs: tuple[Path, ...], out_dir: Path) -> None:
    """Each stamp's score and RPO/RTO over time, from result files or folders of them (*.json)."""
    files = sorted({f for p in inputs for f in (sorted(p.rglob("*.json")) if p.is_dir() else [p])})
    results = [r for r in (load_result(f, strict=not any(p.is_dir() for p in inputs)) for f in files) if r]
    if not results:
        raise InputError(str(inputs[0]), None, "no drready results (schema drready.result/v1) found")
    with staged_dir(out_dir) as stage:
        render_trend(results, stage)
    click.echo(f"trend: {out_dir / 'trend.html'} ({len(results)} results)")


@main.group()
def policies() -> None:
    """Inspect the control catalogue."""


@policies.command("list")
@_policies_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@guarded
def policies_list(policies_dir: Path | None, as_json: bool) -> None:
    """List every control: id, title, severity and the stamp kinds it applies to."""
    loaded = load_policies(policies_dir or asset_dir("policies"))
    if as_json:
        rows = [
            {
                "id": c.id,
                "title": c.title,
                "severity": c.severity,
                "stamps": list(c.stamps),
                "resource_types": list(c.resource_types),
                "file": c.file,
            }
            for c in loaded.controls
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("ID", "Title", "Severity", "Stamps", box=None, pad_edge=False)
    for c in loaded.controls:
        table.add_row(c.id, c.title, c.severity, ", ".join(c.stamps))
    Console(width=120).print(table)


@policies.command("doc")
@_policies_option
@click.option(
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the catalogue to this file instead of standard output.",
)
@guarded
def policies_doc(policies_dir: Path | None, out_file: Path | None) -> None:
    """Write the control catalogue as Markdown, generated from the policies' METADATA."""
    text = render_catalogue(load_policies(policies_dir or asset_dir("policies")).controls)
    if out_file:
        write_atomic(out_file, text)
        click.echo(f"catalogue: {out_file}")
    else:
        click.echo(text, nl=False)


def load_result(path: Path, strict: bool = True) -> dict[str, Any] | None:
    """A drready result; with strict=False (files found in a folder) other JSON files are skipped."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), None, f"cannot read file: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"{exc.lineno}:{exc.colno}", f"malformed JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        if not strict:
            return None
        raise InputError(str(path), "$.schema", f"not a drready result (expected schema '{SCHEMA}')")
    return data


def _formats(text: str) -> list[str]:
    try:
        return parse_formats(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from exc


def _exit(result: dict[str, Any], fail_on: str, allow_unknown: bool) -> int:
    return exit_code(result, None if fail_on == "none" else fail_on, allow_unknown)


VERDICT_STYLE = {"ready": "green", "at_risk": "yellow", "not_ready": "red", "unknown": "bright_black"}


def print_summary(result: dict[str, Any]) -> None:
    """One screen: per stamp the verdict, score and worst gap."""
    console = Console(width=120)
    table = Table("Stamp", "Kind", "Verdict", "Score", "Gaps", "Unknown", "Worst gap", box=None, pad_edge=False)
    worst_of: dict[str, dict[str, Any]] = {}
    for f in result["findings"]:  # sorted worst first
        if f["status"] == "fail" and not f["waiver"]:
            worst_of.setdefault(f["stamp"], f)
    for s in result["stamps"]:
        worst = worst_of.get(s["name"])
        worst_text = f"{worst['severity']} {worst['control']} {worst['resource_name']}" if worst else "-"
        table.add_row(
            s["name"],
            s["kind"],
            f"[{VERDICT_STYLE[s['verdict']]}]{s['verdict']}[/]",
            str(s["score"] if s["score"] is not None else "n/a"),
            str(s["counts"]["fail"]),
            str(s["counts"]["unknown"]),
            worst_text,
        )
    console.print(table)
