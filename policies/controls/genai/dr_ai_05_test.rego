package drready.controls.genai.dr_ai_05_test

import data.drready.lib.fixtures as f

gateway(mode) := {"routes": [f.route("centralus", [], {"max": 2}, 30, null)], "degraded_mode": mode}

doc(declared) := object.union(f.doc("genai", []), {"declared": declared})

cached := {"mode": "cached-answers", "description": "serve the last good answers"}

drill := {"date": "2026-10-01", "age_days": 40, "scenario": "degraded-mode", "measured": {"rto_minutes": 5, "rpo_minutes": 0}}

cases := {
	"declared_and_drilled_passes": {"input": doc({"model_gateway": gateway(cached), "degraded_mode_drills": [drill]}), "expect": {"stamp/s1": {"status": "pass"}}},
	"declared_never_drilled_fails": {"input": doc({"model_gateway": gateway(cached), "degraded_mode_drills": []}), "expect": {"stamp/s1": {"status": "fail", "contains": ["no drill exercised it"]}}},
	"not_declared_fails": {"input": doc({"model_gateway": gateway(null)}), "expect": {"stamp/s1": {"status": "fail", "contains": ["declares no degraded mode"]}}},
	"no_routes_not_applicable": {"input": doc({"model_gateway": {"routes": []}}), "expect": {"stamp/s1": {"status": "not_applicable"}}},
	"no_gateway_is_unknown": {"input": f.doc("genai", []), "expect": {"stamp/s1": {"status": "unknown"}}},
}
