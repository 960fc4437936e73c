package nodelifecycle

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// The topology labels that place a node in a zone, stable and deprecated beta.
const (
	labelTopologyRegion = "topology.kubernetes.io/region"
	labelTopologyZone   = "topology.kubernetes.io/zone"
	labelBetaRegion     = "failure-domain.beta.kubernetes.io/region"
	labelBetaZone       = "failure-domain.beta.kubernetes.io/zone"
)

// zoneKey names a node's zone from its region and zone labels, as Kubernetes does; nodes without
// either share the zone "".
func zoneKey(n *core.Node) string {
	region, zone := n.Labels[labelTopologyRegion], n.Labels[labelTopologyZone]
	if region == "" {
		region = n.Labels[labelBetaRegion]
	}
	if zone == "" {
		zone = n.Labels[labelBetaZone]
	}
	if region == "" && zone == "" {
		return ""
	}
	return region + ":\x00:" + zone
}

// zoneState is a zone's health, which sets how fast its nodes are tainted NoExecute.
type zoneState string

const (
	stateInitial           zoneState = "Initial"
	stateNormal            zoneState = "Normal"
	stateFullDisruption    zoneState = "FullDisruption"
	statePartialDisruption zoneState = "PartialDisruption"
)

// bucket is a token bucket of burst one on the controller's clock; a rate of zero or less never
// gives a token.
type bucket struct {
	rate   float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, now time.Time) *bucket {
	return &bucket{rate: rate, tokens: 1, last: now}
}

func (b *bucket) tryAccept(now time.Time) bool {
	if b.rate <= 0 {
		return false
	}
	if now.After(b.last) {
		b.tokens = min(1, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
	}
	const epsilon = 1e-9 // ten seconds at 0.1/s must make a whole token
	if b.tokens >= 1-epsilon {
		b.tokens = max(0, b.tokens-1)
		return true
	}
	return false
}

// queuedNode is a node waiting in a zone to be tainted NoExecute.
type queuedNode struct {
	name      string
	uid       meta.UID
	processAt time.Time
}

// tainter is a zone's queue of nodes to taint NoExecute, drained at the zone's rate. A node
// stays in set after it is tainted, so that it is not queued again until it is removed (when
// it becomes Ready, or its taint goes missing).
type tainter struct {
	limiter *bucket
	queue   []queuedNode
	set     map[string]bool
}

func (t *tainter) add(name string, uid meta.UID, now time.Time) bool {
	if t.set[name] {
		return false
	}
	t.set[name] = true
	t.insert(queuedNode{name: name, uid: uid, processAt: now})
	return true
}

func (t *tainter) insert(q queuedNode) {
	i := len(t.queue)
	for i > 0 && t.queue[i-1].processAt.After(q.processAt) {
		i--
	}
	t.queue = slices.Insert(t.queue, i, q)
}

func (t *tainter) dequeue(name string) (queuedNode, bool) {
	for i, q := range t.queue {
		if q.name == name {
			t.queue = slices.Delete(t.queue, i, i+1)
			return q, true
		}
	}
	return queuedNode{}, false
}

func (t *tainter) remove(name string) bool {
	_, queued := t.dequeue(name)
	was := t.set[name]
	delete(t.set, name)
	return queued || was
}

// setRate changes the zone's rate. A tainter that had no token left starts without one, so that
// a change of state does not let a node through early.
func (t *tainter) setRate(rate float64, now time.Time) {
	if t.limiter.rate == rate {
		return
	}
	nb := newBucket(rate, now)
	if !t.limiter.tryAccept(now) {
		nb.tryAccept(now)
	}
	t.limiter = nb
}

// zones holds the zones' states and NoExecute tainting queues.
type zones struct {
	mu       sync.Mutex
	rate     float64
	states   map[string]zoneState
	tainters map[string]*tainter
}

func newZones(rate float64) *zones {
	return &zones{rate: rate, states: map[string]zoneState{}, tainters: map[string]*tainter{}}
}

// ensureLocked starts tracking a zone seen for the first time, and returns its tainter.
func (z *zones) ensureLocked(zone string, now time.Time) *tainter {
	if _, ok := z.states[zone]; !ok {
		z.states[zone] = stateInitial
	}
	t, ok := z.tainters[zone]
	if !ok {
		t = &tainter{limiter: newBucket(z.rate, now), set: map[string]bool{}}
		z.tainters[zone] = t
	}
	return t
}

// forget drops a deleted node from every queue.
func (z *zones) forget(name string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	for _, t := range z.tainters {
		t.remove(name)
	}
}

// NoExecute taints the controller puts on nodes that are not Ready.
var (
	notReadyNoExecute    = core.Taint{Key: TaintNodeNotReady, Effect: core.TaintEffectNoExecute}
	unreachableNoExecute = core.Taint{Key: TaintNodeUnreachable, Effect: core.TaintEffectNoExecute}
)

// processTaintBasedEviction queues a node that is not Ready for its NoExecute taint, swaps
// not-ready and unreachable at once when Ready flips between False and Unknown, and removes
// both from a Ready node.
func (nc *Controller) processTaintBasedEviction(ctx context.Context, node *core.Node, ready core.ConditionStatus) {
	log := logr.FromContextOrDiscard(ctx).WithValues("node", node.Name)
	switch ready {
	case core.ConditionFalse, core.ConditionUnknown:
		want, other := notReadyNoExecute, unreachableNoExecute
		if ready == core.ConditionUnknown {
			want, other = unreachableNoExecute, notReadyNoExecute
		}
		if hasTaint(node.Spec.Taints, other) {
			// Already tainted (and evicting): keep the taint in step with the condition.
			if err := nc.updateTaints(ctx, node, []core.Taint{want}, []core.Taint{other}); err != nil {
				log.Error(err, "Failed to swap NoExecute taints; will retry", "add", want.Key, "remove", other.Key)
			}
			return
		}
		if nc.markNodeForTainting(node, want) {
			log.V(2).Info("Queued node for its NoExecute taint", "taint", want.Key)
		}
	case core.ConditionTrue:
		if err := nc.markNodeAsReachable(ctx, node); err != nil {
			log.Error(err, "Failed to remove NoExecute taints; will retry")
		}
	}
}

// markNodeForTainting queues the node in its zone, unless it is queued or tainted already.
func (nc *Controller) markNodeForTainting(node *core.Node, want core.Taint) bool {
	z := nc.zones
	z.mu.Lock()
	defer z.mu.Unlock()
	t := z.ensureLocked(zoneKey(node), nc.clock.Now())
	if !hasTaint(node.Spec.Taints, want) {
		t.remove(node.Name) // tainted once but the taint went (or is the other one): again
	}
	return t.add(node.Name, node.UID, nc.clock.Now())
}

// markNodeAsReachable removes the controller's NoExecute taints from the node and its queue.
func (nc *Controller) markNodeAsReachable(ctx context.Context, node *core.Node) error {
	if err := nc.updateTaints(ctx, node, nil, []core.Taint{unreachableNoExecute, notReadyNoExecute}); err != nil {
		return err
	}
	z := nc.zones
	z.mu.Lock()
	defer z.mu.Unlock()
	if t, ok := z.tainters[zoneKey(node)]; ok {
		t.remove(node.Name)
	}
	return nil
}

// noExecuteTaintingPass taints the queued nodes each zone's rate allows.
func (nc *Controller) noExecuteTaintingPass(ctx context.Context) {
	z := nc.zones
	z.mu.Lock()
	names := slices.Sorted(maps.Keys(z.tainters))
	z.mu.Unlock()
	for _, zone := range names {
		for {
			z.mu.Lock()
			t := z.tainters[zone]
			now := nc.clock.Now()
			if len(t.queue) == 0 || now.Before(t.queue[0].processAt) || !t.limiter.tryAccept(now) {
				z.mu.Unlock()
				break
			}
			head := t.queue[0]
			z.mu.Unlock()

			done, retryAfter := nc.taintNoExecute(ctx, head.name)

			z.mu.Lock()
			if q, ok := t.dequeue(head.name); ok && !done {
				q.processAt = now.Add(retryAfter + time.Nanosecond)
				t.insert(q)
			}
			z.mu.Unlock()
			if !done {
				break
			}
		}
	}
}

// taintNoExecute puts the NoExecute taint that matches the node's Ready condition on it. The
// condition is the one the monitor last saw or wrote, which the cache may not show yet. It
// reports whether the node is done with, or else how long to wait before trying again.
func (nc *Controller) taintNoExecute(ctx context.Context, name string) (bool, time.Duration) {
	log := logr.FromContextOrDiscard(ctx).WithValues("node", name)
	node, err := nc.nodeList.Get(name)
	if apierrors.IsNotFound(err) {
		return true, 0
	}
	if err != nil {
		return false, 50 * time.Millisecond
	}
	ready := condition(&node.Status, core.NodeReady)
	if h, ok := nc.health.get(name); ok && h.ready != nil {
		ready = h.ready
	}
	if ready == nil {
		return false, 50 * time.Millisecond
	}
	var add, remove core.Taint
	switch ready.Status {
	case core.ConditionFalse:
		add, remove = notReadyNoExecute, unreachableNoExecute
	case core.ConditionUnknown:
		add, remove = unreachableNoExecute, notReadyNoExecute
	default:
		return true, 0 // Ready again meanwhile
	}
	if err := nc.updateTaints(ctx, node, []core.Taint{add}, []core.Taint{remove}); err != nil {
		log.Error(err, "Failed to add NoExecute taint; will retry", "taint", add.Key)
		return false, 0
	}
	log.Info("Tainted node", "taint", add.Key+":"+string(add.Effect))
	return true, 0
}

// computeZoneState counts a zone's nodes that are not Ready (no Ready condition counts as not
// Ready) and says what state that puts the zone in.
func (nc *Controller) computeZoneState(ready []*core.NodeCondition) (int, zoneState) {
	readyNodes, notReady := 0, 0
	for _, c := range ready {
		if c != nil && c.Status == core.ConditionTrue {
			readyNodes++
		} else {
			notReady++
		}
	}
	switch {
	case readyNodes == 0 && notReady > 0:
		return notReady, stateFullDisruption
	case notReady > 2 && float64(notReady)/float64(notReady+readyNodes) >= nc.opts.UnhealthyZoneThreshold:
		return notReady, statePartialDisruption
	default:
		return notReady, stateNormal
	}
}

// rateFor is the NoExecute tainting rate of a zone of size nodes in state.
func (nc *Controller) rateFor(state zoneState, size int) float64 {
	switch state {
	case statePartialDisruption:
		if size > nc.opts.LargeClusterSizeThreshold {
			return nc.opts.SecondaryNodeEvictionRate
		}
		return 0
	default:
		return nc.opts.NodeEvictionRate
	}
}

// handleDisruption updates the zones' states from their nodes' Ready conditions and sets their
// tainting rates. When every zone is fully disrupted the controller assumes the fault is its own:
// it removes its NoExecute taints and stops adding them until some node is Ready again, and
// then gives every node a fresh grace period.
func (nc *Controller) handleDisruption(ctx context.Context, byZone map[string][]*core.NodeCondition, nodes []*core.Node) {
	log := logr.FromContextOrDiscard(ctx)
	z := nc.zones
	now := nc.clock.Now()
	newStates := map[string]zoneState{}
	allAreFull := true
	for zone, conds := range byZone {
		_, st := nc.computeZoneState(conds)
		if st != stateFullDisruption {
			allAreFull = false
		}
		newStates[zone] = st
	}

	z.mu.Lock()
	for zone := range byZone {
		z.ensureLocked(zone, now)
	}
	allWereFull := true
	for zone, st := range z.states {
		if _, ok := byZone[zone]; !ok {
			delete(z.states, zone) // no node left there (its queue stays, for nodes to come)
			continue
		}
		if st != stateFullDisruption {
			allWereFull = false
		}
	}
	if allAreFull && allWereFull {
		z.mu.Unlock()
		return
	}
	if allAreFull {
		for zone := range z.states {
			z.tainters[zone].setRate(0, now)
			z.states[zone] = stateFullDisruption
		}
		z.mu.Unlock()
		log.Info("No node is ready: entering master disruption mode, NoExecute taints removed and no more added")
		for _, n := range nodes {
			if err := nc.markNodeAsReachable(ctx, n); err != nil {
				log.Error(err, "Failed to remove NoExecute taints", "node", n.Name)
			}
		}
		return
	}
	defer z.mu.Unlock()
	if allWereFull {
		log.Info("Some nodes are ready: exiting master disruption mode")
		nc.health.restartGrace(now)
		for zone := range z.states {
			z.tainters[zone].setRate(nc.rateFor(newStates[zone], len(byZone[zone])), now)
			z.states[zone] = newStates[zone]
		}
		return
	}
	for zone, st := range z.states {
		next := newStates[zone]
		if st == next {
			continue
		}
		log.Info("Zone is in a new state", "zone", zone, "state", next)
		z.tainters[zone].setRate(nc.rateFor(next, len(byZone[zone])), now)
		z.states[zone] = next
	}
}
