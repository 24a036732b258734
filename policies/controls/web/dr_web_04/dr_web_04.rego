# METADATA
# title: Application Gateway resilient
# description: >-
#   The stamp's Application Gateway uses the WAF_v2 SKU, spreads across zones in zone regions (new v2
#   gateways are zone-redundant by default and Microsoft recommends omitting the zone list, so an
#   absent list is accepted and a single zone is not), keeps at least 2 instances (autoscale minimum
#   or fixed capacity), and has a counterpart gateway in the secondary region unless the WAF sits at
#   the global entry point. Application Gateway v2 is a single-region service.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-application-gateway-v2
#     description: Reliability in Application Gateway v2
# custom:
#   id: DR-WEB-04
#   severity: high
#   stamps: [web]
#   resource_types: [microsoft.network/applicationgateways]
#   mechanism: gateway_standup
#   reads: [microsoft.network/frontdoorwebapplicationfirewallpolicies]
#   recovery: {step: gateway, label: Bring up Application Gateway, phase: compute, lists: primary,
#     mechanism: gateway_standup}
#   plan:
#     azurerm_application_gateway:
#       type: Microsoft.Network/applicationGateways
#       body:
#         zones: "zones || `[]`"
#         properties.sku: "sku[0].{name: name, tier: tier, capacity: capacity}"
#         properties.autoscaleConfiguration: >-
#           autoscale_configuration[0].{minCapacity: min_capacity, maxCapacity: max_capacity}
#         properties.firewallPolicy: "firewall_policy_id && {id: firewall_policy_id} || `null`"
package drready.controls.web.dr_web_04

import data.drready.lib

results := [_gateway_result(r) | some r in lib.resources_of("microsoft.network/applicationgateways")]

_sku_tier(r) := object.get(r, ["properties", "sku", "tier"], null)

_zones(r) := lib.list_or_empty(object.get(r, "zones", []))

_min_instances(r) := object.get(
	r, ["properties", "autoscaleConfiguration", "minCapacity"],
	object.get(r, ["properties", "sku", "capacity"], 0),
)

_standby(r) if lib.counterpart(r)

_standby(_) if count(lib.in_secondary_of_type("microsoft.network/applicationgateways")) > 0

_standby(_) if count(lib.resources_of("microsoft.network/frontdoorwebapplicationfirewallpolicies")) > 0

_gaps(r) := array.concat(
	array.concat(
		[sprintf(
			"SKU tier is %v: move to WAF_v2 (v1 retires and has no autoscale or zone redundancy)",
			[_sku_tier(r)],
		) |
			_sku_tier(r) != "WAF_v2"
		],
		[sprintf("pinned to zone %v: deploy across zones (or omit zones for zone redundancy)", [_zones(r)]) |
			lib.zone_region(lib.region(r))
			count(_zones(r)) == 1
		],
	),
	array.concat(
		[sprintf(
			"minimum of %v instance(s): set autoscaleConfiguration.minCapacity to at least 2",
			[_min_instances(r)],
		) |
			_min_instances(r) < 2
		],
		[sprintf(
			"no gateway in %v and no WAF at the global entry point: a regional outage leaves no protected ingress",
			[input.stamp.secondary_region],
		) |
			not _standby(r)
		],
	),
)

_evidence(r) := {
	"properties.sku.tier": _sku_tier(r), "zones": _zones(r),
	"minimum instances": _min_instances(r),
}

_gateway_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "fail",
	concat("", [sprintf("Application Gateway %s: ", [lib.name_of(r)]), concat("; ", _gaps(r))]),
	_evidence(r),
) if {
	count(_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Application Gateway %s is WAF_v2, zone-spread, runs at least 2 instances and has a standby",
		[lib.name_of(r)],
	),
	_evidence(r),
)
