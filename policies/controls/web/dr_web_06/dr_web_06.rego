# METADATA
# title: Certificates rehydratable
# description: >-
#   Every TLS certificate of the Application Gateway comes from Key Vault (keyVaultSecretId), not an
#   uploaded PFX, so a gateway rebuilt in the secondary region can fetch it with its managed identity.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/application-gateway/key-vault-certs
#     description: TLS termination with Key Vault certificates
# custom:
#   id: DR-WEB-06
#   severity: medium
#   stamps: [web]
#   resource_types: [microsoft.network/applicationgateways]
#   mechanism: secret_rehydration
#   plan:
#     azurerm_application_gateway:
#       type: Microsoft.Network/applicationGateways
#       body:
#         properties.sslCertificates: >-
#           (ssl_certificate || `[]`)[].{name: name, properties: {keyVaultSecretId: key_vault_secret_id}}
package drready.controls.web.dr_web_06

import data.drready.lib

results := [_cert_result(r) | some r in lib.resources_of("microsoft.network/applicationgateways")]

_certs(r) := lib.list_or_empty(lib.prop(r, ["sslCertificates"]))

# A certificate counts as rehydratable only with a Key Vault secret id; anything else was uploaded.
_uploaded(r) := [lib.name_of(c) | some c in _certs(r); not _from_key_vault(c)]

_from_key_vault(c) if {
	id := object.get(c, ["properties", "keyVaultSecretId"], null)
	is_string(id)
	id != ""
}

_cert_result(r) := lib.unknown(
	r,
	sprintf("Application Gateway %s: its TLS certificates are not in the collected body", [lib.name_of(r)]),
) if {
	not is_array(lib.prop(r, ["sslCertificates"]))
} else := lib.result(
	r, "not_applicable",
	sprintf("Application Gateway %s terminates no TLS", [lib.name_of(r)]),
	{"sslCertificates": 0},
) if {
	count(_certs(r)) == 0
} else := lib.result(
	r, "fail",
	concat("", [
		sprintf("Application Gateway %s holds uploaded certificate(s) ", [lib.name_of(r)]),
		concat(", ", _uploaded(r)),
		": a rebuilt gateway cannot fetch them. Store them in Key Vault and reference keyVaultSecretId ",
		"(az network application-gateway ssl-cert update --key-vault-secret-id)",
	]),
	{"uploaded certificates": _uploaded(r)},
) if {
	count(_uploaded(r)) > 0
} else := lib.result(
	r, "pass",
	sprintf("Application Gateway %s takes all %d certificate(s) from Key Vault", [lib.name_of(r), count(_certs(r))]),
	{"sslCertificates": count(_certs(r))},
)
