package drready.controls.data.dr_data_03_test

import data.drready.lib.fixtures as f

a1 := f.factory("adf-cus", "centralus", f.ado_repo)

a2 := f.factory("adf-eus2", "eastus2", f.ado_repo)

kids(primary_nodes, standby_nodes) := {
	lower(a1.id): {"integrationRuntimes": [f.shir_status("shir", primary_nodes)]},
	lower(a2.id): {"integrationRuntimes": [f.shir_status("shir", standby_nodes)]},
}

doc(resources, children) := object.union(f.doc("data", resources), {"children": children})

cases := {
	"two_online_nodes_and_ready_standby_pass": {
		"input": doc([a1, a2], kids(["Online", "Online"], ["Online"])),
		"expect": {a1.id: {"status": "pass"}, a2.id: {"status": "not_applicable"}},
	},
	"one_node_fails": {
		"input": doc([a1, a2], kids(["Online", "Offline"], ["Online"])),
		"expect": {a1.id: {"status": "fail", "contains": ["shir has 1 online node(s)"]}, a2.id: {"status": "not_applicable"}},
	},
	"standby_without_nodes_fails": {
		"input": doc([a1, a2], kids(["Online", "Online"], [])),
		"expect": {a1.id: {"status": "fail", "contains": ["no factory in eastus2 has a self-hosted runtime"]}, a2.id: {"status": "not_applicable"}},
	},
	"status_not_collected_is_unknown": {"input": doc([a1], {}), "expect": {a1.id: {"status": "unknown"}}},
	"no_self_hosted_runtime_not_applicable": {
		"input": doc([a1], {lower(a1.id): {"integrationRuntimes": []}}),
		"expect": {a1.id: {"status": "not_applicable"}},
	},
}
