// Package workqueue hands keys to controller workers: a deduplicating FIFO that never gives the
// same key to two workers at once, with delayed adds and per-key rate-limited retries. It is
// skiff's typed equivalent of client-go's util/workqueue.
//
// A key added while it is waiting is queued once; a key added while a worker holds it is handed
// out again only after that worker calls Done. Time comes from Config.Clock, so tests drive
// delays and backoff by stepping a fake clock instead of sleeping.
//
// Event handlers call q.Add(key); each worker runs a loop like this one until the queue shuts
// down, which its owner does when its context ends:
//
//	q := workqueue.New(workqueue.Config[string]{Name: "pods", Metrics: prom})
//	go func() { <-ctx.Done(); q.ShutDownWithDrain() }()
//	for {
//		key, shutdown := q.Get()
//		if shutdown {
//			return
//		}
//		if err := reconcile(ctx, key); err != nil {
//			q.AddRateLimited(key) // retry after 5ms, 10ms, 20ms ... for this key
//		} else {
//			q.Forget(key) // success: the key's next failure starts at 5ms again
//		}
//		q.Done(key)
//	}
//
// Keys should be small comparable values such as a "namespace/name" string, not the objects
// themselves: the queue keeps them in maps while they wait, are held or are delayed, and the
// worker reads the current object from a cache when it gets the key.
package workqueue
