"""Turn a drready.result/v1 document into every output format, using the templates in reports/."""

from __future__ import annotations

import hashlib
import html
import os
import re
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import jinja2

from scanner.assets import asset_dir
from scanner.durations import format_minutes
from scanner.errors import InputError
from scanner.files import canonical_json
from scanner.render import charts
from scanner.results import SEVERITY_RANK, finding_key, is_gap

FORMATS = ("html", "pdf", "md", "json", "sarif", "junit", "csv", "xlsx")
FILE_NAMES = {
    "html": "report.html",
    "pdf": "report.pdf",
    "md": "report.md",
    "json": "result.json",
    "sarif": "results.sarif",
    "junit": "junit.xml",
    "csv": "findings.csv",
    "xlsx": "report.xlsx",
}
VERDICT_LABEL = {"ready": "Ready", "at_risk": "At risk", "not_ready": "Not ready", "unknown": "Unknown"}


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise ValueError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return sorted(set(formats), key=FORMATS.index)


def render(
    result: dict[str, Any],
    formats: list[str],
    out_dir: Path,
    templates: Path | None = None,
    progress: Callable[[str], None] | None = None,
    changes: dict[str, Any] | None = None,
) -> list[Path]:
    """Write each format into out_dir (a staging folder); return the files written. `changes` (a diff
    against an earlier result) adds what changed since then to HTML, summary.md and XLSX."""
    from scanner.render import junit, pdf, sarif, tables

    env = _environment(templates or asset_dir("reports"))
    view = view_model(result, changes)
    table_frames = tables.frames(result, changes) if {"csv", "xlsx"} & set(formats) else {}
    written = []
    for done, fmt in enumerate(formats):
        if progress:
            progress(f"render: {done}/{len(formats)} formats ({fmt})")
        path = out_dir / FILE_NAMES[fmt]
        if fmt == "json":
            path.write_text(canonical_json(result), encoding="utf-8")
        elif fmt == "sarif":
            path.write_text(canonical_json(sarif.to_sarif(result)), encoding="utf-8")
        elif fmt == "junit":
            path.write_bytes(junit.to_junit(result))
        elif fmt == "csv":
            written += tables.write_csv(table_frames, out_dir)
            continue
        elif fmt == "xlsx":
            tables.write_xlsx(table_frames, path, _generated_at(result))
        elif fmt == "pdf":
            pdf.print_pdf(env.get_template("report.html.j2").render(r=result, v=view), path)
        else:
            path.write_text(env.get_template(f"report.{fmt}.j2").render(r=result, v=view), encoding="utf-8")
            if fmt == "md":
                summary = out_dir / "summary.md"
                summary.write_text(pr_summary(env, result, view), encoding="utf-8")
                written.append(summary)
        written.append(path)
    return written


def _generated_at(result: dict[str, Any]) -> datetime | None:
    try:
        return datetime.strptime(str(result.get("generated_at")), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None


PR_COMMENT_LIMIT = 65_000  # GitHub rejects comments over 65,536 characters
SUMMARY_GAPS = 12  # gap rows in summary.md; the full report has every one


def report_url() -> str | None:
    """Where the full report is: DRREADY_REPORT_URL, else the CI run whose artifacts hold it (GitHub
    Actions or Azure DevOps)."""
    env = os.environ
    if env.get("DRREADY_REPORT_URL"):
        return env["DRREADY_REPORT_URL"]
    if env.get("GITHUB_RUN_ID") and env.get("GITHUB_REPOSITORY"):
        server = env.get("GITHUB_SERVER_URL", "https://github.com")
        return f"{server}/{env['GITHUB_REPOSITORY']}/actions/runs/{env['GITHUB_RUN_ID']}"
    if env.get("SYSTEM_COLLECTIONURI") and env.get("SYSTEM_TEAMPROJECT") and env.get("BUILD_BUILDID"):
        return f"{env['SYSTEM_COLLECTIONURI']}{env['SYSTEM_TEAMPROJECT']}/_build/results?buildId={env['BUILD_BUILDID']}"
    return None


def pr_summary(
    env: jinja2.Environment, result: dict[str, Any], view: dict[str, Any], limit: int = PR_COMMENT_LIMIT
) -> str:
    """The short Markdown summary for a pull-request comment: the stamps, the fixes to make first, the
    SUMMARY_GAPS worst gaps and where the full report is; always under the limit (gap rows are dropped
    from the end first, and the summary says how many were left out)."""
    template = env.get_template("summary.md.j2")
    gaps = view["gaps"]
    keep = min(len(gaps), SUMMARY_GAPS)
    link = report_url()
    while True:
        text = template.render(r=result, v=view, gaps=gaps[:keep], left_out=len(gaps) - keep, report_url=link)
        if len(text) < limit or keep == 0:
            return text if len(text) < limit else text[: limit - 200] + "\n\n(truncated)\n"
        keep = max(0, keep - max(1, (len(text) - limit) // 150 + 1))


def render_gate(report: dict[str, Any], failed: bool, templates: Path | None = None) -> str:
    return _environment(templates or asset_dir("reports")).get_template("gate.md.j2").render(g=report, failed=failed)


def render_diff(diff: dict[str, Any], templates: Path | None = None) -> str:
    return _environment(templates or asset_dir("reports")).get_template("diff.md.j2").render(d=diff)


def trend_rows(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per result and stamp, oldest first: the table behind trend.html and trend.csv, with the
    gaps new and resolved since the stamp's previous result."""
    rows = []
    before: dict[str, set[tuple[str, str, str]]] = {}
    for r in sorted(results, key=lambda r: r["generated_at"]):
        gaps: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
        for f in r["findings"]:
            if is_gap(f):
                gaps[f["stamp"]].add(finding_key(f))  # as drready diff and --previous match findings
        for s in r["stamps"]:
            achieved = (s.get("recovery") or {}).get("achieved") or {}
            previous = before.get(s["name"])
            rows.append(
                {
                    "generated_at": r["generated_at"],
                    "stamp": s["name"],
                    "verdict": s["verdict"],
                    "score": s["score"],
                    "gaps": s["counts"]["fail"],
                    "new_gaps": len(gaps[s["name"]] - previous) if previous is not None else None,
                    "resolved_gaps": len(previous - gaps[s["name"]]) if previous is not None else None,
                    "rto": achieved.get("rto_minutes"),
                    "rto_target": s["targets"]["rto_minutes"],
                    "rpo": achieved.get("rpo_minutes"),
                    "rpo_target": s["targets"]["rpo_minutes"],
                }
            )
            before[s["name"]] = gaps[s["name"]]
    return rows


def render_trend(results: list[dict[str, Any]], out_dir: Path, templates: Path | None = None) -> list[Path]:
    """trend.html (per stamp: score, RTO and RPO against the results' dates, new and resolved gaps
    marked) and trend.csv, for the quarterly review."""
    import pandas as pd

    from scanner.render import tables

    rows = trend_rows(results)
    series: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        series[row["stamp"]].append(row)
    charts_by_stamp = {name: charts.trend_chart(points) for name, points in series.items()}
    runs = sorted({r["generated_at"] for r in rows})
    env = _environment(templates or asset_dir("reports"))
    html = env.get_template("trend.html.j2").render(runs=runs, series=charts_by_stamp)
    (out_dir / "trend.html").write_text(html, encoding="utf-8")
    tables.write_csv_frame(pd.DataFrame(rows), out_dir / "trend.csv")
    return [out_dir / "trend.html", out_dir / "trend.csv"]


def render_runbook(
    result: dict[str, Any],
    stamp_name: str,
    templates: Path | None = None,
    probes: list[dict[str, str]] | None = None,
    fmt: str = "md",
) -> str:
    """The failover runbook of one stamp, in dependency order, from a result's recovery graph; `probes`
    (scanner/probes.py) are the URLs checked before the failover is declared complete. HTML is the
    same Markdown rendered by markdown-it, so the two never say different things; every value in it
    is escaped by the template (ESCAPED_MARKDOWN), so the only raw HTML is drready's own <code>."""
    stamp = next((s for s in result["stamps"] if s["name"] == stamp_name), None)
    if stamp is None:
        names = ", ".join(s["name"] for s in result["stamps"])
        raise ValueError(f"no stamp named '{stamp_name}' (stamps: {names})")
    rec = stamp["recovery"]
    symptoms = {c["id"] for c in result["controls"] if c["evaluated_by"] == "recovery-targets"}  # a missed target
    gaps = sorted(
        (f for f in result["findings"] if f["stamp"] == stamp_name and is_gap(f) and f["control"] not in symptoms),
        key=lambda f: SEVERITY_RANK[f["severity"]],
    )
    steps = [
        st | {k: fill_names(st.get(k) or "", st, stamp) for k in ("do", "validate", "failback")} for st in rec["steps"]
    ]
    blocked = [st for st in steps if st["rto_minutes"] == "unbounded"]
    template = _environment(templates or asset_dir("reports")).get_template("runbook.md.j2")
    labels = {st["id"]: st["label"] for st in rec["steps"]}
    text = template.render(
        r=result, s=stamp, rec=rec, steps=steps, blocked=blocked, gaps=gaps, labels=labels, probes=probes or []
    )
    return text if fmt == "md" else runbook_html(text, stamp_name, _environment(templates or asset_dir("reports")))


def runbook_html(markdown: str, stamp_name: str, env: jinja2.Environment) -> str:
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    return env.get_template("runbook.html.j2").render(body=body, stamp=stamp_name)


def fill_names(text: str, step: dict[str, Any], stamp: dict[str, Any]) -> str:
    """A capability's instructions with the step's real names in place of <account>, <rg>, <secondary>
    and the like, so no command in a runbook needs editing. A placeholder for a name drready cannot
    know (the replica's, when the step covers several servers) stays, and says so by its form."""
    ids = step.get("resource_ids") or []
    values = {"<secondary>": stamp.get("secondary_region") or "", "<primary>": stamp.get("primary_region") or ""}
    if len(ids) == 1:
        rid, name = ids[0], step["resources"][0] if step.get("resources") else ids[0].rsplit("/", 1)[-1]
        parts = rid.split("/")
        group = parts[4] if len(parts) > 4 and parts[3].lower() == "resourcegroups" else ""
        values |= {"<account>": name, "<rg>": group, "<server-id>": rid, "<service>": "blob"}
        values["<new-server>"] = f"{name}-{stamp.get('secondary_region') or 'secondary'}"[:63]
    for placeholder, value in values.items():
        if value:
            text = text.replace(placeholder, value)
    return text


def render_catalogue(controls: list[Any], templates: Path | None = None) -> str:
    """The Markdown control catalogue, from the policies' METADATA."""
    return _environment(templates or asset_dir("reports")).get_template("catalogue.md.j2").render(controls=controls)


def render_catalogue_index(controls: list[Any]) -> str:
    """The one-line-per-control table with sources that the README's Controls section carries."""
    return _environment(asset_dir("reports")).get_template("catalogue-index.md.j2").render(controls=controls)


# Markdown templates whose every printed value is escaped unless a filter (md, md_code) already made
# it safe: values from the estate or a result never become markup, links or mentions. The runbook and
# the catalogue print commands in code blocks, where escapes would change them.
ESCAPED_MARKDOWN = {"report.md.j2", "summary.md.j2", "gate.md.j2", "diff.md.j2", "runbook.md.j2"}


class MdSafe(str):
    """Text already escaped for Markdown."""


@jinja2.pass_context
def _finalize(context: jinja2.runtime.Context, value: Any) -> Any:
    if context.name in ESCAPED_MARKDOWN and not isinstance(value, MdSafe):
        return md_escape(value)
    return value


class _Templates(jinja2.Environment):
    """Jinja2 whose template errors (syntax, an undefined field in a --templates folder) are input errors
    naming the template file and line, not tracebacks."""

    def handle_exception(self, source: str | None = None) -> NoReturn:
        try:
            super().handle_exception(source)
        except jinja2.TemplateSyntaxError as exc:
            raise InputError(exc.filename or exc.name or "template", exc.lineno, f"template: {exc.message}") from exc
        except jinja2.TemplateError as exc:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
            where = (frames[-1].filename, frames[-1].lineno) if frames else ("template", None)
            raise InputError(where[0], where[1], f"template: {exc}") from exc


def _environment(templates: Path) -> jinja2.Environment:
    env = _Templates(
        loader=jinja2.FileSystemLoader(str(templates)),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_escape
    env.filters["safe_link"] = md_link
    env.filters["md_code"] = md_code
    env.filters["path_text"] = path_text
    env.filters["duration"] = format_minutes
    env.filters["figure"] = format_minutes
    env.filters["verdict"] = lambda v: VERDICT_LABEL.get(v, v)
    env.globals["anchor"] = anchor
    env.globals["css"] = (
        (templates / "style.css").read_text(encoding="utf-8") if (templates / "style.css").exists() else ""
    )
    return env


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
# GitHub links @mentions, #references, bare URLs and www. names by itself: entities keep them text.
_AUTOLINKS = (("@", "&#64;"), ("://", "&#58;//"), ("www.", "www&#46;"))


def md_escape(value: Any) -> MdSafe:
    """Text safe inside a Markdown table cell or a pull-request comment: no raw HTML, no table breaks,
    no formatting, no mention, no link."""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    for plain, entity in _AUTOLINKS:
        text = text.replace(plain, entity)
    return MdSafe(text)


def md_link(url: Any) -> MdSafe:
    """A link drready made itself (the CI run's URL): kept a link when it is a plain http(s) URL."""
    text = str(url)
    if re.fullmatch(r"https?://[^\s<>()\[\]`|]+", text):
        return MdSafe(f"<{text}>")
    return md_escape(text)


def md_code(value: Any) -> MdSafe:
    """Inline code safe inside a Markdown table cell: an HTML code element with its text escaped, so
    neither markup from the estate nor a pipe (GitHub splits cells on it even inside backticks) leaks."""
    text = html.escape(" ".join(str(value).split())).replace("|", "&#124;").replace("@", "&#64;")
    return MdSafe(f"<code>{text}</code>")


def anchor(*parts: Any) -> str:
    """A stable HTML id for a stamp's resource card (ARM ids hold characters ids and URLs mangle)."""
    return "res-" + hashlib.sha1("\n".join(map(str, parts)).encode()).hexdigest()[:12]


def path_text(steps: list[dict[str, Any]]) -> str:
    """'PostgreSQL geo-restore (assumed 12h) -> Bring up API apps (assumed 30m) -> ...'."""
    parts = []
    for s in steps:
        basis = {"published": "", "assumed": "assumed ", "override": "your figure "}.get(s["basis"] or "", "")
        parts.append(f"{s['label']} ({basis}{format_minutes(s['rto_minutes'])})")
    return " → ".join(parts) or "no recovery steps"


def view_model(result: dict[str, Any], changes: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the templates show, grouped: per stamp the gaps by control and by resource, unknowns,
    waived; with `changes`, gaps new since the earlier result are marked and the movement summarised."""
    controls = {c["id"]: c for c in result["controls"]}
    since = since_last_scan(changes)
    by_stamp: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for f in result["findings"]:
        if since and finding_key(f) in since["new_keys"]:
            f = f | {"change": "new"}
        bucket = "waived" if f["waiver"] else {"fail": "gaps", "unknown": "unknown"}.get(f["status"], f["status"])
        by_stamp[f["stamp"]][bucket].append(f)
    stamps = []
    budget = max(CARDS_PER_STAMP_MIN, CARD_BUDGET // max(1, len(result["stamps"])))
    for s in result["stamps"]:
        groups = by_stamp[s["name"]]
        fixes = [
            f | {"stamp": s["name"], "owner": s.get("owner"), "effect": fix_effect(s, f)}
            for f in s["recovery"].get("fixes") or []
        ]
        stamps.append(
            s
            | {
                "fixes": [f for f in fixes if f["effect"]],
                "gap_groups": _by_control(groups["gaps"], controls, fixes),
                **_cards("gap", _by_resource(groups["gaps"], controls, fixes), budget),
                **_steps_shown(s["recovery"]),
                **_cards("unknown", _by_resource(groups["unknown"], controls, []), budget),
                "unknown": groups["unknown"],
                "waived": groups["waived"],
                "passed": Counter(f["control"] for f in groups["pass"]),
                "not_applicable": len(groups["not_applicable"]),
            }
        )
    gaps = [f for f in result["findings"] if is_gap(f)]
    fix_first = sorted(
        (f for s in stamps for f in s["fixes"]), key=lambda f: (not f["needed"], SEVERITY_RANK[f["severity"]])
    )
    return {
        "headline": headline_text(result),
        "fix_first": fix_first,
        "chart": charts.recovery_chart(result["stamps"][:CHART_STAMPS]),
        "chart_left_out": max(0, len(result["stamps"]) - CHART_STAMPS),
        "fix_first_shown": FIX_FIRST_ROWS,
        "gaps": sorted(gaps, key=lambda f: (SEVERITY_RANK[f["severity"]], f["stamp"], f["control"], f["resource"])),
        "stamps": stamps,
        "gap_count": len(gaps),
        "unknown_count": sum(1 for f in result["findings"] if f["status"] == "unknown" and not f["waiver"]),
        "waived_count": sum(1 for f in result["findings"] if f["waiver"]),
        "expired_waivers": [w for w in result["waivers"] if w["state"] == "expired"],
        "controls": controls,
        "since": since,
    }


def since_last_scan(changes: dict[str, Any] | None) -> dict[str, Any] | None:
    """The diff against the earlier result as the reports show it: per stamp the score, RTO and RPO
    before and after with the count of new and resolved gaps; the resolved gaps listed."""
    if not changes:
        return None
    new_by, resolved_by = (
        Counter(f["stamp"] for f in changes["new_gaps"]),
        Counter(f["stamp"] for f in changes["resolved"]),
    )
    stamps = [
        s
        | {
            "new": new_by[s["name"]],
            "resolved": resolved_by[s["name"]],
            "rto_text": _movement(s["rto_minutes"]),
            "rpo_text": _movement(s["rpo_minutes"]),
            "moved": s["score"][0] != s["score"][1]
            or s["rto_minutes"][0] != s["rto_minutes"][1]
            or s["rpo_minutes"][0] != s["rpo_minutes"][1]
            or s["verdict"][0] != s["verdict"][1],
        }
        for s in changes["stamps"]
    ]
    return {
        "generated_at": changes["old"]["generated_at"],
        "stamps": stamps,
        "new_count": len(changes["new_gaps"]),
        "resolved": changes["resolved"],
        "changed": changes["changed"],
        "removed_stamps": changes["removed_stamps"],
        "new_keys": {finding_key(f) for f in changes["new_gaps"]},
    }


def _movement(pair: list[Any]) -> str:
    """'unbounded → 1h37m', or '45m (unchanged)', or 'new' for a stamp the earlier result lacked."""
    before, after = pair
    if before is None and after is not None:
        return f"{format_minutes(after)} (new stamp)"
    return (
        f"{format_minutes(after)} (unchanged)"
        if before == after
        else f"{format_minutes(before)} → {format_minutes(after)}"
    )


def fix_effect(stamp: dict[str, Any], fix: dict[str, Any]) -> str:
    """What a fix does to the stamp's estimated figures, in words ("RTO unbounded → 1h37m"), or "" when
    it moves neither alone nor is needed for the best the stamp can reach."""
    estimate = stamp["recovery"]["estimate"]
    moved = []
    for key in ("rto_minutes", "rpo_minutes"):
        if fix["alone"][key] != estimate[key]:
            moved.append(f"{key[:3].upper()} {format_minutes(estimate[key])} → {format_minutes(fix['alone'][key])}")
    if moved:
        return "alone: " + ", ".join(moved)
    if fix["needed"]:
        best = stamp["recovery"]["if_fixed"]
        rto, rpo = format_minutes(best["rto_minutes"]), format_minutes(best["rpo_minutes"])
        return f"needed, with the other needed fixes, for RTO {rto} and RPO {rpo}"
    return ""


def headline_text(result: dict[str, Any]) -> str:
    """'2 of 6 stamps meet their targets; 4 fixes would bring 3 more within target'."""
    stamps = result["stamps"]
    meeting = [s for s in stamps if all((s["recovery"].get("meets") or {}).get(k) for k in ("rto", "rpo"))]
    within = [
        s
        for s in stamps
        if s not in meeting
        and all(((s["recovery"].get("if_fixed") or {}).get("meets") or {}).get(k) for k in ("rto", "rpo"))
    ]
    needed = sum(1 for s in within for f in s["recovery"].get("fixes") or [] if f["needed"])
    text = f"{len(meeting)} of {len(stamps)} stamps meet their RPO and RTO targets"
    if within:
        text += (
            f"; {needed} fixes would bring {len(within)} more within target ({', '.join(s['name'] for s in within)})"
        )
    return text


def _by_control(
    findings: list[dict[str, Any]], controls: dict[str, Any], fixes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A stamp's gaps by control, in fix-first order (then by severity)."""
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        grouped[f["control"]].append(f)
    rank: dict[str, int] = {}
    for i, fix in enumerate(fixes):
        if fix["effect"]:
            rank.setdefault(fix["control"], i)
    ordered = sorted(
        grouped,
        key=lambda cid: (rank.get(cid, len(fixes)), min(SEVERITY_RANK[f["severity"]] for f in grouped[cid]), cid),
    )
    return [
        {
            "control": controls.get(cid, {"id": cid, "title": cid, "related_resources": []}),
            "findings": grouped[cid],
        }
        for cid in ordered
    ]


# The HTML report shows about this many findings in full, shared out over the stamps (at least
# CARDS_PER_STAMP_MIN each); the rest are listed by control with their resource names. At 100,000
# resources a card per gap made a 55 MB page that Chromium took most of a minute to load; every
# finding stays in result.json, findings.csv and report.xlsx.
CARD_BUDGET = 2000
CARDS_PER_STAMP_MIN = 5
FIX_FIRST_ROWS = 50  # the estate-wide fix-first table; report.xlsx's Fix first sheet has every fix
CHART_STAMPS = 60  # stamps drawn in the chart (two rows each); the stamp table has every one


STEPS_SHOWN = 12  # recovery steps per stamp in the HTML; the runbook has every one


def _steps_shown(recovery: dict[str, Any]) -> dict[str, Any]:
    """The steps that set the figures (on the RTO path, setting the RPO, unbounded or unknown) and then
    the others in dependency order, up to STEPS_SHOWN: a 200-store stamp has a step per store."""
    steps = recovery.get("steps") or []
    estimate = recovery.get("estimate") or {}
    key = {st["id"] for st in (estimate.get("rto_path") or []) + (estimate.get("rpo_set_by") or [])}
    key |= {st["id"] for st in steps if not isinstance(st["rto_minutes"], int | float)}
    chosen = [st for st in steps if st["id"] in key][:STEPS_SHOWN]
    chosen += [st for st in steps if st["id"] not in key][: STEPS_SHOWN - len(chosen)]
    keep = {st["id"] for st in chosen}
    return {"steps_shown": [st for st in steps if st["id"] in keep], "steps_left_out": len(steps) - len(keep)}


def _cards(kind: str, cards: list[dict[str, Any]], budget: int) -> dict[str, Any]:
    """The first resource cards up to `budget` findings in full ("gap_resources"); the rest by control
    ("gap_rest": control, title, severity, resource names), worst first."""
    shown, used = [], 0
    for card in cards:
        if used and used + len(card["findings"]) > budget:
            break
        shown.append(card)
        used += len(card["findings"])
    rest: dict[str, dict[str, Any]] = {}
    for card in cards[len(shown) :]:
        for f in card["findings"]:
            entry = rest.setdefault(
                f["control"], {"control": f["control"], "title": f["title"], "severity": f["severity"], "names": []}
            )
            entry["names"].append(card["name"])
            if SEVERITY_RANK[f["severity"]] < SEVERITY_RANK[entry["severity"]]:
                entry["severity"] = f["severity"]
    ordered = sorted(rest.values(), key=lambda e: (SEVERITY_RANK[e["severity"]], e["control"]))
    return {
        f"{kind}_resources": shown,
        f"{kind}_resource_count": len(cards),
        f"{kind}_rest": ordered,
        f"{kind}_rest_count": sum(len(e["names"]) for e in ordered),
    }


def _by_resource(
    findings: list[dict[str, Any]], controls: dict[str, Any], fixes: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """A stamp's findings by resource (one card each, its ARM id collapsed), resources in fix-first
    order, then by their worst severity; each finding carries its control's title and first source."""
    rank = {(f["control"], f["resource"]): i for i, f in enumerate(fixes) if f["effect"]}
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in findings:
        control = controls.get(f["control"]) or {}
        grouped[f["resource"]].append(
            f | {"title": control.get("title", f["control"]), "source": (control.get("related_resources") or [None])[0]}
        )

    def order(rid: str) -> tuple[Any, ...]:
        items = grouped[rid]
        first_fix = min((rank.get((f["control"], rid), len(rank)) for f in items), default=len(rank))
        return first_fix, min(SEVERITY_RANK[f["severity"]] for f in items), items[0]["resource_name"], rid

    cards = []
    for rid in sorted(grouped, key=order):
        items = sorted(
            grouped[rid],
            key=lambda f: (rank.get((f["control"], rid), len(rank)), SEVERITY_RANK[f["severity"]], f["control"]),
        )
        cards.append(
            {"id": rid, "name": items[0]["resource_name"], "type": items[0].get("resource_type"), "findings": items}
        )
    return cards
