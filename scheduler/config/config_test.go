package config_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/scheduler/config"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
)

var defaults = []runtime.PluginRef{{Name: "PrioritySort"}, {Name: "NodeResourcesFit", Weight: 1}, {Name: "TaintToleration", Weight: 3},
	{Name: "NodeResourcesBalancedAllocation", Weight: 1}, {Name: "DefaultBinder"}}

func TestResolveProfiles(t *testing.T) {
	c, err := config.Parse([]byte(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
leaderElection: {leaderElect: true, leaseDuration: 15s, renewDeadline: 10s, retryPeriod: 2s, resourceName: kube-scheduler, resourceNamespace: kube-system}
profiles:
- schedulerName: default-scheduler
- schedulerName: bin-packing
  percentageOfNodesToScore: 100
  plugins:
    score:
      disabled: [{name: NodeResourcesBalancedAllocation}]
      enabled: [{name: TaintToleration, weight: 5}, {name: MyScore, weight: 2}]
    multiPoint:
      enabled: [{name: MyPlugin}]
  pluginConfig:
  - name: NodeResourcesFit
    args: {scoringStrategy: {type: MostAllocated}}
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.LeaderElection.LeaseDuration.Seconds() != 15 || *c.PercentageOfNodesToScore != 30 {
		t.Errorf("%+v", c.LeaderElection)
	}
	ps, err := c.ResolveProfiles(defaults)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].SchedulerName != "default-scheduler" || len(ps[0].Plugins[runtime.MultiPoint]) != len(defaults) {
		t.Fatalf("%+v", ps)
	}
	bp := ps[1]
	if bp.PercentageOfNodesToScore != 100 || !bp.Disabled[runtime.Score]["NodeResourcesBalancedAllocation"] {
		t.Errorf("bin-packing %+v", bp)
	}
	if got := bp.Plugins[runtime.Score]; len(got) != 2 || got[0] != (runtime.PluginRef{Name: "TaintToleration", Weight: 5}) || got[1].Name != "MyScore" {
		t.Errorf("score %v", got)
	}
	if mp := bp.Plugins[runtime.MultiPoint]; mp[len(mp)-1].Name != "MyPlugin" {
		t.Errorf("multiPoint %v", mp)
	}
	if !strings.Contains(string(bp.Args["NodeResourcesFit"]), "MostAllocated") {
		t.Errorf("args %s", bp.Args["NodeResourcesFit"])
	}

	none, _ := config.Parse([]byte("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"))
	if ps, err := none.ResolveProfiles(defaults); err != nil || len(ps) != 1 || ps[0].SchedulerName != "default-scheduler" {
		t.Errorf("no profiles: %v %+v", err, ps)
	}
	all, _ := config.Parse([]byte(`{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"KubeSchedulerConfiguration","profiles":[{"plugins":{"multiPoint":{"disabled":[{"name":"*"}]}}}]}`))
	if ps, _ := all.ResolveProfiles(defaults); len(ps[0].Plugins[runtime.MultiPoint]) != 0 {
		t.Errorf("* did not disable the defaults: %v", ps[0].Plugins[runtime.MultiPoint])
	}
}

func TestInvalid(t *testing.T) {
	for name, text := range map[string]string{
		"wrong kind":    "apiVersion: v1\nkind: Pod\n",
		"unknown field": "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofilez: []\n",
		"extenders":     "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nextenders: [{urlPrefix: http://x}]\n",
		"percentage":    "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\npercentageOfNodesToScore: 101\n",
		"bad duration":  "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nleaderElection: {leaseDuration: soon}\n",
	} {
		if _, err := config.Parse([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if name != "bad duration" && !errors.Is(err, config.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	dup, _ := config.Parse([]byte("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nprofiles: [{schedulerName: a}, {schedulerName: a}]\n"))
	if _, err := dup.ResolveProfiles(defaults); !errors.Is(err, config.ErrInvalid) {
		t.Errorf("duplicate profiles: %v", err)
	}
}
