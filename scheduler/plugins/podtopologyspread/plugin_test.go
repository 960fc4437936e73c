package podtopologyspread

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
		wantErr string
		system  bool
		nDef    int
	}{
		{name: "no args: system defaults", system: true, nDef: 2},
		{name: "kind and apiVersion are accepted", args: `{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"PodTopologySpreadArgs"}`, system: true, nDef: 2},
		{name: "List without constraints", args: `{"defaultingType":"List"}`},
		{name: "List with constraints", args: `{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"ScheduleAnyway"}]}`, nDef: 1},
		{
			name:    "constraints default the type to System, which forbids them",
			args:    `{"defaultConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"ScheduleAnyway"}]}`,
			wantErr: `defaultingType: Invalid value: "System": when .defaultConstraints are not empty`,
		},
		{name: "unknown defaulting type", args: `{"defaultingType":"Sometimes"}`, wantErr: `defaultingType: Unsupported value: "Sometimes"`},
		{
			name:    "bad constraints",
			args:    `{"defaultingType":"List","defaultConstraints":[{"maxSkew":0,"topologyKey":"","whenUnsatisfiable":"Maybe","labelSelector":{}}]}`,
			wantErr: "defaultConstraints[0].maxSkew: Invalid value: 0: not in valid range (0, inf)",
		},
		{
			name:    "a selector in a default constraint",
			args:    `{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule","labelSelector":{}}]}`,
			wantErr: "defaultConstraints[0].labelSelector: Forbidden: constraint must not define a selector, as they deduced for each pod",
		},
		{
			name: "duplicate constraints",
			args: `{"defaultingType":"List","defaultConstraints":[{"maxSkew":1,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule"},
				{"maxSkew":2,"topologyKey":"zone","whenUnsatisfiable":"DoNotSchedule"}]}`,
			wantErr: "defaultConstraints[1]: Duplicate value",
		},
		{name: "unknown fields are refused", args: `{"defaultingTyp":"List"}`, wantErr: "unknown field"},
		{name: "another kind is refused", args: `{"kind":"NodeAffinityArgs"}`, wantErr: "kind: Invalid value"},
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
			pl := p.(*PodTopologySpread)
			if pl.Name() != "PodTopologySpread" || pl.systemDefaulted != tt.system || len(pl.defaultConstraints) != tt.nDef {
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
		{Resource: framework.EventPod, ActionType: framework.Add | framework.UpdatePodLabel | framework.UpdatePodTolerations | framework.Delete},
		{Resource: framework.EventNode, ActionType: framework.Add | framework.Delete | framework.UpdateNodeLabel | framework.UpdateNodeTaint},
	}
	if len(evs) != len(want) {
		t.Fatalf("events %v", evs)
	}
	for i := range want {
		if evs[i].Event != want[i] || evs[i].QueueingHintFn == nil {
			t.Errorf("event %d: %+v, want %+v with a hint", i, evs[i].Event, want[i])
		}
	}
	// An assigned pod's event is covered by the Pod registration.
	if !evs[0].Event.Match(framework.ClusterEvent{Resource: framework.EventAssignedPod, ActionType: framework.Delete}) {
		t.Error("assigned pod deletions are not covered")
	}
}

func TestIsSchedulableAfterPodChange(t *testing.T) {
	honor := core.NodeInclusionPolicyHonor
	target := schedulertest.MakePod().Name("p").Labels(foo).SpreadConstraint(1, "zone", core.DoNotSchedule, foo).Obj()
	honoring := schedulertest.MakePod().Name("p").Labels(foo).TopologySpread(core.TopologySpreadConstraint{
		MaxSkew: 1, TopologyKey: "zone", WhenUnsatisfiable: core.DoNotSchedule, LabelSelector: &meta.LabelSelector{MatchLabels: foo}, NodeTaintsPolicy: &honor,
	}).Obj()
	tests := []struct {
		name           string
		pod            *core.Pod
		oldPod, newPod *core.Pod
		want           framework.QueueingHint
	}{
		{name: "a matching pod is bound", pod: target, newPod: fooPod("q", "a").Obj(), want: framework.Queue},
		{name: "a pod that does not match is bound", pod: target, newPod: schedulertest.MakePod().Name("q").Node("a").Obj(), want: framework.QueueSkip},
		{name: "an unbound pod is added", pod: target, newPod: schedulertest.MakePod().Name("q").Labels(foo).Obj(), want: framework.QueueSkip},
		{name: "a pod of another namespace", pod: target, newPod: fooPod("q", "a").Namespace("other").Obj(), want: framework.QueueSkip},
		{name: "a matching pod is deleted", pod: target, oldPod: fooPod("q", "a").Obj(), want: framework.Queue},
		{name: "a pod that does not match is deleted", pod: target, oldPod: schedulertest.MakePod().Name("q").Node("a").Obj(), want: framework.QueueSkip},
		{name: "a pod stops matching", pod: target, oldPod: fooPod("q", "a").Obj(), newPod: schedulertest.MakePod().Name("q").Node("a").Label("bar", "").Obj(), want: framework.Queue},
		{name: "a pod changes unrelated labels", pod: target, oldPod: fooPod("q", "a").Obj(), newPod: fooPod("q", "a").Label("bar", "").Obj(), want: framework.QueueSkip},
		{
			name: "the pod gets a toleration, with nodeTaintsPolicy Honor", pod: honoring, oldPod: honoring,
			newPod: schedulertest.MakePod().Name("p").Labels(foo).Tolerations(core.Toleration{Key: "k", Operator: core.TolerationOpExists}).Obj(),
			want:   framework.Queue,
		},
		{
			name: "the pod gets a toleration, with nodeTaintsPolicy Ignore", pod: target, oldPod: target,
			newPod: schedulertest.MakePod().Name("p").Labels(foo).Tolerations(core.Toleration{Key: "k", Operator: core.TolerationOpExists}).Obj(),
			want:   framework.QueueSkip,
		},
	}
	pl := newPlugin(t, "", Options{}, framework.NewSnapshot(nil, nil))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
	if _, err := pl.isSchedulableAfterPodChange(target, nil, &core.Node{}); err == nil {
		t.Error("a node given as a pod is not an error")
	}
}

func TestIsSchedulableAfterNodeChange(t *testing.T) {
	target := schedulertest.MakePod().Name("p").Labels(foo).SpreadConstraint(1, "zone", core.DoNotSchedule, foo).Obj()
	taint := core.Taint{Key: "k", Effect: core.TaintEffectNoSchedule}
	tests := []struct {
		name             string
		oldNode, newNode *core.Node
		want             framework.QueueingHint
	}{
		{name: "a node with the key is added", newNode: zoned("a", "zone1").Obj(), want: framework.Queue},
		{name: "a node without the key is added", newNode: zoned("a", "").Obj(), want: framework.QueueSkip},
		{name: "a node with the key is deleted", oldNode: zoned("a", "zone1").Obj(), want: framework.Queue},
		{name: "a node without the key is deleted", oldNode: zoned("a", "").Obj(), want: framework.QueueSkip},
		{name: "a node gets the key", oldNode: zoned("a", "").Obj(), newNode: zoned("a", "zone1").Obj(), want: framework.Queue},
		{name: "a node moves zone", oldNode: zoned("a", "zone1").Obj(), newNode: zoned("a", "zone2").Obj(), want: framework.Queue},
		{name: "a node changes another label", oldNode: zoned("a", "zone1").Obj(), newNode: zoned("a", "zone1").Label("x", "y").Obj(), want: framework.QueueSkip},
		{name: "a node with the key changes taints", oldNode: zoned("a", "zone1").Obj(), newNode: zoned("a", "zone1").Taints(taint).Obj(), want: framework.Queue},
		{name: "a node without the key changes taints", oldNode: zoned("a", "").Obj(), newNode: zoned("a", "").Taints(taint).Obj(), want: framework.QueueSkip},
	}
	pl := newPlugin(t, "", Options{}, framework.NewSnapshot(nil, nil))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var oldObj, newObj meta.Object
			if tt.oldNode != nil {
				oldObj = tt.oldNode
			}
			if tt.newNode != nil {
				newObj = tt.newNode
			}
			got, err := pl.isSchedulableAfterNodeChange(target, oldObj, newObj)
			if err != nil || got != tt.want {
				t.Errorf("hint = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}
