package noderesources_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/noderesources"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// benchSnapshot is 5,000 nodes of 32 cpus and 128Gi with 10 pods each; one node in ten is full.
func benchSnapshot() *framework.Snapshot {
	var nodes []*core.Node
	var pods []*core.Pod
	for i := range 5000 {
		name := fmt.Sprintf("node-%d", i)
		nodes = append(nodes, node(name, rl{"cpu": "32", "memory": "128Gi", "nvidia.com/gpu": "8"}))
		per := "1"
		if i%10 == 0 {
			per = "3200m"
		}
		for j := range 10 {
			pods = append(pods, schedulertest.MakePod().Name(fmt.Sprintf("p-%d-%d", i, j)).Node(name).Req(rl{"cpu": per, "memory": "4Gi"}).Obj())
		}
	}
	return framework.NewSnapshot(pods, nodes)
}

// runCycle runs what a scheduling cycle runs of one plugin, over every node: PreFilter, Filter,
// PreScore and Score, with Filter and Score spread over workers as the scheduler does.
func runCycle(ctx context.Context, pl framework.Plugin, par framework.Parallelizer, pod *core.Pod, nodes []*framework.NodeInfo) {
	state := framework.NewCycleState()
	if pf, ok := pl.(framework.PreFilterPlugin); ok {
		pf.PreFilter(ctx, state, pod)
	}
	if f, ok := pl.(framework.FilterPlugin); ok {
		par.Until(ctx, len(nodes), func(i int) { f.Filter(ctx, state, pod, nodes[i]) })
	}
	if ps, ok := pl.(framework.PreScorePlugin); ok {
		ps.PreScore(ctx, state, pod, nodes)
	}
	if sp, ok := pl.(framework.ScorePlugin); ok {
		par.Until(ctx, len(nodes), func(i int) { sp.Score(ctx, state, pod, nodes[i]) })
	}
}

func BenchmarkFilterScore5000Nodes(b *testing.B) {
	snap := benchSnapshot()
	nodes := snap.NodeInfoList
	pod := pod().Req(rl{"cpu": "500m", "memory": "1Gi"}).Obj()
	ctx := context.Background()
	for _, bc := range []struct {
		name    string
		factory framework.PluginFactory
		args    string
	}{
		{"Fit/LeastAllocated", noderesources.New, ""},
		{"Fit/MostAllocated", noderesources.New, `{"scoringStrategy": {"type": "MostAllocated"}}`},
		{"Fit/RequestedToCapacityRatio", noderesources.New, ratio(`[{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]`, "")},
		{"Fit/LeastAllocated3Resources", noderesources.New, `{"scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "cpu"}, {"name": "memory"}, {"name": "nvidia.com/gpu"}]}}`},
		{"BalancedAllocation", noderesources.NewBalancedAllocation, ""},
	} {
		var args []byte
		if bc.args != "" {
			args = []byte(bc.args)
		}
		pl, err := bc.factory(ctx, args, schedulertest.NewHandle(snap))
		if err != nil {
			b.Fatal(err)
		}
		for _, workers := range []int{1, 16} {
			b.Run(fmt.Sprintf("%s/workers=%d", bc.name, workers), func(b *testing.B) {
				par := framework.NewParallelizer(workers)
				b.ReportAllocs()
				for b.Loop() {
					runCycle(ctx, pl, par, pod, nodes)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(nodes)), "ns/node")
			})
		}
	}
}

// TestConcurrentCycle runs Filter and Score on many goroutines, for the race detector.
func TestConcurrentCycle(t *testing.T) {
	var nodes []*core.Node
	var pods []*core.Pod
	for i := range 200 {
		name := fmt.Sprintf("node-%d", i)
		nodes = append(nodes, node(name, rl{"cpu": "4", "memory": "8Gi", "example.com/gpu": "2"}))
		pods = append(pods, on(name, schedulertest.MakePod().Name("p"+name).Req(rl{"cpu": fmt.Sprintf("%dm", i*20)})))
	}
	snap := framework.NewSnapshot(pods, nodes)
	pod := pod().Req(rl{"cpu": "1", "memory": "1Gi", "example.com/gpu": "1"}).Obj()
	for _, f := range []framework.PluginFactory{noderesources.New, noderesources.NewBalancedAllocation} {
		pl, err := f(context.Background(), nil, schedulertest.NewHandle(snap))
		if err != nil {
			t.Fatal(err)
		}
		runCycle(context.Background(), pl, framework.NewParallelizer(16), pod, snap.NodeInfoList)
	}
}
