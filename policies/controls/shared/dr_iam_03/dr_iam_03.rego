# METADATA
# title: Workload identities trust the standby cluster
# description: >-
#   A managed identity that AKS workloads use through workload identity (a federated credential whose
#   issuer is a primary cluster's OIDC issuer) also trusts the standby cluster: the identity, or its
#   secondary counterpart, has a federated credential with the standby cluster's issuer and the same
#   subject (system:serviceaccount:<namespace>:<name>). Each cluster has its own issuer URL, and
#   Microsoft Entra matches issuer and subject exactly, so without it the recovered pods get no token.
#   The standby cluster must have the OIDC issuer and workload identity enabled.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/aks/workload-identity-overview
#     description: Microsoft Entra Workload ID with AKS (OIDC issuer, federated identity credentials)
#   - ref: https://learn.microsoft.com/entra/workload-id/workload-identity-federation
#     description: Workload identity federation (issuer and subject must match exactly)
# custom:
#   id: DR-IAM-03
#   severity: high
#   stamps: [kubernetes, genai, data]
#   resource_types: [microsoft.managedidentity/userassignedidentities]
#   reads: [microsoft.containerservice/managedclusters]
#   collect:
#     - type: microsoft.managedidentity/userassignedidentities
#       kind: federatedIdentityCredentials
#       path: federatedIdentityCredentials
#       api: "2024-11-30"
#   remediation:
#     summary: >-
#       Add a federated credential for the standby cluster's issuer to the identity (az identity
#       federated-credential create --identity-name <identity> --issuer <standby issuer> --subject
#       system:serviceaccount:<namespace>:<name>), and enable the standby's OIDC issuer and workload identity.
#   recovery:
#     step: identity
#     label: Bind identities and roles in the secondary
#     phase: identity
#     mechanism: {pass: foundation_in_place, fail: identity_rebuild}
package drready.controls.shared.dr_iam_03

import data.drready.lib

_kind := "federatedIdentityCredentials"

results := [_result(u) | some u in lib.resources_of("microsoft.managedidentity/userassignedidentities")]

_clusters := [c |
	some c in lib.resources_of("microsoft.containerservice/managedclusters")
	lib.in_primary(c)
	_workload_identity(c)
]

_workload_identity(c) if lib.prop(c, ["securityProfile", "workloadIdentity", "enabled"]) == true

_issuer(c) := u if {
	lib.prop(c, ["oidcIssuerProfile", "enabled"]) != false
	u := lib.prop(c, ["oidcIssuerProfile", "issuerURL"])
	is_string(u)
	u != ""
}

_credentials(u) := [x.properties | some x in lib.children(u, _kind); is_object(x.properties)]

_unreadable_credentials(u) := [object.get(x, "name", "(unnamed)") |
	some x in lib.children(u, _kind)
	not _readable_credential(x)
]

_readable_credential(x) if {
	is_string(x.properties.issuer)
	is_string(x.properties.subject)
}

# The identity's subjects trusted by each primary cluster with workload identity.
_links(u) := [{"cluster": c, "subject": p.subject} |
	some c in _clusters
	some p in _credentials(u)
	p.issuer == _issuer(c)
]

_trusts(u, issuer, subject) if {
	some p in _credentials(u)
	p.issuer == issuer
	p.subject == subject
}

_trusted_by_identity_or_standby(u, issuer, subject) if _trusts(u, issuer, subject)

_trusted_by_identity_or_standby(u, issuer, subject) if _trusts(lib.counterpart(u), issuer, subject)

# Messages are built with concat: rego-cpp 1.5.2's sprintf %s keeps the quotes of computed strings.
_trust_gap(u, link) := concat("", [
	"standby ", lib.name_of(lib.counterpart(link.cluster)), " of ", lib.name_of(link.cluster),
	" has no OIDC issuer with workload identity enabled",
]) if {
	not _standby_issuer(link.cluster)
} else := concat("", [
	"no credential for ",
	link.subject,
	" from the issuer of ",
	lib.name_of(lib.counterpart(link.cluster)),
]) if {
	not _trusted_by_identity_or_standby(u, _standby_issuer(link.cluster), link.subject)
}

_standby_issuer(c) := _issuer(s) if {
	s := lib.counterpart(c)
	_workload_identity(s)
}

_paired_links(u) := [l | some l in _links(u); lib.counterpart(l.cluster)]

_trust_gaps(u) := sort({g | some l in _paired_links(u); g := _trust_gap(u, l)})

_issuer_unknown := sort([lib.name_of(c) | some c in _clusters; not _issuer(c)])

_standby_issuer_unknown(u) := sort({lib.name_of(s) |
	some l in _paired_links(u)
	s := lib.counterpart(l.cluster)
	_workload_identity(s)
	lib.prop(s, ["oidcIssuerProfile", "enabled"]) != false
	not _issuer(s)
})

_evidence(u) := {"federated credentials": count(_credentials(u)), "primary clusters using it": count(_links(u))}

_result(u) := lib.unknown(u, sprintf(
	"Managed identity %s: its federated credentials were not collected, so which clusters it trusts is not known",
	[lib.name_of(u)],
)) if {
	not lib.children(u, _kind)
} else := lib.unknown(u, concat("", [
	"Managed identity ", lib.name_of(u), ": federated credential(s) ",
	concat(", ", _unreadable_credentials(u)), " name no issuer or subject",
])) if {
	count(_unreadable_credentials(u)) > 0
} else := lib.unknown(u, concat("", [
	"Managed identity ", lib.name_of(u), ": the OIDC issuer of ", concat(", ", _issuer_unknown),
	" is not in the collected body, so whether its workloads use this identity is not known",
])) if {
	count(_credentials(u)) > 0
	count(_issuer_unknown) > 0
} else := _judged(u)

_judged(u) := lib.result(
	u, "not_applicable",
	sprintf(
		"Managed identity %s is used by no primary AKS cluster with a standby through workload identity",
		[lib.name_of(u)],
	),
	_evidence(u),
) if {
	count(_paired_links(u)) == 0
} else := lib.unknown(u, concat("", [
	"Managed identity ", lib.name_of(u), ": the OIDC issuer of standby ",
	concat(", ", _standby_issuer_unknown(u)), " is not in the collected body",
])) if {
	count(_standby_issuer_unknown(u)) > 0
} else := lib.result(
	u, "fail",
	concat("", [
		"Managed identity ", lib.name_of(u), " trusts the primary cluster but not its standby: ",
		concat("; ", _trust_gaps(u)), ". Recovered pods would get no token",
	]),
	_evidence(u),
) if {
	count(_trust_gaps(u)) > 0
} else := lib.result(
	u, "pass",
	sprintf(
		"Managed identity %s: each of its %d workload subject(s) is also trusted from the standby cluster's issuer",
		[lib.name_of(u), count(_paired_links(u))],
	),
	_evidence(u),
)
