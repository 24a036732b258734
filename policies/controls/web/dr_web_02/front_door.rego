package drready.controls.web.dr_web_02

# DR-WEB-02 (METADATA and results in dr_web_02.rego) for Azure Front Door Standard and Premium
# (microsoft.cdn/profiles): enabled origins in both regions, and origin groups that probe a path
# other than "/". Origin groups and origins are read from ARM, not Resource Graph.

import data.drready.lib

_afd_skus := {"Standard_AzureFrontDoor", "Premium_AzureFrontDoor"}

# Both regions must be reachable through an entry point: those of them missing from `regions`
# (Traffic Manager uses it too).
_regions_needed := {input.stamp.primary_region, input.stamp.secondary_region}

_missing_regions(regions) := [reg | some reg in _regions_needed; not reg in regions]

_host(url) := split(url, "/")[2] if contains(url, "://")

else := url

# The hosts the Front Door origins name, then the regions of the stamp resources that serve them
# (App Service default host names, storage static-website endpoints): one pass over those
# resources per stamp, not one per origin and call (rego-cpp does not memoize functions).
_origin_hosts contains lower(o.properties.hostName) if {
	some profile in lib.resources_of("microsoft.cdn/profiles")
	some o in lib.children(profile, "origins")
}

_host_regions := [[lower(candidate), lib.region(r)] |
	some r in array.concat(
		lib.resources_of("microsoft.web/sites"),
		lib.resources_of("microsoft.storage/storageaccounts"),
	)
	some candidate in [
		object.get(r, ["properties", "defaultHostName"], ""),
		_host(object.get(r, ["properties", "primaryEndpoints", "web"], "")),
	]
	lower(candidate) in _origin_hosts
]

_host_region(h) := entry[1] if {
	some entry in _host_regions
	entry[0] == lower(h)
}

_origin_regions(r) := {_host_region(o.properties.hostName) |
	some o in lib.children(r, "origins")
	o.properties.enabledState == "Enabled"
}

_bad_probes(r) := [g.name |
	some g in lib.children(r, "originGroups")
	probe := object.get(g, ["properties", "healthProbeSettings"], null)
	not _good_probe(probe)
]

_good_probe(p) if lib.real_path(p.probePath)

_afd_gaps(r) := array.concat(
	[concat("", ["no enabled origin in ", concat(", ", _missing_regions(_origin_regions(r)))]) |
		count(_missing_regions(_origin_regions(r))) > 0
	],
	[concat("", ["origin group(s) ", concat(", ", _bad_probes(r)), " probe no path or only /"]) |
		count(_bad_probes(r)) > 0
	],
)

_afd_result(r) := lib.result(
	r, "not_applicable",
	sprintf("%s is not a Front Door profile", [lib.name_of(r)]),
	{"sku.name": object.get(r, ["sku", "name"], null)},
) if {
	not object.get(r, ["sku", "name"], "") in _afd_skus
} else := lib.unknown(
	r,
	sprintf("Front Door %s: its origin groups and origins were not collected (ARM, not Resource Graph)", [lib.name_of(r)]),
) if {
	not lib.children(r, "originGroups")
} else := lib.unknown(r, sprintf("Front Door %s: its origins were not collected", [lib.name_of(r)])) if {
	not lib.children(r, "origins")
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Front Door %s cannot switch traffic between regions: ", [lib.name_of(r)]),
		concat("; ", _afd_gaps(r)),
	]),
	{"origin regions": _origin_regions(r), "origin groups with weak probes": _bad_probes(r)},
) if {
	count(_afd_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Front Door %s has probed origins in %s and %s",
		[lib.name_of(r), input.stamp.primary_region, input.stamp.secondary_region],
	),
	{"origin regions": _origin_regions(r)},
)
