"""The GitHub Action (action.yml), its Azure DevOps template and the CI examples that use them: their
script steps run here as the runners would run them, on fixture files, with collection pointed at the
local emulator and the pull-request comment at a local GitHub API emulator."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import DEMO, REPO, SHARED, require_shared
from .emulator import Emulator

ACTION = yaml.safe_load((REPO / "action.yml").read_text())
WORKFLOWS = [
    REPO / ".github" / "workflows" / "drready-nightly.yml",
    REPO / ".github" / "workflows" / "drready-gate.yml",
]
PIPELINE = REPO / "examples" / "ci" / "azure-pipelines.yml"
TEMPLATE = REPO / "examples" / "ci" / "drready-steps.yml"
RUN_ENV = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "run")["env"]


def action_step(workflow: Path) -> dict[str, Any]:
    steps = yaml.safe_load(workflow.read_text())["jobs"]
    [step] = [s for job in steps.values() for s in job["steps"] if str(s.get("uses", "")).startswith("drready/")]
    assert re.fullmatch(r"drready/drready@v\d+\.\d+\.\d+", step["uses"]), "pin the action to a release tag"
    return step


def inputs_for(with_: dict[str, Any]) -> dict[str, str]:
    unknown = set(with_) - set(ACTION["inputs"])
    assert not unknown, f"the example passes inputs action.yml does not declare: {unknown}"
    return {name: str(with_.get(name, spec.get("default", ""))) for name, spec in ACTION["inputs"].items()}


def run_env(inputs: dict[str, str]) -> dict[str, str]:
    """The run step's environment as the runner builds it from `${{ inputs.x }}`."""
    out = {}
    for key, expression in RUN_ENV.items():
        name = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", expression).group(1)  # type: ignore[union-attr]
        out[key] = inputs[name]
    return out


def workspace(tmp_path: Path) -> Path:
    """A repository checkout as the examples expect it: drready.yaml, declared files and plans."""
    require_shared()
    folder = tmp_path / "repo"
    folder.mkdir()
    for f in DEMO.glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    shutil.copy(SHARED / "fixtures" / "terraform-plan" / "psrule-rules-azure-tfplan.json", folder / "plan.json")
    shutil.copy(
        SHARED / "fixtures" / "whatif" / "azure-cli-test_resource_group_level_what_if.json", folder / "whatif.json"
    )
    return folder


def run_script(script: Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    return subprocess.run(
        ["bash", str(script)], env={**os.environ, "PATH": path, **env}, cwd=cwd, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


def outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def run_action(inputs: dict[str, str], folder: Path, emu: Emulator) -> tuple[dict[str, str], int]:
    """The action's run step, then its verdict step; returns the step outputs and the job's exit code."""
    env = run_env(inputs)
    env["DRREADY_AUTH"] = "token"
    env["DRREADY_EXTRA_ARGS"] = " ".join(emu.cli_args()[2:])
    step_outputs = folder / "github_output"
    step_outputs.write_text("")
    run = run_script(REPO / "action" / "run.sh", {**env, "GITHUB_OUTPUT": str(step_outputs),
                     "AZURE_ACCESS_TOKEN": "ci", "RUNNER_TEMP": str(folder)}, folder)  # fmt: skip
    assert run.returncode == 0, run.stderr
    found = outputs(step_outputs)
    verdict = run_script(REPO / "action" / "verdict.sh", {"CODE": found.get("exit-code", ""),
                         "ALLOWED": inputs["allowed-exit-codes"]}, folder)  # fmt: skip
    return found, verdict.returncode


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_each_example_workflow_runs_the_action_on_fixtures(workflow: Path, tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    inputs = inputs_for(action_step(workflow)["with"])
    with Emulator(json.loads((DEMO / "snapshot.json").read_text()), tmp_path) as emu:
        found, job = run_action(inputs, folder, emu)
    code = int(found["exit-code"])
    assert code in (0, 1), found  # the demo has known gaps; never a usage, input or sign-in error
    files = {p.name for p in Path(folder / found["out"]).iterdir()}
    if inputs["mode"] == "gate":
        assert {"gate.md", "gate.json", "gate.sarif"} <= files and found["comment"].endswith("gate.md")
    else:
        assert {"results.sarif", "summary.md", "junit.xml", "report.xlsx"} <= files
    assert (job == 0) == (str(code) in inputs["allowed-exit-codes"].split(","))


def test_after_exit_2_no_later_step_has_an_input_and_the_job_fails(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    (folder / "drready.yaml").write_text("version: 1\nstamps: nope\n")
    inputs = inputs_for({"mode": "scan", "allowed-exit-codes": "0,1"})
    with Emulator(json.loads((DEMO / "snapshot.json").read_text()), tmp_path) as emu:
        found, job = run_action(inputs, folder, emu)
    assert found == {"exit-code": "2"} and job == 2  # no out, sarif or comment: those steps are skipped


def test_no_credentials_fails_the_nightly_job(tmp_path: Path) -> None:
    folder = workspace(tmp_path)
    inputs = inputs_for(action_step(WORKFLOWS[0])["with"])
    env = run_env(inputs) | {"GITHUB_OUTPUT": str(folder / "out.txt"), "PATH": f"{Path(sys.executable).parent}"}
    (folder / "out.txt").write_text("")
    run = subprocess.run(["/bin/bash", str(REPO / "action" / "run.sh")], env=env, cwd=folder, capture_output=True,
                         text=True, timeout=300, check=False)  # fmt: skip
    assert run.returncode == 0 and outputs(folder / "out.txt")["exit-code"] == "2", run.stdout + run.stderr
    assert "sign in" in run.stderr


def test_action_yml_is_consistent() -> None:
    text = (REPO / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([a-z-]+)", text))
    assert used <= set(ACTION["inputs"]), used - set(ACTION["inputs"])
    script = (REPO / "action" / "run.sh").read_text()
    read = set(re.findall(r"\$\{(DRREADY_[A-Z_]+)", script)) - {"DRREADY_OUTPUTS"}
    assert read == set(RUN_ENV), read ^ set(RUN_ENV)
    for output in re.findall(r"steps\.run\.outputs\.([a-z-]+)", text):
        assert f'echo "{output}=' in script, output
    assert int(ACTION["inputs"]["retention-days"]["default"]) <= 90


def test_the_azure_devops_template_runs_the_same_scripts(tmp_path: Path) -> None:
    pipeline = yaml.safe_load(PIPELINE.read_text())
    template = yaml.safe_load(TEMPLATE.read_text())
    declared = {p["name"] for p in template["parameters"]}
    uses = [s for stage in pipeline["stages"] for job in stage["jobs"] for s in job["steps"] if "template" in s]
    assert {u["template"] for u in uses} == {"examples/ci/drready-steps.yml@drready"}
    for use in uses:
        assert set(use["parameters"]) <= declared
    scripts = " ".join(str(s.get("script", "")) + str((s.get("inputs") or {}).get("inlineScript", ""))
                       for s in template["steps"])  # fmt: skip
    assert "action/run.sh" in scripts and "action/verdict.sh" in scripts
    env = next(s for s in template["steps"] if s.get("task") == "AzureCLI@2")["env"]
    assert set(env) <= set(RUN_ENV)


class GitHubApi:
    """Enough of GitHub's REST API for the comment step: issue comments, listed 2 per page."""

    def __init__(self) -> None:
        self.comments: list[dict[str, Any]] = [{"id": 1, "body": "a human's comment"}, {"id": 2, "body": "lgtm"}]
        self.calls: list[tuple[str, str]] = []
        self.refuse = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: Any, link: str = "") -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if link:
                    self.send_header("Link", link)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                api.calls.append(("GET", self.path))
                found = re.search(r"[?&]page=(\d+)", self.path)
                page = int(found.group(1)) if found else 1
                chunk = api.comments[(page - 1) * 2 : page * 2]
                more = len(api.comments) > page * 2
                base = self.path.split("?")[0]
                link = f'<http://{self.headers["Host"]}{base}?per_page=100&page={page + 1}>; rel="next"' if more else ""
                self._send(200, chunk, link)

            def _body(self) -> dict[str, Any]:
                return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

            def do_POST(self) -> None:
                api.calls.append(("POST", self.path))
                if api.refuse:
                    self._send(403, {"message": "Resource not accessible by integration"})
                    return
                comment = {"id": len(api.comments) + 1, "body": self._body()["body"]}
                api.comments.append(comment)
                self._send(201, comment)

            def do_PATCH(self) -> None:
                api.calls.append(("PATCH", self.path))
                cid = int(self.path.rsplit("/", 1)[1])
                comment = next(c for c in api.comments if c["id"] == cid)
                comment["body"] = self._body()["body"]
                self._send(200, comment)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def comment(api: GitHubApi, tmp_path: Path, text: str, mode: str = "gate") -> subprocess.CompletedProcess[str]:
    (tmp_path / "event.json").write_text(json.dumps({"pull_request": {"number": 7}}))
    (tmp_path / "gate.md").write_text(text)
    env = {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "o/r", "GITHUB_EVENT_PATH": str(tmp_path / "event.json"),
           "GITHUB_API_URL": api.url, "DRREADY_COMMENT": str(tmp_path / "gate.md"), "DRREADY_MODE": mode}  # fmt: skip
    return subprocess.run([sys.executable, str(REPO / "action" / "comment.py")], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip


def test_the_pull_request_comment_is_one_comment_updated_on_every_push(tmp_path: Path) -> None:
    api = GitHubApi()
    try:
        first = comment(api, tmp_path, "no DR regression")
        assert first.returncode == 0 and "created" in first.stdout
        api.comments += [{"id": 10, "body": "more talk"}, {"id": 11, "body": "and more"}]  # pushes it to page 2
        second = comment(api, tmp_path, "DR regression: storage")
        assert second.returncode == 0 and "updated" in second.stdout, second.stdout + second.stderr
        ours = [c for c in api.comments if "<!-- drready:gate -->" in c["body"]]
        assert len(ours) == 1 and ours[0]["body"].endswith("DR regression: storage")
        assert any("page=2" in path for method, path in api.calls if method == "GET")
        third = comment(api, tmp_path, "nightly summary", mode="scan")  # another mode: its own comment
        assert "created" in third.stdout and len([c for c in api.comments if "<!-- drready:" in c["body"]]) == 2
        huge = comment(api, tmp_path, "y" * 70_000, mode="big")
        assert huge.returncode == 0 and len(api.comments[-1]["body"]) <= 65_000
        api.refuse = True
        forked = comment(api, tmp_path, "x", mode="other")
        assert forked.returncode == 0 and "::warning::" in forked.stdout
    finally:
        api.server.shutdown()
