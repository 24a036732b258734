"""ARM reads for what Resource Graph does not index (azure-dr-facts.md section 16), through the Azure
SDK pipeline (azure-mgmt-core) with bounded concurrency.

The reads are those the controls declare in their METADATA (custom.collect, catalogue.ChildRead);
each lands in snapshot.children under its parent's id and the kind the policies read. A read that
fails is recorded in snapshot.errors with the parent as scope, so that parent's findings become
unknown.
"""

from __future__ import annotations

from collections.abc import Callable
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

from scanner.catalogue import ChildRead
from scanner.collect.guard import ReadOnlyPolicy, child_id, origin, response_json

DENY_API = "2022-04-01"  # the newest stable Microsoft.Authorization denyAssignments API
DENY_TYPE = "microsoft.authorization/denyassignments"
MAX_PAGES = 1000  # an ARM child list longer than this many pages is treated as a paging fault


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
            ReadOnlyPolicy(self.endpoint),
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
        return response_json(response)

    def _list(self, path: str, api: str) -> list[Any]:
        """Every page of an ARM list. A nextLink must stay on the endpoint (the token is never sent
        elsewhere) and never repeat; a list longer than MAX_PAGES pages is an error, not a hang."""
        body = self._send("GET", path, api)
        items = list(_page_items(body))
        seen: set[str] = set()
        while body.get("nextLink"):
            link = str(body["nextLink"])
            if origin(link) != origin(self.endpoint):
                raise ValueError(f"nextLink of {path} leaves the endpoint ({origin(link)[1]}): not followed")
            if link in seen or len(seen) >= MAX_PAGES:
                raise ValueError(f"paging of {path} does not end (page {len(seen) + 2} repeats or exceeds {MAX_PAGES})")
            seen.add(link)
            response = self.client.send_request(HttpRequest("GET", link))
            if response.status_code >= 400:
                raise HttpResponseError(response=response)
            body = response_json(response)
            items += _page_items(body)
        return items

    def locations(self, subscription: str) -> tuple[list[Any], list[dict[str, Any]]]:
        """The regions as Azure describes them to this identity: pairs, zone mappings, display names (the
        same for every subscription but for the zone mapping, so one subscription is read)."""
        scope = f"/subscriptions/{subscription}/locations"
        try:
            return self._list(scope, "2022-12-01"), []
        except (AzureError, ValueError) as exc:
            # The shipped region table still answers; the error says the live facts are missing.
            error = {"source": "arm:locations", "scope": scope, "error": _describe(exc)}
            return [], [error | {"types": ["microsoft.resources/subscriptions/locations"]}]

    def deny_assignments(self, subscriptions: list[str]) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
        """Each subscription's deny assignments (lower-case subscription id -> bodies): ARM lists those at,
        above and below the scope; Resource Graph does not index them. A subscription whose read failed
        is left out and its error recorded, so DR-POL-03 says unknown for the resources in it."""
        found: dict[str, list[Any]] = {}
        errors: list[dict[str, Any]] = []
        for sub in subscriptions:
            scope = f"/subscriptions/{sub}"
            try:
                found[sub.lower()] = self._list(f"{scope}/providers/Microsoft.Authorization/denyAssignments", DENY_API)
            except (AzureError, ValueError) as exc:
                errors.append(
                    {"source": "arm:denyAssignments", "scope": scope, "error": _describe(exc), "types": [DENY_TYPE]}
                )
            self.progress(f"deny assignments: {len(found) + len(errors)}/{len(subscriptions)} subscriptions")
        return found, errors

    def collect(self, resources: list[dict[str, Any]], reads: tuple[ChildRead, ...]) -> Children:
        """Every child read the controls declared (catalogue.ChildRead) for these resources."""
        by_type: dict[str, list[ChildRead]] = {}
        for read in reads:
            by_type.setdefault(read.type, []).append(read)
        jobs = [
            (r, read) for r in resources for read in by_type.get(str(r["type"]).lower(), []) if _selected(r, read.when)
        ]
        out = Children()
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            for (resource, read), outcome in zip(jobs, pool.map(self._run, jobs), strict=True):
                out.requests += 1
                if isinstance(outcome, Exception):
                    out.errors.append(
                        {
                            "source": f"arm:{read.kind}",
                            "scope": resource["id"],
                            "error": _describe(outcome),
                            "types": [str(resource["type"]).lower()],
                        }
                    )
                else:
                    out.children.setdefault(resource["id"], {}).update(outcome)
                self.progress(f"arm: {out.requests}/{len(jobs)} child reads")
        return out

    def _run(self, job: tuple[dict[str, Any], ChildRead]) -> dict[str, list[Any]] | Exception:
        try:
            return self._read(job[0]["id"], job[1])
        except (AzureError, ValueError) as exc:
            return exc

    def _read(self, parent_id: str, read: ChildRead) -> dict[str, list[Any]]:
        """One declared read of one parent: its items by kind (and those of `each`)."""
        if read.get:
            return {read.kind: [self._send("GET", f"{parent_id}/{read.path}", read.api)]}
        items = [i for i in self._list(f"{parent_id}/{read.path}", read.api) if _selected(i, _as_lists(read.where))]
        under = f"{parent_id}/{read.path}"
        if read.action:
            items = [
                {"name": i.get("name"), **self._send("POST", f"{child_id(i, under)}/{read.action}", read.api)}
                for i in items
            ]
        out = {read.kind: items}
        if read.each:
            nested = read.each
            out[nested.kind] = [o for i in items for o in self._list(f"{child_id(i, under)}/{nested.path}", nested.api)]
        return out


def _page_items(body: Any) -> list[Any]:
    if not isinstance(body, dict) or not isinstance(body.get("value", []), list):
        raise ValueError("an ARM list page is an object with a `value` array")
    return list(body.get("value", []))


def _as_lists(where: dict[str, str]) -> dict[str, list[str]]:
    return {k: [v] for k, v in where.items()}


def _selected(body: dict[str, Any], when: dict[str, list[str]]) -> bool:
    """True when each dotted property path of `when` has one of its values (compared case-insensitively)."""
    for path, allowed in when.items():
        value: Any = body
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if str(value).lower() not in {a.lower() for a in allowed}:
            return False
    return True


def _describe(exc: Exception) -> str:
    if isinstance(exc, HttpResponseError):
        return f"HTTP {exc.status_code}: {exc.reason}"
    return f"{type(exc).__name__}: {getattr(exc, 'message', str(exc))}"
