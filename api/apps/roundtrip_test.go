package apps

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
)

var kinds = map[string]struct {
	new      func() meta.Object
	def      func(meta.Object)
	validate func(meta.Object) field.ErrorList
}{
	"Deployment": {func() meta.Object { return &Deployment{} }, func(o meta.Object) { DefaultDeployment(o.(*Deployment)) },
		func(o meta.Object) field.ErrorList { return ValidateDeployment(o.(*Deployment)) }},
	"ReplicaSet": {func() meta.Object { return &ReplicaSet{} }, func(o meta.Object) { DefaultReplicaSet(o.(*ReplicaSet)) },
		func(o meta.Object) field.ErrorList { return ValidateReplicaSet(o.(*ReplicaSet)) }},
}

// TestRoundTrip decodes every object in testdata strictly, encodes it again and compares the two as
// generic JSON; it also checks that served objects are already defaulted and valid.
func TestRoundTrip(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw := readJSON(t, file)
			var head meta.TypeMeta
			if err := json.Unmarshal(raw, &head); err != nil {
				t.Fatal(err)
			}
			k, ok := kinds[head.Kind]
			if !ok {
				t.Fatalf("no kind %q in this package", head.Kind)
			}
			seen[head.Kind] = true
			obj := k.new()
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.DisallowUnknownFields()
			if err := dec.Decode(obj); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if _, err := dec.Token(); err != io.EOF {
				t.Fatal("trailing data after the object")
			}
			out := mustMarshal(t, obj)
			if diff := cmp.Diff(asGeneric(t, raw), asGeneric(t, out)); diff != "" {
				t.Errorf("round trip changed the object (-file +re-encoded):\n%s", diff)
			}
			defaulted := obj.DeepCopyObject()
			k.def(defaulted)
			if diff := cmp.Diff(asGeneric(t, out), asGeneric(t, mustMarshal(t, defaulted))); diff != "" {
				t.Errorf("defaulting changed a served object (-served +defaulted):\n%s", diff)
			}
			if errs := k.validate(obj); len(errs) > 0 {
				t.Errorf("served object does not validate: %v", errs.ToAggregate())
			}
		})
	}
	for kind := range kinds {
		if !seen[kind] {
			t.Errorf("no testdata for kind %s", kind)
		}
	}
}

func readJSON(t *testing.T, file string) []byte {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(file, ".yaml") {
		if raw, err = yaml.YAMLToJSON(raw); err != nil {
			t.Fatal(err)
		}
	}
	return raw
}

func asGeneric(t *testing.T, raw []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
