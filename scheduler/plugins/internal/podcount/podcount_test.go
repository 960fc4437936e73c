package podcount_test

import (
	"fmt"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

func TestCountsFollowGenerations(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{schedulertest.MakeNode().Name("a").Obj(), schedulertest.MakeNode().Name("b").Obj()})
	a, b := snap.NodeInfoList[0], snap.NodeInfoList[1]
	var c podcount.Cache
	nc := c.Checkout("k", 2)
	if _, stale, ok := nc.Cached(a); ok || stale != nil {
		t.Fatal("a count before any was recorded")
	}
	nc.Add([]*framework.NodeInfo{a, b}, []int32{3, 4})
	if n, _, ok := nc.Cached(b); !ok || n != 4 {
		t.Fatalf("b: %d %v", n, ok)
	}
	c.Checkin(nc)
	a.AddPod(schedulertest.MakePod().Name("p").Node("a").Obj()) // a new generation
	nc = c.Checkout("k", 2)
	_, stale, ok := nc.Cached(a)
	if ok || stale == nil {
		t.Fatal("a stale count was served")
	}
	stale.Set(a.Generation, 5)
	if n, _, ok := nc.Cached(a); !ok || n != 5 {
		t.Fatalf("refreshed a: %d %v", n, ok)
	}
	c.Checkin(nc)
	// Counts stay while the nodes they hold are not far more than the cluster's.
	if _, _, ok := c.Checkout("k", 0).Cached(a); !ok {
		t.Fatal("counts of two nodes were dropped")
	}
}

func TestCacheKeepsTheMostRecentKeys(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{schedulertest.MakeNode().Name("a").Obj()})
	a := snap.NodeInfoList[0]
	var c podcount.Cache
	for i := range 2 * podcount.MaxKeys {
		nc := c.Checkout(fmt.Sprint(i), 1)
		nc.Add([]*framework.NodeInfo{a}, []int32{int32(i)})
		c.Checkin(nc)
	}
	if c.Len() != podcount.MaxKeys {
		t.Fatalf("%d keys", c.Len())
	}
	if _, _, ok := c.Checkout("0", 1).Cached(a); ok {
		t.Error("the least recently used key was kept")
	}
	if n, _, ok := c.Checkout(fmt.Sprint(2*podcount.MaxKeys-1), 1).Cached(a); !ok || n != 2*podcount.MaxKeys-1 {
		t.Errorf("the most recent key lost its count: %d %v", n, ok)
	}
}
