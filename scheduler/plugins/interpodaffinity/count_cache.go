package interpodaffinity

import (
	"context"
	"fmt"
	"sync"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
)

// countCache remembers, across scheduling cycles, how many pods of each node matched a term (or
// every term of a pod's affinity), with the node's generation. Kubernetes matches every pod of
// the cluster against the incoming pod's terms for every pod it schedules, which costs
// milliseconds on 5,000 nodes; but the pods of one workload come one after another with the same
// terms, and between their cycles only the nodes that got or lost a pod change generation.
//
// A cycle checks a key's counts out of the cache and back in when it is done, so that it is
// their only user: its parallel loops read and update them without a lock, and concurrent cycles
// (which the framework does not make, but which must not break) get their own.
type countCache struct {
	mu      sync.Mutex
	tick    uint64
	entries map[string]*nodeCounts
}

// maxCachedKeys bounds the cache: each entry holds one count per node.
const maxCachedKeys = 32

// nodeCounts are one key's counts, by node name.
type nodeCounts struct {
	key   string
	used  uint64
	nodes map[string]*nodeCount
}

type nodeCount struct {
	generation int64
	count      int32
}

func (c *countCache) checkout(key string, clusterSize int) *nodeCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	if nc, ok := c.entries[key]; ok {
		delete(c.entries, key)
		// Nodes come and go; start again rather than keep the departed forever.
		if len(nc.nodes) > 2*clusterSize+16 {
			nc.nodes = map[string]*nodeCount{}
		}
		return nc
	}
	return &nodeCounts{key: key, nodes: map[string]*nodeCount{}}
}

func (c *countCache) checkin(nc *nodeCounts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tick++
	nc.used = c.tick
	if c.entries == nil {
		c.entries = map[string]*nodeCounts{}
	}
	c.entries[nc.key] = nc
	if len(c.entries) <= maxCachedKeys {
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

// counter counts the pods of a node that match, through the cache.
type counter struct {
	key    string
	match  func(p *core.Pod) bool
	counts *nodeCounts
}

// counters is one cycle's counters, deduplicated by key, with their cache entries checked out.
type counters struct {
	pl   *InterPodAffinity
	list []*counter
}

// add returns the counter of key, making it with match when new.
func (cs *counters) add(key string, match func(p *core.Pod) bool) int {
	for i, c := range cs.list {
		if c.key == key {
			return i
		}
	}
	cs.list = append(cs.list, &counter{key: key, match: match})
	return len(cs.list) - 1
}

// checkout takes every counter's counts out of the cache.
func (cs *counters) checkout(clusterSize int) {
	for _, c := range cs.list {
		c.counts = cs.pl.counts.checkout(c.key, clusterSize)
	}
}

// release puts them back.
func (cs *counters) release() {
	for _, c := range cs.list {
		if c.counts != nil {
			cs.pl.counts.checkin(c.counts)
			c.counts = nil
		}
	}
}

// count is the node's count, from the cache when current. A stale entry is refreshed in place
// (each node's entry is touched by the one goroutine handling the node); fresh reports a node
// without an entry, which run adds once its parallel loop is over.
func (c *counter) count(ni *framework.NodeInfo) (n int, fresh bool) {
	var e *nodeCount
	if c.counts != nil {
		e = c.counts.nodes[ni.Node().Name]
		if e != nil && e.generation == ni.Generation {
			return int(e.count), false
		}
	}
	for _, pi := range ni.Pods {
		if c.match(pi.Pod) {
			n++
		}
	}
	if e != nil {
		e.generation, e.count = ni.Generation, int32(n)
		return n, false
	}
	return n, c.counts != nil
}

// cell is one node's count for one counter; -1 when not counted.
type cell struct {
	count int32
	fresh bool
}

// run counts, in parallel, every counter on every node (rows is nodes times counters), then
// records the cache entries of nodes that had none.
func (cs *counters) run(ctx context.Context, nodes []*framework.NodeInfo, rows []cell) error {
	k := len(cs.list)
	cs.pl.parallelizer.Until(ctx, len(nodes), func(n int) {
		row := rows[n*k : n*k+k]
		ni := nodes[n]
		if ni.Node() == nil {
			for i := range row {
				row[i] = cell{count: -1}
			}
			return
		}
		for i, c := range cs.list {
			cnt, fresh := c.count(ni)
			row[i] = cell{count: int32(cnt), fresh: fresh}
		}
	})
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", Name, err)
	}
	for i, c := range cs.list {
		if c.counts == nil {
			continue
		}
		var fresh int
		for n := range nodes {
			if rows[n*k+i].fresh {
				fresh++
			}
		}
		if fresh == 0 {
			continue
		}
		slab := make([]nodeCount, 0, fresh)
		for n, ni := range nodes {
			if r := rows[n*k+i]; r.fresh {
				slab = append(slab, nodeCount{generation: ni.Generation, count: r.count})
				c.counts.nodes[ni.Node().Name] = &slab[len(slab)-1]
			}
		}
	}
	return nil
}

// cellPool recycles the rows of run, as long as the cluster has nodes times counters.
var cellPool = sync.Pool{New: func() any { return new([]cell) }}

func getCells(n int) *[]cell {
	p := cellPool.Get().(*[]cell)
	if cap(*p) < n {
		*p = make([]cell, n)
	}
	*p = (*p)[:n]
	return p
}
