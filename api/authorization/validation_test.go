package authorization

import (
	"testing"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/field/fieldtest"
	"github.com/skiff-io/skiff/api/meta"
)

func TestValidateSubjectAccessReview(t *testing.T) {
	pods := func() *ResourceAttributes {
		return &ResourceAttributes{Verb: "list", Resource: "pods", Namespace: "dev"}
	}
	tests := []struct {
		name   string
		mutate func(*SubjectAccessReview)
		want   []string
	}{
		{"a user and resource attributes", func(*SubjectAccessReview) {}, nil},
		{"groups alone are a subject", func(s *SubjectAccessReview) { s.Spec.User, s.Spec.Groups = "", []string{"dev-team"} }, nil},
		{"a path", func(s *SubjectAccessReview) {
			s.Spec.ResourceAttributes, s.Spec.NonResourceAttributes = nil, &NonResourceAttributes{Path: "/metrics", Verb: "get"}
		}, nil},
		{"managedFields are the server's", func(s *SubjectAccessReview) {
			s.ManagedFields = []meta.ManagedFieldsEntry{{Manager: "kubectl", Operation: "Update"}}
		}, nil},
		{"no subject", func(s *SubjectAccessReview) { s.Spec.User = "" },
			[]string{`spec.user: Invalid value: "": at least one of user or group must be specified`}},
		{"no attributes", func(s *SubjectAccessReview) { s.Spec.ResourceAttributes = nil },
			[]string{"spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified"}},
		{"both attributes", func(s *SubjectAccessReview) {
			s.Spec.NonResourceAttributes = &NonResourceAttributes{Path: "/", Verb: "get"}
		},
			[]string{"spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:\"/\", Verb:\"get\"}: cannot be specified in combination with resourceAttributes"}},
		{"a name", func(s *SubjectAccessReview) { s.Name = "mine" }, []string{"metadata: Invalid value: meta.ObjectMeta{Name:\"mine\""}},
		{"a namespace", func(s *SubjectAccessReview) { s.Namespace = "dev" }, []string{"metadata: Invalid value:"}},
		{"a field selector with both forms", func(s *SubjectAccessReview) {
			s.Spec.ResourceAttributes.FieldSelector = &FieldSelectorAttributes{RawSelector: "spec.nodeName=a",
				Requirements: []FieldSelectorRequirement{{Key: "spec.nodeName", Operator: FieldSelectorOpIn, Values: []string{"a"}}}}
		}, []string{`spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: "spec.nodeName=a": may not specified at the same time as requirements`}},
		{"a label selector with neither", func(s *SubjectAccessReview) { s.Spec.ResourceAttributes.LabelSelector = &LabelSelectorAttributes{} },
			[]string{"spec.resourceAttributes.labelSelector.requirements: Required value: when spec.resourceAttributes.labelSelector is specified, requirements or rawSelector is required"}},
		{"bad field requirements", func(s *SubjectAccessReview) {
			s.Spec.ResourceAttributes.FieldSelector = &FieldSelectorAttributes{Requirements: []FieldSelectorRequirement{
				{Operator: FieldSelectorOpIn},
				{Key: "spec.nodeName", Operator: FieldSelectorOpExists, Values: []string{"a"}},
				{Key: "spec.nodeName", Operator: "Matches", Values: []string{"a", "b"}}, // from a newer client: accepted
			}}
		}, []string{
			"spec.resourceAttributes.fieldSelector.requirements[0].key: Required value: must be specified",
			"spec.resourceAttributes.fieldSelector.requirements[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
			"spec.resourceAttributes.fieldSelector.requirements[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
		}},
		{"bad label requirements", func(s *SubjectAccessReview) {
			s.Spec.ResourceAttributes.LabelSelector = &LabelSelectorAttributes{Requirements: []meta.LabelSelectorRequirement{
				{Key: "bad key", Operator: meta.LabelSelectorOpNotIn, Values: []string{"-x"}},
				{Key: "tier", Operator: "Matches"}, // from a newer client: accepted
			}}
		}, []string{
			`spec.resourceAttributes.labelSelector.requirements[0].key: Invalid value: "bad key"`,
			`spec.resourceAttributes.labelSelector.requirements[0].values[0]: Invalid value: "-x"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sar := &SubjectAccessReview{Spec: SubjectAccessReviewSpec{User: "jane", ResourceAttributes: pods()}}
			tt.mutate(sar)
			fieldtest.Expect(t, ValidateSubjectAccessReview(sar), tt.want...)
		})
	}
}

func TestValidateSelfSubjectAccessReview(t *testing.T) {
	tests := []struct {
		name string
		sar  SelfSubjectAccessReview
		want []string
	}{
		{"resource attributes, no subject needed", SelfSubjectAccessReview{Spec: SelfSubjectAccessReviewSpec{
			ResourceAttributes: &ResourceAttributes{Verb: "get", Resource: "pods"}}}, nil},
		{"nothing to ask", SelfSubjectAccessReview{},
			[]string{"spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified"}},
		{"labels in metadata", SelfSubjectAccessReview{ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"a": "b"}},
			Spec: SelfSubjectAccessReviewSpec{NonResourceAttributes: &NonResourceAttributes{Path: "/", Verb: "get"}}},
			[]string{"metadata: Invalid value:"}},
		{"a bad selector", SelfSubjectAccessReview{Spec: SelfSubjectAccessReviewSpec{ResourceAttributes: &ResourceAttributes{
			Verb: "list", FieldSelector: &FieldSelectorAttributes{}}}},
			[]string{"spec.resourceAttributes.fieldSelector.requirements: Required value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fieldtest.Expect(t, ValidateSelfSubjectAccessReview(&tt.sar), tt.want...)
		})
	}
}

func TestValidateLocalSubjectAccessReview(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*LocalSubjectAccessReview)
		want   []string
	}{
		{"the review's own namespace", func(*LocalSubjectAccessReview) {}, nil},
		{"another namespace", func(s *LocalSubjectAccessReview) { s.Spec.ResourceAttributes.Namespace = "prod" },
			[]string{`spec.resourceAttributes.namespace: Invalid value: "prod": must match metadata.namespace`}},
		{"all namespaces", func(s *LocalSubjectAccessReview) { s.Spec.ResourceAttributes.Namespace = "" },
			[]string{`spec.resourceAttributes.namespace: Invalid value: "": must match metadata.namespace`}},
		{"a path", func(s *LocalSubjectAccessReview) {
			s.Spec.ResourceAttributes, s.Spec.NonResourceAttributes = nil, &NonResourceAttributes{Path: "/", Verb: "get"}
		}, []string{`spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/", Verb:"get"}: disallowed on this kind of request`}},
		{"a name besides the namespace", func(s *LocalSubjectAccessReview) { s.Name = "x" },
			[]string{"metadata: Invalid value: meta.ObjectMeta{Name:\"x\", GenerateName:\"\", Namespace:\"dev\""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sar := &LocalSubjectAccessReview{ObjectMeta: meta.ObjectMeta{Namespace: "dev"}, Spec: SubjectAccessReviewSpec{
				User: "jane", ResourceAttributes: &ResourceAttributes{Verb: "get", Resource: "pods", Namespace: "dev"}}}
			tt.mutate(sar)
			errs := ValidateLocalSubjectAccessReview(sar)
			fieldtest.Expect(t, errs, tt.want...)
			for _, e := range errs {
				if e.Type != field.ErrorTypeInvalid {
					t.Errorf("%s: type %s, want Invalid", e.Field, e.Type)
				}
			}
		})
	}
}

func TestValidateSelfSubjectRulesReview(t *testing.T) {
	// No namespace is the server's 400, not a field error, as in Kubernetes.
	fieldtest.Expect(t, ValidateSelfSubjectRulesReview(&SelfSubjectRulesReview{}))
}
