package resourcequota

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
)

// evaluator measures what objects of one resource use, as Kubernetes' quota evaluators do.
type evaluator interface {
	// handles reports whether the request can change the resource's usage.
	handles(a *admission.Attributes) bool
	// matchingResources returns the names, among a quota's, that this evaluator tracks.
	matchingResources(names []core.ResourceName) []core.ResourceName
	// matchesScope reports whether obj falls within a quota scope.
	matchesScope(sel core.ScopedResourceSelectorRequirement, obj meta.Object) (bool, error)
	// constraints checks that obj states what a quota tracking required needs to count it.
	constraints(required []core.ResourceName, obj meta.Object) error
	// usage measures obj.
	usage(obj meta.Object) (core.ResourceList, error)
}

// evaluatorFor returns the evaluator of a group and resource: pods are measured in full, anything
// else is counted.
func evaluatorFor(group, res string, clk clock.PassiveClock) evaluator {
	if group == core.GroupName && res == "pods" {
		return podEvaluator{clock: clk}
	}
	return newCountEvaluator(group, res)
}

// ObjectCountName is the quota resource name that counts objects of a resource:
// count/<resource> in the core group, count/<resource>.<group> otherwise.
func ObjectCountName(group, res string) core.ResourceName {
	if group == "" {
		return core.ResourceName("count/" + res)
	}
	return core.ResourceName("count/" + res + "." + group)
}

// legacyCountNames are the older object-count names some core resources are also counted under.
var legacyCountNames = map[string]core.ResourceName{
	"configmaps":             core.ResourceConfigMaps,
	"resourcequotas":         core.ResourceQuotas,
	"replicationcontrollers": core.ResourceReplicationControllers,
	"secrets":                core.ResourceSecrets,
	"services":               core.ResourceServices,
	"persistentvolumeclaims": core.ResourcePersistentVolumeClaims,
}

// countEvaluator counts objects; it is what Kubernetes uses for every resource without a
// dedicated evaluator.
type countEvaluator struct {
	names []core.ResourceName
}

func newCountEvaluator(group, res string) countEvaluator {
	e := countEvaluator{names: []core.ResourceName{ObjectCountName(group, res)}}
	if legacy, ok := legacyCountNames[res]; ok && group == core.GroupName {
		e.names = append(e.names, legacy)
	}
	return e
}

func (e countEvaluator) handles(a *admission.Attributes) bool { return a.Operation == admission.Create }

func (e countEvaluator) matchingResources(names []core.ResourceName) []core.ResourceName {
	var out []core.ResourceName
	for _, n := range names {
		if slices.Contains(e.names, n) {
			out = append(out, n)
		}
	}
	return out
}

// matchesScope: scopes are defined for pods only, so a scoped quota never counts other objects.
func (e countEvaluator) matchesScope(core.ScopedResourceSelectorRequirement, meta.Object) (bool, error) {
	return false, nil
}

func (e countEvaluator) constraints([]core.ResourceName, meta.Object) error { return nil }

func (e countEvaluator) usage(meta.Object) (core.ResourceList, error) {
	out := make(core.ResourceList, len(e.names))
	for _, n := range e.names {
		out[n] = resource.NewQuantity(1, resource.DecimalSI)
	}
	return out, nil
}

// podCountName counts every stored pod, terminal or not; "pods" counts only those still running.
var podCountName = ObjectCountName(core.GroupName, "pods")

var podResources = []core.ResourceName{
	podCountName,
	core.ResourceCPU, core.ResourceMemory, core.ResourceEphemeralStorage,
	core.ResourceRequestsCPU, core.ResourceRequestsMemory, core.ResourceRequestsEphemeralStorage,
	core.ResourceLimitsCPU, core.ResourceLimitsMemory, core.ResourceLimitsEphemeralStorage,
	core.ResourcePods,
}

// validationSet: a quota on cpu or memory requires every container to state them. Kubernetes calls
// this coupling of validation and counting a mistake it keeps for compatibility, and adds no names.
var validationSet = []core.ResourceName{
	core.ResourceCPU, core.ResourceMemory, core.ResourceRequestsCPU, core.ResourceRequestsMemory,
	core.ResourceLimitsCPU, core.ResourceLimitsMemory,
}

type podEvaluator struct {
	clock clock.PassiveClock
}

func (e podEvaluator) handles(a *admission.Attributes) bool {
	switch a.Subresource {
	case "":
		if a.Operation == admission.Update {
			// Only a change of the Terminating scope can move a pod between quotas: containers'
			// resources cannot change without the resize subresource.
			pod, ok1 := a.Object.(*core.Pod)
			old, ok2 := a.OldObject.(*core.Pod)
			return ok1 && ok2 && isTerminating(pod) != isTerminating(old)
		}
		return a.Operation == admission.Create
	case "resize":
		return a.Operation == admission.Update
	}
	return false
}

func (e podEvaluator) matchingResources(names []core.ResourceName) []core.ResourceName {
	var out []core.ResourceName
	for _, n := range names {
		s := string(n)
		switch {
		case slices.Contains(podResources, n),
			strings.HasPrefix(s, core.ResourceHugePagesPrefix),
			strings.HasPrefix(s, core.ResourceRequestsHugePagesPrefix),
			strings.HasPrefix(s, core.DefaultResourceRequestsPrefix) && !core.IsNativeResource(n):
			out = append(out, n)
		}
	}
	return out
}

func (e podEvaluator) matchesScope(sel core.ScopedResourceSelectorRequirement, obj meta.Object) (bool, error) {
	pod, ok := obj.(*core.Pod)
	if !ok {
		return false, fmt.Errorf("expect *core.Pod, got %T", obj)
	}
	switch sel.ScopeName {
	case core.ResourceQuotaScopeTerminating:
		return isTerminating(pod), nil
	case core.ResourceQuotaScopeNotTerminating:
		return !isTerminating(pod), nil
	case core.ResourceQuotaScopeBestEffort:
		return core.QOSClassOf(pod) == core.PodQOSBestEffort, nil
	case core.ResourceQuotaScopeNotBestEffort:
		return core.QOSClassOf(pod) != core.PodQOSBestEffort, nil
	case core.ResourceQuotaScopePriorityClass:
		return matchesPriorityClass(pod.Spec.PriorityClassName, sel)
	case core.ResourceQuotaScopeCrossNamespacePodAffinity:
		return usesCrossNamespaceAffinity(pod), nil
	}
	return false, nil
}

// matchesPriorityClass evaluates the selector as Kubernetes does, as a label selector on a set
// holding "PriorityClass": <the pod's class>, or nothing for a pod without one.
func matchesPriorityClass(class string, sel core.ScopedResourceSelectorRequirement) (bool, error) {
	switch sel.Operator {
	case core.ScopeSelectorOpExists:
		return class != "", nil
	case core.ScopeSelectorOpDoesNotExist:
		return class == "", nil
	case core.ScopeSelectorOpIn:
		return class != "" && slices.Contains(sel.Values, class), nil
	case core.ScopeSelectorOpNotIn:
		return !slices.Contains(sel.Values, class) || class == "", nil
	}
	return false, fmt.Errorf("failed to parse and convert selector: %q is not a valid scope selector operator", sel.Operator)
}

func usesCrossNamespaceAffinity(pod *core.Pod) bool {
	aff := pod.Spec.Affinity
	if aff == nil {
		return false
	}
	cross := func(t *core.PodAffinityTerm) bool { return len(t.Namespaces) != 0 || t.NamespaceSelector != nil }
	check := func(req []core.PodAffinityTerm, pref []core.WeightedPodAffinityTerm) bool {
		for i := range req {
			if cross(&req[i]) {
				return true
			}
		}
		for i := range pref {
			if cross(&pref[i].PodAffinityTerm) {
				return true
			}
		}
		return false
	}
	if a := aff.PodAffinity; a != nil && check(a.RequiredDuringSchedulingIgnoredDuringExecution, a.PreferredDuringSchedulingIgnoredDuringExecution) {
		return true
	}
	if a := aff.PodAntiAffinity; a != nil && check(a.RequiredDuringSchedulingIgnoredDuringExecution, a.PreferredDuringSchedulingIgnoredDuringExecution) {
		return true
	}
	return false
}

func isTerminating(pod *core.Pod) bool {
	return pod.Spec.ActiveDeadlineSeconds != nil && *pod.Spec.ActiveDeadlineSeconds >= 0
}

// constraints: a quota tracking cpu or memory needs every container to request (or limit) them,
// unless the pod states its resources at pod level.
func (e podEvaluator) constraints(required []core.ResourceName, obj meta.Object) error {
	pod, ok := obj.(*core.Pod)
	if !ok {
		return fmt.Errorf("expect *core.Pod, got %T", obj)
	}
	if r := pod.Spec.Resources; r != nil && (len(r.Requests) > 0 || len(r.Limits) > 0) {
		return nil
	}
	var check []core.ResourceName
	for _, n := range required {
		if slices.Contains(validationSet, n) && !slices.Contains(check, n) {
			check = append(check, n)
		}
	}
	if len(check) == 0 {
		return nil
	}
	missing := map[core.ResourceName][]string{}
	for _, cs := range [][]core.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
		for i := range cs {
			c := &cs[i]
			for _, n := range check {
				if !states(c, n) && !slices.Contains(missing[n], c.Name) {
					missing[n] = append(missing[n], c.Name)
				}
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	names := make([]core.ResourceName, 0, len(missing))
	for n := range missing {
		names = append(names, n)
	}
	slices.Sort(names)
	msgs := make([]string, 0, len(names))
	for _, n := range names {
		containers := missing[n]
		slices.Sort(containers)
		msgs = append(msgs, fmt.Sprintf("%s for: %s", n, strings.Join(containers, ",")))
	}
	return fmt.Errorf("must specify %s", strings.Join(msgs, "; "))
}

// states reports whether a container states the request or limit behind a quota name of
// validationSet: cpu and memory are their requests.
func states(c *core.Container, n core.ResourceName) bool {
	var l core.ResourceList
	var r core.ResourceName
	switch n {
	case core.ResourceCPU, core.ResourceRequestsCPU:
		l, r = c.Resources.Requests, core.ResourceCPU
	case core.ResourceMemory, core.ResourceRequestsMemory:
		l, r = c.Resources.Requests, core.ResourceMemory
	case core.ResourceLimitsCPU:
		l, r = c.Resources.Limits, core.ResourceCPU
	case core.ResourceLimitsMemory:
		l, r = c.Resources.Limits, core.ResourceMemory
	}
	_, ok := l[r]
	return ok
}

func (e podEvaluator) usage(obj meta.Object) (core.ResourceList, error) {
	pod, ok := obj.(*core.Pod)
	if !ok {
		return nil, fmt.Errorf("expect *core.Pod, got %T", obj)
	}
	return PodUsage(pod, e.clock.Now()), nil
}

// PodUsage is what a pod is charged, as Kubernetes' pod evaluator measures it at time now:
// count/pods always, and, while the pod is not finished (neither Succeeded nor Failed, nor past the
// grace period of its deletion), pods, cpu and memory (its requests), requests.*, limits.*,
// ephemeral storage, huge pages and extended resources, all from the pod's effective requests and
// limits (init containers, sidecars, overhead and pod-level resources included).
func PodUsage(pod *core.Pod, now time.Time) core.ResourceList {
	out := core.ResourceList{podCountName: resource.NewQuantity(1, resource.DecimalSI)}
	if !countsAgainstQuota(pod, now) {
		return out
	}
	addList(out, computeUsage(podRequests(pod), podLimits(pod)))
	return out
}

// countsAgainstQuota: finished pods, and pods stuck terminating past their grace period (a lost
// node), no longer hold compute resources.
func countsAgainstQuota(pod *core.Pod, now time.Time) bool {
	if pod.Status.Phase == core.PodFailed || pod.Status.Phase == core.PodSucceeded {
		return false
	}
	m := &pod.ObjectMeta
	if m.DeletionTimestamp != nil && m.DeletionGracePeriodSeconds != nil {
		end := m.DeletionTimestamp.Add(time.Duration(*m.DeletionGracePeriodSeconds) * time.Second)
		if now.After(end) {
			return false
		}
	}
	return true
}

// computeUsage turns requests and limits into quota names.
func computeUsage(requests, limits core.ResourceList) core.ResourceList {
	out := core.ResourceList{core.ResourcePods: resource.NewQuantity(1, resource.DecimalSI)}
	for _, r := range []struct{ plain, req, lim core.ResourceName }{
		{core.ResourceCPU, core.ResourceRequestsCPU, core.ResourceLimitsCPU},
		{core.ResourceMemory, core.ResourceRequestsMemory, core.ResourceLimitsMemory},
		{core.ResourceEphemeralStorage, core.ResourceRequestsEphemeralStorage, core.ResourceLimitsEphemeralStorage},
	} {
		if q, ok := requests[r.plain]; ok {
			out[r.plain], out[r.req] = q, q
		}
		if q, ok := limits[r.plain]; ok {
			out[r.lim] = q
		}
	}
	for name, q := range requests {
		switch {
		case core.IsHugePageResourceName(name):
			out[name] = q
			out[core.DefaultResourceRequestsPrefix+name] = q
		case core.IsExtendedResourceName(name):
			// Extended resources cannot be overcommitted, so only their requests are quota names.
			out[core.DefaultResourceRequestsPrefix+name] = q
		}
	}
	return out
}

// podRequests is the pod's effective requests: containers summed, raised to the largest need of an
// init container (running with the sidecars started before it), pod-level cpu and memory requests
// in place of the containers', plus the runtime's overhead.
func podRequests(pod *core.Pod) core.ResourceList {
	total := podTotal(pod, func(r *core.ResourceRequirements) core.ResourceList { return r.Requests })
	addList(total, pod.Spec.Overhead)
	return total
}

// podLimits is podRequests for limits; overhead is added only to resources that have a limit.
func podLimits(pod *core.Pod) core.ResourceList {
	total := podTotal(pod, func(r *core.ResourceRequirements) core.ResourceList { return r.Limits })
	for name, q := range pod.Spec.Overhead {
		if sum, ok := total[name]; ok {
			sum.Add(q)
			total[name] = sum
		}
	}
	return total
}

func podTotal(pod *core.Pod, of func(*core.ResourceRequirements) core.ResourceList) core.ResourceList {
	total := core.ResourceList{}
	for i := range pod.Spec.Containers {
		addList(total, of(&pod.Spec.Containers[i].Resources))
	}
	sidecars, initMax := core.ResourceList{}, core.ResourceList{}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		running := core.ResourceList{}
		if c.RestartPolicy != nil && *c.RestartPolicy == core.ContainerRestartPolicyAlways {
			addList(total, of(&c.Resources))
			addList(sidecars, of(&c.Resources))
			addList(running, sidecars)
		} else {
			addList(running, of(&c.Resources))
			addList(running, sidecars)
		}
		for name, q := range running {
			if cur, ok := initMax[name]; !ok || q.Cmp(cur) > 0 {
				initMax[name] = q
			}
		}
	}
	for name, q := range initMax {
		if cur, ok := total[name]; !ok || q.Cmp(cur) > 0 {
			total[name] = q
		}
	}
	if pod.Spec.Resources != nil {
		for name, q := range of(pod.Spec.Resources) {
			if name == core.ResourceCPU || name == core.ResourceMemory {
				total[name] = q
			}
		}
	}
	return total
}

// --- resource list arithmetic, as Kubernetes' quota helpers ---

func addList(into, l core.ResourceList) {
	for name, q := range l {
		sum := into[name]
		sum.Add(q)
		into[name] = sum
	}
}

func sum(a, b core.ResourceList) core.ResourceList {
	out := make(core.ResourceList, len(a)+len(b))
	addList(out, a)
	addList(out, b)
	return out
}

// subtractNonNegative is a-b, floored at zero, over a's names.
func subtractNonNegative(a, b core.ResourceList) core.ResourceList {
	out := make(core.ResourceList, len(a))
	for name, q := range a {
		if d, ok := b[name]; ok {
			q.Sub(d)
		}
		if q.Sign() < 0 {
			q = resource.Quantity{}
		}
		out[name] = q
	}
	return out
}

func mask(l core.ResourceList, names []core.ResourceName) core.ResourceList {
	out := core.ResourceList{}
	for _, n := range names {
		if q, ok := l[n]; ok {
			out[n] = q
		}
	}
	return out
}

func removeZeros(l core.ResourceList) core.ResourceList {
	out := core.ResourceList{}
	for name, q := range l {
		if !q.IsZero() {
			out[name] = q
		}
	}
	return out
}

func names(l core.ResourceList) []core.ResourceName {
	out := make([]core.ResourceName, 0, len(l))
	for n := range l {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

func negative(l core.ResourceList) []core.ResourceName {
	var out []core.ResourceName
	for _, n := range names(l) {
		if l[n].Sign() < 0 {
			out = append(out, n)
		}
	}
	return out
}

// exceeded returns the names whose used amount is over hard; names without a hard limit are not.
func exceeded(used, hard core.ResourceList) []core.ResourceName {
	var out []core.ResourceName
	for _, n := range names(used) {
		if h, ok := hard[n]; ok && used[n].Cmp(h) > 0 {
			out = append(out, n)
		}
	}
	return out
}

// prettyPrint is "name=quantity,..." in name order, as quota errors show lists.
func prettyPrint(l core.ResourceList) string {
	parts := make([]string, 0, len(l))
	for _, n := range names(l) {
		q := l[n]
		parts = append(parts, string(n)+"="+q.String())
	}
	return strings.Join(parts, ",")
}

func joinNames(ns []core.ResourceName) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = string(n)
	}
	slices.Sort(s)
	return strings.Join(s, ",")
}
