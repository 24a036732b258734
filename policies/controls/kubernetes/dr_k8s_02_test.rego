package drready.controls.kubernetes.dr_k8s_02_test

import data.drready.lib.fixtures as f

pools := [f.pool("system", "System", 3, ["1", "2", "3"])]

c1 := f.cluster("aks-cus", "centralus", "1.30.4", pools)

c2 := f.cluster("aks-eus2", "eastus2", "1.30.7", pools)

c2_old := f.cluster("aks-eus2", "eastus2", "1.29.9", pools)

cases := {
	"same_minor_standby_passes": {"input": f.doc("kubernetes", [c1, c2]), "expect": {c1.id: {"status": "pass"}, c2.id: {"status": "not_applicable"}}},
	"older_standby_fails": {"input": f.doc("kubernetes", [c1, c2_old]), "expect": {c1.id: {"status": "fail", "contains": ["runs 1.29.9"]}, c2.id: {"status": "not_applicable"}}},
	"no_standby_fails": {"input": f.doc("kubernetes", [c1]), "expect": {c1.id: {"status": "fail", "contains": ["no standby cluster in eastus2"]}}},
}
