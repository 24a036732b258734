# METADATA
# title: UI storage geo-replicated
# description: >-
#   The storage account behind the web stamp's static UI replicates to the paired region
#   (GRS, RA-GRS, GZRS or RA-GZRS). Read-access SKUs are best: the secondary web endpoint serves
#   the static site read-only during an outage, before any failover. Geo-replication typically
#   keeps an RPO under 15 minutes (not guaranteed); an unplanned failover typically completes
#   within 60 minutes.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/storage/common/storage-redundancy
#     description: Azure Storage redundancy
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-storage-blob
#     description: Reliability in Azure Blob Storage
# custom:
#   id: DR-WEB-01
#   severity: high
#   stamps: [web]
#   resource_types: [microsoft.storage/storageaccounts]
#   mechanism: storage_geo_failover
#   recovery: {step: data, label: Fail over storage, phase: data, per_resource: true}
#   remediation:
#     summary: Make the storage account read-access geo-zone-redundant (RA-GZRS)
#     command: >-
#       az storage account update -n {name} -g {resource_group} --subscription {subscription}
#       --sku Standard_RAGZRS
#   plan:
#     azurerm_storage_account:
#       type: Microsoft.Storage/storageAccounts
#       body:
#         sku.name: "join('_', [account_tier || 'Standard', account_replication_type || ''])"
#         kind: account_kind
package drready.controls.web.dr_web_01

import data.drready.lib

_read_access_skus := {"Standard_RAGRS", "Standard_RAGZRS"}

results := [lib.with_mechanism(_assess(r), lib.storage_mechanism(_sku(r))) |
	some r in lib.resources_of("microsoft.storage/storageaccounts")
]

_sku(r) := object.get(r, ["sku", "name"], null)

_evidence(r) := {"sku.name": _sku(r)}

_assess(r) := lib.result(r, "not_applicable", lib.counterpart_message(r), _evidence(r)) if {
	lib.in_secondary(r)
} else := lib.result(
	r, "pass",
	concat("", [
		sprintf("Storage account %s is %s: ", [lib.name_of(r), _sku(r)]),
		"the secondary web endpoint serves the site read-only during an outage",
	]),
	_evidence(r),
) if {
	_sku(r) in _read_access_skus
} else := lib.result(
	r, "pass",
	concat("", [
		sprintf("Storage account %s is %s (geo-replicated); ", [lib.name_of(r), _sku(r)]),
		"RA-GZRS would also serve the site read-only from the secondary before failover",
	]),
	_evidence(r),
) if {
	_sku(r) in lib.geo_storage_skus
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Storage account %s is %v: the static site and its data stay in %s and are lost with the region. ",
			[lib.name_of(r), _sku(r), r.location],
		),
		sprintf(
			"Set sku.name to Standard_RAGZRS: az storage account update -n %s -g %s --sku Standard_RAGZRS",
			[lib.name_of(r), lib.resource_group(r)],
		),
	]),
	_evidence(r),
)
