# METADATA
# title: Factory recoverable as code
# description: >-
#   The Data Factory is under Git source control (GitHub or Azure DevOps repoConfiguration), so its
#   pipelines, triggers and linked services can be redeployed, and a factory of the stamp exists in the
#   secondary region. Microsoft-managed failover of Data Factory is best-effort, after a significant
#   delay, and may lose factory metadata.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-data-factory
#     description: Reliability in Azure Data Factory
# custom:
#   id: DR-DATA-02
#   severity: high
#   stamps: [data]
#   resource_types: [microsoft.datafactory/factories]
#   mechanism: factory_redeploy
#   recovery: {step: factory, label: Redeploy Data Factory, phase: compute, lists: primary, mechanism: factory_redeploy}
#   plan:
#     azurerm_data_factory:
#       type: Microsoft.DataFactory/factories
#       body:
#         properties.repoConfiguration: >-
#           github_configuration[0].{type: 'FactoryGitHubConfiguration', accountName: account_name,
#           repositoryName: repository_name} || vsts_configuration[0].{type: 'FactoryVSTSConfiguration',
#           accountName: account_name, repositoryName: repository_name} || `null`
package drready.controls.data.dr_data_02

import data.drready.lib

_git_types := {"FactoryVSTSConfiguration", "FactoryGitHubConfiguration"}

results := [_factory_result(r) | some r in lib.resources_of("microsoft.datafactory/factories")]

_repo_type(r) := object.get(r, ["properties", "repoConfiguration", "type"], null)

_standby(r) if lib.counterpart(r)

_standby(_) if count(lib.in_secondary_of_type("microsoft.datafactory/factories")) > 0

_gaps(r) := array.concat(
	[concat("", [
		sprintf("no Git repoConfiguration (found %v): ", [_repo_type(r)]),
		"connect it to GitHub or Azure DevOps so it can be redeployed",
	]) |
		not _repo_type(r) in _git_types
	],
	[sprintf("no factory in %v to redeploy into", [input.stamp.secondary_region]) | not _standby(r)],
)

_evidence(r) := {"properties.repoConfiguration.type": _repo_type(r)}

_factory_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "fail",
	concat("", [sprintf("Data Factory %s: ", [lib.name_of(r)]), concat("; ", _gaps(r))]),
	_evidence(r),
) if {
	count(_gaps(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Data Factory %s is in Git (%s) and has a factory to redeploy into in %s",
		[lib.name_of(r), _repo_type(r), input.stamp.secondary_region],
	),
	_evidence(r),
)
