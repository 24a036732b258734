package custom.regal.rules.drready["control-metadata_test"]

import data.custom.regal.rules.drready["control-metadata"] as rule

_file := "policies/controls/web/dr_web_99/dr_web_99.rego"

_complete := `# METADATA
# title: A control
# description: What it checks.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/
#     description: Reliability guides
# custom:
#   id: DR-WEB-99
#   severity: high
#   stamps: [web]
#   resource_types: [microsoft.web/sites]
package drready.controls.web.dr_web_99

results := []
`

_lacks(what) := {concat("", ["Control DR-WEB-99: its package METADATA lacks ", what])}

_descriptions(report) := {v.description | some v in report}

_without_types := replace(_complete, "#   resource_types: [microsoft.web/sites]\n", "")

test_complete_control_passes if {
	report := rule.report with input as regal.parse_module(_file, _complete)
	report == set()
}

test_missing_title if {
	policy := replace(_complete, "# title: A control\n", "")
	report := rule.report with input as regal.parse_module(_file, policy)
	_descriptions(report) == _lacks("title")
}

test_blank_description if {
	policy := replace(_complete, "# description: What it checks.", "# description: \"\"")
	report := rule.report with input as regal.parse_module(_file, policy)
	_descriptions(report) == _lacks("description")
}

test_missing_severity if {
	policy := replace(_complete, "#   severity: high\n", "")
	report := rule.report with input as regal.parse_module(_file, policy)
	_descriptions(report) == _lacks("custom.severity")
}

test_missing_stamps if {
	policy := replace(_complete, "#   stamps: [web]\n", "")
	report := rule.report with input as regal.parse_module(_file, policy)
	_descriptions(report) == _lacks("custom.stamps")
}

test_sources_need_a_ref if {
	sources := concat("", [
		"# related_resources:\n",
		"#   - ref: https://learn.microsoft.com/azure/reliability/\n",
		"#     description: Reliability guides\n",
	])
	report := rule.report with input as regal.parse_module(_file, replace(_complete, sources, ""))
	_descriptions(report) == _lacks("related_resources (with at least one ref)")
}

test_resource_controls_need_resource_types if {
	report := rule.report with input as regal.parse_module(_file, _without_types)
	_descriptions(report) == _lacks("custom.resource_types")

	empty := rule.report with input as regal.parse_module(_file, replace(_complete, "[microsoft.web/sites]", "[]"))
	_descriptions(empty) == _lacks("custom.resource_types")
}

test_stamp_controls_need_no_resource_types if {
	policy := replace(_without_types, "#   stamps: [web]\n", "#   stamps: [web]\n#   scope: stamp\n")
	report := rule.report with input as regal.parse_module(_file, policy)
	report == set()
}

test_controls_evaluated_in_python_need_no_resource_types if {
	policy := replace(_without_types, "#   stamps: [web]\n", "#   stamps: [web]\n#   evaluated_by: recovery-targets\n")
	report := rule.report with input as regal.parse_module(_file, policy)
	report == set()
}

test_every_gap_is_reported if {
	policy := "# METADATA\n# custom:\n#   id: DR-WEB-99\npackage drready.controls.web.dr_web_99\n"
	report := rule.report with input as regal.parse_module(_file, policy)
	count(report) == 6
}

test_helper_modules_are_not_controls if {
	helper := "# METADATA\n# title: Helpers\npackage drready.controls.web.dr_web_99\n"
	with_helper := rule.report with input as regal.parse_module(_file, helper)
	with_helper == set()

	no_metadata := "package drready.controls.web.dr_web_99\n\nx := 1\n"
	without_metadata := rule.report with input as regal.parse_module(_file, no_metadata)
	without_metadata == set()
}

test_modules_outside_controls_are_not_checked if {
	policy := "# METADATA\n# custom:\n#   id: DR-WEB-99\npackage drready.lib.extra\n"
	report := rule.report with input as regal.parse_module("policies/lib/extra.rego", policy)
	report == set()
}
