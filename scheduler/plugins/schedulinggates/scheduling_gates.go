package schedulinggates

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name in the registry and in scheduler configurations.
const Name = "SchedulingGates"

// SchedulingGates keeps gated pods out of the active queue.
type SchedulingGates struct{}

var (
	_ framework.PreEnqueuePlugin  = (*SchedulingGates)(nil)
	_ framework.EnqueueExtensions = (*SchedulingGates)(nil)
)

// New makes the plugin. It takes no args.
func New(_ context.Context, args json.RawMessage, _ framework.Handle) (framework.Plugin, error) {
	if err := framework.DecodeArgs(args, &meta.TypeMeta{}); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &SchedulingGates{}, nil
}

// Name returns Name.
func (pl *SchedulingGates) Name() string { return Name }

// PreEnqueue lets an ungated pod in, and holds a gated one UnschedulableAndUnresolvable with the
// gates listed as Kubernetes prints them: "waiting for scheduling gates: [a b]".
func (pl *SchedulingGates) PreEnqueue(_ context.Context, pod *core.Pod) *framework.Status {
	gates := pod.Spec.SchedulingGates
	if len(gates) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("waiting for scheduling gates: [")
	for i, g := range gates {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.Name)
	}
	b.WriteByte(']')
	return framework.NewStatus(framework.UnschedulableAndUnresolvable, b.String())
}

// EventsToRegister: the pod's own gates being lifted. Gates can only be removed, never added, so
// the update that removes the last one is the only event that matters.
func (pl *SchedulingGates) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.UpdatePodSchedulingGatesEliminated}, QueueingHintFn: isSchedulableAfterGatesEliminated},
	}, nil
}

// isSchedulableAfterGatesEliminated queues the pod when the update is to the pod itself.
func isSchedulableAfterGatesEliminated(pod *core.Pod, _, newObj meta.Object) (framework.QueueingHint, error) {
	newPod, ok := newObj.(*core.Pod)
	if !ok || newPod == nil {
		return framework.Queue, fmt.Errorf("%s: expected a non-nil *core.Pod, got %T", Name, newObj)
	}
	if newPod.UID != pod.UID {
		return framework.QueueSkip, nil
	}
	return framework.Queue, nil
}
