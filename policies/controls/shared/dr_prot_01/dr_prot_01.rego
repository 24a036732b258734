# METADATA
# title: Deleted blobs and containers recoverable
# description: >-
#   Geo-replication copies a deletion to the secondary as faithfully as a write, so a deleted blob or
#   container is gone in both regions unless soft delete keeps it. Every storage account of the stamp
#   with a blob service has blob soft delete and container soft delete on (blobServices/default,
#   properties.deleteRetentionPolicy and containerDeleteRetentionPolicy), each keeping deleted data for
#   at least 7 days, and blob soft delete without allowPermanentDelete (which lets soft-deleted versions
#   and snapshots be purged early). An absent policy counts as off, as ARM's default is; blob service
#   properties that were not read make the finding unknown. FileStorage accounts have no blob service
#   and are not applicable. The 7-day floor is drready's choice: it is the lower end of the 7-365 days
#   that the CIS Microsoft Azure Foundations Benchmark's soft-delete recommendation gives (Azure allows 1);
#   a shorter window can expire over a weekend before anyone notices the deletion. PSRule's
#   Azure.Storage.SoftDelete and Azure.Storage.ContainerSoftDelete check that each is on, at any length.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/storage/blobs/soft-delete-blob-overview
#     description: Soft delete for blobs (recommended data protection configuration)
#   - ref: https://learn.microsoft.com/azure/storage/blobs/soft-delete-container-overview
#     description: Soft delete for containers
#   - ref: https://learn.microsoft.com/rest/api/storagerp/blob-services/get-service-properties
#     description: Blob Services - Get Service Properties (deleteRetentionPolicy, allowPermanentDelete)
#   - ref: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.Storage.SoftDelete
#     description: PSRule for Azure, Azure.Storage.SoftDelete
#   - ref: https://www.powershellgallery.com/packages/monkey365/1.0.5/Content/rules%5Cfindings%5Cazure%5Cstorage%5Cazure-storage-account-soft-delete-for-blob-not-enabled.json
#     description: CIS-derived rule (monkey365) giving the 7 to 365 days retention range
# custom:
#   id: DR-PROT-01
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.storage/storageaccounts]
#   mechanism: null
#   absent_ok:
#     properties.deleteRetentionPolicy.allowPermanentDelete: ARM omits it when it is off, its default
#   collect:
#     - type: microsoft.storage/storageaccounts
#       kind: blobServices
#       path: blobServices/default
#       api: "2025-08-01"
#       get: true
#       when: {kind: [StorageV2, Storage, BlobStorage, BlockBlobStorage]}
#   remediation:
#     summary: Turn on blob and container soft delete with at least 7 days of retention
#     command: >-
#       az storage account blob-service-properties update --account-name {name} -g {resource_group}
#       --subscription {subscription} --enable-delete-retention true --delete-retention-days 14
#       --enable-container-delete-retention true --container-delete-retention-days 14
#   plan:
#     azurerm_storage_account:
#       type: Microsoft.Storage/storageAccounts
#       body:
#         kind: account_kind
#         children.blobServices: >-
#           blob_properties[0] && [{properties: {deleteRetentionPolicy: {
#           enabled: blob_properties[0].delete_retention_policy[0] != `null`,
#           days: blob_properties[0].delete_retention_policy[0].days,
#           allowPermanentDelete: blob_properties[0].delete_retention_policy[0].permanent_delete_enabled == `true`},
#           containerDeleteRetentionPolicy: {enabled: blob_properties[0].container_delete_retention_policy[0] != `null`,
#           days: blob_properties[0].container_delete_retention_policy[0].days},
#           isVersioningEnabled: blob_properties[0].versioning_enabled == `true`,
#           restorePolicy: {enabled: blob_properties[0].restore_policy[0] != `null`,
#           days: blob_properties[0].restore_policy[0].days}}}]
package drready.controls.shared.dr_prot_01

import data.drready.lib

results := [x | some r in lib.resources_of("microsoft.storage/storageaccounts"); x := _account_result(r)]

_min_days := 7

_kind(r) := object.get(r, "kind", null)

_policy(r, name) := object.get(lib.blob_service(r), ["properties", name], null)

_enabled(r, name) := object.get(lib.blob_service(r), ["properties", name, "enabled"], null)

_days(r, name) := object.get(lib.blob_service(r), ["properties", name, "days"], null)

_label := {"deleteRetentionPolicy": "blob soft delete", "containerDeleteRetentionPolicy": "container soft delete"}

# What is wrong with one retention policy ("" when nothing), or undefined when its days are not given.
_gap(r, name) := concat("", [_label[name], " is off"]) if {
	_enabled(r, name) != true
} else := concat("", [_label[name], sprintf(" keeps deleted data %v day(s), under 7", [_days(r, name)])]) if {
	is_number(_days(r, name))
	_days(r, name) < _min_days
} else := "" if {
	is_number(_days(r, name))
}

_purge_gap(r) := ["allowPermanentDelete lets soft-deleted versions and snapshots be purged before their time"] if {
	object.get(lib.blob_service(r), ["properties", "deleteRetentionPolicy", "allowPermanentDelete"], null) == true
} else := []

_policies := ["deleteRetentionPolicy", "containerDeleteRetentionPolicy"]

_gaps(r) := array.concat([g | some name in _policies; g := _gap(r, name); g != ""], _purge_gap(r))

_undated(r) := [label |
	some name in _policies
	not _gap(r, name)
	label := _label[name]
]

_evidence(r) := {
	"blobServices.properties.deleteRetentionPolicy": _policy(r, "deleteRetentionPolicy"),
	"blobServices.properties.containerDeleteRetentionPolicy": _policy(r, "containerDeleteRetentionPolicy"),
}

_account_result(r) := lib.result(
	r, "not_applicable",
	sprintf("Storage account %s is a FileStorage account: it has no blob service", [lib.name_of(r)]),
	{"kind": _kind(r)},
) if {
	_kind(r) == "FileStorage"
} else := lib.unknown(
	r,
	sprintf("Storage account %s: its blob service properties (blobServices/default) were not read", [lib.name_of(r)]),
) if {
	not lib.blob_service(r)
} else := lib.unknown(
	r,
	concat("", [
		sprintf("Storage account %s: ", [lib.name_of(r)]),
		concat(" and ", _undated(r)),
		" is on but its retention in days is not in the body",
	]),
) if {
	count(_undated(r)) > 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Storage account %s: ", [lib.name_of(r)]),
		concat("; ", _gaps(r)),
		". Geo-replication copies a deletion to the secondary, so a deleted blob or container would be",
		" lost in both regions",
	]),
	_evidence(r),
) if {
	count(_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Storage account %s keeps deleted blobs %v day(s) and deleted containers %v day(s)",
		[lib.name_of(r), _days(r, "deleteRetentionPolicy"), _days(r, "containerDeleteRetentionPolicy")],
	),
	_evidence(r),
)
