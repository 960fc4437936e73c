package noderesources_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/noderesources"
)

func TestEventsToRegister(t *testing.T) {
	pl, _ := noderesources.New(context.Background(), json.RawMessage(`{"ignoredResources": ["example.com/ignored"]}`), nil)
	events, err := pl.(framework.EnqueueExtensions).EventsToRegister(context.Background())
	if err != nil || len(events) != 2 {
		t.Fatal(events, err)
	}
	podEvents, nodeEvents := events[0], events[1]
	if podEvents.Event != (framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.Delete}) ||
		nodeEvents.Event != (framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeAllocatable}) {
		t.Fatalf("events %+v", events)
	}

	target := pod().Req(rl{"cpu": "2", "example.com/ignored": "1"}).Obj()
	bound := pod().Name("bound").Node("n").Obj()
	unbound := pod().Name("unbound").Obj()
	for _, tc := range []struct {
		name     string
		fn       framework.QueueingHintFn
		old, new meta.Object
		want     framework.QueueingHint
	}{
		{"a bound pod deleted", podEvents.QueueingHintFn, bound, nil, framework.Queue},
		{"an unbound pod deleted", podEvents.QueueingHintFn, unbound, nil, framework.QueueSkip},
		{"a pod updated", podEvents.QueueingHintFn, bound, bound, framework.QueueSkip},
		{"a node added that fits", nodeEvents.QueueingHintFn, nil, node("n", rl{"cpu": "4"}), framework.Queue},
		{"a node added too small", nodeEvents.QueueingHintFn, nil, node("n", rl{"cpu": "1"}), framework.QueueSkip},
		{"a node added that allows no pods", nodeEvents.QueueingHintFn, nil, node("n", rl{"cpu": "4", "pods": "0"}), framework.QueueSkip},
		{"a node grew enough", nodeEvents.QueueingHintFn, node("n", rl{"cpu": "1"}), node("n", rl{"cpu": "4"}), framework.Queue},
		{"a node grew, not enough", nodeEvents.QueueingHintFn, node("n", rl{"cpu": "1"}), node("n", rl{"cpu": "1500m"}), framework.QueueSkip},
		{"a node grew what the pod does not request", nodeEvents.QueueingHintFn,
			node("n", rl{"cpu": "4", "memory": "1Gi"}), node("n", rl{"cpu": "4", "memory": "2Gi"}), framework.QueueSkip},
		{"a node allows more pods", nodeEvents.QueueingHintFn,
			node("n", rl{"cpu": "4", "pods": "10"}), node("n", rl{"cpu": "4", "pods": "20"}), framework.Queue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := tc.fn(target, tc.old, tc.new); err != nil || got != tc.want {
				t.Errorf("hint %v (%v), want %v", got, err, tc.want)
			}
		})
	}
	if _, err := nodeEvents.QueueingHintFn(target, nil, (*core.Node)(nil)); err == nil {
		t.Error("a node event without a node is not an error")
	}
	if _, err := podEvents.QueueingHintFn(target, nil, nil); err == nil {
		t.Error("a pod event without a pod is not an error")
	}
}
