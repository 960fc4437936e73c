package nodeports

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name in the registry and in the scheduler's configuration.
const Name = "NodePorts"

// ErrReason is the filter's reason, as users see it in FailedScheduling events.
const ErrReason = "node(s) didn't have free ports for the requested pod ports"

const preFilterStateKey framework.StateKey = "PreFilter" + Name

// errReasons is shared by every rejection; its length equals its capacity, so appending to it
// copies it.
var errReasons = []string{ErrReason}

// NodePorts is the plugin. It has no configuration.
type NodePorts struct{}

var (
	_ framework.PreFilterPlugin   = (*NodePorts)(nil)
	_ framework.FilterPlugin      = (*NodePorts)(nil)
	_ framework.EnqueueExtensions = (*NodePorts)(nil)
)

// New makes the plugin; it takes no arguments (an empty object or null is accepted).
func New(_ context.Context, args json.RawMessage, _ framework.Handle) (framework.Plugin, error) {
	var none struct {
		meta.TypeMeta `json:",inline"`
	}
	if err := framework.DecodeArgs(args, &none); err != nil {
		return nil, fmt.Errorf("nodeports: %w", err)
	}
	return &NodePorts{}, nil
}

// Name returns Name.
func (pl *NodePorts) Name() string { return Name }

// hostPort is a host port a container asks for.
type hostPort struct {
	ip       string
	protocol core.Protocol
	port     int32
}

// preFilterState is the pod's host ports; it never changes after PreFilter.
type preFilterState []hostPort

// Clone returns s: the state is read-only.
func (s preFilterState) Clone() framework.StateData { return s }

// hostPorts returns the host ports the pod's containers ask for (init containers cannot have
// ports that stay bound).
func hostPorts(pod *core.Pod) preFilterState {
	var out preFilterState
	for i := range pod.Spec.Containers {
		for _, p := range pod.Spec.Containers[i].Ports {
			if p.HostPort > 0 {
				out = append(out, hostPort{ip: p.HostIP, protocol: p.Protocol, port: p.HostPort})
			}
		}
	}
	return out
}

// PreFilter records the pod's host ports, or answers Skip when it has none.
func (pl *NodePorts) PreFilter(_ context.Context, state *framework.CycleState, pod *core.Pod) (*framework.PreFilterResult, *framework.Status) {
	ports := hostPorts(pod)
	if len(ports) == 0 {
		return nil, framework.NewStatus(framework.Skip)
	}
	state.Write(preFilterStateKey, ports)
	return nil, nil
}

// PreFilterExtensions returns nil: the pod's ports do not depend on other pods.
func (pl *NodePorts) PreFilterExtensions() framework.PreFilterExtensions { return nil }

// Filter rejects (Unschedulable) a node where a pod already holds one of the pod's host ports.
func (pl *NodePorts) Filter(_ context.Context, state *framework.CycleState, _ *core.Pod, ni *framework.NodeInfo) *framework.Status {
	c, err := state.Read(preFilterStateKey)
	if err != nil {
		return framework.AsStatus(fmt.Errorf("nodeports: reading %q from the cycle state: %w", preFilterStateKey, err))
	}
	ports, ok := c.(preFilterState)
	if !ok {
		return framework.AsStatus(fmt.Errorf("nodeports: %T in the cycle state under %q", c, preFilterStateKey))
	}
	if !fitsPorts(ports, ni.UsedPorts) {
		return framework.NewStatus(framework.Unschedulable, errReasons...)
	}
	return nil
}

// Fits reports whether none of the pod's host ports is in use on the node.
func Fits(pod *core.Pod, ni *framework.NodeInfo) bool {
	return fitsPorts(hostPorts(pod), ni.UsedPorts)
}

func fitsPorts(want preFilterState, used framework.HostPortInfo) bool {
	if len(used) == 0 {
		return true
	}
	for _, p := range want {
		if used.CheckConflict(p.ip, p.protocol, p.port) {
			return false
		}
	}
	return true
}

// EventsToRegister returns what can free a host port: a pod deleted, or a node added.
// (Kubernetes 1.32 with queueing hints on, its default; a pod's ports cannot be updated.)
func (pl *NodePorts) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.Delete}, QueueingHintFn: pl.isSchedulableAfterPodDeleted},
		// Any new node may have the ports free: always retry.
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add}},
	}, nil
}

// isSchedulableAfterPodDeleted queues the pod when the deleted pod was bound (or nominated) to
// a node and held a host port the pod wants.
func (pl *NodePorts) isSchedulableAfterPodDeleted(pod *core.Pod, oldObj, _ meta.Object) (framework.QueueingHint, error) {
	deleted, _ := oldObj.(*core.Pod)
	if deleted == nil {
		return framework.Queue, fmt.Errorf("nodeports: a pod deletion without the pod (%T)", oldObj)
	}
	if deleted.Spec.NodeName == "" && deleted.Status.NominatedNodeName == "" {
		return framework.QueueSkip, nil
	}
	freed := framework.HostPortInfo{}
	for _, p := range hostPorts(deleted) {
		freed.Add(p.ip, p.protocol, p.port)
	}
	if len(freed) == 0 || fitsPorts(hostPorts(pod), freed) {
		return framework.QueueSkip, nil
	}
	return framework.Queue, nil
}
