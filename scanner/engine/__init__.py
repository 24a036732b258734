"""Policy engines: the embedded one (rego-cpp through regopy) and a central OPA server. Both take
the policies of scanner/catalogue.py and one stamp's input, and return each control's raw results."""

from __future__ import annotations

from typing import Any, Protocol

from scanner.catalogue import Control, Policies
from scanner.errors import EngineError

ENGINES = ("embedded", "opa-server")


class PolicyEngine(Protocol):
    name: str

    def evaluate(self, controls: list[Control], policy_input: dict[str, Any]) -> dict[str, list[Any] | EngineError]:
        """Raw `results` of each control for one stamp's input, keyed by control id, or the error the
        control met on this input. Safe to call from several threads at once."""
        ...


def make_engine(
    name: str, policies: Policies, opa_url: str | None = None, opa_token: str | None = None
) -> PolicyEngine:
    if name == "embedded":
        from scanner.engine.embedded import EmbeddedEngine

        return EmbeddedEngine(policies)
    if name == "opa-server":
        from scanner.engine.opa_server import OpaServerEngine

        if not opa_url:
            raise EngineError("(opa-server)", "--engine opa-server needs --opa-url")
        return OpaServerEngine(policies, opa_url, opa_token)
    raise EngineError("(engine)", f"unknown engine '{name}'")
