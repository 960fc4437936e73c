package schedulertest

import (
	"fmt"

	"github.com/skiff-io/skiff/api/core"
)

// Builders for the resource, port and image plugins' tests.

// WithoutContainers removes every container, as Kubernetes' MakePod() starts: a pod that
// requests nothing, not even the scheduler's default requests for containers without any.
func (p *PodWrapper) WithoutContainers() *PodWrapper {
	p.Spec.Containers = nil
	return p
}

// Overhead sets the pod's overhead ("cpu": "250m").
func (p *PodWrapper) Overhead(rl map[core.ResourceName]string) *PodWrapper {
	p.Spec.Overhead = resourceList(rl)
	return p
}

// SidecarReq adds a restartable init container (a sidecar) requesting the resources.
func (p *PodWrapper) SidecarReq(rl map[core.ResourceName]string) *PodWrapper {
	always := core.ContainerRestartPolicyAlways
	p.Spec.InitContainers = append(p.Spec.InitContainers, core.Container{
		Name: fmt.Sprintf("sidecar%d", len(p.Spec.InitContainers)), Image: "pause", RestartPolicy: &always,
		Resources: core.ResourceRequirements{Requests: resourceList(rl)},
	})
	return p
}

// ImageContainer adds a container running the image.
func (p *PodWrapper) ImageContainer(image string) *PodWrapper {
	p.Spec.Containers = append(p.Spec.Containers, core.Container{Name: fmt.Sprintf("c%d", len(p.Spec.Containers)), Image: image})
	return p
}

// InitImageContainer adds an init container running the image.
func (p *PodWrapper) InitImageContainer(image string) *PodWrapper {
	p.Spec.InitContainers = append(p.Spec.InitContainers, core.Container{Name: fmt.Sprintf("init%d", len(p.Spec.InitContainers)), Image: image})
	return p
}

// ImageNames lists one image present on the node under several names (tags and digests of the
// same image), with its size in bytes.
func (n *NodeWrapper) ImageNames(sizeBytes int64, names ...string) *NodeWrapper {
	n.Status.Images = append(n.Status.Images, core.ContainerImage{Names: names, SizeBytes: sizeBytes})
	return n
}
