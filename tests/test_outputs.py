"""--out is replaced as a set: a failed or killed run leaves the previous set whole, a finished one the
new set whole; the user's own files in --out stay; two runs into one folder take turns."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from scanner import outputs
from scanner.errors import InputError
from scanner.outputs import output_set

from .conftest import run_cli

DRREADY = str(Path(sys.executable).parent / "drready")


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def write_set(out: Path, files: dict[str, str]) -> None:
    with output_set(out) as stage:
        for name, text in files.items():
            (stage / name).write_text(text)


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.") and "lock" not in p.name)


def test_a_new_set_replaces_the_old_one_and_keeps_the_users_files(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "gate").mkdir()
    write_set(out, {"report.html": "1", "report.xlsx": "1"})
    write_set(out, {"report.md": "2"})
    names = {p.name for p in out.iterdir()}
    assert names == {"notes.txt", "gate", "report.md", outputs.MANIFEST}  # the old set's xlsx is gone
    assert (out / "notes.txt").read_text() == "mine" and leftovers(out) == []
    assert oct(out.stat().st_mode & 0o777) != oct(0o700)


def test_a_failed_run_leaves_the_previous_set_and_creates_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError), output_set(out) as stage:
        (stage / "report.md").write_text("half")
        raise RuntimeError
    assert not out.exists() and leftovers(out) == []
    write_set(out, {"report.md": "old"})
    before = contents(out)
    with pytest.raises(RuntimeError), output_set(out) as stage:
        (stage / "report.md").write_text("new")
        raise RuntimeError
    assert contents(out) == before


def _crash_at(monkeypatch: pytest.MonkeyPatch, call: int) -> None:
    """Let os.rename and the atomic swap succeed `call` times, then end the run as a kill would."""
    count = {"n": 0}
    real_rename, real_exchange = os.rename, outputs._exchange

    def step(real: Any) -> Any:
        def run(*args: Any) -> Any:
            count["n"] += 1
            if count["n"] > call:
                raise KeyboardInterrupt  # not an Exception: nothing of drready's tidies up after it
            return real(*args)

        return run

    monkeypatch.setattr(os, "rename", step(real_rename))
    monkeypatch.setattr(outputs, "_exchange", step(real_exchange))
    monkeypatch.setattr(outputs.shutil, "rmtree", lambda *a, **k: None)  # a killed run removes nothing


@pytest.mark.parametrize("exchange", [True, False])
@pytest.mark.parametrize("call", range(4))
def test_a_run_cut_at_any_step_leaves_a_whole_set_and_the_next_run_repairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: int, exchange: bool
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "extra").mkdir()
    write_set(out, {"a.md": "old", "b.md": "old"})
    if not exchange:
        monkeypatch.setattr(outputs, "_exchange", lambda a, b: False)
    with monkeypatch.context() as patched:
        _crash_at(patched, call)
        with contextlib.suppress(KeyboardInterrupt):
            write_set(out, {"a.md": "new", "b.md": "new"})
    texts = {(out / n).read_text() for n in ("a.md", "b.md") if (out / n).exists()} if out.exists() else set()
    assert texts in ({"old"}, {"new"}, set()), texts  # set(): between the two renames of the fallback
    write_set(out, {"a.md": "next", "b.md": "next"})  # the next run tidies first
    assert {(out / n).read_text() for n in ("a.md", "b.md")} == {"next"}
    assert (out / "notes.txt").read_text() == "mine" and (out / "extra").is_dir()
    assert leftovers(out) == []


def test_a_killed_report_leaves_a_whole_set(tmp_path: Path) -> None:
    """Real SIGKILLs at spread moments of `drready report`: after each, --out holds one whole set."""
    results = []
    for epoch in ("1795000000", "1795000999"):
        path = tmp_path / f"result-{epoch}.json"
        assert run_cli("evaluate", "--demo", "--out", str(path), "-q", env={"SOURCE_DATE_EPOCH": epoch}).exit_code
        results.append(path)
    out = tmp_path / "out"
    command = [DRREADY, "report", "--out", str(out), "--format", "html,md,json,csv,xlsx", "-q", "--result"]
    subprocess.run([*command, str(results[0])], check=False, capture_output=True)
    sets = [contents(out)]
    subprocess.run([*command, str(results[1])], check=False, capture_output=True)
    sets.append(contents(out))
    assert sets[0] != sets[1]
    for i, delay in enumerate((0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1, 2.4)):
        run = subprocess.Popen([*command, str(results[i % 2])], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert contents(out) in sets
    assert subprocess.run([*command, str(results[0])], check=False, capture_output=True).returncode == 1
    assert contents(out) == sets[0] and leftovers(out) == []


def test_two_runs_into_one_folder_take_turns_and_a_held_lock_times_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    done: list[str] = []

    def slow(tag: str) -> None:
        with output_set(out) as stage:
            for name in ("a", "b", "c"):
                (stage / name).write_text(tag)
                time.sleep(0.2)
        done.append(tag)

    workers = [threading.Thread(target=slow, args=(tag,)) for tag in ("x", "y")]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert sorted(done) == ["x", "y"]
    assert len({(out / n).read_text() for n in "abc"}) == 1  # one run's whole set, not a mix

    import fcntl

    with open(tmp_path / ".out.lock", "a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        monkeypatch.setenv(outputs.LOCK_WAIT, "0.5")
        with pytest.raises(InputError, match="another drready run is writing"):
            write_set(out, {"a": "z"})
    assert (out / "a").read_text() in ("x", "y")


def test_out_naming_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    result = run_cli("report", "--result", str(_demo_result(tmp_path)), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "--out" in result.output and (tmp_path / "out").read_text() == "a file"


def _demo_result(tmp_path: Path) -> Path:
    path = tmp_path / "result.json"
    run_cli("evaluate", "--demo", "--out", str(path), "-q")
    json.loads(path.read_text())
    return path
