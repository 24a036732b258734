# METADATA
# title: Graceful degradation declared and tested
# description: >-
#   The model gateway declares a degraded mode (cached answers, a smaller model, read-only) for when
#   every model route is down, and a drill record shows that mode was exercised. Both are declared
#   evidence, not observed.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/ai-services/openai/how-to/business-continuity-disaster-recovery
#     description: Business continuity and disaster recovery for Azure OpenAI
# custom:
#   id: DR-AI-05
#   severity: medium
#   stamps: [genai]
#   scope: stamp
#   mechanism: null
package drready.controls.genai.dr_ai_05

import data.drready.lib

_mode := object.get(lib.declared("model_gateway"), "degraded_mode", null)

# Degraded-mode drills newest first, with their age in days (computed in Python); only those within the
# stamp's drill interval count.
_drills := lib.list_or_empty(object.get(input, ["declared", "degraded_mode_drills"], []))

_interval := object.get(input, ["declared", "drill_interval_days"], null)

_fresh := [d | some d in _drills; is_number(_interval); d.age_days <= _interval]

_evidence := {
	"degraded_mode": _mode,
	"degraded-mode drills": count(_drills),
	"within the drill interval": count(_fresh),
	"drill_interval_days": _interval,
}

results := [lib.declared_result(
	"unknown",
	sprintf(
		"No model-gateway configuration is declared for stamp %s: whether it can degrade gracefully is unknown",
		[input.stamp.name],
	),
	{},
)] if {
	not lib.declared("model_gateway")
} else := [lib.declared_result("not_applicable", "The declared model gateway has no routes to degrade", _evidence)] if {
	count(lib.list_or_empty(object.get(lib.declared("model_gateway"), "routes", []))) == 0
} else := _judged

_judged := [lib.declared_result(
	"fail",
	concat("", [
		"The model gateway declares no degraded mode: decide what users get when every model route is down ",
		"(cached answers, a smaller model, read-only) and declare it as degraded_mode",
	]),
	_evidence,
)] if {
	_mode == null
} else := [lib.declared_result(
	"fail",
	sprintf(
		"Degraded mode %v is declared but no drill exercised it: record a drill with scenario degraded-mode",
		[_mode.mode],
	),
	_evidence,
)] if {
	count(_drills) == 0
} else := [lib.declared_result(
	"fail",
	sprintf(
		"Degraded mode %v was last exercised %d days ago, beyond the %v-day drill interval: drill it again",
		[_mode.mode, _drills[0].age_days, _interval],
	),
	_evidence,
)] if {
	count(_fresh) == 0
} else := [lib.declared_result(
	"pass",
	sprintf("Degraded mode %v is declared and was exercised %d days ago", [_mode.mode, _fresh[0].age_days]),
	_evidence,
)]
