package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/go-logr/logr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/controller/leaderelection"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/pki"
	"github.com/skiff-io/skiff/scheduler"
	"github.com/skiff-io/skiff/scheduler/config"
	"github.com/skiff-io/skiff/scheduler/plugins"
)

type schedulerOptions struct {
	kubeconfig, master, config string
	leaderElect                bool
	bindAddress                string
	securePort                 int
}

func newScheduler(logger func() logr.Logger) *cobra.Command {
	o := &schedulerOptions{}
	cmd := &cobra.Command{
		Use:   "scheduler",
		Short: "Run the scheduler: place unscheduled pods on nodes, as kube-scheduler does",
		Long: `scheduler watches unscheduled pods and binds each to the node its profile's plugins choose,
with leader election so that several copies can run and one works. --config takes a
KubeSchedulerConfiguration file (kubescheduler.config.k8s.io/v1): profiles, plugins, args,
percentageOfNodesToScore, backoff and leader election. /healthz and /metrics are served over HTTPS
on --secure-port.

  skiff scheduler --kubeconfig ./skiff-data/scheduler.kubeconfig`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScheduler(cmd.Context(), cmd.ErrOrStderr(), o, logger())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig to reach the API server (default: $KUBECONFIG, then ~/.kube/config)")
	f.StringVar(&o.master, "master", "", "the API server's address, overriding the kubeconfig's")
	f.StringVar(&o.config, "config", "", "KubeSchedulerConfiguration file")
	f.BoolVar(&o.leaderElect, "leader-elect", true, "take the kube-system/kube-scheduler Lease before scheduling (the config file's leaderElection wins)")
	f.StringVar(&o.bindAddress, "bind-address", "127.0.0.1", "address to serve /healthz and /metrics on")
	f.IntVar(&o.securePort, "secure-port", 10259, "HTTPS port of /healthz and /metrics (0 to not serve them)")
	return cmd
}

func runScheduler(ctx context.Context, stderr io.Writer, o *schedulerOptions, log logr.Logger) error {
	cfg := &config.Configuration{}
	if o.config != "" {
		var err error
		if cfg, err = config.Load(o.config); err != nil {
			return err
		}
	}
	kubeconfigPath := o.kubeconfig
	if kubeconfigPath == "" && cfg.ClientConnection != nil {
		kubeconfigPath = cfg.ClientConnection.Kubeconfig
	}
	ccfg, err := clientConfigFrom(kubeconfigPath, o.master)
	if err != nil {
		return err
	}
	// kube-scheduler's clientConnection defaults.
	ccfg.QPS, ccfg.Burst, ccfg.UserAgent = 50, 100, "skiff-scheduler"
	if cc := cfg.ClientConnection; cc != nil {
		if cc.QPS != 0 {
			ccfg.QPS = cc.QPS
		}
		if cc.Burst != 0 {
			ccfg.Burst = int(cc.Burst)
		}
	}
	c, err := client.New(ccfg)
	if err != nil {
		return err
	}
	profiles, err := cfg.ResolveProfiles(plugins.DefaultMultiPoint())
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	metrics, err := scheduler.NewPrometheusMetrics(reg)
	if err != nil {
		return err
	}
	events := record.NewBroadcaster(c, record.Options{Logger: log})
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = events.Shutdown(sctx)
	}()
	opts := scheduler.Options{Profiles: profiles, Registry: plugins.NewInTreeRegistry(), Recorder: events.Recorder("default-scheduler"),
		Metrics: metrics, Logger: log}
	if p := cfg.PercentageOfNodesToScore; p != nil {
		opts.PercentageOfNodesToScore = *p
	}
	if p := cfg.Parallelism; p != nil {
		opts.Parallelism = int(*p)
	}
	if s := cfg.PodInitialBackoffSeconds; s != nil {
		opts.PodInitialBackoff = time.Duration(*s) * time.Second
	}
	if s := cfg.PodMaxBackoffSeconds; s != nil {
		opts.PodMaxBackoff = time.Duration(*s) * time.Second
	}
	if o.securePort != 0 {
		srv, err := serveHealthAndMetrics(o.bindAddress, o.securePort, reg)
		if err != nil {
			return err
		}
		defer srv.Close()
		fmt.Fprintf(stderr, "skiff scheduler: /healthz and /metrics on https://%s\n", srv.Addr)
	}
	run := func(ctx context.Context) error {
		f := informer.NewFactory(c, informer.FactoryOptions{Logger: log})
		s, err := scheduler.New(ctx, c, f, opts)
		if err != nil {
			return err
		}
		f.Start(ctx)
		fmt.Fprintf(stderr, "skiff scheduler: scheduling against %s\n", c.Host())
		return s.Run(ctx)
	}
	le := cfg.LeaderElection
	elect := o.leaderElect
	if le != nil && le.LeaderElect != nil {
		elect = *le.LeaderElect
	}
	if !elect {
		return run(ctx)
	}
	lcfg := leaderelection.Config{Client: c, Lock: leaderelection.LeaseRef{Namespace: "kube-system", Name: "kube-scheduler"}, Logger: log}
	if le != nil {
		lcfg.LeaseDuration, lcfg.RenewDeadline, lcfg.RetryPeriod = le.LeaseDuration.Duration, le.RenewDeadline.Duration, le.RetryPeriod.Duration
		if le.ResourceNamespace != "" {
			lcfg.Lock.Namespace = le.ResourceNamespace
		}
		if le.ResourceName != "" {
			lcfg.Lock.Name = le.ResourceName
		}
	}
	return runLeading(ctx, stderr, "scheduler", lcfg, run)
}

// serveHealthAndMetrics serves /healthz and /metrics over HTTPS with a self-signed certificate,
// as kube-scheduler serves them on its secure port (without its delegated authentication).
func serveHealthAndMetrics(addr string, port int, reg *prometheus.Registry) (*http.Server, error) {
	ca, err := pki.NewCA("skiff-scheduler", 365*24*time.Hour)
	if err != nil {
		return nil, err
	}
	kp, err := ca.Issue(pki.Options{CommonName: "skiff-scheduler", DNSNames: []string{"localhost"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}, Usage: pki.ServerAuth})
	if err != nil {
		return nil, err
	}
	cert, err := tls.X509KeyPair(kp.CertPEM, kp.KeyPEM)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Addr: ln.Addr().String(), Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	return srv, nil
}
