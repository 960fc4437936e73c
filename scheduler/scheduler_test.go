package scheduler_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/scheduler"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
	"github.com/skiff-io/skiff/scheduler/plugins/defaultbinder"
	"github.com/skiff-io/skiff/scheduler/plugins/defaultpreemption"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
	"github.com/skiff-io/skiff/testenv"
)

// Plugins of this test, so that the scheduler's machinery is tested apart from the default
// plugins: FIFO order, a CPU fit filter, and a score preferring free CPU.
type fifo struct{}

func (fifo) Name() string                            { return "FIFO" }
func (fifo) Less(a, b *framework.QueuedPodInfo) bool { return a.Timestamp.Before(b.Timestamp) }

type cpuFit struct{}

func (cpuFit) Name() string { return "CPUFit" }
func (cpuFit) Filter(_ context.Context, _ *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) *framework.Status {
	if ni.Allocatable.MilliCPU-ni.Requested.MilliCPU < framework.PodRequests(pod, false).MilliCPU {
		return framework.NewStatus(framework.Unschedulable, "Insufficient cpu")
	}
	return nil
}
func (cpuFit) EventsToRegister(context.Context) ([]framework.ClusterEventWithHint, error) {
	return []framework.ClusterEventWithHint{
		{Event: framework.ClusterEvent{Resource: framework.EventNode, ActionType: framework.Add | framework.UpdateNodeAllocatable}},
		{Event: framework.ClusterEvent{Resource: framework.EventAssignedPod, ActionType: framework.Delete}},
	}, nil
}
func (cpuFit) Score(_ context.Context, _ *framework.CycleState, _ *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	free := ni.Allocatable.MilliCPU - ni.Requested.MilliCPU
	return min(100, free*100/max(1, ni.Allocatable.MilliCPU)), nil
}
func (cpuFit) ScoreExtensions() framework.ScoreExtensions { return nil }

func testProfile() (framework.Registry, runtime.Profile) {
	reg := framework.Registry{
		"FIFO": func(context.Context, json.RawMessage, framework.Handle) (framework.Plugin, error) { return fifo{}, nil },
		"CPUFit": func(context.Context, json.RawMessage, framework.Handle) (framework.Plugin, error) {
			return cpuFit{}, nil
		},
		defaultbinder.Name: defaultbinder.New,
	}
	p := runtime.Profile{SchedulerName: core.DefaultSchedulerName, Plugins: map[string][]runtime.PluginRef{
		runtime.QueueSort: {{Name: "FIFO"}},
		runtime.Filter:    {{Name: "CPUFit"}},
		runtime.Score:     {{Name: "CPUFit", Weight: 1}},
		runtime.Bind:      {{Name: defaultbinder.Name}},
	}}
	return reg, p
}

func cpuNode(name, cpu string) *core.Node {
	return schedulertest.MakeNode().Name(name).Capacity(map[core.ResourceName]string{"cpu": cpu, "memory": "8Gi"}).Obj()
}

func cpuPod(name, cpu string) *core.Pod {
	return schedulertest.MakePod().Name(name).UID("").Req(map[core.ResourceName]string{"cpu": cpu}).Obj()
}

func TestScheduleBindAndRetry(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	c := env.Client()
	nodes := client.For[*core.Node](c)
	pods := client.For[*core.Pod](c).Namespace("default")
	for _, n := range []*core.Node{cpuNode("small", "1"), cpuNode("big", "4")} {
		if _, err := nodes.Create(ctx, n, client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	reg, prof := testProfile()
	rec := &record.ListRecorder{}
	f := informer.NewFactory(c, informer.FactoryOptions{})
	s, err := scheduler.New(ctx, c, f, scheduler.Options{Profiles: []runtime.Profile{prof}, Registry: reg, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	f.Start(ctx)
	go s.Run(ctx)

	// Two pods of 2 CPUs fit only the big node, together.
	for _, name := range []string{"a", "b"} {
		if _, err := pods.Create(ctx, cpuPod(name, "2"), client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	boundTo := func(name string) string {
		p, err := pods.Get(ctx, name, client.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return p.Spec.NodeName
	}
	testenv.Eventually(t, "a and b bound", func() bool { return boundTo("a") != "" && boundTo("b") != "" })
	if boundTo("a") != "big" || boundTo("b") != "big" {
		t.Fatalf("a on %q, b on %q", boundTo("a"), boundTo("b"))
	}
	if n := rec.Count("Normal Scheduled Successfully assigned default/a to big"); n != 1 {
		t.Errorf("Scheduled events: %v", rec.Events())
	}

	// A third fits nowhere: FailedScheduling and PodScheduled=False, with each node's reason.
	if _, err := pods.Create(ctx, cpuPod("c", "2"), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	want := "0/2 nodes are available: 2 Insufficient cpu."
	testenv.Eventually(t, "PodScheduled=False", func() bool {
		p, _ := pods.Get(ctx, "c", client.GetOptions{})
		cnd := p.Condition(core.PodScheduled)
		return cnd != nil && cnd.Status == core.ConditionFalse && cnd.Reason == "Unschedulable" && cnd.Message == want
	})
	if rec.Count("Warning FailedScheduling "+want) == 0 {
		t.Errorf("events %v", rec.Events())
	}
	// Room appears (a node is added): the pod is retried and placed there.
	if _, err := nodes.Create(ctx, cpuNode("new", "2"), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "c bound to the new node", func() bool { return boundTo("c") == "new" })

	// Deleting a pod frees its CPU for a waiting one.
	if _, err := pods.Create(ctx, cpuPod("d", "2"), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "d unschedulable", func() bool { return rec.Count("Warning FailedScheduling 0/3 nodes") > 0 })
	if err := pods.Delete(ctx, "a", client.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "d bound where a was", func() bool { return boundTo("d") == "big" })
	// The binding goroutine counts the pod after the API server has bound it, so the count may
	// trail what the test reads back by a moment.
	testenv.Eventually(t, "4 pods scheduled", func() bool { return s.Scheduled() >= 4 })
	if s.Scheduled() != 4 {
		t.Errorf("%d pods scheduled", s.Scheduled())
	}
}

func TestProfilesMustBeValid(t *testing.T) {
	reg, prof := testProfile()
	bad := prof
	bad.Plugins = map[string][]runtime.PluginRef{runtime.QueueSort: {{Name: "FIFO"}}, runtime.Bind: {{Name: "CPUFit"}}}
	if _, err := scheduler.New(context.Background(), nil, nil, scheduler.Options{Profiles: []runtime.Profile{bad}, Registry: reg}); err == nil ||
		!strings.Contains(err.Error(), `plugin "CPUFit" does not implement the bind extension point`) {
		t.Errorf("bind plugin that cannot bind: %v", err)
	}
	missing := prof
	missing.Plugins = map[string][]runtime.PluginRef{runtime.QueueSort: {{Name: "Nope"}}}
	if _, err := scheduler.New(context.Background(), nil, nil, scheduler.Options{Profiles: []runtime.Profile{missing}, Registry: reg}); err == nil ||
		!strings.Contains(err.Error(), `plugin "Nope" is not registered`) {
		t.Errorf("unknown plugin: %v", err)
	}
	if _, err := scheduler.New(context.Background(), nil, nil, scheduler.Options{Profiles: []runtime.Profile{prof, prof}, Registry: reg}); err == nil {
		t.Error("two profiles with one name")
	}
}

// TestPreemption: a high-priority pod that fits nowhere evicts a lower-priority one, is nominated
// for its node, and is scheduled there once the victim is gone.
func TestPreemption(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	c := env.Client()
	if _, err := client.For[*core.Node](c).Create(ctx, cpuNode("only", "2"), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	reg, prof := testProfile()
	if err := reg.Register(defaultpreemption.Name, defaultpreemption.New); err != nil {
		t.Fatal(err)
	}
	prof.Plugins[runtime.PostFilter] = []runtime.PluginRef{{Name: defaultpreemption.Name}}
	rec := &record.ListRecorder{}
	f := informer.NewFactory(c, informer.FactoryOptions{})
	s, err := scheduler.New(ctx, c, f, scheduler.Options{Profiles: []runtime.Profile{prof}, Registry: reg, Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	f.Start(ctx)
	go s.Run(ctx)
	pods := client.For[*core.Pod](c).Namespace("default")
	low := cpuPod("low", "1500m")
	low.Spec.Priority = new(int32)
	if _, err := pods.Create(ctx, low, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "low bound", func() bool { p, _ := pods.Get(ctx, "low", client.GetOptions{}); return p.Spec.NodeName == "only" })
	high := cpuPod("high", "1")
	hp := int32(1000)
	high.Spec.Priority = &hp
	if _, err := pods.Create(ctx, high, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// The victim is bound, so the server deletes it gracefully: it is marked, with the reason, and
	// the preemptor is nominated for its node.
	testenv.Eventually(t, "low marked for deletion, high nominated", func() bool {
		l, _ := pods.Get(ctx, "low", client.GetOptions{})
		h, _ := pods.Get(ctx, "high", client.GetOptions{})
		cnd := l.Condition(core.DisruptionTarget)
		return l.DeletionTimestamp != nil && cnd != nil && cnd.Reason == "PreemptionByScheduler" && h.Status.NominatedNodeName == "only"
	})
	if p, _ := pods.Get(ctx, "high", client.GetOptions{}); p.Spec.NodeName != "" {
		t.Fatal("high was bound while its victim still ran")
	}
	// Its kubelet stops it (here: the test deletes it at once); high is placed in its room.
	if err := pods.Delete(ctx, "low", client.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "high bound after preempting low", func() bool {
		p, _ := pods.Get(ctx, "high", client.GetOptions{})
		return p.Spec.NodeName == "only"
	})
	if rec.Count("Normal Preempted Preempted by pod") != 1 {
		t.Errorf("events %v", rec.Events())
	}
	if !strings.Contains(strings.Join(rec.Events(), "\n"), "Warning FailedScheduling 0/1 nodes are available: 1 Insufficient cpu.") {
		t.Errorf("events %v", rec.Events())
	}

	// A pod that may not preempt, or that nothing can make room for, gets the reason.
	never := core.PreemptNever
	np := cpuPod("polite", "2")
	np.Spec.Priority = &hp
	np.Spec.PreemptionPolicy = &never
	if _, err := pods.Create(ctx, np, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "not eligible", func() bool {
		return rec.Count("Warning FailedScheduling 0/1 nodes are available: 1 Insufficient cpu. not eligible due to preemptionPolicy=Never.") > 0
	})
	huge := cpuPod("huge", "4")
	huge.Spec.Priority = &hp
	if _, err := pods.Create(ctx, huge, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "no victims", func() bool {
		return rec.Count("Warning FailedScheduling 0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.") > 0
	})
}
