package workqueue

import (
	"time"

	"k8s.io/utils/clock"
)

// AddAfter adds item once d has passed on the queue's clock; d <= 0 adds it now. If item is
// already delayed, the earlier of the two times is kept. Delayed items are dropped when the
// queue shuts down, and AddAfter does nothing once it is shutting down.
//
// While any item is delayed the queue runs one goroutine that releases items on time, so that
// workers blocked in Get wake up; it exits when no item is delayed or the queue shuts down.
func (q *Queue[T]) AddAfter(item T, d time.Duration) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shuttingDown {
		return
	}
	q.metrics.Retries.Inc()
	if d <= 0 {
		q.addLocked(item)
		return
	}
	if !q.delayed.add(item, q.clock.Now().Add(d)) {
		return // a deadline that is not the earliest changes nothing for the waiter
	}
	if q.waiterRunning {
		q.nudgeWaiterLocked()
		return
	}
	q.waiterRunning = true
	q.waiterDone.Add(1)
	go q.runWaiter()
}

// releaseDueLocked moves the delayed items whose time has come to the queue. Get and Len call it
// so that a test which steps a fake clock sees due items at once, without waiting for the
// waiter goroutine to be scheduled.
func (q *Queue[T]) releaseDueLocked() {
	if q.delayed.len() == 0 {
		return
	}
	now := q.clock.Now()
	for q.delayed.len() > 0 && !q.delayed.first().readyAt.After(now) {
		q.addLocked(q.delayed.pop())
	}
}

func (q *Queue[T]) nudgeWaiterLocked() {
	select {
	case q.wakeWaiter <- struct{}{}:
	default: // a nudge is already pending; the waiter re-reads everything when it wakes
	}
}

// runWaiter releases delayed items when their time comes, so that workers blocked in Get wake
// up. It returns when no item is delayed or the queue shuts down.
func (q *Queue[T]) runWaiter() {
	defer q.waiterDone.Done()
	for {
		q.mu.Lock()
		q.releaseDueLocked()
		if q.shuttingDown || q.delayed.len() == 0 {
			q.waiterRunning = false
			q.mu.Unlock()
			return
		}
		next := q.delayed.first().readyAt
		q.mu.Unlock()

		timer := armTimer(q.clock, next)
		if timer == nil {
			continue
		}
		select {
		case <-timer.C():
		case <-q.wakeWaiter:
		}
		timer.Stop()
	}
}

// armTimer returns a timer that fires once clk reaches deadline, or nil if it already has.
//
// Timers are relative, so a fake clock stepped between reading Now and creating the timer would
// leave it set past deadline, and a worker blocked in Get would never be woken. Re-reading the
// clock after arming catches that and re-arms. Other clocks may move a little between the two
// reads, so give up after a few tries: that costs at most nanoseconds of lateness.
func armTimer(clk clock.Clock, deadline time.Time) clock.Timer {
	now := clk.Now()
	if !now.Before(deadline) {
		return nil
	}
	timer := clk.NewTimer(deadline.Sub(now))
	if _, real := clk.(clock.RealClock); real {
		return timer // created relative to the current time, not a stale one
	}
	for range 3 {
		later := clk.Now()
		if later.Equal(now) {
			break
		}
		if !later.Before(deadline) {
			timer.Stop()
			return nil
		}
		timer.Reset(deadline.Sub(later))
		now = later
	}
	return timer
}

// delayedItem is an item waiting in a delayHeap.
type delayedItem[T comparable] struct {
	item    T
	readyAt time.Time
	// seq breaks ties between equal deadlines so items delayed alike come out in the order added.
	seq   uint64
	index int
}

// delayHeap is a min-heap of delayed items by deadline, with an index to find an item already
// in it.
type delayHeap[T comparable] struct {
	heap  []*delayedItem[T]
	index map[T]*delayedItem[T]
	seq   uint64
}

func (h *delayHeap[T]) len() int { return len(h.heap) }

func (h *delayHeap[T]) first() *delayedItem[T] { return h.heap[0] }

// add delays item until readyAt, or moves it earlier if it is already delayed until later. It
// reports whether item's deadline is now the earliest in the heap.
func (h *delayHeap[T]) add(item T, readyAt time.Time) bool {
	if d, ok := h.index[item]; ok {
		if !readyAt.Before(d.readyAt) {
			return false
		}
		d.readyAt = readyAt
		h.up(d.index)
		return d.index == 0
	}
	h.seq++
	d := &delayedItem[T]{item: item, readyAt: readyAt, seq: h.seq, index: len(h.heap)}
	h.heap = append(h.heap, d)
	h.index[item] = d
	h.up(d.index)
	return d.index == 0
}

func (h *delayHeap[T]) pop() T {
	d := h.heap[0]
	last := len(h.heap) - 1
	h.swap(0, last)
	h.heap[last] = nil
	h.heap = h.heap[:last]
	if last > 0 {
		h.down(0)
	}
	delete(h.index, d.item)
	return d.item
}

func (h *delayHeap[T]) clear() {
	clear(h.heap)
	h.heap = h.heap[:0]
	clear(h.index)
}

func (h *delayHeap[T]) less(i, j int) bool {
	a, b := h.heap[i], h.heap[j]
	if !a.readyAt.Equal(b.readyAt) {
		return a.readyAt.Before(b.readyAt)
	}
	return a.seq < b.seq
}

func (h *delayHeap[T]) swap(i, j int) {
	h.heap[i], h.heap[j] = h.heap[j], h.heap[i]
	h.heap[i].index = i
	h.heap[j].index = j
}

func (h *delayHeap[T]) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			return
		}
		h.swap(i, parent)
		i = parent
	}
}

func (h *delayHeap[T]) down(i int) {
	for {
		smallest := i
		if left := 2*i + 1; left < len(h.heap) && h.less(left, smallest) {
			smallest = left
		}
		if right := 2*i + 2; right < len(h.heap) && h.less(right, smallest) {
			smallest = right
		}
		if smallest == i {
			return
		}
		h.swap(i, smallest)
		i = smallest
	}
}
