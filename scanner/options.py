"""Command-line options shared by drready's commands, their exit-code epilogs, and the guard that turns
any input or output error into one line and exit code 2."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from scanner.catalogue import SEVERITIES
from scanner.collect import AUTH_MODES, CLOUDS
from scanner.engine import ENGINES
from scanner.errors import EngineError, InputError
from scanner.render import FORMATS


def exit_codes(*lines: str) -> str:
    """A help epilog listing a command's exit codes."""
    return "\b\nExit codes:\n" + "\n".join(f"  {line}" for line in lines)


ERROR = "2  usage, configuration, input or output error (one line names the file, line and field)"
SCAN_CODES = exit_codes(
    "0  the gate holds: no gap at or above --fail-on, nothing unknown",
    "1  a gap at or above --fail-on (default high)",
    ERROR,
    "3  incomplete: some findings are unknown and --allow-unknown was not given",
    "Precedence: 2 > 1 > 3 > 0.",
)
COLLECT_CODES = exit_codes("0  every collection step succeeded", ERROR, "3  some collection step failed (recorded)")
GATE_CODES = exit_codes("0  no DR regression", "1  the change makes disaster recovery worse", ERROR)
DIFF_CODES = exit_codes("0  done", "1  NEW has a gap that OLD did not have (with --fail-on-new)", ERROR)
PLAIN_CODES = exit_codes("0  done", ERROR)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input, a broken policy or an unwritable output: one line on stderr, exit 2, no partial output."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (InputError, EngineError) as exc:
            message = str(exc)
        except OSError as exc:
            message = f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": ")
        click.echo(f"drready: error: {message}", err=True)
        sys.exit(2)

    return wrapper


def options(*decorators: Callable[..., Any]) -> Callable[..., Any]:
    def apply(func: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return apply


def path_option(name: str, dest: str, help: str, **kwargs: Any) -> Callable[..., Any]:
    return click.option(name, dest, type=click.Path(dir_okay=False, path_type=Path), help=help, **kwargs)


def folder_option(name: str, dest: str, help: str, **kwargs: Any) -> Callable[..., Any]:
    return click.option(name, dest, type=click.Path(file_okay=False, path_type=Path), help=help, **kwargs)


CONFIG = options(
    path_option(
        "--config",
        "config_path",
        "drready.yaml: scope, regions, stamps, targets and waivers.",
        default=Path("drready.yaml"),
        show_default=True,
    ),
    click.option(
        "--allow-outside-config",
        is_flag=True,
        help="Read declared files that drready.yaml names outside its own folder.",
    ),
)
POLICIES = folder_option("--policies", "policies_dir", "Policy folder to use instead of the shipped one.")
VERBOSITY = options(
    click.option("-q", "--quiet", is_flag=True, help="No progress output."),
    click.option("-v", "--verbose", is_flag=True, help="Log every page, child read and evaluated stamp."),
)
ENGINE = options(
    click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="auto",
        show_default=True,
        help="Policy engine: regorus (in-process, Rust), embedded (rego-cpp, in-process), opa-server (a central"
        " `opa run --server`); auto: regorus when it is built, else embedded.",
    ),
    click.option("--opa-url", help="OPA server for --engine opa-server, e.g. http://127.0.0.1:8181."),
    click.option("--opa-token", envvar="DRREADY_OPA_TOKEN", help="Bearer token for the OPA server."),
    click.option(
        "--jobs", "-j", type=click.IntRange(min=1), help="Stamps evaluated at once (default: CPUs, at most 8)."
    ),
)
COLLECTION = options(
    click.option(
        "--auth",
        type=click.Choice(AUTH_MODES),
        default="default",
        show_default=True,
        help="default: DefaultAzureCredential; cli: az login; msi: managed identity; env: service principal from "
        "AZURE_* variables; workload-identity: federated OIDC token of GitHub Actions or Azure DevOps (no secret); "
        "token: a bearer token in AZURE_ACCESS_TOKEN.",
    ),
    click.option("--cloud", type=click.Choice(sorted(CLOUDS)), default="AzurePublicCloud", show_default=True),
    click.option("--endpoint", help="ARM endpoint to use instead of the cloud's (private clouds, emulators)."),
    click.option("--ca-bundle", type=click.Path(dir_okay=False, exists=True), help="CA bundle of the endpoint."),
    click.option("--timeout", type=float, default=60, show_default=True, help="Seconds to wait for a response."),
)
REPORTS = options(
    folder_option(
        "--out",
        "out_dir",
        "Folder for the reports; written only when every format succeeded.",
        default=Path("out"),
        show_default=True,
    ),
    click.option(
        "--format",
        "formats",
        default="html,md,json",
        show_default=True,
        help=f"Comma-separated output formats: {', '.join(FORMATS)}.",
    ),
    folder_option("--templates", "templates", "Report template folder to use instead of the shipped one."),
    click.option(
        "--previous",
        "previous",
        type=click.Path(exists=True, path_type=Path),
        help="An earlier result.json, or a folder of them (the newest is used): the reports add new, resolved"
        " and changed findings and each stamp's RPO/RTO movement since then.",
    ),
)
GATING = options(
    click.option(
        "--fail-on",
        type=click.Choice([*SEVERITIES, "none"]),
        default="high",
        show_default=True,
        help="Exit 1 when an open gap has this severity or worse ('none': never).",
    ),
    click.option("--allow-unknown", is_flag=True, help="Do not exit 3 when some findings are unknown."),
)
SOURCE = options(
    path_option("--snapshot", "snapshot_path", "Snapshot (drready.snapshot/v1) to evaluate; without it, collect."),
    click.option("--demo", is_flag=True, help="Use the bundled demo estate (no Azure account needed)."),
)
