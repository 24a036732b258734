# METADATA
# title: Node pools across zones
# description: >-
#   In regions with availability zones every VirtualMachineScaleSets node pool of the AKS cluster spans
#   at least 2 zones, and the system pools together run at least 3 nodes, so that losing one zone
#   leaves the cluster schedulable. Standard and Premium tiers give a 99.95% API server SLA with zones.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-aks
#     description: Reliability in Azure Kubernetes Service
#   - ref: https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers
#     description: AKS pricing tiers and uptime SLA
# custom:
#   id: DR-K8S-01
#   severity: high
#   stamps: [kubernetes]
#   resource_types: [microsoft.containerservice/managedclusters]
#   mechanism: null
#   plan:
#     azurerm_kubernetes_cluster:
#       type: Microsoft.ContainerService/managedClusters
#       body:
#         properties.agentPoolProfiles: >-
#           default_node_pool[].{name: name, mode: 'System', type: 'VirtualMachineScaleSets',
#           count: node_count || min_count || `0`, availabilityZones: zones || availability_zones || `[]`}
package drready.controls.kubernetes.dr_k8s_01

import data.drready.lib

results := [_cluster_result(r) | some r in lib.resources_of("microsoft.containerservice/managedclusters")]

_pools(r) := object.get(r, ["properties", "agentPoolProfiles"], [])

_single_zone_pools(r) := [p.name |
	some p in _pools(r)
	object.get(p, "type", "VirtualMachineScaleSets") == "VirtualMachineScaleSets"
	count(lib.list_or_empty(object.get(p, "availabilityZones", []))) < 2
]

_system_nodes(r) := sum([object.get(p, "count", 0) | some p in _pools(r); object.get(p, "mode", "System") == "System"])

_gaps(r) := array.concat(
	[concat("", [
		"node pool(s) ",
		concat(", ", _single_zone_pools(r)),
		" span fewer than 2 zones (recreate with --zones 1 2 3)",
	]) |
		count(_single_zone_pools(r)) > 0
	],
	[sprintf("system pools run %d node(s): run at least 3", [_system_nodes(r)]) | _system_nodes(r) < 3],
)

_evidence(r) := {"properties.agentPoolProfiles[]": [{
	"name": p.name,
	"mode": object.get(p, "mode", null),
	"count": object.get(p, "count", null),
	"availabilityZones": object.get(p, "availabilityZones", null),
} |
	some p in _pools(r)
]}

_cluster_result(r) := lib.result(
	r, "not_applicable",
	sprintf("%s is in %v, a region without availability zones", [lib.name_of(r), r.location]),
	_evidence(r),
) if {
	lib.no_zones(lib.region(r))
} else := lib.result(
	r, "fail",
	concat("", [sprintf("AKS cluster %s would lose capacity with a zone: ", [lib.name_of(r)]), concat("; ", _gaps(r))]),
	_evidence(r),
) if {
	lib.zone_region(lib.region(r))
	count(_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf("AKS cluster %s spreads every pool across zones with %d system nodes", [lib.name_of(r), _system_nodes(r)]),
	_evidence(r),
) if {
	lib.zone_region(lib.region(r))
}
