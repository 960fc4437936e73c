package noderesources_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/noderesources"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

type scoreCase struct {
	name     string
	args     string
	pod      *core.Pod
	nodes    []*core.Node
	existing []*core.Pod
	want     []int64 // per node, in order
}

// runScores checks each case twice: through PreScore, and with Score alone (as Kubernetes'
// "if PreScore is not called" cases do).
func runScores(t *testing.T, factory framework.PluginFactory, cases []scoreCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			snap := framework.NewSnapshot(tc.existing, tc.nodes)
			var args []byte
			if tc.args != "" {
				args = []byte(tc.args)
			}
			pl, err := factory(context.Background(), args, schedulertest.NewHandle(snap))
			if err != nil {
				t.Fatal(err)
			}
			sp := pl.(framework.ScorePlugin)
			var want framework.NodeScoreList
			for i, n := range tc.nodes {
				want = append(want, framework.NodeScore{Name: n.Name, Score: tc.want[i]})
			}
			if diff := cmp.Diff(want, schedulertest.RunScore(t, sp, tc.pod, snap)); diff != "" {
				t.Errorf("with PreScore (-want +got)\n%s", diff)
			}
			var alone framework.NodeScoreList
			for _, n := range tc.nodes {
				ni, err := snap.Get(n.Name)
				if err != nil {
					t.Fatal(err)
				}
				s, st := sp.Score(context.Background(), framework.NewCycleState(), tc.pod, ni)
				if !st.IsSuccess() {
					t.Fatal(st)
				}
				alone = append(alone, framework.NodeScore{Name: n.Name, Score: s})
			}
			if diff := cmp.Diff(want, alone); diff != "" {
				t.Errorf("without PreScore (-want +got)\n%s", diff)
			}
		})
	}
}

func cpuMem(cpu, mem string) rl { return rl{"cpu": cpu, "memory": mem} }

// twoContainers is the pod of most of Kubernetes' scoring tables: 3000 cpus and 5000 bytes in
// two containers.
func twoContainers() *core.Pod {
	return pod().Req(cpuMem("1000", "2000")).Req(cpuMem("2000", "3000")).Obj()
}

const extendedRes = "intel.com/foo"

func extendedResourceSet(strategy string) string {
	return `{"scoringStrategy": {"type": "` + strategy + `", "resources": [{"name": "cpu"}, {"name": "memory"}, {"name": "` + extendedRes + `"}]}}`
}

func TestLeastAllocated(t *testing.T) {
	n := func(name, cpu, mem string) *core.Node { return node(name, cpuMem(cpu, mem)) }
	const weighted = `{"scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}]}}`
	runScores(t, noderesources.New, []scoreCase{
		{name: "nothing scheduled, nothing requested", pod: empty().Obj(),
			nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "4000", "10000")}, want: []int64{100, 100}},
		{name: "nothing scheduled, resources requested, differently sized nodes", pod: twoContainers(),
			nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")}, want: []int64{37, 50}},
		{name: "no resources requested, pods scheduled", pod: empty().Obj(),
			nodes:    []*core.Node{n("node1", "4000", "10000"), n("node2", "4000", "10000")},
			existing: []*core.Pod{on("node1", empty()), on("node1", empty()), on("node2", empty()), on("node2", empty())},
			want:     []int64{100, 100}},
		{name: "no resources requested, pods scheduled with resources", pod: empty().Obj(),
			nodes: []*core.Node{n("node1", "10000", "20000"), n("node2", "10000", "20000")},
			existing: []*core.Pod{
				on("node1", pod().Req(cpuMem("3000", "0"))), on("node1", pod().Req(cpuMem("3000", "0"))),
				on("node2", pod().Req(cpuMem("3000", "0"))), on("node2", pod().Req(cpuMem("3000", "5000"))),
			},
			want: []int64{70, 57}},
		{name: "resources requested, pods scheduled with resources", pod: twoContainers(),
			nodes:    []*core.Node{n("node1", "10000", "20000"), n("node2", "10000", "20000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("3000", "0"))), on("node2", pod().Req(cpuMem("3000", "5000")))},
			want:     []int64{57, 45}},
		{name: "resources requested, pods scheduled with resources, differently sized nodes", pod: twoContainers(),
			nodes:    []*core.Node{n("node1", "10000", "20000"), n("node2", "10000", "50000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("3000", "0"))), on("node2", pod().Req(cpuMem("3000", "5000")))},
			want:     []int64{57, 60}},
		{name: "requested resources exceed node capacity", pod: pod().Req(cpuMem("3000", "0")).Obj(),
			nodes:    []*core.Node{n("node1", "4000", "10000"), n("node2", "4000", "10000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("3000", "0"))), on("node2", pod().Req(cpuMem("3000", "5000")))},
			want:     []int64{50, 25}},
		{name: "zero node resources, pods scheduled with resources", pod: empty().Obj(),
			nodes:    []*core.Node{node("node1", nil), node("node2", nil)},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("3000", "0"))), on("node2", pod().Req(cpuMem("3000", "5000")))},
			want:     []int64{0, 0}},
		{name: "different weights on cpu and memory", args: weighted, pod: twoContainers(),
			nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")}, want: []int64{41, 50}},
		{name: "bypass extended resource if the pod does not request", args: extendedResourceSet("LeastAllocated"), pod: twoContainers(),
			nodes: []*core.Node{n("node1", "6000", "10000"), node("node2", rl{"cpu": "6000", "memory": "10000", extendedRes: "4"})},
			want:  []int64{50, 50}},
		{name: "honor extended resource if the pod requests", args: extendedResourceSet("LeastAllocated"),
			pod: pod().Req(rl{"cpu": "3000", "memory": "5000", extendedRes: "2"}).Obj(),
			nodes: []*core.Node{
				node("node1", rl{"cpu": "6000", "memory": "10000", extendedRes: "4"}),
				node("node2", rl{"cpu": "6000", "memory": "10000", extendedRes: "10"}),
			},
			want: []int64{50, 60}},
		{name: "if the node doesn't have a resource",
			args:  `{"scoringStrategy": {"type": "LeastAllocated", "resources": [{"name": "` + extendedRes + `", "weight": 2}, {"name": "cpu"}, {"name": "memory"}]}}`,
			pod:   pod().Req(cpuMem("3000", "4000")).Obj(),
			nodes: []*core.Node{n("node1", "6000", "10000"), node("node2", rl{"cpu": "6000", "memory": "10000", extendedRes: "4"})},
			want:  []int64{55, 55}},
		{name: "the default strategy, from Kubernetes' TestFitScore", pod: pod().Req(cpuMem("1000", "2000")).Obj(),
			nodes:    []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("2000", "4000"))), on("node2", pod().Req(cpuMem("1000", "2000")))},
			want:     []int64{32, 63}},
		{name: "containers without requests count the defaults", pod: pod().Obj(),
			nodes:    []*core.Node{node("node1", rl{"cpu": "1", "memory": "1000Mi"})},
			existing: []*core.Pod{on("node1", pod())},
			// cpu: (1000-200)*100/1000 = 80; memory: (1000-400)*100/1000 = 60.
			want: []int64{70}},
	})
}

func TestMostAllocated(t *testing.T) {
	n := func(name, cpu, mem string) *core.Node { return node(name, cpuMem(cpu, mem)) }
	const most = `{"scoringStrategy": {"type": "MostAllocated"}}`
	runScores(t, noderesources.New, []scoreCase{
		{name: "nothing scheduled, nothing requested", args: most, pod: empty().Obj(),
			nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "4000", "10000")}, want: []int64{0, 0}},
		{name: "nothing scheduled, resources requested, differently sized nodes", args: most, pod: twoContainers(),
			nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")}, want: []int64{62, 50}},
		{name: "no resources requested, pods scheduled with resources", args: most, pod: empty().Obj(),
			nodes: []*core.Node{n("node1", "10000", "20000"), n("node2", "10000", "20000")},
			existing: []*core.Pod{
				on("node1", pod().Req(cpuMem("3000", "0"))), on("node1", pod().Req(cpuMem("3000", "0"))),
				on("node2", pod().Req(cpuMem("3000", "0"))), on("node2", pod().Req(cpuMem("3000", "5000"))),
			},
			want: []int64{30, 42}},
		{name: "resources requested, pods scheduled with resources", args: most, pod: twoContainers(),
			nodes:    []*core.Node{n("node1", "10000", "20000"), n("node2", "10000", "20000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("3000", "0"))), on("node2", pod().Req(cpuMem("3000", "5000")))},
			want:     []int64{42, 55}},
		{name: "resources requested equal node capacity", args: most,
			pod:   pod().Req(cpuMem("2000", "4000")).Req(cpuMem("3000", "5000")).Obj(),
			nodes: []*core.Node{n("node1", "5000", "10000"), n("node2", "10000", "9000")}, want: []int64{95, 75}},
		{name: "different weights on cpu and memory", pod: twoContainers(),
			args:  `{"scoringStrategy": {"type": "MostAllocated", "resources": [{"name": "memory", "weight": 2}, {"name": "cpu", "weight": 1}]}}`,
			nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")}, want: []int64{58, 50}},
		{name: "no resources requested, pods scheduled, nonzero request for resource", args: most, pod: pod().Obj(),
			nodes:    []*core.Node{n("node1", "250m", "1000Mi"), n("node2", "250m", "1000Mi")},
			existing: []*core.Pod{on("node1", pod()), on("node1", pod())},
			want:     []int64{80, 30}},
		{name: "bypass extended resource if the pod does not request", args: extendedResourceSet("MostAllocated"), pod: twoContainers(),
			nodes: []*core.Node{n("node1", "6000", "10000"), node("node2", rl{"cpu": "6000", "memory": "10000", extendedRes: "4"})},
			want:  []int64{50, 50}},
		{name: "honor extended resource if the pod request", args: extendedResourceSet("MostAllocated"),
			pod: pod().Req(rl{"cpu": "3000", "memory": "5000", extendedRes: "2"}).Obj(),
			nodes: []*core.Node{
				node("node1", rl{"cpu": "6000", "memory": "10000", extendedRes: "4"}),
				node("node2", rl{"cpu": "6000", "memory": "10000", extendedRes: "10"}),
			},
			want: []int64{50, 40}},
		{name: "if the node doesn't have a resource",
			args:  `{"scoringStrategy": {"type": "MostAllocated", "resources": [{"name": "` + extendedRes + `", "weight": 2}, {"name": "cpu"}, {"name": "memory"}]}}`,
			pod:   pod().Req(cpuMem("3000", "4000")).Obj(),
			nodes: []*core.Node{n("node1", "6000", "10000"), node("node2", rl{"cpu": "6000", "memory": "10000", extendedRes: "4"})},
			want:  []int64{45, 45}},
		{name: "from Kubernetes' TestFitScore", args: most, pod: pod().Req(cpuMem("1000", "2000")).Obj(),
			nodes:    []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("2000", "4000"))), on("node2", pod().Req(cpuMem("1000", "2000")))},
			want:     []int64{67, 36}},
	})
}

func ratio(shape string, resources string) string {
	if resources == "" {
		resources = `[{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}]`
	}
	return `{"scoringStrategy": {"type": "RequestedToCapacityRatio", "resources": ` + resources +
		`, "requestedToCapacityRatio": {"shape": ` + shape + `}}}`
}

func TestRequestedToCapacityRatio(t *testing.T) {
	n := func(name, cpu, mem string) *core.Node { return node(name, cpuMem(cpu, mem)) }
	leastShape := ratio(`[{"utilization": 0, "score": 10}, {"utilization": 100, "score": 0}]`, "")
	mostShape := ratio(`[{"utilization": 0, "score": 0}, {"utilization": 100, "score": 10}]`, "")
	binPack := func(resources string) string {
		return ratio(`[{"utilization": 0, "score": 0}, {"utilization": 100, "score": 1}]`, resources)
	}
	extNode := func(name string, ext rl) *core.Node {
		c := rl{"cpu": "4", "memory": "10000Mi"}
		for k, v := range ext {
			c[k] = v
		}
		return node(name, c)
	}
	single := binPack(`[{"name": "intel.com/foo", "weight": 1}]`)
	multiple := binPack(`[{"name": "intel.com/foo", "weight": 3}, {"name": "intel.com/bar", "weight": 5}]`)
	foo8bar4 := extNode("node1", rl{"intel.com/foo": "8", "intel.com/bar": "4"})
	foo4bar8 := extNode("node2", rl{"intel.com/foo": "4", "intel.com/bar": "8"})
	runScores(t, noderesources.New, []scoreCase{
		{name: "nothing scheduled, nothing requested (default - least requested nodes have priority)", args: leastShape,
			pod: empty().Obj(), nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "4000", "10000")},
			existing: []*core.Pod{on("node1", empty()), on("node1", empty())}, want: []int64{100, 100}},
		{name: "nothing scheduled, resources requested, differently sized nodes (default - least requested nodes have priority)",
			args: leastShape, pod: twoContainers(), nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")},
			existing: []*core.Pod{on("node1", empty()), on("node1", empty())}, want: []int64{38, 50}},
		{name: "no resources requested, pods scheduled with resources (default - least requested nodes have priority)",
			args: leastShape, pod: empty().Obj(), nodes: []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("3000", "5000"))), on("node2", pod().Req(cpuMem("3000", "5000")))},
			want:     []int64{38, 50}},
		{name: "TestFitScore case1", args: leastShape, pod: pod().Req(cpuMem("3000", "5000")).Obj(),
			nodes:    []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("2000", "4000"))), on("node2", pod().Req(cpuMem("1000", "2000")))},
			want:     []int64{10, 32}},
		{name: "TestFitScore case2", args: mostShape, pod: pod().Req(cpuMem("3000", "5000")).Obj(),
			nodes:    []*core.Node{n("node1", "4000", "10000"), n("node2", "6000", "10000")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("2000", "4000"))), on("node2", pod().Req(cpuMem("1000", "2000")))},
			want:     []int64{95, 68}},
		{name: "single extended: nothing scheduled, nothing requested", args: single, pod: empty().Obj(),
			nodes: []*core.Node{extNode("node1", rl{"intel.com/foo": "8"}), extNode("node2", rl{"intel.com/foo": "4"})}, want: []int64{0, 0}},
		{name: "single extended: resources requested, pods scheduled with less resources", args: single,
			pod:   pod().Req(rl{"intel.com/foo": "2"}).Obj(),
			nodes: []*core.Node{extNode("node1", rl{"intel.com/foo": "8"}), extNode("node2", rl{"intel.com/foo": "4"})}, want: []int64{2, 5}},
		{name: "single extended: resources requested, pods scheduled with resources, on node with existing pod running", args: single,
			pod:      pod().Req(rl{"intel.com/foo": "2"}).Obj(),
			nodes:    []*core.Node{extNode("node1", rl{"intel.com/foo": "8"}), extNode("node2", rl{"intel.com/foo": "4"})},
			existing: []*core.Pod{on("node2", pod().Req(rl{"intel.com/foo": "2"}))}, want: []int64{2, 10}},
		{name: "single extended: resources requested, pods scheduled with more resources", args: single,
			pod:   pod().Req(rl{"intel.com/foo": "4"}).Obj(),
			nodes: []*core.Node{extNode("node1", rl{"intel.com/foo": "8"}), extNode("node2", rl{"intel.com/foo": "4"})}, want: []int64{5, 10}},
		{name: "multiple extended: nothing scheduled, nothing requested", args: multiple, pod: empty().Obj(),
			nodes: []*core.Node{foo8bar4, foo4bar8}, want: []int64{0, 0}},
		{name: "multiple extended: resources requested, pods scheduled with less resources", args: multiple,
			pod: pod().Req(rl{"intel.com/foo": "2", "intel.com/bar": "2"}).Obj(), nodes: []*core.Node{foo8bar4, foo4bar8}, want: []int64{4, 3}},
		{name: "multiple extended: on node with existing pod running", args: multiple,
			pod: pod().Req(rl{"intel.com/foo": "2", "intel.com/bar": "2"}).Obj(), nodes: []*core.Node{foo8bar4, foo4bar8},
			existing: []*core.Pod{on("node2", pod().Req(rl{"intel.com/foo": "4", "intel.com/bar": "2"}))}, want: []int64{4, 7}},
		{name: "multiple extended: resources requested, pods scheduled with more resources", args: multiple,
			pod: pod().Req(rl{"intel.com/foo": "4", "intel.com/bar": "2"}).Obj(), nodes: []*core.Node{foo8bar4, foo4bar8}, want: []int64{5, 5}},
	})
}

func TestBalancedAllocation(t *testing.T) {
	n := func(name, cpu, mem string, gpus string) *core.Node {
		c := rl{"cpu": cpu, "memory": mem}
		if gpus != "" {
			c["nvidia.com/gpu"] = gpus
		}
		return node(name, c)
	}
	cpuAndMemory := func() *schedulertest.PodWrapper {
		return pod().Req(cpuMem("1000m", "2000")).Req(cpuMem("2000m", "3000"))
	}
	cpuOnly := func() *schedulertest.PodWrapper {
		return pod().Req(cpuMem("1000m", "0")).Req(cpuMem("2000m", "0"))
	}
	cpuAndMemoryAndGPU := func() *schedulertest.PodWrapper {
		return pod().Req(cpuMem("1000m", "2000")).Req(rl{"cpu": "2000m", "memory": "3000", "nvidia.com/gpu": "3"})
	}
	const withGPU = `{"resources": [{"name": "cpu", "weight": 1}, {"name": "memory", "weight": 1}, {"name": "nvidia.com/gpu", "weight": 1}]}`
	runScores(t, noderesources.NewBalancedAllocation, []scoreCase{
		{name: "nothing scheduled, nothing requested", pod: empty().Obj(),
			nodes: []*core.Node{n("node1", "4000m", "10000", ""), n("node2", "4000m", "10000", "")}, want: []int64{100, 100}},
		{name: "nothing scheduled, resources requested, differently sized nodes", pod: cpuAndMemory().Obj(),
			nodes: []*core.Node{n("node1", "4000m", "10000", ""), n("node2", "6000m", "10000", "")}, want: []int64{87, 100}},
		{name: "resources requested, pods scheduled with resources", pod: cpuAndMemory().Obj(),
			nodes:    []*core.Node{n("node1", "10000m", "20000", ""), n("node2", "10000m", "20000", "")},
			existing: []*core.Pod{on("node1", cpuOnly()), on("node2", cpuAndMemory())},
			want:     []int64{82, 95}},
		{name: "resources requested, pods scheduled with resources, differently sized nodes", pod: cpuAndMemory().Obj(),
			nodes:    []*core.Node{n("node1", "10000m", "20000", ""), n("node2", "10000m", "50000", "")},
			existing: []*core.Pod{on("node1", cpuOnly()), on("node2", cpuAndMemory())},
			want:     []int64{82, 80}},
		{name: "requested resources at node capacity", pod: cpuOnly().Obj(),
			nodes:    []*core.Node{n("node1", "6000m", "10000", ""), n("node2", "6000m", "10000", "")},
			existing: []*core.Pod{on("node1", cpuOnly()), on("node2", cpuAndMemory())},
			want:     []int64{50, 75}},
		{name: "include scalar resource on a node for balanced resource allocation", args: withGPU,
			pod:      pod().Req(rl{"memory": "0", "nvidia.com/gpu": "1"}).Obj(),
			nodes:    []*core.Node{n("node1", "3500m", "40000", "8"), n("node2", "3500m", "40000", "8")},
			existing: []*core.Pod{on("node2", cpuAndMemory()), on("node1", cpuAndMemoryAndGPU())},
			want:     []int64{70, 65}},
		{name: "node without the scalar resource should skip the scalar resource", args: withGPU, pod: cpuAndMemory().Obj(),
			nodes: []*core.Node{n("node1", "3500m", "40000", "8"), n("node2", "3500m", "40000", "")}, want: []int64{63, 63}},
		{name: "best-effort pods count as requesting nothing", pod: pod().Obj(),
			nodes:    []*core.Node{n("node1", "4000m", "10000", "")},
			existing: []*core.Pod{on("node1", pod().Req(cpuMem("2000m", "0")))},
			want:     []int64{75}},
	})
}

func TestBalancedAllocationName(t *testing.T) {
	pl, err := noderesources.NewBalancedAllocation(context.Background(), nil, nil)
	if err != nil || pl.Name() != "NodeResourcesBalancedAllocation" {
		t.Fatal(pl, err)
	}
	if pl, _ := noderesources.New(context.Background(), nil, nil); pl.Name() != "NodeResourcesFit" {
		t.Fatal(pl.Name())
	}
}

func TestScoreUnknownNode(t *testing.T) {
	snap := framework.NewSnapshot(nil, nil)
	for _, f := range []framework.PluginFactory{noderesources.New, noderesources.NewBalancedAllocation} {
		pl, _ := f(context.Background(), nil, schedulertest.NewHandle(snap))
		if _, st := pl.(framework.ScorePlugin).Score(context.Background(), framework.NewCycleState(), pod().Obj(), framework.NewNodeInfo()); st.Code() != framework.Error {
			t.Errorf("%s: %v", pl.Name(), st)
		}
	}
}

// TestManyResources scores more resources than fit the scorers' stack buffers.
func TestManyResources(t *testing.T) {
	names := []string{"cpu", "memory", "ephemeral-storage"}
	for _, c := range "abcdefgh" {
		names = append(names, "example.com/"+string(c))
	}
	capacity := rl{"cpu": "4", "memory": "4Gi", "ephemeral-storage": "10Gi"}
	request := rl{"cpu": "1", "memory": "1Gi", "ephemeral-storage": "5Gi"}
	resources := ""
	for i, name := range names {
		if i > 0 {
			resources += ", "
		}
		resources += `{"name": "` + name + `"}`
		if i >= 3 {
			capacity[core.ResourceName(name)] = "4"
			request[core.ResourceName(name)] = "1"
		}
	}
	snap := framework.NewSnapshot(nil, []*core.Node{node("n", capacity)})
	// Each resource is a quarter used with the pod, except ephemeral storage, half used.
	for strategy, want := range map[string]int64{
		"LeastAllocated": (10*75 + 50) / 11,
		"MostAllocated":  (10*25 + 50) / 11,
	} {
		pl := newFit(t, `{"scoringStrategy": {"type": "`+strategy+`", "resources": [`+resources+`]}}`, snap)
		got := schedulertest.RunScore(t, pl.(framework.ScorePlugin), pod().Req(request).Obj(), snap)
		if got[0].Score != want {
			t.Errorf("%s: %v, want %d", strategy, got, want)
		}
	}
}
