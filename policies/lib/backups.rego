# METADATA
# title: Backup helpers
# description: >-
#   Which Backup vaults protect an AKS cluster, and whether a vault can restore in another region
#   (GeoRedundant storage and Cross Region Restore enabled). Shared by DR-K8S-03 and DR-AI-04.
package drready.lib.backups

import data.drready.lib

vaults := lib.resources_of("microsoft.dataprotection/backupvaults")

# Every vault's backup instances were read from ARM (else a cluster's protection is not known).
instances_collected if {
	every v in vaults {
		lib.children(v, "backupInstances")
	}
}

protecting(r) := [v |
	some v in vaults
	some bi in lib.children(v, "backupInstances")
	lower(object.get(bi, ["properties", "dataSourceInfo", "resourceID"], "")) == lower(r.id)
]

cross_region_restore(v) := object.get(v, ["properties", "featureSettings", "crossRegionRestoreSettings", "state"], null)

cross_region(v) if {
	cross_region_restore(v) == "Enabled"
	some s in lib.list_or_empty(object.get(v, ["properties", "storageSettings"], []))
	s.type == "GeoRedundant"
}

restorable_elsewhere(r) if {
	some v in protecting(r)
	cross_region(v)
}

vault_evidence(r) := [{
	"vault": v.name,
	"storageSettings[].type": [object.get(s, "type", null) |
		some s in lib.list_or_empty(object.get(v, ["properties", "storageSettings"], []))
	],
	"crossRegionRestore": cross_region_restore(v),
} |
	some v in protecting(r)
]

# The protection states of vault v's backup instances of resource r: protectionStatus.status, else
# currentProtectionState (both ARM's), null when the instance reports neither.
instance_states(v, r) := [s |
	some bi in lib.children(v, "backupInstances")
	lower(object.get(bi, ["properties", "dataSourceInfo", "resourceID"], "")) == lower(r.id)
	s := _state(bi)
]

_state(bi) := s if {
	s := object.get(bi, ["properties", "protectionStatus", "status"], null)
	is_string(s)
} else := object.get(bi, ["properties", "currentProtectionState"], null)

# Backups are being taken: the only healthy state.
healthy_state := "ProtectionConfigured"

# Transitions that settle on their own: neither healthy nor failed yet.
settling_states := {"ConfiguringProtection", "UpdatingProtection"}
