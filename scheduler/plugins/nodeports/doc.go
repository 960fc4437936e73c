// Package nodeports is the NodePorts scheduler plugin: its filter keeps a pod that asks for host
// ports off nodes where another pod already holds one of them, as Kubernetes' plugin of the same
// name does. Two claims clash when their protocol and port are equal and their host IPs are
// equal or either is the wildcard 0.0.0.0 (an empty hostIP); an empty protocol means TCP.
//
//	reg := framework.Registry{}
//	_ = reg.Register(nodeports.Name, nodeports.New)
//
//	// Would the pod's host ports clash with those in use on the node?
//	if !nodeports.Fits(pod, nodeInfo) {
//		fmt.Println(nodeports.ErrReason) // node(s) didn't have free ports for the requested pod ports
//	}
//
// A pod without host ports skips the filter (PreFilter answers Skip). Filter allocates nothing
// for a node that passes and is safe to run concurrently over nodes.
package nodeports
