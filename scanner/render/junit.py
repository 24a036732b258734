"""JUnit XML: one test suite per stamp, one test case per control: failure for open gaps, error for
unknown findings, skipped when everything is waived or not applicable, passed otherwise."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import Any


def to_junit(result: dict[str, Any]) -> bytes:
    titles = {c["id"]: c["title"] for c in result["controls"]}
    by_case: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in result["findings"]:
        by_case[(f["stamp"], f["control"])].append(f)
    root = ET.Element("testsuites", name="drready", timestamp=result["generated_at"])
    totals = defaultdict(int)
    controls_of: dict[str, list[str]] = defaultdict(list)
    for stamp_name, control in sorted(by_case):
        controls_of[stamp_name].append(control)
    for stamp in result["stamps"]:
        suite = ET.SubElement(root, "testsuite", name=stamp["name"])
        counts = defaultdict(int)
        for control in controls_of[stamp["name"]]:
            findings = by_case[(stamp["name"], control)]
            counts["tests"] += 1
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"drready.{stamp['name']}",
                name=f"{control} {titles.get(control, '')}".strip(),
            )
            outcome = _outcome(case, findings)
            if outcome:
                counts[outcome] += 1
        for key in ("tests", "failures", "errors", "skipped"):
            suite.set(key, str(counts[key]))
            totals[key] += counts[key]
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(totals[key]))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def _outcome(case: ET.Element, findings: list[dict[str, Any]]) -> str | None:
    gaps = [f for f in findings if f["status"] == "fail" and not f["waiver"]]
    unknown = [f for f in findings if f["status"] == "unknown" and not f["waiver"]]
    if gaps:
        worst = min(gaps, key=lambda f: ["critical", "high", "medium", "low", "info"].index(f["severity"]))
        failure = ET.SubElement(
            case,
            "failure",
            message=f"{len(gaps)} gap(s); worst {worst['severity']}: {worst['resource_name']}",
            type=worst["severity"],
        )
        failure.text = "\n".join(f"[{f['severity']}] {f['resource']}: {f['message']}" for f in gaps)
        return "failures"
    if unknown:
        error = ET.SubElement(case, "error", message=f"{len(unknown)} finding(s) unknown", type="unknown")
        error.text = "\n".join(f"{f['resource']}: {f['message']}" for f in unknown)
        return "errors"
    waived = [f for f in findings if f["waiver"]]
    if waived or all(f["status"] == "not_applicable" for f in findings):
        passed = sum(1 for f in findings if f["status"] == "pass")
        reason = f"{len(waived)} waived, {passed} passed" if waived else "not applicable"
        ET.SubElement(case, "skipped", message=reason)
        return "skipped"
    return None
