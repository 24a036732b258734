package drready.controls.shared.dr_ops_01_test

import data.drready.lib.fixtures as f

drill(age, rto, rpo) := {"date": "2026-09-01", "age_days": age, "scenario": "region-failover", "measured": {"rto_minutes": rto, "rpo_minutes": rpo}}

doc(drills) := object.union(f.doc("web", []), {"declared": {"drills": drills, "drill_interval_days": 90}})

cases := {
	"recent_drill_within_targets_passes": {
		"input": doc([drill(30, 120, 10), drill(200, 500, 60)]),
		"expect": {"stamp/s1": {"status": "pass", "contains": ["30 days ago"]}},
	},
	"old_drill_fails": {"input": doc([drill(120, 120, 10)]), "expect": {"stamp/s1": {"status": "fail", "contains": ["120 days old (interval 90 days)"]}}},
	"missed_targets_fail": {
		"input": doc([drill(10, 300, 20)]),
		"expect": {"stamp/s1": {"status": "fail", "contains": ["RTO 300 min exceeded the 240 min target", "RPO 20 min exceeded the 15 min target"]}},
	},
	"no_drill_fails": {"input": doc([]), "expect": {"stamp/s1": {"status": "fail", "contains": ["No failover drill"]}}},
}
