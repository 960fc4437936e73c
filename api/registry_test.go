package api_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
)

// Widget is a user's own kind, registered from Go with no generated code.
type Widget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            struct {
		Size int `json:"size"`
	} `json:"spec"`
}

func (w *Widget) DeepCopyObject() meta.Object {
	c := *w
	w.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

func TestBuiltinKinds(t *testing.T) {
	r := api.Builtin()
	cases := []struct {
		group, resource string
		wantKind        string
		namespaced      bool
	}{
		{"", "pods", "Pod", true},
		{"", "po", "Pod", true},
		{"", "pod", "Pod", true},
		{"", "nodes", "Node", false},
		{"", "ns", "Namespace", false},
		{"", "cm", "ConfigMap", true},
		{"apps", "deploy", "Deployment", true},
		{"apps", "rs", "ReplicaSet", true},
		{"rbac.authorization.k8s.io", "clusterrolebindings", "ClusterRoleBinding", false},
		{"coordination.k8s.io", "leases", "Lease", true},
	}
	for _, tc := range cases {
		k, err := r.ResourceFor(tc.group, tc.resource)
		if err != nil {
			t.Errorf("ResourceFor(%q, %q): %v", tc.group, tc.resource, err)
			continue
		}
		if k.Kind != tc.wantKind || k.Namespaced != tc.namespaced {
			t.Errorf("ResourceFor(%q, %q) = %s namespaced=%v, want %s namespaced=%v", tc.group, tc.resource, k.Kind, k.Namespaced, tc.wantKind, tc.namespaced)
		}
	}
	if _, err := r.ResourceFor("", "deployments"); !errors.Is(err, api.ErrUnknownKind) {
		t.Errorf("deployments in the core group: got %v, want ErrUnknownKind", err)
	}
	pods, _ := r.ResourceFor("", "pods")
	if !pods.HasSubresource("status") || !pods.HasSubresource("binding") || pods.HasSubresource("scale") {
		t.Errorf("pod subresources %v", pods.Subresources)
	}
	if pods.KeyPrefix() != "pods" {
		t.Errorf("pods key prefix %q, want pods (as kube-apiserver stores them)", pods.KeyPrefix())
	}
	if diff := cmp.Diff([]string{"metadata.name", "metadata.namespace", "spec.hostNetwork", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.nominatedNodeName", "status.phase", "status.podIP"}, pods.FieldLabels()); diff != "" {
		t.Errorf("pod field labels (-want +got):\n%s", diff)
	}
	nodes, _ := r.ResourceFor("", "nodes")
	if diff := cmp.Diff([]string{"metadata.name", "spec.unschedulable"}, nodes.FieldLabels()); diff != "" {
		t.Errorf("node field labels, cluster-scoped so no metadata.namespace (-want +got):\n%s", diff)
	}
	pod := &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "p", Namespace: "ns"}, Spec: core.PodSpec{NodeName: "n1"}, Status: core.PodStatus{Phase: core.PodRunning}}
	if set := pods.FieldSet(pod); set["spec.nodeName"] != "n1" || set["status.phase"] != "Running" || set["metadata.namespace"] != "ns" {
		t.Errorf("pod field set %v", set)
	}
	// Every built-in kind round-trips through New, KindOf and the codec.
	for _, k := range r.Kinds() {
		obj := k.New()
		got, err := r.KindOf(obj)
		if err != nil || got != k {
			t.Errorf("KindOf(New()) for %s: %v", k.Kind, err)
		}
		data, err := r.Encode(obj)
		if err != nil {
			t.Errorf("encode empty %s: %v", k.Kind, err)
			continue
		}
		back, err := r.Decode(data)
		if err != nil {
			t.Errorf("decode empty %s: %v", k.Kind, err)
			continue
		}
		if back.GetTypeMeta().Kind != k.Kind || back.GetTypeMeta().APIVersion != k.APIVersion() {
			t.Errorf("decoded %s as %+v", k.Kind, *back.GetTypeMeta())
		}
	}
}

func TestRegisterCustomKind(t *testing.T) {
	r := api.Builtin()
	var defaulted bool
	err := api.Register(r, api.KindSpec[*Widget]{
		Group: "example.com", Version: "v1", Kind: "Widget", Namespaced: true,
		Default: func(w *Widget) { defaulted = true; w.Spec.Size = 3 },
		Validate: func(w *Widget) field.ErrorList {
			if w.Spec.Size < 0 {
				return field.ErrorList{field.Invalid(field.NewPath("spec", "size"), w.Spec.Size, "must not be negative")}
			}
			return nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	k, err := r.ResourceFor("example.com", "widgets")
	if err != nil {
		t.Fatalf("resource name not derived from the kind: %v", err)
	}
	if k.Singular != "widget" || k.KeyPrefix() != "example.com/widgets" {
		t.Errorf("singular %q, key prefix %q", k.Singular, k.KeyPrefix())
	}
	w := &Widget{ObjectMeta: meta.ObjectMeta{Name: "w", Namespace: "ns"}}
	k.Default(w)
	if !defaulted || w.Spec.Size != 3 {
		t.Error("typed Default hook did not run")
	}
	w.Spec.Size = -1
	if errs := k.Validate(w); len(errs) != 1 || errs[0].Field != "spec.size" {
		t.Errorf("Validate = %v", errs)
	}
	data, err := r.Encode(w)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"apiVersion":"example.com/v1","kind":"Widget"`) {
		t.Errorf("encoded %s", data)
	}
	back, err := r.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.(*Widget).Spec.Size != -1 {
		t.Errorf("decoded %+v", back)
	}
	// The same kind, resource or Go type twice is refused.
	if err := api.Register(r, api.KindSpec[*Widget]{Group: "example.com", Version: "v1", Kind: "Widget"}); err == nil {
		t.Error("second registration of a kind accepted")
	}
	if err := api.Register(r, api.KindSpec[*Widget]{Group: "other.com", Version: "v1", Kind: "Widget"}); err == nil {
		t.Error("second registration of a Go type accepted")
	}
}

func TestDecodeErrors(t *testing.T) {
	r := api.Builtin()
	cases := []struct {
		name, in, wantField, wantMsg string
	}{
		{"not JSON", `{"kind":`, "", "invalid JSON"},
		{"no kind", `{"apiVersion":"v1"}`, "kind", "Object 'Kind' is missing"},
		{"no apiVersion", `{"kind":"Pod"}`, "apiVersion", "Object 'apiVersion' is missing"},
		{"unknown kind", `{"apiVersion":"v1","kind":"Gizmo"}`, "", `no kind "Gizmo" is registered for version "v1"`},
		{"wrong group", `{"apiVersion":"apps/v1","kind":"Pod"}`, "", `no kind "Pod" is registered for version "apps/v1"`},
		{"string for a number", `{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":"three"}}`, "spec.replicas", "cannot unmarshal string into a field of type integer"},
		{"number for a list", `{"apiVersion":"v1","kind":"Pod","spec":{"containers":5}}`, "spec.containers", "cannot unmarshal number into a field of type array"},
		{"deep field", `{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a"},{"name":"b","ports":[{"containerPort":80},{"containerPort":"80"}]}]}}`, "spec.containers[1].ports[1].containerPort", "cannot unmarshal string"},
		{"bad quantity", `{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","resources":{"limits":{"memory":"1Gi","cpu":"lots"}}}]}}`, "spec.containers[0].resources.limits[cpu]", "quantity"},
		{"bad time", `{"apiVersion":"v1","kind":"Pod","metadata":{"creationTimestamp":"yesterday"}}`, "metadata.creationTimestamp", "RFC 3339"},
		{"bad int-or-string", `{"apiVersion":"apps/v1","kind":"Deployment","spec":{"strategy":{"rollingUpdate":{"maxSurge":true}}}}`, "spec.strategy.rollingUpdate.maxSurge", ""},
		{"number too large", `{"apiVersion":"apps/v1","kind":"Deployment","spec":{"replicas":99999999999}}`, "spec.replicas", "cannot unmarshal number 99999999999 into a field of type integer"},
		{"absurd quantity", `{"apiVersion":"v1","kind":"ResourceQuota","spec":{"hard":{"pods":"1e99999999999999999999"}}}`, "spec.hard[pods]", ""},
		{"bad base64", `{"apiVersion":"v1","kind":"Secret","data":{"k":"not base64!"}}`, "data[k]", ""},
		{"too deep", `{"apiVersion":"v1","kind":"Pod","metadata":{"labels":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.Decode([]byte(tc.in))
			if !errors.Is(err, api.ErrDecode) {
				t.Fatalf("got %v, want an error wrapping ErrDecode", err)
			}
			var de *api.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %T, want *DecodeError", err)
			}
			if de.Field != tc.wantField {
				t.Errorf("field %q, want %q (error: %v)", de.Field, tc.wantField, err)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error %q does not say %q", err, tc.wantMsg)
			}
		})
	}
}

func TestDecodeInto(t *testing.T) {
	var d apps.Deployment
	if err := api.DecodeInto([]byte(`{"spec":{"replicas":2}}`), &d); err != nil || *d.Spec.Replicas != 2 {
		t.Fatalf("DecodeInto: %v, %+v", err, d.Spec)
	}
	if err := api.DecodeInto([]byte(`{"spec":{}} {"more":1}`), &d); err == nil {
		t.Error("trailing data accepted")
	}
}

func TestPluralize(t *testing.T) {
	for in, want := range map[string]string{"pod": "pods", "policy": "policies", "gateway": "gateways", "ingress": "ingresses", "box": "boxes", "batch": "batches", "": ""} {
		if got := api.Pluralize(in); got != want {
			t.Errorf("Pluralize(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEncodeMatchesKubectl: a Pod as kubectl prints it survives Decode and Encode through the
// registry unchanged.
func TestEncodeMatchesKubectl(t *testing.T) {
	r := api.Builtin()
	raw, err := os.ReadFile(filepath.Join("core", "testdata", "pod-running.json"))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := r.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := obj.(*core.Pod); !ok {
		t.Fatalf("decoded a %T", obj)
	}
	out, err := r.Encode(obj)
	if err != nil {
		t.Fatal(err)
	}
	var a, b map[string]any
	if err := yaml.Unmarshal(raw, &a); err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("pod changed on the way through the registry (-in +out):\n%s", diff)
	}
}

// FuzzDecode: garbage never panics the codec, and whatever decodes encodes and decodes again to the
// same bytes.
func FuzzDecode(f *testing.F) {
	for _, pattern := range []string{"core/testdata/*.json", "apps/testdata/*.json"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":"1.5"}}}]}}`))
	f.Add([]byte(`{"apiVersion":"apps/v1","kind":"Deployment","spec":{"strategy":{"rollingUpdate":{"maxSurge":"25%","maxUnavailable":0}}}}`))
	r := api.Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := r.Decode(data)
		if err != nil {
			if !errors.Is(err, api.ErrDecode) {
				t.Fatalf("error %v does not wrap ErrDecode", err)
			}
			return
		}
		out, err := r.Encode(obj)
		if err != nil {
			t.Fatalf("decoded object does not encode: %v", err)
		}
		again, err := r.Decode(out)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
		out2, err := r.Encode(again)
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(out2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", out, out2)
		}
	})
}
