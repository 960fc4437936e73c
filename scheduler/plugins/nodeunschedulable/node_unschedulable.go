package nodeunschedulable

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/tainttoleration"
)

// Name is the plugin's name in the registry and in scheduler configurations.
const Name = "NodeUnschedulable"

// TaintNodeUnschedulable is the taint the node lifecycle controller puts on cordoned nodes; a pod
// that tolerates it with effect NoSchedule also ignores spec.unschedulable.
const TaintNodeUnschedulable = "node.kubernetes.io/unschedulable"

// The reasons Filter gives, as Kubernetes words them.
const (
	ErrReasonUnknownCondition = "node(s) had unknown conditions"
	ErrReasonUnschedulable    = "node(s) were unschedulable"
)

// unschedulableTaint is what a cordon amounts to, for the toleration check.
var unschedulableTaint = core.Taint{Key: TaintNodeUnschedulable, Effect: core.TaintEffectNoSchedule}

// NodeUnschedulable filters out cordoned nodes for pods that do not tolerate the cordon.
type NodeUnschedulable struct{}

var (
	_ framework.FilterPlugin      = (*NodeUnschedulable)(nil)
	_ framework.EnqueueExtensions = (*NodeUnschedulable)(nil)
)

// New makes the plugin. It takes no args.
func New(_ context.Context, args json.RawMessage, _ framework.Handle) (framework.Plugin, error) {
	if err := framework.DecodeArgs(args, &meta.TypeMeta{}); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &NodeUnschedulable{}, nil
}

// Name returns Name.
func (pl *NodeUnschedulable) Name() string { return Name }

// Filter rejects a cordoned node unless the pod tolerates node.kubernetes.io/unschedulable:NoSchedule.
// The rejection is UnschedulableAndUnresolvable: preemption does not uncordon nodes.
func (pl *NodeUnschedulable) Filter(_ context.Context, _ *framework.CycleState, pod *core.Pod, nodeInfo *framework.NodeInfo) *framework.Status {
	node := nodeInfo.Node()
	if node == nil {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonUnknownCondition)
	}
	if !node.Spec.Unschedulable || toleratesCordon(pod) {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonUnschedulable)
}

func toleratesCordon(pod *core.Pod) bool {
	return tainttoleration.TolerationsTolerateTaint(pod.Spec.Tolerations, &unschedulableTaint)
}

// EventsToRegister: a node added schedulable or uncordoned, or the pod gaining the toleration.
// There is no action type of its own for spec.unschedulable: as in Kubernetes, the queue must
// report an uncordon as UpdateNodeTaint (a cordon is, in effect, a taint).
func (pl *NodeUnschedulable) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeTaint}, QueueingHintFn: isSchedulableAfterNodeChange},
		{Event: framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.UpdatePodTolerations}, QueueingHintFn: isSchedulableAfterPodTolerationChange},
	}, nil
}

// isSchedulableAfterNodeChange queues the pod for a node added schedulable or one uncordoned.
func isSchedulableAfterNodeChange(_ *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	oldNode, newNode, err := asPair[*core.Node](oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	if newNode.Spec.Unschedulable {
		return framework.QueueSkip, nil
	}
	if oldNode == nil || oldNode.Spec.Unschedulable {
		return framework.Queue, nil
	}
	return framework.QueueSkip, nil
}

// isSchedulableAfterPodTolerationChange queues the pod when it now tolerates the cordon.
// Tolerations can only be added, so the old pod need not be looked at: had it tolerated the
// cordon, this plugin would not have rejected it.
func isSchedulableAfterPodTolerationChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	_, newPod, err := asPair[*core.Pod](oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	if newPod.UID == pod.UID && toleratesCordon(newPod) {
		return framework.Queue, nil
	}
	return framework.QueueSkip, nil
}

// asPair converts an event's objects; the old one may be absent (an add), the new one must be
// there.
func asPair[T meta.Object](oldObj, newObj meta.Object) (oldT, newT T, err error) {
	var zero T
	var ok bool
	if newObj == nil {
		return oldT, newT, fmt.Errorf("%s: event without a new object", Name)
	}
	if newT, ok = newObj.(T); !ok || any(newT) == any(zero) {
		return oldT, newT, fmt.Errorf("%s: expected a non-nil %T, got %T", Name, newT, newObj)
	}
	if oldObj != nil {
		if oldT, ok = oldObj.(T); !ok {
			return oldT, newT, fmt.Errorf("%s: expected %T, got %T", Name, oldT, oldObj)
		}
	}
	return oldT, newT, nil
}
