package core

import (
	"fmt"
	"math"
	"net/netip"
	"reflect"
	"strings"

	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// updatablePodSpecFields is the list Kubernetes' "pod updates may not change fields" error names.
var updatablePodSpecFields = []string{
	"`spec.containers[*].image`",
	"`spec.initContainers[*].image`",
	"`spec.activeDeadlineSeconds`",
	"`spec.tolerations` (only additions to existing tolerations)",
	"`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
}

// ValidatePodUpdate checks a change to a Pod through the main resource. The spec is immutable except
// for container and init container images, activeDeadlineSeconds (set, or lowered), added
// tolerations (or changed tolerationSeconds), removed scheduling gates, and a negative grace period
// raised to 1; anything else is refused with Kubernetes' "pod updates may not change fields other
// than ..." error.
func ValidatePodUpdate(newPod, oldPod *Pod) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validatePodMetadataAndSpec(newPod)...)
	specPath := field.NewPath("spec")

	cerrs, stop := validateContainerUpdates(newPod.Spec.Containers, oldPod.Spec.Containers, specPath.Child("containers"))
	errs = append(errs, cerrs...)
	if stop {
		return errs
	}
	cerrs, stop = validateContainerUpdates(newPod.Spec.InitContainers, oldPod.Spec.InitContainers, specPath.Child("initContainers"))
	errs = append(errs, cerrs...)
	if stop {
		return errs
	}

	adsPath := specPath.Child("activeDeadlineSeconds")
	if newPod.Spec.ActiveDeadlineSeconds != nil {
		v := *newPod.Spec.ActiveDeadlineSeconds
		if v < 0 || v > math.MaxInt32 {
			return append(errs, field.Invalid(adsPath, v, validation.InclusiveRangeError(0, math.MaxInt32)))
		}
		if old := oldPod.Spec.ActiveDeadlineSeconds; old != nil && *old < v {
			return append(errs, field.Invalid(adsPath, v, "must be less than or equal to previous value"))
		}
	} else if oldPod.Spec.ActiveDeadlineSeconds != nil {
		errs = append(errs, field.Invalid(adsPath, newPod.Spec.ActiveDeadlineSeconds, "must not update from a positive integer to nil value"))
	}

	errs = append(errs, validateOnlyAddedTolerations(newPod.Spec.Tolerations, oldPod.Spec.Tolerations, specPath.Child("tolerations"))...)
	errs = append(errs, validateOnlyDeletedSchedulingGates(newPod.Spec.SchedulingGates, oldPod.Spec.SchedulingGates, specPath.Child("schedulingGates"))...)

	if equality.DeepEqual(newPod.Spec, oldPod.Spec) {
		return errs
	}
	// Put the old values back into the fields that may change; what differs after that may not.
	munged := newPod.Spec
	munged.Containers = withOldImages(newPod.Spec.Containers, oldPod.Spec.Containers)
	munged.InitContainers = withOldImages(newPod.Spec.InitContainers, oldPod.Spec.InitContainers)
	munged.ActiveDeadlineSeconds = oldPod.Spec.ActiveDeadlineSeconds
	munged.SchedulingGates = oldPod.Spec.SchedulingGates
	munged.Tolerations = oldPod.Spec.Tolerations
	if old := oldPod.Spec.TerminationGracePeriodSeconds; old != nil && *old < 0 &&
		munged.TerminationGracePeriodSeconds != nil && *munged.TerminationGracePeriodSeconds == 1 {
		munged.TerminationGracePeriodSeconds = old
	}
	if !equality.DeepEqual(munged, oldPod.Spec) {
		errs = append(errs, field.Forbidden(specPath, fmt.Sprintf("pod updates may not change fields other than %s\n%s",
			strings.Join(updatablePodSpecFields, ","), describeSpecChange(&oldPod.Spec, &munged))))
	}
	return errs
}

// withOldImages returns a copy of containers with each image replaced by the old one.
func withOldImages(containers, old []Container) []Container {
	if containers == nil {
		return nil
	}
	out := make([]Container, len(containers))
	for i := range containers {
		out[i] = containers[i]
		out[i].Image = old[i].Image
	}
	return out
}

// describeSpecChange names the pod spec fields that differ, for the error message (Kubernetes
// prints a diff of the specs there).
func describeSpecChange(old, new *PodSpec) string {
	var changed []string
	ov, nv := reflect.ValueOf(old).Elem(), reflect.ValueOf(new).Elem()
	for i := range ov.NumField() {
		if !equality.DeepEqual(ov.Field(i).Interface(), nv.Field(i).Interface()) {
			name, _, _ := strings.Cut(ov.Type().Field(i).Tag.Get("json"), ",")
			changed = append(changed, "spec."+name)
		}
	}
	return "changed: " + strings.Join(changed, ", ")
}

func validateContainerUpdates(newContainers, oldContainers []Container, p *field.Path) (field.ErrorList, bool) {
	if len(newContainers) != len(oldContainers) {
		return field.ErrorList{field.Forbidden(p, "pod updates may not add or remove containers")}, true
	}
	var errs field.ErrorList
	for i, c := range newContainers {
		if c.Image == "" {
			errs = append(errs, field.Required(p.Index(i).Child("image"), ""))
		}
		if len(strings.TrimSpace(c.Image)) != len(c.Image) {
			errs = append(errs, field.Invalid(p.Index(i).Child("image"), c.Image, "must not have leading or trailing whitespace"))
		}
	}
	return errs, false
}

// validateOnlyAddedTolerations refuses a change to an existing toleration other than its
// tolerationSeconds, then validates the new list.
func validateOnlyAddedTolerations(newTolerations, oldTolerations []Toleration, p *field.Path) field.ErrorList {
	for _, old := range oldTolerations {
		found := false
		for _, t := range newTolerations {
			o := old
			o.TolerationSeconds = t.TolerationSeconds
			if reflect.DeepEqual(o, t) {
				found = true
				break
			}
		}
		if !found {
			return field.ErrorList{field.Forbidden(p, "existing toleration can not be modified except its tolerationSeconds")}
		}
	}
	return ValidateTolerations(newTolerations, p)
}

func validateOnlyDeletedSchedulingGates(newGates, oldGates []PodSchedulingGate, p *field.Path) field.ErrorList {
	old := map[string]bool{}
	for _, g := range oldGates {
		old[g.Name] = true
	}
	var errs field.ErrorList
	for i, g := range newGates {
		if !old[g.Name] {
			errs = append(errs, field.Forbidden(p.Index(i).Child("name"), fmt.Sprintf("only deletion is allowed, but found new scheduling gate '%s'", g.Name)))
		}
	}
	return errs
}

var validPodPhases = []PodPhase{PodPending, PodRunning, PodSucceeded, PodFailed, PodUnknown}

// ValidatePodStatusUpdate checks a write to pods/status: the status's own rules (phase, conditions,
// IPs), nodeName not changed through it, qosClass not changed at all, and no container that ended
// for good brought back to life.
func ValidatePodStatusUpdate(newPod, oldPod *Pod) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
	sp := field.NewPath("status")
	st := &newPod.Status
	if st.Phase != "" && !containsValue(validPodPhases, st.Phase) {
		errs = append(errs, field.NotSupported(sp.Child("phase"), st.Phase, validPodPhases))
	}
	errs = append(errs, validatePodConditions(st.Conditions, sp.Child("conditions"))...)
	if newPod.Spec.NodeName != oldPod.Spec.NodeName {
		errs = append(errs, field.Forbidden(sp.Child("nodeName"), "may not be changed directly"))
	}
	if st.NominatedNodeName != oldPod.Status.NominatedNodeName && st.NominatedNodeName != "" {
		for _, msg := range ValidateNodeName(st.NominatedNodeName, false) {
			errs = append(errs, field.Invalid(sp.Child("nominatedNodeName"), st.NominatedNodeName, msg))
		}
	}
	errs = append(errs, validation.ValidateImmutableField(st.QOSClass, oldPod.Status.QOSClass, sp.Child("qosClass"))...)
	errs = append(errs, validateContainerStateTransition(st.ContainerStatuses, oldPod.Status.ContainerStatuses, sp.Child("containerStatuses"), oldPod.Spec.RestartPolicy, nil)...)
	errs = append(errs, validateContainerStateTransition(st.InitContainerStatuses, oldPod.Status.InitContainerStatuses, sp.Child("initContainerStatuses"), oldPod.Spec.RestartPolicy, oldPod.Spec.InitContainers)...)
	errs = append(errs, validateContainerStateTransition(st.EphemeralContainerStatuses, oldPod.Status.EphemeralContainerStatuses, sp.Child("ephemeralContainerStatuses"), RestartPolicyNever, nil)...)
	errs = append(errs, validatePodIPs(st.PodIPs, sp.Child("podIPs"))...)
	if len(st.HostIPs) > 0 && st.HostIP != st.HostIPs[0].IP {
		errs = append(errs, field.Invalid(sp.Child("hostIPs").Index(0).Child("ip"), st.HostIPs[0].IP, "must be equal to `hostIP`"))
	}
	hostIPs := make([]PodIP, len(st.HostIPs))
	for i, ip := range st.HostIPs {
		hostIPs[i] = PodIP(ip)
	}
	return append(errs, validatePodIPs(hostIPs, sp.Child("hostIPs"))...)
}

// validatePodConditions checks the types of custom conditions (the built-in ones are known good) and
// every condition's status.
func validatePodConditions(conditions []PodCondition, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range conditions {
		cp := p.Index(i)
		switch c.Type {
		case PodScheduled, PodReady, PodInitialized:
		default:
			errs = append(errs, validation.ValidateQualifiedName(string(c.Type), cp.Child("type"))...)
		}
		errs = append(errs, validateConditionStatus(c.Status, cp.Child("status"))...)
	}
	return errs
}

func validateConditionStatus(s ConditionStatus, p *field.Path) field.ErrorList {
	switch s {
	case ConditionTrue, ConditionFalse, ConditionUnknown:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, s, []ConditionStatus{ConditionTrue, ConditionFalse, ConditionUnknown})}
}

// validateContainerStateTransition refuses to bring a terminated container back when the restart
// policy says it stays terminated. inits, when given, marks the sidecars, which always restart.
func validateContainerStateTransition(newStatuses, oldStatuses []ContainerStatus, p *field.Path, policy RestartPolicy, inits []Container) field.ErrorList {
	if policy == RestartPolicyAlways {
		return nil
	}
	var errs field.ErrorList
	for i, old := range oldStatuses {
		term := old.State.Terminated
		if term == nil || (term.ExitCode != 0 && policy == RestartPolicyOnFailure) {
			continue
		}
		if isSidecar(inits, old.Name) {
			continue
		}
		for _, s := range newStatuses {
			if s.Name == old.Name && s.State.Terminated == nil {
				errs = append(errs, field.Forbidden(p.Index(i).Child("state"), "may not be transitioned to non-terminated state"))
			}
		}
	}
	return errs
}

func isSidecar(inits []Container, name string) bool {
	for _, c := range inits {
		if c.Name == name {
			return c.RestartPolicy != nil && *c.RestartPolicy == ContainerRestartPolicyAlways
		}
	}
	return false
}

// validatePodIPs checks that every IP is valid, and that a second IP is of the other family.
func validatePodIPs(ips []PodIP, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ip := range ips {
		errs = append(errs, validation.IsValidIP(p.Index(i), ip.IP)...)
	}
	if len(ips) < 2 || len(errs) > 0 {
		return errs
	}
	seen := map[string]bool{}
	v4 := 0
	for i, ip := range ips {
		if seen[ip.IP] {
			errs = append(errs, field.Duplicate(p.Index(i), ip))
		}
		seen[ip.IP] = true
		if a, _ := netip.ParseAddr(ip.IP); a.Unmap().Is4() {
			v4++
		}
	}
	if len(ips) > 2 || v4 != 1 {
		errs = append(errs, field.Invalid(p, ips, "may specify no more than one IP for each IP family"))
	}
	return errs
}

// ValidateBinding checks a Binding posted to pods/binding: it targets a Node by name.
func ValidateBinding(b *Binding) field.ErrorList {
	var errs field.ErrorList
	if b.Target.Kind != "" && b.Target.Kind != "Node" {
		errs = append(errs, field.NotSupported(field.NewPath("target", "kind"), b.Target.Kind, []string{"Node", "<empty>"}))
	}
	if b.Target.Name == "" {
		errs = append(errs, field.Required(field.NewPath("target", "name"), ""))
	}
	return errs
}

func containsValue[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// MirrorPodAnnotationKey marks the API copy of a static pod, which the kubelet runs from a file.
const MirrorPodAnnotationKey = "kubernetes.io/config.mirror"

// ValidatePodEphemeralContainersUpdate checks a write to pods/ephemeralcontainers, the only way to
// add ephemeral containers: the new pod must be valid, and ephemeral containers already there may be
// neither removed nor changed. As in Kubernetes, the caller copies only spec.ephemeralContainers
// from the request into the stored pod, so the two pods differ in nothing else.
func ValidatePodEphemeralContainersUpdate(newPod, oldPod *Pod) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&newPod.ObjectMeta, &oldPod.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validatePodMetadataAndSpec(newPod)...)
	if _, ok := oldPod.Annotations[MirrorPodAnnotationKey]; ok {
		return field.ErrorList{field.Forbidden(field.NewPath(""), "static pods do not support ephemeral containers")}
	}
	p := field.NewPath("spec", "ephemeralContainers")
	current := map[string]*EphemeralContainer{}
	for i := range newPod.Spec.EphemeralContainers {
		current[newPod.Spec.EphemeralContainers[i].Name] = &newPod.Spec.EphemeralContainers[i]
	}
	for _, old := range oldPod.Spec.EphemeralContainers {
		switch c, ok := current[old.Name]; {
		case !ok:
			errs = append(errs, field.Forbidden(p, fmt.Sprintf("existing ephemeral containers %q may not be removed\n", old.Name)))
		case !equality.DeepEqual(old, *c):
			errs = append(errs, field.Forbidden(p, fmt.Sprintf("existing ephemeral containers %q may not be changed\n", old.Name)))
		}
	}
	return errs
}
