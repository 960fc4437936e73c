package framework_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/scheduler/framework"
)

func TestStatus(t *testing.T) {
	var nilStatus *framework.Status
	if !nilStatus.IsSuccess() || nilStatus.Code() != framework.Success || nilStatus.AsError() != nil || nilStatus.Message() != "" || nilStatus.String() != "Success" {
		t.Error("a nil status is not success")
	}
	s := framework.NewStatus(framework.Unschedulable, "node(s) didn't match Pod's node affinity/selector", "too many pods").WithPlugin("NodeAffinity")
	if !s.IsRejected() || s.IsSuccess() || s.Plugin() != "NodeAffinity" || s.Message() != "node(s) didn't match Pod's node affinity/selector, too many pods" {
		t.Errorf("%v", s)
	}
	if err := s.AsError(); err == nil || err.Error() != s.Message() {
		t.Errorf("AsError %v", err)
	}
	boom := errors.New("boom")
	e := framework.AsStatus(boom)
	if e.Code() != framework.Error || !errors.Is(e.AsError(), boom) || e.Message() != "boom" {
		t.Errorf("%v", e)
	}
	if framework.AsStatus(nil) != nil {
		t.Error("AsStatus(nil)")
	}
	for _, c := range []framework.Code{framework.Wait, framework.Skip} {
		if framework.NewStatus(c).AsError() != nil {
			t.Errorf("%s is an error", c)
		}
	}
	if !framework.NewStatus(framework.Pending).IsRejected() || framework.NewStatus(framework.Error, "x").IsRejected() {
		t.Error("IsRejected")
	}
	if !s.Equal(framework.NewStatus(framework.Unschedulable, "node(s) didn't match Pod's node affinity/selector", "too many pods").WithPlugin("NodeAffinity")) || s.Equal(nil) {
		t.Error("Equal")
	}
}

type counter struct{ n int }

func (c *counter) Clone() framework.StateData { cp := *c; return &cp }

func TestCycleState(t *testing.T) {
	cs := framework.NewCycleState()
	if _, err := cs.Read("x"); !errors.Is(err, framework.ErrNotFound) {
		t.Fatal(err)
	}
	cs.Write("x", &counter{1})
	cl := cs.Clone()
	v, _ := cs.Read("x")
	v.(*counter).n = 2
	cv, err := cl.Read("x")
	if err != nil || cv.(*counter).n != 1 {
		t.Fatalf("the clone shares data: %v %v", cv, err)
	}
	cs.Delete("x")
	if _, err := cs.Read("x"); err == nil {
		t.Fatal("deleted")
	}
}

// TestCycleStateWrites: overwriting, deleting and appending keep every other entry, while a
// reader that loaded the entries earlier keeps its view; the workers run under -race.
func TestCycleStateWrites(t *testing.T) {
	cs := framework.NewCycleState()
	keys := []framework.StateKey{"a", "bb", "ccc", "PreFilterNodeResourcesFit", "PreScoreNodeResourcesFit"}
	for i, k := range keys {
		cs.Write(k, &counter{i})
	}
	cs.Write("bb", &counter{10})
	cs.Delete("a")
	cs.Delete("absent")
	cs.Write("a", &counter{20})
	want := map[framework.StateKey]int{"a": 20, "bb": 10, "ccc": 2, "PreFilterNodeResourcesFit": 3, "PreScoreNodeResourcesFit": 4}
	for k, n := range want {
		if v, err := cs.Read(k); err != nil || v.(*counter).n != n {
			t.Errorf("%s: %v %v, want %d", k, v, err, n)
		}
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if v, err := cs.Read("ccc"); err != nil || v.(*counter).n != 2 {
					t.Errorf("ccc: %v %v", v, err)
					return
				}
				if w == 0 {
					cs.Write(framework.StateKey(fmt.Sprint("k", i)), &counter{i})
				}
			}
		}()
	}
	wg.Wait()
	if v, err := cs.Clone().Read("k199"); err != nil || v.(*counter).n != 199 {
		t.Errorf("k199 in the clone: %v %v", v, err)
	}
}

func q(s string) resource.Quantity { return resource.MustParse(s) }

func container(cpu, mem string) core.Container {
	c := core.Container{Name: "c", Image: "i", Resources: core.ResourceRequirements{Requests: core.ResourceList{}}}
	if cpu != "" {
		c.Resources.Requests[core.ResourceCPU] = q(cpu)
	}
	if mem != "" {
		c.Resources.Requests[core.ResourceMemory] = q(mem)
	}
	return c
}

func TestPodRequests(t *testing.T) {
	always := core.ContainerRestartPolicyAlways
	sidecar := container("200m", "")
	sidecar.RestartPolicy = &always
	for _, tc := range []struct {
		name      string
		spec      core.PodSpec
		cpu, mem  int64
		nonZeroCP int64
	}{
		{"containers add up", core.PodSpec{Containers: []core.Container{container("100m", "1Gi"), container("250m", "")}}, 350, 1 << 30, 350},
		{"an init container above the sum wins", core.PodSpec{InitContainers: []core.Container{container("2", "")}, Containers: []core.Container{container("100m", "")}}, 2000, 0, 2000},
		{"sidecars add, and run beside later init containers", core.PodSpec{
			InitContainers: []core.Container{sidecar, container("1", "")},
			Containers:     []core.Container{container("100m", "")},
		}, 1200, 0, 1200},
		{"overhead adds", core.PodSpec{Containers: []core.Container{container("100m", "")}, Overhead: core.ResourceList{core.ResourceCPU: q("50m")}}, 150, 0, 150},
		{"no requests: zero, or the defaults when scoring", core.PodSpec{Containers: []core.Container{container("", "")}}, 0, 0, framework.DefaultMilliCPURequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &core.Pod{Spec: tc.spec}
			r := framework.PodRequests(p, false)
			if r.MilliCPU != tc.cpu || r.Memory != tc.mem {
				t.Errorf("requests %d m, %d bytes; want %d, %d", r.MilliCPU, r.Memory, tc.cpu, tc.mem)
			}
			if nz := framework.PodRequests(p, true); nz.MilliCPU != tc.nonZeroCP {
				t.Errorf("non-zero cpu %d, want %d", nz.MilliCPU, tc.nonZeroCP)
			}
		})
	}
	gpu := container("", "")
	gpu.Resources.Requests["example.com/gpu"] = q("2")
	if r := framework.PodRequests(&core.Pod{Spec: core.PodSpec{Containers: []core.Container{gpu}}}, false); r.ScalarResources["example.com/gpu"] != 2 {
		t.Errorf("extended resources %v", r.ScalarResources)
	}
}

func TestHostPorts(t *testing.T) {
	h := framework.HostPortInfo{}
	h.Add("", "", 80)
	h.Add("10.0.0.1", core.ProtocolUDP, 53)
	for _, tc := range []struct {
		ip    string
		proto core.Protocol
		port  int32
		want  bool
	}{
		{"10.0.0.2", core.ProtocolTCP, 80, true}, // 80 is bound on every IP
		{"0.0.0.0", core.ProtocolUDP, 53, true},  // binding every IP clashes with any
		{"10.0.0.2", core.ProtocolUDP, 53, false},
		{"10.0.0.1", core.ProtocolTCP, 53, false},
		{"", "", 0, false},
	} {
		if got := h.CheckConflict(tc.ip, tc.proto, tc.port); got != tc.want {
			t.Errorf("%s %s %d: conflict %v", tc.ip, tc.proto, tc.port, got)
		}
	}
	h.Remove("", core.ProtocolTCP, 80)
	if h.CheckConflict("10.0.0.2", core.ProtocolTCP, 80) || h.Len() != 1 {
		t.Errorf("after remove: %v", h)
	}
}

func TestNodeInfoAndSnapshot(t *testing.T) {
	node := &core.Node{ObjectMeta: meta.ObjectMeta{Name: "n1"}, Status: core.NodeStatus{Allocatable: core.ResourceList{
		core.ResourceCPU: q("4"), core.ResourceMemory: q("8Gi"), core.ResourcePods: q("110")}}}
	web := &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default", UID: "1", Labels: map[string]string{"app": "web"}}, Spec: core.PodSpec{NodeName: "n1",
		Containers: []core.Container{{Name: "c", Image: "i", Ports: []core.ContainerPort{{HostPort: 8080, ContainerPort: 80}},
			Resources: core.ResourceRequirements{Requests: core.ResourceList{core.ResourceCPU: q("500m")}}}},
		Affinity: &core.Affinity{PodAntiAffinity: &core.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []core.PodAffinityTerm{{
			LabelSelector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, TopologyKey: "kubernetes.io/hostname"}}}}}}
	other := &core.Pod{ObjectMeta: meta.ObjectMeta{Name: "other", Namespace: "default", UID: "2"}, Spec: core.PodSpec{NodeName: "elsewhere", Containers: []core.Container{container("1", "")}}}
	s := framework.NewSnapshot([]*core.Pod{web, other}, []*core.Node{node})
	ni, err := s.NodeInfos().Get("n1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ni.Pods) != 1 || ni.Requested.MilliCPU != 500 || ni.NonZeroRequested.Memory != framework.DefaultMemoryRequest ||
		ni.Allocatable.MilliCPU != 4000 || ni.Allocatable.AllowedPodNumber != 110 || !ni.UsedPorts.CheckConflict("", "", 8080) {
		t.Fatalf("node info %+v", ni)
	}
	if l, _ := s.HavePodsWithRequiredAntiAffinityList(); len(l) != 1 {
		t.Errorf("anti-affinity nodes %d", len(l))
	}
	term := ni.PodsWithRequiredAntiAffinity[0].RequiredAntiAffinityTerms[0]
	if !term.Namespaces["default"] || term.TopologyKey != "kubernetes.io/hostname" || !term.Matches(web, nil) {
		t.Errorf("term %+v", term)
	}
	cp := ni.Snapshot()
	gen := ni.Generation
	if err := ni.RemovePod(web); err != nil {
		t.Fatal(err)
	}
	if ni.Generation <= gen || len(ni.Pods) != 0 || ni.Requested.MilliCPU != 0 || ni.UsedPorts.Len() != 0 || len(ni.PodsWithRequiredAntiAffinity) != 0 {
		t.Errorf("after remove %+v", ni)
	}
	if len(cp.Pods) != 1 || cp.Requested.MilliCPU != 500 {
		t.Errorf("the snapshot changed with the original: %+v", cp)
	}
	if err := ni.RemovePod(web); err == nil {
		t.Error("removing an absent pod succeeded")
	}
	if _, err := s.NodeInfos().Get("nope"); err == nil {
		t.Error("unknown node")
	}
}

func TestParallelizerAndRegistry(t *testing.T) {
	var sum atomic.Int64
	framework.NewParallelizer(0).Until(context.Background(), 1000, func(i int) { sum.Add(int64(i)) })
	if sum.Load() != 999*1000/2 {
		t.Fatalf("sum %d", sum.Load())
	}
	r := framework.Registry{}
	f := func(context.Context, json.RawMessage, framework.Handle) (framework.Plugin, error) { return nil, nil }
	if err := r.Register("A", f); err != nil {
		t.Fatal(err)
	}
	if err := r.Merge(framework.Registry{"A": f}); err == nil {
		t.Error("duplicate accepted")
	}
	var args struct{ Weight int }
	if err := framework.DecodeArgs(json.RawMessage(`{"weight":3}`), &args); err != nil || args.Weight != 3 {
		t.Errorf("%v %+v", err, args)
	}
	if err := framework.DecodeArgs(json.RawMessage(`{"wieght":3}`), &args); err == nil {
		t.Error("unknown field accepted")
	}
}
