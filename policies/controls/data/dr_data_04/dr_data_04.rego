# METADATA
# title: Lake data geo-replicated
# description: >-
#   The data stamp's storage accounts (ADLS Gen2 lakes included) replicate to the paired region
#   (GRS, RA-GRS, GZRS or RA-GZRS). Azure Storage typically keeps an RPO under 15 minutes for
#   geo-replication, with no SLA (Geo Priority Replication adds one for block blobs); an unplanned
#   customer-managed failover typically completes within 60 minutes.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/storage/common/storage-redundancy
#     description: Azure Storage redundancy
#   - ref: https://learn.microsoft.com/azure/storage/common/storage-redundancy-priority-replication
#     description: Geo Priority Replication
# custom:
#   id: DR-DATA-04
#   severity: high
#   stamps: [data]
#   resource_types: [microsoft.storage/storageaccounts]
#   mechanism: storage_geo_failover
#   recovery: {step: data, label: Fail over lake storage, phase: data, per_resource: true}
#   remediation:
#     summary: Make the lake storage account read-access geo-zone-redundant (RA-GZRS)
#     command: >-
#       az storage account update -n {name} -g {resource_group} --subscription {subscription}
#       --sku Standard_RAGZRS
#   plan:
#     azurerm_storage_account:
#       type: Microsoft.Storage/storageAccounts
#       body:
#         sku.name: "join('_', [account_tier || 'Standard', account_replication_type || ''])"
#         kind: account_kind
#         properties.isHnsEnabled: "is_hns_enabled == `true`"
package drready.controls.data.dr_data_04

import data.drready.lib

results := [lib.with_mechanism(_lake_result(r), lib.storage_mechanism(_sku(r))) |
	some r in lib.resources_of("microsoft.storage/storageaccounts")
]

_sku(r) := object.get(r, ["sku", "name"], null)

_evidence(r) := {"sku.name": _sku(r), "properties.isHnsEnabled": object.get(r, ["properties", "isHnsEnabled"], null)}

_lake_result(r) := lib.result(r, "not_applicable", lib.counterpart_message(r), _evidence(r)) if {
	lib.in_secondary(r)
} else := lib.result(
	r, "pass",
	concat("", [
		sprintf("Storage account %s is %s: ", [lib.name_of(r), _sku(r)]),
		"geo-replicated with a typical RPO under 15 minutes (no SLA without Geo Priority Replication)",
	]),
	_evidence(r),
) if {
	_sku(r) in lib.geo_storage_skus
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Storage account %s is %v: its data has no copy outside %s, so the RPO for a region loss is unbounded. ",
			[lib.name_of(r), _sku(r), r.location],
		),
		sprintf(
			"Set sku.name to Standard_RAGZRS (az storage account update -n %s -g %s --sku Standard_RAGZRS)",
			[lib.name_of(r), lib.resource_group(r)],
		),
	]),
	_evidence(r),
)
