package interpodaffinity

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

var (
	fits         *framework.Status
	affinityFail = framework.NewStatus(framework.UnschedulableAndUnresolvable, ErrReasonAffinityRulesNotMatch)
	antiFail     = framework.NewStatus(framework.Unschedulable, ErrReasonAntiAffinityRulesNotMatch)
	existingFail = framework.NewStatus(framework.Unschedulable, ErrReasonExistingAntiAffinityRulesNotMatch)
	web          = map[string]string{"app": "web"}
)

// nsLister is namespaces and their labels.
type nsLister map[string]map[string]string

func (l nsLister) NamespaceLabels(name string) (map[string]string, bool) {
	v, ok := l[name]
	return v, ok
}

func (l nsLister) SelectNamespaces(sel labels.Selector) ([]string, error) {
	var out []string
	for n, ls := range l {
		if sel.Matches(labels.Set(ls)) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

func newPlugin(tb testing.TB, args string, opts Options, snap *framework.Snapshot) *InterPodAffinity {
	tb.Helper()
	var raw json.RawMessage
	if args != "" {
		raw = json.RawMessage(args)
	}
	pl, err := NewWithOptions(opts)(context.Background(), raw, schedulertest.NewHandle(snap))
	if err != nil {
		tb.Fatal(err)
	}
	return pl.(*InterPodAffinity)
}

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

// cluster is four nodes: n1 and n2 in region r1 (zones z11, z12), n3 in r2 (z21), n4 without
// region or zone.
func cluster() []*core.Node {
	return []*core.Node{
		schedulertest.MakeNode().Name("n1").Label("region", "r1").Label("zone", "z11").Obj(),
		schedulertest.MakeNode().Name("n2").Label("region", "r1").Label("zone", "z12").Obj(),
		schedulertest.MakeNode().Name("n3").Label("region", "r2").Label("zone", "z21").Obj(),
		schedulertest.MakeNode().Name("n4").Obj(),
	}
}

func running(name, node string, l map[string]string) *schedulertest.PodWrapper {
	return schedulertest.MakePod().Name(name).Node(node).Labels(l)
}

func statuses(n1, n2, n3, n4 *framework.Status) map[string]*framework.Status {
	return map[string]*framework.Status{"n1": n1, "n2": n2, "n3": n3, "n4": n4}
}

func TestFilter(t *testing.T) {
	teams := nsLister{"default": {"team": "a"}, "other": {"team": "a"}, "data": {"team": "b"}}
	webIn := core.PodAffinityTerm{TopologyKey: "region", LabelSelector: &meta.LabelSelector{
		MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: meta.LabelSelectorOpIn, Values: []string{"web", "other"}}},
	}}
	webNotIn := core.PodAffinityTerm{TopologyKey: "region", LabelSelector: &meta.LabelSelector{
		MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: meta.LabelSelectorOpNotIn, Values: []string{"db"}}},
	}}
	dbByTeam := core.PodAffinityTerm{TopologyKey: "region", LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
		NamespaceSelector: &meta.LabelSelector{MatchLabels: map[string]string{"team": "b"}}}
	dbAnywhere := core.PodAffinityTerm{TopologyKey: "region", LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "db"}},
		NamespaceSelector: &meta.LabelSelector{}}
	tests := []struct {
		name  string
		opts  Options
		pod   *core.Pod
		pods  []*core.Pod
		nodes []*core.Node
		want  map[string]*framework.Status
	}{
		{
			name: "no terms and no anti-affinity pods: skipped",
			pod:  schedulertest.MakePod().Name("p").Labels(web).Obj(),
			pods: []*core.Pod{running("w1", "n1", web).Obj()},
			want: statuses(fits, fits, fits, fits),
		},
		{
			name: "affinity: the region of a matching pod",
			pod:  schedulertest.MakePod().Name("p").RequiredPodAffinity("region", web).Obj(),
			pods: []*core.Pod{running("w1", "n1", web).Obj()},
			want: statuses(fits, fits, affinityFail, affinityFail),
		},
		{
			name: "affinity with the In operator",
			pod:  schedulertest.MakePod().Name("p").PodAffinityTerm(false, 0, webIn).Obj(),
			pods: []*core.Pod{running("w1", "n1", web).Obj()},
			want: statuses(fits, fits, affinityFail, affinityFail),
		},
		{
			name: "affinity with the NotIn operator",
			pod:  schedulertest.MakePod().Name("p").PodAffinityTerm(false, 0, webNotIn).Obj(),
			pods: []*core.Pod{running("d1", "n1", map[string]string{"app": "db"}).Obj(), running("w3", "n3", web).Obj()},
			want: statuses(affinityFail, affinityFail, fits, affinityFail),
		},
		{
			name: "affinity: a matching pod of another namespace does not count",
			pod:  schedulertest.MakePod().Name("p").RequiredPodAffinity("region", web).Obj(),
			pods: []*core.Pod{running("w1", "n1", web).Namespace("other").Obj()},
			want: statuses(affinityFail, affinityFail, affinityFail, affinityFail),
		},
		{
			name: "affinity: the first pod of a group may go wherever the topology key is",
			pod:  schedulertest.MakePod().Name("p").Labels(web).RequiredPodAffinity("region", web).Obj(),
			want: statuses(fits, fits, fits, affinityFail),
		},
		{
			name: "affinity: not the first pod when a matching one runs elsewhere",
			pod:  schedulertest.MakePod().Name("p").Labels(web).RequiredPodAffinity("region", web).Obj(),
			pods: []*core.Pod{running("w3", "n3", web).Obj()},
			want: statuses(affinityFail, affinityFail, fits, affinityFail),
		},
		{
			name: "affinity: no single pod matches every term",
			pod: schedulertest.MakePod().Name("p").RequiredPodAffinity("region", web).
				RequiredPodAffinity("zone", map[string]string{"tier": "front"}).Obj(),
			pods: []*core.Pod{running("w1", "n1", web).Obj(), running("f2", "n2", map[string]string{"tier": "front"}).Obj()},
			want: statuses(affinityFail, affinityFail, affinityFail, affinityFail),
		},
		{
			name: "affinity: one pod matching every term, in each term's domain",
			pod: schedulertest.MakePod().Name("p").RequiredPodAffinity("region", web).
				RequiredPodAffinity("zone", map[string]string{"tier": "front"}).Obj(),
			pods: []*core.Pod{running("wf1", "n1", map[string]string{"app": "web", "tier": "front"}).Obj()},
			want: statuses(fits, affinityFail, affinityFail, affinityFail),
		},
		{
			name: "anti-affinity: a matching pod in the zone",
			pod:  schedulertest.MakePod().Name("p").RequiredPodAntiAffinity("zone", web).Obj(),
			pods: []*core.Pod{running("w1", "n1", web).Obj()},
			want: statuses(antiFail, fits, fits, fits),
		},
		{
			name: "anti-affinity: a matching pod in the region",
			pod:  schedulertest.MakePod().Name("p").RequiredPodAntiAffinity("region", web).Obj(),
			pods: []*core.Pod{running("w1", "n1", web).Obj()},
			want: statuses(antiFail, antiFail, fits, fits),
		},
		{
			name: "anti-affinity: one matching term is enough",
			pod: schedulertest.MakePod().Name("p").RequiredPodAntiAffinity("zone", map[string]string{"app": "db"}).
				RequiredPodAntiAffinity("region", web).Obj(),
			pods: []*core.Pod{running("w3", "n3", web).Obj()},
			want: statuses(fits, fits, antiFail, fits),
		},
		{
			name: "running pods' anti-affinity keeps the pod out of their region",
			pod:  schedulertest.MakePod().Name("p").Labels(web).Obj(),
			pods: []*core.Pod{running("x1", "n1", nil).RequiredPodAntiAffinity("region", web).Obj()},
			want: statuses(existingFail, existingFail, fits, fits),
		},
		{
			name: "running pods' anti-affinity on a node without the key keeps nothing out",
			pod:  schedulertest.MakePod().Name("p").Labels(web).Obj(),
			pods: []*core.Pod{running("x4", "n4", nil).RequiredPodAntiAffinity("region", web).Obj()},
			want: statuses(fits, fits, fits, fits),
		},
		{
			name: "running pods' anti-affinity naming the pod's namespace",
			pod:  schedulertest.MakePod().Name("p").Labels(web).Obj(),
			pods: []*core.Pod{running("x1", "n1", nil).Namespace("other").PodAntiAffinityTerm(false, 0, core.PodAffinityTerm{
				TopologyKey: "region", LabelSelector: &meta.LabelSelector{MatchLabels: web}, Namespaces: []string{"default"},
			}).Obj()},
			want: statuses(existingFail, existingFail, fits, fits),
		},
		{
			name: "running pods' anti-affinity only covers their namespace by default",
			pod:  schedulertest.MakePod().Name("p").Labels(web).Obj(),
			pods: []*core.Pod{running("x1", "n1", nil).Namespace("other").RequiredPodAntiAffinity("region", web).Obj()},
			want: statuses(fits, fits, fits, fits),
		},
		{
			name: "running pods' anti-affinity selecting the pod's namespace by its labels",
			opts: Options{Namespaces: teams},
			pod:  schedulertest.MakePod().Name("p").Labels(web).Obj(),
			pods: []*core.Pod{running("x1", "n1", nil).Namespace("data").PodAntiAffinityTerm(false, 0, core.PodAffinityTerm{
				TopologyKey: "region", LabelSelector: &meta.LabelSelector{MatchLabels: web},
				NamespaceSelector: &meta.LabelSelector{MatchLabels: map[string]string{"team": "a"}},
			}).Obj()},
			want: statuses(existingFail, existingFail, fits, fits),
		},
		{
			name: "without a namespace lister, no namespace has labels",
			pod:  schedulertest.MakePod().Name("p").Labels(web).Obj(),
			pods: []*core.Pod{running("x1", "n1", nil).Namespace("data").PodAntiAffinityTerm(false, 0, core.PodAffinityTerm{
				TopologyKey: "region", LabelSelector: &meta.LabelSelector{MatchLabels: web},
				NamespaceSelector: &meta.LabelSelector{MatchLabels: map[string]string{"team": "a"}},
			}).Obj()},
			want: statuses(fits, fits, fits, fits),
		},
		{
			name: "affinity to pods of the namespaces a selector picks",
			opts: Options{Namespaces: teams},
			pod:  schedulertest.MakePod().Name("p").PodAffinityTerm(false, 0, dbByTeam).Obj(),
			pods: []*core.Pod{running("d3", "n3", map[string]string{"app": "db"}).Namespace("data").Obj(), running("d1", "n1", map[string]string{"app": "db"}).Obj()},
			want: statuses(affinityFail, affinityFail, fits, affinityFail),
		},
		{
			name: "affinity with a namespace selector but no lister selects nothing",
			pod:  schedulertest.MakePod().Name("p").PodAffinityTerm(false, 0, dbByTeam).Obj(),
			pods: []*core.Pod{running("d3", "n3", map[string]string{"app": "db"}).Namespace("data").Obj()},
			want: statuses(affinityFail, affinityFail, affinityFail, affinityFail),
		},
		{
			name: "an empty namespace selector selects every namespace",
			pod:  schedulertest.MakePod().Name("p").PodAffinityTerm(false, 0, dbAnywhere).Obj(),
			pods: []*core.Pod{running("d3", "n3", map[string]string{"app": "db"}).Namespace("data").Obj()},
			want: statuses(affinityFail, affinityFail, fits, affinityFail),
		},
		{
			name: "affinity and anti-affinity together",
			pod:  schedulertest.MakePod().Name("p").RequiredPodAffinity("region", web).RequiredPodAntiAffinity("zone", web).Obj(),
			pods: []*core.Pod{running("w1", "n1", web).Obj()},
			want: statuses(antiFail, fits, affinityFail, affinityFail),
		},
		{
			name: "affinity is checked first",
			pod:  schedulertest.MakePod().Name("p").Labels(web).RequiredPodAffinity("zone", map[string]string{"app": "db"}).Obj(),
			pods: []*core.Pod{running("d3", "n3", map[string]string{"app": "db"}).Obj(), running("x1", "n1", nil).RequiredPodAntiAffinity("region", web).Obj()},
			want: statuses(affinityFail, affinityFail, fits, affinityFail),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes := tt.nodes
			if nodes == nil {
				nodes = cluster()
			}
			snap := framework.NewSnapshot(tt.pods, nodes)
			pl := newPlugin(t, "", tt.opts, snap)
			checkStatuses(t, tt.want, schedulertest.RunFilter(t, pl, tt.pod, snap))
		})
	}
}

func TestPreFilterInvalidTerm(t *testing.T) {
	snap := framework.NewSnapshot(nil, cluster())
	pl := newPlugin(t, "", Options{}, snap)
	pod := schedulertest.MakePod().Name("p").PodAntiAffinityTerm(false, 0, core.PodAffinityTerm{TopologyKey: "zone", LabelSelector: &meta.LabelSelector{
		MatchExpressions: []meta.LabelSelectorRequirement{{Key: "app", Operator: meta.LabelSelectorOpIn, Values: []string{"{{.bad-value.}}"}}},
	}}).Obj()
	_, st := pl.PreFilter(context.Background(), framework.NewCycleState(), pod)
	if st.Code() != framework.UnschedulableAndUnresolvable || !strings.HasPrefix(st.Message(), "parsing pod: ") || !strings.Contains(st.Message(), "{{.bad-value.}}") {
		t.Errorf("PreFilter = %v", st)
	}
}

func TestFilterWithoutPreFilterIsAnError(t *testing.T) {
	snap := framework.NewSnapshot(nil, cluster())
	pl := newPlugin(t, "", Options{}, snap)
	ni, _ := snap.Get("n1")
	if st := pl.Filter(context.Background(), framework.NewCycleState(), schedulertest.MakePod().Name("p").Obj(), ni); st.Code() != framework.Error {
		t.Errorf("Filter = %v, want Error", st)
	}
}

// TestPreFilterExtensions checks preemption's view: adding and removing pods on a copy of the
// state changes what Filter says on that copy only.
func TestPreFilterExtensions(t *testing.T) {
	ctx := context.Background()
	w1 := running("w1", "n1", web).Obj()
	snap := framework.NewSnapshot([]*core.Pod{w1}, cluster())
	pl := newPlugin(t, "", Options{}, snap)
	node := func(name string) *framework.NodeInfo { ni, _ := snap.Get(name); return ni }

	t.Run("anti-affinity", func(t *testing.T) {
		pod := schedulertest.MakePod().Name("p").Labels(map[string]string{"app": "api"}).RequiredPodAntiAffinity("zone", web).Obj()
		state := framework.NewCycleState()
		if _, st := pl.PreFilter(ctx, state, pod); !st.IsSuccess() {
			t.Fatal(st)
		}
		if st := pl.Filter(ctx, state, pod, node("n1")); !st.Equal(antiFail) {
			t.Fatalf("before: %v", st)
		}
		c := state.Clone()
		ext := pl.PreFilterExtensions()
		if st := ext.RemovePod(ctx, c, pod, framework.NewPodInfo(w1), node("n1")); !st.IsSuccess() {
			t.Fatal(st)
		}
		if st := pl.Filter(ctx, c, pod, node("n1")); !st.IsSuccess() {
			t.Errorf("n1 after removing w1: %v", st)
		}
		if st := ext.AddPod(ctx, c, pod, framework.NewPodInfo(running("w3", "n3", web).Obj()), node("n3")); !st.IsSuccess() {
			t.Fatal(st)
		}
		if st := pl.Filter(ctx, c, pod, node("n3")); !st.Equal(antiFail) {
			t.Errorf("n3 after adding w3: %v", st)
		}
		// A pod whose anti-affinity rejects the pod, added to n2.
		hater := running("h2", "n2", nil).RequiredPodAntiAffinity("region", map[string]string{"app": "api"}).Obj()
		if st := ext.AddPod(ctx, c, pod, framework.NewPodInfo(hater), node("n2")); !st.IsSuccess() {
			t.Fatal(st)
		}
		for _, n := range []string{"n1", "n2"} {
			if st := pl.Filter(ctx, c, pod, node(n)); !st.Equal(existingFail) {
				t.Errorf("%s after adding h2: %v", n, st)
			}
		}
		if st := pl.Filter(ctx, state, pod, node("n1")); !st.Equal(antiFail) {
			t.Errorf("the original state changed: %v", st)
		}
		if st := pl.Filter(ctx, state, pod, node("n2")); !st.IsSuccess() {
			t.Errorf("the original state changed on n2: %v", st)
		}
	})
	t.Run("affinity", func(t *testing.T) {
		pod := schedulertest.MakePod().Name("p").RequiredPodAffinity("region", map[string]string{"app": "db"}).Obj()
		state := framework.NewCycleState()
		if _, st := pl.PreFilter(ctx, state, pod); !st.IsSuccess() {
			t.Fatal(st)
		}
		if st := pl.Filter(ctx, state, pod, node("n3")); !st.Equal(affinityFail) {
			t.Fatalf("before: %v", st)
		}
		c := state.Clone()
		db := running("d3", "n3", map[string]string{"app": "db"}).Obj()
		if st := pl.AddPod(ctx, c, pod, framework.NewPodInfo(db), node("n3")); !st.IsSuccess() {
			t.Fatal(st)
		}
		if st := pl.Filter(ctx, c, pod, node("n3")); !st.IsSuccess() {
			t.Errorf("n3 after adding d3: %v", st)
		}
		if st := pl.RemovePod(ctx, c, pod, framework.NewPodInfo(db), node("n3")); !st.IsSuccess() {
			t.Fatal(st)
		}
		if st := pl.Filter(ctx, c, pod, node("n3")); !st.Equal(affinityFail) {
			t.Errorf("n3 after removing d3 again: %v", st)
		}
	})
}
