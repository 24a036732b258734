# METADATA
# title: Rate limits absorbed, not passed on
# description: >-
#   A failover moves the whole load onto the secondary's model deployments, which then answer 429. Every
#   route of the declared model gateway says how it handles a 429 (`rate_limit`: it honours Retry-After,
#   and on a 429 retries, falls back or queues; failing the request is a gap, and retrying without
#   honouring Retry-After hammers a throttled endpoint). A LiteLLM router honours Retry-After on its
#   retries (up to 60 seconds, else exponential backoff: litellm's _calculate_retry_after) and falls
#   back on a RateLimitError after them, so num_retries or fallbacks count as handling. And every
#   Azure OpenAI global or data zone provisioned deployment of the stamp spills over to a standard
#   deployment of the same model and version and data processing level in the same account
#   (properties.spilloverDeploymentName), where the API exposes it: regional provisioned deployments
#   have no spillover and are left to the gateway. Deployments that were not read make the finding
#   unknown. The gateway configuration is declared evidence; the deployments are observed.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/ai-services/openai/how-to/spillover-traffic-management
#     description: Manage traffic with spillover for provisioned deployments (spilloverDeploymentName)
#   - ref: https://learn.microsoft.com/azure/ai-services/openai/quotas-limits
#     description: Azure OpenAI quotas and limits (429 responses and Retry-After)
#   - ref: https://github.com/BerriAI/litellm/blob/main/litellm/utils.py
#     description: LiteLLM's _calculate_retry_after and _get_retry_after_from_exception_header
#   - ref: https://docs.litellm.ai/docs/proxy/reliability
#     description: LiteLLM fallbacks, retries, timeouts and cooldowns
# custom:
#   id: DR-AI-09
#   severity: high
#   stamps: [genai]
#   scope: stamp
#   reads: [microsoft.cognitiveservices/accounts]
#   mechanism: null
#   collect:
#     - type: microsoft.cognitiveservices/accounts
#       kind: deployments
#       path: deployments
#       api: "2024-10-01"
#       when: {kind: [OpenAI, AIServices]}
#   remediation:
#     summary: >-
#       Declare each route's rate_limit (retry_after: true, on_429: retry, fallback or queue) and make the
#       gateway do it; set spilloverDeploymentName on global and data zone provisioned deployments to a
#       GlobalStandard or DataZoneStandard deployment of the same model in the same account
package drready.controls.genai.dr_ai_09

import data.drready.lib

_gateway := lib.declared("model_gateway")

_handled := {"retry", "fallback", "queue"}

_route_gap(route) := "no rate-limit handling declared" if {
	not is_object(object.get(route, "rate_limit", null))
} else := "a 429 fails the request" if {
	not object.get(route, ["rate_limit", "on_429"], null) in _handled
} else := "retries ignore Retry-After" if {
	route.rate_limit.on_429 == "retry"
	object.get(route, ["rate_limit", "retry_after"], null) != true
} else := "a 429 falls back, but the route has no fallback" if {
	route.rate_limit.on_429 == "fallback"
	count(lib.list_or_empty(object.get(route, "fallbacks", []))) == 0
} else := "a 429 is queued, but the route names no queue" if {
	route.rate_limit.on_429 == "queue"
	not is_string(object.get(route, "queue", null))
}

_routes := lib.list_or_empty(object.get(_gateway, "routes", []))

_route_gaps := [concat("", ["route ", object.get(route, "name", "(unnamed)"), ": ", gap]) |
	some route in _routes
	gap := _route_gap(route)
]

# What each route does with a 429, for the pass message.
_does := {"retry": "retries after Retry-After", "fallback": "falls back", "queue": "queues"}

_handling := [concat("", [object.get(route, "name", "(unnamed)"), " ", _does[route.rate_limit.on_429]]) |
	some route in _routes
]

# The standard deployment type a provisioned type spills over to (only these two have spillover).
_spill_type := {"GlobalProvisionedManaged": "GlobalStandard", "DataZoneProvisionedManaged": "DataZoneStandard"}

_accounts := [a |
	some a in lib.resources_of("microsoft.cognitiveservices/accounts")
	object.get(a, "kind", null) in {"OpenAI", "AIServices"}
]

_unread := [lib.name_of(a) | some a in _accounts; not lib.children(a, "deployments")]

_provisioned := [[a, d] |
	some a in _accounts
	some d in lib.list_or_empty(lib.children(a, "deployments"))
	_spill_type[object.get(d, ["sku", "name"], "")]
]

_model(d) := object.get(d, ["properties", "model", "name"], null)

# A deployment of the account with the spillover's name, the right standard type and the same model.
_spills(a, d) if {
	target := d.properties.spilloverDeploymentName
	is_string(target)
	some s in lib.children(a, "deployments")
	lower(object.get(s, "name", "")) == lower(target)
	object.get(s, ["sku", "name"], null) == _spill_type[d.sku.name]
	_model(s) == _model(d)
	_version(s) == _version(d)
}

# The model version where the body gives one (both, or neither, must name the same).
_version(d) := object.get(d, ["properties", "model", "version"], null)

_deployment_gaps := [concat("", [
	"deployment ", object.get(d, "name", "(unnamed)"), " (", d.sku.name, ") of ", lib.name_of(a),
	" does not spill over to a ", _spill_type[d.sku.name], " deployment of ", sprintf("%v", [_model(d)]),
]) |
	some [a, d] in _provisioned
	not _spills(a, d)
]

_gaps := array.concat(_route_gaps, _deployment_gaps)

_evidence := {
	"routes": count(_routes),
	"provisioned_deployments": count(_provisioned),
	"source": object.get(_gateway, "source", null),
}

results := [lib.declared_result(
	"unknown",
	concat("", [
		sprintf("No model-gateway configuration is declared for stamp %s: ", [input.stamp.name]),
		"how the gateway handles 429s is unknown (name it under stamps[].declared.model_gateway in drready.yaml)",
	]),
	{},
)] if {
	not lib.declared("model_gateway")
} else := [lib.declared_result("fail", concat("", ["Rate limits: ", concat("; ", _gaps)]), _evidence)] if {
	count(_gaps) > 0
} else := [lib.declared_result(
	"unknown",
	concat("", ["Rate limits: the deployments of ", concat(", ", _unread), " were not read"]),
	_evidence,
)] if {
	count(_unread) > 0
} else := [lib.declared_result("not_applicable", "The declared model gateway has no routes", _evidence)] if {
	count(_routes) + count(_provisioned) == 0
} else := [lib.declared_result(
	"pass",
	concat("", [
		"Rate limits: on a 429 ", concat(", ", _handling), "; ",
		sprintf("%d provisioned deployment(s) spill over", [count(_provisioned)]),
	]),
	_evidence,
)]
