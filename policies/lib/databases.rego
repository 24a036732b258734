# METADATA
# title: Database recovery helpers
# description: >-
#   Shared logic of the PostgreSQL and MySQL flexible-server controls (DR-K8S-05, DR-K8S-06, DR-K8S-07,
#   DR-AI-04): a copy in the secondary (read replica there, or geo-redundant backup when the secondary
#   is the Azure pair) and zone-redundant high availability in zone regions.
package drready.lib.databases

import data.drready.lib

# ARM replicationRole values of a read replica: PostgreSQL uses AsyncReplica/GeoAsyncReplica,
# MySQL uses Replica.
_replica_roles := {"AsyncReplica", "GeoAsyncReplica", "Replica"}

_is_replica(r) if lib.prop(r, ["replicationRole"]) in _replica_roles

_replicas_in_secondary(r) := [s.id |
	some s in lib.resources_of(lower(r.type))
	_is_replica(s)
	lower(object.get(s, ["properties", "sourceServerResourceId"], "")) == lower(r.id)
	lib.in_secondary(s)
]

_geo_backup_lands_in_secondary(r) if {
	lib.prop(r, ["backup", "geoRedundantBackup"]) == "Enabled"
	lib.azure_pair(lib.region(r)) == input.stamp.secondary_region
}

_evidence(r) := {
	"properties.replicationRole": lib.prop(r, ["replicationRole"]),
	"properties.backup.geoRedundantBackup": lib.prop(r, ["backup", "geoRedundantBackup"]),
	"properties.highAvailability.mode": lib.prop(r, ["highAvailability", "mode"]),
	"replicas in secondary": _replicas_in_secondary(r),
}

# Messages use concat, not sprintf, around `what` and `cli`: rego-cpp 1.5.2 keeps the quotes of a
# literal string passed as a function argument when sprintf formats it.
_no_copy(r, cli) := [] if {
	count(_replicas_in_secondary(r)) > 0
} else := [] if {
	_geo_backup_lands_in_secondary(r)
} else := [concat("", [
	sprintf("create a read replica in %s (az ", [input.stamp.secondary_region]),
	cli,
	sprintf(
		" flexible-server replica create --replica-name <name> -g %s --source-server %s --location %s)",
		[lib.resource_group(r), lib.name_of(r), input.stamp.secondary_region],
	),
	"; geo-redundant backup only helps when the secondary is the Azure pair and can only be set at server creation",
])]

# Undefined when the region's zone support is unknown: the finding is then unknown, not a pass.
_no_zone_ha(r, cli) := [] if {
	lib.no_zones(lib.region(r))
} else := [] if {
	lib.zone_region(lib.region(r))
	lib.prop(r, ["highAvailability", "mode"]) == "ZoneRedundant"
} else := [concat("", [
	"set highAvailability.mode to ZoneRedundant (az ",
	cli,
	" flexible-server update --high-availability ZoneRedundant)",
])] if {
	lib.zone_region(lib.region(r))
}

server_gaps(r, cli) := array.concat(_no_copy(r, cli), _no_zone_ha(r, cli))

# The recovery mechanism of a server: pg_/mysql_ replica promotion, geo-restore, or none.
_server_mechanism(r, cli) := concat("", [_mechanism_prefix[cli], "_replica_promote"]) if {
	count(_replicas_in_secondary(r)) > 0
} else := concat("", [_mechanism_prefix[cli], "_geo_restore"]) if {
	_geo_backup_lands_in_secondary(r)
} else := "none"

_mechanism_prefix := {"postgres": "pg", "mysql": "mysql"}

# The result for one server, with its recovery mechanism; `what` names the engine ("PostgreSQL").
server_result(r, what, cli) := lib.with_mechanism(_server_assessment(r, what, cli), _server_mechanism(r, cli))

_server_assessment(r, what, cli) := lib.result(
	r, "not_applicable",
	sprintf(
		"%s is a read replica of %s: it is assessed through its source server",
		[lib.name_of(r), lib.prop(r, ["sourceServerResourceId"])],
	),
	_evidence(r),
) if {
	_is_replica(r)
} else := lib.result(r, "not_applicable", lib.counterpart_message(r), _evidence(r)) if {
	lib.in_secondary(r)
} else := lib.result(
	r, "pass",
	concat("", [
		what,
		sprintf(
			" server %s can be recovered in %s and is zone-redundant where zones exist",
			[lib.name_of(r), input.stamp.secondary_region],
		),
	]),
	_evidence(r),
) if {
	count(server_gaps(r, cli)) == 0
} else := lib.result(
	r, "fail",
	concat("", [
		what,
		sprintf(
			" server %s cannot be recovered in %v after losing %s: ",
			[lib.name_of(r), input.stamp.secondary_region, r.location],
		),
		concat("; ", server_gaps(r, cli)),
	]),
	_evidence(r),
)

# For controls that only need to know whether a server is recoverable.
recoverable(r) if count(server_gaps(r, "postgres")) == 0
