"""The OPA server engine against a real `opa run --server` on 127.0.0.1: same results as the embedded
engine on every case and on the whole demo; unreachable or broken servers are exit 2."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.catalogue import load_policies
from scanner.engine.opa_server import OpaServerEngine
from scanner.errors import EngineError

from .conftest import POLICIES, opa_binary, run_cli
from .test_controls import all_cases, engine, policies, tables


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def opa_url() -> Iterator[str]:
    opa = opa_binary()
    if not opa:
        pytest.skip("opa not installed")
    port = free_port()
    server = subprocess.Popen(
        [opa, "run", "--server", "--addr", f"127.0.0.1:{port}", "--log-level", "error"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def server_engine(opa_url: str) -> OpaServerEngine:
    return OpaServerEngine(policies(), opa_url)


def test_every_case_gives_identical_results_on_the_opa_server(server_engine: OpaServerEngine) -> None:
    key = lambda r: (r["resource"], r["status"], r["message"])  # noqa: E731
    compared = 0
    for control_id, case in all_cases():
        control = policies().control(control_id)
        doc = tables()[control_id][case]["input"]
        on_server = server_engine.evaluate([control], doc)[control_id]
        embedded = engine().evaluate([control], doc)[control_id]
        assert sorted(on_server, key=key) == sorted(embedded, key=key), (control_id, case)
        compared += 1
    assert compared >= 120


def test_the_demo_is_identical_on_both_engines(opa_url: str, tmp_path: Path) -> None:
    for name, extra in (("embedded", []), ("server", ["--engine", "opa-server", "--opa-url", opa_url])):
        result = run_cli("scan", "--demo", "--out", str(tmp_path / name), "--format", "json", *extra)
        assert result.exit_code == 1, result.output
    embedded = json.loads((tmp_path / "embedded" / "result.json").read_text())
    server = json.loads((tmp_path / "server" / "result.json").read_text())
    assert server["engine"] == "opa-server"
    assert server["findings"] == embedded["findings"] and server["stamps"] == embedded["stamps"]


def test_a_policy_the_server_rejects_is_exit_2_naming_the_file(opa_url: str, tmp_path: Path) -> None:
    broken = tmp_path / "policies"
    shutil.copytree(POLICIES, broken)
    target = broken / "controls" / "web" / "dr_web_01" / "dr_web_01.rego"
    target.write_text(target.read_text().replace("sku(r) := object.get(", "sku(r) := objekt.gett("))
    # a separate server: the shared one must keep the good policies
    port = free_port()
    server = subprocess.Popen(
        [opa_binary(), "run", "--server", "--addr", f"127.0.0.1:{port}", "--log-level", "error"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(1.0)
        result = run_cli(
            "scan",
            "--demo",
            "--out",
            str(tmp_path / "out"),
            "--policies",
            str(broken),
            "--engine",
            "opa-server",
            "--opa-url",
            f"http://127.0.0.1:{port}",
        )
    finally:
        server.terminate()
    assert (
        result.exit_code == 2
        and "controls/web/dr_web_01/dr_web_01.rego" in result.output
        and "objekt.gett" in result.output
    )
    assert not (tmp_path / "out").exists()


def test_an_unreachable_server_is_exit_2(tmp_path: Path) -> None:
    result = run_cli(
        "scan",
        "--demo",
        "--out",
        str(tmp_path / "out"),
        "--engine",
        "opa-server",
        "--opa-url",
        f"http://127.0.0.1:{free_port()}",
    )
    assert result.exit_code == 2 and "cannot reach the OPA server" in result.output
    assert run_cli("scan", "--demo", "--engine", "opa-server").exit_code == 2  # no --opa-url


def test_a_server_that_does_not_answer_times_out() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])  # hold the connection, never answer
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        with pytest.raises(EngineError, match="cannot reach the OPA server"):
            OpaServerEngine(load_policies(POLICIES), f"http://127.0.0.1:{listener.getsockname()[1]}", timeout=1.0)
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()
