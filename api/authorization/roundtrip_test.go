package authorization

import (
	"testing"

	"github.com/skiff-io/skiff/api/apitest"
)

var kinds = map[string]apitest.Kind{
	"SubjectAccessReview":      apitest.KindOf[*SubjectAccessReview](nil, ValidateSubjectAccessReview),
	"SelfSubjectAccessReview":  apitest.KindOf[*SelfSubjectAccessReview](nil, ValidateSelfSubjectAccessReview),
	"LocalSubjectAccessReview": apitest.KindOf[*LocalSubjectAccessReview](nil, ValidateLocalSubjectAccessReview),
	"SelfSubjectRulesReview":   apitest.KindOf[*SelfSubjectRulesReview](nil, ValidateSelfSubjectRulesReview),
}

// TestRoundTrip proves, for every review in testdata as kube-apiserver answers it, that the types
// keep every field (empty rule lists as [], a false allowed, managedFields) and that the answer is
// a valid review.
func TestRoundTrip(t *testing.T) {
	apitest.RoundTrip(t, "testdata", kinds)
}
