package drready.controls.web.dr_web_02

# DR-WEB-02 (METADATA and results in dr_web_02.rego) for Traffic Manager profiles: at least two usable
# endpoints (enabled, and Online or being checked by the monitor: a Degraded, Inactive, Stopped or
# Disabled endpoint is no failover target), in both regions (_missing_regions is in front_door.rego),
# and for HTTP(S) monitoring a path other than "/" (a TCP monitor has no path).

import data.drready.lib

_usable_monitor := {"Online", "CheckingEndpoint"}

_tm_enabled(r) := [e |
	some e in lib.list_or_empty(lib.prop(r, ["endpoints"]))
	object.get(e, ["properties", "endpointStatus"], "") == "Enabled"
]

_tm_monitor(e) := object.get(e, ["properties", "endpointMonitorStatus"], null)

_tm_usable(r) := [e | some e in _tm_enabled(r); _tm_monitor(e) in _usable_monitor]

# Enabled endpoints whose monitor status was not reported: their health is not known.
_tm_unreported(r) := [lib.name_of(e) | some e in _tm_enabled(r); not is_string(_tm_monitor(e))]

_tm_down(r) := [concat("", [lib.name_of(e), " is ", _tm_monitor(e)]) |
	some e in _tm_enabled(r)
	is_string(_tm_monitor(e))
	not _tm_monitor(e) in _usable_monitor
]

_tm_region(e) := lib.norm_region(e.properties.endpointLocation) if {
	is_string(object.get(e, ["properties", "endpointLocation"], null))
} else := lib.region(lib.by_id(e.properties.targetResourceId)) if {
	is_string(object.get(e, ["properties", "targetResourceId"], null))
}

_tm_regions(r) := {_tm_region(e) | some e in _tm_usable(r)}

_tm_protocol(r) := upper(p) if {
	p := object.get(r, ["properties", "monitorConfig", "protocol"], null)
	is_string(p)
} else := ""

_tm_path(r) := object.get(r, ["properties", "monitorConfig", "path"], null)

_tm_path_gap(r) := [] if {
	_tm_protocol(r) == "TCP"
} else := [] if {
	lib.real_path(_tm_path(r))
} else := ["the HTTP(S) monitor probes no path or only /: probe a health endpoint"]

_tm_gaps(r) := array.concat(
	array.concat(
		[sprintf("%d usable endpoint(s), needs at least 2", [count(_tm_usable(r))]) | count(_tm_usable(r)) < 2],
		[concat("", ["no usable endpoint in ", concat(", ", _missing_regions(_tm_regions(r)))]) |
			count(_missing_regions(_tm_regions(r))) > 0
		],
	),
	array.concat(
		array.concat(_tm_path_gap(r), [concat("", ["endpoint ", d]) | some d in _tm_down(r)]),
		[concat("", ["the profile is not Enabled (", _tm_status(r), ")"]) | _tm_status(r) != "Enabled"],
	),
)

_tm_evidence(r) := {
	"usable endpoints": count(_tm_usable(r)),
	"endpoint regions": _tm_regions(r),
	"endpoints down": _tm_down(r),
	"properties.monitorConfig.protocol": _tm_protocol(r),
	"properties.monitorConfig.path": _tm_path(r),
}

_tm_result(r) := lib.unknown(
	r,
	concat("", [
		sprintf("Traffic Manager profile %s: the monitor status of endpoint(s) ", [lib.name_of(r)]),
		concat(", ", _tm_unreported(r)),
		" was not reported, so whether they can take traffic is not known",
	]),
) if {
	count(_tm_unreported(r)) > 0
	count(_tm_gaps(r)) > 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Traffic Manager profile %s cannot fail over between regions: ", [lib.name_of(r)]),
		concat("; ", _tm_gaps(r)),
	]),
	_tm_evidence(r),
) if {
	count(_tm_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Traffic Manager profile %s monitors its endpoints and has usable ones in %s and %s",
		[lib.name_of(r), input.stamp.primary_region, input.stamp.secondary_region],
	),
	_tm_evidence(r),
)

_tm_status(r) := s if {
	s := lib.prop(r, ["profileStatus"])
	is_string(s)
} else := "not reported"
