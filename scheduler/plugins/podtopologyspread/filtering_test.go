package podtopologyspread

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

var (
	fits    *framework.Status
	skewed  = framework.NewStatus(framework.Unschedulable, ErrReasonConstraintsNotMatch)
	noLabel = framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonNodeLabelNotMatch)
	foo     = map[string]string{"foo": ""}
)

func newPlugin(tb testing.TB, args string, opts Options, snap *framework.Snapshot) *PodTopologySpread {
	tb.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	pl, err := NewWithOptions(opts)(context.Background(), raw, schedulertest.NewHandle(snap))
	if err != nil {
		tb.Fatal(err)
	}
	return pl.(*PodTopologySpread)
}

// zoned is a node in a zone (none when zone is "").
func zoned(name, zone string) *schedulertest.NodeWrapper {
	n := schedulertest.MakeNode().Name(name)
	if zone != "" {
		n.Label("zone", zone)
	}
	return n
}

// fooPod is an existing pod labelled foo on a node.
func fooPod(name, node string) *schedulertest.PodWrapper {
	return schedulertest.MakePod().Name(name).Node(node).Labels(foo)
}

func ptrTo[T any](v T) *T { return &v }

func checkStatuses(t *testing.T, want map[string]*framework.Status, got framework.NodeToStatus) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("got statuses for %d nodes, want %d: %v", len(got), len(want), got)
	}
	for name, w := range want {
		if g := got[name]; !w.Equal(g) {
			t.Errorf("node %s: got %v, want %v", name, g, w)
		}
	}
}

func TestFilter(t *testing.T) {
	fourNodes := []*core.Node{zoned("a", "zone1").Obj(), zoned("b", "zone1").Obj(), zoned("x", "zone2").Obj(), zoned("y", "zone2").Obj()}
	zoneFoo := func(p *schedulertest.PodWrapper) *schedulertest.PodWrapper {
		return p.SpreadConstraint(1, "zone", core.DoNotSchedule, foo)
	}
	honor, ignore := core.NodeInclusionPolicyHonor, core.NodeInclusionPolicyIgnore
	rs := func(p *schedulertest.PodWrapper, uid string) *schedulertest.PodWrapper {
		return p.ControlledBy("apps/v1", "ReplicaSet", uid, uid)
	}
	tests := []struct {
		name  string
		args  string
		opts  Options
		pod   *core.Pod
		pods  []*core.Pod
		nodes []*core.Node
		want  map[string]*framework.Status
	}{
		{
			name:  "no constraints: skipped",
			pod:   schedulertest.MakePod().Name("p").Labels(foo).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj()},
			nodes: fourNodes,
			want:  map[string]*framework.Status{"a": fits, "b": fits, "x": fits, "y": fits},
		},
		{
			// zone1 holds 3 matching pods, zone2 1: only zone2 stays within maxSkew 1.
			name: "one zone constraint, spread 3/1",
			pod:  zoneFoo(schedulertest.MakePod().Name("p").Labels(foo)).Obj(),
			pods: []*core.Pod{
				fooPod("a1", "a").Obj(), fooPod("a2", "a").Obj(), fooPod("b1", "b").Obj(), fooPod("x1", "x").Obj(),
			},
			nodes: fourNodes,
			want:  map[string]*framework.Status{"a": skewed, "b": skewed, "x": fits, "y": fits},
		},
		{
			name:  "the pod itself counts when it matches: spread 2/1",
			pod:   zoneFoo(schedulertest.MakePod().Name("p").Labels(foo)).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj(), fooPod("b1", "b").Obj(), fooPod("x1", "x").Obj()},
			nodes: fourNodes,
			want:  map[string]*framework.Status{"a": skewed, "b": skewed, "x": fits, "y": fits},
		},
		{
			name:  "the pod itself does not count when it does not match: spread 2/1",
			pod:   zoneFoo(schedulertest.MakePod().Name("p").Label("bar", "")).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj(), fooPod("b1", "b").Obj(), fooPod("x1", "x").Obj()},
			nodes: fourNodes,
			want:  map[string]*framework.Status{"a": fits, "b": fits, "x": fits, "y": fits},
		},
		{
			name:  "a node without the topology key is unresolvable",
			pod:   zoneFoo(schedulertest.MakePod().Name("p").Labels(foo)).Obj(),
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("b", "").Obj()},
			want:  map[string]*framework.Status{"a": fits, "b": noLabel},
		},
		{
			name: "minDomains above the domains makes the global minimum 0",
			pod: schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, MinDomains: ptrTo[int32](3),
			}).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj(), fooPod("x1", "x").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": skewed, "x": skewed},
		},
		{
			name: "minDomains reached: the least-loaded domain is the minimum",
			pod: schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, MinDomains: ptrTo[int32](2),
			}).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj(), fooPod("x1", "x").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": fits, "x": fits},
		},
		{
			// With nodeAffinityPolicy Honor (the default), zone2 holds no node the pod may
			// run on, so it is no domain and zone1 (1 pod) is the minimum.
			name:  "nodeAffinityPolicy Honor leaves out nodes the nodeSelector rejects",
			pod:   zoneFoo(schedulertest.MakePod().Name("p").Labels(foo).NodeSelector(map[string]string{"ssd": "true"})).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Label("ssd", "true").Obj(), zoned("b", "zone1").Label("ssd", "true").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": fits, "b": fits, "x": fits},
		},
		{
			name:  "nodeAffinityPolicy Honor leaves out nodes the required node affinity rejects",
			pod:   zoneFoo(schedulertest.MakePod().Name("p").Labels(foo).RequiredNodeAffinityIn("ssd", "true")).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Label("ssd", "true").Obj(), zoned("b", "zone1").Label("ssd", "true").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": fits, "b": fits, "x": fits},
		},
		{
			name: "nodeAffinityPolicy Ignore counts every node",
			pod: schedulertest.MakePod().Name("p").Labels(foo).NodeSelector(map[string]string{"ssd": "true"}).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, NodeAffinityPolicy: &ignore,
			}).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Label("ssd", "true").Obj(), zoned("b", "zone1").Label("ssd", "true").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": skewed, "b": skewed, "x": fits},
		},
		{
			name:  "nodeTaintsPolicy Ignore (the default) counts tainted nodes",
			pod:   zoneFoo(schedulertest.MakePod().Name("p").Labels(foo)).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Taints(core.Taint{Key: "dedicated", Effect: core.TaintEffectNoSchedule}).Obj()},
			want:  map[string]*framework.Status{"a": skewed, "x": fits},
		},
		{
			name: "nodeTaintsPolicy Honor leaves out nodes with untolerated taints",
			pod: schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, NodeTaintsPolicy: &honor,
			}).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Taints(core.Taint{Key: "dedicated", Effect: core.TaintEffectNoSchedule}).Obj()},
			want:  map[string]*framework.Status{"a": fits, "x": fits},
		},
		{
			name: "nodeTaintsPolicy Honor counts nodes whose taints the pod tolerates",
			pod: schedulertest.MakePod().Name("p").Labels(foo).Tolerations(core.Toleration{Key: "dedicated", Operator: core.TolerationOpExists}).
				TopologySpread(core.TopologySpreadConstraint{
					MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule,
					LabelSelector: &meta.LabelSelector{MatchLabels: foo}, NodeTaintsPolicy: &honor,
				}).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Taints(core.Taint{Key: "dedicated", Effect: core.TaintEffectNoSchedule}).Obj()},
			want:  map[string]*framework.Status{"a": skewed, "x": fits},
		},
		{
			name: "nodeTaintsPolicy Honor ignores PreferNoSchedule taints",
			pod: schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, NodeTaintsPolicy: &honor,
			}).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Taints(core.Taint{Key: "dedicated", Effect: core.TaintEffectPreferNoSchedule}).Obj()},
			want:  map[string]*framework.Status{"a": skewed, "x": fits},
		},
		{
			// Without matchLabelKeys the old revision's pods would make zone1 2/1 too full.
			name: "matchLabelKeys counts only the pod's own revision",
			pod: schedulertest.MakePod().Name("p").Labels(map[string]string{"app": "web", "rev": "2"}).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule,
				LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, MatchLabelKeys: []string{"rev"},
			}).Obj(),
			pods: []*core.Pod{
				schedulertest.MakePod().Name("a1").Node("a").Labels(map[string]string{"app": "web", "rev": "1"}).Obj(),
				schedulertest.MakePod().Name("a2").Node("a").Labels(map[string]string{"app": "web", "rev": "1"}).Obj(),
				schedulertest.MakePod().Name("x1").Node("x").Labels(map[string]string{"app": "web", "rev": "2"}).Obj(),
			},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": fits, "x": skewed},
		},
		{
			name: "without matchLabelKeys every revision counts",
			pod: schedulertest.MakePod().Name("p").Labels(map[string]string{"app": "web", "rev": "2"}).
				SpreadConstraint(1, "zone", core.DoNotSchedule, map[string]string{"app": "web"}).Obj(),
			pods: []*core.Pod{
				schedulertest.MakePod().Name("a1").Node("a").Labels(map[string]string{"app": "web", "rev": "1"}).Obj(),
				schedulertest.MakePod().Name("a2").Node("a").Labels(map[string]string{"app": "web", "rev": "1"}).Obj(),
				schedulertest.MakePod().Name("x1").Node("x").Labels(map[string]string{"app": "web", "rev": "2"}).Obj(),
			},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": skewed, "x": fits},
		},
		{
			name: "terminating pods and pods of other namespaces do not count",
			pod:  zoneFoo(schedulertest.MakePod().Name("p").Labels(foo)).Obj(),
			pods: []*core.Pod{
				fooPod("a1", "a").Deleting().Obj(), fooPod("a2", "a").Namespace("other").Obj(), fooPod("x1", "x").Obj(),
			},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": fits, "x": skewed},
		},
		{
			// zone: 3/3; hostname: 2/1/0/3. Only x is within both maxSkews.
			name: "two constraints, zone and hostname",
			pod: zoneFoo(schedulertest.MakePod().Name("p").Labels(foo)).
				SpreadConstraint(1, LabelHostname, core.DoNotSchedule, foo).Obj(),
			pods: []*core.Pod{
				fooPod("a1", "a").Obj(), fooPod("a2", "a").Obj(), fooPod("b1", "b").Obj(),
				fooPod("y1", "y").Obj(), fooPod("y2", "y").Obj(), fooPod("y3", "y").Obj(),
			},
			nodes: fourNodes,
			want:  map[string]*framework.Status{"a": skewed, "b": skewed, "x": fits, "y": skewed},
		},
		{
			name:  "a nil labelSelector selects nothing, not even the pod",
			pod:   schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule}).Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Obj(), fooPod("a2", "a").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Obj()},
			want:  map[string]*framework.Status{"a": fits, "x": fits},
		},
		{
			// The default constraint selects the pods of the same ReplicaSet: rs-1 has one on
			// a and none on b, whatever rs-2 runs.
			name:  "List default constraints select the pods of the same controller",
			args:  `{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"DoNotSchedule"}]}`,
			pod:   rs(schedulertest.MakePod().Name("p").Label("app", "web"), "rs-1").Obj(),
			pods:  []*core.Pod{rs(fooPod("a1", "a").Label("app", "web"), "rs-1").Obj(), rs(fooPod("b1", "b").Label("app", "web"), "rs-2").Obj(), rs(fooPod("b2", "b").Label("app", "web"), "rs-2").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("b", "zone1").Obj()},
			want:  map[string]*framework.Status{"a": skewed, "b": fits},
		},
		{
			// With a lister, the ReplicaSet's selector (app=web) counts rs-2's pods too: 1/2.
			name: "List default constraints with a ControllerLister use the controller's selector",
			args: `{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"DoNotSchedule"}]}`,
			opts: Options{Controllers: ControllerListerFunc(func(ns string, ref *meta.OwnerReference) (*meta.LabelSelector, bool) {
				if ns == "default" && ref.Name == "rs-1" && ref.Kind == "ReplicaSet" {
					return &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, true
				}
				return nil, false
			})},
			pod:   rs(schedulertest.MakePod().Name("p").Label("app", "web"), "rs-1").Obj(),
			pods:  []*core.Pod{rs(fooPod("a1", "a").Label("app", "web"), "rs-1").Obj(), rs(fooPod("b1", "b").Label("app", "web"), "rs-2").Obj(), rs(fooPod("b2", "b").Label("app", "web"), "rs-2").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("b", "zone1").Obj()},
			want:  map[string]*framework.Status{"a": fits, "b": skewed},
		},
		{
			name:  "default constraints do not apply to a pod without a workload",
			args:  `{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"DoNotSchedule"}]}`,
			pod:   schedulertest.MakePod().Name("p").Label("app", "web").Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").Label("app", "web").Obj(), fooPod("a2", "a").Label("app", "web").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("b", "zone1").Obj()},
			want:  map[string]*framework.Status{"a": fits, "b": fits},
		},
		{
			name:  "default constraints do not apply to a pod of an unsupported controller",
			args:  `{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"DoNotSchedule"}]}`,
			pod:   schedulertest.MakePod().Name("p").ControlledBy("batch/v1", "Job", "j", "j-1").Obj(),
			pods:  []*core.Pod{fooPod("a1", "a").ControlledBy("batch/v1", "Job", "j", "j-1").Obj(), fooPod("a2", "a").ControlledBy("batch/v1", "Job", "j", "j-1").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("b", "zone1").Obj()},
			want:  map[string]*framework.Status{"a": fits, "b": fits},
		},
		{
			name:  "the system defaults are ScheduleAnyway: Filter lets everything through",
			pod:   rs(schedulertest.MakePod().Name("p"), "rs-1").Obj(),
			pods:  []*core.Pod{rs(fooPod("a1", "a"), "rs-1").Obj(), rs(fooPod("a2", "a"), "rs-1").Obj(), rs(fooPod("a3", "a"), "rs-1").Obj(), rs(fooPod("a4", "a"), "rs-1").Obj(), rs(fooPod("a5", "a"), "rs-1").Obj()},
			nodes: []*core.Node{zoned("a", "zone1").Obj(), zoned("b", "zone1").Obj()},
			want:  map[string]*framework.Status{"a": fits, "b": fits},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(tt.pods, tt.nodes)
			pl := newPlugin(t, tt.args, tt.opts, snap)
			checkStatuses(t, tt.want, schedulertest.RunFilter(t, pl, tt.pod, snap))
		})
	}
}

func TestPreFilterSkipsPodsWithoutHardConstraints(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{zoned("a", "zone1").Obj()})
	pl := newPlugin(t, "", Options{}, snap)
	for _, pod := range []*core.Pod{
		schedulertest.MakePod().Name("plain").Obj(),
		schedulertest.MakePod().Name("soft").SpreadConstraint(1, "zone", core.ScheduleAnyway, foo).Obj(),
	} {
		if _, st := pl.PreFilter(context.Background(), framework.NewCycleState(), pod); !st.IsSkip() {
			t.Errorf("%s: PreFilter = %v, want Skip", pod.Name, st)
		}
	}
}

func TestFilterWithoutPreFilterIsAnError(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{zoned("a", "zone1").Obj()})
	pl := newPlugin(t, "", Options{}, snap)
	ni, _ := snap.Get("a")
	st := pl.Filter(context.Background(), framework.NewCycleState(), schedulertest.MakePod().Name("p").Obj(), ni)
	if st.Code() != framework.Error {
		t.Errorf("Filter = %v, want Error", st)
	}
}

// TestPreFilterExtensions checks preemption's view: removing pods from a copy of the state
// changes what Filter says on that copy only.
func TestPreFilterExtensions(t *testing.T) {
	a1, a2 := fooPod("a1", "a").Obj(), fooPod("a2", "a").Obj()
	nodes := []*core.Node{zoned("a", "zone1").Obj(), zoned("b", "zone1").Obj(), zoned("x", "zone2").Obj()}
	snap := framework.NewSnapshot([]*core.Pod{a1, a2, fooPod("b1", "b").Obj(), fooPod("x1", "x").Obj()}, nodes)
	pl := newPlugin(t, "", Options{}, snap)
	pod := schedulertest.MakePod().Name("p").Labels(foo).SpreadConstraint(1, "zone", core.DoNotSchedule, foo).Obj()
	ctx := context.Background()
	state := framework.NewCycleState()
	if _, st := pl.PreFilter(ctx, state, pod); !st.IsSuccess() {
		t.Fatal(st)
	}
	nodeA, _ := snap.Get("a")
	nodeX, _ := snap.Get("x")
	filterA := func(s *framework.CycleState) *framework.Status { return pl.Filter(ctx, s, pod, nodeA) }
	if st := filterA(state); !st.Equal(skewed) {
		t.Fatalf("before: %v", st)
	}

	victims := state.Clone()
	ext := pl.PreFilterExtensions()
	if st := ext.RemovePod(ctx, victims, pod, framework.NewPodInfo(a1), nodeA); !st.IsSuccess() {
		t.Fatal(st)
	}
	if st := filterA(victims); !st.Equal(skewed) { // zone1 2, zone2 1: 2+1-1 > 1
		t.Errorf("after removing a1: %v, want %v", st, skewed)
	}
	// Pods of other namespaces and pods the selector does not match change nothing.
	for _, p := range []*core.Pod{fooPod("o1", "a").Namespace("other").Obj(), schedulertest.MakePod().Name("n1").Node("a").Obj()} {
		if st := ext.RemovePod(ctx, victims, pod, framework.NewPodInfo(p), nodeA); !st.IsSuccess() {
			t.Fatal(st)
		}
	}
	if st := ext.RemovePod(ctx, victims, pod, framework.NewPodInfo(a2), nodeA); !st.IsSuccess() {
		t.Fatal(st)
	}
	if st := filterA(victims); !st.IsSuccess() { // zone1 1, zone2 1
		t.Errorf("after removing a1 and a2: %v, want success", st)
	}
	// Adding two pods to zone2 makes zone1 the minimum again, and x too full.
	for _, name := range []string{"x2", "x3"} {
		if st := ext.AddPod(ctx, victims, pod, framework.NewPodInfo(fooPod(name, "x").Obj()), nodeX); !st.IsSuccess() {
			t.Fatal(st)
		}
	}
	if st := pl.Filter(ctx, victims, pod, nodeX); !st.Equal(skewed) {
		t.Errorf("x after adding two pods: %v, want %v", st, skewed)
	}
	if st := filterA(victims); !st.IsSuccess() {
		t.Errorf("a after adding two pods to x: %v, want success", st)
	}
	// The original state is untouched.
	if st := filterA(state); !st.Equal(skewed) {
		t.Errorf("original state changed: %v", st)
	}
	if st := pl.Filter(ctx, state, pod, nodeX); !st.IsSuccess() {
		t.Errorf("original state changed on x: %v", st)
	}
}

func TestCriticalPaths(t *testing.T) {
	p := newCriticalPaths()
	for _, u := range []struct {
		v string
		n int
	}{{"a", 3}, {"b", 1}, {"c", 2}} {
		p.update(u.v, u.n)
	}
	if p[0] != (criticalPath{"b", 1}) || p[1] != (criticalPath{"c", 2}) {
		t.Fatalf("paths %v", p)
	}
	p.update("b", 4) // b grows past c
	if p[0] != (criticalPath{"c", 2}) || p[1] != (criticalPath{"b", 4}) {
		t.Fatalf("paths after b=4: %v", p)
	}
	p.update("a", 0)
	if p[0] != (criticalPath{"a", 0}) || p[1] != (criticalPath{"c", 2}) {
		t.Fatalf("paths after a=0: %v", p)
	}
}
