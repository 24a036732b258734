"""ARM reads for what Resource Graph does not index (azure-dr-facts.md section 16), through the Azure
SDK pipeline (azure-mgmt-core) with bounded concurrency.

Each child list lands in snapshot.children under its parent's id and a kind the policies read:
integrationRuntimes (getStatus bodies), deployments, backends, originGroups, origins,
backupInstances, replications, geoReplicationStats. A read that fails is recorded in snapshot.errors
with the parent as scope, so that parent's findings become unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from azure.core.exceptions import AzureError, HttpResponseError
from azure.core.pipeline.policies import (
    HeadersPolicy,
    NetworkTraceLoggingPolicy,
    RequestIdPolicy,
    RetryPolicy,
    UserAgentPolicy,
)
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest
from azure.mgmt.core import ARMPipelineClient
from azure.mgmt.core.policies import ARMChallengeAuthenticationPolicy

from scanner.collect.guard import ReadOnlyPolicy

API = {
    "datafactory": "2018-06-01",
    "cognitiveservices": "2024-10-01",
    "apimanagement": "2023-09-01-preview",
    "cdn": "2024-09-01",
    "dataprotection": "2025-07-01",
    "containerregistry": "2023-07-01",
    "storage": "2025-01-01",
}
MODEL_KINDS = {"openai", "aiservices"}
AFD_SKUS = {"standard_azurefrontdoor", "premium_azurefrontdoor"}
Fetch = Callable[[], dict[str, list[Any]]]
GEO_STORAGE_SKUS = {"standard_grs", "standard_ragrs", "standard_gzrs", "standard_ragzrs"}


@dataclass
class Children:
    children: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    requests: int = 0


class Arm:
    def __init__(
        self,
        credential: Any,
        endpoint: str,
        *,
        verify: str | bool = True,
        timeout: float = 60,
        retries: int = 3,
        concurrency: int = 8,
        progress: Callable[[str], None] | None = None,
    ) -> None:
        self.endpoint = endpoint.rstrip("/")
        policies = [
            RequestIdPolicy(),
            HeadersPolicy(),
            UserAgentPolicy("drready"),
            ReadOnlyPolicy(),
            RetryPolicy(retry_total=retries, retry_backoff_factor=0.5),
            ARMChallengeAuthenticationPolicy(credential, f"{self.endpoint}/.default"),
            NetworkTraceLoggingPolicy(),
        ]
        transport = RequestsTransport(connection_verify=verify, read_timeout=timeout, connection_timeout=timeout)
        self.client = ARMPipelineClient(base_url=self.endpoint, policies=policies, transport=transport)
        self.concurrency = concurrency
        self.progress = progress or (lambda _message: None)

    def _send(self, method: str, path: str, api: str, extra: str = "") -> Any:
        url = f"{self.endpoint}{path}?api-version={api}{extra}"
        response = self.client.send_request(HttpRequest(method, url))
        if response.status_code >= 400:
            raise HttpResponseError(response=response)
        return response.json()

    def _list(self, path: str, api: str) -> list[Any]:
        body = self._send("GET", path, api)
        items = list(body.get("value", []))
        while body.get("nextLink"):
            response = self.client.send_request(HttpRequest("GET", body["nextLink"]))
            if response.status_code >= 400:
                raise HttpResponseError(response=response)
            body = response.json()
            items += body.get("value", [])
        return items

    def collect(self, resources: list[dict[str, Any]]) -> Children:
        """Every child list the controls need for these resources."""
        jobs = [(r, label, fetch) for r in resources for label, fetch in self._fetchers(r)]
        out = Children()
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            for (resource, label, _), outcome in zip(jobs, pool.map(self._run, jobs), strict=True):
                out.requests += 1
                if isinstance(outcome, Exception):
                    out.errors.append(
                        {
                            "source": f"arm:{label}",
                            "scope": resource["id"],
                            "error": _describe(outcome),
                            "types": [str(resource["type"]).lower()],
                        }
                    )
                else:
                    out.children.setdefault(resource["id"], {}).update(outcome)
                self.progress(f"arm: {out.requests}/{len(jobs)} child reads")
        return out

    @staticmethod
    def _run(job: tuple[dict[str, Any], str, Fetch]) -> dict[str, list[Any]] | Exception:
        try:
            return job[2]()
        except (AzureError, ValueError) as exc:
            return exc

    def _fetchers(self, r: dict[str, Any]) -> Iterator[tuple[str, Fetch]]:
        """(label, fetch) for each child read a resource needs; a fetch returns its lists by kind."""
        rid, rtype = r["id"], str(r["type"]).lower()
        sku = str((r.get("sku") or {}).get("name") or "").lower()

        def listed(kind: str, api: str) -> tuple[str, Fetch]:
            return kind, lambda: {kind: self._list(f"{rid}/{kind}", API[api])}

        if rtype == "microsoft.datafactory/factories":
            yield "integrationRuntimes", lambda: {"integrationRuntimes": self._runtime_status(rid)}
        elif rtype == "microsoft.cognitiveservices/accounts" and str(r.get("kind", "")).lower() in MODEL_KINDS:
            yield listed("deployments", "cognitiveservices")
        elif rtype == "microsoft.apimanagement/service":
            yield listed("backends", "apimanagement")
        elif rtype == "microsoft.cdn/profiles" and sku in AFD_SKUS:
            yield "originGroups", lambda: self._front_door(rid)
        elif rtype == "microsoft.dataprotection/backupvaults":
            yield listed("backupInstances", "dataprotection")
        elif rtype == "microsoft.containerregistry/registries" and sku == "premium":
            yield listed("replications", "containerregistry")
        elif rtype == "microsoft.storage/storageaccounts" and sku in GEO_STORAGE_SKUS:
            yield (
                "geoReplicationStats",
                lambda: {
                    "geoReplicationStats": [self._send("GET", rid, API["storage"], "&$expand=geoReplicationStats")]
                },
            )

    def _runtime_status(self, factory_id: str) -> list[Any]:
        """The status (with nodes) of each self-hosted runtime: getStatus is a POST, and read-only."""
        statuses = []
        for ir in self._list(f"{factory_id}/integrationRuntimes", API["datafactory"]):
            if (ir.get("properties") or {}).get("type") == "SelfHosted":
                status = self._send("POST", f"{ir['id']}/getStatus", API["datafactory"])
                statuses.append({"name": ir.get("name"), **status})
        return statuses

    def _front_door(self, profile_id: str) -> dict[str, list[Any]]:
        """Origin groups (health probes) and their origins, listing the groups once."""
        groups = self._list(f"{profile_id}/originGroups", API["cdn"])
        origins = [o for group in groups for o in self._list(f"{group['id']}/origins", API["cdn"])]
        return {"originGroups": groups, "origins": origins}


def _describe(exc: Exception) -> str:
    if isinstance(exc, HttpResponseError):
        return f"HTTP {exc.status_code}: {exc.reason}"
    return f"{type(exc).__name__}: {getattr(exc, 'message', str(exc))}"
