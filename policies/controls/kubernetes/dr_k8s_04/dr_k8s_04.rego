# METADATA
# title: Cosmos DB multi-region with failover
# description: >-
#   The Cosmos DB account replicates to the stamp's secondary region, fails over by itself
#   (service-managed failover) or writes in several regions, uses continuous backup, and is zone
#   redundant in every location that has zones. With more than one region and Session, Consistent
#   prefix or Eventual consistency Microsoft gives an RPO under 15 minutes; a single-region account
#   has an RPO under 240 minutes and is unavailable until the region returns.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-cosmos-db
#     description: Reliability in Azure Cosmos DB for NoSQL
#   - ref: https://learn.microsoft.com/azure/cosmos-db/consistency-levels
#     description: Consistency levels and data durability
# custom:
#   id: DR-K8S-04
#   severity: critical
#   stamps: [kubernetes]
#   resource_types: [microsoft.documentdb/databaseaccounts]
#   mechanism: cosmos_failover
#   recovery: {step: data, label: Fail over Cosmos DB, phase: data, per_resource: true}
#   plan:
#     azurerm_cosmosdb_account:
#       type: Microsoft.DocumentDB/databaseAccounts
#       body:
#         kind: kind
#         properties.locations: >-
#           sort_by((geo_location || `[]`)[].{locationName: location, failoverPriority: failover_priority || `0`,
#           isZoneRedundant: zone_redundant == `true`}, &failoverPriority)
#         properties.enableAutomaticFailover: "(automatic_failover_enabled || enable_automatic_failover) == `true`"
#         properties.enableMultipleWriteLocations: >-
#           (multiple_write_locations_enabled || enable_multiple_write_locations) == `true`
#         properties.backupPolicy.type: "backup[0].type || 'Periodic'"
#         properties.consistencyPolicy.defaultConsistencyLevel: "consistency_policy[0].consistency_level"
package drready.controls.kubernetes.dr_k8s_04

import data.drready.lib

results := [lib.with_mechanism(_assess(r), _mechanism(r)) |
	some r in lib.resources_of("microsoft.documentdb/databaseaccounts")
]

_mechanism(r) := "cosmos_single_region" if {
	count(_location_names(r)) < 2
} else := "cosmos_multi_write" if {
	lib.prop(r, ["enableMultipleWriteLocations"]) == true
} else := "cosmos_failover"

_locations(r) := lib.list_or_empty(lib.prop(r, ["locations"]))

_location_names(r) := [lib.norm_region(object.get(l, "locationName", null)) | some l in _locations(r)]

# Locations drready cannot judge: no name, or a region whose zone support is not known.
_unjudged_locations(r) := [object.get(l, "locationName", "(no name)") |
	some l in _locations(r)
	not _placed(lib.norm_region(object.get(l, "locationName", null)))
]

_placed(name) if lib.zone_region(name)

_placed(name) if lib.no_zones(name)

_evidence(r) := {
	"properties.locations[].locationName": _location_names(r),
	"properties.enableAutomaticFailover": lib.prop(r, ["enableAutomaticFailover"]),
	"properties.enableMultipleWriteLocations": lib.prop(r, ["enableMultipleWriteLocations"]),
	"properties.backupPolicy.type": lib.prop(r, ["backupPolicy", "type"]),
}

_no_secondary(r) := [] if {
	input.stamp.secondary_region in _location_names(r)
} else := [sprintf("add %s to properties.locations", [input.stamp.secondary_region])]

_no_failover(r) := [] if {
	lib.prop(r, ["enableAutomaticFailover"]) == true
} else := [] if {
	lib.prop(r, ["enableMultipleWriteLocations"]) == true
} else := ["set enableAutomaticFailover (service-managed failover) or enableMultipleWriteLocations to true"]

_no_continuous_backup(r) := [] if {
	lib.prop(r, ["backupPolicy", "type"]) == "Continuous"
} else := ["switch backupPolicy to Continuous (point-in-time restore)"]

_not_zone_redundant(r) := [concat("", ["set isZoneRedundant on ", concat(", ", names)])] if {
	names := [name |
		some l in _locations(r)
		name := lib.norm_region(object.get(l, "locationName", null))
		lib.zone_region(name)
		object.get(l, "isZoneRedundant", false) != true
	]
	count(names) > 0
} else := []

_gaps(r) := array.concat(
	array.concat(_no_secondary(r), _no_failover(r)),
	array.concat(_no_continuous_backup(r), _not_zone_redundant(r)),
)

_assess(r) := lib.result(r, "not_applicable", lib.counterpart_message(r), _evidence(r)) if {
	lib.in_secondary(r)
} else := lib.unknown(
	r,
	sprintf("Cosmos DB account %s: its locations are not in the collected body", [lib.name_of(r)]),
) if {
	count(_locations(r)) == 0
} else := lib.unknown(
	r,
	concat("", [
		sprintf("Cosmos DB account %s: location(s) ", [lib.name_of(r)]),
		concat(", ", [sprintf("%v", [n]) | some n in _unjudged_locations(r)]),
		" name no region whose zone support is known",
	]),
) if {
	count(_unjudged_locations(r)) > 0
	count(_gaps(r)) == 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Cosmos DB account %s replicates to %s, fails over automatically and has continuous backup",
		[lib.name_of(r), input.stamp.secondary_region],
	),
	_evidence(r),
) if {
	count(_gaps(r)) == 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Cosmos DB account %s would not survive the loss of %s: ",
			[lib.name_of(r), input.stamp.primary_region],
		),
		concat("; ", _gaps(r)),
		sprintf(" (az cosmosdb update -n %s -g %s)", [lib.name_of(r), lib.resource_group(r)]),
	]),
	_evidence(r),
)
