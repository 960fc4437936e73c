package nodeaffinity_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/nodeaffinity"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func newPlugin(tb testing.TB, args nodeaffinity.Args, snap *framework.Snapshot) *nodeaffinity.NodeAffinity {
	tb.Helper()
	raw, err := json.Marshal(args)
	if err != nil {
		tb.Fatal(err)
	}
	pl, err := nodeaffinity.New(context.Background(), raw, schedulertest.NewHandle(snap))
	if err != nil {
		tb.Fatal(err)
	}
	return pl.(*nodeaffinity.NodeAffinity)
}

func requiredAffinity(terms ...core.NodeSelectorTerm) *core.Affinity {
	return &core.Affinity{NodeAffinity: &core.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: selector(terms...)}}
}

func addedRequired(terms ...core.NodeSelectorTerm) nodeaffinity.Args {
	return nodeaffinity.Args{AddedAffinity: &core.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: selector(terms...)}}
}

// TestFilter holds Kubernetes' TestNodeAffinity cases: PreFilter's result and status, then
// Filter's status on one node.
func TestFilter(t *testing.T) {
	podReason := framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) didn't match Pod's node affinity/selector")
	tests := []struct {
		name                string
		pod                 *core.Pod
		labels              map[string]string
		nodeName            string
		args                nodeaffinity.Args
		skipPreFilter       bool
		wantPreFilterStatus *framework.Status
		wantPreFilterResult *framework.PreFilterResult
		want                *framework.Status
	}{
		{name: "missing labels", pod: schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar"}).Obj(), want: podReason},
		{name: "same labels", pod: schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar"}).Obj(), labels: map[string]string{"foo": "bar"}},
		{name: "node labels are a superset", pod: schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar"}).Obj(), labels: map[string]string{"foo": "bar", "baz": "blah"}},
		{name: "node labels are a subset", pod: schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar", "baz": "blah"}).Obj(), labels: map[string]string{"foo": "bar"}, want: podReason},
		{
			name:   "In matches",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("foo", core.NodeSelectorOpIn, "bar", "value2")))).Obj(),
			labels: map[string]string{"foo": "bar"},
		},
		{
			name:   "Gt matches",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("kernel-version", core.NodeSelectorOpGt, "0204")))).Obj(),
			labels: map[string]string{"kernel-version": "0206"},
		},
		{
			name:   "NotIn matches",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("mem-type", core.NodeSelectorOpNotIn, "DDR", "DDR2")))).Obj(),
			labels: map[string]string{"mem-type": "DDR3"},
		},
		{
			name:   "Exists matches",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("GPU", core.NodeSelectorOpExists)))).Obj(),
			labels: map[string]string{"GPU": "NVIDIA-GRID-K1"},
		},
		{
			name:   "In does not match",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("foo", core.NodeSelectorOpIn, "value1", "value2")))).Obj(),
			labels: map[string]string{"foo": "bar"},
			want:   podReason,
		},
		{
			name:   "an empty term matches no node",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(core.NodeSelectorTerm{MatchExpressions: []core.NodeSelectorRequirement{}})).Obj(),
			labels: map[string]string{"foo": "bar"},
			want:   podReason,
		},
		{
			name:                "no affinity: PreFilter skips",
			pod:                 schedulertest.MakePod().Obj(),
			labels:              map[string]string{"foo": "bar"},
			wantPreFilterStatus: framework.NewStatus(framework.Skip),
		},
		{
			name:                "an affinity without required terms: PreFilter skips",
			pod:                 schedulertest.MakePod().Affinity(&core.Affinity{NodeAffinity: &core.NodeAffinity{}}).Obj(),
			labels:              map[string]string{"foo": "bar"},
			wantPreFilterStatus: framework.NewStatus(framework.Skip),
		},
		{
			name:   "ANDed expressions that match",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("GPU", core.NodeSelectorOpExists), req("GPU", core.NodeSelectorOpNotIn, "AMD", "INTER")))).Obj(),
			labels: map[string]string{"GPU": "NVIDIA-GRID-K1"},
		},
		{
			name:   "ANDed expressions that do not",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("GPU", core.NodeSelectorOpExists), req("GPU", core.NodeSelectorOpIn, "AMD", "INTER")))).Obj(),
			labels: map[string]string{"GPU": "NVIDIA-GRID-K1"},
			want:   podReason,
		},
		{
			name: "ORed terms, one matches",
			pod: schedulertest.MakePod().Affinity(requiredAffinity(
				exprs(req("foo", core.NodeSelectorOpIn, "bar", "value2")),
				exprs(req("diffkey", core.NodeSelectorOpIn, "wrong", "value2")))).Obj(),
			labels: map[string]string{"foo": "bar"},
		},
		{
			name:   "affinity and nodeSelector both satisfied",
			pod:    schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar"}).Affinity(requiredAffinity(exprs(req("foo", core.NodeSelectorOpExists)))).Obj(),
			labels: map[string]string{"foo": "bar"},
		},
		{
			name:   "affinity satisfied, nodeSelector not",
			pod:    schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar"}).Affinity(requiredAffinity(exprs(req("foo", core.NodeSelectorOpExists)))).Obj(),
			labels: map[string]string{"foo": "barrrrrr"},
			want:   podReason,
		},
		{
			name:   "an invalid value in a term",
			pod:    schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("foo", core.NodeSelectorOpNotIn, "invalid value: ___@#$%^")))).Obj(),
			labels: map[string]string{"foo": "bar"},
			want:   podReason,
		},
		{
			name:                "matchFields In matches",
			pod:                 schedulertest.MakePod().Affinity(requiredAffinity(names([]string{"node1"}))).Obj(),
			nodeName:            "node1",
			wantPreFilterResult: &framework.PreFilterResult{NodeNames: map[string]bool{"node1": true}},
		},
		{
			name:                "matchFields In does not match",
			pod:                 schedulertest.MakePod().Affinity(requiredAffinity(names([]string{"node1"}))).Obj(),
			nodeName:            "node2",
			wantPreFilterResult: &framework.PreFilterResult{NodeNames: map[string]bool{"node1": true}},
			want:                podReason,
		},
		{
			name:     "two terms: matchFields does not match, matchExpressions does",
			pod:      schedulertest.MakePod().Affinity(requiredAffinity(names([]string{"node1"}, []string{"node2"}), exprs(req("foo", core.NodeSelectorOpIn, "bar")))).Obj(),
			nodeName: "node2",
			labels:   map[string]string{"foo": "bar"},
		},
		{
			name: "one term: matchFields does not match, matchExpressions does",
			pod: schedulertest.MakePod().Affinity(requiredAffinity(core.NodeSelectorTerm{
				MatchFields:      names([]string{"node1"}).MatchFields,
				MatchExpressions: []core.NodeSelectorRequirement{req("foo", core.NodeSelectorOpIn, "bar")},
			})).Obj(),
			nodeName:            "node2",
			labels:              map[string]string{"foo": "bar"},
			wantPreFilterResult: &framework.PreFilterResult{NodeNames: map[string]bool{"node1": true}},
			want:                podReason,
		},
		{
			name: "one term: both match",
			pod: schedulertest.MakePod().Affinity(requiredAffinity(core.NodeSelectorTerm{
				MatchFields:      names([]string{"node1"}).MatchFields,
				MatchExpressions: []core.NodeSelectorRequirement{req("foo", core.NodeSelectorOpIn, "bar")},
			})).Obj(),
			nodeName:            "node1",
			labels:              map[string]string{"foo": "bar"},
			wantPreFilterResult: &framework.PreFilterResult{NodeNames: map[string]bool{"node1": true}},
		},
		{
			name:     "two terms: neither matches",
			pod:      schedulertest.MakePod().Affinity(requiredAffinity(names([]string{"node1"}), exprs(req("foo", core.NodeSelectorOpIn, "not-match-to-bar")))).Obj(),
			nodeName: "node2",
			labels:   map[string]string{"foo": "bar"},
			want:     podReason,
		},
		{
			name:                "two terms of node names: their union",
			pod:                 schedulertest.MakePod().Affinity(requiredAffinity(names([]string{"node1"}), names([]string{"node2"}))).Obj(),
			nodeName:            "node2",
			wantPreFilterResult: &framework.PreFilterResult{NodeNames: map[string]bool{"node1": true, "node2": true}},
		},
		{
			name:                "two conflicting name requirements in one term",
			pod:                 schedulertest.MakePod().Affinity(requiredAffinity(names([]string{"node1"}, []string{"node2"}))).Obj(),
			nodeName:            "node2",
			labels:              map[string]string{"foo": "bar"},
			wantPreFilterStatus: framework.NewStatus(framework.UnschedulableAndUnresolvable, "pod affinity terms conflict"),
			want:                podReason,
		},
		{
			name:     "matches the added affinity and the pod's",
			pod:      schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("zone", core.NodeSelectorOpIn, "foo")))).Obj(),
			nodeName: "node2",
			labels:   map[string]string{"zone": "foo"},
			args:     addedRequired(names([]string{"node2"})),
		},
		{
			name:     "matches the added affinity, not the pod's",
			pod:      schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("zone", core.NodeSelectorOpIn, "bar")))).Obj(),
			nodeName: "node2",
			labels:   map[string]string{"zone": "foo"},
			args:     addedRequired(names([]string{"node2"})),
			want:     podReason,
		},
		{
			name:     "does not match the added affinity",
			pod:      schedulertest.MakePod().Obj(),
			nodeName: "node2",
			labels:   map[string]string{"zone": "foo"},
			args:     addedRequired(exprs(req("zone", core.NodeSelectorOpIn, "bar"))),
			want:     framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) didn't match scheduler-enforced node affinity"),
		},
		{
			name:          "nodeSelector without PreFilter",
			pod:           schedulertest.MakePod().NodeSelector(map[string]string{"foo": "bar"}).Obj(),
			labels:        map[string]string{"foo": "bar", "baz": "blah"},
			skipPreFilter: true,
		},
		{
			name:          "affinity without PreFilter",
			pod:           schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("GPU", core.NodeSelectorOpExists), req("GPU", core.NodeSelectorOpNotIn, "AMD", "INTER")))).Obj(),
			labels:        map[string]string{"GPU": "NVIDIA-GRID-K1"},
			skipPreFilter: true,
		},
		{
			name:          "affinity without PreFilter, not matching",
			pod:           schedulertest.MakePod().Affinity(requiredAffinity(exprs(req("GPU", core.NodeSelectorOpDoesNotExist)))).Obj(),
			labels:        map[string]string{"GPU": "NVIDIA-GRID-K1"},
			skipPreFilter: true,
			want:          podReason,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			node := &core.Node{ObjectMeta: meta.ObjectMeta{Name: tt.nodeName, Labels: tt.labels}}
			ni := framework.NewNodeInfo()
			ni.SetNode(node)
			pl := newPlugin(t, tt.args, framework.NewSnapshot(nil, nil))
			ctx := context.Background()
			state := framework.NewCycleState()
			if !tt.skipPreFilter {
				res, st := pl.PreFilter(ctx, state, tt.pod)
				if diff := cmp.Diff(tt.wantPreFilterStatus, st); diff != "" {
					t.Errorf("PreFilter status (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantPreFilterResult, res); diff != "" {
					t.Errorf("PreFilter result (-want +got):\n%s", diff)
				}
			}
			if diff := cmp.Diff(tt.want, pl.Filter(ctx, state, tt.pod, ni)); diff != "" {
				t.Errorf("Filter status (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRunFilter checks the plugin through the kit's runner, over several nodes at once.
func TestRunFilter(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{
		schedulertest.MakeNode().Name("a").Label("zone", "z1").Obj(),
		schedulertest.MakeNode().Name("b").Label("zone", "z2").Obj(),
		schedulertest.MakeNode().Name("c").Label("zone", "z2").Label("gpu", "true").Obj(),
	})
	pl := newPlugin(t, nodeaffinity.Args{}, snap)
	podReason := framework.NewStatus(framework.UnschedulableAndUnresolvable, "node(s) didn't match Pod's node affinity/selector")
	pod := schedulertest.MakePod().Name("p").NodeSelector(map[string]string{"zone": "z2"}).
		RequiredNodeSelectorTerm(exprs(req("gpu", core.NodeSelectorOpDoesNotExist))).
		RequiredNodeSelectorTerm(names([]string{"a"})).Obj()
	want := framework.NodeToStatus{"a": podReason, "b": nil, "c": podReason}
	if diff := cmp.Diff(want, schedulertest.RunFilter(t, pl, pod, snap)); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	// Pinned by name: nodes outside the PreFilterResult are left out before Filter.
	pinned := schedulertest.MakePod().Name("q").RequiredNodeSelectorTerm(names([]string{"b"})).Obj()
	got := schedulertest.RunFilter(t, pl, pinned, snap)
	if !got["b"].IsSuccess() || got["a"].Code() != framework.UnschedulableAndUnresolvable || got["c"].Code() != framework.UnschedulableAndUnresolvable {
		t.Errorf("pinned pod statuses %v", got)
	}
}

// TestScore holds Kubernetes' TestNodeAffinityPriority cases.
func TestScore(t *testing.T) {
	label1 := map[string]string{"foo": "bar"}
	label2 := map[string]string{"key": "value"}
	label3 := map[string]string{"az": "az1"}
	label4 := map[string]string{"abc": "az11", "def": "az22"}
	label5 := map[string]string{"foo": "bar", "key": "value", "az": "az1"}
	affinity1 := &core.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []core.PreferredSchedulingTerm{
		{Weight: 2, Preference: exprs(req("foo", core.NodeSelectorOpIn, "bar"))},
	}}
	affinity2 := &core.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []core.PreferredSchedulingTerm{
		{Weight: 2, Preference: exprs(req("foo", core.NodeSelectorOpIn, "bar"))},
		{Weight: 4, Preference: exprs(req("key", core.NodeSelectorOpIn, "value"))},
		{Weight: 5, Preference: exprs(req("foo", core.NodeSelectorOpIn, "bar"), req("key", core.NodeSelectorOpIn, "value"), req("az", core.NodeSelectorOpIn, "az1"))},
	}}
	node := func(name string, labels map[string]string) *core.Node {
		return &core.Node{ObjectMeta: meta.ObjectMeta{Name: name, Labels: labels}}
	}
	podWith := func(na *core.NodeAffinity) *core.Pod {
		return schedulertest.MakePod().Name("p").Affinity(&core.Affinity{NodeAffinity: na}).Obj()
	}
	tests := []struct {
		name  string
		pod   *core.Pod
		nodes []*core.Node
		args  nodeaffinity.Args
		want  framework.NodeScoreList // nil: PreScore skips
	}{
		{
			name:  "no node affinity: PreScore skips",
			pod:   schedulertest.MakePod().Name("p").Obj(),
			nodes: []*core.Node{node("node1", label1), node("node2", label2), node("node3", label3)},
		},
		{
			name:  "no node matches the preferred terms",
			pod:   podWith(affinity1),
			nodes: []*core.Node{node("node1", label4), node("node2", label2), node("node3", label3)},
			want:  framework.NodeScoreList{{Name: "node1", Score: 0}, {Name: "node2", Score: 0}, {Name: "node3", Score: 0}},
		},
		{
			name:  "only node1 matches",
			pod:   podWith(affinity1),
			nodes: []*core.Node{node("node1", label1), node("node2", label2), node("node3", label3)},
			want:  framework.NodeScoreList{{Name: "node1", Score: framework.MaxNodeScore}, {Name: "node2", Score: 0}, {Name: "node3", Score: 0}},
		},
		{
			name:  "every node matches, with different weights",
			pod:   podWith(affinity2),
			nodes: []*core.Node{node("node1", label1), node("node5", label5), node("node2", label2)},
			want:  framework.NodeScoreList{{Name: "node1", Score: 18}, {Name: "node5", Score: framework.MaxNodeScore}, {Name: "node2", Score: 36}},
		},
		{
			name:  "added affinity alone",
			pod:   schedulertest.MakePod().Name("p").Obj(),
			nodes: []*core.Node{node("node1", label1), node("node2", label2)},
			args:  nodeaffinity.Args{AddedAffinity: affinity1},
			want:  framework.NodeScoreList{{Name: "node1", Score: framework.MaxNodeScore}, {Name: "node2", Score: 0}},
		},
		{
			name:  "added affinity and the pod's",
			pod:   podWith(affinity1),
			nodes: []*core.Node{node("node1", label1), node("node2", label2), node("node3", label5)},
			args: nodeaffinity.Args{AddedAffinity: &core.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []core.PreferredSchedulingTerm{
				{Weight: 3, Preference: exprs(req("key", core.NodeSelectorOpIn, "value"))},
			}}},
			want: framework.NodeScoreList{{Name: "node1", Score: 40}, {Name: "node2", Score: 60}, {Name: "node3", Score: framework.MaxNodeScore}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap := framework.NewSnapshot(nil, tt.nodes)
			got := schedulertest.RunScore(t, newPlugin(t, tt.args, snap), tt.pod, snap)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scores (-want +got):\n%s", diff)
			}
		})
	}
}

// TestScoreWithoutPreScore: Score compiles the pod's terms itself when PreScore did not run.
func TestScoreWithoutPreScore(t *testing.T) {
	nodes := []*core.Node{
		schedulertest.MakeNode().Name("node1").Label("foo", "bar").Obj(),
		schedulertest.MakeNode().Name("node2").Obj(),
	}
	snap := framework.NewSnapshot(nil, nodes)
	pl := newPlugin(t, nodeaffinity.Args{}, snap)
	pod := schedulertest.MakePod().PreferredNodeSelectorTerm(7, exprs(req("foo", core.NodeSelectorOpExists))).Obj()
	state := framework.NewCycleState()
	for name, want := range map[string]int64{"node1": 7, "node2": 0} {
		ni, err := snap.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		if got, st := pl.Score(context.Background(), state, pod, ni); !st.IsSuccess() || got != want {
			t.Errorf("Score(%s) = %d, %v; want %d", name, got, st, want)
		}
	}
	bad := schedulertest.MakePod().PreferredNodeSelectorTerm(7, exprs(req("foo", "Near"))).Obj()
	if st := pl.PreScore(context.Background(), state, bad, snap.NodeInfoList); st.Code() != framework.Error {
		t.Errorf("PreScore with a bad preferred term: %v, want an Error", st)
	}
}

func TestNew(t *testing.T) {
	ok := []string{
		``,
		`{}`,
		`{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"NodeAffinityArgs","addedAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"In","values":["a"]}]}]}}}`,
	}
	for _, args := range ok {
		if _, err := nodeaffinity.New(context.Background(), json.RawMessage(args), nil); err != nil {
			t.Errorf("New(%s): %v", args, err)
		}
	}
	bad := map[string]string{
		`{"addedAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchExpressions":[{"key":"zone","operator":"Near"}]}]}}}`:        `addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Unsupported value: "Near"`,
		`{"addedAffinity":{"preferredDuringSchedulingIgnoredDuringExecution":[{"weight":1,"preference":{"matchFields":[{"key":"metadata.name","operator":"In"}]}}]}}`: `addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchFields[0].values: Invalid value: []string(nil): must have one element`,
		`{"addedAffinty":{}}`: `unknown field "addedAffinty"`,
	}
	for args, want := range bad {
		_, err := nodeaffinity.New(context.Background(), json.RawMessage(args), nil)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("New(%s) = %v, want an error containing %q", args, err, want)
		}
	}
}

func TestEventsToRegister(t *testing.T) {
	events, err := newPlugin(t, nodeaffinity.Args{}, nil).EventsToRegister(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeLabel}
	if len(events) != 1 || events[0].Event != want || events[0].QueueingHintFn == nil {
		t.Errorf("events %+v, want %+v with a hint", events, want)
	}
}

// TestQueueingHint holds Kubernetes' Test_isSchedulableAfterNodeChange cases.
func TestQueueingHint(t *testing.T) {
	pod := schedulertest.MakePod().Name("p").RequiredNodeSelectorTerm(exprs(req("foo", core.NodeSelectorOpIn, "bar"))).Obj()
	enforced := addedRequired(exprs(req("foo", core.NodeSelectorOpIn, "bar")))
	plain := func() *schedulertest.NodeWrapper { return schedulertest.MakeNode().Name("n") }
	tests := []struct {
		name           string
		args           nodeaffinity.Args
		pod            *core.Pod
		oldObj, newObj meta.Object
		want           framework.QueueingHint
		wantErr        bool
	}{
		{name: "wrong new object", newObj: pod, want: framework.Queue, wantErr: true},
		{name: "wrong old object", oldObj: pod, newObj: plain().Obj(), want: framework.Queue, wantErr: true},
		{name: "a node added that does not match", newObj: plain().Obj(), want: framework.QueueSkip},
		{name: "a node added that matches", newObj: plain().Label("foo", "bar").Obj(), want: framework.Queue},
		{name: "an unrelated change", oldObj: plain().Obj(), newObj: plain().Capacity(map[core.ResourceName]string{"cpu": "1"}).Obj(), want: framework.QueueSkip},
		{name: "an unrelated label change", oldObj: plain().Obj(), newObj: plain().Label("k", "v").Obj(), want: framework.QueueSkip},
		{name: "a label change on a node that already matched", oldObj: plain().Label("foo", "bar").Obj(), newObj: plain().Label("foo", "bar").Label("k", "v").Obj(), want: framework.QueueSkip},
		{name: "a node that stops matching", oldObj: plain().Label("foo", "bar").Obj(), newObj: plain().Label("k", "v").Obj(), want: framework.QueueSkip},
		{name: "a node that starts matching", oldObj: plain().Obj(), newObj: plain().Label("foo", "bar").Obj(), want: framework.Queue},
		{name: "added node outside the enforced affinity", args: enforced, newObj: plain().Obj(), want: framework.QueueSkip},
		{name: "added node inside the enforced affinity", args: enforced, newObj: plain().Label("foo", "bar").Obj(), want: framework.Queue},
		{
			name:   "a pod whose terms do not parse is retried with the error",
			pod:    schedulertest.MakePod().Name("bad").RequiredNodeSelectorTerm(exprs(req("foo", "Near"))).Obj(),
			newObj: plain().Obj(), want: framework.Queue, wantErr: true,
		},
		{
			name:   "unless its nodeSelector rules the node out",
			pod:    schedulertest.MakePod().Name("bad").NodeSelector(map[string]string{"x": "y"}).RequiredNodeSelectorTerm(exprs(req("foo", "Near"))).Obj(),
			newObj: plain().Obj(), want: framework.QueueSkip,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, _ := newPlugin(t, tt.args, nil).EventsToRegister(context.Background())
			p := tt.pod
			if p == nil {
				p = pod
			}
			got, err := events[0].QueueingHintFn(p, tt.oldObj, tt.newObj)
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
	snap := benchSnapshot(300)
	pl := newPlugin(t, benchArgs(), snap)
	pod := benchPod()
	ctx := context.Background()
	state := framework.NewCycleState()
	if _, st := pl.PreFilter(ctx, state, pod); !st.IsSuccess() {
		t.Fatal(st)
	}
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

// benchSnapshot makes n nodes over three zones, four instance types and two pools.
func benchSnapshot(n int) *framework.Snapshot {
	nodes := make([]*core.Node, n)
	for i := range nodes {
		nodes[i] = schedulertest.MakeNode().Name(fmt.Sprintf("node-%d", i)).
			Label("topology.kubernetes.io/zone", fmt.Sprintf("zone-%d", i%3)).
			Label("node.kubernetes.io/instance-type", fmt.Sprintf("m5.%dxlarge", 1<<(i%4))).
			Label("kubernetes.io/arch", "amd64").
			Label("pool", []string{"general", "batch"}[i%2]).Obj()
	}
	return framework.NewSnapshot(nil, nodes)
}

// benchArgs is a profile confining pods to amd64 nodes and preferring the general pool.
func benchArgs() nodeaffinity.Args {
	return nodeaffinity.Args{AddedAffinity: &core.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: selector(exprs(req("kubernetes.io/arch", core.NodeSelectorOpIn, "amd64", "arm64"))),
		PreferredDuringSchedulingIgnoredDuringExecution: []core.PreferredSchedulingTerm{
			{Weight: 10, Preference: exprs(req("pool", core.NodeSelectorOpIn, "general"))},
		},
	}}
}

// benchPod has a nodeSelector, a required term over two zones and two preferred terms: the
// shape of a typical Deployment's pod.
func benchPod() *core.Pod {
	return schedulertest.MakePod().Name("p").
		NodeSelector(map[string]string{"kubernetes.io/arch": "amd64"}).
		RequiredNodeSelectorTerm(exprs(
			req("topology.kubernetes.io/zone", core.NodeSelectorOpIn, "zone-0", "zone-1"),
			req("node.kubernetes.io/instance-type", core.NodeSelectorOpNotIn, "m5.8xlarge"))).
		PreferredNodeSelectorTerm(50, exprs(req("topology.kubernetes.io/zone", core.NodeSelectorOpIn, "zone-0"))).
		PreferredNodeSelectorTerm(20, exprs(req("node.kubernetes.io/instance-type", core.NodeSelectorOpIn, "m5.2xlarge", "m5.4xlarge"))).
		Obj()
}

// BenchmarkFilterScore is one pod's pass over 5,000 nodes: PreFilter, Filter on every node,
// PreScore, Score on the nodes that passed, NormalizeScore. About half the nodes fail the
// required term, and each rejection allocates its Status.
func BenchmarkFilterScore(b *testing.B) {
	snap := benchSnapshot(5000)
	pl := newPlugin(b, benchArgs(), snap)
	pod := benchPod()
	ctx := context.Background()
	feasible := make([]*framework.NodeInfo, 0, len(snap.NodeInfoList))
	scores := make(framework.NodeScoreList, 0, len(snap.NodeInfoList))
	b.ReportAllocs()
	for b.Loop() {
		state := framework.NewCycleState()
		pl.PreFilter(ctx, state, pod)
		feasible = feasible[:0]
		for _, ni := range snap.NodeInfoList {
			if pl.Filter(ctx, state, pod, ni).IsSuccess() {
				feasible = append(feasible, ni)
			}
		}
		pl.PreScore(ctx, state, pod, feasible)
		scores = scores[:0]
		for _, ni := range feasible {
			s, _ := pl.Score(ctx, state, pod, ni)
			scores = append(scores, framework.NodeScore{Name: ni.Node().Name, Score: s})
		}
		pl.NormalizeScore(ctx, state, pod, scores)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/5000, "ns/node")
	b.ReportMetric(float64(len(feasible)), "feasible")
}

// BenchmarkFilterScoreAllFit is the same pass for a pod every node fits, which shows that Filter
// and Score themselves do not allocate.
func BenchmarkFilterScoreAllFit(b *testing.B) {
	snap := benchSnapshot(5000)
	pl := newPlugin(b, benchArgs(), snap)
	pod := schedulertest.MakePod().Name("p").
		NodeSelector(map[string]string{"kubernetes.io/arch": "amd64"}).
		RequiredNodeSelectorTerm(exprs(req("topology.kubernetes.io/zone", core.NodeSelectorOpExists))).
		PreferredNodeSelectorTerm(50, exprs(req("topology.kubernetes.io/zone", core.NodeSelectorOpIn, "zone-0"))).Obj()
	ctx := context.Background()
	scores := make(framework.NodeScoreList, len(snap.NodeInfoList))
	b.ReportAllocs()
	for b.Loop() {
		state := framework.NewCycleState()
		pl.PreFilter(ctx, state, pod)
		for _, ni := range snap.NodeInfoList {
			if !pl.Filter(ctx, state, pod, ni).IsSuccess() {
				b.Fatal("rejected")
			}
		}
		pl.PreScore(ctx, state, pod, snap.NodeInfoList)
		for i, ni := range snap.NodeInfoList {
			s, _ := pl.Score(ctx, state, pod, ni)
			scores[i] = framework.NodeScore{Name: ni.Node().Name, Score: s}
		}
		pl.NormalizeScore(ctx, state, pod, scores)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/5000, "ns/node")
}
