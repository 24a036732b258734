"""A local emulator of the Azure Resource Graph and ARM HTTP APIs, for tests and benchmarks.

It serves HTTPS on 127.0.0.1 (a self-signed certificate made here, handed to the SDK as its CA
bundle), answers Resource Graph queries with $skipToken paging and the per-user quota headers
(x-ms-user-quota-remaining / -resets-after, 429 with Retry-After past the quota), serves ARM child
reads from a snapshot's `children`, can be told to fail in the ways Azure fails, and records every
request so tests can prove only reads were sent.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import math
import re
import ssl
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ARG_PATH = "/providers/microsoft.resourcegraph/resources"
PUBLISHED = Path(__file__).parent / "published" / "arm"
POLICIES = Path(__file__).resolve().parents[1] / "policies"
# Microsoft's example of GET /subscriptions/{id}/locations (api-version 2022-12-01), as published.
LOCATIONS = json.loads((PUBLISHED / "resources" / "subscription-locations-list-2022-12-01.json").read_text())


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "emulator-cert.pem", folder / "emulator-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@dataclass
class Faults:
    """Ways to fail, set by a test before it collects."""

    throttle_first: int = 0  # answer the first N Resource Graph queries with 429 (Retry-After: 1)
    forbidden_subscriptions: set[str] = field(default_factory=set)  # 403 for a query that names one
    server_error_tables: set[str] = field(default_factory=set)  # always 500
    malformed_tables: set[str] = field(default_factory=set)  # 200 with a body that is not JSON
    slow_tables: dict[str, float] = field(default_factory=dict)  # seconds to wait before answering
    failing_paths: dict[str, int] = field(default_factory=dict)  # ARM path (lower case) -> HTTP status
    truncated_tables: set[str] = field(default_factory=set)  # half the rows, totalRecords says all, no token
    flagged_truncated_tables: set[str] = field(default_factory=set)  # resultTruncated: true
    repeating_token_tables: set[str] = field(default_factory=set)  # every page hands back the first $skipToken
    overlapping_tables: set[str] = field(default_factory=set)  # each page repeats the previous page's last row
    next_links: dict[str, str] = field(default_factory=dict)  # ARM list path -> nextLink it answers with
    listed: dict[str, Any] = field(default_factory=dict)  # ARM path -> body to answer instead


class Emulator:
    def __init__(
        self,
        snapshot: dict[str, Any],
        folder: Path,
        quota: int = 15,
        window: float = 5.0,
        subscriptions: list[str] | None = None,
        locations: dict[str, Any] | None = None,
    ) -> None:
        self.resources = snapshot["resources"]
        self.authorization = snapshot.get("authorization", [])
        self.containers = (snapshot.get("subscriptions") or []) + (snapshot.get("resource_groups") or [])
        self.policy_assignments = snapshot.get("policy_assignments") or []
        self.subscriptions = subscriptions or sorted({r["subscriptionId"] for r in self.resources})
        self.routes = arm_routes(snapshot)
        denies = {k.lower(): v for k, v in (snapshot.get("deny_assignments") or {}).items()}
        for sub in self.subscriptions:
            self.routes[("GET", f"/subscriptions/{sub}/locations".lower())] = locations or _locations_of(sub)
            path = f"/subscriptions/{sub}/providers/microsoft.authorization/denyassignments".lower()
            self.routes[("GET", path)] = {"value": denies.get(sub.lower(), [])}
        self.quota, self.window = quota, window
        self.faults = Faults()
        self.requests: list[dict[str, Any]] = []
        self._queries: deque[float] = deque()
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, str, tuple[str, ...]], list[dict[str, Any]]] = {}
        self.cert, key = self_signed(folder)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Emulator:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def cli_args(self) -> list[str]:
        """What points a drready command at this emulator instead of Azure."""
        return ["--auth", "token", "--endpoint", self.endpoint, "--ca-bundle", str(self.cert)]

    def arg_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == ARG_PATH]

    # -- Resource Graph -------------------------------------------------------------------------
    def _quota_headers(self) -> tuple[bool, dict[str, str]]:
        with self._lock:
            now = time.monotonic()
            while self._queries and now - self._queries[0] >= self.window:
                self._queries.popleft()
            allowed = len(self._queries) < self.quota
            if allowed:
                self._queries.append(now)
            resets = self.window - (now - self._queries[0]) if self._queries else self.window
        remaining = max(0, self.quota - len(self._queries))
        return allowed, {
            "x-ms-user-quota-remaining": str(remaining),
            "x-ms-user-quota-resets-after": _hms(max(resets, 0)),
        }

    def resource_graph(self, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        query = "\n".join(line for line in body.get("query", "").splitlines() if not line.strip().startswith("//"))
        table = query.split()[0].lower() if query.split() else ""
        subs = body.get("subscriptions") or self.subscriptions
        if self.faults.throttle_first > 0:
            self.faults.throttle_first -= 1
            return (
                429,
                {"Retry-After": "1", "x-ms-user-quota-remaining": "0", "x-ms-user-quota-resets-after": "00:00:01"},
                _json(_arm_error("RateLimiting", "throttled")),
            )
        allowed, headers = self._quota_headers()
        if not allowed:
            return 429, {"Retry-After": "1", **headers}, _json(_arm_error("RateLimiting", "quota exceeded"))
        if set(subs) & self.faults.forbidden_subscriptions:
            return 403, headers, _json(_arm_error("AuthorizationFailed", "no read access to a subscription"))
        if table in self.faults.server_error_tables:
            return 500, headers, _json(_arm_error("InternalServerError", "Resource Graph failed"))
        time.sleep(self.faults.slow_tables.get(table, 0))
        if table in self.faults.malformed_tables:
            return 200, headers, b'{"totalRecords": 1, "data": [{"id": '
        options = body.get("options") or {}
        inherited = options.get("authorizationScopeFilter") in ("AtScopeAndAbove", "AtScopeAboveAndBelow")
        key = (table, query, tuple(sorted(subs)), inherited)
        if key not in self._cache:  # paging re-asks the same query: filter the estate once
            self._cache[key] = self._table(table, query, set(subs), inherited)
        rows = self._cache[key]
        top = min(int(options.get("$top") or 1000), 1000)
        start = int(base64.b64decode(options["$skipToken"]).decode()) if options.get("$skipToken") else 0
        page = rows[start : start + top]
        if table in self.faults.overlapping_tables and start:
            page = [rows[start - 1], *page]
        out = {"totalRecords": len(rows), "count": len(page), "data": page, "resultTruncated": "false", "facets": []}
        if start + top < len(rows):
            token_at = top if table in self.faults.repeating_token_tables else start + top
            out["$skipToken"] = base64.b64encode(str(token_at).encode()).decode()
        if table in self.faults.truncated_tables:
            out |= {"data": rows[: len(rows) // 2], "count": len(rows) // 2}
            out.pop("$skipToken", None)
        if table in self.faults.flagged_truncated_tables:
            out["resultTruncated"] = "true"
        return 200, headers, _json(out)

    def _table(self, table: str, query: str, subs: set[str], inherited: bool = False) -> list[dict[str, Any]]:
        def in_scope(row: dict[str, Any]) -> bool:
            return row.get("subscriptionId", row["id"].split("/")[2]) in subs

        if table == "resources":
            wanted = {t.lower() for line in query.splitlines() if "in~" in line for t in re.findall(r"'([^']+)'", line)}
            return [
                r | {"type": r["type"].lower()}
                for r in self.resources
                if in_scope(r) and (not wanted or r["type"].lower() in wanted)
            ]
        if table == "authorizationresources":
            return [a for a in self.authorization if a["id"].split("/")[2] in subs]
        if table == "resourcecontainers":  # only the subscriptions this tenant has (Azure hides the rest)
            chains = {str(c["subscriptionId"]): c for c in self.containers if c["type"] == SUBSCRIPTION_TYPE}
            visible = sorted(subs & set(self.subscriptions))
            return [
                chains.get(s)
                or {
                    "id": f"/subscriptions/{s}",
                    "name": s,
                    "type": SUBSCRIPTION_TYPE,
                    "subscriptionId": s,
                    "properties": {"state": "Enabled"},
                }
                for s in visible
            ] + [c for c in self.containers if c["type"] != SUBSCRIPTION_TYPE and c["subscriptionId"] in visible]
        if table == "policyresources":  # assignments above the scope only when asked for (Azure's default)
            return [
                a
                for a in self.policy_assignments
                if (inherited and not a["id"].lower().startswith("/subscriptions/"))
                or (a["id"].lower().startswith("/subscriptions/") and a["id"].split("/")[2] in subs)
            ]
        return []

    # -- HTTP -----------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return  # keep test output clean

            def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
                emulator.requests[-1]["status"] = status
                self.send_response(status)
                for k, v in {"Content-Type": "application/json; charset=utf-8", **headers}.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _handle(self) -> None:
                parts = urlsplit(self.path)
                path = parts.path.lower().rstrip("/")
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                emulator.requests.append(
                    {
                        "method": self.command,
                        "path": path,
                        "query": parse_qs(parts.query),
                        "authorized": self.headers.get("Authorization", "").startswith("Bearer "),
                    }
                )
                if not self.headers.get("Authorization", "").startswith("Bearer "):
                    return self._answer(401, {}, _json(_arm_error("AuthenticationFailed", "no bearer token")))
                if self.command == "POST" and path == ARG_PATH:
                    return self._answer(*emulator.resource_graph(json.loads(raw or b"{}")))
                if path in emulator.faults.failing_paths:
                    status = emulator.faults.failing_paths[path]
                    return self._answer(status, {}, _json(_arm_error("Failed", f"injected {status}")))
                route = emulator.faults.listed.get(path) or emulator.routes.get((self.command, path))
                if route is not None and path in emulator.faults.next_links:
                    route = route | {"nextLink": emulator.faults.next_links[path]}
                if route is None:
                    return self._answer(
                        404 if self.command in ("GET", "POST") else 405,
                        {},
                        _json(_arm_error("NotFound", f"{self.command} {path}")),
                    )
                return self._answer(200, {}, _json(route))

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle

        return Handler


SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"


def arm_routes(snapshot: dict[str, Any]) -> dict[tuple[str, str], Any]:
    """ARM endpoints for a snapshot's children, in the shapes ARM returns them: each child read the
    policies declare (catalogue.ChildRead) is served from the snapshot's children of that kind."""
    from scanner.catalogue import load_policies

    reads = {r.kind: r for read in load_policies(POLICIES).collection.reads for r in (read, read.each) if r}
    routes: dict[tuple[str, str], Any] = {}
    for parent, kinds in snapshot.get("children", {}).items():
        for kind, items in kinds.items():
            read = reads.get(kind)
            if read is None:
                continue
            if read.get:
                routes[("GET", f"{parent}/{read.path}".lower())] = items[0] if items else {}
            elif read.action:
                listed = []
                for body in items:
                    item_id = f"{parent}/{read.path}/{body['name']}"
                    listed.append(
                        {"id": item_id, "name": body["name"], "properties": dict(body.get("properties") or {})}
                    )
                    routes[("POST", f"{item_id}/{read.action}".lower())] = body
                routes[("GET", f"{parent}/{read.path}".lower())] = {"value": listed}
            elif kind in {r.each.kind for r in reads.values() if r.each}:
                # a nested list (origins of origin groups): each item's id names its parent
                for group in {"/".join(o["id"].split("/")[:-2]).lower() for o in items}:
                    children = [o for o in items if o["id"].lower().startswith(group + "/")]
                    routes[("GET", f"{group}/{read.path}".lower())] = {"value": children}
            else:
                routes[("GET", f"{parent}/{read.path}".lower())] = {"value": items}
    return routes


def _locations_of(subscription: str) -> dict[str, Any]:
    """The published locations list, as this subscription's."""
    body = LOCATIONS.get("responses", {}).get("200", {}).get("body", LOCATIONS)
    return json.loads(json.dumps(body).replace("a1ffc958-d2c7-493e-9f1e-125a0477f536", subscription))


def _hms(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _arm_error(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _json(data: Any) -> bytes:
    return json.dumps(data).encode("utf-8")


class Listener:
    """A second HTTPS server on 127.0.0.1 that records what reaches it (a foreign host for nextLink tests)."""

    def __init__(self, folder: Path) -> None:
        self.requests: list[dict[str, Any]] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                listener.requests.append({"path": self.path, "authorization": self.headers.get("Authorization")})
                body = _json({"value": []})
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        folder.mkdir(parents=True, exist_ok=True)
        cert, key = self_signed(folder)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Listener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
