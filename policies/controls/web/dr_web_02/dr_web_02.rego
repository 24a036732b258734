# METADATA
# title: Global entry point with health probes
# description: >-
#   The stamp's traffic enters through Azure Front Door or Traffic Manager with origins (endpoints)
#   in both regions, health probes enabled on a path other than "/", and for Traffic Manager at least
#   two enabled endpoints. Front Door only counts 200 OK as healthy; Traffic Manager marks an endpoint
#   degraded after its tolerated failures, then clients follow DNS TTL. Microsoft gives no failover
#   time: it follows from the probe settings.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/frontdoor/health-probes
#     description: Front Door health probes
#   - ref: https://learn.microsoft.com/azure/traffic-manager/traffic-manager-monitoring
#     description: Traffic Manager endpoint monitoring
# custom:
#   id: DR-WEB-02
#   severity: high
#   stamps: [web]
#   resource_types: [microsoft.cdn/profiles, microsoft.network/frontdoors, microsoft.network/trafficmanagerprofiles]
#   mechanism: traffic_switch
#   collect:
#     - type: microsoft.cdn/profiles
#       kind: originGroups
#       path: originGroups
#       api: "2024-09-01"
#       when: {sku.name: [Standard_AzureFrontDoor, Premium_AzureFrontDoor]}
#       each: {type: microsoft.cdn/profiles/origingroups, kind: origins, path: origins, api: "2024-09-01"}
#   recovery:
#     step: traffic
#     label: Switch traffic to the secondary
#     phase: traffic
#     lists: all
#     mechanism: traffic_switch
#     fallback_mechanism: manual_dns_cutover
package drready.controls.web.dr_web_02

import data.drready.lib

# DR-WEB-02 is one control whose rules are spread over the files of this folder, one package: this
# file (results, and the stamp-level finding when there is no entry point at all), front_door.rego
# (Azure Front Door Standard and Premium), traffic_manager.rego and front_door_classic.rego. Keep
# the references between the files one-way (this file -> product files, traffic_manager.rego ->
# front_door.rego): an OPA server compiles each module as it is uploaded, so modules that need each
# other could never be uploaded (scanner/engine/opa_server.py).

_entry_points := array.concat(
	array.concat(lib.resources_of("microsoft.cdn/profiles"), lib.resources_of("microsoft.network/frontdoors")),
	lib.resources_of("microsoft.network/trafficmanagerprofiles"),
)

results := array.concat(_resource_results, _stamp_results)

_resource_results := array.concat(
	array.concat(
		[_afd_result(r) | some r in lib.resources_of("microsoft.cdn/profiles")],
		[_classic_result(r) | some r in lib.resources_of("microsoft.network/frontdoors")],
	),
	[_tm_result(r) | some r in lib.resources_of("microsoft.network/trafficmanagerprofiles")],
)

default _stamp_results := []

_stamp_results := [lib.stamp_result(
	"fail",
	concat("", [
		sprintf("Web stamp %s has no global entry point: ", [input.stamp.name]),
		sprintf(
			"add Azure Front Door or Traffic Manager with origins in %s and %v, ",
			[input.stamp.primary_region, input.stamp.secondary_region],
		),
		"so that traffic can be switched when a region is lost",
	]),
	{},
)] if {
	count(_entry_points) == 0
}
