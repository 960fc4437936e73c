package nodeaffinity

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
const Name = "NodeAffinity"

// The reasons the plugin gives, as Kubernetes words them.
const (
	// ErrReasonPod: the node fails the pod's nodeSelector or required node affinity.
	ErrReasonPod = "node(s) didn't match Pod's node affinity/selector"
	// ErrReasonEnforced: the node fails the profile's AddedAffinity.
	ErrReasonEnforced = "node(s) didn't match scheduler-enforced node affinity"
	// ErrReasonConflict: the pod's terms pin it by metadata.name to no node at all.
	ErrReasonConflict = "pod affinity terms conflict"
)

const (
	preFilterStateKey framework.StateKey = "PreFilter" + Name
	preScoreStateKey  framework.StateKey = "PreScore" + Name
)

// NodeAffinity filters nodes by a pod's nodeSelector and required node affinity, and scores them
// by its preferred node affinity, each together with the profile's AddedAffinity.
type NodeAffinity struct {
	handle framework.Handle
	// addedNodeSelector is AddedAffinity's required part; nil when there is none.
	addedNodeSelector *NodeSelector
	// addedPrefSchedTerms is AddedAffinity's preferred part; nil when there is none.
	addedPrefSchedTerms *PreferredSchedulingTerms
}

var (
	_ framework.PreFilterPlugin   = (*NodeAffinity)(nil)
	_ framework.FilterPlugin      = (*NodeAffinity)(nil)
	_ framework.PreScorePlugin    = (*NodeAffinity)(nil)
	_ framework.ScorePlugin       = (*NodeAffinity)(nil)
	_ framework.ScoreExtensions   = (*NodeAffinity)(nil)
	_ framework.EnqueueExtensions = (*NodeAffinity)(nil)
)

// New makes the plugin from Args (as JSON; nil for none). AddedAffinity's terms must all parse.
// h gives Score the snapshot.
func New(_ context.Context, args json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	var a Args
	if err := framework.DecodeArgs(args, &a); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	return NewWithArgs(a, h)
}

// NewWithArgs makes the plugin from decoded Args, for callers that build the args in Go.
func NewWithArgs(a Args, h framework.Handle) (*NodeAffinity, error) {
	if err := a.Validate(); err != nil {
		return nil, fmt.Errorf("%s: invalid args: %w", Name, err)
	}
	pl := &NodeAffinity{handle: h}
	if a.AddedAffinity == nil {
		return pl, nil
	}
	if ns := a.AddedAffinity.RequiredDuringSchedulingIgnoredDuringExecution; ns != nil {
		pl.addedNodeSelector, _ = ParseNodeSelector(ns, nil) // Validate has checked it
	}
	if terms := a.AddedAffinity.PreferredDuringSchedulingIgnoredDuringExecution; len(terms) > 0 {
		pl.addedPrefSchedTerms, _ = ParsePreferredSchedulingTerms(terms, nil)
	}
	return pl, nil
}

// Name returns Name.
func (pl *NodeAffinity) Name() string { return Name }

// preFilterState is the pod's compiled requirements; they never change after PreFilter, so Clone
// shares them.
type preFilterState struct {
	required *RequiredNodeAffinity
}

func (s *preFilterState) Clone() framework.StateData { return s }

// PreFilter compiles the pod's requirements once for every node's Filter, and Skips when there
// is nothing to check. When every required term pins the pod by metadata.name In, it narrows the
// nodes to those names; when the names of a term contradict each other in every term, no node
// can ever fit: UnschedulableAndUnresolvable.
func (pl *NodeAffinity) PreFilter(_ context.Context, state *framework.CycleState, pod *core.Pod) (*framework.PreFilterResult, *framework.Status) {
	var required *core.NodeSelector
	if a := pod.Spec.Affinity; a != nil && a.NodeAffinity != nil {
		required = a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution
	}
	if required == nil && pl.addedNodeSelector == nil && pod.Spec.NodeSelector == nil {
		return nil, framework.NewStatus(framework.Skip)
	}
	state.Write(preFilterStateKey, &preFilterState{required: NewRequiredNodeAffinity(pod)})
	if required == nil || len(required.NodeSelectorTerms) == 0 {
		return nil, nil
	}
	names, pinned := pinnedNodeNames(required.NodeSelectorTerms)
	switch {
	case !pinned:
		return nil, nil
	case len(names) == 0:
		return nil, framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonConflict)
	default:
		return &framework.PreFilterResult{NodeNames: names}, nil
	}
}

// pinnedNodeNames is the union over terms of the node names each term allows by its
// metadata.name In requirements (intersected, since they are ANDed). pinned is false when a term
// has no such requirement: terms are ORed, so that term alone could let any node in.
func pinnedNodeNames(terms []core.NodeSelectorTerm) (names map[string]bool, pinned bool) {
	if len(terms) == 0 {
		return nil, false
	}
	for i := range terms {
		var termNames map[string]bool
		for _, r := range terms[i].MatchFields {
			if r.Key != ObjectNameField || r.Operator != core.NodeSelectorOpIn {
				continue
			}
			if termNames == nil {
				termNames = make(map[string]bool, len(r.Values))
				for _, v := range r.Values {
					termNames[v] = true
				}
				continue
			}
			next := make(map[string]bool, len(termNames))
			for _, v := range r.Values {
				if termNames[v] {
					next[v] = true
				}
			}
			termNames = next
		}
		if termNames == nil {
			return nil, false
		}
		if names == nil {
			names = make(map[string]bool, len(termNames))
		}
		for n := range termNames {
			names[n] = true
		}
	}
	return names, true
}

// PreFilterExtensions returns nil: the state does not depend on other pods.
func (pl *NodeAffinity) PreFilterExtensions() framework.PreFilterExtensions { return nil }

// Filter checks the node against AddedAffinity, then against the pod's nodeSelector and required
// node affinity. Both rejections are UnschedulableAndUnresolvable: preemption does not change
// labels. Terms that do not parse match nothing, as in Kubernetes, which keeps accepting pods
// stored before validation was strict.
func (pl *NodeAffinity) Filter(_ context.Context, state *framework.CycleState, pod *core.Pod, nodeInfo *framework.NodeInfo) *framework.Status {
	node := nodeInfo.Node()
	if node == nil {
		return framework.NewStatus(framework.Error, "node not found")
	}
	if pl.addedNodeSelector != nil && !pl.addedNodeSelector.Match(node) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonEnforced)
	}
	var required *RequiredNodeAffinity
	if data, err := state.Read(preFilterStateKey); err == nil {
		if s, ok := data.(*preFilterState); ok {
			required = s.required
		}
	}
	if required == nil {
		// PreFilter did not run (it is disabled, or this is a preemption dry run without it).
		required = NewRequiredNodeAffinity(pod)
	}
	if !required.Match(node) {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonPod)
	}
	return nil
}

// preScoreState is the pod's compiled preferences; nil when it has none.
type preScoreState struct {
	preferred *PreferredSchedulingTerms
}

func (s *preScoreState) Clone() framework.StateData { return s }

// PreScore compiles the pod's preferred terms once for every node's Score, and Skips when
// neither the pod nor AddedAffinity prefers anything. Preferred terms that do not parse are an
// error, as in Kubernetes.
func (pl *NodeAffinity) PreScore(_ context.Context, state *framework.CycleState, pod *core.Pod, _ []*framework.NodeInfo) *framework.Status {
	preferred, err := podPreferredTerms(pod)
	if err != nil {
		return framework.AsStatus(err)
	}
	if preferred == nil && pl.addedPrefSchedTerms == nil {
		return framework.NewStatus(framework.Skip)
	}
	state.Write(preScoreStateKey, &preScoreState{preferred: preferred})
	return nil
}

// podPreferredTerms compiles the pod's preferred node affinity; nil when it has none.
func podPreferredTerms(pod *core.Pod) (*PreferredSchedulingTerms, error) {
	a := pod.Spec.Affinity
	if a == nil || a.NodeAffinity == nil || a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution == nil {
		return nil, nil
	}
	return ParsePreferredSchedulingTerms(a.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution, nil)
}

// Score is the sum of the weights of the preferred terms, the pod's and AddedAffinity's, that
// the node matches; NormalizeScore scales the sums to 0-MaxNodeScore.
func (pl *NodeAffinity) Score(_ context.Context, state *framework.CycleState, pod *core.Pod, nodeInfo *framework.NodeInfo) (int64, *framework.Status) {
	node := nodeInfo.Node()
	if node == nil {
		return 0, framework.AsStatus(errors.New("nodeaffinity: node not found"))
	}
	count := pl.addedPrefSchedTerms.Score(node)
	var preferred *PreferredSchedulingTerms
	if data, err := state.Read(preScoreStateKey); err == nil {
		s, ok := data.(*preScoreState)
		if !ok {
			return 0, framework.AsStatus(fmt.Errorf("invalid %q state, got %T", preScoreStateKey, data))
		}
		preferred = s.preferred
	} else {
		// PreScore did not run.
		if preferred, err = podPreferredTerms(pod); err != nil {
			return 0, framework.AsStatus(err)
		}
	}
	return count + preferred.Score(node), nil
}

// ScoreExtensions returns the plugin, which normalizes its scores.
func (pl *NodeAffinity) ScoreExtensions() framework.ScoreExtensions { return pl }

// NormalizeScore scales the sums so that the best node gets MaxNodeScore (Kubernetes'
// DefaultNormalizeScore, integer division included); all zeros stay zero.
func (pl *NodeAffinity) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *core.Pod, scores framework.NodeScoreList) *framework.Status {
	var highest int64
	for i := range scores {
		highest = max(highest, scores[i].Score)
	}
	if highest == 0 {
		return nil
	}
	for i := range scores {
		scores[i].Score = framework.MaxNodeScore * scores[i].Score / highest
	}
	return nil
}

// EventsToRegister: a node added, or one whose labels change, may now match.
func (pl *NodeAffinity) EventsToRegister(_ context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeLabel}, QueueingHintFn: pl.isSchedulableAfterNodeChange},
	}, nil
}

// isSchedulableAfterNodeChange queues the pod when the added or updated node now matches both
// AddedAffinity and the pod's requirements, and (for an update) did not match the pod's before.
// When the pod's terms do not parse and the node does not match, it queues with the error, as
// Kubernetes does, so that the problem is logged and the pod retried with backoff.
func (pl *NodeAffinity) isSchedulableAfterNodeChange(pod *core.Pod, oldObj, newObj meta.Object) (framework.QueueingHint, error) {
	oldNode, newNode, err := asNodes(oldObj, newObj)
	if err != nil {
		return framework.Queue, err
	}
	if pl.addedNodeSelector != nil && !pl.addedNodeSelector.Match(newNode) {
		return framework.QueueSkip, nil
	}
	required := NewRequiredNodeAffinity(pod)
	if !required.Match(newNode) {
		if required.matchNodeSelector(newNode) && required.Err() != nil {
			return framework.Queue, required.Err()
		}
		return framework.QueueSkip, nil
	}
	if oldNode == nil {
		return framework.Queue, nil
	}
	if !required.Match(oldNode) {
		if required.matchNodeSelector(oldNode) && required.Err() != nil {
			return framework.Queue, required.Err()
		}
		return framework.Queue, nil
	}
	return framework.QueueSkip, nil
}

// asNodes converts an event's objects; the old node is absent for an addition.
func asNodes(oldObj, newObj meta.Object) (oldNode, newNode *core.Node, err error) {
	var ok bool
	if newNode, ok = newObj.(*core.Node); !ok || newNode == nil {
		return nil, nil, fmt.Errorf("%s: expected a non-nil *core.Node, got %T", Name, newObj)
	}
	if oldObj != nil {
		if oldNode, ok = oldObj.(*core.Node); !ok {
			return nil, nil, fmt.Errorf("%s: expected *core.Node, got %T", Name, oldObj)
		}
	}
	return oldNode, newNode, nil
}
