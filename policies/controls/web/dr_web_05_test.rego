package drready.controls.web.dr_web_05_test

import data.drready.lib.fixtures as f

sets := [["OWASP", "3.2"], ["Microsoft_BotManagerRuleSet", "1.0"], ["Microsoft_HTTPDDoSRuleSet", "1.0"]]

w1 := f.waf_policy("waf-cus", "centralus", "Prevention", sets)

w2 := f.waf_policy("waf-eus2", "eastus2", "Prevention", sets)

w2_detect := f.waf_policy("waf-eus2", "eastus2", "Detection", [["OWASP", "3.2"]])

doc(resources, pairs) := object.union(f.doc("web", resources), {"pairs": pairs})

cases := {
	"prevention_with_bot_rules_same_in_both_regions_passes": {
		"input": doc([w1, w2], [f.pair(w1, w2)]),
		"expect": {w1.id: {"status": "pass"}, w2.id: {"status": "not_applicable"}},
	},
	"weaker_secondary_fails": {
		"input": doc([w1, w2_detect], [f.pair(w1, w2_detect)]),
		"expect": {w1.id: {"status": "fail", "contains": ["other managed rule sets", "runs in Detection mode"]}, w2.id: {"status": "not_applicable"}},
	},
	"detection_old_owasp_no_bot_no_counterpart_fails": {
		"input": doc([f.waf_policy("waf-cus", "centralus", "Detection", [["OWASP", "3.1"]])], [f.unpaired(w1)]),
		"expect": {w1.id: {"status": "fail", "contains": ["mode is Detection", "no core rule set", "no Microsoft_BotManagerRuleSet", "no counterpart"]}},
	},
}
