package drready.controls.shared.dr_net_02_test

import data.drready.lib.fixtures as f

st1 := f.storage("stdata-cus", "centralus", "Standard_ZRS")

st2 := f.storage("stdata-eus2", "eastus2", "Standard_ZRS")

pe1 := f.private_endpoint("pe-stdata-cus", "centralus", st1.id, "blob")

pe2 := f.private_endpoint("pe-stdata-eus2", "eastus2", st2.id, "blob")

pe2_wrong_group := f.private_endpoint("pe-stdata-eus2", "eastus2", st2.id, "dfs")

v1 := f.vnet("vnet-cus", "centralus", ["pe"])

v2 := f.vnet("vnet-eus2", "eastus2", ["pe"])

l1 := f.dns_link("privatelink.blob.core.windows.net", "link-cus", v1.id)

l2 := f.dns_link("privatelink.blob.core.windows.net", "link-eus2", v2.id)

pairs := [f.pair(st1, st2), f.pair(v1, v2)]

doc(resources) := object.union(f.doc("data", resources), {"pairs": pairs})

foreign := f.dns_link("privatelink.blob.core.windows.net", "link-hub", "/subscriptions/x/resourceGroups/hub/providers/Microsoft.Network/virtualNetworks/hub")

cases := {
	"link_to_network_outside_the_stamp_not_applicable": {"input": doc([foreign]), "expect": {foreign.id: {"status": "not_applicable"}}},
	"endpoint_and_dns_parity_pass": {
		"input": doc([st1, st2, pe1, pe2, v1, v2, l1, l2]),
		"expect": {
			pe1.id: {"status": "pass"}, pe2.id: {"status": "not_applicable"},
			l1.id: {"status": "pass"}, l2.id: {"status": "not_applicable"},
		},
	},
	"missing_endpoint_and_link_fail": {
		"input": doc([st1, st2, pe1, pe2_wrong_group, v1, v2, l1]),
		"expect": {
			pe1.id: {"status": "fail", "contains": ["stdata-cus (blob)"]}, pe2.id: {"status": "not_applicable"},
			l1.id: {"status": "fail", "contains": ["privatelink.blob.core.windows.net", "not to its counterpart vnet-eus2"]},
		},
	},
}
