package drready.controls.kubernetes.dr_k8s_06_test

import data.drready.lib.fixtures as f

primary := f.mysql("mysql-cus", "centralus", "Disabled", "ZoneRedundant")

# MySQL replicas say replicationRole Replica (dbformysql/flexible-server-get.json lists the roles).
replica := object.union(
	f.mysql("mysql-eus2", "eastus2", "Disabled", "Disabled"),
	{"properties": {"replicationRole": "Replica", "sourceServerResourceId": primary.id}},
)

cases := {
	"replica_in_secondary_passes": {
		"input": f.doc("kubernetes", [primary, replica]),
		"expect": {primary.id: {"status": "pass"}, replica.id: {"status": "not_applicable"}},
	},
	"no_copy_no_zone_ha_fails": {
		"input": f.doc("kubernetes", [f.mysql("mysql-cus", "centralus", "Disabled", "Disabled")]),
		"expect": {primary.id: {"status": "fail", "contains": ["az mysql flexible-server replica create", "ZoneRedundant"]}},
	},
	"geo_backup_to_pair_passes": {
		"input": f.doc("kubernetes", [f.mysql("mysql-cus", "centralus", "Enabled", "ZoneRedundant")]),
		"expect": {primary.id: {"status": "pass"}},
	},
}
