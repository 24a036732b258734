# METADATA
# title: Telemetry has a plane that survives the primary region
# description: >-
#   Logs, prompt logs and traces are what an operator reads during a failover, so they must not live only
#   in the region that failed. Each Log Analytics workspace of the stamp in the primary region either
#   replicates to another region (properties.replication enabled, with its location, provisioningState
#   Succeeded) or has a standby workspace in the secondary. Each Application Insights component in the
#   primary has a standby component in the secondary: Microsoft lists Application Insights over a
#   Log Analytics workspace as not supported by workspace replication, and Application Insights has no
#   cross-region replication of its own, so a replicated workspace does not make the component survive.
#   Resources in the secondary are the standby plane and not applicable. Not judged: which data
#   collection rules are associated with the workspace's replication endpoint (only those replicate),
#   and whether the replication region is one Microsoft lists for the workspace's region group (Azure
#   refuses others when replication is enabled). Langfuse's trace stores are DR-AI-04's.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/azure-monitor/logs/workspace-replication
#     description: >-
#       Log Analytics workspace replication across regions (region groups, what is replicated, Application
#       Insights not supported, data collection rules and the workspace's data collection endpoint)
#   - ref: https://learn.microsoft.com/rest/api/loganalytics/workspaces/get
#     description: Workspaces - Get (properties.replication, properties.failover)
#   - ref: https://learn.microsoft.com/azure/azure-monitor/app/create-workspace-resource
#     description: Workspace-based Application Insights (moving between regions is not supported)
#   - ref: https://learn.microsoft.com/azure/well-architected/service-guides/application-insights
#     description: Well-Architected service guide for Application Insights (same region as its workspace)
# custom:
#   id: DR-AI-07
#   severity: medium
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.operationalinsights/workspaces, microsoft.insights/components]
#   mechanism: null
#   absent_ok:
#     properties.failover: ARM omits it until the workspace is first switched over; it only adds to the message
#   remediation:
#     summary: >-
#       Turn on workspace replication to a region of the same region group (az monitor log-analytics
#       workspace update --replication-enabled true --replication-location <secondary>) and associate the
#       data collection rules with the workspace's data collection endpoint; create an Application Insights
#       component in the secondary for the standby's applications
package drready.controls.genai.dr_ai_07

import data.drready.lib

results := array.concat(
	[x | some w in lib.resources_of("microsoft.operationalinsights/workspaces"); x := _workspace_result(w)],
	[x | some c in lib.resources_of("microsoft.insights/components"); x := _component_result(c)],
)

_replication(w, key) := lib.prop(w, ["replication", key])

_replica_region(w) := lib.norm_region(_replication(w, "location"))

_replicated(w) if {
	_replication(w, "enabled") == true
	_replica_region(w) != ""
	_replica_region(w) != lib.region(w)
}

_standby_name(r) := lib.name_of(lib.standby(r))

_evidence(w) := {
	"properties.replication.enabled": _replication(w, "enabled"),
	"properties.replication.location": _replication(w, "location"),
	"properties.replication.provisioningState": _replication(w, "provisioningState"),
	"properties.failover.state": lib.prop(w, ["failover", "state"]),
}

_workspace_result(w) := lib.result(w, "not_applicable", lib.not_primary_message(w), {}) if {
	not lib.in_primary(w)
} else := _replication_result(w) if {
	_replicated(w)
} else := lib.result(
	w, "pass",
	concat("", [
		"Log Analytics workspace ", lib.name_of(w), " has standby workspace ", _standby_name(w),
		" in the secondary region; point the standby's diagnostic settings and data collection rules at it",
	]),
	{"standby": lib.standby(w).id},
) if {
	lib.standby(w)
} else := lib.result(
	w, "fail",
	concat("", [
		"Log Analytics workspace ", lib.name_of(w), " neither replicates to another region nor has a standby",
		" workspace in the secondary: its logs and queries are unavailable while the primary region is down",
		lib.standbys_taken(w),
	]),
	_evidence(w),
)

_replication_result(w) := lib.result(
	w, "pass",
	concat("", [
		"Log Analytics workspace ", lib.name_of(w), " replicates to ", _replication(w, "location"),
		_switched_over(w),
		"; only data collection rules associated with its replication endpoint replicate",
	]),
	_evidence(w),
) if {
	_replication(w, "provisioningState") == "Succeeded"
} else := lib.result(
	w, "fail",
	concat("", [
		"Log Analytics workspace ", lib.name_of(w),
		": its replication to ", _replication(w, "location"), " failed",
	]),
	_evidence(w),
) if {
	_replication(w, "provisioningState") == "Failed"
} else := lib.unknown(
	w,
	concat("", [
		"Log Analytics workspace ", lib.name_of(w), ": replication to ", _replication(w, "location"),
		" is on but its provisioningState is not Succeeded (", sprintf("%v", [_replication(w, "provisioningState")]), ")",
	]),
)

_switched_over(w) := " (switched over to it now: failover state Active)" if {
	lib.prop(w, ["failover", "state"]) == "Active"
} else := ""

_component_result(c) := lib.result(c, "not_applicable", lib.not_primary_message(c), {}) if {
	not lib.in_primary(c)
} else := lib.result(
	c, "pass",
	concat("", [
		"Application Insights ", lib.name_of(c), " has standby component ", _standby_name(c),
		" in the secondary region for the standby's applications",
	]),
	{"standby": lib.standby(c).id},
) if {
	lib.standby(c)
} else := lib.result(
	c, "fail",
	concat("", [
		"Application Insights ", lib.name_of(c), " has no standby component in the secondary: workspace",
		" replication does not cover Application Insights, so the standby's applications would send",
		" telemetry to a region that is down", _classic(c), lib.standbys_taken(c),
	]),
	{"properties.WorkspaceResourceId": lib.prop(c, ["WorkspaceResourceId"])},
)

_classic(c) := " (it is a classic component, without a Log Analytics workspace)" if {
	not is_string(lib.prop(c, ["WorkspaceResourceId"]))
} else := ""
