"""The OPA server engine: the same policies on a central `opa run --server`, through opa-python-client.

The policies and their data documents are pushed with the policy and data APIs (PUT is idempotent,
so a server that already has them is left as it was), then each stamp is one query of
data.drready.controls with the stamp's input, with strict built-in errors as in the embedded engine.
An unreachable server, a timeout or a policy the server rejects ends the run with exit code 2.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

import requests
from opa_client import OpaClient
from opa_client.errors import ConnectionsError, RegoParseError

from scanner.catalogue import Control, Policies
from scanner.errors import EngineError

SERVER = "(opa-server)"


class OpaServerEngine:
    name = "opa-server"

    def __init__(self, policies: Policies, url: str, token: str | None = None, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EngineError(SERVER, f"--opa-url must be http(s)://host:port, not {url!r}")
        self.url = url
        self._connect = lambda: OpaClient(
            host=parts.hostname,
            port=parts.port or (443 if parts.scheme == "https" else 8181),
            ssl=parts.scheme == "https",
            token=token,
            timeout=timeout,
            retries=1,
        )
        self._local = threading.local()
        self._call(self.client.check_connection)
        for key, document in sorted(policies.data.items()):
            self._call(self.client.update_or_create_data, document, key)
        self._upload(policies.modules)

    @property
    def client(self) -> OpaClient:
        """A client per thread (stamps are evaluated in parallel; a requests session is not shared)."""
        if not hasattr(self._local, "client"):
            self._local.client = self._connect()
        return self._local.client

    def _upload(self, modules: dict[str, str]) -> None:
        """PUT every module. The server compiles each one as it arrives, so a module whose helpers are not
        there yet is retried after the others; a round without progress is a real error."""
        pending = sorted(modules)
        while pending:
            failed: dict[str, RegoParseError] = {}
            for rel in pending:
                try:
                    self.client.update_policy_from_string(modules[rel], f"drready/{rel}", rego_compat=False)
                except RegoParseError as exc:
                    failed[rel] = exc
                except (ConnectionsError, requests.RequestException) as exc:
                    raise EngineError(SERVER, f"OPA server at {self.url} failed: {exc}") from exc
            if len(failed) == len(pending):
                rel, exc = next(iter(failed.items()))
                raise EngineError(rel, f"rejected by the OPA server: {exc}")
            pending = list(failed)

    def _call(self, func: Any, *args: Any) -> Any:
        try:
            return func(*args)
        except (ConnectionsError, requests.RequestException) as exc:
            raise EngineError(SERVER, f"cannot reach the OPA server at {self.url}: {exc}") from exc
        except RegoParseError as exc:
            raise EngineError(SERVER, f"the OPA server at {self.url} refused the policy data: {exc}") from exc

    def evaluate(self, controls: list[Control], policy_input: dict[str, Any]) -> dict[str, list[Any] | EngineError]:
        """One query per stamp: every control package's rules under data.drready.controls. An evaluation
        error (this stamp's input met a built-in's error) is every control's outcome for the stamp; a
        server that does not answer ends the run."""
        rego = [c for c in controls if c.in_rego]
        try:
            body = self.client.query_rule(
                policy_input, "drready/controls", query_params={"strict-builtin-errors": "true"}
            )
        except requests.HTTPError as exc:
            failure = EngineError(*_server_error(exc.response))
            return {c.id: failure for c in rego}
        except (ConnectionsError, requests.RequestException) as exc:
            raise EngineError(SERVER, f"OPA server at {self.url} did not answer: {exc}") from exc
        tree = body.get("result") or {}
        out: dict[str, list[Any] | EngineError] = {}
        for control in rego:
            node: Any = tree
            for part in control.package.split(".")[2:]:  # drready.controls.<area>.<id>
                node = node.get(part, {}) if isinstance(node, dict) else {}
            results = node.get("results", []) if isinstance(node, dict) else []
            if not isinstance(results, list):
                results = EngineError(control.file, f"{control.id}: 'results' must be an array or set")
            out[control.id] = results
        return out


def _server_error(response: Any) -> tuple[str, str]:
    """The policy file and message of an OPA error body (for example an unknown built-in)."""
    try:
        body = response.json()
    except ValueError:
        return SERVER, f"HTTP {response.status_code}: {response.text[:200]}"
    errors = body.get("errors") or [body]
    location = (errors[0].get("location") or {}).get("file") or SERVER
    return location.removeprefix("drready/"), f"{body.get('code')}: {errors[0].get('message', body.get('message'))}"
