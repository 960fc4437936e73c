package queuesort

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name in the registry and in scheduler configurations.
const Name = "PrioritySort"

// PrioritySort orders the active queue by priority, then by time queued. It has no state, so the
// zero value is ready to use.
type PrioritySort struct{}

var _ framework.QueueSortPlugin = (*PrioritySort)(nil)

// New makes the plugin. It takes no args.
func New(_ context.Context, args json.RawMessage, _ framework.Handle) (framework.Plugin, error) {
	if err := framework.DecodeArgs(args, &meta.TypeMeta{}); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &PrioritySort{}, nil
}

// Name returns Name.
func (pl *PrioritySort) Name() string { return Name }

// Less reports whether a goes before b: a higher priority, or the same priority and an earlier
// Timestamp. Pods queued at the same instant with the same priority are equal (neither is less).
func (pl *PrioritySort) Less(a, b *framework.QueuedPodInfo) bool {
	pa, pb := PodPriority(a.Pod), PodPriority(b.Pod)
	return pa > pb || (pa == pb && a.Timestamp.Before(b.Timestamp))
}

// PodPriority is the pod's spec.priority, or 0 when unset (admission sets it from the
// PriorityClass; a pod that skipped admission has none and counts as the default, 0).
func PodPriority(pod *core.Pod) int32 {
	if pod.Spec.Priority != nil {
		return *pod.Spec.Priority
	}
	return 0
}
