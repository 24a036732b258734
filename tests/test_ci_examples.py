"""The CI examples run these drready commands: run the same commands here, on fixture files, with the
collection pointed at the local emulator instead of Azure."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import DEMO, REPO, SHARED, run_cli
from .emulator import Emulator

EXAMPLES = [
    REPO / ".github" / "workflows" / "drready-nightly.yml",
    REPO / ".github" / "workflows" / "drready-gate.yml",
    REPO / "examples" / "ci" / "azure-pipelines.yml",
]


def scripts(node: Any) -> list[str]:
    """Every shell script in a workflow or pipeline (run:, script: and inlineScript: values)."""
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in ("run", "script", "inlineScript") and isinstance(v, str)]
        return found + [s for v in node.values() for s in scripts(v)]
    if isinstance(node, list):
        return [s for v in node for s in scripts(v)]
    return []


def drready_commands(path: Path) -> list[list[str]]:
    commands = []
    for script in scripts(yaml.safe_load(path.read_text())):
        for line in script.replace("\\\n", " ").splitlines():
            line = line.strip().split(" || ")[0]
            if line.startswith("drready "):
                commands.append(shlex.split(line)[1:])
    return commands


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_ci_example_commands_run_on_fixture_files(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands = drready_commands(example)
    assert commands, f"no drready command in {example}"
    for f in DEMO.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    shutil.copy(SHARED / "fixtures" / "terraform-plan" / "psrule-rules-azure-tfplan.json", tmp_path / "plan.json")
    shutil.copy(
        SHARED / "fixtures" / "whatif" / "azure-cli-test_resource_group_level_what_if.json", tmp_path / "whatif.json"
    )
    monkeypatch.chdir(tmp_path)
    with Emulator(json.loads((DEMO / "snapshot.json").read_text()), tmp_path) as emu:
        for args in commands:
            if "--auth" in args:  # the example signs in to Azure: here the emulator stands in for it
                i = args.index("--auth")
                args = [*args[:i], *emu.cli_args(), *args[i + 2 :]]
            result = run_cli(*args, env={"AZURE_ACCESS_TOKEN": "ci-example"})
            assert result.exit_code in (0, 1, 3), (args, result.output)  # never a usage or input error
    produced = {p.name for p in tmp_path.rglob("*") if p.is_file()}
    if "gate" in {c[0] for c in commands}:
        assert {"gate.md", "gate.json", "gate.sarif"} <= produced
    if "scan" in {c[0] for c in commands}:
        assert {"results.sarif", "summary.md", "junit.xml"} <= produced
