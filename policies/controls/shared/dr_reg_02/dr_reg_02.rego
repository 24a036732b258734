# METADATA
# title: Secondary resources outside the primary's resource groups
# description: >-
#   No resource in the secondary region sits in a resource group whose own location is the primary
#   region. A resource group's metadata lives in the group's region: while that region is down the
#   resources in the group keep running, but none of them can be updated, scaled or failed over
#   through ARM, which is exactly what a failover needs to do to the standby.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/azure-resource-manager/management/overview#resource-group-location-alignment
#     description: Resource group location alignment (metadata unavailable with the group's region)
# custom:
#   id: DR-REG-02
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   remediation:
#     summary: >-
#       Create a resource group located in the secondary region and move the standby resources into it
#       (az group create -l <secondary region>, then az resource move); a group's location cannot be changed.
package drready.controls.shared.dr_reg_02

import data.drready.lib

results := [_assessment]

_secondary := [r | some r in lib.all_resources; lib.in_secondary(r)]

_group_region(r) := region if {
	region := _collected_groups[lib.group_id(r)]
	is_string(region)
}

# Standby resources whose group's metadata lives in the primary region, by group: the groups first,
# then one pass over the standbys per group (not one per standby in it).
_misplaced_groups contains lib.group_id(r) if {
	some r in _secondary
	_group_region(r) == input.stamp.primary_region
}

_misplaced[g] := sort([lib.name_of(x) | some x in _secondary; lib.group_id(x) == g]) if some g in _misplaced_groups

_unplaced := sort([lib.name_of(r) | some r in _secondary; not _group_region(r)])

_group_list := concat("; ", [_group_text(g, _misplaced[g]) | some g in object.keys(_misplaced)])

# Messages are built with concat: rego-cpp 1.5.2's sprintf %s keeps the quotes of computed strings.
_group_text(g, names) := concat("", [parts[4], " (", input.stamp.primary_region, ": ", concat(", ", names), ")"]) if {
	parts := split(g, "/")
}

_evidence := {
	"secondary resources": count(_secondary),
	"resource groups": sort({concat(": ", [g, _region_text(object.get(_collected_groups, g, null))]) |
		some r in _secondary
		g := lib.group_id(r)
	}),
}

default _collected_groups := {}

_collected_groups := g if {
	g := object.get(input, "resource_groups", null)
	is_object(g)
}

_region_text(x) := x if is_string(x)

else := "not known"

_not_collected := sprintf(
	"Stamp %s: resource groups were not collected, so where their metadata lives is not known",
	[input.stamp.name],
)

_misplaced_message := concat("", [
	sprintf("Stamp %s: standby resources sit in resource groups located in the primary region: ", [input.stamp.name]),
	_group_list,
	sprintf(
		". While %s is down these groups' metadata is unavailable and the standby cannot be ",
		[input.stamp.primary_region],
	),
	sprintf("updated, scaled or failed over. Move them to a resource group located in %s", [input.stamp.secondary_region]),
])

_unplaced_message := concat("", [
	sprintf("Stamp %s: the resource group of ", [input.stamp.name]),
	concat(", ", _unplaced),
	" was not collected or has no location, so where its metadata lives is not known",
])

_pass_message := sprintf(
	"Stamp %s: its %d resource(s) in %s sit in resource groups located outside %s",
	[input.stamp.name, count(_secondary), input.stamp.secondary_region, input.stamp.primary_region],
)

_assessment := lib.stamp_result(
	"not_applicable",
	sprintf("Stamp %s has no secondary region (DR-REG-01)", [input.stamp.name]),
	{},
) if {
	input.stamp.secondary_region == null
} else := lib.stamp_result(
	"not_applicable",
	sprintf("Stamp %s has no resources in %s yet", [input.stamp.name, input.stamp.secondary_region]),
	{},
) if {
	count(_secondary) == 0
} else := lib.stamp_result("unknown", _not_collected, {}) if {
	not is_object(object.get(input, "resource_groups", null))
} else := lib.stamp_result("fail", _misplaced_message, _evidence) if {
	count(_misplaced) > 0
} else := lib.stamp_result("unknown", _unplaced_message, _evidence) if {
	count(_unplaced) > 0
} else := lib.stamp_result("pass", _pass_message, _evidence)
