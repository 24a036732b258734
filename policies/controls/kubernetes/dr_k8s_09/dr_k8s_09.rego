# METADATA
# title: AKS on a tier with an uptime SLA
# description: >-
#   Every AKS cluster of the stamp, the standby included (it carries production after a failover), runs
#   on the Standard or Premium tier (sku.tier; "Paid" in API versions before 2023-02-01 is the Standard
#   tier). The Free tier has no financially backed uptime SLA for the API server, which the failover
#   itself depends on, and Microsoft recommends it only for experimenting and development; Standard and
#   Premium give 99.95% with availability zones and 99.9% without. A body without sku.tier is unknown.
#   Same intent as PSRule's Azure.AKS.UptimeSLA, which also accepts Premium.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers
#     description: Free, Standard and Premium pricing tiers for AKS cluster management
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-aks
#     description: Reliability in Azure Kubernetes Service
#   - ref: https://azure.github.io/PSRule.Rules.Azure/en/rules/Azure.AKS.UptimeSLA
#     description: PSRule for Azure, Azure.AKS.UptimeSLA
# custom:
#   id: DR-K8S-09
#   severity: medium
#   stamps: [kubernetes, genai]
#   resource_types: [microsoft.containerservice/managedclusters]
#   mechanism: null
#   remediation:
#     summary: Move the cluster to the Standard tier (no downtime; billed per cluster hour)
#     command: az aks update -n {name} -g {resource_group} --subscription {subscription} --tier standard
#   plan:
#     azurerm_kubernetes_cluster:
#       type: Microsoft.ContainerService/managedClusters
#       body:
#         sku.tier: sku_tier || 'Free'
package drready.controls.kubernetes.dr_k8s_09

import data.drready.lib

results := [x | some r in lib.resources_of("microsoft.containerservice/managedclusters"); x := _cluster_result(r)]

# Compared in lower case: ARM returns "Standard", Terraform plans and older bodies other casings.
_sla_tiers := {"standard", "premium", "paid"}

_tier(r) := object.get(r, ["sku", "tier"], null)

_role(r) := " (the standby)" if lib.in_secondary(r)

else := ""

_cluster_result(r) := lib.unknown(
	r,
	sprintf("AKS cluster %s: the collected body gives no sku.tier", [lib.name_of(r)]),
) if {
	not is_string(_tier(r))
} else := lib.result(
	r, "pass",
	concat("", [
		"AKS cluster ", lib.name_of(r), _role(r), " is on the ",
		_tier(r),
		" tier, with an uptime SLA for its API server",
	]),
	{"sku.tier": _tier(r)},
) if {
	lower(_tier(r)) in _sla_tiers
} else := lib.result(
	r, "fail",
	concat("", [
		"AKS cluster ", lib.name_of(r), _role(r), " is on the ",
		_tier(r),
		" tier: no uptime SLA for the API server that a failover drives. Run: ",
		sprintf("az aks update -n %s -g %s --tier standard", [lib.name_of(r), lib.resource_group(r)]),
	]),
	{"sku.tier": _tier(r)},
)
