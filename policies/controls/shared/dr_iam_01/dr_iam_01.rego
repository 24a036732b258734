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
#   recovery:
#     step: identity
#     label: Bind identities and roles in the secondary
#     phase: identity
#     mechanism: {pass: foundation_in_place, fail: identity_rebuild}
package drready.controls.shared.dr_iam_01

import data.drready.lib

results := [_identity_result(r) | some r in lib.resources_of("microsoft.managedidentity/userassignedidentities")]

_principal(r) := p if {
	p := lib.prop(r, ["principalId"])
	is_string(p)
	p != ""
}

_unreadable_assignments(r, s) := array.concat(
	lib.unreadable_role_assignments(_principal(r)),
	lib.unreadable_role_assignments(_principal(s)),
)

_evidence(r) := {
	"properties.principalId": lib.prop(r, ["principalId"]),
	"role assignments": count(lib.role_grants(lib.prop(r, ["principalId"]))),
}

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
		concat(", ", _unreadable_assignments(r, s)),
		" name no role or scope",
	]),
) if {
	count(_unreadable_assignments(r, s)) > 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Managed identity %s: its standby %s lacks ", [lib.name_of(r), lib.name_of(s)]),
		concat("; ", lib.missing_role_grants(_principal(r), _principal(s))),
		". Grant them with az role assignment create",
	]),
	_evidence(r),
) if {
	count(lib.missing_role_grants(_principal(r), _principal(s))) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Managed identity %s: standby %s holds the same %d role(s) on the counterpart resources",
		[lib.name_of(r), lib.name_of(s), count(lib.role_grants(_principal(r)))],
	),
	_evidence(r),
)
