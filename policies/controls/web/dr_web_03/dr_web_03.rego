# METADATA
# title: API apps deployed in the secondary
# description: >-
#   Each primary API app has a counterpart in the secondary region and a health-check path (so the
#   platform and the global entry point can tell a sick instance); each primary App Service plan runs
#   at least 2 instances, is zone-redundant in zone regions on a SKU that supports it (Premium v2-v4,
#   Isolated v2), and has a counterpart plan in the secondary. App Service is a single-region service.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-app-service
#     description: Reliability in Azure App Service
# custom:
#   id: DR-WEB-03
#   severity: high
#   stamps: [web]
#   resource_types: [microsoft.web/sites, microsoft.web/serverfarms]
#   mechanism: app_redeploy
#   recovery: {step: apps, label: Bring up API apps, phase: compute, lists: primary, types: [microsoft.web/sites],
#     mechanism: app_redeploy}
package drready.controls.web.dr_web_03

import data.drready.lib

_zone_tiers := {"PremiumV2", "PremiumV3", "PremiumV4", "PremiumMV3", "PremiumMV4", "IsolatedV2"}

results := array.concat(
	[_site_result(r) | some r in lib.resources_of("microsoft.web/sites")],
	[_plan_result(r) | some r in lib.resources_of("microsoft.web/serverfarms")],
)

_health_path(r) := object.get(r, ["properties", "siteConfig", "healthCheckPath"], null)

_site_gaps(r) := array.concat(
	[lib.no_counterpart_message(r, "deploy the app in the secondary region") | not lib.counterpart(r)],
	[sprintf("no health-check path (siteConfig.healthCheckPath is %v): set one, e.g. /healthz", [_health_path(r)]) |
		not lib.real_path(_health_path(r))
	],
)

_site_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), {}) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	sprintf("App %s: its site configuration was not collected (appserviceresources)", [lib.name_of(r)]),
) if {
	object.get(r, ["properties", "siteConfig"], null) == null
} else := lib.result(
	r, "fail",
	concat("", [sprintf("API app %s: ", [lib.name_of(r)]), concat("; ", _site_gaps(r))]),
	{"properties.siteConfig.healthCheckPath": _health_path(r)},
) if {
	count(_site_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"API app %s runs in %s too (%s) and has health check %s",
		[lib.name_of(r), input.stamp.secondary_region, lib.counterpart(r).name, _health_path(r)],
	),
	{"properties.siteConfig.healthCheckPath": _health_path(r)},
)

_capacity(r) := object.get(r, ["sku", "capacity"], 0)

_tier(r) := object.get(r, ["sku", "tier"], "")

_standby_plan(r) if lib.counterpart(r)

_standby_plan(_) if count(lib.in_secondary_of_type("microsoft.web/serverfarms")) > 0

_plan_gaps(r) := array.concat(
	array.concat(
		[sprintf("runs %d instance(s): set sku.capacity to at least 2", [_capacity(r)]) | _capacity(r) < 2],
		[concat("", [
			"not zone-redundant on ",
			_tier(r),
			": set properties.zoneRedundant (az appservice plan update --zone-redundant)",
		]) |
			lib.zone_region(lib.region(r))
			_tier(r) in _zone_tiers
			object.get(r, ["properties", "zoneRedundant"], false) != true
		],
	),
	[sprintf("no App Service plan in %v to redeploy into", [input.stamp.secondary_region]) | not _standby_plan(r)],
)

_plan_evidence(r) := {
	"sku.tier": _tier(r), "sku.capacity": _capacity(r),
	"properties.zoneRedundant": object.get(r, ["properties", "zoneRedundant"], null),
}

_plan_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _plan_evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "fail",
	concat("", [sprintf("App Service plan %s: ", [lib.name_of(r)]), concat("; ", _plan_gaps(r))]),
	_plan_evidence(r),
) if {
	count(_plan_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"App Service plan %s runs %d instances and has a standby plan in %s",
		[lib.name_of(r), _capacity(r), input.stamp.secondary_region],
	),
	_plan_evidence(r),
)
