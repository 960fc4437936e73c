package resourcequota

import "github.com/skiff-io/skiff/store"

// SyncHooks let tests observe and pause a StatusSync. Each may be nil.
type SyncHooks struct {
	// Listed is called after each list of quotas.
	Listed func()
	// Event is called after each watch event is handled, and with the ERROR event that ends a watch.
	Event func(ev store.Event)
	// Recalculating is called before each Recalculate, from the worker goroutine.
	Recalculating func(namespace string)
}

// SetHooks installs hooks; call it before Run.
func (s *StatusSync) SetHooks(h SyncHooks) {
	s.hooks = syncHooks{listed: h.Listed, event: h.Event, recalculating: h.Recalculating}
}

// Idle reports whether no namespace is being recalculated or waits to be (retries and rechecks
// scheduled for later aside).
func (s *StatusSync) Idle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.busy && len(s.dirty) == 0
}
