package nodeunschedulable_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/nodeunschedulable"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func newPlugin(tb testing.TB) *nodeunschedulable.NodeUnschedulable {
	tb.Helper()
	pl, err := nodeunschedulable.New(context.Background(), nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return pl.(*nodeunschedulable.NodeUnschedulable)
}

func TestFilter(t *testing.T) {
	unschedulable := framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) were unschedulable")
	tests := []struct {
		name          string
		tolerations   []core.Toleration
		unschedulable bool
		want          *framework.Status
	}{
		{name: "a cordoned node rejects a pod without tolerations", unschedulable: true, want: unschedulable},
		{name: "a schedulable node takes it"},
		{
			name:          "a cordoned node takes a pod tolerating the unschedulable taint",
			unschedulable: true,
			tolerations:   []core.Toleration{{Key: nodeunschedulable.TaintNodeUnschedulable, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule}},
		},
		{
			name:          "a toleration of every taint covers the cordon",
			unschedulable: true,
			tolerations:   []core.Toleration{{Operator: core.TolerationOpExists}},
		},
		{
			name:          "a toleration with NoExecute does not",
			unschedulable: true,
			tolerations:   []core.Toleration{{Key: nodeunschedulable.TaintNodeUnschedulable, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute}},
			want:          unschedulable,
		},
		{
			name:          "nor does an unrelated toleration",
			unschedulable: true,
			tolerations:   []core.Toleration{{Key: "node.kubernetes.io/not-ready", Operator: core.TolerationOpExists}},
			want:          unschedulable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := schedulertest.MakePod().Name("p")
			for _, tol := range tt.tolerations {
				pod.Toleration(tol)
			}
			snap := framework.NewSnapshot(nil, []*core.Node{schedulertest.MakeNode().Name("n").Unschedulable(tt.unschedulable).Obj()})
			got := schedulertest.RunFilter(t, newPlugin(t), pod.Obj(), snap)
			if diff := cmp.Diff(framework.NodeToStatus{"n": tt.want}, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
	if st := newPlugin(t).Filter(context.Background(), nil, schedulertest.MakePod().Obj(), framework.NewNodeInfo()); !st.Equal(framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) had unknown conditions")) {
		t.Errorf("without a node: %v", st)
	}
}

func TestNew(t *testing.T) {
	if _, err := nodeunschedulable.New(context.Background(), json.RawMessage(`{"kind":"x"}`), nil); err != nil {
		t.Error(err)
	}
	if _, err := nodeunschedulable.New(context.Background(), json.RawMessage(`{"x":1}`), nil); err == nil {
		t.Error("New accepted an unknown arg")
	}
}

func TestEventsToRegister(t *testing.T) {
	events, err := newPlugin(t).EventsToRegister(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 2 {
		t.Fatalf("events %+v", events)
	}
	want := []framework.ClusterEvent{
		{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeTaint},
		{Resource: framework.EventPod, ActionType: framework.UpdatePodTolerations},
	}
	if diff := cmp.Diff(want, []framework.ClusterEvent{events[0].Event, events[1].Event}); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	nodeHint, podHint := events[0].QueueingHintFn, events[1].QueueingHintFn
	cordoned := schedulertest.MakeNode().Name("n").Unschedulable(true).Obj()
	open := schedulertest.MakeNode().Name("n").Obj()
	pod := schedulertest.MakePod().Name("p").Obj()
	tolerating := schedulertest.MakePod().Name("p").Toleration(core.Toleration{
		Key: nodeunschedulable.TaintNodeUnschedulable, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule,
	}).Obj()
	other := schedulertest.MakePod().Name("q").Toleration(core.Toleration{Operator: core.TolerationOpExists}).Obj()
	tests := []struct {
		name           string
		hint           framework.QueueingHintFn
		oldObj, newObj meta.Object
		want           framework.QueueingHint
		wantErr        bool
	}{
		{name: "schedulable node added", hint: nodeHint, newObj: open, want: framework.Queue},
		{name: "cordoned node added", hint: nodeHint, newObj: cordoned, want: framework.QueueSkip},
		{name: "node uncordoned", hint: nodeHint, oldObj: cordoned, newObj: open, want: framework.Queue},
		{name: "node cordoned", hint: nodeHint, oldObj: open, newObj: cordoned, want: framework.QueueSkip},
		{name: "schedulable node updated", hint: nodeHint, oldObj: open, newObj: open, want: framework.QueueSkip},
		{name: "node hint given a pod", hint: nodeHint, newObj: pod, want: framework.Queue, wantErr: true},
		{name: "old object of the wrong kind", hint: nodeHint, oldObj: pod, newObj: open, want: framework.Queue, wantErr: true},
		{name: "pod gained the toleration", hint: podHint, oldObj: pod, newObj: tolerating, want: framework.Queue},
		{name: "pod gained another toleration", hint: podHint, oldObj: pod, newObj: pod, want: framework.QueueSkip},
		{name: "another pod tolerates", hint: podHint, oldObj: other, newObj: other, want: framework.QueueSkip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.hint(pod, tt.oldObj, tt.newObj)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("hint = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConcurrentFilter(t *testing.T) {
	snap := benchSnapshot(200)
	pl := newPlugin(t)
	pod := schedulertest.MakePod().Name("p").Obj()
	framework.NewParallelizer(8).Until(context.Background(), len(snap.NodeInfoList), func(i int) {
		pl.Filter(context.Background(), nil, pod, snap.NodeInfoList[i])
	})
}

func benchSnapshot(n int) *framework.Snapshot {
	nodes := make([]*core.Node, n)
	for i := range nodes {
		nodes[i] = schedulertest.MakeNode().Name(fmt.Sprintf("node-%d", i)).Unschedulable(i%50 == 0).Obj()
	}
	return framework.NewSnapshot(nil, nodes)
}

// BenchmarkFilter is one pod's Filter over 5,000 nodes, 2% of them cordoned.
func BenchmarkFilter(b *testing.B) {
	snap := benchSnapshot(5000)
	pl := newPlugin(b)
	pod := schedulertest.MakePod().Name("p").Toleration(core.Toleration{Key: "x", Operator: core.TolerationOpExists}).Obj()
	ctx := context.Background()
	state := framework.NewCycleState()
	b.ReportAllocs()
	for b.Loop() {
		for _, ni := range snap.NodeInfoList {
			pl.Filter(ctx, state, pod, ni)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/5000, "ns/node")
}
