package workqueue_test

import (
	"fmt"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/controller/workqueue"
)

func Example() {
	q := workqueue.New(workqueue.Config[string]{Name: "pods"})
	q.Add("default/nginx")
	q.Add("default/redis")
	q.Add("default/nginx") // already waiting: queued once

	q.ShutDown() // workers still get what is waiting, then shutdown = true
	for {
		key, shutdown := q.Get()
		if shutdown {
			break
		}
		fmt.Println("reconcile", key)
		q.Done(key)
	}
	// Output:
	// reconcile default/nginx
	// reconcile default/redis
}

func ExampleQueue_AddRateLimited() {
	clk := clocktesting.NewFakeClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	q := workqueue.New(workqueue.Config[string]{Clock: clk}) // DefaultControllerRateLimiter
	defer q.ShutDown()

	for failure := 1; failure <= 3; failure++ {
		q.AddRateLimited("default/nginx")
		waited := time.Duration(0)
		for q.Len() == 0 {
			clk.Step(time.Millisecond)
			waited += time.Millisecond
		}
		key, _ := q.Get()
		fmt.Printf("retry %d of %s after %v\n", q.NumRequeues(key), key, waited)
		q.Done(key)
	}
	q.Forget("default/nginx") // success: the next failure starts at 5ms again
	fmt.Println("requeues after Forget:", q.NumRequeues("default/nginx"))
	// Output:
	// retry 1 of default/nginx after 5ms
	// retry 2 of default/nginx after 10ms
	// retry 3 of default/nginx after 20ms
	// requeues after Forget: 0
}
