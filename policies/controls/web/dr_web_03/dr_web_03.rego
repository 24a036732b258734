# METADATA
# title: API apps deployed in the secondary
# description: >-
#   Each primary API app has a counterpart in the secondary region and a health-check path (so the
#   platform and the global entry point can tell a sick instance); each primary App Service plan runs
#   at least 2 instances, is zone-redundant in zone regions on a SKU that supports it (Premium v2-v4,
#   Isolated v2), and has a counterpart plan in the secondary. App Service is a single-region service.
#   The health-check path lives in the site configuration (Microsoft.Web/sites/config/web), which
#   Resource Graph and a plain site GET leave blank: it is read from ARM; a path set in a collected
#   siteConfig counts too, and without either the finding is unknown. Differs from PSRule's
#   Azure.AppService.AvailabilityZone, which also fails plans on tiers without zone support: drready
#   asks zone redundancy of the tiers that offer it and leaves the tier choice to DR-TGT-01's figures.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-app-service
#     description: Reliability in Azure App Service
# custom:
#   id: DR-WEB-03
#   severity: high
#   stamps: [web]
#   resource_types: [microsoft.web/sites, microsoft.web/serverfarms]
#   mechanism: app_redeploy
#   collect:
#     - {type: microsoft.web/sites, kind: config, path: config/web, get: true, api: "2024-11-01"}
#   recovery: {step: apps, label: Bring up API apps, phase: compute, lists: primary, types: [microsoft.web/sites],
#     mechanism: app_redeploy}
package drready.controls.web.dr_web_03

import data.drready.lib

_zone_tiers := {"PremiumV2", "PremiumV3", "PremiumV4", "PremiumMV3", "PremiumMV4", "IsolatedV2"}

results := array.concat(
	[_site_result(r) | some r in lib.resources_of("microsoft.web/sites")],
	[_plan_result(r) | some r in lib.resources_of("microsoft.web/serverfarms")],
)

# The site configuration read from ARM (config/web), else a path a collected siteConfig sets.
_site_config(r) := c[0].properties if {
	c := lib.children(r, "config")
	count(c) > 0
	is_object(c[0].properties)
}

_health_path(r) := object.get(_site_config(r), "healthCheckPath", null) if {
	_site_config(r)
} else := p if {
	p := lib.prop(r, ["siteConfig", "healthCheckPath"])
	lib.real_path(p)
}

_health_known(r) if _site_config(r)

_health_known(r) if lib.real_path(lib.prop(r, ["siteConfig", "healthCheckPath"]))

_site_gaps(r) := array.concat(
	[lib.no_counterpart_message(r, "deploy the app in the secondary region") | not lib.counterpart(r)],
	["no health-check path in its site configuration (config/web healthCheckPath): set one, e.g. /healthz" |
		not lib.real_path(_health_path(r))
	],
)

_site_evidence(r) := {"config/web healthCheckPath": object.get(_site_config(r), "healthCheckPath", null)} if {
	_site_config(r)
} else := {"properties.siteConfig.healthCheckPath": lib.prop(r, ["siteConfig", "healthCheckPath"])}

_site_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), {}) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	sprintf("App %s: its site configuration (config/web) was not collected", [lib.name_of(r)]),
) if {
	not _health_known(r)
} else := lib.result(
	r, "fail",
	concat("", [sprintf("API app %s: ", [lib.name_of(r)]), concat("; ", _site_gaps(r))]),
	_site_evidence(r),
) if {
	count(_site_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	concat("", [
		sprintf(
			"API app %s runs in %s too (%s) and has health check ",
			[lib.name_of(r), input.stamp.secondary_region, lib.counterpart(r).name],
		),
		_health_path(r),
	]),
	_site_evidence(r),
)

_capacity(r) := n if {
	n := object.get(r, ["sku", "capacity"], null)
	is_number(n)
} else := 0

_tier(r) := t if {
	t := object.get(r, ["sku", "tier"], null)
	is_string(t)
} else := ""

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
} else := lib.unknown(
	r,
	concat("", [
		sprintf("App Service plan %s is on ", [lib.name_of(r)]),
		_tier(r),
		", which can be zone-redundant, in a region whose zone support is not known",
	]),
) if {
	_tier(r) in _zone_tiers
	not lib.zone_region(lib.region(r))
	not lib.no_zones(lib.region(r))
} else := lib.result(
	r, "pass",
	sprintf(
		"App Service plan %s runs %d instances and has a standby plan in %s",
		[lib.name_of(r), _capacity(r), input.stamp.secondary_region],
	),
	_plan_evidence(r),
)
