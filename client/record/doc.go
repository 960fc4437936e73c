// Package record records Events (core/v1) about objects, as controllers, the scheduler and the
// kubelet do: skiff's equivalent of client-go's tools/record, writing the same Event objects.
//
//	b := record.NewBroadcaster(c, record.Options{Logger: log})
//	defer func() {
//		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
//		defer cancel()
//		_ = b.Shutdown(ctx) // writes what is still queued, for up to 10 s
//	}()
//	rec := b.Recorder("replicaset-controller")
//	...
//	rec.Eventf(rs, record.Normal, "SuccessfulCreate", "Created pod: %s", pod.Name)
//	rec.Event(pod, record.Warning, "FailedMount", err.Error())
//
// Code that records events takes a Recorder; its unit tests give it a FakeRecorder and read the
// strings it sends.
//
// Recording never blocks: the event is built at once (the object's reference, the time from
// Options.Clock) and queued, and one goroutine writes the queue to the API server. When the queue
// is full (1,000 events) new events are dropped with a log line, as client-go drops them.
//
// Each event is named "<object name>.<hex nanoseconds>" and stored in the object's namespace,
// or "default" for a cluster-scoped object. Before it is written it is correlated as client-go
// does:
//
//   - An event identical to one written before (same source, object, type, reason and message)
//     is not stored again: the stored one gets a patch of its count, lastTimestamp and message.
//     If that event is gone, it is created anew.
//   - When one source reports distinct messages about one object for one reason, each within 10
//     minutes of the last, the first 9 are events of their own, and from the 10th on they are
//     combined into a single event, counting up, whose message is the latest one after
//     "(combined from similar events): ".
//   - Each source may report 25 events about one object at once, then one every 5 minutes; the
//     rest are dropped.
//
// A write that finds no server, or gets 5xx, 409 or 429, is tried again (12 times, 10 s apart);
// any other refusal gives the event up, and one that already exists is a duplicate, ignored.
// Messages longer than 1,024 bytes are cut to that.
package record
