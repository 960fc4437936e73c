package nodename_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/nodename"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func newPlugin(tb testing.TB) *nodename.NodeName {
	tb.Helper()
	pl, err := nodename.New(context.Background(), nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return pl.(*nodename.NodeName)
}

func TestFilter(t *testing.T) {
	mismatch := framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) didn't match the requested node name")
	snap := framework.NewSnapshot(nil, []*core.Node{
		schedulertest.MakeNode().Name("foo").Obj(),
		schedulertest.MakeNode().Name("bar").Obj(),
	})
	tests := []struct {
		name     string
		nodeName string
		want     framework.NodeToStatus
	}{
		{name: "a pod naming no node fits every node", want: framework.NodeToStatus{"foo": nil, "bar": nil}},
		{name: "a pod naming foo fits foo alone", nodeName: "foo", want: framework.NodeToStatus{"foo": nil, "bar": mismatch}},
		{name: "a pod naming a missing node fits none", nodeName: "baz", want: framework.NodeToStatus{"foo": mismatch, "bar": mismatch}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := schedulertest.MakePod().Name("p").Node(tt.nodeName).Obj()
			got := schedulertest.RunFilter(t, newPlugin(t), pod, snap)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
	if st := newPlugin(t).Filter(context.Background(), nil, schedulertest.MakePod().Obj(), framework.NewNodeInfo()); st.Code() != framework.Error {
		t.Errorf("without a node: %v", st)
	}
}

func TestFits(t *testing.T) {
	ni := framework.NewNodeInfo()
	ni.SetNode(schedulertest.MakeNode().Name("foo").Obj())
	if !nodename.Fits(schedulertest.MakePod().Obj(), ni) || !nodename.Fits(schedulertest.MakePod().Node("foo").Obj(), ni) ||
		nodename.Fits(schedulertest.MakePod().Node("bar").Obj(), ni) {
		t.Error("Fits disagrees with Filter")
	}
}

func TestNew(t *testing.T) {
	if _, err := nodename.New(context.Background(), json.RawMessage(`{"x":1}`), nil); err == nil {
		t.Error("New accepted an unknown arg")
	}
}

func TestEventsToRegister(t *testing.T) {
	events, err := newPlugin(t).EventsToRegister(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(events) != 1 || events[0].Event != (framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add}) || events[0].QueueingHintFn != nil {
		t.Errorf("events %+v, want Node/Add without a hint", events)
	}
}

func TestConcurrentFilter(t *testing.T) {
	snap := benchSnapshot(200)
	pl := newPlugin(t)
	pod := schedulertest.MakePod().Name("p").Node("node-7").Obj()
	framework.NewParallelizer(8).Until(context.Background(), len(snap.NodeInfoList), func(i int) {
		pl.Filter(context.Background(), nil, pod, snap.NodeInfoList[i])
	})
}

func benchSnapshot(n int) *framework.Snapshot {
	nodes := make([]*core.Node, n)
	for i := range nodes {
		nodes[i] = schedulertest.MakeNode().Name(fmt.Sprintf("node-%d", i)).Obj()
	}
	return framework.NewSnapshot(nil, nodes)
}

// BenchmarkFilter is one pod's Filter over 5,000 nodes: the common pod that names no node, and a
// pinned pod that every node but one rejects (each rejection allocates its Status).
func BenchmarkFilter(b *testing.B) {
	snap := benchSnapshot(5000)
	pl := newPlugin(b)
	for _, bc := range []struct{ name, node string }{{"unpinned", ""}, {"pinned", "node-4999"}} {
		b.Run(bc.name, func(b *testing.B) {
			pod := schedulertest.MakePod().Name("p").Node(bc.node).Obj()
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				for _, ni := range snap.NodeInfoList {
					pl.Filter(ctx, nil, pod, ni)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/5000, "ns/node")
		})
	}
}
