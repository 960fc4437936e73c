package schedulertest

import (
	"context"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// Handle is a framework.Handle over a snapshot, for unit tests: no client unless one is set, and
// events kept in Recorder.
type Handle struct {
	Snapshot *framework.Snapshot
	Recorder *record.ListRecorder
	Cl       *client.Client
}

// NewHandle returns a Handle over snap.
func NewHandle(snap *framework.Snapshot) *Handle {
	return &Handle{Snapshot: snap, Recorder: &record.ListRecorder{}}
}

// SnapshotSharedLister returns the snapshot.
func (h *Handle) SnapshotSharedLister() framework.SharedLister { return h.Snapshot }

// Client returns Cl, nil unless the test set one.
func (h *Handle) Client() *client.Client { return h.Cl }

// EventRecorder returns Recorder.
func (h *Handle) EventRecorder() framework.EventRecorder { return h.Recorder }

// Parallelizer returns a parallelizer of 16 workers.
func (h *Handle) Parallelizer() framework.Parallelizer { return framework.NewParallelizer(16) }

// RunFilter runs a plugin's PreFilter (when it has one) and Filter for pod against every node of
// snap, and returns each node's status (nil where the pod fits). A PreFilter that rejects the pod
// rejects it on every node; one that Skips skips Filter; nodes a PreFilterResult leaves out are
// UnschedulableAndUnresolvable.
func RunFilter(tb testing.TB, pl framework.Plugin, pod *core.Pod, snap *framework.Snapshot) framework.NodeToStatus {
	tb.Helper()
	ctx := context.Background()
	state := framework.NewCycleState()
	out := framework.NodeToStatus{}
	var allowed map[string]bool
	if pf, ok := pl.(framework.PreFilterPlugin); ok {
		res, st := pf.PreFilter(ctx, state, pod)
		switch {
		case st.IsSkip():
			for _, ni := range snap.NodeInfoList {
				out[ni.Node().Name] = nil
			}
			return out
		case !st.IsSuccess():
			for _, ni := range snap.NodeInfoList {
				out[ni.Node().Name] = st
			}
			return out
		case !res.AllNodes():
			allowed = res.NodeNames
		}
	}
	f, ok := pl.(framework.FilterPlugin)
	for _, ni := range snap.NodeInfoList {
		name := ni.Node().Name
		if allowed != nil && !allowed[name] {
			out[name] = framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) didn't satisfy plugin(s) ["+pl.Name()+"]")
			continue
		}
		if ok {
			out[name] = f.Filter(ctx, state, pod, ni)
		} else {
			out[name] = nil
		}
	}
	return out
}

// RunScore runs a plugin's PreFilter (when it has one; some plugins' scores read its state),
// PreScore, Score on every node of snap (or the named ones), and NormalizeScore, and returns the
// scores. It fails the test when an extension point fails.
func RunScore(tb testing.TB, pl framework.ScorePlugin, pod *core.Pod, snap *framework.Snapshot, nodeNames ...string) framework.NodeScoreList {
	tb.Helper()
	ctx := context.Background()
	state := framework.NewCycleState()
	nodes := snap.NodeInfoList
	if len(nodeNames) > 0 {
		nodes = nil
		for _, n := range nodeNames {
			ni, err := snap.Get(n)
			if err != nil {
				tb.Fatal(err)
			}
			nodes = append(nodes, ni)
		}
	}
	if pf, ok := pl.(framework.PreFilterPlugin); ok {
		if _, st := pf.PreFilter(ctx, state, pod); !st.IsSuccess() && !st.IsSkip() {
			tb.Fatalf("%s PreFilter: %v", pl.Name(), st)
		}
	}
	if ps, ok := pl.(framework.PreScorePlugin); ok {
		if st := ps.PreScore(ctx, state, pod, nodes); st.IsSkip() {
			return nil
		} else if !st.IsSuccess() {
			tb.Fatalf("%s PreScore: %v", pl.Name(), st)
		}
	}
	scores := make(framework.NodeScoreList, 0, len(nodes))
	for _, ni := range nodes {
		s, st := pl.Score(ctx, state, pod, ni)
		if !st.IsSuccess() {
			tb.Fatalf("%s Score on %s: %v", pl.Name(), ni.Node().Name, st)
		}
		scores = append(scores, framework.NodeScore{Name: ni.Node().Name, Score: s})
	}
	if ext := pl.ScoreExtensions(); ext != nil {
		if st := ext.NormalizeScore(ctx, state, pod, scores); !st.IsSuccess() {
			tb.Fatalf("%s NormalizeScore: %v", pl.Name(), st)
		}
	}
	return scores
}
