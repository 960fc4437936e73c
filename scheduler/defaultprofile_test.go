package scheduler_test

import (
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/scheduler"
	"github.com/skiff-io/skiff/scheduler/config"
	"github.com/skiff-io/skiff/scheduler/plugins"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
	"github.com/skiff-io/skiff/testenv"
)

// startDefault runs the scheduler with the default profile against a real API server.
func startDefault(t *testing.T, env *testenv.Env) *record.ListRecorder {
	t.Helper()
	cfg, err := config.Parse([]byte("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"))
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := cfg.ResolveProfiles(plugins.DefaultMultiPoint())
	if err != nil {
		t.Fatal(err)
	}
	c := env.Client()
	rec := &record.ListRecorder{}
	f := informer.NewFactory(c, informer.FactoryOptions{})
	s, err := scheduler.New(env.Context, c, f, scheduler.Options{Profiles: profiles, Registry: plugins.NewInTreeRegistry(), Recorder: rec})
	if err != nil {
		t.Fatal(err)
	}
	f.Start(env.Context)
	go s.Run(env.Context)
	return rec
}

// TestDefaultProfilePlacesPodsAsKubernetes: three nodes with different taints, labels and
// capacity; each pod lands where kube-scheduler would put it, and the one that fits nowhere gets
// kube-scheduler's message.
func TestDefaultProfilePlacesPodsAsKubernetes(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	c := env.Client()
	rec := startDefault(t, env)
	nodes := client.For[*core.Node](c)
	for _, n := range []*core.Node{
		schedulertest.MakeNode().Name("a").Label("zone", "a").Label("disktype", "ssd").
			Capacity(map[core.ResourceName]string{"cpu": "4", "memory": "8Gi"}).
			Taints(core.Taint{Key: "dedicated", Value: "gpu", Effect: core.TaintEffectNoSchedule}).Obj(),
		schedulertest.MakeNode().Name("b").Label("zone", "b").Capacity(map[core.ResourceName]string{"cpu": "2", "memory": "8Gi"}).Obj(),
		schedulertest.MakeNode().Name("c").Label("zone", "c").Label("disktype", "ssd").Capacity(map[core.ResourceName]string{"cpu": "8", "memory": "16Gi"}).Obj(),
	} {
		if _, err := nodes.Create(ctx, n, client.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	pods := client.For[*core.Pod](c).Namespace("default")
	create := func(p *core.Pod) {
		t.Helper()
		p.UID = ""
		if _, err := pods.Create(ctx, p, client.CreateOptions{}); err != nil {
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
	small := map[core.ResourceName]string{"cpu": "100m", "memory": "64Mi"}
	create(schedulertest.MakePod().Name("needs-ssd").Req(small).NodeSelector(map[string]string{"disktype": "ssd"}).Obj())
	create(schedulertest.MakePod().Name("gpu").Req(small).
		Toleration(core.Toleration{Key: "dedicated", Operator: core.TolerationOpEqual, Value: "gpu", Effect: core.TaintEffectNoSchedule}).
		Affinity(&core.Affinity{NodeAffinity: &core.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &core.NodeSelector{
			NodeSelectorTerms: []core.NodeSelectorTerm{{MatchExpressions: []core.NodeSelectorRequirement{{Key: "zone", Operator: core.NodeSelectorOpIn, Values: []string{"a"}}}}}}}}).Obj())
	create(schedulertest.MakePod().Name("big").Req(map[core.ResourceName]string{"cpu": "6"}).Obj())
	create(schedulertest.MakePod().Name("prefers-b").Req(small).Affinity(&core.Affinity{NodeAffinity: &core.NodeAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []core.PreferredSchedulingTerm{{Weight: 100, Preference: core.NodeSelectorTerm{
			MatchExpressions: []core.NodeSelectorRequirement{{Key: "zone", Operator: core.NodeSelectorOpIn, Values: []string{"b"}}}}}}}}).Obj())
	create(schedulertest.MakePod().Name("nowhere").Req(small).NodeSelector(map[string]string{"zone": "z"}).Obj())

	testenv.Eventually(t, "pods bound", func() bool {
		return boundTo("needs-ssd") != "" && boundTo("gpu") != "" && boundTo("big") != "" && boundTo("prefers-b") != ""
	})
	for pod, want := range map[string]string{"needs-ssd": "c", "gpu": "a", "big": "c", "prefers-b": "b"} {
		if got := boundTo(pod); got != want {
			t.Errorf("%s on %s, want %s", pod, got, want)
		}
	}
	want := "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 node(s) didn't match Pod's node affinity/selector. " +
		"preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
	testenv.Eventually(t, "nowhere's event", func() bool { return rec.Count("Warning FailedScheduling "+want) > 0 })

	// Host ports: two pods asking for the same port never share a node.
	create(schedulertest.MakePod().Name("port1").Req(small).HostPort(8080, "", "").Obj())
	create(schedulertest.MakePod().Name("port2").Req(small).HostPort(8080, "", "").Obj())
	testenv.Eventually(t, "port pods bound", func() bool { return boundTo("port1") != "" && boundTo("port2") != "" })
	if boundTo("port1") == boundTo("port2") {
		t.Errorf("both host-port pods on %s", boundTo("port1"))
	}

	// A gated pod waits until its gate is removed.
	create(schedulertest.MakePod().Name("gated").Req(small).SchedulingGate("example.com/later").Obj())
	testenv.Eventually(t, "gated pod's status", func() bool {
		p, _ := pods.Get(ctx, "gated", client.GetOptions{})
		return p.Spec.NodeName == ""
	})
	p, _ := pods.Get(ctx, "gated", client.GetOptions{})
	p.Spec.SchedulingGates = nil
	if _, err := pods.Update(ctx, p, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "ungated pod bound", func() bool { return boundTo("gated") != "" })
}
