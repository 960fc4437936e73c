package authentication

import (
	"testing"

	"github.com/skiff-io/skiff/api/apitest"
)

var kinds = map[string]apitest.Kind{
	"TokenRequest":      apitest.KindOf[*TokenRequest](DefaultTokenRequest, ValidateTokenRequest),
	"TokenReview":       apitest.KindOf[*TokenReview](nil, nil),
	"SelfSubjectReview": apitest.KindOf[*SelfSubjectReview](nil, nil),
}

// TestRoundTrip proves, for every object in testdata as the API server answers it, that the types
// keep every field (a TokenRequest's null audiences and boundObjectRef, an unauthenticated
// TokenReview's empty user) and that an answered TokenRequest is already defaulted and valid.
func TestRoundTrip(t *testing.T) {
	apitest.RoundTrip(t, "testdata", kinds)
}
