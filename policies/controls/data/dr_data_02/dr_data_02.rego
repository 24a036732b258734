# METADATA
# title: Factory recoverable as code
# description: >-
#   The factory's content can be redeployed and already stands in the secondary: it is recoverable
#   from source control (its own Git repoConfiguration, a Git-connected factory of the same stamp that
#   publishes to it, or a CI/CD source declared with the drready-source tag), and its counterpart in the
#   secondary region has every pipeline, trigger, linked service and integration runtime the primary
#   has (by name, read from ARM), with the secondary's triggers not Started (properties.runtimeState):
#   a passive factory whose schedule triggers run would repeat every primary run against the same
#   stores, so the triggers wait, stopped, until failover; a trigger whose state ARM does not report
#   makes parity unknown. Microsoft recommends Git on the development factory only, with
#   production deployed by CI/CD, so a production factory without repoConfiguration is not by itself
#   a gap. Microsoft-managed failover of Data Factory is best-effort, after a significant delay, and may
#   lose factory metadata.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-data-factory
#     description: Reliability in Azure Data Factory
#   - ref: https://learn.microsoft.com/azure/data-factory/continuous-integration-delivery
#     description: Continuous integration and delivery in Azure Data Factory (Git on the development factory only)
# custom:
#   id: DR-DATA-02
#   severity: high
#   stamps: [data]
#   resource_types: [microsoft.datafactory/factories]
#   mechanism: factory_redeploy
#   absent_ok:
#     properties.repoConfiguration: >-
#       a Git-connected factory of the stamp, or a declared CI/CD source, makes the content recoverable
#   collect:
#     - {type: microsoft.datafactory/factories, kind: pipelines, path: pipelines, api: "2018-06-01"}
#     - {type: microsoft.datafactory/factories, kind: triggers, path: triggers, api: "2018-06-01"}
#     - {type: microsoft.datafactory/factories, kind: linkedServices, path: linkedservices, api: "2018-06-01"}
#   recovery:
#     step: factory
#     label: Redeploy Data Factory
#     phase: compute
#     lists: primary
#     mechanism: factory_redeploy
#     # Triggers start last: after the runtime is online and the Databricks jobs resumed (the seed's order).
#     after: [shir, databricks]
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

_type := "microsoft.datafactory/factories"

_git_types := {"FactoryVSTSConfiguration", "FactoryGitHubConfiguration"}

# What a failover needs in the secondary factory, by the child kind read from ARM. Integration
# runtimes are read by DR-DATA-03 (with their status) under the same kind.
_kinds := ["pipelines", "triggers", "linkedServices", "integrationRuntimes"]

results := [_factory_result(r) | some r in lib.resources_of(_type)]

_repo_type(r) := lib.prop(r, ["repoConfiguration", "type"])

_git_factories := [f.name | some f in lib.resources_of(_type); _repo_type(f) in _git_types]

# Where the factory's content can be redeployed from (none: an empty list).
_sources(r) := [concat("", ["its own Git repository (", _repo_type(r), ")"])] if {
	_repo_type(r) in _git_types
} else := [concat("", ["the Git-connected factory ", concat(", ", _git_factories)])] if {
	count(_git_factories) > 0
} else := [concat("", ["the declared CI/CD source ", lib.tag(r, "drready-source")])] if {
	is_string(lib.tag(r, "drready-source"))
	lib.tag(r, "drready-source") != ""
} else := []

_names(f, kind) := {lower(object.get(c, "name", "")) | some c in lib.children(f, kind)}

_not_read(r, s) := [concat("", [f.name, " ", kind]) |
	some f in [r, s]
	some kind in _kinds
	not lib.children(f, kind)
]

_lacking(r, s) := [concat("", [kind, ": ", concat(", ", sort(_names(r, kind) - _names(s, kind)))]) |
	some kind in _kinds
	count(_names(r, kind) - _names(s, kind)) > 0
]

_evidence(r) := {
	"properties.repoConfiguration.type": _repo_type(r),
	"recoverable from": _sources(r),
	"content": {kind: count(lib.list_or_empty(lib.children(r, kind))) | some kind in _kinds},
}

_factory_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), _evidence(r)) if {
	not lib.in_primary(r)
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Data Factory %s cannot be redeployed from source: ", [lib.name_of(r)]),
		"no Git repoConfiguration on it or on another factory of the stamp, and no CI/CD source declared ",
		"(tag drready-source with the repository); connect the development factory to GitHub or Azure DevOps",
	]),
	_evidence(r),
) if {
	count(_sources(r)) == 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf(
			"Data Factory %s has no factory of its own in %v to fail over to ",
			[lib.name_of(r), input.stamp.secondary_region],
		),
		"(pair one by the dr-pair tag or the region token in its name) and deploy its content there",
	]),
	_evidence(r),
) if {
	not lib.counterpart(r)
} else := _parity(r, lib.counterpart(r))

_parity(r, s) := lib.unknown(
	r,
	concat("", [
		sprintf("Data Factory %s: the content of ", [lib.name_of(r)]),
		concat(", ", _not_read(r, s)),
		" was not collected (ARM child lists), so parity with the secondary is not known",
	]),
) if {
	count(_not_read(r, s)) > 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Data Factory %s: its secondary %s lacks ", [lib.name_of(r), lib.name_of(s)]),
		concat("; ", _lacking(r, s)),
		". Deploy the same release to both factories (the secondary's triggers stopped)",
	]),
	object.union(_evidence(r), {"secondary": s.id}),
) if {
	count(_lacking(r, s)) > 0
} else := _triggers_result(r, s)

# The secondary's triggers that run (Started), and those whose state is not reported.
_started(s) := sort([n |
	some t in lib.children(s, "triggers")
	object.get(t, ["properties", "runtimeState"], null) == "Started"
	n := _trigger_name(t)
])

_state_unknown(s) := sort([n |
	some t in lib.children(s, "triggers")
	not is_string(object.get(t, ["properties", "runtimeState"], null))
	n := _trigger_name(t)
])

_trigger_name(t) := t.name if is_string(object.get(t, "name", null))

_trigger_name(t) := "(a trigger without a name)" if not is_string(object.get(t, "name", null))

_triggers_result(r, s) := lib.result(
	r, "fail",
	concat("", [
		sprintf("Data Factory %s: the triggers of its secondary %s run (Started: ", [lib.name_of(r), lib.name_of(s)]),
		concat(", ", _started(s)),
		"), so the passive factory repeats the primary's schedules against the same stores; ",
		"stop them until failover (az datafactory trigger stop)",
	]),
	object.union(_evidence(r), {"secondary": s.id, "secondary triggers started": _started(s)}),
) if {
	count(_started(s)) > 0
} else := lib.unknown(
	r,
	concat("", [
		sprintf("Data Factory %s: whether the secondary's triggers are stopped is not known ", [lib.name_of(r)]),
		"(no runtimeState on ", concat(", ", _state_unknown(s)), ")",
	]),
) if {
	count(_state_unknown(s)) > 0
} else := lib.result(
	r, "pass",
	concat("", [
		sprintf("Data Factory %s is recoverable from ", [lib.name_of(r)]),
		concat(", ", _sources(r)),
		sprintf(
			" and its secondary %s has the same pipelines, triggers (stopped), linked services and runtimes",
			[lib.name_of(s)],
		),
	]),
	object.union(_evidence(r), {"secondary": s.id}),
)
