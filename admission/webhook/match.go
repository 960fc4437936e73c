package webhook

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/admissionregistration"
	"github.com/skiff-io/skiff/api/labels"
	"github.com/skiff-io/skiff/api/meta"
)

// hook is one webhook as the dispatcher needs it: defaults applied (for configurations that did
// not pass through the API server's defaulting) and selectors parsed once.
type hook struct {
	name         string
	config       string
	index        int // among all the plugin's webhooks, for audit annotation keys
	clientConfig admissionregistration.WebhookClientConfig
	rules        []admissionregistration.RuleWithOperations
	ignoreErrors bool
	nsSelector   labels.Selector
	objSelector  labels.Selector
	selectorErr  error // an invalid selector: rejects the requests the rules match
	sideEffects  *admissionregistration.SideEffectClass
	timeout      time.Duration
	versions     []string
	reinvoke     bool
}

func newHook(config string, index int, name string, cc admissionregistration.WebhookClientConfig,
	rules []admissionregistration.RuleWithOperations, fp *admissionregistration.FailurePolicyType,
	nsSel, objSel *meta.LabelSelector, se *admissionregistration.SideEffectClass, timeout *int32, versions []string) hook {
	h := hook{
		name: name, config: config, index: index, clientConfig: cc, rules: rules,
		ignoreErrors: fp != nil && *fp == admissionregistration.Ignore,
		sideEffects:  se,
		timeout:      admissionregistration.DefaultTimeoutSeconds * time.Second,
		versions:     versions,
	}
	if timeout != nil {
		h.timeout = time.Duration(*timeout) * time.Second
	}
	var err error
	if h.nsSelector, err = parseSelector(nsSel); err != nil {
		h.selectorErr = fmt.Errorf("webhook %q: namespaceSelector: %w", name, err)
	}
	if h.objSelector, err = parseSelector(objSel); err != nil {
		h.selectorErr = fmt.Errorf("webhook %q: objectSelector: %w", name, err)
	}
	return h
}

// parseSelector reads a webhook's selector. nil is everything, as the {} that defaulting puts
// there; meta.LabelSelectorAsSelector would make it nothing.
func parseSelector(sel *meta.LabelSelector) (labels.Selector, error) {
	if sel == nil {
		return labels.Everything(), nil
	}
	return meta.LabelSelectorAsSelector(sel)
}

func mutatingHooks(configs []*admissionregistration.MutatingWebhookConfiguration) []hook {
	var hooks []hook
	for _, c := range configs {
		for i := range c.Webhooks {
			w := &c.Webhooks[i]
			h := newHook(c.Name, len(hooks), w.Name, w.ClientConfig, w.Rules, w.FailurePolicy, w.NamespaceSelector,
				w.ObjectSelector, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions)
			h.reinvoke = w.ReinvocationPolicy != nil && *w.ReinvocationPolicy == admissionregistration.IfNeededReinvocationPolicy
			hooks = append(hooks, h)
		}
	}
	return hooks
}

func validatingHooks(configs []*admissionregistration.ValidatingWebhookConfiguration) []hook {
	var hooks []hook
	for _, c := range configs {
		for i := range c.Webhooks {
			w := &c.Webhooks[i]
			hooks = append(hooks, newHook(c.Name, len(hooks), w.Name, w.ClientConfig, w.Rules, w.FailurePolicy,
				w.NamespaceSelector, w.ObjectSelector, w.SideEffects, w.TimeoutSeconds, w.AdmissionReviewVersions))
		}
	}
	return hooks
}

// hookCache keeps the hooks built from the last list of configurations, and rebuilds them only
// when a configuration in the list is a different object: configurations are read-only, so the
// same pointers in the same order mean the same hooks.
type hookCache[C comparable] struct {
	mu      sync.Mutex
	configs []C
	hooks   []hook
}

func (c *hookCache[C]) get(configs []C, build func([]C) []hook) []hook {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.configs != nil && len(c.configs) == len(configs) {
		same := true
		for i := range configs {
			if configs[i] != c.configs[i] {
				same = false
				break
			}
		}
		if same {
			return c.hooks
		}
	}
	c.configs = append([]C(nil), configs...)
	c.hooks = build(configs)
	return c.hooks
}

// exempt reports requests no webhook is sent: those for the webhook configurations themselves, so
// that a broken webhook can always be removed.
func exempt(a *admission.Attributes) bool {
	if a.Group != admissionregistration.GroupName {
		return false
	}
	switch a.Kind {
	case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
		"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
		"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding":
		return true
	}
	return false
}

// isNamespace reports a request for a namespace object (or one of its subresources).
func isNamespace(a *admission.Attributes) bool { return a.Group == "" && a.Resource == "namespaces" }

// requestNamespace is the request's namespace as Kubernetes gives it: for a namespace object, its
// own name.
func requestNamespace(a *admission.Attributes) string {
	if a.Namespace == "" && isNamespace(a) {
		return a.Name
	}
	return a.Namespace
}

// matchRules reports whether any rule matches the request's operation, group, version, resource,
// subresource and scope, as Kubernetes' rules.Matcher decides.
func matchRules(rules []admissionregistration.RuleWithOperations, a *admission.Attributes) bool {
	for i := range rules {
		if matchRule(&rules[i], a) {
			return true
		}
	}
	return false
}

func matchRule(r *admissionregistration.RuleWithOperations, a *admission.Attributes) bool {
	return matchScope(r.Scope, a) && matchOperation(r.Operations, a.Operation) &&
		exactOrWildcard(r.APIGroups, a.Group) && exactOrWildcard(r.APIVersions, a.Version) &&
		matchResource(r.Resources, a.Resource, a.Subresource)
}

func matchScope(scope *admissionregistration.ScopeType, a *admission.Attributes) bool {
	if scope == nil || *scope == admissionregistration.AllScopes {
		return true
	}
	// A namespace is cluster-scoped even though the request carries its name as the namespace.
	ns := requestNamespace(a)
	switch *scope {
	case admissionregistration.NamespacedScope:
		return !isNamespace(a) && ns != ""
	case admissionregistration.ClusterScope:
		return isNamespace(a) || ns == ""
	}
	return false
}

func matchOperation(ops []admissionregistration.OperationType, op admission.Operation) bool {
	for _, o := range ops {
		if o == admissionregistration.OperationAll || string(o) == string(op) {
			return true
		}
	}
	return false
}

func exactOrWildcard(items []string, s string) bool {
	for _, it := range items {
		if it == "*" || it == s {
			return true
		}
	}
	return false
}

// matchResource matches "res" or "res/sub" entries, either part of which may be "*". A plain
// entry ("pods", "*") matches no subresource; "pods/*" matches pods and all its subresources.
func matchResource(resources []string, res, sub string) bool {
	for _, entry := range resources {
		r, s, _ := strings.Cut(entry, "/")
		if (r == "*" || r == res) && (s == "*" || s == sub) {
			return true
		}
	}
	return false
}

// matchObject reports whether the object or the old object has labels the selector matches.
func matchObject(sel labels.Selector, a *admission.Attributes) bool {
	if sel.Empty() {
		return true
	}
	for _, o := range []meta.Object{a.Object, a.OldObject} {
		if !isNil(o) && sel.Matches(labels.Set(o.GetObjectMeta().Labels)) {
			return true
		}
	}
	return false
}

// nsLabels finds, once per request, the labels of the request's namespace.
type nsLabels struct {
	get    NamespaceGetter
	done   bool
	labels map[string]string
	err    error
}

func (n *nsLabels) lookup(ctx context.Context, a *admission.Attributes) (map[string]string, error) {
	// A namespace being created or updated is matched by its new labels: it is not stored yet.
	if isNamespace(a) && a.Subresource == "" && (a.Operation == admission.Create || a.Operation == admission.Update) && !isNil(a.Object) {
		return a.Object.GetObjectMeta().Labels, nil
	}
	if !n.done {
		n.done = true
		if n.get == nil {
			n.err = fmt.Errorf("webhook: a namespaceSelector needs the namespace's labels, and the plugin was given no NamespaceGetter")
		} else {
			n.labels, n.err = n.get.NamespaceLabels(ctx, requestNamespace(a))
		}
	}
	return n.labels, n.err
}

// matchNamespace reports whether the request's namespace is one the selector matches. Requests for
// cluster-scoped objects other than namespaces always match.
func (n *nsLabels) match(ctx context.Context, sel labels.Selector, a *admission.Attributes) (bool, error) {
	if sel.Empty() || (requestNamespace(a) == "" && !isNamespace(a)) {
		return true, nil
	}
	set, err := n.lookup(ctx, a)
	if err != nil {
		return false, err
	}
	return sel.Matches(labels.Set(set)), nil
}

// shouldCall decides whether a request goes to a webhook. The rules come first, as they cost
// nothing; a selector that cannot be evaluated rejects only the requests the rules match, as in
// Kubernetes.
func shouldCall(ctx context.Context, h *hook, a *admission.Attributes, ns *nsLabels) (bool, error) {
	if !matchRules(h.rules, a) {
		return false, nil
	}
	if h.selectorErr != nil {
		return false, internal(h.name, h.selectorErr)
	}
	if !matchObject(h.objSelector, a) {
		return false, nil
	}
	ok, err := ns.match(ctx, h.nsSelector, a)
	if err != nil {
		var st *meta.Status
		if errors.As(err, &st) && st.Code != 500 {
			return false, &Error{Webhook: h.name, Status: st, Err: err}
		}
		return false, internal(h.name, err)
	}
	return ok, nil
}
