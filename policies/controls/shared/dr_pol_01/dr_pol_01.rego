# METADATA
# title: Policy parity
# description: >-
#   Every Azure Policy assignment that covers a primary resource has an assignment of the same policy
#   definition (or initiative) that covers its standby, enforced wherever the primary's is. A standby
#   outside the primary's guardrails comes up without the controls (network, encryption, diagnostics)
#   the primary runs under, at the moment nobody reviews it. Parameters are not compared: region-specific
#   values (a regional Log Analytics workspace) legitimately differ; allowed locations are DR-POL-02's.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/governance/policy/concepts/assignment-structure
#     description: Azure Policy assignment structure (scope, notScopes, enforcementMode)
#   - ref: https://learn.microsoft.com/azure/governance/resource-graph/samples/samples-by-table?tabs=azure-cli#policyresources
#     description: Resource Graph policyresources table
# custom:
#   id: DR-POL-01
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   remediation:
#     summary: >-
#       Assign the same definitions at a scope covering the standby (its resource group or subscription),
#       or move the primary's assignments up to a scope that covers both regions.
#   recovery:
#     step: policy
#     label: Apply the primary's policy controls to the secondary
#     phase: policy
#     mechanism: {pass: foundation_in_place, fail: policy_rebuild}
package drready.controls.shared.dr_pol_01

import data.drready.lib

results := [_assessment]

_assignments := lib.list_or_empty(object.get(input, "policy_assignments", null))

# Each primary resource with its standby.
_paired := [[r, s] | some r in lib.all_resources; lib.in_primary(r); s := lib.counterpart(r)]

_readable(a) if {
	is_string(a.properties.scope)
	lib.policy_definition(a)
}

_unreadable := sort([lib.name_of(a) | some a in _assignments; not _readable(a)])

# A management-group assignment whose reach cannot be told matters only where the primary and its
# standby live in different subscriptions (in one subscription it covers both or neither).
_unknown_reach := sort({lib.policy_name(a) |
	some a in _assignments
	_readable(a)
	some p in _paired
	lib.subscription_of(p[0]) != lib.subscription_of(p[1])
	some x in p
	not lib.policy_coverage_known(a, x)
})

# "definition|standby id" for each standby an assignment of that definition covers (and an enforced one
# covers): computed once, not per primary assignment (that was assignments x assignments x resources).
_standby_cover contains concat("|", [lib.policy_definition(b), lower(p[1].id)]) if {
	some b in _assignments
	_readable(b)
	some p in _paired
	lib.policy_covers(b, p[1])
}

_enforced_standby_cover contains concat("|", [lib.policy_definition(b), lower(p[1].id)]) if {
	some b in _assignments
	_readable(b)
	lib.policy_enforced(b)
	some p in _paired
	lib.policy_covers(b, p[1])
}

# A primary assignment needs its definition on the standby, enforced wherever the primary's is.
_standby_lacks(a, s) if {
	lib.policy_enforced(a)
	not concat("|", [lib.policy_definition(a), lower(s.id)]) in _enforced_standby_cover
}

_standby_lacks(a, s) if {
	not lib.policy_enforced(a)
	not concat("|", [lib.policy_definition(a), lower(s.id)]) in _standby_cover
}

_missing(a) := [p | some p in _paired; lib.policy_covers(a, p[0]); _standby_lacks(a, p[1])]

_gaps := sort([_gap_text(a, m) |
	some a in _assignments
	_readable(a)
	m := _missing(a)
	count(m) > 0
])

# Messages are built with concat: rego-cpp 1.5.2's sprintf %s keeps the quotes of computed strings.
_gap_text(a, m) := concat("", [
	lib.policy_name(a), " (definition ", lib.policy_definition_name(a), ", at ", a.properties.scope, ") covers ",
	lib.name_of(m[0][0]), " but nothing of that definition covers its standby ", lib.name_of(m[0][1]),
	_more(count(m) - 1),
])

_more(0) := ""

_more(n) := sprintf(" (and %d more standby resource(s))", [n]) if n > 0

_evidence := {"assignments": count(_assignments), "paired resources": count(_paired)}

_messages := {
	"not collected": sprintf(
		"Stamp %s: Azure Policy assignments were not collected, so their coverage is not known",
		[input.stamp.name],
	),
	"no standby": sprintf("Stamp %s has no standby resources to compare with the primary's", [input.stamp.name]),
	"unreadable": concat("", [
		sprintf("Stamp %s: policy assignment(s) ", [input.stamp.name]),
		concat(", ", _unreadable),
		" name no scope or definition",
	]),
	"unknown reach": concat("", [
		sprintf("Stamp %s: the management groups above its subscriptions were not collected, ", [input.stamp.name]),
		"so the reach of ",
		concat(", ", _unknown_reach),
		" is not known",
	]),
	"gaps": concat("", [
		sprintf("Stamp %s: the standby comes up outside the primary's policy guardrails: ", [input.stamp.name]),
		concat("; ", _gaps),
	]),
	"pass": sprintf(
		"Stamp %s: every policy assignment covering its %d primary resource(s) with a standby also covers the standby",
		[input.stamp.name, count(_paired)],
	),
}

_assessment := lib.stamp_result("unknown", _messages["not collected"], {}) if {
	not is_array(object.get(input, "policy_assignments", null))
} else := lib.stamp_result("not_applicable", _messages["no standby"], _evidence) if {
	count(_paired) == 0
} else := lib.stamp_result("unknown", _messages.unreadable, _evidence) if {
	count(_unreadable) > 0
} else := lib.stamp_result("unknown", _messages["unknown reach"], _evidence) if {
	count(_unknown_reach) > 0
} else := lib.stamp_result("fail", _messages.gaps, _evidence) if {
	count(_gaps) > 0
} else := lib.stamp_result("pass", _messages.pass, _evidence)
