package drready.controls.web.dr_web_02_test

import data.drready.lib.fixtures as f

fd := f.front_door("afd-web")

cdn := object.union(f.front_door("cdn-classic"), {"sku": {"name": "Standard_Microsoft"}})

app1 := f.site("app-web-cus", "centralus", "/healthz")

app2 := f.site("app-web-eus2", "eastus2", "/healthz")

children(path, origins) := {lower(fd.id): {
	"originGroups": [f.origin_group(fd, path)],
	"origins": [f.origin(fd, o.name, o.properties.defaultHostName) | some o in origins],
}}

doc(resources, kids) := object.union(f.doc("web", resources), {"children": kids})

# network/traffic-manager-profile-get-with-endpoints.json
tm(path, endpoints) := {
	"id": f.id("rg-app", "Microsoft.Network/trafficManagerProfiles", "tm-web"), "name": "tm-web",
	"type": "Microsoft.Network/trafficManagerProfiles", "location": "global",
	"properties": {
		"profileStatus": "Enabled", "trafficRoutingMethod": "Priority", "dnsConfig": {"ttl": 30},
		"monitorConfig": {"protocol": "HTTPS", "port": 443, "path": path, "intervalInSeconds": 30, "toleratedNumberOfFailures": 3, "timeoutInSeconds": 10},
		"endpoints": [{"name": e, "type": "Microsoft.Network/trafficManagerProfiles/azureEndpoints", "properties": {
			"endpointStatus": "Enabled", "targetResourceId": e, "priority": 1,
		}} |
			some e in endpoints
		],
	},
}

cases := {
	"front_door_with_origins_in_both_regions_passes": {
		"input": doc([fd, app1, app2], children("/healthz", [app1, app2])),
		"expect": {fd.id: {"status": "pass"}},
	},
	"front_door_one_region_and_root_probe_fails": {
		"input": doc([fd, app1, app2], children("/", [app1])),
		"expect": {fd.id: {"status": "fail", "contains": ["no enabled origin in eastus2", "probe no path or only /"]}},
	},
	"front_door_children_not_collected_is_unknown": {"input": doc([fd, app1], {}), "expect": {fd.id: {"status": "unknown"}}},
	"traffic_manager_two_regions_passes": {
		"input": f.doc("web", [tm("/healthz", [app1.id, app2.id]), app1, app2]),
		"expect": {tm("", []).id: {"status": "pass"}},
	},
	"traffic_manager_single_endpoint_fails": {
		"input": f.doc("web", [tm("/", [app1.id]), app1]),
		"expect": {tm("", []).id: {"status": "fail", "contains": ["1 enabled endpoint(s)", "no enabled endpoint in eastus2", "monitor path is /"]}},
	},
	"no_entry_point_fails_the_stamp": {"input": f.doc("web", [app1]), "expect": {"stamp/s1": {"status": "fail", "contains": ["no global entry point"]}}},
	"cdn_profile_not_applicable": {
		"input": f.doc("web", [cdn, tm("/healthz", [app1.id, app2.id]), app1, app2]),
		"expect": {cdn.id: {"status": "not_applicable"}, tm("", []).id: {"status": "pass"}},
	},
}
