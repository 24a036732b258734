"""The report a readiness review shows: the log-scale chart, resource cards, layout at 1400 and 700 px in
real Chromium, the PDF, change since the last scan and the trend's dates."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from benchmarks.chromium_probe import probe
from scanner.render.charts import AXIS_MAX, LABEL_W, log_x, recovery_chart, trend_chart

from .conftest import DEMO, run_cli
from .test_reports import CHROMIUM_FLAGS, changed_snapshot, chromium, demo_out, result_of


@pytest.fixture
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_out(str(tmp_path_factory.getbasetemp()))


def stamp(name: str, rto: Any, rpo: Any, rto_target: int = 60, rpo_target: int = 15) -> dict[str, Any]:
    meets = {
        "rto": rto <= rto_target if isinstance(rto, int) else False,
        "rpo": rpo <= rpo_target if isinstance(rpo, int) else False,
    }
    return {
        "name": name,
        "targets": {"rto_minutes": rto_target, "rpo_minutes": rpo_target},
        "recovery": {"achieved": {"rto_minutes": rto, "rpo_minutes": rpo}, "meets": meets},
    }


def test_the_chart_axis_is_logarithmic_and_marks_each_target() -> None:
    assert log_x(1, 0, 100) == 0 and log_x(AXIS_MAX, 0, 100) == 100 and log_x(0, 0, 100) == 0
    assert log_x(AXIS_MAX * 10, 0, 100) == 100  # past 30 days: the edge, never beyond
    assert log_x(60, 0, 100) - log_x(6, 0, 100) == pytest.approx(log_x(600, 0, 100) - log_x(60, 0, 100), abs=0.2)
    chart = recovery_chart([stamp("web", 45, 5), stamp("data", 600, 30)])
    rows = {r["label"]: r for r in chart["rows"]}
    assert rows["web RTO"]["state"] == "meet" and rows["data RTO"]["state"] == "miss"
    assert rows["web RTO"]["target_x"] == log_x(60, LABEL_W, chart["axis_right"] - LABEL_W)
    assert LABEL_W + rows["web RTO"]["bar_w"] < rows["web RTO"]["target_x"] < LABEL_W + rows["data RTO"]["bar_w"]
    assert [t["label"] for t in chart["ticks"]] == ["1m", "15m", "1h", "4h", "1d", "7d", "30d"]
    assert rows["web RPO"]["text"] == "5m (target 15m)"


def test_unbounded_fills_its_own_band_and_unknown_is_never_a_bar_of_some_length() -> None:
    chart = recovery_chart([stamp("a", "unbounded", "unknown")])
    rto, rpo = chart["rows"]
    assert rto["band"] == "unbounded" and rto["state"] == "miss" and rto["bar_w"] == 0
    assert rpo["band"] == "unknown" and rpo["state"] == "unknown" and rpo["bar_w"] == 0
    assert chart["band_x"] > chart["axis_right"]


def test_the_demo_report_draws_the_log_chart_and_groups_gaps_by_resource(out: Path) -> None:
    html = (out / "report.html").read_text()
    chart = html[html.index('<svg class="chart"') : html.index("</svg>")]
    assert chart.count('class="targetmark"') == 12  # six stamps, RTO and RPO each
    assert chart.count("bar miss unbounded") == 10 and ">unbounded</text>" in chart and ">30d</text>" in chart
    storefront = html[html.index("<h2>storefront") : html.index("<h2>lakehouse")]
    cards = re.findall(r'<div class="resource" id="(res-[0-9a-f]{12})">\s*<strong>([^<]+)</strong>', storefront)
    assert cards[0][1] == "stnwstorefrontuicus"  # the fix that moves the figures comes first
    assert len({name for _, name in cards}) == len(cards) == storefront.count('<details class="arm">')
    assert f'href="#{cards[0][0]}"' in html  # the fix-first row links to its card
    assert "<summary>ARM id</summary>" in storefront and "Passed</h3>" in storefront


OVERFLOW_PROBE = """<script>
addEventListener('load', () => {
  const width = document.documentElement.clientWidth;
  const over = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && e.closest('details:not([open]) > :not(summary)') === null && r.right > width + 1;
  }).map(e => e.tagName + '.' + e.className + ':' + (e.textContent || '').slice(0, 40));
  document.body.setAttribute('data-overflow', JSON.stringify({width, scroll: document.documentElement.scrollWidth,
    over: over.slice(0, 10)}));
});
</script>"""


@pytest.mark.parametrize("width", [1400, 700])
def test_nothing_overflows_the_viewport_in_chromium(out: Path, tmp_path: Path, width: int) -> None:
    """Real layout in Chromium: a probe (added to a copy; the report itself allows no script) lists any
    element reaching past the window, and a screenshot is taken at the same width."""
    browser = chromium()
    if not browser:
        pytest.skip("chromium not installed")
    found = probe(browser, (out / "report.html").read_text(), OVERFLOW_PROBE, "data-overflow", tmp_path, width, 5000)
    layout = json.loads(found)
    assert layout["width"] <= width and layout["scroll"] <= layout["width"], layout
    assert layout["over"] == [], layout
    flags = [*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--window-size={width},1200"]
    shot = tmp_path / f"report-{width}.png"
    subprocess.run([browser, *flags, f"--screenshot={shot}", (out / "report.html").as_uri()], capture_output=True,
                   timeout=120, check=True)  # fmt: skip
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == width


def pdf_pages(path: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


def test_format_pdf_prints_the_report_in_chromium_within_a_bounded_page_count(out: Path, tmp_path: Path) -> None:
    if not chromium():
        pytest.skip("chromium not installed")
    printed = run_cli("report", "--result", str(out / "result.json"), "--out", str(tmp_path / "p"), "--format", "pdf")
    assert printed.exit_code == 1, printed.output  # the demo has gaps
    pdf = tmp_path / "p" / "report.pdf"
    # about four gap cards a page: the demo's 80 gaps (50 controls) print on 21 pages
    assert pdf.read_bytes().startswith(b"%PDF-") and 4 <= pdf_pages(pdf) <= 25
    assert not (tmp_path / "p" / "report.html").exists()  # only what was asked for


def test_format_pdf_without_chromium_is_exit_2_before_anything_is_written(out: Path, tmp_path: Path) -> None:
    result = run_cli(
        "report", "--result", str(out / "result.json"), "--out", str(tmp_path / "p"), "--format", "html,pdf",
        env={"DRREADY_CHROMIUM": "no-such-browser"},
    )  # fmt: skip
    assert result.exit_code == 2 and "DRREADY_CHROMIUM" in result.output and "no-such-browser" in result.output
    assert not (tmp_path / "p").exists()


@pytest.fixture
def week_later(out: Path, tmp_path: Path) -> Path:
    """The demo a week later (one gap resolved, one new), scanned with --previous the first result."""
    history = tmp_path / "history"
    history.mkdir()
    shutil.copy(out / "result.json", history / "2026-11-18.json")
    (history / "notes.json").write_text('{"not": "a result"}')
    second = tmp_path / "second"
    result = run_cli(
        "scan", "--config", str(DEMO / "drready.yaml"), "--snapshot", str(changed_snapshot(tmp_path)),
        "--out", str(second), "--format", "html,md,xlsx,json", "--previous", str(history),
    )  # fmt: skip
    assert result.exit_code == 1, result.output
    return second


def test_previous_adds_new_resolved_and_movement_to_html_summary_and_xlsx(week_later: Path, out: Path) -> None:
    html = (week_later / "report.html").read_text()
    since = html[html.index('<h3 id="since">') : html.index("<h3>Achieved")]
    assert f"({result_of(out)['generated_at']})" in since and "1 new gap, " in since
    storefront = re.search(r"<tr><td data-label=\"Stamp\">storefront</td>.*?</tr>", since).group(0)
    assert "unbounded → 42m" in storefront and 'class="change resolved">3<' in storefront  # DR-WEB-01, SPOF, TGT
    assert "stnwstorefrontuicus" in since  # listed among the resolved
    orders = html[html.index("<h2>orders") : html.index("<h2>batch")]
    card = orders[orders.index("<strong>kv-orders-cus</strong>") :].split('<div class="resource"')[0]
    assert 'class="change new">new<' in card and orders.count('class="change new"') == 1
    summary = (week_later / "summary.md").read_text()
    assert "**Since the last scan**" in summary and "- storefront: score" in summary
    assert "RTO unbounded → 42m" in summary
    book = openpyxl.load_workbook(week_later / "report.xlsx")
    changes = [list(row) for row in book["Changes"].iter_rows(min_row=2, values_only=True)]
    assert [r[:3] for r in changes if r[0] == "new"] == [["new", "orders", "DR-KV-01"]]
    assert any(r[0] == "resolved" and r[4] == "stnwstorefrontuicus" for r in changes)
    movement = {row[0].value: [c.value for c in row] for row in book["Movement"].iter_rows(min_row=2)}
    assert movement["storefront"][5:7] == ["unbounded", "42m"]
    assert "Changes" not in openpyxl.load_workbook(out / "report.xlsx").sheetnames  # only with --previous


def test_previous_that_is_not_a_result_is_exit_2_before_collection(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "x.json").write_text("{}")
    result = run_cli("scan", "--demo", "--out", str(tmp_path / "o"), "--previous", str(empty))
    assert result.exit_code == 2 and "no earlier drready result" in result.output
    bad = run_cli("scan", "--demo", "--out", str(tmp_path / "o"), "--previous", str(empty / "x.json"))
    assert bad.exit_code == 2 and "x.json" in bad.output
    assert not (tmp_path / "o").exists()


def test_the_trend_has_dates_on_its_axis_rpo_rto_lines_and_change_markers(out: Path, tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    first = result_of(out)
    shutil.copy(out / "result.json", results / "a.json")
    later = json.loads(json.dumps(first))
    later["generated_at"] = "2030-01-08T02:00:00Z"
    storefront = next(s for s in later["stamps"] if s["name"] == "storefront")
    storefront["recovery"]["achieved"]["rto_minutes"] = 97
    gap = next(f for f in later["findings"] if f["stamp"] == "storefront" and f["status"] == "fail")
    gap["status"] = "pass"
    (results / "b.json").write_text(json.dumps(later))
    assert run_cli("trend", str(results), "--out", str(tmp_path / "t")).exit_code == 0
    html = (tmp_path / "t" / "trend.html").read_text()
    section = html[html.index("<h2>storefront") : html.index("<h2>lakehouse")]
    assert f">{first['generated_at'][:10]}</text>" in section and ">2030-01-08</text>" in section
    assert section.count("<polyline") == 3 and 'class="line rto"' in section and 'class="line rpo"' in section
    assert 'class="marker resolved">▼1<' in section and ">unbounded</text>" in section
    assert 'class="target rto"' in section


def test_trend_points_sit_at_their_dates() -> None:
    rows = [
        {"generated_at": f"2026-11-{d:02d}T00:00:00Z", "score": 50, "rto": 60, "rpo": "unknown",
         "rto_target": 60, "rpo_target": 15, "new_gaps": None, "resolved_gaps": None}
        for d in (1, 2, 11)
    ]  # fmt: skip
    chart = trend_chart(rows)
    xs = [p["x"] for p in chart["points"]]
    assert xs[0] == chart["left"] and xs[2] == chart["right"]
    assert (xs[1] - xs[0]) * 9 == pytest.approx(xs[2] - xs[1], abs=0.5)  # 1 day vs 9 days apart
    assert chart["lines"]["rpo"] == "" and all(p["y_rpo"] is None for p in chart["points"])  # unknown: no point


def test_a_large_estate_shows_a_bounded_number_of_cards_and_lists_the_rest_by_control(
    out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import scanner.render as render_module

    monkeypatch.setattr(render_module, "CARD_BUDGET", 6)
    monkeypatch.setattr(render_module, "CARDS_PER_STAMP_MIN", 1)
    result = result_of(out)
    view = render_module.view_model(result)
    storefront = next(s for s in view["stamps"] if s["name"] == "storefront")
    shown = sum(len(c["findings"]) for c in storefront["gap_resources"])
    # one card, the UI account's, with its three gaps (DR-WEB-01, DR-SPOF-01, DR-PROT-02)
    assert 1 <= shown <= 3 and storefront["gap_resources"][0]["name"] == "stnwstorefrontuicus"
    assert shown + storefront["gap_rest_count"] == storefront["counts"]["fail"]
    ranks = [SEVERITY_ORDER.index(e["severity"]) for e in storefront["gap_rest"]]
    assert ranks == sorted(ranks)
    render_module.render(result, ["html"], tmp_path)
    html = (tmp_path / "report.html").read_text()
    assert html.count('<details class="rest">') >= 5 and "more gaps, by control" in html
    rest_html = html[html.index("<h2>storefront") :].split('<details class="rest">')[1].split("</details>")[0]
    assert storefront["gap_rest"][0]["names"][0] in rest_html  # a gap beyond the cards is still named


SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"]


def test_a_stamp_with_many_recovery_steps_shows_the_ones_that_set_its_figures() -> None:
    from scanner.render import STEPS_SHOWN, _steps_shown

    steps = [{"id": f"s{i}", "rto_minutes": 30} for i in range(30)]
    steps[25]["rto_minutes"] = "unbounded"
    recovery = {"steps": steps, "estimate": {"rto_path": [steps[20], steps[29]], "rpo_set_by": [steps[27]]}}
    shown = _steps_shown(recovery)
    ids = [st["id"] for st in shown["steps_shown"]]
    assert len(ids) == STEPS_SHOWN and shown["steps_left_out"] == 30 - STEPS_SHOWN
    assert {"s20", "s25", "s27", "s29"} <= set(ids)  # the path, the RPO setter and the unbounded step
    assert ids == sorted(ids, key=lambda i: int(i[1:]))  # still in dependency order
