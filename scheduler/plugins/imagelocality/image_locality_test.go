package imagelocality_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/imagelocality"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

const mb int64 = 1024 * 1024

func podWith(images ...string) *schedulertest.PodWrapper {
	p := schedulertest.MakePod().Name("p").WithoutContainers()
	for _, img := range images {
		p.ImageContainer(img)
	}
	return p
}

// The nodes of Kubernetes' TestImageLocalityPriority.
func node403002000(name string) *core.Node {
	return schedulertest.MakeNode().Name(name).
		ImageNames(40*mb, "gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1").
		ImageNames(300*mb, "gcr.io/300:latest", "gcr.io/300:v1").
		ImageNames(2000*mb, "gcr.io/2000:latest").Obj()
}

func node25010(name string) *core.Node {
	return schedulertest.MakeNode().Name(name).
		ImageNames(250*mb, "gcr.io/250:latest").
		ImageNames(10*mb, "gcr.io/10:latest", "gcr.io/10:v1").Obj()
}

func node60040900(name string) *core.Node {
	return schedulertest.MakeNode().Name(name).
		ImageNames(600*mb, "gcr.io/600:latest").ImageNames(40*mb, "gcr.io/40:latest").ImageNames(900*mb, "gcr.io/900:latest").Obj()
}

func node300600900(name string) *core.Node {
	return schedulertest.MakeNode().Name(name).
		ImageNames(300*mb, "gcr.io/300:latest").ImageNames(600*mb, "gcr.io/600:latest").ImageNames(900*mb, "gcr.io/900:latest").Obj()
}

func node400030(name string) *core.Node {
	return schedulertest.MakeNode().Name(name).ImageNames(4000*mb, "gcr.io/4000:latest").ImageNames(30*mb, "gcr.io/30:latest").Obj()
}

func node203040(name string) *core.Node {
	return schedulertest.MakeNode().Name(name).
		ImageNames(20*mb, "gcr.io/20:latest").ImageNames(30*mb, "gcr.io/30:latest").ImageNames(40*mb, "gcr.io/40:latest").Obj()
}

func nodeWithNoImages(name string) *core.Node { return schedulertest.MakeNode().Name(name).Obj() }

// withImageStates fills the snapshot's ImageStates as the scheduler's cache does: every name of
// every image, with the number of nodes listing that name.
func withImageStates(snap *framework.Snapshot) *framework.Snapshot {
	nodesWith := map[string]map[string]bool{}
	for _, ni := range snap.NodeInfoList {
		for _, img := range ni.Node().Status.Images {
			for _, name := range img.Names {
				if nodesWith[name] == nil {
					nodesWith[name] = map[string]bool{}
				}
				nodesWith[name][ni.Node().Name] = true
			}
		}
	}
	for _, ni := range snap.NodeInfoList {
		ni.ImageStates = map[string]*framework.ImageStateSummary{}
		for _, img := range ni.Node().Status.Images {
			for _, name := range img.Names {
				ni.ImageStates[name] = &framework.ImageStateSummary{Size: img.SizeBytes, NumNodes: len(nodesWith[name])}
			}
		}
	}
	return snap
}

func TestImageLocality(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pod   *core.Pod
		nodes []*core.Node
		want  []int64
	}{
		{
			// node1: 40M/2 < 23M: 0. node2: 100 * (250M/2 - 23M) / (1000M*2 - 23M) = 5.
			name:  "two images spread on two nodes, prefer the larger image one",
			pod:   podWith("gcr.io/40", "gcr.io/250").Obj(),
			nodes: []*core.Node{node403002000("node1"), node25010("node2")},
			want:  []int64{0, 5},
		},
		{
			// node1: 100 * ((40M + 300M)/2 - 23M) / (1000M*2 - 23M) = 7.
			name:  "two images on one node, prefer this node",
			pod:   podWith("gcr.io/40", "gcr.io/300").Obj(),
			nodes: []*core.Node{node403002000("node1"), node25010("node2")},
			want:  []int64{7, 0},
		},
		{
			// node1: 4000M/2 >= 1000M*2: the maximum. node2: 10M/2 < 23M: 0.
			name:  "if exceed limit, use limit",
			pod:   podWith("gcr.io/10", "gcr.io/4000").Obj(),
			nodes: []*core.Node{node400030("node1"), node25010("node2")},
			want:  []int64{framework.MaxNodeScore, 0},
		},
		{
			// node1: 100 * (4000M/3 - 23M) / (1000M*2 - 23M) = 66.
			name:  "if exceed limit, use limit (with node which has no images present)",
			pod:   podWith("gcr.io/10", "gcr.io/4000").Obj(),
			nodes: []*core.Node{node400030("node1"), node25010("node2"), nodeWithNoImages("node3")},
			want:  []int64{66, 0, 0},
		},
		{
			// node1: 100 * (600M*2/3 + 900M*2/3 - 23M) / (1000M*3 - 23M) = 32.
			// node2: 100 * (300M/3 + 600M*2/3 + 900M*2/3 - 23M) / (1000M*3 - 23M) = 36.
			name:  "pod with multiple large images, node2 is preferred",
			pod:   podWith("gcr.io/300", "gcr.io/600", "gcr.io/900").Obj(),
			nodes: []*core.Node{node60040900("node1"), node300600900("node2"), nodeWithNoImages("node3")},
			want:  []int64{32, 36, 0},
		},
		{
			// node1: 100 * (30M + 40M/2 - 23M) / (1000M*2 - 23M) = 1. node2: 100 * (30M - 23M) / ... = 0.
			name:  "pod with multiple small images",
			pod:   podWith("gcr.io/30", "gcr.io/40").Obj(),
			nodes: []*core.Node{node203040("node1"), node400030("node2")},
			want:  []int64{1, 0},
		},
		{
			// node1: 100 * (300M/2 - 23M) / (1000M*2 - 23M) = 6. node2: 30M/2 < 23M: 0.
			name:  "include InitContainers: two images spread on two nodes, prefer the larger image one",
			pod:   podWith("gcr.io/30").InitImageContainer("gcr.io/300").Obj(),
			nodes: []*core.Node{node403002000("node1"), node203040("node2")},
			want:  []int64{6, 0},
		},
		{
			name:  "tagged and digested images are matched as written",
			pod:   podWith("gcr.io/300:v1", "gcr.io/2000@sha256:"+fmt.Sprintf("%064d", 0)).Obj(),
			nodes: []*core.Node{node403002000("node1")},
			// 300M (on every node) over 2000M - 23M.
			want: []int64{100 * (300*mb - 23*mb) / (2000*mb - 23*mb)},
		},
	} {
		for _, mode := range []string{"from node status", "from the cache's image states"} {
			t.Run(tc.name+"/"+mode, func(t *testing.T) {
				snap := framework.NewSnapshot(nil, tc.nodes)
				if mode != "from node status" {
					withImageStates(snap)
				}
				pl, err := imagelocality.New(context.Background(), nil, schedulertest.NewHandle(snap))
				if err != nil {
					t.Fatal(err)
				}
				var want framework.NodeScoreList
				for i, n := range tc.nodes {
					want = append(want, framework.NodeScore{Name: n.Name, Score: tc.want[i]})
				}
				sp := pl.(framework.ScorePlugin)
				if diff := cmp.Diff(want, schedulertest.RunScore(t, sp, tc.pod, snap)); diff != "" {
					t.Errorf("(-want +got)\n%s", diff)
				}
				// Score without PreScore, as Kubernetes' test calls it.
				for i, n := range tc.nodes {
					ni, err := snap.Get(n.Name)
					if err != nil {
						t.Fatal(err)
					}
					if s, st := sp.Score(context.Background(), framework.NewCycleState(), tc.pod, ni); s != tc.want[i] || !st.IsSuccess() {
						t.Errorf("%s without PreScore: %d, %v", n.Name, s, st)
					}
				}
			})
		}
	}
}

func TestArgs(t *testing.T) {
	if _, err := imagelocality.New(context.Background(), json.RawMessage(`{}`), nil); err != nil {
		t.Error(err)
	}
	if _, err := imagelocality.New(context.Background(), json.RawMessage(`{"threshold": 1}`), nil); err == nil {
		t.Error("unknown args accepted")
	}
	snap := framework.NewSnapshot(nil, nil)
	pl, _ := imagelocality.New(context.Background(), nil, schedulertest.NewHandle(snap))
	if pl.Name() != "ImageLocality" {
		t.Error(pl.Name())
	}
	if _, st := pl.(framework.ScorePlugin).Score(context.Background(), framework.NewCycleState(), podWith("x").Obj(), framework.NewNodeInfo()); st.Code() != framework.Error {
		t.Errorf("unknown node: %v", st)
	}
}

func BenchmarkScore5000Nodes(b *testing.B) {
	var nodes []*core.Node
	for i := range 5000 {
		w := schedulertest.MakeNode().Name(fmt.Sprintf("node-%d", i))
		for j := range 40 {
			w.ImageNames(int64(100+j)*mb, fmt.Sprintf("registry.example.com/team/app-%d:v%d", (i+j)%200, j),
				fmt.Sprintf("registry.example.com/team/app-%d@sha256:%064d", (i+j)%200, j))
		}
		nodes = append(nodes, w.Obj())
	}
	pod := podWith("registry.example.com/team/app-7:v3", "registry.example.com/team/sidecar:v1").Obj()
	ctx := context.Background()
	for _, mode := range []string{"cache image states", "node status fallback"} {
		b.Run(mode, func(b *testing.B) {
			snap := framework.NewSnapshot(nil, nodes)
			if mode == "cache image states" {
				withImageStates(snap)
			}
			pl, _ := imagelocality.New(ctx, nil, schedulertest.NewHandle(snap))
			sp := pl.(framework.ScorePlugin)
			par := framework.NewParallelizer(16)
			b.ReportAllocs()
			for b.Loop() {
				state := framework.NewCycleState()
				pl.(framework.PreScorePlugin).PreScore(ctx, state, pod, snap.NodeInfoList)
				par.Until(ctx, len(snap.NodeInfoList), func(i int) {
					sp.Score(ctx, state, pod, snap.NodeInfoList[i])
				})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(nodes)), "ns/node")
		})
	}
}

// TestConcurrentScore scores on many goroutines, for the race detector.
func TestConcurrentScore(t *testing.T) {
	var nodes []*core.Node
	for i := range 100 {
		nodes = append(nodes, node403002000(fmt.Sprintf("node-%d", i)))
	}
	snap := framework.NewSnapshot(nil, nodes)
	pl, _ := imagelocality.New(context.Background(), nil, schedulertest.NewHandle(snap))
	state := framework.NewCycleState()
	pod := podWith("gcr.io/300").Obj()
	ctx := context.Background()
	pl.(framework.PreScorePlugin).PreScore(ctx, state, pod, snap.NodeInfoList)
	framework.NewParallelizer(16).Until(ctx, len(nodes), func(i int) {
		if s, st := pl.(framework.ScorePlugin).Score(ctx, state, pod, snap.NodeInfoList[i]); s != 28 || !st.IsSuccess() {
			t.Errorf("%s: %d %v", nodes[i].Name, s, st)
		}
	})
}
