package plugins_test

import (
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
	"github.com/skiff-io/skiff/scheduler/plugins"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func defaultProfile() runtime.Profile {
	return runtime.Profile{Plugins: map[string][]runtime.PluginRef{runtime.MultiPoint: plugins.DefaultMultiPoint()}}
}

// TestDefaultProfileOnASnapshot runs the default profile with no server: the kit's RunProfile.
func TestDefaultProfileOnASnapshot(t *testing.T) {
	snap := framework.NewSnapshot(
		[]*core.Pod{schedulertest.MakePod().Name("busy").Node("a").Req(map[core.ResourceName]string{"cpu": "3"}).Obj()},
		[]*core.Node{
			schedulertest.MakeNode().Name("a").Capacity(map[core.ResourceName]string{"cpu": "4", "memory": "8Gi"}).Obj(),
			schedulertest.MakeNode().Name("b").Capacity(map[core.ResourceName]string{"cpu": "4", "memory": "8Gi"}).Obj(),
			schedulertest.MakeNode().Name("c").Capacity(map[core.ResourceName]string{"cpu": "4", "memory": "8Gi"}).
				Taints(core.Taint{Key: "k", Value: "v", Effect: core.TaintEffectNoSchedule}).Obj(),
		})
	pod := schedulertest.MakePod().Name("p").Req(map[core.ResourceName]string{"cpu": "2", "memory": "1Gi"}).Obj()
	res := schedulertest.RunProfile(t, plugins.NewInTreeRegistry(), defaultProfile(), pod, snap)
	if res.Node != "b" {
		t.Errorf("placed on %q, want b: %+v", res.Node, res)
	}
	if st := res.Statuses["a"]; st.Plugin() != "NodeResourcesFit" || st.Message() != "Insufficient cpu" {
		t.Errorf("a: %v", st)
	}
	if st := res.Statuses["c"]; st.Plugin() != "TaintToleration" || st.Message() != "node(s) had untolerated taint {k: v}" {
		t.Errorf("c: %v", st)
	}
	if _, ok := res.Scores["b"]; !ok || len(res.Scores) != 1 {
		t.Errorf("scores %v", res.Scores)
	}
}

// TestRegistryCoversTheDefaults: every default plugin is registered, and the default profile
// builds.
func TestRegistryCoversTheDefaults(t *testing.T) {
	reg := plugins.NewInTreeRegistry()
	for _, ref := range plugins.DefaultMultiPoint() {
		if reg[ref.Name] == nil {
			t.Errorf("%s is not registered", ref.Name)
		}
	}
	snap := framework.NewSnapshot(nil, []*core.Node{schedulertest.MakeNode().Name("n").Capacity(map[core.ResourceName]string{"cpu": "1"}).Obj()})
	if res := schedulertest.RunProfile(t, reg, defaultProfile(), schedulertest.MakePod().Name("p").Obj(), snap); res.Node != "n" {
		t.Errorf("%+v", res)
	}
}
