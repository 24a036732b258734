package drready.controls.web.dr_web_02

# DR-WEB-02 (METADATA and results in dr_web_02.rego) for Traffic Manager profiles: at least two
# enabled endpoints, in both regions (_missing_regions is in front_door.rego), and a monitor path
# other than "/".

import data.drready.lib

_tm_endpoints(r) := [e |
	some e in object.get(r, ["properties", "endpoints"], [])
	e.properties.endpointStatus == "Enabled"
]

_tm_region(e) := lib.norm_region(e.properties.endpointLocation) if e.properties.endpointLocation

else := lib.region(lib.by_id(e.properties.targetResourceId))

_tm_regions(r) := {_tm_region(e) | some e in _tm_endpoints(r)}

_tm_path(r) := object.get(r, ["properties", "monitorConfig", "path"], "")

_tm_gaps(r) := array.concat(
	array.concat(
		[sprintf("%d enabled endpoint(s), needs at least 2", [count(_tm_endpoints(r))]) | count(_tm_endpoints(r)) < 2],
		[concat("", ["no enabled endpoint in ", concat(", ", _missing_regions(_tm_regions(r)))]) |
			count(_missing_regions(_tm_regions(r))) > 0
		],
	),
	[sprintf("monitor path is %v: probe a health endpoint, not /", [_tm_path(r)]) | not lib.real_path(_tm_path(r))],
)

_tm_result(r) := lib.result(
	r, "fail",
	concat("", [
		sprintf("Traffic Manager profile %s cannot fail over between regions: ", [lib.name_of(r)]),
		concat("; ", _tm_gaps(r)),
	]),
	{
		"enabled endpoints": count(_tm_endpoints(r)),
		"endpoint regions": _tm_regions(r),
		"properties.monitorConfig.path": _tm_path(r),
	},
) if {
	count(_tm_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Traffic Manager profile %s probes %s and has enabled endpoints in both regions",
		[lib.name_of(r), _tm_path(r)],
	),
	{"enabled endpoints": count(_tm_endpoints(r)), "endpoint regions": _tm_regions(r)},
)
