package main

import (
	"math/rand/v2"
	"testing"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/deepcopytest"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/testdata/example"
	"github.com/skiff-io/skiff/cmd/deepcopy-gen/testdata/example/other"
)

// exampleFills gives deepcopytest the values it cannot make itself: interfaces, and a type whose
// unexported fields matter.
var exampleFills = []deepcopytest.Option{
	deepcopytest.Fill(func(r *rand.Rand) other.Quantity { return other.NewQuantity(1 + r.Int64N(1_000_000)) }),
	deepcopytest.Fill(func(r *rand.Rand) other.Extension { return newPlugin(r) }),
	deepcopytest.Fill(func(r *rand.Rand) other.VersionedExtension { return newPlugin(r) }),
	deepcopytest.Fill(func(r *rand.Rand) meta.Object {
		g := new(example.Gadget)
		deepcopytest.Randomize(g, r.Uint64())
		return g
	}),
}

func newPlugin(r *rand.Rand) *other.Plugin {
	p := new(other.Plugin)
	deepcopytest.Randomize(p, r.Uint64())
	return p
}

// TestExampleCopiesAreDeep runs deepcopytest over every type of the example package that has generated
// methods, proving the generated copies deep.
func TestExampleCopiesAreDeep(t *testing.T) {
	for _, tt := range []struct {
		name   string
		newObj func() any
	}{
		{"Common", deepcopytest.New[example.Common]()},
		{"Extra", deepcopytest.New[example.Extra]()},
		{"Forest", deepcopytest.New[example.Forest]()},
		{"Gadget", deepcopytest.New[example.Gadget]()},
		{"Matrix", deepcopytest.New[example.Matrix]()},
		{"Node", deepcopytest.New[example.Node]()},
		{"Port", deepcopytest.New[example.Port]()},
		{"Registry", deepcopytest.New[example.Registry]()},
		{"ResourceList", deepcopytest.New[example.ResourceList]()},
		{"Scalars", deepcopytest.New[example.Scalars]()},
		{"Secret", deepcopytest.New[example.Secret]()},
		{"Tags", deepcopytest.New[example.Tags]()},
		{"Template", deepcopytest.New[example.Template]()},
		{"Widget", deepcopytest.New[example.Widget]()},
		{"WidgetList", deepcopytest.New[example.WidgetList]()},
		{"WidgetSpec", deepcopytest.New[example.WidgetSpec]()},
		{"WidgetStatus", deepcopytest.New[example.WidgetStatus]()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			deepcopytest.Check(t, tt.newObj, exampleFills...)
		})
	}
}

// TestExampleObjects checks that API objects, and only they, are meta.Objects.
func TestExampleObjects(t *testing.T) {
	var _ meta.Object = new(example.Widget)
	var _ meta.Object = new(example.Gadget)
	if _, ok := any(new(example.WidgetList)).(meta.Object); ok {
		t.Error("WidgetList has no ObjectMeta, so it must not be a meta.Object")
	}
	var w *example.Widget
	if obj := w.DeepCopyObject(); obj != nil {
		t.Errorf("DeepCopyObject of a nil *Widget = %#v, want a nil interface", obj)
	}
}
