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
drills := object.get(input, ["declared", "drills"], [])

interval := input.declared.drill_interval_days

targets := input.stamp.targets

latest := drills[0]

latest_or_null := drills[0] if count(drills) > 0

else := null

evidence := {"drills": count(drills), "latest": latest_or_null, "drill_interval_days": interval}

too_old := [sprintf("the last drill is %d days old (interval %d days)", [latest.age_days, interval])] if {
	latest.age_days > interval
} else := []

rto_missed := [sprintf("measured RTO %d min exceeded the %d min target", [latest.measured.rto_minutes, targets.rto_minutes])] if {
	latest.measured.rto_minutes > targets.rto_minutes
} else := []

rpo_missed := [sprintf("measured RPO %d min exceeded the %d min target", [latest.measured.rpo_minutes, targets.rpo_minutes])] if {
	latest.measured.rpo_minutes > targets.rpo_minutes
} else := []

problems := array.concat(array.concat(too_old, rto_missed), rpo_missed)

results := [lib.declared_result("fail", sprintf("No failover drill is recorded for stamp %s: rehearse a region failover and record it in the drills file named in drready.yaml", [input.stamp.name]), evidence)] if {
	count(drills) == 0
} else := [lib.declared_result("fail", concat("", [sprintf("Stamp %s: ", [input.stamp.name]), concat("; ", problems)]), evidence)] if {
	count(problems) > 0
} else := [lib.declared_result(
	"pass",
	sprintf("Stamp %s was failed over %d days ago and met its targets (RTO %d min, RPO %d min)", [input.stamp.name, latest.age_days, latest.measured.rto_minutes, latest.measured.rpo_minutes]),
	evidence,
)]
