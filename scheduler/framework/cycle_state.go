package framework

import (
	"errors"
	"sync"
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
	mu      sync.RWMutex
	storage map[StateKey]StateData
	// SkipFilterPlugins and SkipScorePlugins are the plugins that answered Skip at PreFilter and
	// PreScore; the framework does not call them for this pod.
	SkipFilterPlugins map[string]bool
	SkipScorePlugins  map[string]bool
}

// NewCycleState returns an empty state.
func NewCycleState() *CycleState {
	return &CycleState{storage: map[StateKey]StateData{}}
}

// Read returns the data under key, or ErrNotFound.
func (c *CycleState) Read(key StateKey) (StateData, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if v, ok := c.storage[key]; ok {
		return v, nil
	}
	return nil, ErrNotFound
}

// Write stores data under key.
func (c *CycleState) Write(key StateKey, data StateData) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.storage[key] = data
}

// Delete removes key.
func (c *CycleState) Delete(key StateKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.storage, key)
}

// Clone copies the state, each entry by its Clone.
func (c *CycleState) Clone() *CycleState {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := NewCycleState()
	for k, v := range c.storage {
		out.storage[k] = v.Clone()
	}
	out.SkipFilterPlugins = cloneSet(c.SkipFilterPlugins)
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
