package pluginstest

import (
	"context"
	"testing"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

// kinds resolves objects to their store keys; the built-in registry is read-only after creation.
var kinds = api.Builtin()

// Store opens an in-memory store that knows the built-in kinds, closed when the test ends.
func Store(t testing.TB) *memdb.Store {
	t.Helper()
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// Key returns the store key of obj, as the API server writes it.
func Key(t testing.TB, obj meta.Object) string {
	t.Helper()
	k, err := kinds.KindOf(obj)
	if err != nil {
		t.Fatal(err)
	}
	m := obj.GetObjectMeta()
	return store.Key(k.KeyPrefix(), m.Namespace, m.Name)
}

// Put creates obj in the store and returns it as stored.
func Put[T meta.Object](t testing.TB, st store.Store, obj T) T {
	t.Helper()
	out, err := st.Create(context.Background(), Key(t, obj), obj)
	if err != nil {
		t.Fatal(err)
	}
	return out.(T)
}

// Namespace returns an Active namespace with the given labels.
func Namespace(name string, labels map[string]string) *core.Namespace {
	return &core.Namespace{
		ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels},
		Status:     core.NamespaceStatus{Phase: core.NamespaceActive},
	}
}

// List builds a resource list from name, quantity pairs: List("cpu", "1", "memory", "1Gi").
func List(pairs ...string) core.ResourceList {
	if len(pairs)%2 != 0 {
		panic("pluginstest.List needs name, quantity pairs")
	}
	l := core.ResourceList{}
	for i := 0; i < len(pairs); i += 2 {
		l[core.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return l
}

// PodBuilder builds pods for tests; container methods change the container added last.
type PodBuilder struct {
	pod  *core.Pod
	last *core.Container
}

// MakePod starts a pod with no containers.
func MakePod(namespace, name string) *PodBuilder {
	return &PodBuilder{pod: &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: namespace, Name: name}}}
}

// Container adds a container with an image.
func (b *PodBuilder) Container(name string) *PodBuilder {
	b.pod.Spec.Containers = append(b.pod.Spec.Containers, core.Container{Name: name, Image: "registry.example/" + name + ":1"})
	b.last = &b.pod.Spec.Containers[len(b.pod.Spec.Containers)-1]
	return b
}

// InitContainer adds an init container with an image.
func (b *PodBuilder) InitContainer(name string) *PodBuilder {
	b.pod.Spec.InitContainers = append(b.pod.Spec.InitContainers, core.Container{Name: name, Image: "registry.example/" + name + ":1"})
	b.last = &b.pod.Spec.InitContainers[len(b.pod.Spec.InitContainers)-1]
	return b
}

// Requests sets requests of the last container from name, quantity pairs.
func (b *PodBuilder) Requests(pairs ...string) *PodBuilder {
	b.last.Resources.Requests = List(pairs...)
	return b
}

// Limits sets limits of the last container from name, quantity pairs.
func (b *PodBuilder) Limits(pairs ...string) *PodBuilder {
	b.last.Resources.Limits = List(pairs...)
	return b
}

// SecurityContext sets the security context of the last container.
func (b *PodBuilder) SecurityContext(sc *core.SecurityContext) *PodBuilder {
	b.last.SecurityContext = sc
	return b
}

// Spec changes the pod spec directly, for fields the builder has no method for.
func (b *PodBuilder) Spec(f func(*core.PodSpec)) *PodBuilder {
	f(&b.pod.Spec)
	// Appending may have moved the containers; keep pointing at the last one added.
	b.last = nil
	if n := len(b.pod.Spec.Containers); n > 0 {
		b.last = &b.pod.Spec.Containers[n-1]
	}
	return b
}

// Obj returns the pod.
func (b *PodBuilder) Obj() *core.Pod { return b.pod }

// Create returns the attributes of a create of obj, as the API server fills them.
func Create(obj meta.Object) *admission.Attributes {
	return attrs(admission.Create, obj, nil)
}

// Update returns the attributes of an update of old to obj.
func Update(obj, old meta.Object) *admission.Attributes {
	return attrs(admission.Update, obj, old)
}

// Delete returns the attributes of a delete of old.
func Delete(old meta.Object) *admission.Attributes {
	return attrs(admission.Delete, nil, old)
}

func attrs(op admission.Operation, obj, old meta.Object) *admission.Attributes {
	m := obj
	if m == nil {
		m = old
	}
	k, err := kinds.KindOf(m)
	if err != nil {
		panic(err) // a test built attributes for a type the built-in registry lacks
	}
	om := m.GetObjectMeta()
	return &admission.Attributes{
		Operation: op, Object: obj, OldObject: old,
		Group: k.Group, Version: k.Version, Kind: k.Kind, Resource: k.Resource,
		Namespace: om.Namespace, Name: om.Name,
	}
}
