package scheduler_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/record"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/scheduler"
	"github.com/skiff-io/skiff/scheduler/config"
	"github.com/skiff-io/skiff/scheduler/plugins"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
	"github.com/skiff-io/skiff/testenv"
)

// workload is one scheduler_perf-shaped benchmark: nodes, pods scheduled first, then the pods
// measured; pod and node shapes may add constraints.
type workload struct {
	nodes, initPods, measuredPods int
	node                          func(i int) *core.Node
	pod                           func(name string) *core.Pod
}

func basicNode(i int) *core.Node {
	return schedulertest.MakeNode().Name(fmt.Sprintf("node-%05d", i)).
		Label("topology.kubernetes.io/zone", fmt.Sprintf("zone-%d", i%10)).
		Capacity(map[core.ResourceName]string{"cpu": "4", "memory": "32Gi", "pods": "110"}).Obj()
}

func basicPod(name string) *core.Pod {
	p := schedulertest.MakePod().Name(name).UID("").Req(map[core.ResourceName]string{"cpu": "100m", "memory": "128Mi"}).Obj()
	p.Labels = map[string]string{"app": "bench"}
	return p
}

// run schedules the workload through the real API server (in process), informers, the default
// profile and the DefaultBinder's POSTs, recording events as kube-scheduler does, and reports the
// measured pods per second and the peak heap.
func (w workload) run(b *testing.B) {
	for range b.N {
		b.StopTimer()
		env := testenv.Start(b, testenv.Options{HistorySize: 4 * (w.nodes + w.initPods + w.measuredPods)})
		ctx, cancel := context.WithCancel(env.Context)
		c := env.Client()
		nodes := client.For[*core.Node](c)
		create := func(n int, mk func(i int) error) {
			var wg sync.WaitGroup
			var next atomic.Int64
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1) - 1)
						if i >= n {
							return
						}
						if err := mk(i); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
		}
		create(w.nodes, func(i int) error {
			_, err := nodes.Create(ctx, w.node(i), client.CreateOptions{})
			return err
		})
		cfg, _ := config.Parse([]byte("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"))
		profiles, err := cfg.ResolveProfiles(plugins.DefaultMultiPoint())
		if err != nil {
			b.Fatal(err)
		}
		events := record.NewBroadcaster(c, record.Options{})
		f := informer.NewFactory(c, informer.FactoryOptions{})
		s, err := scheduler.New(ctx, c, f, scheduler.Options{Profiles: profiles, Registry: plugins.NewInTreeRegistry(),
			Recorder: events.Recorder("default-scheduler")})
		if err != nil {
			b.Fatal(err)
		}
		f.Start(ctx)
		done := make(chan struct{})
		go func() { defer close(done); s.Run(ctx) }()
		pods := client.For[*core.Pod](c).Namespace("default")
		waitScheduled := func(n int64) {
			deadline := time.Now().Add(10 * time.Minute)
			for s.Scheduled() < n {
				if time.Now().After(deadline) {
					b.Fatalf("%d of %d pods scheduled after 10 minutes", s.Scheduled(), n)
				}
				time.Sleep(2 * time.Millisecond)
			}
		}
		create(w.initPods, func(i int) error {
			_, err := pods.Create(ctx, w.pod(fmt.Sprintf("init-%05d", i)), client.CreateOptions{})
			return err
		})
		waitScheduled(int64(w.initPods))

		var peak atomic.Uint64
		var samples, queued atomic.Int64
		stopSampling := make(chan struct{})
		go func() {
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
				a, _, _ := s.Queue().PendingPods()
				samples.Add(1)
				queued.Add(int64(a))
				select {
				case <-stopSampling:
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		go create(w.measuredPods, func(i int) error {
			_, err := pods.Create(ctx, w.pod(fmt.Sprintf("measured-%05d", i)), client.CreateOptions{})
			return err
		})
		waitScheduled(int64(w.initPods + w.measuredPods))
		elapsed := time.Since(start)
		b.StopTimer()
		close(stopSampling)
		b.ReportMetric(float64(w.measuredPods)/elapsed.Seconds(), "pods/s")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
		// How many pods waited in the active queue on average: near zero means the scheduler
		// kept up with the pods' creation, and the figure measures the API server as much.
		b.ReportMetric(float64(queued.Load())/float64(max(1, samples.Load())), "mean-active-queue")
		cancel()
		<-done
		sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = events.Shutdown(sctx)
		scancel()
	}
}

// BenchmarkSchedulingBasic is scheduler_perf's SchedulingBasic: 5,000 nodes (4 CPU, 32Gi, 110
// pods), 1,000 pods scheduled first, then 10,000 pods (100m, 128Mi) measured.
func BenchmarkSchedulingBasic(b *testing.B) {
	workload{nodes: 5000, initPods: 1000, measuredPods: 10000, node: basicNode, pod: basicPod}.run(b)
}

// BenchmarkSchedulingBasicSmall: 500 nodes, 2,000 pods measured.
func BenchmarkSchedulingBasicSmall(b *testing.B) {
	workload{nodes: 500, initPods: 500, measuredPods: 2000, node: basicNode, pod: basicPod}.run(b)
}

// BenchmarkSchedulingNodeAffinity: 500 nodes, 2,000 pods that require nodes of five of the ten
// zones.
func BenchmarkSchedulingNodeAffinity(b *testing.B) {
	workload{nodes: 500, initPods: 500, measuredPods: 2000, node: basicNode, pod: func(name string) *core.Pod {
		p := basicPod(name)
		p.Spec.Affinity = &core.Affinity{NodeAffinity: &core.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &core.NodeSelector{
			NodeSelectorTerms: []core.NodeSelectorTerm{{MatchExpressions: []core.NodeSelectorRequirement{{
				Key: "topology.kubernetes.io/zone", Operator: core.NodeSelectorOpIn, Values: []string{"zone-0", "zone-2", "zone-4", "zone-6", "zone-8"},
			}}}}}}}
		return p
	}}.run(b)
}

// BenchmarkSchedulingPodTopologySpread: 500 nodes in 10 zones, 2,000 pods spread over zones with
// maxSkew 1 (DoNotSchedule).
func BenchmarkSchedulingPodTopologySpread(b *testing.B) {
	workload{nodes: 500, initPods: 500, measuredPods: 2000, node: basicNode, pod: func(name string) *core.Pod {
		p := basicPod(name)
		p.Spec.TopologySpreadConstraints = []core.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone",
			WhenUnsatisfiable: core.DoNotSchedule, LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "bench"}}}}
		return p
	}}.run(b)
}

// BenchmarkSchedulingPodAntiAffinity: 500 nodes, 400 pods measured that must not share a node
// with each other (required anti-affinity on the hostname), after 100 such pods.
func BenchmarkSchedulingPodAntiAffinity(b *testing.B) {
	workload{nodes: 500, initPods: 100, measuredPods: 400, node: basicNode, pod: func(name string) *core.Pod {
		p := basicPod(name)
		p.Spec.Affinity = &core.Affinity{PodAntiAffinity: &core.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []core.PodAffinityTerm{{
			LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "bench"}}, TopologyKey: "kubernetes.io/hostname"}}}}
		return p
	}}.run(b)
}
