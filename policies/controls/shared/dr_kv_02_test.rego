package drready.controls.shared.dr_kv_02_test

import data.drready.lib.fixtures as f

cases := {
	"vault_in_secondary_passes": {
		"input": f.doc("web", [f.vault("kv-a-cus", "centralus"), f.vault("kv-a-eus2", "eastus2")]),
		"expect": {"stamp/s1": {"status": "pass", "contains": ["kv-a-eus2"]}},
	},
	"primary_only_fails": {
		"input": f.doc("web", [f.vault("kv-a-cus", "centralus")]),
		"expect": {"stamp/s1": {"status": "fail", "contains": ["no Key Vault in eastus2"]}},
	},
	"no_vault_not_applicable": {
		"input": f.doc("web", [f.storage("sta", "centralus", "Standard_LRS")]),
		"expect": {"stamp/s1": {"status": "not_applicable"}},
	},
}
