// Package noderestriction is Kubernetes' NodeRestriction admission plugin. The Node authorizer
// (authz/node) lets every kubelet write Node objects, pods, pod status and leases; this plugin
// narrows those writes to the kubelet's own: its Node (whose taints it may not change, and whose
// labels only within the kubelet's own label namespaces), mirror pods bound to it, the status and
// evictions of pods bound to it, its Lease in kube-node-lease, its CSINode, tokens bound to its
// pods, and the status of PVCs. Users that are not nodes pass untouched.
//
//	plugin := noderestriction.New(st) // reads pods and nodes the request does not carry
//	cfg.Admission = admission.Chain{plugin, ...}
//	// system:node:a updating node b:
//	err := plugin.Validate(ctx, &admission.Attributes{Operation: admission.Update, Resource: "nodes",
//		Name: "b", Object: nodeB, OldObject: oldNodeB, User: kubeletA})
//	// apierrors.IsForbidden(err): nodes "b" is forbidden: node "a" is not allowed to modify node "b"
//
// Rejections are *meta.Status Forbidden errors, worded as Kubernetes words them; a pod or node the
// plugin must look up and cannot find is a NotFound error.
package noderestriction
