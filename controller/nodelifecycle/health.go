package nodelifecycle

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
)

// The reasons and messages of the conditions the controller sets to Unknown.
const (
	reasonStatusUnknown       = "NodeStatusUnknown"
	messageStatusUnknown      = "Kubelet stopped posting node status."
	reasonStatusNeverUpdated  = "NodeStatusNeverUpdated"
	messageStatusNeverUpdated = "Kubelet never posted node status."
)

// kubeletConditions are the conditions the kubelet owns, which become Unknown when it goes
// silent. NetworkUnavailable is not one: the network provider on the control plane sets it.
var kubeletConditions = []core.NodeConditionType{core.NodeReady, core.NodeMemoryPressure, core.NodeDiskPressure, core.NodePIDPressure}

// labelExcludeDisruption keeps a node out of its zone's disruption count.
const labelExcludeDisruption = "node.kubernetes.io/exclude-disruption"

// nodeHealth is what the controller last saw of a node's heartbeats, with the local times at
// which it saw them change.
type nodeHealth struct {
	// probe is when a heartbeat (lease renewal or Ready heartbeat) was last seen to change.
	probe time.Time
	// transition is when the Ready condition was last seen to change status.
	transition time.Time
	// ready is the Ready condition as last seen or written; nil when the node had none.
	ready *core.NodeCondition
	// renew is the lease's renewTime as last seen.
	renew *meta.MicroTime
}

type healthMap struct {
	mu sync.Mutex
	m  map[string]*nodeHealth
}

func (h *healthMap) get(name string) (nodeHealth, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.m[name]
	if !ok {
		return nodeHealth{}, false
	}
	return *v, true
}

func (h *healthMap) set(name string, v nodeHealth) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.m[name] = &v
}

func (h *healthMap) delete(name string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.m, name)
}

// restartGrace gives every node a fresh grace period, from now.
func (h *healthMap) restartGrace(now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, v := range h.m {
		v.probe, v.transition = now, now
	}
}

// monitorNodeHealth is one pass over every node: it notes new and deleted nodes, marks the
// silent ones Unknown, queues or removes NoExecute taints, marks the pods of nodes that stopped
// being Ready not Ready, and updates the zones' disruption states.
func (nc *Controller) monitorNodeHealth(ctx context.Context) {
	log := logr.FromContextOrDiscard(ctx)
	nodes := nc.nodeList.List(nil)
	seen := make(map[string]bool, len(nodes))
	for _, n := range nodes {
		seen[n.Name] = true
		_, known := nc.known[n.Name]
		nc.known[n.Name] = n
		if !known {
			log.V(1).Info("Observed a new node", "node", n.Name)
			nc.rec.Eventf(n, core.EventTypeNormal, "RegisteredNode", "Registered Node %s in Controller", n.Name)
			// As in Kubernetes, a node the controller has just started to watch starts afresh:
			// its NoExecute taints go, and come back if it stays unhealthy past its grace.
			if err := nc.markNodeAsReachable(ctx, n); err != nil {
				log.Error(err, "Failed to remove NoExecute taints", "node", n.Name)
			}
		}
	}
	for name, n := range nc.known {
		if seen[name] {
			continue
		}
		log.V(1).Info("Observed a node deletion", "node", name)
		nc.rec.Eventf(n, core.EventTypeNormal, "RemovingNode", "Removing Node %s from Controller", name)
		delete(nc.known, name)
		nc.health.delete(name)
		nc.zones.forget(name)
		nc.mu.Lock()
		delete(nc.retryNotReady, name)
		nc.mu.Unlock()
	}

	// Most of the time goes to waiting on the API server (status updates, taints, pods marked
	// not Ready), so nodes are checked in parallel.
	results := make([]nodeResult, len(nodes))
	sem := make(chan struct{}, nc.opts.Workers)
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = nc.checkNode(ctx, n)
		}()
	}
	wg.Wait()

	byZone := map[string][]*core.NodeCondition{}
	for _, r := range results {
		if r.counted {
			byZone[r.zone] = append(byZone[r.zone], r.ready)
		}
	}
	nc.handleDisruption(ctx, byZone, nodes)
}

// nodeResult is what one node's check contributes to its zone's state.
type nodeResult struct {
	zone    string
	ready   *core.NodeCondition
	counted bool
}

// checkNode updates one node's health and acts on it.
func (nc *Controller) checkNode(ctx context.Context, n *core.Node) nodeResult {
	log := logr.FromContextOrDiscard(ctx).WithValues("node", n.Name)
	node := n
	var observed core.NodeCondition
	var current *core.NodeCondition
	for attempt := 0; ; attempt++ {
		var err error
		observed, current, node, err = nc.tryUpdateNodeHealth(ctx, node)
		if err == nil {
			break
		}
		if attempt == 4 || ctx.Err() != nil {
			log.Error(err, "Failed to update node health; no pods will be evicted")
			return nodeResult{}
		}
		// Most likely a conflict with the kubelet: look again at the current node.
		node, err = nc.nodes.Get(ctx, n.Name, client.GetOptions{})
		if err != nil {
			if !apierrors.IsNotFound(err) {
				log.Error(err, "Failed to get node to retry its health update")
			}
			return nodeResult{}
		}
	}
	_, excluded := node.Labels[labelExcludeDisruption]
	res := nodeResult{zone: zoneKey(node), ready: current, counted: !excluded}
	if current == nil {
		return res
	}
	nc.processTaintBasedEviction(ctx, node, current.Status)

	nc.mu.Lock()
	retry := nc.retryNotReady[node.Name]
	nc.mu.Unlock()
	wentNotReady := current.Status != core.ConditionTrue && observed.Status == core.ConditionTrue
	if wentNotReady {
		log.Info("Node is not ready", "status", current.Status, "reason", current.Reason)
		nc.rec.Eventf(node, core.EventTypeNormal, "NodeNotReady", "Node %s status is now: %s", node.Name, "NodeNotReady")
	}
	if wentNotReady || (retry && current.Status != core.ConditionTrue) {
		if err := nc.markPodsNotReady(ctx, nc.podsOn(node.Name), node.Name); err != nil {
			log.Error(err, "Failed to mark all pods not ready; will retry")
			nc.mu.Lock()
			nc.retryNotReady[node.Name] = true
			nc.mu.Unlock()
			return res
		}
	}
	nc.mu.Lock()
	delete(nc.retryNotReady, node.Name)
	nc.mu.Unlock()
	return res
}

// tryUpdateNodeHealth notes the node's heartbeats and, if it has been silent past its grace
// period, writes its kubelet conditions as Unknown. It returns the Ready condition as the node
// had it (a made-up Unknown one if it had none), the Ready condition it has now (nil if it has
// none), and the node as it now is. An error comes from the status update.
func (nc *Controller) tryUpdateNodeHealth(ctx context.Context, node *core.Node) (core.NodeCondition, *core.NodeCondition, *core.Node, error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("node", node.Name)
	now := nc.clock.Now()
	h, known := nc.health.get(node.Name)
	defer func() { nc.health.set(node.Name, h) }()

	current := condition(&node.Status, core.NodeReady)
	grace := nc.opts.NodeMonitorGracePeriod
	var observed core.NodeCondition
	if current == nil {
		// The kubelet has never posted a Ready condition: it is still starting.
		observed = core.NodeCondition{Type: core.NodeReady, Status: core.ConditionUnknown, LastHeartbeatTime: node.CreationTimestamp, LastTransitionTime: node.CreationTimestamp}
		grace = nc.opts.NodeStartupGracePeriod
	} else {
		observed = *current
	}

	switch {
	case !known:
		h = nodeHealth{probe: now, transition: now}
	case h.ready == nil && current != nil:
		h.probe, h.transition = now, now
	case h.ready != nil && current == nil:
		log.Error(nil, "The Ready condition was removed from the node's status")
		h.probe, h.transition = now, now
	case h.ready != nil && current != nil && !h.ready.LastHeartbeatTime.Time.Equal(current.LastHeartbeatTime.Time):
		h.probe = now
		if !h.ready.LastTransitionTime.Time.Equal(current.LastTransitionTime.Time) {
			h.transition = now
		}
	}
	h.ready = nil
	if current != nil {
		c := *current
		h.ready = &c
	}
	// A renewed lease is a heartbeat too, and the usual one: kubelets post their status only when
	// it changes, or every five minutes.
	if l, err := nc.leases.Namespace(core.NamespaceNodeLease).Get(node.Name); err == nil && l.Spec.RenewTime != nil {
		if h.renew == nil || !h.renew.Time.Equal(l.Spec.RenewTime.Time) {
			renew := *l.Spec.RenewTime
			h.renew = &renew
			h.probe = now
		}
	}

	if !now.After(h.probe.Add(grace)) {
		return observed, current, node, nil
	}
	upd := node.DeepCopy()
	stamp := meta.NewTime(now)
	for _, t := range kubeletConditions {
		c := condition(&upd.Status, t)
		switch {
		case c == nil:
			upd.Status.Conditions = append(upd.Status.Conditions, core.NodeCondition{
				Type:               t,
				Status:             core.ConditionUnknown,
				Reason:             reasonStatusNeverUpdated,
				Message:            messageStatusNeverUpdated,
				LastHeartbeatTime:  node.CreationTimestamp,
				LastTransitionTime: stamp,
			})
		case c.Status != core.ConditionUnknown:
			c.Status = core.ConditionUnknown
			c.Reason = reasonStatusUnknown
			c.Message = messageStatusUnknown
			c.LastTransitionTime = stamp
		}
	}
	if equality.DeepEqual(upd.Status.Conditions, node.Status.Conditions) {
		return observed, current, node, nil
	}
	log.V(2).Info("Node stopped posting its status", "silentFor", now.Sub(h.probe), "grace", grace)
	written, err := nc.nodes.UpdateStatus(ctx, upd, client.UpdateOptions{})
	if err != nil {
		return observed, current, node, err
	}
	h.transition = now
	ready := *condition(&written.Status, core.NodeReady)
	h.ready = &ready
	return observed, condition(&written.Status, core.NodeReady), written, nil
}

// markPodsNotReady sets the Ready condition of the node's ready pods to False, so that they
// leave their services' endpoints, as Kubernetes does when a node stops being Ready.
func (nc *Controller) markPodsNotReady(ctx context.Context, pods []*core.Pod, node string) error {
	var errs []error
	for _, p := range pods {
		if err := nc.markPodNotReady(ctx, p, node); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (nc *Controller) markPodNotReady(ctx context.Context, p *core.Pod, node string) error {
	if p.Spec.NodeName != node {
		return nil
	}
	c := p.Condition(core.PodReady)
	if c == nil || c.Status == core.ConditionFalse {
		return nil
	}
	cond := map[string]any{"type": core.PodReady, "status": core.ConditionFalse, "lastTransitionTime": meta.NewTime(nc.clock.Now())}
	if err := nc.patchPodCondition(ctx, p, cond); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	logr.FromContextOrDiscard(ctx).V(2).Info("Marked pod not ready", "pod", p.Namespace+"/"+p.Name, "node", node)
	nc.rec.Eventf(p, core.EventTypeWarning, "NodeNotReady", "Node is not ready")
	return nil
}

// nodeHealthKnown reports whether the monitor has looked at the node.
func (nc *Controller) nodeHealthKnown(name string) bool {
	_, ok := nc.health.get(name)
	return ok
}
