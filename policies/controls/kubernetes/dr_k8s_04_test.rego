package drready.controls.kubernetes.dr_k8s_04_test

import data.drready.controls.kubernetes.dr_k8s_04

# Shape of documentdb/database-account-create-multi-region.json (DatabaseAccounts_CreateOrUpdate), trimmed.
account(props) := {
	"id": "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.DocumentDB/databaseAccounts/ddb1",
	"name": "ddb1",
	"type": "Microsoft.DocumentDB/databaseAccounts",
	"kind": "MongoDB",
	"location": "Central US",
	"properties": object.union(
		{
			"consistencyPolicy": {"defaultConsistencyLevel": "Session"},
			"backupPolicy": {"type": "Periodic", "periodicModeProperties": {"backupIntervalInMinutes": 240, "backupStorageRedundancy": "Geo"}},
		},
		props,
	),
}

two_regions := [
	{"locationName": "Central US", "failoverPriority": 0, "isZoneRedundant": true},
	{"locationName": "East US 2", "failoverPriority": 1, "isZoneRedundant": true},
]

run(r) := out if {
	out := dr_k8s_04.results with input as {"stamp": {"name": "k", "primary_region": "centralus", "secondary_region": "eastus2"}, "resources": [r]}
}

test_multi_region_failover_continuous_passes if {
	[r] := run(account({"locations": two_regions, "enableAutomaticFailover": true, "backupPolicy": {"type": "Continuous"}}))
	r.status == "pass"
}

test_multi_write_counts_as_failover if {
	[r] := run(account({"locations": two_regions, "enableMultipleWriteLocations": true, "backupPolicy": {"type": "Continuous"}}))
	r.status == "pass"
}

test_single_region_fails if {
	[r] := run(account({"locations": [{"locationName": "Central US", "failoverPriority": 0, "isZoneRedundant": true}]}))
	r.status == "fail"
	contains(r.message, "add eastus2 to properties.locations")
	contains(r.message, "enableAutomaticFailover")
	contains(r.message, "Continuous")
}

test_zone_redundancy_missing_fails if {
	locs := [
		{"locationName": "Central US", "failoverPriority": 0, "isZoneRedundant": false},
		{"locationName": "East US 2", "failoverPriority": 1, "isZoneRedundant": true},
	]
	[r] := run(account({"locations": locs, "enableAutomaticFailover": true, "backupPolicy": {"type": "Continuous"}}))
	r.status == "fail"
	contains(r.message, "set isZoneRedundant on centralus")
}

test_account_in_secondary_not_applicable if {
	r0 := object.union(account({"locations": [{"locationName": "East US 2"}]}), {"location": "East US 2"})
	[r] := run(r0)
	r.status == "not_applicable"
}
