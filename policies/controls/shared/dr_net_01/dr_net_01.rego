# METADATA
# title: Network parity
# description: >-
#   Every primary virtual network has a counterpart in the secondary region with the same subnet
#   names, and every primary network security group has a counterpart with an equivalent rule set
#   (same direction, access, protocol, destination ports and priority; address prefixes may differ).
#   Virtual Network is a single-region service: a secondary region needs its own networks.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-virtual-network
#     description: Reliability in Azure Virtual Network
# custom:
#   id: DR-NET-01
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.network/virtualnetworks, microsoft.network/networksecuritygroups]
#   mechanism: network_redeploy
#   recovery:
#     step: network
#     label: Establish the network posture in the secondary
#     phase: network
#     mechanism: {pass: foundation_in_place, fail: network_rebuild}
package drready.controls.shared.dr_net_01

import data.drready.lib

results := array.concat(
	[_vnet_result(r) | some r in lib.resources_of("microsoft.network/virtualnetworks")],
	[_nsg_result(r) | some r in lib.resources_of("microsoft.network/networksecuritygroups")],
)

_subnet_names(v) := {s.name | some s in lib.list_or_empty(lib.prop(v, ["subnets"])); is_string(s.name)}

# A network or rule set whose body lacks the list (or an entry its name or properties) is not judged.
_subnets_read(v) if {
	subnets := lib.prop(v, ["subnets"])
	is_array(subnets)
	every s in subnets {
		is_string(object.get(s, "name", null))
	}
}

_rules_read(n) if {
	rules := lib.prop(n, ["securityRules"])
	is_array(rules)
	every rule in rules {
		is_object(object.get(rule, "properties", null))
	}
}

_rule_key(rule) := {
	"direction": object.get(rule, ["properties", "direction"], null),
	"access": object.get(rule, ["properties", "access"], null),
	"protocol": object.get(rule, ["properties", "protocol"], null),
	"ports": array.concat(
		[object.get(rule, ["properties", "destinationPortRange"], "")],
		sort(lib.list_or_empty(object.get(rule, ["properties", "destinationPortRanges"], []))),
	),
	"priority": object.get(rule, ["properties", "priority"], null),
}

_rule_keys(n) := {_rule_key(rule) | some rule in lib.list_or_empty(lib.prop(n, ["securityRules"]))}

_vnet_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), {}) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	sprintf("Virtual network %s: its subnets are not in the collected body", [lib.name_of(r)]),
) if {
	not _subnets_read(r)
} else := lib.unknown(
	r,
	sprintf("Virtual network %s: the subnets of its counterpart are not in the collected body", [lib.name_of(r)]),
) if {
	lib.counterpart(r)
	not _subnets_read(lib.counterpart(r))
} else := lib.result(
	r, "fail",
	lib.no_counterpart_message(r, "create the secondary virtual network with the same subnets"),
	{"subnets": _subnet_names(r)},
) if {
	not lib.counterpart(r)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Virtual network %s: its counterpart %s lacks subnet(s) ", [lib.name_of(r), lib.counterpart(r).name]),
		concat(", ", sort(_subnet_names(r) - _subnet_names(lib.counterpart(r)))),
	]),
	{"subnets": _subnet_names(r), "counterpart subnets": _subnet_names(lib.counterpart(r))},
) if {
	count(_subnet_names(r) - _subnet_names(lib.counterpart(r))) > 0
} else := lib.result(
	r, "pass",
	sprintf("Virtual network %s has counterpart %s with the same subnets", [lib.name_of(r), lib.counterpart(r).name]),
	{"subnets": _subnet_names(r)},
)

_nsg_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), {}) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	sprintf("Network security group %s: its security rules are not in the collected body", [lib.name_of(r)]),
) if {
	not _rules_read(r)
} else := lib.unknown(
	r,
	sprintf("Network security group %s: the rules of its counterpart are not in the collected body", [lib.name_of(r)]),
) if {
	lib.counterpart(r)
	not _rules_read(lib.counterpart(r))
} else := lib.result(
	r, "fail",
	lib.no_counterpart_message(r, "create the secondary network security group with the same rules"),
	{},
) if {
	not lib.counterpart(r)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Network security group %s: %d rule(s) have no equivalent in %s",
			[lib.name_of(r), count(_rule_keys(r) - _rule_keys(lib.counterpart(r))), lib.counterpart(r).name],
		),
		" (same direction, access, protocol, ports and priority); copy them before failover",
	]),
	{"missing rules": _rule_keys(r) - _rule_keys(lib.counterpart(r))},
) if {
	count(_rule_keys(r) - _rule_keys(lib.counterpart(r))) > 0
} else := lib.result(
	r, "pass",
	sprintf("Network security group %s has an equivalent rule set in %s", [lib.name_of(r), lib.counterpart(r).name]),
	{"rules": count(_rule_keys(r))},
)
