package drready.controls.web.dr_web_03_test

import data.drready.lib.fixtures as f

a1 := f.site("app-api-cus", "centralus", "/healthz")

a2 := f.site("app-api-eus2", "eastus2", "/healthz")

p1 := f.plan("asp-api-cus", "centralus", 3, true)

p2 := f.plan("asp-api-eus2", "eastus2", 2, true)

doc(resources, pairs) := object.union(f.doc("web", resources), {"pairs": pairs})

cases := {
	"paired_app_and_zone_redundant_plan_pass": {
		"input": doc([a1, a2, p1, p2], [f.pair(a1, a2), f.pair(p1, p2)]),
		"expect": {a1.id: {"status": "pass"}, a2.id: {"status": "not_applicable"}, p1.id: {"status": "pass"}, p2.id: {"status": "not_applicable"}},
	},
	"no_counterpart_no_health_check_one_instance_fail": {
		"input": doc([f.site("app-api-cus", "centralus", ""), f.plan("asp-api-cus", "centralus", 1, false)], [f.unpaired(a1), f.unpaired(p1)]),
		"expect": {
			a1.id: {"status": "fail", "contains": ["no counterpart in eastus2", "no health-check path"]},
			p1.id: {"status": "fail", "contains": ["runs 1 instance(s)", "not zone-redundant on PremiumV3", "no App Service plan in eastus2"]},
		},
	},
	"site_config_not_collected_is_unknown": {
		"input": doc([object.union(object.remove(a1, ["properties"]), {"properties": {"defaultHostName": "x"}})], []),
		"expect": {a1.id: {"status": "unknown"}},
	},
}
