// Package limitranger is Kubernetes' LimitRanger admission plugin. In the mutating phase it gives
// each container (and init container) of a new pod the default requests and limits that the
// namespace's LimitRanges of type Container name for resources the container leaves unset, and
// records what it set in the kubernetes.io/limit-ranger annotation. In the validating phase it
// rejects a pod whose containers, or the pod as a whole, fall outside a LimitRange's min, max or
// maxLimitRequestRatio, with Kubernetes' messages:
//
//	pods "web" is forbidden: maximum cpu usage per Container is 1, but limit is 2
//
// Only pods are limited (skiff has no PersistentVolumeClaims); pod updates are not, because their
// containers' resources cannot change except through the resize subresource, which is.
//
//	plugin := limitranger.New(st)
//	a := &admission.Attributes{Operation: admission.Create, Resource: "pods", Namespace: "ns", Object: pod}
//	if err := plugin.Admit(ctx, a); err != nil { // defaults
//		return err
//	}
//	if err := plugin.Validate(ctx, a); err != nil { // min, max, ratio
//		return err
//	}
package limitranger
