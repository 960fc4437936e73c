package apps

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
)

func TestDeepCopy(t *testing.T) {
	fillQuantity := deepcopytest.Fill(func(r *rand.Rand) resource.Quantity {
		return resource.MustParse(strconv.Itoa(1+r.IntN(64)) + "m")
	})
	for _, newObj := range []func() any{
		deepcopytest.New[Deployment](),
		deepcopytest.New[ReplicaSet](),
	} {
		deepcopytest.Check(t, newObj, fillQuantity)
	}
}
