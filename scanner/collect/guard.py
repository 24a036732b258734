"""Read-only by construction: a pipeline policy that checks each request as it will be sent, before the
authentication policy adds the bearer token, and refuses anything but reads of the configured endpoint.

What is checked is the URL the SDK built (scheme, host, port, path), not the strings drready assembled it
from: a path must be plain segments (no fragment, no percent-escapes, no '.' or '..'), a POST must match
one of two exact shapes (a Resource Graph query, an integration runtime getStatus), and every other
request must be a GET. Ids that came from Azure's answers are checked before they become part of a URL
(`child_id`), so a crafted id cannot steer a request.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import orjson
from azure.core.exceptions import AzureError, ClientAuthenticationError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy

from scanner.errors import InputError
from scanner.limits import RESPONSE, check_values

_SEGMENT = r"[^/?#%\\\s]+"
_POSTS = (
    re.compile(r"^/providers/microsoft\.resourcegraph/resources$"),
    re.compile(
        rf"^/subscriptions/{_SEGMENT}/resourcegroups/{_SEGMENT}/providers/microsoft\.datafactory"
        rf"/factories/{_SEGMENT}/integrationruntimes/{_SEGMENT}/getstatus$"
    ),
)
_PATH = re.compile(rf"^(/{_SEGMENT})+$")
_DEFAULT_PORTS = {"https": 443, "http": 80}


class WriteRefused(ClientAuthenticationError):
    """A request that would change Azure or leave the configured endpoint: never sent."""


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)


def allowed(method: str, url: str, endpoint: str | None = None) -> bool:
    """A GET, or one of the two read-only POSTs, of a plain path (and, given an endpoint, on its origin)."""
    if "#" in url:
        return False
    parts = urlsplit(url)
    if endpoint is not None and origin(url) != origin(endpoint):
        return False
    path = parts.path.rstrip("/") or "/"
    if path != "/" and (not _PATH.match(path) or any(s in (".", "..") for s in path.split("/"))):
        return False
    if method == "GET":
        return True
    return method == "POST" and any(p.match(path.lower()) for p in _POSTS)


def child_id(item: Any, parent: str) -> str:
    """The id of an item Azure listed under `parent`, when it is a plain ARM id below that parent."""
    rid = item.get("id") if isinstance(item, dict) else None
    if (
        not isinstance(rid, str)
        or not _PATH.match(rid)
        or any(s in (".", "..") for s in rid.split("/"))
        or not rid.lower().startswith(parent.lower().rstrip("/") + "/")
    ):
        raise ValueError(
            f"an item listed under {parent} has the id {str(rid)[:200]!r}, which is not an ARM id below it"
        )
    return rid


class ReadOnlyPolicy(SansIOHTTPPolicy):
    def __init__(self, endpoint: str | None = None) -> None:
        self.endpoint = endpoint

    def on_request(self, request: PipelineRequest[Any]) -> None:
        http = request.http_request
        if not allowed(http.method.upper(), http.url, self.endpoint):
            raise WriteRefused(f"drready only reads its endpoint: refused {http.method} {http.url.split('?', 1)[0]}")


class ResponseRefused(AzureError):
    """A response too large, not JSON, or holding a value no control can use: the read is an error."""


def response_json(response: Any) -> Any:
    """A response body as JSON, within the limits every input has (scanner/limits.py): a page over the
    response size, a 128 MB string or a 900-deep object is an error of that read, not a scan that runs
    out of memory."""
    size = len(response.body())
    if size > RESPONSE.value:
        raise ResponseRefused(RESPONSE.exceeded(f"a response of {size:,} bytes"))
    url = response.request.url.split("?", 1)[0]
    try:
        body = orjson.loads(response.body())
    except orjson.JSONDecodeError as exc:
        raise ResponseRefused(f"unreadable response: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    try:
        check_values(body, url)
    except InputError as exc:
        raise ResponseRefused(exc.one_line()) from exc
    return body
