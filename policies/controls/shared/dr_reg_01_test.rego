package drready.controls.shared.dr_reg_01_test

import data.drready.controls.shared.dr_reg_01

stamp(primary, secondary) := {"stamp": {"name": "s1", "kind": "web", "primary_region": primary, "secondary_region": secondary}}

test_pair_passes if {
	[r] := dr_reg_01.results with input as stamp("centralus", "eastus2")
	r.status == "pass"
	r.resource == "stamp/s1"
}

test_not_the_pair_is_an_info_finding if {
	[r] := dr_reg_01.results with input as stamp("centralus", "westus2")
	r.status == "fail"
	r.severity == "info"
	contains(r.message, "not the Azure pair")
}

test_no_secondary_fails if {
	[r] := dr_reg_01.results with input as stamp("mexicocentral", null)
	r.status == "fail"
	not r.severity
}
