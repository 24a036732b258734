# METADATA
# title: Cluster state backed up across regions
# description: >-
#   Each primary AKS cluster is protected by an Azure Backup instance (dataSourceInfo.resourceID) in a
#   Backup vault whose storage is GeoRedundant and whose Cross Region Restore is enabled, so its state
#   can be restored into the paired region. Vaulted GRS data can lag up to 12 hours behind; with the
#   24-hour backup RPO Microsoft warns of up to 36 hours of data loss in a region outage. The backup
#   instance must be healthy: its protection state (properties.protectionStatus.status, else
#   currentProtectionState) ProtectionConfigured. Any other settled state (NotProtected, ProtectionError,
#   ProtectionStopped, ConfiguringProtectionFailed, a suspended schedule, soft deleted) fails, because no
#   new recovery points are taken; ConfiguringProtection, UpdatingProtection or no state is unknown.
#   And a healthy instance must have a recent recovery point: the newest Completed one (ARM,
#   {instance}/recoveryPoints, recoveryPointTime) no older at collection than the stamp's RPO target.
#   A backup schedule hours apart cannot meet an RPO of minutes, so such a stamp fails here unless a
#   backup has just run, which is true: its cluster state cannot be restored within the RPO. No
#   completed recovery point fails; recovery points not read, or no collection time, is unknown.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/backup/azure-kubernetes-service-cluster-backup
#     description: Back up AKS with Azure Backup
#   - ref: https://learn.microsoft.com/azure/backup/tutorial-restore-aks-backups-across-regions
#     description: Restore AKS backups across regions
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-backup
#     description: Reliability in Azure Backup
#   - ref: https://learn.microsoft.com/rest/api/dataprotection/backup-instances/get
#     description: Backup Instances - Get (protectionStatus, currentProtectionState)
# custom:
#   id: DR-K8S-03
#   severity: high
#   stamps: [kubernetes]
#   resource_types: [microsoft.containerservice/managedclusters]
#   mechanism: aks_backup_restore
#   reads: [microsoft.dataprotection/backupvaults]
#   collect:
#     - type: microsoft.dataprotection/backupvaults
#       kind: backupInstances
#       path: backupInstances
#       api: "2025-07-01"
#       each:
#         type: microsoft.dataprotection/backupvaults/backupinstances
#         kind: recoveryPoints
#         path: recoveryPoints
#         api: "2025-07-01"
#   recovery: {step: data, label: Restore cluster state, phase: data, per_resource: true}
package drready.controls.kubernetes.dr_k8s_03

import data.drready.lib
import data.drready.lib.backups

results := [lib.with_mechanism(_backup_result(r), _mechanism(r)) |
	some r in lib.resources_of("microsoft.containerservice/managedclusters")
]

_mechanism(r) := "aks_backup_restore" if {
	backups.restorable_elsewhere(r)
} else := "none"

_evidence(r) := {
	"protecting vaults": backups.vault_evidence(r),
	"protection states": [s | some v in backups.protecting(r); some s in backups.instance_states(v, r)],
}

_backup_result(r) := lib.result(r, "not_applicable", lib.not_primary_message(r), {}) if {
	not lib.in_primary(r)
} else := lib.unknown(
	r,
	sprintf("AKS cluster %s: the Backup vaults' backup instances were not collected", [lib.name_of(r)]),
) if {
	not backups.instances_collected
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("AKS cluster %s has no Azure Backup instance: ", [lib.name_of(r)]),
		"its state (resources and persistent volumes) cannot be restored elsewhere. ",
		"Install the backup extension and protect it in a GeoRedundant vault with Cross Region Restore",
	]),
	_evidence(r),
) if {
	count(backups.protecting(r)) == 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("AKS cluster %s is backed up, ", [lib.name_of(r)]),
		"but not to a vault that can restore in another region: ",
		"set the vault's storage to GeoRedundant and enable Cross Region Restore ",
		"(backups take up to 48 hours to appear in the secondary)",
	]),
	_evidence(r),
) if {
	count(_geo_vaults(r)) == 0
} else := _health_result(r)

# The protecting vaults that can restore in another region.
_geo_vaults(r) := [v | some v in backups.protecting(r); backups.cross_region(v)]

_states(r) := [s | some v in _geo_vaults(r); some s in backups.instance_states(v, r)]

_health_result(r) := _freshness_result(r) if {
	backups.healthy_state in _states(r)
} else := lib.result(
	r, "unknown",
	concat("", [
		"AKS cluster ", lib.name_of(r), ": its backup instance's protection state is ",
		concat(", ", _state_names(r)), " (not reported, or still settling)",
	]),
	_evidence(r),
) if {
	some s in _states(r)
	_unsettled(s)
} else := lib.result(
	r, "fail",
	concat("", [
		"AKS cluster ", lib.name_of(r), " is backed up to a geo-redundant vault, but its backup instance is ",
		concat(", ", _state_names(r)), ": no new recovery points are being taken; fix or re-protect it",
	]),
	_evidence(r),
)

# Minutes since the newest completed recovery point of each healthy instance of r (Python, from
# recoveryPointTime and the collection time); null for an instance with none.
default _ages := {}

_ages := a if {
	a := object.get(input, "recovery_point_ages", null)
	is_object(a)
}

_ages_known if is_object(object.get(input, "recovery_point_ages", null))

_healthy_instances(r) := [bi |
	some v in _geo_vaults(r)
	some bi in lib.children(v, "backupInstances")
	backups.instance_of(bi, r)
	backups.state(bi) == backups.healthy_state
]

_point_ages(r) := [a | some bi in _healthy_instances(r); a := object.get(_ages, lower(bi.id), null); is_number(a)]

_points_read(r) if {
	_ages_known
	every bi in _healthy_instances(r) {
		object.get(_ages, lower(bi.id), "unread") != "unread"
	}
}

_rpo := input.stamp.targets.rpo_minutes

_freshness_result(r) := lib.unknown(
	r,
	sprintf("AKS cluster %s: the backup instance's recovery points were not read", [lib.name_of(r)]),
) if {
	not _points_read(r)
} else := lib.result(
	r, "fail",
	concat("", [
		"AKS cluster ", lib.name_of(r), " is backed up (protection ProtectionConfigured) but has no completed ",
		"recovery point: nothing could be restored yet",
	]),
	_evidence(r),
) if {
	count(_point_ages(r)) == 0
} else := lib.result(
	r, "fail",
	sprintf(
		"AKS cluster %s: its newest recovery point was %d min old at collection, beyond the %d min RPO target",
		[lib.name_of(r), min(_point_ages(r)), _rpo],
	),
	_evidence(r),
) if {
	min(_point_ages(r)) > _rpo
} else := lib.result(
	r, "pass",
	concat("", [
		"AKS cluster ", lib.name_of(r), " is backed up to a GeoRedundant vault with Cross Region Restore (",
		concat(", ", _geo_names(r)), "), protection ", backups.healthy_state,
		sprintf(", newest recovery point %d min old (RPO %d min)", [min(_point_ages(r)), _rpo]),
	]),
	_evidence(r),
)

_geo_names(r) := [v.name | some v in _geo_vaults(r)]

_state_names(r) := [n | some s in _states(r); n := _state_name(s)]

_state_name(s) := s if is_string(s)

_state_name(s) := "none" if not is_string(s)

_unsettled(s) if not is_string(s)

_unsettled(s) if s in backups.settling_states
