# METADATA
# title: Allowed locations admit the secondary region
# description: >-
#   No enforced "Allowed locations" or "Allowed locations for resource groups" assignment where the
#   stamp's standby is (or, before it exists, the primary's subscription and management groups, where a
#   failover deployment would land) leaves the secondary region out. Such an assignment denies the
#   failover deployment at the moment it is needed. drready judges direct assignments of the two
#   built-in definitions; allowed-location rules inside initiatives or custom definitions are not
#   expanded (their contents are not in the assignment) and are listed in the evidence.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/governance/policy/samples/built-in-policies#general
#     description: >-
#       Built-in policies, General: Allowed locations (e56962a6-4747-49cd-b67b-bf8b01975c4c) and Allowed
#       locations for resource groups (e765b5de-1225-4ba3-bd56-1ac6695af988), parameter listOfAllowedLocations
#   - ref: https://github.com/Azure/azure-policy/blob/master/built-in-policies/policyDefinitions/General/AllowedLocations_Deny.json
#     description: The built-in definition (mode Indexed; resource groups and global excluded)
# custom:
#   id: DR-POL-02
#   severity: critical
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   remediation:
#     summary: >-
#       Add the secondary region to the assignment's listOfAllowedLocations (az policy assignment update
#       --name <assignment> --scope <scope> --params ...), or exempt the standby's resource group.
#   recovery:
#     step: policy
#     label: Apply the primary's policy controls to the secondary
#     phase: policy
#     mechanism: {pass: foundation_in_place, fail: policy_rebuild}
package drready.controls.shared.dr_pol_02

import data.drready.lib

results := [_assessment]

_allowed_locations := {
	"e56962a6-4747-49cd-b67b-bf8b01975c4c", # Allowed locations
	"e765b5de-1225-4ba3-bd56-1ac6695af988", # Allowed locations for resource groups
}

_assignments := lib.list_or_empty(object.get(input, "policy_assignments", null))

_is_allowed_locations(a) if {
	lib.policy_definition_name(a) in _allowed_locations
	contains(lib.policy_definition(a), "/policydefinitions/")
}

_secondary := [r | some r in lib.all_resources; lib.in_secondary(r)]

# Where the failover deploys: onto the standby resources, or, where there are none yet, into the
# primary's subscriptions (an assignment scoped to a subscription or management group above them).
_reaches(a) if {
	some r in _secondary
	lib.policy_covers(a, r)
}

_reaches(a) if {
	count(_secondary) == 0
	not contains(lower(a.properties.scope), "/resourcegroups/")
	some r in lib.all_resources
	lib.policy_covers(a, r)
}

_relevant := [a | some a in _assignments; _is_allowed_locations(a); lib.policy_enforced(a); _reaches(a)]

_listed(a) := [lib.norm_region(l) | some l in a.properties.parameters.listOfAllowedLocations.value] if {
	is_array(a.properties.parameters.listOfAllowedLocations.value)
}

_unreadable := sort([lib.policy_name(a) | some a in _relevant; not _listed(a)])

# Messages are built with concat: rego-cpp 1.5.2's sprintf %s keeps the quotes of computed strings.
_denying := sort([concat("", [
	lib.policy_name(a), " at ", a.properties.scope,
	" (allows ", concat(", ", _listed(a)), ")",
]) |
	some a in _relevant
	not input.stamp.secondary_region in _listed(a)
])

_evidence := {
	"allowed-locations assignments": [lib.policy_name(a) | some a in _relevant],
	"initiatives not expanded": [lib.policy_name(a) |
		some a in _assignments
		contains(lib.policy_definition(a), "/policysetdefinitions/")
	],
}

_messages := {
	"not collected": sprintf(
		"Stamp %s: Azure Policy assignments were not collected, so allowed locations are not known",
		[input.stamp.name],
	),
	"no secondary": sprintf("Stamp %s has no secondary region (DR-REG-01)", [input.stamp.name]),
	"none": sprintf(
		"Stamp %s: no enforced allowed-locations assignment reaches where its failover deploys",
		[input.stamp.name],
	),
	"unreadable": concat("", [
		sprintf("Stamp %s: allowed-locations assignment(s) ", [input.stamp.name]),
		concat(", ", _unreadable),
		" give no listOfAllowedLocations value",
	]),
	"denied": concat("", [
		sprintf(
			"Stamp %s: a failover deployment to %s would be denied by ",
			[input.stamp.name, input.stamp.secondary_region],
		),
		concat("; ", _denying),
		". Add the secondary region to the allowed list",
	]),
	"pass": sprintf(
		"Stamp %s: the %d enforced allowed-locations assignment(s) reaching its failover admit %s",
		[input.stamp.name, count(_relevant), input.stamp.secondary_region],
	),
}

_assessment := lib.stamp_result("unknown", _messages["not collected"], {}) if {
	not is_array(object.get(input, "policy_assignments", null))
} else := lib.stamp_result("not_applicable", _messages["no secondary"], {}) if {
	input.stamp.secondary_region == null
} else := lib.stamp_result("not_applicable", _messages.none, _evidence) if {
	count(_relevant) == 0
} else := lib.stamp_result("unknown", _messages.unreadable, _evidence) if {
	count(_unreadable) > 0
} else := lib.stamp_result("fail", _messages.denied, _evidence) if {
	count(_denying) > 0
} else := lib.stamp_result("pass", _messages.pass, _evidence)
