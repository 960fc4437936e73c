// Package nodeaffinity is the NodeAffinity scheduler plugin: Filter keeps a pod on nodes that
// match its spec.nodeSelector and required node affinity (and the profile's addedAffinity),
// PreFilter narrows the nodes when the pod is pinned by metadata.name, and Score prefers nodes
// matching more of its preferred terms, by weight. It also holds the compiled node selector that
// other code (PodTopologySpread's nodeAffinityPolicy, DaemonSets, volume topology) matches nodes
// with, so that everyone reads a core.NodeSelector the same way.
//
//	reg := framework.Registry{}
//	_ = reg.Register(nodeaffinity.Name, nodeaffinity.New)
//
//	sel, err := nodeaffinity.ParseNodeSelector(&core.NodeSelector{NodeSelectorTerms: []core.NodeSelectorTerm{{
//		MatchExpressions: []core.NodeSelectorRequirement{{Key: "zone", Operator: core.NodeSelectorOpIn, Values: []string{"a", "b"}}},
//	}}}, nil)
//	if err == nil && sel.Match(node) {
//		// node is in zone a or b
//	}
//	fits := nodeaffinity.NewRequiredNodeAffinity(pod).Match(node) // nodeSelector and required affinity
package nodeaffinity
