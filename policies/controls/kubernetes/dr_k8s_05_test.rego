package drready.controls.kubernetes.dr_k8s_05_test

import data.drready.lib.fixtures as f

primary := f.postgres("psql-a-cus", "centralus", "Disabled", "ZoneRedundant")

# dbforpostgresql/flexible-server-read-replica.json: replicationRole AsyncReplica, sourceServerResourceId set.
replica := object.union(
	f.postgres("psql-a-eus2", "eastus2", "Disabled", "Disabled"),
	{"properties": {"replicationRole": "AsyncReplica", "sourceServerResourceId": primary.id}},
)

geo_backup := f.postgres("psql-a-cus", "centralus", "Enabled", "ZoneRedundant")

with_secondary(doc, secondary) := object.union(doc, {"stamp": object.union(doc.stamp, {"secondary_region": secondary})})

elsewhere(region, secondary) := with_secondary(
	f.doc("kubernetes", [object.union(f.postgres("psql-a-cus", "centralus", "Enabled", "Disabled"), {"location": region})]),
	secondary,
)

cases := {
	"replica_in_secondary_and_zone_ha_passes": {
		"input": f.doc("kubernetes", [primary, replica]),
		"expect": {primary.id: {"status": "pass"}, replica.id: {"status": "not_applicable", "contains": ["read replica of"]}},
	},
	"geo_backup_to_the_pair_passes": {"input": f.doc("kubernetes", [geo_backup]), "expect": {primary.id: {"status": "pass"}}},
	"geo_backup_when_secondary_is_not_the_pair_fails": {
		"input": with_secondary(f.doc("kubernetes", [geo_backup]), "westus2"),
		"expect": {primary.id: {"status": "fail", "contains": ["read replica in westus2"]}},
	},
	"no_copy_fails": {"input": f.doc("kubernetes", [primary]), "expect": {primary.id: {"status": "fail", "contains": ["az postgres flexible-server replica create"]}}},
	"no_zone_ha_in_zone_region_fails": {
		"input": f.doc("kubernetes", [f.postgres("psql-a-cus", "centralus", "Enabled", "Disabled")]),
		"expect": {primary.id: {"status": "fail", "contains": ["ZoneRedundant"]}},
	},
	"region_without_zones_needs_no_zone_ha": {"input": elsewhere("westus", "eastus"), "expect": {primary.id: {"status": "pass"}}},
	"unknown_zone_support_gives_no_result": {"input": elsewhere("mexicocentral", "eastus2"), "expect": {}},
}
