# METADATA
# title: Graceful degradation declared and tested
# description: >-
#   The model gateway declares at least one degraded mode (cached answers, a smaller model, read-only,
#   a static page) for when every model route is down, and each declared mode was exercised by a
#   degraded-mode drill within the stamp's drill interval: a mode never drilled is a fallback nobody
#   knows works. A drill names the mode it exercised; a drill naming none counts only when one mode is
#   declared. Drills are declared records or observed runs of Azure Chaos Studio experiments that target
#   the stamp, inject at least one fault and carry the tags drready-scenario degraded-mode and
#   drready-mode (Chaos Studio has no fault for Azure OpenAI or API Management, so the tags say which
#   mode a run exercised). Observed outranks declared: a declared drill whose runs of that mode (within a
#   day of it) failed or were cancelled does not count, a mode whose newest drill does not count is a
#   gap, and experiments whose runs could not be read make a pass unknown.
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

# degraded_modes; a snapshot written before modes became a list carries degraded_mode (one or null).
_modes := array.concat(
	lib.list_or_empty(object.get(lib.declared("model_gateway"), "degraded_modes", [])),
	[m | m := object.get(lib.declared("model_gateway"), "degraded_mode", null); is_object(m)],
)

# Degraded-mode drills newest first, with their age in days (computed in Python),
# declared and observed (scanner/drills.py); a declared drill whose day's Chaos Studio runs failed does
# not count (observed outranks declared).
_all_drills := lib.list_or_empty(object.get(input, ["declared", "degraded_mode_drills"], []))

_drills := [d | some d in _all_drills; not is_string(object.get(d, "contradicted_by", null))]

_unread := lib.list_or_empty(object.get(input, ["declared", "degraded_mode_experiments_unread"], []))

_interval := object.get(input, ["declared", "drill_interval_days"], null)

# The drills that exercised a mode: those naming it, and, when only one mode is declared, those naming
# none (drill records from before drills named their mode).
_drills_of(m) := [d |
	some d in _drills
	_exercised(d, m)
]

# The newest drill of a mode, counted or not: a failed rehearsal newer than a good one is a gap.
_newest_of(m) := [d | some d in _all_drills; _exercised(d, m)][0]

_exercised(d, m) if object.get(d, "mode", null) == m.mode

_exercised(d, _) if {
	object.get(d, "mode", null) == null
	count(_modes) == 1
}

_fresh(m) := [d | some d in _drills_of(m); is_number(_interval); d.age_days <= _interval]

_mode_gap(m) := "a degraded mode without a name (mode)" if {
	not is_string(object.get(m, "mode", null))
} else := concat("", [
	m.mode, "'s last drill, of ", _newest_of(m).date,
	", does not count: ", _newest_of(m).contradicted_by,
]) if {
	is_string(object.get(_newest_of(m), "contradicted_by", null))
} else := concat("", [m.mode, " was never drilled"]) if {
	count(_drills_of(m)) == 0
} else := concat("", [m.mode, _stale(_drills_of(m)[0].age_days)]) if {
	count(_fresh(m)) == 0
}

_stale(age) := sprintf(" was last drilled %d days ago, beyond the %v-day drill interval", [age, _interval])

_gaps := array.concat([g | some m in _modes; g := _mode_gap(m)], _unnamed_note)

# With several modes declared, a drill that names none shows nothing about any of them: say so.
_unnamed_note := [sprintf("%d degraded-mode drill(s) name no mode and were not counted (add mode: to them)", [n]) |
	count(_modes) > 1
	n := count([d | some d in _drills; object.get(d, "mode", null) == null])
	n > 0
]

_drilled := [concat("", [m.mode, sprintf(" (drilled %d days ago)", [_fresh(m)[0].age_days])]) |
	some m in _modes
	count(_fresh(m)) > 0
]

_evidence := {
	"degraded_modes": [m.mode | some m in _modes],
	"degraded-mode drills": count(_drills),
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
} else := [lib.declared_result(
	"fail",
	concat("", [
		"The model gateway declares no degraded mode: decide what users get when every model route is down ",
		"(cached answers, a smaller model, read-only) and declare it as degraded_mode or degraded_modes",
	]),
	_evidence,
)] if {
	count(_modes) == 0
} else := _drilled_results

_drilled_results := [lib.declared_result(
	"fail",
	concat("", [
		"Degraded mode(s) not exercised within the drill interval: ",
		concat("; ", _gaps),
		": record a drill with scenario degraded-mode and the mode it exercised",
	]),
	_evidence,
)] if {
	count(_gaps) > 0
} else := [lib.stamp_result(
	"unknown",
	concat("", [
		"Every declared degraded mode was exercised within the drill interval, but the runs of Chaos Studio ",
		"experiment(s) ", concat(", ", _unread), " that target the stamp could not be read: ",
		"a run may contradict a record",
	]),
	_evidence,
)] if {
	count(_unread) > 0
} else := [lib.declared_result(
	"pass",
	concat("", ["Every declared degraded mode was exercised within the drill interval: ", concat(", ", _drilled)]),
	_evidence,
)]
