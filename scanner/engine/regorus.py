"""The regorus engine: Microsoft's Rust Rego interpreter (crates.io `regorus`, pinned in
native/regorus/Cargo.toml) through drready's own small extension, `drready_regorus`.

The policies and data are loaded once; each worker thread evaluates on its own copy, and the extension
releases the GIL while regorus works, so stamps evaluate on as many cores as there are threads. Each
control is one rule evaluation, so an error names the control's policy file. Strict built-in errors are
on, as in the other engines.
"""

from __future__ import annotations

import threading
from typing import Any

import orjson

from scanner.catalogue import Control, Policies
from scanner.errors import EngineError, PolicyError

try:
    import drready_regorus
except ImportError:  # not built here: make_engine falls back to rego-cpp and says so
    drready_regorus = None


def available() -> bool:
    return drready_regorus is not None


class RegorusEngine:
    name = "regorus"

    def __init__(self, policies: Policies) -> None:
        if drready_regorus is None:
            raise EngineError("(engine)", "the regorus engine is not built (make regorus builds it with cargo)")
        base = drready_regorus.Engine()
        for rel, source in policies.modules.items():
            try:
                base.add_policy(rel, source)
            except ValueError as exc:
                raise EngineError(rel, f"does not compile: {_first_line(exc)}") from exc
        try:
            base.add_data_json(orjson.dumps(policies.data).decode())
        except ValueError as exc:
            raise EngineError("(policy data)", _first_line(exc)) from exc
        self._base = base
        self._copy_lock = threading.Lock()
        self._local = threading.local()

    def _engine(self) -> Any:
        engine = getattr(self._local, "engine", None)
        if engine is None:
            with self._copy_lock:
                engine = self._local.engine = self._base.copy()
        return engine

    def evaluate(self, controls: list[Control], policy_input: dict[str, Any]) -> dict[str, list[Any] | EngineError]:
        engine = self._engine()
        try:
            engine.set_input_json(orjson.dumps(policy_input).decode())
        except ValueError as exc:
            raise EngineError("(input)", _first_line(exc)) from exc
        return {c.id: self._outcome(engine, c) for c in controls if c.in_rego}  # the others: the recovery graph's

    @staticmethod
    def _outcome(engine: Any, control: Control) -> list[Any] | EngineError:
        """One control's results, or the error it met on this input (the other controls still run)."""
        try:
            text = engine.eval_rule(f"data.{control.package}.results")
        except ValueError as exc:
            message = f"{control.id} failed in the regorus engine: {_first_line(exc)}"
            if "unknown function" in str(exc) or "could not find function" in str(exc):
                raise PolicyError(control.file, message) from exc  # the policy's fault whatever the input
            return EngineError(control.file, message)
        if text is None:
            return []
        results = orjson.loads(text)
        if not isinstance(results, list):
            raise PolicyError(control.file, f"{control.id}: 'results' must be an array or set")
        return results


def _first_line(exc: Exception) -> str:
    """regorus reports "--> file:line:col", the source line with a caret, then "error: what": one line
    of where and what."""
    lines = [line.strip() for line in str(exc).strip().splitlines()]
    where = next((line.removeprefix("--> ") for line in lines if line.startswith("--> ")), "")
    what = next((line.removeprefix("error: ") for line in lines if line.startswith("error: ")), "")
    if not what:
        return lines[0] if lines else "no message"
    return f"{where}: {what}" if where else what
