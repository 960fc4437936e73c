package controller_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/controller"
	"github.com/skiff-io/skiff/controller/workqueue"
	"github.com/skiff-io/skiff/informer"
	"github.com/skiff-io/skiff/testenv"
)

// fast retries, so that failure tests are quick.
var fast = workqueue.ItemExponentialFailure[controller.Request](time.Millisecond, 10*time.Millisecond)

func TestRetriesPanicsAndRequeueAfter(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	calls := map[string]int{}
	inFlight := map[string]int{}
	var overlap atomic.Bool
	r := controller.ReconcilerFunc(func(ctx context.Context, req controller.Request) (controller.Result, error) {
		mu.Lock()
		calls[req.Name]++
		n := calls[req.Name]
		inFlight[req.Name]++
		if inFlight[req.Name] > 1 {
			overlap.Store(true)
		}
		mu.Unlock()
		defer func() {
			mu.Lock()
			inFlight[req.Name]--
			mu.Unlock()
		}()
		time.Sleep(time.Millisecond)
		switch req.Name {
		case "fails-twice":
			if n <= 2 {
				return controller.Result{}, errors.New("not yet")
			}
		case "panics-once":
			if n == 1 {
				panic("boom")
			}
		case "requeue-after":
			if n < 3 {
				return controller.Result{RequeueAfter: 5 * time.Millisecond}, nil
			}
		}
		return controller.Result{}, nil
	})
	c := controller.New("test", r, controller.Options{Workers: 4, RateLimiter: fast})
	done := make(chan error)
	go func() { done <- c.Run(ctx) }()
	for range 20 {
		for _, name := range []string{"fails-twice", "panics-once", "requeue-after", "plain"} {
			c.Enqueue(controller.Request{Namespace: "ns", Name: name})
		}
	}
	get := func(name string) int {
		mu.Lock()
		defer mu.Unlock()
		return calls[name]
	}
	testenv.Eventually(t, "failures retried", func() bool { return get("fails-twice") >= 3 })
	testenv.Eventually(t, "panic recovered and retried", func() bool { return get("panics-once") >= 2 })
	testenv.Eventually(t, "requeued after", func() bool { return get("requeue-after") >= 3 })
	if overlap.Load() {
		t.Error("one key was reconciled by two workers at once")
	}
	if n := get("plain"); n < 1 || n > 20 {
		t.Errorf("plain reconciled %d times", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := c.Run(context.Background()); err == nil {
		t.Error("second Run accepted")
	}
}

func TestWatchMapsOwners(t *testing.T) {
	env := testenv.Start(t, testenv.Options{})
	ctx := env.Context
	cl := env.Client()
	f := informer.NewFactory(cl, informer.FactoryOptions{})
	var mu sync.Mutex
	seen := map[controller.Request]int{}
	c := controller.New("owners", controller.ReconcilerFunc(func(ctx context.Context, req controller.Request) (controller.Result, error) {
		mu.Lock()
		seen[req]++
		mu.Unlock()
		return controller.Result{}, nil
	}), controller.Options{})
	if err := controller.Watch(c, informer.For[*apps.ReplicaSet](f), nil); err != nil {
		t.Fatal(err)
	}
	if err := controller.Watch(c, informer.For[*core.Pod](f), controller.ToOwner[*core.Pod]("apps", "ReplicaSet")); err != nil {
		t.Fatal(err)
	}
	f.Start(ctx)
	go c.Run(ctx)
	yes := true
	pod := &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: "p", Namespace: "default", OwnerReferences: []meta.OwnerReference{
			{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs1", UID: "u1", Controller: &yes},
		}},
		Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "i"}}},
	}
	if _, err := client.For[*core.Pod](cl).Create(ctx, pod, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	orphan := pod.DeepCopyObject().(*core.Pod)
	orphan.Name, orphan.OwnerReferences = "orphan", nil
	if _, err := client.For[*core.Pod](cl).Create(ctx, orphan, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	testenv.Eventually(t, "owner reconciled", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return seen[controller.Request{Namespace: "default", Name: "rs1"}] > 0
	})
	mu.Lock()
	defer mu.Unlock()
	for req := range seen {
		if req.Name != "rs1" {
			t.Errorf("unexpected request %v", req)
		}
	}
}
