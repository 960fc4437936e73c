package core

import "github.com/skiff-io/skiff/api/resource"

// QOSClassOf computes a pod's quality-of-service class as Kubernetes does: Guaranteed when every
// container (init containers included) has cpu and memory limits equal to its requests, BestEffort
// when none has any request or limit for cpu or memory, Burstable otherwise.
func QOSClassOf(p *Pod) PodQOSClass {
	requests, limits := ResourceList{}, ResourceList{}
	guaranteed := true
	all := append(append([]Container(nil), p.Spec.InitContainers...), p.Spec.Containers...)
	for _, c := range all {
		for _, name := range []ResourceName{ResourceCPU, ResourceMemory} {
			req, hasReq := c.Resources.Requests[name]
			lim, hasLim := c.Resources.Limits[name]
			if hasReq && !req.IsZero() {
				add(requests, name, req)
			}
			if hasLim && !lim.IsZero() {
				add(limits, name, lim)
			}
			// A request defaults to the limit, so only a request that differs breaks the guarantee.
			if !hasLim || lim.IsZero() || (hasReq && req.Cmp(lim) != 0) {
				guaranteed = false
			}
		}
	}
	if len(requests) == 0 && len(limits) == 0 {
		return PodQOSBestEffort
	}
	if guaranteed {
		return PodQOSGuaranteed
	}
	return PodQOSBurstable
}

func add(l ResourceList, name ResourceName, q resource.Quantity) {
	sum := l[name]
	sum.Add(q)
	l[name] = sum
}
