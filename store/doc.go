// Package store is where API objects live: keys to objects, one global monotonically increasing
// revision (the resourceVersion, as in etcd), optimistic concurrency, paginated lists and watches
// that resume from a revision.
//
// Store is the contract every backend keeps; store/memdb is the embedded default (go-memdb plus a
// write-ahead log) and store/storetest is the conformance suite each backend passes.
//
//	key := store.Key("pods", "default", "nginx")  // "/registry/pods/default/nginx"
//	created, err := s.Create(ctx, key, pod)        // created.GetObjectMeta().ResourceVersion is set
//	w, err := s.Watch(ctx, "/registry/pods/", store.WatchOptions{ResourceVersion: rv})
//	for ev := range w.ResultChan() {
//		fmt.Println(ev.Type, ev.Object.GetObjectMeta().Name)
//	}
//
// Objects a store returns, directly or in events, are shared and read-only: copy them
// (DeepCopyObject) before changing them.
package store
