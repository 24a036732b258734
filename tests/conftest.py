"""Shared test helpers: paths to the repository, ../shared fixtures, the demo, and a CLI runner."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from scanner.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DRREADY_SHARED", REPO.parent / "shared"))
ARM = SHARED / "fixtures" / "arm-examples"
DEMO = REPO / "examples" / "demo"
POLICIES = REPO / "policies"


def require_shared() -> None:
    """The published fixtures sit beside the checkout (../shared); only a run that says it has no
    copy of them (DRREADY_ALLOW_MISSING_SHARED, as on GitHub) may skip these tests."""
    if not ARM.is_dir():
        if os.environ.get("DRREADY_ALLOW_MISSING_SHARED"):
            pytest.skip(f"shared fixtures not found at {ARM}")
        pytest.fail(f"shared fixtures not found at {ARM} (set DRREADY_SHARED)")


def arm(rel: str) -> dict[str, Any]:
    """An unmodified ARM example body from ../shared/fixtures/arm-examples."""
    require_shared()
    return json.loads((ARM / rel).read_text(encoding="utf-8"))


def venv_tool(name: str) -> str | None:
    """A tool scripts/install-tools.sh put in the virtualenv's bin folder, else one on PATH."""
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else shutil.which(name)


def opa_binary() -> str:
    """The opa that scripts/install-tools.sh built into the virtualenv, else one on PATH or in ~/go/bin."""
    found = venv_tool("opa") or shutil.which(str(Path.home() / "go" / "bin" / "opa"))
    if not found and os.environ.get("DRREADY_REQUIRE_OPA"):
        pytest.fail("opa is required (DRREADY_REQUIRE_OPA is set) but not found: run make tools (needs Go)")
    if not found:
        pytest.skip("opa not found: make tools builds it when Go is installed")
    return found


def run_cli(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env={"SOURCE_DATE_EPOCH": "1795000000", **(env or {})})


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    """A writable copy of the demo folder (config, snapshot and declared files)."""
    for path in DEMO.glob("*.*"):
        if path.suffix in (".yaml", ".json"):
            shutil.copy(path, tmp_path / path.name)
    return tmp_path


def opa_eval_all(opa: str, controls: list[Any], doc: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
    """Every control's results on OPA in one process (a control whose results are undefined is left out)."""
    (tmp_path / "input.json").write_text(json.dumps(doc))
    where = {c.id: c.package.split(".")[2:] for c in controls}
    query = f"{{cid: r | some cid, p in {json.dumps(where)}; r := data.drready.controls[p[0]][p[1]].results}}"
    run = subprocess.run(
        [opa, "eval", "-d", str(POLICIES), "-i", str(tmp_path / "input.json"), "--format", "json", query],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)["result"][0]["expressions"][0]["value"]
