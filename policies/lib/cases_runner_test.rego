package drready.lib.cases_runner_test

# Runs every control's case table (the cases.yaml beside each control, which OPA loads as
# data.controls.<area>.<id>.cases) on OPA. The same tables run on the embedded engine from pytest
# (tests/test_controls.py); only this runner uses `with`, which rego-cpp 1.5.2 crashes on.
#
# A case is {"input": <policy input>, "expect": {<resource id>: {"status", "contains"?, "lacks"?, "severity"?}}}:
# the control must give exactly one result per expected resource and no other result.

_matches(results, expect) if {
	count(results) == count(expect)
	every id, e in expect {
		some r in results
		r.resource == id
		r.status == e.status
		object.get(r, "severity", null) == object.get(e, "severity", null)
		every fragment in object.get(e, "contains", []) {
			contains(r.message, fragment)
		}
		every fragment in object.get(e, "lacks", []) {
			not contains(r.message, fragment)
		}
	}
}

# A helper rule, not a comprehension inside the test: `with` inside a comprehension does not take
# effect in OPA 1.22.
_failures contains sprintf("%s.%s: %s", [area, id, name]) if {
	some area, controls in data.controls
	some id, table in controls
	some name, c in table.cases

	# regal ignore:with-outside-test-context
	out := data.drready.controls[area][id].results with input as c.input
	not _matches(out, c.expect)
}

_case_count := count([1 |
	some controls in data.controls
	some table in controls
	some _ in table.cases
])

test_every_control_case if {
	# opa test shows what a test printed when it fails: the names of the failing cases.
	# regal ignore:print-or-trace-call
	print("failing cases:", _failures)
	count(_failures) == 0
	_case_count > 0
}

test_lib_regions if {
	data.drready.lib.zone_region("centralus")
	data.drready.lib.no_zones("westus")
	not data.drready.lib.zone_region("jioindiawest")
	not data.drready.lib.no_zones("jioindiawest")
	data.drready.lib.azure_pair("centralus") == "eastus2"
	data.drready.lib.norm_region("East US 2") == "eastus2"
	data.drready.lib.resource_group({"id": "/subscriptions/s/resourceGroups/rg-a/providers/P/t/x"}) == "rg-a"
}

# The indexed form drready gives the engines (scanner/pipeline.py, engine_input).
_indexed_input := {
	"by_type": {"microsoft.web/sites": [
		{"id": "/S/App-CUS", "drready": {"counterpart": {"id": "/S/App-EUS2"}}},
		{"id": "/S/App-EUS2"},
	]},
	"index": {"/s/app-cus": ["microsoft.web/sites", 0], "/s/app-eus2": ["microsoft.web/sites", 1]},
}

test_lib_indexed_lookups if {
	data.drready.lib.by_id("/s/APP-cus").id == "/S/App-CUS" with input as _indexed_input
	not data.drready.lib.by_id("/s/missing") with input as _indexed_input
	data.drready.lib.counterpart_id("/S/App-CUS") == "/s/app-eus2" with input as _indexed_input
	not data.drready.lib.counterpart_id("/S/App-EUS2") with input as _indexed_input
	count(data.drready.lib.resources_of("microsoft.web/sites")) == 2 with input as _indexed_input
	data.drready.lib.region({"location": "Central US", "drready": {"region": "centralus"}}) == "centralus"
	data.drready.lib.region({"location": "Central US"}) == "centralus"
}
