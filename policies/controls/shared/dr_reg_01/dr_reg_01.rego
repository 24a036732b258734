# METADATA
# title: Secondary region set
# description: >-
#   The stamp names a secondary region to recover into. If it is not the Azure pair of the primary,
#   pair-bound features (storage GRS/GZRS, PostgreSQL and MySQL geo-redundant backup, Key Vault
#   Microsoft-managed failover, Azure Backup cross-region restore) do not land there.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/reliability/regions-paired
#     description: Azure region pairs
#   - ref: https://learn.microsoft.com/azure/reliability/regions-list
#     description: Azure regions with availability zone support
# custom:
#   id: DR-REG-01
#   severity: medium
#   stamps: [web, data, kubernetes, genai]
#   scope: stamp
#   mechanism: null
package drready.controls.shared.dr_reg_01

import data.drready.lib

primary := input.stamp.primary_region

secondary := input.stamp.secondary_region

evidence := {"stamp.primary_region": primary, "stamp.secondary_region": secondary}

results := [assessment]

assessment := {
	"resource": lib.stamp_ref,
	"status": "fail",
	"message": sprintf(
		"Stamp %s has no secondary region and %s has no Azure pair: set secondary_region in drready.yaml to the region you would recover into",
		[input.stamp.name, primary],
	),
	"evidence": evidence,
} if {
	secondary == null
} else := {
	"resource": lib.stamp_ref,
	"status": "fail",
	"severity": "info",
	"message": sprintf(
		"Secondary region %s is not the Azure pair of %s (%s): geo-redundant storage, geo-redundant database backups and Key Vault failover replicate to %s, not to %s; plan replicas or second stamps there instead",
		[secondary, primary, pair_text, pair_text, secondary],
	),
	"evidence": evidence,
} if {
	secondary != lib.azure_pair(primary)
} else := {
	"resource": lib.stamp_ref,
	"status": "pass",
	"message": sprintf("Secondary region %s is the Azure pair of %s", [secondary, primary]),
	"evidence": evidence,
}

pair_text := lib.azure_pair(primary) if lib.azure_pair(primary) != null

else := "none"
