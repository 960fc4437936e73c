package framework

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
)

// StateKey names an entry of the CycleState; plugins use their own name, or a name derived from it.
type StateKey string

// StateData is what a plugin keeps in the CycleState, typically computed in PreFilter or PreScore
// and read in Filter or Score for every node.
type StateData interface {
	// Clone copies the data, for the cycle states preemption simulates with. Data that is never
	// changed after PreFilter may return itself.
	Clone() StateData
}

// ErrNotFound is returned by Read when a key has no data.
var ErrNotFound = errors.New("framework: not found")

// CycleState is what the plugins of one scheduling cycle share. It is safe for concurrent use:
// Filter and Score run in parallel over nodes.
type CycleState struct {
	// entries is read for every node by every Filter and Score plugin, from many workers, and
	// written a few times a cycle (mostly in PreFilter and PreScore). Readers load it without a
	// lock and scan it (a cycle holds a dozen entries, whose keys mostly differ in length, so a
	// scan is cheaper than hashing the key); writers, one at a time under mu, append to it or
	// replace it with a copy, never changing an entry a reader may be looking at.
	entries atomic.Pointer[[]stateEntry]
	mu      sync.Mutex
	// SkipFilterPlugins and SkipScorePlugins are the plugins that answered Skip at PreFilter and
	// PreScore; the framework does not call them for this pod.
	SkipFilterPlugins map[string]bool
	SkipScorePlugins  map[string]bool
	// FilterPlugins, when set by the framework after PreFilter, are the Filter plugins to run for
	// this pod (those not skipped), so that the check is not repeated for every node.
	FilterPlugins []FilterPlugin
}

type stateEntry struct {
	key  StateKey
	data StateData
}

// NewCycleState returns an empty state.
func NewCycleState() *CycleState {
	return &CycleState{}
}

func (c *CycleState) list() []stateEntry {
	if p := c.entries.Load(); p != nil {
		return *p
	}
	return nil
}

// Read returns the data under key, or ErrNotFound.
func (c *CycleState) Read(key StateKey) (StateData, error) {
	for _, e := range c.list() {
		if e.key == key {
			return e.data, nil
		}
	}
	return nil, ErrNotFound
}

// Write stores data under key.
func (c *CycleState) Write(key StateKey, data StateData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.list()
	for i := range old {
		if old[i].key == key {
			next := slices.Clone(old)
			next[i].data = data
			c.entries.Store(&next)
			return
		}
	}
	// Appending writes past the end readers of old see: in place when there is room.
	next := old
	if len(next) == cap(next) {
		next = make([]stateEntry, len(old), max(16, 2*len(old)))
		copy(next, old)
	}
	next = append(next, stateEntry{key: key, data: data})
	c.entries.Store(&next)
}

// Delete removes key.
func (c *CycleState) Delete(key StateKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.list()
	for i := range old {
		if old[i].key == key {
			next := slices.Delete(slices.Clone(old), i, i+1)
			c.entries.Store(&next)
			return
		}
	}
}

// Clone copies the state, each entry by its Clone.
func (c *CycleState) Clone() *CycleState {
	if c == nil {
		return nil
	}
	out := NewCycleState()
	if old := c.list(); len(old) > 0 {
		next := make([]stateEntry, len(old), max(16, len(old)))
		for i, e := range old {
			next[i] = stateEntry{key: e.key, data: e.data.Clone()}
		}
		out.entries.Store(&next)
	}
	out.SkipFilterPlugins = cloneSet(c.SkipFilterPlugins)
	out.FilterPlugins = c.FilterPlugins
	out.SkipScorePlugins = cloneSet(c.SkipScorePlugins)
	return out
}

func cloneSet(m map[string]bool) map[string]bool {
	if m == nil {
		return nil
	}
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
