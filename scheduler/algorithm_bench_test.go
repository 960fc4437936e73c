package scheduler

import (
	"context"
	"fmt"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/scheduler/config"
	"github.com/skiff-io/skiff/scheduler/framework"
	"github.com/skiff-io/skiff/scheduler/plugins"
	"github.com/skiff-io/skiff/scheduler/schedulertest"
)

// BenchmarkScheduleAlgorithm times the scheduling cycle alone, without the API server, informers
// or binding: snapshot refresh, PreFilter, Filter over an adaptive share of 5,000 nodes, Score,
// and the assumption of the pod, with the default profile.
func BenchmarkScheduleAlgorithm(b *testing.B) {
	ctx := context.Background()
	cfg, _ := config.Parse([]byte("apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n"))
	profiles, _ := cfg.ResolveProfiles(plugins.DefaultMultiPoint())
	s, err := New(ctx, nil, nil, Options{Profiles: profiles, Registry: plugins.NewInTreeRegistry()})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 5000 {
		s.cache.AddNode(schedulertest.MakeNode().Name(fmt.Sprintf("node-%05d", i)).
			Capacity(map[core.ResourceName]string{"cpu": "4", "memory": "32Gi", "pods": "110"}).Obj())
	}
	fwk := s.profiles[core.DefaultSchedulerName]
	b.ResetTimer()
	for i := range b.N {
		pod := schedulertest.MakePod().Name(fmt.Sprintf("p%d", i)).Req(map[core.ResourceName]string{"cpu": "100m", "memory": "128Mi"}).Obj()
		state := framework.NewCycleState()
		s.cache.UpdateSnapshot(s.snapshot)
		fwk.SetSnapshot(s.snapshot)
		host, st := s.schedulePod(ctx, fwk, state, pod)
		if !st.IsSuccess() {
			b.Fatal(st)
		}
		pod.Spec.NodeName = host
		if err := s.cache.AssumePod(pod); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pods/s")
}
