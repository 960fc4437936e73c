package interpodaffinity

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins/internal/podcount"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// TestCountCacheFollowsNodeChanges checks that counts cached in one cycle are not reused once a
// node's pods change.
func TestCountCacheFollowsNodeChanges(t *testing.T) {
	snap := framework.NewSnapshot([]*core.Pod{running("w1", "n1", web).Obj()}, cluster())
	pl := newPlugin(t, "", Options{}, snap)
	anti := schedulertest.MakePod().Name("p").RequiredPodAntiAffinity("zone", web).Obj()
	soft := schedulertest.MakePod().Name("p").PreferredPodAffinity(10, "region", web).Obj()

	checkStatuses(t, statuses(antiFail, fits, fits, fits), schedulertest.RunFilter(t, pl, anti, snap))
	want := framework.NodeScoreList{{Name: "n1", Score: 100}, {Name: "n2", Score: 100}, {Name: "n3", Score: 0}, {Name: "n4", Score: 0}}
	if diff := cmp.Diff(want, schedulertest.RunScore(t, pl, soft, snap)); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}

	n1, _ := snap.Get("n1")
	if err := n1.RemovePod(n1.Pods[0].Pod); err != nil {
		t.Fatal(err)
	}
	n3, _ := snap.Get("n3")
	n3.AddPod(running("w3", "n3", web).Obj())
	checkStatuses(t, statuses(fits, fits, antiFail, fits), schedulertest.RunFilter(t, pl, anti, snap))
	want = framework.NodeScoreList{{Name: "n1", Score: 0}, {Name: "n2", Score: 0}, {Name: "n3", Score: 100}, {Name: "n4", Score: 0}}
	if diff := cmp.Diff(want, schedulertest.RunScore(t, pl, soft, snap)); diff != "" {
		t.Errorf("scores after moving the pod (-want +got):\n%s", diff)
	}
}

func TestCountCacheIsBounded(t *testing.T) {
	snap := framework.NewSnapshot(nil, cluster())
	pl := newPlugin(t, "", Options{}, snap)
	for i := range 2 * podcount.MaxKeys {
		pod := schedulertest.MakePod().Name("p").RequiredPodAntiAffinity("zone", map[string]string{"app": fmt.Sprint(i)}).Obj()
		schedulertest.RunFilter(t, pl, pod, snap)
	}
	if n := pl.counts.Len(); n != podcount.MaxKeys {
		t.Errorf("%d cached keys, want %d", n, podcount.MaxKeys)
	}
}

// TestConcurrentCycles runs cycles of several pods at once on one plugin, for the race detector:
// the framework runs one cycle at a time, but nothing must break if it did not.
func TestConcurrentCycles(t *testing.T) {
	snap := benchCluster(50, 5)
	pl := newPlugin(t, "", Options{}, snap)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			app := map[string]string{"app": fmt.Sprintf("app-%d", g%2)}
			pod := schedulertest.MakePod().Name("p").Labels(app).RequiredPodAntiAffinity(hostname, app).
				RequiredPodAffinity(zone, map[string]string{"app": "app-3"}).PreferredPodAffinity(5, zone, app).Obj()
			for range 20 {
				schedulertest.RunFilter(t, pl, pod, snap)
				schedulertest.RunScore(t, pl, pod, snap)
			}
		}()
	}
	wg.Wait()
}

func TestDomainCounts(t *testing.T) {
	d := newDomainCounts()
	d.add("zone", "a", 2)
	d.add("zone", "b", 1)
	d.add("host", "h", 1)
	d.add("zone", "c", 0)
	if d.n != 3 || d.get("zone", "a") != 2 || d.get("zone", "c") != 0 {
		t.Fatalf("counts %+v", d)
	}
	c := d.clone()
	d.add("zone", "a", -2)
	d.add("host", "h", -1)
	if d.n != 1 || d.get("zone", "a") != 0 || len(d.byKey["zone"]) != 1 {
		t.Errorf("after removals: %+v", d)
	}
	if !d.anyOn(map[string]string{"zone": "b"}) || d.anyOn(map[string]string{"zone": "a", "host": "h"}) {
		t.Error("anyOn")
	}
	if c.n != 3 || c.get("zone", "a") != 2 {
		t.Errorf("the clone changed: %+v", c)
	}
}
