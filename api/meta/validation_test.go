package meta_test

import (
	"strings"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/field/fieldtest"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

func ptr[T any](v T) *T { return &v }

func TestValidateObjectMeta(t *testing.T) {
	metaPath := field.NewPath("metadata")
	tests := []struct {
		name       string
		m          meta.ObjectMeta
		namespaced bool
		nameFn     validation.ValidateNameFunc
		want       []string
	}{
		{"valid", meta.ObjectMeta{Name: "a.b-c", Namespace: "ns"}, true, validation.NameIsDNSSubdomain, nil},
		{"name or generateName required", meta.ObjectMeta{Namespace: "ns"}, true, validation.NameIsDNSSubdomain,
			[]string{"metadata.name: Required value: name or generateName is required"}},
		{"generateName may end in a dash", meta.ObjectMeta{GenerateName: "web-", Name: "web-x7k2p", Namespace: "ns"}, true, validation.NameIsDNSSubdomain, nil},
		{"bad generateName", meta.ObjectMeta{GenerateName: "Web_", Name: "web-x7k2p", Namespace: "ns"}, true, validation.NameIsDNSSubdomain,
			[]string{`metadata.generateName: Invalid value: "Web_": a lowercase RFC 1123 subdomain`}},
		{"subdomain name", meta.ObjectMeta{Name: "Not_Valid", Namespace: "ns"}, true, validation.NameIsDNSSubdomain,
			[]string{`metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`}},
		{"label name", meta.ObjectMeta{Name: "a.b"}, false, validation.NameIsDNSLabel,
			[]string{`metadata.name: Invalid value: "a.b": must not contain dots`}},
		{"path segment name", meta.ObjectMeta{Name: "system:admin%2F"}, false, validation.ValidatePathSegmentName,
			[]string{`metadata.name: Invalid value: "system:admin%2F": may not contain '%'`}},
		{"namespace required", meta.ObjectMeta{Name: "a"}, true, validation.NameIsDNSSubdomain, []string{"metadata.namespace: Required value"}},
		{"namespace forbidden", meta.ObjectMeta{Name: "a", Namespace: "ns"}, false, validation.NameIsDNSSubdomain,
			[]string{"metadata.namespace: Forbidden: not allowed on this type"}},
		{"namespace is a label", meta.ObjectMeta{Name: "a", Namespace: "my.ns"}, true, validation.NameIsDNSSubdomain,
			[]string{`metadata.namespace: Invalid value: "my.ns": must not contain dots`}},
		{"negative generation", meta.ObjectMeta{Name: "a", Generation: -1}, false, validation.NameIsDNSSubdomain,
			[]string{"metadata.generation: Invalid value: -1: must be greater than or equal to 0"}},
		{"labels", meta.ObjectMeta{Name: "a", Labels: map[string]string{"example.com/ok": "yes", "bad key": "v", "k": "-bad-"}}, false, validation.NameIsDNSSubdomain,
			[]string{
				`metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters`,
				`metadata.labels: Invalid value: "-bad-": a valid label must be an empty string or consist of`,
			}},
		{"annotation keys are case-insensitive qualified names", meta.ObjectMeta{Name: "a", Annotations: map[string]string{"Example.COM/Key": "v", "a b": "v"}}, false, validation.NameIsDNSSubdomain,
			[]string{`metadata.annotations: Invalid value: "a b": name part must consist of`}},
		{"annotations too large", meta.ObjectMeta{Name: "a", Annotations: map[string]string{"k": strings.Repeat("x", meta.TotalAnnotationSizeLimitB)}}, false, validation.NameIsDNSSubdomain,
			[]string{"metadata.annotations: Too long: must have at most 262144 bytes"}},
		{"owner references", meta.ObjectMeta{Name: "a", OwnerReferences: []meta.OwnerReference{
			{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs", UID: "1", Controller: ptr(true)},
			{APIVersion: "apps/v1", Kind: "Deployment", Name: "d", UID: "2", Controller: ptr(true)},
			{},
			{APIVersion: "v1", Kind: "Event", Name: "e", UID: "3"},
		}}, false, validation.NameIsDNSSubdomain, []string{
			`metadata.ownerReferences: Invalid value: []meta.OwnerReference`,
			`metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty`,
			`metadata.ownerReferences.kind: Invalid value: "": must not be empty`,
			`metadata.ownerReferences.name: Invalid value: "": must not be empty`,
			`metadata.ownerReferences.uid: Invalid value: "": must not be empty`,
			`metadata.ownerReferences: Invalid value: meta.OwnerReference{APIVersion:"v1", Kind:"Event"`,
		}},
		{"finalizers", meta.ObjectMeta{Name: "a", Finalizers: []string{"kubernetes", "example.com/x", "custom", "orphan", "foregroundDeletion", "bad/name/x"}}, false, validation.NameIsDNSSubdomain,
			[]string{
				`metadata.finalizers[2]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified`,
				`metadata.finalizers: Invalid value: []string{`,
				`metadata.finalizers: Invalid value: "bad/name/x": a qualified name must consist of`,
			}},
		{"managed fields", meta.ObjectMeta{Name: "a", ManagedFields: []meta.ManagedFieldsEntry{{Manager: "kubectl", Operation: "Patch", FieldsType: "FieldsV2"}}}, false, validation.NameIsDNSSubdomain,
			[]string{
				`metadata.managedFields[0].operation: Invalid value: "Patch": must be ` + "`Apply` or `Update`",
				`metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be ` + "`FieldsV1`",
			}},
		{"initializers", meta.ObjectMeta{Name: "a", Initializers: &meta.Initializers{
			Pending: []meta.Initializer{{Name: "podimage.initializer.example.com"}, {Name: "short.name"}},
			Result:  &meta.Status{Status: meta.StatusSuccess},
		}}, false, validation.NameIsDNSSubdomain, []string{
			`metadata.initializers.pending[1].name: Invalid value: "short.name": should be a domain with at least three segments separated by dots`,
			`metadata.initializers.result.status: Invalid value: "Success": must be 'Failure'`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fieldtest.Expect(t, meta.ValidateObjectMeta(&tt.m, tt.namespaced, tt.nameFn, metaPath), tt.want...)
		})
	}
}

func TestValidateObjectMetaUpdate(t *testing.T) {
	created := meta.NewTime(time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC))
	deleted := meta.NewTime(time.Date(2024, 5, 2, 0, 0, 0, 0, time.UTC))
	old := func() meta.ObjectMeta {
		return meta.ObjectMeta{Name: "a", Namespace: "ns", UID: "u1", ResourceVersion: "5", Generation: 2,
			CreationTimestamp: created, Finalizers: []string{"example.com/f"}}
	}
	tests := []struct {
		name   string
		old    func(*meta.ObjectMeta)
		update func(*meta.ObjectMeta)
		want   []string
	}{
		{"labels and annotations may change", nil, func(m *meta.ObjectMeta) {
			m.Labels = map[string]string{"a": "b"}
			m.Annotations = map[string]string{"c": "d"}
			m.Generation = 3
		}, nil},
		{"identity is immutable", nil, func(m *meta.ObjectMeta) {
			m.Name, m.Namespace, m.UID = "b", "other", "u2"
			m.CreationTimestamp = meta.NewTime(created.Add(time.Hour))
		}, []string{
			`metadata.name: Invalid value: "b": field is immutable`,
			`metadata.namespace: Invalid value: "other": field is immutable`,
			`metadata.uid: Invalid value: "u2": field is immutable`,
			`metadata.creationTimestamp: Invalid value: "2024-05-01T01:00:00Z": field is immutable`,
		}},
		{"the same instant in another zone is no change", nil, func(m *meta.ObjectMeta) {
			m.CreationTimestamp = meta.NewTime(created.In(time.FixedZone("x", 3600)))
		}, nil},
		{"deletion is not an update", nil, func(m *meta.ObjectMeta) {
			m.DeletionTimestamp = &deleted
			m.DeletionGracePeriodSeconds = ptr(int64(30))
		}, []string{
			`metadata.deletionTimestamp: Invalid value: "2024-05-02T00:00:00Z": field is immutable`,
			"metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable",
		}},
		{"resourceVersion required", nil, func(m *meta.ObjectMeta) { m.ResourceVersion = "" },
			[]string{`metadata.resourceVersion: Invalid value: "": must be specified for an update`}},
		{"generation may not go back", nil, func(m *meta.ObjectMeta) { m.Generation = 1 },
			[]string{"metadata.generation: Invalid value: 1: must not be decremented"}},
		{"no new finalizers once deleting", func(m *meta.ObjectMeta) { m.DeletionTimestamp = &deleted },
			func(m *meta.ObjectMeta) { m.Finalizers = []string{"example.com/g"} },
			[]string{`metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/g"}`}},
		{"finalizers may be removed once deleting", func(m *meta.ObjectMeta) { m.DeletionTimestamp = &deleted },
			func(m *meta.ObjectMeta) { m.Finalizers = nil }, nil},
		{"initializers may not come back", nil, func(m *meta.ObjectMeta) {
			m.Initializers = &meta.Initializers{Pending: []meta.Initializer{{Name: "a.example.com"}}}
		}, []string{"metadata.initializers: Invalid value: meta.Initializers{"}},
		{"new labels are validated", nil, func(m *meta.ObjectMeta) { m.Labels = map[string]string{"a": "b c"} },
			[]string{`metadata.labels: Invalid value: "b c"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := old()
			if tt.old != nil {
				tt.old(&o)
			}
			n := *o.DeepCopy()
			tt.update(&n)
			fieldtest.Expect(t, meta.ValidateObjectMetaUpdate(&n, &o, field.NewPath("metadata")), tt.want...)
		})
	}
}

func TestNameFuncs(t *testing.T) {
	tests := []struct {
		fn     validation.ValidateNameFunc
		name   string
		prefix bool
		ok     bool
	}{
		{validation.NameIsDNSSubdomain, "a.b", false, true},
		{validation.NameIsDNSSubdomain, "a-", false, false},
		{validation.NameIsDNSSubdomain, "a-", true, true},
		{validation.NameIsDNSLabel, "abc-", true, true},
		{validation.NameIsDNSLabel, "a.b", false, false},
		{validation.ValidatePathSegmentName, "system:controller:x", false, true},
		{validation.ValidatePathSegmentName, "..", false, false},
		{validation.ValidatePathSegmentName, "..", true, true},
		{validation.ValidatePathSegmentName, "a/b", true, false},
	}
	for _, tt := range tests {
		if got := len(tt.fn(tt.name, tt.prefix)) == 0; got != tt.ok {
			t.Errorf("name %q prefix %v: valid = %v, want %v", tt.name, tt.prefix, got, tt.ok)
		}
	}
}
