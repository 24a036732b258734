# METADATA
# title: PostgreSQL recoverable in the secondary
# description: >-
#   A PostgreSQL flexible server can be brought back in the secondary region: a read replica runs
#   there (promotion typically 1-3 minutes, RPO typically up to 5 minutes) or geo-redundant backup
#   is on and the secondary is the Azure pair (geo-restore, RPO under 1 hour, RTO varies). In zone
#   regions the server also uses zone-redundant high availability (RPO 0, failover 60-120 s).
# related_resources:
#   - ref: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-business-continuity
#     description: Business continuity in Azure Database for PostgreSQL flexible server
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-database-postgresql
#     description: Reliability in Azure Database for PostgreSQL
#   - ref: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-geo-disaster-recovery
#     description: Geo-disaster recovery in Azure Database for PostgreSQL
# custom:
#   id: DR-K8S-05
#   severity: critical
#   stamps: [kubernetes]
#   resource_types: [microsoft.dbforpostgresql/flexibleservers]
#   mechanism: pg_replica_promote
package drready.controls.kubernetes.dr_k8s_05

import data.drready.lib

type := "microsoft.dbforpostgresql/flexibleservers"

replica_roles := {"AsyncReplica", "GeoAsyncReplica"}

results := [assess(r) | some r in lib.resources_of(type)]

prop(r, path) := object.get(r, array.concat(["properties"], path), null)

is_replica(r) if prop(r, ["replicationRole"]) in replica_roles

replicas_in_secondary(r) := [s.id |
	some s in lib.resources_of(type)
	is_replica(s)
	lower(object.get(s, ["properties", "sourceServerResourceId"], "")) == lower(r.id)
	lib.in_secondary(s)
]

geo_backup_lands_in_secondary(r) if {
	prop(r, ["backup", "geoRedundantBackup"]) == "Enabled"
	lib.azure_pair(lib.region(r)) == input.stamp.secondary_region
}

evidence(r) := {
	"properties.replicationRole": prop(r, ["replicationRole"]),
	"properties.backup.geoRedundantBackup": prop(r, ["backup", "geoRedundantBackup"]),
	"properties.highAvailability.mode": prop(r, ["highAvailability", "mode"]),
	"replicas in secondary": replicas_in_secondary(r),
}

no_copy(r) := [] if {
	count(replicas_in_secondary(r)) > 0
} else := [] if {
	geo_backup_lands_in_secondary(r)
} else := [sprintf(
	"create a read replica in %s (az postgres flexible-server replica create --replica-name <name> -g %s --source-server %s --location %s); geo-redundant backup only helps when the secondary is the Azure pair and can only be set at server creation",
	[input.stamp.secondary_region, lib.resource_group(r), lib.name_of(r), input.stamp.secondary_region],
)]

# Undefined when the region's zone support is unknown: the finding is then unknown, not a pass.
no_zone_ha(r) := [] if {
	lib.no_zones(lib.region(r))
} else := [] if {
	lib.zone_region(lib.region(r))
	prop(r, ["highAvailability", "mode"]) == "ZoneRedundant"
} else := ["set highAvailability.mode to ZoneRedundant (az postgres flexible-server update --high-availability ZoneRedundant)"] if {
	lib.zone_region(lib.region(r))
}

gaps(r) := array.concat(no_copy(r), no_zone_ha(r))

assess(r) := lib.result(
	r, "not_applicable",
	sprintf("%s is a read replica of %s: it is assessed through its source server", [lib.name_of(r), prop(r, ["sourceServerResourceId"])]),
	evidence(r),
) if {
	is_replica(r)
} else := lib.result(r, "not_applicable", lib.counterpart_message(r), evidence(r)) if {
	lib.in_secondary(r)
} else := lib.result(
	r, "pass",
	sprintf("PostgreSQL server %s can be recovered in %s and is zone-redundant where zones exist", [lib.name_of(r), input.stamp.secondary_region]),
	evidence(r),
) if {
	count(gaps(r)) == 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("PostgreSQL server %s cannot be recovered in %v after losing %s: ", [lib.name_of(r), input.stamp.secondary_region, r.location]),
		concat("; ", gaps(r)),
	]),
	evidence(r),
)
