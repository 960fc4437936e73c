// Package queue is the scheduler's queue of pods waiting for a node: an active queue in QueueSort
// order, a backoff queue of pods that failed recently (1 s doubling to 10 s), and the pods found
// unschedulable, which wait until a cluster event one of the plugins that rejected them cares
// about happens (a node added, a pod deleted, ...), or five minutes pass.
package queue

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Defaults, as Kubernetes'.
const (
	DefaultPodInitialBackoff                 = time.Second
	DefaultPodMaxBackoff                     = 10 * time.Second
	DefaultPodMaxInUnschedulablePodsDuration = 5 * time.Minute
)

// ErrClosed is returned by Pop once the queue is closed.
var ErrClosed = errors.New("queue: closed")

func key(p *core.Pod) string { return p.Namespace + "/" + p.Name }

// pluginEvents is what one plugin registered.
type pluginEvents struct {
	plugin string
	events []framework.ClusterEventWithHint
}

// Options configure a queue.
type Options struct {
	Clock clock.WithTicker
	// Less orders the active queue: the QueueSort plugin's Less.
	Less                              func(a, b *framework.QueuedPodInfo) bool
	PodInitialBackoff, PodMaxBackoff  time.Duration
	PodMaxInUnschedulablePodsDuration time.Duration
	// PreEnqueue returns the PreEnqueue plugins of a pod's profile.
	PreEnqueue func(pod *core.Pod) []framework.PreEnqueuePlugin
	// Events are the cluster events each plugin registered (from every profile).
	Events map[string][]framework.ClusterEventWithHint
	Logger logr.Logger
}

// PriorityQueue is the scheduling queue. It is safe for concurrent use.
type PriorityQueue struct {
	opts Options

	mu            sync.Mutex
	cond          *sync.Cond
	active        *podHeap
	backoff       *podHeap
	unschedulable map[string]*framework.QueuedPodInfo
	// schedulingCycle counts Pops; moveRequestCycle is the cycle of the last move event, so that
	// a pod failing in a cycle during which the cluster changed is retried soon, not parked.
	schedulingCycle  int64
	moveRequestCycle int64
	closed           bool
	events           []pluginEvents
	nominator        *Nominator
}

// New returns a queue.
func New(opts Options) *PriorityQueue {
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	if opts.PodInitialBackoff == 0 {
		opts.PodInitialBackoff = DefaultPodInitialBackoff
	}
	if opts.PodMaxBackoff == 0 {
		opts.PodMaxBackoff = DefaultPodMaxBackoff
	}
	if opts.PodMaxInUnschedulablePodsDuration == 0 {
		opts.PodMaxInUnschedulablePodsDuration = DefaultPodMaxInUnschedulablePodsDuration
	}
	if opts.Less == nil {
		opts.Less = func(a, b *framework.QueuedPodInfo) bool { return a.Timestamp.Before(b.Timestamp) }
	}
	q := &PriorityQueue{opts: opts, unschedulable: map[string]*framework.QueuedPodInfo{}, moveRequestCycle: -1, nominator: NewNominator()}
	q.cond = sync.NewCond(&q.mu)
	q.active = newPodHeap(opts.Less)
	q.backoff = newPodHeap(func(a, b *framework.QueuedPodInfo) bool { return q.backoffExpiry(a).Before(q.backoffExpiry(b)) })
	for plugin, evs := range opts.Events {
		q.events = append(q.events, pluginEvents{plugin: plugin, events: evs})
	}
	return q
}

// Nominator returns the pods nominated to nodes by preemption.
func (q *PriorityQueue) Nominator() *Nominator { return q.nominator }

func (q *PriorityQueue) newQueuedPodInfo(pod *core.Pod) *framework.QueuedPodInfo {
	now := q.opts.Clock.Now()
	return &framework.QueuedPodInfo{PodInfo: framework.NewPodInfo(pod), Timestamp: now}
}

// backoffDuration is initial·2^(attempts−1), at most the maximum.
func (q *PriorityQueue) backoffDuration(p *framework.QueuedPodInfo) time.Duration {
	d := q.opts.PodInitialBackoff
	for i := 1; i < p.Attempts; i++ {
		if d >= q.opts.PodMaxBackoff/2 {
			return q.opts.PodMaxBackoff
		}
		d *= 2
	}
	return min(d, q.opts.PodMaxBackoff)
}

func (q *PriorityQueue) backoffExpiry(p *framework.QueuedPodInfo) time.Time {
	return p.Timestamp.Add(q.backoffDuration(p))
}

func (q *PriorityQueue) backingOff(p *framework.QueuedPodInfo) bool {
	return p.Attempts > 0 && q.opts.Clock.Now().Before(q.backoffExpiry(p))
}

// gated runs the pod's PreEnqueue plugins; it returns the plugin that keeps the pod out, if any.
func (q *PriorityQueue) gated(p *framework.QueuedPodInfo) string {
	if q.opts.PreEnqueue == nil {
		return ""
	}
	for _, pl := range q.opts.PreEnqueue(p.Pod) {
		if st := pl.PreEnqueue(context.Background(), p.Pod); !st.IsSuccess() {
			return pl.Name()
		}
	}
	return ""
}

// toActive adds to the active queue unless a PreEnqueue plugin gates the pod, which then waits
// among the unschedulable ones. q.mu is held.
func (q *PriorityQueue) toActive(p *framework.QueuedPodInfo) bool {
	if g := q.gated(p); g != "" {
		p.Gated = true
		p.UnschedulablePlugins = map[string]bool{g: true}
		q.unschedulable[key(p.Pod)] = p
		return false
	}
	p.Gated = false
	q.active.addOrUpdate(p)
	q.cond.Broadcast()
	return true
}

// Add queues a new pod.
func (q *PriorityQueue) Add(pod *core.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := key(pod)
	q.backoff.delete(k)
	delete(q.unschedulable, k)
	q.toActive(q.newQueuedPodInfo(pod))
}

// Pop returns the next pod to schedule, waiting while there is none; ErrClosed once closed.
func (q *PriorityQueue) Pop(ctx context.Context) (*framework.QueuedPodInfo, error) {
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.active.Len() == 0 {
		if q.closed {
			return nil, ErrClosed
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		q.cond.Wait()
	}
	p := q.active.pop()
	q.schedulingCycle++
	p.Attempts++
	if p.InitialAttemptTimestamp == nil {
		t := q.opts.Clock.Now()
		p.InitialAttemptTimestamp = &t
	}
	return p, nil
}

// SchedulingCycle returns the number of pods popped so far.
func (q *PriorityQueue) SchedulingCycle() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.schedulingCycle
}

// AddUnschedulableIfNotPresent puts back a pod whose attempt (in cycle podCycle) failed: in the
// backoff queue when a cluster event happened during that cycle or the failure was an error, else
// with the unschedulable pods, to wait for an event its rejecting plugins care about.
func (q *PriorityQueue) AddUnschedulableIfNotPresent(p *framework.QueuedPodInfo, podCycle int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := key(p.Pod)
	if _, ok := q.unschedulable[k]; ok {
		return
	}
	if _, ok := q.active.get(k); ok {
		return
	}
	if _, ok := q.backoff.get(k); ok {
		return
	}
	p.Timestamp = q.opts.Clock.Now()
	if q.moveRequestCycle >= podCycle || len(p.UnschedulablePlugins)+len(p.PendingPlugins) == 0 {
		q.backoff.addOrUpdate(p)
		return
	}
	q.unschedulable[k] = p
}

// flushBackoff moves pods whose backoff is over to the active queue.
func (q *PriorityQueue) flushBackoff() {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.opts.Clock.Now()
	for {
		p := q.backoff.peek()
		if p == nil || q.backoffExpiry(p).After(now) {
			return
		}
		q.backoff.pop()
		q.toActive(p)
	}
}

// flushUnschedulable moves pods that have waited longer than the maximum back to be retried.
func (q *PriorityQueue) flushUnschedulable() {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.opts.Clock.Now()
	var due []*framework.QueuedPodInfo
	for _, p := range q.unschedulable {
		if !p.Gated && now.Sub(p.Timestamp) > q.opts.PodMaxInUnschedulablePodsDuration {
			due = append(due, p)
		}
	}
	q.moveLocked(due)
}

// moveLocked moves pods out of the unschedulable ones: to backoff while they back off, else to
// active. q.mu is held.
func (q *PriorityQueue) moveLocked(pods []*framework.QueuedPodInfo) {
	for _, p := range pods {
		k := key(p.Pod)
		delete(q.unschedulable, k)
		if q.backingOff(p) {
			q.backoff.addOrUpdate(p)
		} else {
			q.toActive(p)
		}
	}
	q.moveRequestCycle = q.schedulingCycle
}

// MoveAllToActiveOrBackoffQueue moves the unschedulable pods that a cluster event may help: those
// rejected by a plugin that registered the event and whose hint (if any) says Queue.
func (q *PriorityQueue) MoveAllToActiveOrBackoffQueue(ev framework.ClusterEvent, oldObj, newObj meta.Object) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var move []*framework.QueuedPodInfo
	for _, p := range q.unschedulable {
		if p.Gated {
			continue
		}
		if q.interested(p, ev, oldObj, newObj) {
			move = append(move, p)
		}
	}
	q.moveLocked(move)
}

func (q *PriorityQueue) interested(p *framework.QueuedPodInfo, ev framework.ClusterEvent, oldObj, newObj meta.Object) bool {
	rejectors := p.UnschedulablePlugins
	if len(rejectors) == 0 && len(p.PendingPlugins) == 0 {
		return true
	}
	for _, pe := range q.events {
		if !rejectors[pe.plugin] && !p.PendingPlugins[pe.plugin] {
			continue
		}
		for _, e := range pe.events {
			if !e.Event.Match(ev) {
				continue
			}
			if e.QueueingHintFn == nil {
				return true
			}
			hint, err := e.QueueingHintFn(p.Pod, oldObj, newObj)
			if err != nil || hint == framework.Queue {
				return true
			}
		}
	}
	return false
}

// Update replaces a queued pod. An unschedulable pod whose spec changed is tried again; a gated
// pod whose gates are gone is let in.
func (q *PriorityQueue) Update(old, pod *core.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := key(pod)
	if p, ok := q.active.get(k); ok {
		p.PodInfo = framework.NewPodInfo(pod)
		q.active.addOrUpdate(p)
		return
	}
	if p, ok := q.backoff.get(k); ok {
		p.PodInfo = framework.NewPodInfo(pod)
		q.backoff.addOrUpdate(p)
		return
	}
	if p, ok := q.unschedulable[k]; ok {
		changed := old == nil || !equality.DeepEqual(old.Spec, pod.Spec) || !equality.DeepEqual(old.Labels, pod.Labels)
		p.PodInfo = framework.NewPodInfo(pod)
		if p.Gated {
			if q.gated(p) == "" {
				delete(q.unschedulable, k)
				q.toActive(p)
			}
			return
		}
		if changed {
			delete(q.unschedulable, k)
			if q.backingOff(p) {
				q.backoff.addOrUpdate(p)
			} else {
				q.toActive(p)
			}
		}
		return
	}
	// Not queued (being scheduled, or new): queue it.
	q.toActive(q.newQueuedPodInfo(pod))
}

// Delete removes a pod from the queue.
func (q *PriorityQueue) Delete(pod *core.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := key(pod)
	q.active.delete(k)
	q.backoff.delete(k)
	delete(q.unschedulable, k)
	q.nominator.Delete(pod)
}

// PendingPods counts the pods in each part of the queue.
func (q *PriorityQueue) PendingPods() (active, backoff, unschedulable int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.active.Len(), q.backoff.Len(), len(q.unschedulable)
}

// Close wakes Pop, which returns ErrClosed.
func (q *PriorityQueue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.cond.Broadcast()
}

// Run flushes the backoff queue every second and the long-unschedulable pods every 30 seconds,
// until ctx is done.
func (q *PriorityQueue) Run(ctx context.Context) {
	backoff := q.opts.Clock.NewTicker(time.Second)
	defer backoff.Stop()
	leftover := q.opts.Clock.NewTicker(30 * time.Second)
	defer leftover.Stop()
	for {
		select {
		case <-ctx.Done():
			q.Close()
			return
		case <-backoff.C():
			q.flushBackoff()
		case <-leftover.C():
			q.flushUnschedulable()
		}
	}
}

// Nominator remembers the node preemption nominated each pod for, so that the pods' requests are
// counted there while the victims go.
type Nominator struct {
	// count lets the scheduler skip the lock for every node when nothing is nominated, which is
	// nearly always.
	count  atomic.Int64
	mu     sync.RWMutex
	byNode map[string][]*framework.PodInfo
	byUID  map[meta.UID]string
}

// NewNominator returns an empty nominator.
func NewNominator() *Nominator {
	return &Nominator{byNode: map[string][]*framework.PodInfo{}, byUID: map[meta.UID]string{}}
}

// Add nominates a pod for a node, replacing an earlier nomination.
func (n *Nominator) Add(pi *framework.PodInfo, node string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.deleteLocked(pi.Pod.UID)
	if node == "" {
		return
	}
	n.byUID[pi.Pod.UID] = node
	n.byNode[node] = append(n.byNode[node], pi)
	n.count.Add(1)
}

// Delete forgets a pod's nomination.
func (n *Nominator) Delete(pod *core.Pod) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.deleteLocked(pod.UID)
}

func (n *Nominator) deleteLocked(uid meta.UID) {
	node, ok := n.byUID[uid]
	if !ok {
		return
	}
	delete(n.byUID, uid)
	n.count.Add(-1)
	list := n.byNode[node]
	for i, pi := range list {
		if pi.Pod.UID == uid {
			n.byNode[node] = append(list[:i:i], list[i+1:]...)
			break
		}
	}
	if len(n.byNode[node]) == 0 {
		delete(n.byNode, node)
	}
}

// PodsForNode returns the pods nominated for a node.
func (n *Nominator) PodsForNode(node string) []*framework.PodInfo {
	if n.count.Load() == 0 {
		return nil
	}
	n.mu.RLock()
	defer n.mu.RUnlock()
	return append([]*framework.PodInfo(nil), n.byNode[node]...)
}
