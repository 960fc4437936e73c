package limitranger

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/store"
)

// PluginName is the plugin's name, as --enable-admission-plugins spells it.
const PluginName = "LimitRanger"

// AnnotationKey is the pod annotation that says which defaults the plugin set.
const AnnotationKey = "kubernetes.io/limit-ranger"

// Plugin applies and enforces LimitRanges. It is safe for concurrent use.
type Plugin struct {
	limitRanges store.Reader
}

// New returns the plugin, which reads LimitRanges from st.
func New(st store.Reader) *Plugin { return &Plugin{limitRanges: st} }

var (
	_ admission.Mutator   = (*Plugin)(nil)
	_ admission.Validator = (*Plugin)(nil)
)

// Name returns PluginName.
func (p *Plugin) Name() string { return PluginName }

// Handles creates and updates; supports narrows updates to the resize subresource.
func (p *Plugin) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Admit sets default requests and limits on the pod's containers.
func (p *Plugin) Admit(ctx context.Context, a *admission.Attributes) error {
	return p.run(ctx, a, func(lr *core.LimitRange, pod *core.Pod) error {
		SetDefaults(lr, pod)
		return nil
	})
}

// Validate checks the pod against every LimitRange of its namespace, and reports the violations of
// the first LimitRange the pod breaks.
func (p *Plugin) Validate(ctx context.Context, a *admission.Attributes) error {
	return p.run(ctx, a, Check)
}

func (p *Plugin) run(ctx context.Context, a *admission.Attributes, fn func(*core.LimitRange, *core.Pod) error) error {
	if !supports(a) {
		return nil
	}
	// An object on its way out is not limited again.
	if a.OldObject != nil && a.OldObject.GetObjectMeta().DeletionTimestamp != nil {
		return nil
	}
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return apierrors.NewBadRequest(fmt.Sprintf("expected *api.Pod but got %T", a.Object))
	}
	ranges, _, err := store.ListAs[*core.LimitRange](ctx, p.limitRanges, store.Prefix("limitranges", a.Namespace), store.ListOptions{})
	if err != nil {
		return forbidden(a, fmt.Errorf("unable to %s %s at this time because there was an error enforcing limit ranges", a.Operation, a.Resource))
	}
	for _, lr := range ranges {
		if err := fn(lr, pod); err != nil {
			return forbidden(a, err)
		}
	}
	return nil
}

// supports: pods, on create or through the resize subresource. Other pod updates cannot change
// containers' resources (validation refuses it), so Kubernetes does not limit them.
func supports(a *admission.Attributes) bool {
	if a.Group != core.GroupName || a.Resource != "pods" {
		return false
	}
	if a.Subresource == "resize" {
		return a.Operation == admission.Update
	}
	return a.Subresource == "" && a.Operation == admission.Create
}

// SetDefaults gives the pod's containers and init containers the defaults of lr's Container items
// for the resources they leave unset, and records them in the pod's AnnotationKey annotation.
func SetDefaults(lr *core.LimitRange, pod *core.Pod) {
	defRequests, defLimits := core.ResourceList{}, core.ResourceList{}
	for _, item := range lr.Spec.Limits {
		if item.Type != core.LimitTypeContainer {
			continue
		}
		for name, q := range item.DefaultRequest {
			defRequests[name] = q
		}
		for name, q := range item.Default {
			defLimits[name] = q
		}
	}
	var notes []string
	for i := range pod.Spec.Containers {
		notes = setContainerDefaults(&pod.Spec.Containers[i], defRequests, defLimits, "container", notes)
	}
	for i := range pod.Spec.InitContainers {
		notes = setContainerDefaults(&pod.Spec.InitContainers[i], defRequests, defLimits, "init container", notes)
	}
	if len(notes) == 0 {
		return
	}
	if pod.Annotations == nil {
		pod.Annotations = map[string]string{}
	}
	pod.Annotations[AnnotationKey] = "LimitRanger plugin set: " + strings.Join(notes, "; ")
}

func setContainerDefaults(c *core.Container, requests, limits core.ResourceList, what string, notes []string) []string {
	setLimits := fill(&c.Resources.Limits, limits)
	setRequests := fill(&c.Resources.Requests, requests)
	if len(setRequests) > 0 {
		notes = append(notes, fmt.Sprintf("%s request for %s %s", strings.Join(setRequests, ", "), what, c.Name))
	}
	if len(setLimits) > 0 {
		notes = append(notes, fmt.Sprintf("%s limit for %s %s", strings.Join(setLimits, ", "), what, c.Name))
	}
	return notes
}

// fill adds the defaults missing from *l and returns their names, sorted.
func fill(l *core.ResourceList, defaults core.ResourceList) []string {
	var set []string
	for name, q := range defaults {
		if _, ok := (*l)[name]; ok {
			continue
		}
		if *l == nil {
			*l = core.ResourceList{}
		}
		(*l)[name] = q
		set = append(set, string(name))
	}
	slices.Sort(set)
	return set
}

// Check reports every way the pod breaks lr: each container and init container against the
// Container items, and the pod's total requests and limits against the Pod items. Violations are
// listed item by item, resource names in order.
func Check(lr *core.LimitRange, pod *core.Pod) error {
	var errs []error
	for _, item := range lr.Spec.Limits {
		switch item.Type {
		case core.LimitTypeContainer:
			for _, cs := range [][]core.Container{pod.Spec.Containers, pod.Spec.InitContainers} {
				for i := range cs {
					errs = append(errs, checkItem(item, cs[i].Resources.Requests, cs[i].Resources.Limits)...)
				}
			}
		case core.LimitTypePod:
			errs = append(errs, checkItem(item, podRequests(pod), podLimits(pod))...)
		}
	}
	return aggregate(errs)
}

func checkItem(item core.LimitRangeItem, requests, limits core.ResourceList) []error {
	var errs []error
	kind := string(item.Type)
	for _, name := range sortedNames(item.Min) {
		if err := minConstraint(kind, name, item.Min[name], requests, limits); err != nil {
			errs = append(errs, err)
		}
	}
	for _, name := range sortedNames(item.Max) {
		if err := maxConstraint(kind, name, item.Max[name], requests, limits); err != nil {
			errs = append(errs, err)
		}
	}
	for _, name := range sortedNames(item.MaxLimitRequestRatio) {
		if err := ratioConstraint(kind, name, item.MaxLimitRequestRatio[name], requests, limits); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func sortedNames(l core.ResourceList) []core.ResourceName {
	names := make([]core.ResourceName, 0, len(l))
	for n := range l {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func minConstraint(kind string, name core.ResourceName, enforced resource.Quantity, requests, limits core.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	switch {
	case !hasReq:
		return fmt.Errorf("minimum %s usage per %s is %s.  No request is specified", name, kind, enforced.String())
	case enforced.Cmp(req) > 0:
		return fmt.Errorf("minimum %s usage per %s is %s, but request is %s", name, kind, enforced.String(), req.String())
	case hasLim && enforced.Cmp(lim) > 0:
		return fmt.Errorf("minimum %s usage per %s is %s, but limit is %s", name, kind, enforced.String(), lim.String())
	}
	return nil
}

func maxConstraint(kind string, name core.ResourceName, enforced resource.Quantity, requests, limits core.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	switch {
	case !hasLim:
		return fmt.Errorf("maximum %s usage per %s is %s.  No limit is specified", name, kind, enforced.String())
	case lim.Cmp(enforced) > 0:
		return fmt.Errorf("maximum %s usage per %s is %s, but limit is %s", name, kind, enforced.String(), lim.String())
	case hasReq && req.Cmp(enforced) > 0:
		return fmt.Errorf("maximum %s usage per %s is %s, but request is %s", name, kind, enforced.String(), req.String())
	}
	return nil
}

// maxMilliValue is the largest value whose thousandths fit an int64.
const maxMilliValue = math.MaxInt64 / 1000

// ratioConstraint compares limit/request with the enforced ratio in thousandths when every value
// allows it, and in units otherwise, exactly as Kubernetes does, so the same pods pass and fail.
func ratioConstraint(kind string, name core.ResourceName, enforced resource.Quantity, requests, limits core.ResourceList) error {
	req, hasReq := requests[name]
	lim, hasLim := limits[name]
	reqV, limV, enfV := req.Value(), lim.Value(), enforced.Value()
	if reqV <= maxMilliValue && limV <= maxMilliValue && enfV <= maxMilliValue {
		reqV, limV = req.MilliValue(), lim.MilliValue()
	}
	if !hasReq || reqV == 0 {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but no request is specified or request is 0", name, kind, enforced.String())
	}
	if !hasLim || limV == 0 {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but no limit is specified or limit is 0", name, kind, enforced.String())
	}
	ratio := float64(limV) / float64(reqV)
	observed, allowed := ratio, float64(enforced.Value())
	if enforced.Value() <= maxMilliValue {
		observed, allowed = ratio*1000, float64(enforced.MilliValue())
	}
	if observed > allowed {
		return fmt.Errorf("%s max limit to request ratio per %s is %s, but provided ratio is %f", name, kind, enforced.String(), ratio)
	}
	return nil
}

// podRequests is what the pod asks for as a whole: its containers' requests summed, raised to what
// any init container needs while it runs (with the sidecars started before it), and overridden by
// pod-level requests for cpu and memory. Overhead is not counted: a LimitRange limits what the user
// asks for.
func podRequests(pod *core.Pod) core.ResourceList {
	return podTotal(pod, func(c *core.Container) core.ResourceList { return c.Resources.Requests },
		func(r *core.ResourceRequirements) core.ResourceList { return r.Requests })
}

// podLimits is podRequests for limits.
func podLimits(pod *core.Pod) core.ResourceList {
	return podTotal(pod, func(c *core.Container) core.ResourceList { return c.Resources.Limits },
		func(r *core.ResourceRequirements) core.ResourceList { return r.Limits })
}

func podTotal(pod *core.Pod, of func(*core.Container) core.ResourceList, podLevel func(*core.ResourceRequirements) core.ResourceList) core.ResourceList {
	total := core.ResourceList{}
	for i := range pod.Spec.Containers {
		add(total, of(&pod.Spec.Containers[i]))
	}
	sidecars, initMax := core.ResourceList{}, core.ResourceList{}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		var running core.ResourceList
		if c.RestartPolicy != nil && *c.RestartPolicy == core.ContainerRestartPolicyAlways {
			// A sidecar runs alongside the containers, and alongside every init container after it.
			add(total, of(c))
			add(sidecars, of(c))
			running = sidecars
		} else {
			running = core.ResourceList{}
			add(running, of(c))
			add(running, sidecars)
		}
		raise(initMax, running)
	}
	raise(total, initMax)
	if pod.Spec.Resources != nil {
		for name, q := range podLevel(pod.Spec.Resources) {
			if name == core.ResourceCPU || name == core.ResourceMemory {
				total[name] = q
			}
		}
	}
	return total
}

func add(into, l core.ResourceList) {
	for name, q := range l {
		sum := into[name]
		sum.Add(q)
		into[name] = sum
	}
}

func raise(into, l core.ResourceList) {
	for name, q := range l {
		if cur, ok := into[name]; !ok || q.Cmp(cur) > 0 {
			into[name] = q
		}
	}
}

// aggregate joins errors as Kubernetes' utilerrors.NewAggregate prints them: one alone, several as
// "[a, b]", duplicates once.
func aggregate(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	var msgs []string
	seen := map[string]bool{}
	for _, e := range errs {
		if m := e.Error(); !seen[m] {
			seen[m] = true
			msgs = append(msgs, m)
		}
	}
	if len(msgs) == 1 {
		return errors.New(msgs[0])
	}
	return errors.New("[" + strings.Join(msgs, ", ") + "]")
}

// forbidden is Kubernetes' admission.NewForbidden: `pods "name" is forbidden: <err>`.
func forbidden(a *admission.Attributes, err error) error {
	name := a.Name
	if name == "" && a.Object != nil {
		name = a.Object.GetObjectMeta().Name
	}
	return apierrors.NewForbidden(apierrors.GroupResource{Group: a.Group, Resource: a.Resource}, name, err)
}
