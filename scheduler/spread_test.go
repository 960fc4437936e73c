package scheduler_test

import (
	"fmt"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
	"github.com/skiff-io/skiff/testenv"
)

// TestSpreadAndAntiAffinity: with the default profile, pods with a zone spread constraint fill
// the three zones evenly, and pods with hostname anti-affinity never share a node; the one too
// many waits with kube-scheduler's message.
func TestSpreadAndAntiAffinity(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	c := env.Client()
	rec := startDefault(t, env)
	nodes := client.For[*core.Node](c)
	for i, zone := range []string{"a", "a", "b", "c"} {
		n := schedulertest.MakeNode().Name(fmt.Sprintf("n%d", i)).Label("topology.kubernetes.io/zone", zone).
			Capacity(map[core.ResourceName]string{"cpu": "8", "memory": "16Gi"}).Obj()
		if _, err := nodes.Create(ctx, n, client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pods := client.For[*core.Pod](c).Namespace("default")
	zoneOf := map[string]string{"n0": "a", "n1": "a", "n2": "b", "n3": "c"}
	for i := range 6 {
		p := schedulertest.MakePod().Name(fmt.Sprintf("spread-%d", i)).UID("").Label("app", "spread").
			SpreadConstraint(1, "topology.kubernetes.io/zone", core.DoNotSchedule, map[string]string{"app": "spread"}).Obj()
		if _, err := pods.Create(ctx, p, client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
		// One at a time, so that each sees the ones before it bound.
		testenv.Eventually(t, p.Name+" bound", func() bool {
			got, _ := pods.Get(ctx, p.Name, client.GetOptions{})
			return got.Spec.NodeName != ""
		})
	}
	perZone := map[string]int{}
	l, _ := pods.List(ctx, client.ListOptions{LabelSelector: "app=spread"})
	for _, p := range l.Items {
		perZone[zoneOf[p.Spec.NodeName]]++
	}
	if perZone["a"] != 2 || perZone["b"] != 2 || perZone["c"] != 2 {
		t.Errorf("pods per zone %v, want 2 each", perZone)
	}

	anti := func(name string) *core.Pod {
		return schedulertest.MakePod().Name(name).UID("").Label("app", "solo").Affinity(&core.Affinity{PodAntiAffinity: &core.PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: []core.PodAffinityTerm{{
				LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "solo"}}, TopologyKey: "kubernetes.io/hostname"}}}}).Obj()
	}
	for i := range 5 {
		if _, err := pods.Create(ctx, anti(fmt.Sprintf("solo-%d", i)), client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	want := "0/4 nodes are available: 4 node(s) didn't match pod anti-affinity rules. preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod."
	testenv.Eventually(t, "four solo pods bound, one waiting", func() bool {
		l, _ := pods.List(ctx, client.ListOptions{LabelSelector: "app=solo"})
		bound := map[string]bool{}
		for _, p := range l.Items {
			if p.Spec.NodeName != "" {
				if bound[p.Spec.NodeName] {
					t.Fatalf("two solo pods on %s", p.Spec.NodeName)
				}
				bound[p.Spec.NodeName] = true
			}
		}
		return len(bound) == 4 && rec.Count("Warning FailedScheduling "+want) > 0
	})
}
