# METADATA
# title: Secondary region set
# description: >-
#   The stamp names a secondary region to recover into. If it is not the Azure pair of the primary,
#   pair-bound features (storage GRS/GZRS, PostgreSQL and MySQL geo-redundant backup, Key Vault
#   Microsoft-managed failover, Azure Backup cross-region restore) do not land there. A primary
#   without an Azure pair (several newer regions, such as Italy North, Poland Central or Mexico
#   Central) needs an explicitly chosen secondary, and every copy must be made explicitly; a pair that
#   is one-way or restricted is named. A region the region table (and Azure's locations list) does not
#   know makes the finding unknown.
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

_evidence := {
	"stamp.primary_region": _primary,
	"stamp.secondary_region": _secondary,
	"azure pair": lib.region_fact(_primary, "pair"),
}

results := [_assessment]

_known(region) if lib.region_fact(region, "display") != null

_assessment := lib.stamp_result(
	"unknown",
	sprintf("Primary region %s is not in the region table nor in Azure's locations list", [_primary]),
	_evidence,
) if {
	not _known(_primary)
} else := lib.stamp_result(
	"fail",
	concat("", [
		sprintf("Stamp %s has no secondary region and %s has no Azure pair: ", [input.stamp.name, _primary]),
		"set secondary_region in drready.yaml to the region you would recover into",
	]),
	_evidence,
) if {
	_secondary == null
} else := lib.stamp_result(
	"unknown",
	sprintf("Secondary region %s is not in the region table nor in Azure's locations list", [_secondary]),
	_evidence,
) if {
	not _known(_secondary)
} else := lib.stamp_result(
	"pass",
	concat("", [
		sprintf(
			"%s has no Azure pair, so the explicitly chosen secondary %s is where the stamp recovers: ",
			[_primary, _secondary],
		),
		"pair-bound replication (GRS, geo-redundant backups, Key Vault failover) is not available, ",
		"so replicate each store there explicitly",
	]),
	_evidence,
) if {
	lib.unpaired_region(_primary)
} else := _paired

_paired := lib.with_severity(
	lib.stamp_result(
		"fail",
		concat("", [
			sprintf("Secondary region %s is not the Azure pair of %s (%s): ", [_secondary, _primary, _pair]),
			sprintf(
				"geo-redundant storage, geo-redundant database backups and Key Vault failover replicate to %s, not to %s; ",
				[_pair, _secondary],
			),
			"plan replicas or second stamps there instead",
		]),
		_evidence,
	),
	"info",
) if {
	_secondary != _pair
} else := lib.stamp_result(
	"pass",
	concat("", [sprintf("Secondary region %s is the Azure pair of %s", [_secondary, _primary]), _caveats]),
	_evidence,
)

_pair := lib.azure_pair(_primary)

# What to know of a pair that is not a plain two-way pair between open regions.
_caveats := concat("", [_one_way, _restricted])

default _one_way := ""

_one_way := sprintf(
	"; the pairing is one-way: %s's own pair is %s, so failing back and its geo-replication do not land in %s",
	[_secondary, lib.azure_pair(_secondary), _primary],
) if {
	lib.region_fact(_primary, "pair_one_way") == true
}

default _restricted := ""

_restricted := sprintf(
	"; %s is a restricted region: deploying there needs an access request to Microsoft",
	[_secondary],
) if {
	lib.region_fact(_secondary, "restricted") == true
}
