# METADATA
# title: Model fallback configured
# description: >-
#   Every model route of the declared model gateway has at least one fallback in another region or
#   with another provider, bounded retries, a timeout and a circuit breaker, so losing one region's
#   model endpoint degrades latency instead of failing requests. Microsoft's guidance is to deploy
#   models in a second region and front them with a gateway that load-balances and breaks circuits.
#   The gateway configuration is declared evidence, not observed.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/ai-services/openai/how-to/business-continuity-disaster-recovery
#     description: Business continuity and disaster recovery for Azure OpenAI
# custom:
#   id: DR-AI-01
#   severity: critical
#   stamps: [genai]
#   scope: stamp
#   mechanism: model_fallback
#   recovery:
#     step: models
#     label: Route model calls to fallbacks
#     phase: compute
#     when: [pass, fail, unknown, not_applicable]
#     lists: [model gateway]
#     mechanism: {pass: model_fallback, fail: none}
package drready.controls.genai.dr_ai_01

import data.drready.lib

_gateway := lib.declared("model_gateway")

_max_retries := 10

_elsewhere(route, fb) if fb.provider != route.provider

_elsewhere(route, fb) if {
	fb.region != null
	route.region != null
	lib.norm_region(fb.region) != lib.norm_region(route.region)
}

_route_gaps(route) := array.concat(
	array.concat(
		["no fallback in another region or provider" | not _some_fallback_elsewhere(route)],
		[sprintf("retries are not bounded (max %v)", [object.get(route, ["retries", "max"], null)]) | not _bounded(route)],
	),
	array.concat(
		["no timeout" | object.get(route, "timeout_seconds", 0) <= 0],
		["no circuit breaker" | object.get(route, "circuit_breaker", null) == null],
	),
)

_some_fallback_elsewhere(route) if {
	some fb in object.get(route, "fallbacks", [])
	_elsewhere(route, fb)
}

_bounded(route) if {
	n := route.retries.max
	is_number(n)
	n <= _max_retries
}

_failing := [concat("", ["route ", route.name, ": ", concat(", ", _route_gaps(route))]) |
	some route in _gateway.routes
	count(_route_gaps(route)) > 0
]

_evidence := {
	"routes": count(lib.list_or_empty(object.get(_gateway, "routes", []))),
	"source": object.get(_gateway, "source", null),
}

results := [lib.declared_result(
	"unknown",
	concat("", [
		sprintf("No model-gateway configuration is declared for stamp %s: ", [input.stamp.name]),
		"fallback behaviour is unknown (name it under stamps[].declared.model_gateway in drready.yaml)",
	]),
	{},
)] if {
	not lib.declared("model_gateway")
} else := [lib.declared_result("not_applicable", "The declared model gateway has no routes", _evidence)] if {
	count(_gateway.routes) == 0
} else := [lib.declared_result("fail", concat("", ["Model gateway: ", concat("; ", _failing)]), _evidence)] if {
	count(_failing) > 0
} else := [lib.declared_result(
	"pass",
	sprintf(
		"All %d model route(s) fail over to another region or provider with bounded retries, timeouts and circuit breakers",
		[count(_gateway.routes)],
	),
	_evidence,
)]
