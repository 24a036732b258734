"""Every output format, checked for content; hostile values escaped everywhere, proven in Chromium."""

from __future__ import annotations

import copy
import csv
import json
import os
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest

from scanner.assets import asset_dir
from scanner.render import PR_COMMENT_LIMIT, SUMMARY_GAPS, _environment, pr_summary, view_model
from scanner.render import render as render_formats

from .conftest import DEMO, REPO, SHARED, run_cli, venv_tool

ALL = "html,md,json,sarif,junit,csv,xlsx"
HOSTILE = "<script>document.title='pwned'</script>\"onmouseover=alert(1) {{7*7}} ünïcødé " + "x" * 300


@cache
def demo_out(tmp_root: str) -> Path:
    out = Path(tmp_root) / "demo"
    assert run_cli("scan", "--demo", "--out", str(out), "--format", ALL).exit_code == 1
    return out


@pytest.fixture
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_out(str(tmp_path_factory.getbasetemp()))


def result_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "result.json").read_text())


def test_scan_writes_every_format(out: Path) -> None:
    for name in (
        "report.html",
        "report.md",
        "summary.md",
        "result.json",
        "results.sarif",
        "junit.xml",
        "findings.csv",
        "stamps.csv",
        "report.xlsx",
    ):
        assert (out / name).stat().st_size > 0, name


def test_sarif_validates_against_the_oasis_schema(out: Path) -> None:
    schema = json.loads((SHARED / "reference" / "schemas" / "sarif-schema-2.1.0.json").read_text())
    sarif = json.loads((out / "results.sarif").read_text())
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(sarif))
    assert errors == []


def test_sarif_has_a_rule_per_control_and_located_stable_results(out: Path, tmp_path: Path) -> None:
    sarif = json.loads((out / "results.sarif").read_text())
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    result = result_of(out)
    assert [r["id"] for r in rules] == sorted(c["id"] for c in result["controls"])
    assert all(
        r["help"]["text"] and r["fullDescription"]["text"] and r["helpUri"].startswith("https://") for r in rules
    )
    gaps = [f for f in result["findings"] if f["status"] == "fail"]
    assert len(run["results"]) == len(gaps)
    storefront_line = next(s["line"] for s in result["stamps"] if s["name"] == "storefront")
    assert storefront_line == 12  # "  - name: storefront" in examples/demo/drready.yaml
    web01 = next(r for r in run["results"] if r["ruleId"] == "DR-WEB-01")
    location = web01["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "drready.yaml"
    assert location["physicalLocation"]["region"]["startLine"] == storefront_line
    assert location["logicalLocations"][0]["name"] == "stnwstorefrontuicus"
    assert web01["level"] == "error"
    assert {r["level"] for r in run["results"] if r["ruleId"] == "DR-OPS-01"} == {"warning"}
    prints = [r["partialFingerprints"]["drreadyFinding/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)
    run_cli("scan", "--demo", "--out", str(tmp_path), "--format", "sarif", env={"SOURCE_DATE_EPOCH": "1800000000"})
    again = json.loads((tmp_path / "results.sarif").read_text())["runs"][0]["results"]

    def by_finding(results: list[dict[str, Any]]) -> dict[tuple[str, str], str]:
        return {
            (r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"], r["properties"]["stamp"]): r[
                "partialFingerprints"
            ]["drreadyFinding/v1"]
            for r in results
        }

    first, later = by_finding(run["results"]), by_finding(again)  # two months later: drills have aged
    common = first.keys() & later.keys()
    assert len(common) > 40 and all(first[k] == later[k] for k in common)


def multitool() -> str | None:
    """DRREADY_SARIF_MULTITOOL, or the one scripts/install-tools.sh linked beside opa on PATH."""
    path = os.environ.get("DRREADY_SARIF_MULTITOOL") or venv_tool("Sarif.Multitool")
    if path and Path(path).exists():
        return path
    if os.environ.get("DRREADY_REQUIRE_OPA"):
        pytest.fail("the SARIF multitool is required in CI (scripts/install-tools.sh installs it with npm)")
    return None


def test_sarif_passes_githubs_ingestion_rules(out: Path, tmp_path: Path) -> None:
    tool = multitool()
    if not tool:
        pytest.skip("Sarif.Multitool not installed")
    log = tmp_path / "validation.sarif"
    subprocess.run(
        [
            tool,
            "validate",
            str(out / "results.sarif"),
            "--rule-kind",
            "Sarif;Gh",
            "-o",
            str(log),
            "--log",
            "ForceOverwrite",
        ],
        check=True,
        capture_output=True,
    )
    problems = [
        (r["ruleId"], r["message"].get("text", ""))
        for r in json.loads(log.read_text())["runs"][0]["results"]
        if r.get("level") in ("error", "warning")
    ]
    assert problems == []


def test_waived_findings_are_suppressed_in_sarif_and_skipped_in_junit(tmp_path: Path) -> None:
    config = tmp_path / "drready.yaml"
    for f in DEMO.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    waiver = (
        "waivers:\n  - control: DR-WEB-01\n    stamp: storefront\n    reason: moving the UI to RA-GZRS in Q1\n"
        "    owner: web-team\n    expires: 2099-01-01\n"
    )
    config.write_text(config.read_text().replace("waivers: []\n", waiver))
    run_cli(
        "scan",
        "--config",
        str(config),
        "--snapshot",
        str(DEMO / "snapshot.json"),
        "--out",
        str(tmp_path / "o"),
        "--format",
        "sarif,junit",
    )
    sarif = json.loads((tmp_path / "o" / "results.sarif").read_text())
    [web01] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "DR-WEB-01"]
    assert web01["suppressions"][0]["justification"].startswith("moving the UI to RA-GZRS in Q1")
    case = next(
        c
        for c in ET.parse(tmp_path / "o" / "junit.xml").iter("testcase")
        if c.get("classname") == "drready.storefront" and c.get("name").startswith("DR-WEB-01")
    )
    assert case.find("skipped") is not None and "1 waived" in case.find("skipped").get("message")


def test_junit_has_one_case_per_control_per_stamp(out: Path) -> None:
    root = ET.parse(out / "junit.xml").getroot()
    result = result_of(out)
    pairs = {(f["stamp"], f["control"]) for f in result["findings"]}
    cases = list(root.iter("testcase"))
    assert len(cases) == len(pairs) == int(root.get("tests"))
    failing = {(f["stamp"], f["control"]) for f in result["findings"] if f["status"] == "fail" and not f["waiver"]}
    assert int(root.get("failures")) == len(failing)
    orders_k8s04 = next(
        c for c in cases if c.get("classname") == "drready.orders" and c.get("name").startswith("DR-K8S-04")
    )
    assert "cosmos-orders-cus" in orders_k8s04.find("failure").text


def test_csv_and_xlsx_hold_the_findings_and_stamp_summary(out: Path) -> None:
    result = result_of(out)
    findings = pd.read_csv(out / "findings.csv")
    assert len(findings) == len(result["findings"])
    assert set(findings["stamp"]) == {s["name"] for s in result["stamps"]}
    stamps = pd.read_csv(out / "stamps.csv")
    assert list(stamps["stamp"]) == [s["name"] for s in result["stamps"]]
    assistant, storefront = stamps.set_index("stamp").loc["assistant"], stamps.set_index("stamp").loc["storefront"]
    assert assistant["rto_achieved_minutes"] == 35 and pd.isna(assistant["rto_achieved_unbounded_or_unknown"])
    assert (
        pd.isna(storefront["rto_achieved_minutes"]) and storefront["rto_achieved_unbounded_or_unknown"] == "unbounded"
    )
    assert stamps["rto_achieved_minutes"].dropna().map(type).eq(float).all()  # numbers only
    sheets = pd.read_excel(out / "report.xlsx", sheet_name=None)
    assert list(sheets) == ["Stamps", "Fix first", "Findings"] and len(sheets["Findings"]) == len(result["findings"])
    assert sheets["Fix first"].iloc[0]["resource_name"] == sheets["Fix first"].iloc[0]["resource_name"]
    import openpyxl

    book = openpyxl.load_workbook(out / "report.xlsx")
    findings_sheet = book["Findings"]
    widths = {c[0].value: findings_sheet.column_dimensions[c[0].column_letter].width for c in findings_sheet.columns}
    assert widths["message"] >= 60 and widths["stamp"] < 30
    message_col = [c[0].value for c in findings_sheet.columns].index("message") + 1
    assert findings_sheet.cell(row=2, column=message_col).alignment.wrap_text
    assert findings_sheet.conditional_formatting and "owner" in [c[0].value for c in findings_sheet.columns]


def test_markdown_summary_fits_a_pr_comment_and_says_what_was_left_out(out: Path) -> None:
    result = result_of(out)
    summary = (out / "summary.md").read_text()
    assert len(summary) < PR_COMMENT_LIMIT and "| storefront | web-platform | **Not ready**" in summary
    big = copy.deepcopy(result)
    template = next(f for f in big["findings"] if f["status"] == "fail")
    big["findings"] += [
        template | {"resource": f"/r/{i}", "resource_name": f"res{i}", "message": "m" * 300} for i in range(2000)
    ]
    view = view_model(big)
    text = pr_summary(_environment(asset_dir("reports")), big, view)
    assert len(text) < 12_000 and f"{len(view['gaps']) - SUMMARY_GAPS} more gap(s) in the full report" in text
    assert len(view["gaps"]) > 2000
    assert len(pr_summary(_environment(asset_dir("reports")), big, view_model(big), limit=3000)) < 3000
    assert len(summary) < 10_000 and summary.index("**Fix first**") < summary.index("| Severity |")


def test_html_stays_small_for_100k_passing_resources(out: Path, tmp_path: Path) -> None:
    result = result_of(out)
    passing = next(f for f in result["findings"] if f["status"] == "pass")
    result["findings"] += [
        passing | {"resource": f"/subscriptions/s/resourceGroups/rg/providers/P/t/r{i}"} for i in range(100_000)
    ]
    render_formats(result, ["html"], tmp_path)
    size = (tmp_path / "report.html").stat().st_size
    assert size < 10 * 1024 * 1024, size


def changed_snapshot(tmp_path: Path) -> Path:
    """The demo a week later: the UI storage went RA-GZRS (resolved); a vault lost purge protection (new)."""
    snapshot = json.loads((DEMO / "snapshot.json").read_text())
    for r in snapshot["resources"]:
        if r["name"] == "stnwstorefrontuicus":
            r["sku"] = {"name": "Standard_RAGZRS", "tier": "Standard"}
        if r["name"] == "kv-orders-cus":
            r["properties"]["enablePurgeProtection"] = False
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(snapshot))
    return path


def test_diff_and_trend_on_two_demo_runs(out: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    shutil.copy(out / "result.json", results / "2026-11-18.json")
    second = tmp_path / "second"
    run_cli(
        "scan",
        "--config",
        str(DEMO / "drready.yaml"),
        "--snapshot",
        str(changed_snapshot(tmp_path)),
        "--out",
        str(second),
        "--format",
        "json",
        env={"SOURCE_DATE_EPOCH": "1795600000"},
    )
    shutil.copy(second / "result.json", results / "2026-11-25.json")
    (results / "notes.json").write_text('{"not": "a result"}')

    diffed = run_cli("diff", str(out / "result.json"), str(second / "result.json"), "--out", str(tmp_path / "d"))
    assert diffed.exit_code == 0, diffed.output
    changes = json.loads((tmp_path / "d" / "diff.json").read_text())
    assert [(f["control"], f["resource_name"]) for f in changes["new_gaps"]] == [("DR-KV-01", "kv-orders-cus")]
    assert ("DR-WEB-01", "stnwstorefrontuicus") in {(f["control"], f["resource_name"]) for f in changes["resolved"]}
    storefront = next(s for s in changes["stamps"] if s["name"] == "storefront")
    assert storefront["score"][1] > storefront["score"][0]
    assert "1 new gap(s)" in diffed.output and "kv-orders-cus" in diffed.output
    gate = run_cli("diff", str(out / "result.json"), str(second / "result.json"), "--fail-on-new")
    assert gate.exit_code == 1
    assert run_cli("diff", str(out / "result.json"), str(out / "result.json"), "--fail-on-new").exit_code == 0

    trended = run_cli("trend", str(results), "--out", str(tmp_path / "t"))
    assert trended.exit_code == 0, trended.output
    table = pd.read_csv(tmp_path / "t" / "trend.csv")
    assert len(table) == 12 and list(table["generated_at"].unique()) == sorted(table["generated_at"].unique())
    html = (tmp_path / "t" / "trend.html").read_text()
    assert html.count("<polyline") == 18 and "Content-Security-Policy" in html  # score, RTO, RPO per stamp


def hostile_inputs(tmp_path: Path) -> tuple[Path, Path]:
    snapshot = json.loads((DEMO / "snapshot.json").read_text())
    for r in snapshot["resources"]:
        if r["name"] == "stnwstorefrontuicus":
            r["name"] = HOSTILE
            r["tags"] = {**r["tags"], "owner": HOSTILE}
    (tmp_path / "snapshot.json").write_text(json.dumps(snapshot))
    for f in DEMO.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    return tmp_path / "drready.yaml", tmp_path / "snapshot.json"


def chromium() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found and os.environ.get("DRREADY_REQUIRE_OPA"):
        pytest.fail("chromium is required in CI (scripts/install-tools.sh installs Debian's chromium)")
    return found


def test_xlsx_keeps_formula_like_values_as_text(out: Path, tmp_path: Path) -> None:
    import openpyxl

    from scanner.render.tables import frames, write_xlsx

    result = result_of(out)
    injected = '=HYPERLINK("https://attacker.example","open")'
    result["findings"][0]["message"] = injected
    write_xlsx(frames(result), tmp_path / "report.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "report.xlsx")["Findings"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == injected]
    assert cells and all(c.data_type == "s" for c in cells)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_are_text(out: Path, tmp_path: Path, start: str) -> None:
    result = result_of(out)
    injected = f'{start}HYPERLINK("https://attacker.example","open")'
    result["findings"][0]["message"] = injected
    result["findings"][0]["resource_name"] = f"{start}cmd|' /C calc'!A0"
    (tmp_path / "result.json").write_text(json.dumps(result))
    assert run_cli("report", "--result", str(tmp_path / "result.json"), "--out", str(tmp_path / "o"),
                   "--format", "csv").exit_code in (0, 1)  # fmt: skip
    with (tmp_path / "o" / "findings.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["message"] == "'" + injected
    assert rows[0]["resource_name"].startswith("'" + start)
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row.values() if cell)


def test_mentions_links_and_markup_from_the_estate_stay_text_in_markdown(out: Path, tmp_path: Path) -> None:
    result = result_of(out)
    gap = next(f for f in result["findings"] if f["status"] == "fail" and f["waiver"] is None)
    gap["message"] = "@everyone see https://attacker.example and www.attacker.example [x](javascript:alert(1)) #1"
    result["snapshot"]["collected_at"] = "<img src=x onerror=alert(1)> **bold**"
    result["stamps"][0]["kind"] = "@admins"
    (tmp_path / "result.json").write_text(json.dumps(result))
    assert run_cli("report", "--result", str(tmp_path / "result.json"), "--out", str(tmp_path / "o"),
                   "--format", "md").exit_code in (0, 1)  # fmt: skip
    for name in ("report.md", "summary.md"):
        text = (tmp_path / "o" / name).read_text()
        assert "@everyone" not in text and "@admins" not in text and "&#64;everyone" in text, name
        assert "https://attacker" not in text and "www.attacker" not in text, name
        assert "](javascript" not in text and "\\[x\\]" in text, name
    report = (tmp_path / "o" / "report.md").read_text()
    assert "<img" not in report and "&lt;img" in report and "\\*\\*bold\\*\\*" in report


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def test_hostile_values_are_escaped_in_every_format_and_no_script_runs_in_chromium(tmp_path: Path) -> None:
    config, snapshot = hostile_inputs(tmp_path)
    out = tmp_path / "out"
    result = run_cli("scan", "--config", str(config), "--snapshot", str(snapshot), "--out", str(out), "--format", ALL)
    assert result.exit_code == 1, result.output
    html = (out / "report.html").read_text()
    assert "<script>" not in html and "&lt;script&gt;document.title=" in html and "{{7*7}}" in html
    assert "ünïcødé" in html and "49" not in html.split("ünïcødé")[0][-40:]
    for md in ("report.md", "summary.md"):
        text = (out / md).read_text()
        assert "<script" not in text and "&lt;script&gt;" in text
    assert HOSTILE in {f["resource_name"] for f in result_of(out)["findings"]}
    sarif = json.loads((out / "results.sarif").read_text())
    assert any(HOSTILE in r["locations"][0]["logicalLocations"][0]["name"] for r in sarif["runs"][0]["results"])
    assert any(
        HOSTILE in (c.find("failure").text or "")
        for c in ET.parse(out / "junit.xml").iter("testcase")
        if c.find("failure") is not None
    )
    assert HOSTILE in set(pd.read_csv(out / "findings.csv")["resource_name"])
    assert HOSTILE in set(pd.read_excel(out / "report.xlsx", sheet_name="Findings")["resource_name"])

    browser = chromium()
    if not browser:
        pytest.skip("chromium not installed")
    profile = tmp_path / "profile"
    dom = subprocess.run(
        [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", (out / "report.html").as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "<title>drready DR-readiness report</title>" in dom  # the injected script would have set 'pwned'
    assert "<script" not in dom.lower()
    assert "DR-readiness report" in dom and "stnwlakehousecus" in dom
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "hostile-report.png"
    subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--window-size=1280,1600",
            f"--screenshot={shot}",
            (out / "report.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000


def test_sarif_uris_are_percent_encoded(out: Path, tmp_path: Path) -> None:
    result = result_of(out)
    result["config"] = "/work/my stamps/dr ready#1.yaml"
    result["controls"][0]["related_resources"] = ["https://learn.microsoft.com/azure/a page"]
    (tmp_path / "result.json").write_text(json.dumps(result))
    run_cli("report", "--result", str(tmp_path / "result.json"), "--out", str(tmp_path / "o"), "--format", "sarif")
    sarif = json.loads((tmp_path / "o" / "results.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert uris == {"dr%20ready%231.yaml"}
    rule = next(r for r in sarif["runs"][0]["tool"]["driver"]["rules"] if r["id"] == result["controls"][0]["id"])
    assert rule["helpUri"] == "https://learn.microsoft.com/azure/a%20page"


def test_every_format_is_byte_identical_across_runs_with_source_date_epoch(tmp_path: Path) -> None:
    outs = []
    for i in range(2):
        outs.append(tmp_path / f"run{i}")
        result = run_cli("scan", "--demo", "--out", str(outs[-1]), "--format", ALL, "--fail-on", "none", "-q")
        assert result.exit_code in (0, 3), result.output
        time.sleep(1.1)  # a creation time taken from the clock would now differ
    names = sorted(p.name for p in outs[0].iterdir())
    assert "report.xlsx" in names and names == sorted(p.name for p in outs[1].iterdir())
    assert [n for n in names if (outs[0] / n).read_bytes() != (outs[1] / n).read_bytes()] == []
