package drready.lib_test

import data.drready.lib

test_norm_region if {
	lib.norm_region("East US 2") == "eastus2"
	lib.norm_region(null) == ""
}

test_resource_group_from_id if {
	lib.resource_group({"id": "/subscriptions/s/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/x"}) == "rg-a"
	lib.resource_group({"id": "/x", "resourceGroup": "rg-b"}) == "rg-b"
}

test_zone_tables if {
	lib.zone_region("centralus")
	lib.zone_region("eastus2")
	lib.no_zones("westus")
	not lib.zone_region("mexicocentral")
	not lib.no_zones("mexicocentral")
	lib.azure_pair("centralus") == "eastus2"
}
