# METADATA
# title: Secondary Databricks workspace
# description: >-
#   Each primary Azure Databricks workspace has a workspace in the secondary region with the same SKU,
#   VNet-injected when the primary is (DR-NET-01 covers the network's parity). Azure Databricks is a
#   single-region service with no built-in multi-region capability or workspace backup: recovery means
#   a second workspace with jobs, notebooks and data replicated to it.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-databricks
#     description: Reliability in Azure Databricks
# custom:
#   id: DR-DATA-01
#   severity: high
#   stamps: [data, genai]
#   resource_types: [microsoft.databricks/workspaces]
#   mechanism: workspace_redeploy
#   recovery: {step: databricks, label: Resume Databricks jobs, phase: compute, lists: primary,
#     mechanism: workspace_redeploy, after: [shir]}
#   plan:
#     azurerm_databricks_workspace:
#       type: Microsoft.Databricks/workspaces
#       body:
#         sku.name: sku
#         properties.parameters: >-
#           custom_parameters[0].virtual_network_id && {customVirtualNetworkId: {value:
#           custom_parameters[0].virtual_network_id}} || `{}`
package drready.controls.data.dr_data_01

import data.drready.lib

results := [_workspace_result(r) | some r in lib.resources_of("microsoft.databricks/workspaces")]

_sku(r) := object.get(r, ["sku", "name"], null)

_vnet_id(r) := object.get(r, ["properties", "parameters", "customVirtualNetworkId", "value"], null)

_vnet_injected(r) if object.get(r, ["properties", "parameters", "customVirtualNetworkId", "value"], "") != ""

_standby(r) := lib.standby(r)

_standby_gaps(r, s) := array.concat(
	[sprintf("its standby %s is %v, not %v", [s.name, _sku(s), _sku(r)]) | _sku(s) != _sku(r)],
	[sprintf("it is VNet-injected but its standby %s is not", [s.name]) | _vnet_injected(r); not _vnet_injected(s)],
)

_evidence(r) := {"sku.name": _sku(r), "properties.parameters.customVirtualNetworkId.value": _vnet_id(r)}

_workspace_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Databricks workspace %s has no workspace in %v to fail over to",
			[lib.name_of(r), input.stamp.secondary_region],
		),
		lib.standbys_taken(r),
		": create one (same SKU, VNet-injected like the primary) and sync jobs, notebooks and Unity Catalog data to it",
	]),
	_evidence(r),
) if {
	not _standby(r)
} else := lib.result(
	r, "fail",
	concat("", [sprintf("Databricks workspace %s: ", [lib.name_of(r)]), concat("; ", _standby_gaps(r, _standby(r)))]),
	_evidence(r),
) if {
	count(_standby_gaps(r, _standby(r))) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Databricks workspace %s has standby %s in %s",
		[lib.name_of(r), _standby(r).name, input.stamp.secondary_region],
	),
	_evidence(r),
)
