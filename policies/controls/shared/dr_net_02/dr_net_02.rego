# METADATA
# title: Private endpoint and DNS parity
# description: >-
#   For each private endpoint of the primary region there is one in the secondary for the counterpart
#   service and the same group id (blob, vault, sqlServer, ...), and every private DNS zone linked to a
#   primary virtual network is also linked to its secondary counterpart. Private Link is a
#   single-region service with no automatic failover; private DNS zones are global but resolve only in
#   linked networks. Only connections that carry traffic count, on either side: status Approved and
#   provisioning Succeeded (a Pending or Rejected connection is no equivalent, and a primary one needs
#   none); a matching secondary connection whose state was not reported makes the finding unknown.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-private-link-service
#     description: Reliability in Azure Private Link service
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-dns
#     description: Reliability in Azure DNS (private zones and virtual network links)
# custom:
#   id: DR-NET-02
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.network/privateendpoints, microsoft.network/privatednszones/virtualnetworklinks]
#   mechanism: network_redeploy
#   recovery:
#     step: network
#     label: Establish the network posture in the secondary
#     phase: network
#     mechanism: {pass: foundation_in_place, fail: network_rebuild}
package drready.controls.shared.dr_net_02

import data.drready.lib

results := array.concat(
	[_endpoint_result(r) | some r in lib.resources_of("microsoft.network/privateendpoints")],
	[_link_result(r) | some r in lib.resources_of("microsoft.network/privatednszones/virtualnetworklinks")],
)

# Each connection's properties, with the provisioning state of the connection or else of its endpoint.
_all_connections(pe) := [object.union({"provisioningState": lib.prop(pe, ["provisioningState"])}, c.properties) |
	some key in ["privateLinkServiceConnections", "manualPrivateLinkServiceConnections"]
	some c in lib.list_or_empty(lib.prop(pe, [key]))
	is_object(c.properties)
]

_state(c) := object.get(c, ["privateLinkServiceConnectionState", "status"], null)

_active(c) if {
	_state(c) == "Approved"
	c.provisioningState == "Succeeded"
}

# What carries traffic: Approved and Succeeded; a connection whose state is not reported is kept apart.
_connections(pe) := [c | some c in _all_connections(pe); _active(c); is_string(c.privateLinkServiceId)]

# Active connections that name no service: what they reach is not known.
_serviceless(pe) := [c | some c in _all_connections(pe); _active(c); not is_string(c.privateLinkServiceId)]

_unreported(pe) := [c | some c in _all_connections(pe); _state(c) == null]

# The service a secondary endpoint must reach: the counterpart of the primary service when the
# pairing knows it, else the same service (global services such as Cosmos DB accounts).
_wanted_service(service_id) := s.id if {
	s := lib.counterpart(lib.by_id(service_id))
} else := service_id

# The wanted service first: looked up once per connection, not once per candidate endpoint.
_secondary_endpoints := lib.in_secondary_of_type("microsoft.network/privateendpoints")

_secondary_active := [sc | some pe in _secondary_endpoints; some sc in _connections(pe)]

_secondary_unreported := [sc | some pe in _secondary_endpoints; some sc in _unreported(pe)]

_covered(c) if _matched(c, _secondary_active)

_matched(c, candidates) if {
	wanted := lower(_wanted_service(c.privateLinkServiceId))
	some sc in candidates
	lower(object.get(sc, "privateLinkServiceId", "")) == wanted
	some g in lib.list_or_empty(object.get(sc, "groupIds", []))
	g in lib.list_or_empty(object.get(c, "groupIds", []))
}

# A primary connection the secondary may cover, but through a connection whose state is unreported.
_uncertain(c) if {
	not _covered(c)
	_matched(c, _secondary_unreported)
}

_label(c) := concat("", [
	_last(c.privateLinkServiceId),
	" (",
	concat(",", lib.list_or_empty(object.get(c, "groupIds", []))),
	")",
])

_missing(pe) := [_label(c) |
	some c in _connections(pe)
	not _covered(c)
	not _uncertain(c)
]

_undecided(pe) := [_label(c) | some c in _connections(pe); _uncertain(c)]

_endpoint_evidence(pe) := {"connections": [{
	"privateLinkServiceId": object.get(c, "privateLinkServiceId", null),
	"groupIds": object.get(c, "groupIds", null),
	"status": _state(c),
	"provisioningState": c.provisioningState,
} |
	some c in _all_connections(pe)
]}

_last(path) := parts[count(parts) - 1] if parts := split(path, "/")

_endpoint_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), {}) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	sprintf("Private endpoint %s: an approved connection names no private link service", [lib.name_of(r)]),
) if {
	count(_serviceless(r)) > 0
} else := lib.result(
	r, "not_applicable",
	sprintf("Private endpoint %s has no approved, provisioned connection: nothing flows through it", [lib.name_of(r)]),
	_endpoint_evidence(r),
) if {
	count(_connections(r)) == 0
	count(_unreported(r)) == 0
} else := lib.unknown(
	r,
	sprintf("Private endpoint %s: the state of its connections was not reported", [lib.name_of(r)]),
) if {
	count(_connections(r)) == 0
} else := lib.unknown(
	r,
	concat("", [
		sprintf("Private endpoint %s: the secondary's connection(s) to ", [lib.name_of(r)]),
		concat("; ", _undecided(r)),
		" do not report their state, so whether they carry traffic is not known",
	]),
) if {
	count(_missing(r)) == 0
	count(_undecided(r)) > 0
} else := _endpoint_verdict(r, _missing(r))

_endpoint_verdict(r, gaps) := lib.result(
	r, "fail",
	concat("", [
		sprintf("Private endpoint %s has no equivalent in %v for: ", [lib.name_of(r), input.stamp.secondary_region]),
		concat("; ", gaps),
		". Create private endpoints there for the counterpart services with the same group ids",
	]),
	_endpoint_evidence(r),
) if {
	count(gaps) > 0
} else := lib.result(
	r, "pass",
	sprintf("Private endpoint %s has an equivalent in %s", [lib.name_of(r), input.stamp.secondary_region]),
	_endpoint_evidence(r),
)

_zone_of(link) := lower(split(link.id, "/virtualNetworkLinks/")[0]) if contains(link.id, "/virtualNetworkLinks/")

else := lower(split(link.id, "/virtualnetworklinks/")[0])

_vnet_id(link) := id if {
	id := object.get(link, ["properties", "virtualNetwork", "id"], null)
	is_string(id)
}

_linked_vnet(link) := lib.by_id(_vnet_id(link))

_zone_links_to(link, vnet_id) if {
	some other in lib.resources_of("microsoft.network/privatednszones/virtualnetworklinks")
	_zone_of(other) == _zone_of(link)
	lower(_vnet_id(other)) == lower(vnet_id)
}

# A helper, not `not lib.in_primary(_linked_vnet(r))`: OPA and rego-cpp disagree on an undefined call
# inside a negation (a link to a network outside the stamp).
_links_primary_vnet(r) if lib.in_primary(_linked_vnet(r))

_link_evidence(r) := {"properties.virtualNetwork.id": object.get(r, ["properties", "virtualNetwork", "id"], null)}

_link_result(r) := lib.unknown(
	r,
	sprintf("DNS link %s: the virtual network it links is not in the collected body", [lib.name_of(r)]),
) if {
	not _vnet_id(r)
} else := lib.result(
	r, "not_applicable",
	sprintf("DNS link %s does not link a primary virtual network of the stamp", [lib.name_of(r)]),
	_link_evidence(r),
) if {
	not _links_primary_vnet(r)
} else := _link_verdict(r, _linked_vnet(r))

_link_verdict(r, vnet) := lib.result(
	r, "fail",
	sprintf(
		"DNS link %s: the primary virtual network %s has no counterpart to link (see DR-NET-01)",
		[lib.name_of(r), vnet.name],
	),
	_link_evidence(r),
) if {
	not lib.counterpart(vnet)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Private DNS zone %s is linked to %s but not to its counterpart %s: names would not resolve in %s. ",
			[split(_zone_of(r), "/")[8], vnet.name, lib.counterpart(vnet).name, input.stamp.secondary_region],
		),
		"Add a virtual network link (az network private-dns link vnet create)",
	]),
	_link_evidence(r),
) if {
	not _zone_links_to(r, lib.counterpart(vnet).id)
} else := lib.result(
	r, "pass",
	sprintf("The DNS zone of link %s is also linked to %s", [lib.name_of(r), lib.counterpart(vnet).name]),
	_link_evidence(r),
)
