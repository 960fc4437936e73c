package record

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
	"k8s.io/utils/lru"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// aggregatePrefix starts the message of an event that stands for several similar ones, word for
// word as client-go writes it, since people and tools grep for it.
const aggregatePrefix = "(combined from similar events): "

// correlatorConfig is the part of Options the correlator reads, with the defaults filled in.
type correlatorConfig struct {
	cacheSize          int
	aggregateMaxEvents int
	aggregateInterval  time.Duration
	spamBurst          int
	spamRefill         time.Duration
}

// correlator decides what becomes of each event before it is written, as client-go's
// EventCorrelator does:
//
//   - aggregation: when a source reports distinct messages about an object for one reason, each
//     within aggregateInterval of the last, the first aggregateMaxEvents-1 are written as they
//     are, and the rest as one event whose message says it combines them;
//   - deduplication: an event identical to one already written (same source, object, type,
//     reason and message) becomes a patch of that event's count, lastTimestamp and message;
//   - spam filtering: each source and object has a token bucket (spamBurst tokens, one more each
//     spamRefill), and an event that finds it empty is dropped.
//
// The windows are measured on the events' own lastTimestamp, which the recorder took from the
// injected clock, so the correlator has no clock of its own and tests drive it by the timestamps
// they give. It keeps bounded LRU caches, so memory stays flat however many objects come and go.
//
// The correlator is not safe for concurrent use: the broadcaster's single writer is its only
// caller, which also keeps each correlation and the write that follows it in order.
type correlator struct {
	cfg   correlatorConfig
	names *names

	aggregates *lru.Cache // aggregate key -> *similar
	observed   *lru.Cache // event key -> observation
	spam       *lru.Cache // spam key -> *rate.Limiter
}

func newCorrelator(cfg correlatorConfig, n *names) *correlator {
	return &correlator{
		cfg:        cfg,
		names:      n,
		aggregates: lru.New(cfg.cacheSize),
		observed:   lru.New(cfg.cacheSize),
		spam:       lru.New(cfg.cacheSize),
	}
}

// correlation is what to do with one event.
type correlation struct {
	// skip is set when the spam filter dropped the event; nothing else is then set.
	skip bool
	// event is what to write: created when patch is nil, else the event the patch applies to.
	event *core.Event
	// patch, when set, is a strategic merge patch of the stored event named event.Name.
	patch []byte
	// key is where the server's answer is recorded (see written), so the next identical event
	// finds it.
	key string
}

// similar remembers the distinct messages recently seen for one aggregate key.
type similar struct {
	messages map[string]struct{}
	last     time.Time
}

// observation remembers the stored event that an event key was last written as.
type observation struct {
	count           int32
	first           meta.Time
	name            string
	resourceVersion string
}

// correlate returns what to write for e, which it may change: the caller hands it over.
func (c *correlator) correlate(e *core.Event) correlation {
	e, key := c.aggregate(e)
	e, patch := c.observe(e, key)
	// Filtering comes last, as in client-go: a dropped event still counts as seen, so the next
	// one that gets through carries the true number of occurrences.
	if !c.allow(e) {
		return correlation{skip: true}
	}
	return correlation{event: e, patch: patch, key: key}
}

// written records the event as the server stored it under key, so that the next identical event
// patches it.
func (c *correlator) written(key string, stored *core.Event) {
	c.observed.Add(key, observation{
		count:           stored.Count,
		first:           stored.FirstTimestamp,
		name:            stored.Name,
		resourceVersion: stored.ResourceVersion,
	})
}

// aggregate returns e unchanged with its own key while its object and reason have seen few
// distinct messages, and otherwise a new event that stands for all of them, with the aggregate
// key, so that the following similar events count up on that one event instead of piling up.
func (c *correlator) aggregate(e *core.Event) (*core.Event, string) {
	now := e.LastTimestamp.Time
	aggKey := aggregateKey(e)
	var rec *similar
	if v, ok := c.aggregates.Get(aggKey); ok {
		rec = v.(*similar)
	}
	if rec == nil || now.Sub(rec.last) > c.cfg.aggregateInterval {
		rec = &similar{messages: map[string]struct{}{}}
	}
	rec.messages[e.Message] = struct{}{}
	rec.last = now
	c.aggregates.Add(aggKey, rec)
	if len(rec.messages) < c.cfg.aggregateMaxEvents {
		return e, eventKey(e)
	}
	// Forget one message so the set stays at its bound; which one does not matter, since from
	// now on every similar event lands on the aggregate.
	for m := range rec.messages {
		delete(rec.messages, m)
		break
	}
	t := meta.NewTime(now)
	return &core.Event{
		ObjectMeta:          meta.ObjectMeta{Name: c.names.next(e.InvolvedObject.Name, now), Namespace: e.Namespace},
		InvolvedObject:      e.InvolvedObject,
		Reason:              e.Reason,
		Message:             truncateMessage(aggregatePrefix + e.Message),
		Source:              e.Source,
		FirstTimestamp:      t,
		LastTimestamp:       t,
		Count:               1,
		Type:                e.Type,
		ReportingController: e.ReportingController,
		ReportingInstance:   e.ReportingInstance,
	}, aggKey
}

// observe turns e into an update of the event last written under key, if there is one: same
// name, first timestamp and one more in count, with the patch that sets count, lastTimestamp and
// message on the server. It records the new count at once, so a burst of identical events counts
// up even before the server answers.
func (c *correlator) observe(e *core.Event, key string) (*core.Event, []byte) {
	var patch []byte
	if v, ok := c.observed.Get(key); ok {
		last := v.(observation)
		e.Name = last.name
		e.ResourceVersion = last.resourceVersion
		e.FirstTimestamp = last.first
		e.Count = last.count + 1
		// The fields a repeat changes, as client-go's two-way strategic merge patch of the
		// event against itself with those fields cleared comes out.
		patch, _ = json.Marshal(struct {
			Count         int32     `json:"count"`
			LastTimestamp meta.Time `json:"lastTimestamp"`
			Message       string    `json:"message"`
		}{e.Count, e.LastTimestamp, e.Message}) // cannot fail: plain fields
	}
	c.observed.Add(key, observation{count: e.Count, first: e.FirstTimestamp, name: e.Name, resourceVersion: e.ResourceVersion})
	return e, patch
}

// allow takes a token from the bucket of e's source and object, and reports whether there was
// one.
func (c *correlator) allow(e *core.Event) bool {
	key := spamKey(e)
	var lim *rate.Limiter
	if v, ok := c.spam.Get(key); ok {
		lim = v.(*rate.Limiter)
	} else {
		lim = rate.NewLimiter(rate.Every(c.cfg.spamRefill), c.cfg.spamBurst)
		c.spam.Add(key, lim)
	}
	return lim.AllowN(e.LastTimestamp.Time, 1)
}

// The keys join their fields with a NUL byte, which no field holds, so that two different field
// lists can never make the same key (client-go joins with "", where "ab"+"c" equals "a"+"bc").

// eventKey identifies identical events: same source, object, type, reason and message.
func eventKey(e *core.Event) string {
	o := e.InvolvedObject
	return strings.Join([]string{
		e.Source.Component, e.Source.Host,
		o.Kind, o.Namespace, o.Name, o.FieldPath, string(o.UID), o.APIVersion,
		e.Type, e.Reason, e.Message,
	}, "\x00")
}

// aggregateKey identifies similar events: same source, object, type, reason and reporter, any
// message.
func aggregateKey(e *core.Event) string {
	o := e.InvolvedObject
	return strings.Join([]string{
		e.Source.Component, e.Source.Host,
		o.Kind, o.Namespace, o.Name, string(o.UID), o.APIVersion,
		e.Type, e.Reason, e.ReportingController, e.ReportingInstance,
	}, "\x00")
}

// spamKey identifies a source and an object.
func spamKey(e *core.Event) string {
	o := e.InvolvedObject
	return strings.Join([]string{
		e.Source.Component, e.Source.Host,
		o.Kind, o.Namespace, o.Name, string(o.UID), o.APIVersion,
	}, "\x00")
}

// names hands out event names as client-go makes them, "<object name>.<hex of UnixNano>", but
// never the same suffix twice: two events recorded in the same nanosecond (common on a coarse or
// fake clock) would otherwise collide, and the second would be lost as AlreadyExists.
type names struct {
	last atomic.Int64
}

func (n *names) next(object string, t time.Time) string {
	for {
		last := n.last.Load()
		v := t.UnixNano()
		if v <= last {
			v = last + 1
		}
		if n.last.CompareAndSwap(last, v) {
			return fmt.Sprintf("%s.%x", object, v)
		}
	}
}
