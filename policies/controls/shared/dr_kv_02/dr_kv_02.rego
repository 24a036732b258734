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

_vaults := lib.resources_of("microsoft.keyvault/vaults")

_secondary_vaults := [v.name | some v in _vaults; lib.in_secondary(v)]

_evidence := {"vaults": [v.name | some v in _vaults], "vaults in secondary": _secondary_vaults}

results := [_assessment]

_assessment := lib.stamp_result(
	"not_applicable",
	sprintf("Stamp %s has no Key Vault", [input.stamp.name]),
	_evidence,
) if {
	count(_vaults) == 0
} else := lib.stamp_result(
	"pass",
	sprintf("Key Vault %s is in the secondary region %s", [_secondary_vaults[0], input.stamp.secondary_region]),
	_evidence,
) if {
	count(_secondary_vaults) > 0
} else := lib.stamp_result(
	"fail",
	concat("", [
		sprintf("Stamp %s has no Key Vault in %v: ", [input.stamp.name, input.stamp.secondary_region]),
		sprintf(
			"after losing %s its secrets and certificates are unavailable for hours or read-only. ",
			[input.stamp.primary_region],
		),
		sprintf(
			"Create a vault there (az keyvault create -n <name> -g <rg> -l %v --enable-purge-protection true)",
			[input.stamp.secondary_region],
		),
		" and replicate secrets from your source of truth",
	]),
	_evidence,
)
