// Package manager assembles the built-in controllers into a controller manager, as
// kube-controller-manager does: one shared informer factory, one event broadcaster, and each
// controller enabled by --controllers' rules, optionally acting as its own service account.
//
//	err := manager.Run(ctx, c, manager.Options{Controllers: []string{"*"}})
//
// Leader election is the caller's: cmd/skiff runs Run under controller/leaderelection.
package manager

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/coordination"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/controller/deployment"
	"github.com/skiff-io/skiff/controller/garbagecollector"
	"github.com/skiff-io/skiff/controller/namespace"
	"github.com/skiff-io/skiff/controller/nodelifecycle"
	"github.com/skiff-io/skiff/controller/replicaset"
	"github.com/skiff-io/skiff/informer"
)

// runner is a started controller.
type runner interface {
	Run(ctx context.Context) error
}

// Context is what a controller's constructor gets.
type Context struct {
	// Client acts as the controller (its service account when the manager uses them).
	Client *client.Client
	// Factory's informers read as the manager itself, shared by every controller.
	Factory  *informer.Factory
	Registry *api.Registry
	Recorder record.Recorder
	Options  *Options
	Logger   logr.Logger
}

// Init makes one controller.
type Init func(ctx *Context) (runner, error)

// Controller is one entry of the manager's table.
type Controller struct {
	// Name is the --controllers name ("deployment").
	Name string
	// ServiceAccount is the account in kube-system the controller acts as with service account
	// credentials ("deployment-controller"), as Kubernetes names them.
	ServiceAccount string
	// Init makes the controller.
	Init Init
	// DisabledByDefault controllers run only when named.
	DisabledByDefault bool
}

// Options tune the manager.
type Options struct {
	// Controllers are kube-controller-manager's --controllers rules: "*" for every controller on
	// by default, "name" to enable one, "-name" to disable one. Empty means "*".
	Controllers []string
	// Registry holds the kinds; the client's when nil.
	Registry *api.Registry
	// ClientFor returns the client a controller acts with, given its service account name; nil
	// uses the manager's own client for every controller.
	ClientFor func(ctx context.Context, serviceAccount string) (*client.Client, error)
	// Workers per controller, kube-controller-manager's --concurrent-*-syncs (zero: each
	// controller's default).
	DeploymentWorkers, ReplicaSetWorkers, GCWorkers, NamespaceWorkers int
	// NodeMonitorPeriod and NodeMonitorGracePeriod tune node lifecycle (nodelifecycle's
	// defaults when zero: 5 s, and 50 s as in Kubernetes 1.32).
	NodeMonitorPeriod, NodeMonitorGracePeriod time.Duration
	// Resync is the shared informers' resync period (none when zero).
	Resync time.Duration
	// Extra controllers, after the built-in ones.
	Extra  []Controller
	Clock  clock.WithTicker
	Logger logr.Logger
}

// Builtin returns the table of built-in controllers.
func Builtin() []Controller {
	return []Controller{
		{Name: "deployment", ServiceAccount: "deployment-controller", Init: startDeployment},
		{Name: "replicaset", ServiceAccount: "replicaset-controller", Init: startReplicaSet},
		{Name: "garbagecollector", ServiceAccount: "generic-garbage-collector", Init: startGarbageCollector},
		{Name: "namespace", ServiceAccount: "namespace-controller", Init: startNamespace},
		{Name: "nodelifecycle", ServiceAccount: "node-controller", Init: startNodeLifecycle},
	}
}

// Enabled applies the --controllers rules to a name.
func Enabled(rules []string, c Controller) bool {
	if len(rules) == 0 {
		rules = []string{"*"}
	}
	star := false
	for _, r := range rules {
		switch r {
		case c.Name:
			return true
		case "-" + c.Name:
			return false
		case "*":
			star = true
		}
	}
	return star && !c.DisabledByDefault
}

// Names returns the controllers' names, sorted, for help texts.
func Names(cs []Controller) []string {
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}

// Run starts the enabled controllers and blocks until ctx is done and they have stopped. It fails
// at once when a rule names an unknown controller or a controller cannot be made.
func Run(ctx context.Context, root *client.Client, opts Options) error {
	if opts.Registry == nil {
		opts.Registry = root.Registry()
	}
	if opts.Clock == nil {
		opts.Clock = clock.RealClock{}
	}
	table := append(Builtin(), opts.Extra...)
	known := Names(table)
	for _, r := range opts.Controllers {
		name := strings.TrimPrefix(r, "-")
		if name != "*" && !slices.Contains(known, name) {
			return fmt.Errorf("manager: %q is not a known controller (known: %s)", name, strings.Join(known, ", "))
		}
	}
	log := opts.Logger.WithName("controller-manager")
	fac := informer.NewFactory(root, informer.FactoryOptions{Resync: opts.Resync, Clock: opts.Clock, Logger: opts.Logger})
	var runners []runner
	var names []string
	var broadcasters []*record.Broadcaster
	defer func() {
		for _, b := range broadcasters {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			_ = b.Shutdown(sctx)
			cancel()
		}
	}()
	for _, c := range table {
		if !Enabled(opts.Controllers, c) {
			log.V(1).Info("controller disabled", "controller", c.Name)
			continue
		}
		cl := root
		if opts.ClientFor != nil {
			var err error
			if cl, err = opts.ClientFor(ctx, c.ServiceAccount); err != nil {
				return fmt.Errorf("manager: credentials of %s: %w", c.Name, err)
			}
		}
		b := record.NewBroadcaster(cl, record.Options{Logger: opts.Logger, Clock: opts.Clock})
		broadcasters = append(broadcasters, b)
		r, err := c.Init(&Context{
			Client: cl, Factory: fac, Registry: opts.Registry, Options: &opts,
			Recorder: b.Recorder(c.ServiceAccount), Logger: opts.Logger,
		})
		if err != nil {
			return fmt.Errorf("manager: start %s: %w", c.Name, err)
		}
		runners = append(runners, r)
		names = append(names, c.Name)
	}
	fac.Start(ctx)
	log.Info("started", "controllers", names)
	var wg sync.WaitGroup
	errs := make([]error, len(runners))
	for i, r := range runners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := r.Run(ctx); err != nil && ctx.Err() == nil {
				errs[i] = fmt.Errorf("%s: %w", names[i], err)
			}
		}()
	}
	wg.Wait()
	fac.Shutdown()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func startDeployment(c *Context) (runner, error) {
	return deployment.New(c.Client, informer.For[*apps.Deployment](c.Factory), informer.For[*apps.ReplicaSet](c.Factory),
		informer.For[*core.Pod](c.Factory), deployment.Options{Workers: c.Options.DeploymentWorkers, Recorder: c.Recorder, Logger: c.Logger})
}

func startReplicaSet(c *Context) (runner, error) {
	return replicaset.New(c.Client, informer.For[*apps.ReplicaSet](c.Factory), informer.For[*core.Pod](c.Factory),
		replicaset.Options{Workers: c.Options.ReplicaSetWorkers, Recorder: c.Recorder, Logger: c.Logger})
}

func startGarbageCollector(c *Context) (runner, error) {
	return garbagecollector.New(c.Client, c.Registry, garbagecollector.Options{Workers: c.Options.GCWorkers, Logger: c.Logger, Clock: c.Options.Clock})
}

func startNamespace(c *Context) (runner, error) {
	return namespace.New(c.Client, c.Registry, informer.For[*core.Namespace](c.Factory),
		namespace.Options{Workers: c.Options.NamespaceWorkers, Recorder: c.Recorder, Logger: c.Logger})
}

func startNodeLifecycle(c *Context) (runner, error) {
	return nodelifecycle.New(c.Client, informer.For[*core.Node](c.Factory), informer.For[*coordination.Lease](c.Factory),
		informer.For[*core.Pod](c.Factory), nodelifecycle.Options{
			NodeMonitorPeriod: c.Options.NodeMonitorPeriod, NodeMonitorGracePeriod: c.Options.NodeMonitorGracePeriod,
			Recorder: c.Recorder, Logger: c.Logger,
		})
}
