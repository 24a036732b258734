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

_primary := input.stamp.primary_region

_secondary := input.stamp.secondary_region

_evidence := {"stamp.primary_region": _primary, "stamp.secondary_region": _secondary}

results := [_assessment]

_assessment := lib.stamp_result(
	"fail",
	concat("", [
		sprintf("Stamp %s has no secondary region and %s has no Azure pair: ", [input.stamp.name, _primary]),
		"set secondary_region in drready.yaml to the region you would recover into",
	]),
	_evidence,
) if {
	_secondary == null
} else := lib.with_severity(
	lib.stamp_result(
		"fail",
		concat("", [
			sprintf("Secondary region %s is not the Azure pair of %s (%s): ", [_secondary, _primary, _pair_text]),
			sprintf(
				"geo-redundant storage, geo-redundant database backups and Key Vault failover replicate to %s, not to %s; ",
				[_pair_text, _secondary],
			),
			"plan replicas or second stamps there instead",
		]),
		_evidence,
	),
	"info",
) if {
	_secondary != lib.azure_pair(_primary)
} else := lib.stamp_result(
	"pass",
	sprintf("Secondary region %s is the Azure pair of %s", [_secondary, _primary]),
	_evidence,
)

default _pair_text := "none"

_pair_text := lib.azure_pair(_primary) if lib.azure_pair(_primary) != null
