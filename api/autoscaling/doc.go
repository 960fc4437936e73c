// Package autoscaling holds Scale from Kubernetes' "autoscaling" group, version v1: the body of the
// scale subresource of Deployments and ReplicaSets, which `kubectl scale` reads and writes.
//
//	s := &autoscaling.Scale{
//		TypeMeta:   meta.TypeMeta{APIVersion: autoscaling.APIVersion, Kind: "Scale"},
//		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
//		Spec:       autoscaling.ScaleSpec{Replicas: 3},
//	}
//	if errs := autoscaling.ValidateScale(s); len(errs) > 0 {
//		return errs.ToAggregate()
//	}
//	// status.selector is the label selector in its string form: "app=web".
//	fmt.Println(s.Status.Selector)
package autoscaling

//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// GroupName is the API group of Scale.
const GroupName = "autoscaling"

// Version is the API version of Scale.
const Version = "v1"

// APIVersion is what a Scale carries in apiVersion.
const APIVersion = GroupName + "/" + Version
