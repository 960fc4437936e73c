package queue

import (
	"context"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

type gate struct{}

func (gate) Name() string { return "SchedulingGates" }
func (gate) PreEnqueue(_ context.Context, p *core.Pod) *framework.Status {
	if len(p.Spec.SchedulingGates) > 0 {
		return framework.NewStatus(framework.UnschedulableAndUnresolvable, "waiting for scheduling gates")
	}
	return nil
}

func newQueue(clk *clocktesting.FakeClock) *PriorityQueue {
	return New(Options{
		Clock: clk,
		Less: func(a, b *framework.QueuedPodInfo) bool {
			pa, pb := prio(a.Pod), prio(b.Pod)
			if pa != pb {
				return pa > pb
			}
			return a.Timestamp.Before(b.Timestamp)
		},
		PreEnqueue: func(*core.Pod) []framework.PreEnqueuePlugin { return []framework.PreEnqueuePlugin{gate{}} },
		Events: map[string][]framework.ClusterEventWithHint{
			"NodeResourcesFit": {{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeAllocatable}}},
			"TaintToleration": {{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeTaint},
				QueueingHintFn: func(pod *core.Pod, _, _ meta.Object) (framework.QueueingHint, error) { return framework.QueueSkip, nil }}},
		},
	})
}

func prio(p *core.Pod) int32 {
	if p.Spec.Priority == nil {
		return 0
	}
	return *p.Spec.Priority
}

func pop(t *testing.T, q *PriorityQueue) *framework.QueuedPodInfo {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, err := q.Pop(ctx)
	if err != nil {
		t.Fatalf("pop: %v", err)
	}
	return p
}

func TestOrderBackoffAndEvents(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Now())
	q := newQueue(clk)
	q.Add(schedulertest.MakePod().Name("low").Obj())
	clk.Step(time.Millisecond)
	q.Add(schedulertest.MakePod().Name("high").Priority(100).Obj())
	clk.Step(time.Millisecond)
	q.Add(schedulertest.MakePod().Name("low2").Obj())
	for _, want := range []string{"high", "low", "low2"} {
		if p := pop(t, q); p.Pod.Name != want {
			t.Fatalf("popped %s, want %s", p.Pod.Name, want)
		}
	}

	// Backoff doubles from 1 s to at most 10 s.
	p := &framework.QueuedPodInfo{PodInfo: framework.NewPodInfo(schedulertest.MakePod().Name("b").Obj())}
	for attempts, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 40: 10 * time.Second} {
		p.Attempts = attempts
		if d := q.backoffDuration(p); d != want {
			t.Errorf("attempt %d: backoff %s, want %s", attempts, d, want)
		}
	}

	// A pod rejected by NodeResourcesFit waits until a node is added, then backs off, then runs.
	fit := schedulertest.MakePod().Name("fit").Obj()
	q.Add(fit)
	pi := pop(t, q)
	cycle := q.SchedulingCycle()
	pi.UnschedulablePlugins = map[string]bool{"NodeResourcesFit": true}
	q.AddUnschedulableIfNotPresent(pi, cycle)
	if a, b, u := q.PendingPods(); a != 0 || b != 0 || u != 1 {
		t.Fatalf("queues %d %d %d", a, b, u)
	}
	// An event it does not care about, and one whose hint says skip, leave it.
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.Delete}, nil, nil)
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.UpdateNodeTaint}, nil, nil)
	if _, _, u := q.PendingPods(); u != 1 {
		t.Fatal("moved by an event no rejecting plugin cares about")
	}
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add}, nil, nil)
	if a, b, u := q.PendingPods(); a != 0 || b != 1 || u != 0 {
		t.Fatalf("after a node was added: %d %d %d, want the pod backing off", a, b, u)
	}
	q.flushBackoff()
	if a, _, _ := q.PendingPods(); a != 0 {
		t.Fatal("left backoff before its time")
	}
	clk.Step(time.Second)
	q.flushBackoff()
	if a, _, _ := q.PendingPods(); a != 1 {
		t.Fatal("still backing off after 1 s")
	}
	pi = pop(t, q)
	if pi.Attempts != 2 {
		t.Errorf("attempts %d", pi.Attempts)
	}

	// A move request during the pod's cycle sends it to backoff, not to wait for another event.
	cycle = q.SchedulingCycle()
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add}, nil, nil)
	pi.UnschedulablePlugins = map[string]bool{"NodeResourcesFit": true}
	q.AddUnschedulableIfNotPresent(pi, cycle)
	if _, b, u := q.PendingPods(); b != 1 || u != 0 {
		t.Fatalf("a pod that failed while the cluster changed waits for another event: %d %d", b, u)
	}
	q.Delete(fit)
	if a, b, u := q.PendingPods(); a+b+u != 0 {
		t.Fatal("delete")
	}
}

func TestLeftoverFlushAndGates(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Now())
	q := newQueue(clk)
	q.Add(schedulertest.MakePod().Name("stuck").Obj())
	pi := pop(t, q)
	pi.UnschedulablePlugins = map[string]bool{"NodeResourcesFit": true}
	q.AddUnschedulableIfNotPresent(pi, q.SchedulingCycle())
	clk.Step(4 * time.Minute)
	q.flushUnschedulable()
	if _, _, u := q.PendingPods(); u != 1 {
		t.Fatal("flushed too early")
	}
	clk.Step(2 * time.Minute)
	q.flushUnschedulable()
	if a, _, u := q.PendingPods(); a != 1 || u != 0 {
		t.Fatalf("not flushed after 6 minutes: %d %d", a, u)
	}
	pop(t, q)

	gated := schedulertest.MakePod().Name("gated").SchedulingGate("example.com/wait").Obj()
	q.Add(gated)
	if a, _, u := q.PendingPods(); a != 0 || u != 1 {
		t.Fatalf("a gated pod was queued: %d %d", a, u)
	}
	q.MoveAllToActiveOrBackoffQueue(framework.ClusterEvent{Resource: framework.EventWildCard, ActionType: framework.All}, nil, nil)
	clk.Step(10 * time.Minute)
	q.flushUnschedulable()
	if a, _, _ := q.PendingPods(); a != 0 {
		t.Fatal("a gated pod was moved by an event or the flush")
	}
	open := gated.DeepCopyObject().(*core.Pod)
	open.Spec.SchedulingGates = nil
	q.Update(gated, open)
	if p := pop(t, q); p.Pod.Name != "gated" || p.Gated {
		t.Fatalf("ungated pod %v", p)
	}

	// Pop returns ErrClosed once closed.
	q.Close()
	if _, err := q.Pop(context.Background()); err != ErrClosed {
		t.Fatalf("pop after close: %v", err)
	}
}

func TestNominator(t *testing.T) {
	n := NewNominator()
	a := framework.NewPodInfo(schedulertest.MakePod().Name("a").Obj())
	n.Add(a, "n1")
	n.Add(a, "n2")
	if len(n.PodsForNode("n1")) != 0 || len(n.PodsForNode("n2")) != 1 {
		t.Fatal("renomination")
	}
	n.Delete(a.Pod)
	if len(n.PodsForNode("n2")) != 0 {
		t.Fatal("delete")
	}
}
