# METADATA
# title: drready helpers
# description: Helpers shared by every drready control (resource selection, regions, result shape).
package drready.lib

# The stamp's resources of one ARM type. Types are compared in lower case because ARM spells
# some both ways (Microsoft.ContainerService/ManagedClusters).
resources_of(t) := [r | some r in input.resources; lower(r.type) == t]

# "East US 2", "eastus2" and "EastUS2" all name eastus2.
norm_region(name) := lower(replace(name, " ", "")) if is_string(name)

else := ""

region(r) := norm_region(object.get(r, "location", ""))

in_primary(r) if region(r) == input.stamp.primary_region

in_secondary(r) if {
	input.stamp.secondary_region != null
	region(r) == input.stamp.secondary_region
}

# Zone support comes from policies/lib/regions/data.json (Microsoft's regions list). A region whose
# support is unknown is neither: zone checks then give no result and the finding becomes unknown.
zone_region(name) if data.lib.regions.regions[name].zones == true

no_zones(name) if data.lib.regions.regions[name].zones == false

azure_pair(name) := data.lib.regions.regions[name].pair

name_of(r) := object.get(r, "name", r.id)

# The resource group, read from the id when Resource Graph's resourceGroup field is absent
# (ARM REST bodies do not carry it).
resource_group(r) := r.resourceGroup if {
	is_string(r.resourceGroup)
	r.resourceGroup != ""
}

else := parts[i + 1] if {
	parts := split(r.id, "/")
	some i, p in parts
	lower(p) == "resourcegroups"
}

else := ""

result(r, status, message, evidence) := {
	"resource": r.id,
	"status": status,
	"message": message,
	"evidence": evidence,
}

# Stamp-level controls report against this reference instead of a resource id.
stamp_ref := sprintf("stamp/%s", [input.stamp.name])

counterpart_message(r) := sprintf(
	"%s is in the secondary region %s: it is assessed as the counterpart of a primary resource",
	[name_of(r), input.stamp.secondary_region],
)
