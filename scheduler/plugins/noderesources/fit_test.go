package noderesources_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/noderesources"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

type rl = map[core.ResourceName]string

func pod() *schedulertest.PodWrapper { return schedulertest.MakePod().Name("p") }

// empty is Kubernetes' st.MakePod(): no containers, so no default requests either.
func empty() *schedulertest.PodWrapper { return pod().WithoutContainers() }

func on(node string, w *schedulertest.PodWrapper) *core.Pod { return w.Node(node).Obj() }

func node(name string, capacity rl) *core.Node {
	return schedulertest.MakeNode().Name(name).Capacity(capacity).Obj()
}

func newFit(t testing.TB, args string, snap *framework.Snapshot) framework.Plugin {
	t.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	pl, err := noderesources.New(context.Background(), raw, schedulertest.NewHandle(snap))
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// The filter cases are Kubernetes' TestEnoughRequests, TestNotEnoughRequests and
// TestStorageRequests, on a node with 10m cpu, 20 bytes of memory, 32 pods, 5 example.com/aaa,
// 20 bytes of ephemeral storage and 5 hugepages-2Mi.
func TestFilter(t *testing.T) {
	const aaa, bbb, hp = "example.com/aaa", "example.com/bbb", "hugepages-2Mi"
	unschedulable := func(reasons ...string) *framework.Status {
		return framework.NewStatus(framework.Unschedulable, reasons...)
	}
	for _, tc := range []struct {
		name     string
		pod      *core.Pod
		existing []*core.Pod
		pods     string // the node's pod capacity, 32 when empty
		args     string
		want     *framework.Status
	}{
		{name: "no resources requested always fits", pod: empty().Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "10m", "memory": "20"}))}},
		{name: "a container without requests requests nothing", pod: pod().Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "10m", "memory": "20"}))}},
		{name: "too many resources fails", pod: pod().Req(rl{"cpu": "1m", "memory": "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "10m", "memory": "20"}))},
			want:     unschedulable("Insufficient cpu", "Insufficient memory")},
		{name: "too many resources fails due to init container cpu",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1"}).InitReq(rl{"cpu": "3m", "memory": "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "8m", "memory": "19"}))},
			want:     unschedulable("Insufficient cpu")},
		{name: "too many resources fails due to highest init container cpu",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1"}).InitReq(rl{"cpu": "3m", "memory": "1"}).InitReq(rl{"cpu": "2m", "memory": "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "8m", "memory": "19"}))},
			want:     unschedulable("Insufficient cpu")},
		{name: "too many resources fails due to init container memory",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1"}).InitReq(rl{"cpu": "1m", "memory": "3"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "9m", "memory": "19"}))},
			want:     unschedulable("Insufficient memory")},
		{name: "init container fits because it's the max, not sum, of containers and init containers",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1"}).InitReq(rl{"cpu": "1m", "memory": "1"}).InitReq(rl{"cpu": "1m", "memory": "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "9m", "memory": "19"}))}},
		{name: "sidecars add to the containers",
			pod:      pod().Req(rl{"cpu": "1m"}).SidecarReq(rl{"cpu": "3m"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "7m"}))},
			want:     unschedulable("Insufficient cpu")},
		{name: "both resources fit", pod: pod().Req(rl{"cpu": "1m", "memory": "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "5m", "memory": "5"}))}},
		{name: "one resource memory fits", pod: pod().Req(rl{"cpu": "2m", "memory": "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "9m", "memory": "5"}))},
			want:     unschedulable("Insufficient cpu")},
		{name: "one resource cpu fits", pod: pod().Req(rl{"cpu": "1m", "memory": "2"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "5m", "memory": "19"}))},
			want:     unschedulable("Insufficient memory")},
		{name: "equal edge case", pod: pod().Req(rl{"cpu": "5m", "memory": "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "5m", "memory": "19"}))}},
		{name: "equal edge case for init container", pod: pod().Req(rl{"cpu": "4m", "memory": "1"}).InitReq(rl{"cpu": "5m", "memory": "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "5m", "memory": "19"}))}},
		{name: "extended resource fits", pod: pod().Req(rl{aaa: "1"}).Obj()},
		{name: "extended resource fits for init container", pod: pod().InitReq(rl{aaa: "1"}).Obj()},
		{name: "extended resource capacity enforced", pod: pod().Req(rl{"cpu": "1m", "memory": "1", aaa: "10"}).Obj(),
			want: unschedulable("Insufficient example.com/aaa")},
		{name: "extended resource capacity enforced for init container", pod: pod().InitReq(rl{"cpu": "1m", "memory": "1", aaa: "10"}).Obj(),
			want: unschedulable("Insufficient example.com/aaa")},
		{name: "extended resource allocatable enforced", pod: pod().Req(rl{"cpu": "1m", "memory": "1", aaa: "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{aaa: "5"}))},
			want:     unschedulable("Insufficient example.com/aaa")},
		{name: "extended resource allocatable enforced for multiple containers",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1", aaa: "3"}).Req(rl{"cpu": "1m", "memory": "1", aaa: "3"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{aaa: "2"}))},
			want:     unschedulable("Insufficient example.com/aaa")},
		{name: "extended resource allocatable admits multiple init containers",
			pod:      pod().InitReq(rl{"cpu": "1m", "memory": "1", aaa: "3"}).InitReq(rl{"cpu": "1m", "memory": "1", aaa: "3"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{aaa: "2"}))}},
		{name: "extended resource allocatable enforced for multiple init containers",
			pod:      pod().InitReq(rl{"cpu": "1m", "memory": "1", aaa: "6"}).InitReq(rl{"cpu": "1m", "memory": "1", aaa: "3"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{aaa: "2"}))},
			want:     unschedulable("Insufficient example.com/aaa")},
		{name: "extended resource allocatable enforced for unknown resource", pod: pod().Req(rl{"cpu": "1m", "memory": "1", bbb: "1"}).Obj(),
			want: unschedulable("Insufficient example.com/bbb")},
		{name: "hugepages resource capacity enforced", pod: pod().Req(rl{"cpu": "1m", "memory": "1", hp: "10"}).Obj(),
			want: unschedulable("Insufficient hugepages-2Mi")},
		{name: "hugepages resource allocatable enforced for multiple containers",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1", hp: "3"}).Req(rl{"cpu": "1m", "memory": "1", hp: "3"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{hp: "2"}))},
			want:     unschedulable("Insufficient hugepages-2Mi")},
		{name: "several scalar reasons come sorted by name", pod: pod().Req(rl{bbb: "1", aaa: "10", hp: "10"}).Obj(),
			want: unschedulable("Insufficient example.com/aaa", "Insufficient example.com/bbb", "Insufficient hugepages-2Mi")},
		{name: "skip checking ignored extended resource", pod: pod().Req(rl{"cpu": "1m", "memory": "1", bbb: "1"}).Obj(),
			args: `{"ignoredResources": ["example.com/bbb"]}`},
		{name: "skip checking ignored extended resource via resource groups",
			pod:  pod().Req(rl{"cpu": "1m", "memory": "1", bbb: "1", "other.io/something": "1"}).Obj(),
			args: `{"ignoredResourceGroups": ["example.com"]}`,
			want: unschedulable("Insufficient other.io/something")},
		{name: "ignored resources do not cover huge pages", pod: pod().Req(rl{hp: "10"}).Obj(),
			args: `{"ignoredResources": ["hugepages-2Mi"]}`,
			want: unschedulable("Insufficient hugepages-2Mi")},
		{name: "resources + pod overhead fits",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1"}).Overhead(rl{"cpu": "3m", "memory": "13"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "5m", "memory": "5"}))}},
		{name: "requests + overhead does not fit for memory",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1"}).Overhead(rl{"cpu": "1m", "memory": "15"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "5m", "memory": "5"}))},
			want:     unschedulable("Insufficient memory")},
		{name: "skip checking extended resource request with quantity zero",
			pod:      pod().Req(rl{"cpu": "1m", "memory": "1", aaa: "0"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{aaa: "6"}))}},
		{name: "skip checking resource request with quantity zero", pod: pod().Req(rl{aaa: "1"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "20m", "memory": "30", aaa: "1"}))}},
		{name: "storage ephemeral local storage request exceeds allocatable", pod: pod().Req(rl{"ephemeral-storage": "25"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "2m", "memory": "2"}))},
			want:     unschedulable("Insufficient ephemeral-storage")},
		{name: "ephemeral local storage is sufficient", pod: pod().Req(rl{"ephemeral-storage": "10"}).Obj(),
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "2m", "memory": "2", "ephemeral-storage": "10"}))}},
		{name: "even without specified resources, predicate fails when there's no space for additional pod",
			pod: empty().Obj(), pods: "1", existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "10m", "memory": "20"}))},
			want: unschedulable("Too many pods")},
		{name: "even for equal edge case, predicate fails when there's no space for additional pod",
			pod: pod().Req(rl{"cpu": "5m", "memory": "1"}).Obj(), pods: "1",
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "5m", "memory": "19"}))},
			want:     unschedulable("Too many pods")},
		{name: "the pod count comes first among several reasons",
			pod: pod().Req(rl{"cpu": "1m", "memory": "1", aaa: "6"}).Obj(), pods: "1",
			existing: []*core.Pod{on("n", pod().Req(rl{"cpu": "10m", "memory": "20"}))},
			want:     unschedulable("Too many pods", "Insufficient cpu", "Insufficient memory", "Insufficient example.com/aaa")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pods := tc.pods
			if pods == "" {
				pods = "32"
			}
			n := node("n", rl{"cpu": "10m", "memory": "20", "pods": pods, aaa: "5", "ephemeral-storage": "20", hp: "5"})
			snap := framework.NewSnapshot(tc.existing, []*core.Node{n})
			got := schedulertest.RunFilter(t, newFit(t, tc.args, snap), tc.pod, snap)["n"]
			if !got.Equal(tc.want) {
				t.Errorf("status %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFits(t *testing.T) {
	n := node("n", rl{"cpu": "10m", "memory": "20", "pods": "1", "example.com/aaa": "5"})
	snap := framework.NewSnapshot([]*core.Pod{on("n", pod().Req(rl{"cpu": "8m", "memory": "19", "example.com/aaa": "2"}))}, []*core.Node{n})
	ni, _ := snap.Get("n")
	got := noderesources.Fits(pod().Req(rl{"cpu": "3m", "memory": "1", "example.com/aaa": "4", "example.com/bbb": "1"}).Obj(), ni)
	want := []noderesources.InsufficientResource{
		{ResourceName: "pods", Reason: "Too many pods", Requested: 1, Used: 1, Capacity: 1},
		{ResourceName: "cpu", Reason: "Insufficient cpu", Requested: 3, Used: 8, Capacity: 10},
		{ResourceName: "example.com/aaa", Reason: "Insufficient example.com/aaa", Requested: 4, Used: 2, Capacity: 5},
		{ResourceName: "example.com/bbb", Reason: "Insufficient example.com/bbb", Requested: 1, Used: 0, Capacity: 0},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}

func TestFilterWithoutPreFilter(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{node("n", rl{"cpu": "1"})})
	pl := newFit(t, "", snap).(framework.FilterPlugin)
	ni, _ := snap.Get("n")
	st := pl.Filter(context.Background(), framework.NewCycleState(), pod().Obj(), ni)
	if st.Code() != framework.Error || !strings.Contains(st.Message(), "PreFilterNodeResourcesFit") {
		t.Errorf("status %v", st)
	}
}

// TestFilterStatusesAreFresh checks that rejections sharing a reason do not share a Status, which
// the framework stamps with the plugin's name.
func TestFilterStatusesAreFresh(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{node("a", rl{"cpu": "1"}), node("b", rl{"cpu": "1"})})
	st := schedulertest.RunFilter(t, newFit(t, "", snap), pod().Req(rl{"cpu": "2"}).Obj(), snap)
	if st["a"] == st["b"] || st["a"].Message() != "Insufficient cpu" || !st["a"].Equal(st["b"]) {
		t.Errorf("statuses %v %v", st["a"], st["b"])
	}
	st["a"].AppendReason("more")
	if st["b"].Message() != "Insufficient cpu" {
		t.Errorf("appending to one status changed another: %v", st["b"])
	}
}
