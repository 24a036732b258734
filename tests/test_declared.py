"""Declared evidence files: formats, LiteLLM mapping, and located errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from scanner.collect.declared import load_airflow, load_declared, load_drills, load_model_gateway, stamp_declared
from scanner.config import load_config
from scanner.errors import InputError

from .conftest import DEMO, run_cli


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_demo_declared_files_load() -> None:
    declared = load_declared(load_config(DEMO / "drready.yaml"))
    assert {d["stamp"] for d in declared["drills"]} == {"storefront", "orders", "assistant"}
    gateway = declared["stamps"]["assistant"]["model_gateway"]
    assert gateway["source"] == "drready" and gateway["degraded_modes"] == [
        {"mode": "cached-answers", "description": gateway["degraded_modes"][0]["description"]}
    ]
    assert gateway["routes"][0]["timeout_seconds"] == 30 and gateway["routes"][0]["retries"]["max"] == 2
    assert {r["queue"] for r in gateway["routes"]} == {"sb-assistant-cus"}  # DR-AI-08 reads it
    assert [r["rate_limit"] for r in gateway["routes"]] == [{"retry_after": True, "on_429": "fallback"}, None]
    assert declared["stamps"]["orders"]["airflow"]["scheduler"]["starts_after"] == ["metadata_db", "dag_storage"]
    orders = declared["stamps"]["orders"]["airflow"]
    assert orders["broker"] == {"type": "none", "resource": None}  # DR-K8S-10 reads both
    assert orders["xcom_backend"] == {"type": "storage", "resource": "stnwordersdagscus"}


def test_litellm_router_config_maps_to_routes() -> None:
    gateway = load_model_gateway(DEMO / "copilot-litellm.yaml")
    assert gateway["source"] == "litellm" and gateway["degraded_modes"] == []
    chat = next(r for r in gateway["routes"] if r["name"] == "copilot-chat")
    assert (chat["provider"], chat["model"], chat["region"]) == ("azure", "gpt-4o-mini", "centralus")
    assert chat["retries"] == {"max": 2, "backoff": "exponential"} and chat["timeout_seconds"] == 30
    assert chat["circuit_breaker"] is None and chat["queue"] is None  # LiteLLM has no queue of its own
    # num_retries wait out Retry-After, then the router falls back (DR-AI-09)
    assert chat["rate_limit"] == {"retry_after": True, "on_429": "fallback"}
    backup = next(r for r in gateway["routes"] if r["name"] == "copilot-chat-backup")
    assert backup["rate_limit"] == {"retry_after": True, "on_429": "retry"}
    assert [(f["model"], f["region"]) for f in chat["fallbacks"]] == [("gpt-4o-mini-2", "centralus")]


def test_declared_endpoints_become_hosts(tmp_path: Path) -> None:
    """DR-NET-06 compares hosts with firewall FQDNs: a URL, a bare host and LiteLLM's api_base all give one."""
    text = (
        "schema: drready.model-gateway/v1\nroutes:\n"
        "  - name: chat\n    model: gpt-4o\n    provider: azure-openai\n"
        "    endpoint: https://OAI-Chat.openai.azure.com/openai/deployments/gpt-4o\n"
        "    fallbacks:\n      - {model: claude, provider: anthropic, endpoint: api.anthropic.com}\n"
        "      - {model: gpt-4o-mini, provider: openai}\n"
    )
    route = load_model_gateway(write(tmp_path, "gw.yaml", text))["routes"][0]
    assert route["endpoint"] == "oai-chat.openai.azure.com"
    assert [f["endpoint"] for f in route["fallbacks"]] == ["api.anthropic.com", None]
    chat = next(r for r in load_model_gateway(DEMO / "copilot-litellm.yaml")["routes"] if r["name"] == "copilot-chat")
    assert chat["endpoint"] == "oai-copilot-cus.openai.azure.com"


def test_litellm_cooldown_counts_as_circuit_breaker(tmp_path: Path) -> None:
    text = (DEMO / "copilot-litellm.yaml").read_text() + "  allowed_fails: 3\n  cooldown_time: 60\n"
    gateway = load_model_gateway(write(tmp_path, "gw.yaml", text))
    assert gateway["routes"][0]["circuit_breaker"] == {"failures": 3, "cooldown": 60}


def test_litellm_unknown_fallback_is_located(tmp_path: Path) -> None:
    text = (DEMO / "copilot-litellm.yaml").read_text().replace("[copilot-chat-backup]", "[nope]")
    with pytest.raises(InputError) as info:
        load_model_gateway(write(tmp_path, "gw.yaml", text))
    assert "router_settings.fallbacks: fallback 'nope' is not a model_name" in info.value.one_line()
    assert info.value.location == 17


@pytest.mark.parametrize(
    ("text", "location", "fragment"),
    [
        ("schema: drready.model-gateway/v2\nroutes: []\n", 1, "schema"),
        (
            "schema: drready.model-gateway/v1\nroutes:\n  - {name: chat, model: m, provider: p, timeout: soon}\n",
            3,
            "routes[0].timeout: 'soon' is not a duration",
        ),
        (
            "schema: drready.model-gateway/v1\nroutes:\n  - name: chat\n    model: m\n    provider: p\n    retry: 3\n",
            6,
            "routes[0].retry: unknown field",
        ),
        ("schema: drready.model-gateway/v1\nroutes: []\ndegraded_mode: {mode: apologise}\n", 3, "degraded_mode.mode"),
        (
            "schema: drready.model-gateway/v1\nroutes:\n  - name: chat\n    model: m\n    provider: p\n"
            "    fallbacks:\n      - {model: m, provider: q, endpoint: 42}\n",
            7,
            "routes[0].fallbacks[0].endpoint",
        ),
        (
            "schema: drready.model-gateway/v1\nroutes:\n  - {name: chat, model: m, provider: p, endpoint: 'https://'}\n",
            3,
            "names no host",
        ),
        (
            "schema: drready.model-gateway/v1\nroutes:\n  - name: chat\n    model: m\n    provider: p\n"
            "    queue: [sb-one, sb-two]\n",
            6,
            "routes[0].queue",
        ),
        (
            "schema: drready.model-gateway/v1\nroutes:\n  - name: chat\n    model: m\n    provider: p\n"
            "    rate_limit: {retry_after: true, on_429: shrug}\n",
            6,
            "routes[0].rate_limit.on_429",
        ),
    ],
)
def test_model_gateway_errors_name_line_and_field(tmp_path: Path, text: str, location: int, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        load_model_gateway(write(tmp_path, "gw.yaml", text))
    assert info.value.location == location and fragment in info.value.one_line()


def test_airflow_and_drill_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"dag_storage.type"):
        load_airflow(
            write(tmp_path, "a.yaml", "schema: drready.airflow/v1\nmetadata_db: db\ndag_storage: {type: s3}\n")
        )
    broker = "schema: drready.airflow/v1\nmetadata_db: db\ndag_storage: {type: git}\nbroker: {type: kafka}\n"
    with pytest.raises(InputError) as info:
        load_airflow(write(tmp_path, "a.yaml", broker))
    assert info.value.location == 4 and "broker.type" in info.value.one_line()
    default = load_airflow(write(tmp_path, "a.yaml", broker.replace("kafka", "none")))
    assert default["xcom_backend"] == {"type": "database", "resource": None}  # Airflow's own default
    config = load_config(DEMO / "drready.yaml")
    drills = (
        "schema: drready.drills/v1\ndrills:\n  - stamp: nowhere\n    date: 2026-01-01\n"
        "    measured: {rto: 1h, rpo: 5m}\n"
    )
    with pytest.raises(InputError) as info:
        load_drills(write(tmp_path, "d.yaml", drills), config)
    assert info.value.location == 3 and "drills[0].stamp: no stamp named 'nowhere'" in info.value.one_line()
    bad_date = drills.replace("nowhere", "orders").replace("2026-01-01", "last tuesday")
    with pytest.raises(InputError, match=r"drills\[0\].date"):
        load_drills(write(tmp_path, "d.yaml", bad_date), config)
    bad_mode = drills.replace("nowhere", "assistant") + "    scenario: degraded-mode\n    mode: apologise\n"
    with pytest.raises(InputError) as info:
        load_drills(write(tmp_path, "d.yaml", bad_mode), config)
    assert info.value.location == 7 and "drills[0].mode" in info.value.one_line()


def test_several_degraded_modes_and_the_mode_a_drill_exercised_reach_the_policies(tmp_path: Path) -> None:
    """DR-AI-05 wants a drill of each declared mode: both spellings give one list, and drills keep their mode."""
    text = (
        "schema: drready.model-gateway/v1\nroutes: []\ndegraded_mode: {mode: cached-answers}\n"
        "degraded_modes:\n  - {mode: smaller-model, description: gpt-4o-mini}\n"
    )
    gateway = load_model_gateway(write(tmp_path, "gw.yaml", text))
    assert [m["mode"] for m in gateway["degraded_modes"]] == ["cached-answers", "smaller-model"]
    drill = {"stamp": "s", "date": "2026-11-01", "scenario": "degraded-mode", "mode": "smaller-model"}
    shaped = stamp_declared(
        {"drills": [drill | {"measured": {"rto": 2, "rpo": 0}}]}, "s", "standard", None, date(2026, 11, 26)
    )
    assert shaped["degraded_mode_drills"][0]["mode"] == "smaller-model"


def test_drill_ages_and_intervals_are_computed_for_the_policies() -> None:
    declared = {
        "drills": [
            {"stamp": "s", "date": "2026-10-01", "scenario": "region-failover", "measured": {"rto": 30, "rpo": 5}},
            {"stamp": "s", "date": "2026-11-01", "scenario": "region-failover", "measured": {"rto": 20, "rpo": 5}},
            {"stamp": "s", "date": "2026-09-01", "scenario": "degraded-mode", "measured": {"rto": 2, "rpo": 0}},
            {"stamp": "other", "date": "2026-11-20", "scenario": "region-failover", "measured": {"rto": 1, "rpo": 1}},
        ]
    }
    shaped = stamp_declared(declared, "s", "mission-critical", None, date(2026, 11, 26))
    assert [d["age_days"] for d in shaped["drills"]] == [25, 56]
    assert shaped["drills"][0]["measured"] == {"rto_minutes": 20, "rpo_minutes": 5}
    assert [d["age_days"] for d in shaped["degraded_mode_drills"]] == [86]
    assert shaped["drill_interval_days"] == 90
    assert stamp_declared(declared, "s", "standard", None, date(2026, 11, 26))["drill_interval_days"] == 180
    assert stamp_declared(declared, "s", "standard", 30 * 1440, date(2026, 11, 26))["drill_interval_days"] == 30


def test_bad_declared_file_fails_the_scan_with_its_location(demo_copy: Path, tmp_path: Path) -> None:
    gateway = demo_copy / "model-gateway.yaml"
    gateway.write_text(gateway.read_text().replace("timeout: 30s", "timeout: thirty"))
    out = tmp_path / "out"
    result = run_cli(
        "scan",
        "--config",
        str(demo_copy / "drready.yaml"),
        "--snapshot",
        str(demo_copy / "snapshot.json"),
        "--out",
        str(out),
    )
    assert result.exit_code == 2
    assert "model-gateway.yaml:8: routes[0].timeout" in result.output
    assert not out.exists()


def test_findings_on_declared_evidence_say_so(tmp_path: Path) -> None:
    run_cli("scan", "--demo", "--out", str(tmp_path), "--format", "json,md")
    findings = json.loads((tmp_path / "result.json").read_text())["findings"]
    declared = {f["control"] for f in findings if f["declared"]}
    assert {"DR-OPS-01", "DR-AI-01", "DR-AI-05", "DR-K8S-07"} <= declared
    assert not any(f["declared"] for f in findings if f["control"] == "DR-WEB-01")
    assert "(declared, not observed)" in (tmp_path / "report.md").read_text()


def test_a_broker_or_xcom_store_without_its_resource_is_located(tmp_path: Path) -> None:
    for tail, field in (("broker: {type: redis}\n", "broker"), ("xcom_backend: {type: storage}\n", "xcom_backend")):
        text = "schema: drready.airflow/v1\nmetadata_db: db\ndag_storage: {type: git}\n" + tail
        with pytest.raises(InputError) as info:
            load_airflow(write(tmp_path, "a.yaml", text))
        assert info.value.location == 4 and field in info.value.one_line() and "resource" in info.value.one_line()


def test_a_mode_given_both_ways_counts_once(tmp_path: Path) -> None:
    text = (
        "schema: drready.model-gateway/v1\nroutes: []\ndegraded_mode: {mode: read-only, description: first}\n"
        "degraded_modes:\n  - {mode: read-only, description: second}\n"
    )
    assert load_model_gateway(write(tmp_path, "gw.yaml", text))["degraded_modes"] == [
        {"mode": "read-only", "description": "first"}
    ]
