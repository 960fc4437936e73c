// Package apps holds the workload controllers of Kubernetes' "apps" group, version v1, that skiff
// serves: Deployment and ReplicaSet. They encode exactly as Kubernetes encodes them, and come with
// Kubernetes' defaulting and validation.
//
//	d := &apps.Deployment{
//		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
//		Spec: apps.DeploymentSpec{
//			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
//			Template: core.PodTemplateSpec{ /* labels app=web, one container */ },
//		},
//	}
//	apps.DefaultDeployment(d) // replicas 1, RollingUpdate 25%/25%, revisionHistoryLimit 10, ...
//	errs := apps.ValidateDeployment(d)
//
// A Deployment's or ReplicaSet's scale subresource is an autoscaling.Scale.
package apps

//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// GroupName is the API group of this package's kinds.
const GroupName = "apps"

// Version is the API version of this package's kinds.
const Version = "v1"

// APIVersion is what the kinds of this package carry in apiVersion.
const APIVersion = GroupName + "/" + Version
