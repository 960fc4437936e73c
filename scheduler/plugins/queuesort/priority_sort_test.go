package queuesort_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/queuesort"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func TestLess(t *testing.T) {
	pl, err := queuesort.New(context.Background(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	less := pl.(framework.QueueSortPlugin).Less
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Second)
	queued := func(prio *int32, ts time.Time) *framework.QueuedPodInfo {
		p := schedulertest.MakePod().Name("p")
		if prio != nil {
			p.Priority(*prio)
		}
		return &framework.QueuedPodInfo{PodInfo: framework.NewPodInfo(p.Obj()), Timestamp: ts}
	}
	lowPriority, highPriority, zero, negative := int32(10), int32(100), int32(0), int32(-5)
	tests := []struct {
		name string
		a, b *framework.QueuedPodInfo
		want bool
	}{
		{"higher priority first", queued(&highPriority, t1), queued(&lowPriority, t0), true},
		{"lower priority after", queued(&lowPriority, t0), queued(&highPriority, t1), false},
		{"same priority, earlier first", queued(&highPriority, t0), queued(&highPriority, t1), true},
		{"same priority, later after", queued(&highPriority, t1), queued(&highPriority, t0), false},
		{"same priority and time: neither is less", queued(&highPriority, t0), queued(&highPriority, t0), false},
		{"unset priority counts as 0", queued(nil, t0), queued(&zero, t1), true},
		{"unset priority is above negative ones", queued(nil, t1), queued(&negative, t0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := less(tt.a, tt.b); got != tt.want {
				t.Errorf("Less = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPodPriority(t *testing.T) {
	if got := queuesort.PodPriority(&core.Pod{}); got != 0 {
		t.Errorf("unset priority = %d", got)
	}
	if got := queuesort.PodPriority(schedulertest.MakePod().Priority(2000001000).Obj()); got != 2000001000 {
		t.Errorf("priority = %d", got)
	}
}

func TestNew(t *testing.T) {
	if _, err := queuesort.New(context.Background(), json.RawMessage(`{"x":1}`), nil); err == nil {
		t.Error("New accepted an unknown arg")
	}
}

func BenchmarkLess(b *testing.B) {
	var pl queuesort.PrioritySort
	p := int32(5)
	now := time.Now()
	a := &framework.QueuedPodInfo{PodInfo: &framework.PodInfo{Pod: schedulertest.MakePod().Priority(p).Obj()}, Timestamp: now}
	c := &framework.QueuedPodInfo{PodInfo: &framework.PodInfo{Pod: schedulertest.MakePod().Priority(p).Obj()}, Timestamp: now.Add(time.Millisecond)}
	b.ReportAllocs()
	for b.Loop() {
		pl.Less(a, c)
	}
}
