"""The commands a user runs, end to end on the demo estate and on bad input."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import DEMO, POLICIES, run_cli


def scan(config: Path, snapshot: Path, out: Path, *extra: str) -> tuple[int, str]:
    result = run_cli("scan", "--config", str(config), "--snapshot", str(snapshot), "--out", str(out), *extra)
    return result.exit_code, result.output


def test_demo_scan_reports_gaps_and_exits_1(tmp_path: Path) -> None:
    result = run_cli("scan", "--demo", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    for stamp in ("storefront", "lakehouse", "orders", "assistant"):
        assert stamp in result.output
    data = json.loads((tmp_path / "out" / "result.json").read_text())
    verdicts = {s["name"]: s["verdict"] for s in data["stamps"]}
    assert verdicts == {n: "not_ready" for n in ("storefront", "lakehouse", "orders", "batch", "assistant", "copilot")}
    gaps = {(f["control"], f["resource_name"]) for f in data["findings"] if f["status"] == "fail"}
    assert ("DR-WEB-01", "stnwstorefrontuicus") in gaps
    assert ("DR-K8S-04", "cosmos-orders-cus") in gaps
    assert ("DR-KV-01", "kv-lakehouse-cus") in gaps
    assert ("DR-AI-01", "copilot") in gaps  # the LiteLLM config falls back within one region
    html = (tmp_path / "out" / "report.html").read_text()
    assert "stnwstorefrontuicus" in html and "Content-Security-Policy" in html and "<script" not in html
    assert "| storefront | web |" in (tmp_path / "out" / "report.md").read_text()


def waive_all(config_dir: Path, expires: str) -> Path:
    """The demo config with a waiver for every gap of a first demo scan."""
    assert run_cli("scan", "--demo", "--out", str(config_dir / "first"), "--format", "json").exit_code == 1
    result = json.loads((config_dir / "first" / "result.json").read_text())
    config = yaml.safe_load((DEMO / "drready.yaml").read_text())
    config["waivers"] = [
        {
            "control": f["control"],
            "resource": f["resource"],
            "reason": "accepted for the test",
            "owner": "sre",
            "expires": expires,
        }
        for f in result["findings"]
        if f["status"] == "fail"
    ]
    for declared in DEMO.glob("*.yaml"):
        shutil.copy(declared, config_dir / declared.name)
    path = config_dir / "drready.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_every_gap_waived_exits_0_and_waived_findings_stay_visible(tmp_path: Path) -> None:
    config = waive_all(tmp_path, "2099-12-31")
    code, output = scan(config, DEMO / "snapshot.json", tmp_path / "out")
    assert code == 0, output
    data = json.loads((tmp_path / "out" / "result.json").read_text())
    waived = [f for f in data["findings"] if f["waiver"]]
    assert len(waived) >= 40 and all(f["status"] == "fail" for f in waived)
    assert all(s["verdict"] == "ready" for s in data["stamps"]), [(s["name"], s["verdict"]) for s in data["stamps"]]
    assert "Waived" in (tmp_path / "out" / "report.html").read_text()


def test_expired_waiver_no_longer_suppresses_and_is_reported(tmp_path: Path) -> None:
    config = waive_all(tmp_path, "2020-01-01")
    code, _ = scan(config, DEMO / "snapshot.json", tmp_path / "out")
    assert code == 1
    data = json.loads((tmp_path / "out" / "result.json").read_text())
    assert not any(f["waiver"] for f in data["findings"])
    assert {w["state"] for w in data["waivers"]} == {"expired"}
    assert all(w["matched"] == 1 for w in data["waivers"])
    assert sum(1 for f in data["findings"] if f["status"] == "fail") == len(data["waivers"])
    assert "Expired waivers" in (tmp_path / "out" / "report.md").read_text()


def test_fail_on_threshold_and_none(tmp_path: Path) -> None:
    assert run_cli("scan", "--demo", "--out", str(tmp_path / "a"), "--fail-on", "critical").exit_code == 1
    assert run_cli("scan", "--demo", "--out", str(tmp_path / "b"), "--fail-on", "none").exit_code == 0


@pytest.mark.parametrize(
    ("target", "mutate", "expected"),
    [
        ("drready.yaml", lambda t: t.replace("kind: web", "kind: batch"), "drready.yaml:14: stamps[0].kind"),
        (
            "drready.yaml",
            lambda t: t.replace("rpo: 15m, rto: 1h", "rpo: 15m, rto: soon"),
            "drready.yaml:16: stamps[0].targets.rto",
        ),
        ("drready.yaml", lambda t: t + "  - name: [broken\n", "drready.yaml:"),
        ("snapshot.json", lambda t: t[:-50], "snapshot.json:"),
        ("snapshot.json", lambda t: t.replace('"drready.snapshot/v1"', '"drready.snapshot/v9"'), "$.schema"),
        (
            "snapshot.json",
            lambda t: t.replace(
                '"id": "/subscriptions/5c7e2d4a-93b1-4f06-8a2e-1d9b7c3e6f40/resourceGroups'
                "/rg-assistant-cus/providers/Microsoft.CognitiveServices/accounts/"
                'oai-assistant-cus"',
                '"idx": 1',
                1,
            ),
            ".id: missing field",
        ),
    ],
)
def test_bad_input_exits_2_with_location_and_leaves_no_output(
    demo_copy: Path, tmp_path: Path, target: str, mutate, expected: str
) -> None:
    path = demo_copy / target
    path.write_text(mutate(path.read_text()))
    out = tmp_path / "out"
    code, output = scan(demo_copy / "drready.yaml", demo_copy / "snapshot.json", out)
    assert code == 2, output
    error_lines = [line for line in output.splitlines() if line.startswith("drready: error:")]
    assert len(error_lines) == 1 and expected in error_lines[0], output
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.staging")]


def test_waiver_for_unknown_control_or_resource_is_an_error(demo_copy: Path, tmp_path: Path) -> None:
    config = demo_copy / "drready.yaml"
    base = config.read_text().replace("waivers: []\n", "")
    config.write_text(
        base + "waivers:\n  - {control: DR-XYZ-01, stamp: orders, reason: r, owner: o, expires: 2030-01-01}\n"
    )
    code, output = scan(config, demo_copy / "snapshot.json", tmp_path / "out")
    assert code == 2 and "waivers[0].control: no control DR-XYZ-01" in output
    config.write_text(
        base + "waivers:\n  - {control: DR-WEB-01, resource: /subscriptions/x/nope, reason: r, owner: o,"
        " expires: 2030-01-01}\n"
    )
    code, output = scan(config, demo_copy / "snapshot.json", tmp_path / "out")
    assert code == 2 and "waivers[0].resource: no such resource" in output


def test_policy_with_unknown_builtin_exits_2_naming_the_file(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    target = policies / "controls" / "web" / "dr_web_01" / "dr_web_01.rego"
    target.write_text(target.read_text().replace("sku(r) := object.get(", "sku(r) := objekt.gett("))
    result = run_cli("scan", "--demo", "--out", str(tmp_path / "out"), "--policies", str(policies))
    assert result.exit_code == 2, result.output
    assert "controls/web/dr_web_01/dr_web_01.rego" in result.output and "objekt.gett" in result.output
    assert not (tmp_path / "out").exists()


def test_an_engine_error_on_one_stamps_input_makes_that_control_unknown_there_and_the_scan_goes_on(
    demo_copy: Path, tmp_path: Path
) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(POLICIES, policies)
    (policies / "controls" / "web" / "dr_web_98").mkdir()
    (policies / "controls" / "web" / "dr_web_98" / "dr_web_98.rego").write_text(
        "# METADATA\n# title: probe\n# custom:\n#   id: DR-WEB-98\n#   severity: low\n#   stamps: [web, data]\n"
        "#   resource_types: [microsoft.storage/storageaccounts]\npackage drready.controls.web.dr_web_98\n\n"
        'import data.drready.lib\n\nresults := [lib.result(r, "pass", "n", {"n": n}) |\n'
        '\tsome r in lib.resources_of("microsoft.storage/storageaccounts")\n'
        '\tn := to_number(object.get(r, ["tags", "n"], "1"))\n]\n'
    )
    snapshot = json.loads((demo_copy / "snapshot.json").read_text())
    ui = next(r for r in snapshot["resources"] if r["name"] == "stnwstorefrontuicus")
    ui["tags"]["n"] = "not a number"  # only the storefront stamp's input makes to_number fail
    (demo_copy / "snapshot.json").write_text(json.dumps(snapshot))
    out = tmp_path / "out"
    result = run_cli(
        "scan",
        "--config",
        str(demo_copy / "drready.yaml"),
        "--snapshot",
        str(demo_copy / "snapshot.json"),
        "--out",
        str(out),
        "--format",
        "json",
        "--policies",
        str(policies),
        "--fail-on",
        "none",
    )
    assert result.exit_code == 3, result.output
    findings = [f for f in json.loads((out / "result.json").read_text())["findings"] if f["control"] == "DR-WEB-98"]
    storefront = {f["status"] for f in findings if f["stamp"] == "storefront"}
    lakehouse = {f["status"] for f in findings if f["stamp"] == "lakehouse"}
    assert storefront == {"unknown"} and lakehouse == {"pass"}
    assert all(
        "could not be evaluated on stamp storefront" in f["message"] for f in findings if f["stamp"] == "storefront"
    )


def test_same_inputs_give_byte_identical_json_and_markdown(tmp_path: Path) -> None:
    for name in ("a", "b"):
        run_cli("scan", "--demo", "--out", str(tmp_path / name))
    for file in ("result.json", "report.md", "report.html"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_evaluate_then_report_matches_scan(tmp_path: Path) -> None:
    evaluated = run_cli(
        "evaluate",
        "--config",
        str(DEMO / "drready.yaml"),
        "--snapshot",
        str(DEMO / "snapshot.json"),
        "--out",
        str(tmp_path / "result.json"),
    )
    assert evaluated.exit_code == 1
    reported = run_cli(
        "report", "--result", str(tmp_path / "result.json"), "--out", str(tmp_path / "r"), "--format", "md,html"
    )
    assert reported.exit_code == 1
    run_cli("scan", "--demo", "--out", str(tmp_path / "s"))
    assert (tmp_path / "r" / "report.md").read_text() == (tmp_path / "s" / "report.md").read_text()


def test_report_rejects_a_non_result(tmp_path: Path) -> None:
    bogus = tmp_path / "result.json"
    bogus.write_text('{"schema": "something/else"}')
    result = run_cli("report", "--result", str(bogus), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "not a drready result" in result.output


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("scan", "--demo", "--out", str(tmp_path / "out"), "--format", "html,docx")
    assert result.exit_code == 2 and "docx" in result.output and not (tmp_path / "out").exists()


def test_policies_list_shows_every_control() -> None:
    result = run_cli("policies", "list")
    assert result.exit_code == 0
    listed_ids = {c["id"] for c in json.loads(run_cli("policies", "list", "--json").output)}
    folders = {p.parent for p in POLICIES.rglob("cases.yaml")}  # one folder per Rego control
    assert len(listed_ids) == len(folders) + 2  # and the recovery graph's DR-TGT-01 and DR-SPOF-01
    for cid in sorted(listed_ids):
        assert cid in result.output
    listed = json.loads(run_cli("policies", "list", "--json").output)
    assert {c["id"]: c["severity"] for c in listed}["DR-K8S-04"] == "critical"


@pytest.mark.parametrize("command", [[], ["scan"], ["evaluate"], ["report"], ["policies", "list"]])
def test_help_is_complete(command: list[str]) -> None:
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    if command and command[0] in ("scan", "evaluate", "report"):
        assert "Exit codes:" in result.output and "3  incomplete" in result.output


def test_policies_doc_writes_the_catalogue_from_metadata(tmp_path: Path) -> None:
    result = run_cli("policies", "doc", "--out", str(tmp_path / "CATALOGUE.md"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "CATALOGUE.md").read_text()
    assert text.count("\n## DR-") == len({p.parent for p in POLICIES.rglob("cases.yaml")}) + 2
    assert (
        "## DR-DATA-03" in text and "Self-hosted integration runtime high availability" not in text
    )  # titles, not ref text
    assert "<https://learn.microsoft.com/azure/data-factory/create-self-hosted-integration-runtime" in text
    assert "SHIR is not a single point of failure** (critical" in text
    assert run_cli("policies", "doc").output == text


def test_readme_lists_every_control_with_its_sources_as_metadata_says() -> None:
    """README's control table is generated (make readme); a control added without it fails here."""
    table = run_cli("policies", "doc", "--index")
    assert table.exit_code == 0, table.output
    readme = (POLICIES.parent / "README.md").read_text()
    section = readme.split("<!-- controls:begin -->\n", 1)[1].split("<!-- controls:end -->", 1)[0]
    assert section == table.output, "README's control table is stale: run make readme"
    rows = [line for line in section.splitlines() if line.startswith("| DR-")]
    assert len(rows) == len({p.parent for p in POLICIES.rglob("cases.yaml")}) + 2
    assert all("](https://" in row for row in rows), [r for r in rows if "](https://" not in r]
    assert "| DR-POL-01 | Policy parity | high |" in section


def test_scan_reports_evaluation_progress_unless_quiet(tmp_path: Path) -> None:
    result = run_cli("scan", "--demo", "--out", str(tmp_path / "out"))
    assert result.stderr.splitlines() == ["drready: evaluate: 6/6 stamps", "drready: render: 3/3 formats"]
    verbose = run_cli("scan", "--demo", "--out", str(tmp_path / "v"), "-v")
    assert [line for line in verbose.stderr.splitlines() if "evaluate:" in line][-1] == "drready: evaluate: 6/6 stamps"
    assert len([line for line in verbose.stderr.splitlines() if "evaluate:" in line]) == 6
    assert run_cli("scan", "--demo", "--out", str(tmp_path / "q"), "-q").stderr == ""


@pytest.mark.parametrize(
    "command", ["scan", "collect", "evaluate", "report", "runbook", "diff", "gate", "trend", "init", "policies list"]
)
def test_every_command_has_quiet_verbose_and_help(command: str) -> None:
    text = run_cli(*command.split(), "--help").output
    assert "-q, --quiet" in text and "-v, --verbose" in text
    assert run_cli("-V").output.startswith("drready, version ")


def test_a_terminal_gets_progress_bars_with_totals_and_a_headline(tmp_path: Path) -> None:
    """Under a pseudo-terminal, as a person at a shell runs it."""
    import pty
    import subprocess
    import sys

    command = [str(Path(sys.executable).parent / "drready"), "scan", "--demo", "--out", str(tmp_path / "out"),
               "--format", "html,md,xlsx"]  # fmt: skip
    leader, follower = pty.openpty()
    run = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env={**os.environ,
                           "COLUMNS": "160", "TERM": "xterm"}, close_fds=True)  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    run.wait(timeout=300)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "evaluate: 6/6 stamps" in text and "6/6" in text and "render: 3/3 formats" in text
    assert "stamps ready;" in text and "open gaps" in text


@pytest.mark.parametrize("folder", ["missing", "empty"])
def test_a_policy_folder_that_is_missing_or_holds_no_control_is_exit_2_not_all_ready(
    tmp_path: Path, folder: str
) -> None:
    """Evaluating no control would rate every stamp ready: a false pass, so it is refused."""
    policies = tmp_path / folder
    if folder == "empty":
        policies.mkdir()
        (policies / "lib.rego").write_text("package lib\n\nx := 1\n")
    result = run_cli("scan", "--demo", "--out", str(tmp_path / "out"), "--policies", str(policies))
    assert result.exit_code == 2, result.output
    assert str(policies) in result.output
    assert "no such policy folder" in result.output or "no control" in result.output
    assert not (tmp_path / "out").exists()
