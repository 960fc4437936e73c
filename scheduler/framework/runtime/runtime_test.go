package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

type fifo struct{}

func (fifo) Name() string                            { return "FIFO" }
func (fifo) Less(a, b *framework.QueuedPodInfo) bool { return a.Timestamp.Before(b.Timestamp) }

type nopBinder struct{}

func (nopBinder) Name() string { return "Bind" }
func (nopBinder) Bind(context.Context, *framework.CycleState, *core.Pod, string) *framework.Status {
	return nil
}

// freeCPU scores a node by its free CPU in tenths of a core.
type freeCPU struct{}

func (freeCPU) Name() string { return "FreeCPU" }
func (freeCPU) Score(_ context.Context, _ *framework.CycleState, _ *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	return (ni.Allocatable.MilliCPU - ni.Requested.MilliCPU) / 100, nil
}
func (freeCPU) ScoreExtensions() framework.ScoreExtensions { return nil }

// fewestPods scores a node by its pods, which NormalizeScore turns around: 100 for the fewest.
type fewestPods struct{}

func (fewestPods) Name() string { return "FewestPods" }
func (fewestPods) Score(_ context.Context, _ *framework.CycleState, _ *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	return int64(len(ni.Pods)), nil
}
func (p fewestPods) ScoreExtensions() framework.ScoreExtensions { return p }
func (fewestPods) NormalizeScore(_ context.Context, _ *framework.CycleState, _ *core.Pod, scores framework.NodeScoreList) *framework.Status {
	var most int64
	for _, s := range scores {
		most = max(most, s.Score)
	}
	for i := range scores {
		if most > 0 {
			scores[i].Score = framework.MaxNodeScore - framework.MaxNodeScore*scores[i].Score/most
		} else {
			scores[i].Score = framework.MaxNodeScore
		}
	}
	return nil
}

func newFramework(t *testing.T, scorers ...runtime.PluginRef) *runtime.Framework {
	t.Helper()
	plugin := func(p framework.Plugin) framework.PluginFactory {
		return func(context.Context, json.RawMessage, framework.Handle) (framework.Plugin, error) { return p, nil }
	}
	reg := framework.Registry{"FIFO": plugin(fifo{}), "Bind": plugin(nopBinder{}), "FreeCPU": plugin(freeCPU{}), "FewestPods": plugin(fewestPods{})}
	f, err := runtime.New(context.Background(), reg, runtime.Profile{SchedulerName: "s", Plugins: map[string][]runtime.PluginRef{
		runtime.QueueSort: {{Name: "FIFO"}},
		runtime.Score:     scorers,
		runtime.Bind:      {{Name: "Bind"}},
	}}, runtime.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestRunScorePluginsReusesDst: scores built in a previous result's memory, whatever its size
// and number of plugins, equal scores built in new memory.
func TestRunScorePluginsReusesDst(t *testing.T) {
	var nodes []*core.Node
	var pods []*core.Pod
	for i := range 8 {
		name := fmt.Sprintf("n%d", i)
		nodes = append(nodes, schedulertest.MakeNode().Name(name).Capacity(map[core.ResourceName]string{"cpu": "4"}).Obj())
		for j := range i % 3 {
			pods = append(pods, schedulertest.MakePod().Name(fmt.Sprintf("p%d-%d", i, j)).Node(name).Req(map[core.ResourceName]string{"cpu": "500m"}).Obj())
		}
	}
	snap := framework.NewSnapshot(pods, nodes)
	pod := schedulertest.MakePod().Name("p").Obj()
	one := newFramework(t, runtime.PluginRef{Name: "FreeCPU", Weight: 2})
	two := newFramework(t, runtime.PluginRef{Name: "FreeCPU", Weight: 2}, runtime.PluginRef{Name: "FewestPods"})
	none := newFramework(t)
	var dst []runtime.NodePluginScores
	for _, step := range []struct {
		fwk   *runtime.Framework
		nodes int
	}{{two, 3}, {two, 8}, {one, 8}, {two, 5}, {none, 6}, {two, 8}, {one, 2}} {
		ctx, state := context.Background(), framework.NewCycleState()
		want, st := step.fwk.RunScorePlugins(ctx, state, pod, snap.NodeInfoList[:step.nodes], nil)
		if !st.IsSuccess() {
			t.Fatal(st)
		}
		got, st := step.fwk.RunScorePlugins(ctx, state, pod, snap.NodeInfoList[:step.nodes], dst)
		if !st.IsSuccess() {
			t.Fatal(st)
		}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b []runtime.PluginScore) bool { return cmp.Equal(a, b) || len(a)+len(b) == 0 })); diff != "" {
			t.Errorf("%d nodes, reusing %d (-want +got)\n%s", step.nodes, len(dst), diff)
		}
		dst = got
	}
	// The weighted, normalized scores themselves: n1 has 1 pod of 2 at most (FewestPods 50) and
	// 3.5 free cores (FreeCPU 35, twice).
	got, _ := two.RunScorePlugins(context.Background(), framework.NewCycleState(), pod, snap.NodeInfoList[:3], dst)
	if want := (runtime.NodePluginScores{Name: "n1", Scores: []runtime.PluginScore{{Name: "FreeCPU", Score: 70}, {Name: "FewestPods", Score: 50}}, TotalScore: 120}); !cmp.Equal(want, got[1]) {
		t.Errorf("n1: %+v, want %+v", got[1], want)
	}
}
