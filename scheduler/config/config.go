// Package config reads the scheduler's configuration file, kube-scheduler's
// KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1), and turns its profiles into the
// plugin lists the scheduler runs: each profile starts from the default plugins (enabled at every
// extension point they implement, multiPoint), minus what it disables, plus what it enables, with
// its plugins' args.
//
//	apiVersion: kubescheduler.config.k8s.io/v1
//	kind: KubeSchedulerConfiguration
//	profiles:
//	- schedulerName: default-scheduler
//	- schedulerName: bin-packing
//	  plugins:
//	    score:
//	      disabled: [{name: NodeResourcesBalancedAllocation}]
//	  pluginConfig:
//	  - name: NodeResourcesFit
//	    args: {scoringStrategy: {type: MostAllocated}}
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
)

// Configuration is the parts of KubeSchedulerConfiguration skiff reads, with its field names.
type Configuration struct {
	meta.TypeMeta            `json:",inline"`
	Parallelism              *int32            `json:"parallelism,omitempty"`
	PercentageOfNodesToScore *int32            `json:"percentageOfNodesToScore,omitempty"`
	PodInitialBackoffSeconds *int64            `json:"podInitialBackoffSeconds,omitempty"`
	PodMaxBackoffSeconds     *int64            `json:"podMaxBackoffSeconds,omitempty"`
	LeaderElection           *LeaderElection   `json:"leaderElection,omitempty"`
	ClientConnection         *ClientConnection `json:"clientConnection,omitempty"`
	Profiles                 []Profile         `json:"profiles,omitempty"`
	// Extenders are not supported; a file that names some is refused.
	Extenders []json.RawMessage `json:"extenders,omitempty"`
	// HealthzBindAddress and MetricsBindAddress are deprecated in Kubernetes and ignored.
	HealthzBindAddress string `json:"healthzBindAddress,omitempty"`
	MetricsBindAddress string `json:"metricsBindAddress,omitempty"`
	// EnableProfiling and EnableContentionProfiling are read and ignored.
	EnableProfiling           *bool `json:"enableProfiling,omitempty"`
	EnableContentionProfiling *bool `json:"enableContentionProfiling,omitempty"`
	// DelayCacheUntilActive is read and ignored.
	DelayCacheUntilActive bool `json:"delayCacheUntilActive,omitempty"`
}

// LeaderElection is the leaderElection section.
type LeaderElection struct {
	LeaderElect       *bool    `json:"leaderElect,omitempty"`
	LeaseDuration     Duration `json:"leaseDuration,omitempty"`
	RenewDeadline     Duration `json:"renewDeadline,omitempty"`
	RetryPeriod       Duration `json:"retryPeriod,omitempty"`
	ResourceLock      string   `json:"resourceLock,omitempty"`
	ResourceName      string   `json:"resourceName,omitempty"`
	ResourceNamespace string   `json:"resourceNamespace,omitempty"`
}

// ClientConnection is the clientConnection section.
type ClientConnection struct {
	Kubeconfig         string  `json:"kubeconfig,omitempty"`
	QPS                float32 `json:"qps,omitempty"`
	Burst              int32   `json:"burst,omitempty"`
	ContentType        string  `json:"contentType,omitempty"`
	AcceptContentTypes string  `json:"acceptContentTypes,omitempty"`
}

// Duration is a Go duration written as a string ("15s"), as metav1.Duration.
type Duration struct{ time.Duration }

// UnmarshalJSON reads "15s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"15s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalJSON writes "15s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.Duration.String()) }

// Profile is one scheduling profile.
type Profile struct {
	SchedulerName            string         `json:"schedulerName,omitempty"`
	PercentageOfNodesToScore *int32         `json:"percentageOfNodesToScore,omitempty"`
	Plugins                  *Plugins       `json:"plugins,omitempty"`
	PluginConfig             []PluginConfig `json:"pluginConfig,omitempty"`
}

// Plugins is what a profile enables and disables at each extension point.
type Plugins struct {
	PreEnqueue PluginSet `json:"preEnqueue,omitempty"`
	QueueSort  PluginSet `json:"queueSort,omitempty"`
	PreFilter  PluginSet `json:"preFilter,omitempty"`
	Filter     PluginSet `json:"filter,omitempty"`
	PostFilter PluginSet `json:"postFilter,omitempty"`
	PreScore   PluginSet `json:"preScore,omitempty"`
	Score      PluginSet `json:"score,omitempty"`
	Reserve    PluginSet `json:"reserve,omitempty"`
	Permit     PluginSet `json:"permit,omitempty"`
	PreBind    PluginSet `json:"preBind,omitempty"`
	Bind       PluginSet `json:"bind,omitempty"`
	PostBind   PluginSet `json:"postBind,omitempty"`
	MultiPoint PluginSet `json:"multiPoint,omitempty"`
}

// PluginSet enables and disables plugins; "*" disables every default one.
type PluginSet struct {
	Enabled  []Plugin `json:"enabled,omitempty"`
	Disabled []Plugin `json:"disabled,omitempty"`
}

// Plugin names a plugin, with a score weight.
type Plugin struct {
	Name   string `json:"name"`
	Weight *int32 `json:"weight,omitempty"`
}

// PluginConfig is one plugin's args.
type PluginConfig struct {
	Name string          `json:"name"`
	Args json.RawMessage `json:"args,omitempty"`
}

// ErrInvalid is wrapped by every error about a configuration that cannot be used.
var ErrInvalid = errors.New("scheduler configuration is invalid")

// Load reads a configuration file (YAML or JSON), refusing unknown fields, as kube-scheduler does.
func Load(path string) (*Configuration, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Parse reads a configuration.
func Parse(data []byte) (*Configuration, error) {
	var c Configuration
	if err := yaml.UnmarshalStrict(data, &c); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if c.Kind != "KubeSchedulerConfiguration" || c.APIVersion != "kubescheduler.config.k8s.io/v1" {
		return nil, fmt.Errorf("%w: want apiVersion kubescheduler.config.k8s.io/v1, kind KubeSchedulerConfiguration; got %q, %q",
			ErrInvalid, c.APIVersion, c.Kind)
	}
	if len(c.Extenders) > 0 {
		return nil, fmt.Errorf("%w: extenders are not supported; write a plugin instead", ErrInvalid)
	}
	if p := c.PercentageOfNodesToScore; p != nil && (*p < 0 || *p > 100) {
		return nil, fmt.Errorf("%w: percentageOfNodesToScore %d is not within [0, 100]", ErrInvalid, *p)
	}
	return &c, nil
}

func (p *Plugins) sets() map[string]PluginSet {
	if p == nil {
		return nil
	}
	return map[string]PluginSet{
		runtime.PreEnqueue: p.PreEnqueue, runtime.QueueSort: p.QueueSort, runtime.PreFilter: p.PreFilter,
		runtime.Filter: p.Filter, runtime.PostFilter: p.PostFilter, runtime.PreScore: p.PreScore,
		runtime.Score: p.Score, runtime.Reserve: p.Reserve, runtime.Permit: p.Permit,
		runtime.PreBind: p.PreBind, runtime.Bind: p.Bind, runtime.PostBind: p.PostBind,
	}
}

// ResolveProfiles turns the configuration's profiles (one default profile when it has none) into
// what the scheduler runs, from the default multiPoint plugins.
func (c *Configuration) ResolveProfiles(defaults []runtime.PluginRef) ([]runtime.Profile, error) {
	profiles := c.Profiles
	if len(profiles) == 0 {
		profiles = []Profile{{SchedulerName: core.DefaultSchedulerName}}
	}
	var out []runtime.Profile
	seen := map[string]bool{}
	for _, p := range profiles {
		name := p.SchedulerName
		if name == "" {
			name = core.DefaultSchedulerName
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: two profiles named %q", ErrInvalid, name)
		}
		seen[name] = true
		rp, err := resolve(name, p, defaults)
		if err != nil {
			return nil, err
		}
		out = append(out, rp)
	}
	return out, nil
}

func resolve(name string, p Profile, defaults []runtime.PluginRef) (runtime.Profile, error) {
	rp := runtime.Profile{SchedulerName: name, Plugins: map[string][]runtime.PluginRef{}, Disabled: map[string]map[string]bool{},
		Args: map[string]json.RawMessage{}}
	if p.PercentageOfNodesToScore != nil {
		rp.PercentageOfNodesToScore = *p.PercentageOfNodesToScore
	}
	multi := slices.Clone(defaults)
	if p.Plugins != nil {
		mp := p.Plugins.MultiPoint
		for _, d := range mp.Disabled {
			if d.Name == "*" {
				multi = nil
				break
			}
			multi = slices.DeleteFunc(multi, func(r runtime.PluginRef) bool { return r.Name == d.Name })
		}
		for _, e := range mp.Enabled {
			ref := runtime.PluginRef{Name: e.Name}
			if e.Weight != nil {
				ref.Weight = *e.Weight
			}
			if i := slices.IndexFunc(multi, func(r runtime.PluginRef) bool { return r.Name == e.Name }); i >= 0 {
				if e.Weight == nil {
					ref.Weight = multi[i].Weight
				}
				multi = slices.Delete(multi, i, i+1)
			}
			multi = append(multi, ref)
		}
		for ep, set := range p.Plugins.sets() {
			for _, d := range set.Disabled {
				if rp.Disabled[ep] == nil {
					rp.Disabled[ep] = map[string]bool{}
				}
				rp.Disabled[ep][d.Name] = true
			}
			for _, e := range set.Enabled {
				ref := runtime.PluginRef{Name: e.Name}
				if e.Weight != nil {
					ref.Weight = *e.Weight
				} else if i := slices.IndexFunc(multi, func(r runtime.PluginRef) bool { return r.Name == e.Name }); i >= 0 {
					ref.Weight = multi[i].Weight
				}
				if ref.Weight < 0 {
					return rp, fmt.Errorf("%w: profile %q: plugin %q has a negative weight", ErrInvalid, name, e.Name)
				}
				rp.Plugins[ep] = append(rp.Plugins[ep], ref)
			}
		}
	}
	rp.Plugins[runtime.MultiPoint] = multi
	for _, pc := range p.PluginConfig {
		if _, dup := rp.Args[pc.Name]; dup {
			return rp, fmt.Errorf("%w: profile %q: two pluginConfig entries for %q", ErrInvalid, name, pc.Name)
		}
		rp.Args[pc.Name] = pc.Args
	}
	return rp, nil
}
