# METADATA
# title: Egress parity
# description: >-
#   When the primary routes egress through Azure Firewall, the secondary region has a firewall too,
#   governed by the same firewall policy (or its paired counterpart policy), and zone-redundant in
#   zone regions. Azure Firewall is a single-region service; it is automatically zone-redundant in
#   regions with availability zones, so an absent zone list is accepted and a single zone is not, on
#   the primary firewall as on its standby. A standby is one firewall's only: a secondary firewall that
#   stands in for another primary is not this one's.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-firewall
#     description: Reliability in Azure Firewall
# custom:
#   id: DR-NET-03
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.network/azurefirewalls]
#   mechanism: network_redeploy
#   absent_ok:
#     zones: Azure Firewall is zone-redundant by default in regions with zones, and Microsoft recommends omitting zones
#   recovery:
#     step: network
#     label: Establish the network posture in the secondary
#     phase: network
#     mechanism: {pass: foundation_in_place, fail: network_rebuild}
package drready.controls.shared.dr_net_03

import data.drready.lib

results := [_firewall_result(r) | some r in lib.resources_of("microsoft.network/azurefirewalls")]

_type := "microsoft.network/azurefirewalls"

_standby(r) := lib.standby(r)

_policy_id(fw) := lower(id) if {
	id := object.get(fw, ["properties", "firewallPolicy", "id"], null)
	is_string(id)
	id != ""
} else := ""

_same_policy(r, s) if _policy_id(r) == _policy_id(s)

_same_policy(r, s) if lib.counterpart_id(_policy_id(r)) == _policy_id(s)

_zone_gap(fw) := [sprintf(
	"%s is pinned to one zone: deploy it across zones (or omit zones, which makes it zone-redundant)",
	[lib.name_of(fw)],
)] if {
	count(lib.list_or_empty(object.get(fw, "zones", []))) == 1
} else := []

_policy_gap(r, s) := [] if {
	_same_policy(r, s)
} else := [concat("", [
	lib.name_of(s),
	" does not use the primary's firewall policy ",
	_policy_id(r),
	" or its paired counterpart",
])]

_evidence(r) := {
	"properties.firewallPolicy.id": object.get(r, ["properties", "firewallPolicy", "id"], null),
	"zones": object.get(r, "zones", null),
}

_firewall_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	concat("", [
		sprintf("Firewall %s is governed by no firewall policy (classic rules, or the body lacks it): ", [lib.name_of(r)]),
		"whether the secondary enforces the same rules is not judged; move the rules to a firewall policy",
	]),
) if {
	_policy_id(r) == ""
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Egress of the stamp leaves through firewall %s, but %v has no Azure Firewall for it",
			[lib.name_of(r), input.stamp.secondary_region],
		),
		lib.standbys_taken(r),
		": after failover, traffic either has no egress or leaves unfiltered. Deploy one with the same firewall policy",
	]),
	_evidence(r),
) if {
	not _standby(r)
} else := _with_standby(r, _standby(r))

_with_standby(r, s) := lib.result(
	r, "fail",
	concat("", [
		sprintf("Firewall %s (standby %s): ", [lib.name_of(r), lib.name_of(s)]),
		concat("; ", array.concat(array.concat(_zone_gap(r), _zone_gap(s)), _policy_gap(r, s))),
	]),
	object.union(_evidence(r), {"standby": s.id, "standby zones": object.get(s, "zones", null)}),
) if {
	count(array.concat(array.concat(_zone_gap(r), _zone_gap(s)), _policy_gap(r, s))) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Firewall %s has a standby %s in %s with the same policy, neither pinned to one zone",
		[lib.name_of(r), lib.name_of(s), input.stamp.secondary_region],
	),
	object.union(_evidence(r), {"standby": s.id}),
)
