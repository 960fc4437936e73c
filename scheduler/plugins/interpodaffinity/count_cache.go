package interpodaffinity

import (
	"context"
	"fmt"
	"sync"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
)

// counter counts the pods of a node that match, through the cache.
type counter struct {
	key    string
	match  func(p *core.Pod) bool
	counts *podcount.Counts
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
		c.counts = cs.pl.counts.Checkout(c.key, clusterSize)
	}
}

// release puts them back.
func (cs *counters) release() {
	for _, c := range cs.list {
		if c.counts != nil {
			cs.pl.counts.Checkin(c.counts)
			c.counts = nil
		}
	}
}

// count is the node's count, from the cache when current. A stale entry is refreshed in place
// (each node's entry is touched by the one goroutine handling the node); fresh reports a node
// without an entry, which run adds once its parallel loop is over.
func (c *counter) count(ni *framework.NodeInfo) (n int, fresh bool) {
	var stale *podcount.Entry
	if c.counts != nil {
		cached, e, ok := c.counts.Cached(ni)
		if ok {
			return cached, false
		}
		stale = e
	}
	for _, pi := range ni.Pods {
		if c.match(pi.Pod) {
			n++
		}
	}
	if stale != nil {
		stale.Set(ni.Generation, n)
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
		freshNodes := make([]*framework.NodeInfo, 0, fresh)
		freshCounts := make([]int32, 0, fresh)
		for n, ni := range nodes {
			if r := rows[n*k+i]; r.fresh {
				freshNodes = append(freshNodes, ni)
				freshCounts = append(freshCounts, r.count)
			}
		}
		c.counts.Add(freshNodes, freshCounts)
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
