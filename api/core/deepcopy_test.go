package core

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
)

// fillQuantity gives quantities a random amount: their fields are unexported, so Check cannot.
var fillQuantity = deepcopytest.Fill(func(r *rand.Rand) resource.Quantity {
	return resource.MustParse(strconv.Itoa(1+r.IntN(4096)) + "Mi")
})

func TestDeepCopy(t *testing.T) {
	for _, newObj := range []func() any{
		deepcopytest.New[Pod](),
		deepcopytest.New[PodTemplateSpec](),
		deepcopytest.New[Node](),
		deepcopytest.New[Namespace](),
		deepcopytest.New[Binding](),
		deepcopytest.New[Event](),
		deepcopytest.New[Secret](),
		deepcopytest.New[ConfigMap](),
		deepcopytest.New[ServiceAccount](),
		deepcopytest.New[ResourceQuota](),
		deepcopytest.New[LimitRange](),
		deepcopytest.New[ResourceList](),
		deepcopytest.New[ObjectReference](),
	} {
		deepcopytest.Check(t, newObj, fillQuantity)
	}
}
