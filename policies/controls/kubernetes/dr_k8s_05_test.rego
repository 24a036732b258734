package drready.controls.kubernetes.dr_k8s_05_test

import data.drready.controls.kubernetes.dr_k8s_05

primary_id := "/subscriptions/ffffffff-ffff-ffff-ffff-ffffffffffff/resourceGroups/exampleresourcegroup/providers/Microsoft.DBforPostgreSQL/flexibleServers/exampleserver"

# Shape of dbforpostgresql/flexible-server-get.json and flexible-server-read-replica.json (2024-08-01), trimmed.
server(id, location, props) := {
	"id": id,
	"name": "exampleserver",
	"type": "Microsoft.DBforPostgreSQL/flexibleServers",
	"location": location,
	"sku": {"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"},
	"properties": object.union(
		{
			"backup": {"backupRetentionDays": 7, "geoRedundantBackup": "Disabled"},
			"highAvailability": {"mode": "Disabled"},
			"replicationRole": "Primary",
			"availabilityZone": "1",
		},
		props,
	),
}

replica := server(concat("", [primary_id, "-replica"]), "eastus2", {"replicationRole": "AsyncReplica", "sourceServerResourceId": primary_id})

zone_ha := {"highAvailability": {"mode": "ZoneRedundant", "standbyAvailabilityZone": "2"}}

run(resources, secondary) := out if {
	out := dr_k8s_05.results with input as {"stamp": {"name": "k", "primary_region": "centralus", "secondary_region": secondary}, "resources": resources}
}

by_id(results, id) := [r | some r in results; r.resource == id][0]

test_replica_in_secondary_and_zone_ha_passes if {
	results := run([server(primary_id, "centralus", zone_ha), replica], "eastus2")
	by_id(results, primary_id).status == "pass"
	by_id(results, replica.id).status == "not_applicable"
}

test_geo_backup_to_the_pair_passes if {
	props := object.union(zone_ha, {"backup": {"geoRedundantBackup": "Enabled"}})
	[r] := run([server(primary_id, "centralus", props)], "eastus2")
	r.status == "pass"
}

test_geo_backup_when_secondary_is_not_the_pair_fails if {
	props := object.union(zone_ha, {"backup": {"geoRedundantBackup": "Enabled"}})
	[r] := run([server(primary_id, "centralus", props)], "westus2")
	r.status == "fail"
	contains(r.message, "read replica in westus2")
}

test_no_copy_fails if {
	[r] := run([server(primary_id, "centralus", zone_ha)], "eastus2")
	r.status == "fail"
	contains(r.message, "replica create")
}

test_no_zone_ha_in_zone_region_fails if {
	[r] := run([server(primary_id, "centralus", {"backup": {"geoRedundantBackup": "Enabled"}})], "eastus2")
	r.status == "fail"
	contains(r.message, "ZoneRedundant")
}

test_region_without_zones_needs_no_zone_ha if {
	[r] := run([server(primary_id, "westus", {"backup": {"geoRedundantBackup": "Enabled"}})], "eastus")
	r.status == "pass"
}

test_region_with_unknown_zone_support_gives_no_result if {
	results := run([server(primary_id, "mexicocentral", {"backup": {"geoRedundantBackup": "Enabled"}})], "eastus2")
	count(results) == 0
}
