package rbac

import (
	"testing"

	"github.com/skiff-io/skiff/api/apitest"
)

var kinds = map[string]apitest.Kind{
	"Role":               apitest.KindOf[*Role](nil, ValidateRole),
	"ClusterRole":        apitest.KindOf[*ClusterRole](nil, ValidateClusterRole),
	"RoleBinding":        apitest.KindOf[*RoleBinding](DefaultRoleBinding, ValidateRoleBinding),
	"ClusterRoleBinding": apitest.KindOf[*ClusterRoleBinding](DefaultClusterRoleBinding, ValidateClusterRoleBinding),
}

// TestRoundTrip proves, for every object in testdata as kubectl prints it, that the types keep every
// field and that a served object is already defaulted and valid.
func TestRoundTrip(t *testing.T) {
	apitest.RoundTrip(t, "testdata", kinds)
}
