# METADATA
# title: Egress parity
# description: >-
#   When the primary routes egress through Azure Firewall, the secondary region has a firewall too,
#   governed by the same firewall policy (or its paired counterpart policy), and zone-redundant in
#   zone regions. Azure Firewall is a single-region service; it is automatically zone-redundant in
#   regions with availability zones, so an absent zone list is accepted and a single zone is not.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-firewall
#     description: Reliability in Azure Firewall
# custom:
#   id: DR-NET-03
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.network/azurefirewalls]
#   mechanism: network_redeploy
package drready.controls.shared.dr_net_03

import data.drready.lib

results := [_firewall_result(r) | some r in lib.resources_of("microsoft.network/azurefirewalls")]

_standby(r) := s if {
	s := lib.counterpart(r)
} else := lib.in_secondary_of_type("microsoft.network/azurefirewalls")[0]

_policy_id(fw) := lower(object.get(fw, ["properties", "firewallPolicy", "id"], ""))

_same_policy(r, s) if _policy_id(r) == _policy_id(s)

_same_policy(r, s) if lib.counterpart_id(_policy_id(r)) == _policy_id(s)

_zone_gap(s) := [] if {
	not lib.zone_region(lib.region(s))
} else := [] if {
	count(lib.list_or_empty(object.get(s, "zones", []))) != 1
} else := [sprintf(
	"%s is pinned to one zone: deploy it across zones (or omit zones, which makes it zone-redundant)",
	[s.name],
)]

_policy_gap(r, s) := [] if {
	_same_policy(r, s)
} else := [sprintf(
	"%s does not use the primary's firewall policy %v or its paired counterpart",
	[s.name, object.get(r, ["properties", "firewallPolicy", "id"], "(none)")],
)]

_evidence(r) := {
	"properties.firewallPolicy.id": object.get(r, ["properties", "firewallPolicy", "id"], null),
	"zones": object.get(r, "zones", null),
}

_firewall_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Egress of the stamp leaves through firewall %s, but %v has no Azure Firewall: ",
			[lib.name_of(r), input.stamp.secondary_region],
		),
		"after failover, traffic either has no egress or leaves unfiltered. Deploy one with the same firewall policy",
	]),
	_evidence(r),
) if {
	not _standby(r)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Firewall %s has a standby, but: ", [lib.name_of(r)]),
		concat("; ", array.concat(_policy_gap(r, _standby(r)), _zone_gap(_standby(r)))),
	]),
	object.union(_evidence(r), {"standby": _standby(r).id, "standby zones": object.get(_standby(r), "zones", null)}),
) if {
	count(array.concat(_policy_gap(r, _standby(r)), _zone_gap(_standby(r)))) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Firewall %s has a standby %s in %s with the same policy",
		[lib.name_of(r), _standby(r).name, input.stamp.secondary_region],
	),
	object.union(_evidence(r), {"standby": _standby(r).id}),
)
