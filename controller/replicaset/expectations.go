package replicaset

import (
	"sync"
	"time"

	"k8s.io/utils/clock"
)

// expectationsTTL: expectations older than this are ignored, so that a lost watch event can delay
// a ReplicaSet for at most this long (Kubernetes uses five minutes).
const expectationsTTL = 5 * time.Minute

// expectations remember, per ReplicaSet, how many pod creations and which pod deletions the
// controller has asked for and not yet seen in its informer. Until they are seen the cache is
// behind the controller's own actions, and acting on it would create or delete too many pods.
type expectations struct {
	clock clock.PassiveClock
	mu    sync.Mutex
	m     map[string]*expectation
}

type expectation struct {
	adds      int
	deletions map[string]struct{} // pod keys
	at        time.Time
}

func newExpectations(clk clock.PassiveClock) *expectations {
	return &expectations{clock: clk, m: map[string]*expectation{}}
}

// satisfied reports whether every expected creation and deletion has been observed (or the
// expectations have expired, or there are none).
func (e *expectations) satisfied(key string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	x, ok := e.m[key]
	if !ok {
		return true
	}
	if x.adds <= 0 && len(x.deletions) == 0 {
		return true
	}
	return e.clock.Since(x.at) > expectationsTTL
}

func (e *expectations) expectCreations(key string, n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.m[key] = &expectation{adds: n, at: e.clock.Now()}
}

func (e *expectations) expectDeletions(key string, podKeys []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	x := &expectation{deletions: make(map[string]struct{}, len(podKeys)), at: e.clock.Now()}
	for _, k := range podKeys {
		x.deletions[k] = struct{}{}
	}
	e.m[key] = x
}

// creationObserved lowers the expected creations by one: a pod was seen, or a creation failed.
func (e *expectations) creationObserved(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok && x.adds > 0 {
		x.adds--
	}
}

// deletionObserved removes a pod from the expected deletions; seeing it twice changes nothing.
func (e *expectations) deletionObserved(key, podKey string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if x, ok := e.m[key]; ok {
		delete(x.deletions, podKey)
	}
}

func (e *expectations) forget(key string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.m, key)
}
