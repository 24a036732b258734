package drready.controls.kubernetes.dr_k8s_04_test

import data.drready.lib.fixtures as f

# Shape of documentdb/database-account-create-multi-region.json (DatabaseAccounts_CreateOrUpdate), trimmed.
account(props) := {
	"id": f.id("rg-data", "Microsoft.DocumentDB/databaseAccounts", "ddb1"),
	"name": "ddb1", "type": "Microsoft.DocumentDB/databaseAccounts", "kind": "MongoDB", "location": "Central US",
	"properties": object.union(
		{
			"consistencyPolicy": {"defaultConsistencyLevel": "Session"},
			"backupPolicy": {"type": "Periodic", "periodicModeProperties": {"backupIntervalInMinutes": 240, "backupStorageRedundancy": "Geo"}},
		},
		props,
	),
}

aid := account({}).id

two_regions := [
	{"locationName": "Central US", "failoverPriority": 0, "isZoneRedundant": true},
	{"locationName": "East US 2", "failoverPriority": 1, "isZoneRedundant": true},
]

continuous := {"type": "Continuous"}

run(props) := f.doc("kubernetes", [account(props)])

cases := {
	"multi_region_failover_continuous_passes": {
		"input": run({"locations": two_regions, "enableAutomaticFailover": true, "backupPolicy": continuous}),
		"expect": {aid: {"status": "pass"}},
	},
	"multi_write_counts_as_failover": {
		"input": run({"locations": two_regions, "enableMultipleWriteLocations": true, "backupPolicy": continuous}),
		"expect": {aid: {"status": "pass"}},
	},
	"single_region_fails": {
		"input": run({"locations": [two_regions[0]]}),
		"expect": {aid: {"status": "fail", "contains": ["add eastus2 to properties.locations", "enableAutomaticFailover", "Continuous"]}},
	},
	"zone_redundancy_missing_fails": {
		"input": run({
			"locations": [object.union(two_regions[0], {"isZoneRedundant": false}), two_regions[1]],
			"enableAutomaticFailover": true, "backupPolicy": continuous,
		}),
		"expect": {aid: {"status": "fail", "contains": ["set isZoneRedundant on centralus"]}},
	},
	"account_in_secondary_not_applicable": {
		"input": f.doc("kubernetes", [object.union(account({"locations": [two_regions[1]]}), {"location": "East US 2"})]),
		"expect": {aid: {"status": "not_applicable"}},
	},
}
