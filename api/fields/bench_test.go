package fields

import "testing"

func BenchmarkParseSelector(b *testing.B) {
	const s = `metadata.name=web-0,metadata.namespace=default,status.phase!=Running,spec.nodeName=node\,1`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSelector(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatches(b *testing.B) {
	sel := ParseSelectorOrDie("metadata.namespace=default,status.phase!=Running,spec.nodeName=node-1")
	fs := Set{
		"metadata.name":      "web-0",
		"metadata.namespace": "default",
		"spec.nodeName":      "node-1",
		"spec.restartPolicy": "Always",
		"status.phase":       "Pending",
		"status.podIP":       "10.0.0.7",
	}
	b.ReportAllocs()
	for b.Loop() {
		if !sel.Matches(fs) {
			b.Fatal("selector should match")
		}
	}
}
