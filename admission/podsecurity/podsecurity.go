package podsecurity

import (
	"context"
	"fmt"
	"slices"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/warning"
)

// PluginName is the plugin's name, as --enable-admission-plugins spells it.
const PluginName = "PodSecurity"

// The audit annotations the plugin records, as Kubernetes' in-tree plugin names them.
const (
	// AnnotationEnforcePolicy is the enforced policy of every evaluated pod: "restricted:latest".
	AnnotationEnforcePolicy = "pod-security.kubernetes.io/enforce-policy"
	// AnnotationAuditViolations is what a pod would violate at the namespace's audit level.
	AnnotationAuditViolations = "pod-security.kubernetes.io/audit-violations"
	// AnnotationExempt says why a request was not evaluated: "namespace", "user" or "runtimeClass".
	AnnotationExempt = "pod-security.kubernetes.io/exempt"
	// AnnotationError reports namespace labels that could not be read.
	AnnotationError = "pod-security.kubernetes.io/error"
)

// WarningSink receives the warnings of a request; the API server sends each as a Warning header
// (`299 - "would violate PodSecurity ..."`), as kubectl shows them.
type WarningSink func(ctx context.Context, warning string)

// Exemptions are never evaluated.
type Exemptions struct {
	// Usernames are users whose requests pass.
	Usernames []string
	// Namespaces are namespaces whose pods pass.
	Namespaces []string
	// RuntimeClasses are runtime classes whose pods pass.
	RuntimeClasses []string
}

// Options configure the plugin.
type Options struct {
	// Warnings receives warn-level violations; when nil they go to warning.Add, which the API
	// server turns into the response's Warning headers.
	Warnings WarningSink
	// Defaults is the policy of namespaces without labels; PrivilegedPolicy when zero.
	Defaults Policy
	// Exemptions are requests the plugin lets through unevaluated.
	Exemptions Exemptions
	// MaxPodsToCheck bounds how many existing pods are checked when a namespace's enforce level
	// is tightened; 3000 when zero, as in Kubernetes.
	MaxPodsToCheck int
}

// Plugin is the PodSecurity admission plugin. It is safe for concurrent use.
type Plugin struct {
	st   store.Reader
	opts Options
}

// New returns the plugin, which reads namespaces (and their pods) from st.
func New(st store.Reader, opts Options) *Plugin {
	if opts.Defaults == (Policy{}) {
		opts.Defaults = PrivilegedPolicy
	}
	if opts.MaxPodsToCheck <= 0 {
		opts.MaxPodsToCheck = 3000
	}
	return &Plugin{st: st, opts: opts}
}

var _ admission.Validator = (*Plugin)(nil)

// Name returns PluginName.
func (p *Plugin) Name() string { return PluginName }

// Handles creates and updates.
func (p *Plugin) Handles(op admission.Operation) bool {
	return op == admission.Create || op == admission.Update
}

// Validate holds pods to their namespace's policy, and checks changes of the policy labels of
// namespaces. Pod templates of controllers are not evaluated.
func (p *Plugin) Validate(ctx context.Context, a *admission.Attributes) error {
	if a.Group != core.GroupName {
		return nil
	}
	switch a.Resource {
	case "pods":
		return p.validatePod(ctx, a)
	case "namespaces":
		return p.validateNamespace(ctx, a)
	}
	return nil
}

// ignoredPodSubresources cannot change what a pod runs; any other subresource (ephemeralcontainers,
// resize, ...) carries a pod and is evaluated.
var ignoredPodSubresources = map[string]bool{
	"exec": true, "attach": true, "binding": true, "eviction": true, "log": true,
	"portforward": true, "proxy": true, "status": true,
}

func (p *Plugin) validatePod(ctx context.Context, a *admission.Attributes) error {
	if ignoredPodSubresources[a.Subresource] {
		return nil
	}
	if slices.Contains(p.opts.Exemptions.Namespaces, a.Namespace) {
		audit.Annotate(ctx, AnnotationExempt, "namespace")
		return nil
	}
	if slices.Contains(p.opts.Exemptions.Usernames, a.User.Name) {
		audit.Annotate(ctx, AnnotationExempt, "user")
		return nil
	}
	ns, err := store.GetAs[*core.Namespace](ctx, p.st, store.Key("namespaces", "", a.Namespace))
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("failed to lookup namespace %s", a.Namespace))
	}
	policy, errs := PolicyFromLabels(ns.Labels, p.opts.Defaults)
	if len(errs) == 0 && policy.Enforce.Level == LevelPrivileged && policy.Audit.Level == LevelPrivileged && policy.Warn.Level == LevelPrivileged {
		// Kubernetes records every fully privileged namespace as privileged:latest, pinned or not.
		audit.Annotate(ctx, AnnotationEnforcePolicy, LevelVersion{LevelPrivileged, LatestVersion}.String())
		return nil
	}
	pod, ok := a.Object.(*core.Pod)
	if !ok {
		return apierrors.NewBadRequest("failed to decode pod")
	}
	if a.Operation == admission.Update {
		old, ok := a.OldObject.(*core.Pod)
		if !ok {
			return apierrors.NewBadRequest("failed to decode old pod")
		}
		if !significantUpdate(pod, old) {
			return nil
		}
	}
	if pod.Spec.RuntimeClassName != nil && slices.Contains(p.opts.Exemptions.RuntimeClasses, *pod.Spec.RuntimeClassName) {
		audit.Annotate(ctx, AnnotationExempt, "runtimeClass")
		return nil
	}
	if len(errs) > 0 {
		audit.Annotate(ctx, AnnotationError, "Failed to parse policy: "+errs.ToAggregate().Error())
	}

	// Every version is evaluated as latest, so one evaluation per level serves all three modes.
	results := map[Level][]Violation{}
	evaluate := func(l Level) []Violation {
		if r, ok := results[l]; ok {
			return r
		}
		r := Evaluate(l, &pod.ObjectMeta, &pod.Spec)
		results[l] = r
		return r
	}
	audit.Annotate(ctx, AnnotationEnforcePolicy, policy.Enforce.String())
	var refusal error
	if v := evaluate(policy.Enforce.Level); len(v) > 0 {
		refusal = apierrors.NewForbidden(apierrors.GroupResource{Resource: a.Resource}, a.Name,
			fmt.Errorf("violates PodSecurity %q: %s", policy.Enforce.String(), Detail(v)))
	}
	if v := evaluate(policy.Audit.Level); len(v) > 0 {
		audit.Annotate(ctx, AnnotationAuditViolations, fmt.Sprintf("would violate PodSecurity %q: %s", policy.Audit.String(), Detail(v)))
	}
	// A request about to be refused gets no warnings on top of the error.
	if refusal == nil {
		if v := evaluate(policy.Warn.Level); len(v) > 0 {
			p.warn(ctx, fmt.Sprintf("would violate PodSecurity %q: %s", policy.Warn.String(), Detail(v)))
		}
	}
	return refusal
}

func (p *Plugin) warn(ctx context.Context, w string) {
	if p.opts.Warnings != nil {
		p.opts.Warnings(ctx, w)
		return
	}
	warning.Add(ctx, w)
}

// significantUpdate: of a pod's spec only images, ephemeral containers and (through the
// annotations) seccomp profiles can change, so only those changes are evaluated.
func significantUpdate(pod, old *core.Pod) bool {
	const seccompPod = "seccomp.security.alpha.kubernetes.io/pod"
	if pod.Annotations[seccompPod] != old.Annotations[seccompPod] {
		return true
	}
	if len(pod.Spec.Containers) != len(old.Spec.Containers) || len(pod.Spec.InitContainers) != len(old.Spec.InitContainers) {
		return true
	}
	changed := func(c, o *core.Container) bool {
		key := "container.seccomp.security.alpha.kubernetes.io/" + c.Name
		return c.Image != o.Image || pod.Annotations[key] != old.Annotations[key]
	}
	for i := range pod.Spec.Containers {
		if changed(&pod.Spec.Containers[i], &old.Spec.Containers[i]) {
			return true
		}
	}
	for i := range pod.Spec.InitContainers {
		if changed(&pod.Spec.InitContainers[i], &old.Spec.InitContainers[i]) {
			return true
		}
	}
	for i := range pod.Spec.EphemeralContainers {
		c := (*core.Container)(&pod.Spec.EphemeralContainers[i].EphemeralContainerCommon)
		j := slices.IndexFunc(old.Spec.EphemeralContainers, func(e core.EphemeralContainer) bool { return e.Name == c.Name })
		if j < 0 || changed(c, (*core.Container)(&old.Spec.EphemeralContainers[j].EphemeralContainerCommon)) {
			return true
		}
	}
	return false
}

// validateNamespace refuses policy labels that cannot be read, and warns, when a namespace's
// enforce level is tightened, about the existing pods the new level would refuse.
func (p *Plugin) validateNamespace(ctx context.Context, a *admission.Attributes) error {
	if a.Subresource != "" {
		return nil
	}
	ns, ok := a.Object.(*core.Namespace)
	if !ok {
		return apierrors.NewBadRequest("failed to decode namespace")
	}
	policy, errs := PolicyFromLabels(ns.Labels, p.opts.Defaults)
	invalid := func() error {
		return apierrors.NewInvalid(apierrors.GroupKind{Group: a.Group, Kind: a.Kind}, a.Name, errs)
	}
	if a.Operation == admission.Create {
		if len(errs) > 0 {
			return invalid()
		}
		return nil
	}
	old, ok := a.OldObject.(*core.Namespace)
	if !ok {
		return apierrors.NewBadRequest("failed to decode old namespace")
	}
	oldPolicy, oldErrs := PolicyFromLabels(old.Labels, p.opts.Defaults)
	// Labels that were already bad may stay bad, so that other changes to the namespace still work.
	if len(errs) > 0 && (len(oldErrs) == 0 || errs.ToAggregate().Error() != oldErrs.ToAggregate().Error()) {
		return invalid()
	}
	switch {
	case policy.Enforce == oldPolicy.Enforce,
		policy.Enforce.Level == LevelPrivileged,
		policy.Enforce.Version == oldPolicy.Enforce.Version && !moreRestrictive(policy.Enforce.Level, oldPolicy.Enforce.Level),
		slices.Contains(p.opts.Exemptions.Namespaces, a.Name):
		return nil
	}
	for _, w := range p.checkExistingPods(ctx, a.Name, policy.Enforce) {
		p.warn(ctx, w)
	}
	return nil
}

// checkExistingPods returns Kubernetes' warnings about the pods of a namespace that a new enforce
// level would refuse: one warning per distinct set of violations, naming the first such pod and
// how many others share it.
func (p *Plugin) checkExistingPods(ctx context.Context, namespace string, enforce LevelVersion) []string {
	pods, _, err := store.ListAs[*core.Pod](ctx, p.st, store.Prefix("pods", namespace), store.ListOptions{})
	if err != nil {
		return []string{"failed to list pods while checking new PodSecurity enforce level"}
	}
	var warnings []string
	total := len(pods)
	if total > p.opts.MaxPodsToCheck {
		pods = pods[:p.opts.MaxPodsToCheck]
		warnings = append(warnings, fmt.Sprintf("new PodSecurity enforce level only checked against the first %d of %d existing pods", len(pods), total))
	}
	type count struct {
		first string
		n     int
	}
	counts := map[string]*count{}
	var order []string
	for _, pod := range pods {
		v := Evaluate(enforce.Level, &pod.ObjectMeta, &pod.Spec)
		if len(v) == 0 {
			continue
		}
		w := reasons(v)
		c, seen := counts[w]
		if !seen {
			c = &count{first: pod.Name}
			counts[w] = c
			order = append(order, w)
		}
		c.n++
	}
	if len(order) == 0 {
		return warnings
	}
	warnings = append(warnings, fmt.Sprintf("existing pods in namespace %q violate the new PodSecurity enforce level %q", namespace, enforce.String()))
	var podWarnings []string
	for _, w := range order {
		c := counts[w]
		switch c.n {
		case 1:
			podWarnings = append(podWarnings, fmt.Sprintf("%s: %s", c.first, w))
		case 2:
			podWarnings = append(podWarnings, fmt.Sprintf("%s (and 1 other pod): %s", c.first, w))
		default:
			podWarnings = append(podWarnings, fmt.Sprintf("%s (and %d other pods): %s", c.first, c.n-1, w))
		}
	}
	slices.Sort(podWarnings)
	return append(warnings, podWarnings...)
}
