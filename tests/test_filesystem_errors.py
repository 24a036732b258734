"""Every command meets a filesystem it cannot write (an --out beneath a file, a full disk) or a broken
--templates folder with exit 2 and one line, never a traceback, and leaves no partial output."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DEMO, REPO, run_cli

DRREADY = str(Path(sys.executable).parent / "drready")


@pytest.fixture(scope="module")
def result_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("r") / "result.json"
    assert run_cli("evaluate", "--demo", "--out", str(path), "-q").exit_code == 1
    return path


def commands(out: Path, result: Path) -> dict[str, list[str]]:
    """Each command that writes, with its output at `out` (the gate reads an empty what-if beside the result)."""
    config, snapshot = str(DEMO / "drready.yaml"), str(DEMO / "snapshot.json")
    whatif = result.parent / "whatif.json"
    whatif.write_text('{"changes": []}')
    return {
        "scan": ["scan", "--demo", "--out", str(out), "--format", "html,md,json,xlsx", "-q"],
        "evaluate": ["evaluate", "--demo", "--out", str(out / "result.json"), "-q"],
        "report": ["report", "--result", str(result), "--out", str(out), "--format", "html,md,csv"],
        "runbook": ["runbook", "--demo", "--stamp", "storefront", "--out", str(out / "runbook.md"), "-q"],
        "diff": ["diff", str(result), str(result), "--out", str(out)],
        "gate": ["gate", "--config", config, "--baseline", snapshot, "--what-if", str(whatif), "--out", str(out), "-q"],
        "trend": ["trend", str(result.parent), "--out", str(out)],
    }


def one_line_exit_2(code: int, output: str) -> None:
    lines = [line for line in output.splitlines() if line.strip()]
    assert code == 2, output
    assert len(lines) == 1 and lines[0].startswith("drready: error: ") and "Traceback" not in output, output


@pytest.mark.parametrize("command", ["scan", "evaluate", "report", "runbook", "diff", "gate", "trend"])
def test_an_out_beneath_a_file_is_exit_2(tmp_path: Path, result_file: Path, command: str) -> None:
    (tmp_path / "a-file").write_text("x")
    out = tmp_path / "a-file" / "out"
    result = run_cli(*commands(out, result_file)[command])
    one_line_exit_2(result.exit_code, result.output)
    assert (tmp_path / "a-file").read_text() == "x"


def _disk_full() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))  # Python ignores SIGXFSZ: writes fail with EFBIG


@pytest.mark.parametrize("command", ["scan", "evaluate", "report", "runbook", "diff", "gate", "trend"])
def test_a_full_disk_is_exit_2_with_nothing_left(tmp_path: Path, result_file: Path, command: str) -> None:
    out = tmp_path / "out"
    run = subprocess.run(
        [DRREADY, *commands(out, result_file)[command]],
        preexec_fn=_disk_full,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    one_line_exit_2(run.returncode, run.stderr)
    assert "Traceback" not in run.stdout
    assert not out.exists() or not any(out.iterdir())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] in ([], [".out.lock"])


@pytest.mark.parametrize(
    ("template", "text", "says"),
    [
        ("report.md.j2", "{% if %}", "report.md.j2:"),
        ("report.md.j2", "{{ r.no_such_field.x }}", "report.md.j2:"),
        ("summary.md.j2", None, "summary.md.j2"),
    ],
)
def test_a_broken_templates_folder_is_exit_2_naming_the_template(
    tmp_path: Path, result_file: Path, template: str, text: str | None, says: str
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    for source in (REPO / "reports").iterdir():
        (templates / source.name).write_bytes(source.read_bytes())
    if text is None:
        (templates / template).unlink()
    else:
        (templates / template).write_text((templates / template).read_text() + text + "\n")
    result = run_cli(
        "report", "--result", str(result_file), "--out", str(tmp_path / "out"), "--format", "md",
        "--templates", str(templates),
    )  # fmt: skip
    one_line_exit_2(result.exit_code, result.output)
    assert says in result.output and not (tmp_path / "out").exists()
