# METADATA
# title: SHIR is not a single point of failure
# description: >-
#   Every self-hosted integration runtime of the primary factory has at least 2 online nodes (up to
#   4 are supported), and the secondary factory has a self-hosted runtime with at least one
#   registered node. Node status comes from the ARM getStatus action, not Resource Graph; a runtime
#   whose status was not collected is unknown. Microsoft-managed Data Factory failover does not cover
#   self-hosted runtimes.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/data-factory/create-self-hosted-integration-runtime#high-availability-and-scalability
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
#       where: {properties.type: SelfHosted}
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

results := [shir_result(r) | some r in lib.resources_of("microsoft.datafactory/factories")]

self_hosted(f) := [ir | some ir in lib.children(f, "integrationRuntimes"); ir.properties.type == "SelfHosted"]

# getStatus returns typeProperties.nodes over REST; SDKs flatten it to properties.nodes.
nodes(ir) := object.get(ir, ["properties", "typeProperties", "nodes"], object.get(ir, ["properties", "nodes"], []))

online(ir) := count([n | some n in nodes(ir); n.status == "Online"])

weak(f) := [sprintf("%s has %d online node(s)", [ir.name, online(ir)]) | some ir in self_hosted(f); online(ir) < 2]

standby_factories := [s | some s in lib.in_secondary_of_type("microsoft.datafactory/factories")]

standby_ready if {
	some s in standby_factories
	some ir in self_hosted(s)
	count(nodes(ir)) >= 1
}

standby_known if {
	some s in standby_factories
	lib.children(s, "integrationRuntimes")
}

gaps(r) := array.concat(
	weak(r),
	[sprintf("no factory in %v has a self-hosted runtime with a registered node", [input.stamp.secondary_region]) | standby_known; not standby_ready],
)

evidence(r) := {"self-hosted runtimes": [{"name": ir.name, "nodes": count(nodes(ir)), "online": online(ir)} | some ir in self_hosted(r)]}

shir_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), {}) if {
	not lib.in_primary(r)
} else := lib.unknown(r, sprintf("Data Factory %s: integration runtime status was not collected (ARM getStatus)", [lib.name_of(r)])) if {
	not lib.children(r, "integrationRuntimes")
} else := lib.result(r, "not_applicable", sprintf("Data Factory %s has no self-hosted integration runtime", [lib.name_of(r)]), {}) if {
	count(self_hosted(r)) == 0
} else := lib.unknown(r, sprintf("Data Factory %s: the secondary factory's integration runtimes were not collected", [lib.name_of(r)])) if {
	count(standby_factories) > 0
	not standby_known
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Data Factory %s: ", [lib.name_of(r)]),
		concat("; ", array.concat(gaps(r), [sprintf("no factory in %v", [input.stamp.secondary_region]) | count(standby_factories) == 0])),
		". Register more nodes (up to 4) on separate machines, ideally in separate zones",
	]),
	evidence(r),
) if {
	count(array.concat(gaps(r), [1 | count(standby_factories) == 0])) > 0
} else := lib.result(r, "pass", sprintf("Data Factory %s: every self-hosted runtime has at least 2 online nodes and %s has one ready", [lib.name_of(r), input.stamp.secondary_region]), evidence(r))
