package rbac

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/field/fieldtest"
	"github.com/skiff-io/skiff/api/meta"
)

func TestDefaultBindings(t *testing.T) {
	tests := []struct {
		name string
		in   []Subject
		want []Subject
	}{
		{"users and groups get the rbac group, service accounts the core group",
			[]Subject{{Kind: UserKind, Name: "jane"}, {Kind: GroupKind, Name: "devs"}, {Kind: ServiceAccountKind, Name: "sa", Namespace: "ns"}},
			[]Subject{{Kind: UserKind, Name: "jane", APIGroup: GroupName}, {Kind: GroupKind, Name: "devs", APIGroup: GroupName},
				{Kind: ServiceAccountKind, Name: "sa", Namespace: "ns"}}},
		{"explicit groups are kept, unknown kinds untouched",
			[]Subject{{Kind: UserKind, Name: "jane", APIGroup: "example.com"}, {Kind: "Robot", Name: "r2"}},
			[]Subject{{Kind: UserKind, Name: "jane", APIGroup: "example.com"}, {Kind: "Robot", Name: "r2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rb := &RoleBinding{Subjects: append([]Subject(nil), tt.in...), RoleRef: RoleRef{Kind: "Role", Name: "r"}}
			DefaultRoleBinding(rb)
			if diff := cmp.Diff(tt.want, rb.Subjects); diff != "" {
				t.Errorf("role binding subjects (-want +got):\n%s", diff)
			}
			if rb.RoleRef.APIGroup != GroupName {
				t.Errorf("roleRef.apiGroup = %q, want %q", rb.RoleRef.APIGroup, GroupName)
			}
			crb := &ClusterRoleBinding{Subjects: append([]Subject(nil), tt.in...), RoleRef: RoleRef{APIGroup: "example.com", Kind: "ClusterRole", Name: "r"}}
			DefaultClusterRoleBinding(crb)
			if diff := cmp.Diff(tt.want, crb.Subjects); diff != "" {
				t.Errorf("cluster role binding subjects (-want +got):\n%s", diff)
			}
			if crb.RoleRef.APIGroup != "example.com" {
				t.Errorf("explicit roleRef.apiGroup overwritten: %q", crb.RoleRef.APIGroup)
			}
		})
	}
}

func TestValidateRoles(t *testing.T) {
	role := &Role{ObjectMeta: meta.ObjectMeta{Name: "system:pod-reader", Namespace: "default", ResourceVersion: "1"},
		Rules: []PolicyRule{{Verbs: []string{"get"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}
	fieldtest.Expect(t, ValidateRole(role))

	bad := &Role{ObjectMeta: meta.ObjectMeta{Name: "a/b", Namespace: "default"}, Rules: []PolicyRule{
		{APIGroups: []string{""}, Resources: []string{"pods"}},
		{Verbs: []string{"get"}},
		{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz"}},
	}}
	fieldtest.Expect(t, ValidateRole(bad),
		`metadata.name: Invalid value: "a/b": may not contain '/'`,
		"rules[0].verbs: Required value: verbs must contain at least one value",
		"rules[1].apiGroups: Required value: resource rules must supply at least one api group",
		"rules[1].resources: Required value: resource rules must supply at least one resource",
		`rules[2].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs`)

	cr := &ClusterRole{ObjectMeta: meta.ObjectMeta{Name: "metrics"}, Rules: []PolicyRule{
		{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}},
		{Verbs: []string{"get"}, NonResourceURLs: []string{"/x"}, Resources: []string{"pods"}},
	}, AggregationRule: &AggregationRule{}}
	fieldtest.Expect(t, ValidateClusterRole(cr),
		`rules[1].nonResourceURLs: Invalid value: []string{"/x"}: rules cannot apply to both regular resources and non-resource URLs`,
		"aggregationRule.clusterRoleSelectors: Required value: at least one clusterRoleSelector required if aggregationRule is non-nil")

	cr = &ClusterRole{ObjectMeta: meta.ObjectMeta{Name: "agg", Namespace: "default"}, AggregationRule: &AggregationRule{
		ClusterRoleSelectors: []meta.LabelSelector{{MatchExpressions: []meta.LabelSelectorRequirement{{Key: "a", Operator: "Near"}}}}}}
	fieldtest.Expect(t, ValidateClusterRole(cr),
		"metadata.namespace: Forbidden: not allowed on this type",
		`aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
		"aggregationRule.clusterRoleSelectors[0]: Invalid value: meta.LabelSelector{")

	updated := role.DeepCopyObject().(*Role)
	updated.Namespace = "other"
	fieldtest.Expect(t, ValidateRoleUpdate(updated, role), `metadata.namespace: Invalid value: "other": field is immutable`)
	oldCR := &ClusterRole{ObjectMeta: meta.ObjectMeta{Name: "c", ResourceVersion: "1"}}
	newCR := oldCR.DeepCopyObject().(*ClusterRole)
	newCR.Rules = []PolicyRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}}
	fieldtest.Expect(t, ValidateClusterRoleUpdate(newCR, oldCR))
}

func TestValidateBindings(t *testing.T) {
	rb := &RoleBinding{ObjectMeta: meta.ObjectMeta{Name: "rb", Namespace: "default", ResourceVersion: "1"},
		RoleRef:  RoleRef{APIGroup: GroupName, Kind: "ClusterRole", Name: "view"},
		Subjects: []Subject{{Kind: UserKind, APIGroup: GroupName, Name: "jane"}, {Kind: ServiceAccountKind, Name: "sa"}}}
	fieldtest.Expect(t, ValidateRoleBinding(rb))

	bad := &RoleBinding{ObjectMeta: meta.ObjectMeta{Name: "rb", Namespace: "default"},
		RoleRef: RoleRef{APIGroup: "example.com", Kind: "Policy"},
		Subjects: []Subject{
			{Kind: UserKind, Name: "jane"},
			{Kind: ServiceAccountKind, APIGroup: GroupName, Name: "Bad_SA"},
			{Kind: "Robot", Name: "r2"},
			{Kind: GroupKind, APIGroup: GroupName},
		}}
	fieldtest.Expect(t, ValidateRoleBinding(bad),
		`roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"`,
		`roleRef.kind: Unsupported value: "Policy": supported values: "Role", "ClusterRole"`,
		"roleRef.name: Required value",
		`subjects[0].apiGroup: Unsupported value: "": supported values: "rbac.authorization.k8s.io"`,
		`subjects[1].name: Invalid value: "Bad_SA"`,
		`subjects[1].apiGroup: Unsupported value: "rbac.authorization.k8s.io": supported values: ""`,
		`subjects[2].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"`,
		"subjects[3].name: Required value")

	crb := &ClusterRoleBinding{ObjectMeta: meta.ObjectMeta{Name: "crb", ResourceVersion: "1"},
		RoleRef:  RoleRef{APIGroup: GroupName, Kind: "Role", Name: "view"},
		Subjects: []Subject{{Kind: ServiceAccountKind, Name: "sa"}}}
	fieldtest.Expect(t, ValidateClusterRoleBinding(crb),
		`roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"`,
		"subjects[0].namespace: Required value")

	changed := rb.DeepCopyObject().(*RoleBinding)
	changed.RoleRef.Name = "edit"
	fieldtest.Expect(t, ValidateRoleBindingUpdate(changed, rb),
		`roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"ClusterRole", Name:"edit"}: cannot change roleRef`)
	resubjected := rb.DeepCopyObject().(*RoleBinding)
	resubjected.Subjects = resubjected.Subjects[:1]
	fieldtest.Expect(t, ValidateRoleBindingUpdate(resubjected, rb))

	okCRB := &ClusterRoleBinding{ObjectMeta: meta.ObjectMeta{Name: "crb", ResourceVersion: "1"},
		RoleRef: RoleRef{APIGroup: GroupName, Kind: "ClusterRole", Name: "view"}}
	changedCRB := okCRB.DeepCopyObject().(*ClusterRoleBinding)
	changedCRB.RoleRef.Name = "admin"
	fieldtest.Expect(t, ValidateClusterRoleBindingUpdate(changedCRB, okCRB), "roleRef: Invalid value: rbac.RoleRef{")
}
