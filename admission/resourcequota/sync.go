package resourcequota

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// DefaultResyncPeriod is how often StatusSync recalculates every quota when SyncOptions does not
// say: kube-controller-manager's --resource-quota-sync-period.
const DefaultResyncPeriod = 5 * time.Minute

// Waits between failed attempts, doubling from the first to the last: to list and watch, and to
// recalculate one namespace.
const (
	firstRetry = 100 * time.Millisecond
	lastRetry  = time.Minute
)

// errWatchEnded means the watch closed before its context ended; the loop lists again.
var errWatchEnded = errors.New("resourcequota: watch ended")

// SyncOptions configure a StatusSync.
type SyncOptions struct {
	// Options are passed to Recalculate. Options.Clock defaults to Clock, so that the end of a
	// deleted pod's grace period is measured on the clock that schedules its recalculation.
	Options Options
	// ResyncPeriod is how often every namespace with a quota is recalculated, whatever happened;
	// DefaultResyncPeriod when zero.
	ResyncPeriod time.Duration
	// Clock drives the resync, the waits between failed attempts and the recalculations at the end
	// of pods' grace periods; Options.Clock when that has tickers, else the real clock.
	Clock clock.WithTicker
}

// StatusSync keeps every ResourceQuota's status true, as kube-controller-manager's resource quota
// controller does: it copies spec.hard to status.hard and recounts status.used (Recalculate) in a
// namespace when a quota there is created or its limits change, when usage is given back there
// (a tracked object deleted, a pod finished or past its grace period), and every ResyncPeriod.
// Admission charges new objects as they come, so a create never costs a recalculation.
//
// It follows the whole store through one watch and recalculates from one goroutine, which takes
// every namespace that needs it once per round however many events asked: a burst of deletes in a
// namespace costs a recalculation or two, not one each.
type StatusSync struct {
	st     store.Store
	opts   Options
	clock  clock.WithTicker
	resync time.Duration
	log    logr.Logger
	hooks  syncHooks

	running atomic.Bool
	synced  atomic.Bool
	wake    chan struct{} // a namespace became dirty; buffered 1

	mu sync.Mutex
	// quotas holds, by namespace and quota name, the names of each quota's spec.hard: what the
	// loop needs to decide whether an event changes a quota's usage.
	quotas    map[string]map[string][]core.ResourceName
	dirty     map[string]bool
	retryAt   map[string]time.Time // namespaces whose last recalculation failed
	failures  map[string]int
	recheckAt map[string]time.Time // namespaces with a pod whose grace period ends then
	listed    bool
	firstPass map[string]bool // namespaces of the first list not yet recalculated
	busy      bool            // the worker is in a round
}

// syncHooks let tests observe and pause the loop; all nil outside tests.
type syncHooks struct {
	listed        func()
	event         func(ev store.Event)
	recalculating func(namespace string)
}

// NewStatusSync returns a StatusSync of the quotas in st; Run starts it.
func NewStatusSync(st store.Store, opts SyncOptions) *StatusSync {
	if opts.Clock == nil {
		if c, ok := opts.Options.Clock.(clock.WithTicker); ok {
			opts.Clock = c
		} else {
			opts.Clock = clock.RealClock{}
		}
	}
	if opts.Options.Clock == nil {
		opts.Options.Clock = opts.Clock
	}
	opts.Options.setDefaults()
	if opts.ResyncPeriod <= 0 {
		opts.ResyncPeriod = DefaultResyncPeriod
	}
	return &StatusSync{
		st:        st,
		opts:      opts.Options,
		clock:     opts.Clock,
		resync:    opts.ResyncPeriod,
		log:       opts.Options.Logger,
		wake:      make(chan struct{}, 1),
		quotas:    map[string]map[string][]core.ResourceName{},
		dirty:     map[string]bool{},
		retryAt:   map[string]time.Time{},
		failures:  map[string]int{},
		recheckAt: map[string]time.Time{},
	}
}

// HasSynced reports whether the first full pass is done: every namespace that had a quota when
// Run first listed them has been recalculated once (a namespace whose recalculation failed is
// retried later, and does not hold this back).
func (s *StatusSync) HasSynced() bool { return s.synced.Load() }

// Run lists the quotas, recalculates every namespace that has one, then follows the store and
// recalculates namespaces as their usage changes, until ctx is done; then it returns nil. A watch
// that fails or falls behind the store's history is replaced by a fresh list, after which every
// namespace with a quota is recalculated, since what was missed is unknown. Failed lists and
// recalculations are logged and tried again, waiting longer each time. Run returns early only when
// the store is closed, with an error wrapping store.ErrClosed, or when it is already running.
func (s *StatusSync) Run(ctx context.Context) error {
	if !s.running.CompareAndSwap(false, true) {
		return errors.New("resourcequota: StatusSync is already running")
	}
	defer s.running.Store(false)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	resync := s.clock.NewTicker(s.resync)
	defer resync.Stop()
	workerErr := make(chan error, 1)
	go func() {
		err := s.work(ctx, resync.C())
		cancel() // a closed store ends the watch too
		workerErr <- err
	}()
	err := s.follow(ctx)
	cancel()
	if werr := <-workerErr; err == nil {
		err = werr
	}
	if parent.Err() != nil {
		return nil
	}
	return err
}

// follow keeps the quota index and the dirty set in step with the store until ctx is done or the
// store is closed.
func (s *StatusSync) follow(ctx context.Context) error {
	wait := firstRetry
	for {
		watched, err := s.listAndWatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, store.ErrClosed) {
			return fmt.Errorf("resourcequota: status sync: %w", err)
		}
		if watched || errors.Is(err, store.ErrTooOldResourceVersion) {
			// The store answered, so listing again at once is the cure: the watch fell behind the
			// store's history or was closed under us.
			wait = firstRetry
			s.log.V(2).Info("Quota status watch ended; listing again", "reason", err.Error())
			continue
		}
		s.log.Error(err, "Listing and watching for quota status failed; will retry", "retryIn", wait)
		t := s.clock.NewTimer(wait)
		select {
		case <-t.C():
		case <-ctx.Done():
			t.Stop()
			return nil
		}
		wait = min(2*wait, lastRetry)
	}
}

// listAndWatch lists the quotas, marks every namespace that has one dirty, and then applies a watch
// of the whole store from the list's revision until it fails. watched says whether the list and
// the start of the watch succeeded.
func (s *StatusSync) listAndWatch(ctx context.Context) (watched bool, err error) {
	res, err := s.st.List(ctx, store.Prefix("resourcequotas", ""), store.ListOptions{})
	if err != nil {
		return false, fmt.Errorf("resourcequota: listing quotas: %w", err)
	}
	s.replace(res.Items)
	if s.hooks.listed != nil {
		s.hooks.listed()
	}
	// The whole store, since deleting an object of any kind may give back quota. Cluster-scoped
	// objects (nodes' frequent status writes among them) are dropped in the store's watch already.
	w, err := s.st.Watch(ctx, "", store.WatchOptions{ResourceVersion: res.Revision, Filter: namespaced})
	if err != nil {
		return false, fmt.Errorf("resourcequota: watching the store: %w", err)
	}
	defer w.Stop()
	for {
		select {
		case <-ctx.Done():
			return true, ctx.Err()
		case ev, ok := <-w.ResultChan():
			if !ok {
				return true, errWatchEnded
			}
			if ev.Type == store.Error {
				if s.hooks.event != nil {
					s.hooks.event(ev)
				}
				return true, fmt.Errorf("resourcequota: watching the store: %w", ev.Err)
			}
			s.observe(ev)
			if s.hooks.event != nil {
				s.hooks.event(ev)
			}
		}
	}
}

func namespaced(obj meta.Object) bool { return obj.GetObjectMeta().Namespace != "" }

// replace makes the quota index what a fresh list says and marks every namespace with a quota
// dirty: a list replaces a watch that may have missed deletes.
func (s *StatusSync) replace(items []meta.Object) {
	s.mu.Lock()
	s.quotas = map[string]map[string][]core.ResourceName{}
	for _, obj := range items {
		q, ok := obj.(*core.ResourceQuota)
		if !ok {
			m := obj.GetObjectMeta()
			s.log.Info("Ignoring an object of the wrong type among quotas", "namespace", m.Namespace, "name", m.Name, "type", fmt.Sprintf("%T", obj))
			continue
		}
		s.setQuotaLocked(q)
	}
	for ns := range s.quotas {
		s.dirty[ns] = true
	}
	if !s.listed {
		s.listed = true
		if len(s.quotas) == 0 {
			s.synced.Store(true)
		} else {
			s.firstPass = maps.Clone(s.dirty)
		}
	}
	s.mu.Unlock()
	s.poke()
}

// observe marks the event's namespace dirty when the event changes what a quota there should say.
func (s *StatusSync) observe(ev store.Event) {
	obj := ev.Object
	if obj == nil {
		obj = ev.PrevObject
	}
	if obj == nil {
		return
	}
	ns := obj.GetObjectMeta().Namespace
	s.mu.Lock()
	defer s.mu.Unlock()
	dirty := false
	switch o := obj.(type) {
	case *core.ResourceQuota:
		switch ev.Type {
		case store.Added:
			s.setQuotaLocked(o)
			dirty = true
		case store.Modified:
			s.setQuotaLocked(o)
			// Only a change of limits not yet in status: the loop's own status writes, and
			// admission's charges, must not start another recalculation.
			dirty = !sameList(o.Spec.Hard, o.Status.Hard)
		case store.Deleted:
			if qs := s.quotas[ns]; qs != nil {
				delete(qs, o.Name)
				if len(qs) == 0 {
					delete(s.quotas, ns)
				}
			}
		}
	case *core.Pod:
		if ev.Type == store.Modified {
			old, ok := ev.PrevObject.(*core.Pod)
			dirty = ok && s.podGivesBackLocked(old, o)
		}
	}
	if ev.Type == store.Deleted && !dirty {
		dirty = s.tracksLocked(ns, obj)
	}
	if dirty {
		s.dirty[ns] = true
		s.poke()
	}
}

// podGivesBackLocked reports whether a pod's update gives back the compute resources it holds now:
// it finished. A pod given a deletionTimestamp holds them until its grace period is over, so its
// namespace is scheduled for then instead.
func (s *StatusSync) podGivesBackLocked(old, pod *core.Pod) bool {
	if !s.tracksLocked(pod.Namespace, pod) {
		return false
	}
	now := s.opts.Clock.Now()
	if countsAgainstQuota(old, now) && !countsAgainstQuota(pod, now) {
		return true
	}
	m := &pod.ObjectMeta
	if m.DeletionTimestamp == nil || m.DeletionGracePeriodSeconds == nil || !countsAgainstQuota(pod, now) {
		return false
	}
	if o := &old.ObjectMeta; o.DeletionTimestamp != nil && o.DeletionTimestamp.Equal(m.DeletionTimestamp) &&
		o.DeletionGracePeriodSeconds != nil && *o.DeletionGracePeriodSeconds == *m.DeletionGracePeriodSeconds {
		return false
	}
	// countsAgainstQuota holds until strictly after the end of the grace period.
	at := m.DeletionTimestamp.Add(time.Duration(*m.DeletionGracePeriodSeconds)*time.Second + time.Nanosecond)
	if cur, ok := s.recheckAt[pod.Namespace]; !ok || at.Before(cur) {
		s.recheckAt[pod.Namespace] = at
		s.poke() // the worker may be asleep with a later timer
	}
	return false
}

// tracksLocked reports whether a quota of namespace ns counts objects of obj's kind. An object of a
// kind the registry does not know counts when the namespace has any quota, to be safe.
func (s *StatusSync) tracksLocked(ns string, obj meta.Object) bool {
	qs := s.quotas[ns]
	if len(qs) == 0 {
		return false
	}
	k, err := s.opts.Kinds.KindOf(obj)
	if err != nil {
		return true
	}
	ev := evaluatorFor(k.Group, k.Resource, s.opts.Clock)
	for _, hard := range qs {
		if len(ev.matchingResources(hard)) > 0 {
			return true
		}
	}
	return false
}

func (s *StatusSync) setQuotaLocked(q *core.ResourceQuota) {
	qs := s.quotas[q.Namespace]
	if qs == nil {
		qs = map[string][]core.ResourceName{}
		s.quotas[q.Namespace] = qs
	}
	qs[q.Name] = names(q.Spec.Hard)
}

// sameList reports whether two resource lists hold the same amounts of the same names.
func sameList(a, b core.ResourceList) bool {
	if len(a) != len(b) {
		return false
	}
	for n, qa := range a {
		if qb, ok := b[n]; !ok || qa.Cmp(qb) != 0 {
			return false
		}
	}
	return true
}

// poke wakes the worker without waiting for it.
func (s *StatusSync) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// work recalculates dirty namespaces, a round at a time, until ctx is done. It returns an error
// only when the store is closed.
func (s *StatusSync) work(ctx context.Context, resync <-chan time.Time) error {
	for ctx.Err() == nil {
		namespaces, next := s.take(s.clock.Now())
		for _, ns := range namespaces {
			if err := s.sync(ctx, ns); err != nil {
				return err
			}
		}
		if len(namespaces) > 0 {
			continue
		}
		var timer clock.Timer
		var due <-chan time.Time
		if !next.IsZero() {
			d := next.Sub(s.clock.Now())
			if d <= 0 {
				continue
			}
			timer = s.clock.NewTimer(d)
			due = timer.C()
		}
		select {
		case <-ctx.Done():
		case <-s.wake:
		case <-due:
		case <-resync:
			s.markAll()
		}
		if timer != nil {
			timer.Stop()
		}
	}
	return nil
}

// take starts a round: it moves the namespaces whose retry or recheck is due to the dirty set,
// then empties that set into the round, sorted. next is when the earliest later retry or recheck
// is due, zero if none is.
func (s *StatusSync) take(now time.Time) (namespaces []string, next time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, due := range []map[string]time.Time{s.retryAt, s.recheckAt} {
		for ns, at := range due {
			if !at.After(now) {
				s.dirty[ns] = true
				delete(due, ns)
			} else if next.IsZero() || at.Before(next) {
				next = at
			}
		}
	}
	namespaces = slices.Sorted(maps.Keys(s.dirty))
	clear(s.dirty)
	s.busy = len(namespaces) > 0
	return namespaces, next
}

func (s *StatusSync) markAll() {
	s.mu.Lock()
	for ns := range s.quotas {
		s.dirty[ns] = true
	}
	s.mu.Unlock()
}

// sync recalculates one namespace. A failure is logged and the namespace retried after a wait that
// doubles with each failure in a row; only a closed store is returned.
func (s *StatusSync) sync(ctx context.Context, ns string) error {
	if s.hooks.recalculating != nil {
		s.hooks.recalculating(ns)
	}
	err := Recalculate(ctx, s.st, ns, s.opts)
	if ctx.Err() != nil {
		return nil
	}
	if errors.Is(err, store.ErrClosed) {
		return fmt.Errorf("resourcequota: status sync: %w", err)
	}
	s.mu.Lock()
	if s.firstPass != nil {
		delete(s.firstPass, ns)
		if len(s.firstPass) == 0 {
			s.firstPass = nil
			s.synced.Store(true)
		}
	}
	if err == nil {
		delete(s.failures, ns)
		delete(s.retryAt, ns)
		s.mu.Unlock()
		return nil
	}
	s.failures[ns]++
	wait := min(firstRetry<<min(s.failures[ns]-1, 20), lastRetry)
	s.retryAt[ns] = s.clock.Now().Add(wait)
	s.mu.Unlock()
	s.log.Error(err, "Recalculating quota usage failed; will retry", "namespace", ns, "retryIn", wait)
	return nil
}
