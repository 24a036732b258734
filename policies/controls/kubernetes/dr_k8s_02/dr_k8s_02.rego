# METADATA
# title: Standby cluster in the secondary
# description: >-
#   Each primary AKS cluster has a cluster in the secondary region on the same Kubernetes minor
#   version, so workloads and restored state land on a compatible API. AKS clusters are single-region
#   resources; multi-region means a second cluster (or Azure Kubernetes Fleet Manager).
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-aks
#     description: Reliability in Azure Kubernetes Service
# custom:
#   id: DR-K8S-02
#   severity: high
#   stamps: [kubernetes]
#   resource_types: [microsoft.containerservice/managedclusters]
#   mechanism: cluster_standby
#   recovery: {step: aks, label: Bring up standby for, phase: compute, per_resource: true}
#   plan:
#     azurerm_kubernetes_cluster:
#       type: Microsoft.ContainerService/managedClusters
#       body:
#         properties.kubernetesVersion: kubernetes_version
package drready.controls.kubernetes.dr_k8s_02

import data.drready.lib

results := [lib.with_mechanism(_standby_result(r), _mechanism(r)) |
	some r in lib.resources_of("microsoft.containerservice/managedclusters")
]

_mechanism(r) := "cluster_standby" if _standby(r)

else := "none"

_version(r) := v if {
	v := lib.prop(r, ["currentKubernetesVersion"])
	is_string(v)
} else := v if {
	v := lib.prop(r, ["kubernetesVersion"])
	is_string(v)
}

_standby(r) := lib.standby(r)

_evidence(r) := {
	"properties.currentKubernetesVersion": lib.prop(r, ["currentKubernetesVersion"]),
	"properties.kubernetesVersion": lib.prop(r, ["kubernetesVersion"]),
}

_standby_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("AKS cluster %s has no standby cluster in %v", [lib.name_of(r), input.stamp.secondary_region]),
		lib.standbys_taken(r),
		": create one (same Kubernetes minor version) and keep its workloads deployable by GitOps or pipelines",
	]),
	_evidence(r),
) if {
	not _standby(r)
} else := lib.unknown(
	r,
	sprintf("AKS cluster %s or its standby %s does not report its Kubernetes version", [lib.name_of(r), _standby(r).name]),
) if {
	not _both_versions(r, _standby(r))
} else := lib.result(
	r, "fail",
	sprintf(
		"AKS cluster %s runs Kubernetes %v but its standby %s runs %v: upgrade the standby to the same minor version",
		[lib.name_of(r), _version(r), _standby(r).name, _version(_standby(r))],
	),
	object.union(_evidence(r), {"standby version": object.get(_standby(r), ["properties", "kubernetesVersion"], null)}),
) if {
	lib.minor_version(_version(r)) != lib.minor_version(_version(_standby(r)))
} else := lib.result(
	r, "pass",
	sprintf(
		"AKS cluster %s has standby %s in %s on Kubernetes %v",
		[lib.name_of(r), _standby(r).name, input.stamp.secondary_region, _version(_standby(r))],
	),
	_evidence(r),
)

_both_versions(r, s) if {
	_version(r)
	_version(s)
}
