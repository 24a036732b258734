"""No input crashes drready: mutations of the real demo and fixture files, one family per input drready
reads, each through the command that reads it. Every case ends with exit 0, 1, 2 or 3, never a Python
traceback, and an exit 2 is one line with nothing left in --out.

The examples per family come from DRREADY_FUZZ_EXAMPLES (a few dozen in `make test`, thousands in
`make fuzz`); the seed is fixed (derandomize), so a failure here fails the same way on every machine."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import DEMO, SHARED, require_shared, run_cli
from .mutations import json_mutations, yaml_mutations

EXAMPLES = int(os.environ.get("DRREADY_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
# Three of the demo's six stamps, one of each declared-file format, so each example evaluates quickly.
STAMPS = ("batch", "assistant", "copilot")
DECLARED = ("drills.yaml", "airflow-batch.yaml", "model-gateway.yaml", "copilot-litellm.yaml")


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo cut to STAMPS: drready.yaml, the declared files, the snapshot and a result of it."""
    folder = tmp_path_factory.mktemp("estate")
    config = yaml.safe_load((DEMO / "drready.yaml").read_text())
    config["stamps"] = [s for s in config["stamps"] if s["name"] in STAMPS]
    (folder / "drready.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    drills = yaml.safe_load((DEMO / "drills.yaml").read_text())
    drills["drills"] = [d for d in drills["drills"] if d["stamp"] in STAMPS]
    (folder / "drills.yaml").write_text(yaml.safe_dump(drills, sort_keys=False))
    for name in DECLARED[1:]:
        shutil.copy(DEMO / name, folder / name)
    shutil.copy(DEMO / "snapshot.json", folder / "snapshot.json")
    result = run_cli(*_evaluate(folder, folder / "result.json"))
    assert result.exit_code in (1, 3), result.output
    return folder


class Case:
    """Where the examples of one test run: each starts from a fresh copy of the estate (hypothesis runs
    every example of a test within one call of its fixtures)."""

    def __init__(self, estate: Path, folder: Path) -> None:
        self.estate, self.folder = estate, folder

    def run(self, name: str, content: bytes, command: list[str], out: Path) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        shutil.copytree(self.estate, self.folder)
        (self.folder / name).write_bytes(content)
        result = run_cli(*command)
        if os.environ.get("DRREADY_FUZZ_TRACE"):
            print("FUZZEXIT", command[0], name, result.exit_code, result.output.strip()[-160:].replace("\n", " "))
        assert_clean_end(result, out)


@pytest.fixture
def case(estate: Path, tmp_path: Path) -> Case:
    return Case(estate, tmp_path / "case")


def _evaluate(folder: Path, out: Path) -> list[str]:
    return ["evaluate", "--config", str(folder / "drready.yaml"), "--snapshot", str(folder / "snapshot.json"),
            "--out", str(out), "-q"]  # fmt: skip


def assert_clean_end(result: Any, out: Path) -> None:
    assert result.exit_code in (0, 1, 2, 3), f"exit {result.exit_code}: {result.output[-2000:]}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"uncaught {type(result.exception).__name__}: {result.exception}") from result.exception
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("drready: error: "), result.output
        assert not out.exists(), f"exit 2 left {out} behind"


@FUZZ
@given(data=st.data())
def test_fuzz_drready_yaml(case: Case, data: st.DataObject) -> None:
    content = data.draw(yaml_mutations((case.estate / "drready.yaml").read_text()))
    case.run("drready.yaml", content, _evaluate(case.folder, case.folder / "out.json"), case.folder / "out.json")


@FUZZ
@given(data=st.data())
def test_fuzz_declared_files(case: Case, data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(DECLARED))
    content = data.draw(yaml_mutations((case.estate / name).read_text()))
    case.run(name, content, _evaluate(case.folder, case.folder / "out.json"), case.folder / "out.json")


SNAPSHOT = (DEMO / "snapshot.json").read_text()


@FUZZ
@given(content=json_mutations(SNAPSHOT))
def test_fuzz_snapshot(case: Case, content: bytes) -> None:
    case.run("snapshot.json", content, _evaluate(case.folder, case.folder / "out.json"), case.folder / "out.json")


def _plans() -> dict[str, tuple[str, str]]:
    """Each plan fixture with the gate flag it is given with."""
    if not (SHARED / "fixtures").is_dir():
        return {}
    plans = {p.name: ("--what-if", p.read_text()) for p in sorted((SHARED / "fixtures" / "whatif").glob("*.json"))}
    for p in sorted((SHARED / "fixtures" / "terraform-plan").glob("*.json")):
        plans[p.name] = ("--terraform-plan", p.read_text())
    return plans


PLANS = _plans()


@FUZZ
@given(data=st.data())
def test_fuzz_plans(case: Case, data: st.DataObject) -> None:
    require_shared()
    name = data.draw(st.sampled_from(sorted(PLANS)))
    flag, text = PLANS[name]
    content = data.draw(json_mutations(text))
    folder = case.folder
    command = ["gate", "--config", str(folder / "drready.yaml"), "--baseline", str(folder / "snapshot.json"), flag,
               str(folder / name), "--out", str(folder / "gate"), "-q"]  # fmt: skip
    case.run(name, content, command, folder / "gate")


@FUZZ
@given(data=st.data())
def test_fuzz_result_for_report(case: Case, data: st.DataObject) -> None:
    content = data.draw(json_mutations((case.estate / "result.json").read_text()))
    out = case.folder / "out"
    command = ["report", "--result", str(case.folder / "result.json"), "--out", str(out),
               "--format", "html,md,json,sarif,junit,csv,xlsx"]  # fmt: skip
    case.run("result.json", content, command, out)


def test_the_mutations_reach_every_family() -> None:
    """The strategies above draw from real files: a guard against fuzzing an empty document."""
    assert json.loads(SNAPSHOT)["resources"] and PLANS
