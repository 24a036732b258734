# Builders for the control case tables: trimmed copies of Microsoft's published ARM example bodies
# (../shared/fixtures/arm-examples, named per builder), renamed into one test estate.
package drready.lib.fixtures

rg_path := "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups"

id(rg, provider_type, name) := sprintf("%s/%s/providers/%s/%s", [rg_path, rg, provider_type, name])

stamp(kind) := {
	"name": "s1", "kind": kind, "tier": "mission-critical",
	"primary_region": "centralus", "secondary_region": "eastus2",
	"targets": {"rpo_minutes": 15, "rto_minutes": 240},
}

doc(kind, resources) := {"stamp": stamp(kind), "resources": resources, "pairs": [], "children": {}, "declared": {}, "authorization": []}

pair(p, s) := {"type": lower(p.type), "primary": p.id, "secondary": s.id, "method": "name"}

unpaired(p) := {"type": lower(p.type), "primary": p.id, "secondary": null, "method": null}

# network/virtual-network-get.json
vnet(name, location, subnets) := {
	"id": id("rg-net", "Microsoft.Network/virtualNetworks", name), "name": name,
	"type": "Microsoft.Network/virtualNetworks", "location": location,
	"properties": {
		"addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},
		"subnets": [{"name": s, "properties": {"addressPrefix": "10.0.0.0/24"}} | some s in subnets],
		"virtualNetworkPeerings": [],
	},
}

# network/network-security-group-get.json
nsg_rule(name, port, priority) := {"name": name, "properties": {
	"protocol": "*", "sourcePortRange": "*", "destinationPortRange": port, "sourceAddressPrefix": "*",
	"destinationAddressPrefix": "*", "access": "Allow", "priority": priority, "direction": "Inbound",
}}

nsg(name, location, rules) := {
	"id": id("rg-net", "Microsoft.Network/networkSecurityGroups", name), "name": name,
	"type": "Microsoft.Network/networkSecurityGroups", "location": location,
	"properties": {"securityRules": rules, "defaultSecurityRules": []},
}

# keyvault/vault-get.json, with the DR flags the published example lacks
vault(name, location) := {
	"id": id("rg-app", "Microsoft.KeyVault/vaults", name), "name": name, "type": "Microsoft.KeyVault/vaults",
	"location": location,
	"properties": {
		"sku": {"family": "A", "name": "standard"}, "vaultUri": sprintf("https://%s.vault.azure.net", [name]),
		"enableSoftDelete": true, "enablePurgeProtection": true,
	},
}

# storage/storage-account-get-properties-grs.json
storage(name, location, sku) := {
	"id": id("rg-app", "Microsoft.Storage/storageAccounts", name), "name": name,
	"type": "Microsoft.Storage/storageAccounts", "kind": "StorageV2", "location": location,
	"sku": {"name": sku, "tier": "Standard"},
	"properties": {"primaryEndpoints": {"web": sprintf("https://%s.z19.web.core.windows.net/", [name])}, "isHnsEnabled": false},
}

# dbforpostgresql/flexible-server-zone-redundant-ha-geo-backup.json
postgres(name, location, geo_backup, ha) := {
	"id": id("rg-data", "Microsoft.DBforPostgreSQL/flexibleServers", name), "name": name,
	"type": "Microsoft.DBforPostgreSQL/flexibleServers", "location": location,
	"sku": {"name": "Standard_D4ds_v5", "tier": "GeneralPurpose"},
	"properties": {
		"backup": {"backupRetentionDays": 7, "geoRedundantBackup": geo_backup},
		"highAvailability": {"mode": ha, "standbyAvailabilityZone": "2"},
		"availabilityZone": "1", "replicationRole": "Primary",
	},
}

# containerservice/managed-cluster-get.json
cluster(name, location, version, pools) := {
	"id": id("rg-aks", "Microsoft.ContainerService/ManagedClusters", name), "name": name,
	"type": "Microsoft.ContainerService/ManagedClusters", "location": location,
	"properties": {"kubernetesVersion": version, "currentKubernetesVersion": version, "agentPoolProfiles": pools},
}

pool(name, mode, count, zones) := {
	"name": name, "mode": mode, "count": count, "vmSize": "Standard_DS1_v2", "osType": "Linux",
	"type": "VirtualMachineScaleSets", "availabilityZones": zones,
}

# network/private-endpoint-get.json
private_endpoint(name, location, service_id, group) := {
	"id": id("rg-net", "Microsoft.Network/privateEndpoints", name), "name": name,
	"type": "Microsoft.Network/privateEndpoints", "location": location,
	"properties": {"privateLinkServiceConnections": [{"name": "conn", "properties": {
		"privateLinkServiceId": service_id, "groupIds": [group],
		"privateLinkServiceConnectionState": {"status": "Approved"},
	}}]},
}

# network/private-dns-zone-virtual-network-link-get.json
dns_link(zone, name, vnet_id) := {
	"id": concat("/", [id("rg-net", "Microsoft.Network/privateDnsZones", zone), "virtualNetworkLinks", name]),
	"name": name, "type": "Microsoft.Network/privateDnsZones/virtualNetworkLinks", "location": "global",
	"properties": {"virtualNetwork": {"id": vnet_id}, "registrationEnabled": false, "virtualNetworkLinkState": "Completed"},
}

# network/azure-firewall-get-with-zones.json, with a firewall policy
firewall(name, location, zones, policy_id) := {
	"id": id("rg-net", "Microsoft.Network/azureFirewalls", name), "name": name,
	"type": "Microsoft.Network/azureFirewalls", "location": location, "zones": zones,
	"properties": {"sku": {"name": "AZFW_VNet", "tier": "Standard"}, "threatIntelMode": "Alert", "firewallPolicy": {"id": policy_id}},
}

# managedidentity/user-assigned-identity-get.json
identity(name, location, principal) := {
	"id": id("rg-app", "Microsoft.ManagedIdentity/userAssignedIdentities", name), "name": name,
	"type": "Microsoft.ManagedIdentity/userAssignedIdentities", "location": location,
	"properties": {"principalId": principal, "clientId": principal, "isolationScope": "None"},
}

# authorization/role-assignment-get.json
role_assignment(principal, role, scope) := {
	"id": concat("/", [scope, "providers/Microsoft.Authorization/roleAssignments", concat("-", [principal, role])]),
	"type": "Microsoft.Authorization/roleAssignments",
	"properties": {
		"roleDefinitionId": concat("", ["/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Authorization/roleDefinitions/", role]),
		"principalId": principal, "principalType": "ServicePrincipal", "scope": scope,
	},
}
