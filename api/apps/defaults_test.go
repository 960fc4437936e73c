package apps

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/intstr"
)

func ptr[T any](v T) *T { return &v }

func TestDefaultDeployment(t *testing.T) {
	pct := func(s string) *intstr.IntOrString { return ptr(intstr.FromString(s)) }
	num := func(n int32) *intstr.IntOrString { return ptr(intstr.FromInt32(n)) }
	tests := []struct {
		name string
		in   DeploymentSpec
		want DeploymentSpec
	}{
		{"everything defaulted", DeploymentSpec{},
			DeploymentSpec{Replicas: ptr(int32(1)), RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600)),
				Strategy: DeploymentStrategy{Type: RollingUpdateDeploymentStrategyType,
					RollingUpdate: &RollingUpdateDeployment{MaxUnavailable: pct("25%"), MaxSurge: pct("25%")}}}},
		{"only the missing rolling update bound is filled",
			DeploymentSpec{Strategy: DeploymentStrategy{RollingUpdate: &RollingUpdateDeployment{MaxSurge: num(0)}}},
			DeploymentSpec{Replicas: ptr(int32(1)), RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600)),
				Strategy: DeploymentStrategy{Type: RollingUpdateDeploymentStrategyType,
					RollingUpdate: &RollingUpdateDeployment{MaxUnavailable: pct("25%"), MaxSurge: num(0)}}}},
		{"Recreate gets no rolling update", DeploymentSpec{Strategy: DeploymentStrategy{Type: RecreateDeploymentStrategyType}},
			DeploymentSpec{Replicas: ptr(int32(1)), RevisionHistoryLimit: ptr(int32(10)), ProgressDeadlineSeconds: ptr(int32(600)),
				Strategy: DeploymentStrategy{Type: RecreateDeploymentStrategyType}}},
		{"explicit values are never overwritten",
			DeploymentSpec{Replicas: ptr(int32(0)), RevisionHistoryLimit: ptr(int32(0)), ProgressDeadlineSeconds: ptr(int32(30)),
				Strategy: DeploymentStrategy{Type: RollingUpdateDeploymentStrategyType,
					RollingUpdate: &RollingUpdateDeployment{MaxUnavailable: num(2), MaxSurge: pct("50%")}}},
			DeploymentSpec{Replicas: ptr(int32(0)), RevisionHistoryLimit: ptr(int32(0)), ProgressDeadlineSeconds: ptr(int32(30)),
				Strategy: DeploymentStrategy{Type: RollingUpdateDeploymentStrategyType,
					RollingUpdate: &RollingUpdateDeployment{MaxUnavailable: num(2), MaxSurge: pct("50%")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Deployment{Spec: tt.in}
			DefaultDeployment(d)
			d.Spec.Template = core.PodTemplateSpec{}
			if diff := cmp.Diff(tt.want, d.Spec); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultTemplates(t *testing.T) {
	tmpl := core.PodTemplateSpec{Spec: core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}}}
	d := &Deployment{Spec: DeploymentSpec{Template: *tmpl.DeepCopy()}}
	DefaultDeployment(d)
	rs := &ReplicaSet{Spec: ReplicaSetSpec{Template: *tmpl.DeepCopy()}}
	DefaultReplicaSet(rs)
	for name, spec := range map[string]core.PodSpec{"deployment": d.Spec.Template.Spec, "replicaset": rs.Spec.Template.Spec} {
		if spec.RestartPolicy != core.RestartPolicyAlways || spec.DNSPolicy != core.DNSClusterFirst ||
			spec.Containers[0].ImagePullPolicy != core.PullAlways || spec.EnableServiceLinks != nil {
			t.Errorf("%s template: pod spec defaults not applied as Kubernetes applies them: %+v", name, spec)
		}
	}
	if *rs.Spec.Replicas != 1 {
		t.Errorf("replicaset replicas = %d, want 1", *rs.Spec.Replicas)
	}
	rs = &ReplicaSet{Spec: ReplicaSetSpec{Replicas: ptr(int32(0))}}
	DefaultReplicaSet(rs)
	if *rs.Spec.Replicas != 0 {
		t.Errorf("explicit replicas 0 overwritten with %d", *rs.Spec.Replicas)
	}
}
