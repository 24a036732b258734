# METADATA
# title: Backups restorable in the secondary and safe from deletion
# description: >-
#   Every Recovery Services vault and Backup vault of the stamp keeps its backups in geo-redundant
#   storage with Cross Region Restore enabled, so they can be restored in the paired region while the
#   primary is down, and protects them from deletion: soft delete on (Enabled or AlwaysON; AlwaysOn for
#   Backup vaults) and immutability Unlocked or Locked. An attacker or a mistake that deletes the
#   backups, or the vault's policies, must not take the last copy with it. Unlocked immutability passes
#   but the message says it can still be turned off; Microsoft recommends locking it. A setting the body
#   does not give makes the finding unknown unless another setting already fails. Recovery Services
#   vaults: properties.redundancySettings (standardTierStorageRedundancy, crossRegionRestore) and
#   properties.securitySettings (softDeleteSettings.softDeleteState, immutabilitySettings.state).
#   Backup vaults: properties.storageSettings[].type, featureSettings.crossRegionRestoreSettings.state,
#   securitySettings.softDeleteSettings.state and immutabilitySettings.state. DR-K8S-03 judges which
#   vault protects each AKS cluster; this control judges every vault, whatever it protects.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/backup/backup-create-recovery-services-vault
#     description: Create a Recovery Services vault (storage redundancy, Cross Region Restore)
#   - ref: https://learn.microsoft.com/azure/backup/backup-azure-security-feature-cloud
#     description: Soft delete for Azure Backup
#   - ref: https://learn.microsoft.com/azure/backup/backup-azure-immutable-vault-concept
#     description: Immutable vault for Azure Backup (unlocked and locked states)
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-backup
#     description: Reliability in Azure Backup
#   - ref: https://learn.microsoft.com/rest/api/recoveryservices/vaults/get
#     description: Vaults - Get (Recovery Services)
#   - ref: https://learn.microsoft.com/rest/api/dataprotection/backup-vaults/get
#     description: Backup Vaults - Get (Data Protection)
# custom:
#   id: DR-PROT-03
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.recoveryservices/vaults, microsoft.dataprotection/backupvaults]
#   mechanism: null
#   remediation:
#     summary: >-
#       Use geo-redundant storage with Cross Region Restore (storage redundancy can only be changed before
#       the first backup), turn soft delete on (AlwaysON makes it irreversible) and enable immutability,
#       then lock it
#     command: >-
#       az backup vault update -n {name} -g {resource_group} --subscription {subscription}
#       --cross-region-restore-flag Enabled --soft-delete-state AlwaysON --immutability-state Unlocked
package drready.controls.shared.dr_prot_03

import data.drready.lib

results := array.concat(
	[x | some v in lib.resources_of("microsoft.recoveryservices/vaults"); x := _vault_result(v, _recovery_services(v))],
	[x | some v in lib.resources_of("microsoft.dataprotection/backupvaults"); x := _vault_result(v, _backup_vault(v))],
)

# Each vault type's settings, under one shape: the value as the body gives it (null when absent).
_recovery_services(v) := {
	"kind": "Recovery Services vault",
	"storage": lib.prop(v, ["redundancySettings", "standardTierStorageRedundancy"]),
	"cross_region_restore": lib.prop(v, ["redundancySettings", "crossRegionRestore"]),
	"soft_delete": lib.prop(v, ["securitySettings", "softDeleteSettings", "softDeleteState"]),
	"immutability": lib.prop(v, ["securitySettings", "immutabilitySettings", "state"]),
	"paths": {
		"storage": "properties.redundancySettings.standardTierStorageRedundancy",
		"cross_region_restore": "properties.redundancySettings.crossRegionRestore",
		"soft_delete": "properties.securitySettings.softDeleteSettings.softDeleteState",
		"immutability": "properties.securitySettings.immutabilitySettings.state",
	},
}

_backup_vault(v) := {
	"kind": "Backup vault",
	"storage": _backup_vault_storage(v),
	"cross_region_restore": lib.prop(v, ["featureSettings", "crossRegionRestoreSettings", "state"]),
	"soft_delete": lib.prop(v, ["securitySettings", "softDeleteSettings", "state"]),
	"immutability": lib.prop(v, ["securitySettings", "immutabilitySettings", "state"]),
	"paths": {
		"storage": "properties.storageSettings[].type",
		"cross_region_restore": "properties.featureSettings.crossRegionRestoreSettings.state",
		"soft_delete": "properties.securitySettings.softDeleteSettings.state",
		"immutability": "properties.securitySettings.immutabilitySettings.state",
	},
}

# A Backup vault lists its datastores' storage: the vault datastore's (VaultStore) is the copy that
# restores elsewhere; a list without one names the first type given.
_backup_vault_storage(v) := types[0] if {
	types := [t |
		some s in lib.list_or_empty(lib.prop(v, ["storageSettings"]))
		object.get(s, "datastoreType", null) == "VaultStore"
		t := object.get(s, "type", null)
		is_string(t)
	]
	count(types) > 0
} else := types[0] if {
	types := [t |
		some s in lib.list_or_empty(lib.prop(v, ["storageSettings"]))
		t := object.get(s, "type", null)
		is_string(t)
	]
	count(types) > 0
} else := null

_soft_delete_on := {"enabled", "alwayson", "on"}

_immutable := {"unlocked", "locked"}

# What is wrong with a vault's settings, each with what it costs.
_gaps(s) := [concat("", [what, s[k], why]) |
	some [k, what, why] in [
		["storage", "its storage is ", ", so its backups stay in its region"],
		["cross_region_restore", "Cross Region Restore is ", ", so its geo copy cannot be restored while the region is down"],
		["soft_delete", "soft delete is ", ", so deleted backups are gone at once"],
		["immutability", "immutability is ", ", so recovery points can be deleted before they expire"],
	]
	_wrong(s, k)
]

_wrong(s, "storage") if {
	is_string(s.storage)
	lower(s.storage) != "georedundant"
}

_wrong(s, "cross_region_restore") if {
	_geo(s)
	is_string(s.cross_region_restore)
	lower(s.cross_region_restore) != "enabled"
}

_wrong(s, "soft_delete") if {
	is_string(s.soft_delete)
	not lower(s.soft_delete) in _soft_delete_on
}

_wrong(s, "immutability") if {
	is_string(s.immutability)
	not lower(s.immutability) in _immutable
}

_geo(s) if {
	is_string(s.storage)
	lower(s.storage) == "georedundant"
}

# Settings the body does not give (cross-region restore only matters for geo-redundant storage).
_missing(s) := [path |
	some k in ["storage", "soft_delete", "immutability"]
	not is_string(s[k])
	path := s.paths[k]
] if {
	not is_string(s.storage)
} else := [path |
	some k in ["storage", "cross_region_restore", "soft_delete", "immutability"]
	not is_string(s[k])
	path := s.paths[k]
]

_evidence(s) := {
	s.paths.storage: s.storage,
	s.paths.cross_region_restore: s.cross_region_restore,
	s.paths.soft_delete: s.soft_delete,
	s.paths.immutability: s.immutability,
}

_unlocked_note(s) := " (immutability is Unlocked: it can still be turned off; lock it to make it irreversible)" if {
	lower(s.immutability) == "unlocked"
} else := ""

_vault_result(v, s) := lib.result(
	v, "fail",
	concat("", [
		s.kind, " ", lib.name_of(v), ": ", concat("; ", _gaps(s)),
		_also_missing(s),
	]),
	_evidence(s),
) if {
	count(_gaps(s)) > 0
} else := lib.unknown(
	v,
	concat("", [s.kind, " ", lib.name_of(v), ": the collected body does not give ", concat(", ", _missing(s))]),
) if {
	count(_missing(s)) > 0
} else := lib.result(
	v, "pass",
	concat("", [
		s.kind, " ", lib.name_of(v), " keeps geo-redundant backups restorable in the paired region (Cross Region Restore ",
		s.cross_region_restore, "), with soft delete ", s.soft_delete, " and immutability ", s.immutability,
		_unlocked_note(s),
	]),
	_evidence(s),
)

_also_missing(s) := concat("", [" (not in the body: ", concat(", ", _missing(s)), ")"]) if {
	count(_missing(s)) > 0
} else := ""
