package core

import (
	"testing"

	"github.com/skiff-io/skiff/api/resource"
)

func TestQOSClassOf(t *testing.T) {
	rl := func(cpu, mem string) ResourceList {
		l := ResourceList{}
		if cpu != "" {
			l[ResourceCPU] = resource.MustParse(cpu)
		}
		if mem != "" {
			l[ResourceMemory] = resource.MustParse(mem)
		}
		return l
	}
	pod := func(cs ...ResourceRequirements) *Pod {
		p := &Pod{}
		for _, r := range cs {
			p.Spec.Containers = append(p.Spec.Containers, Container{Name: "c", Resources: r})
		}
		return p
	}
	cases := []struct {
		name string
		pod  *Pod
		want PodQOSClass
	}{
		{"nothing set", pod(ResourceRequirements{}), PodQOSBestEffort},
		{"limits equal requests", pod(ResourceRequirements{Requests: rl("1", "1Gi"), Limits: rl("1", "1Gi")}), PodQOSGuaranteed},
		{"limits only (requests default to them)", pod(ResourceRequirements{Limits: rl("500m", "128Mi")}), PodQOSGuaranteed},
		{"requests below limits", pod(ResourceRequirements{Requests: rl("100m", "64Mi"), Limits: rl("500m", "128Mi")}), PodQOSBurstable},
		{"cpu limit only", pod(ResourceRequirements{Limits: rl("1", "")}), PodQOSBurstable},
		{"one guaranteed, one best effort", pod(ResourceRequirements{Limits: rl("1", "1Gi")}, ResourceRequirements{}), PodQOSBurstable},
		{"requests only", pod(ResourceRequirements{Requests: rl("100m", "")}), PodQOSBurstable},
	}
	for _, tc := range cases {
		if got := QOSClassOf(tc.pod); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
