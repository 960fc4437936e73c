package nodeports_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/nodeports"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// withPorts adds host ports written as Kubernetes' tests write them: "UDP/127.0.0.1/8080".
func withPorts(p *schedulertest.PodWrapper, specs ...string) *schedulertest.PodWrapper {
	for _, s := range specs {
		parts := strings.Split(s, "/")
		port, _ := strconv.Atoi(parts[2])
		p.HostPort(int32(port), core.Protocol(parts[0]), parts[1])
	}
	return p
}

func newPod(name string, ports ...string) *core.Pod {
	return withPorts(schedulertest.MakePod().Name(name), ports...).Obj()
}

func newPlugin(t testing.TB) framework.Plugin {
	t.Helper()
	pl, err := nodeports.New(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// The cases are Kubernetes' TestNodePorts.
func TestFilter(t *testing.T) {
	conflict := framework.NewStatus(framework.Unschedulable, nodeports.ErrReason)
	for _, tc := range []struct {
		name    string
		pod     []string
		running []string // ports held by one pod on the node
		want    *framework.Status
	}{
		{name: "nothing running"},
		{name: "other port", pod: []string{"UDP/127.0.0.1/8080"}, running: []string{"UDP/127.0.0.1/9090"}},
		{name: "same udp port", pod: []string{"UDP/127.0.0.1/8080"}, running: []string{"UDP/127.0.0.1/8080"}, want: conflict},
		{name: "same tcp port", pod: []string{"TCP/127.0.0.1/8080"}, running: []string{"TCP/127.0.0.1/8080"}, want: conflict},
		{name: "different host ip", pod: []string{"TCP/127.0.0.1/8080"}, running: []string{"TCP/127.0.0.2/8080"}},
		{name: "different protocol", pod: []string{"UDP/127.0.0.1/8080"}, running: []string{"TCP/127.0.0.1/8080"}},
		{name: "second udp port conflict", pod: []string{"UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"},
			running: []string{"UDP/127.0.0.1/8080"}, want: conflict},
		{name: "first tcp port conflict", pod: []string{"TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"},
			running: []string{"TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"}, want: conflict},
		{name: "first tcp port conflict due to 0.0.0.0 hostIP", pod: []string{"TCP/0.0.0.0/8001"},
			running: []string{"TCP/127.0.0.1/8001"}, want: conflict},
		{name: "TCP hostPort conflict due to 0.0.0.0 hostIP", pod: []string{"TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"},
			running: []string{"TCP/127.0.0.1/8001"}, want: conflict},
		{name: "second tcp port conflict to 0.0.0.0 hostIP", pod: []string{"TCP/127.0.0.1/8001"},
			running: []string{"TCP/0.0.0.0/8001"}, want: conflict},
		{name: "second different protocol", pod: []string{"UDP/127.0.0.1/8001"}, running: []string{"TCP/0.0.0.0/8001"}},
		{name: "UDP hostPort conflict due to 0.0.0.0 hostIP", pod: []string{"UDP/127.0.0.1/8001"},
			running: []string{"TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"}, want: conflict},
		{name: "an empty protocol is TCP and an empty IP every IP", pod: []string{"/127.0.0.1/8001"}, running: []string{"TCP//8001"}, want: conflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var existing []*core.Pod
			if len(tc.running) > 0 {
				existing = append(existing, withPorts(schedulertest.MakePod().Name("running").Node("n"), tc.running...).Obj())
			}
			snap := framework.NewSnapshot(existing, []*core.Node{schedulertest.MakeNode().Name("n").Obj()})
			got := schedulertest.RunFilter(t, newPlugin(t), newPod("p", tc.pod...), snap)["n"]
			if !got.Equal(tc.want) {
				t.Errorf("status %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPreFilter(t *testing.T) {
	pl := newPlugin(t).(framework.PreFilterPlugin)
	state := framework.NewCycleState()
	if _, st := pl.PreFilter(context.Background(), state, newPod("p")); !st.IsSkip() {
		t.Errorf("a pod without host ports: %v, want Skip", st)
	}
	// A container port without a host port binds nothing on the node.
	p := newPod("p")
	p.Spec.Containers[0].Ports = []core.ContainerPort{{ContainerPort: 80}}
	if _, st := pl.PreFilter(context.Background(), state, p); !st.IsSkip() {
		t.Errorf("a pod with only container ports: %v, want Skip", st)
	}
	ni := framework.NewNodeInfo()
	ni.SetNode(schedulertest.MakeNode().Name("n").Obj())
	if st := pl.(framework.FilterPlugin).Filter(context.Background(), framework.NewCycleState(), newPod("p", "TCP//80"), ni); st.Code() != framework.Error {
		t.Errorf("Filter without PreFilter: %v", st)
	}
}

func TestFits(t *testing.T) {
	ni := framework.NewNodeInfo(newPod("running", "TCP/10.0.0.1/80"))
	if !nodeports.Fits(newPod("p", "TCP/10.0.0.2/80"), ni) || nodeports.Fits(newPod("p", "TCP//80"), ni) {
		t.Error("Fits")
	}
}

func TestArgs(t *testing.T) {
	for _, args := range []string{"", "null", "{}", `{"kind": "NodePortsArgs"}`} {
		if _, err := nodeports.New(context.Background(), json.RawMessage(args), nil); err != nil {
			t.Errorf("%q: %v", args, err)
		}
	}
	if _, err := nodeports.New(context.Background(), json.RawMessage(`{"ports": 1}`), nil); err == nil {
		t.Error("unknown args accepted")
	}
}

// The hint cases are Kubernetes' TestIsSchedulableAfterPodDeleted.
func TestEventsToRegister(t *testing.T) {
	events, err := newPlugin(t).(framework.EnqueueExtensions).EventsToRegister(context.Background())
	if err != nil || len(events) != 2 ||
		events[0].Event != (framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.Delete}) ||
		events[1].Event != (framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add}) || events[1].QueueingHintFn != nil {
		t.Fatalf("events %+v %v", events, err)
	}
	hint := events[0].QueueingHintFn
	target := newPod("target", "TCP//8080")
	nominated := newPod("nominated", "TCP//8080")
	nominated.Status.NominatedNodeName = "n"
	for _, tc := range []struct {
		name    string
		deleted meta.Object
		want    framework.QueueingHint
		wantErr bool
	}{
		{"backoff-wrong-old-object", schedulertest.MakeNode().Name("n").Obj(), framework.Queue, true},
		{"skip-queue-on-unscheduled", newPod("deleted", "TCP//8080"), framework.QueueSkip, false},
		{"skip-queue-on-non-hostport", schedulertest.MakePod().Name("deleted").Node("n").Obj(), framework.QueueSkip, false},
		{"skip-queue-on-unrelated-hostport", withPorts(schedulertest.MakePod().Name("deleted").Node("n"), "TCP//8081").Obj(), framework.QueueSkip, false},
		{"queue-on-released-hostport", withPorts(schedulertest.MakePod().Name("deleted").Node("n"), "TCP//8080").Obj(), framework.Queue, false},
		{"queue-on-released-hostport-of-a-nominated-pod", nominated, framework.Queue, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := hint(target, tc.deleted, nil)
			if got != tc.want || (err != nil) != tc.wantErr {
				t.Errorf("hint %v, %v; want %v (error: %v)", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func BenchmarkFilter5000Nodes(b *testing.B) {
	var nodes []*core.Node
	var pods []*core.Pod
	for i := range 5000 {
		name := fmt.Sprintf("node-%d", i)
		nodes = append(nodes, schedulertest.MakeNode().Name(name).Obj())
		// One node in ten already has the port taken; all have other ports in use.
		ports := []string{"TCP//9100", "UDP/10.0.0.1/53"}
		if i%10 == 0 {
			ports = append(ports, "TCP//8080")
		}
		pods = append(pods, withPorts(schedulertest.MakePod().Name("p"+name).Node(name), ports...).Obj())
	}
	snap := framework.NewSnapshot(pods, nodes)
	pl := newPlugin(b)
	pod := newPod("p", "TCP//8080")
	ctx := context.Background()
	par := framework.NewParallelizer(16)
	b.ReportAllocs()
	for b.Loop() {
		state := framework.NewCycleState()
		pl.(framework.PreFilterPlugin).PreFilter(ctx, state, pod)
		par.Until(ctx, len(snap.NodeInfoList), func(i int) {
			pl.(framework.FilterPlugin).Filter(ctx, state, pod, snap.NodeInfoList[i])
		})
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(nodes)), "ns/node")
}

// TestConcurrentFilter filters on many goroutines, for the race detector.
func TestConcurrentFilter(t *testing.T) {
	var nodes []*core.Node
	var pods []*core.Pod
	for i := range 100 {
		name := fmt.Sprintf("node-%d", i)
		nodes = append(nodes, schedulertest.MakeNode().Name(name).Obj())
		pods = append(pods, withPorts(schedulertest.MakePod().Name("p"+name).Node(name), fmt.Sprintf("TCP//%d", 8000+i%2)).Obj())
	}
	snap := framework.NewSnapshot(pods, nodes)
	pl := newPlugin(t)
	pod := newPod("p", "TCP//8000")
	ctx := context.Background()
	state := framework.NewCycleState()
	pl.(framework.PreFilterPlugin).PreFilter(ctx, state, pod)
	framework.NewParallelizer(16).Until(ctx, len(nodes), func(i int) {
		st := pl.(framework.FilterPlugin).Filter(ctx, state, pod, snap.NodeInfoList[i])
		if (i%2 == 0) == st.IsSuccess() {
			t.Errorf("node %d: %v", i, st)
		}
		st.WithPlugin(nodeports.Name)
	})
}
