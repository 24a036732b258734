package drready.controls.genai.dr_ai_04_test

import data.drready.lib.fixtures as f

tagged(r, role) := object.union(r, {"tags": {"drready-role": role}})

db := tagged(f.postgres("psql-langfuse-cus", "centralus", "Enabled", "ZoneRedundant"), "langfuse-db")

weak_db := tagged(f.postgres("psql-langfuse-cus", "centralus", "Disabled", "Disabled"), "langfuse-db")

blob := tagged(f.storage("stlangfuse", "centralus", "Standard_GZRS"), "langfuse-blob")

weak_blob := tagged(f.storage("stlangfuse", "centralus", "Standard_LRS"), "langfuse-blob")

other := f.storage("stother", "centralus", "Standard_LRS")

cases := {
	"recoverable_stores_pass": {
		"input": f.doc("genai", [db, blob, other]),
		"expect": {db.id: {"status": "pass"}, blob.id: {"status": "pass"}, other.id: {"status": "not_applicable"}},
	},
	"weak_stores_fail": {
		"input": f.doc("genai", [weak_db, weak_blob]),
		"expect": {db.id: {"status": "fail", "contains": ["Langfuse PostgreSQL server"]}, blob.id: {"status": "fail", "contains": ["traces and media are lost"]}},
	},
}
