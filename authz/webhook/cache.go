package webhook

import (
	"container/list"
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// expiringLRU holds answers until they expire, and at most max of them, dropping the least
// recently used first: a bounded cache keeps a flood of distinct requests from growing memory.
type expiringLRU struct {
	clock clock.PassiveClock
	max   int

	mu    sync.Mutex
	order *list.List // of *cacheEntry, most recently used first
	items map[string]*list.Element
}

type cacheEntry struct {
	key     string
	status  SubjectAccessReviewStatus
	expires time.Time
}

func newExpiringLRU(clk clock.PassiveClock, max int) *expiringLRU {
	return &expiringLRU{clock: clk, max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *expiringLRU) get(key string) (SubjectAccessReviewStatus, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return SubjectAccessReviewStatus{}, false
	}
	e := el.Value.(*cacheEntry)
	if !c.clock.Now().Before(e.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return SubjectAccessReviewStatus{}, false
	}
	c.order.MoveToFront(el)
	return e.status, true
}

func (c *expiringLRU) add(key string, status SubjectAccessReviewStatus, ttl time.Duration) {
	if ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	expires := c.clock.Now().Add(ttl)
	if el, ok := c.items[key]; ok {
		e := el.Value.(*cacheEntry)
		e.status, e.expires = status, expires
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, status: status, expires: expires})
	for c.order.Len() > c.max {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		delete(c.items, oldest.Value.(*cacheEntry).key)
	}
}
