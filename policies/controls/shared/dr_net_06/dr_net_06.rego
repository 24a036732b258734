# METADATA
# title: The secondary's firewall admits every model endpoint
# description: >-
#   Every model endpoint the declared model gateway names, fallbacks included, is reachable through
#   each Azure Firewall of the stamp in the secondary region, as Azure Firewall processes its rules:
#   rule collection groups inherited from a parent policy before the policy's own, network rules before
#   application rules, then group and collection priority; the first matching collection decides and
#   anything unmatched is denied. The endpoint is the route's declared endpoint (LiteLLM api_base), else
#   the provider's public API host (table below, with sources), else for Azure OpenAI the endpoint of
#   the stamp's account in the target's region. A target reached over a private endpoint of a stamp
#   account does not leave through the firewall and is not judged here (DR-NET-04 judges that path).
#   Sources: "*" matches; listed addresses match when they cover every workload subnet of the stamp's
#   secondary networks. Where drready cannot know, the verdict is unknown, never a pass: destinations
#   given as IP addresses, IP groups or service tags, web categories, FQDN tags or URLs (the endpoint's
#   addresses and categories are not known offline), sources covering part of the secondary's subnets,
#   a firewall policy or its parent not among the stamp's resources, rule collection groups not read.
#   Deliberate differences: NSGs are not judged, because they filter by address and service tag, not by
#   name, and drready does not know which subnet runs the gateway; user-defined routes are not read, so
#   the firewall is taken to be on the egress path (forced tunnelling); threat intelligence in Deny mode
#   and TLS inspection are not evaluated.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/firewall/rule-processing
#     description: >-
#       Azure Firewall rule processing logic (network before application rules, priorities, parent policy
#       rules first, deny by default)
#   - ref: https://learn.microsoft.com/azure/firewall/policy-rule-sets
#     description: Azure Firewall Policy rule sets (rule collection groups, rule collections, rules)
#   - ref: https://learn.microsoft.com/rest/api/firewall/firewall-policy-rule-collection-groups/list
#     description: Firewall Policy Rule Collection Groups - List (api-version 2024-05-01)
#   - ref: https://platform.openai.com/docs/api-reference/introduction
#     description: OpenAI API reference (api.openai.com)
#   - ref: https://docs.anthropic.com/en/api/overview
#     description: Anthropic API overview (api.anthropic.com)
#   - ref: https://docs.mistral.ai/api/
#     description: Mistral AI API (api.mistral.ai)
#   - ref: https://ai.google.dev/api
#     description: Gemini API reference (generativelanguage.googleapis.com)
#   - ref: https://docs.aws.amazon.com/general/latest/gr/bedrock.html
#     description: Amazon Bedrock endpoints (bedrock-runtime.{region}.amazonaws.com)
#   - ref: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations
#     description: Vertex AI locations ({region}-aiplatform.googleapis.com)
# custom:
#   id: DR-NET-06
#   severity: high
#   stamps: [genai]
#   resource_types: [microsoft.network/azurefirewalls]
#   reads: [microsoft.network/firewallpolicies, microsoft.network/virtualnetworks, microsoft.cognitiveservices/accounts]
#   mechanism: network_redeploy
#   collect:
#     - type: microsoft.network/firewallpolicies
#       kind: ruleCollectionGroups
#       path: ruleCollectionGroups
#       api: "2024-05-01"
#   remediation:
#     summary: >-
#       Allow the endpoint in the secondary firewall's policy: an application rule for Https:443 to its
#       FQDN in an Allow collection that comes before any collection denying it (az network firewall
#       policy rule-collection-group collection rule add --rule-type ApplicationRule --protocols Https=443
#       --target-fqdns <endpoint>).
#   recovery:
#     step: network
#     label: Establish the network posture in the secondary
#     phase: network
#     mechanism: {pass: foundation_in_place, fail: network_rebuild}
package drready.controls.shared.dr_net_06

import data.drready.lib
import data.drready.lib.firewall

results := [x | some fw in lib.resources_of("microsoft.network/azurefirewalls"); x := _firewall_result(fw)]

_gateway := lib.declared("model_gateway")

# Public API hosts by provider (LiteLLM's provider prefixes; "-" and "_" alike). {region} is the
# target's region. Sources in related_resources.
_provider_hosts := {
	"openai": "api.openai.com",
	"anthropic": "api.anthropic.com",
	"mistral": "api.mistral.ai",
	"gemini": "generativelanguage.googleapis.com",
	"bedrock": "bedrock-runtime.{region}.amazonaws.com",
	"vertex-ai": "{region}-aiplatform.googleapis.com",
}

_azure_providers := {"azure", "azure-openai", "azure-ai", "azureopenai", "aoai"}

_provider(t) := replace(lower(t.provider), "_", "-") if is_string(t.provider)

else := ""

# Every target of every route: the route itself, then its fallbacks.
_targets := [{"target": t, "role": role} |
	some route in lib.list_or_empty(object.get(_gateway, "routes", []))
	called := array.concat([route], lib.list_or_empty(object.get(route, "fallbacks", [])))
	some i in numbers.range(0, count(called) - 1)
	t := called[i]
	role := _target_role(route, i)
]

_target_role(route, 0) := concat("", ["route ", route.name])

_target_role(route, i) := concat("", ["fallback ", sprintf("%d", [i]), " of route ", route.name]) if i > 0

_target_label(entry) := concat("", [
	entry.role, " (", _provider(entry.target), " ",
	object.get(entry.target, "model", "?"), ")",
])

# The hosts a target calls: its declared endpoint, the provider's host, or its Azure accounts' endpoints.
_hosts(t) := [lower(t.endpoint)] if {
	is_string(t.endpoint)
	t.endpoint != ""
} else := [replace(_provider_hosts[_provider(t)], "{region}", lower(t.region))] if {
	contains(_provider_hosts[_provider(t)], "{region}")
	is_string(t.region)
} else := [host] if {
	host := _provider_hosts[_provider(t)]
	not contains(host, "{region}")
} else := [host | some a in _accounts_for(t); host := _account_host(a)] if {
	_provider(t) in _azure_providers
	is_string(t.region)
} else := []

# Azure OpenAI accounts of the stamp (OpenAI or AI Services kind) with an endpoint.
_accounts := [a |
	some a in lib.resources_of("microsoft.cognitiveservices/accounts")
	lower(object.get(a, "kind", "")) in {"openai", "aiservices"}
	is_string(_account_host(a))
]

# A target's accounts: those in its region that deploy its model (when deployments were read), else
# every account in its region.
_accounts_for(t) := serving if {
	serving := [a | some a in _accounts_in(t.region); _deploys(a, t.model)]
	count(serving) > 0
} else := _accounts_in(t.region)

_accounts_in(region) := [a | some a in _accounts; lib.region(a) == lib.norm_region(region)]

_deploys(a, model) if {
	some d in lib.children(a, "deployments")
	model in {d.name, object.get(d, ["properties", "model", "name"], "")}
}

_account_host(a) := lower(split(trim_prefix(trim_prefix(endpoint, "https://"), "http://"), "/")[0]) if {
	endpoint := lib.prop(a, ["endpoint"])
	is_string(endpoint)
}

# An approved private endpoint to the account: the workload resolves its private address and does not
# leave through the firewall.
_private_host(h) if {
	some a in _accounts
	_account_host(a) == h
	some c in lib.list_or_empty(lib.prop(a, ["privateEndpointConnections"]))
	lower(object.get(c, ["properties", "privateLinkServiceConnectionState", "status"], "")) == "approved"
}

# One finding per firewall of the stamp: those in the secondary are judged; a primary one only says
# when the secondary has none.
_secondary_firewalls := lib.in_secondary_of_type("microsoft.network/azurefirewalls")

_firewall_result(fw) := _secondary_result(fw) if {
	lib.in_secondary(fw)
} else := lib.unknown(fw, concat("", [
	"Egress of the stamp leaves through firewall ", lib.name_of(fw), ", but ", input.stamp.secondary_region,
	" has no Azure Firewall (DR-NET-03): whether the secondary reaches the model endpoints is not known",
])) if {
	lib.in_primary(fw)
	count(_secondary_firewalls) == 0
	count(_targets) > 0
} else := lib.result(
	fw, "not_applicable", concat("", [
		"Firewall ", lib.name_of(fw), " is not in the secondary region ", _secondary_name,
		": model endpoints are judged at the secondary's firewalls",
	]),
	{},
)

default _secondary_name := "(none)"

_secondary_name := input.stamp.secondary_region if is_string(input.stamp.secondary_region)

_secondary_result(fw) := lib.unknown(fw, concat("", [
	"No model gateway is declared for stamp ", input.stamp.name, ": which model endpoints firewall ",
	lib.name_of(fw), " must admit is unknown (name it under stamps[].declared.model_gateway in drready.yaml)",
])) if {
	not _gateway
} else := lib.result(fw, "not_applicable", "The declared model gateway has no routes", {}) if {
	count(_targets) == 0
} else := _with_rules(fw, firewall.rule_set(fw))

# The rule set is read once per firewall.
_with_rules(fw, rules) := lib.unknown(
	fw,
	concat("", [
		"Whether firewall ", lib.name_of(fw),
		" admits the model endpoints is unknown: ", rules.why,
	]),
) if {
	rules.why
} else := _egress_judged(fw, _endpoint_verdicts(rules.collections))

# rego-cpp 1.5.2 gets a comprehension wrong whose head calls a function on the enclosing function's
# arguments: such calls are bound in the body.
_endpoint_verdicts(rule_set) := [v |
	some entry in _targets
	some called in _hosts_or_none(entry.target)
	v := object.union(_host_verdict(rule_set, entry, called), {"label": _target_label(entry), "host": called})
]

_hosts_or_none(t) := hosts if {
	hosts := _hosts(t)
	count(hosts) > 0
} else := [""]

_host_verdict(_, entry, "") := {"verdict": "unknown", "by": concat("", [
	"no endpoint drready can name (provider ", _provider(entry.target), ", region ",
	sprintf("%v", [object.get(entry.target, "region", null)]), "): declare the target's endpoint",
])}

_host_verdict(_, _, host) := {"verdict": "private", "by": "reached over a private endpoint of its account"} if {
	host != ""
	_private_host(host)
}

_host_verdict(collections, _, host) := _phrased(firewall.verdict(collections, host)) if {
	host != ""
	not _private_host(host)
}

_phrased(v) := {"verdict": "allow", "by": concat("", ["allowed by ", v.by])} if {
	v.verdict == "allow"
} else := {"verdict": "deny", "by": "no rule allows it (Azure Firewall denies by default)"} if {
	v.verdict == "deny"
	v.by == ""
} else := {"verdict": "deny", "by": concat("", ["denied by ", v.by])} if {
	v.verdict == "deny"
} else := {"verdict": "unknown", "by": concat("", ["depends on ", v.by])} if {
	v.verdict == "unknown"
} else := {"verdict": "unknown", "by": concat("", [v.by, " has no action type"])}

# One line per host with the given verdict: the host, the targets calling it, and why.
_with(verdicts, kind) := [text |
	some host in sort({v.host | some v in verdicts; v.verdict == kind})
	text := _about(verdicts, host)
]

_about(verdicts, "") := concat("; ", sort({concat("", [v.label, ": ", v.by]) | some v in verdicts; v.host == ""}))

_about(verdicts, host) := concat("", [
	host, ", called by ", concat(", ", sort({v.label | some v in verdicts; v.host == host})), ": ",
	[v.by | some v in verdicts; v.host == host][0],
]) if {
	host != ""
}

_host_count(verdicts) := count({v.host | some v in verdicts})

_egress_judged(fw, verdicts) := lib.result(
	fw, "fail", concat("", [
		"Firewall ", lib.name_of(fw), " in ", input.stamp.secondary_region, " blocks ",
		sprintf("%d", [count(_with(verdicts, "deny"))]), " of the ", sprintf("%d", [_host_count(verdicts)]),
		" model endpoints the gateway calls: ", concat("; ", _with(verdicts, "deny")),
		". After failover those calls fail: allow Https:443 to them in the firewall's policy",
	]),
	_egress_evidence(fw, verdicts),
) if {
	count(_with(verdicts, "deny")) > 0
} else := lib.result(
	fw, "unknown", concat("", [
		"Whether firewall ", lib.name_of(fw), " in ", input.stamp.secondary_region, " admits every model endpoint",
		" is not known: ", concat("; ", _with(verdicts, "unknown")),
		" (a collection matching by IP address, IP group, service tag, web category, FQDN tag or URL, or",
		" whose sources cover part of the secondary's subnets, cannot be judged offline)",
	]),
	_egress_evidence(fw, verdicts),
) if {
	count(_with(verdicts, "unknown")) > 0
} else := lib.result(
	fw, "pass", concat("", [
		"Firewall ", lib.name_of(fw), " in ", input.stamp.secondary_region, " admits all ",
		sprintf("%d", [_host_count(verdicts)]), " model endpoints the gateway calls: ",
		concat("; ", array.concat(_with(verdicts, "allow"), _with(verdicts, "private"))),
	]),
	_egress_evidence(fw, verdicts),
)

_egress_evidence(fw, verdicts) := {
	"properties.firewallPolicy.id": lib.prop(fw, ["firewallPolicy", "id"]),
	"endpoints": {v.host: v.verdict | some v in verdicts; v.host != ""},
}
