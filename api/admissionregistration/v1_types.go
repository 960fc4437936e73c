package admissionregistration

import "github.com/skiff-io/skiff/api/meta"

// V1 is the version of MutatingWebhookConfiguration and ValidatingWebhookConfiguration, which
// Kubernetes serves as admissionregistration.k8s.io/v1.
const V1 = "v1"

// MutatingWebhookConfiguration lists webhooks that may change objects before they are stored.
// Cluster-scoped. The API server calls its webhooks one at a time, configurations in name order
// and each configuration's webhooks in order, each seeing the changes of those before it.
type MutatingWebhookConfiguration struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Webhooks, in the order they are called.
	Webhooks []MutatingWebhook `json:"webhooks,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

// ValidatingWebhookConfiguration lists webhooks that accept or reject objects without changing
// them. Cluster-scoped. The API server calls all the matching webhooks at once, and every one must
// allow the request.
type ValidatingWebhookConfiguration struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Webhooks of the configuration; they run in parallel.
	Webhooks []ValidatingWebhook `json:"webhooks,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

// MutatingWebhook is one webhook that may change objects, and the requests it is sent.
type MutatingWebhook struct {
	// Name is a fully qualified name, unique within the configuration ("sidecar.example.com").
	Name string `json:"name"`
	// ClientConfig says how to reach the webhook.
	ClientConfig WebhookClientConfig `json:"clientConfig"`
	// Rules select the operations and resources the webhook is sent. A request matching any rule
	// matches; with no rules, none does.
	Rules []RuleWithOperations `json:"rules,omitempty"`
	// FailurePolicy says what a failure to call the webhook does: Fail (the default) rejects the
	// request, Ignore goes on without the webhook. A webhook's own denial always rejects.
	FailurePolicy *FailurePolicyType `json:"failurePolicy,omitempty"`
	// MatchPolicy says whether a request through another version or group of the same resource
	// matches (Equivalent, the default) or not (Exact).
	MatchPolicy *MatchPolicyType `json:"matchPolicy,omitempty"`
	// NamespaceSelector matches the labels of the request's namespace (or, for a namespace itself,
	// of that namespace). Requests for other cluster-scoped objects always match. Default {}: all.
	NamespaceSelector *meta.LabelSelector `json:"namespaceSelector,omitempty"`
	// ObjectSelector matches the labels of the object or of the old object. Default {}: all.
	ObjectSelector *meta.LabelSelector `json:"objectSelector,omitempty"`
	// SideEffects declares whether calling the webhook changes anything outside the request:
	// None or NoneOnDryRun (the only values v1 accepts), Some or Unknown. Dry-run requests are
	// rejected by webhooks that may have side effects. Required.
	SideEffects *SideEffectClass `json:"sideEffects"`
	// TimeoutSeconds bounds one call, 1 to 30; default 10. A timeout is a failure to call.
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty"`
	// AdmissionReviewVersions are the AdmissionReview versions the webhook understands, in order
	// of preference; the server sends the first it knows ("v1", "v1beta1"). Required.
	AdmissionReviewVersions []string `json:"admissionReviewVersions"`
	// ReinvocationPolicy: IfNeeded calls the webhook once more when a later webhook changed the
	// object after it; Never (the default) does not.
	ReinvocationPolicy *ReinvocationPolicyType `json:"reinvocationPolicy,omitempty"`
	// MatchConditions are CEL expressions that further narrow the requests sent. skiff evaluates no
	// CEL, so validation rejects them rather than call the webhook for requests it means to skip.
	MatchConditions []MatchCondition `json:"matchConditions,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

// ValidatingWebhook is one webhook that accepts or rejects requests. Its fields mean what the
// same fields of MutatingWebhook mean.
type ValidatingWebhook struct {
	Name                    string               `json:"name"`
	ClientConfig            WebhookClientConfig  `json:"clientConfig"`
	Rules                   []RuleWithOperations `json:"rules,omitempty"`
	FailurePolicy           *FailurePolicyType   `json:"failurePolicy,omitempty"`
	MatchPolicy             *MatchPolicyType     `json:"matchPolicy,omitempty"`
	NamespaceSelector       *meta.LabelSelector  `json:"namespaceSelector,omitempty"`
	ObjectSelector          *meta.LabelSelector  `json:"objectSelector,omitempty"`
	SideEffects             *SideEffectClass     `json:"sideEffects"`
	TimeoutSeconds          *int32               `json:"timeoutSeconds,omitempty"`
	AdmissionReviewVersions []string             `json:"admissionReviewVersions"`
	MatchConditions         []MatchCondition     `json:"matchConditions,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

// WebhookClientConfig says how to reach a webhook: exactly one of URL and Service.
type WebhookClientConfig struct {
	// URL is "https://host[:port][/path]", without user, query or fragment.
	URL *string `json:"url,omitempty"`
	// Service names an in-cluster Service. skiff has no Services to resolve yet: such webhooks
	// validate, but calling one fails (and so obeys the failure policy).
	Service *ServiceReference `json:"service,omitempty"`
	// CABundle is PEM: the certificates that may sign the webhook's serving certificate. When
	// empty, the system's roots are trusted.
	CABundle []byte `json:"caBundle,omitempty"`
}

// ServiceReference names a Service and the path and port to call on it.
type ServiceReference struct {
	Namespace string  `json:"namespace"`
	Name      string  `json:"name"`
	Path      *string `json:"path,omitempty"`
	// Port defaults to 443.
	Port *int32 `json:"port,omitempty"`
}

// RuleWithOperations matches requests by operation, API group, version, resource and scope. In
// each list "*" matches everything; a resource is "pods", "pods/status", "pods/*", "*/status",
// "*" (every resource, no subresource) or "*/*". Kubernetes spells the last four fields as an
// inlined Rule; on the wire the two are the same.
type RuleWithOperations struct {
	Operations  []OperationType `json:"operations,omitempty"`
	APIGroups   []string        `json:"apiGroups,omitempty"`
	APIVersions []string        `json:"apiVersions,omitempty"`
	Resources   []string        `json:"resources,omitempty"`
	// Scope is Cluster, Namespaced or "*" (the default).
	Scope *ScopeType `json:"scope,omitempty"`
}

// MatchCondition is a named CEL expression over the request. See MutatingWebhook.MatchConditions.
type MatchCondition struct {
	Name       string `json:"name"`
	Expression string `json:"expression"`
}

// OperationType is an operation a rule matches.
type OperationType string

// The operations of a rule.
const (
	OperationAll     OperationType = "*"
	OperationCreate  OperationType = "CREATE"
	OperationUpdate  OperationType = "UPDATE"
	OperationDelete  OperationType = "DELETE"
	OperationConnect OperationType = "CONNECT"
)

// ScopeType is the scope a rule matches.
type ScopeType string

// The scopes of a rule.
const (
	// ClusterScope matches cluster-scoped resources, and namespaces themselves.
	ClusterScope ScopeType = "Cluster"
	// NamespacedScope matches namespaced resources.
	NamespacedScope ScopeType = "Namespaced"
	// AllScopes matches both.
	AllScopes ScopeType = "*"
)

// FailurePolicyType says what a failure to call a webhook does.
type FailurePolicyType string

// The failure policies.
const (
	Ignore FailurePolicyType = "Ignore"
	Fail   FailurePolicyType = "Fail"
)

// MatchPolicyType says how rules match requests through other versions of a resource.
type MatchPolicyType string

// The match policies.
const (
	Exact      MatchPolicyType = "Exact"
	Equivalent MatchPolicyType = "Equivalent"
)

// SideEffectClass declares what calling a webhook does outside the request.
type SideEffectClass string

// The side effect classes.
const (
	SideEffectClassUnknown      SideEffectClass = "Unknown"
	SideEffectClassNone         SideEffectClass = "None"
	SideEffectClassSome         SideEffectClass = "Some"
	SideEffectClassNoneOnDryRun SideEffectClass = "NoneOnDryRun"
)

// ReinvocationPolicyType says whether a mutating webhook is called again after later changes.
type ReinvocationPolicyType string

// The reinvocation policies.
const (
	NeverReinvocationPolicy    ReinvocationPolicyType = "Never"
	IfNeededReinvocationPolicy ReinvocationPolicyType = "IfNeeded"
)
