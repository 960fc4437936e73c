package noderesources

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// BalancedAllocationName is the NodeResourcesBalancedAllocation plugin's name.
const BalancedAllocationName = "NodeResourcesBalancedAllocation"

const balancedAllocationPreScoreStateKey framework.StateKey = "PreScore" + BalancedAllocationName

// BalancedAllocation is the NodeResourcesBalancedAllocation plugin: a score that prefers nodes
// whose resources would be used evenly with the pod on them, so that no node ends up with free
// cpu but no free memory. Score = (1 - standard deviation of the requested/allocatable shares)
// * MaxNodeScore, each share capped at 1; pods are counted by their actual requests.
type BalancedAllocation struct {
	handle framework.Handle
	resourceAllocationScorer
}

var (
	_ framework.PreScorePlugin = (*BalancedAllocation)(nil)
	_ framework.ScorePlugin    = (*BalancedAllocation)(nil)
)

// NewBalancedAllocation makes the plugin from its BalancedAllocationArgs (JSON; nil for cpu and
// memory).
func NewBalancedAllocation(_ context.Context, args json.RawMessage, h framework.Handle) (framework.Plugin, error) {
	var a BalancedAllocationArgs
	if err := framework.DecodeArgs(args, &a); err != nil {
		return nil, fmt.Errorf("noderesources: %s: %w", BalancedAllocationName, err)
	}
	a.SetDefaults()
	if err := a.Validate(nil).ToAggregate(); err != nil {
		return nil, fmt.Errorf("noderesources: %s args: %w", BalancedAllocationName, err)
	}
	return &BalancedAllocation{handle: h, resourceAllocationScorer: resourceAllocationScorer{
		resources:    newScoredResources(a.Resources),
		strategy:     strategyBalanced,
		useRequested: true,
	}}, nil
}

// Name returns BalancedAllocationName.
func (ba *BalancedAllocation) Name() string { return BalancedAllocationName }

// PreScore computes the pod's requests of the balanced resources once for all nodes.
func (ba *BalancedAllocation) PreScore(_ context.Context, state *framework.CycleState, pod *core.Pod, _ []*framework.NodeInfo) *framework.Status {
	state.Write(balancedAllocationPreScoreStateKey, &preScoreState{podRequests: ba.podRequests(pod)})
	return nil
}

// Score scores the node's balance with the pod on it.
func (ba *BalancedAllocation) Score(_ context.Context, state *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	return ba.score(ni, scorePodRequests(state, balancedAllocationPreScoreStateKey, &ba.resourceAllocationScorer, pod))
}

// ScoreExtensions returns nil: scores are already on the 0 to MaxNodeScore scale.
func (ba *BalancedAllocation) ScoreExtensions() framework.ScoreExtensions { return nil }
