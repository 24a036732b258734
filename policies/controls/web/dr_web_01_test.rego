package drready.controls.web.dr_web_01_test

import data.drready.lib.fixtures as f

one(sku, location) := f.doc("web", [f.storage("stui", location, sku)])

sid := f.storage("stui", "centralus", "x").id

no_sku := object.remove(f.storage("stui", "centralus", "x"), ["sku"])

cases := {
	"ragzrs_passes": {"input": one("Standard_RAGZRS", "centralus"), "expect": {sid: {"status": "pass", "contains": ["read-only"]}}},
	"grs_passes_with_advice": {"input": one("Standard_GRS", "centralus"), "expect": {sid: {"status": "pass", "contains": ["RA-GZRS"]}}},
	"lrs_fails": {"input": one("Standard_LRS", "centralus"), "expect": {sid: {"status": "fail", "contains": ["--sku Standard_RAGZRS", "-g rg-app"]}}},
	"zrs_fails": {"input": one("Standard_ZRS", "centralus"), "expect": {sid: {"status": "fail"}}},
	"missing_sku_fails": {"input": f.doc("web", [no_sku]), "expect": {sid: {"status": "fail"}}},
	"secondary_counterpart_not_applicable": {"input": one("Standard_LRS", "East US 2"), "expect": {sid: {"status": "not_applicable"}}},
}
