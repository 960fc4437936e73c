package authentication

import (
	"testing"

	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
)

func TestDeepCopy(t *testing.T) {
	deepcopytest.Check(t, deepcopytest.New[TokenRequest]())
}
