# METADATA
# title: Traces survive a failover
# description: >-
#   Langfuse v3 keeps its traces, observations and scores in ClickHouse, its queue and cache in Redis,
#   raw events and media in S3-compatible blob storage (Azure Blob) and its transactional data in
#   PostgreSQL. Each store, found by its drready-role tag, survives the loss of the primary region:
#   PostgreSQL (langfuse-db) is recoverable in the secondary as DR-K8S-05 requires; blob storage
#   (langfuse-blob) is geo-replicated; ClickHouse (langfuse-clickhouse) keeps its data on
#   geo-replicated blob storage, or runs in an AKS cluster backed up to a GeoRedundant vault with Cross
#   Region Restore; Redis (langfuse-redis: Azure Cache for Redis or Azure Managed Redis) is
#   geo-replicated to the secondary or has a counterpart there (its queue then starts empty: events in
#   flight are lost). A stamp with Langfuse stores but no ClickHouse or Redis tagged is unknown: Langfuse
#   v2 needed neither, v3 needs both. Langfuse itself is not an Azure service.
# related_resources:
#   - ref: https://langfuse.com/self-hosting
#     description: Langfuse self-hosting architecture (v3 stores)
#   - ref: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-business-continuity
#     description: Business continuity in Azure Database for PostgreSQL flexible server
#   - ref: https://learn.microsoft.com/azure/storage/common/storage-redundancy
#     description: Azure Storage redundancy
#   - ref: https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication
#     description: Geo-replication for Azure Cache for Redis (Premium)
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-managed-redis
#     description: Reliability in Azure Managed Redis (active geo-replication)
# custom:
#   id: DR-AI-04
#   severity: high
#   stamps: [genai]
#   resource_types:
#     - microsoft.dbforpostgresql/flexibleservers
#     - microsoft.storage/storageaccounts
#     - microsoft.cache/redis
#     - microsoft.cache/redisenterprise
#     - microsoft.containerservice/managedclusters
#   reads: [microsoft.dataprotection/backupvaults]
#   mechanism: pg_replica_promote
#   recovery: {step: data, label: Recover Langfuse store, phase: data, per_resource: true}
package drready.controls.genai.dr_ai_04

import data.drready.lib
import data.drready.lib.backups
import data.drready.lib.databases

_roles := {"langfuse-db", "langfuse-blob", "langfuse-clickhouse", "langfuse-redis"}

_caches := array.concat(lib.resources_of("microsoft.cache/redis"), lib.resources_of("microsoft.cache/redisenterprise"))

results := array.concat(
	array.concat(
		[_db_result(r) | some r in lib.resources_of("microsoft.dbforpostgresql/flexibleservers")],
		[_storage_result(r) | some r in lib.resources_of("microsoft.storage/storageaccounts")],
	),
	array.concat(
		array.concat(
			[_redis_result(r) | some r in _caches],
			[_cluster_result(r) | some r in lib.resources_of("microsoft.containerservice/managedclusters")],
		),
		_stamp_results,
	),
)

_role(r) := lib.tag(r, "drready-role")

_not_langfuse(r) := lib.result(
	r, "not_applicable",
	sprintf("%s is not tagged as a Langfuse store (drready-role langfuse-*)", [lib.name_of(r)]),
	{"drready-role": object.get(r, ["tags", "drready-role"], null)},
)

_db_result(r) := databases.server_result(r, "Langfuse PostgreSQL", "postgres") if {
	lib.has_role(r, "langfuse-db")
} else := _not_langfuse(r)

_sku(r) := object.get(r, ["sku", "name"], null)

# Blob storage holds Langfuse's raw events and media, or ClickHouse's data.
_storage_result(r) := lib.with_mechanism(_blob_result(r, "Langfuse blob storage"), lib.storage_mechanism(_sku(r))) if {
	lib.has_role(r, "langfuse-blob")
} else := lib.with_mechanism(_blob_result(r, "ClickHouse storage of Langfuse"), lib.storage_mechanism(_sku(r))) if {
	lib.has_role(r, "langfuse-clickhouse")
} else := _not_langfuse(r)

_blob_result(r, what) := lib.result(r, "not_applicable", lib.counterpart_message(r), {"sku.name": _sku(r)}) if {
	lib.in_secondary(r)
} else := lib.result(
	r, "pass",
	concat("", [what, sprintf(" %s is %s (geo-replicated)", [lib.name_of(r), _sku(r)])]),
	{"sku.name": _sku(r)},
) if {
	_sku(r) in lib.geo_storage_skus
} else := lib.result(
	r, "fail",
	concat("", [
		what,
		sprintf(" %s is %v: traces and media are lost with ", [lib.name_of(r), _sku(r)]),
		lib.region(r),
		". ",
		"Set sku.name to Standard_RAGZRS",
	]),
	{"sku.name": _sku(r)},
)

# ClickHouse in an AKS cluster: its volumes come back only through a cross-region restorable backup.
_cluster_result(r) := _not_langfuse(r) if {
	not lib.has_role(r, "langfuse-clickhouse")
} else := lib.result(r, "not_applicable", lib.counterpart_message(r), {}) if {
	lib.in_secondary(r)
} else := lib.unknown(
	r,
	sprintf("ClickHouse cluster %s: the Backup vaults' backup instances were not collected", [lib.name_of(r)]),
) if {
	not backups.instances_collected
} else := lib.with_mechanism(
	lib.result(
		r, "pass",
		sprintf("ClickHouse of Langfuse runs in %s, backed up to a vault that restores in another region", [lib.name_of(r)]),
		{"protecting vaults": backups.vault_evidence(r)},
	),
	"aks_backup_restore",
) if {
	backups.restorable_elsewhere(r)
} else := lib.with_mechanism(
	lib.result(
		r, "fail",
		concat("", [
			sprintf("ClickHouse of Langfuse runs in %s, whose volumes have no backup that restores in ", [lib.name_of(r)]),
			"another region: protect the cluster in a GeoRedundant vault with Cross Region Restore",
		]),
		{"protecting vaults": backups.vault_evidence(r)},
	),
	"none",
)

# Redis: geo-replicated to a cache of the stamp in the secondary (Premium linked servers), or a
# counterpart cache there.
_redis_result(r) := _not_langfuse(r) if {
	not lib.has_role(r, "langfuse-redis")
} else := lib.result(r, "not_applicable", lib.counterpart_message(r), {}) if {
	lib.in_secondary(r)
} else := _redis_copy(r)

_redis_copy(r) := lib.with_mechanism(
	lib.result(
		r, "pass",
		sprintf("Langfuse's Redis %s is geo-replicated to %s", [lib.name_of(r), input.stamp.secondary_region]),
		{"linked server regions": lib.linked_regions(r)},
	),
	"redis_geo_replication",
) if {
	input.stamp.secondary_region in lib.linked_regions(r)
} else := lib.with_mechanism(
	lib.result(
		r, "pass",
		concat("", [
			sprintf(
				"Langfuse's Redis %s has a counterpart %s in %s ",
				[lib.name_of(r), lib.counterpart(r).name, input.stamp.secondary_region],
			),
			"(the queue starts empty there: events in flight are lost)",
		]),
		{"counterpart": lib.counterpart(r).id},
	),
	"cache_standby",
) if {
	lib.counterpart(r)
} else := lib.with_mechanism(
	lib.result(
		r, "fail",
		concat("", [
			sprintf(
				"Langfuse's Redis %s (queue and cache) has no copy and no counterpart in %v: ",
				[lib.name_of(r), input.stamp.secondary_region],
			),
			"ingestion stops with the region. Geo-replicate it or deploy a Redis there",
		]),
		{"linked server regions": lib.linked_regions(r)},
	),
	"none",
)

# The stores of Langfuse v3 the stamp's tags name; a missing ClickHouse or Redis is not known.
_tagged contains _role(r) if {
	some t in [
		"microsoft.dbforpostgresql/flexibleservers", "microsoft.storage/storageaccounts",
		"microsoft.cache/redis", "microsoft.cache/redisenterprise", "microsoft.containerservice/managedclusters",
	]
	some r in lib.resources_of(t)
	_role(r) in _roles
}

_untagged := [role | some role in ["langfuse-clickhouse", "langfuse-redis"]; not role in _tagged]

default _stamp_results := []

_stamp_results := [lib.stamp_result(
	"unknown",
	concat("", [
		"Langfuse v3 also keeps traces in ClickHouse and its queue in Redis, but no store of the stamp is tagged ",
		concat(" or ", _untagged),
		" (drready-role): whether traces survive a failover is not known",
	]),
	{"tagged Langfuse stores": _tagged},
)] if {
	count(_tagged) > 0
	count(_untagged) > 0
}
