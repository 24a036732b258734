"""Findings, coverage, waivers, stamp verdicts and scores: the drready.result/v1 document."""

from __future__ import annotations

import shlex
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from scanner.catalogue import SEVERITIES, STATUSES, Control, Remediation
from scanner.config import Waiver
from scanner.errors import EngineError, InputError, PolicyError
from scanner.files import read_json
from scanner.regions import norm_region
from scanner.result_model import check_result
from scanner.stamps import ResolvedStamp, resource_group

SCHEMA = "drready.result/v1"
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}  # critical = 0 ... info = 4
SEVERITY_WEIGHT = {"critical": 10, "high": 5, "medium": 3, "low": 1, "info": 0}
VERDICTS = ("ready", "at_risk", "not_ready", "unknown")
NOT_RESOURCES = ("stamp", "collection", "spof")  # resource_type of findings that name no ARM resource


@dataclass(slots=True)
class Finding:
    """One control's verdict on one resource (or the stamp) of one stamp."""

    control: str
    title: str
    severity: str
    stamp: str
    resource: str
    resource_name: str
    resource_type: str
    status: str
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)
    declared: bool = False
    mechanism: str | None = None
    waiver: dict[str, Any] | None = None
    fix: dict[str, str] | None = None  # the control's remediation, with the resource's real names

    @property
    def is_gap(self) -> bool:
        return self.status == "fail" and self.waiver is None

    def to_json(self) -> dict[str, Any]:
        return {
            "control": self.control,
            "title": self.title,
            "severity": self.severity,
            "stamp": self.stamp,
            "resource": self.resource,
            "resource_name": self.resource_name,
            "resource_type": self.resource_type,
            "status": self.status,
            "message": self.message,
            "evidence": self.evidence,
            "declared": self.declared,
            "mechanism": self.mechanism,
            "waiver": self.waiver,
            "fix": self.fix,
        }


def new_finding(
    control: Control,
    stamp: str,
    resource: dict[str, Any],
    status: str,
    message: str,
    *,
    severity: str | None = None,
    evidence: dict[str, Any] | None = None,
    declared: bool = False,
    mechanism: str | None = None,
) -> Finding:
    """The one way to make a finding: `resource` is an ARM resource, or {id, name, type} for the stamp,
    a collection scope or a single point of failure."""
    rid = str(resource["id"])
    return Finding(
        control=control.id,
        title=control.title,
        severity=severity or control.severity,
        stamp=stamp,
        resource=rid,
        resource_name=str(resource.get("name") or rid.rsplit("/", 1)[-1]),
        resource_type=str(resource.get("type") or "").lower(),
        status=status,
        message=message,
        evidence=evidence or {},
        declared=declared,
        mechanism=mechanism,
    )


def stamp_ref(name: str) -> dict[str, str]:
    """What stamp-level findings point at."""
    return {"id": f"stamp/{name}", "name": name, "type": "stamp"}


def findings_for_stamp(
    stamp: ResolvedStamp,
    controls: list[Control],
    raw: dict[str, list[Any] | EngineError],
    errors: list[dict[str, Any]],
) -> list[Finding]:
    """Turn each control's raw results into findings. An applicable resource without a result, one whose
    collection failed, or one of a control the engine could not evaluate on this stamp is `unknown`:
    never a pass."""
    by_id = {str(r["id"]).lower(): r for r in stamp.resources}
    findings = []
    for control in controls:
        outcome = raw.get(control.id, [])
        if isinstance(outcome, EngineError):
            findings += _missing(control, stamp, [], f"could not be evaluated on stamp {stamp.name}: {outcome}")
            continue
        results = [_checked(control, item) for item in outcome]
        findings += [_finding(control, stamp, item, by_id) for item in results]
        findings += _missing(control, stamp, results)
    findings += _collection_unknowns(stamp, controls, errors)
    findings = [_mark_failed_collection(f, errors) for f in findings]
    by_control = {c.id: c for c in controls}
    for f in findings:
        control = by_control.get(f.control)
        if f.status == "fail" and control and control.remediation:
            subject = by_id.get(f.resource.lower()) or _subject(control, stamp)
            f.fix = remediation(control.remediation, stamp, subject)
    return findings


def _subject(control: Control, stamp: ResolvedStamp) -> dict[str, Any] | None:
    """What a stamp-level finding's fix is about: the stamp's first primary resource the control reads."""
    types = set(control.resource_types) | set(control.reads)
    return next(
        (
            r
            for r in stamp.resources
            if str(r["type"]).lower() in types and norm_region(r.get("location")) == stamp.primary_region
        ),
        None,
    )


def remediation(remedy: Remediation, stamp: ResolvedStamp, resource: dict[str, Any] | None) -> dict[str, str]:
    """A control's fix for one resource: its command with the resource's real names, or no command when
    a name it needs is not known (never a `<placeholder>`)."""
    names = {
        "stamp": stamp.name,
        "primary_region": stamp.primary_region,
        "secondary_region": stamp.secondary_region or "",
    }
    if resource:
        rid = str(resource["id"])
        group = resource_group(resource)
        names |= {
            "id": rid,
            "name": str(resource.get("name") or rid.rsplit("/", 1)[-1]),
            "resource_group": group,
            "subscription": rid.split("/")[2] if rid.lower().startswith("/subscriptions/") else "",
            "location": norm_region(resource.get("location")),
            "secondary_name": stamp.secondary_name(str(resource.get("name") or "")) or "",
            "secondary_group": stamp.secondary_name(group) or "",
        }
    fix = {"summary": remedy.summary}
    fields = [f for _, f, _, _ in string.Formatter().parse(remedy.command or "") if f is not None]
    if remedy.command and all(names.get(f) for f in fields):
        fix["command"] = remedy.command.format_map({k: shlex.quote(v) for k, v in names.items()})
    return fix


def _checked(control: Control, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict) or not isinstance(item.get("resource"), str):
        raise PolicyError(control.file, f"{control.id}: a result needs a string 'resource': {item!r}")
    if item.get("status") not in STATUSES:
        raise PolicyError(control.file, f"{control.id}: result status {item.get('status')!r} is not one of {STATUSES}")
    if "severity" in item and item["severity"] not in SEVERITIES:
        raise PolicyError(control.file, f"{control.id}: result severity {item['severity']!r} is unknown")
    return item


def _finding(control: Control, stamp: ResolvedStamp, item: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> Finding:
    resource = by_id.get(item["resource"].lower()) or {
        "id": item["resource"],
        "type": "stamp" if control.scope == "stamp" else "",
    }
    return new_finding(
        control,
        stamp.name,
        resource,
        item["status"],
        str(item.get("message", "")),
        severity=item.get("severity"),
        evidence=item.get("evidence") or {},
        declared=bool(item.get("declared", False)),
        mechanism=item.get("mechanism"),
    )


def _missing(
    control: Control, stamp: ResolvedStamp, results: list[dict[str, Any]], failure: str | None = None
) -> list[Finding]:
    covered = {r["resource"].lower() for r in results}
    if control.scope == "stamp":
        if f"stamp/{stamp.name}".lower() in covered:
            return []
        why = failure or f"gave no result for stamp {stamp.name}: the facts it needs are missing"
        return [new_finding(control, stamp.name, stamp_ref(stamp.name), "unknown", f"{control.id} {why}")]
    gap = "a property it needs is missing or not known (for example the region's zone support)"
    return [
        new_finding(
            control,
            stamp.name,
            r,
            "unknown",
            f"{control.id} {failure} ({r.get('name', r['id'])})"
            if failure
            else f"{control.id} gave no result for {r.get('name', r['id'])}: {gap}",
        )
        for r in stamp.resources
        if str(r["type"]).lower() in control.resource_types and str(r["id"]).lower() not in covered
    ]


def _in_scope(resource_id: str, error: dict[str, Any]) -> bool:
    scope = str(error.get("scope") or "").lower().rstrip("/")
    return bool(scope) and (resource_id.lower() == scope or resource_id.lower().startswith(scope + "/"))


def _error_types(error: dict[str, Any]) -> set[str]:
    return {str(t).lower() for t in error.get("types") or ()}


def _mark_failed_collection(finding: Finding, errors: list[dict[str, Any]]) -> Finding:
    for error in errors:
        types = _error_types(error)
        if _in_scope(finding.resource, error) and (not types or finding.resource_type in types):
            cause = f"collection failed ({error['source']}: {error['error']})"
            finding.message = f"{cause}; was: {finding.message}"
            finding.status = "unknown"
            return finding
    return finding


def _collection_unknowns(stamp: ResolvedStamp, controls: list[Control], errors: list[dict[str, Any]]) -> list[Finding]:
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
                where = {"id": scope, "name": scope, "type": "collection"}
                out.append(new_finding(control, stamp.name, where, "unknown", message))
    return out


@dataclass
class WaiverState:
    waiver: Waiver
    index: int
    matched: int = 0

    def active(self, today: date) -> bool:
        return self.waiver.expires >= today

    def matches(self, finding: Finding) -> bool:
        w = self.waiver
        return (
            w.control == finding.control
            and (w.resource is None or w.resource.lower() == finding.resource.lower())
            and (w.stamp is None or w.stamp == finding.stamp)
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


def apply_waivers(findings: list[Finding], waivers: list[Waiver], today: date) -> list[dict[str, Any]]:
    """Mark failing and unknown findings covered by an active waiver; waived findings stay listed.
    An expired waiver suppresses nothing and is reported with what it would have matched."""
    states = [WaiverState(w, i) for i, w in enumerate(waivers)]
    for finding in findings:
        if finding.status not in ("fail", "unknown"):
            continue
        for state in states:
            if state.matches(finding):
                state.matched += 1
                if state.active(today) and finding.waiver is None:
                    finding.waiver = state.describe()
    return [s.to_json(today) for s in states]


def is_gap(finding: dict[str, Any]) -> bool:
    """An open gap, in a result document."""
    return finding["status"] == "fail" and finding["waiver"] is None


@dataclass
class StampSummary:
    """A stamp's line in the result: its verdict, score, counts and recovery estimate."""

    stamp: ResolvedStamp
    findings: list[Finding]
    recovery: dict[str, Any]
    line: int

    @property
    def verdict(self) -> str:
        # A stamp whose selector matched nothing is not ready or unready: nothing of it was seen.
        return verdict(self.findings) if self.stamp.resources else "unknown"

    def to_json(self) -> dict[str, Any]:
        counts = {s: 0 for s in STATUSES} | {"waived": 0}
        earned = possible = 0
        for f in self.findings:
            if f.waiver is not None:
                counts["waived"] += 1
                continue
            counts[f.status] += 1
            weight = SEVERITY_WEIGHT[f.severity]
            if f.status in ("pass", "fail", "unknown"):
                possible += weight
                earned += weight if f.status == "pass" else 0
        s = self.stamp
        return {
            "name": s.name,
            "kind": s.stamp.kind,
            "tier": s.stamp.tier,
            "owner": s.stamp.owner,
            "primary_region": s.primary_region,
            "secondary_region": s.secondary_region,
            "targets": {"rpo_minutes": s.stamp.targets.rpo, "rto_minutes": s.stamp.targets.rto},
            "resources": len(s.resources),
            "counts": counts,
            "score": round(100 * earned / possible) if possible and s.resources else None,
            "verdict": self.verdict,
            "recovery": self.recovery,
            "line": self.line,
        }


def verdict(findings: list[Finding]) -> str:
    """not_ready: an open high/critical gap (a missed RPO/RTO target is one); at_risk: lesser
    gaps; unknown: nothing failing but something not known; ready otherwise."""
    gaps = [SEVERITY_RANK[f.severity] for f in findings if f.is_gap and f.severity != "info"]
    if any(rank <= SEVERITY_RANK["high"] for rank in gaps):
        return "not_ready"
    if gaps:
        return "at_risk"
    if any(f.status == "unknown" and f.waiver is None for f in findings):
        return "unknown"
    return "ready"


_STATUS_ORDER = {"fail": 0, "unknown": 1, "pass": 2, "not_applicable": 3}


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (f.stamp, _STATUS_ORDER[f.status], SEVERITY_RANK[f.severity], f.control, f.resource.lower()),
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


def finding_key(f: dict[str, Any]) -> tuple[str, str, str]:
    """What identifies a finding across two results: stamp, control and resource (ids compared
    case-insensitively, as ARM treats them)."""
    return (f["stamp"], f["control"], f["resource"].lower())


def diff_results(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed between two results: new gaps, resolved gaps, findings whose status or severity
    changed otherwise, and each stamp's score, verdict and achieved RPO/RTO."""
    before = {finding_key(f): f for f in old["findings"]}
    after = {finding_key(f): f for f in new["findings"]}
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


def load_previous(path: Path, before: str | None = None) -> dict[str, Any]:
    """The result to compare with: the file itself, or the newest result in a folder (searched
    recursively) generated before `before` (a result is never compared with itself)."""
    if not path.is_dir():
        return load_result(path)
    found = [r for r in (load_result(f, strict=False) for f in sorted(path.rglob("*.json"))) if r]
    earlier = [r for r in found if before is None or r["generated_at"] < before]
    if not earlier:
        raise InputError(str(path), None, "no earlier drready result (schema drready.result/v1) found for --previous")
    return max(earlier, key=lambda r: r["generated_at"])


def load_result(path: Path, strict: bool = True) -> dict[str, Any] | None:
    """A drready result file, checked against drready.result/v1 (scanner/result_model.py); with
    strict=False (files found in a folder) JSON files of another kind are skipped."""
    data = read_json(path)
    if not strict and (not isinstance(data, dict) or data.get("schema") != SCHEMA):
        return None
    return check_result(data, str(path))
