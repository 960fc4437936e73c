package testenv_test

import (
	"context"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/testenv"
)

// BenchmarkStart measures the test control plane's start-to-ready time: store, API server,
// bootstrap namespaces, and a first request answered through a client.
func BenchmarkStart(b *testing.B) {
	for b.Loop() {
		ctx := context.Background()
		env := startOnce(b)
		if _, err := client.For[*core.Namespace](env.Client()).Get(ctx, "default", client.GetOptions{}); err != nil {
			b.Fatal(err)
		}
		env.stop()
	}
}

type stoppable struct {
	*testenv.Env
	stop func()
}

// startOnce starts an environment whose cleanups run at stop, not at the end of the benchmark.
func startOnce(b *testing.B) stoppable {
	sub := &cleanupTB{TB: b}
	env := testenv.Start(sub, testenv.Options{})
	return stoppable{env, sub.run}
}

type cleanupTB struct {
	testing.TB
	fns []func()
}

func (c *cleanupTB) Cleanup(f func()) { c.fns = append(c.fns, f) }
func (c *cleanupTB) run() {
	for i := len(c.fns) - 1; i >= 0; i-- {
		c.fns[i]()
	}
}

// BenchmarkDeployment1000 measures the time from creating a Deployment of 1,000 replicas until
// all 1,000 Pods exist, through the deployment and replicaset controllers and the API server.
func BenchmarkDeployment1000(b *testing.B) {
	for b.Loop() {
		env := testenv.Start(b, testenv.Options{Controllers: []string{"deployment", "replicaset"}})
		c := env.Client()
		n := int32(1000)
		d := &apps.Deployment{
			ObjectMeta: meta.ObjectMeta{Name: "big", Namespace: "default"},
			Spec: apps.DeploymentSpec{
				Replicas: &n,
				Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "big"}},
				Template: core.PodTemplateSpec{
					ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": "big"}},
					Spec:       core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}},
				},
			},
		}
		pods := client.For[*core.Pod](c).Namespace("default")
		w, err := pods.Watch(env.Context, client.ListOptions{})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := client.For[*apps.Deployment](c).Create(env.Context, d, client.CreateOptions{}); err != nil {
			b.Fatal(err)
		}
		created := 0
		timeout := time.After(5 * time.Minute)
		for created < 1000 {
			select {
			case ev := <-w.Events():
				if ev.Type == client.Added {
					created++
				}
			case <-timeout:
				b.Fatalf("%d of 1,000 pods after 5 minutes", created)
			}
		}
		w.Stop()
		b.ReportMetric(time.Since(start).Seconds(), "s-to-1000-pods")
	}
}
