package controller

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/controller/workqueue"
	"github.com/skiff-io/skiff/informer"
)

// Request names the object to reconcile.
type Request struct {
	Namespace, Name string
}

// String is the object's key: "namespace/name", or "name" when cluster-scoped.
func (r Request) String() string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// RequestFor returns the request naming obj.
func RequestFor(obj meta.Object) Request {
	m := obj.GetObjectMeta()
	return Request{Namespace: m.Namespace, Name: m.Name}
}

// Result says whether to look at the object again.
type Result struct {
	// Requeue asks for another reconcile after the key's backoff.
	Requeue bool
	// RequeueAfter asks for another reconcile after this long (and resets the backoff).
	RequeueAfter time.Duration
}

// Reconciler makes one object right. It reads the world (from informers' caches), compares it with
// what the object asks for, and acts. It must be idempotent: it is called again for the same key
// whenever anything relevant changes, and after failures.
type Reconciler interface {
	Reconcile(ctx context.Context, req Request) (Result, error)
}

// ReconcilerFunc is a function that is a Reconciler.
type ReconcilerFunc func(ctx context.Context, req Request) (Result, error)

// Reconcile calls f.
func (f ReconcilerFunc) Reconcile(ctx context.Context, req Request) (Result, error) {
	return f(ctx, req)
}

// Options tune a Controller.
type Options struct {
	// Workers reconcile in parallel (1 when zero); never two on the same key.
	Workers int
	// RateLimiter spaces out retries; workqueue.DefaultControllerRateLimiter when nil.
	RateLimiter workqueue.RateLimiter[Request]
	// Metrics, when set, receives the work queue's metrics under the controller's name.
	Metrics workqueue.MetricsProvider
	Clock   clock.Clock
	Logger  logr.Logger
}

// Controller is a reconcile loop: a work queue and workers calling a Reconciler.
type Controller struct {
	name string
	r    Reconciler
	opts Options
	q    *workqueue.Queue[Request]
	log  logr.Logger

	mu      sync.Mutex
	started bool
	waiters []func() bool
}

// New returns a controller; Watch feeds it and Run starts it.
func New(name string, r Reconciler, opts Options) *Controller {
	if opts.Workers <= 0 {
		opts.Workers = 1
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	q := workqueue.New(workqueue.Config[Request]{Name: name, Clock: opts.Clock, RateLimiter: opts.RateLimiter, Metrics: opts.Metrics})
	return &Controller{name: name, r: r, opts: opts, q: q, log: opts.Logger.WithName(name)}
}

// Name returns the controller's name.
func (c *Controller) Name() string { return c.name }

// Enqueue asks for a reconcile of req.
func (c *Controller) Enqueue(req Request) { c.q.Add(req) }

// EnqueueAfter asks for a reconcile of req after d.
func (c *Controller) EnqueueAfter(req Request, d time.Duration) { c.q.AddAfter(req, d) }

// Len returns how many requests are waiting.
func (c *Controller) Len() int { return c.q.Len() }

// Watch adds a handler to inf that enqueues, for every object added, changed or deleted, the
// requests toRequests maps it to (the object itself when toRequests is nil). Run waits for inf's
// cache to sync before the first reconcile.
func Watch[T meta.Object](c *Controller, inf *informer.Informer[T], toRequests func(T) []Request) error {
	if toRequests == nil {
		toRequests = func(obj T) []Request { return []Request{RequestFor(obj)} }
	}
	enqueue := func(obj T) {
		for _, r := range toRequests(obj) {
			c.q.Add(r)
		}
	}
	reg, err := inf.AddEventHandler(informer.HandlerFuncs[T]{
		AddFunc: func(obj T, _ bool) { enqueue(obj) },
		UpdateFunc: func(old, obj T) {
			enqueue(obj)
			if any(old) != any(obj) {
				enqueue(old) // a changed label or owner may concern another request too
			}
		},
		DeleteFunc: enqueue,
	})
	if err != nil {
		return fmt.Errorf("controller %s: watch: %w", c.name, err)
	}
	c.mu.Lock()
	c.waiters = append(c.waiters, reg.HasSynced, inf.HasSynced)
	c.mu.Unlock()
	return nil
}

// ToOwner maps an object to its controlling owner of the given group and kind, if it has one.
func ToOwner[T meta.Object](group, kind string) func(T) []Request {
	return func(obj T) []Request {
		m := obj.GetObjectMeta()
		ref := m.ControllerRef()
		if ref == nil || ref.Kind != kind || groupOf(ref.APIVersion) != group {
			return nil
		}
		return []Request{{Namespace: m.Namespace, Name: ref.Name}}
	}
}

func groupOf(apiVersion string) string {
	g, _ := meta.SplitAPIVersion(apiVersion)
	return g
}

// Run waits for the watched informers to sync, then reconciles with the configured number of
// workers until ctx is done; it returns after the workers have finished their current reconciles.
func (c *Controller) Run(ctx context.Context) error {
	c.mu.Lock()
	if c.started {
		c.mu.Unlock()
		return fmt.Errorf("controller %s: already running", c.name)
	}
	c.started = true
	waiters := c.waiters
	c.mu.Unlock()
	c.log.Info("starting", "workers", c.opts.Workers)
	defer c.log.Info("stopped")
	if !informer.WaitForCacheSync(ctx, waiters...) {
		c.q.ShutDown()
		return ctx.Err()
	}
	var wg sync.WaitGroup
	for range c.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c.processNext(ctx) {
			}
		}()
	}
	<-ctx.Done()
	c.q.ShutDownWithDrain()
	wg.Wait()
	return nil
}

// processNext reconciles one request; it returns false when the queue has shut down.
func (c *Controller) processNext(ctx context.Context) bool {
	req, shutdown := c.q.Get()
	if shutdown {
		return false
	}
	defer c.q.Done(req)
	log := c.log.WithValues("namespace", req.Namespace, "name", req.Name)
	res, err := c.reconcile(logr.NewContext(ctx, log), req)
	switch {
	case err != nil:
		if ctx.Err() == nil {
			log.Error(err, "reconcile failed; will retry", "retries", c.q.NumRequeues(req))
		}
		c.q.AddRateLimited(req)
	case res.RequeueAfter > 0:
		c.q.Forget(req)
		c.q.AddAfter(req, res.RequeueAfter)
	case res.Requeue:
		c.q.AddRateLimited(req)
	default:
		c.q.Forget(req)
	}
	return true
}

func (c *Controller) reconcile(ctx context.Context, req Request) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return c.r.Reconcile(ctx, req)
}

// WaitFor adds checks Run waits on before the first reconcile, for informers fed to the
// controller through handlers of its own rather than Watch.
func (c *Controller) WaitFor(synced ...func() bool) {
	c.mu.Lock()
	c.waiters = append(c.waiters, synced...)
	c.mu.Unlock()
}

// NewControllerRef returns the ownerReference a controller puts on the objects it creates: it
// is their controller, and the garbage collector's foreground deletion of the owner waits for them.
func NewControllerRef(owner meta.Object, apiVersion, kind string) meta.OwnerReference {
	yes := true
	m := owner.GetObjectMeta()
	return meta.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: m.Name, UID: m.UID, Controller: &yes, BlockOwnerDeletion: &yes}
}

// EventRecorder records Events about objects, as the built-in controllers do; client/record's
// recorders are ones. Controllers take this one-method interface rather than a recorder type so
// that their tests can record into anything.
type EventRecorder interface {
	Eventf(obj meta.Object, eventType, reason, messageFmt string, args ...any)
}

// NopRecorder is an EventRecorder that records nothing, for controllers given none.
type NopRecorder struct{}

// Eventf does nothing.
func (NopRecorder) Eventf(meta.Object, string, string, string, ...any) {}
