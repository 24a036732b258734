"""Collection that never loses data silently and never leaks: fault injection against the emulator with
the real SDK clients (truncated results, endless paging, links to other hosts, crafted ids)."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.guard import allowed, child_id

from .conftest import DEMO, run_cli
from .emulator import ARG_PATH, Emulator, Listener
from .test_collect import DEMO_SNAPSHOT, SUB, collect, many_key_vaults, scoped_config

FACTORY = next(r["id"] for r in DEMO_SNAPSHOT["resources"] if r["name"] == "adf-lakehouse-cus")
APIM = next(r["id"] for r in DEMO_SNAPSHOT["resources"] if r["type"].lower() == "microsoft.apimanagement/service")


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[Emulator]:
    with Emulator(DEMO_SNAPSHOT, tmp_path) as emu:
        yield emu


def bounded(func: Any, seconds: float = 120) -> Any:
    """Run func in a thread: a fault that makes collection loop fails the test instead of hanging it."""
    out: list[Any] = []
    worker = threading.Thread(target=lambda: out.append(func()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "collection did not end"
    return out[0]


def scan_exit(emulator: Emulator, tmp_path: Path) -> int:
    result = run_cli(
        "scan",
        "--config",
        str(DEMO / "drready.yaml"),
        "--out",
        str(tmp_path / "out"),
        "--format",
        "json",
        *emulator.cli_args(),
        env={"AZURE_ACCESS_TOKEN": "t"},
    )
    return result.exit_code


@pytest.mark.parametrize("fault", ["truncated_tables", "flagged_truncated_tables"])
def test_a_truncated_result_is_an_error_and_the_scan_is_incomplete(
    emulator: Emulator, tmp_path: Path, fault: str
) -> None:
    getattr(emulator.faults, fault).add("resources")
    snapshot = collect(emulator)
    [error] = snapshot.errors
    assert (error["source"] == "resource-graph:resources" and "truncated" in error["error"]) or "missing" in error[
        "error"
    ]
    assert snapshot.resources == []  # none of the scope's rows passed off as all of them
    assert scan_exit(emulator, tmp_path) in (1, 3)  # gaps in declared evidence still count; never 0
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    assert all(s["verdict"] != "ready" for s in result["stamps"])
    unknown = [f for f in result["findings"] if f["status"] == "unknown" and f["resource_type"] == "collection"]
    assert {f["stamp"] for f in unknown} == {s["name"] for s in result["stamps"]}


def test_a_repeating_skip_token_ends_with_an_error(tmp_path: Path) -> None:
    with Emulator(many_key_vaults(3500, [SUB]), tmp_path) as emu:
        emu.faults.repeating_token_tables.add("resources")
        snapshot = bounded(lambda: collect(emu))
        assert len(emu.arg_requests()) < 10
    [error] = [e for e in snapshot.errors if e["source"] == "resource-graph:resources"]
    assert "repeats" in error["error"] and snapshot.resources == []


def test_rows_repeated_across_pages_are_dropped_and_counted(tmp_path: Path) -> None:
    with Emulator(many_key_vaults(2500, [SUB]), tmp_path) as emu:
        emu.faults.overlapping_tables.add("resources")
        snapshot = collect(emu)
    assert snapshot.errors == [] and len(snapshot.resources) == 2500
    assert snapshot.scope["duplicate_rows_dropped"] == 2


def test_a_next_link_to_itself_ends_with_an_error(emulator: Emulator) -> None:
    path = f"{APIM}/backends".lower()
    emulator.faults.next_links[path] = f"{emulator.endpoint}{path}?api-version=2023-09-01-preview"
    snapshot = bounded(lambda: collect(emulator, retries=0))
    [error] = snapshot.errors
    assert error["scope"] == APIM and "does not end" in error["error"]
    assert sum(1 for r in emulator.requests if r["path"] == path) < 5


def test_the_token_is_never_sent_to_another_host(emulator: Emulator, tmp_path: Path) -> None:
    with Listener(tmp_path / "other") as other:
        emulator.faults.next_links[f"{APIM}/backends".lower()] = f"{other.url}/steal?api-version=1"
        snapshot = collect(emulator, retries=0)
    assert other.requests == []
    [error] = snapshot.errors
    assert error["scope"] == APIM and "leaves the endpoint" in error["error"]


def test_a_crafted_id_from_the_server_cannot_steer_a_write(emulator: Emulator) -> None:
    vm = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1/restart"
    emulator.faults.listed[f"{FACTORY}/integrationruntimes".lower()] = {
        "value": [{"id": f"{vm}#", "name": "ir", "properties": {"type": "SelfHosted"}}]
    }
    snapshot = collect(emulator, retries=0)
    assert not [
        r for r in emulator.requests if r["method"] == "POST" and r["path"] != ARG_PATH and "getstatus" not in r["path"]
    ]
    assert not [r for r in emulator.requests if "virtualmachines" in r["path"]]
    [error] = snapshot.errors
    assert error["scope"] == FACTORY and "not an ARM id below it" in error["error"]


@pytest.mark.parametrize(
    ("method", "url", "ok"),
    [
        ("GET", "https://management.azure.com/subscriptions/s/resourceGroups/rg?api-version=1", True),
        ("POST", "https://management.azure.com/providers/Microsoft.ResourceGraph/resources?api-version=1", True),
        (
            "POST",
            "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataFactory/factories/f"
            "/integrationRuntimes/ir/getStatus?api-version=1",
            True,
        ),
        (
            "POST",
            "https://management.azure.com/subscriptions/s/providers/Microsoft.Compute/virtualMachines/v/restart",
            False,
        ),
        (
            "POST",
            "https://management.azure.com/subscriptions/s/providers/Microsoft.Compute/virtualMachines/v/restart#/getStatus",
            False,
        ),
        ("POST", "https://management.azure.com/x/getStatus", False),  # getStatus of something else
        ("GET", "https://management.azure.com/subscriptions/s/../../providers/x", False),
        ("GET", "https://management.azure.com/subscriptions/s%2F..%2Fx", False),
        ("GET", "https://elsewhere.example/subscriptions/s", False),
        ("PUT", "https://management.azure.com/subscriptions/s", False),
    ],
)
def test_the_guard_checks_the_url_as_sent(method: str, url: str, ok: bool) -> None:
    assert allowed(method, url, "https://management.azure.com") is ok


def test_ids_from_answers_must_be_arm_ids_below_their_parent() -> None:
    parent = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.DataFactory/factories/f/integrationRuntimes"
    assert child_id({"id": f"{parent}/ir"}, parent) == f"{parent}/ir"
    for bad in (f"{parent}/ir#", f"{parent}/../x", "/subscriptions/other/x", None, f"{parent}/i r", f"{parent}/a%2f"):
        with pytest.raises(ValueError):
            child_id({"id": bad}, parent)


def test_no_fault_yields_exit_0_with_missing_data(tmp_path: Path) -> None:
    """Each fault that loses rows makes the scan exit 3 (incomplete), never 0."""
    snapshot = copy.deepcopy(DEMO_SNAPSHOT)
    for fault in ("truncated_tables", "repeating_token_tables", "flagged_truncated_tables"):
        (tmp_path / fault).mkdir()
        with Emulator(snapshot, tmp_path / fault) as emu:
            getattr(emu.faults, fault).add("resources")
            assert bounded(lambda emu=emu, fault=fault: scan_exit(emu, tmp_path / f"{fault}-out")) in (1, 3)


def test_no_credentials_is_exit_2_saying_how_to_sign_in(tmp_path: Path) -> None:
    """Not exit 3 with zero resources: a broken login must not pass a nightly job that tolerates 3."""
    out = tmp_path / "snapshot.json"
    env = {"PATH": str(tmp_path), "AZURE_CLIENT_ID": "", "AZURE_TENANT_ID": "", "AZURE_FEDERATED_TOKEN_FILE": ""}
    for auth in ("cli", "env", "workload-identity", "token"):
        result = run_cli("collect", "--config", str(DEMO / "drready.yaml"), "--auth", auth, "--out", str(out), env=env)
        line = result.output.strip()
        assert result.exit_code == 2 and "\n" not in line and "AZURE_ACCESS_TOKEN" in line, line
        assert not out.exists()


def test_a_scope_the_identity_cannot_see_is_exit_2(emulator: Emulator, tmp_path: Path) -> None:
    config = scoped_config(tmp_path, ["0a0a0a0a-0000-4000-8000-00000000dead"])
    result = run_cli(
        "collect", "--config", str(config), "--out", str(tmp_path / "s.json"), *emulator.cli_args(),
        env={"AZURE_ACCESS_TOKEN": "t"},
    )  # fmt: skip
    assert result.exit_code == 2 and "sees none of these subscriptions" in result.output, result.output
    assert "drready.yaml:" in result.output and not (tmp_path / "s.json").exists()
