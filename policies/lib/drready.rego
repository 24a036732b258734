# METADATA
# title: drready helpers
# description: Helpers shared by every drready control (resource selection, regions, result shape).
package drready.lib

# Policies reach resources only through resources_of, by_id and counterpart. drready passes them
# indexed (scanner/pipeline.py, engine_input): `by_type` {lower-case type: [resource]}, each resource
# carrying its normalized region under `drready.region` and each primary its secondary under
# `drready.counterpart`, and `index` {lower-case id: [type, position]};
# hand-written inputs (the case tables) give `resources` and `pairs` instead. rego-cpp 1.5.2 looks up
# `x[key]` and object.get(x, key) with a computed key by scanning x, so lookups are kept out of
# per-resource paths; object.get(x, [type, position]) on the arrays is direct.
#
# The stamp's resources of one ARM type. Types are compared in lower case because ARM spells
# some both ways (Microsoft.ContainerService/ManagedClusters).
resources_of(t) := object.get(input.by_type, t, []) if {
	_has_index
} else := [r | some r in input.resources; lower(r.type) == t]

# "East US 2", "eastus2" and "EastUS2" all name eastus2.
norm_region(name) := lower(replace(name, " ", "")) if is_string(name)

else := ""

# drready's indexed input carries each resource's normalized region (scanner/pipeline.py): a key
# read instead of three calls, for a check nearly every control makes on every resource.
region(r) := x if {
	x := r.drready.region
} else := norm_region(object.get(r, "location", ""))

in_primary(r) if region(r) == input.stamp.primary_region

in_secondary(r) if {
	input.stamp.secondary_region != null
	region(r) == input.stamp.secondary_region
}

# Region facts: drready gives each stamp the facts of its regions in input.regions (the shipped table,
# policies/lib/regions/data.json, overridden by what Azure's locations list said); hand-written inputs
# (the case tables), and regions other than the stamp's two (an API Management instance's additional
# locations), fall back to the table itself. A region whose zone support is unknown is neither a
# zone region nor one without zones: zone checks then give no result, and the finding is unknown.
region_fact(name, key) := object.get(input.regions[name], key, null) if {
	is_object(input.regions)
	is_object(input.regions[name])
} else := object.get(data.lib.regions.regions, [name, key], null)

zone_region(name) if region_fact(name, "zones") == true

no_zones(name) if region_fact(name, "zones") == false

azure_pair(name) := p if {
	p := region_fact(name, "pair")
	p != null
}

# Known to have no Azure pair (Microsoft lists none), as opposed to a region the table does not know.
unpaired_region(name) if {
	region_fact(name, "display") != null
	region_fact(name, "pair") == null
}

name_of(r) := r.name if is_string(r.name)

else := r.id if is_string(r.id)

else := "(unnamed)"

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

# A control's result for a resource. A resource whose location the body does not give cannot be placed
# in either region: whatever the control concluded from that, it is not a pass (nor not applicable).
result(r, status, message, evidence) := {
	"resource": r.id,
	"status": "unknown",
	"message": concat("", [name_of(r), " has no location in the collected body, so its region is not known"]),
	"evidence": evidence,
} if {
	status in {"pass", "not_applicable"}
	region(r) == ""
} else := {
	"resource": r.id,
	"status": status,
	"message": message,
	"evidence": evidence,
}

# Stamp-level controls report against this reference instead of a resource id.
stamp_ref := sprintf("stamp/%s", [input.stamp.name])

# The result of a stamp-level control (METADATA custom.scope: stamp), reported against stamp_ref.
stamp_result(status, message, evidence) := {
	"resource": stamp_ref,
	"status": status,
	"message": message,
	"evidence": evidence,
}

# A result whose gap counts at another severity than the control's (DR-REG-01's informational case).
with_severity(result, severity) := object.union(result, {"severity": severity})

counterpart_message(r) := sprintf(
	"%s is in the secondary region %s: it is assessed as the counterpart of a primary resource",
	[name_of(r), input.stamp.secondary_region],
)

# Results may also say `unknown` when the control knows what it lacks (a child resource that was not
# collected, a declared file that is absent); it is never a pass.
unknown(r, message) := result(r, "unknown", message, {})

# Child resources fetched from ARM outside Resource Graph, keyed by the parent's lower-case id and
# kind (integrationRuntimes, deployments, backends, originGroups, origins, backupInstances,
# replications). Undefined when they were not collected: the caller then gives no pass.
children(r, kind) := c if {
	c := object.get(input.children, [lower(r.id), kind], null)
	c != null
}

# The secondary counterpart of a primary resource, from the pairs computed in Python
# (dr-pair tag, or the name with the region token swapped).
counterpart(r) := r.drready.counterpart if {
	_has_index
} else := s if {
	not _has_index
	some p in input.pairs
	lower(p.primary) == lower(r.id)
	p.secondary != null
	some s in input.resources
	lower(s.id) == lower(p.secondary)
}

counterpart_id(id) := lower(counterpart(by_id(id)).id)

by_id(id) := r if {
	_has_index
	at := object.get(input.index, lower(id), null)
	is_array(at)
	r := object.get(input.by_type, at, null)
	r != null
} else := r if {
	not _has_index
	some r in input.resources
	lower(r.id) == lower(id)
}

# A helper rule, not `not is_object(input.index)`: OPA makes that negation undefined when input.index
# is absent.
_has_index if is_object(input.index)

in_secondary_of_type(t) := [r | some r in resources_of(t); in_secondary(r)]

# Secondary resources of a type that stand in for no primary: a standby is one primary's only (a tag
# pair, a name pair, or the one secondary left for the one primary left, paired in Python).
unclaimed_in_secondary_of_type(t) := [r | some r in in_secondary_of_type(t); not _claimed(r)]

_claimed(r) if r.drready.claimed == true

_claimed(r) if {
	not _has_index
	some p in input.pairs
	_pair_secondary(p) == lower(r.id)
}

# A primary's standby: its counterpart, else the one secondary of its type no primary claims. A
# secondary is one primary's standby only, never shared (clusters, workspaces, factories, firewalls).
standby(r) := s if {
	s := counterpart(r)
} else := unclaimed_in_secondary_of_type(lower(r.type))[0] if {
	count(unclaimed_in_secondary_of_type(lower(r.type))) == 1
}

# For a primary without a standby: the secondaries of its type and whose standby each is.
standbys_taken(r) := concat("", [" (", concat("; ", taken), ")"]) if {
	taken := [concat("", [name_of(s), " stands in for ", claimed_by(s)]) |
		some s in in_secondary_of_type(lower(r.type))
		claimed_by(s) != ""
		claimed_by(s) != name_of(r)
	]
	count(taken) > 0
} else := ""

# Which primary a claimed secondary stands in for, for messages ("" when none).
claimed_by(r) := object.get(r, ["drready", "claimed_by"], "") if {
	_has_index
} else := object.get(p, "primary_name", p.primary) if {
	some p in input.pairs
	_pair_secondary(p) == lower(r.id)
} else := ""

_pair_secondary(p) := lower(p.secondary) if is_string(p.secondary)

# "1.29.4" -> [1, 29, 4]; non-numeric parts count as 0.
_version_parts(v) := [n | some p in split(sprintf("%v", [v]), "."); n := _to_number_or_zero(p)]

_to_number_or_zero(s) := to_number(s) if regex.match(`^[0-9]+$`, s)

else := 0

# True when version a >= b, compared part by part ("3.2" >= "3.10" is false).
version_at_least(a, b) if {
	pa := array.slice(array.concat(_version_parts(a), [0, 0, 0]), 0, 3)
	pb := array.slice(array.concat(_version_parts(b), [0, 0, 0]), 0, 3)
	differing := [k | some k in [0, 1, 2]; pa[k] != pb[k]]
	_version_not_lower(pa, pb, differing)
}

_version_not_lower(_, _, differing) if count(differing) == 0

_version_not_lower(pa, pb, differing) if pa[differing[0]] > pb[differing[0]]

minor_version(v) := concat(".", array.slice(split(sprintf("%v", [v]), "."), 0, 2))

geo_storage_skus := {"Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"}

# A tag's value; tag names compared case-insensitively (ARM keeps the user's casing).
tag(r, key) := v if {
	some k, v in object.get(r, "tags", {})
	lower(k) == lower(key)
}

_role(r) := tag(r, "drready-role")

not_primary_message(r) := sprintf(
	"%s is not in the primary region %s: parity is assessed from the primary side",
	[name_of(r), input.stamp.primary_region],
)

# A result that rests on declared (not observed) evidence says so.
declared_result(status, message, evidence) := object.union(stamp_result(status, message, evidence), {"declared": true})

no_counterpart_message(r, what) := concat("", [
	sprintf("%s has no counterpart in %v: ", [name_of(r), input.stamp.secondary_region]),
	what,
	" (pair them with the same dr-pair tag, or name the secondary with the region token swapped)",
])

# Use `not has_role(r, x)` rather than `not _role(r) == x`: OPA treats the undefined call inside the
# negation as undefined (the rule fails) where rego-cpp treats it as false (the negation holds).
has_role(r, value) if _role(r) == value

# A URL path that is more than "/" (health probes, health checks). Safe on null: rego-cpp's strict
# built-in errors make count(null) an error where OPA would make it undefined.
real_path(p) if {
	is_string(p)
	count(p) > 1
}

# Resource Graph returns `null` for many absent lists (zones): count() of null is an error in
# rego-cpp's strict mode, so lists that may be null go through here.
list_or_empty(x) := x if is_array(x)

else := []

# A value under the resource's `properties`, or null: prop(r, ["backup", "geoRedundantBackup"]).
prop(r, path) := object.get(r, array.concat(["properties"], path), null)

# Declared evidence the stamp's files provide (Python passes null when a file is not named).
declared(name) := input.declared[name] if is_object(input.declared[name])

# Data-store controls say which recovery mechanism protects the resource (policies/data/capabilities):
# the recovery graph in Python estimates RPO and RTO from it.
with_mechanism(result, mechanism) := object.union(result, {"mechanism": mechanism})

storage_mechanism(sku) := "storage_read_access" if sku in {"Standard_RAGRS", "Standard_RAGZRS"}

else := "storage_geo_failover" if sku in geo_storage_skus

else := "none"

# Every resource of the stamp, whatever its type.
all_resources := [r | some rs in input.by_type; some r in rs] if {
	_has_index
} else := input.resources

# The lower-case id of a resource's resource group (/subscriptions/{s}/resourcegroups/{g}).
group_id(r) := concat("/", array.slice(parts, 0, 5)) if {
	parts := split(lower(r.id), "/")
	count(parts) > 4
	parts[1] == "subscriptions"
	parts[3] == "resourcegroups"
}

# The lower-case subscription id of a resource.
subscription_of(r) := parts[2] if {
	parts := split(lower(r.id), "/")
	count(parts) > 2
	parts[1] == "subscriptions"
}

# Azure Policy assignments (input.policy_assignments, null when not collected). An assignment covers a
# resource when its scope is the resource, a scope above it (resource group, subscription) or a
# management group above its subscription (input.management_groups), and none of its notScopes does.
policy_covers(a, r) if {
	_scope_above(lower(a.properties.scope), r)
	not _not_scoped(a, r)
}

# Whether that can be told: a management-group scope needs the subscription's management-group chain.
policy_coverage_known(a, _) if {
	is_string(a.properties.scope)
	not contains(lower(a.properties.scope), "/providers/microsoft.management/managementgroups/")
}

policy_coverage_known(a, r) if {
	is_string(a.properties.scope)
	is_array(input.management_groups[subscription_of(r)])
}

_scope_above(scope, r) if scope == lower(r.id)

_scope_above(scope, r) if startswith(lower(r.id), concat("", [scope, "/"]))

_scope_above(scope, r) if scope in object.get(input, ["management_groups", subscription_of(r)], [])

_not_scoped(a, r) if {
	some n in list_or_empty(object.get(a.properties, "notScopes", []))
	is_string(n)
	_scope_above(lower(n), r)
}

# The definition (or initiative) an assignment applies, in lower case.
policy_definition(a) := lower(a.properties.policyDefinitionId) if is_string(a.properties.policyDefinitionId)

# The definition's own name (a built-in's GUID), the last segment of its id.
policy_definition_name(a) := parts[count(parts) - 1] if parts := split(policy_definition(a), "/")

# enforcementMode absent means Default (the ARM default): the assignment's effects apply.
policy_enforced(a) if object.get(a.properties, "enforcementMode", "Default") == "Default"

policy_name(a) := a.properties.displayName if {
	is_string(a.properties.displayName)
	a.properties.displayName != ""
} else := name_of(a)

# Role assignments (input.authorization, as Resource Graph's authorizationresources rows) held by a
# principal: {"role": role definition guid, "scope": lower-case scope}. An assignment that names no role
# or scope is listed by unreadable_role_assignments instead, so a caller can say it is not known.
role_grants(principal) := [{"role": _role_definition_guid(a), "scope": lower(a.properties.scope)} |
	some a in _role_assignments
	object.get(a, ["properties", "principalId"], null) == principal
	_role_definition_guid(a)
	is_string(a.properties.scope)
]

unreadable_role_assignments(principal) := [object.get(a, "name", "(unnamed)") |
	some a in _role_assignments
	object.get(a, ["properties", "principalId"], null) == principal
	not _readable_role_assignment(a)
]

_role_assignments := list_or_empty(object.get(input, "authorization", []))

_readable_role_assignment(a) if {
	_role_definition_guid(a)
	is_string(a.properties.scope)
}

_role_definition_guid(a) := lower(parts[count(parts) - 1]) if {
	is_string(a.properties.roleDefinitionId)
	parts := split(a.properties.roleDefinitionId, "/")
}

# Each role the primary principal holds that the standby principal lacks, as "role <guid> on <scope>":
# the standby must hold it on the counterpart of the scope when the scope is a paired resource, else on
# the same scope (a subscription, or a resource both regions use). The standby's grants are a set,
# computed once: checking each grant against a recomputed list was quadratic.
missing_role_grants(primary, standby) := missing if {
	held := {concat("|", [h.role, h.scope]) | some h in role_grants(standby)}
	missing := [_missing_grant_text(g) |
		some g in role_grants(primary)
		not concat("|", [g.role, _grant_target_scope(g.scope)]) in held
	]
}

_missing_grant_text(g) := concat("", ["role ", g.role, " on ", g.scope]) if {
	_grant_target_scope(g.scope) == g.scope
} else := concat("", ["role ", g.role, " on ", _grant_target_scope(g.scope), " (the primary's is on ", g.scope, ")"])

_grant_target_scope(scope) := lower(c.id) if {
	c := counterpart(by_id(scope))
} else := scope

# The regions of an Azure Cache for Redis's geo-replication partners (Premium linked servers) among
# the stamp's resources. ARM lists each link as {id: <cache id>/linkedServers/<partner name>} (the
# published Redis_Get example), so the partner is the stamp's cache of that name; an id that is the
# partner cache's own is read as such.
linked_regions(r) := {region(c) |
	some l in list_or_empty(prop(r, ["linkedServers"]))
	is_string(object.get(l, "id", null))
	c := _linked_cache(lower(l.id))
}

_linked_cache(id) := c if {
	parts := split(id, "/linkedservers/")
	count(parts) == 2
	some c in resources_of("microsoft.cache/redis")
	lower(c.name) == parts[1]
} else := by_id(id)

# A storage account's blob service properties (GET {account}/blobServices/default, read for DR-PROT-01
# and DR-PROT-02); undefined when they were not read.
blob_service(r) := s if {
	some s in children(r, "blobServices")
}
