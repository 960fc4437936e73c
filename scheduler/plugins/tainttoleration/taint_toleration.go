package tainttoleration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Name is the plugin's name in the registry and in scheduler configurations.
const Name = "TaintToleration"

// preScoreStateKey is where PreScore leaves the pod's PreferNoSchedule tolerations for Score.
const preScoreStateKey framework.StateKey = "PreScore" + Name

// TaintToleration filters out nodes with NoSchedule and NoExecute taints the pod does not
// tolerate, and scores nodes by how few untolerated PreferNoSchedule taints they have.
type TaintToleration struct {
	handle framework.Handle
}

var (
	_ framework.FilterPlugin      = (*TaintToleration)(nil)
	_ framework.PreScorePlugin    = (*TaintToleration)(nil)
	_ framework.ScorePlugin       = (*TaintToleration)(nil)
	_ framework.ScoreExtensions   = (*TaintToleration)(nil)
	_ framework.EnqueueExtensions = (*TaintToleration)(nil)
)

// New makes the plugin. It takes no args; h gives Score the snapshot.
func New(_ context.Context, args json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	if err := framework.DecodeArgs(args, &meta.TypeMeta{}); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return &TaintToleration{handle: h}, nil
}

// Name returns Name.
func (pl *TaintToleration) Name() string { return Name }

// Filter rejects the node when one of its NoSchedule or NoExecute taints is not tolerated, naming
// the first such taint. The rejection is UnschedulableAndUnresolvable: preempting pods does not
// remove taints.
func (pl *TaintToleration) Filter(_ context.Context, _ *framework.CycleState, pod *core.Pod, nodeInfo *framework.NodeInfo) *framework.Status {
	node := nodeInfo.Node()
	if node == nil {
		return framework.NewStatus(framework.Error, "node not found")
	}
	taint, untolerated := FindMatchingUntoleratedTaint(node.Spec.Taints, pod.Spec.Tolerations, DoNotScheduleTaints)
	if !untolerated {
		return nil
	}
	return framework.NewStatus(framework.UnschedulableAndUnresolvable,
		"node(s) had untolerated taint {"+taint.Key+": "+taint.Value+"}")
}

// preScoreState is the pod's tolerations that can tolerate a PreferNoSchedule taint; it never
// changes after PreScore, so Clone shares it.
type preScoreState struct {
	tolerationsPreferNoSchedule []core.Toleration
}

func (s *preScoreState) Clone() framework.StateData { return s }

// PreScore keeps the tolerations that matter for PreferNoSchedule taints: those with that effect
// or with none (which tolerate every effect).
func (pl *TaintToleration) PreScore(_ context.Context, state *framework.CycleState, pod *core.Pod, _ []*framework.NodeInfo) *framework.Status {
	var tols []core.Toleration
	for _, t := range pod.Spec.Tolerations {
		if t.Effect == "" || t.Effect == core.TaintEffectPreferNoSchedule {
			tols = append(tols, t)
		}
	}
	state.Write(preScoreStateKey, &preScoreState{tolerationsPreferNoSchedule: tols})
	return nil
}

// Score counts the node's PreferNoSchedule taints the pod does not tolerate; NormalizeScore turns
// the counts around so that fewer is better.
func (pl *TaintToleration) Score(_ context.Context, state *framework.CycleState, _ *core.Pod, nodeInfo *framework.NodeInfo) (int64, *framework.Status) {
	node := nodeInfo.Node()
	if node == nil {
		return 0, framework.AsStatus(errors.New("tainttoleration: node not found"))
	}
	data, err := state.Read(preScoreStateKey)
	if err != nil {
		return 0, framework.AsStatus(fmt.Errorf("reading %q from cycle state: %w", preScoreStateKey, err))
	}
	s, ok := data.(*preScoreState)
	if !ok {
		return 0, framework.AsStatus(fmt.Errorf("invalid %q state, got %T", preScoreStateKey, data))
	}
	var count int64
	taints := node.Spec.Taints
	for i := range taints {
		if taints[i].Effect == core.TaintEffectPreferNoSchedule && !TolerationsTolerateTaint(s.tolerationsPreferNoSchedule, &taints[i]) {
			count++
		}
	}
	return count, nil
}

// ScoreExtensions returns the plugin, which normalizes its scores.
func (pl *TaintToleration) ScoreExtensions() framework.ScoreExtensions { return pl }

// NormalizeScore scales the counts to 0-MaxNodeScore and reverses them: the node with the most
// untolerated PreferNoSchedule taints gets 0, nodes with none get MaxNodeScore.
func (pl *TaintToleration) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *core.Pod, scores framework.NodeScoreList) *framework.Status {
	normalize(framework.MaxNodeScore, true, scores)
	return nil
}

// normalize scales scores from 0..max(scores) to 0..maxScore, reversed when reverse is set;
// Kubernetes' DefaultNormalizeScore, integer division included. All zeros stay zero, or all
// become maxScore when reversed.
func normalize(maxScore int64, reverse bool, scores framework.NodeScoreList) {
	var highest int64
	for i := range scores {
		highest = max(highest, scores[i].Score)
	}
	if highest == 0 {
		if reverse {
			for i := range scores {
				scores[i].Score = maxScore
			}
		}
		return
	}
	for i := range scores {
		s := maxScore * scores[i].Score / highest
		if reverse {
			s = maxScore - s
		}
		scores[i].Score = s
	}
}

// EventsToRegister: a node that is added or whose taints change may now be tolerated, and so may
// every node when the pod itself gains tolerations.
func (pl *TaintToleration) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeTaint}, QueueingHintFn: isSchedulableAfterNodeChange},
		{Event: framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.UpdatePodTolerations}, QueueingHintFn: isSchedulableAfterPodTolerationChange},
	}, nil
}

// isSchedulableAfterNodeChange queues the pod when the node goes from having an untolerated
// NoSchedule/NoExecute taint (or not existing) to having none.
func isSchedulableAfterNodeChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	oldNode, newNode, err := asPair[*core.Node](oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	wasUntolerated := true
	if oldNode != nil {
		_, wasUntolerated = FindMatchingUntoleratedTaint(oldNode.Spec.Taints, pod.Spec.Tolerations, DoNotScheduleTaints)
	}
	_, isUntolerated := FindMatchingUntoleratedTaint(newNode.Spec.Taints, pod.Spec.Tolerations, DoNotScheduleTaints)
	if wasUntolerated && !isUntolerated {
		return framework.Queue, nil
	}
	return framework.QueueSkip, nil
}

// isSchedulableAfterPodTolerationChange queues the pod when its own tolerations changed (they can
// only be added to), and ignores other pods.
func isSchedulableAfterPodTolerationChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	_, newPod, err := asPair[*core.Pod](oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	if newPod.UID == pod.UID {
		return framework.Queue, nil
	}
	return framework.QueueSkip, nil
}

// asPair converts an event's objects; the old one may be absent (an add), the new one must be
// there.
func asPair[T meta.Object](oldObj, newObj meta.Object) (oldT, newT T, err error) {
	var ok bool
	if newObj == nil {
		return oldT, newT, fmt.Errorf("%s: event without a new object", Name)
	}
	var zero T
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
