package cache

import (
	"testing"
	"time"

	"github.com/go-logr/logr"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func cpuPod(name, node, cpu string) *core.Pod {
	return schedulertest.MakePod().Name(name).Node(node).Req(map[core.ResourceName]string{"cpu": cpu}).Obj()
}

func TestAssumeConfirmForgetExpire(t *testing.T) {
	clk := clocktesting.NewFakeClock(time.Now())
	c := New(30*time.Second, clk, logr.Discard())
	c.AddNode(schedulertest.MakeNode().Name("n1").Capacity(map[core.ResourceName]string{"cpu": "4"}).Obj())
	snap := &framework.Snapshot{}
	c.UpdateSnapshot(snap)
	if snap.NumNodes() != 1 {
		t.Fatalf("%d nodes", snap.NumNodes())
	}

	p := cpuPod("p", "n1", "1")
	if err := c.AssumePod(p); err != nil {
		t.Fatal(err)
	}
	if err := c.AssumePod(p); err == nil {
		t.Error("assumed twice")
	}
	c.UpdateSnapshot(snap)
	ni, _ := snap.Get("n1")
	if ni.Requested.MilliCPU != 1000 || !c.IsAssumedPod(p) {
		t.Fatalf("assumed pod not counted: %d", ni.Requested.MilliCPU)
	}
	// The informer shows it bound: confirmed, no longer assumed, still counted once.
	if err := c.AddPod(p); err != nil {
		t.Fatal(err)
	}
	c.UpdateSnapshot(snap)
	if c.IsAssumedPod(p) || ni.Requested.MilliCPU != 1000 || c.PodCount() != 1 {
		t.Fatalf("after confirmation: assumed %v, cpu %d, pods %d", c.IsAssumedPod(p), ni.Requested.MilliCPU, c.PodCount())
	}
	if err := c.ForgetPod(p); err == nil {
		t.Error("a bound pod was forgotten")
	}

	// A failed binding is forgotten.
	q := cpuPod("q", "n1", "500m")
	c.AssumePod(q)
	if err := c.ForgetPod(q); err != nil {
		t.Fatal(err)
	}
	c.UpdateSnapshot(snap)
	if ni.Requested.MilliCPU != 1000 {
		t.Fatalf("forgotten pod still counted: %d", ni.Requested.MilliCPU)
	}

	// An assumed pod never seen bound expires after the TTL once its binding finished.
	r := cpuPod("r", "n1", "2")
	c.AssumePod(r)
	c.cleanupExpired(clk.Now().Add(time.Hour))
	if !c.IsAssumedPod(r) {
		t.Fatal("expired before its binding finished")
	}
	c.FinishBinding(r)
	c.cleanupExpired(clk.Now().Add(29 * time.Second))
	if !c.IsAssumedPod(r) {
		t.Fatal("expired before the TTL")
	}
	c.cleanupExpired(clk.Now().Add(31 * time.Second))
	if c.IsAssumedPod(r) || c.PodCount() != 1 {
		t.Fatalf("not expired: %d pods", c.PodCount())
	}
	if err := c.RemovePod(p); err != nil {
		t.Fatal(err)
	}
	c.UpdateSnapshot(snap)
	if ni.Requested.MilliCPU != 0 || len(ni.Pods) != 0 {
		t.Fatalf("after removal %+v", ni)
	}
}

// TestSnapshotIsIncremental: a refresh copies only the nodes that changed, keeps the others'
// NodeInfos, and follows additions and removals.
func TestSnapshotIsIncremental(t *testing.T) {
	c := New(0, nil, logr.Discard())
	for _, n := range []string{"a", "b", "c"} {
		c.AddNode(schedulertest.MakeNode().Name(n).Capacity(map[core.ResourceName]string{"cpu": "4"}).Obj())
	}
	snap := &framework.Snapshot{}
	c.UpdateSnapshot(snap)
	a, _ := snap.Get("a")
	b, _ := snap.Get("b")
	genA, genB := a.Generation, b.Generation
	c.AddPod(cpuPod("p", "b", "1"))
	c.UpdateSnapshot(snap)
	if a.Generation != genA {
		t.Error("an unchanged node was copied again")
	}
	if b.Generation == genB || b.Requested.MilliCPU != 1000 {
		t.Error("the changed node was not refreshed in place")
	}
	if names := []string{snap.NodeInfoList[0].Node().Name, snap.NodeInfoList[1].Node().Name, snap.NodeInfoList[2].Node().Name}; names[0] != "a" || names[2] != "c" {
		t.Errorf("order %v", names)
	}
	c.RemoveNode(schedulertest.MakeNode().Name("a").Obj())
	c.AddNode(schedulertest.MakeNode().Name("d").Obj())
	c.UpdateSnapshot(snap)
	if snap.NumNodes() != 3 {
		t.Fatalf("%d nodes", snap.NumNodes())
	}
	if _, err := snap.Get("a"); err == nil {
		t.Error("removed node still in the snapshot")
	}
	if _, err := snap.Get("d"); err != nil {
		t.Error(err)
	}
	// A pod with anti-affinity shows in the snapshot's lists.
	anti := schedulertest.MakePod().Name("anti").Node("c").Label("app", "x").Affinity(&core.Affinity{PodAntiAffinity: &core.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []core.PodAffinityTerm{{TopologyKey: "kubernetes.io/hostname"}}}}).Obj()
	c.AddPod(anti)
	c.UpdateSnapshot(snap)
	if l, _ := snap.HavePodsWithRequiredAntiAffinityList(); len(l) != 1 || l[0].Node().Name != "c" {
		t.Errorf("anti-affinity list %v", l)
	}
	// Pods on a removed node keep it until they go.
	c.RemoveNode(schedulertest.MakeNode().Name("b").Obj())
	c.UpdateSnapshot(snap)
	if _, err := snap.Get("b"); err == nil {
		t.Error("a removed node with pods is still schedulable")
	}
	if err := c.RemovePod(cpuPod("p", "b", "1")); err != nil {
		t.Fatal(err)
	}
	if c.NodeCount() != 2 {
		t.Errorf("%d nodes", c.NodeCount())
	}
}
