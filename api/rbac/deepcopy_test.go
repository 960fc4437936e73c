package rbac

import (
	"testing"

	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
)

func TestDeepCopy(t *testing.T) {
	for _, newObj := range []func() any{
		deepcopytest.New[Role](),
		deepcopytest.New[ClusterRole](),
		deepcopytest.New[RoleBinding](),
		deepcopytest.New[ClusterRoleBinding](),
	} {
		deepcopytest.Check(t, newObj)
	}
}
