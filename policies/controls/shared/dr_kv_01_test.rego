package drready.controls.shared.dr_kv_01_test

import data.drready.controls.shared.dr_kv_01

# Shape of keyvault/vault-get.json (Vaults_Get, 2024-11-01), trimmed, with the DR flags added.
vault(props) := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sample-resource-group/providers/Microsoft.KeyVault/vaults/sample-vault",
	"name": "sample-vault",
	"type": "Microsoft.KeyVault/vaults",
	"location": "westus",
	"properties": object.union(
		{"tenantId": "00000000-0000-0000-0000-000000000000", "sku": {"family": "A", "name": "standard"}, "vaultUri": "https://sample-vault.vault.azure.net"},
		props,
	),
}

run(r) := out if {
	out := dr_kv_01.results with input as {"stamp": {"name": "s", "primary_region": "westus", "secondary_region": "eastus"}, "resources": [r]}
}

test_both_flags_pass if {
	[r] := run(vault({"enableSoftDelete": true, "enablePurgeProtection": true}))
	r.status == "pass"
}

test_absent_flags_fail if {
	[r] := run(vault({}))
	r.status == "fail"
	contains(r.message, "enableSoftDelete and enablePurgeProtection")
	r.evidence["properties.enablePurgeProtection"] == null
}

test_purge_protection_off_fails if {
	[r] := run(vault({"enableSoftDelete": true, "enablePurgeProtection": false}))
	r.status == "fail"
	contains(r.message, "enablePurgeProtection")
	not contains(r.message, "enableSoftDelete and")
}

test_other_types_not_assessed if {
	count(dr_kv_01.results) == 0 with input as {"stamp": {}, "resources": [{"id": "x", "type": "Microsoft.Storage/storageAccounts"}]}
}
