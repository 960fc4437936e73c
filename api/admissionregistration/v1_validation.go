package admissionregistration

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/skiff-io/skiff/api/field"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/validation"
)

// AcceptedAdmissionReviewVersions are the AdmissionReview versions a webhook may ask for; one of
// its admissionReviewVersions must be among them.
var AcceptedAdmissionReviewVersions = []string{"v1", "v1beta1"}

// ValidateMutatingWebhookConfiguration checks a new configuration as kube-apiserver does: the name,
// and for each webhook a fully qualified name unique in the configuration, its rules, failure,
// match and reinvocation policies, sideEffects None or NoneOnDryRun, timeoutSeconds 1 to 30, the
// selectors, exactly one of an https URL and a service, and admissionReviewVersions.
func ValidateMutatingWebhookConfiguration(c *MutatingWebhookConfiguration) field.ErrorList {
	return validateMutating(c, strictOptions)
}

// ValidateMutatingWebhookConfigurationUpdate checks a change. As in Kubernetes, a rule that the old
// object already broke (a side-effect class v1 no longer accepts, an unknown review version, a
// duplicate webhook name, an invalid label value in a selector) is not enforced on the update, so
// that objects stored by older servers can still be edited.
func ValidateMutatingWebhookConfigurationUpdate(c, old *MutatingWebhookConfiguration) field.ErrorList {
	hooks := make([]webhookFields, len(old.Webhooks))
	for i := range old.Webhooks {
		hooks[i] = mutatingFields(&old.Webhooks[i])
	}
	errs := meta.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateMutating(c, relaxedOptions(hooks))...)
}

// ValidateValidatingWebhookConfiguration checks a new configuration; see
// ValidateMutatingWebhookConfiguration.
func ValidateValidatingWebhookConfiguration(c *ValidatingWebhookConfiguration) field.ErrorList {
	return validateValidating(c, strictOptions)
}

// ValidateValidatingWebhookConfigurationUpdate checks a change; see
// ValidateMutatingWebhookConfigurationUpdate.
func ValidateValidatingWebhookConfigurationUpdate(c, old *ValidatingWebhookConfiguration) field.ErrorList {
	hooks := make([]webhookFields, len(old.Webhooks))
	for i := range old.Webhooks {
		hooks[i] = validatingFields(&old.Webhooks[i])
	}
	errs := meta.ValidateObjectMetaUpdate(&c.ObjectMeta, &old.ObjectMeta, field.NewPath("metadata"))
	return append(errs, validateValidating(c, relaxedOptions(hooks))...)
}

// validationOptions are the checks an update may skip because the old object failed them too.
type validationOptions struct {
	requireNoSideEffects           bool
	requireRecognizedReviewVersion bool
	requireUniqueNames             bool
	allowInvalidLabelValue         bool
}

var strictOptions = validationOptions{requireNoSideEffects: true, requireRecognizedReviewVersion: true, requireUniqueNames: true}

func relaxedOptions(old []webhookFields) validationOptions {
	opts := strictOptions
	names := map[string]bool{}
	for _, h := range old {
		if h.sideEffects == nil || !slices.Contains(noSideEffectClasses, *h.sideEffects) {
			opts.requireNoSideEffects = false
		}
		if len(h.reviewVersions) > 0 && !slices.ContainsFunc(h.reviewVersions, isAcceptedReviewVersion) {
			opts.requireRecognizedReviewVersion = false
		}
		if names[h.name] {
			opts.requireUniqueNames = false
		}
		names[h.name] = true
		for _, sel := range []*meta.LabelSelector{h.namespaceSelector, h.objectSelector} {
			if len(meta.ValidateLabelSelector(sel, meta.LabelSelectorOptions{}, field.NewPath("x"))) > 0 {
				opts.allowInvalidLabelValue = true
			}
		}
	}
	return opts
}

// webhookFields are the fields mutating and validating webhooks share, so one function checks both.
type webhookFields struct {
	name              string
	clientConfig      *WebhookClientConfig
	rules             []RuleWithOperations
	failurePolicy     *FailurePolicyType
	matchPolicy       *MatchPolicyType
	namespaceSelector *meta.LabelSelector
	objectSelector    *meta.LabelSelector
	sideEffects       *SideEffectClass
	timeoutSeconds    *int32
	reviewVersions    []string
	matchConditions   []MatchCondition
}

func mutatingFields(w *MutatingWebhook) webhookFields {
	return webhookFields{w.Name, &w.ClientConfig, w.Rules, w.FailurePolicy, w.MatchPolicy, w.NamespaceSelector,
		w.ObjectSelector, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions, w.MatchConditions}
}

func validatingFields(w *ValidatingWebhook) webhookFields {
	return webhookFields{w.Name, &w.ClientConfig, w.Rules, w.FailurePolicy, w.MatchPolicy, w.NamespaceSelector,
		w.ObjectSelector, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions, w.MatchConditions}
}

func validateMutating(c *MutatingWebhookConfiguration, opts validationOptions) field.ErrorList {
	errs := meta.ValidateObjectMeta(&c.ObjectMeta, false, validation.NameIsDNSSubdomain, field.NewPath("metadata"))
	names := map[string]bool{}
	for i := range c.Webhooks {
		w := &c.Webhooks[i]
		p := field.NewPath("webhooks").Index(i)
		errs = append(errs, validateWebhook(mutatingFields(w), opts, names, p)...)
		if w.ReinvocationPolicy != nil && !slices.Contains(reinvocationPolicies, *w.ReinvocationPolicy) {
			errs = append(errs, field.NotSupported(p.Child("reinvocationPolicy"), *w.ReinvocationPolicy, reinvocationPolicies))
		}
	}
	return errs
}

func validateValidating(c *ValidatingWebhookConfiguration, opts validationOptions) field.ErrorList {
	errs := meta.ValidateObjectMeta(&c.ObjectMeta, false, validation.NameIsDNSSubdomain, field.NewPath("metadata"))
	names := map[string]bool{}
	for i := range c.Webhooks {
		errs = append(errs, validateWebhook(validatingFields(&c.Webhooks[i]), opts, names, field.NewPath("webhooks").Index(i))...)
	}
	return errs
}

// The accepted values, sorted as Kubernetes lists them in NotSupported errors.
var (
	failurePolicies      = []FailurePolicyType{Fail, Ignore}
	matchPolicies        = []MatchPolicyType{Equivalent, Exact}
	noSideEffectClasses  = []SideEffectClass{SideEffectClassNone, SideEffectClassNoneOnDryRun}
	anySideEffectClasses = []SideEffectClass{SideEffectClassNone, SideEffectClassNoneOnDryRun, SideEffectClassSome, SideEffectClassUnknown}
	operations           = []OperationType{OperationAll, OperationConnect, OperationCreate, OperationDelete, OperationUpdate}
	reinvocationPolicies = []ReinvocationPolicyType{IfNeededReinvocationPolicy, NeverReinvocationPolicy}
	scopes               = []ScopeType{AllScopes, ClusterScope, NamespacedScope}
)

func validateWebhook(h webhookFields, opts validationOptions, names map[string]bool, p *field.Path) field.ErrorList {
	errs := validation.IsFullyQualifiedName(p.Child("name"), h.name)
	if opts.requireUniqueNames && h.name != "" {
		if names[h.name] {
			errs = append(errs, field.Duplicate(p.Child("name"), h.name))
		}
		names[h.name] = true
	}
	for i := range h.rules {
		errs = append(errs, validateRule(&h.rules[i], p.Child("rules").Index(i))...)
	}
	if h.failurePolicy != nil && !slices.Contains(failurePolicies, *h.failurePolicy) {
		errs = append(errs, field.NotSupported(p.Child("failurePolicy"), *h.failurePolicy, failurePolicies))
	}
	if h.matchPolicy != nil && !slices.Contains(matchPolicies, *h.matchPolicy) {
		errs = append(errs, field.NotSupported(p.Child("matchPolicy"), *h.matchPolicy, matchPolicies))
	}
	allowed := anySideEffectClasses
	if opts.requireNoSideEffects {
		allowed = noSideEffectClasses
	}
	if h.sideEffects == nil {
		errs = append(errs, field.Required(p.Child("sideEffects"), "must specify one of "+joinStrings(allowed)))
	} else if !slices.Contains(allowed, *h.sideEffects) {
		errs = append(errs, field.NotSupported(p.Child("sideEffects"), *h.sideEffects, allowed))
	}
	if t := h.timeoutSeconds; t != nil && (*t < 1 || *t > 30) {
		errs = append(errs, field.Invalid(p.Child("timeoutSeconds"), *t, "the timeout value must be between 1 and 30 seconds"))
	}
	selOpts := meta.LabelSelectorOptions{AllowInvalidLabelValue: opts.allowInvalidLabelValue}
	errs = append(errs, meta.ValidateLabelSelector(h.namespaceSelector, selOpts, p.Child("namespaceSelector"))...)
	errs = append(errs, meta.ValidateLabelSelector(h.objectSelector, selOpts, p.Child("objectSelector"))...)
	errs = append(errs, validateClientConfig(h.clientConfig, p.Child("clientConfig"))...)
	if len(h.matchConditions) > 0 {
		errs = append(errs, field.Forbidden(p.Child("matchConditions"),
			"skiff does not evaluate CEL match conditions: remove them and narrow the webhook with rules, namespaceSelector and objectSelector instead"))
	}
	return append(errs, validateReviewVersions(h.reviewVersions, opts.requireRecognizedReviewVersion, p.Child("admissionReviewVersions"))...)
}

func validateRule(r *RuleWithOperations, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(r.Operations) == 0 {
		errs = append(errs, field.Required(p.Child("operations"), ""))
	}
	if len(r.Operations) > 1 && slices.Contains(r.Operations, OperationAll) {
		errs = append(errs, field.Invalid(p.Child("operations"), r.Operations, "if '*' is present, must not specify other operations"))
	}
	for i, op := range r.Operations {
		if !slices.Contains(operations, op) {
			errs = append(errs, field.NotSupported(p.Child("operations").Index(i), op, operations))
		}
	}
	if len(r.APIGroups) == 0 {
		errs = append(errs, field.Required(p.Child("apiGroups"), ""))
	}
	if len(r.APIGroups) > 1 && slices.Contains(r.APIGroups, "*") {
		errs = append(errs, field.Invalid(p.Child("apiGroups"), r.APIGroups, "if '*' is present, must not specify other API groups"))
	}
	// The core group is "", so an empty group is fine; an empty version is not.
	if len(r.APIVersions) == 0 {
		errs = append(errs, field.Required(p.Child("apiVersions"), ""))
	}
	if len(r.APIVersions) > 1 && slices.Contains(r.APIVersions, "*") {
		errs = append(errs, field.Invalid(p.Child("apiVersions"), r.APIVersions, "if '*' is present, must not specify other API versions"))
	}
	for i, v := range r.APIVersions {
		if v == "" {
			errs = append(errs, field.Required(p.Child("apiVersions").Index(i), ""))
		}
	}
	errs = append(errs, validateResources(r.Resources, p.Child("resources"))...)
	if r.Scope != nil && !slices.Contains(scopes, *r.Scope) {
		errs = append(errs, field.NotSupported(p.Child("scope"), *r.Scope, scopes))
	}
	return errs
}

// validateResources forbids lists where one entry makes another redundant ("pods/*" with
// "pods/status", "*/*" with anything, "*" with a plain resource), as Kubernetes does.
func validateResources(resources []string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(resources) == 0 {
		errs = append(errs, field.Required(p, ""))
	}
	wildcardSub := map[string]bool{} // x/*
	wildcardRes := map[string]bool{} // */x
	var doubleWildcard, singleWildcard, plainResource bool
	for i, rs := range resources {
		if rs == "" {
			errs = append(errs, field.Required(p.Index(i), ""))
			continue
		}
		switch rs {
		case "*/*":
			doubleWildcard = true
		case "*":
			singleWildcard = true
		}
		res, sub, ok := strings.Cut(rs, "/")
		if !ok {
			plainResource = rs != "*"
			continue
		}
		if wildcardSub[res] {
			errs = append(errs, field.Invalid(p.Index(i), rs, fmt.Sprintf("if '%s/*' is present, must not specify %s", res, rs)))
		}
		if wildcardRes[sub] {
			errs = append(errs, field.Invalid(p.Index(i), rs, fmt.Sprintf("if '*/%s' is present, must not specify %s", sub, rs)))
		}
		if sub == "*" {
			wildcardSub[res] = true
		}
		if res == "*" {
			wildcardRes[sub] = true
		}
	}
	if len(resources) > 1 && doubleWildcard {
		errs = append(errs, field.Invalid(p, resources, "if '*/*' is present, must not specify other resources"))
	}
	if singleWildcard && plainResource {
		errs = append(errs, field.Invalid(p, resources, "if '*' is present, must not specify other resources without subresources"))
	}
	return errs
}

func validateClientConfig(cc *WebhookClientConfig, p *field.Path) field.ErrorList {
	switch {
	case (cc.URL == nil) == (cc.Service == nil):
		return field.ErrorList{field.Required(p, "exactly one of url or service is required")}
	case cc.URL != nil:
		return validateURL(*cc.URL, p.Child("url"))
	default:
		return validateService(cc.Service, p.Child("service"))
	}
}

func validateURL(raw string, p *field.Path) field.ErrorList {
	const form = "; desired format: https://host[/path]"
	u, err := url.Parse(raw)
	if err != nil {
		return field.ErrorList{field.Required(p, "url must be a valid URL: "+err.Error()+form)}
	}
	var errs field.ErrorList
	if u.Scheme != "https" {
		errs = append(errs, field.Invalid(p, u.Scheme, "'https' is the only allowed URL scheme"+form))
	}
	if u.Host == "" {
		errs = append(errs, field.Invalid(p, u.Host, "host must be provided"+form))
	}
	if u.User != nil {
		errs = append(errs, field.Invalid(p, u.User.String(), "user information is not permitted in the URL"))
	}
	if u.Fragment != "" {
		errs = append(errs, field.Invalid(p, u.Fragment, "fragments are not permitted in the URL"))
	}
	if u.RawQuery != "" {
		errs = append(errs, field.Invalid(p, u.RawQuery, "query parameters are not permitted in the URL"))
	}
	return errs
}

func validateService(s *ServiceReference, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), "service name is required"))
	}
	if s.Namespace == "" {
		errs = append(errs, field.Required(p.Child("namespace"), "service namespace is required"))
	}
	port := int32(443) // the default, for objects validated before defaulting
	if s.Port != nil {
		port = *s.Port
	}
	if msgs := validation.IsValidPortNum(int(port)); len(msgs) > 0 {
		errs = append(errs, field.Invalid(p.Child("port"), port, "port is not valid: "+strings.Join(msgs, ", ")))
	}
	if s.Path == nil || *s.Path == "" || *s.Path == "/" {
		return errs
	}
	path := *s.Path
	if path == "//" {
		return append(errs, field.Invalid(p.Child("path"), path, "segment[0] may not be empty"))
	}
	if !strings.HasPrefix(path, "/") {
		errs = append(errs, field.Invalid(p.Child("path"), path, "must start with a '/'"))
	}
	check := strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	for i, step := range strings.Split(check, "/") {
		if step == "" {
			errs = append(errs, field.Invalid(p.Child("path"), path, fmt.Sprintf("segment[%d] may not be empty", i)))
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(step) {
			errs = append(errs, field.Invalid(p.Child("path"), path, fmt.Sprintf("segment[%d]: %v", i, msg)))
		}
	}
	return errs
}

var dns1035Label = regexp.MustCompile(`^[a-z]([-a-z0-9]*[a-z0-9])?$`)

func validateReviewVersions(versions []string, requireRecognized bool, p *field.Path) field.ErrorList {
	accepted := strings.Join(AcceptedAdmissionReviewVersions, ", ")
	if len(versions) == 0 {
		return field.ErrorList{field.Required(p, "must specify one of "+accepted)}
	}
	var errs field.ErrorList
	seen := map[string]bool{}
	recognized := false
	for i, v := range versions {
		if seen[v] {
			errs = append(errs, field.Invalid(p.Index(i), v, "duplicate version"))
			continue
		}
		seen[v] = true
		if len(v) > 63 {
			errs = append(errs, field.Invalid(p.Index(i), v, validation.MaxLenError(63)))
		}
		if !dns1035Label.MatchString(v) {
			errs = append(errs, field.Invalid(p.Index(i), v, validation.RegexError(
				"a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
				"[a-z]([-a-z0-9]*[a-z0-9])?", "my-name", "abc-123")))
		}
		recognized = recognized || isAcceptedReviewVersion(v)
	}
	if requireRecognized && !recognized {
		errs = append(errs, field.Invalid(p, versions, "must include at least one of "+accepted))
	}
	return errs
}

func isAcceptedReviewVersion(v string) bool {
	return slices.Contains(AcceptedAdmissionReviewVersions, v)
}

func joinStrings[T ~string](vs []T) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = string(v)
	}
	return strings.Join(s, ", ")
}
