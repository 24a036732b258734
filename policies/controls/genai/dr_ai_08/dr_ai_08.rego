# METADATA
# title: Model requests buffered in a queue that survives the region
# description: >-
#   Each route of the declared model gateway names the queue that buffers its requests while models are
#   rate-limited or failing over (`queue`: a Service Bus or Event Hubs namespace of the stamp, by name or
#   id), and that queue can itself be recovered in the secondary: Service Bus or Event Hubs
#   geo-replication with a secondary replica (properties.geoDataReplication; metadata and messages),
#   a geo-disaster recovery alias pairing it as Primary with a partner namespace (disasterRecoveryConfigs;
#   metadata only, so messages waiting at failover are lost, and the message says so), or a standby
#   namespace in the secondary. A route without a queue fails: a throttled or failing model then drops
#   requests rather than holding them. A queue that is not a namespace of the stamp, or whose
#   disaster-recovery configuration was not read, is unknown. A pairing still being set up
#   (provisioningState not Succeeded, a replica not Active) is unknown; PrimaryNotReplicating fails.
#   The gateway configuration is declared evidence, not observed.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/service-bus-messaging/service-bus-geo-replication
#     description: Service Bus geo-replication (metadata and data)
#   - ref: https://learn.microsoft.com/azure/service-bus-messaging/service-bus-geo-dr
#     description: Service Bus geo-disaster recovery (metadata only)
#   - ref: https://learn.microsoft.com/azure/event-hubs/geo-replication
#     description: Event Hubs geo-replication (metadata, event data and consumer offsets)
#   - ref: https://learn.microsoft.com/azure/event-hubs/event-hubs-geo-dr
#     description: Event Hubs geo-disaster recovery (metadata only)
#   - ref: https://learn.microsoft.com/azure/architecture/ai-ml/guide/azure-openai-gateway-multi-backend
#     description: Use a gateway in front of multiple Azure OpenAI deployments
# custom:
#   id: DR-AI-08
#   severity: high
#   stamps: [genai]
#   scope: stamp
#   reads: [microsoft.servicebus/namespaces, microsoft.eventhub/namespaces]
#   mechanism: null
#   collect:
#     - type: microsoft.servicebus/namespaces
#       kind: disasterRecoveryConfigs
#       path: disasterRecoveryConfigs
#       api: "2024-01-01"
#     - type: microsoft.eventhub/namespaces
#       kind: disasterRecoveryConfigs
#       path: disasterRecoveryConfigs
#       api: "2024-01-01"
#   remediation:
#     summary: >-
#       Name the queue of each route in the model-gateway file (routes[].queue), and make it recoverable:
#       Service Bus geo-replication (Premium) or a geo-disaster recovery alias, Event Hubs geo-replication
#       or geo-DR, or a standby namespace in the secondary region
package drready.controls.genai.dr_ai_08

import data.drready.lib

_gateway := lib.declared("model_gateway")

_namespaces := array.concat(
	lib.resources_of("microsoft.servicebus/namespaces"),
	lib.resources_of("microsoft.eventhub/namespaces"),
)

# The stamp's namespace a route's queue names (its name or its id), compared in lower case.
_queue(route) := ns if {
	is_string(route.queue)
	some ns in _namespaces
	lower(route.queue) in {lower(ns.name), lower(ns.id)}
}

_way(status, how) := {"status": status, "how": how}

_line(status, route, text) := {"status": status, "text": concat("", ["route ", route.name, text])}

# How a namespace survives the primary region: {"status", "how"}.
_recovery(ns) := _way("pass", "in the secondary region") if {
	lib.in_secondary(ns)
} else := _way("pass", concat("", ["geo-replicated to ", concat(", ", _replicas(ns))])) if {
	count(_replicas(ns)) > 0
	count(_unready_replicas(ns)) == 0
	_replica_in_secondary(ns)
} else := _way("unknown", concat("", ["its replica in ", concat(", ", _unready_replicas(ns)), " is not Active"])) if {
	count(_unready_replicas(ns)) > 0
} else := _way("fail", concat("", [
	"geo-replicated to ", concat(", ", _replicas(ns)),
	", not to the secondary region ", input.stamp.secondary_region,
])) if {
	count(_replicas(ns)) > 0
	count(_unready_replicas(ns)) == 0
	count(_aliases(ns)) == 0
	not lib.standby(ns)
} else := _alias_recovery(ns) if {
	some _ in _aliases(ns)
} else := _way("pass", concat("", ["standby namespace ", lib.name_of(lib.standby(ns)), " in the secondary"])) if {
	lib.in_primary(ns)
	lib.standby(ns)
} else := _way("unknown", "its disaster-recovery configurations were not read") if {
	not lib.children(ns, "disasterRecoveryConfigs")
} else := _way("fail", "neither geo-replicated nor paired by geo-disaster recovery, and no standby namespace")

_replica_locations(ns) := lib.list_or_empty(lib.prop(ns, ["geoDataReplication", "locations"]))

# The region replicas are compared with: the Primary replica's (which need not be the namespace's own
# location, as Microsoft's example shows), else the namespace's.
_primary_region(ns) := primaries[0] if {
	primaries := [lib.norm_region(l.locationName) |
		some l in _replica_locations(ns)
		object.get(l, "roleType", null) == "Primary"
		is_string(l.locationName)
	]
	count(primaries) > 0
} else := lib.region(ns)

_secondary_replicas(ns) := [l |
	some l in _replica_locations(ns)
	object.get(l, "roleType", null) == "Secondary"
	lib.norm_region(object.get(l, "locationName", null)) != ""
	lib.norm_region(object.get(l, "locationName", null)) != _primary_region(ns)
]

_replicas(ns) := [object.get(l, "locationName", "") | some l in _secondary_replicas(ns)]

_replica_in_secondary(ns) if {
	some l in _secondary_replicas(ns)
	lib.norm_region(l.locationName) == input.stamp.secondary_region
}

# A replica state, where the body gives one (newer API versions), must be Active.
_unready_replicas(ns) := [object.get(l, "locationName", "") |
	some l in _secondary_replicas(ns)
	object.get(l, "replicaState", "Active") != "Active"
]

_aliases(ns) := [a | some a in lib.list_or_empty(lib.children(ns, "disasterRecoveryConfigs"))]

_alias_recovery(ns) := _way("pass", concat("", [
	"paired with ", a.properties.partnerNamespace,
	" by geo-disaster recovery (metadata only: messages waiting at failover are lost)",
])) if {
	some a in _aliases(ns)
	object.get(a, ["properties", "role"], null) == "Primary"
	object.get(a, ["properties", "provisioningState"], null) == "Succeeded"
	is_string(object.get(a, ["properties", "partnerNamespace"], null))
} else := _way("fail", "its geo-disaster recovery alias is PrimaryNotReplicating") if {
	some a in _aliases(ns)
	object.get(a, ["properties", "role"], null) == "PrimaryNotReplicating"
} else := _way("unknown", "its geo-disaster recovery alias is not a Succeeded pairing with this namespace as Primary")

# One line per route: {"status", "text"}.
_route_verdict(route) := _line("fail", route, ": no queue buffers its requests") if {
	not is_string(object.get(route, "queue", null))
} else := _line(
	"unknown", route,
	concat("", [": queue ", route.queue, " is not a Service Bus or Event Hubs namespace of the stamp"]),
) if {
	not _queue(route)
} else := _line(r.status, route, concat("", [": queue ", lib.name_of(ns), " is ", r.how])) if {
	ns := _queue(route)
	r := _recovery(ns)
}

_routes := lib.list_or_empty(object.get(_gateway, "routes", []))

_verdicts := [v | some route in _routes; v := _route_verdict(route)]

_texts(status) := [v.text | some v in _verdicts; v.status == status]

_evidence := {
	"routes": count(lib.list_or_empty(object.get(_gateway, "routes", []))),
	"source": object.get(_gateway, "source", null),
}

results := [lib.declared_result(
	"unknown",
	concat("", [
		sprintf("No model-gateway configuration is declared for stamp %s: ", [input.stamp.name]),
		"request buffering is unknown (name it under stamps[].declared.model_gateway in drready.yaml)",
	]),
	{},
)] if {
	not lib.declared("model_gateway")
} else := [lib.declared_result("not_applicable", "The declared model gateway has no routes", _evidence)] if {
	count(_routes) == 0
} else := [_summary("fail")] if {
	count(_texts("fail")) > 0
} else := [_summary("unknown")] if {
	count(_texts("unknown")) > 0
} else := [_summary("pass")]

# The stamp's result: the routes with that status, one clause each.
_summary(status) := lib.declared_result(
	status,
	concat("", ["Model request buffering: ", concat("; ", _texts(status))]),
	_evidence,
)
