package informer

import (
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
)

// Lister reads objects of one kind from an informer's cache. What it returns is shared and
// read-only.
type Lister[T meta.Object] struct {
	cache *Cache[T]
	ns    string
	gr    apierrors.GroupResource
}

// NewLister returns a lister over a cache.
func NewLister[T meta.Object](c *Cache[T]) Lister[T] { return Lister[T]{cache: c} }

// WithResource names the kind in NotFound errors ("pods", "deployments.apps"), as the API server
// would.
func (l Lister[T]) WithResource(k *api.Kind) Lister[T] {
	l.gr = apierrors.GroupResource{Group: k.Group, Resource: k.Resource}
	return l
}

// Namespace narrows the lister to one namespace.
func (l Lister[T]) Namespace(ns string) Lister[T] {
	l.ns = ns
	return l
}

// List returns the objects sel matches (all of them for a nil or empty selector), in the
// lister's namespace when it has one.
func (l Lister[T]) List(sel labels.Selector) []T {
	if l.ns == "" {
		return selectFrom(l.cache.List(), sel)
	}
	items, _ := l.cache.ByIndex(NamespaceIndex, l.ns)
	return selectFrom(items, sel)
}

// Get returns the named object, or a NotFound error as the API server would give.
func (l Lister[T]) Get(name string) (T, error) {
	key := name
	if l.ns != "" {
		key = l.ns + "/" + name
	}
	obj, ok := l.cache.Get(key)
	if !ok {
		var zero T
		return zero, apierrors.NewNotFound(l.gr, name)
	}
	return obj, nil
}
