"""Findings, coverage, waivers, stamp verdicts and scores: the drready.result/v1 document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from scanner.config import Waiver
from scanner.engine import SEVERITIES, Control
from scanner.errors import EngineError
from scanner.stamps import ResolvedStamp

SCHEMA = "drready.result/v1"
STATUSES = ("pass", "fail", "not_applicable", "unknown")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # critical = 0 ... info = 4
SEVERITY_WEIGHT = {"critical": 10, "high": 5, "medium": 3, "low": 1, "info": 0}
VERDICTS = ("ready", "at_risk", "not_ready", "unknown")


def findings_for_stamp(
    stamp: ResolvedStamp,
    controls: list[Control],
    raw: dict[str, list[Any]],
    errors: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Turn each control's raw results into findings. An applicable resource without a result, or one
    whose collection failed, is `unknown`: never a pass."""
    by_id = {str(r["id"]).lower(): r for r in stamp.resources}
    findings = []
    for control in controls:
        results = [_checked(control, item) for item in raw.get(control.id, [])]
        findings += [_finding(control, stamp, item, by_id) for item in results]
        findings += _missing(control, stamp, results)
    findings += _collection_unknowns(stamp, controls, errors)
    return [_mark_failed_collection(f, errors) for f in findings]


def _checked(control: Control, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or not isinstance(item.get("resource"), str):
        raise EngineError(control.file, f"{control.id}: a result needs a string 'resource': {item!r}")
    if item.get("status") not in STATUSES:
        raise EngineError(control.file, f"{control.id}: result status {item.get('status')!r} is not one of {STATUSES}")
    if "severity" in item and item["severity"] not in SEVERITIES:
        raise EngineError(control.file, f"{control.id}: result severity {item['severity']!r} is unknown")
    return item


def _finding(
    control: Control, stamp: ResolvedStamp, item: dict[str, Any], by_id: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    resource = by_id.get(item["resource"].lower(), {})
    return {
        "control": control.id,
        "title": control.title,
        "severity": item.get("severity", control.severity),
        "stamp": stamp.name,
        "resource": resource.get("id", item["resource"]),
        "resource_name": resource.get("name", item["resource"].rsplit("/", 1)[-1]),
        "resource_type": str(resource.get("type", "stamp" if control.scope == "stamp" else "")).lower(),
        "status": item["status"],
        "message": str(item.get("message", "")),
        "evidence": item.get("evidence") or {},
        "declared": bool(item.get("declared", False)),
        "mechanism": item.get("mechanism"),
        "waiver": None,
    }


def _unknown(control: Control, stamp: ResolvedStamp, resource: dict[str, Any], message: str) -> dict[str, Any]:
    return {
        "control": control.id,
        "title": control.title,
        "severity": control.severity,
        "stamp": stamp.name,
        "resource": resource["id"],
        "resource_name": resource.get("name", resource["id"].rsplit("/", 1)[-1]),
        "resource_type": str(resource.get("type", "")).lower(),
        "status": "unknown",
        "message": message,
        "evidence": {},
        "declared": False,
        "mechanism": None,
        "waiver": None,
    }


def _missing(control: Control, stamp: ResolvedStamp, results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    covered = {r["resource"].lower() for r in results}
    if control.scope == "stamp":
        ref = f"stamp/{stamp.name}"
        if ref.lower() in covered:
            return []
        return [
            _unknown(
                control,
                stamp,
                {"id": ref, "name": stamp.name, "type": "stamp"},
                f"{control.id} gave no result for stamp {stamp.name}: the facts it needs are missing",
            )
        ]
    return [
        _unknown(
            control,
            stamp,
            r,
            f"{control.id} gave no result for {r.get('name', r['id'])}: "
            "a property it needs is missing or not known (for example the region's zone support)",
        )
        for r in stamp.resources
        if str(r["type"]).lower() in control.resource_types and str(r["id"]).lower() not in covered
    ]


def _in_scope(resource_id: str, error: dict[str, Any]) -> bool:
    scope = str(error.get("scope") or "").lower().rstrip("/")
    return bool(scope) and (resource_id.lower() == scope or resource_id.lower().startswith(scope + "/"))


def _error_types(error: dict[str, Any]) -> set[str]:
    return {str(t).lower() for t in error.get("types") or ()}


def _mark_failed_collection(finding: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any]:
    for error in errors:
        types = _error_types(error)
        if _in_scope(finding["resource"], error) and (not types or finding["resource_type"] in types):
            cause = f"collection failed ({error['source']}: {error['error']})"
            return finding | {"status": "unknown", "message": f"{cause}; was: {finding['message']}"}
    return finding


def _collection_unknowns(
    stamp: ResolvedStamp, controls: list[Control], errors: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A failed collection step may have hidden resources of the stamp: each resource control it
    could have fed is unknown for that scope."""
    out = []
    for error in errors:
        scope = str(error.get("scope") or error["source"])
        types = _error_types(error)
        for control in controls:
            if control.scope == "resource" and (not types or types & set(control.resource_types)):
                cause = f"collection failed for {scope} ({error['source']}: {error['error']})"
                message = f"{cause}: resources of this stamp may be missing"
                out.append(_unknown(control, stamp, {"id": scope, "name": scope, "type": "collection"}, message))
    return out


@dataclass
class WaiverState:
    waiver: Waiver
    index: int
    matched: int = 0

    def active(self, today: date) -> bool:
        return self.waiver.expires >= today

    def matches(self, finding: dict[str, Any]) -> bool:
        w = self.waiver
        return (
            w.control == finding["control"]
            and (w.resource is None or w.resource.lower() == finding["resource"].lower())
            and (w.stamp is None or w.stamp == finding["stamp"])
        )

    def describe(self) -> dict[str, Any]:
        w = self.waiver
        return {
            "control": w.control,
            "resource": w.resource,
            "stamp": w.stamp,
            "reason": w.reason,
            "owner": w.owner,
            "expires": w.expires.isoformat(),
        }

    def to_json(self, today: date) -> dict[str, Any]:
        state = "active" if self.active(today) else "expired"
        return self.describe() | {"state": state, "matched": self.matched}


def apply_waivers(findings: list[dict[str, Any]], waivers: list[Waiver], today: date) -> list[dict[str, Any]]:
    """Mark failing and unknown findings covered by an active waiver; waived findings stay listed.
    An expired waiver suppresses nothing and is reported with what it would have matched."""
    states = [WaiverState(w, i) for i, w in enumerate(waivers)]
    for finding in findings:
        if finding["status"] not in ("fail", "unknown"):
            continue
        for state in states:
            if state.matches(finding):
                state.matched += 1
                if state.active(today) and finding["waiver"] is None:
                    finding["waiver"] = state.describe()
    return [s.to_json(today) for s in states]


def is_gap(finding: dict[str, Any]) -> bool:
    return finding["status"] == "fail" and finding["waiver"] is None


def stamp_summary(stamp: ResolvedStamp, findings: list[dict[str, Any]], recovery: dict[str, Any]) -> dict[str, Any]:
    counts = {s: 0 for s in STATUSES} | {"waived": 0}
    earned = possible = 0
    for f in findings:
        if f["waiver"] is not None:
            counts["waived"] += 1
            continue
        counts[f["status"]] += 1
        weight = SEVERITY_WEIGHT[f["severity"]]
        if f["status"] in ("pass", "fail", "unknown"):
            possible += weight
            earned += weight if f["status"] == "pass" else 0
    return {
        "name": stamp.name,
        "kind": stamp.stamp.kind,
        "tier": stamp.stamp.tier,
        "primary_region": stamp.primary_region,
        "secondary_region": stamp.secondary_region,
        "targets": {"rpo_minutes": stamp.stamp.targets.rpo, "rto_minutes": stamp.stamp.targets.rto},
        "resources": len(stamp.resources),
        "counts": counts,
        "score": round(100 * earned / possible) if possible else None,
        "verdict": verdict(findings),
        "recovery": recovery,
    }


def verdict(findings: list[dict[str, Any]]) -> str:
    """not_ready: an open high/critical gap (a missed RPO/RTO target is one: DR-TGT-01); at_risk: lesser
    gaps; unknown: nothing failing but something not known; ready otherwise."""
    gaps = [SEVERITY_RANK[f["severity"]] for f in findings if is_gap(f) and f["severity"] != "info"]
    if any(rank <= SEVERITY_RANK["high"] for rank in gaps):
        return "not_ready"
    if gaps:
        return "at_risk"
    if any(f["status"] == "unknown" and f["waiver"] is None for f in findings):
        return "unknown"
    return "ready"


def sort_findings(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    order = {"fail": 0, "unknown": 1, "pass": 2, "not_applicable": 3}
    return sorted(
        findings,
        key=lambda f: (
            f["stamp"],
            order[f["status"]],
            SEVERITY_RANK[f["severity"]],
            f["control"],
            f["resource"].lower(),
        ),
    )


def exit_code(result: dict[str, Any], fail_on: str | None, allow_unknown: bool) -> int:
    """1: a gap at or above fail_on (None: never); 3: unknown findings without --allow-unknown; else 0."""
    findings = result["findings"]
    threshold = SEVERITY_RANK[fail_on] if fail_on else -1
    if any(is_gap(f) and SEVERITY_RANK[f["severity"]] <= threshold for f in findings):
        return 1
    if not allow_unknown and any(f["status"] == "unknown" and f["waiver"] is None for f in findings):
        return 3
    return 0


def _finding_key(f: dict[str, Any]) -> tuple[str, str, str]:
    return (f["stamp"], f["control"], f["resource"].lower())


def diff_results(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed between two results: new gaps, resolved gaps, findings whose status or severity
    changed otherwise, and each stamp's score, verdict and achieved RPO/RTO."""
    before = {_finding_key(f): f for f in old["findings"]}
    after = {_finding_key(f): f for f in new["findings"]}
    new_gaps = [f for k, f in after.items() if is_gap(f) and not (k in before and is_gap(before[k]))]
    resolved = [f for k, f in before.items() if is_gap(f) and not (k in after and is_gap(after[k]))]
    changed = [
        {"before": before[k], "after": f}
        for k, f in after.items()
        if k in before
        and (before[k]["status"], before[k]["severity"], bool(before[k]["waiver"]))
        != (f["status"], f["severity"], bool(f["waiver"]))
        and is_gap(f) == is_gap(before[k])
    ]
    old_stamps = {s["name"]: s for s in old["stamps"]}
    stamps = []
    for s in new["stamps"]:
        o = old_stamps.get(s["name"], {})
        achieved_new = (s.get("recovery") or {}).get("achieved") or {}
        achieved_old = (o.get("recovery") or {}).get("achieved") or {}
        stamps.append(
            {
                "name": s["name"],
                "score": [o.get("score"), s["score"]],
                "verdict": [o.get("verdict"), s["verdict"]],
                "rto_minutes": [achieved_old.get("rto_minutes"), achieved_new.get("rto_minutes")],
                "rpo_minutes": [achieved_old.get("rpo_minutes"), achieved_new.get("rpo_minutes")],
            }
        )
    order = lambda f: (f["stamp"], SEVERITY_RANK[f["severity"]], f["control"], f["resource"])  # noqa: E731
    return {
        "schema": "drready.diff/v1",
        "old": {"generated_at": old["generated_at"], "snapshot": old["snapshot"]},
        "new": {"generated_at": new["generated_at"], "snapshot": new["snapshot"]},
        "new_gaps": sorted(new_gaps, key=order),
        "resolved": sorted(resolved, key=order),
        "changed": sorted(changed, key=lambda c: order(c["after"])),
        "stamps": stamps,
        "removed_stamps": sorted(set(old_stamps) - {s["name"] for s in new["stamps"]}),
    }
