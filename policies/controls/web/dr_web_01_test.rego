package drready.controls.web.dr_web_01_test

import data.drready.controls.web.dr_web_01

# Shape of storage/storage-account-get-properties-grs.json (StorageAccounts_GetProperties), trimmed.
account(sku, location) := {
	"id": "/subscriptions/{subscription-id}/resourceGroups/res9407/providers/Microsoft.Storage/storageAccounts/sto8596",
	"name": "sto8596",
	"type": "Microsoft.Storage/storageAccounts",
	"kind": "Storage",
	"location": location,
	"sku": {"name": sku, "tier": "Standard"},
	"properties": {"primaryEndpoints": {"web": "https://sto8596.web.core.windows.net/"}, "isHnsEnabled": true},
}

run(r) := out if {
	out := dr_web_01.results with input as {"stamp": {"name": "web", "primary_region": "centralus", "secondary_region": "eastus2"}, "resources": [r]}
}

test_ragzrs_passes if {
	[r] := run(account("Standard_RAGZRS", "centralus"))
	r.status == "pass"
	contains(r.message, "read-only")
}

test_grs_passes_with_advice if {
	[r] := run(account("Standard_GRS", "centralus"))
	r.status == "pass"
	contains(r.message, "RA-GZRS")
}

test_lrs_fails if {
	[r] := run(account("Standard_LRS", "centralus"))
	r.status == "fail"
	r.evidence["sku.name"] == "Standard_LRS"
	contains(r.message, "--sku Standard_RAGZRS")
	contains(r.message, "-g res9407")
}

test_zrs_fails if {
	[r] := run(account("Standard_ZRS", "centralus"))
	r.status == "fail"
}

test_missing_sku_fails if {
	[r] := run(object.remove(account("x", "centralus"), ["sku"]))
	r.status == "fail"
}

test_secondary_counterpart_not_applicable if {
	[r] := run(account("Standard_LRS", "East US 2"))
	r.status == "not_applicable"
}
