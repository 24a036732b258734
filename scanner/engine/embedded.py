"""The embedded engine: Microsoft's rego-cpp through regopy, in-process.

The policies are compiled once into a bundle; each control is then one entrypoint query per stamp
(about a millisecond each), which also lets an engine error name the control's policy file.
Strict built-in errors are on: otherwise an unknown built-in silently makes a rule undefined.
evaluate() may be called from several threads: each thread gets interpreters of its own, and
regopy's ctypes calls release the GIL, so stamps evaluate in parallel on as many cores.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

import regopy
from regopy import rego_shared as native

from scanner.catalogue import Control, Policies
from scanner.errors import EngineError, PolicyError

# Stamps of up to this many resources are evaluated in one query (a query costs about 1.4 ms before
# any work); larger ones control by control, which measured faster at 200 resources and holds one
# control's intermediate values at a time (an 8,000-resource stamp: 355 MB less at its peak).
COMBINE_UP_TO = 50


def _resource_count(policy_input: dict[str, Any]) -> int:
    by_type = policy_input.get("by_type")
    if isinstance(by_type, dict):
        return sum(len(v) for v in by_type.values())
    return len(policy_input.get("resources") or [])


class EmbeddedEngine:
    name = "embedded"

    def __init__(self, policies: Policies) -> None:
        self._policies = policies
        self._builder = self._interpreter()
        for rel, source in policies.modules.items():
            try:
                self._builder.add_module(rel, source)
            except regopy.RegoError as exc:
                raise EngineError(rel, f"does not compile: {exc}") from exc
        self._builder.add_data(policies.data)
        entrypoints = [c.entrypoint for c in policies.rego_controls]
        try:
            self._bundle = self._builder.build(None, entrypoints) if entrypoints else None
        except regopy.RegoError as exc:
            raise EngineError(self._culprit(), f"does not compile: {exc}") from exc
        if self._bundle is not None and not self._bundle.ok():
            raise EngineError(self._culprit(), "does not compile")
        self._runner = self._interpreter()
        self._combined: dict[tuple[str, ...], Any] = {}
        self._owner: int | None = None
        self._claim = threading.Lock()
        self._local = threading.local()

    def _for_this_thread(self) -> EmbeddedEngine:
        """This engine on the first thread that evaluates with it; on others a copy with interpreters
        of its own."""
        with self._claim:
            if self._owner is None:
                self._owner = threading.get_ident()
        if threading.get_ident() == self._owner:
            return self
        if not hasattr(self._local, "engine"):
            self._local.engine = EmbeddedEngine(self._policies)
        return self._local.engine

    @staticmethod
    def _interpreter() -> regopy.Interpreter:
        interpreter = regopy.Interpreter()
        interpreter.strict_built_in_errors = True
        return interpreter

    def _culprit(self) -> str:
        """Build each control alone to find the module that breaks the bundle."""
        for control in self._policies.rego_controls:
            if not self._builds_alone(control):
                return control.file
        return "(policies)"

    def _builds_alone(self, control: Control) -> bool:
        probe = self._interpreter()
        try:
            for rel, source in self._policies.modules.items():
                probe.add_module(rel, source)
            probe.add_data(self._policies.data)
            return probe.build(None, [control.entrypoint]).ok()
        except regopy.RegoError:
            return False

    def evaluate(self, controls: list[Control], policy_input: dict[str, Any]) -> dict[str, list[Any] | EngineError]:
        engine = self._for_this_thread()
        if engine is not self:
            return engine.evaluate(controls, policy_input)
        controls = [c for c in controls if c.in_rego]  # the others are the recovery graph's
        self._set_input(policy_input)
        if _resource_count(policy_input) <= COMBINE_UP_TO:
            combined = self._query_combined(controls)
            if combined is not None:
                return combined
        return {c.id: self._outcome(c) for c in controls}

    def _outcome(self, control: Control) -> list[Any] | EngineError:
        """One control's results, or the error it met on this input (the other controls still run)."""
        try:
            return self._query(control)
        except PolicyError:
            raise
        except EngineError as exc:
            return exc

    def _set_input(self, policy_input: dict[str, Any]) -> None:
        """regopy.Input builds the input three times faster than parsing JSON text (a 200-resource
        stamp: 32 ms instead of 98 ms), but rego-cpp 1.5.2 then keeps its strings raw and prints them
        unescaped, so the output is not JSON once a string holds a quote, a backslash or a control
        character. Such an input, the only kind whose JSON text has a backslash, goes in as JSON text,
        whose strings rego-cpp holds as escaped tokens."""
        if "\\" in json.dumps(policy_input, ensure_ascii=False):
            self._runner.set_input_term(json.dumps(policy_input))
        else:
            self._runner.set_input(regopy.Input(policy_input))

    def _query_combined(self, controls: list[Control]) -> dict[str, list[Any]] | None:
        """Every control in one query (a query costs about 1.4 ms before any work). None when it fails
        or a control's results are undefined: the per-control queries then say which policy."""
        key = tuple(c.id for c in controls)
        if key not in self._combined:
            fields = ", ".join(f'"{c.id}": data.{c.package}.results' for c in controls)
            try:
                bundle = self._builder.build(f"x = {{{fields}}}", [])
                self._combined[key] = bundle if bundle.ok() else None
            except regopy.RegoError:
                self._combined[key] = None
        bundle = self._combined[key]
        if bundle is None:
            return None
        impl = native.rego_bundle_query(self._runner._impl, bundle._impl)
        try:
            ok = native.rego_output_ok(impl)
            text = native.rego_output_string(impl)
        finally:
            native.rego_free_output(impl)
        if not ok or text.startswith(("<error>", "(error")) or text == "undefined":
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            return None
        row = value[0] if isinstance(value, list) else value
        results = (row.get("bindings") or {}).get("x")
        if not isinstance(results, dict) or set(results) != set(key):
            return None
        if not all(isinstance(v, list) for v in results.values()):
            return None
        return results

    def _query(self, control: Control) -> list[Any]:
        impl = native.rego_bundle_query_entrypoint(self._runner._impl, self._bundle._impl, control.entrypoint)
        try:
            ok = native.rego_output_ok(impl)
            text = native.rego_output_string(impl)
        finally:
            native.rego_free_output(impl)
        if not ok or text.startswith(("<error>", "(error")):
            # A function the engine does not know is the policy's fault whatever the input.
            failure = PolicyError if "Function not found" in text else EngineError
            raise failure(control.file, f"{control.id} failed in the embedded engine: {_error(text)}")
        if text == "undefined":
            return []
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            # Seen with rego-cpp 1.5.2 when sprintf's %s formats a string computed by concat, lower
            # or replace (it keeps the quotes): build such messages with concat instead.
            raise EngineError(control.file, f"{control.id}: engine output is not JSON ({exc})") from exc
        expressions = value[0]["expressions"] if isinstance(value, list) else value.get("expressions", [])
        results = expressions[0] if expressions else []
        if not isinstance(results, list):
            raise PolicyError(control.file, f"{control.id}: 'results' must be an array or set")
        return results


def _error(text: str) -> str:
    for line in text.splitlines():
        if "errormsg" in line:
            return re.sub(r"^\d+:", "", line.strip().removeprefix("(errormsg").strip().rstrip(")"))
    return text.splitlines()[0] if text else "no output"
