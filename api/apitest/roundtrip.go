// Package apitest is the test kit of the API group packages: round trips of objects as kubectl and
// the Kubernetes API reference show them.
//
//	func TestRoundTrip(t *testing.T) {
//		apitest.RoundTrip(t, "testdata", map[string]apitest.Kind{
//			"Lease": {New: func() meta.Object { return &Lease{} }, Validate: validateLease},
//		})
//	}
package apitest

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
)

// Kind is what a round trip needs of a kind: a constructor, and the defaulting and validation a
// served object must already satisfy. Default and Validate may be nil.
type Kind struct {
	New      func() meta.Object
	Default  func(meta.Object)
	Validate func(meta.Object) field.ErrorList
}

// RoundTrip decodes every file in dir (JSON, or YAML as kubectl writes it) strictly, so that a field
// the types lack fails, encodes it again and compares the two as generic JSON, so that a field the
// types lose, rename or encode differently shows up as a diff. It also checks that each object, as a
// server hands it out, is already defaulted and valid, and that every kind has a file.
func RoundTrip(t *testing.T, dir string, kinds map[string]Kind) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*"))
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
			obj := k.New()
			decodeStrict(t, raw, obj)
			out := mustMarshal(t, obj)
			if diff := cmp.Diff(asGeneric(t, raw), asGeneric(t, out)); diff != "" {
				t.Errorf("round trip changed the object (-file +re-encoded):\n%s", diff)
			}
			if k.Default != nil {
				defaulted := obj.DeepCopyObject()
				k.Default(defaulted)
				if diff := cmp.Diff(asGeneric(t, out), asGeneric(t, mustMarshal(t, defaulted))); diff != "" {
					t.Errorf("defaulting changed a served object (-served +defaulted):\n%s", diff)
				}
			}
			if k.Validate != nil {
				if errs := k.Validate(obj); len(errs) > 0 {
					t.Errorf("served object does not validate: %v", errs.ToAggregate())
				}
			}
		})
	}
	for kind := range kinds {
		if !seen[kind] {
			t.Errorf("no file in %s for kind %s", dir, kind)
		}
	}
}

// readJSON reads a file, converting YAML to JSON as kubectl would.
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

func decodeStrict(t *testing.T, raw []byte, into any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("trailing data after the object")
	}
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

// KindOf builds a Kind from typed hooks; T is a pointer to the object struct. Either hook may be nil.
func KindOf[T meta.Object](def func(T), validate func(T) field.ErrorList) Kind {
	k := Kind{New: func() meta.Object { return reflect.New(reflect.TypeFor[T]().Elem()).Interface().(meta.Object) }}
	if def != nil {
		k.Default = func(o meta.Object) { def(o.(T)) }
	}
	if validate != nil {
		k.Validate = func(o meta.Object) field.ErrorList { return validate(o.(T)) }
	}
	return k
}
