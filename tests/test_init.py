"""drready init: a starter drready.yaml from a snapshot or a live scope, every choice commented; it reads
back as a valid config, scans, and is never written over without --force."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .conftest import DEMO, run_cli
from .emulator import Emulator
from .test_collect import DEMO_SNAPSHOT, SUB


def test_init_from_the_demo_snapshot_proposes_its_stamps_and_scans(tmp_path: Path) -> None:
    out = tmp_path / "drready.yaml"
    result = run_cli("init", "--snapshot", str(DEMO / "snapshot.json"), "--out", str(out))
    assert result.exit_code == 0, result.output
    config = yaml.safe_load(out.read_text())
    stamps = {s["name"]: s for s in config["stamps"]}
    assert set(stamps) == {"assistant", "batch", "copilot", "lakehouse", "orders", "storefront"}
    assert {n: s["kind"] for n, s in stamps.items() if n != "batch"} == {
        "assistant": "genai", "copilot": "genai", "lakehouse": "data", "orders": "kubernetes", "storefront": "web",
    }  # fmt: skip
    assert stamps["storefront"]["selector"] == {"tags": {"workload": "storefront"}}
    assert stamps["storefront"]["primary_region"] == "centralus" and stamps["assistant"]["secondary_region"] == "eastus"
    text = out.read_text()
    assert all("  # " in line for line in text.splitlines() if line.strip().startswith(("kind:", "tier:", "targets:")))
    scan = run_cli("scan", "--config", str(out), "--snapshot", str(DEMO / "snapshot.json"), "--out",
                   str(tmp_path / "out"), "--format", "json", "-q")  # fmt: skip
    assert scan.exit_code in (1, 3), scan.output
    assert len(json.loads((tmp_path / "out" / "result.json").read_text())["stamps"]) == 6


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "drready.yaml"
    out.write_text("mine\n")
    result = run_cli("init", "--snapshot", str(DEMO / "snapshot.json"), "--out", str(out))
    assert result.exit_code == 2 and "--force" in result.output and out.read_text() == "mine\n"
    assert run_cli("init", "--snapshot", str(DEMO / "snapshot.json"), "--out", str(out), "--force").exit_code == 0
    assert out.read_text().startswith("# A starter drready.yaml")


def test_init_groups_untagged_resources_by_resource_group_name(tmp_path: Path) -> None:
    snapshot = json.loads((DEMO / "snapshot.json").read_text())
    for r in snapshot["resources"]:
        r.pop("tags", None)
    (tmp_path / "snapshot.json").write_text(json.dumps(snapshot))
    out = tmp_path / "drready.yaml"
    assert run_cli("init", "--snapshot", str(tmp_path / "snapshot.json"), "--out", str(out)).exit_code == 0
    stamps = {s["name"]: s for s in yaml.safe_load(out.read_text())["stamps"]}
    assert stamps["storefront"]["selector"] == {"resource_groups": ["rg-storefront-cus", "rg-storefront-eus2"]}
    assert stamps["lakehouse"]["kind"] == "data"


def test_init_from_a_live_scope_reads_it_read_only(tmp_path: Path) -> None:
    out = tmp_path / "drready.yaml"
    with Emulator(DEMO_SNAPSHOT, tmp_path) as emu:
        result = run_cli("init", "--subscription", SUB, "--out", str(out), *emu.cli_args(), "-q",
                         env={"AZURE_ACCESS_TOKEN": "t"})  # fmt: skip
        assert all(r["method"] in ("GET", "POST") for r in emu.requests)
    assert result.exit_code == 0, result.output
    assert len(yaml.safe_load(out.read_text())["stamps"]) == 6


def test_init_needs_a_source(tmp_path: Path) -> None:
    result = run_cli("init", "--out", str(tmp_path / "drready.yaml"))
    assert result.exit_code == 2 and "--snapshot or --subscription" in result.output
