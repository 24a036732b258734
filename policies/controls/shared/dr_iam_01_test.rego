package drready.controls.shared.dr_iam_01_test

import data.drready.lib.fixtures as f

blob_reader := "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"

kv_user := "4633458b-17de-408a-b874-0445c86b69e6"

id1 := f.identity("id-app-cus", "centralus", "11111111-1111-1111-1111-111111111111")

id2 := f.identity("id-app-eus2", "eastus2", "22222222-2222-2222-2222-222222222222")

st1 := f.storage("stapp-cus", "centralus", "Standard_ZRS")

st2 := f.storage("stapp-eus2", "eastus2", "Standard_ZRS")

sub := "/subscriptions/00000000-0000-0000-0000-000000000000"

primary_grants := [
	f.role_assignment(id1.properties.principalId, blob_reader, st1.id),
	f.role_assignment(id1.properties.principalId, kv_user, sub),
]

doc(grants) := object.union(
	f.doc("web", [id1, id2, st1, st2]),
	{"pairs": [f.pair(id1, id2), f.pair(st1, st2)], "authorization": grants},
)

cases := {
	"same_roles_on_counterparts_pass": {
		"input": doc(array.concat(primary_grants, [
			f.role_assignment(id2.properties.principalId, blob_reader, st2.id),
			f.role_assignment(id2.properties.principalId, kv_user, sub),
		])),
		"expect": {id1.id: {"status": "pass", "contains": ["2 role(s)"]}, id2.id: {"status": "not_applicable"}},
	},
	"role_on_primary_resource_not_on_counterpart_fails": {
		"input": doc(array.concat(primary_grants, [
			f.role_assignment(id2.properties.principalId, blob_reader, st1.id),
			f.role_assignment(id2.properties.principalId, kv_user, sub),
		])),
		"expect": {id1.id: {"status": "fail", "contains": [blob_reader, "stapp-cus"]}, id2.id: {"status": "not_applicable"}},
	},
	"no_standby_identity_fails": {
		"input": object.union(f.doc("web", [id1]), {"pairs": [f.unpaired(id1)], "authorization": primary_grants}),
		"expect": {id1.id: {"status": "fail", "contains": ["no counterpart in eastus2"]}},
	},
}
