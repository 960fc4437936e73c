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
	// storage is a sync.Map, as Kubernetes': Filter and Score read it for every node from many
	// workers, and entries are written once per cycle.
	storage sync.Map
	// SkipFilterPlugins and SkipScorePlugins are the plugins that answered Skip at PreFilter and
	// PreScore; the framework does not call them for this pod.
	SkipFilterPlugins map[string]bool
	SkipScorePlugins  map[string]bool
	// FilterPlugins, when set by the framework after PreFilter, are the Filter plugins to run for
	// this pod (those not skipped), so that the check is not repeated for every node.
	FilterPlugins []FilterPlugin
}

// NewCycleState returns an empty state.
func NewCycleState() *CycleState {
	return &CycleState{}
}

// Read returns the data under key, or ErrNotFound.
func (c *CycleState) Read(key StateKey) (StateData, error) {
	if v, ok := c.storage.Load(key); ok {
		return v.(StateData), nil
	}
	return nil, ErrNotFound
}

// Write stores data under key.
func (c *CycleState) Write(key StateKey, data StateData) { c.storage.Store(key, data) }

// Delete removes key.
func (c *CycleState) Delete(key StateKey) { c.storage.Delete(key) }

// Clone copies the state, each entry by its Clone.
func (c *CycleState) Clone() *CycleState {
	if c == nil {
		return nil
	}
	out := NewCycleState()
	c.storage.Range(func(k, v any) bool {
		out.storage.Store(k, v.(StateData).Clone())
		return true
	})
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
