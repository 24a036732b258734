# METADATA
# title: Airflow's broker and XCom backend recoverable
# description: >-
#   Besides its metadata database and DAGs (DR-K8S-07), a restarted Airflow needs its Celery broker
#   and wherever its XComs live. The Airflow wiring file names them: broker {type:
#   redis|rabbitmq|none, resource} and xcom_backend {type: database|storage, resource}. A Redis
#   broker is an Azure Cache for Redis or Managed Redis of the stamp that is geo-replicated to the
#   secondary or has a counterpart there (a fresh broker is enough: the scheduler re-queues task
#   instances stuck in queued); a broker of none (Kubernetes or Local executor) has nothing to
#   recover. Managed Redis keeps its active geo-replication on its databases, which drready does not
#   read: without a standby it is unknown. A RabbitMQ broker runs outside Azure's control plane, so
#   drready cannot see its recovery and says unknown. XComs in the database (Airflow's default)
#   recover with the metadata database, which DR-K8S-07 judges; XComs in object storage need geo-
#   replicated storage. A wiring file that names no broker is unknown. The wiring is declared
#   evidence, not observed.
# related_resources:
#   - ref: https://airflow.apache.org/docs/apache-airflow-providers-celery/stable/celery_executor.html
#     description: Airflow's Celery executor (broker, result backend)
#   - ref: https://airflow.apache.org/docs/apache-airflow/stable/core-concepts/xcoms.html
#     description: Airflow XComs (stored in the metadata database unless a custom backend is set)
#   - ref: https://learn.microsoft.com/azure/azure-cache-for-redis/cache-how-to-geo-replication
#     description: Geo-replication for Azure Cache for Redis
#   - ref: https://learn.microsoft.com/azure/storage/common/storage-redundancy
#     description: Azure Storage redundancy
# custom:
#   id: DR-K8S-10
#   severity: high
#   stamps: [kubernetes]
#   scope: stamp
#   mechanism: null
#   reads: [microsoft.cache/redis, microsoft.cache/redisenterprise, microsoft.storage/storageaccounts]
#   remediation:
#     summary: >-
#       Geo-replicate the broker's Redis or deploy one in the secondary, keep object-storage XComs in
#       geo-replicated storage, and name both in the Airflow wiring file (broker, xcom_backend)
package drready.controls.kubernetes.dr_k8s_10

import data.drready.lib

_airflow := lib.declared("airflow")

_caches := array.concat(lib.resources_of("microsoft.cache/redis"), lib.resources_of("microsoft.cache/redisenterprise"))

# The one resource of the given ones named by id, else the only one of that name (Managed Redis names
# can repeat across regions: then none is chosen and the reference is reported as not found).
_find(candidates, ref) := r if {
	is_string(ref)
	matches := [c | some c in candidates; lower(c.id) == lower(ref)]
	count(matches) == 1
	r := matches[0]
} else := r if {
	is_string(ref)
	matches := [c | some c in candidates; lower(c.name) == lower(ref)]
	count(matches) == 1
	r := matches[0]
}

_part(status, text) := {"status": status, "text": text}

_broker := object.get(_airflow, "broker", null)

_broker_part := _part("unknown", "the wiring file names no broker (broker: {type: redis|rabbitmq|none})") if {
	not is_object(_broker)
} else := _part("pass", "no broker (Kubernetes or Local executor)") if {
	_broker.type == "none"
} else := _part("unknown", "RabbitMQ broker: its recovery is outside what Azure shows drready") if {
	_broker.type == "rabbitmq"
} else := _part("unknown", concat("", [
	"broker ", sprintf("%v", [_broker.resource]),
	" is not an Azure Cache for Redis or Managed Redis of the stamp",
])) if {
	not _find(_caches, _broker.resource)
} else := _redis_part(_find(_caches, _broker.resource))

_redis_part(r) := _part("pass", concat("", ["broker ", lib.name_of(r), " is in the secondary region"])) if {
	lib.in_secondary(r)
} else := _part("pass", concat("", ["broker ", lib.name_of(r), " is geo-replicated to the secondary"])) if {
	input.stamp.secondary_region in lib.linked_regions(r)
} else := _part("pass", concat("", [
	"broker ", lib.name_of(r), " has standby ", lib.name_of(lib.standby(r)),
	" in the secondary (queued tasks are re-queued by the scheduler)",
])) if {
	lib.standby(r)
} else := _part("unknown", concat("", [
	"broker ", lib.name_of(r), " is Azure Managed Redis, whose active geo-replication (on its databases)",
	" drready does not read, and has no standby in the secondary",
])) if {
	lower(r.type) == "microsoft.cache/redisenterprise"
} else := _part("fail", concat("", [
	"broker ", lib.name_of(r), " is neither geo-replicated nor has a standby in the secondary: Celery workers there",
	" have no queue",
]))

_xcom := object.get(_airflow, "xcom_backend", {"type": "database"})

_xcom_part := _part("pass", "XComs in the metadata database (DR-K8S-07 judges it)") if {
	object.get(_xcom, "type", "database") == "database"
} else := _part("unknown", concat("", [
	"XCom storage ", sprintf("%v", [object.get(_xcom, "resource", null)]),
	" is not a storage account of the stamp",
])) if {
	not _find(lib.resources_of("microsoft.storage/storageaccounts"), object.get(_xcom, "resource", null))
} else := _part("pass", concat("", [
	"XCom storage ", _xcom_account.name,
	" is geo-replicated (", _xcom_account.sku.name, ")",
])) if {
	_xcom_account.sku.name in lib.geo_storage_skus
} else := _part("fail", concat("", [
	"XCom storage ", _xcom_account.name, " is ", sprintf("%v", [object.get(_xcom_account, ["sku", "name"], null)]),
	": XComs of running DAGs are lost with the region",
]))

_xcom_account := _find(lib.resources_of("microsoft.storage/storageaccounts"), object.get(_xcom, "resource", null))

_parts := [_broker_part, _xcom_part]

_texts(status) := [p.text | some p in _parts; p.status == status]

_evidence := {"broker": _broker, "xcom_backend": _xcom}

results := [lib.declared_result(
	"not_applicable",
	sprintf("No Airflow is declared for stamp %s", [input.stamp.name]),
	{},
)] if {
	not lib.declared("airflow")
} else := [_summary("fail")] if {
	count(_texts("fail")) > 0
} else := [_summary("unknown")] if {
	count(_texts("unknown")) > 0
} else := [_summary("pass")]

_summary(status) := lib.declared_result(
	status,
	concat("", ["Airflow's broker and XComs: ", concat("; ", [p.text | some p in _parts])]),
	_evidence,
)
