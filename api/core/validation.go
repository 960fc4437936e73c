package core

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/api/equality"
	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/api/validation"
)

// --- Node ---

// ValidateNode checks a Node being created: cluster-scoped metadata, taints, resource quantities in
// the status, and pod CIDRs.
func ValidateNode(node *Node) field.ErrorList {
	errs := meta.ValidateObjectMeta(&node.ObjectMeta, false, ValidateNodeName, field.NewPath("metadata"))
	errs = append(errs, validateNodeTaints(node.Spec.Taints, field.NewPath("spec", "taints"))...)
	errs = append(errs, validateNodeResources(node)...)
	if cidrs := node.Spec.PodCIDRs; len(cidrs) > 0 {
		p := field.NewPath("spec", "podCIDRs")
		var cidrErrs field.ErrorList
		for i, c := range cidrs {
			cidrErrs = append(cidrErrs, validation.IsValidCIDR(p.Index(i), c)...)
		}
		errs = append(errs, cidrErrs...)
		if len(cidrs) > 1 && len(cidrErrs) == 0 {
			seen := map[string]bool{}
			v4 := 0
			for i, c := range cidrs {
				if seen[c] {
					errs = append(errs, field.Duplicate(p.Index(i), c))
				}
				seen[c] = true
				if !strings.Contains(c, ":") {
					v4++
				}
			}
			if len(cidrs) > 2 || v4 != 1 {
				errs = append(errs, field.Invalid(p, cidrs, "may specify no more than one CIDR for each IP family"))
			}
		}
	}
	return errs
}

// ValidateNodeUpdate checks a change to a Node: podCIDRs and providerID may only be set once,
// externalID never changes, addresses are unique, and taints and quantities stay valid.
func ValidateNodeUpdate(node, old *Node) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&node.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateNodeResources(node)...)
	errs = append(errs, validateNodeAddresses(node.Status.Addresses)...)
	if len(old.Spec.PodCIDRs) > 0 && !reflect.DeepEqual(old.Spec.PodCIDRs, node.Spec.PodCIDRs) {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "podCIDRs"), "node updates may not change podCIDR except from \"\" to valid"))
	}
	if old.Spec.ProviderID != "" && old.Spec.ProviderID != node.Spec.ProviderID {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "providerID"), "node updates may not change providerID except from \"\" to valid"))
	}
	errs = append(errs, validateNodeTaints(node.Spec.Taints, field.NewPath("spec", "taints"))...)
	if node.Spec.DoNotUseExternalID != old.Spec.DoNotUseExternalID {
		errs = append(errs, field.Forbidden(field.NewPath("spec", "externalID"), "may not be updated"))
	}
	return errs
}

// ValidateNodeStatusUpdate checks a write to nodes/status: valid quantities, unique addresses and
// condition statuses.
func ValidateNodeStatusUpdate(node, old *Node) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&node.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateNodeResources(node)...)
	errs = append(errs, validateNodeAddresses(node.Status.Addresses)...)
	for i, c := range node.Status.Conditions {
		errs = append(errs, validateConditionStatus(c.Status, field.NewPath("status", "conditions").Index(i).Child("status"))...)
	}
	return errs
}

func validateNodeResources(node *Node) field.ErrorList {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(node.Status.Capacity)) {
		errs = append(errs, ValidateResourceQuantityValue(k, node.Status.Capacity[k], field.NewPath("status", "capacity", string(k)))...)
	}
	for _, k := range slices.Sorted(maps.Keys(node.Status.Allocatable)) {
		errs = append(errs, ValidateResourceQuantityValue(k, node.Status.Allocatable[k], field.NewPath("status", "allocatable", string(k)))...)
	}
	return errs
}

func validateNodeAddresses(addrs []NodeAddress) field.ErrorList {
	var errs field.ErrorList
	seen := map[NodeAddress]bool{}
	for i, a := range addrs {
		if seen[a] {
			errs = append(errs, field.Duplicate(field.NewPath("status", "addresses").Index(i), a))
		}
		seen[a] = true
	}
	return errs
}

// validateNodeTaints checks taint keys, values and effects, and that no key and effect pair repeats.
func validateNodeTaints(taints []Taint, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	type keyEffect struct {
		key    string
		effect TaintEffect
	}
	seen := map[keyEffect]bool{}
	for i, t := range taints {
		tp := p.Index(i)
		errs = append(errs, validation.ValidateLabelName(t.Key, tp.Child("key"))...)
		if msgs := validation.IsValidLabelValue(t.Value); len(msgs) != 0 {
			errs = append(errs, field.Invalid(tp.Child("value"), t.Value, strings.Join(msgs, ";")))
		}
		errs = append(errs, validateTaintEffect(t.Effect, false, tp.Child("effect"))...)
		if seen[keyEffect{t.Key, t.Effect}] {
			e := field.Duplicate(tp, t)
			e.Detail = "taints must be unique by key and effect pair"
			errs = append(errs, e)
			continue
		}
		seen[keyEffect{t.Key, t.Effect}] = true
	}
	return errs
}

// --- Namespace ---

// ValidateNamespace checks a Namespace being created: a DNS-1123 label name, and finalizer names.
func ValidateNamespace(ns *Namespace) field.ErrorList {
	errs := meta.ValidateObjectMeta(&ns.ObjectMeta, false, ValidateNamespaceName, field.NewPath("metadata"))
	for i, f := range ns.Spec.Finalizers {
		errs = append(errs, validateNamespaceFinalizer(string(f), field.NewPath("spec", "finalizers").Index(i))...)
	}
	return errs
}

func validateNamespaceFinalizer(f string, p *field.Path) field.ErrorList {
	errs := validation.ValidateQualifiedName(f, p)
	if !strings.Contains(f, "/") && f != string(FinalizerKubernetes) &&
		f != meta.FinalizerOrphanDependents && f != meta.FinalizerDeleteDependents {
		errs = append(errs, field.Invalid(p, f, "name is neither a standard finalizer name nor is it fully qualified"))
	}
	return errs
}

// ValidateNamespaceUpdate checks a change to a Namespace through the main resource; spec and status
// are reset to their old values by PrepareNamespaceForUpdate, so only metadata is checked.
func ValidateNamespaceUpdate(ns, old *Namespace) field.ErrorList {
	return meta.ValidateObjectMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
}

// ValidateNamespaceStatusUpdate checks a write to namespaces/status: the phase is Active until
// deletion starts and Terminating after.
func ValidateNamespaceStatusUpdate(ns, old *Namespace) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	p := field.NewPath("status", "phase")
	if ns.DeletionTimestamp == nil || ns.DeletionTimestamp.IsZero() {
		if ns.Status.Phase != NamespaceActive {
			errs = append(errs, field.Invalid(p, ns.Status.Phase, "may only be 'Active' if `deletionTimestamp` is empty"))
		}
	} else if ns.Status.Phase != NamespaceTerminating {
		errs = append(errs, field.Invalid(p, ns.Status.Phase, "may only be 'Terminating' if `deletionTimestamp` is not empty"))
	}
	for i, c := range ns.Status.Conditions {
		errs = append(errs, validateConditionStatus(c.Status, field.NewPath("status", "conditions").Index(i).Child("status"))...)
	}
	return errs
}

// ValidateNamespaceFinalizeUpdate checks a write to namespaces/finalize, which changes spec.finalizers.
func ValidateNamespaceFinalizeUpdate(ns, old *Namespace) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&ns.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	for i, f := range ns.Spec.Finalizers {
		errs = append(errs, validateNamespaceFinalizer(string(f), field.NewPath("spec", "finalizers").Index(i))...)
	}
	return errs
}

// --- Secret, ConfigMap, ServiceAccount ---

// ValidateSecret checks a Secret: keys are valid config keys, the data is at most 1 MiB, and typed
// secrets carry the keys their type needs.
func ValidateSecret(s *Secret) field.ErrorList {
	errs := meta.ValidateObjectMeta(&s.ObjectMeta, true, ValidateSecretName, field.NewPath("metadata"))
	dataPath := field.NewPath("data")
	total := 0
	for _, k := range slices.Sorted(maps.Keys(s.Data)) {
		for _, msg := range validation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(dataPath.Key(k), k, msg))
		}
		total += len(s.Data[k])
	}
	if total > MaxSecretSize {
		errs = append(errs, field.TooLong(dataPath, "", MaxSecretSize))
	}
	requireKey := func(key string) {
		if _, ok := s.Data[key]; !ok {
			errs = append(errs, field.Required(dataPath.Key(key), ""))
		}
	}
	requireJSON := func(key string) {
		b, ok := s.Data[key]
		if !ok {
			errs = append(errs, field.Required(dataPath.Key(key), ""))
			return
		}
		if err := json.Unmarshal(b, &map[string]any{}); err != nil {
			errs = append(errs, field.Invalid(dataPath.Key(key), "<secret contents redacted>", err.Error()))
		}
	}
	switch s.Type {
	case SecretTypeServiceAccountToken:
		if s.Annotations[ServiceAccountNameKey] == "" {
			errs = append(errs, field.Required(field.NewPath("metadata", "annotations").Key(ServiceAccountNameKey), ""))
		}
	case SecretTypeDockercfg:
		requireJSON(DockerConfigKey)
	case SecretTypeDockerConfigJSON:
		requireJSON(DockerConfigJSONKey)
	case SecretTypeBasicAuth:
		_, user := s.Data[BasicAuthUsernameKey]
		_, pass := s.Data[BasicAuthPasswordKey]
		if !user && !pass {
			errs = append(errs, field.Required(dataPath.Key(BasicAuthUsernameKey), ""),
				field.Required(dataPath.Key(BasicAuthPasswordKey), ""))
		}
	case SecretTypeSSHAuth:
		if len(s.Data[SSHAuthPrivateKey]) == 0 {
			errs = append(errs, field.Required(dataPath.Key(SSHAuthPrivateKey), ""))
		}
	case SecretTypeTLS:
		requireKey(TLSCertKey)
		requireKey(TLSPrivateKeyKey)
	}
	return errs
}

// ValidateSecretUpdate checks a change to a Secret: the type never changes, and an immutable
// secret keeps its data and stays immutable.
func ValidateSecretUpdate(s, old *Secret) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&s.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validation.ValidateImmutableField(s.Type, old.Type, field.NewPath("type"))...)
	if old.Immutable != nil && *old.Immutable {
		if s.Immutable == nil || !*s.Immutable {
			errs = append(errs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
		}
		if !equality.DeepEqual(s.Data, old.Data) {
			errs = append(errs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
		}
	}
	return append(errs, ValidateSecret(s)...)
}

// ValidateConfigMap checks a ConfigMap: keys are valid config keys, no key is in both data and
// binaryData, and the data is at most 1 MiB.
func ValidateConfigMap(cm *ConfigMap) field.ErrorList {
	errs := meta.ValidateObjectMeta(&cm.ObjectMeta, true, ValidateConfigMapName, field.NewPath("metadata"))
	total := 0
	for _, k := range slices.Sorted(maps.Keys(cm.Data)) {
		for _, msg := range validation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(k), k, msg))
		}
		if _, dup := cm.BinaryData[k]; dup {
			errs = append(errs, field.Invalid(field.NewPath("data").Key(k), k, "duplicate of key present in binaryData"))
		}
		total += len(cm.Data[k])
	}
	for _, k := range slices.Sorted(maps.Keys(cm.BinaryData)) {
		for _, msg := range validation.IsConfigMapKey(k) {
			errs = append(errs, field.Invalid(field.NewPath("binaryData").Key(k), k, msg))
		}
		total += len(cm.BinaryData[k])
	}
	if total > MaxSecretSize {
		errs = append(errs, field.TooLong(field.NewPath(""), "", MaxSecretSize))
	}
	return errs
}

// ValidateConfigMapUpdate checks a change to a ConfigMap: an immutable one keeps its data and
// stays immutable.
func ValidateConfigMapUpdate(cm, old *ConfigMap) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&cm.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	if old.Immutable != nil && *old.Immutable {
		if cm.Immutable == nil || !*cm.Immutable {
			errs = append(errs, field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set"))
		}
		if !equality.DeepEqual(cm.Data, old.Data) {
			errs = append(errs, field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set"))
		}
		if !equality.DeepEqual(cm.BinaryData, old.BinaryData) {
			errs = append(errs, field.Forbidden(field.NewPath("binaryData"), "field is immutable when `immutable` is set"))
		}
	}
	return append(errs, ValidateConfigMap(cm)...)
}

// ValidateServiceAccount checks a ServiceAccount; only its metadata has rules.
func ValidateServiceAccount(sa *ServiceAccount) field.ErrorList {
	return meta.ValidateObjectMeta(&sa.ObjectMeta, true, ValidateServiceAccountName, field.NewPath("metadata"))
}

// ValidateServiceAccountUpdate checks a change to a ServiceAccount.
func ValidateServiceAccountUpdate(sa, old *ServiceAccount) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&sa.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidateServiceAccount(sa)...)
}

// --- ResourceQuota ---

const isInvalidQuotaResource = "must be a standard resource for quota"

// ValidateResourceQuota checks a ResourceQuota: resource names a quota can track, non-negative (and
// for counts, whole) quantities, and scopes that fit the tracked resources.
func ValidateResourceQuota(q *ResourceQuota) field.ErrorList {
	errs := meta.ValidateObjectMeta(&q.ObjectMeta, true, ValidateResourceQuotaName, field.NewPath("metadata"))
	errs = append(errs, validateResourceQuotaSpec(&q.Spec, field.NewPath("spec"))...)
	errs = append(errs, validateQuotaResources(q.Status.Hard, field.NewPath("status", "hard"))...)
	return append(errs, validateQuotaResources(q.Status.Used, field.NewPath("status", "used"))...)
}

// ValidateResourceQuotaUpdate checks a change to a ResourceQuota; its scopes may not change.
func ValidateResourceQuotaUpdate(q, old *ResourceQuota) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&q.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateResourceQuotaSpec(&q.Spec, field.NewPath("spec"))...)
	oldScopes, newScopes := map[ResourceQuotaScope]bool{}, map[ResourceQuotaScope]bool{}
	for _, s := range old.Spec.Scopes {
		oldScopes[s] = true
	}
	for _, s := range q.Spec.Scopes {
		newScopes[s] = true
	}
	if !reflect.DeepEqual(oldScopes, newScopes) {
		errs = append(errs, field.Invalid(field.NewPath("spec", "scopes"), q.Spec.Scopes, validation.FieldImmutableErrorMsg))
	}
	return errs
}

// ValidateResourceQuotaStatusUpdate checks a write to resourcequotas/status.
func ValidateResourceQuotaStatusUpdate(q, old *ResourceQuota) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&q.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	errs = append(errs, validateQuotaResources(q.Status.Hard, field.NewPath("status", "hard"))...)
	return append(errs, validateQuotaResources(q.Status.Used, field.NewPath("status", "used"))...)
}

func validateQuotaResources(list ResourceList, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(list)) {
		rp := p.Key(string(k))
		errs = append(errs, validateResourceName(k, rp)...)
		if !strings.Contains(string(k), "/") && !IsStandardQuotaResourceName(k) {
			errs = append(errs, field.Invalid(rp, k, isInvalidQuotaResource))
		}
		errs = append(errs, ValidateResourceQuantityValue(k, list[k], rp)...)
	}
	return errs
}

var standardQuotaScopes = []ResourceQuotaScope{ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating,
	ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort, ResourceQuotaScopePriorityClass,
	ResourceQuotaScopeCrossNamespacePodAffinity, ResourceQuotaScopeVolumeAttributesClass}

// quotaScopeFitsResource reports whether a scope can filter the objects a resource counts.
func quotaScopeFitsResource(scope ResourceQuotaScope, name ResourceName) bool {
	podCount := name == ResourcePods
	podCompute := name == ResourceCPU || name == ResourceMemory || name == ResourceLimitsCPU ||
		name == ResourceLimitsMemory || name == ResourceRequestsCPU || name == ResourceRequestsMemory
	switch scope {
	case ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeNotBestEffort,
		ResourceQuotaScopePriorityClass, ResourceQuotaScopeCrossNamespacePodAffinity:
		return podCount || podCompute
	case ResourceQuotaScopeBestEffort:
		return podCount
	case ResourceQuotaScopeVolumeAttributesClass:
		return name == ResourcePersistentVolumeClaims || name == ResourceRequestsStorage
	}
	return true
}

func validateResourceQuotaSpec(spec *ResourceQuotaSpec, p *field.Path) field.ErrorList {
	errs := validateQuotaResources(spec.Hard, p.Child("hard"))
	hard := slices.Sorted(maps.Keys(spec.Hard))
	conflicting := func(set map[ResourceQuotaScope]bool) bool {
		return (set[ResourceQuotaScopeBestEffort] && set[ResourceQuotaScopeNotBestEffort]) ||
			(set[ResourceQuotaScopeTerminating] && set[ResourceQuotaScopeNotTerminating])
	}
	if len(spec.Scopes) > 0 {
		sp := p.Child("scopes")
		set := map[ResourceQuotaScope]bool{}
		for _, scope := range spec.Scopes {
			if !containsValue(standardQuotaScopes, scope) {
				errs = append(errs, field.Invalid(sp, spec.Scopes, "unsupported scope"))
			}
			for _, k := range hard {
				if IsStandardQuotaResourceName(k) && !quotaScopeFitsResource(scope, k) {
					errs = append(errs, field.Invalid(sp, spec.Scopes, "unsupported scope applied to resource"))
				}
			}
			set[scope] = true
		}
		if conflicting(set) {
			errs = append(errs, field.Invalid(sp, spec.Scopes, "conflicting scopes"))
		}
	}
	if spec.ScopeSelector != nil {
		mp := p.Child("scopeSelector", "matchExpressions")
		set := map[ResourceQuotaScope]bool{}
		for _, req := range spec.ScopeSelector.MatchExpressions {
			if !containsValue(standardQuotaScopes, req.ScopeName) {
				errs = append(errs, field.Invalid(mp.Child("scopeName"), req.ScopeName, "unsupported scope"))
			}
			for _, k := range hard {
				if IsStandardQuotaResourceName(k) && !quotaScopeFitsResource(req.ScopeName, k) {
					errs = append(errs, field.Invalid(mp, spec.ScopeSelector, "unsupported scope applied to resource"))
				}
			}
			switch req.ScopeName {
			case ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort, ResourceQuotaScopeTerminating,
				ResourceQuotaScopeNotTerminating, ResourceQuotaScopeCrossNamespacePodAffinity:
				if req.Operator != ScopeSelectorOpExists {
					errs = append(errs, field.Invalid(mp.Child("operator"), req.Operator,
						"must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"))
				}
			}
			switch req.Operator {
			case ScopeSelectorOpIn, ScopeSelectorOpNotIn:
				if len(req.Values) == 0 {
					errs = append(errs, field.Required(mp.Child("values"), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"))
				}
			case ScopeSelectorOpExists, ScopeSelectorOpDoesNotExist:
				if len(req.Values) != 0 {
					errs = append(errs, field.Invalid(mp.Child("values"), req.Values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"))
				}
			default:
				errs = append(errs, field.Invalid(mp.Child("operator"), req.Operator, "not a valid selector operator"))
			}
			set[req.ScopeName] = true
		}
		if conflicting(set) {
			errs = append(errs, field.Invalid(mp, spec.Scopes, "conflicting scopes"))
		}
	}
	return errs
}

// --- LimitRange ---

// ValidateLimitRange checks a LimitRange: one item per type, valid resource names, and for each
// resource min <= defaultRequest <= default <= max, with max/min ratios that fit.
func ValidateLimitRange(lr *LimitRange) field.ErrorList {
	errs := meta.ValidateObjectMeta(&lr.ObjectMeta, true, ValidateLimitRangeName, field.NewPath("metadata"))
	types := map[LimitType]bool{}
	for i := range lr.Spec.Limits {
		item := &lr.Spec.Limits[i]
		ip := field.NewPath("spec", "limits").Index(i)
		errs = append(errs, validateLimitType(item.Type, ip.Child("type"))...)
		if types[item.Type] {
			errs = append(errs, field.Duplicate(ip.Child("type"), item.Type))
		}
		types[item.Type] = true
		errs = append(errs, validateLimitRangeItem(item, ip)...)
	}
	return errs
}

// ValidateLimitRangeUpdate checks a change to a LimitRange.
func ValidateLimitRangeUpdate(lr, old *LimitRange) field.ErrorList {
	errs := meta.ValidateObjectMetaUpdate(&lr.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, ValidateLimitRange(lr)...)
}

func validateLimitType(t LimitType, p *field.Path) field.ErrorList {
	errs := validation.ValidateQualifiedName(string(t), p)
	if len(errs) == 0 && !strings.Contains(string(t), "/") &&
		t != LimitTypePod && t != LimitTypeContainer && t != LimitTypePersistentVolumeClaim {
		errs = append(errs, field.Invalid(p, t, "must be a standard limit type or fully qualified"))
	}
	return errs
}

func validateLimitRangeItem(item *LimitRangeItem, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	nameFn := validateResourceName
	if item.Type == LimitTypePod || item.Type == LimitTypeContainer {
		nameFn = validateContainerResourceName
	}
	keys := map[ResourceName]bool{}
	collect := func(list ResourceList, child string) {
		for _, k := range slices.Sorted(maps.Keys(list)) {
			errs = append(errs, nameFn(k, p.Child(child).Key(string(k)))...)
			keys[k] = true
		}
	}
	collect(item.Max, "max")
	collect(item.Min, "min")
	// A Pod item has no defaults: they are reported and then left out of the comparisons.
	defaults, defaultRequests := item.Default, item.DefaultRequest
	if item.Type == LimitTypePod {
		if len(item.Default) > 0 {
			errs = append(errs, field.Forbidden(p.Child("default"), "may not be specified when `type` is 'Pod'"))
		}
		if len(item.DefaultRequest) > 0 {
			errs = append(errs, field.Forbidden(p.Child("defaultRequest"), "may not be specified when `type` is 'Pod'"))
		}
		defaults, defaultRequests = nil, nil
	} else {
		collect(item.Default, "default")
		collect(item.DefaultRequest, "defaultRequest")
	}
	if item.Type == LimitTypePersistentVolumeClaim {
		_, hasMin := item.Min[ResourceStorage]
		_, hasMax := item.Max[ResourceStorage]
		if !hasMin && !hasMax {
			errs = append(errs, field.Required(p.Child("limits"), "either minimum or maximum storage value is required, but neither was provided"))
		}
	}
	collect(item.MaxLimitRequestRatio, "maxLimitRequestRatio")

	for _, k := range slices.Sorted(maps.Keys(keys)) {
		minQ, hasMin := item.Min[k]
		maxQ, hasMax := item.Max[k]
		def, hasDef := defaults[k]
		defReq, hasDefReq := defaultRequests[k]
		ratio, hasRatio := item.MaxLimitRequestRatio[k]
		kp := func(child string) *field.Path { return p.Child(child).Key(string(k)) }

		if hasMin && hasMax && minQ.Cmp(maxQ) > 0 {
			errs = append(errs, field.Invalid(kp("min"), minQ, fmt.Sprintf("min value %s is greater than max value %s", minQ.String(), maxQ.String())))
		}
		if hasDefReq && hasMin && minQ.Cmp(defReq) > 0 {
			errs = append(errs, field.Invalid(kp("defaultRequest"), defReq, fmt.Sprintf("min value %s is greater than default request value %s", minQ.String(), defReq.String())))
		}
		if hasDefReq && hasMax && defReq.Cmp(maxQ) > 0 {
			errs = append(errs, field.Invalid(kp("defaultRequest"), defReq, fmt.Sprintf("default request value %s is greater than max value %s", defReq.String(), maxQ.String())))
		}
		if hasDefReq && hasDef && defReq.Cmp(def) > 0 {
			errs = append(errs, field.Invalid(kp("defaultRequest"), defReq, fmt.Sprintf("default request value %s is greater than default limit value %s", defReq.String(), def.String())))
		}
		if hasDef && hasMin && minQ.Cmp(def) > 0 {
			errs = append(errs, field.Invalid(kp("default"), minQ, fmt.Sprintf("min value %s is greater than default value %s", minQ.String(), def.String())))
		}
		if hasDef && hasMax && def.Cmp(maxQ) > 0 {
			errs = append(errs, field.Invalid(kp("default"), maxQ, fmt.Sprintf("default value %s is greater than max value %s", def.String(), maxQ.String())))
		}
		if hasRatio && ratio.Cmp(resource.NewQuantity(1, resource.DecimalSI)) < 0 {
			errs = append(errs, field.Invalid(kp("maxLimitRequestRatio"), ratio, fmt.Sprintf("ratio %s is less than 1", ratio.String())))
		}
		if hasRatio && hasMin && hasMax {
			const maxMilliValue = math.MaxInt64 / 1000
			ratioValue := float64(ratio.Value())
			minValue, maxValue := minQ.Value(), maxQ.Value()
			if ratio.Value() < maxMilliValue && minValue < maxMilliValue && maxValue < maxMilliValue {
				ratioValue = float64(ratio.MilliValue()) / 1000
				minValue, maxValue = minQ.MilliValue(), maxQ.MilliValue()
			}
			if limit := float64(maxValue) / float64(minValue); ratioValue > limit {
				errs = append(errs, field.Invalid(kp("maxLimitRequestRatio"), ratio, fmt.Sprintf("ratio %s is greater than max/min = %f", ratio.String(), limit)))
			}
		}
		if !IsOvercommitAllowed(k) && hasDef && hasDefReq && def.Cmp(defReq) != 0 {
			errs = append(errs, field.Invalid(kp("defaultRequest"), defReq, fmt.Sprintf("default value %s must equal to defaultRequest value %s in %s", def.String(), defReq.String(), k)))
		}
	}
	return errs
}

// --- Event ---

// The length limits of event fields.
const (
	reportingInstanceLengthLimit = 128
	actionLengthLimit            = 128
	reasonLengthLimit            = 128
	noteLengthLimit              = 1024
)

// ValidateEvent checks a core/v1 Event the way Kubernetes checks events written through core/v1:
// the event's namespace matches its object's, and events that carry an eventTime (the newer form)
// name a reporting controller and instance, an action and a reason within length limits. Like
// Kubernetes, core/v1 events get no further metadata validation, for compatibility with old
// clients.
func ValidateEvent(e *Event) field.ErrorList {
	var errs field.ErrorList
	involvedNS := field.NewPath("involvedObject", "namespace")
	if e.EventTime.IsZero() {
		if e.InvolvedObject.Namespace == "" {
			if e.Namespace != "" && e.Namespace != NamespaceDefault {
				errs = append(errs, field.Invalid(involvedNS, e.InvolvedObject.Namespace, "does not match event.namespace"))
			}
		} else if e.Namespace != e.InvolvedObject.Namespace {
			errs = append(errs, field.Invalid(involvedNS, e.InvolvedObject.Namespace, "does not match event.namespace"))
		}
	} else {
		if e.InvolvedObject.Namespace == "" && e.Namespace != NamespaceDefault && e.Namespace != NamespaceSystem {
			errs = append(errs, field.Invalid(involvedNS, e.InvolvedObject.Namespace, "does not match event.namespace"))
		}
		if e.ReportingController == "" {
			errs = append(errs, field.Required(field.NewPath("reportingController"), ""))
		}
		for _, msg := range validation.IsQualifiedName(e.ReportingController) {
			errs = append(errs, field.Invalid(field.NewPath("reportingController"), e.ReportingController, msg))
		}
		if e.ReportingInstance == "" {
			errs = append(errs, field.Required(field.NewPath("reportingInstance"), ""))
		}
		if len(e.ReportingInstance) > reportingInstanceLengthLimit {
			errs = append(errs, field.Invalid(field.NewPath("reportingInstance"), "", fmt.Sprintf("can have at most %v characters", reportingInstanceLengthLimit)))
		}
		if e.Action == "" {
			errs = append(errs, field.Required(field.NewPath("action"), ""))
		}
		if len(e.Action) > actionLengthLimit {
			errs = append(errs, field.Invalid(field.NewPath("action"), "", fmt.Sprintf("can have at most %v characters", actionLengthLimit)))
		}
		if e.Reason == "" {
			errs = append(errs, field.Required(field.NewPath("reason"), ""))
		}
		if len(e.Reason) > reasonLengthLimit {
			errs = append(errs, field.Invalid(field.NewPath("reason"), "", fmt.Sprintf("can have at most %v characters", reasonLengthLimit)))
		}
		if len(e.Message) > noteLengthLimit {
			errs = append(errs, field.Invalid(field.NewPath("message"), "", fmt.Sprintf("can have at most %v characters", noteLengthLimit)))
		}
	}
	for _, msg := range validation.IsDNS1123Subdomain(e.Namespace) {
		errs = append(errs, field.Invalid(field.NewPath("namespace"), e.Namespace, msg))
	}
	return errs
}

// ValidateEventUpdate checks a change to a core/v1 Event: the new event must pass ValidateEvent.
func ValidateEventUpdate(e, old *Event) field.ErrorList {
	return ValidateEvent(e)
}
