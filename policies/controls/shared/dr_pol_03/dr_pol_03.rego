# METADATA
# title: No deny assignment blocks the failover deployment
# description: >-
#   No deny assignment on a standby resource, its resource group, subscription or a management group
#   above it denies writing that resource ({type}/write) or deploying into its resource group
#   (Microsoft.Resources/deployments/write). Deny assignments are created by Azure, not by users:
#   deployment stacks' deny settings, managed applications, Blueprints. They take precedence over every
#   role assignment, so a failover pipeline with Owner is still refused, when it matters most, unless it
#   runs as one of the assignment's excluded principals. drready cannot know which identity runs the
#   failover, so every such assignment is named with the principals it excludes; a waiver records one
#   whose exclusions include the failover identity. A deny assignment's ABAC condition is not evaluated:
#   a conditional one is taken as applying (fail closed).
# related_resources:
#   - ref: https://learn.microsoft.com/azure/role-based-access-control/deny-assignments
#     description: >-
#       Deny assignments (principals, excludePrincipals, doNotApplyToChildScopes; a deny assignment wins
#       over role assignments)
#   - ref: https://learn.microsoft.com/rest/api/authorization/deny-assignments/list-for-scope
#     description: Deny Assignments - List For Scope (api-version 2022-04-01; at, above and below the scope)
#   - ref: https://learn.microsoft.com/azure/azure-resource-manager/bicep/deployment-stacks#protect-managed-resources
#     description: Deployment stacks deny settings (denyWriteAndDelete, excludedPrincipals, excludedActions)
# custom:
#   id: DR-POL-03
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   remediation:
#     summary: >-
#       Add the failover pipeline's identity to the assignment's excluded principals (a deployment stack's
#       denySettings.excludedPrincipals, or its excludedActions for the writes the failover makes), or run
#       the failover through what created the assignment (the stack's own deployment, the managed
#       application's publisher).
#   recovery:
#     step: policy
#     label: Apply the primary's policy controls to the secondary
#     phase: policy
#     mechanism: {pass: foundation_in_place, fail: policy_rebuild}
package drready.controls.shared.dr_pol_03

import data.drready.lib

results := [_assessment]

_collected := object.get(input, "deny_assignments", null)

# What was read, {} when nothing was (every rule below stays defined; the assessment says unknown).
default _denies := {}

_denies := _collected if is_object(_collected)

_standbys := [r | some r in lib.all_resources; lib.in_secondary(r)]

# A subscription of a standby whose deny assignments were not read (its read failed).
_unread := sort({s |
	some r in _standbys
	s := lib.subscription_of(r)
	not is_array(object.get(_denies, s, null))
})

_given := [d | some s in object.keys(_denies); some d in _denies[s]]

# Azure's action patterns are letters, digits, dots, slashes, dashes, underscores and * wildcards; a
# pattern with anything else cannot be matched safely and makes its assignment unreadable.
_pattern(p) if {
	is_string(p)
	regex.match(`^[A-Za-z0-9./*_-]+$`, p)
}

_readable(d) if {
	is_string(d.properties.scope)
	is_array(d.properties.permissions)
	is_array(d.properties.principals)
	every p in d.properties.permissions {
		every a in array.concat(object.get(p, "actions", []), object.get(p, "notActions", [])) {
			_pattern(a)
		}
	}
}

_unreadable := sort({_name(d) | some d in _given; not _readable(d)})

_name(d) := d.properties.denyAssignmentName if {
	is_string(d.properties.denyAssignmentName)
	d.properties.denyAssignmentName != ""
} else := lib.name_of(d) if is_string(d.name)

else := d.id

_applies_below(d) if not object.get(d.properties, "doNotApplyToChildScopes", false) == true

# A deny assignment covers a target (a resource or resource group id, lower case) at its own scope, below
# it unless doNotApplyToChildScopes, and from a scope above the subscription it was read for.
_covers(d, target) if lower(d.properties.scope) == target

_covers(d, target) if {
	_applies_below(d)
	startswith(target, concat("", [trim_suffix(lower(d.properties.scope), "/"), "/"]))
}

_covers(d, _) if {
	_applies_below(d)
	not startswith(lower(d.properties.scope), "/subscriptions/")
}

# An action pattern as a regular expression: dots literal, * any run of characters, case ignored.
_matches(pattern, action) if {
	expression := replace(replace(lower(pattern), ".", `\.`), "*", ".*")
	regex.match(concat("", ["^", expression, "$"]), action)
}

_denies_action(d, action) if {
	some p in d.properties.permissions
	some a in object.get(p, "actions", [])
	_matches(a, action)
	not _exempt(p, action)
}

_exempt(p, action) if {
	some n in object.get(p, "notActions", [])
	_matches(n, action)
}

_blocks(d, r) if {
	_covers(d, lower(r.id))
	_denies_action(d, concat("", [lower(r.type), "/write"]))
}

# A deployment is a resource under its group (.../providers/Microsoft.Resources/deployments/{name}): a
# group's deny assignment that does not apply to child scopes does not reach it.
_blocks(d, r) if {
	_covers(d, concat("", [lib.group_id(r), "/providers/microsoft.resources/deployments/failover"]))
	_denies_action(d, "microsoft.resources/deployments/write")
}

_blocked_by(d, s) := sort([lib.name_of(r) |
	some r in _standbys
	lib.subscription_of(r) == s
	_blocks(d, r)
])

_gaps := sort({_gap_text(d, m) |
	some s in object.keys(_denies)
	some d in _denies[s]
	_readable(d)
	count(object.get(d.properties, "principals", [])) > 0
	m := _blocked_by(d, s)
	count(m) > 0
})

_everyone := "00000000-0000-0000-0000-000000000000"

_principal_ids(d, key) := sort([object.get(p, "id", "(no id)") | some p in object.get(d.properties, key, [])])

_whom(d) := "everyone" if _everyone in _principal_ids(d, "principals")

else := concat(", ", _principal_ids(d, "principals"))

_except(d) := "" if count(_principal_ids(d, "excludePrincipals")) == 0

else := concat("", [" except ", concat(", ", _principal_ids(d, "excludePrincipals"))])

_origin(d) := " (created by Azure for a deployment stack, managed application or blueprint: change it there)" if {
	d.properties.isSystemProtected == true
} else := ""

# Messages are built with concat: rego-cpp 1.5.2's sprintf %s keeps the quotes of computed strings.
_gap_text(d, m) := concat("", [
	"deny assignment ", _name(d), " at ", d.properties.scope, " denies writing ", m[0], _more(count(m) - 1),
	" to ", _whom(d), _except(d), _origin(d),
])

_more(0) := ""

_more(n) := sprintf(" (and %d more standby resource(s))", [n]) if n > 0

_evidence := {"deny assignments": count(_given), "standby resources": count(_standbys)}

_messages := {
	"not collected": sprintf(
		"Stamp %s: deny assignments were not collected, so whether one blocks the failover is not known",
		[input.stamp.name],
	),
	"no standby": sprintf(
		"Stamp %s has no resources in the secondary region for a failover deployment to write",
		[input.stamp.name],
	),
	"unread": concat("", [
		sprintf("Stamp %s: the deny assignments of subscription(s) ", [input.stamp.name]),
		concat(", ", _unread),
		" were not read, so whether one blocks the failover is not known",
	]),
	"unreadable": concat("", [
		sprintf("Stamp %s: deny assignment(s) ", [input.stamp.name]),
		concat(", ", _unreadable),
		" name no scope or permissions drready can read",
	]),
	"gaps": concat("", [
		sprintf("Stamp %s: the failover deployment is refused unless it runs as an excluded principal: ", [input.stamp.name]),
		concat("; ", _gaps),
	]),
	"pass": sprintf(
		"Stamp %s: no deny assignment blocks writing its %d standby resource(s) or deploying into their resource groups",
		[input.stamp.name, count(_standbys)],
	),
}

_assessment := lib.stamp_result("unknown", _messages["not collected"], {}) if {
	not is_object(_collected)
} else := lib.stamp_result("not_applicable", _messages["no standby"], _evidence) if {
	count(_standbys) == 0
} else := lib.stamp_result("fail", _messages.gaps, _evidence) if {
	count(_gaps) > 0
} else := lib.stamp_result("unknown", _messages.unread, _evidence) if {
	count(_unread) > 0
} else := lib.stamp_result("unknown", _messages.unreadable, _evidence) if {
	count(_unreadable) > 0
} else := lib.stamp_result("pass", _messages.pass, _evidence)
