# METADATA
# title: Failover rehearsed
# description: >-
#   A declared drill record shows the stamp was failed over within its drill interval (by default 90
#   days for mission-critical stamps, 180 otherwise) and that the measured RTO and RPO met the
#   targets. Drill records are declared evidence (a file named in drready.yaml), not observed.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/concept-business-continuity-high-availability-disaster-recovery
#     description: Business continuity, high availability and disaster recovery (test your plans)
# custom:
#   id: DR-OPS-01
#   severity: medium
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   mechanism: null
package drready.controls.shared.dr_ops_01

import data.drready.lib

# Prepared in Python (rego-cpp has no date parsing): the stamp's region-failover drills with their
# age in days, newest first, and the interval that applies.
_drills := object.get(input, ["declared", "drills"], [])

_interval := input.declared.drill_interval_days

_targets := input.stamp.targets

_latest := _drills[0]

default _latest_or_null := null

_latest_or_null := _drills[0] if count(_drills) > 0

_evidence := {"drills": count(_drills), "latest": _latest_or_null, "drill_interval_days": _interval}

default _too_old := []

_too_old := [sprintf("the last drill is %d days old (interval %d days)", [_latest.age_days, _interval])] if {
	_latest.age_days > _interval
}

default _rto_missed := []

_rto_missed := [sprintf(
	"measured RTO %d min exceeded the %d min target",
	[_latest.measured.rto_minutes, _targets.rto_minutes],
)] if {
	_latest.measured.rto_minutes > _targets.rto_minutes
}

default _rpo_missed := []

_rpo_missed := [sprintf(
	"measured RPO %d min exceeded the %d min target",
	[_latest.measured.rpo_minutes, _targets.rpo_minutes],
)] if {
	_latest.measured.rpo_minutes > _targets.rpo_minutes
}

_problems := array.concat(array.concat(_too_old, _rto_missed), _rpo_missed)

results := [lib.declared_result(
	"fail",
	concat("", [
		sprintf("No failover drill is recorded for stamp %s: ", [input.stamp.name]),
		"rehearse a region failover and record it in the drills file named in drready.yaml",
	]),
	_evidence,
)] if {
	count(_drills) == 0
} else := [lib.declared_result(
	"fail",
	concat("", [sprintf("Stamp %s: ", [input.stamp.name]), concat("; ", _problems)]),
	_evidence,
)] if {
	count(_problems) > 0
} else := [lib.declared_result(
	"pass",
	sprintf(
		"Stamp %s was failed over %d days ago and met its targets (RTO %d min, RPO %d min)",
		[input.stamp.name, _latest.age_days, _latest.measured.rto_minutes, _latest.measured.rpo_minutes],
	),
	_evidence,
)]
