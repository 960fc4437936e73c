package podtopologyspread

import (
	"context"
	"fmt"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// benchCluster is nodes nodes in 10 zones, each running podsPerNode pods of 50 apps, every app
// a ReplicaSet.
func benchCluster(nodes, podsPerNode int) *framework.Snapshot {
	ns := make([]*core.Node, nodes)
	var pods []*core.Pod
	for i := range nodes {
		name := fmt.Sprintf("node-%d", i)
		ns[i] = schedulertest.MakeNode().Name(name).Label(LabelTopologyZone, fmt.Sprintf("zone-%d", i%10)).Obj()
		for j := range podsPerNode {
			app := fmt.Sprintf("app-%d", (i*podsPerNode+j)%50)
			pods = append(pods, schedulertest.MakePod().Name(fmt.Sprintf("%s-%d", name, j)).Node(name).
				Label("app", app).ControlledBy("apps/v1", "ReplicaSet", app, app+"-uid").Obj())
		}
	}
	return framework.NewSnapshot(pods, ns)
}

// BenchmarkFilterScore runs one pod's whole cycle through the plugin over 5,000 nodes:
// PreFilter, Filter on every node, PreScore, Score on every node and NormalizeScore.
func BenchmarkFilterScore(b *testing.B) {
	snap := benchCluster(5000, 20)
	app0 := map[string]string{"app": "app-0"}
	cases := []struct {
		name string
		pod  *core.Pod
	}{
		{"hard-zone-and-hostname", schedulertest.MakePod().Name("p").Labels(app0).
			SpreadConstraint(1, LabelTopologyZone, core.DoNotSchedule, app0).
			SpreadConstraint(1, LabelHostname, core.DoNotSchedule, app0).Obj()},
		{"soft-zone-and-hostname", schedulertest.MakePod().Name("p").Labels(app0).
			SpreadConstraint(1, LabelTopologyZone, core.ScheduleAnyway, app0).
			SpreadConstraint(1, LabelHostname, core.ScheduleAnyway, app0).Obj()},
		{"system-defaults-replicaset", schedulertest.MakePod().Name("p").Labels(app0).
			ControlledBy("apps/v1", "ReplicaSet", "app-0", "app-0-uid").Obj()},
		{"no-constraints", schedulertest.MakePod().Name("p").Labels(app0).Obj()},
	}
	// cache: warm (the same workload again, nothing changed), churn (one node changed since the
	// last cycle, as when scheduling a workload's pods one after another) or cold (every count
	// computed, as Kubernetes does).
	for _, tc := range cases {
		for _, cache := range []string{"warm", "churn", "cold"} {
			if tc.name == "no-constraints" && cache != "warm" {
				continue
			}
			b.Run(tc.name+"/"+cache, func(b *testing.B) {
				benchCycle(b, snap, tc.pod, cache)
			})
		}
	}
}

func benchCycle(b *testing.B, snap *framework.Snapshot, pod *core.Pod, cache string) {
	tc := struct{ pod *core.Pod }{pod}
	{
		{
			pl := newPlugin(b, "", Options{}, snap)
			ctx := context.Background()
			scores := make(framework.NodeScoreList, len(snap.NodeInfoList))
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				switch cache {
				case "churn":
					snap.NodeInfoList[i%len(snap.NodeInfoList)].Generation++
				case "cold":
					pl.counts = podcount.Cache{}
				}
				state := framework.NewCycleState()
				_, st := pl.PreFilter(ctx, state, tc.pod)
				feasible := snap.NodeInfoList
				if st.IsSuccess() {
					feasible = feasible[:0:0]
					for _, ni := range snap.NodeInfoList {
						if pl.Filter(ctx, state, tc.pod, ni).IsSuccess() {
							feasible = append(feasible, ni)
						}
					}
				} else if !st.IsSkip() {
					b.Fatal(st)
				}
				if st := pl.PreScore(ctx, state, tc.pod, feasible); st.IsSkip() {
					continue
				} else if !st.IsSuccess() {
					b.Fatal(st)
				}
				scores = scores[:0]
				for _, ni := range feasible {
					s, st := pl.Score(ctx, state, tc.pod, ni)
					if !st.IsSuccess() {
						b.Fatal(st)
					}
					scores = append(scores, framework.NodeScore{Name: ni.Node().Name, Score: s})
				}
				if st := pl.NormalizeScore(ctx, state, tc.pod, scores); !st.IsSuccess() {
					b.Fatal(st)
				}
			}
		}
	}
}

// BenchmarkFilter measures Filter alone on one node, after PreFilter: the per-node cost.
func BenchmarkFilter(b *testing.B) {
	snap := benchCluster(5000, 20)
	app0 := map[string]string{"app": "app-0"}
	pod := schedulertest.MakePod().Name("p").Labels(app0).
		SpreadConstraint(1, LabelTopologyZone, core.DoNotSchedule, app0).
		SpreadConstraint(1, LabelHostname, core.DoNotSchedule, app0).Obj()
	pl := newPlugin(b, "", Options{}, snap)
	ctx := context.Background()
	state := framework.NewCycleState()
	if _, st := pl.PreFilter(ctx, state, pod); !st.IsSuccess() {
		b.Fatal(st)
	}
	ni := snap.NodeInfoList[1]
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		pl.Filter(ctx, state, pod, ni)
	}
}
