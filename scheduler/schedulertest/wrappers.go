package schedulertest

import (
	"fmt"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
)

// PodWrapper builds a Pod.
type PodWrapper struct{ core.Pod }

// MakePod starts a pod in namespace "default" with one container, named by the builder calls.
func MakePod() *PodWrapper {
	return &PodWrapper{core.Pod{
		ObjectMeta: meta.ObjectMeta{Namespace: "default"},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "c", Image: "pause"}}},
	}}
}

// Obj returns the pod.
func (p *PodWrapper) Obj() *core.Pod { return &p.Pod }

// Name sets the name, and the UID when it has none ("<name>-uid").
func (p *PodWrapper) Name(n string) *PodWrapper {
	p.Pod.Name = n
	if p.Pod.UID == "" {
		p.Pod.UID = meta.UID(n + "-uid")
	}
	return p
}

// Namespace sets the namespace.
func (p *PodWrapper) Namespace(ns string) *PodWrapper { p.Pod.Namespace = ns; return p }

// UID sets the UID.
func (p *PodWrapper) UID(uid string) *PodWrapper { p.Pod.UID = meta.UID(uid); return p }

// Node binds the pod to a node.
func (p *PodWrapper) Node(n string) *PodWrapper { p.Spec.NodeName = n; return p }

// Label adds a label.
func (p *PodWrapper) Label(k, v string) *PodWrapper {
	if p.Pod.Labels == nil {
		p.Pod.Labels = map[string]string{}
	}
	p.Pod.Labels[k] = v
	return p
}

// Labels adds labels.
func (p *PodWrapper) Labels(l map[string]string) *PodWrapper {
	for k, v := range l {
		p.Label(k, v)
	}
	return p
}

// Priority sets the priority.
func (p *PodWrapper) Priority(v int32) *PodWrapper { p.Spec.Priority = &v; return p }

// SchedulerName sets the scheduler.
func (p *PodWrapper) SchedulerName(n string) *PodWrapper { p.Spec.SchedulerName = n; return p }

// Req adds a container requesting the resources ("cpu": "500m", "memory": "1Gi", ...); the
// first call replaces the default container's requests.
func (p *PodWrapper) Req(rl map[core.ResourceName]string) *PodWrapper {
	c := &p.Spec.Containers[len(p.Spec.Containers)-1]
	if c.Resources.Requests != nil {
		p.Spec.Containers = append(p.Spec.Containers, core.Container{Name: fmt.Sprintf("c%d", len(p.Spec.Containers)), Image: "pause"})
		c = &p.Spec.Containers[len(p.Spec.Containers)-1]
	}
	c.Resources.Requests = resourceList(rl)
	return p
}

// InitReq adds an init container requesting the resources.
func (p *PodWrapper) InitReq(rl map[core.ResourceName]string) *PodWrapper {
	p.Spec.InitContainers = append(p.Spec.InitContainers, core.Container{
		Name: fmt.Sprintf("init%d", len(p.Spec.InitContainers)), Image: "pause",
		Resources: core.ResourceRequirements{Requests: resourceList(rl)},
	})
	return p
}

// HostPort adds a host port (TCP on every IP when protocol and ip are empty).
func (p *PodWrapper) HostPort(port int32, protocol core.Protocol, ip string) *PodWrapper {
	c := &p.Spec.Containers[0]
	c.Ports = append(c.Ports, core.ContainerPort{HostPort: port, ContainerPort: port, Protocol: protocol, HostIP: ip})
	return p
}

// Image sets the first container's image.
func (p *PodWrapper) Image(img string) *PodWrapper { p.Spec.Containers[0].Image = img; return p }

// NodeSelector sets the node selector.
func (p *PodWrapper) NodeSelector(m map[string]string) *PodWrapper { p.Spec.NodeSelector = m; return p }

// Toleration adds a toleration.
func (p *PodWrapper) Toleration(t core.Toleration) *PodWrapper {
	p.Spec.Tolerations = append(p.Spec.Tolerations, t)
	return p
}

// SchedulingGate adds a scheduling gate.
func (p *PodWrapper) SchedulingGate(name string) *PodWrapper {
	p.Spec.SchedulingGates = append(p.Spec.SchedulingGates, core.PodSchedulingGate{Name: name})
	return p
}

// Affinity sets the whole affinity.
func (p *PodWrapper) Affinity(a *core.Affinity) *PodWrapper { p.Spec.Affinity = a; return p }

// SpreadConstraint adds a topology spread constraint selecting pods by labels.
func (p *PodWrapper) SpreadConstraint(maxSkew int32, key string, when core.UnsatisfiableConstraintAction, sel map[string]string) *PodWrapper {
	p.Spec.TopologySpreadConstraints = append(p.Spec.TopologySpreadConstraints, core.TopologySpreadConstraint{
		MaxSkew: maxSkew, TopologyKey: key, WhenUnsatisfiable: when, LabelSelector: &meta.LabelSelector{MatchLabels: sel},
	})
	return p
}

// Phase sets status.phase.
func (p *PodWrapper) Phase(ph core.PodPhase) *PodWrapper { p.Status.Phase = ph; return p }

// NominatedNode sets status.nominatedNodeName.
func (p *PodWrapper) NominatedNode(n string) *PodWrapper { p.Status.NominatedNodeName = n; return p }

// NodeWrapper builds a Node.
type NodeWrapper struct{ core.Node }

// MakeNode starts a node that allows 110 pods.
func MakeNode() *NodeWrapper {
	return &NodeWrapper{core.Node{Status: core.NodeStatus{
		Capacity:    core.ResourceList{core.ResourcePods: resource.MustParse("110")},
		Allocatable: core.ResourceList{core.ResourcePods: resource.MustParse("110")},
	}}}
}

// Obj returns the node.
func (n *NodeWrapper) Obj() *core.Node { return &n.Node }

// Name sets the name, its UID, and the kubernetes.io/hostname label, as a kubelet does.
func (n *NodeWrapper) Name(name string) *NodeWrapper {
	n.Node.Name = name
	n.Node.UID = meta.UID(name + "-uid")
	return n.Label("kubernetes.io/hostname", name)
}

// Label adds a label.
func (n *NodeWrapper) Label(k, v string) *NodeWrapper {
	if n.Labels == nil {
		n.Labels = map[string]string{}
	}
	n.Labels[k] = v
	return n
}

// Capacity sets capacity and allocatable ("cpu": "4", "memory": "32Gi", "pods": "110").
func (n *NodeWrapper) Capacity(rl map[core.ResourceName]string) *NodeWrapper {
	for k, v := range resourceList(rl) {
		n.Status.Capacity[k] = v
		n.Status.Allocatable[k] = v
	}
	return n
}

// Taints adds taints.
func (n *NodeWrapper) Taints(ts ...core.Taint) *NodeWrapper {
	n.Spec.Taints = append(n.Spec.Taints, ts...)
	return n
}

// Unschedulable cordons the node.
func (n *NodeWrapper) Unschedulable(u bool) *NodeWrapper { n.Spec.Unschedulable = u; return n }

// Images lists images present on the node, with their sizes in bytes.
func (n *NodeWrapper) Images(sizes map[string]int64) *NodeWrapper {
	for name, size := range sizes {
		n.Status.Images = append(n.Status.Images, core.ContainerImage{Names: []string{name}, SizeBytes: size})
	}
	return n
}

func resourceList(rl map[core.ResourceName]string) core.ResourceList {
	out := core.ResourceList{}
	for k, v := range rl {
		out[k] = resource.MustParse(v)
	}
	return out
}
