package workqueue_test

import (
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/controller/workqueue"
)

// got is what one call to Get returned.
type got[T comparable] struct {
	item     T
	shutdown bool
}

// getAsync calls q.Get on a new goroutine, for tests that need Get to block.
func getAsync[T comparable](q *workqueue.Queue[T]) <-chan got[T] {
	ch := make(chan got[T], 1)
	go func() {
		item, shutdown := q.Get()
		ch <- got[T]{item, shutdown}
	}()
	return ch
}

// receive returns the value from ch, failing the test if none arrives in a generous deadline.
// The deadline only catches hangs; no test relies on it for timing.
func receive[V any](t *testing.T, ch <-chan V) V {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out: a blocked call was never released")
		panic("unreachable")
	}
}

// eventually polls cond until it is true, yielding to other goroutines between polls.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}

// drain gets and finishes every waiting item without blocking, returning them in order.
func drain[T comparable](q *workqueue.Queue[T]) []T {
	var items []T
	for q.Len() > 0 {
		item, _ := q.Get()
		items = append(items, item)
		q.Done(item)
	}
	return items
}

func TestAddIsFIFOAndDeduplicatesWaitingItems(t *testing.T) {
	q := workqueue.New(workqueue.Config[string]{})
	for _, key := range []string{"c", "a", "c", "b", "a", "c"} {
		q.Add(key)
	}
	if got := q.Len(); got != 3 {
		t.Fatalf("Len() = %d after adding 3 distinct keys, want 3", got)
	}
	if diff := cmp.Diff([]string{"c", "a", "b"}, drain(q)); diff != "" {
		t.Errorf("items in Get order (-want +got):\n%s", diff)
	}
}

func TestItemAddedWhileHeldIsHandedOutAgainOnlyAfterDone(t *testing.T) {
	q := workqueue.New(workqueue.Config[string]{})
	q.Add("a")
	item, _ := q.Get()

	q.Add("a")
	q.Add("a") // still one pending re-run, however many adds
	q.Add("b")
	if got := q.Len(); got != 1 {
		t.Fatalf("Len() = %d while a is held and re-added, want 1 (only b)", got)
	}
	if second, _ := q.Get(); second != "b" {
		t.Fatalf("Get() = %q while a is held, want b", second)
	}
	q.Done("b")

	again := getAsync(q)
	q.Done("nobody-holds-this") // must not release anything
	q.Done(item)
	if g := receive(t, again); g.item != "a" || g.shutdown {
		t.Fatalf("Get() after Done = %+v, want a", g)
	}
	q.Done("a")
	if got := q.Len(); got != 0 {
		t.Errorf("Len() = %d after the re-run, want 0: re-adds while held must collapse into one", got)
	}
}

func TestDoneForAWaitingItemThatIsNotHeldDoesNotDuplicateIt(t *testing.T) {
	q := workqueue.New(workqueue.Config[string]{})
	q.Add("a")
	q.Done("a")
	if diff := cmp.Diff([]string{"a"}, drain(q)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

// TestNoItemIsHeldByTwoWorkers hammers a few keys from several producers and workers. It checks
// that a key is never processed concurrently, and that every add is followed by a processing
// that saw it: the last version each key was added at is the last version processed.
func TestNoItemIsHeldByTwoWorkers(t *testing.T) {
	const (
		keys      = 8
		workers   = 4
		producers = 4
		adds      = 3000
	)
	q := workqueue.New(workqueue.Config[int]{})
	var (
		inFlight  [keys]atomic.Int32
		added     [keys]atomic.Int64
		processed [keys]int64 // written only by the worker holding the key; -race checks that
		overlap   atomic.Int32
	)

	var workersDone sync.WaitGroup
	for range workers {
		workersDone.Add(1)
		go func() {
			defer workersDone.Done()
			for {
				key, shutdown := q.Get()
				if shutdown {
					return
				}
				if inFlight[key].Add(1) > 1 {
					overlap.Add(1)
				}
				processed[key] = added[key].Load()
				runtime.Gosched() // widen the window in which a second worker could get key
				inFlight[key].Add(-1)
				q.Done(key)
			}
		}()
	}

	var producersDone sync.WaitGroup
	for p := range producers {
		producersDone.Add(1)
		go func() {
			defer producersDone.Done()
			rng := rand.New(rand.NewPCG(uint64(p), 1))
			for range adds {
				key := rng.IntN(keys)
				added[key].Add(1)
				q.Add(key)
			}
		}()
	}
	producersDone.Wait()
	q.ShutDown() // workers finish what is waiting, including re-adds released by Done
	workersDone.Wait()

	if n := overlap.Load(); n > 0 {
		t.Errorf("a key was held by two workers at once %d times", n)
	}
	for key := range keys {
		if want := added[key].Load(); processed[key] != want {
			t.Errorf("key %d: last processing saw version %d, want %d: an add was lost", key, processed[key], want)
		}
	}
}

func TestShutDownReleasesBlockedGetAfterWaitingItems(t *testing.T) {
	q := workqueue.New(workqueue.Config[string]{})
	blocked := getAsync(q)
	blocked2 := getAsync(q)
	q.ShutDown()
	for _, ch := range []<-chan got[string]{blocked, blocked2} {
		if g := receive(t, ch); !g.shutdown {
			t.Errorf("blocked Get() = %+v after ShutDown, want shutdown", g)
		}
	}

	q2 := workqueue.New(workqueue.Config[string]{})
	q2.Add("a")
	q2.ShutDown()
	q2.Add("b") // ignored
	if !q2.ShuttingDown() {
		t.Error("ShuttingDown() = false after ShutDown")
	}
	if item, shutdown := q2.Get(); item != "a" || shutdown {
		t.Errorf("Get() = %q, %v after ShutDown, want the waiting item a", item, shutdown)
	}
	q2.Done("a")
	if item, shutdown := q2.Get(); !shutdown {
		t.Errorf("Get() = %q, %v once empty, want shutdown: adds after ShutDown must be ignored", item, shutdown)
	}
}

func TestShutDownWithDrainWaitsForHeldItems(t *testing.T) {
	q := workqueue.New(workqueue.Config[string]{})
	q.Add("a")
	q.Add("b")
	a, _ := q.Get()
	b, _ := q.Get()
	q.Add("a") // re-run pending until Done(a)

	drained := make(chan struct{})
	go func() {
		q.ShutDownWithDrain()
		close(drained)
	}()
	eventually(t, "ShutDownWithDrain to start", q.ShuttingDown)

	q.Done(b)
	for range 100 {
		runtime.Gosched()
	}
	select {
	case <-drained:
		t.Fatal("ShutDownWithDrain returned while a worker still held an item")
	default:
	}

	q.Done(a)
	receive(t, drained)
	// The re-run of a was waiting before shutdown, so a worker still gets it.
	if item, shutdown := q.Get(); item != "a" || shutdown {
		t.Errorf("Get() after drain = %q, %v, want the re-added a", item, shutdown)
	}
	q.Done("a")
	if _, shutdown := q.Get(); !shutdown {
		t.Error("Get() on a drained, empty queue did not report shutdown")
	}
}

func TestShutDownCancelsAWaitingDrain(t *testing.T) {
	q := workqueue.New(workqueue.Config[string]{})
	q.Add("stuck")
	q.Get()
	drained := make(chan struct{})
	go func() {
		q.ShutDownWithDrain()
		close(drained)
	}()
	eventually(t, "ShutDownWithDrain to start", q.ShuttingDown)
	q.ShutDown()
	receive(t, drained)
}

func TestShutDownWithDrainWithNothingHeldReturnsAtOnce(t *testing.T) {
	q := workqueue.New(workqueue.Config[string]{})
	done := make(chan struct{})
	go func() {
		q.ShutDownWithDrain()
		close(done)
	}()
	receive(t, done)
}
