// Package core holds the objects of Kubernetes' core API group ("", version v1) that skiff serves:
// Pod, Node, Namespace, Binding, Event, Secret, ConfigMap, ServiceAccount, ResourceQuota and
// LimitRange, with the nested types they share (containers, volumes, probes, tolerations, affinity).
// Every type encodes to exactly the JSON Kubernetes writes, so kubectl and client-go read and write
// them unchanged.
//
// Each kind has a Default function, the server-side defaulting Kubernetes applies before
// validation, and Validate/ValidateUpdate functions that return field errors worded as
// Kubernetes words them:
//
//	pod := &core.Pod{
//		ObjectMeta: meta.ObjectMeta{Name: "web", Namespace: "default"},
//		Spec:       core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx"}}},
//	}
//	core.DefaultPod(pod) // restartPolicy Always, imagePullPolicy Always (no tag), ...
//	if errs := core.ValidatePod(pod); len(errs) > 0 {
//		return errs.ToAggregate() // e.g. spec.containers[0].image: Required value
//	}
//
// Lists are meta.List[*core.Pod] and so on; there are no per-kind list types.
package core

//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// GroupName is the API group of this package's kinds: the core ("legacy") group, spelled "".
const GroupName = ""

// Version is the API version of this package's kinds.
const Version = "v1"

// APIVersion is what the kinds of this package carry in apiVersion.
const APIVersion = "v1"
