// Command scheduler-plugin is the whole workflow of a scheduler plugin author: an out-of-tree
// Score plugin (PreferredZone: nodes in the zone a pod's annotation names score highest), its unit
// test against a snapshot with no server (main_test.go), and this program, which runs skiff's
// scheduler with the default plugins plus this one against a cluster:
//
//	go run ./examples/scheduler-plugin --kubeconfig ./skiff-data/scheduler.kubeconfig
//
// Run it instead of `skiff scheduler` (or beside it, with pods naming a schedulerName of their own).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/kubeconfig"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/scheduler"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/framework/runtime"
	"github.com/skiff-io/skiff/scheduler/plugins"
)

// Name is the plugin's name.
const Name = "PreferredZone"

// Annotation on a pod names the zone it prefers.
const Annotation = "example.com/preferred-zone"

// ZoneLabel is the node label with the node's zone.
const ZoneLabel = "topology.kubernetes.io/zone"

// Args configure the plugin: Score is what a node in the preferred zone gets (100 when unset).
type Args struct {
	Score int64 `json:"score"`
}

// PreferredZone is the plugin.
type PreferredZone struct {
	score int64
}

var _ framework.ScorePlugin = (*PreferredZone)(nil)

// New is the plugin's factory, registered under Name.
func New(_ context.Context, raw json.RawMessage, _ framework.Handle) (framework.Plugin, error) {
	args := Args{Score: framework.MaxNodeScore}
	if err := framework.DecodeArgs(raw, &args); err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	if args.Score < framework.MinNodeScore || args.Score > framework.MaxNodeScore {
		return nil, fmt.Errorf("%s: score %d is not within [0, 100]", Name, args.Score)
	}
	return &PreferredZone{score: args.Score}, nil
}

// Name returns Name.
func (p *PreferredZone) Name() string { return Name }

// Score gives the configured score to nodes in the pod's preferred zone, 0 to the others.
func (p *PreferredZone) Score(_ context.Context, _ *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	want, ok := pod.Annotations[Annotation]
	if !ok {
		return 0, nil
	}
	if ni.Node().Labels[ZoneLabel] == want {
		return p.score, nil
	}
	return 0, nil
}

// ScoreExtensions returns nil: the scores are already within [0, 100].
func (p *PreferredZone) ScoreExtensions() framework.ScoreExtensions { return nil }

// Registry is the in-tree plugins and this one.
func Registry() (framework.Registry, error) {
	reg := plugins.NewInTreeRegistry()
	return reg, reg.Register(Name, New)
}

// Profile is the default profile with PreferredZone enabled (weight 3) for the scheduler name.
func Profile(schedulerName string) runtime.Profile {
	mp := append(plugins.DefaultMultiPoint(), runtime.PluginRef{Name: Name, Weight: 3})
	return runtime.Profile{SchedulerName: schedulerName, Plugins: map[string][]runtime.PluginRef{runtime.MultiPoint: mp}}
}

func main() {
	path := flag.String("kubeconfig", "", "kubeconfig of the cluster (default: $KUBECONFIG, then ~/.kube/config)")
	name := flag.String("scheduler-name", core.DefaultSchedulerName, "the schedulerName of the pods to place")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *path, *name); err != nil {
		fmt.Fprintln(os.Stderr, "scheduler-plugin:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path, name string) error {
	home, _ := os.UserHomeDir()
	kc, err := kubeconfig.LoadSources(kubeconfig.Sources{Explicit: path, Env: os.Getenv("KUBECONFIG"), Home: home})
	if err != nil {
		return err
	}
	cfg, _, err := client.FromKubeconfig(kc, "")
	if err != nil {
		return err
	}
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	reg, err := Registry()
	if err != nil {
		return err
	}
	events := record.NewBroadcaster(c, record.Options{})
	defer events.Shutdown(context.Background())
	f := informer.NewFactory(c, informer.FactoryOptions{})
	s, err := scheduler.New(ctx, c, f, scheduler.Options{Profiles: []runtime.Profile{Profile(name)}, Registry: reg, Recorder: events.Recorder(name)})
	if err != nil {
		return err
	}
	f.Start(ctx)
	fmt.Printf("scheduling pods of %q with %s\n", name, Name)
	return s.Run(ctx)
}
