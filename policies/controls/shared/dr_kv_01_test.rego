package drready.controls.shared.dr_kv_01_test

import data.drready.lib.fixtures as f

# keyvault/vault-get.json as published: no soft-delete or purge-protection flags.
published := {
	"id": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/sample-resource-group/providers/Microsoft.KeyVault/vaults/sample-vault",
	"name": "sample-vault", "type": "Microsoft.KeyVault/vaults", "location": "westus",
	"properties": {"tenantId": "00000000-0000-0000-0000-000000000000", "sku": {"family": "A", "name": "standard"}, "vaultUri": "https://sample-vault.vault.azure.net"},
}

vault_with(props) := object.union(f.vault("kv-a", "centralus"), {"properties": props})

cases := {
	"both_flags_pass": {"input": f.doc("web", [f.vault("kv-a", "centralus")]), "expect": {f.vault("kv-a", "centralus").id: {"status": "pass"}}},
	"absent_flags_fail": {
		"input": f.doc("web", [published]),
		"expect": {published.id: {"status": "fail", "contains": ["enableSoftDelete and enablePurgeProtection", "-g sample-resource-group"]}},
	},
	"purge_protection_off_fails": {
		"input": f.doc("web", [vault_with({"enablePurgeProtection": false})]),
		"expect": {vault_with({}).id: {"status": "fail", "contains": ["does not have enablePurgeProtection set"]}},
	},
	"other_types_not_assessed": {"input": f.doc("web", [f.storage("sta", "centralus", "Standard_LRS")]), "expect": {}},
}
