package schedulinggates_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/schedulinggates"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func newPlugin(tb testing.TB) *schedulinggates.SchedulingGates {
	tb.Helper()
	pl, err := schedulinggates.New(context.Background(), nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return pl.(*schedulinggates.SchedulingGates)
}

func TestPreEnqueue(t *testing.T) {
	tests := []struct {
		name  string
		gates []string
		want  *framework.Status
	}{
		{name: "a pod without gates is let in"},
		{name: "one gate", gates: []string{"example.com/quota"}, want: framework.NewStatus(framework.UnschedulableAndUnresolvable, "waiting for scheduling gates: [example.com/quota]")},
		{name: "gates in their order", gates: []string{"foo", "bar"}, want: framework.NewStatus(framework.UnschedulableAndUnresolvable, "waiting for scheduling gates: [foo bar]")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pod := schedulertest.MakePod().Name("p")
			for _, g := range tt.gates {
				pod.SchedulingGate(g)
			}
			got := newPlugin(t).PreEnqueue(context.Background(), pod.Obj())
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNew(t *testing.T) {
	if _, err := schedulinggates.New(context.Background(), json.RawMessage(`{"x":1}`), nil); err == nil {
		t.Error("New accepted an unknown arg")
	}
}

func TestEventsToRegister(t *testing.T) {
	events, err := newPlugin(t).EventsToRegister(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := framework.ClusterEvent{Resource: framework.EventPod, ActionType: framework.UpdatePodSchedulingGatesEliminated}
	if len(events) != 1 || events[0].Event != want || events[0].QueueingHintFn == nil {
		t.Fatalf("events %+v, want %+v with a hint", events, want)
	}
	hint := events[0].QueueingHintFn
	pod := schedulertest.MakePod().Name("p").Obj()
	tests := []struct {
		name    string
		newObj  meta.Object
		want    framework.QueueingHint
		wantErr bool
	}{
		{name: "the pod's own gates were lifted", newObj: pod, want: framework.Queue},
		{name: "another pod's gates were lifted", newObj: schedulertest.MakePod().Name("q").Obj(), want: framework.QueueSkip},
		{name: "not a pod", newObj: schedulertest.MakeNode().Name("n").Obj(), want: framework.Queue, wantErr: true},
		{name: "no object", want: framework.Queue, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := hint(pod, pod, tt.newObj)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("hint = %v, want %v", got, tt.want)
			}
		})
	}
}

func BenchmarkPreEnqueue(b *testing.B) {
	pl := newPlugin(b)
	ungated := schedulertest.MakePod().Name("p").Obj()
	gated := schedulertest.MakePod().Name("g").SchedulingGate("a").SchedulingGate("b").Obj()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		pl.PreEnqueue(ctx, ungated)
		pl.PreEnqueue(ctx, gated)
	}
}
