package drready.controls.data.dr_data_01_test

import data.drready.lib.fixtures as f

w1 := f.workspace("dbw-cus", "centralus", "premium", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-cus")

w2 := f.workspace("dbw-eus2", "eastus2", "premium", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet-eus2")

w2_standard := f.workspace("dbw-eus2", "eastus2", "standard", "")

cases := {
	"standby_same_sku_passes": {"input": f.doc("data", [w1, w2]), "expect": {w1.id: {"status": "pass"}, w2.id: {"status": "not_applicable"}}},
	"standby_other_sku_not_injected_fails": {
		"input": f.doc("data", [w1, w2_standard]),
		"expect": {w1.id: {"status": "fail", "contains": ["is standard, not premium", "is VNet-injected but its standby dbw-eus2 is not"]}, w2.id: {"status": "not_applicable"}},
	},
	"no_standby_fails": {"input": f.doc("data", [w1]), "expect": {w1.id: {"status": "fail", "contains": ["no workspace in eastus2"]}}},
}
