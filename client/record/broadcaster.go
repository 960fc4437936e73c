package record

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// Options configure a Broadcaster. The zero value gives client-go's behaviour.
type Options struct {
	// Logger gets dropped events and failed writes; every event is logged at V(4) as it is
	// written. Discarded when unset.
	Logger logr.Logger
	// Clock stamps events, and times the retries; the real clock when nil. The aggregation and
	// spam windows are measured on the events' timestamps, so on this clock too.
	Clock clock.Clock

	// QueueSize bounds the events waiting to be written (1,000 when zero). When it is full, new
	// events are dropped, and logged, rather than block the caller.
	QueueSize int
	// MaxTries is how many times an event is sent before it is given up (12 when zero). Only
	// transient failures are tried again: no answer, 5xx, 409 Conflict and 429 TooManyRequests.
	MaxTries int
	// RetryInterval is the wait between tries (10 s when zero). The first wait is a random part
	// of it, so that components that lost the server together do not come back in step.
	RetryInterval time.Duration

	// CacheSize bounds each of the correlator's caches, in entries (4,096 when zero).
	CacheSize int
	// AggregateMaxEvents is how many distinct messages one source may report for one object and
	// reason before the following ones are combined into one event (10 when zero).
	AggregateMaxEvents int
	// AggregateInterval is how long after the last similar event the count of distinct messages
	// starts over (10 minutes when zero).
	AggregateInterval time.Duration
	// SpamBurst is how many events one source may report about one object at once (25 when
	// zero).
	SpamBurst int
	// SpamRefill is how often one more is allowed after the burst (every 5 minutes when zero).
	SpamRefill time.Duration
}

func (o *Options) defaults() {
	if o.Clock == nil {
		o.Clock = clock.RealClock{}
	}
	if o.QueueSize <= 0 {
		o.QueueSize = 1000
	}
	if o.MaxTries <= 0 {
		o.MaxTries = 12
	}
	if o.RetryInterval <= 0 {
		o.RetryInterval = 10 * time.Second
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 4096
	}
	if o.AggregateMaxEvents <= 0 {
		o.AggregateMaxEvents = 10
	}
	if o.AggregateInterval <= 0 {
		o.AggregateInterval = 10 * time.Minute
	}
	if o.SpamBurst <= 0 {
		o.SpamBurst = 25
	}
	if o.SpamRefill <= 0 {
		o.SpamRefill = 5 * time.Minute
	}
}

// Broadcaster writes the events of its recorders to the API server, from one goroutine, in the
// order they were recorded, after correlating them (see the package documentation). Make one per
// program, hand out recorders with NewRecorder or Recorder, and call Shutdown before the program
// ends: the writer goroutine runs until then.
type Broadcaster struct {
	events *client.Resource[*core.Event]
	reg    *api.Registry
	log    logr.Logger
	clock  clock.Clock
	opts   Options
	names  names
	corr   *correlator

	// mu guards closed and the queue's closing: recorders send under the read lock, so that
	// Shutdown never closes the queue under a sender.
	mu     sync.RWMutex
	closed bool
	queue  chan *core.Event

	// ctx is the writer's: Shutdown cancels it when its own context ends before the queue is
	// written.
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when the writer returns
	// abandoned counts the events the writer gave up at shutdown; read after done.
	abandoned int
}

// NewBroadcaster returns a broadcaster that writes events through c, and starts its writer.
func NewBroadcaster(c *client.Client, opts Options) *Broadcaster {
	opts.defaults()
	b := &Broadcaster{
		events: client.For[*core.Event](c),
		reg:    c.Registry(),
		log:    opts.Logger.WithName("events"),
		clock:  opts.Clock,
		opts:   opts,
		queue:  make(chan *core.Event, opts.QueueSize),
		done:   make(chan struct{}),
	}
	b.corr = newCorrelator(correlatorConfig{
		cacheSize:          opts.CacheSize,
		aggregateMaxEvents: opts.AggregateMaxEvents,
		aggregateInterval:  opts.AggregateInterval,
		spamBurst:          opts.SpamBurst,
		spamRefill:         opts.SpamRefill,
	}, &b.names)
	b.ctx, b.cancel = context.WithCancel(context.Background())
	go b.run()
	return b
}

// NewRecorder returns a recorder whose events come from source: Component is the reporting
// program ("default-scheduler", "kubelet"), Host the node it runs on, when it is one node's.
func (b *Broadcaster) NewRecorder(source core.EventSource) Recorder {
	return &recorder{b: b, source: source}
}

// Recorder returns a recorder whose events come from component, on no particular host.
func (b *Broadcaster) Recorder(component string) Recorder {
	return b.NewRecorder(core.EventSource{Component: component})
}

// Shutdown stops taking events, writes those already queued, and stops the writer. If ctx ends
// first, it gives the remaining events up, stops the writer all the same and returns an error
// that wraps ctx's. Events recorded after Shutdown are dropped. Calling it again waits for the
// same end.
func (b *Broadcaster) Shutdown(ctx context.Context) error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.queue)
	}
	b.mu.Unlock()
	select {
	case <-b.done:
		return nil
	case <-ctx.Done():
	}
	b.cancel()
	<-b.done
	if b.abandoned == 0 {
		return nil // the writer finished as ctx ended
	}
	return fmt.Errorf("record: shutdown: gave up writing %d events: %w", b.abandoned, ctx.Err())
}

// reference refers to obj as an event's involvedObject, with the kind from the client's registry
// when obj does not say.
func (b *Broadcaster) reference(obj meta.Object) (core.ObjectReference, error) {
	return objectReference(obj, b.kindOf)
}

func (b *Broadcaster) kindOf(obj meta.Object) (string, string, error) {
	k, err := b.reg.KindOf(obj)
	if err != nil {
		return "", "", err
	}
	return k.Kind, k.APIVersion(), nil
}

// enqueue hands e to the writer without ever waiting: a caller is often a controller's worker
// or the kubelet's sync loop, and a slow or absent API server must not hold it up.
func (b *Broadcaster) enqueue(e *core.Event) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		b.log.V(2).Info("Dropped an event recorded after shutdown", eventKV(e)...)
		return
	}
	select {
	case b.queue <- e:
	default:
		b.log.Error(nil, "Dropped an event: too many events are waiting to be written", append(eventKV(e), "queueSize", cap(b.queue))...)
	}
}

// run writes the queued events until the queue is closed and empty.
func (b *Broadcaster) run() {
	defer close(b.done)
	for e := range b.queue {
		if b.ctx.Err() != nil {
			b.abandoned++
			continue
		}
		if !b.process(e) {
			b.abandoned++
		}
	}
	if b.abandoned > 0 {
		b.log.Error(nil, "Gave events up at shutdown", "count", b.abandoned)
	}
}

// process correlates e and writes the result, trying again on transient failures. It returns
// false only when it stopped because the broadcaster was shut down.
func (b *Broadcaster) process(e *core.Event) bool {
	b.log.V(4).Info("Event occurred", eventKV(e)...)
	c := b.corr.correlate(e)
	if c.skip {
		b.log.V(5).Info("Dropped an event: its source reported too many about the object", eventKV(e)...)
		return true
	}
	for try := 1; ; try++ {
		stored, err := b.write(c)
		switch {
		case err == nil:
			b.corr.written(c.key, stored)
			return true
		case b.ctx.Err() != nil:
			return false
		case apierrors.IsAlreadyExists(err):
			// Someone stored an event of that name already: ours is a duplicate.
			b.log.V(5).Info("Server rejected an event as a duplicate", append(eventKV(c.event), "err", err)...)
			return true
		case namespaceTerminating(err):
			// The namespace is going away, and its events with it.
			b.log.V(5).Info("Server rejected an event: its namespace is being deleted", append(eventKV(c.event), "err", err)...)
			return true
		case !transient(err):
			b.log.Error(err, "Server rejected an event, not trying again", eventKV(c.event)...)
			return true
		case try >= b.opts.MaxTries:
			b.log.Error(err, "Could not write an event, giving it up", append(eventKV(c.event), "tries", try)...)
			return true
		}
		wait := b.opts.RetryInterval
		if try == 1 {
			wait = time.Duration(rand.Float64() * float64(wait))
		}
		b.log.Error(err, "Could not write an event, trying again", append(eventKV(c.event), "after", wait)...)
		select {
		case <-b.clock.After(wait):
		case <-b.ctx.Done():
			return false
		}
	}
}

// write stores the correlated event: a patch of the existing event for a repeat, and a new event
// otherwise, or when the one to patch is gone (deleted, or expired by the server's event TTL).
func (b *Broadcaster) write(c correlation) (*core.Event, error) {
	e := c.event
	if c.patch != nil {
		stored, err := b.events.Namespace(e.Namespace).Patch(b.ctx, e.Name, client.StrategicMergePatchType, c.patch, client.PatchOptions{})
		if !apierrors.IsNotFound(err) {
			return stored, err
		}
	}
	e.ResourceVersion = ""
	return b.events.Namespace(e.Namespace).Create(b.ctx, e, client.CreateOptions{})
}

// transient reports whether a failed write may succeed when tried again: no answer at all (the
// server is down or unreachable), a server error, a conflict or too many requests. Any other
// client error means the event itself was refused, and would be again.
func transient(err error) bool {
	var st *meta.Status
	if !errors.As(err, &st) {
		return true
	}
	return st.Code >= 500 || apierrors.IsConflict(err) || apierrors.IsTooManyRequests(err)
}

// causeNamespaceTerminating is the cause the API server gives when it refuses a create because
// the namespace is being deleted (admission/namespacelifecycle's CauseTypeNamespaceTerminating).
const causeNamespaceTerminating meta.CauseType = "NamespaceTerminating"

func namespaceTerminating(err error) bool {
	var st *meta.Status
	if !errors.As(err, &st) || st.Details == nil {
		return false
	}
	for _, c := range st.Details.Causes {
		if c.Type == causeNamespaceTerminating {
			return true
		}
	}
	return false
}

// eventKV describes e in a log line.
func eventKV(e *core.Event) []any {
	o := e.InvolvedObject
	return []any{
		"event", e.Namespace + "/" + e.Name,
		"object", joinNamespace(o.Namespace, o.Name), "kind", o.Kind, "fieldPath", o.FieldPath,
		"type", e.Type, "reason", e.Reason, "message", e.Message, "count", e.Count,
	}
}

// joinNamespace writes "namespace/name", or the name alone for a cluster-scoped object.
func joinNamespace(ns, name string) string {
	if ns == "" {
		return name
	}
	return ns + "/" + name
}
