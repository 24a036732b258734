"""Collection: a snapshot of an Azure estate from Resource Graph, ARM and declared files.

Authentication is azure-identity's; the cloud sets the authority and the ARM endpoint. Everything
sent is a read: Resource Graph query POSTs, ARM GETs and the integration runtime getStatus POST
(guard.py refuses the rest before it leaves the process).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from azure.core.credentials import AccessToken
from azure.core.exceptions import ClientAuthenticationError
from azure.identity import (
    AzureAuthorityHosts,
    AzureCliCredential,
    DefaultAzureCredential,
    EnvironmentCredential,
    ManagedIdentityCredential,
    WorkloadIdentityCredential,
)

from scanner.catalogue import CollectionPlan
from scanner.collect.arm import Arm
from scanner.collect.resource_graph import ResourceGraph, kql
from scanner.config import Config
from scanner.errors import InputError
from scanner.snapshot import Snapshot

CLOUDS = {
    "AzurePublicCloud": (AzureAuthorityHosts.AZURE_PUBLIC_CLOUD, "https://management.azure.com"),
    "AzureUSGovernment": (AzureAuthorityHosts.AZURE_GOVERNMENT, "https://management.usgovcloudapi.net"),
    "AzureChinaCloud": (AzureAuthorityHosts.AZURE_CHINA, "https://management.chinacloudapi.cn"),
}
SUBSCRIPTION_TYPE = "microsoft.resources/subscriptions"
AUTH_MODES = ("default", "cli", "msi", "env", "workload-identity", "token")


class StaticToken:
    """A bearer token obtained elsewhere (AZURE_ACCESS_TOKEN, e.g. from az account get-access-token)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(self.token, int(datetime.now(UTC).timestamp()) + 3000)


def make_credential(auth: str, cloud: str) -> Any:
    # azure-identity logs each failed attempt on stderr; drready reports the failure itself, in one line.
    logging.getLogger("azure.identity").setLevel(logging.CRITICAL)
    try:
        return _credential(auth, CLOUDS[cloud][0])
    except ValueError as exc:  # a credential missing its settings refuses to be built
        reason = str(exc).strip().splitlines()[0][:300]
        raise InputError("--auth", None, f"cannot sign in to Azure ({reason}): {SIGN_IN_HINT}") from exc


def _credential(auth: str, authority: str) -> Any:
    if auth == "cli":
        return AzureCliCredential()
    if auth == "msi":
        return ManagedIdentityCredential()
    if auth == "env":
        return EnvironmentCredential(authority=authority)
    if auth == "workload-identity":
        # The federated OIDC token of GitHub Actions or Azure DevOps (AZURE_FEDERATED_TOKEN_FILE).
        return WorkloadIdentityCredential(authority=authority)
    if auth == "token":
        token = os.environ.get("AZURE_ACCESS_TOKEN")
        if not token:
            raise InputError("AZURE_ACCESS_TOKEN", None, "--auth token needs a bearer token in AZURE_ACCESS_TOKEN")
        return StaticToken(token)
    return DefaultAzureCredential(authority=authority)


SIGN_IN_HINT = (
    "sign in with `az login` and --auth cli, give a service principal or federated token in AZURE_CLIENT_ID, "
    "AZURE_TENANT_ID and AZURE_CLIENT_SECRET or AZURE_FEDERATED_TOKEN_FILE (--auth env or workload-identity), "
    "or a bearer token in AZURE_ACCESS_TOKEN (--auth token)"
)


def _sign_in(credential: Any, endpoint: str) -> None:
    """A token for the ARM audience before anything is queried: without one, every query would fail and
    the scan would end incomplete (exit 3) instead of saying that nobody is signed in (exit 2)."""
    try:
        credential.get_token(f"{endpoint}/.default")
    except ClientAuthenticationError as exc:
        reason = str(exc.message or exc).strip().splitlines()[0][:300]
        raise InputError("--auth", None, f"cannot sign in to Azure ({reason}): {SIGN_IN_HINT}") from exc


@dataclass
class CollectOptions:
    cloud: str = "AzurePublicCloud"
    endpoint: str | None = None  # overrides the cloud's ARM endpoint (private clouds, tests)
    verify: str | bool = True  # CA bundle for the endpoint's TLS certificate
    timeout: float = 60
    retries: int = 3
    concurrency: int = 8

    @property
    def arm_endpoint(self) -> str:
        return (self.endpoint or CLOUDS[self.cloud][1]).rstrip("/")


def collect_snapshot(
    config: Config,
    plan: CollectionPlan,
    credential: Any,
    options: CollectOptions,
    progress: Callable[[str], None] | None = None,
) -> Snapshot:
    """Read the estate in drready.yaml's scope into a snapshot: the resources of the plan's types, their
    child reads, role assignments and subscriptions. Failures are recorded, not raised."""
    scope = config.model.scope
    if not scope.subscriptions and not scope.management_groups:
        raise config.error(("scope",), "collection needs scope.subscriptions or scope.management_groups")
    _sign_in(credential, options.arm_endpoint)
    common = {"verify": options.verify, "timeout": options.timeout, "retries": options.retries, "progress": progress}
    graph = ResourceGraph(credential, options.arm_endpoint, **common)
    types = list(plan.types)
    quoted = ", ".join(f"'{t}'" for t in types)
    subs, groups = list(scope.subscriptions), list(scope.management_groups)
    resources = graph.query("resources", kql("resources", types=quoted), subs, groups, types)
    roles = graph.query(
        "authorizationresources",
        kql("authorizationresources"),
        subs,
        groups,
        ["microsoft.managedidentity/userassignedidentities"],
    )
    containers = graph.query("resourcecontainers", kql("resourcecontainers"), subs, groups)
    # The type names no resource control, so a failed read makes only the policy controls unknown.
    # Assignments on management groups above the scope are asked for (inherited), once per batch.
    policy = graph.query(
        "policyresources",
        kql("policyresources"),
        subs,
        groups,
        ["microsoft.authorization/policyassignments"],
        inherited=True,
    )
    arm = Arm(credential, options.arm_endpoint, concurrency=options.concurrency, **common)
    children = arm.collect(resources.rows, plan.reads)
    subscription_rows = [r for r in containers.rows if str(r.get("type", "")).lower() == SUBSCRIPTION_TYPE]
    visible = {str(r["subscriptionId"]) for r in subscription_rows if r.get("subscriptionId")}
    if subs and not visible and not containers.errors and not resources.rows:
        raise config.error(
            ("scope", "subscriptions"),
            "the signed-in identity sees none of these subscriptions (Resource Graph returned nothing): grant it "
            "Reader or examples/azure/drready-reader-role.json on them, or sign in as the identity that has it",
        )
    in_scope = sorted(visible or subs)
    locations, location_errors = arm.locations(in_scope[0]) if in_scope else ([], [])
    denies, deny_errors = arm.deny_assignments(in_scope)
    return Snapshot(
        resources=resources.rows,
        collected_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        scope={
            "tenant": scope.tenant,
            "subscriptions": in_scope,
            # rows a later Resource Graph page repeated, dropped (counted: a sign of paging trouble)
            "duplicate_rows_dropped": resources.duplicates
            + roles.duplicates
            + containers.duplicates
            + policy.duplicates,
            "management_groups": groups,
            "cloud": options.cloud,
        },
        children=children.children,
        authorization=roles.rows,
        locations=locations,
        # What was read, even where a batch failed: its error is recorded below, and the policies are given
        # none of these rows for a read that failed (pipeline.stamp_input).
        resource_groups=[r for r in containers.rows if str(r.get("type", "")).lower() != SUBSCRIPTION_TYPE],
        subscriptions=subscription_rows,
        policy_assignments=list({str(a["id"]).lower(): a for a in policy.rows}.values()),
        deny_assignments=denies,
        errors=resources.errors
        + roles.errors
        + containers.errors
        + policy.errors
        + children.errors
        + location_errors
        + deny_errors,
    )
