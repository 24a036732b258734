# METADATA
# title: MySQL recoverable in the secondary
# description: >-
#   A MySQL flexible server can be brought back in the secondary region: a read replica runs there
#   (stopping replication typically takes a few minutes, RPO under 1 hour) or geo-redundant backup is on
#   and the secondary is the Azure pair (geo-restore, RPO under 1 hour, RTO varies). In zone regions
#   the server also uses zone-redundant high availability (RTO 60-120 s, RPO 0).
# related_resources:
#   - ref: https://learn.microsoft.com/azure/mysql/flexible-server/concepts-business-continuity
#     description: Business continuity in Azure Database for MySQL flexible server
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-database-mysql
#     description: Reliability in Azure Database for MySQL
# custom:
#   id: DR-K8S-06
#   severity: critical
#   stamps: [kubernetes]
#   resource_types: [microsoft.dbformysql/flexibleservers]
#   mechanism: mysql_replica_promote
#   recovery: {step: data, label: Recover MySQL, phase: data, per_resource: true}
#   plan:
#     azurerm_mysql_flexible_server:
#       type: Microsoft.DBforMySQL/flexibleServers
#       body:
#         properties.backup.geoRedundantBackup: "geo_redundant_backup_enabled == `true` && 'Enabled' || 'Disabled'"
#         properties.highAvailability.mode: "high_availability[0].mode || 'Disabled'"
#         properties.replicationRole: "create_mode == 'Replica' && source_server_id && 'Replica' || `null`"
#         properties.sourceServerResourceId: "create_mode == 'Replica' && source_server_id || `null`"
package drready.controls.kubernetes.dr_k8s_06

import data.drready.lib
import data.drready.lib.databases

results := [databases.server_result(r, "MySQL", "mysql") |
	some r in lib.resources_of("microsoft.dbformysql/flexibleservers")
]
