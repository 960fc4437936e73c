package workqueue_test

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/skiff-io/skiff/controller/workqueue"
)

// BenchmarkAddGetDone measures one item's trip through the queue: GOMAXPROCS producers add
// distinct keys while as many workers Get and Done them. ns/op is per item end to end.
func BenchmarkAddGetDone(b *testing.B) {
	prom, err := workqueue.NewPrometheusMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		cfg  workqueue.Config[int]
	}{
		{"no-metrics", workqueue.Config[int]{}},
		{"prometheus", workqueue.Config[int]{Name: "bench", Metrics: prom}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			q := workqueue.New(bc.cfg)
			var processed atomic.Int64
			var workers sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				workers.Add(1)
				go func() {
					defer workers.Done()
					for {
						item, shutdown := q.Get()
						if shutdown {
							return
						}
						q.Done(item)
						processed.Add(1)
					}
				}()
			}
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					q.Add(int(next.Add(1)))
				}
			})
			q.ShutDown() // workers drain what is waiting, then stop
			workers.Wait()
			b.StopTimer()
			if got := processed.Load(); got != int64(b.N) {
				b.Fatalf("processed %d items, want %d", got, b.N)
			}
		})
	}
}
