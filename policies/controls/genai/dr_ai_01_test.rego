package drready.controls.genai.dr_ai_01_test

import data.drready.lib.fixtures as f

doc(gateway) := object.union(f.doc("genai", []), {"declared": {"model_gateway": gateway}})

good := f.route("centralus", [{"model": "gpt-4o", "provider": "azure-openai", "region": "eastus2"}], {"max": 2}, 30, {"failure_threshold": 5})

cases := {
	"cross_region_fallback_passes": {"input": doc({"routes": [good], "source": "drready"}), "expect": {"stamp/s1": {"status": "pass"}}},
	"other_provider_counts": {
		"input": doc({"routes": [object.union(good, {"fallbacks": [{"model": "claude", "provider": "anthropic", "region": null}]})]}),
		"expect": {"stamp/s1": {"status": "pass"}},
	},
	"same_region_no_breaker_unbounded_fails": {
		"input": doc({"routes": [f.route("centralus", [{"model": "gpt-4o-mini", "provider": "azure-openai", "region": "Central US"}], {"max": null}, 0, null)]}),
		"expect": {"stamp/s1": {"status": "fail", "contains": ["route chat: no fallback in another region or provider", "retries are not bounded", "no timeout", "no circuit breaker"]}},
	},
	"undeclared_is_unknown": {"input": f.doc("genai", []), "expect": {"stamp/s1": {"status": "unknown"}}},
	"no_routes_not_applicable": {"input": doc({"routes": []}), "expect": {"stamp/s1": {"status": "not_applicable"}}},
}
