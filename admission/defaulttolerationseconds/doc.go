// Package defaulttolerationseconds is Kubernetes' DefaultTolerationSeconds admission plugin: a pod
// that does not already tolerate the node.kubernetes.io/not-ready and node.kubernetes.io/unreachable
// NoExecute taints gets tolerations for them bounded to 300 seconds, so that its pods are evicted
// five minutes after their node stops answering instead of never (no toleration would evict them at
// once; an unbounded one, never).
//
//	plugin := defaulttolerationseconds.New(defaulttolerationseconds.Options{})
//	a := &admission.Attributes{Operation: admission.Create, Resource: "pods", Object: pod}
//	if err := plugin.Admit(ctx, a); err != nil {
//		return err
//	}
//	// pod.Spec.Tolerations now ends with
//	//   {Key: "node.kubernetes.io/not-ready", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: 300}
//	//   {Key: "node.kubernetes.io/unreachable", Operator: "Exists", Effect: "NoExecute", TolerationSeconds: 300}
package defaulttolerationseconds
