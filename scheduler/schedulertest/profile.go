package schedulertest

import (
	"context"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
)

// ProfileResult is what a profile decided for a pod on a snapshot.
type ProfileResult struct {
	// Node is the node with the highest total score ("" when none fits); ties go to the first.
	Node string
	// Statuses are the nodes that did not fit, with why.
	Statuses framework.NodeToStatus
	// Scores are the total (weighted) scores of the nodes that fit, by node.
	Scores map[string]int64
}

// RunProfile runs a whole profile's PreFilter, Filter, PreScore and Score against a snapshot, as
// the scheduler's cycle does but on every node and without binding, and returns where the pod
// would go. Plugin authors use it to check their plugin among the default ones.
func RunProfile(tb testing.TB, reg framework.Registry, p runtime.Profile, pod *core.Pod, snap *framework.Snapshot) ProfileResult {
	tb.Helper()
	ctx := context.Background()
	if p.SchedulerName == "" {
		p.SchedulerName = core.DefaultSchedulerName
	}
	fwk, err := runtime.New(ctx, reg, p, runtime.Options{Snapshot: snap})
	if err != nil {
		tb.Fatal(err)
	}
	fwk.SetSnapshot(snap)
	state := framework.NewCycleState()
	res := ProfileResult{Statuses: framework.NodeToStatus{}, Scores: map[string]int64{}}
	pre, st := fwk.RunPreFilterPlugins(ctx, state, pod)
	if !st.IsSuccess() {
		if !st.IsRejected() {
			tb.Fatalf("PreFilter: %v", st)
		}
		for _, ni := range snap.NodeInfoList {
			res.Statuses[ni.Node().Name] = st
		}
		return res
	}
	var feasible []*framework.NodeInfo
	for _, ni := range snap.NodeInfoList {
		name := ni.Node().Name
		if !pre.AllNodes() && !pre.NodeNames[name] {
			res.Statuses[name] = framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) didn't satisfy plugin(s) [PreFilter]")
			continue
		}
		if st := fwk.RunFilterPlugins(ctx, state, pod, ni); !st.IsSuccess() {
			if !st.IsRejected() {
				tb.Fatalf("Filter on %s: %v", name, st)
			}
			res.Statuses[name] = st
			continue
		}
		feasible = append(feasible, ni)
	}
	if len(feasible) == 0 {
		return res
	}
	if st := fwk.RunPreScorePlugins(ctx, state, pod, feasible); !st.IsSuccess() {
		tb.Fatalf("PreScore: %v", st)
	}
	scores, st := fwk.RunScorePlugins(ctx, state, pod, feasible, nil)
	if !st.IsSuccess() {
		tb.Fatalf("Score: %v", st)
	}
	best := int64(-1)
	for _, s := range scores {
		res.Scores[s.Name] = s.TotalScore
		if s.TotalScore > best {
			best, res.Node = s.TotalScore, s.Name
		}
	}
	return res
}
