"""The drready command line. Kept thin: each command parses options and calls the pipeline."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from scanner import __version__
from scanner.collect import CollectOptions
from scanner.config import load_config
from scanner.drills import drill_plan, drill_plan_readme
from scanner.errors import InputError
from scanner.files import canonical_json, write_atomic
from scanner.gate import run_gate
from scanner.options import (
    COLLECT_CODES,
    COLLECTION,
    CONFIG,
    DIFF_CODES,
    ENGINE,
    GATE_CODES,
    GATING,
    PLAIN_CODES,
    POLICIES,
    REPORTS,
    SCAN_CODES,
    SOURCE,
    VERBOSITY,
    folder_option,
    guarded,
    options,
    path_option,
)
from scanner.outputs import output_set
from scanner.pipeline import ScanInputs, collect, demo_paths, evaluate, load_inputs, policies_from
from scanner.plans import read_terraform, read_whatif
from scanner.probes import probe_targets
from scanner.regions import RegionTable, norm_region
from scanner.render import (
    FILE_NAMES,
    parse_formats,
    pdf,
    render,
    render_catalogue,
    render_catalogue_index,
    render_diff,
    render_gate,
    render_runbook,
    render_trend,
)
from scanner.render.sarif import to_sarif
from scanner.render.terminal import print_summary, progress_reporter
from scanner.results import diff_results, exit_code, load_previous, load_result
from scanner.snapshot import Snapshot, load_snapshot, save_snapshot
from scanner.stamps import resolve_stamps
from scanner.starter import scope_config, starter_yaml


@click.group(epilog=SCAN_CODES + "\n(for scan, evaluate and report; each command's --help lists its own)")
@click.version_option(__version__, "-V", "--version", prog_name="drready")
def main() -> None:
    """drready: would your Azure workloads survive the loss of a region?

    Evaluates a snapshot of Azure configuration with Rego controls per workload stamp and reports
    the disaster-recovery gaps against the business's targets.
    """


def _source(o: dict[str, Any]) -> tuple[Path, Path | None]:
    """drready.yaml and the snapshot a command reads (the demo's with --demo)."""
    return demo_paths() if o.get("demo") else (o["config_path"], o.get("snapshot_path"))


def _collect(o: dict[str, Any]) -> Snapshot:
    options = CollectOptions(
        cloud=o["cloud"], endpoint=o["endpoint"], verify=o["ca_bundle"] or True, timeout=o["timeout"]
    )
    with progress_reporter(o["quiet"], o["verbose"], "collecting") as report:
        snapshot = collect(
            load_config(o["config_path"], o["allow_outside_config"]),
            policies_from(o["policies_dir"]),
            o["auth"],
            options,
            report,
        )
    for error in snapshot.errors:
        where = error.get("scope") or "(all)"
        click.echo(f"drready: collection error: {error['source']} {where}: {error['error']}", err=True)
    return snapshot


def _evaluate(o: dict[str, Any], snapshot: Path | Snapshot | None = None) -> dict[str, Any]:
    return _evaluate_inputs(o, _inputs(o, snapshot))


def _inputs(o: dict[str, Any], snapshot: Path | Snapshot | None = None) -> ScanInputs:
    config_path, snapshot_path = _source(o)
    snapshot = snapshot or snapshot_path
    if snapshot is None:
        raise click.UsageError("give --snapshot (or --demo)")
    return load_inputs(config_path, snapshot, o["policies_dir"], o["allow_outside_config"])


def _evaluate_inputs(o: dict[str, Any], inputs: ScanInputs) -> dict[str, Any]:
    with progress_reporter(o["quiet"], o["verbose"], "evaluating") as report:
        return evaluate(inputs, o["engine"], jobs=o["jobs"], progress=report, **_engine(o))


def _engine(o: dict[str, Any]) -> dict[str, Any]:
    return {"opa_url": o["opa_url"], "opa_token": o["opa_token"]}


def _write_reports(
    result: dict[str, Any], o: dict[str, Any], snapshot: Snapshot | None = None, previous: dict[str, Any] | None = None
) -> None:
    chosen = _formats(o["formats"])
    if previous is None and o["previous"]:
        previous = load_previous(o["previous"], before=result["generated_at"])
    changes = diff_results(previous, result) if previous else None
    with output_set(o["out_dir"]) as stage, progress_reporter(o["quiet"], o["verbose"], "writing") as report:
        render(result, chosen, stage, o["templates"], report, changes)
        report(f"render: {len(chosen)}/{len(chosen)} formats")
        if snapshot is not None:
            save_snapshot(snapshot, stage / "snapshot.json")
    for fmt in chosen:
        click.echo(f"{fmt:>5}: {o['out_dir'] / FILE_NAMES[fmt]}")


@main.command(epilog=SCAN_CODES)
@options(CONFIG, SOURCE, REPORTS, GATING, POLICIES, ENGINE, COLLECTION, VERBOSITY)
@guarded
def scan(**o: Any) -> None:
    """Collect (unless --snapshot is given), evaluate and write the reports in one step.

    Examples: drready scan --out out (collects the scope of ./drready.yaml from Azure, read-only);
    drready scan --config drready.yaml --snapshot snapshot.json --out out --format html,md,json,sarif
    """
    _formats(o["formats"])  # a bad --format or --previous is refused before anything is collected
    previous = load_previous(o["previous"]) if o["previous"] else None
    collected = None if _source(o)[1] else _collect(o)
    result = _evaluate(o, collected)
    _write_reports(result, o, collected, previous)
    print_summary(result)
    sys.exit(_exit(result, o))


@main.command("collect", epilog=COLLECT_CODES)
@options(CONFIG, path_option("--out", "out_file", "Where to write the snapshot.", required=True), POLICIES)
@options(COLLECTION, VERBOSITY)
@guarded
def collect_cmd(**o: Any) -> None:
    """Take a read-only snapshot of the Azure estate: Resource Graph, ARM child reads, declared files."""
    snapshot = _collect(o)
    save_snapshot(snapshot, o["out_file"])
    click.echo(f"snapshot: {o['out_file']} ({len(snapshot.resources)} resources, {len(snapshot.errors)} errors)")
    sys.exit(3 if snapshot.errors else 0)


@main.command("evaluate", epilog=SCAN_CODES)
@options(CONFIG, SOURCE, path_option("--out", "out_file", "Where to write the result (JSON).", required=True))
@options(GATING, POLICIES, ENGINE, VERBOSITY)
@guarded
def evaluate_cmd(**o: Any) -> None:
    """Evaluate a snapshot and write the result JSON (no reports)."""
    result = _evaluate(o)
    write_atomic(o["out_file"], canonical_json(result))
    print_summary(result)
    sys.exit(_exit(result, o))


@main.command(epilog=SCAN_CODES)
@options(path_option("--result", "result_file", "A result of drready evaluate or scan.", required=True))
@options(REPORTS, GATING, VERBOSITY)
@guarded
def report(**o: Any) -> None:
    """Render the reports of an existing result."""
    result = load_result(o["result_file"])
    _write_reports(result, o)
    sys.exit(_exit(result, o))


@main.command(epilog=PLAIN_CODES)
@click.option("--stamp", "stamp_name", required=True, help="The stamp to write the runbook for.")
@options(
    CONFIG,
    SOURCE,
    click.option(
        "--out",
        "out_file",
        type=click.Path(path_type=Path),
        help="Write the runbook here instead of standard output (a folder with --format md,html).",
    ),
    click.option("--format", "runbook_formats", default="md", show_default=True, help="md, html or md,html."),
)
@options(POLICIES, ENGINE, VERBOSITY)
@guarded
def runbook(**o: Any) -> None:
    """Write a failover runbook for one stamp, in dependency order, from the actual estate: Markdown, or
    HTML with --format html (both with --format md,html and --out a folder)."""
    formats = [f.strip().lower() for f in o["runbook_formats"].split(",") if f.strip()]
    if not formats or set(formats) - {"md", "html"}:
        raise click.BadParameter("choose md, html or md,html", param_hint="--format")
    inputs = _inputs(o)
    result = _evaluate_inputs(o, inputs)
    resolved = next((s for s in resolve_stamps(inputs.config, inputs.snapshot, inputs.regions)
                     if s.name == o["stamp_name"]), None)  # fmt: skip
    probes = probe_targets(resolved.resources, resolved.secondary_region) if resolved else []
    try:
        texts = {fmt: render_runbook(result, o["stamp_name"], probes=probes, fmt=fmt) for fmt in formats}
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--stamp") from exc
    if len(formats) > 1:
        if not o["out_file"]:
            raise click.UsageError("--format md,html writes two files: give --out FOLDER")
        with output_set(o["out_file"]) as stage:
            for fmt, text in texts.items():
                (stage / f"runbook.{fmt}").write_text(text, encoding="utf-8")
        click.echo(f"runbook: {', '.join(str(o['out_file'] / f'runbook.{f}') for f in formats)}")
    elif o["out_file"]:
        write_atomic(o["out_file"], texts[formats[0]])
        click.echo(f"runbook: {o['out_file']}")
    else:
        click.echo(texts[formats[0]], nl=False)


@main.command(epilog=DIFF_CODES)
@click.argument("old_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new_file", type=click.Path(dir_okay=False, path_type=Path))
@options(folder_option("--out", "out_dir", "Also write diff.md and diff.json into this folder."), VERBOSITY)
@click.option("--fail-on-new", is_flag=True, help="Exit 1 when NEW has a gap that OLD did not have.")
@guarded
def diff(**o: Any) -> None:
    """Compare two results (drready.result/v1): new, resolved and changed findings, score and RPO/RTO."""
    changes = diff_results(load_result(o["old_file"]), load_result(o["new_file"]))
    text = render_diff(changes)
    if o["out_dir"]:
        with output_set(o["out_dir"]) as stage:
            (stage / "diff.md").write_text(text, encoding="utf-8")
            (stage / "diff.json").write_text(canonical_json(changes), encoding="utf-8")
    click.echo(text, nl=False)
    sys.exit(1 if o["fail_on_new"] and changes["new_gaps"] else 0)


@main.command(epilog=GATE_CODES)
@options(CONFIG, path_option("--baseline", "baseline_path", "Snapshot of the estate before the change.", required=True))
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
@options(folder_option("--out", "out_dir", "Folder for gate.md, gate.json and gate.sarif.", default=Path("out/gate")))
@options(POLICIES, ENGINE, VERBOSITY)
@guarded
def gate(**o: Any) -> None:
    """Fail a change that would weaken disaster recovery: exit 1 only on regressions against the baseline
    (old gaps stay the nightly scan's job). Prints a pull-request comment; writes it, JSON and SARIF."""
    if not o["whatif_paths"] and not o["plan_paths"]:
        raise click.UsageError("give --what-if and/or --terraform-plan")
    inputs = load_inputs(o["config_path"], o["baseline_path"], o["policies_dir"], o["allow_outside_config"])
    subscription = (inputs.config.model.scope.subscriptions or ["00000000-0000-0000-0000-000000000000"])[0]
    plans = [read_whatif(p) for p in o["whatif_paths"]]
    plans += [read_terraform(p, subscription, inputs.policies.terraform) for p in o["plan_paths"]]
    with progress_reporter(o["quiet"], o["verbose"], "evaluating") as report:
        outcome = run_gate(inputs, plans, o["engine"], jobs=o["jobs"], progress=report, **_engine(o))
    text = render_gate(outcome.report, outcome.failed)
    with output_set(o["out_dir"]) as stage:
        (stage / "gate.md").write_text(text, encoding="utf-8")
        (stage / "gate.json").write_text(canonical_json(outcome.report), encoding="utf-8")
        regressions = outcome.planned | {"findings": outcome.report["regressions"]}
        (stage / "gate.sarif").write_text(canonical_json(to_sarif(regressions)), encoding="utf-8")
    click.echo(text, nl=False)
    sys.exit(1 if outcome.failed else 0)


@main.group()
def drill() -> None:
    """Plan failover drills that drready can then observe."""


@drill.command("plan", epilog=PLAIN_CODES)
@click.option("--stamp", "stamp_name", required=True, help="The stamp to plan drills for.")
@click.option("--location", help="Region the experiments are created in (default: the stamp's primary region).")
@options(
    CONFIG, SOURCE, folder_option("--out", "out_dir", "Folder for the experiment files.", default=Path("out/drills"))
)
@options(POLICIES, ENGINE, VERBOSITY)
@guarded
def drill_plan_command(**o: Any) -> None:
    """Write Azure Chaos Studio experiment definitions (the body of PUT Microsoft.Chaos/experiments) for
    one stamp's critical path, tagged so that their runs count as observed drills, and a README.md
    saying what each rehearses and what Chaos Studio cannot. drready never creates or starts them."""
    inputs = _inputs(o)
    location = norm_region(o["location"]) if o["location"] else None
    if location is not None and location not in inputs.regions.regions:
        raise click.BadParameter(f"'{o['location']}' is no Azure region drready knows", param_hint="--location")
    result = _evaluate_inputs(o, inputs)  # the critical path comes from the evaluated recovery graph
    stamp = next((s for s in result["stamps"] if s["name"] == o["stamp_name"]), None)
    resolved = next((s for s in resolve_stamps(inputs.config, inputs.snapshot, inputs.regions)
                     if s.name == o["stamp_name"]), None)  # fmt: skip
    if stamp is None or resolved is None:
        names = ", ".join(s["name"] for s in result["stamps"])
        raise click.BadParameter(f"no stamp named '{o['stamp_name']}' (stamps: {names})", param_hint="--stamp")
    facts = inputs.regions.facts([stamp["primary_region"], stamp["secondary_region"] or ""])
    plans, skipped = drill_plan(stamp, resolved.resources, facts, location)
    with output_set(o["out_dir"]) as stage:
        for name, body in plans.items():
            (stage / name).write_text(canonical_json(body), encoding="utf-8")
        (stage / "README.md").write_text(drill_plan_readme(stamp["name"], plans, skipped), encoding="utf-8")
    click.echo(f"drill plan: {len(plans)} experiment(s) for stamp {stamp['name']} in {o['out_dir']}")


@main.command(epilog=PLAIN_CODES)
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@options(folder_option("--out", "out_dir", "Folder for trend.html and trend.csv.", default=Path("out/trend")))
@options(VERBOSITY)
@guarded
def trend(**o: Any) -> None:
    """Each stamp's score and RPO/RTO over time, from result files or folders of them (*.json)."""
    inputs: tuple[Path, ...] = o["inputs"]
    files = sorted({f for p in inputs for f in (sorted(p.rglob("*.json")) if p.is_dir() else [p])})
    results = [r for r in (load_result(f, strict=not any(p.is_dir() for p in inputs)) for f in files) if r]
    if not results:
        raise InputError(str(inputs[0]), None, "no drready results (schema drready.result/v1) found")
    with output_set(o["out_dir"]) as stage:
        render_trend(results, stage)
    click.echo(f"trend: {o['out_dir'] / 'trend.html'} ({len(results)} results)")


@main.command(epilog=PLAIN_CODES)
@options(
    path_option("--snapshot", "snapshot_path", "Propose stamps from this snapshot."),
    click.option("--subscription", "subscriptions", multiple=True, help="Or collect these subscriptions (read-only)."),
    path_option("--out", "out_file", "Where to write it.", default=Path("drready.yaml"), show_default=True),
    click.option("--force", is_flag=True, help="Overwrite an existing file."),
)
@options(POLICIES, COLLECTION, VERBOSITY)
@guarded
def init(**o: Any) -> None:
    """Write a starter drready.yaml: stamps proposed from workload tags or resource-group names, kinds from
    resource types, regions from where resources are, targets by tier, every choice commented."""
    out = o["out_file"]
    if out.exists() and not o["force"]:
        raise InputError(str(out), None, "already exists; pass --force to overwrite it")
    policies = policies_from(o["policies_dir"])
    if o["snapshot_path"]:
        snapshot, source = load_snapshot(o["snapshot_path"]), f"the snapshot {o['snapshot_path']}"
    elif o["subscriptions"]:
        config = scope_config(list(o["subscriptions"]))
        options = CollectOptions(o["cloud"], o["endpoint"], o["ca_bundle"] or True, o["timeout"])
        with progress_reporter(o["quiet"], o["verbose"], "collecting") as report:
            snapshot = collect(config, policies, o["auth"], options, report, declared=False)
        source = f"subscription(s) {', '.join(o['subscriptions'])}"
    else:
        raise click.UsageError("give --snapshot or --subscription")
    if not snapshot.resources:
        raise InputError(source, None, "holds no resource of a type drready judges: no stamp to propose")
    text, count = starter_yaml(snapshot.resources, RegionTable.of(policies, snapshot.locations), snapshot.scope, source)
    write_atomic(out, text)
    load_config(out)  # what was written must read back as a valid drready.yaml
    click.echo(
        f"drready.yaml: {out} ({count} stamps proposed from {len(snapshot.resources)} resources); check each "
        "choice, then run drready scan"
    )


@main.group()
def policies() -> None:
    """Inspect the control catalogue."""


@policies.command("list", epilog=PLAIN_CODES)
@options(POLICIES, click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table."), VERBOSITY)
@guarded
def policies_list(**o: Any) -> None:
    """List every control: id, title, severity and the stamp kinds it applies to."""
    controls = policies_from(o["policies_dir"]).controls
    if o["as_json"]:
        click.echo(json.dumps([c.to_json() for c in controls], indent=2))
        return
    table = Table("ID", "Title", "Severity", "Stamps", box=None, pad_edge=False)
    for c in controls:
        table.add_row(c.id, c.title, c.severity, ", ".join(c.stamps))
    Console(width=120).print(table)


@policies.command("doc", epilog=PLAIN_CODES)
@options(POLICIES, path_option("--out", "out_file", "Write the catalogue here instead of standard output."))
@options(click.option("--index", is_flag=True, help="Only the table of controls with their sources (README's)."))
@options(VERBOSITY)
@guarded
def policies_doc(**o: Any) -> None:
    """Write the control catalogue as Markdown, generated from the policies' METADATA."""
    controls = policies_from(o["policies_dir"]).controls
    text = render_catalogue_index(controls) if o["index"] else render_catalogue(controls)
    if o["out_file"]:
        write_atomic(o["out_file"], text)
        click.echo(f"catalogue: {o['out_file']}")
    else:
        click.echo(text, nl=False)


def _formats(text: str) -> list[str]:
    try:
        chosen = parse_formats(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--format") from exc
    if "pdf" in chosen:
        pdf.browser()  # refused before anything is collected when there is no Chromium to print with
    return chosen


def _exit(result: dict[str, Any], o: dict[str, Any]) -> int:
    return exit_code(result, None if o["fail_on"] == "none" else o["fail_on"], o["allow_unknown"])
