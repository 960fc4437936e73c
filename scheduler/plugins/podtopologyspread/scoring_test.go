package podtopologyspread

import (
	"context"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// hosted is a node with only the hostname label, which the builder's Name sets.
func hosted(name string) *schedulertest.NodeWrapper { return schedulertest.MakeNode().Name(name) }

// withoutHostname drops the hostname label the builder sets, for nodes that must lack it.
func withoutHostname(n *core.Node) *core.Node {
	delete(n.Labels, LabelHostname)
	return n
}

// fooPods makes n pods labelled foo on a node.
func fooPods(node string, n int) []*core.Pod {
	var out []*core.Pod
	for i := range n {
		out = append(out, fooPod(node+"-"+string(rune('1'+i)), node).Obj())
	}
	return out
}

func concat(lists ...[]*core.Pod) []*core.Pod {
	var out []*core.Pod
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// TestScore follows Kubernetes' TestPodTopologySpreadScore table, with its expected scores.
func TestScore(t *testing.T) {
	fooSel, barSel := foo, map[string]string{"bar": ""}
	soft := func(p *schedulertest.PodWrapper, maxSkew int32, key string, sel map[string]string) *schedulertest.PodWrapper {
		return p.SpreadConstraint(maxSkew, key, core.ScheduleAnyway, sel)
	}
	fooBar := map[string]string{"foo": "", "bar": ""}
	ignore, honor := core.NodeInclusionPolicyIgnore, core.NodeInclusionPolicyHonor
	unschedulableTaint := core.Taint{Key: "node.kubernetes.io/unschedulable", Effect: core.TaintEffectNoSchedule}
	spread4321 := concat(fooPods("node-a", 4), fooPods("node-b", 3), fooPods("node-c", 2), fooPods("node-d", 1))
	abcd := []*core.Node{hosted("node-a").Obj(), hosted("node-b").Obj(), hosted("node-c").Obj(), hosted("node-d").Obj()}
	zones4 := func() []*core.Node {
		return []*core.Node{
			hosted("node-a").Label("zone", "zone1").Obj(), hosted("node-b").Label("zone", "zone1").Obj(),
			hosted("node-x").Label("zone", "zone2").Obj(), hosted("node-y").Label("zone", "zone2").Obj(),
		}
	}
	tests := []struct {
		name       string
		opts       Options
		pod        *core.Pod
		pods       []*core.Pod
		nodes      []*core.Node
		candidates []string // all nodes when empty
		want       framework.NodeScoreList
	}{
		{
			name:  "one constraint on node, no existing pods",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo), 1, LabelHostname, fooSel).Obj(),
			nodes: []*core.Node{hosted("node-a").Obj(), hosted("node-b").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 100}, {Name: "node-b", Score: 100}},
		},
		{
			name:       "one constraint on node, only one node is candidate",
			pod:        soft(schedulertest.MakePod().Name("p").Labels(foo), 1, LabelHostname, fooSel).Obj(),
			pods:       concat(fooPods("node-a", 2), fooPods("node-b", 1)),
			nodes:      []*core.Node{hosted("node-a").Obj(), hosted("node-b").Obj()},
			candidates: []string{"node-a"},
			want:       framework.NodeScoreList{{Name: "node-a", Score: 100}},
		},
		{
			name:  "one constraint on node, all nodes have the same number of matching pods",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo), 1, LabelHostname, fooSel).Obj(),
			pods:  concat(fooPods("node-a", 1), fooPods("node-b", 1)),
			nodes: []*core.Node{hosted("node-a").Obj(), hosted("node-b").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 100}, {Name: "node-b", Score: 100}},
		},
		{
			name:  "one constraint on node, all 4 nodes are candidates (2/1/0/3)",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo), 1, LabelHostname, fooSel).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-d", 3)),
			nodes: abcd,
			want:  framework.NodeScoreList{{Name: "node-a", Score: 20}, {Name: "node-b", Score: 60}, {Name: "node-c", Score: 100}, {Name: "node-d", Score: 0}},
		},
		{
			name: "one constraint on node, null selector",
			pod: schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: LabelHostname, WhenUnsatisfiable: core.ScheduleAnyway,
			}).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-d", 3)),
			nodes: abcd,
			want:  framework.NodeScoreList{{Name: "node-a", Score: 100}, {Name: "node-b", Score: 100}, {Name: "node-c", Score: 100}, {Name: "node-d", Score: 100}},
		},
		{
			name:  "one constraint on node, all 4 nodes are candidates, maxSkew=2",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo), 2, LabelHostname, fooSel).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-d", 3)),
			nodes: abcd,
			want:  framework.NodeScoreList{{Name: "node-a", Score: 33}, {Name: "node-b", Score: 66}, {Name: "node-c", Score: 100}, {Name: "node-d", Score: 16}},
		},
		{
			name:  "one constraint on node, all 4 nodes are candidates, maxSkew=3",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo), 3, LabelHostname, fooSel).Obj(),
			pods:  spread4321,
			nodes: abcd,
			want:  framework.NodeScoreList{{Name: "node-a", Score: 44}, {Name: "node-b", Score: 66}, {Name: "node-c", Score: 77}, {Name: "node-d", Score: 100}},
		},
		{
			name: "system defaulting, nodes don't have zone, pods match service",
			opts: Options{Services: ServiceListerFunc(func(p *core.Pod) []map[string]string {
				if labels.SelectorFromSet(foo).Matches(labels.Set(p.Labels)) {
					return []map[string]string{foo}
				}
				return nil
			})},
			pod:   schedulertest.MakePod().Name("p").Labels(foo).Obj(),
			pods:  spread4321,
			nodes: abcd,
			// Same scores as with one spreading constraint.
			want: framework.NodeScoreList{{Name: "node-a", Score: 44}, {Name: "node-b", Score: 66}, {Name: "node-c", Score: 77}, {Name: "node-d", Score: 100}},
		},
		{
			name: "system defaulting without listers spreads the pods of the same ReplicaSet",
			pod:  schedulertest.MakePod().Name("p").Labels(foo).ControlledBy("apps/v1", "ReplicaSet", "rs", "rs-uid").Obj(),
			pods: func() []*core.Pod {
				ps := spread4321
				var out []*core.Pod
				for _, p := range ps {
					q := *p
					q.OwnerReferences = []meta.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs", UID: "rs-uid", Controller: ptrTo(true)}}
					out = append(out, &q)
				}
				// Pods of another ReplicaSet with the same labels do not count.
				out = append(out, fooPod("other", "node-d").ControlledBy("apps/v1", "ReplicaSet", "rs2", "rs2-uid").Obj())
				return out
			}(),
			nodes: abcd,
			want:  framework.NodeScoreList{{Name: "node-a", Score: 44}, {Name: "node-b", Score: 66}, {Name: "node-c", Score: 77}, {Name: "node-d", Score: 100}},
		},
		{
			name:       "one constraint on node, 3 out of 4 nodes are candidates (4/2/1/~3~)",
			pod:        soft(schedulertest.MakePod().Name("p").Labels(foo), 1, LabelHostname, fooSel).Obj(),
			pods:       concat(fooPods("node-a", 4), fooPods("node-b", 2), fooPods("node-x", 1), fooPods("node-y", 3)),
			nodes:      []*core.Node{hosted("node-a").Obj(), hosted("node-b").Obj(), hosted("node-x").Obj(), hosted("node-y").Obj()},
			candidates: []string{"node-a", "node-b", "node-x"},
			want:       framework.NodeScoreList{{Name: "node-a", Score: 33}, {Name: "node-b", Score: 83}, {Name: "node-x", Score: 100}},
		},
		{
			name:       "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key",
			pod:        soft(schedulertest.MakePod().Name("p").Labels(foo), 1, LabelHostname, fooSel).Obj(),
			pods:       concat(fooPods("node-a", 4), fooPods("node-b", 2), fooPods("node-x", 1), fooPods("node-y", 3)),
			nodes:      []*core.Node{hosted("node-a").Obj(), withoutHostname(hosted("node-b").Label("n", "node-b").Obj()), hosted("node-x").Obj(), hosted("node-y").Obj()},
			candidates: []string{"node-a", "node-b", "node-x"},
			want:       framework.NodeScoreList{{Name: "node-a", Score: 16}, {Name: "node-b", Score: 0}, {Name: "node-x", Score: 100}},
		},
		{
			name:       "one constraint on zone, 3 out of 4 nodes are candidates",
			pod:        soft(schedulertest.MakePod().Name("p").Labels(foo), 1, "zone", fooSel).Obj(),
			pods:       concat(fooPods("node-a", 4), fooPods("node-b", 2), fooPods("node-x", 1), fooPods("node-y", 3)),
			nodes:      zones4(),
			candidates: []string{"node-a", "node-b", "node-x"},
			want:       framework.NodeScoreList{{Name: "node-a", Score: 75}, {Name: "node-b", Score: 75}, {Name: "node-x", Score: 100}},
		},
		{
			name:       "two constraints on zone and node, 2 out of 4 nodes are candidates",
			pod:        soft(soft(schedulertest.MakePod().Name("p").Labels(foo), 1, "zone", fooSel), 1, LabelHostname, fooSel).Obj(),
			pods:       concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-x", 2), fooPods("node-y", 4)),
			nodes:      zones4(),
			candidates: []string{"node-a", "node-x"},
			want:       framework.NodeScoreList{{Name: "node-a", Score: 100}, {Name: "node-x", Score: 63}},
		},
		{
			name: "two constraints on zone, 2 out of 4 nodes are candidates",
			pod:  soft(soft(schedulertest.MakePod().Name("p").Labels(fooBar), 1, "zone", fooSel), 1, "zone", barSel).Obj(),
			pods: []*core.Pod{
				fooPod("p-a1", "node-a").Label("bar", "").Obj(), fooPod("p-a2", "node-a").Obj(),
				fooPod("p-b1", "node-b").Label("bar", "").Obj(), fooPod("p-y1", "node-y").Obj(),
				fooPod("p-y2", "node-y").Label("bar", "").Obj(), fooPod("p-y3", "node-y").Obj(),
			},
			nodes:      zones4(),
			candidates: []string{"node-a", "node-x"},
			want:       framework.NodeScoreList{{Name: "node-a", Score: 85}, {Name: "node-x", Score: 100}},
		},
		{
			// zone (foo): 2/2/1/1; node (bar): 0/1/0/1.
			name: "two constraints on zone and node, with different labelSelectors",
			pod:  soft(soft(schedulertest.MakePod().Name("p").Labels(fooBar), 1, "zone", fooSel), 1, LabelHostname, barSel).Obj(),
			pods: []*core.Pod{
				fooPod("p-a1", "node-a").Obj(), fooPod("p-b1", "node-b").Label("bar", "").Obj(),
				fooPod("p-y1", "node-y").Obj(), schedulertest.MakePod().Name("p-y2").Node("node-y").Label("bar", "").Obj(),
			},
			nodes: zones4(),
			want:  framework.NodeScoreList{{Name: "node-a", Score: 60}, {Name: "node-b", Score: 20}, {Name: "node-x", Score: 100}, {Name: "node-y", Score: 60}},
		},
		{
			// zone (foo): 0/0/2/2; node (bar): 0/1/0/1.
			name: "two constraints on zone and node, with different labelSelectors, some nodes have 0 pods",
			pod:  soft(soft(schedulertest.MakePod().Name("p").Labels(fooBar), 1, "zone", fooSel), 1, LabelHostname, barSel).Obj(),
			pods: []*core.Pod{
				schedulertest.MakePod().Name("p-b1").Node("node-b").Label("bar", "").Obj(),
				fooPod("p-x1", "node-x").Obj(), fooPod("p-y1", "node-y").Label("bar", "").Obj(),
			},
			nodes: zones4(),
			want:  framework.NodeScoreList{{Name: "node-a", Score: 100}, {Name: "node-b", Score: 60}, {Name: "node-x", Score: 40}, {Name: "node-y", Score: 0}},
		},
		{
			// zone (foo): 2/2/1/~1~; node (bar): 0/1/0/~1~.
			name: "two constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates",
			pod:  soft(soft(schedulertest.MakePod().Name("p").Labels(fooBar), 1, "zone", fooSel), 1, LabelHostname, barSel).Obj(),
			pods: []*core.Pod{
				fooPod("p-a1", "node-a").Obj(), fooPod("p-b1", "node-b").Label("bar", "").Obj(),
				fooPod("p-y1", "node-y").Obj(), schedulertest.MakePod().Name("p-y2").Node("node-y").Label("bar", "").Obj(),
			},
			nodes:      zones4(),
			candidates: []string{"node-a", "node-b", "node-x"},
			want:       framework.NodeScoreList{{Name: "node-a", Score: 50}, {Name: "node-b", Score: 25}, {Name: "node-x", Score: 100}},
		},
		{
			name:  "existing pods in a different namespace do not count",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo), 1, LabelHostname, fooSel).Obj(),
			pods:  []*core.Pod{fooPod("p-a1", "node-a").Namespace("ns1").Obj(), fooPod("p-a2", "node-a").Obj(), fooPod("p-b1", "node-b").Obj(), fooPod("p-b2", "node-b").Obj()},
			nodes: []*core.Node{hosted("node-a").Obj(), hosted("node-b").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 100}, {Name: "node-b", Score: 33}},
		},
		{
			name:  "terminating pods are excluded",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo), 1, LabelHostname, fooSel).Obj(),
			pods:  []*core.Pod{fooPod("p-a", "node-a").Deleting().Obj(), fooPod("p-b", "node-b").Obj()},
			nodes: []*core.Node{hosted("node-a").Obj(), hosted("node-b").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 100}, {Name: "node-b", Score: 0}},
		},
		{
			// Artificial: the API server rejects minDomains with ScheduleAnyway.
			name: "minDomains has no effect when ScheduleAnyway",
			pod: schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 2, TopologyKey: "node", WhenUnsatisfiable: core.ScheduleAnyway,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, MinDomains: ptrTo[int32](10),
			}).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 2), fooPods("node-c", 1)),
			nodes: []*core.Node{hosted("node-a").Label("node", "node-a").Obj(), hosted("node-b").Label("node", "node-b").Obj(), hosted("node-c").Label("node", "node-c").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 75}, {Name: "node-b", Score: 75}, {Name: "node-c", Score: 100}},
		},
		{
			name:  "NodeAffinityPolicy honored with labelSelectors",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo).NodeSelector(foo), 1, "node", fooSel).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-c", 1)),
			nodes: []*core.Node{hosted("node-a").Label("node", "node-a").Label("foo", "").Obj(), hosted("node-b").Label("node", "node-b").Label("foo", "").Obj(), hosted("node-c").Label("node", "node-c").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 0}, {Name: "node-b", Score: 33}, {Name: "node-c", Score: 100}},
		},
		{
			name: "NodeAffinityPolicy ignored with labelSelectors",
			pod: schedulertest.MakePod().Name("p").Labels(foo).NodeSelector(foo).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "node", WhenUnsatisfiable: core.ScheduleAnyway,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, NodeAffinityPolicy: &ignore,
			}).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-c", 1)),
			nodes: []*core.Node{hosted("node-a").Label("node", "node-a").Label("foo", "").Obj(), hosted("node-b").Label("node", "node-b").Label("foo", "").Obj(), hosted("node-c").Label("node", "node-c").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 66}, {Name: "node-b", Score: 100}, {Name: "node-c", Score: 100}},
		},
		{
			name:  "NodeAffinityPolicy honored with nodeAffinity",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo).RequiredNodeAffinityIn("foo", ""), 1, "node", fooSel).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-c", 1)),
			nodes: []*core.Node{hosted("node-a").Label("node", "node-a").Label("foo", "").Obj(), hosted("node-b").Label("node", "node-b").Label("foo", "").Obj(), hosted("node-c").Label("node", "node-c").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 0}, {Name: "node-b", Score: 33}, {Name: "node-c", Score: 100}},
		},
		{
			name: "NodeAffinityPolicy ignored with nodeAffinity",
			pod: schedulertest.MakePod().Name("p").Labels(foo).RequiredNodeAffinityIn("foo", "").TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "node", WhenUnsatisfiable: core.ScheduleAnyway,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, NodeAffinityPolicy: &ignore,
			}).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-c", 1)),
			nodes: []*core.Node{hosted("node-a").Label("node", "node-a").Label("foo", "").Obj(), hosted("node-b").Label("node", "node-b").Label("foo", "").Obj(), hosted("node-c").Label("node", "node-c").Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 66}, {Name: "node-b", Score: 100}, {Name: "node-c", Score: 100}},
		},
		{
			name: "NodeTaintsPolicy honored",
			pod: schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{
				MaxSkew: 1, TopologyKey: "node", WhenUnsatisfiable: core.ScheduleAnyway,
				LabelSelector: &meta.LabelSelector{MatchLabels: foo}, NodeTaintsPolicy: &honor,
			}).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-c", 1)),
			nodes: []*core.Node{hosted("node-a").Label("node", "node-a").Obj(), hosted("node-b").Label("node", "node-b").Obj(), hosted("node-c").Label("node", "node-c").Taints(unschedulableTaint).Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 0}, {Name: "node-b", Score: 33}, {Name: "node-c", Score: 100}},
		},
		{
			name:  "NodeTaintsPolicy ignored",
			pod:   soft(schedulertest.MakePod().Name("p").Labels(foo), 1, "node", fooSel).Obj(),
			pods:  concat(fooPods("node-a", 2), fooPods("node-b", 1), fooPods("node-c", 1)),
			nodes: []*core.Node{hosted("node-a").Label("node", "node-a").Obj(), hosted("node-b").Label("node", "node-b").Obj(), hosted("node-c").Label("node", "node-c").Taints(unschedulableTaint).Obj()},
			want:  framework.NodeScoreList{{Name: "node-a", Score: 66}, {Name: "node-b", Score: 100}, {Name: "node-c", Score: 100}},
		},
		{
			name: "matchLabelKeys ANDed with LabelSelector when LabelSelector is empty",
			pod: schedulertest.MakePod().Name("p").Labels(fooBar).
				TopologySpread(core.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.ScheduleAnyway, LabelSelector: &meta.LabelSelector{}, MatchLabelKeys: []string{"foo"}}).
				TopologySpread(core.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: LabelHostname, WhenUnsatisfiable: core.ScheduleAnyway, LabelSelector: &meta.LabelSelector{}, MatchLabelKeys: []string{"bar"}}).Obj(),
			pods: []*core.Pod{
				fooPod("p-a1", "node-a").Obj(), fooPod("p-b1", "node-b").Label("bar", "").Obj(),
				fooPod("p-y1", "node-c").Obj(), schedulertest.MakePod().Name("p-y2").Node("node-c").Label("bar", "").Obj(),
			},
			nodes: []*core.Node{
				hosted("node-a").Label("zone", "zone1").Obj(), hosted("node-b").Label("zone", "zone1").Obj(),
				hosted("node-c").Label("zone", "zone2").Obj(), hosted("node-d").Label("zone", "zone2").Obj(),
			},
			want: framework.NodeScoreList{{Name: "node-a", Score: 60}, {Name: "node-b", Score: 20}, {Name: "node-c", Score: 60}, {Name: "node-d", Score: 100}},
		},
		{
			name: "matchLabelKeys ANDed with LabelSelector when LabelSelector isn't empty",
			pod: soft(schedulertest.MakePod().Name("p").Labels(fooBar).Label("baz", ""), 1, "zone", fooSel).
				TopologySpread(core.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: LabelHostname, WhenUnsatisfiable: core.ScheduleAnyway,
					LabelSelector: &meta.LabelSelector{MatchLabels: barSel}, MatchLabelKeys: []string{"baz"}}).Obj(),
			pods: []*core.Pod{
				fooPod("p-a1", "node-a").Obj(), fooPod("p-b1", "node-b").Label("bar", "").Label("baz", "").Obj(),
				fooPod("p-c1", "node-c").Obj(), schedulertest.MakePod().Name("p-c2").Node("node-c").Label("bar", "").Obj(),
				schedulertest.MakePod().Name("p-d3").Node("node-c").Label("bar", "").Label("baz", "").Obj(),
			},
			nodes: []*core.Node{
				hosted("node-a").Label("zone", "zone1").Obj(), hosted("node-b").Label("zone", "zone1").Obj(),
				hosted("node-c").Label("zone", "zone2").Obj(), hosted("node-d").Label("zone", "zone2").Obj(),
			},
			want: framework.NodeScoreList{{Name: "node-a", Score: 60}, {Name: "node-b", Score: 20}, {Name: "node-c", Score: 60}, {Name: "node-d", Score: 100}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(tt.pods, tt.nodes)
			pl := newPlugin(t, "", tt.opts, snap)
			got := schedulertest.RunScore(t, pl, tt.pod, snap, tt.candidates...)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scores (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPreScoreSkip(t *testing.T) {
	nodes := []*core.Node{hosted("node-a").Label("planet", "mars").Obj()}
	tests := []struct {
		name string
		args string
		pod  *core.Pod
	}{
		{name: "the pod has no soft constraints", args: `{"defaultingType":"List"}`, pod: schedulertest.MakePod().Name("p").Obj()},
		{name: "the pod has hard constraints only", pod: schedulertest.MakePod().Name("p").SpreadConstraint(1, "planet", core.DoNotSchedule, foo).Obj()},
		{name: "system defaults and a pod of no workload", pod: schedulertest.MakePod().Name("p").Labels(foo).Obj()},
		{
			name: "default constraints and a pod of an unsupported controller",
			args: `{"defaultingType":"List","defaultConstraints":[{"maxSkew":2,"topologyKey":"planet","whenUnsatisfiable":"ScheduleAnyway"}]}`,
			pod:  schedulertest.MakePod().Name("p").ControlledBy("apps/v1", "DaemonSet", "ds", "ds-1").Obj(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(nil, nodes)
			pl := newPlugin(t, tt.args, Options{}, snap)
			if st := pl.PreScore(context.Background(), framework.NewCycleState(), tt.pod, snap.NodeInfoList); !st.IsSkip() {
				t.Errorf("PreScore = %v, want Skip", st)
			}
		})
	}
	snap := framework.NewSnapshot(nil, nodes)
	pl := newPlugin(t, "", Options{}, snap)
	pod := schedulertest.MakePod().Name("p").SpreadConstraint(1, "planet", core.ScheduleAnyway, foo).Obj()
	if st := pl.PreScore(context.Background(), framework.NewCycleState(), pod, nil); !st.IsSkip() {
		t.Errorf("PreScore with no candidates = %v, want Skip", st)
	}
}

// TestDefaultConstraintsPreScore checks which constraints and weights the defaults give.
func TestDefaultConstraintsPreScore(t *testing.T) {
	ctlr := Options{Controllers: ControllerListerFunc(func(_ string, ref *meta.OwnerReference) (*meta.LabelSelector, bool) {
		return &meta.LabelSelector{MatchLabels: map[string]string{"foo": "tar"}}, ref.Name == "rs1"
	})}
	rsPod := schedulertest.MakePod().Name("p").Label("foo", "tar").Label("baz", "sup").ControlledBy("apps/v1", "ReplicaSet", "rs1", "rs1-uid").Obj()
	t.Run("system defaults keep nodes without a zone as a zone of their own", func(t *testing.T) {
		nodes := []*core.Node{
			hosted("node-a").Label(LabelTopologyZone, "mars").Obj(), hosted("node-b").Label(LabelTopologyZone, "mars").Obj(),
			hosted("node-c").Obj(), hosted("node-d").Obj(),
		}
		snap := framework.NewSnapshot(nil, nodes)
		pl := newPlugin(t, "", ctlr, snap)
		state := framework.NewCycleState()
		if st := pl.PreScore(context.Background(), state, rsPod, snap.NodeInfoList); !st.IsSuccess() {
			t.Fatal(st)
		}
		s, _ := getPreScoreState(state)
		if len(s.constraints) != 2 || s.constraints[0].maxSkew != 3 || s.constraints[0].topologyKey != LabelHostname ||
			s.constraints[1].maxSkew != 5 || s.constraints[1].topologyKey != LabelTopologyZone {
			t.Fatalf("constraints %+v", s.constraints)
		}
		if got := s.constraints[0].selector.String(); got != "foo=tar" {
			t.Errorf("selector %q, want foo=tar", got)
		}
		if diff := cmp.Diff(map[string]int64{"mars": 0, "": 0}, s.counts[1]); diff != "" {
			t.Errorf("zone counts (-want +got):\n%s", diff)
		}
		if s.weights[0] != topologyWeight(4) || s.weights[1] != topologyWeight(2) || len(s.ignored) != 0 {
			t.Errorf("weights %v, ignored %v", s.weights, s.ignored)
		}
	})
	t.Run("listed defaults: only the soft ones, on nodes with every key", func(t *testing.T) {
		args := `{"defaultingType":"List","defaultConstraints":[
			{"maxSkew":1,"topologyKey":"kubernetes.io/hostname","whenUnsatisfiable":"ScheduleAnyway"},
			{"maxSkew":2,"topologyKey":"rack","whenUnsatisfiable":"DoNotSchedule"},
			{"maxSkew":2,"topologyKey":"planet","whenUnsatisfiable":"ScheduleAnyway"}]}`
		nodes := []*core.Node{hosted("node-a").Label("rack", "rack1").Label("planet", "mars").Obj(), hosted("node-b").Obj()}
		snap := framework.NewSnapshot(nil, nodes)
		pl := newPlugin(t, args, ctlr, snap)
		state := framework.NewCycleState()
		if st := pl.PreScore(context.Background(), state, rsPod, snap.NodeInfoList); !st.IsSuccess() {
			t.Fatal(st)
		}
		s, _ := getPreScoreState(state)
		if len(s.constraints) != 2 || s.constraints[1].topologyKey != "planet" {
			t.Fatalf("constraints %+v", s.constraints)
		}
		if _, ok := s.ignored["node-b"]; !ok || len(s.ignored) != 1 {
			t.Errorf("ignored %v, want node-b", s.ignored)
		}
		if s.weights[0] != topologyWeight(1) || s.weights[1] != topologyWeight(1) {
			t.Errorf("weights %v", s.weights)
		}
	})
	t.Run("a controller the lister does not know gives no constraints", func(t *testing.T) {
		snap := framework.NewSnapshot(nil, []*core.Node{hosted("node-a").Obj()})
		pl := newPlugin(t, "", ctlr, snap)
		pod := schedulertest.MakePod().Name("p").Label("foo", "bar").ControlledBy("apps/v1", "ReplicaSet", "rs2", "rs2-uid").Obj()
		if st := pl.PreScore(context.Background(), framework.NewCycleState(), pod, snap.NodeInfoList); !st.IsSkip() {
			t.Errorf("PreScore = %v, want Skip", st)
		}
	})
}

func topologyWeight(domains int) float64 { return math.Log(float64(domains + 2)) }
