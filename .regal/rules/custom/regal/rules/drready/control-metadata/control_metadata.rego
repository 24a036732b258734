# METADATA
# description: >-
#   A drready control (a module under policies/controls/ whose package METADATA has custom.id) names
#   its title, description, sources (related_resources with a ref), custom.severity, custom.stamps and,
#   unless it judges the stamp (custom.scope stamp) or is not evaluated in Rego (custom.evaluated_by),
#   custom.resource_types. scanner/catalogue.py reads the same METADATA into the control catalogue.
# related_resources:
#   - description: drready README, Architecture (policy authors)
#     ref: https://www.openpolicyagent.org/docs/policy-language/#metadata
# schemas:
#   - input: schema.regal.ast
package custom.regal.rules.drready["control-metadata"]

import data.regal.result

report contains violation if {
	_under_controls
	some annotation in input["package"].annotations
	annotation.scope == "package"
	_present(object.get(annotation, ["custom", "id"], null))

	some missing in _lacking(annotation)

	violation := result.fail(rego.metadata.chain(), object.union(
		result.location(annotation),
		{"description": sprintf("Control %v: its package METADATA lacks %s", [annotation.custom.id, missing])},
	))
}

_under_controls if regex.match(`(^|/)policies/controls/`, input.regal.file.name)

# What every control names, by METADATA path.
_required := {
	"title": ["title"],
	"description": ["description"],
	"custom.severity": ["custom", "severity"],
	"custom.stamps": ["custom", "stamps"],
}

_lacking(annotation) := array.concat(
	array.concat(
		[name | some name, path in _required; not _present(object.get(annotation, path, null))],
		["related_resources (with at least one ref)" | not _has_source(annotation)],
	),
	["custom.resource_types" |
		_judges_resources(annotation)
		not _present(object.get(annotation, ["custom", "resource_types"], null))
	],
)

_has_source(annotation) if {
	some source in object.get(annotation, "related_resources", [])
	_present(object.get(source, "ref", null))
}

# Controls judge resources unless they say they judge the stamp, or their findings come from the
# recovery graph in Python rather than from Rego.
_judges_resources(annotation) if {
	object.get(annotation, ["custom", "scope"], "resource") != "stamp"
	object.get(annotation, ["custom", "evaluated_by"], "rego") == "rego"
}

_present(value) if {
	value != null
	not _empty(value)
}

_empty(value) if {
	is_string(value)
	trim_space(value) == ""
}

_empty(value) if {
	not is_string(value)
	not is_number(value)
	not is_boolean(value)
	count(value) == 0
}
