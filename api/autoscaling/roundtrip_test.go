package autoscaling

import (
	"testing"

	"github.com/skiff-io/skiff/api/apitest"
)

var kinds = map[string]apitest.Kind{
	"Scale": apitest.KindOf[*Scale](nil, ValidateScale),
}

// TestRoundTrip proves, for every object in testdata as kubectl prints it, that the types keep every
// field and that a served object is already defaulted and valid.
func TestRoundTrip(t *testing.T) {
	apitest.RoundTrip(t, "testdata", kinds)
}
