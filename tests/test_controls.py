"""Every control's case table (the cases.yaml beside each control) on both engines.

OPA runs the tables in `opa test` (policies/lib/cases_runner_test.rego); here pytest reads the same
files without OPA, runs each case through the embedded engine, checks its expectation, and compares
it with `opa eval` when OPA is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
from functools import cache
from typing import Any

import pytest

from scanner.catalogue import Control, case_tables, load_policies
from scanner.engine.embedded import EmbeddedEngine
from scanner.engine.projection import Projection
from scanner.pipeline import engine_input

from .conftest import POLICIES, opa_binary

RUNNER = "lib/cases_runner_test.rego"  # the only test module that uses `with` (rego-cpp crashes on it)


@cache
def policies():
    return load_policies(POLICIES)


@cache
def engine() -> EmbeddedEngine:
    return EmbeddedEngine(policies())


@cache
def projection() -> Projection:
    return Projection.of(policies().modules.values())


@cache
def tables() -> dict[str, dict[str, Any]]:
    """Control id -> its cases, read from the control's folder."""
    by_folder = case_tables(POLICIES)
    return {c.id: by_folder.get(c.file.rsplit("/", 1)[0], {}) for c in policies().rego_controls}


def all_cases() -> list[tuple[str, str]]:
    return [(cid, name) for cid, table in sorted(tables().items()) for name in sorted(table)]


def matches(results: list[dict[str, Any]], expect: dict[str, Any]) -> list[str]:
    """Why the results do not meet the expectation (empty when they do): the runner's rule, in Python."""
    problems = [] if len(results) == len(expect) else [f"{len(results)} results for {len(expect)} expected"]
    for rid, e in expect.items():
        found = [r for r in results if r["resource"] == rid]
        if not found:
            problems.append(f"no result for {rid}")
            continue
        r = found[0]
        if r["status"] != e["status"] or r.get("severity") != e.get("severity"):
            problems.append(f"{rid}: {r['status']}/{r.get('severity')} != {e['status']}/{e.get('severity')}")
        problems += [f"{rid}: message lacks {frag!r}" for frag in e.get("contains", []) if frag not in r["message"]]
        problems += [f"{rid}: message has {frag!r}" for frag in e.get("lacks", []) if frag in r["message"]]
    return problems


@pytest.mark.parametrize(("control_id", "case"), all_cases())
def test_case_on_the_embedded_engine(control_id: str, case: str) -> None:
    c = tables()[control_id][case]
    control = policies().control(control_id)
    results = engine().evaluate([control], c["input"])[control_id]
    assert matches(results, c["expect"]) == [], results
    # drready gives the engines the input indexed and projected (scanner/pipeline.py): same results.
    indexed = engine().evaluate([control], engine_input(c["input"], projection()))[control_id]
    assert indexed == results


@cache
def opa_results(control: Control) -> dict[str, Any]:
    """Each case's results on OPA. (`with` inside a comprehension does not take effect in OPA 1.22,
    so the cases are iterated in the query body, one result row per case.)"""
    area, folder = control.package.split(".")[2:]
    query = (
        f"some name, c in data.controls.{area}.{folder}.cases; "
        f"out := data.{control.package}.results with input as c.input"
    )
    run = subprocess.run(
        [opa_binary(), "eval", "-d", str(POLICIES), "--format", "json", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return {row["bindings"]["name"]: row["bindings"]["out"] for row in json.loads(run.stdout)["result"]}


@pytest.mark.parametrize(("control_id", "case"), all_cases())
def test_case_gives_identical_results_on_opa(control_id: str, case: str) -> None:
    if not opa_binary():
        pytest.skip("opa not installed")
    control = policies().control(control_id)
    embedded = engine().evaluate([control], tables()[control_id][case]["input"])[control_id]
    key = lambda r: (r["resource"], r["status"], r["message"])  # noqa: E731
    assert sorted(opa_results(control)[case], key=key) == sorted(embedded, key=key)


def test_every_control_folder_has_its_case_table() -> None:
    folders = {c.file.rsplit("/", 1)[0] for c in policies().rego_controls}
    assert folders == set(case_tables(POLICIES)), "each control folder holds exactly one cases.yaml"


@pytest.mark.parametrize("control_id", sorted(c.id for c in policies().rego_controls))
def test_every_control_has_pass_fail_and_not_applicable_cases(control_id: str) -> None:
    statuses = {e["status"] for c in tables()[control_id].values() for e in c["expect"].values()}
    assert {"pass", "fail"} <= statuses, statuses
    # Never not applicable: a stamp always has or lacks a secondary region (DR-REG-01) and a failover
    # drill (DR-OPS-01); every vault needs purge protection, in either region (DR-KV-01); every cluster
    # needs a tier with an SLA (DR-K8S-09); every backup vault needs its protections (DR-PROT-03).
    if control_id not in {"DR-REG-01", "DR-KV-01", "DR-OPS-01", "DR-K8S-09", "DR-PROT-03"}:
        assert "not_applicable" in statuses, statuses


def test_only_the_runner_uses_with() -> None:
    offenders = [
        p.name
        for p in POLICIES.rglob("*.rego")
        if p.relative_to(POLICIES).as_posix() != RUNNER and "with input" in p.read_text()
    ]
    assert offenders == []


def test_function_names_with_two_arities_are_refused(tmp_path) -> None:
    """rego-cpp 1.5.2 crashes (segmentation fault, depending on module order) when two packages
    define functions of the same name with different numbers of arguments: the loader refuses it."""
    from scanner.catalogue import check_function_arities
    from scanner.errors import EngineError

    check_function_arities(policies().modules)  # the shipped policies (test modules never reach rego-cpp)
    with pytest.raises(EngineError, match="function gaps takes 2 argument"):
        check_function_arities({"a.rego": "package a\ngaps(r) := [r]\n", "b.rego": "package b\ngaps(r, x) := [r, x]\n"})


def test_the_demo_gives_identical_results_on_both_engines(tmp_path) -> None:
    from datetime import date

    from scanner.pipeline import load_inputs, policy_input, stamp_input
    from scanner.stamps import resolve_stamps

    from .conftest import DEMO, opa_eval_all

    opa = opa_binary()
    if not opa:
        pytest.skip("opa not installed")
    inputs = load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES)
    key = lambda r: (r["resource"], r["status"], r["message"])  # noqa: E731
    compared = 0
    for stamp in resolve_stamps(inputs.config, inputs.snapshot, inputs.regions):
        controls = [c for c in policies().rego_controls if c.applies_to_kind(stamp.stamp.kind)]
        doc = policy_input(stamp, inputs, date(2026, 11, 26))
        embedded = engine().evaluate(controls, doc)
        assert embedded == engine().evaluate(controls, stamp_input(stamp, inputs, date(2026, 11, 26))), stamp.name
        on_opa = opa_eval_all(opa, controls, doc, tmp_path)
        for control in controls:
            assert sorted(on_opa.get(control.id, []), key=key) == sorted(embedded[control.id], key=key), (
                stamp.name,
                control.id,
            )
            compared += len(embedded[control.id])
    assert compared >= 100


@cache
def regorus_engine() -> Any:
    from scanner.engine import regorus

    if not regorus.available():
        if os.environ.get("DRREADY_REQUIRE_OPA"):
            pytest.fail("the regorus extension is required in CI (make tools builds it with cargo)")
        pytest.skip("the regorus extension is not built (make regorus)")
    return regorus.RegorusEngine(policies())


def by_message(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(results, key=lambda r: (r["resource"], r["status"], r["message"]))


@pytest.mark.parametrize(("control_id", "case"), all_cases())
def test_case_gives_identical_results_on_regorus(control_id: str, case: str) -> None:
    """regorus against rego-cpp on every case (and both against OPA, above): any difference fails."""
    control = policies().control(control_id)
    doc = tables()[control_id][case]["input"]
    on_regorus = regorus_engine().evaluate([control], engine_input(doc, projection()))[control_id]
    assert matches(on_regorus, tables()[control_id][case]["expect"]) == [], on_regorus
    assert by_message(on_regorus) == by_message(engine().evaluate([control], doc)[control_id])
    # regorus needs none of the projection rego-cpp does: the raw input gives the same results.
    assert by_message(regorus_engine().evaluate([control], doc)[control_id]) == by_message(on_regorus)


def test_the_demo_gives_identical_results_on_regorus_and_rego_cpp() -> None:
    from datetime import date

    from scanner.pipeline import load_inputs, policy_input
    from scanner.stamps import resolve_stamps

    from .conftest import DEMO

    inputs = load_inputs(DEMO / "drready.yaml", DEMO / "snapshot.json", POLICIES)
    compared = 0
    for stamp in resolve_stamps(inputs.config, inputs.snapshot, inputs.regions):
        controls = [c for c in policies().rego_controls if c.applies_to_kind(stamp.stamp.kind)]
        doc = policy_input(stamp, inputs, date(2026, 11, 26))
        on_regorus, on_rego_cpp = regorus_engine().evaluate(controls, doc), engine().evaluate(controls, doc)
        for control in controls:
            assert by_message(on_regorus[control.id]) == by_message(on_rego_cpp[control.id]), (stamp.name, control.id)
            compared += len(on_regorus[control.id])
    assert compared >= 100
