"""Policy engines: regorus (Microsoft's Rust interpreter, through drready's extension in
native/regorus), the embedded rego-cpp (regopy) and a central OPA server. Each takes the policies of
scanner/catalogue.py and one stamp's input, and returns each control's raw results. `auto`, the
default, is regorus when its extension is built, else rego-cpp (said once on stderr)."""

from __future__ import annotations

import sys
from typing import Any, Protocol

from scanner.catalogue import Control, Policies
from scanner.errors import EngineError

ENGINES = ("auto", "regorus", "embedded", "opa-server")
_told_fallback = False


class PolicyEngine(Protocol):
    name: str

    def evaluate(self, controls: list[Control], policy_input: dict[str, Any]) -> dict[str, list[Any] | EngineError]:
        """Raw `results` of each control for one stamp's input, keyed by control id, or the error the
        control met on this input. Safe to call from several threads at once."""
        ...


def make_engine(
    name: str, policies: Policies, opa_url: str | None = None, opa_token: str | None = None
) -> PolicyEngine:
    if name == "auto":
        from scanner.engine import regorus

        name = "regorus" if regorus.available() else "embedded"
        if name == "embedded":
            _tell_fallback()
    if name == "regorus":
        from scanner.engine.regorus import RegorusEngine

        return RegorusEngine(policies)
    if name == "embedded":
        from scanner.engine.embedded import EmbeddedEngine

        return EmbeddedEngine(policies)
    if name == "opa-server":
        from scanner.engine.opa_server import OpaServerEngine

        if not opa_url:
            raise EngineError("(opa-server)", "--engine opa-server needs --opa-url")
        return OpaServerEngine(policies, opa_url, opa_token)
    raise EngineError("(engine)", f"unknown engine '{name}'")


def _tell_fallback() -> None:
    global _told_fallback
    if not _told_fallback:
        _told_fallback = True
        print("drready: note: the regorus engine is not built (make regorus); using rego-cpp", file=sys.stderr)
