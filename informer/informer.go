package informer

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
)

// Handler is told of changes. Calls for one handler come one at a time, in the order the changes
// happened; objects are shared and read-only.
type Handler[T meta.Object] interface {
	// OnAdd: initial is true for objects of the first list (or present when the handler was
	// added), false for objects created later.
	OnAdd(obj T, initial bool)
	// OnUpdate: old and obj are the same object on a resync.
	OnUpdate(old, obj T)
	// OnDelete gets the last state the informer knew. When the delete was missed (found by a
	// relist) that state may be older than the object's final one.
	OnDelete(obj T)
}

// HandlerFuncs is a Handler of optional functions.
type HandlerFuncs[T meta.Object] struct {
	AddFunc    func(obj T, initial bool)
	UpdateFunc func(old, obj T)
	DeleteFunc func(obj T)
}

// OnAdd calls AddFunc, if set.
func (h HandlerFuncs[T]) OnAdd(obj T, initial bool) {
	if h.AddFunc != nil {
		h.AddFunc(obj, initial)
	}
}

// OnUpdate calls UpdateFunc, if set.
func (h HandlerFuncs[T]) OnUpdate(old, obj T) {
	if h.UpdateFunc != nil {
		h.UpdateFunc(old, obj)
	}
}

// OnDelete calls DeleteFunc, if set.
func (h HandlerFuncs[T]) OnDelete(obj T) {
	if h.DeleteFunc != nil {
		h.DeleteFunc(obj)
	}
}

// Options tune an Informer.
type Options[T meta.Object] struct {
	// Resync, when positive, re-delivers every cached object to the handlers as an update that
	// often (handlers may ask for their own period), so that level-triggered controllers revisit
	// everything now and then.
	Resync time.Duration
	// Indexers are added to the cache before it fills.
	Indexers  map[string]IndexFunc[T]
	Reflector ReflectorOptions
	// Kind names the kind in the NotFound errors of the lister.
	Kind   *api.Kind
	Clock  clock.WithTicker
	Logger logr.Logger
}

// Informer is a shared informer: one list and watch of a kind, one cache, any number of handlers.
type Informer[T meta.Object] struct {
	src   Source[T]
	opts  Options[T]
	cache *Cache[T]
	refl  *Reflector[T]

	mu        sync.Mutex
	listeners []*listener[T]
	started   bool
	synced    atomic.Bool
	stopped   chan struct{}
	ctx       context.Context
}

// New returns an informer over src; Run starts it.
func New[T meta.Object](src Source[T], opts Options[T]) *Informer[T] {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.Reflector.Clock == nil {
		opts.Reflector.Clock = opts.Clock
	}
	if opts.Reflector.Logger.GetSink() == nil {
		opts.Reflector.Logger = opts.Logger
	}
	i := &Informer[T]{src: src, opts: opts, cache: NewCache[T](), stopped: make(chan struct{})}
	if len(opts.Indexers) > 0 {
		if err := i.cache.AddIndexers(opts.Indexers); err != nil {
			panic(err) // only a clash with the built-in namespace index: a programming error
		}
	}
	i.refl = NewReflector[T](src, (*informerStore[T])(i), opts.Reflector)
	return i
}

// Cache returns the informer's cache, for reads (Get, List, ByIndex).
func (i *Informer[T]) Cache() *Cache[T] { return i.cache }

// Lister returns a typed lister over the cache.
func (i *Informer[T]) Lister() Lister[T] {
	l := Lister[T]{cache: i.cache}
	if i.opts.Kind != nil {
		l = l.WithResource(i.opts.Kind)
	}
	return l
}

// AddIndexers adds indexes to the cache; safe before or after Run.
func (i *Informer[T]) AddIndexers(indexers map[string]IndexFunc[T]) error {
	return i.cache.AddIndexers(indexers)
}

// HasSynced reports whether the first list has reached the cache.
func (i *Informer[T]) HasSynced() bool { return i.synced.Load() }

// LastSyncResourceVersion is the revision the cache has reached.
func (i *Informer[T]) LastSyncResourceVersion() string { return i.refl.LastSyncResourceVersion() }

// Registration is one handler's place in an informer.
type Registration interface {
	// HasSynced reports whether the handler has been given every object of the first list.
	HasSynced() bool
}

// ErrStopped is returned when a handler is added to an informer that has stopped.
var ErrStopped = errors.New("informer: stopped")

// AddEventHandler adds a handler, with the informer's resync period. A handler added after the
// informer started is first given every cached object as an initial add.
func (i *Informer[T]) AddEventHandler(h Handler[T]) (Registration, error) {
	return i.AddEventHandlerWithResync(h, i.opts.Resync)
}

// AddEventHandlerWithResync adds a handler with its own resync period (0: never). The informer
// resyncs no more often than its own period, so a shorter one is raised to it.
func (i *Informer[T]) AddEventHandlerWithResync(h Handler[T], resync time.Duration) (Registration, error) {
	i.mu.Lock()
	defer i.mu.Unlock()
	select {
	case <-i.stopped:
		return nil, ErrStopped
	default:
	}
	if resync > 0 && resync < i.opts.Resync {
		resync = i.opts.Resync
	}
	if i.opts.Resync <= 0 {
		resync = 0
	}
	l := newListener(h, resync, i.opts.Clock)
	i.listeners = append(i.listeners, l)
	if i.synced.Load() {
		// Hold the cache still while the handler is brought up to date, so that it misses nothing
		// and gets nothing twice: changes are delivered under i.mu too.
		for _, obj := range i.cache.List() {
			l.push(notification[T]{kind: changeAdd, obj: obj, initial: true})
		}
		l.push(notification[T]{synced: true})
	}
	if i.started {
		go l.run(i.ctx)
	}
	return l, nil
}

// Run starts the informer and blocks until ctx is done, then stops the handlers.
func (i *Informer[T]) Run(ctx context.Context) {
	i.mu.Lock()
	if i.started {
		i.mu.Unlock()
		i.opts.Logger.Error(nil, "informer started twice; the second Run does nothing", "informer", fmt.Sprintf("%T", i))
		return
	}
	i.started = true
	i.ctx = ctx
	for _, l := range i.listeners {
		go l.run(ctx)
	}
	i.mu.Unlock()
	defer func() {
		i.mu.Lock()
		close(i.stopped)
		i.mu.Unlock()
	}()
	if i.opts.Resync > 0 {
		go i.resyncLoop(ctx)
	}
	i.refl.Run(ctx)
}

// resyncLoop re-delivers every object to the handlers whose resync period has passed.
func (i *Informer[T]) resyncLoop(ctx context.Context) {
	tick := i.opts.Resync
	t := i.opts.Clock.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
		}
		if !i.synced.Load() {
			continue
		}
		now := i.opts.Clock.Now()
		i.mu.Lock()
		var due []*listener[T]
		for _, l := range i.listeners {
			if l.resync > 0 && !now.Before(l.nextResync) {
				l.nextResync = now.Add(l.resync)
				due = append(due, l)
			}
		}
		if len(due) > 0 {
			for _, obj := range i.cache.List() {
				for _, l := range due {
					l.push(notification[T]{kind: changeUpdate, old: obj, obj: obj})
				}
			}
		}
		i.mu.Unlock()
	}
}

// informerStore is the informer as the reflector's Store: it updates the cache and tells the
// handlers, under the informer's lock so that a handler being added sees a still cache.
type informerStore[T meta.Object] Informer[T]

func (s *informerStore[T]) Replace(items []T, _ string) {
	i := (*Informer[T])(s)
	i.mu.Lock()
	defer i.mu.Unlock()
	changes := i.cache.replace(items)
	first := !i.synced.Load()
	for _, c := range changes {
		n := notification[T]{kind: c.typ, old: c.old, obj: c.obj, initial: first && c.typ == changeAdd}
		for _, l := range i.listeners {
			l.push(n)
		}
	}
	if first {
		for _, l := range i.listeners {
			l.push(notification[T]{synced: true})
		}
		i.synced.Store(true)
	}
}

func (s *informerStore[T]) Add(obj T) { s.Update(obj) }

func (s *informerStore[T]) Update(obj T) {
	i := (*Informer[T])(s)
	i.mu.Lock()
	defer i.mu.Unlock()
	old, had := i.cache.Set(obj)
	n := notification[T]{kind: changeAdd, obj: obj}
	if had {
		n = notification[T]{kind: changeUpdate, old: old, obj: obj}
	}
	for _, l := range i.listeners {
		l.push(n)
	}
}

func (s *informerStore[T]) Delete(obj T) {
	i := (*Informer[T])(s)
	i.mu.Lock()
	defer i.mu.Unlock()
	if _, had := i.cache.Delete(obj); !had {
		return
	}
	for _, l := range i.listeners {
		l.push(notification[T]{kind: changeDelete, obj: obj})
	}
}

// notification is one change for one listener; synced marks the end of the initial objects.
type notification[T meta.Object] struct {
	kind     changeType
	old, obj T
	initial  bool
	synced   bool
}

// listener delivers notifications to one handler from its own unbounded buffer, so that a slow
// handler never holds up the informer or the other handlers.
type listener[T meta.Object] struct {
	h          Handler[T]
	resync     time.Duration
	nextResync time.Time

	mu     sync.Mutex
	buf    []notification[T]
	wake   chan struct{}
	synced atomic.Bool
}

func newListener[T meta.Object](h Handler[T], resync time.Duration, clk clock.PassiveClock) *listener[T] {
	return &listener[T]{h: h, resync: resync, nextResync: clk.Now().Add(resync), wake: make(chan struct{}, 1)}
}

func (l *listener[T]) HasSynced() bool { return l.synced.Load() }

func (l *listener[T]) push(n notification[T]) {
	l.mu.Lock()
	l.buf = append(l.buf, n)
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *listener[T]) run(ctx context.Context) {
	var batch []notification[T]
	for {
		l.mu.Lock()
		batch, l.buf = l.buf, batch[:0]
		l.mu.Unlock()
		if len(batch) == 0 {
			select {
			case <-ctx.Done():
				return
			case <-l.wake:
				continue
			}
		}
		for k, n := range batch {
			if ctx.Err() != nil {
				return
			}
			switch {
			case n.synced:
				l.synced.Store(true)
			case n.kind == changeAdd:
				l.h.OnAdd(n.obj, n.initial)
			case n.kind == changeUpdate:
				l.h.OnUpdate(n.old, n.obj)
			case n.kind == changeDelete:
				l.h.OnDelete(n.obj)
			}
			batch[k] = notification[T]{} // let delivered objects be collected
		}
	}
}

// WaitForCacheSync waits until every function reports true, or ctx is done; it returns whether
// they all did.
func WaitForCacheSync(ctx context.Context, synced ...func() bool) bool {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		all := true
		for _, f := range synced {
			if !f() {
				all = false
				break
			}
		}
		if all {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}
