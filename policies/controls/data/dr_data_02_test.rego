package drready.controls.data.dr_data_02_test

import data.drready.lib.fixtures as f

a1 := f.factory("adf-cus", "centralus", f.ado_repo)

a2 := f.factory("adf-eus2", "eastus2", f.ado_repo)

cases := {
	"git_and_standby_pass": {"input": f.doc("data", [a1, a2]), "expect": {a1.id: {"status": "pass"}, a2.id: {"status": "not_applicable"}}},
	"no_git_no_standby_fails": {
		"input": f.doc("data", [f.factory("adf-cus", "centralus", null)]),
		"expect": {a1.id: {"status": "fail", "contains": ["no Git repoConfiguration", "no factory in eastus2"]}},
	},
}
