package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/scheduler"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
	"github.com/skiff-io/skiff/testenv"
)

func zoneNode(name, zone string) *core.Node {
	return schedulertest.MakeNode().Name(name).Label(ZoneLabel, zone).Capacity(map[core.ResourceName]string{"cpu": "4", "memory": "8Gi"}).Obj()
}

// TestScore: the plugin alone, against a snapshot.
func TestScore(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{zoneNode("a", "zone-a"), zoneNode("b", "zone-b")})
	pl, err := New(context.Background(), json.RawMessage(`{"score": 80}`), schedulertest.NewHandle(snap))
	if err != nil {
		t.Fatal(err)
	}
	pod := schedulertest.MakePod().Name("p").Obj()
	pod.Annotations = map[string]string{Annotation: "zone-b"}
	scores := schedulertest.RunScore(t, pl.(framework.ScorePlugin), pod, snap)
	if scores[0] != (framework.NodeScore{Name: "a", Score: 0}) || scores[1] != (framework.NodeScore{Name: "b", Score: 80}) {
		t.Errorf("scores %v", scores)
	}
	if _, err := New(context.Background(), json.RawMessage(`{"score": 101}`), nil); err == nil {
		t.Error("score above 100 accepted")
	}
	if _, err := New(context.Background(), json.RawMessage(`{"scor": 1}`), nil); err == nil {
		t.Error("misspelt args accepted")
	}
}

// TestWithTheDefaults: among the default plugins, the preference wins over an equal node in
// another zone.
func TestWithTheDefaults(t *testing.T) {
	reg, err := Registry()
	if err != nil {
		t.Fatal(err)
	}
	snap := framework.NewSnapshot(nil, []*core.Node{zoneNode("a", "zone-a"), zoneNode("b", "zone-b"), zoneNode("c", "zone-c")})
	pod := schedulertest.MakePod().Name("p").Req(map[core.ResourceName]string{"cpu": "1"}).Obj()
	pod.Annotations = map[string]string{Annotation: "zone-c"}
	if res := schedulertest.RunProfile(t, reg, Profile(""), pod, snap); res.Node != "c" {
		t.Errorf("placed on %q: %+v", res.Node, res.Scores)
	}
}

// TestInACluster: the scheduler with the plugin binds pods in a real (in-process) cluster.
func TestInACluster(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	c := env.Client()
	for _, n := range []*core.Node{zoneNode("a", "zone-a"), zoneNode("b", "zone-b")} {
		if _, err := client.For[*core.Node](c).Create(env.Context, n, client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	reg, _ := Registry()
	f := informer.NewFactory(c, informer.FactoryOptions{})
	s, err := scheduler.New(env.Context, c, f, scheduler.Options{Profiles: []runtime.Profile{Profile(core.DefaultSchedulerName)}, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	f.Start(env.Context)
	go s.Run(env.Context)
	pods := client.For[*core.Pod](c).Namespace("default")
	for i, zone := range []string{"zone-a", "zone-b", "zone-b"} {
		p := schedulertest.MakePod().Name("p" + string(rune('0'+i))).UID("").Obj()
		p.Annotations = map[string]string{Annotation: zone}
		if _, err := pods.Create(env.Context, p, client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]string{"p0": "a", "p1": "b", "p2": "b"}
	testenv.Eventually(t, "pods in their preferred zones", func() bool {
		for name, node := range want {
			p, err := pods.Get(env.Context, name, client.GetOptions{})
			if err != nil || p.Spec.NodeName != node {
				return false
			}
		}
		return true
	})
}
