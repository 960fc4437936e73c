package apps

import (
	"testing"

	"github.com/skiff-io/skiff/api/apitest"
)

var kinds = map[string]apitest.Kind{
	"Deployment": apitest.KindOf[*Deployment](DefaultDeployment, ValidateDeployment),
	"ReplicaSet": apitest.KindOf[*ReplicaSet](DefaultReplicaSet, ValidateReplicaSet),
}

// TestRoundTrip proves, for every object in testdata as kubectl prints it, that the types keep every
// field and that a served object is already defaulted and valid.
func TestRoundTrip(t *testing.T) {
	apitest.RoundTrip(t, "testdata", kinds)
}
