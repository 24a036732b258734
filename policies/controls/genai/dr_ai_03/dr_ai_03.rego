# METADATA
# title: AI gateway spreads load and breaks circuits
# description: >-
#   The API Management gateway in front of the models has a load-balanced pool backend whose members
#   sit in at least 2 regions, every member backend defines circuit-breaker rules (a tripped breaker
#   makes the pool use the next priority group), and the gateway itself is multi-region (Premium
#   additional location in the secondary, with its gateway enabled: a location with disableGateway
#   serves no traffic) or duplicated there. Backends are read from ARM; member
#   regions are those of the Azure OpenAI accounts whose endpoints the members call.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/api-management/backends
#     description: Backends in API Management (circuit breaker, load-balanced pool)
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-api-management
#     description: Reliability in API Management
# custom:
#   id: DR-AI-03
#   severity: high
#   stamps: [genai]
#   resource_types: [microsoft.apimanagement/service]
#   mechanism: model_fallback
#   absent_ok:
#     properties.additionalLocations.disableGateway: ARM's default is false, the location runs a gateway
#   collect:
#     - {type: microsoft.apimanagement/service, kind: backends, path: backends, api: "2023-09-01-preview"}
#   spof: AI gateway without a multi-region pool or a second gateway
package drready.controls.genai.dr_ai_03

import data.drready.lib

results := [_gateway_result(r) | some r in lib.resources_of("microsoft.apimanagement/service")]

_backends(r) := lib.children(r, "backends")

_pools(r) := [b | some b in _backends(r); object.get(b, ["properties", "type"], "") == "Pool"]

_members(r) := [m |
	some p in _pools(r)
	some s in lib.list_or_empty(object.get(p, ["properties", "pool", "services"], []))
	is_string(s.id)
	some m in _backends(r)
	lower(m.id) == lower(s.id)
]

_url_host(url) := lower(split(url, "/")[2]) if {
	is_string(url)
	contains(url, "://")
}

_endpoint_region(url) := lib.region(a) if {
	some a in lib.resources_of("microsoft.cognitiveservices/accounts")
	_url_host(object.get(a, ["properties", "endpoint"], "")) == _url_host(url)
}

_member_regions(r) := {_endpoint_region(object.get(m, ["properties", "url"], null)) | some m in _members(r)}

_no_breaker(r) := sort([lib.name_of(m) |
	some m in _members(r)
	count(lib.list_or_empty(object.get(m, ["properties", "circuitBreaker", "rules"], []))) == 0
])

# An additional location counts only with its gateway on: with disableGateway it serves no traffic.
_multi_region(r) if {
	some l in lib.list_or_empty(lib.prop(r, ["additionalLocations"]))
	lib.norm_region(object.get(l, "location", "")) == input.stamp.secondary_region
	object.get(l, "disableGateway", false) != true
}

_multi_region(r) if lib.counterpart(r)

_multi_region(_) if count(lib.in_secondary_of_type("microsoft.apimanagement/service")) > 0

_gaps(r) := array.concat(
	array.concat(
		["no load-balanced pool backend (properties.type Pool)" | count(_pools(r)) == 0],
		[sprintf(
			"pool members reach %d known region(s) %v: add members in another region",
			[count(_member_regions(r)), _member_regions(r)],
		) |
			count(_pools(r)) > 0
			count(_member_regions(r)) < 2
		],
	),
	array.concat(
		[concat("", ["member backend(s) without circuit breaker rules: ", concat(", ", _no_breaker(r))]) |
			count(_no_breaker(r)) > 0
		],
		[sprintf(
			"the gateway runs only in %v: add %v as an additional location (Premium) or deploy a second gateway there",
			[r.location, input.stamp.secondary_region],
		) |
			not _multi_region(r)
		],
	),
)

_evidence(r) := {
	"properties.additionalLocations[]": [{
		"location": object.get(l, "location", null),
		"disableGateway": object.get(l, "disableGateway", null),
	} |
		some l in lib.list_or_empty(lib.prop(r, ["additionalLocations"]))
	],
	"pools": count(_pools(r)),
	"member regions": _member_regions(r),
	"members without circuit breaker": _no_breaker(r),
}

_gateway_result(r) := lib.result(r, "not_applicable", lib.counterpart_message(r), {}) if {
	lib.in_secondary(r)
} else := lib.unknown(
	r,
	sprintf("API Management %s: its backends were not collected (ARM, not Resource Graph)", [lib.name_of(r)]),
) if {
	not _backends(r)
} else := lib.result(
	r, "fail",
	concat("", [sprintf("AI gateway %s: ", [lib.name_of(r)]), concat("; ", _gaps(r))]),
	_evidence(r),
) if {
	count(_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"AI gateway %s balances across %d regions with circuit breakers and runs in %s too",
		[lib.name_of(r), count(_member_regions(r)), input.stamp.secondary_region],
	),
	_evidence(r),
)
