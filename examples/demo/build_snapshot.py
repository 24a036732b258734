"""Build the demo snapshot from Microsoft's published ARM example bodies.

The demo estate is fictional (Northwind Trails, four stamps in Central US with East US 2 as the
secondary); every resource body starts from a real example in ../shared/fixtures/arm-examples and
changes only names, locations, tags and the DR-relevant properties listed below, so the demo shows a
realistic mix of ready and not-ready resources. Run from the repository root:

    python examples/demo/build_snapshot.py [path/to/arm-examples [output.json]]
"""

from __future__ import annotations

import copy
import json
import sys
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[1].parent / "shared" / "fixtures" / "arm-examples"
PUBLISHED = HERE.parents[1] / "tests" / "published" / "arm"  # Microsoft's examples drready's tests keep
CHAOS = HERE.parents[1] / "tests" / "published" / "chaos" / "2025-01-01" / "examples"
SUB = "5c7e2d4a-93b1-4f06-8a2e-1d9b7c3e6f40"
TENANT = "8f1b6a2c-0d4e-4b7a-9e35-6c2f1a8d0b97"


def body(fixtures: Path, rel: str) -> dict[str, Any]:
    """A published body: a plain ARM body, or the 200 response of an azure-rest-api-specs example."""
    doc = json.loads((fixtures / rel).read_text(encoding="utf-8"))
    return doc["responses"]["200"]["body"] if "responses" in doc else doc


def resource(
    fixtures: Path, rel: str, name: str, rg: str, location: str, tags: dict[str, str], **changes: Any
) -> dict[str, Any]:
    """An ARM example body renamed into the demo estate, in Resource Graph's shape."""
    original = body(fixtures, rel)
    text = json.dumps(original).replace(original["name"], name)
    r = json.loads(text)
    provider_type = original["type"]
    r["id"] = f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/{provider_type}/{name}"
    r["type"] = provider_type.lower()  # Resource Graph returns types in lower case
    r["name"] = name
    r["location"] = location
    r["resourceGroup"] = rg
    r["subscriptionId"] = SUB
    r["tenantId"] = TENANT
    r["tags"] = tags
    for path, value in changes.items():
        _set(r, path.split("__"), value)
    return r


def _set(doc: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        doc = doc.setdefault(key, {})
    if value is None:
        doc.pop(path[-1], None)
    else:
        doc[path[-1]] = copy.deepcopy(value)


def rid(rg: str, provider_type: str, name: str) -> str:
    return f"/subscriptions/{SUB}/resourceGroups/{rg}/providers/{provider_type}/{name}"


def child(fixtures: Path, rel: str, parent_id: str, segment: str, name: str, **changes: Any) -> dict[str, Any]:
    """A child resource body (origin group, backend, deployment, ...) renamed under its parent."""
    r = body(fixtures, rel)
    r["id"] = f"{parent_id}/{segment}/{name}"
    r["name"] = name
    for path, value in changes.items():
        _set(r, path.split("__"), value)
    return r


CUS, EUS2, EUS = "centralus", "eastus2", "eastus"
KV_ON = {"properties__enableSoftDelete": True, "properties__enablePurgeProtection": True}


# IAM-02: the API apps' and the factories' own (system-assigned) identities.
SYSTEM_PRINCIPALS = {
    "app-storefront-api-cus": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e70",
    "app-storefront-api-eus2": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e71",
    "adf-lakehouse-cus": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e80",
    "adf-lakehouse-eus2": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e81",
}


# IAM-03: each cluster's OIDC issuer (the shape of the recorded AKS body in tests/published/arm).
ISSUERS = {
    "aks-orders-cus": f"https://centralus.oic.prod-aks.azure.com/{TENANT}/4b1e7c2d-9a3f-4d6e-8b5c-1f2a3b4c5d60/",
    "aks-orders-eus2": f"https://eastus2.oic.prod-aks.azure.com/{TENANT}/4b1e7c2d-9a3f-4d6e-8b5c-1f2a3b4c5d61/",
}


def workload_identity(cluster: str) -> dict[str, Any]:
    return {
        "properties__oidcIssuerProfile": {"enabled": True, "issuerURL": ISSUERS[cluster]},
        "properties__securityProfile": {"workloadIdentity": {"enabled": True}},
    }


def federated_credentials() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every user-assigned identity's federated credentials (published FederatedIdentityCredentialGet
    bodies): the orders API trusts both clusters (its standby identity the standby's issuer), the
    worker only the primary; the other identities federate with nothing."""
    body_ = body(PUBLISHED, "managedidentity/federatedidentitycredential-get-2024-11-30.json")
    trusts = {
        ("rg-orders-cus", "id-orders-api-cus"): [("aks-orders-cus", "api")],
        ("rg-orders-eus2", "id-orders-api-eus2"): [("aks-orders-eus2", "api")],
        ("rg-orders-cus", "id-orders-worker-cus"): [("aks-orders-cus", "worker")],
        ("rg-storefront-cus", "id-storefront-api-cus"): [],
        ("rg-storefront-eus2", "id-storefront-api-eus2"): [],
        ("rg-lakehouse-cus", "id-lakehouse-adf-cus"): [],
    }
    out = {}
    for (rg, name), links in trusts.items():
        uid = rid(rg, "Microsoft.ManagedIdentity/userAssignedIdentities", name)
        out[uid] = {
            "federatedIdentityCredentials": [
                body_
                | {
                    "id": f"{uid}/federatedIdentityCredentials/{cluster}",
                    "name": cluster,
                    "properties": body_["properties"]
                    | {"issuer": ISSUERS[cluster], "subject": f"system:serviceaccount:orders:{account}"},
                }
                for cluster, account in links
            ]
        }
    return out


STOREFRONT_ZONE = "storefront.internal.contoso.com"


def private_dns_records() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The storefront zone's record sets as ARM lists them (published RecordSetAGet bodies): the API's
    name at 10 s, the admin app's at 2 h, longer than the stamp's 1h RTO."""
    body_ = body(PUBLISHED, "network/privatedns-recordset-a-get-2024-06-01.json")
    zone = rid("rg-storefront-cus", "Microsoft.Network/privateDnsZones", STOREFRONT_ZONE)
    records = []
    for name, ttl, address in (("api", 10, "10.0.1.10"), ("admin", 7200, "10.0.1.20")):
        records.append(
            body_
            | {
                "id": f"{zone}/A/{name}",
                "name": name,
                "properties": body_["properties"]
                | {"ttl": ttl, "fqdn": f"{name}.{STOREFRONT_ZONE}.", "aRecords": [{"ipv4Address": address}]},
            }
        )
    return {zone: {"recordSets": records}}


def system_identity(name: str) -> dict[str, str]:
    return {"type": "SystemAssigned", "principalId": SYSTEM_PRINCIPALS[name], "tenantId": TENANT}


def firewall(rg: str, vnet: str) -> dict[str, Any]:
    """A data-plane firewall (networkAcls, the shape of the published createVaultWithNetworkAcls body)
    that admits one subnet and denies the rest."""
    subnet = rid(rg, "Microsoft.Network/virtualNetworks", vnet) + "/subnets/subnet1"
    return {"bypass": "AzureServices", "defaultAction": "Deny", "ipRules": [], "virtualNetworkRules": [{"id": subnet}]}


def waf_id(rg: str, name: str) -> str:
    return rid(rg, "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", name)


def web_stamp(fx: Path) -> list[dict[str, Any]]:
    """storefront: App Service APIs behind Front Door and a WAF_v2 gateway; a legacy admin path lags."""
    t = {"workload": "storefront", "env": "prod"}
    policy = rid("rg-net-cus", "Microsoft.Network/firewallPolicies", "afwp-egress")
    zone_plan = {
        "sku": {"name": "P1v3", "tier": "PremiumV3", "size": "P1v3", "family": "Pv3", "capacity": 3},
        "properties__zoneRedundant": True,
    }
    health = {"properties__siteConfig__healthCheckPath": "/healthz"}
    kv_cert = [
        {
            "name": "storefront-tls",
            "properties": {"keyVaultSecretId": "https://kv-storefront-cus.vault.azure.net/secrets/tls"},
        }
    ]
    v2 = {
        "properties__sku": {"name": "WAF_v2", "tier": "WAF_v2"},
        "zones": ["1", "2", "3"],
        "properties__autoscaleConfiguration": {"minCapacity": 2, "maxCapacity": 10},
        "properties__sslCertificates": kv_cert,
    }
    rules = body(fx, "network/network-security-group-get.json")["properties"]["securityRules"]
    extra_rule = {
        "name": "allow-https",
        "properties": {**rules[0]["properties"], "destinationPortRange": "443", "priority": 120},
    }
    return [
        # WEB-01: the UI's storage is locally redundant (gap); the asset store is RA-GZRS (ready).
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwstorefrontuicus",
            "rg-storefront-cus",
            CUS,
            t | {"drready-role": "ui-static"},
            # a static website needs general-purpose v2 (the published body is a v1 account)
            kind="StorageV2",
            sku={"name": "Standard_LRS", "tier": "Standard"},
            properties__isHnsEnabled=False,
            properties__geoReplicationStats=None,
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwstorefrontassetscus",
            "rg-storefront-cus",
            CUS,
            t,
            kind="StorageV2",
            sku={"name": "Standard_RAGZRS", "tier": "Standard"},
            properties__isHnsEnabled=False,
            # NET-04: the shared RA-GZRS account admits the primary's subnet only.
            properties__networkAcls=firewall("rg-storefront-cus", "vnet-storefront-cus"),
        ),
        # NET-04: each vault admits its own region's subnet.
        resource(
            fx,
            "keyvault/vault-get.json",
            "kv-storefront-cus",
            "rg-storefront-cus",
            CUS,
            t,
            properties__networkAcls=firewall("rg-storefront-cus", "vnet-storefront-cus"),
            **KV_ON,
        ),
        resource(
            fx,
            "keyvault/vault-get.json",
            "kv-storefront-eus2",
            "rg-storefront-eus2",
            EUS2,
            t,
            properties__networkAcls=firewall("rg-storefront-eus2", "vnet-storefront-eus2"),
            **KV_ON,
        ),
        # WEB-03: the API runs in both regions; the admin app only in Central US, on one instance.
        resource(
            fx,
            "web/site-get.json",
            "app-storefront-api-cus",
            "rg-storefront-cus",
            CUS,
            t | {"drready-role": "api"},
            identity=system_identity("app-storefront-api-cus"),
            **health,
        ),
        resource(
            fx,
            "web/site-get.json",
            "app-storefront-api-eus2",
            "rg-storefront-eus2",
            EUS2,
            t | {"drready-role": "api"},
            identity=system_identity("app-storefront-api-eus2"),
            **health,
        ),
        resource(fx, "web/site-get.json", "app-storefront-admin-cus", "rg-storefront-cus", CUS, t),
        resource(fx, "web/serverfarm-get.json", "asp-storefront-cus", "rg-storefront-cus", CUS, t, **zone_plan),
        resource(fx, "web/serverfarm-get.json", "asp-storefront-eus2", "rg-storefront-eus2", EUS2, t, **zone_plan),
        resource(fx, "web/serverfarm-get.json", "asp-storefront-admin-cus", "rg-storefront-cus", CUS, t),
        # WEB-04/05/06: WAF_v2 gateways in both regions; a v1 legacy gateway with an uploaded certificate.
        resource(
            fx,
            "network/application-gateway-get.json",
            "agw-storefront-cus",
            "rg-storefront-cus",
            CUS,
            t,
            **v2,
            properties__firewallPolicy={"id": waf_id("rg-storefront-cus", "waf-storefront-cus")},
        ),
        resource(
            fx,
            "network/application-gateway-get.json",
            "agw-storefront-eus2",
            "rg-storefront-eus2",
            EUS2,
            t,
            **v2,
            properties__firewallPolicy={"id": waf_id("rg-storefront-eus2", "waf-storefront-eus2")},
        ),
        resource(
            fx,
            "network/application-gateway-get.json",
            "agw-storefront-legacy-cus",
            "rg-storefront-cus",
            CUS,
            t,
            properties__sslCertificates=[
                {"name": "legacy-pfx", "properties": {"publicCertData": "MIIDdzCCAl+gAwIBAgIE"}}
            ],
        ),
        resource(fx, "network/waf-policy-get-bot-manager.json", "waf-storefront-cus", "rg-storefront-cus", CUS, t),
        resource(fx, "network/waf-policy-get-bot-manager.json", "waf-storefront-eus2", "rg-storefront-eus2", EUS2, t),
        resource(
            fx,
            "network/waf-policy-get-bot-manager.json",
            "waf-storefront-legacy-cus",
            "rg-storefront-cus",
            CUS,
            t,
            properties__policySettings__mode="Detection",
            properties__managedRules__managedRuleSets=[{"ruleSetType": "OWASP", "ruleSetVersion": "3.1"}],
        ),
        # WEB-02: Front Door with probed origins in both regions; a legacy Traffic Manager profile is not.
        resource(fx, "cdn/front-door-premium-profile-get.json", "afd-storefront", "rg-storefront-cus", "Global", t),
        resource(
            fx,
            "network/traffic-manager-profile-get-with-endpoints.json",
            "tm-storefront-legacy",
            "rg-storefront-cus",
            "global",
            t,
            properties__monitorConfig__path="/",
        ),
        # NET-05: the internal names the failover repoints (record sets in private_dns_records()).
        {
            "id": rid("rg-storefront-cus", "Microsoft.Network/privateDnsZones", STOREFRONT_ZONE),
            "name": STOREFRONT_ZONE,
            "type": "microsoft.network/privatednszones",
            "location": "global",
            "resourceGroup": "rg-storefront-cus",
            "subscriptionId": SUB,
            "tenantId": TENANT,
            "tags": t,
            "properties": {"maxNumberOfRecordSets": 25000, "numberOfRecordSets": 3, "provisioningState": "Succeeded"},
        },
        # NET-01/02/03 and IAM-01: networks, endpoints, DNS, egress and identity in both regions.
        resource(fx, "network/virtual-network-get.json", "vnet-storefront-cus", "rg-storefront-cus", CUS, t),
        resource(fx, "network/virtual-network-get.json", "vnet-storefront-eus2", "rg-storefront-eus2", EUS2, t),
        resource(
            fx,
            "network/network-security-group-get.json",
            "nsg-storefront-cus",
            "rg-storefront-cus",
            CUS,
            t,
            properties__securityRules=[*rules, extra_rule],
        ),
        resource(fx, "network/network-security-group-get.json", "nsg-storefront-eus2", "rg-storefront-eus2", EUS2, t),
        private_endpoint(
            fx,
            "pe-stassets-blob-cus",
            "rg-storefront-cus",
            CUS,
            t,
            rid("rg-storefront-cus", "Microsoft.Storage/storageAccounts", "stnwstorefrontassetscus"),
            "blob",
        ),
        private_endpoint(
            fx,
            "pe-stassets-blob-eus2",
            "rg-storefront-eus2",
            EUS2,
            t,
            rid("rg-storefront-cus", "Microsoft.Storage/storageAccounts", "stnwstorefrontassetscus"),
            "blob",
        ),
        private_endpoint(
            fx,
            "pe-kv-storefront-cus",
            "rg-storefront-cus",
            CUS,
            t,
            rid("rg-storefront-cus", "Microsoft.KeyVault/vaults", "kv-storefront-cus"),
            "vault",
        ),
        dns_link(
            fx,
            "privatelink.blob.core.windows.net",
            "link-storefront-cus",
            "rg-storefront-cus",
            t,
            "vnet-storefront-cus",
            "rg-storefront-cus",
        ),
        dns_link(
            fx,
            "privatelink.blob.core.windows.net",
            "link-storefront-eus2",
            "rg-storefront-cus",
            t,
            "vnet-storefront-eus2",
            "rg-storefront-eus2",
        ),
        dns_link(
            fx,
            "privatelink.vaultcore.azure.net",
            "link-vault-storefront-cus",
            "rg-storefront-cus",
            t,
            "vnet-storefront-cus",
            "rg-storefront-cus",
        ),
        resource(
            fx,
            "network/azure-firewall-get-with-zones.json",
            "afw-storefront-cus",
            "rg-storefront-cus",
            CUS,
            t,
            zones=["1", "2", "3"],
            properties__firewallPolicy={"id": policy},
        ),
        resource(
            fx,
            "network/azure-firewall-get-with-zones.json",
            "afw-storefront-eus2",
            "rg-storefront-eus2",
            EUS2,
            t,
            zones=["1", "2", "3"],
            properties__firewallPolicy={"id": policy},
        ),
        identity(fx, "id-storefront-api-cus", "rg-storefront-cus", CUS, t, "0a6c1f52-8d1e-4c3b-9f0e-1b2c3d4e5f60"),
        identity(fx, "id-storefront-api-eus2", "rg-storefront-eus2", EUS2, t, "0a6c1f52-8d1e-4c3b-9f0e-1b2c3d4e5f61"),
        # PROT-03: the published vault, geo-redundant with Cross Region Restore but immutability Disabled
        resource(
            PUBLISHED,
            "recoveryservices/vault-get-redundancy-security-2026-07-01.json",
            "rsv-storefront-cus",
            "rg-storefront-cus",
            CUS,
            t,
            properties__privateEndpointConnections=None,
            properties__privateEndpointStateForBackup=None,
        ),
    ]


def data_stamp(fx: Path) -> list[dict[str, Any]]:
    """lakehouse: Databricks, Data Factory with a SHIR and ADLS; an ingest path lags behind."""
    t = {"workload": "lakehouse", "env": "prod"}
    return [
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwlakehousecus",
            "rg-lakehouse-cus",
            CUS,
            t,
            sku={"name": "Standard_RAGRS", "tier": "Standard"},
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwlakehouserawcus",
            "rg-lakehouse-cus",
            CUS,
            t,
            sku={"name": "Standard_ZRS", "tier": "Standard"},
        ),
        resource(
            fx,
            "keyvault/vault-get.json",
            "kv-lakehouse-cus",
            "rg-lakehouse-cus",
            CUS,
            t,
            properties__enableSoftDelete=True,
        ),
        resource(fx, "databricks/workspace-get.json", "dbw-lakehouse-cus", "rg-lakehouse-cus", CUS, t),
        resource(fx, "databricks/workspace-get.json", "dbw-lakehouse-eus2", "rg-lakehouse-eus2", EUS2, t),
        resource(
            fx,
            "databricks/workspace-get.json",
            "dbw-lakehouse-ml-cus",
            "rg-lakehouse-cus",
            CUS,
            t,
            sku={"name": "standard"},
        ),
        resource(
            fx,
            "datafactory/factory-get-repo-configuration.json",
            "adf-lakehouse-cus",
            "rg-lakehouse-cus",
            CUS,
            t,
            identity=system_identity("adf-lakehouse-cus"),
        ),
        resource(
            fx,
            "datafactory/factory-get-repo-configuration.json",
            "adf-lakehouse-eus2",
            "rg-lakehouse-eus2",
            EUS2,
            t,
            identity=system_identity("adf-lakehouse-eus2"),
        ),
        resource(
            fx,
            "datafactory/factory-get-repo-configuration.json",
            "adf-lakehouse-ingest-cus",
            "rg-lakehouse-cus",
            CUS,
            t,
            properties__repoConfiguration=None,
        ),
        resource(
            fx,
            "network/azure-firewall-get-with-zones.json",
            "afw-lakehouse-cus",
            "rg-lakehouse-cus",
            CUS,
            t,
            zones=["1", "2", "3"],
            properties__firewallPolicy={
                "id": rid("rg-lakehouse-cus", "Microsoft.Network/firewallPolicies", "afwp-lakehouse")
            },
        ),
        identity(fx, "id-lakehouse-adf-cus", "rg-lakehouse-cus", CUS, t, "7d3e9b21-4a5c-4e6f-8a9b-0c1d2e3f4a50"),
    ]


def kubernetes_stamps(fx: Path) -> list[dict[str, Any]]:
    """orders: AKS with Cosmos DB, PostgreSQL, MySQL and Airflow; batch: a second AKS workload."""
    t = {"workload": "orders", "env": "prod"}
    b = {"workload": "batch", "env": "prod"}
    zonal_pool = {
        "properties__agentPoolProfiles": [
            {
                **body(fx, "containerservice/managed-cluster-get.json")["properties"]["agentPoolProfiles"][0],
                "mode": "System",
                "type": "VirtualMachineScaleSets",
                "availabilityZones": ["1", "2", "3"],
            }
        ]
    }
    version = {"properties__kubernetesVersion": "1.30.4", "properties__currentKubernetesVersion": "1.30.4"}
    return [
        resource(
            fx,
            "containerservice/managed-cluster-get.json",
            "aks-orders-cus",
            "rg-orders-cus",
            CUS,
            t,
            sku={"name": "Base", "tier": "Standard"},
            **zonal_pool,
            **version,
            **workload_identity("aks-orders-cus"),
        ),
        resource(
            fx,
            "containerservice/managed-cluster-get.json",
            "aks-orders-eus2",
            "rg-orders-eus2",
            EUS2,
            t,
            # K8S-09: the standby saves on the Free tier, which has no uptime SLA
            sku={"name": "Base", "tier": "Free"},
            **zonal_pool,
            properties__kubernetesVersion="1.30.7",
            properties__currentKubernetesVersion="1.30.7",
            **workload_identity("aks-orders-eus2"),
        ),
        # IAM-03: the API's identity (and its standby) trusts both clusters; the worker's only the primary.
        identity(fx, "id-orders-api-cus", "rg-orders-cus", CUS, t, "6e2f3a4b-5c6d-4e7f-8091-a2b3c4d5e6f0"),
        identity(fx, "id-orders-api-eus2", "rg-orders-eus2", EUS2, t, "6e2f3a4b-5c6d-4e7f-8091-a2b3c4d5e6f1"),
        identity(fx, "id-orders-worker-cus", "rg-orders-cus", CUS, t, "6e2f3a4b-5c6d-4e7f-8091-a2b3c4d5e6f2"),
        # the published example pinned to one zone: Kubernetes 1.9.6, no backup, no standby of its version
        resource(
            fx,
            "containerservice/managed-cluster-get.json",
            "aks-orders-jobs-cus",
            "rg-orders-cus",
            CUS,
            t,
            sku={"name": "Base", "tier": "Standard"},
            properties__agentPoolProfiles=[
                {
                    **body(fx, "containerservice/managed-cluster-get.json")["properties"]["agentPoolProfiles"][0],
                    "availabilityZones": ["1"],
                }
            ],
        ),
        resource(
            fx,
            "dataprotection/backup-vault-get.json",
            "bv-orders-cus",
            "rg-orders-cus",
            CUS,
            t,
            properties__storageSettings=[{"datastoreType": "VaultStore", "type": "GeoRedundant"}],
            # PROT-03: soft delete that cannot be turned off, and locked immutability
            properties__securitySettings={
                "softDeleteSettings": {"state": "AlwaysOn", "retentionDurationInDays": 14},
                "immutabilitySettings": {"state": "Locked"},
            },
        ),
        resource(
            fx,
            "documentdb/database-account-get.json",
            "cosmos-orders-cus",
            "rg-orders-cus",
            CUS,
            t,
            properties__locations=[{"locationName": "Central US", "failoverPriority": 0, "isZoneRedundant": True}],
        ),
        resource(
            fx,
            "documentdb/database-account-create-multi-region.json",
            "cosmos-catalog-cus",
            "rg-orders-cus",
            CUS,
            t,
            # The example's network rules name placeholders (subnet subid/rg/vnet1, sample IP ranges)
            # that are not the demo's networks: the demo's catalogue admits every network.
            properties__isVirtualNetworkFilterEnabled=False,
            properties__virtualNetworkRules=[],
            properties__ipRules=[],
            properties__enableAutomaticFailover=True,
            properties__backupPolicy={"type": "Continuous"},
            properties__locations=[
                {"locationName": "Central US", "failoverPriority": 0, "isZoneRedundant": True},
                {"locationName": "East US 2", "failoverPriority": 1, "isZoneRedundant": True},
            ],
        ),
        resource(
            fx,
            "dbforpostgresql/flexible-server-zone-redundant-ha-geo-backup.json",
            "psql-orders-cus",
            "rg-orders-cus",
            CUS,
            t | {"drready-role": "airflow-metadata"},
        ),
        resource(fx, "dbforpostgresql/flexible-server-get.json", "psql-inventory-cus", "rg-orders-cus", CUS, t),
        resource(fx, "dbformysql/flexible-server-get.json", "mysql-orders-cus", "rg-orders-cus", CUS, t),
        resource(
            fx,
            "dbformysql/flexible-server-zone-redundant-ha.json",
            "mysql-payments-cus",
            "rg-orders-cus",
            CUS,
            t,
            properties__backup__geoRedundantBackup="Enabled",
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwordersdagscus",
            "rg-orders-cus",
            CUS,
            t | {"drready-role": "airflow-dags"},
            sku={"name": "Standard_GZRS", "tier": "Standard"},
        ),
        registry("acrnworders", "rg-orders-cus", CUS, t, "Premium"),
        registry("acrnwordersbuild", "rg-orders-cus", CUS, t, "Basic"),
        resource(fx, "keyvault/vault-get.json", "kv-orders-cus", "rg-orders-cus", CUS, t, **KV_ON),
        resource(fx, "keyvault/vault-get.json", "kv-orders-eus2", "rg-orders-eus2", EUS2, t, **KV_ON),
        # batch: Airflow whose metadata database has no copy outside Central US
        resource(
            fx,
            "dbforpostgresql/flexible-server-read-replica.json",
            "psql-batch-airflow-cus",
            "rg-batch-cus",
            CUS,
            b | {"drready-role": "airflow-metadata"},
            properties__replicationRole="Primary",
            properties__sourceServerResourceId=None,
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwbatchdagscus",
            "rg-batch-cus",
            CUS,
            b | {"drready-role": "airflow-dags"},
            sku={"name": "Standard_LRS", "tier": "Standard"},
        ),
    ]


def genai_stamps(fx: Path) -> list[dict[str, Any]]:
    """assistant: models in two regions behind API Management, recovering into East US;
    copilot: a younger single-region assistant."""
    t = {"workload": "assistant", "env": "prod"}
    c = {"workload": "copilot", "env": "prod"}
    openai = {"kind": "OpenAI", "sku": {"name": "S0"}}
    return [
        account(fx, "oai-assistant-cus", "rg-assistant-cus", CUS, t, openai),
        account(fx, "oai-assistant-eus", "rg-assistant-eus", EUS, t, openai),
        account(fx, "oai-assistant-embed-cus", "rg-assistant-cus", CUS, t, openai),
        resource(fx, "cognitiveservices/account-get.json", "cog-assistant-vision-cus", "rg-assistant-cus", CUS, t),
        # AI-06: zone-redundant in both regions
        apim(fx, "apim-assistant-cus", "rg-assistant-cus", CUS, t, [EUS], "Premium", ["1", "2", "3"]),
        *telemetry("assistant", t, replicated=True),
        # AI-08: the queue that buffers the gateway's requests, geo-replicated to East US
        resource(
            PUBLISHED,
            "servicebus/namespace-create-georeplication-2026-01-01.json",
            "sb-assistant-cus",
            "rg-assistant-cus",
            CUS,
            t,
            properties__geoDataReplication={
                "locations": [
                    {"locationName": CUS, "roleType": "Primary"},
                    {"locationName": EUS, "roleType": "Secondary"},
                ],
                "maxReplicationLagDurationInSeconds": 300,
            },
            properties__serviceBusEndpoint="https://sb-assistant-cus.servicebus.windows.net:443/",
        ),
        resource(
            fx,
            "dbforpostgresql/flexible-server-zone-redundant-ha-geo-backup.json",
            "psql-langfuse-cus",
            "rg-assistant-cus",
            CUS,
            t | {"drready-role": "langfuse-db"},
        ),
        resource(
            fx,
            "dbforpostgresql/flexible-server-read-replica.json",
            "psql-langfuse-eus",
            "rg-assistant-eus",
            EUS,
            t | {"drready-role": "langfuse-db"},
            properties__sourceServerResourceId=rid(
                "rg-assistant-cus", "Microsoft.DBforPostgreSQL/flexibleServers", "psql-langfuse-cus"
            ),
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwlangfusecus",
            "rg-assistant-cus",
            CUS,
            t | {"drready-role": "langfuse-blob"},
            sku={"name": "Standard_GZRS", "tier": "Standard"},
        ),
        # AI-04: Langfuse v3's ClickHouse on RA-GZRS storage, its Redis with a counterpart in East US
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwclickhousecus",
            "rg-assistant-cus",
            CUS,
            t | {"drready-role": "langfuse-clickhouse"},
            sku={"name": "Standard_RAGZRS", "tier": "Standard"},
        ),
        resource(
            PUBLISHED,
            "cache/redis-get-linkedservers-2024-11-01.json",
            "redis-langfuse-cus",
            "rg-assistant-cus",
            CUS,
            t | {"drready-role": "langfuse-redis"},
            properties__linkedServers=[],
        ),
        resource(
            PUBLISHED,
            "cache/redis-get-linkedservers-2024-11-01.json",
            "redis-langfuse-eus",
            "rg-assistant-eus",
            EUS,
            t | {"drready-role": "langfuse-redis"},
            properties__linkedServers=[],
        ),
        resource(fx, "databricks/workspace-get.json", "dbw-assistant-cus", "rg-assistant-cus", CUS, t),
        resource(fx, "databricks/workspace-get.json", "dbw-assistant-eus", "rg-assistant-eus", EUS, t),
        resource(fx, "keyvault/vault-get.json", "kv-assistant-cus", "rg-assistant-cus", CUS, t, **KV_ON),
        resource(fx, "keyvault/vault-get.json", "kv-assistant-eus", "rg-assistant-eus", EUS, t, **KV_ON),
        *assistant_egress(fx, t),
        # copilot
        account(fx, "oai-copilot-cus", "rg-copilot-cus", CUS, c, openai),
        # NET-06: copilot's standby egress firewall admits its only model endpoint (Azure OpenAI)
        resource(
            fx,
            "network/azure-firewall-get-with-zones.json",
            "afw-copilot-eus2",
            "rg-copilot-eus2",
            EUS2,
            c,
            properties__firewallPolicy={"id": COPILOT_POLICY},
            properties__applicationRuleCollections=[],
            properties__networkRuleCollections=[],
            properties__natRuleCollections=[],
        ),
        resource(
            PUBLISHED,
            "network/firewallpolicy-get-2025-03-01.json",
            "afwp-copilot",
            "rg-copilot-eus2",
            EUS2,
            c,
            properties__ruleCollectionGroups=[{"id": f"{COPILOT_POLICY}/ruleCollectionGroups/rcg-copilot-egress"}],
            properties__firewalls=[],
        ),
        # AI-06: the classic Standard tier has no zones
        apim(fx, "apim-copilot-cus", "rg-copilot-cus", CUS, c, [], "Standard", []),
        *telemetry("copilot", c, replicated=False),
        resource(
            fx,
            "dbforpostgresql/flexible-server-get.json",
            "psql-langfuse-copilot-cus",
            "rg-copilot-cus",
            CUS,
            c | {"drready-role": "langfuse-db"},
            properties__backup__geoRedundantBackup="Disabled",
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwcopilottracescus",
            "rg-copilot-cus",
            CUS,
            c | {"drready-role": "langfuse-blob"},
            sku={"name": "Standard_LRS", "tier": "Standard"},
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwcopilotclickhousecus",
            "rg-copilot-cus",
            CUS,
            c | {"drready-role": "langfuse-clickhouse"},
            sku={"name": "Standard_LRS", "tier": "Standard"},
        ),
        resource(
            PUBLISHED,
            "cache/redis-get-linkedservers-2024-11-01.json",
            "redis-langfuse-copilot-cus",
            "rg-copilot-cus",
            CUS,
            c | {"drready-role": "langfuse-redis"},
            properties__linkedServers=[],
        ),
        resource(fx, "databricks/workspace-get.json", "dbw-copilot-cus", "rg-copilot-cus", CUS, c),
    ]


# NET-06: the assistant's egress leaves through Azure Firewall in both regions under one policy, which
# admits Azure OpenAI but not api.openai.com, the chat route's last fallback.
ASSISTANT_POLICY = rid("rg-assistant-eus", "Microsoft.Network/firewallPolicies", "afwp-assistant")
ASSISTANT_SPACES = {CUS: "10.40", EUS: "10.41"}
COPILOT_POLICY = rid("rg-copilot-eus2", "Microsoft.Network/firewallPolicies", "afwp-copilot")


def assistant_egress(fx: Path, tags: dict[str, str]) -> list[dict[str, Any]]:
    """Networks, firewalls and the firewall policy of the assistant stamp in both regions."""
    out = []
    for location, token in ((CUS, "cus"), (EUS, "eus")):
        rg, space = f"rg-assistant-{token}", ASSISTANT_SPACES[location]
        vnet = resource(fx, "network/virtual-network-get.json", f"vnet-assistant-{token}", rg, location, tags)
        template = vnet["properties"]["subnets"][0]
        vnet["properties"]["addressSpace"] = {"addressPrefixes": [f"{space}.0.0/16"]}
        vnet["properties"]["subnets"] = [
            template
            | {
                "name": name,
                "id": f"{vnet['id']}/subnets/{name}",
                "properties": {"provisioningState": "Succeeded", "addressPrefix": prefix},
            }
            for name, prefix in (("snet-gateway", f"{space}.1.0/24"), ("AzureFirewallSubnet", f"{space}.0.0/26"))
        ]
        firewall = resource(
            fx,
            "network/azure-firewall-get-with-zones.json",
            f"afw-assistant-{token}",
            rg,
            location,
            tags,
            properties__firewallPolicy={"id": ASSISTANT_POLICY},
            properties__applicationRuleCollections=[],
            properties__networkRuleCollections=[],
            properties__natRuleCollections=[],
        )
        out += [vnet, firewall]
    policy = resource(
        PUBLISHED,
        "network/firewallpolicy-get-2025-03-01.json",
        "afwp-assistant",
        "rg-assistant-eus",
        EUS,
        tags,
        properties__ruleCollectionGroups=[{"id": f"{ASSISTANT_POLICY}/ruleCollectionGroups/rcg-assistant-egress"}],
        properties__firewalls=[],
    )
    return [*out, policy]


def egress_rules() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each egress policy's one rule collection group (the published RuleCollectionGroupGet body, its
    network rule replaced by an application rule for Azure OpenAI): the assistant's from both regions'
    workload subnets, copilot's (which has no networks of its own) from anywhere."""
    assistant_sources = [f"{space}.1.0/24" for space in ASSISTANT_SPACES.values()]
    return {
        policy: {"ruleCollectionGroups": [egress_group(policy, name, sources)]}
        for policy, name, sources in (
            (ASSISTANT_POLICY, "rcg-assistant-egress", assistant_sources),
            (COPILOT_POLICY, "rcg-copilot-egress", ["*"]),
        )
    }


def egress_group(policy: str, name: str, sources: list[str]) -> dict[str, Any]:
    rule = {
        "ruleType": "ApplicationRule",
        "name": "azure-openai",
        "protocols": [{"protocolType": "Https", "port": 443}],
        "sourceAddresses": sources,
        "targetFqdns": ["*.openai.azure.com"],
    }
    group = child(
        PUBLISHED,
        "network/firewallpolicy-rcg-get-networkrule-2025-03-01.json",
        policy,
        "ruleCollectionGroups",
        name,
        properties__priority=200,
    )
    collection = group["properties"]["ruleCollections"][0]
    group["properties"]["ruleCollections"] = [
        collection | {"name": "allow-model-endpoints", "priority": 100, "action": {"type": "Allow"}, "rules": [rule]}
    ]
    return group


def private_endpoint(
    fx: Path, name: str, rg: str, location: str, tags: dict[str, str], service: str, group: str
) -> dict[str, Any]:
    connection = body(fx, "network/private-endpoint-get.json")["properties"]["privateLinkServiceConnections"][0]
    connection = {
        **connection,
        "properties": {**connection["properties"], "privateLinkServiceId": service, "groupIds": [group]},
    }
    return resource(
        fx,
        "network/private-endpoint-get.json",
        name,
        rg,
        location,
        tags,
        properties__privateLinkServiceConnections=[connection],
        properties__customDnsConfigs=[],
    )


def dns_link(fx: Path, zone: str, name: str, rg: str, tags: dict[str, str], vnet: str, vnet_rg: str) -> dict[str, Any]:
    r = resource(
        fx,
        "network/private-dns-zone-virtual-network-link-get.json",
        name,
        rg,
        "global",
        tags,
        properties__virtualNetwork={"id": rid(vnet_rg, "Microsoft.Network/virtualNetworks", vnet)},
    )
    r["id"] = f"{rid(rg, 'Microsoft.Network/privateDnsZones', zone)}/virtualNetworkLinks/{name}"
    return r


def identity(fx: Path, name: str, rg: str, location: str, tags: dict[str, str], principal: str) -> dict[str, Any]:
    return resource(
        fx,
        "managedidentity/user-assigned-identity-get.json",
        name,
        rg,
        location,
        tags,
        properties__principalId=principal,
        properties__clientId=principal,
        properties__tenantId=TENANT,
    )


def account(fx: Path, name: str, rg: str, location: str, tags: dict[str, str], shape: dict[str, Any]) -> dict[str, Any]:
    return resource(
        fx,
        "cognitiveservices/account-get.json",
        name,
        rg,
        location,
        tags,
        **shape,
        properties__endpoint=f"https://{name}.openai.azure.com/",
        properties__customSubDomainName=name,
    )


def telemetry(workload: str, tags: dict[str, str], replicated: bool) -> list[dict[str, Any]]:
    """AI-07: the stamp's Log Analytics workspace (replicated to East US, or not) and its Application
    Insights component (with a standby in East US, or not), from the published WorkspacesGet and
    ComponentsGet bodies."""
    rg = f"rg-{workload}-cus"
    workspace = resource(
        PUBLISHED,
        "operationalinsights/workspace-get-no-replication-2025-02-01.json",
        f"log-{workload}-cus",
        rg,
        CUS,
        tags,
        properties__replication={"enabled": True, "location": EUS, "provisioningState": "Succeeded"}
        if replicated
        else None,
    )
    components = [
        resource(
            PUBLISHED,
            "applicationinsights/component-get-workspacebased-2020-02-02.json",
            f"appi-{workload}-{token}",
            f"rg-{workload}-{token}",
            region,
            tags,
            properties__WorkspaceResourceId=workspace["id"],
        )
        for token, region in [("cus", CUS), ("eus", EUS)][: 2 if replicated else 1]
    ]
    return [workspace, *components]


def apim(
    fx: Path, name: str, rg: str, location: str, tags: dict[str, str], additional: list[str], sku: str, zones: list[str]
) -> dict[str, Any]:
    # No API Management service GET example is among the fixtures: the service body is the ARM shape
    # that Resource Graph returns (sku, additionalLocations), as in azure-dr-facts.md section 13.
    return {
        "id": rid(rg, "Microsoft.ApiManagement/service", name),
        "name": name,
        "type": "microsoft.apimanagement/service",
        "location": location,
        "resourceGroup": rg,
        "subscriptionId": SUB,
        "tenantId": TENANT,
        "tags": tags,
        "sku": {"name": sku, "capacity": max(1, len(zones))},
        **({"zones": zones} if zones else {}),
        "properties": {
            "additionalLocations": [
                {"location": loc, "sku": {"name": sku, "capacity": len(zones)}, "zones": zones} for loc in additional
            ],
            "gatewayUrl": f"https://{name}.azure-api.net",
        },
    }


def registry(name: str, rg: str, location: str, tags: dict[str, str], sku: str) -> dict[str, Any]:
    # No container registry example is among the fixtures: the ARM shape Resource Graph returns.
    return {
        "id": rid(rg, "Microsoft.ContainerRegistry/registries", name),
        "name": name,
        "type": "microsoft.containerregistry/registries",
        "location": location,
        "resourceGroup": rg,
        "subscriptionId": SUB,
        "tenantId": TENANT,
        "tags": tags,
        "sku": {"name": sku, "tier": sku},
        "properties": {
            "loginServer": f"{name}.azurecr.io",
            "zoneRedundancy": "Enabled" if sku == "Premium" else "Disabled",
        },
    }


def estate(fx: Path) -> list[dict[str, Any]]:
    return [*web_stamp(fx), *data_stamp(fx), *kubernetes_stamps(fx), *genai_stamps(fx), *chaos_experiments()]


# Chaos Studio experiments in a resource group of their own (no stamp claims it); each belongs to the
# stamps whose resources it targets (scanner/drills.py). (name, tags, target, target type, fault, parameters)
EXPERIMENTS = [
    (
        "chaos-storefront-region",
        {"drready-stamp": "storefront", "drready-scenario": "region-failover"},
        rid("rg-storefront-cus", "Microsoft.Web/sites", "app-storefront-api-cus"),
        "Microsoft-AppService",
        "urn:csci:microsoft:appService:stop/1.0",
        [],
    ),
    (
        "chaos-orders-cosmos",
        {},
        rid("rg-orders-cus", "Microsoft.DocumentDB/databaseAccounts", "cosmos-orders-cus"),
        "Microsoft-CosmosDB",
        "urn:csci:microsoft:cosmosDB:failover/1.0",
        [{"key": "readRegion", "value": "East US 2"}],
    ),
]
# Their runs (GET {experiment}/executions): storefront's drill of 2026-10-14 was run in Chaos Studio;
# the Cosmos DB failover of orders' declared drill day failed, so that record does not count.
EXECUTIONS = {
    "chaos-storefront-region": [("2026-10-14T09:02:11.0000000Z", "success")],
    "chaos-orders-cosmos": [("2026-03-02T14:30:00.0000000Z", "failed")],
}


def chaos_experiments() -> list[dict[str, Any]]:
    out = []
    for name, tags, target, target_type, fault, parameters in EXPERIMENTS:
        r = resource(CHAOS, "Experiments_Get.json", name, "rg-chaos-cus", "centralus", tags)
        r["properties"]["selectors"][0]["targets"][0]["id"] = (
            f"{target}/providers/Microsoft.Chaos/targets/{target_type}"
        )
        action = r["properties"]["steps"][0]["branches"][0]["actions"][0]
        action.update(name=fault, parameters=parameters)
        out.append(r)
    return out


def chaos_executions() -> dict[str, dict[str, list[dict[str, Any]]]]:
    template = body(CHAOS, "Experiments_GetExecution.json")
    out = {}
    for name, runs in EXECUTIONS.items():
        experiment = rid("rg-chaos-cus", "Microsoft.Chaos/experiments", name)
        items = []
        for i, (started, status) in enumerate(runs):
            run = copy.deepcopy(template)
            run["name"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{experiment}/executions/{i}"))
            run["id"] = f"{experiment}/executions/{run['name']}"
            run["properties"].update(startedAt=started, status=status, stoppedAt=started[:14] + "40:00.0000000Z")
            items.append(run)
        out[experiment] = {"executions": items}
    return out


def children(fx: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """What ARM returns outside Resource Graph, keyed by parent id (azure-dr-facts.md section 16)."""
    afd = rid("rg-storefront-cus", "Microsoft.Cdn/profiles", "afd-storefront")
    apim_a = rid("rg-assistant-cus", "Microsoft.ApiManagement/service", "apim-assistant-cus")
    apim_c = rid("rg-copilot-cus", "Microsoft.ApiManagement/service", "apim-copilot-cus")
    breaker = {
        "rules": [
            {
                "name": "trip-on-429-or-5xx",
                "failureCondition": {
                    "count": 3,
                    "interval": "PT1M",
                    "statusCodeRanges": [{"min": 429, "max": 429}, {"min": 500, "max": 599}],
                },
                "tripDuration": "PT1M",
                "acceptRetryAfter": True,
            }
        ]
    }

    def origin(name: str, host: str) -> dict[str, Any]:
        return child(
            fx,
            "cdn/afd-origin-get.json",
            f"{afd}/origingroups/og-api",
            "origins",
            name,
            properties__hostName=host,
            properties__originHostHeader=host,
            properties__originGroupName="og-api",
        )

    def backend(parent: str, name: str, url: str, cb: Any) -> dict[str, Any]:
        return child(
            fx,
            "apimanagement/backend-get.json",
            parent,
            "backends",
            name,
            properties__url=url,
            properties__circuitBreaker=cb,
            properties__serviceFabricCluster=None,
            properties__protocol="http",
        )

    def pool(parent: str, members: list[str]) -> dict[str, Any]:
        return child(
            fx,
            "apimanagement/backend-pool-priority-based.json",
            parent,
            "backends",
            "pool-chat",
            properties__pool={
                "services": [{"id": f"{parent}/backends/{m}", "priority": i + 1} for i, m in enumerate(members)]
            },
        )

    def deployments(account_rg: str, name: str, models: list[tuple[str, str]]) -> dict[str, Any]:
        parent = rid(account_rg, "Microsoft.CognitiveServices/accounts", name)
        return {
            parent: {
                "deployments": [
                    child(
                        fx,
                        "cognitiveservices/deployment-get.json",
                        parent,
                        "deployments",
                        m,
                        sku={"name": sku, "capacity": 50},
                        properties__model={"format": "OpenAI", "name": m, "version": "2024-08-06"},
                    )
                    for m, sku in models
                ]
            }
        }

    def shir(factory_rg: str, factory: str, statuses: list[str]) -> dict[str, Any]:
        status = body(fx, "datafactory/integration-runtime-status-selfhosted-nodes.json")
        node = status["properties"]["typeProperties"]["nodes"][0]
        status["name"] = "shir-onprem"
        status["properties"]["dataFactoryName"] = factory
        status["properties"]["typeProperties"]["nodes"] = [
            {
                **node,
                "nodeName": f"Node_{i + 1}",
                "machineName": f"SHIR-VM-{i + 1}",
                "status": s,
                "isActiveDispatcher": i == 0,
            }
            for i, s in enumerate(statuses)
        ]
        return {rid(factory_rg, "Microsoft.DataFactory/factories", factory): {"integrationRuntimes": [status]}}

    vault = rid("rg-orders-cus", "Microsoft.DataProtection/backupVaults", "bv-orders-cus")
    instance = child(
        fx,
        "dataprotection/backup-instance-aks.json",
        vault,
        "backupInstances",
        "aks-orders-cus",
        properties__dataSourceInfo__resourceID=rid(
            "rg-orders-cus", "Microsoft.ContainerService/managedClusters", "aks-orders-cus"
        ),
        properties__dataSourceInfo__resourceUri=rid(
            "rg-orders-cus", "Microsoft.ContainerService/managedClusters", "aks-orders-cus"
        ),
        properties__dataSourceInfo__resourceLocation=CUS,
        properties__dataSourceInfo__resourceName="aks-orders-cus",
        # K8S-03: backups are being taken (the published PUT response says NotProtected, as a new instance does)
        properties__protectionStatus={"status": "ProtectionConfigured"},
        properties__currentProtectionState="ProtectionConfigured",
    )
    return {
        afd: {
            "originGroups": [
                child(
                    fx,
                    "cdn/afd-origin-group-get.json",
                    afd,
                    "origingroups",
                    "og-api",
                    properties__healthProbeSettings__probePath="/healthz",
                    properties__healthProbeSettings__probeProtocol="Https",
                )
            ],
            "origins": [
                origin("api-cus", "app-storefront-api-cus.azurewebsites.net"),
                origin("api-eus2", "app-storefront-api-eus2.azurewebsites.net"),
            ],
        },
        **merged(
            shir("rg-lakehouse-cus", "adf-lakehouse-cus", ["Online", "Online"]),
            factory_content("rg-lakehouse-cus", "adf-lakehouse-cus"),
        ),
        **merged(
            shir("rg-lakehouse-eus2", "adf-lakehouse-eus2", ["Online"]),
            factory_content("rg-lakehouse-eus2", "adf-lakehouse-eus2"),
        ),
        **merged(
            shir("rg-lakehouse-cus", "adf-lakehouse-ingest-cus", ["Online"]),
            factory_content("rg-lakehouse-cus", "adf-lakehouse-ingest-cus"),
        ),
        vault: {"backupInstances": [instance], "recoveryPoints": [recovery_point(instance, "2026-11-20T01:52:00Z")]},
        rid("rg-orders-cus", "Microsoft.ContainerRegistry/registries", "acrnworders"): {
            "replications": [
                {
                    "id": rid("rg-orders-cus", "Microsoft.ContainerRegistry/registries", "acrnworders")
                    + "/replications/eastus2",
                    "name": "eastus2",
                    "type": "Microsoft.ContainerRegistry/registries/replications",
                    "location": EUS2,
                }
            ]
        },
        **deployments(
            "rg-assistant-cus",
            "oai-assistant-cus",
            [("gpt-4o", "Standard"), ("text-embedding-3-large", "GlobalStandard")],
        ),
        **deployments("rg-assistant-eus", "oai-assistant-eus", [("gpt-4o", "Standard")]),
        **deployments("rg-assistant-cus", "oai-assistant-embed-cus", [("text-embedding-3-small", "Standard")]),
        **deployments("rg-copilot-cus", "oai-copilot-cus", [("gpt-4o-mini", "Standard")]),
        apim_a: {
            "backends": [
                backend(apim_a, "oai-assistant-cus", "https://oai-assistant-cus.openai.azure.com/openai", breaker),
                backend(apim_a, "oai-assistant-eus", "https://oai-assistant-eus.openai.azure.com/openai", breaker),
                pool(apim_a, ["oai-assistant-cus", "oai-assistant-eus"]),
            ]
        },
        # AI-08: no geo-disaster recovery alias (the namespace is geo-replicated instead)
        rid("rg-assistant-cus", "Microsoft.ServiceBus/namespaces", "sb-assistant-cus"): {"disasterRecoveryConfigs": []},
        apim_c: {
            "backends": [
                backend(apim_c, "oai-copilot-cus", "https://oai-copilot-cus.openai.azure.com/openai", None),
                pool(apim_c, ["oai-copilot-cus"]),
            ]
        },
    }


def recovery_point(instance: dict[str, Any], time: str) -> dict[str, Any]:
    """Microsoft's published recovery point, under the instance (K8S-03: 8 minutes before collection)."""
    point = copy.deepcopy(body(PUBLISHED, "dataprotection/ListRecoveryPoints.json")["value"][1])
    point["id"] = f"{instance['id']}/recoveryPoints/{point['name']}"
    point["properties"]["recoveryPointTime"] = time
    return point


def authorization(fx: Path) -> list[dict[str, Any]]:
    """Role assignments as Resource Graph's authorizationresources returns them."""
    blob_reader = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"  # Storage Blob Data Reader
    kv_user = "4633458b-17de-408a-b874-0445c86b69e6"  # Key Vault Secrets User
    adf_contributor = "673868aa-7521-48a0-acc6-0f60742d39f5"  # Data Factory Contributor

    def assignment(principal: str, role: str, scope: str, n: int) -> dict[str, Any]:
        r = body(fx, "authorization/role-assignment-get.json")
        name = f"5f1c2b3a-0000-4000-8000-{n:012d}"
        r.update(
            id=f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
            name=name,
            type="microsoft.authorization/roleassignments",
        )
        r["properties"] = {
            **r["properties"],
            "roleDefinitionId": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{role}",
            "principalId": principal,
            "principalType": "ServicePrincipal",
            "scope": scope,
        }
        return r

    api_cus, api_eus2 = "0a6c1f52-8d1e-4c3b-9f0e-1b2c3d4e5f60", "0a6c1f52-8d1e-4c3b-9f0e-1b2c3d4e5f61"
    assets = rid("rg-storefront-cus", "Microsoft.Storage/storageAccounts", "stnwstorefrontassetscus")
    return [
        assignment(api_cus, blob_reader, assets, 1),
        assignment(api_cus, kv_user, rid("rg-storefront-cus", "Microsoft.KeyVault/vaults", "kv-storefront-cus"), 2),
        assignment(api_eus2, blob_reader, assets, 3),
        assignment(api_eus2, kv_user, rid("rg-storefront-eus2", "Microsoft.KeyVault/vaults", "kv-storefront-eus2"), 4),
        assignment(
            "7d3e9b21-4a5c-4e6f-8a9b-0c1d2e3f4a50",
            adf_contributor,
            rid("rg-lakehouse-cus", "Microsoft.DataFactory/factories", "adf-lakehouse-cus"),
            5,
        ),
        # IAM-02: both API apps' own identities read the shared assets; only the primary factory's
        # identity can write the lake (its standby's holds nothing).
        assignment(SYSTEM_PRINCIPALS["app-storefront-api-cus"], blob_reader, assets, 6),
        assignment(SYSTEM_PRINCIPALS["app-storefront-api-eus2"], blob_reader, assets, 7),
        assignment(
            SYSTEM_PRINCIPALS["adf-lakehouse-cus"],
            "ba92f5b4-2d11-453d-a403-e96b0029c9fe",  # Storage Blob Data Contributor
            rid("rg-lakehouse-cus", "Microsoft.Storage/storageAccounts", "stnwlakehousecus"),
            8,
        ),
    ]


def factory_content(rg: str, factory: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """A factory's pipelines, triggers and linked services as ARM lists them (published example bodies)."""
    fid = rid(rg, "Microsoft.DataFactory/factories", factory)
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, rel in (
        ("pipelines", "datafactory/pipeline-get-2018-06-01.json"),
        ("triggers", "datafactory/trigger-get-stopped-2018-06-01.json"),
        ("linkedServices", "datafactory/linkedservice-get-azurestorage-2018-06-01.json"),
    ):
        item = json.loads((PUBLISHED / rel).read_text(encoding="utf-8"))["responses"]["200"]["body"]
        item["id"] = f"{fid}/{kind.lower()}/{item['name']}"
        out[kind] = [item]
    return {fid: out}


def merged(*parts: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Child lists of the same parents, joined."""
    out: dict[str, dict[str, Any]] = {}
    for part in parts:
        for parent, kinds in part.items():
            out.setdefault(parent, {}).update(kinds)
    return out


def site_configs(resources: list[dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each app's site configuration as ARM returns it (GET {site}/config/web: the siteConfig object),
    where the health-check path lives."""
    return {
        r["id"]: {
            "config": [
                {
                    "id": f"{r['id']}/config/web",
                    "name": "web",
                    "type": "Microsoft.Web/sites/config",
                    "properties": r["properties"]["siteConfig"],
                }
            ]
        }
        for r in resources
        if r["type"].lower() == "microsoft.web/sites" and isinstance(r["properties"].get("siteConfig"), dict)
    }


# PROT-01/02: what each account's blob service keeps (the published BlobServicesGet has blob soft delete
# for 300 days and versioning on, and no container soft delete or point-in-time restore).
CONTAINER_SOFT_DELETE = {"containerDeleteRetentionPolicy": {"enabled": True, "days": 7}}
BLOB_SERVICE = {
    # soft delete for blobs and containers, no point-in-time restore: PROT-01 passes, PROT-02 fails
    "stnwstorefrontuicus": {**CONTAINER_SOFT_DELETE, "isVersioningEnabled": False},
    # every protection: both pass
    "stnwstorefrontassetscus": {**CONTAINER_SOFT_DELETE, "restorePolicy": {"enabled": True, "days": 6}},
    # as published, without container soft delete: PROT-01 fails
    "stnwlakehouserawcus": {},
}


def blob_services(resources: list[dict[str, Any]]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each account's blob service properties (GET {account}/blobServices/default)."""
    published = body(PUBLISHED, "storage/blobservices-get-2025-08-01.json")
    out = {}
    for r in resources:
        if r["type"] != "microsoft.storage/storageaccounts" or r.get("kind") == "FileStorage":
            continue
        service = copy.deepcopy(published)
        service["id"] = f"{r['id']}/blobServices/default"
        service["properties"].update(BLOB_SERVICE.get(r["name"], CONTAINER_SOFT_DELETE))
        out[r["id"]] = {"blobServices": [service]}
    return out


# REG-02: the orders stamp's standby group was created from a script run in Central US.
MISPLACED_GROUPS = {"rg-orders-eus2": CUS}
MG_PROD = "mg-contoso-prod"
MCSB = "1f3afdf9-d0c9-4c3d-847f-89da613e70a8"  # the Microsoft cloud security benchmark initiative


def resource_groups(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Resource Graph's resourcecontainers rows of the groups the demo's resources sit in, each located
    where its resources are (the published CreateResourceGroup body's shape)."""
    regions: dict[str, str] = {}
    for r in resources:
        if r["location"].lower() != "global":
            regions.setdefault(r["resourceGroup"], r["location"])
    return [
        {
            "id": f"/subscriptions/{SUB}/resourceGroups/{group}",
            "name": group,
            "type": "microsoft.resources/subscriptions/resourcegroups",
            "location": MISPLACED_GROUPS.get(group, region),
            "subscriptionId": SUB,
            "tenantId": TENANT,
            "properties": {"provisioningState": "Succeeded"},
        }
        for group, region in sorted(regions.items())
    ]


def subscription() -> dict[str, Any]:
    """The subscription's resourcecontainers row, with the management groups above it."""
    return {
        "id": f"/subscriptions/{SUB}",
        "name": "contoso-prod",
        "type": "microsoft.resources/subscriptions",
        "subscriptionId": SUB,
        "tenantId": TENANT,
        "properties": {
            "state": "Enabled",
            "managementGroupAncestorsChain": [
                {"displayName": "Contoso production", "name": MG_PROD},
                {"displayName": "Tenant Root Group", "name": TENANT},
            ],
        },
    }


def policy_assignment(scope: str, name: str, display: str, definition: str, **parameters: Any) -> dict[str, Any]:
    """A policyresources row in the published getPolicyAssignment body's shape."""
    return {
        "id": f"{scope}/providers/Microsoft.Authorization/policyAssignments/{name}",
        "name": name,
        "type": "microsoft.authorization/policyassignments",
        "properties": {
            "displayName": display,
            "policyDefinitionId": f"/providers/Microsoft.Authorization/{definition}",
            "notScopes": [],
            "parameters": {k: {"value": v} for k, v in parameters.items()},
            "enforcementMode": "Default",
            "scope": scope,
        },
    }


def policy_assignments() -> list[dict[str, Any]]:
    """POL-01 fails for the lakehouse (a deny assigned on its primary group only) and passes for the
    storefront (the same definition on both groups); POL-02 fails for the assistant (its secondary,
    East US, is not an allowed location) and passes for the rest."""
    mg = f"/providers/Microsoft.Management/managementGroups/{MG_PROD}"
    group = lambda name: f"/subscriptions/{SUB}/resourceGroups/{name}"  # noqa: E731
    https_only = "policyDefinitions/a4af4a39-4135-47fb-b175-47fbdf85311d"
    return [
        policy_assignment(mg, "mcsb", "Microsoft cloud security benchmark", f"policySetDefinitions/{MCSB}"),
        policy_assignment(
            mg,
            "allowed-locations",
            "Allowed locations",
            "policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c",
            listOfAllowedLocations=[CUS, EUS2],
        ),
        policy_assignment(
            group("rg-lakehouse-cus"),
            "deny-storage-public",
            "Storage accounts should disable public network access",
            "policyDefinitions/b2982f36-99f2-4db5-8eff-283140c09693",
            effect="Deny",
        ),
        policy_assignment(group("rg-storefront-cus"), "https-only", "App Service apps HTTPS only", https_only),
        policy_assignment(group("rg-storefront-eus2"), "https-only", "App Service apps HTTPS only", https_only),
    ]


def deny_assignments() -> dict[str, list[dict[str, Any]]]:
    """DR-POL-03 fails for the orders stamp: a deployment stack's denyWriteAndDelete on its standby group
    excludes only the stack's own pipeline. The denial of the published example (an unrelated action on
    the subscription) blocks nothing, so the other stamps pass."""
    published = body(PUBLISHED, "authorization/denyassignments-list-subscription-2022-04-01.json")["value"][0]
    scope = f"/subscriptions/{SUB}"
    unrelated = json.loads(json.dumps(published).replace("subscriptions/subId", f"subscriptions/{SUB}"))
    stack = json.loads(json.dumps(published))
    group = f"{scope}/resourceGroups/rg-orders-eus2"
    stack["id"] = f"{group}/providers/Microsoft.Authorization/denyAssignments/7d3c9f0e-2b4a-4c6d-8e1f-3a5b7c9d0e12"
    stack["name"] = "7d3c9f0e-2b4a-4c6d-8e1f-3a5b7c9d0e12"
    stack["properties"] |= {
        "denyAssignmentName": "Deny assignment for deployment stack stack-orders-eus2",
        "description": "Created by deployment stack stack-orders-eus2 (denySettings: denyWriteAndDelete)",
        "scope": group,
        "permissions": [
            {"actions": ["*/write", "*/delete"], "notActions": [], "dataActions": [], "notDataActions": []}
        ],
        "principals": [{"id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined"}],
        "excludePrincipals": [{"id": "3f6a9c2e-7b1d-4e58-a0c4-9d2e6b8f1a37", "type": "ServicePrincipal"}],
    }
    return {SUB: [unrelated, stack]}


def main() -> None:
    fixtures = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES
    resources = sorted(estate(fixtures), key=lambda r: r["id"].lower())
    snapshot = {
        "schema": "drready.snapshot/v1",
        "collected_at": "2026-11-20T02:00:00Z",
        "scope": {"tenant": TENANT, "subscriptions": [SUB], "management_groups": []},
        "resources": resources,
        "children": children(fixtures)
        | site_configs(resources)
        | federated_credentials()
        | private_dns_records()
        | egress_rules()
        | blob_services(resources)
        | chaos_executions(),
        "authorization": authorization(fixtures),
        "resource_groups": resource_groups(resources),
        "subscriptions": [subscription()],
        "policy_assignments": policy_assignments(),
        "deny_assignments": deny_assignments(),
        "declared": {},
        "errors": [],
    }
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "snapshot.json"
    out.write_text(json.dumps(snapshot, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} with {len(snapshot['resources'])} resources")


if __name__ == "__main__":
    main()
