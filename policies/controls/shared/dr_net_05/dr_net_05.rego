# METADATA
# title: DNS TTLs on the failover path fit within the RTO
# description: >-
#   The TTL of each name a failover changes is shorter than the stamp's RTO: a Traffic Manager profile's
#   DNS TTL, and the A, AAAA and CNAME records of the stamp's private DNS zones (a record repointed to
#   the secondary by hand or by script). Resolvers keep the primary's answer for up to the TTL after
#   the switch, so a TTL longer than the RTO alone misses it. Private endpoint records (TTL 10 s) and
#   other record types (SOA, MX, TXT) are not on the path.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/traffic-manager/traffic-manager-performance-considerations
#     description: Traffic Manager DNS TTL and failover time
#   - ref: https://learn.microsoft.com/azure/dns/private-dns-privatednszone
#     description: Azure Private DNS zones and record sets (TTL per record set)
# custom:
#   id: DR-NET-05
#   severity: medium
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.network/trafficmanagerprofiles, microsoft.network/privatednszones]
#   collect:
#     - {type: microsoft.network/privatednszones, kind: recordSets, path: ALL, api: "2024-06-01"}
#   remediation:
#     summary: >-
#       Lower the TTL (az network traffic-manager profile update --ttl, az network private-dns record-set
#       a update --set ttl=...) well below the RTO, before the outage: a lowered TTL only takes effect
#       once the old one has expired.
package drready.controls.shared.dr_net_05

import data.drready.lib

results := array.concat(
	[_profile_result(p) | some p in lib.resources_of("microsoft.network/trafficmanagerprofiles")],
	[_zone_result(z) | some z in lib.resources_of("microsoft.network/privatednszones")],
)

_rto_seconds := input.stamp.targets.rto_minutes * 60

_on_path := {"a", "aaaa", "cname"}

_profile_result(p) := lib.unknown(p, sprintf(
	"Traffic Manager profile %s: its DNS TTL (properties.dnsConfig.ttl) is not in the collected body",
	[lib.name_of(p)],
)) if {
	not is_number(lib.prop(p, ["dnsConfig", "ttl"]))
} else := lib.result(
	p, "fail",
	sprintf(
		"Traffic Manager profile %s: DNS TTL %d s is longer than the stamp's RTO (%d min): %s",
		[lib.name_of(p), lib.prop(p, ["dnsConfig", "ttl"]), input.stamp.targets.rto_minutes, _after_switch],
	),
	{"properties.dnsConfig.ttl": lib.prop(p, ["dnsConfig", "ttl"])},
) if {
	lib.prop(p, ["dnsConfig", "ttl"]) > _rto_seconds
} else := lib.result(
	p, "pass",
	sprintf(
		"Traffic Manager profile %s: DNS TTL %d s fits within the stamp's RTO (%d min)",
		[lib.name_of(p), lib.prop(p, ["dnsConfig", "ttl"]), input.stamp.targets.rto_minutes],
	),
	{"properties.dnsConfig.ttl": lib.prop(p, ["dnsConfig", "ttl"])},
)

_after_switch := "resolvers keep the primary's answer that long after the switch"

_record_type(x) := lower(parts[count(parts) - 1]) if {
	is_string(x.type)
	parts := split(x.type, "/")
}

_records(z) := [x | some x in lib.children(z, "recordSets"); _record_type(x) in _on_path]

_untyped(z) := [object.get(x, "name", "(unnamed)") | some x in lib.children(z, "recordSets"); not _record_type(x)]

_no_ttl(z) := [object.get(x, "name", "(unnamed)") |
	some x in _records(z)
	not is_number(object.get(x, ["properties", "ttl"], null))
]

_too_long(z) := sort([concat("", [x.name, " (", format_int(x.properties.ttl, 10), " s)"]) |
	some x in _records(z)
	is_number(object.get(x, ["properties", "ttl"], null))
	x.properties.ttl > _rto_seconds
])

_zone_evidence(z) := {"A/AAAA/CNAME record sets": count(_records(z))}

# Messages are built with concat: rego-cpp 1.5.2's sprintf %s keeps the quotes of computed strings.
_zone_result(z) := lib.unknown(z, sprintf(
	"Private DNS zone %s: its record sets were not collected, so their TTLs are not known",
	[lib.name_of(z)],
)) if {
	not lib.children(z, "recordSets")
} else := lib.unknown(z, concat("", [
	"Private DNS zone ", lib.name_of(z), ": record set(s) ",
	concat(", ", array.concat(_untyped(z), _no_ttl(z))),
	" give no type or TTL",
])) if {
	count(array.concat(_untyped(z), _no_ttl(z))) > 0
} else := lib.result(
	z, "not_applicable",
	sprintf("Private DNS zone %s has no A, AAAA or CNAME record", [lib.name_of(z)]),
	_zone_evidence(z),
) if {
	count(_records(z)) == 0
} else := lib.result(
	z, "fail",
	concat("", [
		"Private DNS zone ", lib.name_of(z), ": ", concat(", ", _too_long(z)),
		sprintf(" outlive the stamp's RTO (%d min): ", [input.stamp.targets.rto_minutes]),
		_after_switch,
	]),
	_zone_evidence(z),
) if {
	count(_too_long(z)) > 0
} else := lib.result(
	z, "pass",
	sprintf(
		"Private DNS zone %s: the TTLs of its %d A/AAAA/CNAME record set(s) fit within the stamp's RTO (%d min)",
		[lib.name_of(z), count(_records(z)), input.stamp.targets.rto_minutes],
	),
	_zone_evidence(z),
)
