package nodename

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name in the registry and in scheduler configurations.
const Name = "NodeName"

// ErrReason is Filter's reason when the pod names another node.
const ErrReason = "node(s) didn't match the requested node name"

// NodeName filters out every node but the one a pod's spec.nodeName names.
type NodeName struct{}

var (
	_ framework.FilterPlugin      = (*NodeName)(nil)
	_ framework.EnqueueExtensions = (*NodeName)(nil)
)

// New makes the plugin. It takes no args.
func New(_ context.Context, args json.RawMessage, _ framework.Handle) (framework.Plugin, error) {
	if err := framework.DecodeArgs(args, &meta.TypeMeta{}); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &NodeName{}, nil
}

// Name returns Name.
func (pl *NodeName) Name() string { return Name }

// Filter rejects every node but the named one, UnschedulableAndUnresolvable since preemption
// cannot rename a node.
func (pl *NodeName) Filter(_ context.Context, _ *framework.CycleState, pod *core.Pod, nodeInfo *framework.NodeInfo) *framework.Status {
	if nodeInfo.Node() == nil {
		return framework.NewStatus(framework.Error, "node not found")
	}
	if !Fits(pod, nodeInfo) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReason)
	}
	return nil
}

// Fits reports whether the pod may go to the node: it names none, or this one. nodeInfo must
// have its node.
func Fits(pod *core.Pod, nodeInfo *framework.NodeInfo) bool {
	return pod.Spec.NodeName == "" || pod.Spec.NodeName == nodeInfo.Node().Name
}

// EventsToRegister: only a node being added can make a pinned pod fit (its name is the one the
// pod wants); a hint would add nothing, so every addition requeues.
func (pl *NodeName) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add}},
	}, nil
}
