package admissionregistration

import "github.com/skiff-io/skiff/api/meta"

// DefaultTimeoutSeconds is how long a v1 webhook may take when its configuration does not say.
const DefaultTimeoutSeconds = 10

// DefaultMutatingWebhookConfiguration applies Kubernetes' v1 defaults to every webhook: failurePolicy
// Fail, matchPolicy Equivalent, empty (match-all) namespace and object selectors, timeoutSeconds 10,
// reinvocationPolicy Never, rule scope "*" and service port 443. sideEffects and
// admissionReviewVersions have no default in v1: validation requires them.
func DefaultMutatingWebhookConfiguration(c *MutatingWebhookConfiguration) {
	for i := range c.Webhooks {
		w := &c.Webhooks[i]
		defaultCommon(&w.FailurePolicy, &w.MatchPolicy, &w.NamespaceSelector, &w.ObjectSelector, &w.TimeoutSeconds, w.Rules, &w.ClientConfig)
		if w.ReinvocationPolicy == nil {
			w.ReinvocationPolicy = ptrTo(NeverReinvocationPolicy)
		}
	}
}

// DefaultValidatingWebhookConfiguration applies the defaults of DefaultMutatingWebhookConfiguration,
// less reinvocationPolicy, which validating webhooks do not have.
func DefaultValidatingWebhookConfiguration(c *ValidatingWebhookConfiguration) {
	for i := range c.Webhooks {
		w := &c.Webhooks[i]
		defaultCommon(&w.FailurePolicy, &w.MatchPolicy, &w.NamespaceSelector, &w.ObjectSelector, &w.TimeoutSeconds, w.Rules, &w.ClientConfig)
	}
}

func defaultCommon(fp **FailurePolicyType, mp **MatchPolicyType, ns, obj **meta.LabelSelector, timeout **int32, rules []RuleWithOperations, cc *WebhookClientConfig) {
	if *fp == nil {
		*fp = ptrTo(Fail)
	}
	if *mp == nil {
		*mp = ptrTo(Equivalent)
	}
	if *ns == nil {
		*ns = &meta.LabelSelector{}
	}
	if *obj == nil {
		*obj = &meta.LabelSelector{}
	}
	if *timeout == nil {
		*timeout = ptrTo(int32(DefaultTimeoutSeconds))
	}
	for i := range rules {
		if rules[i].Scope == nil {
			rules[i].Scope = ptrTo(AllScopes)
		}
	}
	if cc.Service != nil && cc.Service.Port == nil {
		cc.Service.Port = ptrTo(int32(443))
	}
}

func ptrTo[T any](v T) *T { return &v }
