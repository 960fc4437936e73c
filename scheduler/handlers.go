package scheduler

import (
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// addHandlers feeds the queue with unscheduled pods of our profiles, and the cache with nodes and
// bound pods; changes that may make waiting pods schedulable move them back to be tried.
func (s *Scheduler) addHandlers(f *informer.Factory) error {
	pods := informer.For[*core.Pod](f)
	nodes := informer.For[*core.Node](f)
	podReg, err := pods.AddEventHandler(informer.HandlerFuncs[*core.Pod]{
		AddFunc:    func(p *core.Pod, _ bool) { s.podAdded(p) },
		UpdateFunc: s.podUpdated,
		DeleteFunc: s.podDeleted,
	})
	if err != nil {
		return err
	}
	nodeReg, err := nodes.AddEventHandler(informer.HandlerFuncs[*core.Node]{
		AddFunc: func(n *core.Node, _ bool) {
			s.cache.AddNode(n)
			s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add}, nil, n)
		},
		UpdateFunc: func(old, n *core.Node) {
			s.cache.UpdateNode(old, n)
			if act := nodeChange(old, n); act != 0 {
				s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventNode, ActionType: act}, old, n)
			}
		},
		DeleteFunc: func(n *core.Node) {
			if err := s.cache.RemoveNode(n); err != nil {
				s.log.V(1).Info("removing a node", "err", err.Error())
			}
		},
	})
	if err != nil {
		return err
	}
	s.synced = append(s.synced, podReg.HasSynced, nodeReg.HasSynced)
	return nil
}

func assigned(p *core.Pod) bool { return p.Spec.NodeName != "" }

func finished(p *core.Pod) bool {
	return p.Status.Phase == core.PodSucceeded || p.Status.Phase == core.PodFailed
}

func (s *Scheduler) podAdded(p *core.Pod) {
	switch {
	case assigned(p):
		if finished(p) {
			return
		}
		if err := s.cache.AddPod(p); err != nil {
			s.log.Error(err, "adding a pod to the cache")
		}
		s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventAssignedPod, ActionType: framework.Add}, nil, p)
	case s.responsible(p) && p.DeletionTimestamp == nil:
		s.queue.Add(p)
	}
}

func (s *Scheduler) podUpdated(old, p *core.Pod) {
	switch {
	case !assigned(old) && assigned(p):
		// Bound: out of the queue, into the cache (confirming an assumed pod).
		s.queue.Delete(p)
		s.queue.Nominator().Delete(p)
		if !finished(p) {
			if err := s.cache.AddPod(p); err != nil {
				s.log.Error(err, "adding a bound pod to the cache")
			}
		}
	case assigned(p):
		if finished(p) && !finished(old) {
			// A finished pod frees its node's resources.
			if err := s.cache.RemovePod(p); err != nil {
				s.log.V(1).Info("removing a finished pod", "err", err.Error())
			}
			s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventAssignedPod, ActionType: framework.Delete}, old, nil)
			return
		}
		if finished(p) {
			return
		}
		if err := s.cache.UpdatePod(old, p); err != nil {
			s.log.Error(err, "updating a pod in the cache")
		}
		if !equality.DeepEqual(old.Labels, p.Labels) {
			s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventAssignedPod, ActionType: framework.UpdatePodLabel}, old, p)
		}
	case s.responsible(p):
		if p.DeletionTimestamp != nil {
			s.queue.Delete(p)
			return
		}
		if s.cache.IsAssumedPod(p) {
			return // assumed: its binding is in flight
		}
		s.queue.Update(old, p)
	}
}

func (s *Scheduler) podDeleted(p *core.Pod) {
	if assigned(p) {
		if err := s.cache.RemovePod(p); err != nil {
			s.log.V(1).Info("removing a pod", "err", err.Error())
		}
		s.queue.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventAssignedPod, ActionType: framework.Delete}, p, nil)
		return
	}
	s.queue.Delete(p)
	if s.cache.IsAssumedPod(p) {
		// Deleted while its binding was in flight.
		s.forget(p)
	}
}

// nodeChange says what kind of update a node had, for the queue's events.
func nodeChange(old, n *core.Node) framework.ActionType {
	var act framework.ActionType
	if !equality.DeepEqual(old.Status.Allocatable, n.Status.Allocatable) {
		act |= framework.UpdateNodeAllocatable
	}
	if !equality.DeepEqual(old.Labels, n.Labels) {
		act |= framework.UpdateNodeLabel
	}
	if !equality.DeepEqual(old.Spec.Taints, n.Spec.Taints) || old.Spec.Unschedulable != n.Spec.Unschedulable {
		act |= framework.UpdateNodeTaint
	}
	if conditionsChanged(old.Status.Conditions, n.Status.Conditions) {
		act |= framework.UpdateNodeCondition
	}
	if !equality.DeepEqual(old.Annotations, n.Annotations) {
		act |= framework.UpdateNodeAnnotation
	}
	return act
}

// conditionsChanged compares the conditions' types and statuses only: heartbeats change every
// few seconds and concern no pod.
func conditionsChanged(a, b []core.NodeCondition) bool {
	if len(a) != len(b) {
		return true
	}
	status := make(map[core.NodeConditionType]core.ConditionStatus, len(a))
	for _, c := range a {
		status[c.Type] = c.Status
	}
	for _, c := range b {
		if s, ok := status[c.Type]; !ok || s != c.Status {
			return true
		}
	}
	return false
}
