package informer

import (
	"fmt"
	"slices"
	"sync"

	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
)

// Key is the cache key of an object: "<namespace>/<name>", or "<name>" for a cluster-scoped one.
func Key(obj meta.Object) string {
	m := obj.GetObjectMeta()
	if m.Namespace == "" {
		return m.Name
	}
	return m.Namespace + "/" + m.Name
}

// SplitKey splits a key made by Key into namespace and name.
func SplitKey(key string) (namespace, name string) {
	for i := 0; i < len(key); i++ {
		if key[i] == '/' {
			return key[:i], key[i+1:]
		}
	}
	return "", key
}

// IndexFunc returns the values an object is indexed under.
type IndexFunc[T meta.Object] func(obj T) []string

// NamespaceIndex is the name of the index every Cache has: objects by namespace.
const NamespaceIndex = "namespace"

// Cache is a thread-safe map from key to object with secondary indexes. Objects it returns are
// shared: callers must not change them.
type Cache[T meta.Object] struct {
	mu       sync.RWMutex
	items    map[string]T
	indexers map[string]IndexFunc[T]
	// indices[index][value] is the set of keys whose object has that value.
	indices map[string]map[string]map[string]struct{}
}

// NewCache returns an empty cache with the namespace index.
func NewCache[T meta.Object]() *Cache[T] {
	c := &Cache[T]{
		items:    map[string]T{},
		indexers: map[string]IndexFunc[T]{},
		indices:  map[string]map[string]map[string]struct{}{},
	}
	c.indexers[NamespaceIndex] = func(obj T) []string { return []string{obj.GetObjectMeta().Namespace} }
	c.indices[NamespaceIndex] = map[string]map[string]struct{}{}
	return c
}

// AddIndexers adds indexes; objects already in the cache are indexed at once. A name already in
// use is an error.
func (c *Cache[T]) AddIndexers(indexers map[string]IndexFunc[T]) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for name := range indexers {
		if _, ok := c.indexers[name]; ok {
			return fmt.Errorf("informer: index %q already exists", name)
		}
	}
	for name, f := range indexers {
		c.indexers[name] = f
		c.indices[name] = map[string]map[string]struct{}{}
		for key, obj := range c.items {
			c.indexOne(name, f, key, obj)
		}
	}
	return nil
}

func (c *Cache[T]) indexOne(name string, f IndexFunc[T], key string, obj T) {
	idx := c.indices[name]
	for _, v := range f(obj) {
		set := idx[v]
		if set == nil {
			set = map[string]struct{}{}
			idx[v] = set
		}
		set[key] = struct{}{}
	}
}

func (c *Cache[T]) unindex(key string, obj T) {
	for name, f := range c.indexers {
		idx := c.indices[name]
		for _, v := range f(obj) {
			if set := idx[v]; set != nil {
				delete(set, key)
				if len(set) == 0 {
					delete(idx, v)
				}
			}
		}
	}
}

// set stores obj under key and returns the object it replaced.
func (c *Cache[T]) set(key string, obj T) (T, bool) {
	old, had := c.items[key]
	if had {
		c.unindex(key, old)
	}
	c.items[key] = obj
	for name, f := range c.indexers {
		c.indexOne(name, f, key, obj)
	}
	return old, had
}

func (c *Cache[T]) remove(key string) (T, bool) {
	old, had := c.items[key]
	if had {
		c.unindex(key, old)
		delete(c.items, key)
	}
	return old, had
}

// Set stores obj and returns the object it replaced, if any.
func (c *Cache[T]) Set(obj T) (old T, existed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.set(Key(obj), obj)
}

// Delete removes the object with obj's key and returns it, if it was there.
func (c *Cache[T]) Delete(obj T) (old T, existed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.remove(Key(obj))
}

// Get returns the object stored under key.
func (c *Cache[T]) Get(key string) (T, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	obj, ok := c.items[key]
	return obj, ok
}

// Len returns the number of objects.
func (c *Cache[T]) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.items)
}

// List returns every object, in no particular order.
func (c *Cache[T]) List() []T {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]T, 0, len(c.items))
	for _, obj := range c.items {
		out = append(out, obj)
	}
	return out
}

// Keys returns every key, sorted.
func (c *Cache[T]) Keys() []string {
	c.mu.RLock()
	out := make([]string, 0, len(c.items))
	for k := range c.items {
		out = append(out, k)
	}
	c.mu.RUnlock()
	slices.Sort(out)
	return out
}

// ByIndex returns the objects whose index function gave value.
func (c *Cache[T]) ByIndex(index, value string) ([]T, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	idx, ok := c.indices[index]
	if !ok {
		return nil, fmt.Errorf("informer: no index %q", index)
	}
	set := idx[value]
	out := make([]T, 0, len(set))
	for key := range set {
		out = append(out, c.items[key])
	}
	return out, nil
}

// IndexValues returns the values index holds, sorted.
func (c *Cache[T]) IndexValues(index string) []string {
	c.mu.RLock()
	out := make([]string, 0, len(c.indices[index]))
	for v := range c.indices[index] {
		out = append(out, v)
	}
	c.mu.RUnlock()
	slices.Sort(out)
	return out
}

// change is one difference found by replace.
type change[T meta.Object] struct {
	typ      changeType
	old, obj T
}

type changeType uint8

const (
	changeAdd changeType = iota
	changeUpdate
	changeDelete
)

// replace makes the cache hold exactly items and returns what changed: objects that are new,
// whose resourceVersion moved, and that are gone.
func (c *Cache[T]) replace(items []T) []change[T] {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []change[T]
	seen := make(map[string]struct{}, len(items))
	for _, obj := range items {
		key := Key(obj)
		seen[key] = struct{}{}
		old, had := c.items[key]
		switch {
		case !had:
			c.set(key, obj)
			out = append(out, change[T]{typ: changeAdd, obj: obj})
		case old.GetObjectMeta().ResourceVersion != obj.GetObjectMeta().ResourceVersion:
			c.set(key, obj)
			out = append(out, change[T]{typ: changeUpdate, old: old, obj: obj})
		}
	}
	for key, old := range c.items {
		if _, ok := seen[key]; !ok {
			c.remove(key)
			out = append(out, change[T]{typ: changeDelete, old: old, obj: old})
		}
	}
	return out
}

// selectFrom returns the objects of list that sel matches.
func selectFrom[T meta.Object](list []T, sel labels.Selector) []T {
	if sel == nil || sel.Empty() {
		return list
	}
	out := list[:0:0]
	for _, obj := range list {
		if sel.Matches(labels.Set(obj.GetObjectMeta().Labels)) {
			out = append(out, obj)
		}
	}
	return out
}
