package memdb_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

// benchPod is a realistic Pod of about 1 KiB of JSON: what a ReplicaSet's pod looks like once
// scheduled and running.
func benchPod(ns, name string) *core.Pod {
	isController := true
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{
			Name: name, Namespace: ns, UID: meta.UID("0f6c5e64-8b2c-4f3e-9a51-" + fmt.Sprintf("%012d", len(name))),
			Labels:      map[string]string{"app": "nginx", "pod-template-hash": "7c5ddbdf54"},
			Annotations: map[string]string{"kubernetes.io/created-by": "replicaset-controller"},
			OwnerReferences: []meta.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "nginx-7c5ddbdf54",
				UID: "4a1d3c3e-2f7b-4d8e-9a0c-1b2c3d4e5f60", Controller: &isController, BlockOwnerDeletion: &isController}},
			CreationTimestamp: meta.NewTime(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)),
		},
		Spec: core.PodSpec{
			Containers: []core.Container{{
				Name: "nginx", Image: "docker.io/library/nginx:1.22", ImagePullPolicy: core.PullIfNotPresent,
				Ports: []core.ContainerPort{{Name: "http", ContainerPort: 80, Protocol: core.ProtocolTCP}},
				Resources: core.ResourceRequirements{
					Requests: core.ResourceList{core.ResourceCPU: resource.MustParse("100m"), core.ResourceMemory: resource.MustParse("128Mi")},
					Limits:   core.ResourceList{core.ResourceCPU: resource.MustParse("500m"), core.ResourceMemory: resource.MustParse("256Mi")},
				},
				Env:                      []core.EnvVar{{Name: "NGINX_PORT", Value: "80"}},
				TerminationMessagePath:   "/dev/termination-log",
				TerminationMessagePolicy: core.TerminationMessageReadFile,
			}},
			RestartPolicy: core.RestartPolicyAlways, DNSPolicy: core.DNSClusterFirst, SchedulerName: "default-scheduler",
			NodeName: "node-17", ServiceAccountName: "default",
		},
		Status: core.PodStatus{
			Phase: core.PodRunning, HostIP: "10.0.0.17", PodIP: "10.244.17.23", QOSClass: core.PodQOSBurstable,
			Conditions: []core.PodCondition{{Type: core.PodReady, Status: core.ConditionTrue}, {Type: core.PodScheduled, Status: core.ConditionTrue}},
		},
	}
}

func openBench(b *testing.B, durable bool) *memdb.Store {
	o := memdb.Options{Codec: api.Builtin()}
	if durable {
		o.Dir = b.TempDir()
	}
	s, err := memdb.Open(o)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkCreate measures acknowledged creates of ~1 KiB Pods with 1, 16 and 128 concurrent writers,
// durable (each acknowledged only after its group commit's fsync) and in memory.
func BenchmarkCreate(b *testing.B) {
	data, _ := api.Builtin().Encode(benchPod("default", "nginx-7c5ddbdf54-abcde"))
	b.Logf("pod size: %d bytes of JSON", len(data))
	for _, durable := range []bool{true, false} {
		for _, writers := range []int{1, 16, 128} {
			mode := "durable"
			if !durable {
				mode = "memory"
			}
			b.Run(fmt.Sprintf("%s/writers=%d", mode, writers), func(b *testing.B) {
				s := openBench(b, durable)
				var next atomic.Int64
				ctx := context.Background()
				b.ResetTimer()
				start := time.Now()
				var wg sync.WaitGroup
				for range writers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						// Create copies its argument, so one pod per writer, renamed, will do.
						p := benchPod("default", "")
						for {
							i := next.Add(1) - 1
							if i >= int64(b.N) {
								return
							}
							p.Name = fmt.Sprintf("nginx-%08d", i)
							if _, err := s.Create(ctx, store.Key("pods", p.Namespace, p.Name), p); err != nil {
								b.Error(err)
								return
							}
						}
					}()
				}
				wg.Wait()
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "writes/s")
				st := s.Stats()
				b.ReportMetric(float64(st.Writes)/float64(max(st.Commits, 1)), "writes/commit")
			})
		}
	}
}

// BenchmarkGuaranteedUpdateContention: 16 goroutines read-modify-write 1,000 keys chosen at random,
// durable; conflicts are retried inside GuaranteedUpdate.
func BenchmarkGuaranteedUpdateContention(b *testing.B) {
	for _, keys := range []int{1000, 10} {
		b.Run(fmt.Sprintf("keys=%d", keys), func(b *testing.B) {
			s := openBench(b, true)
			ctx := context.Background()
			for i := range keys {
				p := benchPod("default", fmt.Sprintf("pod-%04d", i))
				if _, err := s.Create(ctx, store.Key("pods", "default", p.Name), p); err != nil {
					b.Fatal(err)
				}
			}
			var next, attempts atomic.Int64
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for g := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := g; ; n += 16 {
						if next.Add(1) > int64(b.N) {
							return
						}
						key := store.Key("pods", "default", fmt.Sprintf("pod-%04d", (n*7919)%keys))
						_, err := s.GuaranteedUpdate(ctx, key, nil, func(cur meta.Object) (meta.Object, error) {
							attempts.Add(1)
							p := cur.(*core.Pod).DeepCopy()
							p.Status.Message = fmt.Sprintf("update %d", n)
							return p, nil
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "updates/s")
			b.ReportMetric(float64(attempts.Load())/float64(b.N), "attempts/update")
		})
	}
}

// BenchmarkList10k lists 10,000 Pods (about 10 MB of JSON when served).
func BenchmarkList10k(b *testing.B) {
	s := openBench(b, false)
	ctx := context.Background()
	for i := range 10_000 {
		p := benchPod(fmt.Sprintf("ns-%d", i%10), fmt.Sprintf("pod-%05d", i))
		if _, err := s.Create(ctx, store.Key("pods", p.Namespace, p.Name), p); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("all", func(b *testing.B) {
		for b.Loop() {
			res, err := s.List(ctx, store.Prefix("pods", ""), store.ListOptions{})
			if err != nil || len(res.Items) != 10_000 {
				b.Fatalf("%v, %d items", err, len(res.Items))
			}
		}
	})
	b.Run("one-namespace", func(b *testing.B) {
		for b.Loop() {
			res, err := s.List(ctx, store.Prefix("pods", "ns-3"), store.ListOptions{})
			if err != nil || len(res.Items) != 1_000 {
				b.Fatalf("%v, %d items", err, len(res.Items))
			}
		}
	})
	b.Run("pages-of-500", func(b *testing.B) {
		for b.Loop() {
			n := 0
			opts := store.ListOptions{Limit: 500}
			for {
				res, err := s.List(ctx, store.Prefix("pods", ""), opts)
				if err != nil {
					b.Fatal(err)
				}
				n += len(res.Items)
				if res.Continue == "" {
					break
				}
				opts.Continue = res.Continue
			}
			if n != 10_000 {
				b.Fatalf("%d items", n)
			}
		}
	})
}

// BenchmarkWatchLatency: 100 watchers, 10,000 durable creates from 16 writers; latency from a
// write's acknowledgement to its receipt by each watcher, p50 and p99 over every (write, watcher)
// pair. Every watcher must receive every event, in order.
func BenchmarkWatchLatency(b *testing.B) {
	const watchers, writes, writers = 100, 10_000, 16
	for b.Loop() {
		s := openBench(b, true)
		ctx := context.Background()
		start, _ := s.Revision(ctx)
		acked := make([]atomic.Int64, writes+1) // ack time (ns since t0), by revision offset
		t0 := time.Now()
		lat := make([][]time.Duration, watchers)
		recv := make([][]int64, watchers)
		var wwg sync.WaitGroup
		for w := range watchers {
			wt, err := s.Watch(ctx, store.Prefix("pods", ""), store.WatchOptions{ResourceVersion: start})
			if err != nil {
				b.Fatal(err)
			}
			recv[w] = make([]int64, 0, writes)
			wwg.Add(1)
			go func() {
				defer wwg.Done()
				defer wt.Stop()
				last := start
				for range writes {
					ev, ok := <-wt.ResultChan()
					if !ok {
						b.Errorf("watcher %d closed early", w)
						return
					}
					if ev.Revision <= last {
						b.Errorf("watcher %d: revision %d after %d", w, ev.Revision, last)
						return
					}
					last = ev.Revision
					recv[w] = append(recv[w], int64(time.Since(t0)))
					_ = ev
				}
				// Latency is computed after the fact, once every ack time is known.
			}()
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		for range writers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= writes {
						return
					}
					p := benchPod("default", fmt.Sprintf("w-%05d", i))
					out, err := s.Create(ctx, store.Key("pods", "default", p.Name), p)
					if err != nil {
						b.Error(err)
						return
					}
					rev, _ := store.ParseRevision(out.GetObjectMeta().ResourceVersion)
					acked[rev-start].Store(int64(time.Since(t0)))
				}
			}()
		}
		wg.Wait()
		wwg.Wait()
		elapsed := time.Since(t0)
		var all []time.Duration
		for w := range watchers {
			if len(recv[w]) != writes {
				b.Fatalf("watcher %d received %d of %d events", w, len(recv[w]), writes)
			}
			lat[w] = make([]time.Duration, writes)
			for i, at := range recv[w] {
				// Events arrive in revision order, one per write: the i-th is revision start+i+1.
				d := time.Duration(at - acked[i+1].Load())
				if d < 0 {
					d = 0 // the watcher can see the write before its writer is scheduled to return
				}
				all = append(all, d)
			}
		}
		slices.Sort(all)
		b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(writes)/elapsed.Seconds(), "writes/s")
		s.Close()
	}
}

// BenchmarkDiskSync measures the disk under the log: a 32 KiB write plus fdatasync, appended to a
// growing file (every sync also commits the size change) or written into zeros laid down ahead, as
// the log's segments are.
func BenchmarkDiskSync(b *testing.B) {
	buf := make([]byte, 32<<10)
	for _, mode := range []string{"append", "preallocated"} {
		b.Run(mode, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "sync"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			if mode == "preallocated" {
				zero := make([]byte, 1<<20)
				for off := 0; off < b.N*len(buf); off += len(zero) {
					f.Write(zero)
				}
				f.Sync()
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := f.WriteAt(buf, int64(i*len(buf))); err != nil {
					b.Fatal(err)
				}
				if err := syscall.Fdatasync(int(f.Fd())); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "syncs/s")
		})
	}
}
