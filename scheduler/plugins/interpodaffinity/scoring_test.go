package interpodaffinity

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// The namespaces of Kubernetes' scoring tests.
var teamNamespaces = nsLister{
	"subteam1.team1": {"team": "team1"},
	"subteam2.team1": {"team": "team1"},
	"subteam1.team2": {"team": "team2"},
	"subteam2.team2": {"team": "team2"},
}

func expr(key string, op meta.LabelSelectorOperator, vals ...string) meta.LabelSelectorRequirement {
	return meta.LabelSelectorRequirement{Key: key, Operator: op, Values: vals}
}

func term(topologyKey string, exprs ...meta.LabelSelectorRequirement) core.PodAffinityTerm {
	return core.PodAffinityTerm{TopologyKey: topologyKey, LabelSelector: &meta.LabelSelector{MatchExpressions: exprs}}
}

func weighted(w int32, t core.PodAffinityTerm) core.WeightedPodAffinityTerm {
	return core.WeightedPodAffinityTerm{Weight: w, PodAffinityTerm: t}
}

func preferredAffinity(terms ...core.WeightedPodAffinityTerm) *core.Affinity {
	return &core.Affinity{PodAffinity: &core.PodAffinity{PreferredDuringSchedulingIgnoredDuringExecution: terms}}
}

func preferredAnti(terms ...core.WeightedPodAffinityTerm) *core.Affinity {
	return &core.Affinity{PodAntiAffinity: &core.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: terms}}
}

// TestPreferredAffinity follows Kubernetes' TestPreferredAffinity table, with its expected
// scores.
func TestPreferredAffinity(t *testing.T) {
	rgChina := map[string]string{"region": "China"}
	rgIndia := map[string]string{"region": "India"}
	azAz1 := map[string]string{"az": "az1"}
	azAz2 := map[string]string{"az": "az2"}
	rgChinaAzAz1 := map[string]string{"region": "China", "az": "az1"}
	s1 := map[string]string{"security": "S1"}
	s2 := map[string]string{"security": "S2"}

	stayWithS1InRegion := preferredAffinity(weighted(5, term("region", expr("security", meta.LabelSelectorOpIn, "S1"))))
	stayWithS2InRegion := preferredAffinity(weighted(6, term("region", expr("security", meta.LabelSelectorOpIn, "S2"))))
	affinity3 := preferredAffinity(
		weighted(8, term("region", expr("security", meta.LabelSelectorOpNotIn, "S1"), expr("security", meta.LabelSelectorOpIn, "S2"))),
		weighted(2, term("region", expr("security", meta.LabelSelectorOpExists), expr("wrongkey", meta.LabelSelectorOpDoesNotExist))),
	)
	hardAffinity := &core.Affinity{PodAffinity: &core.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []core.PodAffinityTerm{
		term("region", expr("security", meta.LabelSelectorOpIn, "S1", "value2")),
		term("region", expr("security", meta.LabelSelectorOpExists), expr("wrongkey", meta.LabelSelectorOpDoesNotExist)),
	}}}
	awayFromS1InAz := preferredAnti(weighted(5, term("az", expr("security", meta.LabelSelectorOpIn, "S1"))))
	awayFromS2InAz := preferredAnti(weighted(5, term("az", expr("security", meta.LabelSelectorOpIn, "S2"))))
	stayWithS1InRegionAwayFromS2InAz := &core.Affinity{
		PodAffinity:     preferredAffinity(weighted(8, term("region", expr("security", meta.LabelSelectorOpIn, "S1")))).PodAffinity,
		PodAntiAffinity: preferredAnti(weighted(5, term("az", expr("security", meta.LabelSelectorOpIn, "S2")))).PodAntiAffinity,
	}
	nsTerm := term("region", expr("security", meta.LabelSelectorOpIn, "S1"))
	nsTerm.Namespaces = []string{"subteam2.team2"}
	nsTerm.NamespaceSelector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{expr("team", meta.LabelSelectorOpIn, "team1")}}
	affinityNamespaceSelector := preferredAffinity(weighted(5, nsTerm))
	antiAffinityNamespaceSelector := preferredAnti(weighted(5, nsTerm))

	pod := func(ns string, l map[string]string, a *core.Affinity) *core.Pod {
		return schedulertest.MakePod().Name("p").Namespace(ns).Labels(l).Affinity(a).Obj()
	}
	var seq int
	on := func(node string, l map[string]string, a *core.Affinity) *core.Pod {
		seq++
		// Kubernetes' test pods have no namespace.
		return schedulertest.MakePod().Name(node + "-pod-" + string(rune('a'+seq))).Namespace("").Node(node).Labels(l).Affinity(a).Obj()
	}
	onNS := func(node, ns string, l map[string]string) *core.Pod {
		p := on(node, l, nil)
		p.Namespace = ns
		return p
	}
	nodes := func(ls ...map[string]string) []*core.Node {
		var out []*core.Node
		for i, l := range ls {
			n := schedulertest.MakeNode().Name("node" + string(rune('1'+i)))
			for k, v := range l {
				n.Label(k, v)
			}
			out = append(out, n.Obj())
		}
		return out
	}
	scores := func(s ...int64) framework.NodeScoreList {
		var out framework.NodeScoreList
		for i, v := range s {
			out = append(out, framework.NodeScore{Name: "node" + string(rune('1'+i)), Score: v})
		}
		return out
	}
	tests := []struct {
		name           string
		pod            *core.Pod
		pods           []*core.Pod
		nodes          []*core.Node
		ignoreExisting bool
		want           framework.NodeScoreList // nil: PreScore skips
	}{
		{
			name:  "all nodes are same priority as Affinity is nil",
			pod:   pod("", s1, nil),
			nodes: nodes(rgChina, rgIndia, azAz1),
		},
		{
			name:  "Affinity: pod that matches topology key & pods in nodes will get high score comparing to others",
			pod:   pod("", s1, stayWithS1InRegion),
			pods:  []*core.Pod{on("node1", s1, nil), on("node2", s2, nil), on("node3", s1, nil)},
			nodes: nodes(rgChina, rgIndia, azAz1),
			want:  scores(100, 0, 0),
		},
		{
			name:  "All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score",
			pod:   pod("", nil, stayWithS1InRegion),
			pods:  []*core.Pod{on("node1", s1, nil)},
			nodes: nodes(rgChina, rgChinaAzAz1, rgIndia),
			want:  scores(100, 100, 0),
		},
		{
			name:  "Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score",
			pod:   pod("", s1, stayWithS2InRegion),
			pods:  []*core.Pod{on("node1", s2, nil), on("node1", s2, nil), on("node2", s2, nil), on("node3", s2, nil), on("node4", s2, nil), on("node5", s2, nil)},
			nodes: nodes(rgChina, rgIndia, rgChina, rgChina, rgIndia),
			want:  scores(100, 0, 100, 100, 0),
		},
		{
			name:  "Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures",
			pod:   pod("", s1, affinity3),
			pods:  []*core.Pod{on("node1", s1, nil), on("node2", s2, nil), on("node3", s1, nil)},
			nodes: nodes(rgChina, rgIndia, azAz1),
			want:  scores(20, 100, 0),
		},
		{
			name:  "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
			pod:   pod("", s2, nil),
			pods:  []*core.Pod{on("node1", s1, stayWithS1InRegion), on("node2", s2, stayWithS2InRegion)},
			nodes: nodes(rgChina, rgIndia, azAz1),
			want:  scores(0, 100, 0),
		},
		{
			name:  "Affinity symmetry with namespace selector",
			pod:   pod("subteam1.team1", s1, nil),
			pods:  []*core.Pod{on("node1", s1, affinityNamespaceSelector), on("node2", s2, stayWithS2InRegion)},
			nodes: nodes(rgChina, rgIndia, azAz1),
			want:  scores(100, 0, 0),
		},
		{
			name:  "AntiAffinity symmetry with namespace selector",
			pod:   pod("subteam1.team1", s1, nil),
			pods:  []*core.Pod{on("node1", s1, antiAffinityNamespaceSelector), on("node2", s2, stayWithS2InRegion)},
			nodes: nodes(rgChina, rgIndia, azAz1),
			want:  scores(0, 100, 100),
		},
		{
			name:  "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry",
			pod:   pod("", s1, nil),
			pods:  []*core.Pod{on("node1", s1, hardAffinity), on("node2", s2, hardAffinity)},
			nodes: nodes(rgChina, rgIndia, azAz1),
			want:  scores(100, 100, 0),
		},
		{
			name:  "Anti Affinity: pod that does not match existing pods in node will get high score",
			pod:   pod("", s1, awayFromS1InAz),
			pods:  []*core.Pod{on("node1", s1, nil), on("node2", s2, nil)},
			nodes: nodes(azAz1, rgChina),
			want:  scores(0, 100),
		},
		{
			name:  "Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others",
			pod:   pod("", s1, awayFromS1InAz),
			pods:  []*core.Pod{on("node1", s1, nil), on("node2", s1, nil)},
			nodes: nodes(azAz1, rgChina),
			want:  scores(0, 100),
		},
		{
			name:  "Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score",
			pod:   pod("", s1, awayFromS1InAz),
			pods:  []*core.Pod{on("node1", s1, nil), on("node1", s1, nil), on("node2", s2, nil)},
			nodes: nodes(azAz1, rgIndia),
			want:  scores(0, 100),
		},
		{
			name:  "Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score",
			pod:   pod("", s2, nil),
			pods:  []*core.Pod{on("node1", s1, awayFromS2InAz), on("node2", s2, awayFromS1InAz)},
			nodes: nodes(azAz1, azAz2),
			want:  scores(0, 100),
		},
		{
			name:  "Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity",
			pod:   pod("", s1, stayWithS1InRegionAwayFromS2InAz),
			pods:  []*core.Pod{on("node1", s1, nil), on("node2", s1, nil)},
			nodes: nodes(rgChina, azAz1),
			want:  scores(100, 0),
		},
		{
			name: "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels",
			pod:  pod("", s1, stayWithS1InRegionAwayFromS2InAz),
			pods: []*core.Pod{on("node1", s1, nil), on("node1", s1, nil), on("node2", s1, nil), on("node3", s1, nil), on("node3", s1, nil),
				on("node4", s1, nil), on("node5", s1, nil)},
			nodes: nodes(rgChinaAzAz1, rgIndia, rgChina, rgChina, rgIndia),
			want:  scores(100, 0, 100, 100, 0),
		},
		{
			name: "Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry",
			pod:  pod("", s1, stayWithS1InRegionAwayFromS2InAz),
			pods: []*core.Pod{on("node1", s1, nil), on("node2", s2, nil), on("node3", nil, stayWithS1InRegionAwayFromS2InAz),
				on("node4", nil, awayFromS1InAz)},
			nodes: nodes(rgChina, azAz1, rgIndia, azAz2),
			want:  scores(100, 0, 100, 0),
		},
		{
			name:  "Avoid panic when partial nodes in a topology don't have pods with affinity",
			pod:   pod("", s1, nil),
			pods:  []*core.Pod{on("node1", s1, nil), on("node2", nil, stayWithS1InRegionAwayFromS2InAz)},
			nodes: nodes(rgChina, rgChina),
			want:  scores(0, 0),
		},
		{
			name: "Affinity with pods matching NamespaceSelector",
			pod:  pod("subteam1.team1", s1, affinityNamespaceSelector),
			pods: []*core.Pod{onNS("node1", "subteam1.team1", s1), onNS("node1", "subteam1.team1", s1), onNS("node1", "subteam1.team2", s1),
				onNS("node2", "subteam2.team1", s1)},
			nodes: nodes(rgChina, rgIndia),
			want:  scores(100, 0),
		},
		{
			name: "Affinity with pods matching both NamespaceSelector and Namespaces fields",
			pod:  pod("subteam1.team1", s1, affinityNamespaceSelector),
			pods: []*core.Pod{onNS("node1", "subteam1.team1", s1), onNS("node1", "subteam1.team1", s1), onNS("node1", "subteam2.team2", s1),
				onNS("node2", "subteam2.team1", s1)},
			nodes: nodes(rgChina, rgIndia),
			want:  scores(100, 0),
		},
		{
			name: "AntiAffinity with pods matching NamespaceSelector",
			pod:  pod("subteam1.team1", s1, antiAffinityNamespaceSelector),
			pods: []*core.Pod{onNS("node1", "subteam1.team1", s1), onNS("node1", "subteam1.team1", s1), onNS("node1", "subteam1.team2", s1),
				onNS("node2", "subteam2.team1", s1)},
			nodes: nodes(rgChina, rgIndia),
			want:  scores(0, 100),
		},
		{
			name: "AntiAffinity with pods matching both NamespaceSelector and Namespaces fields",
			pod:  pod("subteam1.team1", s1, antiAffinityNamespaceSelector),
			pods: []*core.Pod{onNS("node1", "subteam1.team1", s1), onNS("node1", "subteam1.team1", s1), onNS("node1", "subteam2.team2", s1),
				onNS("node2", "subteam2.team1", s1)},
			nodes: nodes(rgChina, rgIndia),
			want:  scores(0, 100),
		},
		{
			name:           "Ignore preferred terms of existing pods",
			pod:            pod("", s2, nil),
			pods:           []*core.Pod{on("node1", s1, stayWithS1InRegionAwayFromS2InAz), on("node2", s2, stayWithS2InRegion)},
			nodes:          nodes(rgChina, rgIndia),
			ignoreExisting: true,
		},
		{
			name:  "Do not ignore preferred terms of existing pods",
			pod:   pod("", s2, nil),
			pods:  []*core.Pod{on("node1", s1, stayWithS1InRegionAwayFromS2InAz), on("node2", s2, stayWithS2InRegion)},
			nodes: nodes(rgChina, rgIndia),
			want:  scores(0, 100),
		},
		{
			name: "No nodes to score",
			pod:  pod("", s2, nil),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(tt.pods, tt.nodes)
			args := ""
			if tt.ignoreExisting {
				args = `{"ignorePreferredTermsOfExistingPods":true}`
			}
			pl := newPlugin(t, args, Options{Namespaces: teamNamespaces}, snap)
			got := schedulertest.RunScore(t, pl, tt.pod, snap)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scores (-want +got):\n%s", diff)
			}
		})
	}
	for _, a := range []*core.Affinity{
		preferredAffinity(weighted(8, term("region", expr("security", meta.LabelSelectorOpIn, "{{.bad-value.}}")))),
		preferredAnti(weighted(5, term("az", expr("security", meta.LabelSelectorOpIn, "{{.bad-value.}}")))),
	} {
		snap := framework.NewSnapshot(nil, nodes(rgChina, rgChina))
		pl := newPlugin(t, "", Options{}, snap)
		st := pl.PreScore(context.Background(), framework.NewCycleState(), pod("", nil, a), snap.NodeInfoList)
		if st.Code() != framework.Error || !strings.Contains(st.Message(), "{{.bad-value.}}") {
			t.Errorf("PreScore with an invalid term = %v, want an Error naming the value", st)
		}
	}
}

// TestPreferredAffinityWithHardPodAffinityWeight follows Kubernetes'
// TestPreferredAffinityWithHardPodAffinitySymmetricWeight.
func TestPreferredAffinityWithHardPodAffinityWeight(t *testing.T) {
	serviceS1 := map[string]string{"service": "S1"}
	hard := term("region", expr("service", meta.LabelSelectorOpIn, "S1"))
	hard.Namespaces = []string{"", "subteam2.team2"}
	hard.NamespaceSelector = &meta.LabelSelector{MatchExpressions: []meta.LabelSelectorRequirement{expr("team", meta.LabelSelectorOpIn, "team1")}}
	hardPodAffinity := &core.Affinity{PodAffinity: &core.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []core.PodAffinityTerm{hard}}}
	nodes := []*core.Node{
		schedulertest.MakeNode().Name("node1").Label("region", "China").Obj(),
		schedulertest.MakeNode().Name("node2").Label("region", "India").Obj(),
		schedulertest.MakeNode().Name("node3").Label("az", "az1").Obj(),
	}
	pods := []*core.Pod{
		schedulertest.MakePod().Name("e1").Namespace("").Node("node1").Affinity(hardPodAffinity).Obj(),
		schedulertest.MakePod().Name("e2").Namespace("").Node("node2").Affinity(hardPodAffinity).Obj(),
	}
	top := framework.NodeScoreList{{Name: "node1", Score: 100}, {Name: "node2", Score: 100}, {Name: "node3", Score: 0}}
	tests := []struct {
		name string
		ns   string
		args string
		want framework.NodeScoreList
	}{
		{name: "with default weight", ns: "", want: top},
		{name: "with zero weight", ns: "", args: `{"hardPodAffinityWeight":0}`},
		{name: "with no matching namespace", ns: "subteam1.team2"},
		{name: "with matching NamespaceSelector", ns: "subteam1.team1", want: top},
		{name: "with matching Namespaces", ns: "subteam2.team2", want: top},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(pods, nodes)
			pl := newPlugin(t, tt.args, Options{Namespaces: teamNamespaces}, snap)
			pod := schedulertest.MakePod().Name("p").Namespace(tt.ns).Labels(serviceS1).Obj()
			if diff := cmp.Diff(tt.want, schedulertest.RunScore(t, pl, pod, snap)); diff != "" {
				t.Errorf("scores (-want +got):\n%s", diff)
			}
		})
	}
}
