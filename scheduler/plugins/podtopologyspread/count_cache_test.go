package podtopologyspread

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
	snap := framework.NewSnapshot([]*core.Pod{fooPod("a1", "a").Obj()}, []*core.Node{zoned("a", "zone1").Obj(), zoned("x", "zone2").Obj()})
	pl := newPlugin(t, "", Options{}, snap)
	hard := schedulertest.MakePod().Name("p").Labels(foo).SpreadConstraint(1, "zone", core.DoNotSchedule, foo).Obj()
	soft := schedulertest.MakePod().Name("p").Labels(foo).SpreadConstraint(1, LabelHostname, core.ScheduleAnyway, foo).Obj()

	checkStatuses(t, map[string]*framework.Status{"a": skewed, "x": fits}, schedulertest.RunFilter(t, pl, hard, snap))
	want := framework.NodeScoreList{{Name: "a", Score: 0}, {Name: "x", Score: 100}}
	if diff := cmp.Diff(want, schedulertest.RunScore(t, pl, soft, snap)); diff != "" {
		t.Errorf("scores (-want +got):\n%s", diff)
	}

	x, _ := snap.Get("x")
	x.AddPod(fooPod("x1", "x").Obj())
	x.AddPod(fooPod("x2", "x").Obj())
	checkStatuses(t, map[string]*framework.Status{"a": fits, "x": skewed}, schedulertest.RunFilter(t, pl, hard, snap))
	want = framework.NodeScoreList{{Name: "a", Score: 100}, {Name: "x", Score: 33}}
	if diff := cmp.Diff(want, schedulertest.RunScore(t, pl, soft, snap)); diff != "" {
		t.Errorf("scores after adding pods to x (-want +got):\n%s", diff)
	}

	a, _ := snap.Get("a")
	if err := a.RemovePod(a.Pods[0].Pod); err != nil {
		t.Fatal(err)
	}
	checkStatuses(t, map[string]*framework.Status{"a": fits, "x": skewed}, schedulertest.RunFilter(t, pl, hard, snap))
	want = framework.NodeScoreList{{Name: "a", Score: 100}, {Name: "x", Score: 0}}
	if diff := cmp.Diff(want, schedulertest.RunScore(t, pl, soft, snap)); diff != "" {
		t.Errorf("scores after removing a1 (-want +got):\n%s", diff)
	}
}

func TestCountCacheIsBounded(t *testing.T) {
	snap := framework.NewSnapshot(nil, []*core.Node{zoned("a", "zone1").Obj()})
	pl := newPlugin(t, "", Options{}, snap)
	for i := range 2 * podcount.MaxKeys {
		sel := map[string]string{"app": fmt.Sprint(i)}
		pod := schedulertest.MakePod().Name("p").Labels(sel).SpreadConstraint(1, "zone", core.DoNotSchedule, sel).Obj()
		schedulertest.RunFilter(t, pl, pod, snap)
	}
	if n := pl.counts.Len(); n != podcount.MaxKeys {
		t.Errorf("%d cached selectors, want %d", n, podcount.MaxKeys)
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
			hard := schedulertest.MakePod().Name("p").Labels(app).SpreadConstraint(1, LabelTopologyZone, core.DoNotSchedule, app).
				SpreadConstraint(1, LabelHostname, core.ScheduleAnyway, app).Obj()
			def := schedulertest.MakePod().Name("d").Labels(app).ControlledBy("apps/v1", "ReplicaSet", app["app"], app["app"]+"-uid").Obj()
			for range 20 {
				schedulertest.RunFilter(t, pl, hard, snap)
				schedulertest.RunScore(t, pl, hard, snap)
				schedulertest.RunScore(t, pl, def, snap)
			}
		}()
	}
	wg.Wait()
}
