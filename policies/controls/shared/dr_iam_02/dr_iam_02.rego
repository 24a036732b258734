# METADATA
# title: System-assigned identities hold the same roles in the secondary
# description: >-
#   A primary resource that acts with its system-assigned managed identity (an App Service app, a Data
#   Factory, an AKS cluster, an Azure AI services account, an API Management service, a Databricks
#   access connector) has a standby whose own system-assigned identity holds every role the primary's
#   holds, on the counterpart resources (or the same scope when it has no counterpart). A
#   system-assigned identity is tied to its resource: the standby's is a different principal, and
#   nothing grants it the primary's roles. A Databricks access connector exists only to carry an
#   identity, so one without a standby fails here; other resources without a standby are judged by
#   their own controls.
# related_resources:
#   - ref: https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/overview#managed-identity-types
#     description: Managed identity types (a system-assigned identity shares its resource's lifecycle)
#   - ref: https://learn.microsoft.com/azure/databricks/connect/unity-catalog/cloud-storage/azure-managed-identities
#     description: Azure Databricks access connectors
# custom:
#   id: DR-IAM-02
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types:
#     - microsoft.web/sites
#     - microsoft.datafactory/factories
#     - microsoft.containerservice/managedclusters
#     - microsoft.cognitiveservices/accounts
#     - microsoft.apimanagement/service
#     - microsoft.databricks/accessconnectors
#   absent_ok:
#     identity: ARM leaves identity out of a resource that has none; it then has no roles to carry over
#   remediation:
#     summary: >-
#       Enable the standby's system-assigned identity and grant it the roles the primary's holds, on the
#       counterpart resources (az role assignment create --assignee-object-id <standby principal> ...).
#   recovery:
#     step: identity
#     label: Bind identities and roles in the secondary
#     phase: identity
#     mechanism: {pass: foundation_in_place, fail: identity_rebuild}
package drready.controls.shared.dr_iam_02

import data.drready.lib

_types := [
	"microsoft.web/sites",
	"microsoft.datafactory/factories",
	"microsoft.containerservice/managedclusters",
	"microsoft.cognitiveservices/accounts",
	"microsoft.apimanagement/service",
	"microsoft.databricks/accessconnectors",
]

results := [_result(r) | some t in _types; some r in lib.resources_of(t)]

_system_assigned(r) if {
	t := object.get(r, ["identity", "type"], "")
	is_string(t)
	contains(lower(t), "systemassigned")
}

_principal(r) := p if {
	p := object.get(r, ["identity", "principalId"], null)
	is_string(p)
	p != ""
}

_connector(r) if lower(r.type) == "microsoft.databricks/accessconnectors"

_evidence(r) := {
	"identity.type": object.get(r, ["identity", "type"], null),
	"identity.principalId": object.get(r, ["identity", "principalId"], null),
	"role assignments": count(lib.role_grants(object.get(r, ["identity", "principalId"], ""))),
}

_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "not_applicable",
	sprintf("%s acts with no system-assigned identity", [lib.name_of(r)]),
	_evidence(r),
) if {
	not _system_assigned(r)
} else := lib.unknown(r, sprintf(
	"%s: its system-assigned identity has no principal id in the collected body, so its roles are not known",
	[lib.name_of(r)],
)) if {
	not _principal(r)
} else := lib.unknown(r, sprintf(
	"%s: role assignments were not collected, so the roles of its identity are not known",
	[lib.name_of(r)],
)) if {
	object.get(input, "authorization", []) == null
} else := _without_standby(r) if {
	not lib.counterpart(r)
} else := _with_standby(r, lib.counterpart(r))

_without_standby(r) := lib.result(
	r, "fail",
	lib.no_counterpart_message(r, "create the standby access connector and grant its identity the same roles"),
	_evidence(r),
) if {
	_connector(r)
} else := lib.result(
	r, "not_applicable",
	sprintf("%s has no standby in %s (its own controls judge that)", [lib.name_of(r), input.stamp.secondary_region]),
	_evidence(r),
)

_with_standby(r, s) := lib.result(
	r, "fail",
	sprintf(
		"%s: its standby %s has no system-assigned identity, so it cannot act as %s does. %s",
		[lib.name_of(r), lib.name_of(s), lib.name_of(r), "Enable it and grant it the same roles"],
	),
	_evidence(r),
) if {
	not _system_assigned(s)
} else := lib.unknown(r, sprintf(
	"%s: the system-assigned identity of its standby %s has no principal id in the collected body",
	[lib.name_of(r), lib.name_of(s)],
)) if {
	not _principal(s)
} else := _compared(r, s)

_unreadable_of_both(r, s) := array.concat(
	lib.unreadable_role_assignments(_principal(r)),
	lib.unreadable_role_assignments(_principal(s)),
)

# Messages are built with concat: rego-cpp 1.5.2's sprintf %s keeps the quotes of computed strings.
_compared(r, s) := lib.unknown(r, concat("", [
	lib.name_of(r), ": role assignment(s) ",
	concat(", ", _unreadable_of_both(r, s)),
	" name no role or scope",
])) if {
	count(_unreadable_of_both(r, s)) > 0
} else := lib.result(
	r, "fail",
	concat("", [
		lib.name_of(r), ": the system-assigned identity of its standby ", lib.name_of(s), " lacks ",
		concat("; ", lib.missing_role_grants(_principal(r), _principal(s))),
		". Grant them with az role assignment create",
	]),
	_evidence(r),
) if {
	count(lib.missing_role_grants(_principal(r), _principal(s))) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"%s: the system-assigned identity of its standby %s holds the same %d role(s) on the %s",
		[lib.name_of(r), lib.name_of(s), count(lib.role_grants(_principal(r))), "counterpart resources"],
	),
	_evidence(r),
)
