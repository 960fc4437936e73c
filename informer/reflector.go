package informer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// Store receives what a Reflector learns: a whole list, then one change at a time.
type Store[T meta.Object] interface {
	// Replace says the kind now holds exactly items, at resourceVersion.
	Replace(items []T, resourceVersion string)
	Add(obj T)
	Update(obj T)
	// Delete gets the object's last state.
	Delete(obj T)
}

// ReflectorOptions tune a Reflector; the zero value is client-go's behaviour.
type ReflectorOptions struct {
	// Name labels the reflector's log lines ("*core.Pod" when empty).
	Name string
	// PageSize is the limit of each page of a list (500 when zero; negative lists in one piece).
	PageSize int64
	// Backoff spaces out retries after failures.
	Backoff Backoff
	// MinWatchTimeout: each watch asks the server to end it after between one and two times this
	// (5 minutes when zero), so that watches spread out over the API servers after a restart.
	MinWatchTimeout time.Duration
	Clock           clock.WithTicker
	Logger          logr.Logger
	// OnError, when set, is told of every list and watch failure, for metrics and tests.
	OnError func(err error)
}

// Backoff is an exponential backoff with jitter, reset after a quiet period.
type Backoff struct {
	// Initial is the first delay (800 ms when zero), Max the largest (30 s when zero).
	Initial, Max time.Duration
	// Factor multiplies the delay after each failure (2 when zero).
	Factor float64
	// Jitter adds up to Jitter times the delay at random (1.0 when zero; negative for none), so
	// that many clients failing together retry apart.
	Jitter float64
	// Reset forgets past failures after this long without one (2 minutes when zero).
	Reset time.Duration
}

func (b *Backoff) defaults() {
	if b.Initial <= 0 {
		b.Initial = 800 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
	if b.Factor <= 0 {
		b.Factor = 2
	}
	if b.Jitter == 0 {
		b.Jitter = 1
	}
	if b.Reset <= 0 {
		b.Reset = 2 * time.Minute
	}
}

// backoffState is one reflector's position in its backoff.
type backoffState struct {
	b        Backoff
	clock    clock.PassiveClock
	next     time.Duration
	lastFail time.Time
}

// delay returns how long to wait after a failure now.
func (s *backoffState) delay() time.Duration {
	now := s.clock.Now()
	if s.next == 0 || now.Sub(s.lastFail) > s.b.Reset {
		s.next = s.b.Initial
	}
	s.lastFail = now
	d := s.next
	s.next = min(time.Duration(float64(s.next)*s.b.Factor), s.b.Max)
	if s.b.Jitter > 0 {
		d += time.Duration(rand.Float64() * s.b.Jitter * float64(d))
	}
	return d
}

// Reflector keeps a Store equal to what the server holds: list, then watch from the list's
// resourceVersion; when a watch ends, watch again from the last revision seen; list again only when
// the server no longer has that revision (410 Gone).
type Reflector[T meta.Object] struct {
	src   Source[T]
	store Store[T]
	opts  ReflectorOptions
	bo    backoffState

	mu     sync.Mutex
	lastRV string
}

// NewReflector returns a reflector from src into store; Run starts it.
func NewReflector[T meta.Object](src Source[T], store Store[T], opts ReflectorOptions) *Reflector[T] {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.PageSize == 0 {
		opts.PageSize = 500
	}
	if opts.MinWatchTimeout <= 0 {
		opts.MinWatchTimeout = 5 * time.Minute
	}
	if opts.Name == "" {
		var zero T
		opts.Name = fmt.Sprintf("%T", zero)
	}
	opts.Backoff.defaults()
	return &Reflector[T]{src: src, store: store, opts: opts, bo: backoffState{b: opts.Backoff, clock: opts.Clock}}
}

// LastSyncResourceVersion is the revision the store has reached: of the last list, event or
// bookmark.
func (r *Reflector[T]) LastSyncResourceVersion() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastRV
}

func (r *Reflector[T]) setRV(rv string) {
	if rv == "" {
		return
	}
	r.mu.Lock()
	r.lastRV = rv
	r.mu.Unlock()
}

// errRelist ends a watch phase when the server has lost the revision being watched from.
var errRelist = errors.New("informer: the watched revision is gone from the server's history; listing again")

// Run lists and watches until ctx is done.
func (r *Reflector[T]) Run(ctx context.Context) {
	log := r.opts.Logger.WithValues("reflector", r.opts.Name)
	needList := true
	for ctx.Err() == nil {
		if needList {
			if err := r.list(ctx); err != nil {
				if ctx.Err() != nil {
					return
				}
				r.failed(log, "list", err)
				if !r.wait(ctx, r.bo.delay()) {
					return
				}
				continue
			}
			needList = false
		}
		err := r.watch(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, errRelist):
			log.V(2).Info("listing again", "reason", err.Error())
			needList = true
			// Many reflectors whose revision expired together (after a compaction) list again
			// spread out, not all at once.
			if !r.wait(ctx, r.bo.delay()) {
				return
			}
		case err != nil:
			r.failed(log, "watch", err)
			if !r.wait(ctx, r.bo.delay()) {
				return
			}
		}
	}
}

func (r *Reflector[T]) failed(log logr.Logger, what string, err error) {
	log.V(1).Info(what+" failed", "err", err.Error())
	if r.opts.OnError != nil {
		r.opts.OnError(fmt.Errorf("%s %s: %w", what, r.opts.Name, err))
	}
}

func (r *Reflector[T]) wait(ctx context.Context, d time.Duration) bool {
	t := r.opts.Clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return true
	case <-ctx.Done():
		return false
	}
}

// list reads the whole kind, page by page, and replaces the store's content with it.
func (r *Reflector[T]) list(ctx context.Context) error {
	var items []T
	opts := client.ListOptions{}
	if r.opts.PageSize > 0 {
		opts.Limit = r.opts.PageSize
	}
	rv := ""
	for {
		page, err := r.src.List(ctx, opts)
		if err != nil && opts.Continue != "" && apierrors.IsGone(err) {
			// The list's snapshot expired between pages: start over in one piece.
			items, opts = nil, client.ListOptions{}
			continue
		}
		if err != nil {
			return err
		}
		if rv == "" {
			rv = page.ResourceVersion
		}
		items = append(items, page.Items...)
		if page.Continue == "" {
			break
		}
		opts.Continue = page.Continue
	}
	r.store.Replace(items, rv)
	r.setRV(rv)
	return nil
}

// watch watches from the last revision until the watch ends. It returns nil when the server ended
// the watch normally, errRelist when the revision is gone, and any other failure as it is.
func (r *Reflector[T]) watch(ctx context.Context) error {
	timeout := r.opts.MinWatchTimeout + time.Duration(rand.Int64N(int64(r.opts.MinWatchTimeout)))
	start := r.opts.Clock.Now()
	w, err := r.src.Watch(ctx, client.ListOptions{
		ResourceVersion:     r.LastSyncResourceVersion(),
		AllowWatchBookmarks: true,
		TimeoutSeconds:      int64(timeout / time.Second),
	})
	if err != nil {
		if apierrors.IsGone(err) {
			return fmt.Errorf("%w (%w)", errRelist, err)
		}
		return err
	}
	defer w.Stop()
	events := 0
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case ev, ok := <-w.Events():
			if !ok {
				if events == 0 && r.opts.Clock.Since(start) < time.Second {
					// A watch that ends at once, empty, is a problem (a proxy cutting streams, a
					// server shutting down): back off rather than spin.
					return errors.New("watch ended at once with no events")
				}
				return nil
			}
			events++
			switch ev.Type {
			case client.Added:
				r.store.Add(ev.Object)
			case client.Modified:
				r.store.Update(ev.Object)
			case client.Deleted:
				r.store.Delete(ev.Object)
			case client.Bookmark:
			case client.Error:
				if apierrors.IsGone(ev.Status) {
					return fmt.Errorf("%w (%w)", errRelist, ev.Status)
				}
				return ev.Status
			}
			if ev.Type != client.Error {
				r.setRV(ev.Object.GetObjectMeta().ResourceVersion)
			}
		}
	}
}
