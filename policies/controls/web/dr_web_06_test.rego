package drready.controls.web.dr_web_06_test

import data.drready.lib.fixtures as f

gw(certs) := f.app_gateway("agw-cus", "centralus", "WAF_v2", [], 2, certs)

cases := {
	"key_vault_certificates_pass": {"input": f.doc("web", [gw([f.kv_cert])]), "expect": {gw([]).id: {"status": "pass"}}},
	"uploaded_pfx_fails": {"input": f.doc("web", [gw([f.kv_cert, f.pfx_cert])]), "expect": {gw([]).id: {"status": "fail", "contains": ["uploaded certificate(s) uploaded"]}}},
	"no_tls_not_applicable": {"input": f.doc("web", [gw([])]), "expect": {gw([]).id: {"status": "not_applicable"}}},
}
