# METADATA
# title: Azure Firewall rule processing
# description: >-
#   How Azure Firewall decides a flow from the stamp's secondary workloads to an FQDN on TCP 443, for
#   controls that judge egress (DR-NET-06): the rule collections of a firewall policy (its parent's
#   first) or of a firewall's classic rules, in processing order, and the first one that matches.
#   Each rule answers "yes", "no" or "maybe"; a field missing from a rule never makes it "no" (a deny
#   that lost its destinations must not let the flow through), and a collection without a numeric
#   priority makes the whole order unknown.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/firewall/rule-processing
#     description: Azure Firewall rule processing logic
#   - ref: https://learn.microsoft.com/azure/firewall/policy-rule-sets
#     description: Azure Firewall Policy rule sets
package drready.lib.firewall

import data.drready.lib

# Workload subnets of the stamp's networks in the secondary (the firewall's, gateways' and Bastion's
# own subnets are not workloads), as IPv4 ranges [low, high]; a prefix drready cannot parse is kept as
# null, so no source can cover it.
_infrastructure_subnets := {
	"azurefirewallsubnet", "azurefirewallmanagementsubnet",
	"gatewaysubnet", "azurebastionsubnet",
}

_workload_prefixes := [p |
	some v in lib.in_secondary_of_type("microsoft.network/virtualnetworks")
	some p in _vnet_prefixes(v)
]

_vnet_prefixes(v) := [p |
	some s in lib.list_or_empty(lib.prop(v, ["subnets"]))
	not _infrastructure_subnet(s)
	some p in _subnet_prefixes(s)
] if {
	count(lib.list_or_empty(lib.prop(v, ["subnets"]))) > 0
} else := lib.list_or_empty(lib.prop(v, ["addressSpace", "addressPrefixes"]))

_infrastructure_subnet(s) if lower(_text(object.get(s, "name", null))) in _infrastructure_subnets

_subnet_prefixes(s) := [s.properties.addressPrefix] if {
	is_string(s.properties.addressPrefix)
} else := [null] if {
	not is_array(object.get(s, ["properties", "addressPrefixes"], null))
} else := s.properties.addressPrefixes

_workload_ranges := [r | some p in _workload_prefixes; r := _range(p)]

# IPv4 address arithmetic: rego-cpp has no net.cidr_* built-ins.
_octets(ip) := [to_number(o) | some o in parts] if {
	is_string(ip)
	parts := split(ip, ".")
	count(parts) == 4
	every o in parts {
		regex.match(`^[0-9]{1,3}$`, o)
		to_number(o) <= 255
	}
}

_ip(s) := ((o[0] * 16777216) + (o[1] * 65536)) + ((o[2] * 256) + o[3]) if o := _octets(s)

_block_sizes := [
	4294967296, 2147483648, 1073741824, 536870912, 268435456, 134217728, 67108864, 33554432,
	16777216, 8388608, 4194304, 2097152, 1048576, 524288, 262144, 131072, 65536, 32768, 16384, 8192,
	4096, 2048, 1024, 512, 256, 128, 64, 32, 16, 8, 4, 2, 1,
]

# "10.0.0.0/16", "10.0.0.1-10.0.0.9" or "10.0.0.1" as [low, high]; null for anything else.
_range(text) := [low, (low + size) - 1] if {
	is_string(text)
	[address, prefix_length] := split(text, "/")
	regex.match(`^[0-9]{1,2}$`, prefix_length)
	to_number(prefix_length) <= 32
	size := _block_sizes[to_number(prefix_length)]
	low := _ip(address) - (_ip(address) % size)
} else := [_ip(a), _ip(b)] if {
	is_string(text)
	[a, b] := split(text, "-")
	_ip(a) <= _ip(b)
} else := [_ip(text), _ip(text)] if {
	_ip(text)
} else := null

_text(x) := x if is_string(x)

else := "(unnamed)"

_list(rule, key) := object.get(rule, key, null)

_has_a_list(rule, keys) if {
	some key in keys
	is_array(_list(rule, key))
}

# Does a rule's source side admit the workloads?
_source_match(rule) := "maybe" if {
	not is_array(_list(rule, "sourceAddresses"))
	not is_array(_list(rule, "sourceIpGroups"))
} else := "yes" if {
	"*" in lib.list_or_empty(_list(rule, "sourceAddresses"))
} else := "yes" if {
	some entry in lib.list_or_empty(_list(rule, "sourceAddresses"))
	_covers_workloads(_range(entry))
} else := "maybe" if {
	count(lib.list_or_empty(_list(rule, "sourceIpGroups"))) > 0
} else := "maybe" if {
	some entry in lib.list_or_empty(_list(rule, "sourceAddresses"))
	not _misses_workloads(_range(entry))
} else := "no"

_covers_workloads(r) if {
	is_array(r)
	count(_workload_ranges) > 0
	every w in _workload_ranges {
		is_array(w)
		r[0] <= w[0]
		w[1] <= r[1]
	}
}

_misses_workloads(r) if {
	is_array(r)
	count(_workload_ranges) > 0
	every w in _workload_ranges {
		is_array(w)
		_disjoint(r, w)
	}
}

_disjoint(a, b) if a[1] < b[0]

_disjoint(a, b) if b[1] < a[0]

# Does a network rule match TCP 443 to the host?
_network_match(rule, host) := _all_of([
	_network_protocol(rule), _port_match(rule),
	_network_destination(rule, host), _source_match(rule),
])

_network_protocols(rule) := object.get(rule, "ipProtocols", object.get(rule, "protocols", null))

_network_protocol(rule) := "maybe" if {
	not is_array(_network_protocols(rule))
} else := "yes" if {
	some p in _network_protocols(rule)
	upper(_text(p)) in {"TCP", "ANY"}
} else := "no"

_port_match(rule) := "maybe" if {
	not is_array(_list(rule, "destinationPorts"))
} else := "yes" if {
	some p in _list(rule, "destinationPorts")
	_port_covers_443(_text(p))
} else := "no"

_port_covers_443(p) if p in {"*", "443"}

_port_covers_443(p) if {
	[low, high] := split(p, "-")
	to_number(low) <= 443
	to_number(high) >= 443
}

_network_destination(rule, host) := "maybe" if {
	not _has_a_list(rule, ["destinationAddresses", "destinationFqdns", "destinationIpGroups"])
} else := "yes" if {
	some d in lib.list_or_empty(_list(rule, "destinationAddresses"))
	d in {"*", "0.0.0.0/0"}
} else := "yes" if {
	some f in lib.list_or_empty(_list(rule, "destinationFqdns"))
	lower(_text(f)) == host
} else := "maybe" if {
	some key in ["destinationAddresses", "destinationIpGroups"]
	count(lib.list_or_empty(_list(rule, key))) > 0
} else := "no"

# Does an application rule match HTTPS on 443 to the host?
_application_match(rule, host) := _all_of([_https_443(rule), _application_destination(rule, host), _source_match(rule)])

_https_443(rule) := "maybe" if {
	not is_array(_list(rule, "protocols"))
} else := "yes" if {
	some p in _list(rule, "protocols")
	_https(p)
	object.get(p, "port", null) == 443
} else := "maybe" if {
	some p in _list(rule, "protocols")
	_https(p)
	not is_number(object.get(p, "port", null))
} else := "no"

_https(p) if lower(_text(object.get(p, "protocolType", null))) == "https"

_application_destination(rule, host) := "maybe" if {
	not _has_a_list(rule, ["targetFqdns", "fqdnTags", "webCategories", "targetUrls"])
} else := "yes" if {
	some f in lib.list_or_empty(_list(rule, "targetFqdns"))
	_fqdn_matches(lower(_text(f)), host)
} else := "maybe" if {
	some key in ["fqdnTags", "webCategories", "targetUrls"]
	count(lib.list_or_empty(_list(rule, key))) > 0
} else := "no"

_fqdn_matches(pattern, host) if pattern == host

_fqdn_matches("*", _) := true

_fqdn_matches(pattern, host) if {
	startswith(pattern, "*")
	pattern != "*"
	endswith(host, trim_prefix(pattern, "*"))
}

_all_of(answers) := "no" if {
	"no" in answers
} else := "maybe" if {
	"maybe" in answers
} else := "yes"

_any_of(answers) := "yes" if {
	"yes" in answers
} else := "maybe" if {
	"maybe" in answers
} else := "no"

_rule_match(c, rule, host) := _network_match(rule, host) if c.kind == "network"

_rule_match(c, rule, host) := _application_match(rule, host) if c.kind == "application"

_collection_match(c, host) := "maybe" if {
	not is_array(c.rules)
} else := _any_of([m | some rule in c.rules; m := _rule_match(c, rule, host)])

# Rule collections of a firewall, in processing order; "why" says what could not be read.
rule_set(fw) := {"why": concat("", [
	"its firewall policy ", _policy_id(fw),
	" is not among the stamp's resources, so its rules were not read",
])} if {
	_policy_id(fw) != ""
	not lib.by_id(_policy_id(fw))
} else := _ordered(_policy_collections(lib.by_id(_policy_id(fw)))) if {
	_policy_id(fw) != ""
} else := _ordered({"collections": _classic_collections(fw)})

_policy_id(fw) := lower(id) if {
	id := lib.prop(fw, ["firewallPolicy", "id"])
	is_string(id)
	id != ""
} else := ""

_parent_id(policy) := lower(id) if {
	id := lib.prop(policy, ["basePolicy", "id"])
	is_string(id)
	id != ""
} else := ""

# A policy's collections, its parent's first ({"why"} when some were not read).
_policy_collections(policy) := _unread("firewall policy", policy) if {
	not lib.children(policy, "ruleCollectionGroups")
} else := {"collections": _groups_collections(policy, 1)} if {
	_parent_id(policy) == ""
} else := _with_parent(policy, lib.by_id(_parent_id(policy))) if {
	lib.by_id(_parent_id(policy))
} else := {"why": concat(
	"",
	[
		"its parent policy ", _parent_id(policy),
		" (whose rules come first) is not among the stamp's resources",
	],
)}

_unread(what, policy) := {"why": concat(
	"",
	[
		"the rule collection groups of ", what, " ",
		lib.name_of(policy), " were not read",
	],
)}

_with_parent(policy, parent) := {"why": concat(
	"",
	[
		"parent policy ", lib.name_of(parent),
		" inherits from another policy, which drready does not follow",
	],
)} if {
	_parent_id(parent) != ""
} else := _unread("parent policy", parent) if {
	not lib.children(parent, "ruleCollectionGroups")
} else := {"collections": array.concat(_groups_collections(parent, 0), _groups_collections(policy, 1))}

# A policy's filter rule collections (NAT collections translate inbound traffic and are left out).
_groups_collections(policy, own) := [c |
	some g in lib.children(policy, "ruleCollectionGroups")
	some rc in lib.list_or_empty(object.get(g, ["properties", "ruleCollections"], []))
	object.get(rc, "ruleCollectionType", "") != "FirewallPolicyNatRuleCollection"
	c := _collection(
		_rule_kind(rc),
		[own, object.get(g, ["properties", "priority"], null), object.get(rc, "priority", null)],
		concat("", [
			"collection ", _text(object.get(rc, "name", null)), " of group ", _text(object.get(g, "name", null)),
			" in policy ", lib.name_of(policy),
		]),
		rc,
	)
]

_rule_kind(rc) := "network" if {
	some rule in lib.list_or_empty(object.get(rc, "rules", []))
	object.get(rule, "ruleType", null) == "NetworkRule"
} else := "application"

_classic_collections(fw) := [c |
	some pair in [["network", "networkRuleCollections"], ["application", "applicationRuleCollections"]]
	kind := pair[0]
	some rc in lib.list_or_empty(lib.prop(fw, [pair[1]]))
	body := _object(object.get(rc, "properties", null))
	c := _collection(
		kind,
		[1, 0, object.get(body, "priority", null)],
		concat("", [kind, " collection ", _text(object.get(rc, "name", null))]),
		body,
	)
]

_object(x) := x if is_object(x)

else := {}

_collection(kind, order, name, body) := {
	"kind": kind,
	"key": array.concat([_kind_order[kind]], order),
	"name": name,
	"action": lower(_text(object.get(body, ["action", "type"], null))),
	"rules": object.get(body, "rules", null),
}

_kind_order := {"network": 0, "application": 1}

# Collections in processing order; {"why"} when one has no numeric priority to place it by, or no name
# (ARM requires both: the body is incomplete).
_ordered(found) := found if {
	found.why
} else := {"why": "a rule collection has no name, so its body is incomplete"} if {
	some c in found.collections
	contains(c.name, "(unnamed)")
} else := {"why": concat("", [unplaced[0], " has no numeric priority, so the processing order is not known"])} if {
	unplaced := [c.name | some c in found.collections; some k in c.key; not is_number(k)]
	count(unplaced) > 0
} else := {"collections": [c |
	some key in sort({c.key | some c in found.collections})
	some c in found.collections
	c.key == key
]}

# The firewall's verdict on one host: allow, deny or unknown, and the collection that decides ("" when
# none matches and the default deny applies). A collection that may match (its addresses or
# categories are not known) and comes first leaves the verdict unknown unless its action is the same
# as the decision's.
verdict(collections, host) := _decide(matched, yes) if {
	matched := [{"c": c, "m": m} | some c in collections; m := _collection_match(c, host); m != "no"]
	yes := [i | some i in numbers.range(0, count(matched) - 1); matched[i].m == "yes"]
}

_decide(matched, yes) := {"verdict": "unknown", "by": blockers[0]} if {
	blockers := [m.c.name |
		some m in array.slice(matched, 0, _end(matched, yes))
		m.c.action != _outcome(matched, yes)
	]
	count(blockers) > 0
} else := {"verdict": _outcome(matched, yes), "by": _decider(matched, yes)}

_end(matched, yes) := yes[0] if count(yes) > 0

else := count(matched)

_outcome(matched, yes) := matched[yes[0]].c.action if count(yes) > 0

else := "deny"

_decider(matched, yes) := matched[yes[0]].c.name if count(yes) > 0

else := ""
