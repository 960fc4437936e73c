package config_test

import (
	"testing"

	"github.com/skiff-io/skiff/scheduler/config"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
)

// FuzzParse: no configuration file, however broken, makes Parse or ResolveProfiles panic; a
// refused one is refused with an error.
func FuzzParse(f *testing.F) {
	f.Add([]byte("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"))
	f.Add([]byte(`{"apiVersion":"kubescheduler.config.k8s.io/v1","kind":"KubeSchedulerConfiguration","profiles":[{"schedulerName":"a","plugins":{"score":{"enabled":[{"name":"X","weight":-1}]},"multiPoint":{"disabled":[{"name":"*"}]}},"pluginConfig":[{"name":"X","args":{"a":1}}]}]}`))
	f.Add([]byte("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\nleaderElection: {leaseDuration: 1h}\npercentageOfNodesToScore: 50\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := config.Parse(data)
		if err != nil {
			return
		}
		_, _ = c.ResolveProfiles([]runtime.PluginRef{{Name: "PrioritySort"}, {Name: "DefaultBinder"}})
	})
}
