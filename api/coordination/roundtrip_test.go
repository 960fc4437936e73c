package coordination

import (
	"testing"

	"github.com/skiff-io/skiff/api/apitest"
)

var kinds = map[string]apitest.Kind{
	"Lease": apitest.KindOf[*Lease](nil, ValidateLease),
}

// TestRoundTrip proves, for every object in testdata as kubectl prints it, that the types keep every
// field and that a served object is already defaulted and valid.
func TestRoundTrip(t *testing.T) {
	apitest.RoundTrip(t, "testdata", kinds)
}
