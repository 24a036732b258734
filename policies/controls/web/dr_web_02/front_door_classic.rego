package drready.controls.web.dr_web_02

# DR-WEB-02 (METADATA and results in dr_web_02.rego) for Azure Front Door (classic),
# microsoft.network/frontdoors: at least two enabled backends and health probes on a path other
# than "/". Classic Front Door retires on 31 March 2027.

import data.drready.lib

_classic_probe_paths(r) := [object.get(p, ["properties", "path"], "") |
	some p in object.get(r, ["properties", "healthProbeSettings"], [])
]

_classic_backends(r) := [b |
	some pool in object.get(r, ["properties", "backendPools"], [])
	some b in object.get(pool, ["properties", "backends"], [])
	object.get(b, "enabledState", "Enabled") == "Enabled"
]

_classic_evidence(r) := {"probe paths": _classic_probe_paths(r), "enabled backends": count(_classic_backends(r))}

_classic_result(r) := lib.result(
	r, "pass",
	concat("", [
		sprintf(
			"Front Door (classic) %s probes %v with %d enabled backends; ",
			[lib.name_of(r), _classic_probe_paths(r), count(_classic_backends(r))],
		),
		"classic Front Door retires on 31 March 2027",
	]),
	_classic_evidence(r),
) if {
	count(_classic_backends(r)) >= 2
	count(_classic_probe_paths(r)) > 0
	every p in _classic_probe_paths(r) {
		lib.real_path(p)
	}
} else := lib.result(
	r, "fail",
	sprintf(
		"Front Door (classic) %s needs at least 2 enabled backends and health probes on a path other than /",
		[lib.name_of(r)],
	),
	_classic_evidence(r),
)
