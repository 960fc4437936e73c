package podtopologyspread

import (
	"sync"

	"github.com/skiff-io/skiff/scheduler/framework"
)

// countCache remembers, across scheduling cycles, how many pods of each node a selector matched
// in a namespace, with the node's generation. Kubernetes counts every pod of the cluster for every
// pod it schedules, which costs milliseconds on 5,000 nodes; but the pods of one workload come one
// after another with the same constraints, and between their cycles only the nodes that got or
// lost a pod change generation, so almost every count is still good.
//
// A cycle checks a selector's counts out of the cache and back in when it is done with them, so
// that it is their only user: its parallel loops read and update them without a lock, and
// concurrent cycles (which the framework does not make, but which must not break) get their own.
type countCache struct {
	mu      sync.Mutex
	tick    uint64
	entries map[string]*nodeCounts
}

// maxCachedSelectors bounds the cache: each entry holds one count per node.
const maxCachedSelectors = 32

// nodeCounts are one selector's counts, by node name.
type nodeCounts struct {
	key   string
	used  uint64
	nodes map[string]*nodeCount
}

type nodeCount struct {
	generation int64
	count      int32
}

// countKey identifies what a constraint counts: its namespace, selector and owner.
func countKey(ns string, c *constraint) string {
	sel := "\x01" // Nothing() prints like Everything(), so it gets a key of its own.
	if _, ok := c.selector.Requirements(); ok {
		sel = c.selector.String()
	}
	return ns + "\x00" + string(c.ownerUID) + "\x00" + sel
}

// checkout takes the counts of key out of the cache, or starts empty ones.
func (c *countCache) checkout(key string) *nodeCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	if nc, ok := c.entries[key]; ok {
		delete(c.entries, key)
		return nc
	}
	return &nodeCounts{key: key, nodes: map[string]*nodeCount{}}
}

// checkin puts counts back, evicting the least recently used beyond the bound.
func (c *countCache) checkin(nc *nodeCounts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	nc.used = c.tick
	if c.entries == nil {
		c.entries = map[string]*nodeCounts{}
	}
	c.entries[nc.key] = nc
	if len(c.entries) <= maxCachedSelectors {
		return
	}
	var oldest *nodeCounts
	for _, e := range c.entries {
		if oldest == nil || e.used < oldest.used {
			oldest = e
		}
	}
	delete(c.entries, oldest.key)
}

// attachCounts checks out the counts of every constraint (constraints with the same key share
// them); the returned function checks them back in.
func (pl *PodTopologySpread) attachCounts(ns string, cs []constraint, clusterSize int) (release func()) {
	var out []*nodeCounts
	for i := range cs {
		key := countKey(ns, &cs[i])
		for _, nc := range out {
			if nc.key == key {
				cs[i].counts = nc
			}
		}
		if cs[i].counts == nil {
			nc := pl.counts.checkout(key)
			// Nodes come and go; start again rather than keep the departed forever.
			if len(nc.nodes) > 2*clusterSize+16 {
				nc.nodes = map[string]*nodeCount{}
			}
			cs[i].counts = nc
			out = append(out, nc)
		}
	}
	return func() {
		for i := range cs {
			cs[i].counts = nil
		}
		for _, nc := range out {
			pl.counts.checkin(nc)
		}
	}
}

// countCached is countOn for a node, from the checked-out counts when they are current. A
// stale entry is refreshed in place (each node's entry is touched by the one goroutine handling
// the node); fresh reports a node without an entry, which the caller adds with addCounts once
// its parallel loop is over.
func (c *constraint) countCached(ni *framework.NodeInfo, ns string) (n int, fresh bool) {
	if c.counts == nil {
		return c.countOn(ni.Pods, ns), false
	}
	e := c.counts.nodes[ni.Node().Name]
	if e != nil && e.generation == ni.Generation {
		return int(e.count), false
	}
	n = c.countOn(ni.Pods, ns)
	if e != nil {
		e.generation, e.count = ni.Generation, int32(n)
		return n, false
	}
	return n, true
}

// addCounts records counts of nodes that had no entry, in one allocation.
func addCounts(nc *nodeCounts, nodes []*framework.NodeInfo, counts []int32) {
	slab := make([]nodeCount, len(nodes))
	for i, ni := range nodes {
		slab[i] = nodeCount{generation: ni.Generation, count: counts[i]}
		nc.nodes[ni.Node().Name] = &slab[i]
	}
}
