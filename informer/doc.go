// Package informer keeps a local, always-converging copy of the objects of one kind and tells
// handlers about every change: the list-then-watch machinery every controller stands on.
//
// A Reflector lists the kind, then watches from the list's resourceVersion, resuming from the
// last revision it saw when a watch ends, and listing again only when the server says that revision
// is gone (410). Failures back off exponentially with jitter, so that a thousand informers do not
// relist in step when their API server restarts.
//
// An Informer feeds a Reflector into a Cache (thread-safe, indexed by namespace and by any
// IndexFunc) and fans each change out to its handlers, each behind its own unbounded buffer: a slow
// handler delays only itself. A Factory shares one informer per kind among controllers.
//
//	f := informer.NewFactory(c, informer.FactoryOptions{Resync: 10 * time.Minute})
//	pods := informer.For[*core.Pod](f)
//	pods.AddEventHandler(informer.HandlerFuncs[*core.Pod]{
//		AddFunc: func(p *core.Pod, initial bool) { queue.Add(informer.Key(p)) },
//	})
//	f.Start(ctx)
//	if !f.WaitForCacheSync(ctx) { return ctx.Err() }
//	pod, err := pods.Lister().Namespace("default").Get("nginx")
//
// Objects handed out by the cache, the listers and the handlers are shared by every reader and
// must be treated as read-only: copy one (DeepCopyObject) before changing it. The informer itself
// never changes an object it has handed out: an update replaces the cache's pointer.
package informer
