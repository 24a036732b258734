package drready.controls.kubernetes.dr_k8s_08_test

import data.drready.lib.fixtures as f

premium := f.registry("acrorders", "centralus", "Premium")

standard := f.registry("acrorders", "centralus", "Standard")

replicas(regions) := {lower(premium.id): {"replications": [{"name": r, "location": r, "type": "Microsoft.ContainerRegistry/registries/replications"} | some r in regions]}}

doc(resources, children) := object.union(f.doc("kubernetes", resources), {"children": children})

cases := {
	"geo_replicated_premium_passes": {"input": doc([premium], replicas(["eastus2"])), "expect": {premium.id: {"status": "pass", "contains": ["geo-replicated"]}}},
	"standard_without_standby_fails": {"input": doc([standard], {}), "expect": {premium.id: {"status": "fail", "contains": ["az acr replication create"]}}},
	"premium_replicated_elsewhere_fails": {"input": doc([premium], replicas(["westus2"])), "expect": {premium.id: {"status": "fail"}}},
	"premium_not_collected_is_unknown": {"input": doc([premium], {}), "expect": {premium.id: {"status": "unknown"}}},
	"secondary_registry_not_applicable": {
		"input": doc([standard, f.registry("acrorders2", "eastus2", "Standard")], {}),
		"expect": {premium.id: {"status": "pass"}, f.registry("acrorders2", "eastus2", "Standard").id: {"status": "not_applicable"}},
	},
}
