"""result.json has a published schema (schemas/drready.result.v1.json, generated from
scanner/result_model.py) that every result drready writes meets, and that `report` and `diff` hold a
result to before they render it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from scanner.result_model import json_schema

from .conftest import REPO, run_cli

SHIPPED = REPO / "schemas" / "drready.result.v1.json"


@pytest.fixture(scope="module")
def demo_result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("result") / "result.json"
    assert run_cli("evaluate", "--demo", "--out", str(out), "-q").exit_code in (1, 3)
    return json.loads(out.read_text())


def test_the_shipped_schema_is_the_model_s() -> None:
    assert json.loads(SHIPPED.read_text()) == json_schema(), "run `make schemas` and commit the result"


def test_the_demo_result_meets_the_published_schema(demo_result: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(SHIPPED.read_text()))
    assert list(validator.iter_errors(demo_result)) == []


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return apply


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return apply


@pytest.mark.parametrize(
    ("change", "where", "says"),
    [
        (_drop(("errors",)), "$.errors", "missing field"),
        (_set(("stamps", 0, "targets"), []), "$.stamps[0].targets", "expected an object"),
        (_drop(("stamps", 1, "targets", "rto_minutes")), "$.stamps[1].targets.rto_minutes", "missing field"),
        (_set(("stamps", 0, "targets", "rpo_minutes"), float("nan")), "1:", "malformed JSON"),
        (_set(("stamps", 0, "recovery", "achieved", "rto_minutes"), "soon"), "$.stamps[0].recovery.achieved", ""),
        (_set(("findings", 3, "status"), "maybe"), "$.findings[3].status", "'pass', 'fail'"),
        (_set(("findings", 0, "message"), None), "$.findings[0].message", "expected a string"),
        (_set(("stamps", 2, "score"), 101), "$.stamps[2].score", "less than or equal to 100"),
        (_set(("schema",), "drready.result/v2"), "$.schema", "not a drready result"),
    ],
)
def test_report_refuses_a_result_that_does_not_meet_the_schema(
    demo_result: dict[str, Any], tmp_path: Path, change: Callable[[dict[str, Any]], None], where: str, says: str
) -> None:
    doc = copy.deepcopy(demo_result)
    change(doc)
    (tmp_path / "result.json").write_text(json.dumps(doc))
    result = run_cli("report", "--result", str(tmp_path / "result.json"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and f"result.json:{where}" in line and says in line, line
    assert not (tmp_path / "out").exists()
    diff = run_cli("diff", str(tmp_path / "result.json"), str(tmp_path / "result.json"))
    assert diff.exit_code == 2 and where in diff.output
