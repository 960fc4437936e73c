package nodelifecycle

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func secs(s int64) *int64 { return &s }

func TestTolerates(t *testing.T) {
	taint := core.Taint{Key: "k", Value: "v", Effect: core.TaintEffectNoExecute}
	for _, tc := range []struct {
		name string
		tol  core.Toleration
		want bool
	}{
		{"exists, any key and effect", core.Toleration{Operator: core.TolerationOpExists}, true},
		{"exists, same key", core.Toleration{Key: "k", Operator: core.TolerationOpExists}, true},
		{"exists, other key", core.Toleration{Key: "x", Operator: core.TolerationOpExists}, false},
		{"equal, same value", core.Toleration{Key: "k", Value: "v", Effect: core.TaintEffectNoExecute}, true},
		{"equal by default, other value", core.Toleration{Key: "k", Value: "w"}, false},
		{"explicit equal", core.Toleration{Key: "k", Operator: core.TolerationOpEqual, Value: "v"}, true},
		{"other effect", core.Toleration{Key: "k", Operator: core.TolerationOpExists, Effect: core.TaintEffectNoSchedule}, false},
		{"unknown operator", core.Toleration{Key: "k", Operator: "Lt", Value: "v"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tolerates(&tc.tol, taint); got != tc.want {
				t.Errorf("tolerates = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEvictionTime(t *testing.T) {
	unreachable := timedTaint{taint: unreachableNoExecute, since: t0}
	notReady := timedTaint{taint: notReadyNoExecute, since: t0.Add(time.Minute)}
	custom := timedTaint{taint: core.Taint{Key: "dedicated", Value: "gpu", Effect: core.TaintEffectNoExecute}, since: t0}
	tolerate := func(key string, s *int64) core.Toleration {
		return core.Toleration{Key: key, Operator: core.TolerationOpExists, Effect: core.TaintEffectNoExecute, TolerationSeconds: s}
	}
	type result struct {
		At    time.Time
		Evict bool
	}
	for _, tc := range []struct {
		name   string
		taints []timedTaint
		tols   []core.Toleration
		want   result
	}{
		{"no taints", nil, nil, result{}},
		{"not tolerated: at once", []timedTaint{unreachable}, nil, result{Evict: true}},
		{"tolerated for 300 s from the taint", []timedTaint{unreachable}, []core.Toleration{tolerate(TaintNodeUnreachable, secs(300))}, result{t0.Add(300 * time.Second), true}},
		{"tolerated forever", []timedTaint{unreachable}, []core.Toleration{tolerate(TaintNodeUnreachable, nil)}, result{}},
		{"zero seconds: at once", []timedTaint{unreachable}, []core.Toleration{tolerate(TaintNodeUnreachable, secs(0))}, result{Evict: true}},
		{"negative seconds: at once", []timedTaint{unreachable}, []core.Toleration{tolerate(TaintNodeUnreachable, secs(-5))}, result{Evict: true}},
		{"one of two taints untolerated", []timedTaint{unreachable, custom}, []core.Toleration{tolerate(TaintNodeUnreachable, nil)}, result{Evict: true}},
		{"earliest deadline of two taints", []timedTaint{unreachable, notReady}, []core.Toleration{tolerate(TaintNodeUnreachable, secs(600)), tolerate(TaintNodeNotReady, secs(300))}, result{t0.Add(6 * time.Minute), true}},
		{"forever and bounded: bounded", []timedTaint{unreachable, notReady}, []core.Toleration{tolerate(TaintNodeUnreachable, nil), tolerate(TaintNodeNotReady, secs(60))}, result{t0.Add(2 * time.Minute), true}},
		{"first matching toleration wins", []timedTaint{unreachable}, []core.Toleration{tolerate("", secs(30)), tolerate(TaintNodeUnreachable, nil)}, result{t0.Add(30 * time.Second), true}},
		{"wildcard toleration", []timedTaint{unreachable, custom}, []core.Toleration{{Operator: core.TolerationOpExists}}, result{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at, evict := evictionTime(tc.taints, tc.tols)
			if diff := cmp.Diff(tc.want, result{at, evict}); diff != "" {
				t.Errorf("evictionTime (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTaintsForCountsFromTheLaterOfTaintAndBinding(t *testing.T) {
	clk := clocktesting.NewFakeClock(t0.Add(time.Hour))
	nc := &Controller{clock: clk, taintSeen: map[string]map[taintID]time.Time{}, podSeen: map[string]podBinding{}}
	added := meta.NewTime(t0)
	node := &core.Node{ObjectMeta: meta.ObjectMeta{Name: "a"}, Spec: core.NodeSpec{Taints: []core.Taint{
		{Key: TaintNodeUnreachable, Effect: core.TaintEffectNoExecute, TimeAdded: &added},
		{Key: "custom", Effect: core.TaintEffectNoExecute},
		{Key: TaintNodeUnreachable, Effect: core.TaintEffectNoSchedule, TimeAdded: &added},
	}}}
	nc.taintSeen["a"] = map[taintID]time.Time{{"custom", core.TaintEffectNoExecute}: t0.Add(time.Minute)}
	nc.podSeen["ns/late"] = podBinding{node: "a", at: t0.Add(30 * time.Second)}
	nc.podSeen["ns/moved"] = podBinding{node: "b", at: t0.Add(30 * time.Minute)}
	for pod, want := range map[string][]time.Time{
		"ns/early": {t0, t0.Add(time.Minute)},
		"ns/late":  {t0.Add(30 * time.Second), t0.Add(time.Minute)},
		"ns/moved": {t0, t0.Add(time.Minute)},
	} {
		var got []time.Time
		for _, tt := range nc.taintsFor(node, pod) {
			got = append(got, tt.since)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: since (-want +got):\n%s", pod, diff)
		}
	}
}

func TestApplyTaints(t *testing.T) {
	old := meta.NewTime(t0)
	now := meta.NewTime(t0.Add(time.Hour))
	existing := []core.Taint{
		{Key: "user", Value: "x", Effect: core.TaintEffectNoSchedule},
		{Key: TaintNodeNotReady, Effect: core.TaintEffectNoExecute, TimeAdded: &old},
	}
	got, changed := applyTaints(existing, []core.Taint{unreachableNoExecute, {Key: "user", Effect: core.TaintEffectNoSchedule}}, []core.Taint{notReadyNoExecute}, now)
	want := []core.Taint{
		{Key: "user", Value: "x", Effect: core.TaintEffectNoSchedule},
		{Key: TaintNodeUnreachable, Effect: core.TaintEffectNoExecute, TimeAdded: &now},
	}
	if diff := cmp.Diff(want, got); diff != "" || !changed {
		t.Errorf("applyTaints changed=%v (-want +got):\n%s", changed, diff)
	}
	if _, changed := applyTaints(want, []core.Taint{unreachableNoExecute}, []core.Taint{notReadyNoExecute}, now); changed {
		t.Error("applyTaints changed taints that were already right")
	}
}

func TestWantedNoScheduleTaints(t *testing.T) {
	node := &core.Node{
		Spec: core.NodeSpec{Unschedulable: true},
		Status: core.NodeStatus{Conditions: []core.NodeCondition{
			{Type: core.NodeReady, Status: core.ConditionFalse},
			{Type: core.NodeMemoryPressure, Status: core.ConditionTrue},
			{Type: core.NodeDiskPressure, Status: core.ConditionFalse},
			{Type: core.NodePIDPressure, Status: core.ConditionTrue},
			{Type: core.NodeNetworkUnavailable, Status: core.ConditionTrue},
		}},
	}
	var got []string
	for _, t := range wantedNoScheduleTaints(node) {
		got = append(got, t.Key+":"+string(t.Effect))
	}
	want := []string{
		"node.kubernetes.io/not-ready:NoSchedule",
		"node.kubernetes.io/memory-pressure:NoSchedule",
		"node.kubernetes.io/pid-pressure:NoSchedule",
		"node.kubernetes.io/network-unavailable:NoSchedule",
		"node.kubernetes.io/unschedulable:NoSchedule",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("taints (-want +got):\n%s", diff)
	}
}

func TestZoneKey(t *testing.T) {
	for _, tc := range []struct {
		labels map[string]string
		want   string
	}{
		{nil, ""},
		{map[string]string{labelTopologyRegion: "r", labelTopologyZone: "z"}, "r:\x00:z"},
		{map[string]string{labelBetaRegion: "r", labelBetaZone: "old", labelTopologyZone: "z"}, "r:\x00:z"},
		{map[string]string{labelTopologyZone: "z"}, ":\x00:z"},
	} {
		if got := zoneKey(&core.Node{ObjectMeta: meta.ObjectMeta{Labels: tc.labels}}); got != tc.want {
			t.Errorf("zoneKey(%v) = %q, want %q", tc.labels, got, tc.want)
		}
	}
}

func TestBucket(t *testing.T) {
	b := newBucket(0.1, t0)
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{{0, true}, {0, false}, {5 * time.Second, false}, {10 * time.Second, true}, {15 * time.Second, false}, {60 * time.Second, true}, {60 * time.Second, false}} {
		if got := b.tryAccept(t0.Add(tc.at)); got != tc.want {
			t.Errorf("tryAccept at +%v = %v, want %v", tc.at, got, tc.want)
		}
	}
	if newBucket(0, t0).tryAccept(t0.Add(time.Hour)) {
		t.Error("a zero rate gave a token")
	}
}

func TestTainterQueue(t *testing.T) {
	tn := &tainter{limiter: newBucket(1, t0), set: map[string]bool{}}
	if !tn.add("a", "", t0) || !tn.add("b", "", t0) || tn.add("a", "", t0.Add(time.Second)) {
		t.Fatal("add: a node is queued once")
	}
	tn.dequeue("a") // tainted: stays in the set
	if tn.add("a", "", t0) {
		t.Fatal("a tainted node was queued again before being removed")
	}
	if !tn.remove("a") || !tn.add("a", "", t0.Add(time.Second)) {
		t.Fatal("a removed node could not be queued again")
	}
	var order []string
	for _, q := range tn.queue {
		order = append(order, q.name)
	}
	if diff := cmp.Diff([]string{"b", "a"}, order); diff != "" {
		t.Errorf("queue (-want +got):\n%s", diff)
	}
	// A tainter with no token left does not get one by changing its rate.
	tn.limiter.tryAccept(t0)
	tn.setRate(0.5, t0)
	if tn.limiter.tryAccept(t0) {
		t.Error("setRate gave a token")
	}
}

func TestComputeZoneState(t *testing.T) {
	nc := &Controller{opts: Options{}}
	nc.opts.defaults()
	conds := func(ready, notReady, missing int) []*core.NodeCondition {
		var out []*core.NodeCondition
		for range ready {
			out = append(out, &core.NodeCondition{Type: core.NodeReady, Status: core.ConditionTrue})
		}
		for range notReady {
			out = append(out, &core.NodeCondition{Type: core.NodeReady, Status: core.ConditionUnknown})
		}
		for range missing {
			out = append(out, nil)
		}
		return out
	}
	for _, tc := range []struct {
		ready, notReady, missing int
		want                     zoneState
	}{
		{3, 0, 0, stateNormal},
		{0, 1, 0, stateFullDisruption},
		{0, 0, 2, stateFullDisruption},
		{1, 2, 0, stateNormal}, // two not ready are never a disruption
		{2, 3, 0, statePartialDisruption},
		{3, 3, 0, stateNormal}, // half is under the 55% threshold
		{2, 4, 0, statePartialDisruption},
		{5, 3, 0, stateNormal},
	} {
		t.Run(fmt.Sprintf("%d ready %d not %d missing", tc.ready, tc.notReady, tc.missing), func(t *testing.T) {
			if _, got := nc.computeZoneState(conds(tc.ready, tc.notReady, tc.missing)); got != tc.want {
				t.Errorf("state %s, want %s", got, tc.want)
			}
		})
	}
}

func TestHandleDisruptionRates(t *testing.T) {
	clk := clocktesting.NewFakeClock(t0)
	nc := &Controller{opts: Options{}, clock: clk, health: &healthMap{m: map[string]*nodeHealth{}}}
	nc.opts.defaults()
	nc.zones = newZones(nc.opts.NodeEvictionRate)
	ready := &core.NodeCondition{Type: core.NodeReady, Status: core.ConditionTrue}
	unknown := &core.NodeCondition{Type: core.NodeReady, Status: core.ConditionUnknown}
	repeat := func(c *core.NodeCondition, n int) []*core.NodeCondition {
		var out []*core.NodeCondition
		for range n {
			out = append(out, c)
		}
		return out
	}
	rates := func() map[string]float64 {
		out := map[string]float64{}
		for z, st := range nc.zones.states {
			out[z+"/"+string(st)] = nc.zones.tainters[z].limiter.rate
		}
		return out
	}
	ctx := context.Background()

	nc.handleDisruption(ctx, map[string][]*core.NodeCondition{
		"big":     append(repeat(ready, 20), repeat(unknown, 40)...),
		"small":   append(repeat(ready, 4), repeat(unknown, 6)...),
		"healthy": append(repeat(ready, 9), unknown),
	}, nil)
	want := map[string]float64{"big/PartialDisruption": 0.01, "small/PartialDisruption": 0, "healthy/Normal": 0.1}
	if diff := cmp.Diff(want, rates()); diff != "" {
		t.Errorf("rates (-want +got):\n%s", diff)
	}

	// No node ready anywhere: the controller suspects itself and stops tainting everywhere.
	nc.health.set("x", nodeHealth{probe: t0, transition: t0})
	nc.handleDisruption(ctx, map[string][]*core.NodeCondition{"big": repeat(unknown, 60), "healthy": repeat(unknown, 10)}, nil)
	want = map[string]float64{"big/FullDisruption": 0, "healthy/FullDisruption": 0}
	if diff := cmp.Diff(want, rates()); diff != "" {
		t.Errorf("rates in full disruption (-want +got):\n%s", diff)
	}

	// One node is back: normal rates, and every node's grace starts again.
	clk.Step(time.Minute)
	nc.handleDisruption(ctx, map[string][]*core.NodeCondition{"big": repeat(unknown, 60), "healthy": append(repeat(unknown, 9), ready)}, nil)
	want = map[string]float64{"big/FullDisruption": 0.1, "healthy/PartialDisruption": 0}
	if diff := cmp.Diff(want, rates()); diff != "" {
		t.Errorf("rates after full disruption (-want +got):\n%s", diff)
	}
	if h, _ := nc.health.get("x"); !h.probe.Equal(t0.Add(time.Minute)) {
		t.Errorf("probe %v after leaving full disruption, want now", h.probe)
	}
}
