# METADATA
# title: Key Vault recoverable
# description: >-
#   Soft delete and purge protection keep deleted or overwritten secrets, keys and certificates
#   recoverable, which is what lets a secondary region rehydrate them. An absent flag counts as off.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-key-vault
#     description: Reliability in Azure Key Vault
#   - ref: https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview
#     description: Key Vault soft-delete overview
# custom:
#   id: DR-KV-01
#   severity: high
#   stamps: [web, data, kubernetes, genai]
#   resource_types: [microsoft.keyvault/vaults]
#   mechanism: secret_rehydration
#   remediation:
#     summary: Turn on purge protection (soft delete is on by default and cannot be turned off)
#     command: >-
#       az keyvault update -n {name} -g {resource_group} --subscription {subscription}
#       --enable-purge-protection true
#   plan:
#     azurerm_key_vault:
#       type: Microsoft.KeyVault/vaults
#       body:
#         properties.enableSoftDelete: "`true`"
#         properties.enablePurgeProtection: "purge_protection_enabled == `true`"
package drready.controls.shared.dr_kv_01

import data.drready.lib

results := [_assess(r) | some r in lib.resources_of("microsoft.keyvault/vaults")]

_soft_delete(r) := object.get(r, ["properties", "enableSoftDelete"], null)

_purge_protection(r) := object.get(r, ["properties", "enablePurgeProtection"], null)

_evidence(r) := {
	"properties.enableSoftDelete": _soft_delete(r),
	"properties.enablePurgeProtection": _purge_protection(r),
}

_missing(r) := [flag |
	some flag in ["enableSoftDelete", "enablePurgeProtection"]
	object.get(r, ["properties", flag], null) != true
]

_assess(r) := lib.result(
	r, "pass",
	sprintf("Key Vault %s has soft delete and purge protection on", [lib.name_of(r)]),
	_evidence(r),
) if {
	count(_missing(r)) == 0
} else := lib.result(
	r, "fail",
	# concat, not sprintf: rego-cpp 1.5.2 quotes computed strings formatted with %s
	concat("", [
		sprintf("Key Vault %s does not have ", [lib.name_of(r)]),
		concat(" and ", _missing(r)),
		" set to true: a deleted secret or vault could not be recovered. ",
		sprintf(
			"Run: az keyvault update -n %s -g %s --enable-purge-protection true",
			[lib.name_of(r), lib.resource_group(r)],
		),
		" (purge protection cannot be turned off again)",
	]),
	_evidence(r),
)
