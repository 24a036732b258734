# METADATA
# title: Overwritten or corrupted blobs restorable
# description: >-
#   A corrupting or encrypting write (ransomware, a faulty job) replicates to the secondary like any
#   other write, so a failover does not undo it. Every standard general-purpose v2 storage account of
#   the stamp with a flat namespace keeps blob versions (blobServices/default isVersioningEnabled) and
#   has point-in-time restore on (restorePolicy.enabled, with its days), which rolls block blobs back to
#   an earlier moment. Both are what Microsoft recommends for critical blob data. Point-in-time restore
#   exists only for standard general-purpose v2 accounts without a hierarchical namespace, and versioning
#   not at all with one: other accounts (hierarchical namespace, premium, general-purpose v1, legacy
#   BlobStorage, FileStorage) are not applicable and are left to DR-PROT-01's soft delete. Deliberately,
#   versioning alone is not judged on premium block blob or legacy BlobStorage accounts, which may offer it. An absent
#   setting counts as off, as ARM's default is; blob service properties that were not read, or an account
#   whose kind or SKU the body does not give, are unknown.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/storage/blobs/point-in-time-restore-overview
#     description: Point-in-time restore for block blobs (prerequisites and limitations)
#   - ref: https://learn.microsoft.com/azure/storage/blobs/versioning-overview
#     description: Blob versioning
#   - ref: https://learn.microsoft.com/azure/storage/blobs/soft-delete-vs-versioning-options
#     description: >-
#       Soft delete and versioning options (recommends both for critical data; versioning not available
#       with a hierarchical namespace)
#   - ref: https://learn.microsoft.com/azure/backup/blob-backup-support-matrix
#     description: >-
#       Azure Blobs backup support matrix (operational backup uses point-in-time restore; standard
#       general-purpose v2 only, no hierarchical namespace)
# custom:
#   id: DR-PROT-02
#   severity: medium
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.storage/storageaccounts]
#   mechanism: null
#   absent_ok:
#     properties.isHnsEnabled: ARM omits it when the hierarchical namespace is off, its default
#   collect:
#     - type: microsoft.storage/storageaccounts
#       kind: blobServices
#       path: blobServices/default
#       api: "2025-08-01"
#       get: true
#       when: {kind: [StorageV2, Storage, BlobStorage, BlockBlobStorage]}
#   remediation:
#     summary: >-
#       Turn on versioning, change feed and point-in-time restore (its days fewer than blob soft delete's);
#       or protect the account with Azure Backup's operational backup, which sets the same
#     command: >-
#       az storage account blob-service-properties update --account-name {name} -g {resource_group}
#       --subscription {subscription} --enable-versioning true --enable-change-feed true
#       --enable-delete-retention true --delete-retention-days 14 --enable-restore-policy true --restore-days 7
#   plan:
#     azurerm_storage_account:
#       type: Microsoft.Storage/storageAccounts
#       body:
#         kind: account_kind
#         sku.name: "join('_', [account_tier || 'Standard', account_replication_type || ''])"
#         properties.isHnsEnabled: "is_hns_enabled == `true`"
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
package drready.controls.shared.dr_prot_02

import data.drready.lib

results := [x | some r in lib.resources_of("microsoft.storage/storageaccounts"); x := _account_result(r)]

_kind(r) := object.get(r, "kind", null)

_sku(r) := object.get(r, ["sku", "name"], null)

_versioning(r) := object.get(lib.blob_service(r), ["properties", "isVersioningEnabled"], null)

_restore(r) := object.get(lib.blob_service(r), ["properties", "restorePolicy", "enabled"], null)

_restore_days(r) := object.get(lib.blob_service(r), ["properties", "restorePolicy", "days"], null)

_kinds := {
	"Storage": "general-purpose v1",
	"BlobStorage": "legacy Blob storage",
	"BlockBlobStorage": "premium block blob",
	"FileStorage": "premium file share",
}

# Why the account cannot have versioning and point-in-time restore, if it cannot.
_why_not(r) := "has a hierarchical namespace (Data Lake Storage)" if {
	lib.prop(r, ["isHnsEnabled"]) == true
} else := concat("", [
	"is a ", object.get(_kinds, _kind(r), "other"),
	" account (", _kind(r), "), not general-purpose v2",
]) if {
	_kind(r) != "StorageV2"
} else := concat("", ["is premium (", _sku(r), ")"]) if {
	startswith(_sku(r), "Premium")
}

_gaps(r) := array.concat(
	[g | _versioning(r) != true; g := "blob versioning is off"],
	[g | _restore(r) != true; g := "point-in-time restore is off"],
)

_evidence(r) := {
	"blobServices.properties.isVersioningEnabled": _versioning(r),
	"blobServices.properties.restorePolicy.enabled": _restore(r),
	"blobServices.properties.restorePolicy.days": _restore_days(r),
}

_account_result(r) := lib.unknown(
	r,
	sprintf("Storage account %s: the collected body gives no kind or no sku.name", [lib.name_of(r)]),
) if {
	not _known_shape(r)
} else := lib.result(
	r, "not_applicable",
	concat("", [
		sprintf("Storage account %s ", [lib.name_of(r)]),
		_why_not(r),
		": point-in-time restore is not available to it, so drready does not judge it here",
		" (DR-PROT-01 judges its soft delete)",
	]),
	{"kind": _kind(r), "sku.name": _sku(r), "properties.isHnsEnabled": lib.prop(r, ["isHnsEnabled"])},
) if {
	_why_not(r)
} else := _judged(r)

_judged(r) := lib.unknown(
	r,
	sprintf("Storage account %s: its blob service properties (blobServices/default) were not read", [lib.name_of(r)]),
) if {
	not lib.blob_service(r)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Storage account %s: ", [lib.name_of(r)]),
		concat(" and ", _gaps(r)),
		". A corrupting or encrypting write replicates to the secondary, and nothing could roll it back",
	]),
	_evidence(r),
) if {
	count(_gaps(r)) > 0
} else := lib.unknown(
	r,
	sprintf("Storage account %s: point-in-time restore is on but its days are not in the body", [lib.name_of(r)]),
) if {
	not is_number(_restore_days(r))
} else := lib.result(
	r, "pass",
	sprintf(
		"Storage account %s keeps blob versions and can restore its block blobs to any point of the last %v day(s)",
		[lib.name_of(r), _restore_days(r)],
	),
	_evidence(r),
)

_known_shape(r) if {
	is_string(_kind(r))
	is_string(_sku(r))
}
