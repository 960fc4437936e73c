package protobuf

import (
	"os"
	"testing"
)

// BenchmarkToJSON converts Deployment bodies: the one kubectl create deployment sends, and one
// with a full pod template.
func BenchmarkToJSON(b *testing.B) {
	small, err := os.ReadFile("testdata/deployment.bin")
	if err != nil {
		b.Fatal(err)
	}
	full := encodeObject(b, testRegistry(b), moreObjects()["full-deployment"])
	for _, bc := range []struct {
		name string
		body []byte
	}{{"kubectl-create", small}, {"full-template", full}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := ToJSON(bc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
