# METADATA
# title: Node pools across zones
# description: >-
#   In regions with availability zones every node pool of the AKS cluster spans at least 2 zones
#   (availability-set pools cannot), and in every region the system pools together keep at least 3
#   nodes, so that losing a zone or a node leaves the cluster schedulable. A pool with the cluster
#   autoscaler on counts its minCount, the size it may shrink to, not its current count (as PSRule's
#   Azure.AKS.MinNodeCount does); a pool that gives neither makes the finding unknown. Differs from
#   PSRule's Azure.AKS.AvailabilityZone, which accepts one zone: one zone is lost with that zone.
#   Standard and Premium tiers give a 99.95% API server SLA with zones.
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
#   absent_ok:
#     properties.agentPoolProfiles.enableAutoScaling: ARM's default is false, so the pool's count is its size
#   plan:
#     azurerm_kubernetes_cluster:
#       type: Microsoft.ContainerService/managedClusters
#       body:
#         properties.agentPoolProfiles: >-
#           default_node_pool[].{name: name, mode: 'System', type: 'VirtualMachineScaleSets',
#           count: node_count || min_count,
#           enableAutoScaling: (auto_scaling_enabled || enable_auto_scaling) == `true`,
#           minCount: min_count, maxCount: max_count, availabilityZones: zones || availability_zones || `[]`}
package drready.controls.kubernetes.dr_k8s_01

import data.drready.lib

results := [_cluster_result(r) | some r in lib.resources_of("microsoft.containerservice/managedclusters")]

_pools(r) := lib.list_or_empty(lib.prop(r, ["agentPoolProfiles"]))

_system_pools(r) := [p | some p in _pools(r); _pool_mode(r, p) == "System"]

# A pool's mode; a cluster's only pool is its system pool (a cluster always has one) even where the
# body leaves the mode out, as Microsoft's example does.
_pool_mode(r, p) := m if {
	m := object.get(p, "mode", null)
	is_string(m)
} else := "System" if count(_pools(r)) == 1

_pool_name(p) := n if {
	n := object.get(p, "name", null)
	is_string(n)
} else := "(unnamed)"

# Pools that do not say whether they are system or user pools.
_modeless(r) := [_pool_name(p) | some p in _pools(r); not _pool_mode(r, p) in {"System", "User"}]

# The nodes a pool keeps: with the autoscaler on, the minimum it may shrink to; else its count.
_pool_nodes(p) := p.minCount if {
	object.get(p, "enableAutoScaling", false) == true
	is_number(p.minCount)
} else := p.count if {
	object.get(p, "enableAutoScaling", false) != true
	is_number(p.count)
} else := p.minCount if {
	object.get(p, "enableAutoScaling", false) != true
	is_number(p.minCount)
}

_uncounted(r) := array.concat(
	[_pool_name(p) | some p in _system_pools(r); not _pool_nodes(p)],
	_modeless(r),
)

_system_nodes(r) := sum([_pool_nodes(p) | some p in _system_pools(r)])

_single_zone_pools(r) := [_pool_name(p) |
	some p in _pools(r)
	count(lib.list_or_empty(object.get(p, "availabilityZones", []))) < 2
]

_zone_gaps(r) := [concat("", [
	"node pool(s) ",
	concat(", ", _single_zone_pools(r)),
	" span fewer than 2 zones (recreate them with --zones 1 2 3)",
])] if {
	lib.zone_region(lib.region(r))
	count(_single_zone_pools(r)) > 0
} else := []

_node_gaps(r) := [concat("", [
	sprintf("system pools keep %d node(s)", [_system_nodes(r)]),
	" (with the autoscaler, its minCount): keep at least 3",
])] if {
	_system_nodes(r) < 3
} else := []

_gaps(r) := array.concat(_zone_gaps(r), _node_gaps(r))

_evidence(r) := {"properties.agentPoolProfiles[]": [{
	"name": object.get(p, "name", null),
	"mode": object.get(p, "mode", null),
	"count": object.get(p, "count", null),
	"enableAutoScaling": object.get(p, "enableAutoScaling", null),
	"minCount": object.get(p, "minCount", null),
	"availabilityZones": object.get(p, "availabilityZones", null),
} |
	some p in _pools(r)
]}

_cluster_result(r) := lib.unknown(
	r,
	sprintf("AKS cluster %s: its agent pool profiles are not in the collected body", [lib.name_of(r)]),
) if {
	not is_array(lib.prop(r, ["agentPoolProfiles"]))
} else := lib.unknown(
	r,
	concat("", [
		sprintf("AKS cluster %s: system pool(s) ", [lib.name_of(r)]),
		concat(", ", _uncounted(r)),
		" give no mode (System or User), or neither a node count nor, with the autoscaler, a minCount",
	]),
) if {
	count(_uncounted(r)) > 0
} else := _judged(r)

_judged(r) := lib.result(
	r, "fail",
	concat("", [
		sprintf("AKS cluster %s would lose capacity with a zone or a node: ", [lib.name_of(r)]),
		concat("; ", _gaps(r)),
	]),
	_evidence(r),
) if {
	_zones_known(r)
	count(_gaps(r)) > 0
} else := lib.result(
	r, "not_applicable",
	# concat, not sprintf, around the computed region name: rego-cpp 1.5.2 would keep its quotes
	concat("", [
		sprintf("%s is in ", [lib.name_of(r)]),
		lib.region(r),
		sprintf(", a region without availability zones; its system pools keep %d nodes", [_system_nodes(r)]),
	]),
	_evidence(r),
) if {
	lib.no_zones(lib.region(r))
} else := lib.result(
	r, "pass",
	sprintf(
		"AKS cluster %s spreads every pool across zones and keeps %d system nodes",
		[lib.name_of(r), _system_nodes(r)],
	),
	_evidence(r),
) if {
	lib.zone_region(lib.region(r))
}

# The node count is judged in any region; the zone spread only where the region's support is known.
_zones_known(r) if lib.zone_region(lib.region(r))

_zones_known(r) if lib.no_zones(lib.region(r))
