package tainttoleration_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/tainttoleration"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func newPlugin(tb testing.TB, snap *framework.Snapshot) *tainttoleration.TaintToleration {
	tb.Helper()
	pl, err := tainttoleration.New(context.Background(), nil, schedulertest.NewHandle(snap))
	if err != nil {
		tb.Fatal(err)
	}
	return pl.(*tainttoleration.TaintToleration)
}

func podWithTolerations(tols ...core.Toleration) *core.Pod {
	p := schedulertest.MakePod().Name("pod1")
	for _, t := range tols {
		p.Toleration(t)
	}
	return p.Obj()
}

func TestFilter(t *testing.T) {
	unresolvable := func(reason string) *framework.Status {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, reason)
	}
	tests := []struct {
		name   string
		pod    *core.Pod
		taints []core.Taint
		want   *framework.Status
	}{
		{
			name:   "a pod without tolerations is kept off a node with a NoSchedule taint",
			pod:    podWithTolerations(),
			taints: []core.Taint{{Key: "dedicated", Value: "user1", Effect: core.TaintEffectNoSchedule}},
			want:   unresolvable("node(s) had untolerated taint {dedicated: user1}"),
		},
		{
			name:   "a toleration of key, value and effect",
			pod:    podWithTolerations(core.Toleration{Key: "dedicated", Value: "user1", Effect: core.TaintEffectNoSchedule}),
			taints: []core.Taint{{Key: "dedicated", Value: "user1", Effect: core.TaintEffectNoSchedule}},
		},
		{
			name:   "a toleration of another value",
			pod:    podWithTolerations(core.Toleration{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "user2", Effect: core.TaintEffectNoSchedule}),
			taints: []core.Taint{{Key: "dedicated", Value: "user1", Effect: core.TaintEffectNoSchedule}},
			want:   unresolvable("node(s) had untolerated taint {dedicated: user1}"),
		},
		{
			name:   "Exists tolerates any value",
			pod:    podWithTolerations(core.Toleration{Key: "foo", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule}),
			taints: []core.Taint{{Key: "foo", Value: "bar", Effect: core.TaintEffectNoSchedule}},
		},
		{
			name: "several tolerations for several taints",
			pod: podWithTolerations(
				core.Toleration{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "user2", Effect: core.TaintEffectNoSchedule},
				core.Toleration{Key: "foo", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule}),
			taints: []core.Taint{
				{Key: "dedicated", Value: "user2", Effect: core.TaintEffectNoSchedule},
				{Key: "foo", Value: "bar", Effect: core.TaintEffectNoSchedule},
			},
		},
		{
			name:   "a toleration of another effect",
			pod:    podWithTolerations(core.Toleration{Key: "foo", Operator: core.TolerationOpEqual, Value: "bar", Effect: core.TaintEffectPreferNoSchedule}),
			taints: []core.Taint{{Key: "foo", Value: "bar", Effect: core.TaintEffectNoSchedule}},
			want:   unresolvable("node(s) had untolerated taint {foo: bar}"),
		},
		{
			name:   "a toleration without effect tolerates NoSchedule",
			pod:    podWithTolerations(core.Toleration{Key: "foo", Operator: core.TolerationOpEqual, Value: "bar"}),
			taints: []core.Taint{{Key: "foo", Value: "bar", Effect: core.TaintEffectNoSchedule}},
		},
		{
			name:   "PreferNoSchedule taints do not filter",
			pod:    podWithTolerations(core.Toleration{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "user2", Effect: core.TaintEffectNoSchedule}),
			taints: []core.Taint{{Key: "dedicated", Value: "user1", Effect: core.TaintEffectPreferNoSchedule}},
		},
		{
			name:   "PreferNoSchedule taints do not filter a pod without tolerations",
			pod:    podWithTolerations(),
			taints: []core.Taint{{Key: "dedicated", Value: "user1", Effect: core.TaintEffectPreferNoSchedule}},
		},
		{
			name:   "NoExecute taints filter, and a valueless taint prints an empty value",
			pod:    podWithTolerations(),
			taints: []core.Taint{{Key: "node.kubernetes.io/unreachable", Effect: core.TaintEffectNoExecute}},
			want:   unresolvable("node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
		},
		{
			name: "the first untolerated taint is the one reported",
			pod:  podWithTolerations(core.Toleration{Key: "a", Operator: core.TolerationOpExists}),
			taints: []core.Taint{
				{Key: "soft", Effect: core.TaintEffectPreferNoSchedule},
				{Key: "a", Value: "x", Effect: core.TaintEffectNoSchedule},
				{Key: "b", Value: "y", Effect: core.TaintEffectNoExecute},
				{Key: "c", Value: "z", Effect: core.TaintEffectNoSchedule},
			},
			want: unresolvable("node(s) had untolerated taint {b: y}"),
		},
		{
			name: "a toleration of every taint",
			pod:  podWithTolerations(core.Toleration{Operator: core.TolerationOpExists}),
			taints: []core.Taint{
				{Key: "node.kubernetes.io/not-ready", Effect: core.TaintEffectNoExecute},
				{Key: "x", Value: "y", Effect: core.TaintEffectNoSchedule},
			},
		},
		{name: "an untainted node", pod: podWithTolerations()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(nil, []*core.Node{schedulertest.MakeNode().Name("nodeA").Taints(tt.taints...).Obj()})
			got := schedulertest.RunFilter(t, newPlugin(t, snap), tt.pod, snap)
			if diff := cmp.Diff(framework.NodeToStatus{"nodeA": tt.want}, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScore holds Kubernetes' own TestTaintTolerationScore cases.
func TestScore(t *testing.T) {
	node := func(name string, taints ...core.Taint) *core.Node {
		return schedulertest.MakeNode().Name(name).Taints(taints...).Obj()
	}
	prefer := func(key, value string) core.Taint {
		return core.Taint{Key: key, Value: value, Effect: core.TaintEffectPreferNoSchedule}
	}
	tests := []struct {
		name  string
		pod   *core.Pod
		nodes []*core.Node
		want  framework.NodeScoreList
	}{
		{
			name:  "a node whose taints are tolerated beats one whose are not",
			pod:   podWithTolerations(core.Toleration{Key: "foo", Operator: core.TolerationOpEqual, Value: "bar", Effect: core.TaintEffectPreferNoSchedule}),
			nodes: []*core.Node{node("nodeA", prefer("foo", "bar")), node("nodeB", prefer("foo", "blah"))},
			want:  framework.NodeScoreList{{Name: "nodeA", Score: framework.MaxNodeScore}, {Name: "nodeB", Score: 0}},
		},
		{
			name: "how many tolerated taints a node has does not matter",
			pod: podWithTolerations(
				core.Toleration{Key: "cpu-type", Operator: core.TolerationOpEqual, Value: "arm64", Effect: core.TaintEffectPreferNoSchedule},
				core.Toleration{Key: "disk-type", Operator: core.TolerationOpEqual, Value: "ssd", Effect: core.TaintEffectPreferNoSchedule}),
			nodes: []*core.Node{
				node("nodeA"),
				node("nodeB", prefer("cpu-type", "arm64")),
				node("nodeC", prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")),
			},
			want: framework.NodeScoreList{{Name: "nodeA", Score: 100}, {Name: "nodeB", Score: 100}, {Name: "nodeC", Score: 100}},
		},
		{
			name: "the more untolerated taints, the lower the score",
			pod:  podWithTolerations(core.Toleration{Key: "foo", Operator: core.TolerationOpEqual, Value: "bar", Effect: core.TaintEffectPreferNoSchedule}),
			nodes: []*core.Node{
				node("nodeA"),
				node("nodeB", prefer("cpu-type", "arm64")),
				node("nodeC", prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")),
			},
			want: framework.NodeScoreList{{Name: "nodeA", Score: 100}, {Name: "nodeB", Score: 50}, {Name: "nodeC", Score: 0}},
		},
		{
			name: "only PreferNoSchedule taints and tolerations count",
			pod: podWithTolerations(
				core.Toleration{Key: "cpu-type", Operator: core.TolerationOpEqual, Value: "arm64", Effect: core.TaintEffectNoSchedule},
				core.Toleration{Key: "disk-type", Operator: core.TolerationOpEqual, Value: "ssd", Effect: core.TaintEffectNoSchedule}),
			nodes: []*core.Node{
				node("nodeA"),
				node("nodeB", core.Taint{Key: "cpu-type", Value: "arm64", Effect: core.TaintEffectNoSchedule}),
				node("nodeC", prefer("cpu-type", "arm64"), prefer("disk-type", "ssd")),
			},
			want: framework.NodeScoreList{{Name: "nodeA", Score: 100}, {Name: "nodeB", Score: 100}, {Name: "nodeC", Score: 0}},
		},
		{
			name:  "without tolerations, the untainted node wins",
			pod:   podWithTolerations(),
			nodes: []*core.Node{node("nodeA"), node("nodeB", prefer("cpu-type", "arm64"))},
			want:  framework.NodeScoreList{{Name: "nodeA", Score: 100}, {Name: "nodeB", Score: 0}},
		},
		{
			name:  "a toleration without effect counts for PreferNoSchedule",
			pod:   podWithTolerations(core.Toleration{Key: "cpu-type", Operator: core.TolerationOpExists}),
			nodes: []*core.Node{node("nodeA"), node("nodeB", prefer("cpu-type", "arm64"))},
			want:  framework.NodeScoreList{{Name: "nodeA", Score: 100}, {Name: "nodeB", Score: 100}},
		},
		{
			name: "integer division, as Kubernetes rounds",
			pod:  podWithTolerations(),
			nodes: []*core.Node{
				node("nodeA", prefer("a", "")),
				node("nodeB", prefer("a", ""), prefer("b", "")),
				node("nodeC", prefer("a", ""), prefer("b", ""), prefer("c", "")),
			},
			// 100 - 100*1/3 = 67, 100 - 100*2/3 = 34, 100 - 100 = 0.
			want: framework.NodeScoreList{{Name: "nodeA", Score: 67}, {Name: "nodeB", Score: 34}, {Name: "nodeC", Score: 0}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(nil, tt.nodes)
			got := schedulertest.RunScore(t, newPlugin(t, snap), tt.pod, snap)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scores (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScoreWithoutPreScore(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{schedulertest.MakeNode().Name("a").Obj()})
	_, st := newPlugin(t, snap).Score(context.Background(), framework.NewCycleState(), podWithTolerations(), snap.NodeInfoList[0])
	if st.Code() != framework.Error {
		t.Errorf("Score without PreScore: %v, want an Error", st)
	}
}

func TestNew(t *testing.T) {
	for _, args := range []string{``, `null`, `{}`, `{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"TaintTolerationArgs"}`} {
		if _, err := tainttoleration.New(context.Background(), json.RawMessage(args), nil); err != nil {
			t.Errorf("New(%q): %v", args, err)
		}
	}
	if _, err := tainttoleration.New(context.Background(), json.RawMessage(`{"unknown":1}`), nil); err == nil {
		t.Error("New accepted an unknown arg")
	}
}

func TestEventsToRegister(t *testing.T) {
	events, err := newPlugin(t, framework.NewSnapshot(nil, nil)).EventsToRegister(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []framework.ClusterEvent
	for _, e := range events {
		got = append(got, e.Event)
		if e.QueueingHintFn == nil {
			t.Errorf("%+v has no hint", e.Event)
		}
	}
	want := []framework.ClusterEvent{
		{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeTaint},
		{Resource: framework.EventPod, ActionType: framework.UpdatePodTolerations},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

func TestQueueingHints(t *testing.T) {
	events, _ := newPlugin(t, framework.NewSnapshot(nil, nil)).EventsToRegister(context.Background())
	nodeHint, podHint := events[0].QueueingHintFn, events[1].QueueingHintFn
	pod := podWithTolerations(core.Toleration{Key: "foo", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule})
	tainted := func(taints ...core.Taint) *core.Node {
		return schedulertest.MakeNode().Name("n").Taints(taints...).Obj()
	}
	bar := core.Taint{Key: "bar", Effect: core.TaintEffectNoSchedule}
	foo := core.Taint{Key: "foo", Effect: core.TaintEffectNoSchedule}
	tests := []struct {
		name           string
		hint           framework.QueueingHintFn
		oldObj, newObj meta.Object
		want           framework.QueueingHint
		wantErr        bool
	}{
		{name: "node added with a tolerated taint", hint: nodeHint, newObj: tainted(foo), want: framework.Queue},
		{name: "node added with an untolerated taint", hint: nodeHint, newObj: tainted(bar), want: framework.QueueSkip},
		{name: "untolerated taint removed", hint: nodeHint, oldObj: tainted(bar), newObj: tainted(), want: framework.Queue},
		{name: "untolerated taint replaced by a tolerated one", hint: nodeHint, oldObj: tainted(bar), newObj: tainted(foo), want: framework.Queue},
		{name: "a tolerated node stays tolerated", hint: nodeHint, oldObj: tainted(foo), newObj: tainted(), want: framework.QueueSkip},
		{name: "node gains an untolerated taint", hint: nodeHint, oldObj: tainted(), newObj: tainted(bar), want: framework.QueueSkip},
		{name: "PreferNoSchedule taints do not matter", hint: nodeHint, oldObj: tainted(bar), newObj: tainted(core.Taint{Key: "bar", Effect: core.TaintEffectPreferNoSchedule}), want: framework.Queue},
		{name: "wrong object", hint: nodeHint, newObj: pod, want: framework.Queue, wantErr: true},
		{name: "no new object", hint: nodeHint, oldObj: tainted(), want: framework.Queue, wantErr: true},
		{name: "typed nil new object", hint: nodeHint, newObj: (*core.Node)(nil), want: framework.Queue, wantErr: true},
		{name: "the pod's own tolerations changed", hint: podHint, oldObj: pod, newObj: pod, want: framework.Queue},
		{name: "another pod's tolerations changed", hint: podHint, oldObj: pod, newObj: schedulertest.MakePod().Name("other").Obj(), want: framework.QueueSkip},
		{name: "pod hint given a node", hint: podHint, newObj: tainted(), want: framework.Queue, wantErr: true},
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

// TestConcurrentFilterScore runs Filter and Score from many goroutines, for the race detector.
func TestConcurrentFilterScore(t *testing.T) {
	snap := benchSnapshot(200)
	pl := newPlugin(t, snap)
	pod := podWithTolerations(core.Toleration{Key: "zone", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule})
	ctx := context.Background()
	state := framework.NewCycleState()
	if st := pl.PreScore(ctx, state, pod, snap.NodeInfoList); !st.IsSuccess() {
		t.Fatal(st)
	}
	framework.NewParallelizer(8).Until(ctx, len(snap.NodeInfoList), func(i int) {
		ni := snap.NodeInfoList[i]
		pl.Filter(ctx, state, pod, ni)
		if _, st := pl.Score(ctx, state, pod, ni); !st.IsSuccess() {
			t.Error(st)
		}
	})
}

// benchSnapshot makes n nodes: every third with a NoSchedule taint, every other with one or two
// PreferNoSchedule taints, as a mixed cluster has.
func benchSnapshot(n int) *framework.Snapshot {
	nodes := make([]*core.Node, n)
	for i := range nodes {
		w := schedulertest.MakeNode().Name(fmt.Sprintf("node-%d", i)).Label("zone", fmt.Sprintf("z%d", i%3))
		if i%3 == 0 {
			w.NoScheduleTaint("dedicated", fmt.Sprintf("team-%d", i%7))
		}
		if i%2 == 0 {
			w.PreferNoScheduleTaint("spot", "true")
		}
		if i%4 == 0 {
			w.PreferNoScheduleTaint("old-kernel", "")
		}
		nodes[i] = w.Obj()
	}
	return framework.NewSnapshot(nil, nodes)
}

// BenchmarkFilterScore is one pod's pass over 5,000 nodes: Filter on every node, then PreScore,
// Score on every node and NormalizeScore. In "fits", the pod tolerates every NoSchedule taint; in
// "rejected", a third of the nodes reject it, and each rejection allocates its Status and reason.
func BenchmarkFilterScore(b *testing.B) {
	snap := benchSnapshot(5000)
	pl := newPlugin(b, snap)
	common := []core.Toleration{
		{Key: "spot", Operator: core.TolerationOpExists, Effect: core.TaintEffectPreferNoSchedule},
		{Key: "node.kubernetes.io/not-ready", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute},
	}
	for _, bc := range []struct {
		name string
		tol  core.Toleration
	}{
		{"fits", core.Toleration{Key: "dedicated", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule}},
		{"rejected", core.Toleration{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "team-1", Effect: core.TaintEffectNoSchedule}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			pod := podWithTolerations(append([]core.Toleration{bc.tol}, common...)...)
			ctx := context.Background()
			scores := make(framework.NodeScoreList, len(snap.NodeInfoList))
			b.ReportAllocs()
			for b.Loop() {
				state := framework.NewCycleState()
				for _, ni := range snap.NodeInfoList {
					pl.Filter(ctx, state, pod, ni)
				}
				pl.PreScore(ctx, state, pod, snap.NodeInfoList)
				for i, ni := range snap.NodeInfoList {
					s, _ := pl.Score(ctx, state, pod, ni)
					scores[i] = framework.NodeScore{Name: ni.Node().Name, Score: s}
				}
				pl.NormalizeScore(ctx, state, pod, scores)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/5000, "ns/node")
		})
	}
}
