# METADATA
# title: Models deployed beyond one region
# description: >-
#   Each model the stamp deploys on Azure OpenAI is either deployed with a Global or DataZone
#   deployment type (served beyond one region) or also deployed in an account in the secondary region.
#   An Azure OpenAI resource is bound to one region; deployments are read from ARM (not Resource Graph).
#   Microsoft publishes no RPO/RTO for Azure OpenAI.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/ai-services/openai/how-to/business-continuity-disaster-recovery
#     description: Business continuity and disaster recovery for Azure OpenAI
#   - ref: https://learn.microsoft.com/azure/ai-foundry/openai/how-to/deployment-types
#     description: Azure OpenAI deployment types
# custom:
#   id: DR-AI-02
#   severity: high
#   stamps: [genai]
#   resource_types: [microsoft.cognitiveservices/accounts]
#   mechanism: model_fallback
#   collect:
#     - type: microsoft.cognitiveservices/accounts
#       kind: deployments
#       path: deployments
#       api: "2024-10-01"
#       when: {kind: [OpenAI, AIServices]}
package drready.controls.genai.dr_ai_02

import data.drready.lib

_model_kinds := {"OpenAI", "AIServices"}

_accounts := lib.resources_of("microsoft.cognitiveservices/accounts")

results := [_account_result(r) | some r in _accounts]

_sku_name(d) := n if {
	n := object.get(d, ["sku", "name"], null)
	is_string(n)
}

_model(d) := m if {
	m := object.get(d, ["properties", "model", "name"], null)
	is_string(m)
}

_multi_region_sku(d) if startswith(_sku_name(d), "Global")

_multi_region_sku(d) if startswith(_sku_name(d), "DataZone")

_deployments(r) := lib.list_or_empty(lib.children(r, "deployments"))

_regional_models(r) := {_model(d) | some d in _deployments(r); not _multi_region_sku(d)}

# Deployments that name no model or no SKU: what they serve, and where, is not known.
_unclear(r) := [object.get(d, "name", "(unnamed)") |
	some d in _deployments(r)
	not _clear(d)
]

_clear(d) if {
	_model(d)
	_sku_name(d)
}

_secondary_accounts := [a | some a in _accounts; lib.in_secondary(a); a.kind in _model_kinds]

_secondary_models contains _model(d) if {
	some a in _secondary_accounts
	some d in _deployments(a)
}

_uncovered(r) := sort([m | some m in _regional_models(r); not m in _secondary_models])

_secondary_collected if {
	every a in _secondary_accounts {
		lib.children(a, "deployments")
	}
}

_evidence(r) := {
	"deployments": [{
		"model": object.get(d, ["properties", "model", "name"], null),
		"sku.name": object.get(d, ["sku", "name"], null),
	} |
		some d in _deployments(r)
	],
	"models in secondary": _secondary_models,
}

_account_result(r) := lib.result(
	r, "not_applicable",
	sprintf("%s is a %v account, not a model endpoint", [lib.name_of(r), object.get(r, "kind", null)]),
	{"kind": object.get(r, "kind", null)},
) if {
	not object.get(r, "kind", "") in _model_kinds
} else := lib.result(r, "not_applicable", lib.counterpart_message(r), {}) if {
	lib.in_secondary(r)
} else := lib.unknown(
	r,
	sprintf("Azure OpenAI account %s: deployments were not collected (ARM, not Resource Graph)", [lib.name_of(r)]),
) if {
	not lib.children(r, "deployments")
} else := lib.unknown(
	r,
	sprintf("Azure OpenAI account %s: the secondary accounts' deployments were not collected", [lib.name_of(r)]),
) if {
	not _secondary_collected
} else := _judged(r)

_judged(r) := lib.unknown(
	r,
	concat("", [
		sprintf("Azure OpenAI account %s: deployment(s) ", [lib.name_of(r)]),
		concat(", ", _unclear(r)),
		" name no model or SKU, so where their model is served is not known",
	]),
) if {
	count(_unclear(r)) > 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Azure OpenAI account %s serves model(s) only in %v: ", [lib.name_of(r), r.location]),
		concat(", ", _uncovered(r)),
		sprintf(
			". Deploy them in an account in %v or use a GlobalStandard or DataZoneStandard deployment",
			[input.stamp.secondary_region],
		),
	]),
	_evidence(r),
) if {
	count(_uncovered(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf("Every model of %s is served beyond %v", [lib.name_of(r), r.location]),
	_evidence(r),
)
