package authentication

import (
	"testing"

	"github.com/skiff-io/skiff/api/apitest"
)

var kinds = map[string]apitest.Kind{
	"TokenRequest": apitest.KindOf[*TokenRequest](DefaultTokenRequest, ValidateTokenRequest),
}

// TestRoundTrip proves, for every TokenRequest in testdata as the API server answers it, that the
// types keep every field (null audiences and boundObjectRef included) and that an answered request
// is already defaulted and valid.
func TestRoundTrip(t *testing.T) {
	apitest.RoundTrip(t, "testdata", kinds)
}
