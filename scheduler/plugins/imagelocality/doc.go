// Package imagelocality is the ImageLocality scheduler plugin: a score that prefers nodes which
// already have the pod's container images (init containers included), as Kubernetes' plugin of
// the same name does. Each image present on the node counts its size scaled by the share of
// nodes that have it, so that an image everywhere favors no node and a new image does not pile
// pods onto the few nodes that pulled it first; the sum is mapped onto 0 to MaxNodeScore between
// 23MiB and 1000MiB per container.
//
//	reg := framework.Registry{}
//	_ = reg.Register(imagelocality.Name, imagelocality.New)
//
// The plugin reads NodeInfo.ImageStates, which the scheduler's cache fills: for every name of
// every image in a node's status, the image's size and the number of nodes listing that name.
// Where a node's ImageStates is empty but its status lists images (a snapshot built by
// framework.NewSnapshot), PreScore counts the nodes from the nodes' status instead, which costs
// a walk over every node's images per pod.
package imagelocality
