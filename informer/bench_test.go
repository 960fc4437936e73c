package informer_test

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/testenv"
)

// benchPod is a Pod of about 1 KiB of JSON, as a controller-made pod looks.
func benchPod(i int) *core.Pod {
	yes := true
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{
			Name: fmt.Sprintf("web-7d4b9c8f6d-%05d", i), Namespace: "default",
			Labels:          map[string]string{"app": "web", "pod-template-hash": "7d4b9c8f6d"},
			OwnerReferences: []meta.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-7d4b9c8f6d", UID: "0b7e5f8c-3c1e-4c1a-9b1d-2f6f0e8e6a11", Controller: &yes, BlockOwnerDeletion: &yes}},
		},
		Spec: core.PodSpec{
			NodeName: fmt.Sprintf("node-%03d", i%100),
			Containers: []core.Container{{
				Name: "web", Image: "registry.example.com/team/web:1.27.3",
				Ports: []core.ContainerPort{{Name: "http", ContainerPort: 8080, Protocol: core.ProtocolTCP}},
				Resources: core.ResourceRequirements{
					Requests: core.ResourceList{core.ResourceCPU: resource.MustParse("100m"), core.ResourceMemory: resource.MustParse("128Mi")},
					Limits:   core.ResourceList{core.ResourceMemory: resource.MustParse("256Mi")},
				},
				Env: []core.EnvVar{{Name: "MODE", Value: "production"}, {Name: "LOG_LEVEL", Value: "info"}},
			}},
		},
	}
}

// BenchmarkInformerMemoryPerPod fills an informer's cache with 10,000 Pods listed from the API
// server and reports the heap the cache holds per Pod.
func BenchmarkInformerMemoryPerPod(b *testing.B) {
	const n = 10000
	env := testenv.Start(b, testenv.Options{})
	pods := client.For[*core.Pod](env.Client()).Namespace("default")
	for i := range n {
		if _, err := pods.Create(env.Context, benchPod(i), client.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ctx, cancel := context.WithCancel(env.Context)
		inf := informer.New(informer.FromResource(pods, nil), informer.Options[*core.Pod]{})
		go inf.Run(ctx)
		if !informer.WaitForCacheSync(ctx, inf.HasSynced) {
			b.Fatal("no sync")
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		if inf.Cache().Len() != n {
			b.Fatalf("%d cached", inf.Cache().Len())
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "heap-bytes/pod")
		runtime.KeepAlive(inf)
		cancel()
	}
}

// BenchmarkInformerEventsToHandler measures how many watch events per second an informer turns
// into handler calls: the events come from a source in memory, so the figure is the informer's
// own cost (cache update, indexing, fan-out), not the API server's.
func BenchmarkInformerEventsToHandler(b *testing.B) {
	const objects = 1000
	items := make([]*core.Pod, objects)
	for i := range items {
		items[i] = benchPod(i)
		items[i].ResourceVersion = "1"
	}
	for b.Loop() {
		src := &memSource{items: items, events: make(chan client.Event[*core.Pod], 1024)}
		inf := informer.New[*core.Pod](src, informer.Options[*core.Pod]{})
		var got atomic.Int64
		total := int64(200000)
		done := make(chan struct{})
		inf.AddEventHandler(informer.HandlerFuncs[*core.Pod]{UpdateFunc: func(_, _ *core.Pod) {
			if got.Add(1) == total {
				close(done)
			}
		}})
		ctx, cancel := context.WithCancel(context.Background())
		go inf.Run(ctx)
		informer.WaitForCacheSync(ctx, inf.HasSynced)
		start := time.Now()
		go func() {
			for i := range total {
				p := *items[i%objects]
				p.ResourceVersion = fmt.Sprint(i + 2)
				src.events <- client.Event[*core.Pod]{Type: client.Modified, Object: &p}
			}
		}()
		<-done
		b.ReportMetric(float64(total)/time.Since(start).Seconds(), "events/s")
		cancel()
	}
}

// memSource lists items and then streams events from a channel.
type memSource struct {
	items  []*core.Pod
	events chan client.Event[*core.Pod]
}

func (s *memSource) List(context.Context, client.ListOptions) (*meta.List[*core.Pod], error) {
	return &meta.List[*core.Pod]{ListMeta: meta.ListMeta{ResourceVersion: "1"}, Items: s.items}, nil
}

func (s *memSource) Watch(ctx context.Context, _ client.ListOptions) (informer.Watch[*core.Pod], error) {
	return &memWatch{ch: s.events, ctx: ctx}, nil
}

type memWatch struct {
	ch  chan client.Event[*core.Pod]
	ctx context.Context
}

func (w *memWatch) Events() <-chan client.Event[*core.Pod] { return w.ch }
func (w *memWatch) Stop()                                  {}
