package drready.controls.shared.dr_reg_01_test

import data.drready.lib.fixtures as f

with_regions(primary, secondary) := object.union(
	f.doc("web", []),
	{"stamp": object.union(f.stamp("web"), {"primary_region": primary, "secondary_region": secondary})},
)

cases := {
	"pair_passes": {"input": with_regions("centralus", "eastus2"), "expect": {"stamp/s1": {"status": "pass"}}},
	"not_the_pair_is_an_info_finding": {
		"input": with_regions("centralus", "westus2"),
		"expect": {"stamp/s1": {"status": "fail", "severity": "info", "contains": ["not the Azure pair of centralus (eastus2)"]}},
	},
	"no_secondary_fails": {
		"input": with_regions("mexicocentral", null),
		"expect": {"stamp/s1": {"status": "fail", "contains": ["no secondary region"]}},
	},
}
