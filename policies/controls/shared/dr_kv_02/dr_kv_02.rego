# METADATA
# title: Secrets available in the secondary
# description: >-
#   A Key Vault of the stamp exists in the secondary region, so secrets and certificates can be
#   rehydrated there. Microsoft-managed vault failover to the paired region can take several hours
#   and leaves the vault read-only.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-key-vault
#     description: Reliability in Azure Key Vault (Microsoft-managed failover)
# custom:
#   id: DR-KV-02
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   resource_types: [microsoft.keyvault/vaults]
#   mechanism: secret_rehydration
#   recovery:
#     step: secrets
#     label: Rehydrate secrets and certificates
#     phase: secrets
#     lists: all
#     mechanism: {pass: secret_rehydration, fail: keyvault_microsoft_failover}
package drready.controls.shared.dr_kv_02

import data.drready.lib

vaults := lib.resources_of("microsoft.keyvault/vaults")

secondary_vaults := [v.name | some v in vaults; lib.in_secondary(v)]

evidence := {"vaults": [v.name | some v in vaults], "vaults in secondary": secondary_vaults}

results := [{"resource": lib.stamp_ref, "status": status, "message": message, "evidence": evidence}] if {
	[status, message] := assessment
}

assessment := ["not_applicable", sprintf("Stamp %s has no Key Vault", [input.stamp.name])] if {
	count(vaults) == 0
} else := ["pass", sprintf("Key Vault %s is in the secondary region %s", [secondary_vaults[0], input.stamp.secondary_region])] if {
	count(secondary_vaults) > 0
} else := ["fail", sprintf(
	"Stamp %s has no Key Vault in %v: after losing %s its secrets and certificates are unavailable for hours or read-only. Create a vault there (az keyvault create -n <name> -g <rg> -l %v --enable-purge-protection true) and replicate secrets from your source of truth",
	[input.stamp.name, input.stamp.secondary_region, input.stamp.primary_region, input.stamp.secondary_region],
)]
