# METADATA
# title: Identity parity
# description: >-
#   Every role a primary user-assigned managed identity holds on a primary resource is also held, by
#   its secondary counterpart identity, on the counterpart resource (and on the same scope when the
#   scope has no counterpart, such as a subscription). Managed identities are regional resources;
#   recovering a workload means its standby identity already holds the permissions it needs.
# related_resources:
#   - ref: https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/managed-identities-faq
#     description: Managed identities FAQ (regional resources, outage behaviour)
# custom:
#   id: DR-IAM-01
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.managedidentity/userassignedidentities]
#   mechanism: identity_parity
#   plan:
#     azurerm_user_assigned_identity:
#       type: Microsoft.ManagedIdentity/userAssignedIdentities
#       body:
#         properties: "`{}`"
package drready.controls.shared.dr_iam_01

import data.drready.lib

results := [_identity_result(r) | some r in lib.resources_of("microsoft.managedidentity/userassignedidentities")]

_principal(r) := p if {
	p := lib.prop(r, ["principalId"])
	is_string(p)
	p != ""
}

_role_guid(a) := lower(parts[count(parts) - 1]) if {
	is_string(a.properties.roleDefinitionId)
	parts := split(a.properties.roleDefinitionId, "/")
}

_assignments := lib.list_or_empty(object.get(input, "authorization", []))

# An identity's role assignments; one that names no role or scope is kept apart (not known).
_grants(r) := [{"role": _role_guid(a), "scope": lower(a.properties.scope)} |
	some a in _assignments
	object.get(a, ["properties", "principalId"], null) == _principal(r)
	_role_guid(a)
	is_string(a.properties.scope)
]

_unreadable(r) := [object.get(a, "name", "(unnamed)") |
	some a in _assignments
	object.get(a, ["properties", "principalId"], null) == _principal(r)
	not _readable(a)
]

_readable(a) if {
	_role_guid(a)
	is_string(a.properties.scope)
}

# Where the standby identity must hold the same role: the counterpart of the scope when the scope is
# a paired resource, else the same scope (a subscription, or a resource both regions use, such as an
# RA-GZRS storage account).
_target_scope(scope) := lower(c.id) if {
	c := lib.counterpart(lib.by_id(scope))
} else := scope

# The standby's grants as a set, computed once: checking each primary grant against a recomputed
# list was quadratic and made rego-cpp fail past a few hundred role assignments.
_missing_grants(r, s) := missing if {
	held := {concat("|", [h.role, h.scope]) | some h in _grants(s)}
	missing := [concat("", ["role ", g.role, " on ", g.scope]) |
		some g in _grants(r)
		not concat("|", [g.role, _target_scope(g.scope)]) in held
	]
}

_evidence(r) := {"properties.principalId": lib.prop(r, ["principalId"]), "role assignments": count(_grants(r))}

_identity_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	sprintf(
		"Managed identity %s: its principal id is not in the collected body, so its roles are not known",
		[lib.name_of(r)],
	),
) if {
	not _principal(r)
} else := lib.result(
	r, "fail",
	lib.no_counterpart_message(r, "create the standby managed identity and grant it the same roles"),
	_evidence(r),
) if {
	not lib.counterpart(r)
} else := _with_standby_identity(r, lib.counterpart(r))

_with_standby_identity(r, s) := lib.unknown(
	r,
	sprintf(
		"Managed identity %s: its standby %s has no principal id in the collected body",
		[lib.name_of(r), lib.name_of(s)],
	),
) if {
	not _principal(s)
} else := lib.unknown(
	r,
	concat("", [
		sprintf("Managed identity %s: role assignment(s) ", [lib.name_of(r)]),
		concat(", ", array.concat(_unreadable(r), _unreadable(s))),
		" name no role or scope",
	]),
) if {
	count(array.concat(_unreadable(r), _unreadable(s))) > 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Managed identity %s: its standby %s lacks ", [lib.name_of(r), lib.name_of(s)]),
		concat("; ", _missing_grants(r, s)),
		" (on the counterpart resource). Grant them with az role assignment create",
	]),
	_evidence(r),
) if {
	count(_missing_grants(r, s)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Managed identity %s: standby %s holds the same %d role(s) on the counterpart resources",
		[lib.name_of(r), lib.name_of(s), count(_grants(r))],
	),
	_evidence(r),
)
