package runtime_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// gate is a Permit plugin that makes every pod wait up to a minute.
type gate struct{}

func (gate) Name() string { return "Gate" }
func (gate) Permit(context.Context, *framework.CycleState, *core.Pod, string) (*framework.Status, time.Duration) {
	return framework.NewStatus(framework.Wait), time.Minute
}

func permitFramework(t *testing.T, clk *clocktesting.FakeClock) *runtime.Framework {
	t.Helper()
	plugin := func(p framework.Plugin) framework.PluginFactory {
		return func(context.Context, json.RawMessage, framework.Handle) (framework.Plugin, error) { return p, nil }
	}
	reg := framework.Registry{"FIFO": plugin(fifo{}), "Bind": plugin(nopBinder{}), "Gate": plugin(gate{}), "FreeCPU": plugin(freeCPU{})}
	f, err := runtime.New(context.Background(), reg, runtime.Profile{SchedulerName: "s", Plugins: map[string][]runtime.PluginRef{
		// Everything through multiPoint: each plugin lands at the points it implements.
		runtime.MultiPoint: {{Name: "FIFO"}, {Name: "Gate"}, {Name: "FreeCPU", Weight: 3}, {Name: "Bind"}},
	}}, runtime.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPermitWaitAllowRejectTimeout(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Now())
	f := permitFramework(t, clk)
	ctx := context.Background()
	pod := func(name string) *core.Pod { return schedulertest.MakePod().Name(name).Obj() }

	// Allowed by the plugin that made it wait.
	a := pod("a")
	if st := f.RunPermitPlugins(ctx, framework.NewCycleState(), a, "n"); !st.IsWait() {
		t.Fatalf("permit: %v", st)
	}
	go f.WaitingPod(a.UID).Allow("Gate")
	if st := f.WaitOnPermit(ctx, a); !st.IsSuccess() {
		t.Fatalf("allowed pod: %v", st)
	}

	// Rejected.
	b := pod("b")
	f.RunPermitPlugins(ctx, framework.NewCycleState(), b, "n")
	f.WaitingPod(b.UID).Reject("Gate", "not now")
	if st := f.WaitOnPermit(ctx, b); st.Code() != framework.Unschedulable || st.Message() != "not now" || st.Plugin() != "Gate" {
		t.Fatalf("rejected pod: %v", st)
	}

	// Timed out.
	c := pod("c")
	f.RunPermitPlugins(ctx, framework.NewCycleState(), c, "n")
	done := make(chan *framework.Status)
	go func() { done <- f.WaitOnPermit(ctx, c) }()
	deadline := time.Now().Add(10 * time.Second)
	for !clk.HasWaiters() {
		if time.Now().After(deadline) {
			t.Fatal("no timer")
		}
		time.Sleep(time.Millisecond)
	}
	clk.Step(time.Minute)
	st := <-done
	if st.Code() != framework.Unschedulable || !strings.Contains(st.Message(), "rejected due to timeout after waiting 1m0s at plugin Gate") {
		t.Fatalf("timed-out pod: %v", st)
	}
	if f.WaitingPod(c.UID) != nil {
		t.Error("a decided pod still waits")
	}
}

// TestWeightsAndRangeCheck: multiPoint weights multiply scores, and a score outside [0, 100]
// after normalizing is an error naming the plugin.
func TestWeightsAndRangeCheck(t *testing.T) {
	f := permitFramework(t, clocktesting.NewFakeClock(time.Now()))
	snap := framework.NewSnapshot(nil, []*core.Node{
		schedulertest.MakeNode().Name("n").Capacity(map[core.ResourceName]string{"cpu": "5"}).Obj(),
	})
	f.SetSnapshot(snap)
	scores, st := f.RunScorePlugins(context.Background(), framework.NewCycleState(), schedulertest.MakePod().Name("p").Obj(), snap.NodeInfoList, nil)
	if !st.IsSuccess() || scores[0].TotalScore != 150 {
		t.Fatalf("weighted score %v %v", scores, st)
	}
	big := framework.NewSnapshot(nil, []*core.Node{
		schedulertest.MakeNode().Name("huge").Capacity(map[core.ResourceName]string{"cpu": "64"}).Obj(),
	})
	_, st = f.RunScorePlugins(context.Background(), framework.NewCycleState(), schedulertest.MakePod().Name("p").Obj(), big.NodeInfoList, nil)
	if st.IsSuccess() || !strings.Contains(st.Message(), `plugin "FreeCPU" returns an invalid score 640`) {
		t.Fatalf("out-of-range score: %v", st)
	}
}
