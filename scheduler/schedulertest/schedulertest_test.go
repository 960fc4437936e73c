package schedulertest_test

import (
	"context"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// fitsCPU is a tiny plugin: Filter on free CPU, Score by free CPU in tenths.
type fitsCPU struct{}

func (fitsCPU) Name() string { return "FitsCPU" }
func (fitsCPU) Filter(_ context.Context, _ *framework.CycleState, pod *core.Pod, ni *framework.NodeInfo) *framework.Status {
	if ni.Allocatable.MilliCPU-ni.Requested.MilliCPU < framework.PodRequests(pod, false).MilliCPU {
		return framework.NewStatus(framework.Unschedulable, "Insufficient cpu")
	}
	return nil
}
func (fitsCPU) Score(_ context.Context, _ *framework.CycleState, _ *core.Pod, ni *framework.NodeInfo) (int64, *framework.Status) {
	return (ni.Allocatable.MilliCPU - ni.Requested.MilliCPU) / 100, nil
}
func (fitsCPU) ScoreExtensions() framework.ScoreExtensions { return nil }

func TestKit(t *testing.T) {
	snap := framework.NewSnapshot(
		[]*core.Pod{schedulertest.MakePod().Name("running").Node("small").Req(map[core.ResourceName]string{"cpu": "1500m"}).Obj()},
		[]*core.Node{
			schedulertest.MakeNode().Name("small").Capacity(map[core.ResourceName]string{"cpu": "2"}).Obj(),
			schedulertest.MakeNode().Name("big").Capacity(map[core.ResourceName]string{"cpu": "4"}).Label("zone", "a").Obj(),
		})
	pod := schedulertest.MakePod().Name("p").Req(map[core.ResourceName]string{"cpu": "1"}).Obj()
	if pod.UID != "p-uid" || pod.Namespace != "default" || func() bool {
		q := pod.Spec.Containers[0].Resources.Requests[core.ResourceCPU]
		return q.MilliValue() != 1000
	}() {
		t.Fatalf("pod %+v", pod)
	}
	big, _ := snap.Get("big")
	if big.Node().Labels["kubernetes.io/hostname"] != "big" || big.Allocatable.AllowedPodNumber != 110 {
		t.Fatalf("node %+v", big.Node())
	}
	pl := fitsCPU{}
	st := schedulertest.RunFilter(t, pl, pod, snap)
	if !st["big"].IsSuccess() || st["small"].Code() != framework.Unschedulable {
		t.Errorf("filter %v", st)
	}
	scores := schedulertest.RunScore(t, pl, pod, snap)
	if len(scores) != 2 || scores[0] != (framework.NodeScore{Name: "small", Score: 5}) || scores[1] != (framework.NodeScore{Name: "big", Score: 40}) {
		t.Errorf("scores %v", scores)
	}
}
