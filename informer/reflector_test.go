package informer_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/testenv"
)

// outage is a Source that can be cut off from its server at any time, as an API server restart
// does: calls fail and running watches end.
type outage struct {
	src     informer.Source[*core.ConfigMap]
	down    atomic.Bool
	lists   atomic.Int64
	limits  []int64
	mu      sync.Mutex
	watches []informer.Watch[*core.ConfigMap]
}

func (o *outage) List(ctx context.Context, opts client.ListOptions) (*meta.List[*core.ConfigMap], error) {
	if opts.Continue == "" {
		o.lists.Add(1) // a fresh list, not a further page of one
	}
	o.mu.Lock()
	o.limits = append(o.limits, opts.Limit)
	o.mu.Unlock()
	if o.down.Load() {
		return nil, fmt.Errorf("connection refused")
	}
	return o.src.List(ctx, opts)
}

func (o *outage) Watch(ctx context.Context, opts client.ListOptions) (informer.Watch[*core.ConfigMap], error) {
	if o.down.Load() {
		return nil, fmt.Errorf("connection refused")
	}
	w, err := o.src.Watch(ctx, opts)
	if err == nil {
		o.mu.Lock()
		o.watches = append(o.watches, w)
		o.mu.Unlock()
	}
	return w, err
}

func (o *outage) cut() {
	o.down.Store(true)
	o.mu.Lock()
	ws := o.watches
	o.watches = nil
	o.mu.Unlock()
	for _, w := range ws {
		go w.Stop()
	}
}

// TestReflectorResumesAfterOutage: when the server goes away and comes back with its history,
// the reflector watches again from where it was, without listing again, and misses nothing.
func TestReflectorResumesAfterOutage(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	cms := client.For[*core.ConfigMap](env.Client()).Namespace("default")
	for i := range 5 {
		cms.Create(ctx, cm("default", fmt.Sprint("p", i), nil), client.CreateOptions{})
	}
	src := &outage{src: informer.FromResource(cms, nil)}
	cache := informer.NewCache[*core.ConfigMap]()
	var errs atomic.Int64
	r := informer.NewReflector[*core.ConfigMap](src, cacheStore{cache}, informer.ReflectorOptions{
		PageSize: 2,
		Backoff:  informer.Backoff{Initial: time.Millisecond, Max: 10 * time.Millisecond},
		OnError:  func(error) { errs.Add(1) },
	})
	go r.Run(ctx)
	testenv.Eventually(t, "first list", func() bool { return cache.Len() == 5 })
	src.mu.Lock()
	if len(src.limits) != 3 || src.limits[0] != 2 { // 5 objects in pages of 2
		t.Errorf("list limits %v", src.limits)
	}
	src.mu.Unlock()
	if src.lists.Load() != 1 {
		t.Fatalf("%d lists", src.lists.Load())
	}

	src.cut()
	for i := range 5 {
		cms.Create(ctx, cm("default", fmt.Sprint("during", i), nil), client.CreateOptions{})
	}
	testenv.Eventually(t, "failed watches", func() bool { return errs.Load() >= 3 })
	src.down.Store(false)
	testenv.Eventually(t, "changes made during the outage", func() bool { return cache.Len() == 10 })
	if n := src.lists.Load(); n != 1 {
		t.Errorf("%d lists: the reflector listed again instead of resuming its watch", n)
	}
	if r.LastSyncResourceVersion() == "" {
		t.Error("no resourceVersion")
	}
}

// cacheStore lets a bare Cache be a reflector's Store.
type cacheStore struct {
	c *informer.Cache[*core.ConfigMap]
}

func (s cacheStore) Replace(items []*core.ConfigMap, _ string) {
	for _, k := range s.c.Keys() {
		obj, _ := s.c.Get(k)
		s.c.Delete(obj)
	}
	for _, it := range items {
		s.c.Set(it)
	}
}
func (s cacheStore) Add(obj *core.ConfigMap)    { s.c.Set(obj) }
func (s cacheStore) Update(obj *core.ConfigMap) { s.c.Set(obj) }
func (s cacheStore) Delete(obj *core.ConfigMap) { s.c.Delete(obj) }
