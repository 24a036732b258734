"""Read-only by construction: a pipeline policy that refuses anything but reads before it is sent."""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import ClientAuthenticationError
from azure.core.pipeline import PipelineRequest
from azure.core.pipeline.policies import SansIOHTTPPolicy


class WriteRefused(ClientAuthenticationError):
    """A request that would change Azure: never sent."""


def allowed(method: str, url: str) -> bool:
    """GETs; POSTs only to Resource Graph queries and the integration runtime getStatus action."""
    path = url.split("?", 1)[0].lower().rstrip("/")
    if method == "GET":
        return True
    return method == "POST" and (
        path.endswith("/providers/microsoft.resourcegraph/resources") or path.endswith("/getstatus")
    )


class ReadOnlyPolicy(SansIOHTTPPolicy):
    def on_request(self, request: PipelineRequest[Any]) -> None:
        http = request.http_request
        if not allowed(http.method.upper(), http.url):
            raise WriteRefused(f"drready only reads: refused {http.method} {http.url.split('?', 1)[0]}")
