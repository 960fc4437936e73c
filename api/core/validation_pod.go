package core

import (
	"fmt"
	"maps"
	"math"
	"path"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/intstr"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/api/validation"
)

// Name rules of the core kinds: most names are DNS-1123 subdomains, namespace names are labels.
var (
	ValidatePodName            = validation.NameIsDNSSubdomain
	ValidateNodeName           = validation.NameIsDNSSubdomain
	ValidateNamespaceName      = validation.NameIsDNSLabel
	ValidateSecretName         = validation.NameIsDNSSubdomain
	ValidateConfigMapName      = validation.NameIsDNSSubdomain
	ValidateServiceAccountName = validation.NameIsDNSSubdomain
	ValidateResourceQuotaName  = validation.NameIsDNSSubdomain
	ValidateLimitRangeName     = validation.NameIsDNSSubdomain
	ValidatePriorityClassName  = validation.NameIsDNSSubdomain
	ValidateRuntimeClassName   = validation.NameIsDNSSubdomain
)

// podOptions says where a pod spec is being validated.
type podOptions struct {
	// resourceIsPod is true for a Pod, false for a template inside another object.
	resourceIsPod bool
}

// ValidatePod checks a Pod being created.
func ValidatePod(pod *Pod) field.ErrorList {
	errs := validatePodMetadataAndSpec(pod)
	specPath := field.NewPath("spec")
	if len(pod.Spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(specPath.Child("ephemeralContainers"), "cannot be set on create"))
	}
	if pod.Spec.NodeName != "" && len(pod.Spec.SchedulingGates) != 0 {
		errs = append(errs, field.Forbidden(specPath.Child("nodeName"), "cannot be set until all schedulingGates have been cleared"))
	}
	return errs
}

func validatePodMetadataAndSpec(pod *Pod) field.ErrorList {
	metaPath, specPath := field.NewPath("metadata"), field.NewPath("spec")
	errs := meta.ValidateObjectMeta(&pod.ObjectMeta, true, ValidatePodName, metaPath)
	errs = append(errs, validatePodSpec(&pod.Spec, specPath, podOptions{resourceIsPod: true})...)
	if pod.Spec.ServiceAccountName == "" {
		for vi, vol := range pod.Spec.Volumes {
			if vol.Projected == nil {
				continue
			}
			for si, src := range vol.Projected.Sources {
				if src.ServiceAccountToken != nil {
					errs = append(errs, field.Forbidden(specPath.Child("volumes").Index(vi).Child("projected", "sources").Index(si).Child("serviceAccountToken"),
						"must not be specified when serviceAccountName is not set"))
				}
			}
		}
	}
	errs = append(errs, validateImagesHaveNoSpace(pod.Spec.Containers, specPath.Child("containers"))...)
	return append(errs, validateImagesHaveNoSpace(pod.Spec.InitContainers, specPath.Child("initContainers"))...)
}

func validateImagesHaveNoSpace(containers []Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range containers {
		if len(c.Image) != len(strings.TrimSpace(c.Image)) {
			errs = append(errs, field.Invalid(p.Index(i).Child("image"), c.Image, "must not have leading or trailing whitespace"))
		}
	}
	return errs
}

// ValidatePodTemplateSpec checks a pod template embedded in another object (a Deployment's,
// a ReplicaSet's) at path.
func ValidatePodTemplateSpec(t *PodTemplateSpec, p *field.Path) field.ErrorList {
	errs := validation.ValidateLabels(t.Labels, p.Child("labels"))
	errs = append(errs, meta.ValidateAnnotations(t.Annotations, p.Child("annotations"))...)
	errs = append(errs, validatePodSpec(&t.Spec, p.Child("spec"), podOptions{})...)
	if len(t.Spec.EphemeralContainers) > 0 {
		errs = append(errs, field.Forbidden(p.Child("spec", "ephemeralContainers"), "ephemeral containers not allowed in pod template"))
	}
	return errs
}

// ValidatePodSpec checks a pod spec at path, as Kubernetes checks the spec of a pod template.
func ValidatePodSpec(spec *PodSpec, p *field.Path) field.ErrorList {
	return validatePodSpec(spec, p, podOptions{})
}

func validatePodSpec(spec *PodSpec, p *field.Path, opts podOptions) field.ErrorList {
	var errs field.ErrorList
	grace := spec.TerminationGracePeriodSeconds
	if grace == nil {
		errs = append(errs, field.Required(p.Child("terminationGracePeriodSeconds"), ""))
	} else {
		errs = append(errs, validation.ValidateNonnegativeField(*grace, p.Child("terminationGracePeriodSeconds"))...)
	}
	vols, volErrs := validateVolumes(spec.Volumes, p.Child("volumes"))
	errs = append(errs, volErrs...)
	claims, claimErrs := validatePodResourceClaims(spec.ResourceClaims, p.Child("resourceClaims"))
	errs = append(errs, claimErrs...)
	hostUsers := spec.HostUsers == nil || *spec.HostUsers
	cv := containerValidator{volumes: vols, claims: claims, grace: grace, restartPolicy: spec.RestartPolicy, hostUsers: hostUsers}
	errs = append(errs, cv.validateContainers(spec.Containers, p.Child("containers"))...)
	errs = append(errs, cv.validateInitContainers(spec.InitContainers, spec.Containers, p.Child("initContainers"))...)
	errs = append(errs, cv.validateEphemeralContainers(spec.EphemeralContainers, spec.Containers, spec.InitContainers, p.Child("ephemeralContainers"))...)
	if spec.Resources != nil {
		errs = append(errs, validatePodLevelResources(spec.Resources, p.Child("resources"))...)
	}
	if spec.HostNetwork {
		for i, c := range spec.Containers {
			for j, port := range c.Ports {
				if (opts.resourceIsPod || port.HostPort != 0) && port.HostPort != port.ContainerPort {
					errs = append(errs, field.Invalid(p.Child("containers").Index(i).Child("ports").Index(j).Child("hostPort"),
						port.HostPort, "must match `containerPort` when `hostNetwork` is true"))
				}
			}
		}
	}
	errs = append(errs, validateRestartPolicy(spec.RestartPolicy, p.Child("restartPolicy"))...)
	errs = append(errs, validateDNSPolicy(spec.DNSPolicy, p.Child("dnsPolicy"))...)
	errs = append(errs, validation.ValidateLabels(spec.NodeSelector, p.Child("nodeSelector"))...)
	errs = append(errs, validatePodSecurityContext(spec, p)...)
	errs = append(errs, validateAffinity(spec.Affinity, p.Child("affinity"))...)
	errs = append(errs, validatePodDNSConfig(spec.DNSConfig, spec.DNSPolicy, p.Child("dnsConfig"))...)
	for i, gate := range spec.ReadinessGates {
		errs = append(errs, validation.ValidateQualifiedName(string(gate.ConditionType), p.Child("readinessGates").Index(i).Child("conditionType"))...)
	}
	errs = append(errs, validateSchedulingGates(spec.SchedulingGates, p.Child("schedulingGates"))...)
	errs = append(errs, validateTopologySpreadConstraints(spec.TopologySpreadConstraints, p.Child("topologySpreadConstraints"))...)
	if spec.ServiceAccountName != "" {
		for _, msg := range ValidateServiceAccountName(spec.ServiceAccountName, false) {
			errs = append(errs, field.Invalid(p.Child("serviceAccountName"), spec.ServiceAccountName, msg))
		}
	}
	if spec.NodeName != "" {
		for _, msg := range ValidateNodeName(spec.NodeName, false) {
			errs = append(errs, field.Invalid(p.Child("nodeName"), spec.NodeName, msg))
		}
	}
	if spec.ActiveDeadlineSeconds != nil {
		if v := *spec.ActiveDeadlineSeconds; v < 1 || v > math.MaxInt32 {
			errs = append(errs, field.Invalid(p.Child("activeDeadlineSeconds"), v, validation.InclusiveRangeError(1, math.MaxInt32)))
		}
	}
	if spec.Hostname != "" {
		errs = append(errs, validation.ValidateDNS1123Label(spec.Hostname, p.Child("hostname"))...)
	}
	if spec.Subdomain != "" {
		errs = append(errs, validation.ValidateDNS1123Label(spec.Subdomain, p.Child("subdomain"))...)
	}
	errs = append(errs, ValidateTolerations(spec.Tolerations, p.Child("tolerations"))...)
	for i, alias := range spec.HostAliases {
		ap := p.Child("hostAliases").Index(i)
		errs = append(errs, validation.IsValidIP(ap.Child("ip"), alias.IP)...)
		for j, h := range alias.Hostnames {
			errs = append(errs, validation.ValidateDNS1123Subdomain(h, ap.Child("hostnames").Index(j))...)
		}
	}
	if spec.PriorityClassName != "" {
		for _, msg := range ValidatePriorityClassName(spec.PriorityClassName, false) {
			errs = append(errs, field.Invalid(p.Child("priorityClassName"), spec.PriorityClassName, msg))
		}
	}
	if spec.RuntimeClassName != nil {
		for _, msg := range ValidateRuntimeClassName(*spec.RuntimeClassName, false) {
			errs = append(errs, field.Invalid(p.Child("runtimeClassName"), *spec.RuntimeClassName, msg))
		}
	}
	if pp := spec.PreemptionPolicy; pp != nil {
		switch *pp {
		case PreemptLowerPriority, PreemptNever:
		case "":
			errs = append(errs, field.Required(p.Child("preemptionPolicy"), ""))
		default:
			errs = append(errs, field.NotSupported(p.Child("preemptionPolicy"), pp, []PreemptionPolicy{PreemptLowerPriority, PreemptNever}))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(spec.Overhead)) {
		rp := p.Child("overhead").Key(string(name))
		errs = append(errs, validateContainerResourceName(name, rp)...)
		errs = append(errs, ValidateResourceQuantityValue(name, spec.Overhead[name], rp)...)
	}
	if spec.OS != nil {
		switch spec.OS.Name {
		case Linux, Windows:
		case "":
			errs = append(errs, field.Required(p.Child("os", "name"), "cannot be empty"))
		default:
			errs = append(errs, field.NotSupported(p.Child("os"), spec.OS.Name, []OSName{Linux, Windows}))
		}
	}
	if spec.ShareProcessNamespace != nil && *spec.ShareProcessNamespace && spec.HostPID {
		errs = append(errs, field.Invalid(p.Child("securityContext", "shareProcessNamespace"), *spec.ShareProcessNamespace, "ShareProcessNamespace and HostPID cannot both be enabled"))
	}
	return errs
}

func validateRestartPolicy(rp RestartPolicy, p *field.Path) field.ErrorList {
	switch rp {
	case RestartPolicyAlways, RestartPolicyOnFailure, RestartPolicyNever:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, rp, []RestartPolicy{RestartPolicyAlways, RestartPolicyOnFailure, RestartPolicyNever})}
}

func validateDNSPolicy(dp DNSPolicy, p *field.Path) field.ErrorList {
	switch dp {
	case DNSClusterFirstWithHostNet, DNSClusterFirst, DNSDefault, DNSNone:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, dp, []DNSPolicy{DNSClusterFirstWithHostNet, DNSClusterFirst, DNSDefault, DNSNone})}
}

// The limits libc puts on resolv.conf.
const (
	maxDNSNameservers     = 3
	maxDNSSearchPaths     = 32
	maxDNSSearchListChars = 2048
)

func validatePodDNSConfig(cfg *PodDNSConfig, policy DNSPolicy, p *field.Path) field.ErrorList {
	if policy == DNSNone {
		if cfg == nil {
			return field.ErrorList{field.Required(p, fmt.Sprintf("must provide `dnsConfig` when `dnsPolicy` is %s", DNSNone))}
		}
		if len(cfg.Nameservers) == 0 {
			return field.ErrorList{field.Required(p.Child("nameservers"), fmt.Sprintf("must provide at least one DNS nameserver when `dnsPolicy` is %s", DNSNone))}
		}
	}
	if cfg == nil {
		return nil
	}
	var errs field.ErrorList
	if len(cfg.Nameservers) > maxDNSNameservers {
		errs = append(errs, field.Invalid(p.Child("nameservers"), cfg.Nameservers, fmt.Sprintf("must not have more than %v nameservers", maxDNSNameservers)))
	}
	for i, ns := range cfg.Nameservers {
		errs = append(errs, validation.IsValidIP(p.Child("nameservers").Index(i), ns)...)
	}
	if len(cfg.Searches) > maxDNSSearchPaths {
		errs = append(errs, field.Invalid(p.Child("searches"), cfg.Searches, fmt.Sprintf("must not have more than %v search paths", maxDNSSearchPaths)))
	}
	if len(strings.Join(cfg.Searches, " ")) > maxDNSSearchListChars {
		errs = append(errs, field.Invalid(p.Child("searches"), cfg.Searches, fmt.Sprintf("must not have more than %v characters (including spaces) in the search list", maxDNSSearchListChars)))
	}
	for i, s := range cfg.Searches {
		errs = append(errs, validation.ValidateDNS1123Subdomain(strings.TrimSuffix(s, "."), p.Child("searches").Index(i))...)
	}
	for i, o := range cfg.Options {
		if o.Name == "" {
			errs = append(errs, field.Required(p.Child("options").Index(i), "must not be empty"))
		}
	}
	return errs
}

func validateSchedulingGates(gates []PodSchedulingGate, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, g := range gates {
		errs = append(errs, validation.ValidateQualifiedName(g.Name, p.Index(i))...)
		if seen[g.Name] {
			errs = append(errs, field.Duplicate(p.Index(i), g.Name))
		}
		seen[g.Name] = true
	}
	return errs
}

func validateTopologySpreadConstraints(constraints []TopologySpreadConstraint, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, c := range constraints {
		cp := p.Index(i)
		if c.MaxSkew <= 0 {
			errs = append(errs, field.Invalid(cp.Child("maxSkew"), c.MaxSkew, validation.IsNotPositiveErrorMsg))
		}
		if c.TopologyKey == "" {
			errs = append(errs, field.Required(cp.Child("topologyKey"), "can not be empty"))
		}
		if c.WhenUnsatisfiable != DoNotSchedule && c.WhenUnsatisfiable != ScheduleAnyway {
			errs = append(errs, field.NotSupported(cp.Child("whenUnsatisfiable"), c.WhenUnsatisfiable, []UnsatisfiableConstraintAction{DoNotSchedule, ScheduleAnyway}))
		}
		for _, later := range constraints[i+1:] {
			if later.TopologyKey == c.TopologyKey && later.WhenUnsatisfiable == c.WhenUnsatisfiable {
				errs = append(errs, field.Duplicate(cp.Child("{topologyKey, whenUnsatisfiable}"), fmt.Sprintf("{%v, %v}", c.TopologyKey, c.WhenUnsatisfiable)))
				break
			}
		}
		if c.MinDomains != nil {
			if *c.MinDomains <= 0 {
				errs = append(errs, field.Invalid(cp.Child("minDomains"), c.MinDomains, validation.IsNotPositiveErrorMsg))
			}
			if c.WhenUnsatisfiable != DoNotSchedule {
				errs = append(errs, field.Invalid(cp.Child("minDomains"), c.MinDomains, fmt.Sprintf("can only use minDomains if whenUnsatisfiable=%s, not %s", DoNotSchedule, c.WhenUnsatisfiable)))
			}
		}
		for _, pol := range []struct {
			name string
			v    *NodeInclusionPolicy
		}{{"nodeAffinityPolicy", c.NodeAffinityPolicy}, {"nodeTaintsPolicy", c.NodeTaintsPolicy}} {
			if pol.v != nil && *pol.v != NodeInclusionPolicyHonor && *pol.v != NodeInclusionPolicyIgnore {
				errs = append(errs, field.NotSupported(cp.Child(pol.name), pol.v, []NodeInclusionPolicy{NodeInclusionPolicyHonor, NodeInclusionPolicyIgnore}))
			}
		}
		errs = append(errs, validateMatchLabelKeys(cp.Child("matchLabelKeys"), c.MatchLabelKeys, c.LabelSelector)...)
		errs = append(errs, meta.ValidateLabelSelector(c.LabelSelector, meta.LabelSelectorOptions{}, cp.Child("labelSelector"))...)
	}
	return errs
}

// validateMatchLabelKeys checks matchLabelKeys: label names, only with a labelSelector, and not a
// key the selector already uses.
func validateMatchLabelKeys(p *field.Path, keys []string, sel *meta.LabelSelector) field.ErrorList {
	if len(keys) == 0 {
		return nil
	}
	if sel == nil {
		return field.ErrorList{field.Forbidden(p, "must not be specified when labelSelector is not set")}
	}
	var errs field.ErrorList
	for i, k := range keys {
		errs = append(errs, validation.ValidateLabelName(k, p.Index(i))...)
		if _, ok := sel.MatchLabels[k]; ok {
			errs = append(errs, field.Invalid(p.Index(i), k, "exists in both matchLabelKeys and labelSelector"))
			continue
		}
		for _, r := range sel.MatchExpressions {
			if r.Key == k {
				errs = append(errs, field.Invalid(p.Index(i), k, "exists in both matchLabelKeys and labelSelector"))
				break
			}
		}
	}
	return errs
}

// ValidateTolerations checks tolerations: keys are label names, an empty key needs operator
// Exists, Exists needs an empty value, tolerationSeconds needs effect NoExecute.
func ValidateTolerations(tolerations []Toleration, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, t := range tolerations {
		tp := p.Index(i)
		if t.Key != "" {
			errs = append(errs, validation.ValidateLabelName(t.Key, tp.Child("key"))...)
		}
		if t.Key == "" && t.Operator != TolerationOpExists {
			errs = append(errs, field.Invalid(tp.Child("operator"), t.Operator,
				"operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
		}
		if t.TolerationSeconds != nil && t.Effect != TaintEffectNoExecute {
			errs = append(errs, field.Invalid(tp.Child("effect"), t.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
		}
		switch t.Operator {
		case TolerationOpEqual, "":
			if msgs := validation.IsValidLabelValue(t.Value); len(msgs) != 0 {
				errs = append(errs, field.Invalid(tp.Child("operator"), t.Value, strings.Join(msgs, ";")))
			}
		case TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, field.Invalid(tp.Child("operator"), t.Value, "value must be empty when `operator` is 'Exists'"))
			}
		default:
			errs = append(errs, field.NotSupported(tp.Child("operator"), t.Operator, []TolerationOperator{TolerationOpEqual, TolerationOpExists}))
		}
		if t.Effect != "" {
			errs = append(errs, validateTaintEffect(t.Effect, true, tp.Child("effect"))...)
		}
	}
	return errs
}

func validateTaintEffect(effect TaintEffect, allowEmpty bool, p *field.Path) field.ErrorList {
	switch effect {
	case TaintEffectNoSchedule, TaintEffectPreferNoSchedule, TaintEffectNoExecute:
		return nil
	case "":
		if !allowEmpty {
			return field.ErrorList{field.Required(p, "")}
		}
	}
	return field.ErrorList{field.NotSupported(p, effect, []TaintEffect{TaintEffectNoSchedule, TaintEffectPreferNoSchedule, TaintEffectNoExecute})}
}

// --- affinity ---

func validateAffinity(a *Affinity, p *field.Path) field.ErrorList {
	if a == nil {
		return nil
	}
	var errs field.ErrorList
	if na := a.NodeAffinity; na != nil {
		np := p.Child("nodeAffinity")
		if na.RequiredDuringSchedulingIgnoredDuringExecution != nil {
			errs = append(errs, ValidateNodeSelector(na.RequiredDuringSchedulingIgnoredDuringExecution, np.Child("requiredDuringSchedulingIgnoredDuringExecution"))...)
		}
		for i, term := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			tp := np.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i)
			if term.Weight <= 0 || term.Weight > 100 {
				errs = append(errs, field.Invalid(tp.Child("weight"), term.Weight, "must be in the range 1-100"))
			}
			// Invalid label values are tolerated in preferences: a one-node cluster may still match.
			errs = append(errs, validateNodeSelectorTerm(term.Preference, true, tp.Child("preference"))...)
		}
	}
	if pa := a.PodAffinity; pa != nil {
		errs = append(errs, validatePodAffinityTerms(pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution, p.Child("podAffinity"))...)
	}
	if paa := a.PodAntiAffinity; paa != nil {
		errs = append(errs, validatePodAffinityTerms(paa.RequiredDuringSchedulingIgnoredDuringExecution, paa.PreferredDuringSchedulingIgnoredDuringExecution, p.Child("podAntiAffinity"))...)
	}
	return errs
}

func validatePodAffinityTerms(required []PodAffinityTerm, preferred []WeightedPodAffinityTerm, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, term := range required {
		errs = append(errs, validatePodAffinityTerm(term, p.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i))...)
	}
	for i, w := range preferred {
		wp := p.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i)
		if w.Weight <= 0 || w.Weight > 100 {
			errs = append(errs, field.Invalid(wp.Child("weight"), w.Weight, "must be in the range 1-100"))
		}
		errs = append(errs, validatePodAffinityTerm(w.PodAffinityTerm, wp.Child("podAffinityTerm"))...)
	}
	return errs
}

func validatePodAffinityTerm(term PodAffinityTerm, p *field.Path) field.ErrorList {
	errs := meta.ValidateLabelSelector(term.LabelSelector, meta.LabelSelectorOptions{}, p.Child("labelSelector"))
	errs = append(errs, meta.ValidateLabelSelector(term.NamespaceSelector, meta.LabelSelectorOptions{}, p.Child("namespaceSelector"))...)
	for _, ns := range term.Namespaces {
		for _, msg := range ValidateNamespaceName(ns, false) {
			errs = append(errs, field.Invalid(p.Child("namespace"), ns, msg))
		}
	}
	errs = append(errs, validateMatchLabelKeys(p.Child("matchLabelKeys"), term.MatchLabelKeys, term.LabelSelector)...)
	errs = append(errs, validateMatchLabelKeys(p.Child("mismatchLabelKeys"), term.MismatchLabelKeys, term.LabelSelector)...)
	for _, k := range term.MatchLabelKeys {
		if slices.Contains(term.MismatchLabelKeys, k) {
			errs = append(errs, field.Invalid(p.Child("matchLabelKeys"), k, "exists in both matchLabelKeys and mismatchLabelKeys"))
		}
	}
	if term.TopologyKey == "" {
		errs = append(errs, field.Required(p.Child("topologyKey"), "can not be empty"))
	}
	return append(errs, validation.ValidateLabelName(term.TopologyKey, p.Child("topologyKey"))...)
}

// ValidateNodeSelector checks a required node selector: at least one term, valid requirements.
func ValidateNodeSelector(sel *NodeSelector, p *field.Path) field.ErrorList {
	tp := p.Child("nodeSelectorTerms")
	if len(sel.NodeSelectorTerms) == 0 {
		return field.ErrorList{field.Required(tp, "must have at least one node selector term")}
	}
	var errs field.ErrorList
	for i, term := range sel.NodeSelectorTerms {
		errs = append(errs, validateNodeSelectorTerm(term, false, tp.Index(i))...)
	}
	return errs
}

func validateNodeSelectorTerm(term NodeSelectorTerm, allowInvalidValues bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, req := range term.MatchExpressions {
		errs = append(errs, validateNodeSelectorRequirement(req, allowInvalidValues, p.Child("matchExpressions").Index(i))...)
	}
	for i, req := range term.MatchFields {
		rp := p.Child("matchFields").Index(i)
		switch req.Operator {
		case NodeSelectorOpIn, NodeSelectorOpNotIn:
			if len(req.Values) != 1 {
				errs = append(errs, field.Required(rp.Child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
			}
		default:
			errs = append(errs, field.Invalid(rp.Child("operator"), req.Operator, "not a valid selector operator"))
		}
		if req.Key != "metadata.name" {
			errs = append(errs, field.Invalid(rp.Child("key"), req.Key, "not a valid field selector key"))
		} else {
			for j, v := range req.Values {
				for _, msg := range ValidateNodeName(v, false) {
					errs = append(errs, field.Invalid(rp.Child("values").Index(j), v, msg))
				}
			}
		}
	}
	return errs
}

func validateNodeSelectorRequirement(req NodeSelectorRequirement, allowInvalidValues bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch req.Operator {
	case NodeSelectorOpIn, NodeSelectorOpNotIn:
		if len(req.Values) == 0 {
			errs = append(errs, field.Required(p.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
		}
	case NodeSelectorOpExists, NodeSelectorOpDoesNotExist:
		if len(req.Values) > 0 {
			errs = append(errs, field.Forbidden(p.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
		}
	case NodeSelectorOpGt, NodeSelectorOpLt:
		if len(req.Values) != 1 {
			errs = append(errs, field.Required(p.Child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
		}
	default:
		errs = append(errs, field.Invalid(p.Child("operator"), req.Operator, "not a valid selector operator"))
	}
	errs = append(errs, validation.ValidateLabelName(req.Key, p.Child("key"))...)
	if !allowInvalidValues {
		for i, v := range req.Values {
			for _, msg := range validation.IsValidLabelValue(v) {
				errs = append(errs, field.Invalid(p.Child("values").Index(i), v, msg))
			}
		}
	}
	return errs
}

// --- security contexts ---

func validatePodSecurityContext(spec *PodSpec, specPath *field.Path) field.ErrorList {
	sc := spec.SecurityContext
	if sc == nil {
		return nil
	}
	p := specPath.Child("securityContext")
	var errs field.ErrorList
	if sc.FSGroup != nil {
		for _, msg := range validation.IsValidGroupID(*sc.FSGroup) {
			errs = append(errs, field.Invalid(p.Child("fsGroup"), *sc.FSGroup, msg))
		}
	}
	if sc.RunAsUser != nil {
		for _, msg := range validation.IsValidUserID(*sc.RunAsUser) {
			errs = append(errs, field.Invalid(p.Child("runAsUser"), *sc.RunAsUser, msg))
		}
	}
	if sc.RunAsGroup != nil {
		for _, msg := range validation.IsValidGroupID(*sc.RunAsGroup) {
			errs = append(errs, field.Invalid(p.Child("runAsGroup"), *sc.RunAsGroup, msg))
		}
	}
	for i, gid := range sc.SupplementalGroups {
		for _, msg := range validation.IsValidGroupID(gid) {
			errs = append(errs, field.Invalid(p.Child("supplementalGroups").Index(i), gid, msg))
		}
	}
	seen := map[string]bool{}
	for i, s := range sc.Sysctls {
		np := p.Child("sysctls").Index(i).Child("name")
		switch {
		case s.Name == "":
			errs = append(errs, field.Required(np, ""))
		case len(s.Name) > sysctlMaxLength || !sysctlRegexp.MatchString(s.Name):
			errs = append(errs, field.Invalid(np, s.Name, fmt.Sprintf("must have at most %d characters and match regex %s", sysctlMaxLength, sysctlRegexp)))
		case seen[s.Name]:
			errs = append(errs, field.Duplicate(np, s.Name))
		}
		seen[s.Name] = true
	}
	if pol := sc.FSGroupChangePolicy; pol != nil && *pol != FSGroupChangeAlways && *pol != FSGroupChangeOnRootMismatch {
		errs = append(errs, field.NotSupported(p.Child("fsGroupChangePolicy"), pol, []PodFSGroupChangePolicy{FSGroupChangeAlways, FSGroupChangeOnRootMismatch}))
	}
	if pol := sc.SupplementalGroupsPolicy; pol != nil && *pol != SupplementalGroupsPolicyMerge && *pol != SupplementalGroupsPolicyStrict {
		errs = append(errs, field.NotSupported(p.Child("supplementalGroupsPolicy"), pol, []SupplementalGroupsPolicy{SupplementalGroupsPolicyMerge, SupplementalGroupsPolicyStrict}))
	}
	if pol := sc.SELinuxChangePolicy; pol != nil && *pol != SELinuxChangePolicyMountOption && *pol != SELinuxChangePolicyRecursive {
		errs = append(errs, field.NotSupported(p.Child("seLinuxChangePolicy"), *pol, []PodSELinuxChangePolicy{SELinuxChangePolicyMountOption, SELinuxChangePolicyRecursive}))
	}
	errs = append(errs, validateSeccompProfile(sc.SeccompProfile, p.Child("seccompProfile"))...)
	errs = append(errs, validateAppArmorProfile(sc.AppArmorProfile, p.Child("appArmorProfile"))...)
	return errs
}

const sysctlMaxLength = 253

var sysctlRegexp = regexp.MustCompile(`^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$`)

// validateSecurityContext checks a container's security context.
func validateSecurityContext(sc *SecurityContext, p *field.Path, hostUsers bool) field.ErrorList {
	if sc == nil {
		return nil
	}
	var errs field.ErrorList
	if sc.RunAsUser != nil {
		for _, msg := range validation.IsValidUserID(*sc.RunAsUser) {
			errs = append(errs, field.Invalid(p.Child("runAsUser"), *sc.RunAsUser, msg))
		}
	}
	if sc.RunAsGroup != nil {
		for _, msg := range validation.IsValidGroupID(*sc.RunAsGroup) {
			errs = append(errs, field.Invalid(p.Child("runAsGroup"), *sc.RunAsGroup, msg))
		}
	}
	if pm := sc.ProcMount; pm != nil {
		if *pm != DefaultProcMount && *pm != UnmaskedProcMount {
			errs = append(errs, field.NotSupported(p.Child("procMount"), *pm, []ProcMountType{DefaultProcMount, UnmaskedProcMount}))
		}
		if hostUsers && *pm == UnmaskedProcMount {
			errs = append(errs, field.Invalid(p.Child("procMount"), sc.ProcMount, "`hostUsers` must be false to use `Unmasked`"))
		}
	}
	errs = append(errs, validateSeccompProfile(sc.SeccompProfile, p.Child("seccompProfile"))...)
	if sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation {
		if sc.Privileged != nil && *sc.Privileged {
			errs = append(errs, field.Invalid(p, sc, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
		}
		if sc.Capabilities != nil && slices.Contains(sc.Capabilities.Add, "CAP_SYS_ADMIN") {
			errs = append(errs, field.Invalid(p, sc, "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
		}
	}
	return append(errs, validateAppArmorProfile(sc.AppArmorProfile, p.Child("appArmorProfile"))...)
}

func validateSeccompProfile(sp *SeccompProfile, p *field.Path) field.ErrorList {
	if sp == nil {
		return nil
	}
	var errs field.ErrorList
	switch sp.Type {
	case SeccompProfileTypeLocalhost, SeccompProfileTypeRuntimeDefault, SeccompProfileTypeUnconfined:
	case "":
		errs = append(errs, field.Required(p.Child("type"), "type is required when seccompProfile is set"))
	default:
		errs = append(errs, field.NotSupported(p.Child("type"), sp.Type, []SeccompProfileType{SeccompProfileTypeLocalhost, SeccompProfileTypeRuntimeDefault, SeccompProfileTypeUnconfined}))
	}
	if sp.Type == SeccompProfileTypeLocalhost {
		if sp.LocalhostProfile == nil {
			errs = append(errs, field.Required(p.Child("localhostProfile"), "must be set when seccomp type is Localhost"))
		} else {
			errs = append(errs, validateLocalDescendingPath(*sp.LocalhostProfile, p.Child("localhostProfile"))...)
		}
	} else if sp.LocalhostProfile != nil {
		errs = append(errs, field.Invalid(p.Child("localhostProfile"), sp, "can only be set when seccomp type is Localhost"))
	}
	return errs
}

func validateAppArmorProfile(ap *AppArmorProfile, p *field.Path) field.ErrorList {
	if ap == nil {
		return nil
	}
	switch ap.Type {
	case AppArmorProfileTypeLocalhost:
		if ap.LocalhostProfile == nil || strings.TrimSpace(*ap.LocalhostProfile) == "" {
			return field.ErrorList{field.Required(p.Child("localhostProfile"), "must be set when AppArmor type is Localhost")}
		}
		if strings.TrimSpace(*ap.LocalhostProfile) != *ap.LocalhostProfile {
			return field.ErrorList{field.Invalid(p.Child("localhostProfile"), *ap.LocalhostProfile, "must not be padded with whitespace")}
		}
	case AppArmorProfileTypeRuntimeDefault, AppArmorProfileTypeUnconfined:
		if ap.LocalhostProfile != nil {
			return field.ErrorList{field.Invalid(p.Child("localhostProfile"), ap.LocalhostProfile, "can only be set when AppArmor type is Localhost")}
		}
	case "":
		return field.ErrorList{field.Required(p.Child("type"), "type is required when appArmorProfile is set")}
	default:
		return field.ErrorList{field.NotSupported(p.Child("type"), ap.Type, []AppArmorProfileType{AppArmorProfileTypeLocalhost, AppArmorProfileTypeRuntimeDefault, AppArmorProfileTypeUnconfined})}
	}
	return nil
}

// --- containers ---

// containerValidator holds what container validation needs to know about the rest of the pod.
type containerValidator struct {
	volumes       map[string]VolumeSource
	claims        map[string]bool
	grace         *int64
	restartPolicy RestartPolicy
	hostUsers     bool
}

func (cv containerValidator) validateContainers(containers []Container, p *field.Path) field.ErrorList {
	if len(containers) == 0 {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	names := map[string]bool{}
	for i := range containers {
		c := &containers[i]
		cp := p.Index(i)
		errs = append(errs, cv.validateCommon(c, cp)...)
		if names[c.Name] {
			errs = append(errs, field.Duplicate(cp.Child("name"), c.Name))
		}
		names[c.Name] = true
		if c.Lifecycle != nil {
			errs = append(errs, cv.validateLifecycle(c.Lifecycle, cp.Child("lifecycle"))...)
		}
		errs = append(errs, cv.validateProbes(c, cp)...)
		if c.RestartPolicy != nil {
			errs = append(errs, field.Forbidden(cp.Child("restartPolicy"), "may not be set for non-init containers"))
		}
	}
	return append(errs, checkHostPortConflicts(containers, p)...)
}

func (cv containerValidator) validateInitContainers(inits, regular []Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	for _, c := range regular {
		names[c.Name] = true
	}
	for i := range inits {
		c := &inits[i]
		cp := p.Index(i)
		errs = append(errs, cv.validateCommon(c, cp)...)
		sidecar := false
		if c.RestartPolicy != nil {
			if *c.RestartPolicy != ContainerRestartPolicyAlways {
				errs = append(errs, field.NotSupported(cp.Child("restartPolicy"), *c.RestartPolicy, []ContainerRestartPolicy{ContainerRestartPolicyAlways}))
			}
			sidecar = *c.RestartPolicy == ContainerRestartPolicyAlways
		}
		if names[c.Name] {
			errs = append(errs, field.Duplicate(cp.Child("name"), c.Name))
		} else if c.Name != "" {
			names[c.Name] = true
		}
		// Init containers run one at a time, so only ports within one can conflict.
		errs = append(errs, checkHostPortConflicts([]Container{*c}, p)...)
		if sidecar {
			if c.Lifecycle != nil {
				errs = append(errs, cv.validateLifecycle(c.Lifecycle, cp.Child("lifecycle"))...)
			}
			errs = append(errs, cv.validateProbes(c, cp)...)
			continue
		}
		const notSidecar = "may not be set for init containers without restartPolicy=Always"
		if c.Lifecycle != nil {
			errs = append(errs, field.Forbidden(cp.Child("lifecycle"), notSidecar))
		}
		if c.LivenessProbe != nil {
			errs = append(errs, field.Forbidden(cp.Child("livenessProbe"), notSidecar))
		}
		if c.ReadinessProbe != nil {
			errs = append(errs, field.Forbidden(cp.Child("readinessProbe"), notSidecar))
		}
		if c.StartupProbe != nil {
			errs = append(errs, field.Forbidden(cp.Child("startupProbe"), notSidecar))
		}
	}
	return errs
}

func (cv containerValidator) validateEphemeralContainers(ecs []EphemeralContainer, regular, inits []Container, p *field.Path) field.ErrorList {
	if len(ecs) == 0 {
		return nil
	}
	var errs field.ErrorList
	others, all := map[string]bool{}, map[string]bool{}
	for _, c := range slices.Concat(regular, inits) {
		others[c.Name], all[c.Name] = true, true
	}
	const forbidden = "cannot be set for an Ephemeral Container"
	for i := range ecs {
		ec := &ecs[i]
		c := (*Container)(&ec.EphemeralContainerCommon)
		cp := p.Index(i)
		errs = append(errs, cv.validateCommon(c, cp)...)
		if len(c.Image) != len(strings.TrimSpace(c.Image)) {
			errs = append(errs, field.Invalid(cp.Child("image"), c.Image, "must not have leading or trailing whitespace"))
		}
		if all[c.Name] {
			errs = append(errs, field.Duplicate(cp.Child("name"), c.Name))
		}
		all[c.Name] = true
		if ec.TargetContainerName != "" && !others[ec.TargetContainerName] {
			errs = append(errs, field.NotFound(cp.Child("targetContainerName"), ec.TargetContainerName))
		}
		for _, f := range []struct {
			name string
			set  bool
		}{
			{"ports", len(c.Ports) > 0},
			{"resources", !reflect.DeepEqual(c.Resources, ResourceRequirements{})},
			{"resizePolicy", len(c.ResizePolicy) > 0},
			{"restartPolicy", c.RestartPolicy != nil},
			{"livenessProbe", c.LivenessProbe != nil},
			{"readinessProbe", c.ReadinessProbe != nil},
			{"startupProbe", c.StartupProbe != nil},
			{"lifecycle", c.Lifecycle != nil},
		} {
			if f.set {
				errs = append(errs, field.Forbidden(cp.Child(f.name), forbidden))
			}
		}
		for j, vm := range c.VolumeMounts {
			if vm.SubPath != "" {
				errs = append(errs, field.Forbidden(cp.Child("volumeMounts").Index(j).Child("subPath"), forbidden))
			}
			if vm.SubPathExpr != "" {
				errs = append(errs, field.Forbidden(cp.Child("volumeMounts").Index(j).Child("subPathExpr"), forbidden))
			}
		}
	}
	return errs
}

// validateCommon holds the checks every kind of container gets.
func (cv containerValidator) validateCommon(c *Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if c.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), ""))
	} else {
		errs = append(errs, validation.ValidateDNS1123Label(c.Name, p.Child("name"))...)
	}
	if c.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), ""))
	}
	switch c.TerminationMessagePolicy {
	case TerminationMessageReadFile, TerminationMessageFallbackToLogsOnError:
	case "":
		errs = append(errs, field.Required(p.Child("terminationMessagePolicy"), ""))
	default:
		errs = append(errs, field.NotSupported(p.Child("terminationMessagePolicy"), c.TerminationMessagePolicy,
			[]TerminationMessagePolicy{TerminationMessageReadFile, TerminationMessageFallbackToLogsOnError}))
	}
	errs = append(errs, validateContainerPorts(c.Ports, p.Child("ports"))...)
	errs = append(errs, validateEnv(c.Env, p.Child("env"))...)
	errs = append(errs, validateEnvFrom(c.EnvFrom, p.Child("envFrom"))...)
	errs = append(errs, cv.validateVolumeMounts(c, p.Child("volumeMounts"))...)
	errs = append(errs, cv.validateVolumeDevices(c, p.Child("volumeDevices"))...)
	errs = append(errs, validatePullPolicy(c.ImagePullPolicy, p.Child("imagePullPolicy"))...)
	errs = append(errs, validateResourceRequirements(&c.Resources, cv.claims, validateContainerResourceName, p.Child("resources"))...)
	errs = append(errs, validateResizePolicy(c.ResizePolicy, cv.restartPolicy, p.Child("resizePolicy"))...)
	return append(errs, validateSecurityContext(c.SecurityContext, p.Child("securityContext"), cv.hostUsers)...)
}

func validatePullPolicy(pp PullPolicy, p *field.Path) field.ErrorList {
	switch pp {
	case PullAlways, PullIfNotPresent, PullNever:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, pp, []PullPolicy{PullAlways, PullIfNotPresent, PullNever})}
}

func validateResizePolicy(policies []ContainerResizePolicy, podRestart RestartPolicy, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[ResourceName]bool{}
	for i, pol := range policies {
		if seen[pol.ResourceName] {
			errs = append(errs, field.Duplicate(p.Index(i), pol.ResourceName))
		}
		seen[pol.ResourceName] = true
		switch pol.ResourceName {
		case ResourceCPU, ResourceMemory:
		case "":
			errs = append(errs, field.Required(p, ""))
		default:
			errs = append(errs, field.NotSupported(p, pol.ResourceName, []ResourceName{ResourceCPU, ResourceMemory}))
		}
		switch pol.RestartPolicy {
		case NotRequired, RestartContainer:
		case "":
			errs = append(errs, field.Required(p, ""))
		default:
			errs = append(errs, field.NotSupported(p, pol.RestartPolicy, []ResourceResizeRestartPolicy{NotRequired, RestartContainer}))
		}
		if podRestart == RestartPolicyNever && pol.RestartPolicy != NotRequired {
			errs = append(errs, field.Invalid(p, pol.RestartPolicy, "must be 'NotRequired' when `restartPolicy` is 'Never'"))
		}
	}
	return errs
}

func validateContainerPorts(ports []ContainerPort, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	for i, port := range ports {
		pp := p.Index(i)
		if port.Name != "" {
			if msgs := validation.IsValidPortName(port.Name); len(msgs) != 0 {
				for _, msg := range msgs {
					errs = append(errs, field.Invalid(pp.Child("name"), port.Name, msg))
				}
			} else if names[port.Name] {
				errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
			} else {
				names[port.Name] = true
			}
		}
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(pp.Child("containerPort"), ""))
		} else {
			for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
				errs = append(errs, field.Invalid(pp.Child("containerPort"), port.ContainerPort, msg))
			}
		}
		if port.HostPort != 0 {
			for _, msg := range validation.IsValidPortNum(int(port.HostPort)) {
				errs = append(errs, field.Invalid(pp.Child("hostPort"), port.HostPort, msg))
			}
		}
		errs = append(errs, validateProtocol(port.Protocol, pp.Child("protocol"))...)
	}
	return errs
}

func validateProtocol(proto Protocol, p *field.Path) field.ErrorList {
	switch proto {
	case ProtocolTCP, ProtocolUDP, ProtocolSCTP:
		return nil
	case "":
		return field.ErrorList{field.Required(p, "")}
	}
	return field.ErrorList{field.NotSupported(p, proto, []Protocol{ProtocolSCTP, ProtocolTCP, ProtocolUDP})}
}

// checkHostPortConflicts reports the same protocol/hostIP/hostPort used twice.
func checkHostPortConflicts(containers []Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, c := range containers {
		for j, port := range c.Ports {
			if port.HostPort == 0 {
				continue
			}
			key := fmt.Sprintf("%s/%s/%d", port.Protocol, port.HostIP, port.HostPort)
			if seen[key] {
				errs = append(errs, field.Duplicate(p.Index(i).Child("ports").Index(j).Child("hostPort"), key))
			}
			seen[key] = true
		}
	}
	return errs
}

var (
	validEnvFieldPaths = []string{"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
		"spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"}
	validVolumeFieldPaths = []string{"metadata.annotations", "metadata.labels", "metadata.name",
		"metadata.namespace", "metadata.uid"}
	validResourceFieldPaths = []string{"limits.cpu", "limits.ephemeral-storage", "limits.memory",
		"requests.cpu", "requests.ephemeral-storage", "requests.memory"}
)

func validateEnv(vars []EnvVar, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, ev := range vars {
		ep := p.Index(i)
		if ev.Name == "" {
			errs = append(errs, field.Required(ep.Child("name"), ""))
		} else {
			for _, msg := range validation.IsEnvVarName(ev.Name) {
				errs = append(errs, field.Invalid(ep.Child("name"), ev.Name, msg))
			}
		}
		errs = append(errs, validateEnvVarValueFrom(ev, ep.Child("valueFrom"))...)
	}
	return errs
}

func validateEnvVarValueFrom(ev EnvVar, p *field.Path) field.ErrorList {
	from := ev.ValueFrom
	if from == nil {
		return nil
	}
	var errs field.ErrorList
	sources := 0
	if from.FieldRef != nil {
		sources++
		errs = append(errs, validateObjectFieldSelector(from.FieldRef, validEnvFieldPaths, p.Child("fieldRef"))...)
	}
	if from.ResourceFieldRef != nil {
		sources++
		errs = append(errs, validateResourceFieldSelector(from.ResourceFieldRef, false, p.Child("resourceFieldRef"))...)
	}
	if from.ConfigMapKeyRef != nil {
		sources++
		errs = append(errs, validateKeySelector(from.ConfigMapKeyRef.Name, from.ConfigMapKeyRef.Key, p.Child("configMapKeyRef"))...)
	}
	if from.SecretKeyRef != nil {
		sources++
		errs = append(errs, validateKeySelector(from.SecretKeyRef.Name, from.SecretKeyRef.Key, p.Child("secretKeyRef"))...)
	}
	switch {
	case sources == 0:
		errs = append(errs, field.Invalid(p, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
	case ev.Value != "":
		errs = append(errs, field.Invalid(p, "", "may not be specified when `value` is not empty"))
	case sources > 1:
		errs = append(errs, field.Invalid(p, "", "may not have more than one field specified at a time"))
	}
	return errs
}

func validateObjectFieldSelector(fs *ObjectFieldSelector, valid []string, p *field.Path) field.ErrorList {
	if fs.APIVersion == "" {
		return field.ErrorList{field.Required(p.Child("apiVersion"), "")}
	}
	if fs.FieldPath == "" {
		return field.ErrorList{field.Required(p.Child("fieldPath"), "")}
	}
	if fs.APIVersion != "v1" {
		return field.ErrorList{field.Invalid(p.Child("fieldPath"), fs.FieldPath,
			fmt.Sprintf("error converting fieldPath: field label not supported: %s", fs.FieldPath))}
	}
	if fp, subscript, ok := splitSubscriptedPath(fs.FieldPath); ok {
		switch fp {
		case "metadata.annotations":
			return validation.ValidateQualifiedName(strings.ToLower(subscript), p)
		case "metadata.labels":
			return validation.ValidateQualifiedName(subscript, p)
		}
		return field.ErrorList{field.Invalid(p, fp, "does not support subscript")}
	}
	if !slices.Contains(valid, fs.FieldPath) {
		return field.ErrorList{field.NotSupported(p.Child("fieldPath"), fs.FieldPath, valid)}
	}
	return nil
}

// splitSubscriptedPath splits "metadata.labels['key']" into "metadata.labels" and "key".
func splitSubscriptedPath(fp string) (string, string, bool) {
	if !strings.HasSuffix(fp, "']") {
		return fp, "", false
	}
	parts := strings.SplitN(strings.TrimSuffix(fp, "']"), "['", 2)
	if len(parts) != 2 || parts[0] == "" {
		return fp, "", false
	}
	return parts[0], parts[1], true
}

func validateResourceFieldSelector(fs *ResourceFieldSelector, volume bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch {
	case volume && fs.ContainerName == "":
		errs = append(errs, field.Required(p.Child("containerName"), ""))
	case fs.Resource == "":
		errs = append(errs, field.Required(p.Child("resource"), ""))
	case !slices.Contains(validResourceFieldPaths, fs.Resource) &&
		!strings.HasPrefix(fs.Resource, "limits.hugepages-") && !strings.HasPrefix(fs.Resource, "requests.hugepages-"):
		errs = append(errs, field.NotSupported(p.Child("resource"), fs.Resource, validResourceFieldPaths))
	}
	if fs.Divisor.IsZero() {
		return errs
	}
	divisor := fs.Divisor.String()
	memoryDivisors := []string{"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"}
	const memoryMsg = "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the "
	switch {
	case fs.Resource == "limits.cpu" || fs.Resource == "requests.cpu":
		if divisor != "1m" && divisor != "1" {
			errs = append(errs, field.Invalid(p.Child("divisor"), fs.Resource, "only divisor's values 1m and 1 are supported with the cpu resource"))
		}
	case fs.Resource == "limits.memory" || fs.Resource == "requests.memory":
		if !slices.Contains(memoryDivisors, divisor) {
			errs = append(errs, field.Invalid(p.Child("divisor"), fs.Resource, memoryMsg+"memory resource"))
		}
	case fs.Resource == "limits.ephemeral-storage" || fs.Resource == "requests.ephemeral-storage":
		if !slices.Contains(memoryDivisors, divisor) {
			errs = append(errs, field.Invalid(p.Child("divisor"), fs.Resource, memoryMsg+"local ephemeral storage resource"))
		}
	case strings.Contains(fs.Resource, ".hugepages-"):
		if !slices.Contains(memoryDivisors, divisor) {
			errs = append(errs, field.Invalid(p.Child("divisor"), fs.Resource, memoryMsg+"hugepages resource"))
		}
	}
	return errs
}

// validateKeySelector checks a configMapKeyRef or secretKeyRef.
func validateKeySelector(name, key string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.NameIsDNSSubdomain(name, false) {
		errs = append(errs, field.Invalid(p.Child("name"), name, msg))
	}
	if key == "" {
		errs = append(errs, field.Required(p.Child("key"), ""))
	} else {
		for _, msg := range validation.IsConfigMapKey(key) {
			errs = append(errs, field.Invalid(p.Child("key"), key, msg))
		}
	}
	return errs
}

func validateEnvFrom(sources []EnvFromSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, src := range sources {
		sp := p.Index(i)
		if src.Prefix != "" {
			for _, msg := range validation.IsEnvVarName(src.Prefix) {
				errs = append(errs, field.Invalid(sp.Child("prefix"), src.Prefix, msg))
			}
		}
		n := 0
		if src.ConfigMapRef != nil {
			n++
			errs = append(errs, validateEnvSourceName(src.ConfigMapRef.Name, sp.Child("configMapRef"))...)
		}
		if src.SecretRef != nil {
			n++
			errs = append(errs, validateEnvSourceName(src.SecretRef.Name, sp.Child("secretRef"))...)
		}
		if n == 0 {
			errs = append(errs, field.Invalid(p, "", "must specify one of: `configMapRef` or `secretRef`"))
		} else if n > 1 {
			errs = append(errs, field.Invalid(p, "", "may not have more than one field specified at a time"))
		}
	}
	return errs
}

func validateEnvSourceName(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p.Child("name"), "")}
	}
	var errs field.ErrorList
	for _, msg := range validation.NameIsDNSSubdomain(name, true) {
		errs = append(errs, field.Invalid(p.Child("name"), name, msg))
	}
	return errs
}

func (cv containerValidator) validateVolumeMounts(c *Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	devices := map[string]string{}
	devicePaths := map[string]bool{}
	for _, d := range c.VolumeDevices {
		devices[d.Name] = d.DevicePath
		devicePaths[d.DevicePath] = true
	}
	privileged := c.SecurityContext != nil && c.SecurityContext.Privileged != nil && *c.SecurityContext.Privileged
	mountPoints := map[string]bool{}
	for i, m := range c.VolumeMounts {
		mp := p.Index(i)
		if m.Name == "" {
			errs = append(errs, field.Required(mp.Child("name"), ""))
		}
		if _, ok := cv.volumes[m.Name]; !ok {
			errs = append(errs, field.NotFound(mp.Child("name"), m.Name))
		}
		if m.MountPath == "" {
			errs = append(errs, field.Required(mp.Child("mountPath"), ""))
		}
		if mountPoints[m.MountPath] {
			errs = append(errs, field.Invalid(mp.Child("mountPath"), m.MountPath, "must be unique"))
		}
		mountPoints[m.MountPath] = true
		if _, ok := devices[m.Name]; ok {
			errs = append(errs, field.Invalid(mp.Child("name"), m.Name, "must not already exist in volumeDevices"))
		}
		if devicePaths[m.MountPath] {
			errs = append(errs, field.Invalid(mp.Child("mountPath"), m.MountPath, "must not already exist as a path in volumeDevices"))
		}
		if v, ok := cv.volumes[m.Name]; ok && v.Image != nil {
			if m.SubPath != "" {
				errs = append(errs, field.Invalid(mp.Child("subPath"), m.SubPath, "not allowed in image volume sources"))
			}
			if m.SubPathExpr != "" {
				errs = append(errs, field.Invalid(mp.Child("subPathExpr"), m.SubPathExpr, "not allowed in image volume sources"))
			}
		}
		// As in Kubernetes, the path of these two errors names the list, not the entry.
		if m.SubPath != "" {
			errs = append(errs, validateLocalDescendingPath(m.SubPath, p.Child("subPath"))...)
		}
		if m.SubPathExpr != "" {
			if m.SubPath != "" {
				errs = append(errs, field.Invalid(mp.Child("subPathExpr"), m.SubPathExpr, "subPathExpr and subPath are mutually exclusive"))
			}
			errs = append(errs, validateLocalDescendingPath(m.SubPathExpr, p.Child("subPathExpr"))...)
		}
		if mode := m.MountPropagation; mode != nil {
			pp := p.Child("mountPropagation")
			switch *mode {
			case MountPropagationNone, MountPropagationHostToContainer:
			case MountPropagationBidirectional:
				if !privileged {
					errs = append(errs, field.Forbidden(pp, "Bidirectional mount propagation is available only to privileged containers"))
				}
			default:
				errs = append(errs, field.NotSupported(pp, *mode, []MountPropagationMode{MountPropagationBidirectional, MountPropagationHostToContainer, MountPropagationNone}))
			}
		}
		if rro := m.RecursiveReadOnly; rro != nil {
			rp := p.Child("recursiveReadOnly")
			switch *rro {
			case RecursiveReadOnlyDisabled:
			case RecursiveReadOnlyEnabled, RecursiveReadOnlyIfPossible:
				if !m.ReadOnly {
					errs = append(errs, field.Forbidden(rp, "may only be specified when readOnly is true"))
				}
				if m.MountPropagation != nil && *m.MountPropagation != MountPropagationNone {
					errs = append(errs, field.Forbidden(rp, "may only be specified when mountPropagation is None or not specified"))
				}
			default:
				errs = append(errs, field.NotSupported(rp, *rro, []RecursiveReadOnlyMode{RecursiveReadOnlyDisabled, RecursiveReadOnlyIfPossible, RecursiveReadOnlyEnabled}))
			}
		}
	}
	return errs
}

func (cv containerValidator) validateVolumeDevices(c *Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	mounts := map[string]bool{}
	mountPaths := map[string]bool{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = true
		mountPaths[m.MountPath] = true
	}
	names, paths := map[string]bool{}, map[string]bool{}
	for i, d := range c.VolumeDevices {
		dp := p.Index(i)
		src, found := cv.volumes[d.Name]
		if d.Name == "" {
			errs = append(errs, field.Required(dp.Child("name"), ""))
		}
		if names[d.Name] {
			errs = append(errs, field.Invalid(dp.Child("name"), d.Name, "must be unique"))
		}
		if found && src.PersistentVolumeClaim == nil {
			errs = append(errs, field.Invalid(dp.Child("name"), d.Name, "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"))
		}
		if !found {
			errs = append(errs, field.NotFound(dp.Child("name"), d.Name))
		}
		if d.DevicePath == "" {
			errs = append(errs, field.Required(dp.Child("devicePath"), ""))
		}
		if paths[d.DevicePath] {
			errs = append(errs, field.Invalid(dp.Child("devicePath"), d.DevicePath, "must be unique"))
		}
		if d.DevicePath != "" && len(validatePathNoBacksteps(d.DevicePath, p.Child("devicePath"))) > 0 {
			errs = append(errs, field.Invalid(dp.Child("devicePath"), d.DevicePath, "can not contain backsteps ('..')"))
		} else {
			paths[d.DevicePath] = true
		}
		if mounts[d.Name] {
			errs = append(errs, field.Invalid(dp.Child("name"), d.Name, "must not already exist in volumeMounts"))
		}
		if mountPaths[d.DevicePath] {
			errs = append(errs, field.Invalid(dp.Child("devicePath"), d.DevicePath, "must not already exist as a path in volumeMounts"))
		}
		if d.Name != "" {
			names[d.Name] = true
		}
	}
	return errs
}

// --- probes and hooks ---

func (cv containerValidator) validateProbes(c *Container, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if pr := c.LivenessProbe; pr != nil {
		errs = append(errs, cv.validateProbe(pr, p.Child("livenessProbe"))...)
		if pr.SuccessThreshold != 1 {
			errs = append(errs, field.Invalid(p.Child("livenessProbe", "successThreshold"), pr.SuccessThreshold, "must be 1"))
		}
	}
	if pr := c.ReadinessProbe; pr != nil {
		errs = append(errs, cv.validateProbe(pr, p.Child("readinessProbe"))...)
		if pr.TerminationGracePeriodSeconds != nil {
			errs = append(errs, field.Invalid(p.Child("readinessProbe", "terminationGracePeriodSeconds"), pr.TerminationGracePeriodSeconds, "must not be set for readinessProbes"))
		}
	}
	if pr := c.StartupProbe; pr != nil {
		errs = append(errs, cv.validateProbe(pr, p.Child("startupProbe"))...)
		if pr.SuccessThreshold != 1 {
			errs = append(errs, field.Invalid(p.Child("startupProbe", "successThreshold"), pr.SuccessThreshold, "must be 1"))
		}
	}
	return errs
}

func (cv containerValidator) validateProbe(pr *Probe, p *field.Path) field.ErrorList {
	h := pr.ProbeHandler
	errs := cv.validateHandler(h.Exec, h.HTTPGet, h.TCPSocket, h.GRPC, nil, p)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.InitialDelaySeconds), p.Child("initialDelaySeconds"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.TimeoutSeconds), p.Child("timeoutSeconds"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.PeriodSeconds), p.Child("periodSeconds"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.SuccessThreshold), p.Child("successThreshold"))...)
	errs = append(errs, validation.ValidateNonnegativeField(int64(pr.FailureThreshold), p.Child("failureThreshold"))...)
	if g := pr.TerminationGracePeriodSeconds; g != nil && *g <= 0 {
		errs = append(errs, field.Invalid(p.Child("terminationGracePeriodSeconds"), *g, "must be greater than 0"))
	}
	return errs
}

func (cv containerValidator) validateLifecycle(l *Lifecycle, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, hook := range []struct {
		name string
		h    *LifecycleHandler
	}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
		if hook.h != nil {
			errs = append(errs, cv.validateHandler(hook.h.Exec, hook.h.HTTPGet, hook.h.TCPSocket, nil, hook.h.Sleep, p.Child(hook.name))...)
		}
	}
	return errs
}

// validateHandler checks that exactly one action is set and that it is valid.
func (cv containerValidator) validateHandler(exec *ExecAction, httpGet *HTTPGetAction, tcp *TCPSocketAction, grpc *GRPCAction, sleep *SleepAction, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	n := 0
	one := func(name string, set bool, check func() field.ErrorList) {
		if !set {
			return
		}
		if n > 0 {
			errs = append(errs, field.Forbidden(p.Child(name), "may not specify more than 1 handler type"))
			return
		}
		n++
		errs = append(errs, check()...)
	}
	one("exec", exec != nil, func() field.ErrorList {
		if len(exec.Command) == 0 {
			return field.ErrorList{field.Required(p.Child("exec", "command"), "")}
		}
		return nil
	})
	one("httpGet", httpGet != nil, func() field.ErrorList {
		hp := p.Child("httpGet")
		var e field.ErrorList
		if httpGet.Path == "" {
			e = append(e, field.Required(hp.Child("path"), ""))
		}
		e = append(e, ValidatePortNumOrName(httpGet.Port, hp.Child("port"))...)
		if httpGet.Scheme != URISchemeHTTP && httpGet.Scheme != URISchemeHTTPS {
			e = append(e, field.NotSupported(hp.Child("scheme"), httpGet.Scheme, []URIScheme{URISchemeHTTP, URISchemeHTTPS}))
		}
		for _, h := range httpGet.HTTPHeaders {
			for _, msg := range validation.IsHTTPHeaderName(h.Name) {
				e = append(e, field.Invalid(hp.Child("httpHeaders"), h.Name, msg))
			}
		}
		return e
	})
	one("tcpSocket", tcp != nil, func() field.ErrorList {
		return ValidatePortNumOrName(tcp.Port, p.Child("tcpSocket", "port"))
	})
	one("grpc", grpc != nil, func() field.ErrorList {
		return ValidatePortNumOrName(intstr.FromInt32(grpc.Port), p.Child("grpc", "port"))
	})
	one("sleep", sleep != nil, func() field.ErrorList {
		if cv.grace != nil && (sleep.Seconds < 0 || sleep.Seconds > *cv.grace) {
			return field.ErrorList{field.Invalid(p.Child("sleep"), sleep.Seconds,
				fmt.Sprintf("must be non-negative and less than terminationGracePeriodSeconds (%d)", *cv.grace))}
		}
		return nil
	})
	if n == 0 {
		errs = append(errs, field.Required(p, "must specify a handler type"))
	}
	return errs
}

// ValidatePortNumOrName checks a port given as a number (1-65535) or an IANA service name.
func ValidatePortNumOrName(port intstr.IntOrString, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch port.Type {
	case intstr.Int:
		for _, msg := range validation.IsValidPortNum(port.IntValue()) {
			errs = append(errs, field.Invalid(p, port.IntValue(), msg))
		}
	case intstr.String:
		for _, msg := range validation.IsValidPortName(port.StrVal) {
			errs = append(errs, field.Invalid(p, port.StrVal, msg))
		}
	default:
		errs = append(errs, field.InternalError(p, fmt.Errorf("unknown type: %v", port.Type)))
	}
	return errs
}

// --- resources ---

// validateResourceRequirements checks names and quantities of requests and limits, that requests
// do not exceed limits (and equal them for resources that cannot be overcommitted), and the claims.
func validateResourceRequirements(r *ResourceRequirements, podClaims map[string]bool,
	nameFn func(ResourceName, *field.Path) field.ErrorList, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	limPath, reqPath := p.Child("limits"), p.Child("requests")
	cpuOrMemory, hugePages := false, false
	for _, name := range slices.Sorted(maps.Keys(r.Limits)) {
		q := r.Limits[name]
		np := limPath.Key(string(name))
		errs = append(errs, nameFn(name, np)...)
		errs = append(errs, ValidateResourceQuantityValue(name, q, np)...)
		hugePages = hugePages || IsHugePageResourceName(name)
		cpuOrMemory = cpuOrMemory || name == ResourceCPU || name == ResourceMemory
	}
	for _, name := range slices.Sorted(maps.Keys(r.Requests)) {
		q := r.Requests[name]
		np := reqPath.Key(string(name))
		errs = append(errs, nameFn(name, np)...)
		errs = append(errs, ValidateResourceQuantityValue(name, q, np)...)
		if limit, ok := r.Limits[name]; ok {
			if q.Cmp(limit) != 0 && !IsOvercommitAllowed(name) {
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be equal to %s limit of %s", name, limit.String())))
			} else if q.Cmp(limit) > 0 {
				errs = append(errs, field.Invalid(reqPath, q.String(), fmt.Sprintf("must be less than or equal to %s limit of %s", name, limit.String())))
			}
		} else if !IsOvercommitAllowed(name) {
			errs = append(errs, field.Required(limPath, "Limit must be set for non overcommitable resources"))
		}
		hugePages = hugePages || IsHugePageResourceName(name)
		cpuOrMemory = cpuOrMemory || name == ResourceCPU || name == ResourceMemory
	}
	if hugePages && !cpuOrMemory {
		errs = append(errs, field.Forbidden(p, "HugePages require cpu or memory"))
	}
	seen := map[string]bool{}
	for i, c := range r.Claims {
		cp := p.Child("claims").Index(i)
		if c.Name == "" {
			errs = append(errs, field.Required(cp, ""))
			continue
		}
		key := c.Name
		if c.Request != "" {
			errs = append(errs, validation.ValidateDNS1123Label(c.Request, cp.Child("request"))...)
			key += "/" + c.Request
		}
		if seen[key] {
			errs = append(errs, field.Duplicate(cp, key))
		}
		seen[key] = true
		if !podClaims[c.Name] {
			e := field.NotFound(cp, c.Name)
			e.Detail = "must be one of the names in pod.spec.resourceClaims"
			if len(podClaims) == 0 {
				e.Detail += " which is empty"
			} else {
				e.Detail += ": " + strings.Join(slices.Sorted(maps.Keys(podClaims)), ", ")
			}
			errs = append(errs, e)
		}
	}
	return errs
}

func validatePodLevelResources(r *ResourceRequirements, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if r.Claims != nil {
		errs = append(errs, field.Forbidden(p.Child("claims"), "claims cannot be set for Resources at pod-level"))
	}
	podName := func(name ResourceName, np *field.Path) field.ErrorList {
		if e := validateResourceName(name, np); len(e) > 0 {
			return e
		}
		if name != ResourceCPU && name != ResourceMemory && !IsHugePageResourceName(name) {
			return field.ErrorList{field.NotSupported(np, name, []ResourceName{ResourceCPU, ResourceMemory})}
		}
		return nil
	}
	return append(errs, validateResourceRequirements(&ResourceRequirements{Limits: r.Limits, Requests: r.Requests}, nil, podName, p)...)
}

// validateResourceName checks that a resource name is a qualified name and, without a domain, one
// Kubernetes knows.
func validateResourceName(name ResourceName, p *field.Path) field.ErrorList {
	errs := validation.ValidateQualifiedName(string(name), p)
	if len(errs) != 0 {
		return errs
	}
	if !strings.Contains(string(name), "/") && !IsStandardResourceName(name) {
		errs = append(errs, field.Invalid(p, name, "must be a standard resource type or fully qualified"))
	}
	return errs
}

// validateContainerResourceName checks a resource name a container may request.
func validateContainerResourceName(name ResourceName, p *field.Path) field.ErrorList {
	errs := validateResourceName(name, p)
	if !strings.Contains(string(name), "/") {
		if !IsStandardContainerResourceName(name) {
			errs = append(errs, field.Invalid(p, name, "must be a standard resource for containers"))
		}
	} else if !IsNativeResource(name) && !IsExtendedResourceName(name) {
		errs = append(errs, field.Invalid(p, name, "doesn't follow extended resource name standard"))
	}
	return errs
}

// ValidateResourceQuantityValue checks that a quantity is not negative, and whole for resources
// counted in whole units.
func ValidateResourceQuantityValue(name ResourceName, q resource.Quantity, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if q.Sign() < 0 {
		errs = append(errs, field.Invalid(p, q.String(), validation.IsNegativeErrorMsg))
	}
	if IsIntegerResourceName(name) && q.MilliValue()%1000 != 0 {
		errs = append(errs, field.Invalid(p, q, "must be an integer"))
	}
	return errs
}

// --- paths ---

func validatePathNoBacksteps(target string, p *field.Path) field.ErrorList {
	for _, part := range strings.Split(target, "/") {
		if part == ".." {
			return field.ErrorList{field.Invalid(p, target, "must not contain '..'")}
		}
	}
	return nil
}

func validateLocalDescendingPath(target string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if path.IsAbs(target) {
		errs = append(errs, field.Invalid(p, target, "must be a relative path"))
	}
	return append(errs, validatePathNoBacksteps(target, p)...)
}

func validateLocalNonReservedPath(target string, p *field.Path) field.ErrorList {
	errs := validateLocalDescendingPath(target, p)
	if strings.HasPrefix(path.Base(target), "..") {
		errs = append(errs, field.Invalid(p, target, "must not start with '..'"))
	}
	return errs
}

// --- resource claims ---

func validatePodResourceClaims(claims []PodResourceClaim, p *field.Path) (map[string]bool, field.ErrorList) {
	var errs field.ErrorList
	names := map[string]bool{}
	for i, c := range claims {
		cp := p.Index(i)
		switch {
		case c.Name == "":
			errs = append(errs, field.Required(cp.Child("name"), ""))
		case names[c.Name]:
			errs = append(errs, field.Duplicate(cp.Child("name"), c.Name))
		default:
			errs = append(errs, validation.ValidateDNS1123Label(c.Name, cp.Child("name"))...)
			names[c.Name] = true
		}
		if c.ResourceClaimName != nil && c.ResourceClaimTemplateName != nil {
			errs = append(errs, field.Invalid(cp, c, "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"))
		}
		if c.ResourceClaimName == nil && c.ResourceClaimTemplateName == nil {
			errs = append(errs, field.Invalid(cp, c, "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"))
		}
		if c.ResourceClaimName != nil {
			errs = append(errs, validation.ValidateDNS1123Subdomain(*c.ResourceClaimName, cp.Child("resourceClaimName"))...)
		}
		if c.ResourceClaimTemplateName != nil {
			errs = append(errs, validation.ValidateDNS1123Subdomain(*c.ResourceClaimTemplateName, cp.Child("resourceClaimTemplateName"))...)
		}
	}
	return names, errs
}
