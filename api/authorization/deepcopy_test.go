package authorization

import (
	"testing"

	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
)

func TestDeepCopy(t *testing.T) {
	for _, newObj := range []func() any{
		deepcopytest.New[SubjectAccessReview](),
		deepcopytest.New[SelfSubjectAccessReview](),
		deepcopytest.New[LocalSubjectAccessReview](),
		deepcopytest.New[SelfSubjectRulesReview](),
	} {
		deepcopytest.Check(t, newObj)
	}
}
