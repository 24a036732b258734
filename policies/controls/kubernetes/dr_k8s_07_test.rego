package drready.controls.kubernetes.dr_k8s_07_test

import data.drready.lib.fixtures as f

db := f.postgres("psql-airflow-cus", "centralus", "Enabled", "ZoneRedundant")

weak_db := f.postgres("psql-airflow-cus", "centralus", "Disabled", "Disabled")

dags := f.storage("stdags", "centralus", "Standard_LRS")

wiring(dag_storage, after) := {
	"metadata_db": "psql-airflow-cus",
	"dag_storage": dag_storage,
	"scheduler": {"cluster": "aks-cus", "starts_after": after},
}

doc(resources, airflow) := object.union(f.doc("kubernetes", resources), {"declared": {"airflow": airflow}})

cases := {
	"recoverable_db_git_dags_ordered_passes": {
		"input": doc([db], wiring({"type": "git", "repo": "https://github.com/example/dags"}, ["metadata_db", "dag_storage"])),
		"expect": {"stamp/s1": {"status": "pass"}},
	},
	"weak_db_lrs_dags_unordered_fails": {
		"input": doc([weak_db, dags], wiring({"type": "storage", "resource": dags.id}, ["metadata_db"])),
		"expect": {"stamp/s1": {"status": "fail", "contains": ["metadata database psql-airflow-cus: create a read replica", "neither git nor geo-replicated", "starts_after"]}},
	},
	"no_airflow_not_applicable": {"input": f.doc("kubernetes", [db]), "expect": {"stamp/s1": {"status": "not_applicable"}}},
}
