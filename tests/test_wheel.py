"""The wheel carries policies/, reports/ and the demo: build it, install it in a fresh venv, run the demo."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

from .conftest import REPO


def test_installed_wheel_runs_the_demo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)], check=True, capture_output=True
    )
    [wheel] = dist.glob("drready-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run([bin_dir / "pip", "install", "--quiet", str(wheel)], check=True, capture_output=True)
    workdir = tmp_path / "elsewhere"  # not the checkout: assets must come from the wheel
    workdir.mkdir()
    run = subprocess.run(
        [bin_dir / "drready", "scan", "--demo", "--out", "out"], cwd=workdir, capture_output=True, text=True
    )
    assert run.returncode == 1, run.stderr
    assert "storefront" in run.stdout and "not_ready" in run.stdout
    assert "stnwstorefrontuicus" in (workdir / "out" / "report.html").read_text()
    listed = subprocess.run([bin_dir / "drready", "policies", "list"], cwd=workdir, capture_output=True, text=True)
    assert "DR-K8S-05" in listed.stdout
    located = subprocess.run(
        [bin_dir / "python", "-c", "from scanner.assets import asset_dir; print(asset_dir('policies'))"],
        cwd=workdir,
        capture_output=True,
        text=True,
    )
    assert "site-packages/scanner/_assets/policies" in located.stdout
