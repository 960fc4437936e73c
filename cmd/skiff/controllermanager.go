package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/go-logr/logr"
	"github.com/spf13/cobra"

	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/kubeconfig"
	"github.com/skiff-io/skiff/controller/leaderelection"
	"github.com/skiff-io/skiff/controller/manager"
)

type controllerManagerOptions struct {
	kubeconfig, master     string
	controllers            []string
	useSACredentials       bool
	leaderElect            bool
	leaseDuration          time.Duration
	renewDeadline          time.Duration
	retryPeriod            time.Duration
	leaseNamespace         string
	leaseName              string
	qps                    float32
	burst                  int
	deploymentWorkers      int
	replicaSetWorkers      int
	gcWorkers              int
	namespaceWorkers       int
	nodeMonitorPeriod      time.Duration
	nodeMonitorGracePeriod time.Duration
}

func newControllerManager(logger func() logr.Logger) *cobra.Command {
	o := &controllerManagerOptions{}
	cmd := &cobra.Command{
		Use:   "controller-manager",
		Short: "Run the controllers that turn Deployments into ReplicaSets and Pods, collect garbage, and more",
		Long: `controller-manager runs skiff's built-in controllers against an API server, as
kube-controller-manager does, with leader election on a Lease so that several copies can run and
one works:

  skiff controller-manager --kubeconfig ./skiff-data/controller-manager.kubeconfig \
      --use-service-account-credentials

Controllers: ` + strings.Join(manager.Names(manager.Builtin()), ", ") + `.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runControllerManager(cmd.Context(), cmd.ErrOrStderr(), o, logger())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig to reach the API server (default: $KUBECONFIG, then ~/.kube/config)")
	f.StringVar(&o.master, "master", "", "the API server's address, overriding the kubeconfig's")
	f.StringSliceVar(&o.controllers, "controllers", []string{"*"}, "controllers to run: '*' for all on by default, 'foo' to enable foo, '-foo' to disable foo")
	f.BoolVar(&o.useSACredentials, "use-service-account-credentials", false, "run each controller as its own service account in kube-system, with the rights of its system:controller:<name> role")
	f.BoolVar(&o.leaderElect, "leader-elect", true, "take a Lease before running the controllers, so that only one of several copies works")
	f.DurationVar(&o.leaseDuration, "leader-elect-lease-duration", 15*time.Second, "how long followers wait before taking over a lease not renewed")
	f.DurationVar(&o.renewDeadline, "leader-elect-renew-deadline", 10*time.Second, "how long the leader keeps trying to renew before it stops leading")
	f.DurationVar(&o.retryPeriod, "leader-elect-retry-period", 2*time.Second, "how often to try to take or renew the lease")
	f.StringVar(&o.leaseNamespace, "leader-elect-resource-namespace", "kube-system", "namespace of the leader election Lease")
	f.StringVar(&o.leaseName, "leader-elect-resource-name", "kube-controller-manager", "name of the leader election Lease")
	f.Float32Var(&o.qps, "kube-api-qps", 20, "requests per second to the API server")
	f.IntVar(&o.burst, "kube-api-burst", 30, "burst of requests to the API server")
	f.IntVar(&o.deploymentWorkers, "concurrent-deployment-syncs", 5, "Deployments reconciled at once")
	f.IntVar(&o.replicaSetWorkers, "concurrent-replicaset-syncs", 5, "ReplicaSets reconciled at once")
	f.IntVar(&o.gcWorkers, "concurrent-gc-syncs", 20, "garbage collector workers")
	f.IntVar(&o.namespaceWorkers, "concurrent-namespace-syncs", 10, "namespaces deleted at once")
	f.DurationVar(&o.nodeMonitorPeriod, "node-monitor-period", 5*time.Second, "how often node health is checked")
	f.DurationVar(&o.nodeMonitorGracePeriod, "node-monitor-grace-period", 40*time.Second, "how long a node may be silent before it is marked Unknown")
	return cmd
}

// clientConfigFrom loads a kubeconfig as kubectl does (--kubeconfig, KUBECONFIG, ~/.kube/config).
func clientConfigFrom(path, master string) (client.Config, error) {
	home, _ := os.UserHomeDir()
	kc, err := kubeconfig.LoadSources(kubeconfig.Sources{Explicit: path, Env: os.Getenv("KUBECONFIG"), Home: home})
	if err != nil {
		return client.Config{}, err
	}
	cfg, _, err := client.FromKubeconfig(kc, "")
	if err != nil {
		return client.Config{}, err
	}
	if master != "" {
		cfg.Host = master
	}
	return cfg, nil
}

func runControllerManager(ctx context.Context, stderr io.Writer, o *controllerManagerOptions, log logr.Logger) error {
	cfg, err := clientConfigFrom(o.kubeconfig, o.master)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst, cfg.UserAgent = o.qps, o.burst, "skiff-controller-manager"
	root, err := client.New(cfg)
	if err != nil {
		return err
	}
	opts := manager.Options{
		Controllers:       o.controllers,
		DeploymentWorkers: o.deploymentWorkers, ReplicaSetWorkers: o.replicaSetWorkers,
		GCWorkers: o.gcWorkers, NamespaceWorkers: o.namespaceWorkers,
		NodeMonitorPeriod: o.nodeMonitorPeriod, NodeMonitorGracePeriod: o.nodeMonitorGracePeriod,
		// Level-triggered controllers revisit everything now and then, as kube-controller-manager's
		// informers do every 12 to 24 hours.
		Resync: 12 * time.Hour,
		Logger: log,
	}
	if o.useSACredentials {
		opts.ClientFor = manager.ServiceAccountClients(root, cfg, nil)
	}
	run := func(ctx context.Context) error {
		fmt.Fprintf(stderr, "skiff controller-manager: running controllers against %s\n", root.Host())
		return manager.Run(ctx, root, opts)
	}
	if !o.leaderElect {
		return run(ctx)
	}
	return runLeading(ctx, stderr, "controller-manager", leaderelection.Config{
		Client:        root,
		Lock:          leaderelection.LeaseRef{Namespace: o.leaseNamespace, Name: o.leaseName},
		LeaseDuration: o.leaseDuration,
		RenewDeadline: o.renewDeadline,
		RetryPeriod:   o.retryPeriod,
		Logger:        log,
	}, run)
}
