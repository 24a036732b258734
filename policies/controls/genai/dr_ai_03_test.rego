package drready.controls.genai.dr_ai_03_test

import data.drready.lib.fixtures as f

gw := f.apim("apim-ai-cus", "centralus", ["eastus2"])

gw_single := f.apim("apim-ai-cus", "centralus", [])

a1 := f.openai("oai-cus", "centralus")

a2 := f.openai("oai-eus2", "eastus2")

m1 := f.backend(gw, "oai-cus", "https://oai-cus.openai.azure.com/openai", f.breaker)

m2 := f.backend(gw, "oai-eus2", "https://oai-eus2.openai.azure.com/openai", f.breaker)

m2_no_breaker := f.backend(gw, "oai-eus2", "https://oai-eus2.openai.azure.com/openai", null)

doc(service, backends) := object.union(f.doc("genai", [service, a1, a2]), {"children": {lower(gw.id): {"backends": backends}}})

cases := {
	"pool_across_regions_with_breakers_passes": {"input": doc(gw, [m1, m2, f.pool_backend(gw, [m1, m2])]), "expect": {gw.id: {"status": "pass"}}},
	"single_region_pool_missing_breaker_single_gateway_fails": {
		"input": doc(gw_single, [m1, m2_no_breaker, f.pool_backend(gw, [m1])]),
		"expect": {gw.id: {"status": "fail", "contains": ["reach 1 known region(s)", "runs only in centralus"]}},
	},
	"no_pool_fails": {"input": doc(gw, [m1, m2_no_breaker]), "expect": {gw.id: {"status": "fail", "contains": ["no load-balanced pool backend"]}}},
	"backends_not_collected_is_unknown": {"input": f.doc("genai", [gw]), "expect": {gw.id: {"status": "unknown"}}},
	"secondary_gateway_not_applicable": {
		"input": f.doc("genai", [f.apim("apim-ai-eus2", "eastus2", [])]),
		"expect": {f.apim("apim-ai-eus2", "eastus2", []).id: {"status": "not_applicable"}},
	},
}
