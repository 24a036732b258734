package drready.controls.shared.dr_net_03_test

import data.drready.lib.fixtures as f

policy := f.id("rg-net", "Microsoft.Network/firewallPolicies", "afwp-egress")

other_policy := f.id("rg-net", "Microsoft.Network/firewallPolicies", "afwp-other")

fw1 := f.firewall("afw-cus", "centralus", ["1", "2", "3"], policy)

fw2 := f.firewall("afw-eus2", "eastus2", ["1", "2", "3"], policy)

fw2_one_zone := f.firewall("afw-eus2", "eastus2", ["1"], other_policy)

fw2_default_zones := f.firewall("afw-eus2", "eastus2", [], policy)

doc(resources, pairs) := object.union(f.doc("web", resources), {"pairs": pairs})

cases := {
	"same_policy_zone_redundant_passes": {
		"input": doc([fw1, fw2], [f.pair(fw1, fw2)]),
		"expect": {fw1.id: {"status": "pass"}, fw2.id: {"status": "not_applicable"}},
	},
	"absent_zones_are_zone_redundant_by_default": {
		"input": doc([fw1, fw2_default_zones], []),
		"expect": {fw1.id: {"status": "pass"}, fw2.id: {"status": "not_applicable"}},
	},
	"other_policy_and_one_zone_fail": {
		"input": doc([fw1, fw2_one_zone], [f.pair(fw1, fw2_one_zone)]),
		"expect": {fw1.id: {"status": "fail", "contains": ["firewall policy", "pinned to one zone"]}, fw2.id: {"status": "not_applicable"}},
	},
	"no_standby_fails": {
		"input": doc([fw1], [f.unpaired(fw1)]),
		"expect": {fw1.id: {"status": "fail", "contains": ["eastus2 has no Azure Firewall"]}},
	},
}
