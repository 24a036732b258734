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

# The vaults with a backup instance of r, each once.
protecting(r) := [v |
	some v in vaults
	_protects(v, r)
]

_protects(v, r) if {
	some bi in lib.children(v, "backupInstances")
	instance_of(bi, r)
}

instance_of(bi, r) if {
	id := object.get(bi, ["properties", "dataSourceInfo", "resourceID"], null)
	is_string(id)
	lower(id) == lower(r.id)
}

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

# The protection state of each of vault v's backup instances of resource r: the worst of what ARM
# reports (properties.protectionStatus.status and currentProtectionState), so ProtectionConfigured
# beside ProtectionError is ProtectionError; null when the instance reports neither.
instance_states(v, r) := [s |
	some bi in lib.children(v, "backupInstances")
	instance_of(bi, r)
	s := state(bi)
]

_reported(bi) := [s |
	some path in [["properties", "protectionStatus", "status"], ["properties", "currentProtectionState"]]
	s := object.get(bi, path, null)
	is_string(s)
]

_unhealthy(bi) := [s | some s in _reported(bi); s != healthy_state]

state(bi) := _unhealthy(bi)[0] if {
	count(_unhealthy(bi)) > 0
} else := healthy_state if {
	count(_reported(bi)) > 0
} else := null

# Backups are being taken: the only healthy state.
healthy_state := "ProtectionConfigured"

# Transitions that settle on their own: neither healthy nor failed yet.
settling_states := {"ConfiguringProtection", "UpdatingProtection"}
