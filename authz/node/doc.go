// Package node is Kubernetes' Node authorizer (--authorization-mode=Node): it lets a kubelet, user
// system:node:<nodeName> in group system:nodes, read the secrets, configmaps, persistentvolumeclaims
// and resourceclaims that pods bound to its node reference, and create tokens for those pods'
// service accounts, and nothing of the kind for pods on other nodes. Pods themselves it lets a
// node get only when they are bound to it, and list or watch only with a field selector requiring
// spec.nodeName=<node>, as Kubernetes does with AuthorizeNodeWithSelectors (on by default since
// 1.32; the API server passes the selector in authz.Attributes.FieldSelector). Its other rights (its Node and
// Lease, pod status, mirror pods, events) are the fixed rules of Kubernetes' system:node role; the
// NodeRestriction admission plugin (admission/noderestriction) narrows the writes to the node's own
// objects. Requests by anyone else, and node requests it does not allow, get NoOpinion, so that the
// next authorizer (RBAC) decides, as in Kubernetes.
//
// The authorizer keeps a graph of which pod is bound to which node and what each pod references,
// fed by a list and watch of pods in the store:
//
//	na := node.New(st, node.Options{Logger: log})
//	go na.Run(ctx)                                 // returns when ctx is done
//	if err := na.WaitFor(ctx, 0); err != nil { ... } // the first list is in the graph
//	srv := apiserver.Config{Authorizer: authz.Union(na, rbacAuthorizer), ...}
//	// system:node:a getting a secret used only by a pod on node b:
//	d, reason, _ := na.Authorize(ctx, authz.Attributes{User: kubeletA, Verb: "get",
//		ResourceRequest: true, Resource: "secrets", Namespace: "default", Name: "b-secret"})
//	// d == authz.NoOpinion, reason == "no relationship found between node 'a' and this object"
//
// Until the first list has been read the graph is empty, so every graph-checked request gets
// NoOpinion: a server should wait for HasSynced before it serves kubelets.
package node
