package podtopologyspread

import (
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
)

// The counts of each constraint are kept across cycles by a podcount.Cache (see there why).

// countKey identifies what a constraint counts: its namespace, selector and owner.
func countKey(ns string, c *constraint) string {
	sel := "\x01" // Nothing() prints like Everything(), so it gets a key of its own.
	if _, ok := c.selector.Requirements(); ok {
		sel = c.selector.String()
	}
	return ns + "\x00" + string(c.ownerUID) + "\x00" + sel
}

// attachCounts checks out the counts of every constraint (constraints with the same key share
// them); the returned function checks them back in.
func (pl *PodTopologySpread) attachCounts(ns string, cs []constraint, clusterSize int) (release func()) {
	var out []*podcount.Counts
	for i := range cs {
		key := countKey(ns, &cs[i])
		for _, nc := range out {
			if nc.Key() == key {
				cs[i].counts = nc
			}
		}
		if cs[i].counts == nil {
			nc := pl.counts.Checkout(key, clusterSize)
			cs[i].counts = nc
			out = append(out, nc)
		}
	}
	return func() {
		for i := range cs {
			cs[i].counts = nil
		}
		for _, nc := range out {
			pl.counts.Checkin(nc)
		}
	}
}

// countCached is countOn for a node, from the checked-out counts when they are current; fresh
// reports a node without an entry, which the caller adds once its parallel loop is over.
func (c *constraint) countCached(ni *framework.NodeInfo, ns string) (n int, fresh bool) {
	if c.counts == nil {
		return c.countOn(ni.Pods, ns), false
	}
	cached, stale, ok := c.counts.Cached(ni)
	if ok {
		return cached, false
	}
	n = c.countOn(ni.Pods, ns)
	if stale != nil {
		stale.Set(ni.Generation, n)
		return n, false
	}
	return n, true
}
