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

# web/site-get.json
site(name, location, health_path) := {
	"id": id("rg-app", "Microsoft.Web/sites", name), "name": name, "type": "Microsoft.Web/sites", "kind": "app",
	"location": location,
	"properties": {
		"defaultHostName": concat("", [name, ".azurewebsites.net"]), "serverFarmId": id("rg-app", "Microsoft.Web/serverfarms", "asp"),
		"siteConfig": {"numberOfWorkers": 1, "alwaysOn": true, "healthCheckPath": health_path}, "httpsOnly": true,
	},
}

# web/serverfarm-get.json (P1v3 rather than the example's P1, and zoneRedundant added)
plan(name, location, capacity, zone_redundant) := {
	"id": id("rg-app", "Microsoft.Web/serverfarms", name), "name": name, "type": "Microsoft.Web/serverfarms",
	"kind": "app", "location": location,
	"sku": {"name": "P1v3", "tier": "PremiumV3", "size": "P1v3", "family": "Pv3", "capacity": capacity},
	"properties": {"zoneRedundant": zone_redundant, "maximumNumberOfWorkers": 30},
}

# network/application-gateway-get.json (v2 WAF SKU, autoscale and a Key Vault certificate added)
app_gateway(name, location, tier, zones, min_capacity, certs) := {
	"id": id("rg-app", "Microsoft.Network/applicationGateways", name), "name": name,
	"type": "Microsoft.Network/applicationGateways", "location": location, "zones": zones,
	"properties": {
		"sku": {"name": tier, "tier": tier},
		"autoscaleConfiguration": {"minCapacity": min_capacity, "maxCapacity": 10},
		"sslCertificates": certs,
		"firewallPolicy": {"id": id("rg-app", "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", "waf")},
	},
}

kv_cert := {"name": "cert", "properties": {"keyVaultSecretId": "https://kv.vault.azure.net/secrets/cert"}}

pfx_cert := {"name": "uploaded", "properties": {"publicCertData": "MIIB..."}}

# network/waf-policy-get-bot-manager.json
waf_policy(name, location, mode, rule_sets) := {
	"id": id("rg-app", "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", name), "name": name,
	"type": "Microsoft.Network/ApplicationGatewayWebApplicationFirewallPolicies", "location": location,
	"properties": {
		"policySettings": {"state": "Enabled", "mode": mode, "requestBodyCheck": true},
		"managedRules": {"managedRuleSets": [{"ruleSetType": t, "ruleSetVersion": v} | some [t, v] in rule_sets]},
		"customRules": [{"name": "blockbadbots", "priority": 10, "ruleType": "MatchRule", "action": "Block"}],
	},
}

# cdn/front-door-premium-profile-get.json
front_door(name) := {
	"id": id("rg-app", "Microsoft.Cdn/profiles", name), "name": name, "type": "Microsoft.Cdn/profiles",
	"kind": "frontdoor", "location": "Global", "sku": {"name": "Premium_AzureFrontDoor"},
	"properties": {"originResponseTimeoutSeconds": 60},
}

# cdn/afd-origin-group-get.json and cdn/afd-origin-get.json
origin_group(profile, probe_path) := {
	"id": concat("/", [profile.id, "origingroups", "og"]), "name": "og", "type": "Microsoft.Cdn/profiles/origingroups",
	"properties": {
		"loadBalancingSettings": {"sampleSize": 4, "successfulSamplesRequired": 3},
		"healthProbeSettings": {"probePath": probe_path, "probeRequestType": "HEAD", "probeProtocol": "Https", "probeIntervalInSeconds": 30},
	},
}

origin(profile, name, host) := {
	"id": concat("/", [profile.id, "origingroups", "og", "origins", name]), "name": name,
	"type": "Microsoft.Cdn/profiles/origingroups/origins",
	"properties": {"hostName": host, "enabledState": "Enabled", "priority": 1, "weight": 1000},
}

# databricks/workspace-get.json and workspace-get-vnet-injected-private-endpoint.json
workspace(name, location, sku, vnet_id) := {
	"id": id("rg-data", "Microsoft.Databricks/workspaces", name), "name": name,
	"type": "Microsoft.Databricks/workspaces", "location": location, "sku": {"name": sku},
	"properties": {
		"managedResourceGroupId": id("rg-data", "x", "y"), "workspaceUrl": concat("", [name, ".azuredatabricks.net"]),
		"parameters": {"customVirtualNetworkId": {"type": "String", "value": vnet_id}},
	},
}

# datafactory/factory-get-repo-configuration.json
factory(name, location, repo) := {
	"id": id("rg-data", "Microsoft.DataFactory/factories", name), "name": name,
	"type": "Microsoft.DataFactory/factories", "location": location,
	"properties": {"repoConfiguration": repo, "provisioningState": "Succeeded"},
}

ado_repo := {
	"type": "FactoryVSTSConfiguration", "accountName": "ADFdemo", "projectName": "project",
	"repositoryName": "repo", "collaborationBranch": "master", "rootFolder": "/",
}

# datafactory/integration-runtime-status-selfhosted-nodes.json (getStatus response shape)
shir_status(name, statuses) := {
	"name": name,
	"properties": {"state": "Online", "type": "SelfHosted", "typeProperties": {"nodes": [
	{"nodeName": sprintf("Node_%d", [i + 1]), "status": s, "versionStatus": "UpToDate", "isActiveDispatcher": i == 0} |
		some i, s in statuses
	]}},
}

# dbformysql/flexible-server-zone-redundant-ha.json
mysql(name, location, geo_backup, ha) := {
	"id": id("rg-data", "Microsoft.DBforMySQL/flexibleServers", name), "name": name,
	"type": "Microsoft.DBforMySQL/flexibleServers", "location": location,
	"sku": {"name": "Standard_D2ds_v4", "tier": "GeneralPurpose"},
	"properties": {
		"backup": {"backupRetentionDays": 7, "geoRedundantBackup": geo_backup},
		"highAvailability": {"mode": ha, "standbyAvailabilityZone": "3"},
		"availabilityZone": "1", "replicationRole": "None",
	},
}

# dataprotection/backup-vault-get.json
backup_vault(name, location, redundancy, crr) := {
	"id": id("rg-bkp", "Microsoft.DataProtection/backupVaults", name), "name": name,
	"type": "Microsoft.DataProtection/Backupvaults", "location": location,
	"properties": {
		"storageSettings": [{"datastoreType": "VaultStore", "type": redundancy}],
		"featureSettings": {"crossRegionRestoreSettings": {"state": crr}},
		"securitySettings": {"softDeleteSettings": {"state": "Enabled", "retentionDurationInDays": 14}},
	},
}

# dataprotection/backup-instance-aks.json
backup_instance(vault, cluster_id) := {
	"id": concat("/", [vault.id, "backupInstances", "aks-instance"]), "name": "aks-instance",
	"type": "Microsoft.DataProtection/backupVaults/backupInstances",
	"properties": {"dataSourceInfo": {
		"resourceID": cluster_id, "datasourceType": "Microsoft.ContainerService/managedclusters",
		"resourceType": "Microsoft.ContainerService/managedclusters", "objectType": "Datasource",
	}},
}

registry(name, location, sku) := {
	"id": id("rg-aks", "Microsoft.ContainerRegistry/registries", name), "name": name,
	"type": "Microsoft.ContainerRegistry/registries", "location": location, "sku": {"name": sku, "tier": sku},
	"properties": {"loginServer": concat("", [name, ".azurecr.io"]), "zoneRedundancy": "Enabled"},
}

# cognitiveservices/account-get.json, kind OpenAI (the published GET example is kind Emotion)
openai(name, location) := {
	"id": id("rg-ai", "Microsoft.CognitiveServices/accounts", name), "name": name,
	"type": "Microsoft.CognitiveServices/accounts", "kind": "OpenAI", "location": location, "sku": {"name": "S0"},
	"properties": {"endpoint": concat("", ["https://", name, ".openai.azure.com/"]), "customSubDomainName": name},
}

# cognitiveservices/deployment-get.json
deployment(account, model, sku) := {
	"id": concat("/", [account.id, "deployments", model]), "name": model,
	"type": "Microsoft.CognitiveServices/accounts/deployments", "sku": {"name": sku, "capacity": 10},
	"properties": {"model": {"format": "OpenAI", "name": model, "version": "1"}},
}

# apimanagement: service with backends (backend-pool-priority-based.json, backend-get.json shapes)
apim(name, location, additional) := {
	"id": id("rg-ai", "Microsoft.ApiManagement/service", name), "name": name,
	"type": "Microsoft.ApiManagement/service", "location": location, "sku": {"name": "Premium", "capacity": 1},
	"properties": {"additionalLocations": [{"location": l, "sku": {"name": "Premium", "capacity": 1}} | some l in additional]},
}

backend(service, name, url, breaker) := {
	"id": concat("/", [service.id, "backends", name]), "name": name, "type": "Microsoft.ApiManagement/service/backends",
	"properties": {"url": url, "protocol": "http", "circuitBreaker": breaker},
}

pool_backend(service, members) := {
	"id": concat("/", [service.id, "backends", "pool"]), "name": "pool", "type": "Microsoft.ApiManagement/service/backends",
	"properties": {"type": "Pool", "url": null, "protocol": null, "pool": {"services": [{"id": m.id, "priority": 1} | some m in members]}},
}

breaker := {"rules": [{"name": "trip-on-429", "failureCondition": {"count": 3, "interval": "PT1M", "statusCodeRanges": [{"min": 429, "max": 429}]}, "tripDuration": "PT1M", "acceptRetryAfter": true}]}

route(region, fallbacks, retries, timeout, cb) := {
	"name": "chat", "model": "gpt-4o", "provider": "azure-openai", "region": region,
	"timeout_seconds": timeout, "retries": retries, "circuit_breaker": cb, "fallbacks": fallbacks,
}
