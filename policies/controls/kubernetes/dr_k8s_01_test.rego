package drready.controls.kubernetes.dr_k8s_01_test

import data.drready.lib.fixtures as f

zonal := f.cluster("aks-cus", "centralus", "1.30.4", [f.pool("system", "System", 3, ["1", "2", "3"]), f.pool("apps", "User", 6, ["1", "2", "3"])])

cases := {
	"zone_spread_pools_pass": {"input": f.doc("kubernetes", [zonal]), "expect": {zonal.id: {"status": "pass"}}},
	"single_zone_pool_and_small_system_pool_fail": {
		"input": f.doc("kubernetes", [f.cluster("aks-cus", "centralus", "1.30.4", [f.pool("system", "System", 2, ["1", "2"]), f.pool("apps", "User", 6, [])])]),
		"expect": {zonal.id: {"status": "fail", "contains": ["node pool(s) apps span fewer than 2 zones", "system pools run 2 node(s)"]}},
	},
	"region_without_zones_not_applicable": {
		"input": f.doc("kubernetes", [object.union(zonal, {"location": "westus"})]),
		"expect": {zonal.id: {"status": "not_applicable"}},
	},
}
