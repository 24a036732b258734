# METADATA
# title: Images pullable in the secondary
# description: >-
#   The container registry can serve images in the secondary region: it is Premium with a
#   geo-replication there, or a registry of the stamp exists in the secondary region. Without it a
#   standby cluster cannot pull its images after the primary region is lost.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/container-registry/container-registry-geo-replication
#     description: Geo-replication in Azure Container Registry
# custom:
#   id: DR-K8S-08
#   severity: high
#   stamps: [kubernetes]
#   resource_types: [microsoft.containerregistry/registries]
#   mechanism: null
#   collect:
#     - type: microsoft.containerregistry/registries
#       kind: replications
#       path: replications
#       api: "2023-07-01"
#       when: {sku.name: [Premium]}
#   spof: container registry without a replica in the secondary
#   plan:
#     azurerm_container_registry:
#       type: Microsoft.ContainerRegistry/registries
#       body:
#         sku.name: sku
#         children.replications: "(georeplications || `[]`)[].{name: location, location: location}"
package drready.controls.kubernetes.dr_k8s_08

import data.drready.lib

results := [_registry_result(r) | some r in lib.resources_of("microsoft.containerregistry/registries")]

_sku(r) := object.get(r, ["sku", "name"], null)

_replicated(r) if {
	some rep in lib.children(r, "replications")
	lib.norm_region(rep.location) == input.stamp.secondary_region
}

_standby(r) if lib.counterpart(r)

_standby(_) if count(lib.in_secondary_of_type("microsoft.containerregistry/registries")) > 0

_evidence(r) := {"sku.name": _sku(r), "replications": object.get(input.children, [lower(r.id), "replications"], null)}

_registry_result(r) := lib.result(r, "not_applicable", lib.counterpart_message(r), _evidence(r)) if {
	lib.in_secondary(r)
} else := lib.result(
	r, "pass",
	sprintf("Registry %s has a registry in %s to pull from", [lib.name_of(r), input.stamp.secondary_region]),
	_evidence(r),
) if {
	_standby(r)
} else := lib.result(
	r, "pass",
	sprintf("Registry %s is geo-replicated to %s", [lib.name_of(r), input.stamp.secondary_region]),
	_evidence(r),
) if {
	_replicated(r)
} else := lib.unknown(
	r,
	sprintf("Registry %s is Premium but its replications were not collected", [lib.name_of(r)]),
) if {
	_sku(r) == "Premium"
	not lib.children(r, "replications")
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Registry %s (%v) has no replica in %v: a standby cluster could not pull images. ",
			[lib.name_of(r), _sku(r), input.stamp.secondary_region],
		),
		sprintf(
			"Upgrade to Premium and run az acr replication create -r %s -l %v",
			[lib.name_of(r), input.stamp.secondary_region],
		),
	]),
	_evidence(r),
)
