# METADATA
# title: Failover rehearsed
# description: >-
#   The stamp was failed over within its drill interval (by default 90 days for mission-critical
#   stamps, 180 otherwise) and the measured RTO and RPO met the targets. Evidence is of two kinds:
#   declared drill records (a file named in drready.yaml) and observed runs of Azure Chaos Studio
#   experiments (ARM, GET {experiment}/executions). An experiment rehearses the stamp's region failover
#   when tagged drready-stamp and drready-scenario region-failover (as drready drill plan writes them)
#   with at least one fault, or, untagged, when an action injects Cosmos DB failover, App Service stop,
#   or a VM or scale-set shutdown through a selector that targets a primary-region resource of the
#   stamp. Observed outranks declared: a declared drill whose runs (within a day of it) failed or were
#   cancelled does not count, a rehearsal whose runs all failed is a failed drill, and when the newest
#   drill does not count the control fails. Chaos Studio measures no RTO or RPO, so a fresh observed
#   drill with no declared measurement of that day is unknown, not a pass; experiments whose runs could
#   not be read make a pass unknown. Azure Proactive Resiliency Library and PSRule do not judge drills.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/concept-business-continuity-high-availability-disaster-recovery
#     description: Business continuity, high availability and disaster recovery (test your plans)
#   - ref: https://learn.microsoft.com/rest/api/chaosstudio/experiment-executions/list
#     description: Chaos Studio REST API, Experiment Executions - List (status, startedAt, stoppedAt)
#   - ref: https://learn.microsoft.com/azure/chaos-studio/chaos-studio-fault-library
#     description: Chaos Studio fault and action library (fault URNs)
# custom:
#   id: DR-OPS-01
#   severity: medium
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   mechanism: null
#   collect:
#     - type: microsoft.chaos/experiments
#       kind: executions
#       path: executions
#       api: "2025-01-01"
package drready.controls.shared.dr_ops_01

import data.drready.lib

# Prepared in Python (rego-cpp has no date parsing; scanner/drills.py): the stamp's region-failover
# drills, declared and observed, newest first, with their age in days, and the interval that applies.
_drills := lib.list_or_empty(object.get(input, ["declared", "drills"], []))

_unread := lib.list_or_empty(object.get(input, ["declared", "experiments_unread"], []))

_interval := input.declared.drill_interval_days

_targets := input.stamp.targets

# Drills that count: a declared record whose day's experiment runs failed does not.
_counted := [d | some d in _drills; not _contradicted(d)]

_contradicted(d) if is_string(object.get(d, "contradicted_by", null))

_measured := [d | some d in _counted; is_object(object.get(d, "measured", null))]

_latest := _counted[0]

default _latest_or_null := null

_latest_or_null := _drills[0] if count(_drills) > 0

default _judged_or_null := null

_judged_or_null := _judged[0] if count(_judged) > 0

_evidence := {
	"drills": count(_drills),
	"latest": _latest_or_null,
	"judged": _judged_or_null,
	"drill_interval_days": _interval,
	"experiments_unread": _unread,
}

default _newest_contradicted := []

_newest_contradicted := [concat("", [
	"the drill of ", _drills[0].date,
	" does not count: ", _drills[0].contradicted_by,
])] if {
	_contradicted(_drills[0])
}

default _too_old := []

_too_old := [sprintf("the last drill is %d days old (interval %d days)", [_latest.age_days, _interval])] if {
	_latest.age_days > _interval
}

# The newest measured drill within the interval: the figures are judged on it.
_judged := [d | some d in _measured; d.age_days <= _interval]

default _rto_missed := []

_rto_missed := [sprintf(
	"measured RTO %d min exceeded the %d min target",
	[_judged[0].measured.rto_minutes, _targets.rto_minutes],
)] if {
	_judged[0].measured.rto_minutes > _targets.rto_minutes
}

default _rpo_missed := []

_rpo_missed := [sprintf(
	"measured RPO %d min exceeded the %d min target",
	[_judged[0].measured.rpo_minutes, _targets.rpo_minutes],
)] if {
	_judged[0].measured.rpo_minutes > _targets.rpo_minutes
}

_problems := array.concat(array.concat(_newest_contradicted, _too_old), array.concat(_rto_missed, _rpo_missed))

_seen := concat("", [
	sprintf("Stamp %s was failed over %d days ago", [input.stamp.name, _judged[0].age_days]),
	_observed_note(_judged[0]),
])

_observed_note(d) := concat("", [" (observed: Chaos Studio experiment ", d.observed_by, ")"]) if {
	is_string(object.get(d, "observed_by", null))
} else := ""

_unread_message := concat("", [
	_seen, ", but the runs of Chaos Studio experiment(s) ", concat(", ", _unread),
	" that target it could not be read: a newer run may contradict the record",
])

results := [lib.declared_result(
	"fail",
	concat("", [
		sprintf("No failover drill is recorded for stamp %s: ", [input.stamp.name]),
		"rehearse a region failover and record it in the drills file named in drready.yaml",
	]),
	_evidence,
)] if {
	count(_drills) == 0
} else := [_fail_result] if {
	count(_problems) > 0
} else := [lib.stamp_result(
	"unknown",
	concat("", [
		sprintf("Stamp %s was failed over %d days ago", [input.stamp.name, _latest.age_days]),
		_observed_note(_latest),
		" but no measured RTO or RPO within the drill interval is recorded: ",
		"add the drill's measurements to the drills file named in drready.yaml",
	]),
	_evidence,
)] if {
	count(_judged) == 0
} else := [lib.stamp_result("unknown", _unread_message, _evidence)] if {
	count(_unread) > 0
} else := [lib.declared_result(
	"pass",
	concat("", [
		_seen,
		sprintf(
			" and met its targets (RTO %d min, RPO %d min)",
			[_judged[0].measured.rto_minutes, _judged[0].measured.rpo_minutes],
		),
	]),
	_evidence,
)]

default _none_counted := ""

_none_counted := ": no drill that counts is recorded" if count(_counted) == 0

_fail_message := concat("", [sprintf("Stamp %s: ", [input.stamp.name]), concat("; ", _problems), _none_counted])

# On declared figures alone it is declared evidence; a Chaos Studio run that failed is observed.
_fail_result := lib.declared_result("fail", _fail_message, _evidence) if {
	count(_newest_contradicted) == 0
} else := lib.stamp_result("fail", _fail_message, _evidence)
