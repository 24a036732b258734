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
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[1].parent / "shared" / "fixtures" / "arm-examples"
SUB = "5c7e2d4a-93b1-4f06-8a2e-1d9b7c3e6f40"
TENANT = "8f1b6a2c-0d4e-4b7a-9e35-6c2f1a8d0b97"


def body(fixtures: Path, rel: str) -> dict[str, Any]:
    return json.loads((fixtures / rel).read_text(encoding="utf-8"))


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


def estate(fx: Path) -> list[dict[str, Any]]:
    web = {"workload": "storefront", "env": "prod"}
    data = {"workload": "lakehouse", "env": "prod"}
    k8s = {"workload": "orders", "env": "prod"}
    ai = {"workload": "assistant", "env": "prod"}
    cus, eus2 = "centralus", "eastus2"
    kv_on = {"properties__enableSoftDelete": True, "properties__enablePurgeProtection": True}
    return [
        # web: the UI's storage is locally redundant (gap); its asset store is RA-GZRS (ready).
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwstorefrontuicus",
            "rg-storefront-cus",
            cus,
            web | {"drready-role": "ui-static"},
            sku={"name": "Standard_LRS", "tier": "Standard"},
            properties__isHnsEnabled=False,
            properties__geoReplicationStats=None,
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwstorefrontassetscus",
            "rg-storefront-cus",
            cus,
            web,
            sku={"name": "Standard_RAGZRS", "tier": "Standard"},
            properties__isHnsEnabled=False,
        ),
        resource(fx, "keyvault/vault-get.json", "kv-storefront-cus", "rg-storefront-cus", cus, web, **kv_on),
        resource(fx, "keyvault/vault-get.json", "kv-storefront-eus2", "rg-storefront-eus2", eus2, web, **kv_on),
        resource(
            fx,
            "web/site-get.json",
            "app-storefront-api-cus",
            "rg-storefront-cus",
            cus,
            web | {"drready-role": "api"},
        ),
        resource(fx, "web/serverfarm-get.json", "asp-storefront-cus", "rg-storefront-cus", cus, web),
        resource(fx, "network/application-gateway-get.json", "agw-storefront-cus", "rg-storefront-cus", cus, web),
        resource(fx, "network/waf-policy-get-bot-manager.json", "waf-storefront-cus", "rg-storefront-cus", cus, web),
        resource(
            fx,
            "cdn/front-door-premium-profile-get.json",
            "afd-storefront",
            "rg-storefront-cus",
            "Global",
            web,
        ),
        # data: the lake is geo-replicated; its Key Vault has no purge protection (gap).
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwlakehousecus",
            "rg-lakehouse-cus",
            cus,
            data,
            sku={"name": "Standard_RAGRS", "tier": "Standard"},
        ),
        resource(
            fx,
            "keyvault/vault-get.json",
            "kv-lakehouse-cus",
            "rg-lakehouse-cus",
            cus,
            data,
            properties__enableSoftDelete=True,
        ),
        resource(fx, "databricks/workspace-get.json", "dbw-lakehouse-cus", "rg-lakehouse-cus", cus, data),
        resource(
            fx,
            "datafactory/factory-get-repo-configuration.json",
            "adf-lakehouse-cus",
            "rg-lakehouse-cus",
            cus,
            data,
        ),
        # kubernetes: orders in a single-region Cosmos DB account (gap); the catalog account is
        # multi-region with service-managed failover (ready); PostgreSQL zone-redundant with geo-backup.
        resource(fx, "containerservice/managed-cluster-get.json", "aks-orders-cus", "rg-orders-cus", cus, k8s),
        resource(
            fx,
            "documentdb/database-account-get.json",
            "cosmos-orders-cus",
            "rg-orders-cus",
            cus,
            k8s,
            properties__locations=[{"locationName": "Central US", "failoverPriority": 0, "isZoneRedundant": True}],
        ),
        resource(
            fx,
            "documentdb/database-account-create-multi-region.json",
            "cosmos-catalog-cus",
            "rg-orders-cus",
            cus,
            k8s,
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
            cus,
            k8s | {"drready-role": "airflow-metadata"},
        ),
        resource(fx, "dbforpostgresql/flexible-server-get.json", "psql-inventory-cus", "rg-orders-cus", cus, k8s),
        resource(fx, "dbformysql/flexible-server-get.json", "mysql-orders-cus", "rg-orders-cus", cus, k8s),
        resource(fx, "keyvault/vault-get.json", "kv-orders-cus", "rg-orders-cus", cus, k8s, **kv_on),
        # genai: model endpoint and gateway; the Langfuse trace store is geo-replicated.
        resource(
            fx,
            "cognitiveservices/account-get.json",
            "oai-assistant-cus",
            "rg-assistant-cus",
            cus,
            ai,
            kind="OpenAI",
            sku={"name": "S0"},
        ),
        resource(
            fx,
            "storage/storage-account-get-properties-grs.json",
            "stnwlangfusecus",
            "rg-assistant-cus",
            cus,
            ai | {"drready-role": "langfuse-blob"},
            sku={"name": "Standard_GZRS", "tier": "Standard"},
        ),
        resource(fx, "keyvault/vault-get.json", "kv-assistant-cus", "rg-assistant-cus", cus, ai, **kv_on),
    ]


def main() -> None:
    fixtures = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES
    snapshot = {
        "schema": "drready.snapshot/v1",
        "collected_at": "2026-11-20T02:00:00Z",
        "scope": {"tenant": TENANT, "subscriptions": [SUB], "management_groups": []},
        "resources": sorted(estate(fixtures), key=lambda r: r["id"].lower()),
        "children": {},
        "authorization": [],
        "declared": {},
        "errors": [],
    }
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else HERE / "snapshot.json"
    out.write_text(json.dumps(snapshot, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out} with {len(snapshot['resources'])} resources")


if __name__ == "__main__":
    main()
