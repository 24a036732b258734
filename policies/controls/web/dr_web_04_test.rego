package drready.controls.web.dr_web_04_test

import data.drready.lib.fixtures as f

g1 := f.app_gateway("agw-cus", "centralus", "WAF_v2", ["1", "2", "3"], 2, [f.kv_cert])

g2 := f.app_gateway("agw-eus2", "eastus2", "WAF_v2", [], 2, [f.kv_cert])

# network/application-gateway-get.json as published: v1 Standard_Medium, fixed capacity 3, no zones.
v1 := {
	"id": g1.id, "name": "agw-cus", "type": "Microsoft.Network/applicationGateways", "location": "centralus",
	"properties": {"sku": {"name": "Standard_Medium", "tier": "Standard", "capacity": 3}},
}

cases := {
	"waf_v2_zone_spread_with_standby_passes": {
		"input": object.union(f.doc("web", [g1, g2]), {"pairs": [f.pair(g1, g2)]}),
		"expect": {g1.id: {"status": "pass"}, g2.id: {"status": "not_applicable"}},
	},
	"v1_without_standby_fails": {
		"input": f.doc("web", [v1]),
		"expect": {g1.id: {"status": "fail", "contains": ["SKU tier is Standard", "no gateway in eastus2"]}},
	},
	"one_zone_one_instance_fails": {
		"input": f.doc("web", [f.app_gateway("agw-cus", "centralus", "WAF_v2", ["1"], 1, []), g2]),
		"expect": {g1.id: {"status": "fail", "contains": ["pinned to zone", "minimum of 1 instance(s)"]}, g2.id: {"status": "not_applicable"}},
	},
}
