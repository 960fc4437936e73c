// Package nodename is the NodeName scheduler plugin: a pod that already names a node in
// spec.nodeName fits only that node. Such pods normally bypass the scheduler; the plugin matters
// for preemption and for pods whose nodeName was set but which are still handed to it.
//
//	reg := framework.Registry{}
//	_ = reg.Register(nodename.Name, nodename.New)
//
//	if !nodename.Fits(pod, nodeInfo) {
//		// the pod is pinned to another node
//	}
package nodename
