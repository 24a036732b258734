# METADATA
# title: PostgreSQL recoverable in the secondary
# description: >-
#   A PostgreSQL flexible server can be brought back in the secondary region: a read replica runs
#   there (promotion typically 1-3 minutes, RPO typically up to 5 minutes) or geo-redundant backup
#   is on and the secondary is the Azure pair (geo-restore, RPO under 1 hour, RTO varies). In zone
#   regions the server also uses zone-redundant high availability (RPO 0, failover 60-120 s).
# related_resources:
#   - ref: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-business-continuity
#     description: Business continuity in Azure Database for PostgreSQL flexible server
#   - ref: https://learn.microsoft.com/azure/reliability/reliability-database-postgresql
#     description: Reliability in Azure Database for PostgreSQL
#   - ref: https://learn.microsoft.com/azure/postgresql/backup-restore/concepts-geo-disaster-recovery
#     description: Geo-disaster recovery in Azure Database for PostgreSQL
# custom:
#   id: DR-K8S-05
#   severity: critical
#   stamps: [kubernetes]
#   resource_types: [microsoft.dbforpostgresql/flexibleservers]
#   mechanism: pg_replica_promote
#   recovery: {step: data, label: Recover PostgreSQL, phase: data, per_resource: true}
#   plan:
#     azurerm_postgresql_flexible_server:
#       type: Microsoft.DBforPostgreSQL/flexibleServers
#       body:
#         properties.backup.geoRedundantBackup: "geo_redundant_backup_enabled == `true` && 'Enabled' || 'Disabled'"
#         properties.highAvailability.mode: "high_availability[0].mode || 'Disabled'"
#         properties.replicationRole: "create_mode == 'Replica' && source_server_id && 'AsyncReplica' || `null`"
#         properties.sourceServerResourceId: "create_mode == 'Replica' && source_server_id || `null`"
package drready.controls.kubernetes.dr_k8s_05

import data.drready.lib
import data.drready.lib.databases

results := [databases.server_result(r, "PostgreSQL", "postgres") |
	some r in lib.resources_of("microsoft.dbforpostgresql/flexibleservers")
]
