// Package noderesources holds the scheduler plugins that weigh a pod's resource requests
// against a node's allocatable resources, as Kubernetes' plugins of the same names do:
//
//   - NodeResourcesFit (New): PreFilter computes the pod's requests once (containers and
//     sidecars summed, the largest init container if more, plus overhead); Filter rejects a node
//     that runs as many pods as it allows ("Too many pods") or lacks room for a request
//     ("Insufficient cpu", "Insufficient example.com/gpu"), skipping the extended resources named
//     in the args; Score ranks nodes by LeastAllocated (the default, over cpu and memory),
//     MostAllocated or RequestedToCapacityRatio.
//   - NodeResourcesBalancedAllocation (NewBalancedAllocation): Score prefers nodes whose
//     resources would be used evenly.
//
// Both take Kubernetes' arguments, with its JSON names and defaults:
//
//	reg := framework.Registry{}
//	_ = reg.Register(noderesources.Name, noderesources.New)
//	_ = reg.Register(noderesources.BalancedAllocationName, noderesources.NewBalancedAllocation)
//
//	// Bin packing: prefer the fullest nodes, counting GPUs three times as much as cpu.
//	args := json.RawMessage(`{"scoringStrategy": {"type": "MostAllocated",
//		"resources": [{"name": "cpu", "weight": 1}, {"name": "nvidia.com/gpu", "weight": 3}]}}`)
//	fit, err := noderesources.New(ctx, args, handle)
//
// Filter and Score allocate nothing per node, except a Status for a rejected node, and are safe
// to run concurrently over nodes.
package noderesources
