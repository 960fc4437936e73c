package authentication

import (
	"testing"

	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
)

func TestDeepCopy(t *testing.T) {
	for _, newObj := range []func() any{
		deepcopytest.New[TokenRequest](),
		deepcopytest.New[TokenReview](),
		deepcopytest.New[SelfSubjectReview](),
	} {
		deepcopytest.Check(t, newObj)
	}
}
