"""Bounds on every input: declared files stay beside drready.yaml, nothing but a regular file is read, and
sizes, string lengths, nesting and numbers have limits that end the run with exit 2 naming the limit
and the variable that raises it (from Azure: an error of that read, so the scan is incomplete)."""

from __future__ import annotations

import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.yamlsource import load_with_lines

from .conftest import run_cli
from .emulator import Emulator
from .test_collect import DEMO_SNAPSHOT, SUB, collect, many_key_vaults

APIM = next(r["id"] for r in DEMO_SNAPSHOT["resources"] if r["type"].lower() == "microsoft.apimanagement/service")


def evaluate(folder: Path, *extra: str, env: dict[str, str] | None = None) -> Any:
    return run_cli(
        "evaluate",
        "--config",
        str(folder / "drready.yaml"),
        "--snapshot",
        str(folder / "snapshot.json"),
        "--out",
        str(folder / "out" / "result.json"),
        *extra,
        env=env,
    )


def refused(result: Any, *parts: str) -> str:
    """Exit 2, one line naming every part, no traceback, no output file."""
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and "Traceback" not in line, line
    for part in parts:
        assert part in line, line
    return line


def point_drills_at(folder: Path, target: str) -> None:
    config = folder / "drready.yaml"
    config.write_text(config.read_text().replace("drills: drills.yaml", f"drills: {target}"))


# -- declared files stay beside drready.yaml ---------------------------------------------------------


def test_a_declared_file_outside_the_config_folder_is_refused_unless_allowed(demo_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-drills.yaml"
    outside.write_text((demo_copy / "drills.yaml").read_text())
    point_drills_at(demo_copy, f"../{outside.name}")
    line = refused(evaluate(demo_copy), "drready.yaml:10", "declared.drills", "outside", "--allow-outside-config")
    assert "result.json" not in line and not (demo_copy / "out").exists()
    assert evaluate(demo_copy, "--allow-outside-config").exit_code in (0, 1, 3)


def test_an_absolute_path_to_a_system_file_is_refused(demo_copy: Path) -> None:
    point_drills_at(demo_copy, "/etc/passwd")
    refused(evaluate(demo_copy), "declared.drills", "outside")


@pytest.mark.parametrize("device", ["/dev/stdin", "/dev/urandom", "/dev/zero"])
def test_a_device_is_refused_without_waiting(demo_copy: Path, device: str) -> None:
    point_drills_at(demo_copy, device)
    started = time.monotonic()
    refused(evaluate(demo_copy, "--allow-outside-config"), device, "not a regular file")
    assert time.monotonic() - started < 30


def test_a_fifo_beside_the_config_is_refused_without_waiting(demo_copy: Path) -> None:
    os.mkfifo(demo_copy / "pipe.yaml")
    point_drills_at(demo_copy, "pipe.yaml")
    done: list[Any] = []
    worker = threading.Thread(target=lambda: done.append(evaluate(demo_copy)), daemon=True)
    worker.start()
    worker.join(60)
    assert done, "reading a FIFO blocked the run"
    refused(done[0], "pipe.yaml", "not a regular file")


def test_a_folder_named_as_a_file_is_refused(demo_copy: Path) -> None:
    (demo_copy / "drills.d").mkdir()
    point_drills_at(demo_copy, "drills.d")
    refused(evaluate(demo_copy), "drills.d", "not a regular file")


# -- sizes, strings, nesting, numbers in files -------------------------------------------------------


def test_a_yaml_file_over_its_size_limit_is_refused_and_the_limit_can_be_raised(demo_copy: Path) -> None:
    drills = demo_copy / "drills.yaml"
    drills.write_text(drills.read_text() + "#" * (1 << 20) + "\n")
    refused(
        evaluate(demo_copy, env={"DRREADY_MAX_YAML_MB": "1"}), "drills.yaml", "DRREADY_MAX_YAML_MB", "limit of 1 MB"
    )
    assert evaluate(demo_copy, env={"DRREADY_MAX_YAML_MB": "2"}).exit_code in (0, 1, 3)


def test_a_snapshot_over_the_file_limit_is_refused(demo_copy: Path) -> None:
    refused(evaluate(demo_copy, env={"DRREADY_MAX_FILE_MB": "0"}), "DRREADY_MAX_FILE_MB", "whole number")
    snapshot = json.loads((demo_copy / "snapshot.json").read_text())
    snapshot["padding"] = "x" * 600_000
    (demo_copy / "snapshot.json").write_text(json.dumps(snapshot) + " " * (1 << 20))
    refused(evaluate(demo_copy, env={"DRREADY_MAX_FILE_MB": "1"}), "snapshot.json", "input file size", "limit of 1 MB")


def with_resource_value(folder: Path, value: Any, key: str = "name") -> None:
    snapshot = json.loads((folder / "snapshot.json").read_text())
    snapshot["resources"][3][key] = value
    (folder / "snapshot.json").write_text(json.dumps(snapshot))


def test_a_huge_string_in_a_snapshot_is_refused_naming_its_path(demo_copy: Path) -> None:
    with_resource_value(demo_copy, "n" * (2 << 20))
    refused(evaluate(demo_copy), "snapshot.json:$.resources[3].name", "2,097,152 characters", "DRREADY_MAX_STRING_KB")
    assert evaluate(demo_copy, env={"DRREADY_MAX_STRING_KB": "4096"}).exit_code in (0, 1, 3)


def nested(depth: int, leaf: Any = 1) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


def test_deep_nesting_in_a_snapshot_is_refused(demo_copy: Path) -> None:
    with_resource_value(demo_copy, {"x": nested(900)}, key="properties")
    refused(evaluate(demo_copy), "$.resources[3].properties.x.a.a", "nesting depth limit of 64", "DRREADY_MAX_DEPTH")


def test_an_array_nested_past_the_parser_limit_is_refused(demo_copy: Path) -> None:
    (demo_copy / "snapshot.json").write_text("[" * 1500 + "]" * 1500)
    refused(evaluate(demo_copy), "snapshot.json:1:", "malformed JSON", "depth")


@pytest.mark.parametrize("number", ["123456789012345678901", "9223372036854775808"])
def test_an_integer_past_64_bits_is_refused(demo_copy: Path, number: str) -> None:
    with_resource_value(demo_copy, {"x": 0}, key="properties")
    text = (demo_copy / "snapshot.json").read_text().replace('{"x": 0}', f'{{"x": {number}}}')
    (demo_copy / "snapshot.json").write_text(text)
    result = evaluate(demo_copy)
    if number.startswith("1234"):  # beyond unsigned 64 bits too: the parser reads it as a float
        assert result.exit_code in (0, 1, 3)
    else:
        refused(result, "$.resources[3].properties.x", "64-bit integer range")


def test_a_result_with_a_huge_string_is_refused_by_report(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_text(json.dumps({"schema": "drready.result/v1", "x": "y" * (2 << 20)}))
    result = run_cli("report", "--result", str(tmp_path / "result.json"), "--out", str(tmp_path / "out"))
    refused(result, "result.json:$.x", "DRREADY_MAX_STRING_KB")
    assert not (tmp_path / "out").exists()


# -- YAML that would exhaust memory or time, or run code ----------------------------------------------

BILLION_LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BILLION_LAUGHS, r"^\S+:\d+: .*YAML size after aliases limit .*DRREADY_MAX_YAML_NODES"),
        ("x: &x [*x]\n", r"^\S+:1: nesting of 65 levels .*DRREADY_MAX_DEPTH"),
        ("x: !!python/object/apply:os.system [echo hi]\n", r"^\S+:1: invalid YAML: could not determine a constructor"),
        ("a: 1\nb: \x07\n", r"^\S+: invalid YAML: unacceptable character #x0007"),
        ("a: 1\nn: .nan\n", r"^\S+:2: n: nan is not a number"),
        ("a: 1\nn: -.inf\n", r"^\S+:2: n: -inf is not a number"),
        ("n: 123456789012345678901234567890\n", r"^\S+:1: n: a number outside the 64-bit integer range"),
        ("\xff: 1\n", None),
    ],
)
def test_hostile_yaml_is_one_line_quickly(tmp_path: Path, text: str, expected: str | None) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(text.encode("utf-8") if expected else b"\xff: 1\n")
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        load_with_lines(path)
    assert time.monotonic() - started < 10
    assert re.match(expected or r"^\S+: not UTF-8 text", caught.value.one_line()), caught.value.one_line()


def test_a_date_that_does_not_exist_is_an_error_of_its_field(demo_copy: Path) -> None:
    config = demo_copy / "drready.yaml"
    text = config.read_text()
    text += "\nwaivers:\n  - control: DR-WEB-01\n    stamp: storefront\n    reason: r\n    owner: o\n"
    text += "    expires: 2026-02-30\n"
    config.write_text(text)
    line = refused(evaluate(demo_copy), "drready.yaml:", "waivers[0].expires")
    assert f"drready.yaml:{text.count(chr(10))}: waivers[0].expires" in line


# -- from Azure: an error of that read, never exit 0 on a partial estate ------------------------------


def test_a_huge_string_from_resource_graph_is_an_error_of_that_query(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("DRREADY_MAX_STRING_KB", "1")
    estate = many_key_vaults(3, [SUB])
    estate["resources"][1]["tags"] = {"note": "x" * 2000}
    with Emulator(estate, tmp_path) as emu:
        snapshot = collect(emu, retries=0)
    [error] = [e for e in snapshot.errors if e["source"] == "resource-graph:resources"]
    assert "tags.note" in error["error"] and "DRREADY_MAX_STRING_KB" in error["error"]
    assert snapshot.resources == []


def test_an_arm_response_over_the_size_limit_is_an_error_of_that_read(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("DRREADY_MAX_RESPONSE_MB", "1")
    with Emulator(DEMO_SNAPSHOT, tmp_path) as emu:
        emu.faults.listed[f"{APIM}/backends".lower()] = {"value": [{"name": "b" * 100, "x": "y" * (1 << 20)}]}
        snapshot = collect(emu, retries=0)
    [error] = snapshot.errors
    assert error["scope"] == APIM and "response size limit of 1 MB" in error["error"]
