# METADATA
# title: SHIR is not a single point of failure
# description: >-
#   Every self-hosted integration runtime of the primary factory has at least 2 online nodes (up to
#   4 are supported), and the secondary factory has a self-hosted runtime with at least one
#   registered node. Node status comes from the ARM getStatus action, not Resource Graph; a runtime
#   whose status was not collected is unknown. Microsoft-managed Data Factory failover does not cover
#   self-hosted runtimes.
# related_resources:
#   - ref: "https://learn.microsoft.com/azure/data-factory/\
#       create-self-hosted-integration-runtime#high-availability-and-scalability"
#     description: Self-hosted integration runtime high availability
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-data-factory
#     description: Reliability in Azure Data Factory
# custom:
#   id: DR-DATA-03
#   severity: critical
#   stamps: [data]
#   resource_types: [microsoft.datafactory/factories]
#   mechanism: shir
#   collect:
#     - type: microsoft.datafactory/factories
#       kind: integrationRuntimes
#       path: integrationRuntimes
#       api: "2018-06-01"
#       action: getStatus
#   recovery:
#     step: shir
#     label: Bring self-hosted integration runtime online
#     phase: compute
#     when: [pass, fail]
#     mechanism: shir
#   spof: self-hosted integration runtime without a second node or a standby
package drready.controls.data.dr_data_03

import data.drready.lib

results := [_shir_result(r) | some r in lib.resources_of("microsoft.datafactory/factories")]

_self_hosted(f) := [ir |
	some ir in lib.list_or_empty(lib.children(f, "integrationRuntimes"))
	object.get(ir, ["properties", "type"], null) == "SelfHosted"
]

# getStatus returns typeProperties.nodes over REST; SDKs flatten it to properties.nodes.
_nodes(ir) := lib.list_or_empty(object.get(
	ir, ["properties", "typeProperties", "nodes"],
	object.get(ir, ["properties", "nodes"], []),
))

_online(ir) := count([n | some n in _nodes(ir); object.get(n, "status", null) == "Online"])

_weak(f) := [sprintf("%s has %d online node(s)", [lib.name_of(ir), _online(ir)]) |
	some ir in _self_hosted(f)
	_online(ir) < 2
]

_standby_factories := [s | some s in lib.in_secondary_of_type("microsoft.datafactory/factories")]

_standby_ready if {
	some s in _standby_factories
	some ir in _self_hosted(s)
	count(_nodes(ir)) >= 1
}

_standby_known if {
	some s in _standby_factories
	lib.children(s, "integrationRuntimes")
}

_gaps(r) := array.concat(
	_weak(r),
	[sprintf("no factory in %v has a self-hosted runtime with a registered node", [input.stamp.secondary_region]) |
		_standby_known
		not _standby_ready
	],
)

_evidence(r) := {"self-hosted runtimes": [{
	"name": object.get(ir, "name", null),
	"nodes": count(_nodes(ir)),
	"online": _online(ir),
} |
	some ir in _self_hosted(r)
]}

_shir_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), {}) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	sprintf("Data Factory %s: integration runtime status was not collected (ARM getStatus)", [lib.name_of(r)]),
) if {
	not lib.children(r, "integrationRuntimes")
} else := lib.result(
	r, "not_applicable",
	sprintf("Data Factory %s has no self-hosted integration runtime", [lib.name_of(r)]),
	{},
) if {
	count(_self_hosted(r)) == 0
} else := lib.unknown(
	r,
	sprintf("Data Factory %s: the secondary factory's integration runtimes were not collected", [lib.name_of(r)]),
) if {
	count(_standby_factories) > 0
	not _standby_known
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Data Factory %s: ", [lib.name_of(r)]),
		concat("; ", array.concat(
			_gaps(r),
			[sprintf("no factory in %v", [input.stamp.secondary_region]) | count(_standby_factories) == 0],
		)),
		". Register more nodes (up to 4) on separate machines, ideally in separate zones",
	]),
	_evidence(r),
) if {
	count(array.concat(_gaps(r), [1 | count(_standby_factories) == 0])) > 0
} else := lib.result(
	r, "pass",
	sprintf(
		"Data Factory %s: every self-hosted runtime has at least 2 online nodes and %s has one ready",
		[lib.name_of(r), input.stamp.secondary_region],
	),
	_evidence(r),
)
