# METADATA
# title: Data-plane network rules admit the secondary
# description: >-
#   A storage account, Key Vault, Cosmos DB account or Azure AI services account whose firewall admits
#   the primary's subnets (virtual network rules) admits the counterpart subnets of the secondary too:
#   on its standby when it has one, else on itself (a geo-replicated account the secondary keeps
#   using). Otherwise the recovered workload is refused by the data plane it just failed over to.
#   Resources reached only through private endpoints are DR-NET-02's; IP rules are listed but not
#   compared, since the secondary's egress addresses are not in the configuration.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/storage/common/storage-network-security
#     description: Azure Storage firewalls and virtual networks
#   - ref: https://learn.microsoft.com/azure/key-vault/general/network-security
#     description: Key Vault network security
#   - ref: https://learn.microsoft.com/azure/cosmos-db/how-to-configure-vnet-service-endpoint
#     description: Cosmos DB access from virtual networks
#   - ref: https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks
#     description: Azure AI services virtual networks
# custom:
#   id: DR-NET-04
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types:
#     - microsoft.storage/storageaccounts
#     - microsoft.keyvault/vaults
#     - microsoft.documentdb/databaseaccounts
#     - microsoft.cognitiveservices/accounts
#   reads: [microsoft.network/virtualnetworks]
#   absent_ok:
#     properties.networkAcls: >-
#       ARM leaves networkAcls out when no network rule is set (Key Vault, Azure AI services): the
#       resource then admits every network unless publicNetworkAccess says Disabled
#     properties.publicNetworkAccess: ARM's default is Enabled (the published Key Vault and AI services bodies omit it)
#     properties.ipRules: Cosmos DB leaves ipRules out when there is no IP rule
#     properties.isVirtualNetworkFilterEnabled: Cosmos DB's default is false (no virtual network filter)
#   remediation:
#     summary: >-
#       Add the secondary's subnets to the firewall (az storage account network-rule add, az keyvault
#       network-rule add, az cosmosdb network-rule add, az cognitiveservices account network-rule add).
#   recovery:
#     step: network
#     label: Establish the network posture in the secondary
#     phase: network
#     mechanism: {pass: foundation_in_place, fail: network_rebuild}
package drready.controls.shared.dr_net_04

import data.drready.lib

_types := [
	"microsoft.storage/storageaccounts",
	"microsoft.keyvault/vaults",
	"microsoft.documentdb/databaseaccounts",
	"microsoft.cognitiveservices/accounts",
]

results := [_result(r) | some t in _types; some r in lib.resources_of(t)]

_cosmos(r) if lower(r.type) == "microsoft.documentdb/databaseaccounts"

_public_access(r) := lower(lib.prop(r, ["publicNetworkAccess"])) if is_string(lib.prop(r, ["publicNetworkAccess"]))

# Each account's posture, worked out once (the result's else-chain asks for it up to six times).
_postures[lower(r.id)] := _posture(r) if {
	some t in _types
	some r in lib.resources_of(t)
}

_posture_of(r) := _postures[lower(r.id)]

# open: admits every network; restricted: a firewall with rules; private: private endpoints only.
# Absent settings mean ARM's defaults (public access enabled, no network rule); a firewall whose
# default action is not given is not known.
_posture(r) := "private" if {
	_public_access(r) == "disabled"
} else := _firewall(r) if {
	not _cosmos(r)
	is_string(lib.prop(r, ["networkAcls", "defaultAction"]))
} else := "open" if {
	not _cosmos(r)
	lib.prop(r, ["networkAcls"]) == null
	object.get(r, ["properties", "publicNetworkAccess"], "Enabled") != null
} else := "restricted" if {
	_cosmos(r)
	_cosmos_filtered(r)
} else := "open" if {
	_cosmos(r)
	object.get(r, ["properties", "isVirtualNetworkFilterEnabled"], false) == false
	count(_ip_rules(r)) == 0
}

_firewall(r) := "restricted" if {
	lower(lib.prop(r, ["networkAcls", "defaultAction"])) == "deny"
} else := "open" if {
	lower(lib.prop(r, ["networkAcls", "defaultAction"])) == "allow"
}

_cosmos_filtered(r) if lib.prop(r, ["isVirtualNetworkFilterEnabled"]) == true

_cosmos_filtered(r) if count(_ip_rules(r)) > 0

_vnet_rules(r) := lib.list_or_empty(lib.prop(r, ["virtualNetworkRules"])) if _cosmos(r)

else := lib.list_or_empty(lib.prop(r, ["networkAcls", "virtualNetworkRules"]))

_ip_rules(r) := lib.list_or_empty(lib.prop(r, ["ipRules"])) if _cosmos(r)

else := lib.list_or_empty(lib.prop(r, ["networkAcls", "ipRules"]))

_subnets(r) := {lower(v.id) | some v in _vnet_rules(r); is_string(v.id)}

# /subscriptions/{s}/resourcegroups/{g}/providers/microsoft.network/virtualnetworks/{v}/subnets/{n}
_vnet_of(subnet) := concat("/", array.slice(parts, 0, 9)) if {
	parts := split(subnet, "/")
	count(parts) == 11
	parts[9] == "subnets"
}

_subnet_name(subnet) := parts[10] if parts := split(subnet, "/")

# What the secondary needs for each subnet some firewall admits, found once per subnet (rules are
# evaluated once, functions at every call: thousands of accounts admit the same few subnets).
_needs[subnet] := _placed(subnet) if {
	some t in _types
	some r in lib.resources_of(t)
	some subnet in _subnets(r)
}

_need(subnet) := _needs[subnet]

# What the secondary needs admitted for one admitted primary subnet: its counterpart subnet, or a
# reason it cannot have one. Subnets of VNets outside the stamp cannot be placed.
_placed(subnet) := {"subnet": concat("/", [lib.counterpart_id(_vnet_of(subnet)), "subnets", _subnet_name(subnet)])} if {
	lib.in_primary(lib.by_id(_vnet_of(subnet)))
	lib.counterpart(lib.by_id(_vnet_of(subnet)))
} else := {"gap": concat("", [
	"subnet ", _subnet_name(subnet), " of ", lib.name_of(lib.by_id(_vnet_of(subnet))),
	", whose VNet has no standby (DR-NET-01)",
])} if {
	lib.in_primary(lib.by_id(_vnet_of(subnet)))
} else := {"ok": subnet} if {
	not lib.in_primary(lib.by_id(_vnet_of(subnet)))
	lib.by_id(_vnet_of(subnet))
} else := {"unplaced": subnet}

# The resource the recovered workload uses: the standby when there is one, else the same resource.
_serving(r) := lib.counterpart(r) if lib.counterpart(r)

else := r

_subnet_gaps(r, sv) := sort([g |
	some subnet in _subnets(r)
	need := _need(subnet)
	g := _gap_text(need, sv)
])

_gap_text(need, _) := need.gap

# Messages are built with concat: rego-cpp 1.5.2's sprintf %s keeps the quotes of computed strings.
_gap_text(need, sv) := concat("", ["subnet ", _subnet_name(need.subnet), " of ", split(need.subnet, "/")[8]]) if {
	not need.subnet in _subnets(sv)
}

_unplaced_subnets(r) := sort([need.unplaced | some subnet in _subnets(r); need := _need(subnet); need.unplaced])

_evidence(r) := {
	"properties.publicNetworkAccess": lib.prop(r, ["publicNetworkAccess"]),
	"virtual network rules": sort(_subnets(r)),
	"ip rules": count(_ip_rules(r)),
}

_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.unknown(r, sprintf(
	"%s: neither its public network access nor its firewall's default action is in the collected body",
	[lib.name_of(r)],
)) if {
	not _posture_of(r)
} else := lib.result(
	r, "pass",
	sprintf("%s admits every network, the secondary's included", [lib.name_of(r)]),
	_evidence(r),
) if {
	_posture_of(r) == "open"
} else := lib.result(
	r, "not_applicable",
	sprintf("%s is reached only through private endpoints (DR-NET-02 judges their parity)", [lib.name_of(r)]),
	_evidence(r),
) if {
	_posture_of(r) == "private"
} else := lib.unknown(r, sprintf(
	"%s: a virtual network rule of its firewall names no subnet in the collected body",
	[lib.name_of(r)],
)) if {
	some v in _vnet_rules(r)
	not is_string(object.get(v, "id", null))
} else := lib.result(
	r, "not_applicable",
	sprintf("%s admits no network by rule (private endpoints and trusted services only: DR-NET-02)", [lib.name_of(r)]),
	_evidence(r),
) if {
	count(_subnets(r)) == 0
	count(_ip_rules(r)) == 0
} else := lib.unknown(r, sprintf(
	"%s admits IP ranges only: whether the secondary's egress addresses are among them is not known",
	[lib.name_of(r)],
)) if {
	count(_subnets(r)) == 0
} else := _with_serving(r, _serving(r))

_with_serving(r, sv) := lib.unknown(r, sprintf(
	"%s: the firewall of its standby %s is not in the collected body",
	[lib.name_of(r), lib.name_of(sv)],
)) if {
	not _posture_of(sv)
} else := lib.result(
	r, "pass", sprintf(
		"%s admits the primary's subnets; its standby %s admits every network",
		[lib.name_of(r), lib.name_of(sv)],
	),
	_evidence(r),
) if {
	_posture_of(sv) == "open"
} else := lib.result(
	r, "pass", sprintf(
		"%s admits the primary's subnets; its standby %s is reached through private endpoints only (DR-NET-02)",
		[lib.name_of(r), lib.name_of(sv)],
	),
	_evidence(r),
) if {
	_posture_of(sv) == "private"
} else := _admits_standby_subnets(r, sv)

_admits_standby_subnets(r, sv) := lib.result(
	r, "fail", concat("", [
		lib.name_of(r), " admits the primary's subnets but ", _who(r, sv), " not admit the secondary's: ",
		concat("; ", _subnet_gaps(r, sv)),
		". The recovered workload would be refused by its data plane",
	]),
	_evidence(r),
) if {
	count(_subnet_gaps(r, sv)) > 0
} else := lib.unknown(r, concat("", [
	lib.name_of(r), " admits subnets of VNets outside the stamp (", concat(", ", _unplaced_subnets(r)),
	"): their secondary counterparts are not known",
])) if {
	count(_unplaced_subnets(r)) > 0
} else := lib.result(
	r, "pass", concat("", [
		_whose(r, sv), " admits the secondary's counterpart of each of the ",
		format_int(count(_primary_subnets(r)), 10), " primary subnet(s) ", lib.name_of(r), " admits",
	]),
	_evidence(r),
)

_who(r, sv) := "does" if lower(sv.id) == lower(r.id)

else := concat("", ["its standby ", lib.name_of(sv), " does"])

_primary_subnets(r) := [s | some s in _subnets(r); _need(s).subnet]

_whose(r, sv) := lib.name_of(r) if lower(sv.id) == lower(r.id)

else := concat("", [lib.name_of(r), "'s standby ", lib.name_of(sv)])
