package drready.controls.data.dr_data_04_test

import data.drready.lib.fixtures as f

lake(sku, location) := object.union(f.storage("stlake", location, sku), {"properties": {"isHnsEnabled": true}})

cases := {
	"gzrs_lake_passes": {"input": f.doc("data", [lake("Standard_GZRS", "centralus")]), "expect": {lake("x", "y").id: {"status": "pass", "contains": ["under 15 minutes"]}}},
	"zrs_lake_fails": {"input": f.doc("data", [lake("Standard_ZRS", "centralus")]), "expect": {lake("x", "y").id: {"status": "fail", "contains": ["RPO for a region loss is unbounded"]}}},
	"secondary_copy_not_applicable": {"input": f.doc("data", [lake("Standard_LRS", "eastus2")]), "expect": {lake("x", "y").id: {"status": "not_applicable"}}},
}
