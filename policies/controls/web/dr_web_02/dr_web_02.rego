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

afd_skus := {"Standard_AzureFrontDoor", "Premium_AzureFrontDoor"}

entry_points := array.concat(
	array.concat(lib.resources_of("microsoft.cdn/profiles"), lib.resources_of("microsoft.network/frontdoors")),
	lib.resources_of("microsoft.network/trafficmanagerprofiles"),
)

results := array.concat(resource_results, stamp_results)

resource_results := array.concat(
	array.concat(
		[afd_result(r) | some r in lib.resources_of("microsoft.cdn/profiles")],
		[classic_result(r) | some r in lib.resources_of("microsoft.network/frontdoors")],
	),
	[tm_result(r) | some r in lib.resources_of("microsoft.network/trafficmanagerprofiles")],
)

stamp_results := [{
	"resource": lib.stamp_ref, "status": "fail", "evidence": {},
	"message": sprintf("Web stamp %s has no global entry point: add Azure Front Door or Traffic Manager with origins in %s and %v, so that traffic can be switched when a region is lost", [input.stamp.name, input.stamp.primary_region, input.stamp.secondary_region]),
}] if {
	count(entry_points) == 0
} else := []

host(url) := split(url, "/")[2] if contains(url, "://")

else := url

# The hosts the Front Door origins name, then the regions of the stamp resources that serve them
# (App Service default host names, storage static-website endpoints): one pass over those
# resources per stamp, not one per origin and call (rego-cpp does not memoize functions).
origin_hosts := {lower(o.properties.hostName) |
	some profile in lib.resources_of("microsoft.cdn/profiles")
	some o in lib.children(profile, "origins")
}

host_regions := [[lower(candidate), lib.region(r)] |
	some r in array.concat(lib.resources_of("microsoft.web/sites"), lib.resources_of("microsoft.storage/storageaccounts"))
	some candidate in [
		object.get(r, ["properties", "defaultHostName"], ""),
		host(object.get(r, ["properties", "primaryEndpoints", "web"], "")),
	]
	lower(candidate) in origin_hosts
]

host_region(h) := entry[1] if {
	some entry in host_regions
	entry[0] == lower(h)
}

regions_needed := {input.stamp.primary_region, input.stamp.secondary_region}

missing_regions(regions) := [reg | some reg in regions_needed; not reg in regions]

origin_regions(r) := {host_region(o.properties.hostName) | some o in lib.children(r, "origins"); o.properties.enabledState == "Enabled"}

bad_probes(r) := [g.name |
	some g in lib.children(r, "originGroups")
	probe := object.get(g, ["properties", "healthProbeSettings"], null)
	not good_probe(probe)
]

good_probe(p) if lib.real_path(p.probePath)

afd_gaps(r) := array.concat(
	[concat("", ["no enabled origin in ", concat(", ", missing_regions(origin_regions(r)))]) | count(missing_regions(origin_regions(r))) > 0],
	[concat("", ["origin group(s) ", concat(", ", bad_probes(r)), " probe no path or only /"]) | count(bad_probes(r)) > 0],
)

afd_result(r) := lib.result(r, "not_applicable", sprintf("%s is not a Front Door profile", [lib.name_of(r)]), {"sku.name": object.get(r, ["sku", "name"], null)}) if {
	not object.get(r, ["sku", "name"], "") in afd_skus
} else := lib.unknown(r, sprintf("Front Door %s: its origin groups and origins were not collected (ARM, not Resource Graph)", [lib.name_of(r)])) if {
	not lib.children(r, "originGroups")
} else := lib.unknown(r, sprintf("Front Door %s: its origins were not collected", [lib.name_of(r)])) if {
	not lib.children(r, "origins")
} else := lib.result(
	r, "fail",
	concat("", [sprintf("Front Door %s cannot switch traffic between regions: ", [lib.name_of(r)]), concat("; ", afd_gaps(r))]),
	{"origin regions": origin_regions(r), "origin groups with weak probes": bad_probes(r)},
) if {
	count(afd_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf("Front Door %s has probed origins in %s and %s", [lib.name_of(r), input.stamp.primary_region, input.stamp.secondary_region]),
	{"origin regions": origin_regions(r)},
)

tm_endpoints(r) := [e | some e in object.get(r, ["properties", "endpoints"], []); e.properties.endpointStatus == "Enabled"]

tm_region(e) := lib.norm_region(e.properties.endpointLocation) if e.properties.endpointLocation

else := lib.region(lib.by_id(e.properties.targetResourceId))

tm_regions(r) := {tm_region(e) | some e in tm_endpoints(r)}

tm_path(r) := object.get(r, ["properties", "monitorConfig", "path"], "")

tm_gaps(r) := array.concat(
	array.concat(
		[sprintf("%d enabled endpoint(s), needs at least 2", [count(tm_endpoints(r))]) | count(tm_endpoints(r)) < 2],
		[concat("", ["no enabled endpoint in ", concat(", ", missing_regions(tm_regions(r)))]) | count(missing_regions(tm_regions(r))) > 0],
	),
	[sprintf("monitor path is %v: probe a health endpoint, not /", [tm_path(r)]) | not lib.real_path(tm_path(r))],
)

tm_result(r) := lib.result(
	r, "fail",
	concat("", [sprintf("Traffic Manager profile %s cannot fail over between regions: ", [lib.name_of(r)]), concat("; ", tm_gaps(r))]),
	{"enabled endpoints": count(tm_endpoints(r)), "endpoint regions": tm_regions(r), "properties.monitorConfig.path": tm_path(r)},
) if {
	count(tm_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf("Traffic Manager profile %s probes %s and has enabled endpoints in both regions", [lib.name_of(r), tm_path(r)]),
	{"enabled endpoints": count(tm_endpoints(r)), "endpoint regions": tm_regions(r)},
)

classic_probe_paths(r) := [object.get(p, ["properties", "path"], "") | some p in object.get(r, ["properties", "healthProbeSettings"], [])]

classic_backends(r) := [b |
	some pool in object.get(r, ["properties", "backendPools"], [])
	some b in object.get(pool, ["properties", "backends"], [])
	object.get(b, "enabledState", "Enabled") == "Enabled"
]

classic_result(r) := lib.result(
	r, "pass",
	sprintf("Front Door (classic) %s probes %v with %d enabled backends; classic Front Door retires on 31 March 2027", [lib.name_of(r), classic_probe_paths(r), count(classic_backends(r))]),
	{"probe paths": classic_probe_paths(r), "enabled backends": count(classic_backends(r))},
) if {
	count(classic_backends(r)) >= 2
	count(classic_probe_paths(r)) > 0
	every p in classic_probe_paths(r) {
		lib.real_path(p)
	}
} else := lib.result(
	r, "fail",
	sprintf("Front Door (classic) %s needs at least 2 enabled backends and health probes on a path other than /", [lib.name_of(r)]),
	{"probe paths": classic_probe_paths(r), "enabled backends": count(classic_backends(r))},
)
