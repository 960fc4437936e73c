package apps

import (
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/intstr"
)

// DefaultDeployment applies Kubernetes' apps/v1 defaults: replicas 1, strategy RollingUpdate with
// maxUnavailable and maxSurge 25% (each only when missing), revisionHistoryLimit 10,
// progressDeadlineSeconds 600, and the pod spec defaults on the template. Values the client gave
// are never changed.
func DefaultDeployment(d *Deployment) {
	spec := &d.Spec
	if spec.Replicas == nil {
		spec.Replicas = ptrTo(int32(1))
	}
	s := &spec.Strategy
	if s.Type == "" {
		s.Type = RollingUpdateDeploymentStrategyType
	}
	if s.Type == RollingUpdateDeploymentStrategyType {
		if s.RollingUpdate == nil {
			s.RollingUpdate = &RollingUpdateDeployment{}
		}
		if s.RollingUpdate.MaxUnavailable == nil {
			s.RollingUpdate.MaxUnavailable = ptrTo(intstr.FromString("25%"))
		}
		if s.RollingUpdate.MaxSurge == nil {
			s.RollingUpdate.MaxSurge = ptrTo(intstr.FromString("25%"))
		}
	}
	if spec.RevisionHistoryLimit == nil {
		spec.RevisionHistoryLimit = ptrTo(int32(10))
	}
	if spec.ProgressDeadlineSeconds == nil {
		spec.ProgressDeadlineSeconds = ptrTo(int32(600))
	}
	core.DefaultPodTemplateSpec(&spec.Template)
}

// DefaultReplicaSet applies Kubernetes' apps/v1 defaults: replicas 1, and the pod spec defaults on
// the template.
func DefaultReplicaSet(rs *ReplicaSet) {
	if rs.Spec.Replicas == nil {
		rs.Spec.Replicas = ptrTo(int32(1))
	}
	core.DefaultPodTemplateSpec(&rs.Spec.Template)
}

func ptrTo[T any](v T) *T { return &v }
