// Package informertest holds test helpers for code built on informers: a Source that loses,
// delays and expires events the way networks and servers do, to prove that caches converge anyway.
package informertest

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/informer"
)

// Faulty wraps a Source and misbehaves as its fields say. The zero value of each field turns that
// fault off. Set the fields before the first call.
type Faulty[T meta.Object] struct {
	Src informer.Source[T]
	// Delay holds every event this long before passing it on (in order), as a slow network or a
	// lagging server does: the cache lags behind the server by that much.
	Delay time.Duration
	// DropEvery loses every Nth event of a watch, and ends that watch: what a broken connection
	// does to the events in flight.
	DropEvery int
	// ExpireEvery answers every Nth watch with a 410 Expired ERROR event, as a server does when the
	// revision asked for has been compacted away.
	ExpireEvery int
	// FailLists and FailWatches fail that many calls first (with a connection error), as during
	// an API server restart.
	FailLists, FailWatches int

	lists, watches, dropped atomic.Int64
}

// Lists, Watches and Dropped count the calls made and events lost so far.
func (f *Faulty[T]) Lists() int64   { return f.lists.Load() }
func (f *Faulty[T]) Watches() int64 { return f.watches.Load() }
func (f *Faulty[T]) Dropped() int64 { return f.dropped.Load() }

// ErrInjected is the error of injected list and watch failures.
var ErrInjected = errors.New("informertest: injected failure (connection refused)")

// List lists through Src, unless this call is one to fail.
func (f *Faulty[T]) List(ctx context.Context, opts client.ListOptions) (*meta.List[T], error) {
	if n := f.lists.Add(1); n <= int64(f.FailLists) {
		return nil, ErrInjected
	}
	return f.Src.List(ctx, opts)
}

// Watch watches through Src, with the faults applied.
func (f *Faulty[T]) Watch(ctx context.Context, opts client.ListOptions) (informer.Watch[T], error) {
	n := f.watches.Add(1)
	if n <= int64(f.FailWatches) {
		return nil, ErrInjected
	}
	if f.ExpireEvery > 0 && n%int64(f.ExpireEvery) == 0 {
		return expired[T](), nil
	}
	inner, err := f.Src.Watch(ctx, opts)
	if err != nil {
		return nil, err
	}
	w := &watch[T]{inner: inner, ch: make(chan client.Event[T]), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run(f)
	return w, nil
}

func expired[T meta.Object]() informer.Watch[T] {
	w := &watch[T]{ch: make(chan client.Event[T], 1), stop: make(chan struct{}), done: make(chan struct{})}
	st := meta.NewStatus(http.StatusGone, meta.StatusReasonExpired, "too old resource version (injected)")
	w.ch <- client.Event[T]{Type: client.Error, Status: st}
	close(w.ch)
	close(w.done)
	return w
}

type watch[T meta.Object] struct {
	inner informer.Watch[T]
	ch    chan client.Event[T]
	once  sync.Once
	stop  chan struct{}
	done  chan struct{}
}

func (w *watch[T]) Events() <-chan client.Event[T] { return w.ch }

func (w *watch[T]) Stop() {
	w.once.Do(func() { close(w.stop) })
	<-w.done
}

type timed[T meta.Object] struct {
	ev client.Event[T]
	at time.Time
}

func (w *watch[T]) run(f *Faulty[T]) {
	defer close(w.done)
	defer close(w.ch)
	defer func() {
		if w.inner != nil {
			w.inner.Stop()
		}
	}()
	// Events pass through a buffer so that a delay holds each event for Delay after it arrived,
	// not after the one before it was delivered.
	buf := make(chan timed[T], 4096)
	go func() {
		defer close(buf)
		count := 0
		for {
			select {
			case <-w.stop:
				return
			case ev, ok := <-w.inner.Events():
				if !ok {
					return
				}
				count++
				if f.DropEvery > 0 && count%f.DropEvery == 0 {
					f.dropped.Add(1)
					return // the connection broke: this event and the rest are lost
				}
				select {
				case buf <- timed[T]{ev: ev, at: time.Now()}:
				case <-w.stop:
					return
				}
			}
		}
	}()
	for t := range buf {
		if f.Delay > 0 {
			if d := time.Until(t.at.Add(f.Delay)); d > 0 {
				select {
				case <-time.After(d):
				case <-w.stop:
					return
				}
			}
		}
		select {
		case w.ch <- t.ev:
		case <-w.stop:
			return
		}
	}
}
