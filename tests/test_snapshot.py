from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.snapshot import load_snapshot, save_snapshot

from .conftest import ARM, DEMO, REPO, arm, require_shared


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "snapshot.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_demo_snapshot_loads_and_round_trips(tmp_path: Path) -> None:
    snapshot = load_snapshot(DEMO / "snapshot.json")
    assert len(snapshot.resources) == 102
    assert snapshot.children and snapshot.authorization
    save_snapshot(snapshot, tmp_path / "copy.json")
    again = load_snapshot(tmp_path / "copy.json")
    assert again.to_json() == snapshot.to_json()


def test_real_arm_bodies_are_valid_resources(tmp_path: Path) -> None:
    body = arm("documentdb/database-account-get.json")
    snapshot = load_snapshot(write(tmp_path, {"schema": "drready.snapshot/v1", "resources": [body]}))
    assert snapshot.resources[0]["type"] == "Microsoft.DocumentDB/databaseAccounts"


@pytest.mark.parametrize(
    ("data", "where", "what"),
    [
        ({"schema": "drready.snapshot/v0", "resources": []}, "$.schema", "unsupported snapshot schema"),
        ({"resources": []}, "$.schema", "unsupported snapshot schema"),
        ({"schema": "drready.snapshot/v1"}, "$.resources", "missing field"),
        ({"schema": "drready.snapshot/v1", "resources": {}}, "$.resources", "expected an array"),
        ({"schema": "drready.snapshot/v1", "resources": [{"type": "t"}]}, "$.resources[0].id", "missing field"),
        (
            {"schema": "drready.snapshot/v1", "resources": [{"id": "/x", "type": ""}]},
            "$.resources[0].type",
            "expected a non-empty string",
        ),
        ({"schema": "drready.snapshot/v1", "resources": ["x"]}, "$.resources[0]", "JSON object"),
        (
            {"schema": "drready.snapshot/v1", "resources": [], "errors": [{"source": 1, "error": "e"}]},
            "$.errors[0].source",
            "expected a string",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [{"id": "/x", "type": "t", "tags": 1}]},
            "$.resources[0].tags",
            "expected an object",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [{"id": "/x", "type": "t", "tags": {"a": 1}}]},
            "$.resources[0].tags.a",
            "expected a string",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [{"id": "/x", "type": "t", "properties": []}]},
            "$.resources[0].properties",
            "expected an object",
        ),
        ({"schema": "drready.snapshot/v1", "resources": [{"id": 7, "type": "t"}]}, "$.resources[0].id", "a string"),
        ({"schema": "drready.snapshot/v1", "resources": [], "children": []}, "$.children", "expected an object"),
        (
            {"schema": "drready.snapshot/v1", "resources": [], "children": {"/x": {"origins": {}}}},
            "$.children['/x'].origins",
            "expected an array",
        ),
        (  # found by tests/test_fuzz.py: a role assignment whose properties are a list crashed evaluation
            {"schema": "drready.snapshot/v1", "resources": [], "authorization": [{"id": "/a", "properties": [{}]}]},
            "$.authorization[0].properties",
            "expected an object",
        ),
        (
            {
                "schema": "drready.snapshot/v1",
                "resources": [],
                "authorization": [{"id": "/a", "properties": {"principalId": 5}}],
            },
            "$.authorization[0].properties.principalId",
            "expected a string",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [], "resource_groups": [{"id": "/g", "location": 3}]},
            "$.resource_groups[0].location",
            "expected a string",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [], "subscriptions": {"id": "/s"}},
            "$.subscriptions",
            "expected an array",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [], "policy_assignments": [{"id": "/p", "properties": []}]},
            "$.policy_assignments[0].properties",
            "expected an object",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [], "policy_assignments": [{"name": "p", "properties": {}}]},
            "$.policy_assignments[0].id",
            "",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [], "deny_assignments": [{"id": "/d", "properties": {}}]},
            "$.deny_assignments",
            "expected an object",
        ),
        (
            {"schema": "drready.snapshot/v1", "resources": [], "deny_assignments": {"s1": [{"id": "/d"}]}},
            "$.deny_assignments.s1[0].properties",
            "",
        ),
    ],
)
def test_invalid_snapshots(tmp_path: Path, data: dict, where: str, what: str) -> None:
    with pytest.raises(InputError) as info:
        load_snapshot(write(tmp_path, data))
    assert info.value.location == where
    assert what in info.value.one_line()


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        load_snapshot(write(tmp_path, '{\n  "schema": "drready.snapshot/v1",\n  "resources": [,]\n}'))
    assert info.value.location == "3:17"
    assert "malformed JSON" in info.value.one_line()


def test_demo_snapshot_is_what_the_builder_makes_from_the_published_bodies(tmp_path: Path) -> None:
    require_shared()
    out = tmp_path / "snapshot.json"
    builder = REPO / "examples" / "demo" / "build_snapshot.py"
    subprocess.run([sys.executable, str(builder), str(ARM), str(out)], check=True, capture_output=True)
    assert out.read_text() == (DEMO / "snapshot.json").read_text()
