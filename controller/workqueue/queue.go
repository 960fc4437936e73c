package workqueue

import (
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// Config configures a Queue. The zero value is a usable unnamed queue without metrics, on the
// real clock, with DefaultControllerRateLimiter.
type Config[T comparable] struct {
	// Name identifies the queue in metrics (the "name" label). An unnamed queue reports no
	// metrics.
	Name string
	// Clock is the source of time for delays, rate limiting and metrics. Defaults to the real
	// clock; tests pass a k8s.io/utils/clock/testing.FakeClock and Step it.
	Clock clock.Clock
	// RateLimiter decides how long AddRateLimited waits before re-adding an item. Defaults to
	// DefaultControllerRateLimiter on Clock.
	RateLimiter RateLimiter[T]
	// Metrics creates the queue's instruments. Nil means no metrics.
	Metrics MetricsProvider
}

// Queue is a deduplicating work queue of keys of type T, with delayed and rate-limited adds.
//
// An item is in at most one of three places: waiting (handed out by Get in FIFO order), held by
// a worker (between Get and Done), or both held and waiting again, in which case it is handed
// out only after Done. So no two workers ever hold the same item, and an item added while it
// is being processed is processed once more afterwards, however many times it was added.
//
// Items added with a delay are kept apart until their time comes, and an item delayed twice is
// kept once, at the earlier time. A delayed item may also be waiting already; it is then handed
// out now and again when its delay ends.
//
// All methods are safe for concurrent use. Create a Queue with New.
type Queue[T comparable] struct {
	clock   clock.Clock
	limiter RateLimiter[T]
	metrics QueueMetrics
	// timed says whether metrics need timestamps; without it the hot path never reads the clock.
	timed bool

	mu sync.Mutex
	// ready is signalled when an item is queued and broadcast at shutdown.
	ready sync.Cond
	// idle is broadcast when the last held item is Done during a drain, or a drain is cancelled.
	idle sync.Cond

	queue ring[T]
	// dirty holds the waiting items, with the time each started waiting when timed. It is a
	// superset of queue: an item held by a worker and added again is dirty but not queued.
	dirty map[T]time.Time
	// processing holds the items workers hold, with the time Get handed each out when timed.
	processing   map[T]time.Time
	shuttingDown bool
	draining     bool

	delayed delayHeap[T]
	// waiterRunning says whether the goroutine that releases delayed items is alive; it runs only
	// while delayed is not empty, so a queue without delayed items owns no goroutine.
	waiterRunning bool
	waiterDone    sync.WaitGroup
	// wakeWaiter nudges that goroutine to re-read the earliest deadline or notice shutdown.
	wakeWaiter chan struct{}
}

// New returns an empty queue configured by cfg.
func New[T comparable](cfg Config[T]) *Queue[T] {
	if cfg.Clock == nil {
		cfg.Clock = clock.RealClock{}
	}
	if cfg.RateLimiter == nil {
		cfg.RateLimiter = DefaultControllerRateLimiter[T](cfg.Clock)
	}
	q := &Queue[T]{
		clock:      cfg.Clock,
		limiter:    cfg.RateLimiter,
		dirty:      make(map[T]time.Time),
		processing: make(map[T]time.Time),
		delayed:    delayHeap[T]{index: make(map[T]*delayedItem[T])},
		wakeWaiter: make(chan struct{}, 1),
	}
	q.ready.L = &q.mu
	q.idle.L = &q.mu
	if cfg.Name != "" && cfg.Metrics != nil {
		q.metrics = cfg.Metrics.NewQueueMetrics(cfg.Name, q.inFlight)
		q.timed = true
	}
	q.metrics = q.metrics.withDefaults()
	return q
}

// Add queues item unless it is already waiting. If a worker holds item, it is handed out again
// after that worker calls Done. Add does nothing once the queue is shutting down.
func (q *Queue[T]) Add(item T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.addLocked(item)
}

func (q *Queue[T]) addLocked(item T) {
	if q.shuttingDown {
		return
	}
	if _, waiting := q.dirty[item]; waiting {
		return
	}
	var now time.Time
	if q.timed {
		now = q.clock.Now()
	}
	q.dirty[item] = now
	q.metrics.Adds.Inc()
	q.metrics.Depth.Inc()
	if _, held := q.processing[item]; held {
		return // Done queues it; queuing it now could hand it to a second worker.
	}
	q.queue.push(item)
	q.ready.Signal()
}

// Get blocks until an item is waiting and hands it to the caller, who must call Done(item) when
// finished with it. Once the queue is shutting down, Get still hands out the items already
// waiting; when none are left it returns shutdown = true and the caller should stop.
func (q *Queue[T]) Get() (item T, shutdown bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		q.releaseDueLocked()
		if q.queue.len() > 0 {
			break
		}
		if q.shuttingDown {
			return item, true
		}
		q.ready.Wait()
	}
	item = q.queue.pop()
	added := q.dirty[item]
	delete(q.dirty, item)
	q.metrics.Depth.Dec()
	var now time.Time
	if q.timed {
		now = q.clock.Now()
		q.metrics.QueueDuration.Observe(now.Sub(added).Seconds())
	}
	q.processing[item] = now
	return item, false
}

// Done tells the queue the caller has finished with item, which it got from Get. If item was
// added while held, it is queued again now. Done for an item no worker holds does nothing.
func (q *Queue[T]) Done(item T) {
	q.mu.Lock()
	defer q.mu.Unlock()
	started, held := q.processing[item]
	if !held {
		return
	}
	delete(q.processing, item)
	if q.timed {
		q.metrics.WorkDuration.Observe(q.clock.Since(started).Seconds())
	}
	if _, waiting := q.dirty[item]; waiting {
		q.queue.push(item)
		q.ready.Signal()
	}
	if q.draining && len(q.processing) == 0 {
		q.idle.Broadcast()
	}
}

// Len returns the number of items Get can hand out now. Items added while held and not yet
// Done, and delayed items whose time has not come, are not counted.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.releaseDueLocked()
	return q.queue.len()
}

// ShutDown makes the queue ignore further adds, drops delayed items and wakes every blocked
// Get. Workers keep getting the items already waiting until there are none, then Get returns
// shutdown = true. ShutDown does not wait for workers, but it does cancel a ShutDownWithDrain
// that is waiting for them. When it returns the queue owns no goroutine.
func (q *Queue[T]) ShutDown() {
	q.mu.Lock()
	q.shutDownLocked()
	q.draining = false
	q.idle.Broadcast()
	q.mu.Unlock()
	q.waiterDone.Wait()
}

// ShutDownWithDrain is ShutDown, and then waits until workers have called Done on every item
// they hold. It does not wait for waiting items nobody has taken yet. Workers must keep calling
// Done or it never returns; a concurrent ShutDown makes it return at once.
func (q *Queue[T]) ShutDownWithDrain() {
	q.mu.Lock()
	q.shutDownLocked()
	q.draining = true
	for q.draining && len(q.processing) > 0 {
		q.idle.Wait()
	}
	q.mu.Unlock()
	q.waiterDone.Wait()
}

func (q *Queue[T]) shutDownLocked() {
	q.shuttingDown = true
	q.delayed.clear()
	q.ready.Broadcast()
	q.nudgeWaiterLocked()
}

// ShuttingDown reports whether ShutDown or ShutDownWithDrain has been called.
func (q *Queue[T]) ShuttingDown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.shuttingDown
}

// AddRateLimited adds item after the delay the rate limiter gives it, which for the default
// limiter grows each time the item is retried until Forget is called.
func (q *Queue[T]) AddRateLimited(item T) {
	q.AddAfter(item, q.limiter.When(item))
}

// Forget tells the rate limiter to stop tracking item, typically because it was processed
// successfully, so its next failure starts from the shortest backoff. It does not remove item
// from the queue.
func (q *Queue[T]) Forget(item T) {
	q.limiter.Forget(item)
}

// NumRequeues returns how many times the rate limiter has delayed item since it was last
// forgotten.
func (q *Queue[T]) NumRequeues(item T) int {
	return q.limiter.NumRequeues(item)
}

// inFlight is handed to the metrics provider; see MetricsProvider.
func (q *Queue[T]) inFlight() InFlight {
	q.mu.Lock()
	defer q.mu.Unlock()
	var f InFlight
	now := q.clock.Now()
	for _, started := range q.processing {
		held := now.Sub(started).Seconds()
		f.UnfinishedSeconds += held
		f.LongestSeconds = max(f.LongestSeconds, held)
	}
	return f
}

// ring is a FIFO of items in a circular buffer whose size is a power of two, so a steady
// stream of adds and gets allocates nothing.
type ring[T any] struct {
	buf  []T
	head int
	n    int
}

func (r *ring[T]) len() int { return r.n }

func (r *ring[T]) push(v T) {
	if r.n == len(r.buf) {
		r.resize(max(16, 2*len(r.buf)))
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

func (r *ring[T]) pop() T {
	v := r.buf[r.head]
	var zero T
	r.buf[r.head] = zero // drop the reference so a popped item can be collected
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	// Give memory back after a burst; shrinking at a quarter keeps resizing amortized O(1).
	if len(r.buf) > 64 && r.n <= len(r.buf)/4 {
		r.resize(len(r.buf) / 2)
	}
	return v
}

func (r *ring[T]) resize(size int) {
	buf := make([]T, size)
	for i := range r.n {
		buf[i] = r.buf[(r.head+i)&(len(r.buf)-1)]
	}
	r.buf = buf
	r.head = 0
}
