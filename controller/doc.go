// Package controller runs reconcile loops: a Reconciler is asked to make one object right, by key,
// as often as needed, by workers fed from a rate-limited work queue that informers' handlers fill.
//
//	c := controller.New("replicaset", reconciler, controller.Options{Workers: 5})
//	controller.Watch(c, rsInformer, nil)                                      // the object itself
//	controller.Watch(c, podInformer, controller.ToOwner[*core.Pod]("apps", "ReplicaSet")) // its owner
//	go c.Run(ctx)
//
// The queue never hands one key to two workers at once. A reconcile that fails is retried with
// per-key exponential backoff (5 ms doubling to 1000 s) under an overall token bucket; one that
// asks to be requeued after a time is; a panic is recovered, logged and retried like an error.
// Each reconcile gets a context whose logr.Logger names the controller and the object.
//
// The built-in controllers live in the packages below this one (deployment, replicaset,
// garbagecollector, namespace, nodelifecycle); leader election on Leases in leaderelection.
package controller
