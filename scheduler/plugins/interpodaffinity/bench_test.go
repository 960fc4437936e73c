package interpodaffinity

import (
	"context"
	"fmt"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

const (
	hostname = "kubernetes.io/hostname"
	zone     = "topology.kubernetes.io/zone"
)

// benchCluster is nodes nodes in 10 zones, each running podsPerNode pods of 50 apps; one pod in
// 50 keeps the pods of its app off its node (required anti-affinity), as a spread-out
// Deployment does.
func benchCluster(nodes, podsPerNode int) *framework.Snapshot {
	ns := make([]*core.Node, nodes)
	var pods []*core.Pod
	for i := range nodes {
		name := fmt.Sprintf("node-%d", i)
		ns[i] = schedulertest.MakeNode().Name(name).Label(zone, fmt.Sprintf("zone-%d", i%10)).Obj()
		for j := range podsPerNode {
			k := i*podsPerNode + j
			app := map[string]string{"app": fmt.Sprintf("app-%d", k%50)}
			p := schedulertest.MakePod().Name(fmt.Sprintf("%s-%d", name, j)).Node(name).Labels(app)
			if k%50 == 7 {
				p.RequiredPodAntiAffinity(hostname, app)
			}
			pods = append(pods, p.Obj())
		}
	}
	return framework.NewSnapshot(pods, ns)
}

// BenchmarkFilterScore runs one pod's whole cycle through the plugin over 5,000 nodes:
// PreFilter, Filter on every node, PreScore, Score on every feasible node and NormalizeScore.
func BenchmarkFilterScore(b *testing.B) {
	snap := benchCluster(5000, 20)
	app0 := map[string]string{"app": "app-0"}
	cases := []struct {
		name string
		pod  *core.Pod
	}{
		{"no-terms", schedulertest.MakePod().Name("p").Labels(app0).Obj()},
		{"required-anti-affinity-hostname", schedulertest.MakePod().Name("p").Labels(app0).RequiredPodAntiAffinity(hostname, app0).Obj()},
		{"required-affinity-zone", schedulertest.MakePod().Name("p").Labels(app0).RequiredPodAffinity(zone, map[string]string{"app": "app-1"}).Obj()},
		{"preferred-anti-affinity-hostname", schedulertest.MakePod().Name("p").Labels(app0).PreferredPodAntiAffinity(100, hostname, app0).Obj()},
		{"rejected-by-existing-anti-affinity", schedulertest.MakePod().Name("p").Labels(map[string]string{"app": "app-7"}).Obj()},
	}
	for _, tc := range cases {
		for _, cache := range []string{"warm", "churn", "cold"} {
			b.Run(tc.name+"/"+cache, func(b *testing.B) { benchCycle(b, snap, tc.pod, cache) })
		}
	}
}

// benchCycle runs cycles with the count cache warm (nothing changed since the last cycle),
// churning (one node changed, as when a workload's pods are scheduled one after another) or
// cold (every count computed, as Kubernetes does).
func benchCycle(b *testing.B, snap *framework.Snapshot, pod *core.Pod, cache string) {
	pl := newPlugin(b, "", Options{}, snap)
	ctx := context.Background()
	scores := make(framework.NodeScoreList, 0, len(snap.NodeInfoList))
	feasible := make([]*framework.NodeInfo, 0, len(snap.NodeInfoList))
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
		_, st := pl.PreFilter(ctx, state, pod)
		feasible = feasible[:0]
		switch {
		case st.IsSkip():
			feasible = append(feasible, snap.NodeInfoList...)
		case st.IsSuccess():
			for _, ni := range snap.NodeInfoList {
				if pl.Filter(ctx, state, pod, ni).IsSuccess() {
					feasible = append(feasible, ni)
				}
			}
		default:
			b.Fatal(st)
		}
		if st := pl.PreScore(ctx, state, pod, feasible); st.IsSkip() {
			continue
		} else if !st.IsSuccess() {
			b.Fatal(st)
		}
		scores = scores[:0]
		for _, ni := range feasible {
			s, st := pl.Score(ctx, state, pod, ni)
			if !st.IsSuccess() {
				b.Fatal(st)
			}
			scores = append(scores, framework.NodeScore{Name: ni.Node().Name, Score: s})
		}
		if st := pl.NormalizeScore(ctx, state, pod, scores); !st.IsSuccess() {
			b.Fatal(st)
		}
	}
}
