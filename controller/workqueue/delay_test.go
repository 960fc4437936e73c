package workqueue_test

import (
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/clock"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/controller/workqueue"
)

var epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func newFakeClockQueue() (*workqueue.Queue[string], *clocktesting.FakeClock) {
	clk := clocktesting.NewFakeClock(epoch)
	return workqueue.New(workqueue.Config[string]{Clock: clk}), clk
}

func TestAddAfterReleasesItemWhenClockReachesDeadline(t *testing.T) {
	q, clk := newFakeClockQueue()
	defer q.ShutDown()
	q.AddAfter("a", time.Second)
	if got := q.Len(); got != 0 {
		t.Fatalf("Len() = %d right after AddAfter, want 0", got)
	}
	clk.Step(999 * time.Millisecond)
	if got := q.Len(); got != 0 {
		t.Fatalf("Len() = %d 1ms before the deadline, want 0", got)
	}
	clk.Step(time.Millisecond)
	if got := q.Len(); got != 1 {
		t.Fatalf("Len() = %d at the deadline, want 1", got)
	}
	if item, _ := q.Get(); item != "a" {
		t.Errorf("Get() = %q, want a", item)
	}
}

func TestAddAfterWakesABlockedGet(t *testing.T) {
	q, clk := newFakeClockQueue()
	defer q.ShutDown()
	blocked := getAsync(q)
	q.AddAfter("a", time.Minute)
	// Step only once the queue's timer exists, as a controller test stepping a clock would.
	eventually(t, "the delay timer to be armed", clk.HasWaiters)
	clk.Step(time.Minute)
	if g := receive(t, blocked); g.item != "a" || g.shutdown {
		t.Errorf("blocked Get() = %+v, want a", g)
	}
}

func TestAddAfterEarlierDelayWakesABlockedGet(t *testing.T) {
	q, clk := newFakeClockQueue()
	defer q.ShutDown()
	blocked := getAsync(q)
	q.AddAfter("late", time.Hour)
	eventually(t, "the delay timer to be armed", clk.HasWaiters)
	q.AddAfter("early", time.Second)
	// Whether or not the waiter has re-armed for the earlier deadline yet, one step must do.
	clk.Step(time.Second)
	if g := receive(t, blocked); g.item != "early" || g.shutdown {
		t.Errorf("blocked Get() = %+v, want early", g)
	}
}

func TestAddAfterKeepsTheEarliestDeadlineOfDuplicates(t *testing.T) {
	for _, tc := range []struct {
		name   string
		delays []time.Duration
	}{
		{"later then earlier", []time.Duration{10 * time.Second, time.Second}},
		{"earlier then later", []time.Duration{time.Second, 10 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, clk := newFakeClockQueue()
			defer q.ShutDown()
			for _, d := range tc.delays {
				q.AddAfter("a", d)
			}
			clk.Step(time.Second)
			if diff := cmp.Diff([]string{"a"}, drain(q)); diff != "" {
				t.Fatalf("items after 1s (-want +got):\n%s", diff)
			}
			clk.Step(9 * time.Second)
			if got := q.Len(); got != 0 {
				t.Errorf("Len() = %d after the later deadline, want 0: duplicates must be delayed once", got)
			}
		})
	}
}

func TestAddAfterReleasesInDeadlineOrder(t *testing.T) {
	q, clk := newFakeClockQueue()
	defer q.ShutDown()
	q.AddAfter("c", 3*time.Second)
	q.AddAfter("a", 1*time.Second)
	q.AddAfter("b", 2*time.Second)
	q.AddAfter("b2", 2*time.Second) // same deadline as b, added later
	clk.Step(5 * time.Second)
	if diff := cmp.Diff([]string{"a", "b", "b2", "c"}, drain(q)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestAddAfterWithoutPositiveDelayAddsNow(t *testing.T) {
	q, _ := newFakeClockQueue()
	defer q.ShutDown()
	q.AddAfter("zero", 0)
	q.AddAfter("negative", -time.Second)
	if diff := cmp.Diff([]string{"zero", "negative"}, drain(q)); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

func TestDelayedItemHeldWhenDueWaitsForDone(t *testing.T) {
	q, clk := newFakeClockQueue()
	defer q.ShutDown()
	q.Add("a")
	item, _ := q.Get()
	q.AddAfter("a", time.Second)
	clk.Step(time.Second)
	if got := q.Len(); got != 0 {
		t.Fatalf("Len() = %d while a is held, want 0", got)
	}
	q.Done(item)
	if got := q.Len(); got != 1 {
		t.Errorf("Len() = %d after Done, want 1", got)
	}
}

func TestShutDownDropsDelayedItemsAndStopsTheTimer(t *testing.T) {
	q, clk := newFakeClockQueue()
	q.AddAfter("a", time.Second)
	eventually(t, "the delay timer to be armed", clk.HasWaiters)
	q.ShutDown()
	// ShutDown waits for the waiter goroutine, which stops its timer on the way out.
	if n := clk.Waiters(); n != 0 {
		t.Errorf("fake clock has %d waiters after ShutDown, want 0: the delay goroutine outlived the queue", n)
	}
	q.AddAfter("b", time.Second)
	clk.Step(time.Hour)
	if item, shutdown := q.Get(); !shutdown {
		t.Errorf("Get() = %q after ShutDown, want shutdown: delayed items must be dropped", item)
	}
}

func TestAddRateLimitedBacksOffPerItemUntilForget(t *testing.T) {
	q, clk := newFakeClockQueue() // DefaultControllerRateLimiter on the fake clock
	defer q.ShutDown()

	q.AddRateLimited("a")
	if got := q.Len(); got != 0 {
		t.Fatalf("Len() = %d right after AddRateLimited, want 0", got)
	}
	clk.Step(5 * time.Millisecond)
	drain(q)

	q.AddRateLimited("a")
	clk.Step(5 * time.Millisecond)
	if got := q.Len(); got != 0 {
		t.Fatalf("Len() = %d 5ms after the second failure, want 0: backoff should be 10ms", got)
	}
	clk.Step(5 * time.Millisecond)
	if got := q.Len(); got != 1 {
		t.Fatalf("Len() = %d 10ms after the second failure, want 1", got)
	}
	if got := q.NumRequeues("a"); got != 2 {
		t.Errorf("NumRequeues(a) = %d, want 2", got)
	}
	q.Forget("a")
	if got := q.NumRequeues("a"); got != 0 {
		t.Errorf("NumRequeues(a) = %d after Forget, want 0", got)
	}
}

// TestAddAfterSurvivesAStepRacingTheTimer steps the fake clock without waiting for the queue to
// arm its timer, so the step lands before, during or after arming. A timer armed relative to a
// stale time would never fire and the blocked Get would hang.
func TestAddAfterSurvivesAStepRacingTheTimer(t *testing.T) {
	for range 200 {
		q, clk := newFakeClockQueue()
		blocked := getAsync(q)
		q.AddAfter("a", time.Second)
		clk.Step(time.Second)
		if g := receive(t, blocked); g.item != "a" {
			t.Fatalf("blocked Get() = %+v, want a", g)
		}
		q.ShutDown()
	}
}

// racingClock steps itself just before the queue arms its first timer: the moment at which a
// test goroutine stepping the clock concurrently is hardest on the queue.
type racingClock struct {
	*clocktesting.FakeClock
	step time.Duration
	once sync.Once
}

func (c *racingClock) NewTimer(d time.Duration) clock.Timer {
	c.once.Do(func() { c.Step(c.step) })
	return c.FakeClock.NewTimer(d)
}

func TestAddAfterRearmsWhenTheClockMovesWhileArming(t *testing.T) {
	for _, tc := range []struct {
		name               string
		racing, afterwards time.Duration
	}{
		{"step reaches the deadline", time.Second, 0},
		{"step falls short of it", 400 * time.Millisecond, 600 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &racingClock{FakeClock: clocktesting.NewFakeClock(epoch), step: tc.racing}
			q := workqueue.New(workqueue.Config[string]{Clock: clk})
			defer q.ShutDown()
			blocked := getAsync(q)
			q.AddAfter("a", time.Second)
			if tc.afterwards > 0 {
				eventually(t, "the delay timer to be armed", clk.HasWaiters)
				clk.Step(tc.afterwards)
			}
			if g := receive(t, blocked); g.item != "a" {
				t.Errorf("blocked Get() = %+v, want a", g)
			}
		})
	}
}
