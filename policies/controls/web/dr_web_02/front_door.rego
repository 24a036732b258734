package drready.controls.web.dr_web_02

# DR-WEB-02 (METADATA and results in dr_web_02.rego) for Azure Front Door Standard and Premium
# (microsoft.cdn/profiles), judged per origin group: a group's enabled origins reach both regions,
# and a group with more than one origin probes a path other than "/" (Microsoft recommends disabling
# probes on a group with a single origin, so that is no gap). Origin groups and origins are read from
# ARM, not Resource Graph.

import data.drready.lib

_afd_skus := {"Standard_AzureFrontDoor", "Premium_AzureFrontDoor"}

_read_access_skus := {"Standard_RAGRS", "Standard_RAGZRS"}

# Both regions must be reachable through an entry point: those of them missing from `regions`
# (Traffic Manager uses it too).
_regions_needed := {input.stamp.primary_region, input.stamp.secondary_region}

_missing_regions(regions) := [reg | some reg in _regions_needed; not reg in regions]

_host(url) := lower(split(url, "/")[2]) if {
	is_string(url)
	contains(url, "://")
} else := lower(url) if is_string(url)

else := ""

# The hosts the origins name, and the region that serves each: an App Service default host name, a
# storage account's static-website endpoint, or, for a read-access geo-redundant account, its
# `-secondary` static-website endpoint, served from the account's secondary location. One pass over
# those resources per stamp, not one per origin (rego-cpp does not memoize functions).
_origin_hosts contains _host(object.get(o, ["properties", "hostName"], "")) if {
	some profile in lib.resources_of("microsoft.cdn/profiles")
	some o in lib.children(profile, "origins")
}

_host_regions := array.concat(
	[[_host(object.get(r, ["properties", "defaultHostName"], "")), lib.region(r)] |
		some r in lib.resources_of("microsoft.web/sites")
		_host(object.get(r, ["properties", "defaultHostName"], "")) in _origin_hosts
	],
	array.concat(
		[[_host(lib.prop(r, ["primaryEndpoints", "web"])), lib.region(r)] |
			some r in lib.resources_of("microsoft.storage/storageaccounts")
			is_string(lib.prop(r, ["primaryEndpoints", "web"]))
			_host(lib.prop(r, ["primaryEndpoints", "web"])) in _origin_hosts
		],
		[[_host(lib.prop(r, ["secondaryEndpoints", "web"])), _secondary_location(r)] |
			some r in lib.resources_of("microsoft.storage/storageaccounts")
			object.get(r, ["sku", "name"], "") in _read_access_skus
			is_string(lib.prop(r, ["secondaryEndpoints", "web"]))
			_host(lib.prop(r, ["secondaryEndpoints", "web"])) in _origin_hosts
		],
	),
)

_secondary_location(r) := lib.norm_region(lib.prop(r, ["secondaryLocation"])) if {
	is_string(lib.prop(r, ["secondaryLocation"]))
} else := lib.azure_pair(lib.region(r))

_host_region(h) := entry[1] if {
	some entry in _host_regions
	entry[0] == h
}

_groups(r) := lib.list_or_empty(lib.children(r, "originGroups"))

_group_origins(r, g) := [o |
	some o in lib.list_or_empty(lib.children(r, "origins"))
	startswith(lower(o.id), concat("", [lower(g.id), "/origins/"]))
	object.get(o, ["properties", "enabledState"], "Enabled") == "Enabled"
]

_group_regions(r, g) := {_host_region(_host(object.get(o, ["properties", "hostName"], ""))) |
	some o in _group_origins(r, g)
}

_unplaced(r, g) := [object.get(o, ["properties", "hostName"], "") |
	some o in _group_origins(r, g)
	not _host_region(_host(object.get(o, ["properties", "hostName"], "")))
]

_probe_path(g) := object.get(g, ["properties", "healthProbeSettings", "probePath"], null)

_group_gaps(r, g) := array.concat(
	[concat("", [
		"origin group ", g.name, " has no enabled origin in ",
		concat(", ", _missing_regions(_group_regions(r, g))),
	]) |
		count(_missing_regions(_group_regions(r, g))) > 0
		count(_unplaced(r, g)) == 0
	],
	[concat("", ["origin group ", g.name, " probes no path or only /"]) |
		count(_group_origins(r, g)) > 1
		not lib.real_path(_probe_path(g))
	],
)

# A group missing a region while some of its origins are hosts drready cannot place: not known.
_undecided(r) := [g.name |
	some g in _groups(r)
	count(_missing_regions(_group_regions(r, g))) > 0
	count(_unplaced(r, g)) > 0
]

_afd_gaps(r) := [gap | some g in _groups(r); some gap in _group_gaps(r, g)]

_afd_evidence(r) := {"origin groups": [{
	"name": g.name,
	"enabled origins": count(_group_origins(r, g)),
	"origin regions": _group_regions(r, g),
	"hosts in no known region": _unplaced(r, g),
	"healthProbeSettings.probePath": _probe_path(g),
} |
	some g in _groups(r)
]}

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
} else := _afd_judged(r)

_afd_judged(r) := lib.result(
	r, "fail",
	concat("", [
		sprintf("Front Door %s cannot switch traffic between regions: ", [lib.name_of(r)]),
		concat("; ", _afd_gaps(r)),
	]),
	_afd_evidence(r),
) if {
	count(_afd_gaps(r)) > 0
} else := lib.result(
	r, "fail",
	sprintf("Front Door %s has no origin group", [lib.name_of(r)]),
	_afd_evidence(r),
) if {
	count(_groups(r)) == 0
} else := lib.unknown(
	r,
	concat("", [
		sprintf("Front Door %s: origin group(s) ", [lib.name_of(r)]),
		concat(", ", _undecided(r)),
		" name hosts outside the stamp, so whether they reach both regions is not known",
	]),
) if {
	count(_undecided(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Front Door %s: every origin group has enabled origins in %s and %s",
		[lib.name_of(r), input.stamp.primary_region, input.stamp.secondary_region],
	),
	_afd_evidence(r),
)
