package webhook

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

type ar = admissionregistration.RuleWithOperations

func ops(o ...admissionregistration.OperationType) []admissionregistration.OperationType { return o }

func scope(s admissionregistration.ScopeType) *admissionregistration.ScopeType { return &s }

var (
	podCreate    = &admission.Attributes{Operation: admission.Create, Version: "v1", Resource: "pods", Namespace: "default", Name: "p"}
	podStatus    = &admission.Attributes{Operation: admission.Update, Version: "v1", Resource: "pods", Subresource: "status", Namespace: "default", Name: "p"}
	deployScale  = &admission.Attributes{Operation: admission.Update, Group: "apps", Version: "v1", Resource: "deployments", Subresource: "scale", Namespace: "default", Name: "d"}
	nodeCreate   = &admission.Attributes{Operation: admission.Create, Version: "v1", Resource: "nodes", Name: "n"}
	nsCreate     = &admission.Attributes{Operation: admission.Create, Version: "v1", Resource: "namespaces", Name: "team-a"}
	podDelete    = &admission.Attributes{Operation: admission.Delete, Version: "v1", Resource: "pods", Namespace: "default", Name: "p"}
	podExec      = &admission.Attributes{Operation: admission.Connect, Version: "v1", Resource: "pods", Subresource: "exec", Namespace: "default", Name: "p"}
	leaseV1Beta1 = &admission.Attributes{Operation: admission.Create, Group: "coordination.k8s.io", Version: "v1beta1", Resource: "leases", Namespace: "default", Name: "l"}
)

func TestMatchRules(t *testing.T) {
	coreGroup := []string{""}
	v1 := []string{"v1"}
	all := []string{"*"}
	createUpdate := ops(admissionregistration.OperationCreate, admissionregistration.OperationUpdate)
	tests := []struct {
		name  string
		rule  ar
		attrs *admission.Attributes
		want  bool
	}{
		{"pods create", ar{Operations: createUpdate, APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods"}}, podCreate, true},
		{"other operation", ar{Operations: createUpdate, APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods"}}, podDelete, false},
		{"any operation", ar{Operations: ops(admissionregistration.OperationAll), APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods"}}, podDelete, true},
		{"connect", ar{Operations: ops(admissionregistration.OperationConnect), APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods/exec"}}, podExec, true},
		{"no operations", ar{APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods"}}, podCreate, false},
		{"other group", ar{Operations: createUpdate, APIGroups: []string{"apps"}, APIVersions: v1, Resources: []string{"pods"}}, podCreate, false},
		{"any group and version", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: []string{"leases"}}, leaseV1Beta1, true},
		{"other version", ar{Operations: createUpdate, APIGroups: all, APIVersions: v1, Resources: []string{"leases"}}, leaseV1Beta1, false},
		{"a resource does not match its subresources", ar{Operations: createUpdate, APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods"}}, podStatus, false},
		{"resource/subresource", ar{Operations: createUpdate, APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods/status"}}, podStatus, true},
		{"resource/subresource is not the resource", ar{Operations: createUpdate, APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods/status"}}, podCreate, false},
		{"resource/* covers subresources", ar{Operations: createUpdate, APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods/*"}}, podStatus, true},
		{"resource/* covers the resource", ar{Operations: createUpdate, APIGroups: coreGroup, APIVersions: v1, Resources: []string{"pods/*"}}, podCreate, true},
		{"*/subresource", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: []string{"*/scale"}}, deployScale, true},
		{"*/subresource is not another", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: []string{"*/scale"}}, podStatus, false},
		{"* is every resource", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all}, nodeCreate, true},
		{"* is no subresource", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all}, podStatus, false},
		{"*/* is everything", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: []string{"*/*"}}, deployScale, true},
		{"one of several resources", ar{Operations: createUpdate, APIGroups: coreGroup, APIVersions: v1, Resources: []string{"configmaps", "pods"}}, podCreate, true},
		{"namespaced scope, namespaced object", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all, Scope: scope(admissionregistration.NamespacedScope)}, podCreate, true},
		{"namespaced scope, cluster object", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all, Scope: scope(admissionregistration.NamespacedScope)}, nodeCreate, false},
		{"namespaced scope, a namespace", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all, Scope: scope(admissionregistration.NamespacedScope)}, nsCreate, false},
		{"cluster scope, cluster object", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all, Scope: scope(admissionregistration.ClusterScope)}, nodeCreate, true},
		{"cluster scope, a namespace", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all, Scope: scope(admissionregistration.ClusterScope)}, nsCreate, true},
		{"cluster scope, namespaced object", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all, Scope: scope(admissionregistration.ClusterScope)}, podCreate, false},
		{"all scopes", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all, Scope: scope(admissionregistration.AllScopes)}, nodeCreate, true},
		{"unknown scope", ar{Operations: createUpdate, APIGroups: all, APIVersions: all, Resources: all, Scope: scope("Galaxy")}, podCreate, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := matchRules([]ar{tt.rule}, tt.attrs); got != tt.want {
				t.Errorf("matchRules = %v, want %v", got, tt.want)
			}
		})
	}
	if matchRules(nil, podCreate) {
		t.Error("no rules match nothing")
	}
}

func TestEncodeObject(t *testing.T) {
	a := &admission.Attributes{Group: "apps", Version: "v1", Kind: "Deployment"}
	tests := []struct {
		name string
		obj  meta.Object
		want string
	}{
		{"nil", nil, "null"},
		{"typed nil", (*core.Pod)(nil), "null"},
		{"without TypeMeta", &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "c"}}, `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"c","creationTimestamp":null}}`},
		{"with TypeMeta", &core.ConfigMap{TypeMeta: meta.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}}, `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"creationTimestamp":null}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := encodeObject(tt.obj, a)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				got = json.RawMessage("null")
			}
			var g, w any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("invalid JSON %s: %v", got, err)
			}
			_ = json.Unmarshal([]byte(tt.want), &w)
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestHookCache: the same configuration objects reuse their hooks; a changed list rebuilds them.
func TestHookCache(t *testing.T) {
	a := &admissionregistration.ValidatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "a"}, Webhooks: []admissionregistration.ValidatingWebhook{{Name: "a.example.com"}}}
	b := &admissionregistration.ValidatingWebhookConfiguration{ObjectMeta: meta.ObjectMeta{Name: "b"}, Webhooks: []admissionregistration.ValidatingWebhook{{Name: "b.example.com"}}}
	var c hookCache[*admissionregistration.ValidatingWebhookConfiguration]
	builds := 0
	build := func(cs []*admissionregistration.ValidatingWebhookConfiguration) []hook {
		builds++
		return validatingHooks(cs)
	}
	names := func(hs []hook) []string {
		var out []string
		for _, h := range hs {
			out = append(out, h.name)
		}
		return out
	}
	steps := []struct {
		configs []*admissionregistration.ValidatingWebhookConfiguration
		want    []string
		builds  int
	}{
		{nil, nil, 1},
		{[]*admissionregistration.ValidatingWebhookConfiguration{a, b}, []string{"a.example.com", "b.example.com"}, 2},
		{[]*admissionregistration.ValidatingWebhookConfiguration{a, b}, []string{"a.example.com", "b.example.com"}, 2},
		{[]*admissionregistration.ValidatingWebhookConfiguration{a, b.DeepCopy()}, []string{"a.example.com", "b.example.com"}, 3},
		{[]*admissionregistration.ValidatingWebhookConfiguration{a}, []string{"a.example.com"}, 4},
	}
	for i, s := range steps {
		got := names(c.get(s.configs, build))
		if diff := cmp.Diff(s.want, got); diff != "" || builds != s.builds {
			t.Errorf("step %d: builds %d (want %d), hooks (-want +got):\n%s", i, builds, s.builds, diff)
		}
	}
}
