# METADATA
# title: Traces survive a failover
# description: >-
#   Langfuse's stores, found by the drready-role tag, survive the loss of the primary region: its
#   PostgreSQL server (langfuse-db) is recoverable in the secondary as DR-K8S-05 requires, and its blob
#   storage (langfuse-blob) is geo-replicated as DR-WEB-01 requires. Langfuse itself is not an Azure
#   service and has no Microsoft documentation.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-business-continuity
#     description: Business continuity in Azure Database for PostgreSQL flexible server
#   - ref: https://learn.microsoft.com/azure/storage/common/storage-redundancy
#     description: Azure Storage redundancy
# custom:
#   id: DR-AI-04
#   severity: high
#   stamps: [genai]
#   resource_types: [microsoft.dbforpostgresql/flexibleservers, microsoft.storage/storageaccounts]
#   mechanism: pg_replica_promote
#   recovery: {step: data, label: Recover Langfuse store, phase: data, per_resource: true}
package drready.controls.genai.dr_ai_04

import data.drready.lib
import data.drready.lib.databases

results := array.concat(
	[_db_result(r) | some r in lib.resources_of("microsoft.dbforpostgresql/flexibleservers")],
	[_with_blob_mechanism(r) | some r in lib.resources_of("microsoft.storage/storageaccounts")],
)

_not_langfuse(r) := lib.result(
	r, "not_applicable",
	sprintf("%s is not tagged as a Langfuse store (drready-role langfuse-db or langfuse-blob)", [lib.name_of(r)]),
	{"drready-role": object.get(r, ["tags", "drready-role"], null)},
)

_db_result(r) := _not_langfuse(r) if {
	not lib.has_role(r, "langfuse-db")
} else := databases.server_result(r, "Langfuse PostgreSQL", "postgres")

_blob_result(r) := _not_langfuse(r) if {
	not lib.has_role(r, "langfuse-blob")
} else := lib.result(r, "not_applicable", lib.counterpart_message(r), {"sku.name": r.sku.name}) if {
	lib.in_secondary(r)
} else := lib.result(
	r, "pass",
	sprintf("Langfuse blob storage %s is %s (geo-replicated)", [lib.name_of(r), r.sku.name]),
	{"sku.name": r.sku.name},
) if {
	r.sku.name in lib.geo_storage_skus
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Langfuse blob storage %s is %v: traces and media are lost with %s. ",
			[lib.name_of(r), object.get(r, ["sku", "name"], null), r.location],
		),
		sprintf(
			"Set sku.name to Standard_GZRS or Standard_RAGZRS (az storage account update -n %s -g %s --sku Standard_RAGZRS)",
			[lib.name_of(r), lib.resource_group(r)],
		),
	]),
	{"sku.name": object.get(r, ["sku", "name"], null)},
)

_with_blob_mechanism(r) := lib.with_mechanism(
	_blob_result(r),
	lib.storage_mechanism(object.get(r, ["sku", "name"], "")),
) if {
	lib.has_role(r, "langfuse-blob")
} else := _blob_result(r)
