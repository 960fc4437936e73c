package interpodaffinity

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func TestNewArgs(t *testing.T) {
	snap := framework.NewSnapshot(nil, nil)
	tests := []struct {
		name    string
		args    string
		weight  int32
		ignore  bool
		wantErr string
	}{
		{name: "defaults", weight: 1},
		{name: "kind and apiVersion", args: `{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"InterPodAffinityArgs"}`, weight: 1},
		{name: "weight and ignore", args: `{"hardPodAffinityWeight":50,"ignorePreferredTermsOfExistingPods":true}`, weight: 50, ignore: true},
		{name: "zero weight", args: `{"hardPodAffinityWeight":0}`, weight: 0},
		{name: "weight too high", args: `{"hardPodAffinityWeight":101}`, wantErr: "hardPodAffinityWeight: Invalid value: 101: not in valid range [0, 100]"},
		{name: "negative weight", args: `{"hardPodAffinityWeight":-1}`, wantErr: "not in valid range [0, 100]"},
		{name: "unknown field", args: `{"hardPodAffinityWeigth":1}`, wantErr: "unknown field"},
		{name: "another kind", args: `{"kind":"PodTopologySpreadArgs"}`, wantErr: "kind: Invalid value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var raw json.RawMessage
			if tt.args != "" {
				raw = json.RawMessage(tt.args)
			}
			p, err := New(context.Background(), raw, schedulertest.NewHandle(snap))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pl := p.(*InterPodAffinity)
			if pl.Name() != "InterPodAffinity" || pl.hardPodAffinityWeight != tt.weight || pl.ignorePreferredOfOthers != tt.ignore {
				t.Errorf("plugin %+v", pl)
			}
		})
	}
}

func TestEventsToRegister(t *testing.T) {
	pl := newPlugin(t, "", Options{}, framework.NewSnapshot(nil, nil))
	evs, err := pl.EventsToRegister(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []framework.ClusterEvent{
		{Resource: framework.EventPod, ActionType: framework.Add | framework.UpdatePodLabel | framework.Delete},
		{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeLabel},
	}
	if len(evs) != len(want) {
		t.Fatalf("events %v", evs)
	}
	for i := range want {
		if evs[i].Event != want[i] || evs[i].QueueingHintFn == nil {
			t.Errorf("event %d: %+v, want %+v with a hint", i, evs[i].Event, want[i])
		}
	}
}

func TestIsSchedulableAfterPodChange(t *testing.T) {
	db := map[string]string{"app": "db"}
	withAffinity := schedulertest.MakePod().Name("p").Labels(web).RequiredPodAffinity("region", db).Obj()
	withAnti := schedulertest.MakePod().Name("p").Labels(web).RequiredPodAntiAffinity("region", db).
		RequiredPodAntiAffinity("zone", map[string]string{"tier": "cache"}).Obj()
	selfAffine := schedulertest.MakePod().Name("p").Labels(web).RequiredPodAffinity("region", web).Obj()
	plain := schedulertest.MakePod().Name("p").Labels(web).Obj()
	tests := []struct {
		name           string
		opts           Options
		pod            *core.Pod
		oldPod, newPod *core.Pod
		want           framework.QueueingHint
	}{
		{name: "an unbound pod is added", pod: withAffinity, newPod: schedulertest.MakePod().Name("q").Labels(db).Obj(), want: framework.QueueSkip},
		{name: "a pod matching the affinity is bound", pod: withAffinity, newPod: running("q", "n1", db).Obj(), want: framework.Queue},
		{name: "a pod not matching the affinity is bound", pod: withAffinity, newPod: running("q", "n1", web).Obj(), want: framework.QueueSkip},
		{name: "a pod comes to match the affinity", pod: withAffinity, oldPod: running("q", "n1", web).Obj(), newPod: running("q", "n1", db).Obj(), want: framework.Queue},
		{name: "a pod stops matching one anti-affinity term", pod: withAnti, oldPod: running("q", "n1", map[string]string{"tier": "cache"}).Obj(), newPod: running("q", "n1", nil).Obj(), want: framework.Queue},
		{name: "a pod keeps matching the anti-affinity", pod: withAnti, oldPod: running("q", "n1", db).Obj(), newPod: running("q", "n1", map[string]string{"app": "db", "x": "y"}).Obj(), want: framework.QueueSkip},
		{name: "a pod matching one anti-affinity term is deleted", pod: withAnti, oldPod: running("q", "n1", map[string]string{"tier": "cache"}).Obj(), want: framework.Queue},
		{name: "a pod matching no anti-affinity term is deleted", pod: withAnti, oldPod: running("q", "n1", web).Obj(), want: framework.QueueSkip},
		{
			name: "a pod whose anti-affinity rejected the pod is deleted", pod: plain,
			oldPod: running("q", "n1", nil).RequiredPodAntiAffinity("zone", web).Obj(), want: framework.Queue,
		},
		{
			name: "a pod whose anti-affinity selects the pod's namespace by labels is deleted", pod: plain,
			opts: Options{Namespaces: nsLister{"default": {"team": "a"}}},
			oldPod: running("q", "n1", nil).Namespace("other").PodAntiAffinityTerm(false, 0, core.PodAffinityTerm{
				TopologyKey: "zone", LabelSelector: &meta.LabelSelector{MatchLabels: web},
				NamespaceSelector: &meta.LabelSelector{MatchLabels: map[string]string{"team": "a"}},
			}).Obj(),
			want: framework.Queue,
		},
		{name: "a pod without terms about the pod is deleted", pod: plain, oldPod: running("q", "n1", web).Obj(), want: framework.QueueSkip},
		{name: "the last peer of a self-affine pod is deleted", pod: selfAffine, oldPod: running("q", "n1", web).Obj(), want: framework.Queue},
		{name: "an affinity peer of a pod that does not match itself is deleted", pod: withAffinity, oldPod: running("q", "n1", db).Obj(), want: framework.QueueSkip},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pl := newPlugin(t, "", tt.opts, framework.NewSnapshot(nil, nil))
			var oldObj, newObj meta.Object
			if tt.oldPod != nil {
				oldObj = tt.oldPod
			}
			if tt.newPod != nil {
				newObj = tt.newPod
			}
			got, err := pl.isSchedulableAfterPodChange(tt.pod, oldObj, newObj)
			if err != nil || got != tt.want {
				t.Errorf("hint = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestIsSchedulableAfterNodeChange(t *testing.T) {
	withAffinity := schedulertest.MakePod().Name("p").RequiredPodAffinity("region", web).Obj()
	withAnti := schedulertest.MakePod().Name("p").RequiredPodAntiAffinity("zone", web).Obj()
	plain := schedulertest.MakePod().Name("p").Obj()
	node := func(l map[string]string) *core.Node {
		n := schedulertest.MakeNode().Name("n")
		for k, v := range l {
			n.Label(k, v)
		}
		return n.Obj()
	}
	tests := []struct {
		name             string
		pod              *core.Pod
		oldNode, newNode *core.Node
		want             framework.QueueingHint
	}{
		{name: "affinity: a node with the key is added", pod: withAffinity, newNode: node(map[string]string{"region": "r1"}), want: framework.Queue},
		{name: "affinity: a node without the key is added", pod: withAffinity, newNode: node(nil), want: framework.QueueSkip},
		{name: "affinity: a node gets the key", pod: withAffinity, oldNode: node(nil), newNode: node(map[string]string{"region": "r1"}), want: framework.Queue},
		{name: "affinity: a node changes domain", pod: withAffinity, oldNode: node(map[string]string{"region": "r1"}), newNode: node(map[string]string{"region": "r2"}), want: framework.Queue},
		{name: "affinity: a node loses the key", pod: withAffinity, oldNode: node(map[string]string{"region": "r1"}), newNode: node(nil), want: framework.QueueSkip},
		{name: "affinity: another label changes", pod: withAffinity, oldNode: node(map[string]string{"region": "r1"}), newNode: node(map[string]string{"region": "r1", "x": "y"}), want: framework.QueueSkip},
		{name: "anti-affinity: any node is added", pod: withAnti, newNode: node(nil), want: framework.Queue},
		{name: "anti-affinity: a node loses the key", pod: withAnti, oldNode: node(map[string]string{"zone": "z"}), newNode: node(nil), want: framework.Queue},
		{name: "anti-affinity: a node changes domain", pod: withAnti, oldNode: node(map[string]string{"zone": "z"}), newNode: node(map[string]string{"zone": "y"}), want: framework.Queue},
		{name: "anti-affinity: a node gets the key", pod: withAnti, oldNode: node(nil), newNode: node(map[string]string{"zone": "z"}), want: framework.QueueSkip},
		{name: "no terms: any node is added", pod: plain, newNode: node(nil), want: framework.Queue},
		{name: "no terms: a node is relabeled", pod: plain, oldNode: node(nil), newNode: node(map[string]string{"x": "y"}), want: framework.Queue},
		{name: "no terms: a node changes otherwise", pod: plain, oldNode: node(nil), newNode: node(nil), want: framework.QueueSkip},
	}
	pl := newPlugin(t, "", Options{}, framework.NewSnapshot(nil, nil))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var oldObj meta.Object
			if tt.oldNode != nil {
				oldObj = tt.oldNode
			}
			got, err := pl.isSchedulableAfterNodeChange(tt.pod, oldObj, tt.newNode)
			if err != nil || got != tt.want {
				t.Errorf("hint = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
