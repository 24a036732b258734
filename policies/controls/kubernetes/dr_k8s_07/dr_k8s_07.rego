# METADATA
# title: Airflow restartable after its data
# description: >-
#   The stamp's Airflow (declared in an Airflow wiring file named in drready.yaml) can restart in the
#   secondary region: its metadata database is recoverable there (as DR-K8S-05/06), its DAGs live in git
#   or in geo-replicated storage, and the scheduler is declared to start only after both. The wiring is
#   declared evidence, not observed.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/aks/airflow-overview
#     description: Apache Airflow on AKS
#   - ref: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-business-continuity
#     description: Business continuity in Azure Database for PostgreSQL flexible server
# custom:
#   id: DR-K8S-07
#   severity: high
#   stamps: [kubernetes]
#   scope: stamp
#   mechanism: airflow_restart
#   reads: [microsoft.dbforpostgresql/flexibleservers, microsoft.dbformysql/flexibleservers,
#     microsoft.storage/storageaccounts]
#   recovery:
#     step: airflow
#     label: Restart Airflow scheduler
#     phase: compute
#     lists: [airflow]
#     mechanism: airflow_restart
#     after: [aks]
#     data_inputs: declared-airflow
package drready.controls.kubernetes.dr_k8s_07

import data.drready.lib
import data.drready.lib.databases

_airflow := lib.declared("airflow")

_db_types := {"microsoft.dbforpostgresql/flexibleservers": "postgres", "microsoft.dbformysql/flexibleservers": "mysql"}

# The metadata database and the DAG storage account, by id or name.
_named(ref) := r if {
	some t in {
		"microsoft.dbforpostgresql/flexibleservers",
		"microsoft.dbformysql/flexibleservers",
		"microsoft.storage/storageaccounts",
	}
	some r in lib.resources_of(t)
	_ref_matches(r, ref)
}

_ref_matches(r, ref) if lower(r.id) == lower(ref)

_ref_matches(r, ref) if lower(r.name) == lower(ref)

default _db_gaps := []

_db_gaps := [concat("", [
	"metadata database ",
	_airflow.metadata_db,
	" is not a PostgreSQL or MySQL server of the stamp",
])] if {
	not _db_types[lower(_named(_airflow.metadata_db).type)]
} else := [concat("", ["metadata database ", _named(_airflow.metadata_db).name, ": ", concat("; ", gaps)])] if {
	db := _named(_airflow.metadata_db)
	gaps := databases.server_gaps(db, _db_types[lower(db.type)])
	count(gaps) > 0
}

_dag_gaps := [] if {
	_airflow.dag_storage.type == "git"
} else := [] if {
	_named(_airflow.dag_storage.resource).sku.name in lib.geo_storage_skus
} else := [concat("", [
	"DAG storage ",
	object.get(_airflow.dag_storage, "resource", "(none)"),
	" is neither git nor geo-replicated storage",
])]

_scheduler_waits if {
	every dep in ["metadata_db", "dag_storage"] {
		dep in object.get(_airflow, ["scheduler", "starts_after"], [])
	}
}

_order_gaps := ["the scheduler is not declared to start after metadata_db and dag_storage (scheduler.starts_after)" |
	not _scheduler_waits
]

_gaps := array.concat(array.concat(_db_gaps, _dag_gaps), _order_gaps)

_evidence := {"declared airflow": _airflow}

results := [lib.declared_result(
	"not_applicable",
	sprintf("No Airflow is declared for stamp %s", [input.stamp.name]),
	{},
)] if {
	not lib.declared("airflow")
} else := [lib.declared_result(
	"fail",
	concat("", ["Airflow would not restart cleanly in the secondary: ", concat("; ", _gaps)]),
	_evidence,
)] if {
	count(_gaps) > 0
} else := [lib.declared_result(
	"pass",
	"Airflow's metadata database and DAGs are recoverable and its scheduler starts after them",
	_evidence,
)]
