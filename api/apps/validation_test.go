package apps

import (
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/field/fieldtest"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
)

// template returns a valid, defaulted pod template labelled app=web.
func template() core.PodTemplateSpec {
	t := core.PodTemplateSpec{
		ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx:1.25"}}},
	}
	core.DefaultPodTemplateSpec(&t)
	return t
}

func validDeployment() *Deployment {
	d := &Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default", ResourceVersion: "1"},
		Spec: DeploymentSpec{
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: template(),
		},
	}
	DefaultDeployment(d)
	return d
}

func TestValidateDeployment(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Deployment)
		want   []string
	}{
		{"valid", func(*Deployment) {}, nil},
		{"selector required", func(d *Deployment) { d.Spec.Selector = nil }, []string{
			"spec.selector: Required value",
			`spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: ` + "`selector` does not match template `labels`",
		}},
		{"empty selector", func(d *Deployment) { d.Spec.Selector = &meta.LabelSelector{} },
			[]string{"spec.selector: Invalid value: meta.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]meta.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"}},
		{"invalid selector", func(d *Deployment) {
			d.Spec.Selector.MatchExpressions = []meta.LabelSelectorRequirement{{Key: "tier", Operator: "Near"}}
		}, []string{
			`spec.selector.matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
			"spec.selector: Invalid value: meta.LabelSelector{",
		}},
		{"selector does not match the template", func(d *Deployment) { d.Spec.Template.Labels = map[string]string{"app": "db"} },
			[]string{`spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: ` + "`selector` does not match template `labels`"}},
		{"negative replicas", func(d *Deployment) { d.Spec.Replicas = ptr(int32(-1)) },
			[]string{"spec.replicas: Invalid value: -1: must be greater than or equal to 0"}},
		{"template restartPolicy must be Always", func(d *Deployment) { d.Spec.Template.Spec.RestartPolicy = core.RestartPolicyOnFailure },
			[]string{`spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"`}},
		{"template is a valid pod spec", func(d *Deployment) { d.Spec.Template.Spec.Containers[0].Image = "" },
			[]string{"spec.template.spec.containers[0].image: Required value"}},
		{"template without a deadline", func(d *Deployment) { d.Spec.Template.Spec.ActiveDeadlineSeconds = ptr(int64(5)) },
			[]string{"spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"}},
		{"strategy type", func(d *Deployment) { d.Spec.Strategy.Type = "BlueGreen" },
			[]string{`spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen"`}},
		{"rollingUpdate only with RollingUpdate", func(d *Deployment) { d.Spec.Strategy.Type = RecreateDeploymentStrategyType },
			[]string{"spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"}},
		{"surge and unavailable not both 0", func(d *Deployment) {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxUnavailable: ptr(intstr.FromString("0%")), MaxSurge: ptr(intstr.FromInt32(0))}
		}, []string{"spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"0%\": may not be 0 when `maxSurge` is 0"}},
		{"maxUnavailable at most 100%", func(d *Deployment) {
			d.Spec.Strategy.RollingUpdate.MaxUnavailable = ptr(intstr.FromString("150%"))
		}, []string{`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%`}},
		{"bad percentages and negative numbers", func(d *Deployment) {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxUnavailable: ptr(intstr.FromString("half")), MaxSurge: ptr(intstr.FromInt32(-1))}
		}, []string{
			`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "half": a valid percent string must be a numeric string followed by an ending '%'`,
			"spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0",
		}},
		{"revisionHistoryLimit", func(d *Deployment) { d.Spec.RevisionHistoryLimit = ptr(int32(-1)) },
			[]string{"spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"}},
		{"progress deadline beyond minReadySeconds", func(d *Deployment) {
			d.Spec.MinReadySeconds = 600
		}, []string{"spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"}},
		{"metadata", func(d *Deployment) { d.Namespace = "" }, []string{"metadata.namespace: Required value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDeployment()
			tt.mutate(d)
			fieldtest.Expect(t, ValidateDeployment(d), tt.want...)
		})
	}
}

func TestValidateDeploymentUpdate(t *testing.T) {
	old := validDeployment()
	scaled := validDeployment()
	scaled.Spec.Replicas = ptr(int32(5))
	scaled.Spec.Template.Spec.Containers[0].Image = "nginx:1.26"
	fieldtest.Expect(t, ValidateDeploymentUpdate(scaled, old))

	reselected := validDeployment()
	reselected.Spec.Selector = &meta.LabelSelector{MatchLabels: map[string]string{"app": "web", "v": "2"}}
	reselected.Spec.Template.Labels["v"] = "2"
	fieldtest.Expect(t, ValidateDeploymentUpdate(reselected, old), "spec.selector: Invalid value: meta.LabelSelector{")
	if errs := ValidateDeploymentUpdate(reselected, old); len(errs) == 1 && !strings.HasSuffix(errs[0].Error(), ": field is immutable") {
		t.Errorf("selector change: %v", errs[0])
	}
}

func TestValidateDeploymentStatusUpdate(t *testing.T) {
	old := validDeployment()
	old.Status.CollisionCount = ptr(int32(2))
	good := validDeployment()
	good.Status = DeploymentStatus{ObservedGeneration: 1, Replicas: 3, UpdatedReplicas: 3, ReadyReplicas: 2, AvailableReplicas: 2,
		UnavailableReplicas: 1, TerminatingReplicas: ptr(int32(0)), CollisionCount: ptr(int32(2))}
	fieldtest.Expect(t, ValidateDeploymentStatusUpdate(good, old))

	bad := validDeployment()
	bad.Status = DeploymentStatus{Replicas: 1, UpdatedReplicas: 2, ReadyReplicas: 1, AvailableReplicas: 3,
		UnavailableReplicas: -1, TerminatingReplicas: ptr(int32(-2)), CollisionCount: ptr(int32(1))}
	fieldtest.Expect(t, ValidateDeploymentStatusUpdate(bad, old),
		"status.unavailableReplicas: Invalid value: -1: must be greater than or equal to 0",
		"status.terminatingReplicas: Invalid value: -2: must be greater than or equal to 0",
		"status.updatedReplicas: Invalid value: 2: cannot be greater than status.replicas",
		"status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas",
		"status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas",
		"status.collisionCount: Invalid value: 1: cannot be decremented")
}

func validReplicaSet() *ReplicaSet {
	rs := &ReplicaSet{
		ObjectMeta: meta.ObjectMeta{Name: "web-abc", Namespace: "default", ResourceVersion: "1"},
		Spec: ReplicaSetSpec{
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: template(),
		},
	}
	DefaultReplicaSet(rs)
	return rs
}

func TestValidateReplicaSet(t *testing.T) {
	fieldtest.Expect(t, ValidateReplicaSet(validReplicaSet()))

	rs := validReplicaSet()
	rs.Spec.Replicas = ptr(int32(-1))
	rs.Spec.MinReadySeconds = -1
	rs.Spec.Template.Labels = nil
	fieldtest.Expect(t, ValidateReplicaSet(rs),
		"spec.replicas: Invalid value: -1: must be greater than or equal to 0",
		"spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0",
		"spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`")

	old := validReplicaSet()
	scaled := validReplicaSet()
	scaled.Spec.Replicas = ptr(int32(0))
	fieldtest.Expect(t, ValidateReplicaSetUpdate(scaled, old))
	reselected := validReplicaSet()
	reselected.Spec.Selector.MatchExpressions = []meta.LabelSelectorRequirement{{Key: "app", Operator: meta.LabelSelectorOpExists}}
	fieldtest.Expect(t, ValidateReplicaSetUpdate(reselected, old), "spec.selector: Invalid value: meta.LabelSelector{")

	status := validReplicaSet()
	status.Status = ReplicaSetStatus{Replicas: 2, FullyLabeledReplicas: 3, ReadyReplicas: 1, AvailableReplicas: 2, ObservedGeneration: -1}
	fieldtest.Expect(t, ValidateReplicaSetStatusUpdate(status, old),
		"status.observedGeneration: Invalid value: -1: must be greater than or equal to 0",
		"status.fullyLabeledReplicas: Invalid value: 3: cannot be greater than status.replicas",
		"status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas")
}
