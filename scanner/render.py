"""Turn a drready.result/v1 document into every output format, using the templates in reports/."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import jinja2

from scanner.assets import asset_dir
from scanner.files import canonical_json
from scanner.results import SEVERITY_RANK, is_gap

FORMATS = ("html", "md", "json")
FILE_NAMES = {"html": "report.html", "md": "report.md", "json": "result.json"}
VERDICT_LABEL = {"ready": "Ready", "at_risk": "At risk", "not_ready": "Not ready", "unknown": "Unknown"}


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return sorted(set(formats), key=FORMATS.index)


def render(result: dict[str, Any], formats: list[str], out_dir: Path, templates: Path | None = None) -> list[Path]:
    """Write each format into out_dir (a staging folder); return the files written."""
    env = _environment(templates or asset_dir("reports"))
    view = view_model(result)
    written = []
    for fmt in formats:
        path = out_dir / FILE_NAMES[fmt]
        if fmt == "json":
            path.write_text(canonical_json(result), encoding="utf-8")
        else:
            template = env.get_template(f"report.{fmt}.j2")
            path.write_text(template.render(r=result, v=view), encoding="utf-8")
        written.append(path)
    return written


def render_runbook(result: dict[str, Any], stamp_name: str, templates: Path | None = None) -> str:
    """The failover runbook of one stamp, in dependency order, from a result's recovery graph."""
    stamp = next((s for s in result["stamps"] if s["name"] == stamp_name), None)
    if stamp is None:
        names = ", ".join(s["name"] for s in result["stamps"])
        raise ValueError(f"no stamp named '{stamp_name}' (stamps: {names})")
    rec = stamp["recovery"]
    gaps = sorted(
        (f for f in result["findings"] if f["stamp"] == stamp_name and is_gap(f)),
        key=lambda f: SEVERITY_RANK[f["severity"]],
    )
    template = _environment(templates or asset_dir("reports")).get_template("runbook.md.j2")
    return template.render(r=result, s=stamp, rec=rec, gaps=gaps, labels={st["id"]: st["label"] for st in rec["steps"]})


def render_catalogue(controls: list[Any], templates: Path | None = None) -> str:
    """The Markdown control catalogue, from the policies' METADATA."""
    return _environment(templates or asset_dir("reports")).get_template("catalogue.md.j2").render(controls=controls)


def _environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["figure"] = figure
    env.filters["path_text"] = path_text
    env.filters["duration"] = duration
    env.filters["verdict"] = lambda v: VERDICT_LABEL.get(v, v)
    env.globals["css"] = (
        (templates / "style.css").read_text(encoding="utf-8") if (templates / "style.css").exists() else ""
    )
    return env


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_escape(value: Any) -> str:
    """Text safe inside a Markdown table cell: no raw HTML, no table breaks, no formatting."""
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def duration(minutes: Any) -> str:
    """240 -> '4h', 90 -> '1h30m', None -> 'unbounded'."""
    if minutes is None:
        return "unbounded"
    minutes = int(minutes)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}d" if days else "", f"{hours}h" if hours else "", f"{mins}m" if mins else ""]
    return "".join(parts) or "0m"


def figure(value: Any) -> str:
    """A recovery figure: minutes as a duration, or 'unbounded' / 'unknown'."""
    return value if isinstance(value, str) else duration(value)


def path_text(steps: list[dict[str, Any]]) -> str:
    """'PostgreSQL geo-restore (assumed 12h) -> Bring up API apps (assumed 30m) -> ...'."""
    parts = []
    for s in steps:
        basis = {"published": "", "assumed": "assumed ", "override": "your figure "}.get(s["basis"] or "", "")
        parts.append(f"{s['label']} ({basis}{figure(s['rto_minutes'])})")
    return " → ".join(parts) or "no recovery steps"


def view_model(result: dict[str, Any]) -> dict[str, Any]:
    """What the templates show, grouped: per stamp the gaps by control, unknowns, waived."""
    controls = {c["id"]: c for c in result["controls"]}
    by_stamp: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result["findings"]:
        bucket = "waived" if f["waiver"] else {"fail": "gaps", "unknown": "unknown"}.get(f["status"], f["status"])
        by_stamp[f["stamp"]][bucket].append(f)
    stamps = []
    for s in result["stamps"]:
        groups = by_stamp[s["name"]]
        stamps.append(
            s
            | {
                "gap_groups": _by_control(groups["gaps"], controls),
                "unknown": groups["unknown"],
                "waived": groups["waived"],
                "passed": Counter(f["control"] for f in groups["pass"]),
                "not_applicable": len(groups["not_applicable"]),
            }
        )
    gaps = [f for f in result["findings"] if is_gap(f)]
    return {
        "stamps": stamps,
        "worst": sorted(gaps, key=lambda f: (SEVERITY_RANK[f["severity"]], f["stamp"], f["control"]))[:10],
        "gap_count": len(gaps),
        "unknown_count": sum(1 for f in result["findings"] if f["status"] == "unknown" and not f["waiver"]),
        "waived_count": sum(1 for f in result["findings"] if f["waiver"]),
        "expired_waivers": [w for w in result["waivers"] if w["state"] == "expired"],
        "controls": controls,
    }


def _by_control(findings: list[dict[str, Any]], controls: dict[str, Any]) -> list[dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        grouped[f["control"]].append(f)
    ordered = sorted(grouped, key=lambda cid: (min(SEVERITY_RANK[f["severity"]] for f in grouped[cid]), cid))
    return [
        {
            "control": controls.get(cid, {"id": cid, "title": cid, "related_resources": []}),
            "findings": grouped[cid],
        }
        for cid in ordered
    ]
