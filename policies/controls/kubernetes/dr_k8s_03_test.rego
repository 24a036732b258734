package drready.controls.kubernetes.dr_k8s_03_test

import data.drready.lib.fixtures as f

c1 := f.cluster("aks-cus", "centralus", "1.30.4", [f.pool("system", "System", 3, ["1", "2", "3"])])

grs := f.backup_vault("bv-cus", "centralus", "GeoRedundant", "Enabled")

lrs := f.backup_vault("bv-cus", "centralus", "LocallyRedundant", "Enabled")

doc(vault, instances) := object.union(f.doc("kubernetes", [c1, vault]), {"children": {lower(vault.id): {"backupInstances": instances}}})

cases := {
	"geo_vault_with_crr_passes": {"input": doc(grs, [f.backup_instance(grs, c1.id)]), "expect": {c1.id: {"status": "pass"}}},
	"locally_redundant_vault_fails": {"input": doc(lrs, [f.backup_instance(lrs, c1.id)]), "expect": {c1.id: {"status": "fail", "contains": ["GeoRedundant"]}}},
	"no_backup_instance_fails": {"input": doc(grs, []), "expect": {c1.id: {"status": "fail", "contains": ["no Azure Backup instance"]}}},
	"instances_not_collected_is_unknown": {"input": f.doc("kubernetes", [c1, grs]), "expect": {c1.id: {"status": "unknown"}}},
	"standby_cluster_not_applicable": {
		"input": f.doc("kubernetes", [object.union(c1, {"location": "eastus2"})]),
		"expect": {c1.id: {"status": "not_applicable"}},
	},
}
