package drready.controls.genai.dr_ai_02_test

import data.drready.lib.fixtures as f

a1 := f.openai("oai-cus", "centralus")

a2 := f.openai("oai-eus2", "eastus2")

emotion := object.union(f.openai("cog-emotion", "centralus"), {"kind": "Emotion"})

doc(resources, children) := object.union(f.doc("genai", resources), {"children": children})

cases := {
	"model_in_secondary_and_global_deployment_pass": {
		"input": doc([a1, a2], {
			lower(a1.id): {"deployments": [f.deployment(a1, "gpt-4o", "Standard"), f.deployment(a1, "text-embedding-3-large", "GlobalStandard")]},
			lower(a2.id): {"deployments": [f.deployment(a2, "gpt-4o", "Standard")]},
		}),
		"expect": {a1.id: {"status": "pass"}, a2.id: {"status": "not_applicable"}},
	},
	"regional_model_only_in_primary_fails": {
		"input": doc([a1], {lower(a1.id): {"deployments": [f.deployment(a1, "gpt-4o", "Standard")]}}),
		"expect": {a1.id: {"status": "fail", "contains": ["only in centralus: gpt-4o"]}},
	},
	"deployments_not_collected_is_unknown": {"input": doc([a1], {}), "expect": {a1.id: {"status": "unknown"}}},
	"other_kind_not_applicable": {"input": doc([emotion], {}), "expect": {emotion.id: {"status": "not_applicable"}}},
}
