"""SARIF 2.1.0: one rule per control, one result per failing, unknown or waived finding.

Cloud findings have no source file, so each result points at the stamp's declaration in drready.yaml
(GitHub code scanning rejects results without a location); the Azure resource is a logical location.
partialFingerprints stay stable across runs (control, stamp and resource), so code scanning tracks
an alert over time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from scanner import __version__

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def to_sarif(result: dict[str, Any]) -> dict[str, Any]:
    controls = sorted(result["controls"], key=lambda c: c["id"])
    index = {c["id"]: i for i, c in enumerate(controls)}
    lines = {s["name"]: s.get("line", 1) for s in result["stamps"]}
    config_uri = quote(Path(result.get("config") or "drready.yaml").name)  # a relative URI reference
    results = [
        _result(f, index, lines, config_uri)
        for f in result["findings"]
        if f["status"] in ("fail", "unknown") and f["control"] in index
    ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "drready",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": "https://learn.microsoft.com/azure/reliability/overview",
                        "rules": [_rule(c) for c in controls],
                    }
                },
                "automationDetails": {"id": f"drready/{result.get('engine', 'embedded')}/"},
                "originalUriBaseIds": {"CONFIGROOT": {"description": {"text": "the folder of drready.yaml"}}},
                "results": results,
                "properties": {"generatedAt": result["generated_at"], "snapshot": result["snapshot"]},
            }
        ],
    }


def _rule(c: dict[str, Any]) -> dict[str, Any]:
    sources = "\n".join(f"- {ref}" for ref in c.get("related_resources") or [])
    help_text = f"{c['description']}\n\nSources:\n{sources}" if sources else c["description"]
    rule = {
        "id": c["id"],
        "name": "".join(w.capitalize() for w in c["title"].replace("/", " ").split()),
        "shortDescription": {"text": c["title"]},
        "fullDescription": {"text": c["description"] or c["title"]},
        "help": {"text": help_text, "markdown": f"**{c['title']}**\n\n{help_text}"},
        "defaultConfiguration": {"level": LEVELS[c["severity"]]},
        "properties": {
            "tags": ["disaster-recovery", "azure", *c.get("stamps", [])],
            "security-severity": SECURITY_SEVERITY[c["severity"]],
            "problem.severity": {"critical": "error", "high": "error", "medium": "warning"}.get(
                c["severity"], "recommendation"
            ),
        },
    }
    if c.get("related_resources"):
        rule["helpUri"] = quote(c["related_resources"][0], safe=_URI_SAFE)
    return rule


def fingerprint(f: dict[str, Any]) -> str:
    key = "|".join([f["control"], f["stamp"], f["resource"].lower()])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"  # RFC 3986 reserved characters, and escapes already made


def _result(f: dict[str, Any], index: dict[str, int], lines: dict[str, int], config_uri: str) -> dict[str, Any]:
    unknown = f["status"] == "unknown"
    out: dict[str, Any] = {
        "ruleId": f["control"],
        "ruleIndex": index[f["control"]],
        "kind": "open" if unknown else "fail",
        "level": "none" if unknown else LEVELS[f["severity"]],
        "message": {"text": f"{f['stamp']}: {f['message']}" if f["message"] else f"{f['stamp']}: {f['title']}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": config_uri, "uriBaseId": "CONFIGROOT"},
                    "region": {"startLine": lines.get(f["stamp"], 1)},
                },
                "logicalLocations": [
                    {"fullyQualifiedName": f["resource"], "name": f["resource_name"], "kind": "resource"}
                ],
            }
        ],
        "partialFingerprints": {"drreadyFinding/v1": fingerprint(f)},
        "properties": {
            "stamp": f["stamp"],
            "severity": f["severity"],
            "evidence": f["evidence"],
            "declared": f["declared"],
        },
    }
    if f["waiver"]:
        w = f["waiver"]
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"{w['reason']} (owner {w['owner']}, until {w['expires']})",
            }
        ]
    return out
