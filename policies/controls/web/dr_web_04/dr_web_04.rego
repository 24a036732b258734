# METADATA
# title: Application Gateway resilient
# description: >-
#   The stamp's Application Gateway uses the WAF_v2 SKU, spreads across zones in zone regions (new v2
#   gateways are zone-redundant by default and Microsoft recommends omitting the zone list, so an
#   absent list is accepted and a single zone is not), keeps at least 2 instances (autoscale minimum
#   or fixed capacity), actually runs its WAF (a WAF policy on the gateway, or on every listener, or the
#   inline WAF configuration enabled: a WAF_v2 gateway with none of them inspects nothing), and has a
#   gateway in the secondary region unless the WAF sits at the global entry point. Application Gateway
#   v2 is a single-region service. Differs from PSRule's Azure.AppGw.AvailabilityZone, which fails a v2
#   gateway without a zone list: Microsoft now recommends omitting it (zone-redundant by default); and
#   from Azure.AppGw.MinInstance, which passes autoscale with minCapacity 0 (drready wants 2).
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-application-gateway-v2
#     description: Reliability in Application Gateway v2
# custom:
#   id: DR-WEB-04
#   severity: high
#   stamps: [web]
#   resource_types: [microsoft.network/applicationgateways]
#   mechanism: gateway_standup
#   absent_ok:
#     properties.autoscaleConfiguration: without autoscale the gateway runs its fixed sku.capacity instances
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

_sku_tier(r) := lib.prop(r, ["sku", "tier"])

_zones(r) := lib.list_or_empty(object.get(r, "zones", []))

_min_instances(r) := n if {
	n := lib.prop(r, ["autoscaleConfiguration", "minCapacity"])
	is_number(n)
} else := n if {
	n := lib.prop(r, ["sku", "capacity"])
	is_number(n)
} else := 0

# The WAF runs when a policy is attached to the gateway, the inline configuration is enabled, or every
# listener has a policy of its own.
_policy_id(x) := object.get(x, ["properties", "firewallPolicy", "id"], "")

_listeners(r) := lib.list_or_empty(lib.prop(r, ["httpListeners"]))

_unprotected_listeners(r) := [lib.name_of(l) |
	some l in _listeners(r)
	not _has_policy(l)
]

_has_policy(x) if {
	id := _policy_id(x)
	is_string(id)
	id != ""
}

_waf_runs(r) if _has_policy(r)

_waf_runs(r) if lib.prop(r, ["webApplicationFirewallConfiguration", "enabled"]) == true

_waf_runs(r) if {
	count(_listeners(r)) > 0
	count(_unprotected_listeners(r)) == 0
}

_standby(r) if lib.counterpart(r)

_standby(_) if count(lib.in_secondary_of_type("microsoft.network/applicationgateways")) > 0

_standby(_) if count(lib.resources_of("microsoft.network/frontdoorwebapplicationfirewallpolicies")) > 0

_tier_gaps(r) := [sprintf(
	"SKU tier is %v: move to WAF_v2 (v1 retires and has no autoscale or zone redundancy)",
	[_sku_tier(r)],
)] if {
	_sku_tier(r) != "WAF_v2"
} else := [concat("", [
	"WAF_v2 without a WAF: no WAF policy on the gateway or on listener(s) ",
	concat(", ", _unprotected_listeners(r)),
	" and no enabled inline WAF configuration; attach a WAF policy (DR-WEB-05 checks its rules)",
])] if {
	not _waf_runs(r)
} else := []

_zone_gaps(r) := [sprintf(
	"pinned to zone %v: deploy across zones (or omit zones for zone redundancy)",
	[_zones(r)],
)] if {
	count(_zones(r)) == 1
} else := []

_capacity_gaps(r) := [sprintf(
	"minimum of %v instance(s): set autoscaleConfiguration.minCapacity to at least 2",
	[_min_instances(r)],
)] if {
	_min_instances(r) < 2
} else := []

_no_standby(r) := [] if {
	_standby(r)
} else := [sprintf(
	"no gateway in %v and no WAF at the global entry point: a regional outage leaves no protected ingress",
	[input.stamp.secondary_region],
)]

_gaps(r) := array.concat(array.concat(_tier_gaps(r), _zone_gaps(r)), array.concat(_capacity_gaps(r), _no_standby(r)))

_evidence(r) := {
	"properties.sku.tier": _sku_tier(r),
	"zones": _zones(r),
	"minimum instances": _min_instances(r),
	"properties.firewallPolicy.id": _policy_id(r),
	"properties.webApplicationFirewallConfiguration.enabled": lib.prop(
		r,
		["webApplicationFirewallConfiguration", "enabled"],
	),
	"listeners without a WAF policy": _unprotected_listeners(r),
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
		"Application Gateway %s is WAF_v2 with its WAF on, zone-spread, runs at least 2 instances and has a standby",
		[lib.name_of(r)],
	),
	_evidence(r),
)
