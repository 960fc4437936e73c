package core

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

// kinds maps each kind of this package to a constructor and to its defaulting and validation, so
// that every testdata file is also checked to be a valid, fully defaulted object.
var kinds = map[string]struct {
	new      func() meta.Object
	def      func(meta.Object)
	validate func(meta.Object) field.ErrorList
}{
	"Pod": {func() meta.Object { return &Pod{} }, func(o meta.Object) { DefaultPod(o.(*Pod)) }, validateServedPod},
	"Node": {func() meta.Object { return &Node{} }, func(o meta.Object) { DefaultNode(o.(*Node)) },
		func(o meta.Object) field.ErrorList { return ValidateNode(o.(*Node)) }},
	"Namespace": {func() meta.Object { return &Namespace{} }, func(o meta.Object) { DefaultNamespace(o.(*Namespace)) },
		func(o meta.Object) field.ErrorList { return ValidateNamespace(o.(*Namespace)) }},
	"Secret": {func() meta.Object { return &Secret{} }, func(o meta.Object) { DefaultSecret(o.(*Secret)) },
		func(o meta.Object) field.ErrorList { return ValidateSecret(o.(*Secret)) }},
	"ConfigMap": {func() meta.Object { return &ConfigMap{} }, func(o meta.Object) { DefaultConfigMap(o.(*ConfigMap)) },
		func(o meta.Object) field.ErrorList { return ValidateConfigMap(o.(*ConfigMap)) }},
	"ServiceAccount": {func() meta.Object { return &ServiceAccount{} }, func(meta.Object) {},
		func(o meta.Object) field.ErrorList { return ValidateServiceAccount(o.(*ServiceAccount)) }},
	"ResourceQuota": {func() meta.Object { return &ResourceQuota{} }, func(meta.Object) {},
		func(o meta.Object) field.ErrorList { return ValidateResourceQuota(o.(*ResourceQuota)) }},
	"LimitRange": {func() meta.Object { return &LimitRange{} }, func(o meta.Object) { DefaultLimitRange(o.(*LimitRange)) },
		func(o meta.Object) field.ErrorList { return ValidateLimitRange(o.(*LimitRange)) }},
	"Event": {func() meta.Object { return &Event{} }, func(meta.Object) {},
		func(o meta.Object) field.ErrorList { return ValidateEvent(o.(*Event)) }},
	"Binding": {func() meta.Object { return &Binding{} }, func(meta.Object) {},
		func(o meta.Object) field.ErrorList { return ValidateBinding(o.(*Binding)) }},
}

// validateServedPod validates a pod as created, or, when it has ephemeral containers, as the
// ephemeralcontainers subresource added them.
func validateServedPod(o meta.Object) field.ErrorList {
	pod := o.(*Pod)
	if len(pod.Spec.EphemeralContainers) == 0 {
		return ValidatePod(pod)
	}
	before := pod.DeepCopyObject().(*Pod)
	before.Spec.EphemeralContainers = nil
	return append(ValidatePod(before), ValidatePodEphemeralContainersUpdate(pod, before)...)
}

// TestRoundTrip decodes every object in testdata, as kubectl prints it in JSON or YAML, strictly
// (an unknown field fails), encodes it again and compares the two as generic JSON: a field the
// types lose, rename or encode differently shows up as a diff.
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
			decodeStrict(t, raw, obj)
			out, err := json.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(asGeneric(t, raw), asGeneric(t, out)); diff != "" {
				t.Errorf("round trip changed the object (-file +re-encoded):\n%s", diff)
			}

			// What a server hands out is already defaulted and valid.
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

// readJSON reads a testdata file, converting YAML to JSON as kubectl would.
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
