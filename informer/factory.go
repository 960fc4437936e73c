package informer

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// FactoryOptions apply to every informer a Factory makes.
type FactoryOptions struct {
	// Resync is each informer's resync period (none when zero).
	Resync time.Duration
	// Namespace limits the informers to one namespace; all namespaces when empty.
	Namespace string
	// Tweak adjusts every list and watch (a label selector, for example).
	Tweak  func(*client.ListOptions)
	Clock  clock.WithTicker
	Logger logr.Logger
}

// Factory shares one informer per kind among the controllers of a process.
type Factory struct {
	c    *client.Client
	opts FactoryOptions

	mu        sync.Mutex
	informers map[reflect.Type]runner
	started   map[reflect.Type]bool
	wg        sync.WaitGroup
}

type runner interface {
	Run(ctx context.Context)
	HasSynced() bool
}

// NewFactory returns a factory of informers that read through c.
func NewFactory(c *client.Client, opts FactoryOptions) *Factory {
	return &Factory{c: c, opts: opts, informers: map[reflect.Type]runner{}, started: map[reflect.Type]bool{}}
}

// For returns the factory's informer for T, making it on first use. Informers made after Start
// run at the next Start.
func For[T meta.Object](f *Factory) *Informer[T] {
	t := reflect.TypeFor[T]()
	f.mu.Lock()
	defer f.mu.Unlock()
	if inf, ok := f.informers[t]; ok {
		return inf.(*Informer[T])
	}
	r := client.For[T](f.c)
	if f.opts.Namespace != "" {
		r = r.Namespace(f.opts.Namespace)
	}
	inf := New[T](FromResource(r, f.opts.Tweak), Options[T]{
		Resync: f.opts.Resync,
		Kind:   r.Kind(),
		Clock:  f.opts.Clock,
		Logger: f.opts.Logger,
	})
	f.informers[t] = inf
	return inf
}

// Start runs every informer not yet running, until ctx is done.
func (f *Factory) Start(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for t, inf := range f.informers {
		if f.started[t] {
			continue
		}
		f.started[t] = true
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			inf.Run(ctx)
		}()
	}
}

// WaitForCacheSync waits until every started informer has synced, or ctx is done; it returns
// whether they all did.
func (f *Factory) WaitForCacheSync(ctx context.Context) bool {
	f.mu.Lock()
	var fns []func() bool
	for t, inf := range f.informers {
		if f.started[t] {
			fns = append(fns, inf.HasSynced)
		}
	}
	f.mu.Unlock()
	return WaitForCacheSync(ctx, fns...)
}

// Shutdown waits until every informer the factory started has stopped; cancel Start's context
// first.
func (f *Factory) Shutdown() { f.wg.Wait() }
