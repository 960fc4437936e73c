// Package podcount remembers, across scheduling cycles, how many pods of each node matched
// something (a spread constraint's selector, an affinity term), with the node's generation.
// Kubernetes counts every pod of the cluster for every pod it schedules, which costs milliseconds
// on 5,000 nodes; but the pods of one workload come one after another asking the same, and
// between their cycles only the nodes that got or lost a pod change generation, so almost every
// count is still good. PodTopologySpread and InterPodAffinity use it.
//
// A cycle checks a key's counts out of the Cache and back in when it is done, so that it is their
// only user: its parallel loops read and update them without a lock, and concurrent cycles (which
// the framework does not make, but which must not break) get counts of their own.
package podcount

import (
	"sync"

	"github.com/skiff-io/skiff/scheduler/framework"
)

// MaxKeys bounds a Cache: each key holds one count per node.
const MaxKeys = 32

// Entry is one node's count.
type Entry struct {
	generation int64
	count      int32
}

// Set records a count for the node's generation.
func (e *Entry) Set(generation int64, n int) { e.generation, e.count = generation, int32(n) }

// Counts are one key's counts, by node name.
type Counts struct {
	key   string
	used  uint64
	nodes map[string]*Entry
}

// Key returns what the counts are of.
func (c *Counts) Key() string { return c.key }

// Cached returns the node's count when it is current (ok). Otherwise it returns the node's stale
// entry, for the caller to refresh in place with Set (each node is handled by one goroutine), or
// nil when the node has none, which the caller adds with Add after its parallel loop.
func (c *Counts) Cached(ni *framework.NodeInfo) (n int, stale *Entry, ok bool) {
	e := c.nodes[ni.Node().Name]
	if e != nil && e.generation == ni.Generation {
		return int(e.count), nil, true
	}
	return 0, e, false
}

// Add records the counts of nodes that had no entry, in one allocation.
func (c *Counts) Add(nodes []*framework.NodeInfo, counts []int32) {
	slab := make([]Entry, len(nodes))
	for i, ni := range nodes {
		slab[i] = Entry{generation: ni.Generation, count: counts[i]}
		c.nodes[ni.Node().Name] = &slab[i]
	}
}

// Cache keeps the counts of the most recently used keys.
type Cache struct {
	mu      sync.Mutex
	tick    uint64
	entries map[string]*Counts
}

// Len returns how many keys the cache holds.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Checkout takes the counts of key out of the cache, or starts empty ones. Counts of many more
// nodes than the cluster has start again: nodes come and go, and the departed must not stay.
func (c *Cache) Checkout(key string, clusterSize int) *Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	if nc, ok := c.entries[key]; ok {
		delete(c.entries, key)
		if len(nc.nodes) > 2*clusterSize+16 {
			nc.nodes = map[string]*Entry{}
		}
		return nc
	}
	return &Counts{key: key, nodes: map[string]*Entry{}}
}

// Checkin puts counts back, evicting the least recently used key beyond MaxKeys.
func (c *Cache) Checkin(nc *Counts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	nc.used = c.tick
	if c.entries == nil {
		c.entries = map[string]*Counts{}
	}
	c.entries[nc.key] = nc
	if len(c.entries) <= MaxKeys {
		return
	}
	var oldest *Counts
	for _, e := range c.entries {
		if oldest == nil || e.used < oldest.used {
			oldest = e
		}
	}
	delete(c.entries, oldest.key)
}
