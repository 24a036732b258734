package drready.controls.shared.dr_net_01_test

import data.drready.lib.fixtures as f

v1 := f.vnet("vnet-app-cus", "centralus", ["app", "data"])

v2 := f.vnet("vnet-app-eus2", "eastus2", ["app", "data"])

v2_short := f.vnet("vnet-app-eus2", "eastus2", ["app"])

n1 := f.nsg("nsg-app-cus", "centralus", [f.nsg_rule("https", "443", 100), f.nsg_rule("http", "80", 130)])

n2 := f.nsg("nsg-app-eus2", "eastus2", [f.nsg_rule("allow-https", "443", 100), f.nsg_rule("allow-http", "80", 130)])

n2_short := f.nsg("nsg-app-eus2", "eastus2", [f.nsg_rule("allow-https", "443", 100)])

paired(resources, pairs) := object.union(f.doc("web", resources), {"pairs": pairs})

cases := {
	"same_subnets_and_rules_pass": {
		"input": paired([v1, v2, n1, n2], [f.pair(v1, v2), f.pair(n1, n2)]),
		"expect": {
			v1.id: {"status": "pass"}, v2.id: {"status": "not_applicable"},
			n1.id: {"status": "pass"}, n2.id: {"status": "not_applicable"},
		},
	},
	"missing_subnet_and_rule_fail": {
		"input": paired([v1, v2_short, n1, n2_short], [f.pair(v1, v2_short), f.pair(n1, n2_short)]),
		"expect": {
			v1.id: {"status": "fail", "contains": ["lacks subnet(s) data"]}, v2.id: {"status": "not_applicable"},
			n1.id: {"status": "fail", "contains": ["1 rule(s) have no equivalent"]}, n2.id: {"status": "not_applicable"},
		},
	},
	"no_counterpart_fails": {
		"input": paired([v1], [f.unpaired(v1)]),
		"expect": {v1.id: {"status": "fail", "contains": ["no counterpart in eastus2", "dr-pair"]}},
	},
}
