# METADATA
# title: AI gateway survives a zone loss in every region it runs
# description: >-
#   Each API Management instance of the stamp is zone-redundant in every one of its locations (the
#   primary location and each additionalLocations entry) whose region has availability zones: Premium
#   (classic) with at least 2 zones listed (top-level zones, additionalLocations[].zones). Developer,
#   Basic, Standard, Basic v2 and Consumption have no availability zone support and fail wherever a
#   location's region has zones. Locations in regions without zones are fine as they are; an instance
#   all of whose locations are in such regions is not applicable. Where drready cannot know it says
#   unknown: a Premium location listing no zones (API Management spreads units across zones on its own
#   only for instances created, or locations added, since automatic zone support became the default,
#   and ARM does not say which this is), Standard v2 and Premium v2 without zones (zone redundancy is
#   chosen at creation), and a region whose zone support drready does not know. Differs from PSRule's
#   Azure.APIM.AvailabilityZone, which fails a Premium location without zones: drready says unknown, as
#   Microsoft now recommends the automatic configuration that leaves zones out.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-api-management
#     description: Reliability in Azure API Management (automatic and manual availability zone support)
#   - ref: https://learn.microsoft.com/azure/api-management/enable-availability-zone-support
#     description: Enable availability zone support on Azure API Management instances (tiers)
#   - ref: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.APIM.AvailabilityZone
#     description: PSRule for Azure, Azure.APIM.AvailabilityZone
# custom:
#   id: DR-AI-06
#   severity: high
#   stamps: [genai]
#   resource_types: [microsoft.apimanagement/service]
#   mechanism: null
#   absent_ok:
#     properties.additionalLocations: ARM omits it for an instance in one region
#   remediation:
#     summary: >-
#       Move to the Premium tier and list the zones of each location (at least 2, with as many units as
#       zones or a multiple)
#     command: >-
#       az apim update -n {name} -g {resource_group} --subscription {subscription} --sku-name Premium
#       --set zones='["1","2","3"]' sku.capacity=3
#   plan:
#     azurerm_api_management:
#       type: Microsoft.ApiManagement/service
#       body:
#         # sku_name is "<tier>_<units>"; JMESPath has no split, so each tier is named
#         sku.name: >-
#           (starts_with(sku_name || '', 'Premium_') && 'Premium') || (starts_with(sku_name || '', 'PremiumV2_') &&
#           'PremiumV2') || (starts_with(sku_name || '', 'StandardV2_') && 'StandardV2') ||
#           (starts_with(sku_name || '', 'Standard_') && 'Standard') || (starts_with(sku_name || '', 'BasicV2_') &&
#           'BasicV2') || (starts_with(sku_name || '', 'Basic_') && 'Basic') || (starts_with(sku_name || '',
#           'Developer_') && 'Developer') || (starts_with(sku_name || '', 'Consumption_') && 'Consumption') || sku_name
#         zones: zones
#         properties.additionalLocations: "additional_location[].{location: location, zones: zones}"
package drready.controls.genai.dr_ai_06

import data.drready.lib

results := [x | some r in lib.resources_of("microsoft.apimanagement/service"); x := _gateway_result(r)]

_sku(r) := object.get(r, ["sku", "name"], null)

# Tiers, in lower case, by what they offer.
_zone_capable := {"premium"}

_zone_choice_at_creation := {"standardv2", "premiumv2"}

_no_zones := {"developer", "basic", "standard", "basicv2", "consumption"}

# Every location of the instance: {name, region, zones}.
_locations(r) := array.concat(
	[{"name": _location_name(r), "zones": object.get(r, "zones", null)}],
	[{"name": _location_name(l), "zones": object.get(l, "zones", null)} |
		some l in lib.list_or_empty(lib.prop(r, ["additionalLocations"]))
	],
)

_location_name(x) := x.location if is_string(x.location)

else := "(a location with no name)"

_zone_locations(r) := [l | some l in _locations(r); lib.zone_region(lib.norm_region(l.name))]

_unknown_regions(r) := [l.name |
	some l in _locations(r)
	not lib.zone_region(lib.norm_region(l.name))
	not lib.no_zones(lib.norm_region(l.name))
]

_zone_count(l) := count(l.zones) if is_array(l.zones)

else := 0

_evidence(r) := {
	"sku.name": _sku(r),
	"locations": [{"location": l.name, "zones": l.zones} | some l in _locations(r)],
}

_gateway_result(r) := lib.unknown(
	r,
	sprintf("API Management %s: the collected body gives no sku.name or no properties", [lib.name_of(r)]),
) if {
	not _has_shape(r)
} else := lib.unknown(
	r,
	concat("", [
		sprintf("API Management %s: drready does not know whether ", [lib.name_of(r)]),
		concat(", ", _unknown_regions(r)),
		" has availability zones",
	]),
) if {
	count(_unknown_regions(r)) > 0
} else := lib.result(
	r, "not_applicable",
	sprintf("API Management %s runs only in regions without availability zones", [lib.name_of(r)]),
	_evidence(r),
) if {
	count(_zone_locations(r)) == 0
} else := _tier_result(r)

_tier_result(r) := lib.result(
	r, "fail",
	concat("", [
		sprintf("API Management %s is on the ", [lib.name_of(r)]), _sku(r),
		" tier, which has no availability zone support: a zone outage in ",
		concat(", ", [l.name | some l in _zone_locations(r)]),
		" can stop the gateway (Premium has zones)",
	]),
	_evidence(r),
) if {
	lower(_sku(r)) in _no_zones
} else := _zones_result(r)

_zones_result(r) := lib.result(
	r, "fail",
	concat("", [
		sprintf("API Management %s is zonal, not zone-redundant, in ", [lib.name_of(r)]),
		concat(", ", _single_zone(r)),
		" (one zone listed): that zone's outage stops the gateway there. List at least 2 zones",
	]),
	_evidence(r),
) if {
	count(_single_zone(r)) > 0
} else := lib.unknown(
	r,
	concat("", [
		sprintf("API Management %s (", [lib.name_of(r)]), _sku(r), ") lists no zones in ",
		concat(", ", _zoneless(r)),
		": Premium spreads units across zones on its own only for instances created or locations added since",
		" automatic zone support became the default, and Standard v2 and Premium v2 choose zone redundancy at",
		" creation; ARM does not say which. List the zones to make it certain",
	]),
) if {
	count(_zoneless(r)) > 0
} else := lib.result(
	r, "pass",
	concat("", [
		sprintf("API Management %s (", [lib.name_of(r)]), _sku(r), ") is zone-redundant in ",
		concat(", ", [l.name | some l in _zone_locations(r)]),
	]),
	_evidence(r),
) if {
	lower(_sku(r)) in (_zone_capable | _zone_choice_at_creation)
} else := lib.unknown(
	r,
	concat("", [
		sprintf("API Management %s: drready does not know the zone support of the ", [lib.name_of(r)]),
		_sku(r), " tier",
	]),
)

_has_shape(r) if {
	is_string(_sku(r))
	is_object(r.properties)
}

_single_zone(r) := [l.name | some l in _zone_locations(r); _zone_count(l) == 1]

_zoneless(r) := [l.name | some l in _zone_locations(r); _zone_count(l) == 0]
