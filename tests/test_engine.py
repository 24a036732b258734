"""The embedded engine against the real OPA binary: Rego tests, real ARM bodies, broken policies."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scanner.catalogue import load_policies
from scanner.collect.declared import stamp_declared
from scanner.engine.embedded import EmbeddedEngine
from scanner.errors import EngineError

from .conftest import POLICIES, arm, opa_binary, opa_eval_all, run_cli

# The Rego test rules run on the real OPA binary (`opa test`, in make test). They cannot yet run on
# rego-cpp 1.5.2 as well: its `with input as` crashes the process (segmentation fault) when the rule
# under test builds an object from input, as every control's evidence does. Parity is proven below
# by evaluating the same inputs with `opa eval` and with the embedded engine.


STAMP = {"name": "s", "kind": "kubernetes", "tier": "standard", "targets": {"rpo_minutes": 15, "rto_minutes": 240}}
REAL_BODIES = [
    ("storage/storage-account-get-properties-grs.json", "eastus2", "centralus"),
    ("storage/storage-account-get-expand-georeplicationstats.json", "eastus2", "centralus"),
    ("keyvault/vault-get.json", "westus", "eastus"),
    ("documentdb/database-account-get.json", "westus", "eastus"),
    ("documentdb/database-account-create-multi-region.json", "southcentralus", "northcentralus"),
    ("dbforpostgresql/flexible-server-get.json", "westus", "eastus"),
    ("dbforpostgresql/flexible-server-zone-redundant-ha-geo-backup.json", "westus", "eastus"),
    ("dbforpostgresql/flexible-server-read-replica.json", "westus", "eastus"),
]


def policy_input(rel: str, primary: str, secondary: str) -> dict[str, Any]:
    return {
        "stamp": STAMP | {"primary_region": primary, "secondary_region": secondary},
        "resources": [arm(rel)],
        "children": {},
        "pairs": [],
        "authorization": [],
        "declared": stamp_declared({}, "s", "standard", None, date(2026, 11, 26)),
    }


@pytest.mark.parametrize(("rel", "primary", "secondary"), REAL_BODIES)
def test_real_arm_bodies_give_the_same_results_on_both_engines(
    rel: str, primary: str, secondary: str, tmp_path: Path
) -> None:
    policies = load_policies(POLICIES)
    doc = policy_input(rel, primary, secondary)
    embedded = EmbeddedEngine(policies).evaluate(policies.rego_controls, doc)
    assert sum(len(v) for v in embedded.values()) >= 2  # the resource's control and DR-REG-01
    opa = opa_binary()
    if not opa:
        pytest.skip("opa not installed")
    on_opa = opa_eval_all(opa, policies.rego_controls, doc, tmp_path)
    key = lambda r: (r["resource"], r["status"], r["message"])  # noqa: E731
    for control in policies.rego_controls:
        assert sorted(on_opa.get(control.id, []), key=key) == sorted(embedded[control.id], key=key), control.id


def test_real_bodies_verdicts() -> None:
    """What the published examples say, read by the controls."""
    policies = load_policies(POLICIES)
    engine = EmbeddedEngine(policies)

    def status(rel: str, control: str, primary: str = "westus", secondary: str = "eastus") -> str:
        [result] = engine.evaluate([policies.control(control)], policy_input(rel, primary, secondary))[control]
        return result["status"]

    assert status("storage/storage-account-get-properties-grs.json", "DR-WEB-01", "eastus2", "centralus") == "pass"
    assert status("keyvault/vault-get.json", "DR-KV-01") == "fail"  # no soft-delete/purge flags
    assert status("documentdb/database-account-get.json", "DR-K8S-04") == "fail"  # one region
    assert status("documentdb/database-account-create-multi-region.json", "DR-K8S-04", "southcentralus") == "fail"
    assert status("dbforpostgresql/flexible-server-get.json", "DR-K8S-05") == "pass"  # geo-backup to the pair
    assert status("dbforpostgresql/flexible-server-get.json", "DR-K8S-05", "westus", "westus2") == "fail"
    assert status("dbforpostgresql/flexible-server-read-replica.json", "DR-K8S-05") == "not_applicable"


def broken_policies(tmp_path: Path, body: str) -> Path:
    root = tmp_path / "policies"
    shutil.copytree(POLICIES, root)
    (root / "controls" / "web" / "dr_web_99.rego").write_text(
        "# METADATA\n# title: broken\n# custom:\n#   id: DR-WEB-99\n#   severity: high\n#   stamps: [web]\n"
        "#   resource_types: [microsoft.storage/storageaccounts]\npackage drready.controls.web.dr_web_99\n\n" + body
    )
    return root


def test_unknown_builtin_is_an_engine_error_naming_the_file(tmp_path: Path) -> None:
    root = broken_policies(tmp_path, "results := [x | some r in input.resources; x := no.such_builtin(r)]\n")
    engine = EmbeddedEngine(load_policies(root))
    doc = policy_input("storage/storage-account-get-properties-grs.json", "eastus2", "centralus")
    with pytest.raises(EngineError) as info:
        engine.evaluate(load_policies(root).controls, doc)
    assert info.value.policy_file == "controls/web/dr_web_99.rego"
    assert "no.such_builtin" in str(info.value)


def test_unsupported_builtin_is_an_error_not_an_empty_result(tmp_path: Path) -> None:
    root = broken_policies(
        tmp_path,
        'results := [x | some r in input.resources; time.parse_rfc3339_ns("2026-01-01T00:00:00Z") > 0; x := r]\n',
    )
    policies = load_policies(root)
    doc = policy_input("storage/storage-account-get-properties-grs.json", "eastus2", "centralus")
    outcome = EmbeddedEngine(policies).evaluate([policies.control("DR-WEB-99")], doc)["DR-WEB-99"]
    # rego-cpp gives no message here: the control is unknown for this stamp (findings say so), never empty
    assert isinstance(outcome, EngineError) and "dr_web_99.rego" in str(outcome)


def test_syntax_error_names_the_file(tmp_path: Path) -> None:
    root = broken_policies(tmp_path, "results := [x | some r in input.resources; x := \n")
    with pytest.raises(EngineError, match=r"dr_web_99\.rego"):
        EmbeddedEngine(load_policies(root))


def test_metadata_is_read_from_the_rego_text() -> None:
    policies = load_policies(POLICIES)
    folders = {p.parent for p in POLICIES.rglob("cases.yaml")}  # one folder per Rego control
    assert len(policies.rego_controls) == len(folders) >= 36
    assert policies.control("DR-AI-05").stamps == ("genai",)
    web = policies.control("DR-WEB-01")
    assert web.severity == "high" and web.stamps == ("web",)
    assert web.resource_types == ("microsoft.storage/storageaccounts",)
    assert web.related_resources[0].startswith("https://learn.microsoft.com/")
    assert policies.control("DR-REG-01").scope == "stamp"


def test_projection_keeps_what_the_policies_name() -> None:
    from scanner.engine.projection import Projection

    module = """package p
# ignoredInComment: only a comment names it
r := x if {
	x := object.get(input.r, ["properties", "sku", "name"], "")
	input.r.kind == "has # in a string"
	raw := `a "quote inside a raw string
that spans lines`
	input.r[`rawKey`]
	input.r.tags.env == "prod"
}
"""
    projection = Projection.of([module])
    assert {"properties", "sku", "name", "kind", "rawKey", "has # in a string"} <= projection.keys
    assert "ignoredInComment" not in projection.keys
    resource = {
        "name": "a",
        "tags": {"Env": "prod", "cost-center": "not named"},
        "properties": {
            "sku": {"name": "S1", "tier": "dropped"},
            "ignoredInComment": True,
            "list": [{"name": "x", "other": 1}],
            "identities": {"/subscriptions/s/id1": {"clientId": "c"}},
        },
    }
    assert projection.resource(resource) == {
        "name": "a",
        "tags": {"Env": "prod"},  # tag names compare in any case
        # "list" and "identities" are not named: dropped with everything under them. A map none of
        # whose keys is named is kept whole when it is reached through a named key (see below).
        "properties": {"sku": {"name": "S1"}},
    }
    mapped = Projection.of(["x := input.properties.identities.name"])
    assert mapped.resource(resource)["properties"]["identities"] == {"/subscriptions/s/id1": {"clientId": "c"}}


@pytest.mark.parametrize(
    "name",
    ['kv-"quoted"', "kv-back\\slash", "kv-tab\there", "kv-ünïcødé-名前", "kv-plain"],
)
def test_names_that_need_escaping_come_back_unchanged(name: str, tmp_path: Path) -> None:
    """Inputs go in as regopy.Input, except those holding a string JSON must escape (their strings
    would come back unescaped): every such name reaches the message intact, as on OPA."""
    policies = load_policies(POLICIES)
    doc = policy_input("keyvault/vault-get.json", "westus", "eastus")
    doc["resources"][0] |= {"name": name, "location": "westus"}
    [result] = EmbeddedEngine(policies).evaluate([policies.control("DR-KV-01")], doc)["DR-KV-01"]
    assert name in result["message"]
    opa = opa_binary()
    if opa:
        assert opa_eval_all(opa, [policies.control("DR-KV-01")], doc, tmp_path)["DR-KV-01"] == [result]


def _without_regorus(tmp_path: Path) -> dict[str, str]:
    """An environment where importing the regorus extension fails, as on a machine without it built."""
    shadow = tmp_path / "shadow"
    shadow.mkdir(exist_ok=True)
    (shadow / "drready_regorus.py").write_text('raise ImportError("drready_regorus is not built here")\n')
    return {**os.environ, "PYTHONPATH": str(shadow)}


def test_auto_falls_back_to_rego_cpp_once_when_regorus_is_not_built(tmp_path: Path) -> None:
    drready = str(Path(sys.executable).parent / "drready")
    run = subprocess.run([drready, "scan", "--demo", "--out", str(tmp_path / "out"), "--format", "json"],
                         env=_without_regorus(tmp_path), capture_output=True, text=True, timeout=300)  # fmt: skip
    assert run.returncode == 1, run.stderr
    assert run.stderr.count("the regorus engine is not built") == 1
    assert json.loads((tmp_path / "out" / "result.json").read_text())["engine"] == "embedded"
    chosen = subprocess.run([drready, "scan", "--demo", "--out", str(tmp_path / "o2"), "--engine", "regorus"],
                            env=_without_regorus(tmp_path), capture_output=True, text=True, timeout=300)  # fmt: skip
    assert chosen.returncode == 2 and "make regorus" in chosen.stderr and not (tmp_path / "o2").exists()


def test_auto_runs_regorus_when_it_is_built(tmp_path: Path) -> None:
    from scanner.engine import regorus

    if not regorus.available():
        pytest.skip("the regorus extension is not built")
    result = run_cli("scan", "--demo", "--out", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 1 and "not built" not in result.output
    assert json.loads((tmp_path / "out" / "result.json").read_text())["engine"] == "regorus"
