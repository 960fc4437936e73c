package authorization

import "github.com/skiff-io/skiff/api/meta"

// SubjectAccessReview asks whether a user or group may perform an action. It is never stored: the
// server answers the create with the same object, its status filled.
type SubjectAccessReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the question: who, and what.
	Spec SubjectAccessReviewSpec `json:"spec"`
	// Status is the server's answer.
	Status SubjectAccessReviewStatus `json:"status,omitempty"`
}

// SelfSubjectAccessReview asks whether the requester may perform an action: "kubectl auth can-i"
// sends one. Every user may create one, so that anybody can find out what they may do.
type SelfSubjectAccessReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the action; the subject is the user making the request.
	Spec SelfSubjectAccessReviewSpec `json:"spec"`
	// Status is the server's answer.
	Status SubjectAccessReviewStatus `json:"status,omitempty"`
}

// LocalSubjectAccessReview is a SubjectAccessReview confined to one namespace, so that the right to
// ask can be granted per namespace (a namespace admin may check their users' access there).
type LocalSubjectAccessReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the question; spec.resourceAttributes.namespace must be the review's namespace and
	// nonResourceAttributes may not be set.
	Spec SubjectAccessReviewSpec `json:"spec"`
	// Status is the server's answer.
	Status SubjectAccessReviewStatus `json:"status,omitempty"`
}

// ResourceAttributes describe a request for a resource, as the authorizer sees it.
type ResourceAttributes struct {
	// Namespace is the namespace of the action; "" means all namespaces for namespaced actions, and
	// is the only value for cluster-scoped ones.
	Namespace string `json:"namespace,omitempty"`
	// Verb is a Kubernetes resource verb (get, list, watch, create, update, delete, proxy) or "*".
	Verb string `json:"verb,omitempty"`
	// Group is the API group of the resource; "*" means all.
	Group string `json:"group,omitempty"`
	// Version is the API version of the resource; "*" (or empty) means all.
	Version string `json:"version,omitempty"`
	// Resource is the resource type; "*" means all.
	Resource string `json:"resource,omitempty"`
	// Subresource is the subresource ("status", "scale", ...); "" means none.
	Subresource string `json:"subresource,omitempty"`
	// Name is the name of the object acted on; "" means all (list, watch, create, deletecollection).
	Name string `json:"name,omitempty"`
	// FieldSelector narrows the request as a list or watch's field selector would.
	FieldSelector *FieldSelectorAttributes `json:"fieldSelector,omitempty"`
	// LabelSelector narrows the request as a list or watch's label selector would.
	LabelSelector *LabelSelectorAttributes `json:"labelSelector,omitempty"`
}

// LabelSelectorAttributes is a label selector, as a string or as requirements (exactly one).
type LabelSelectorAttributes struct {
	// RawSelector is the selector as a list or watch's labelSelector parameter spells it.
	RawSelector string `json:"rawSelector,omitempty"`
	// Requirements are the selector's parsed terms, ANDed.
	Requirements []meta.LabelSelectorRequirement `json:"requirements,omitempty"`
}

// FieldSelectorAttributes is a field selector, as a string or as requirements (exactly one).
type FieldSelectorAttributes struct {
	// RawSelector is the selector as a list or watch's fieldSelector parameter spells it.
	RawSelector string `json:"rawSelector,omitempty"`
	// Requirements are the selector's parsed terms, ANDed.
	Requirements []FieldSelectorRequirement `json:"requirements,omitempty"`
}

// FieldSelectorOperator is In, NotIn, Exists or DoesNotExist.
type FieldSelectorOperator string

// The operators of a FieldSelectorRequirement.
const (
	FieldSelectorOpIn           FieldSelectorOperator = "In"
	FieldSelectorOpNotIn        FieldSelectorOperator = "NotIn"
	FieldSelectorOpExists       FieldSelectorOperator = "Exists"
	FieldSelectorOpDoesNotExist FieldSelectorOperator = "DoesNotExist"
)

// FieldSelectorRequirement is one term of a field selector (meta/v1 FieldSelectorRequirement in
// Kubernetes; only these reviews use it).
type FieldSelectorRequirement struct {
	// Key is the field the term is about ("spec.nodeName").
	Key string `json:"key"`
	// Operator relates the field to Values.
	Operator FieldSelectorOperator `json:"operator"`
	// Values are required for In and NotIn, and must be empty for Exists and DoesNotExist.
	Values []string `json:"values,omitempty"`
}

// NonResourceAttributes describe a request for a path that is not a resource (/healthz, /metrics).
type NonResourceAttributes struct {
	// Path is the URL path.
	Path string `json:"path,omitempty"`
	// Verb is the lower-case HTTP method (get, post, ...).
	Verb string `json:"verb,omitempty"`
}

// SubjectAccessReviewSpec is a subject and an action: exactly one of ResourceAttributes and
// NonResourceAttributes, and at least one of User and Groups.
type SubjectAccessReviewSpec struct {
	// ResourceAttributes describe a resource request.
	ResourceAttributes *ResourceAttributes `json:"resourceAttributes,omitempty"`
	// NonResourceAttributes describe a non-resource request.
	NonResourceAttributes *NonResourceAttributes `json:"nonResourceAttributes,omitempty"`
	// User is the user to check. Groups are not looked up from it: a review of a user without its
	// groups answers for the user alone.
	User string `json:"user,omitempty"`
	// Groups are the groups to check.
	Groups []string `json:"groups,omitempty"`
	// Extra is what the authenticator said about the user beyond its name and groups.
	Extra map[string][]string `json:"extra,omitempty"`
	// UID is the user's uid.
	UID string `json:"uid,omitempty"`
}

// SelfSubjectAccessReviewSpec is an action: exactly one of ResourceAttributes and
// NonResourceAttributes.
type SelfSubjectAccessReviewSpec struct {
	// ResourceAttributes describe a resource request.
	ResourceAttributes *ResourceAttributes `json:"resourceAttributes,omitempty"`
	// NonResourceAttributes describe a non-resource request.
	NonResourceAttributes *NonResourceAttributes `json:"nonResourceAttributes,omitempty"`
}

// SubjectAccessReviewStatus is the authorizer's decision.
type SubjectAccessReviewStatus struct {
	// Allowed is true when the action is allowed.
	Allowed bool `json:"allowed"`
	// Denied is true when an authorizer denied the action outright; false with Allowed false means
	// that no authorizer had an opinion, which is a denial too.
	Denied bool `json:"denied,omitempty"`
	// Reason is the authorizer's explanation, for people.
	Reason string `json:"reason,omitempty"`
	// EvaluationError says why the authorizer could not fully evaluate the request (a missing role,
	// a selector it could not parse). The decision stands even so.
	EvaluationError string `json:"evaluationError,omitempty"`
}

// SelfSubjectRulesReview asks for the list of actions the requester may perform in a namespace:
// "kubectl auth can-i --list" sends one. The list is for display: authorizers may be unable to
// enumerate all they allow (status.incomplete), so a SelfSubjectAccessReview is the way to check one
// action.
type SelfSubjectRulesReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Spec names the namespace.
	Spec SelfSubjectRulesReviewSpec `json:"spec"`
	// Status is the list of rules.
	Status SubjectRulesReviewStatus `json:"status,omitempty"`
}

// SelfSubjectRulesReviewSpec names the namespace to list the rules of.
type SelfSubjectRulesReviewSpec struct {
	// Namespace is the namespace; it is required.
	Namespace string `json:"namespace,omitempty"`
}

// SubjectRulesReviewStatus is what the subject may do in the namespace: the rules that apply there,
// cluster-wide ones included.
type SubjectRulesReviewStatus struct {
	// ResourceRules are the subject's rules for resources. Kubernetes writes [] rather than null.
	ResourceRules []ResourceRule `json:"resourceRules"`
	// NonResourceRules are the subject's rules for other paths.
	NonResourceRules []NonResourceRule `json:"nonResourceRules"`
	// Incomplete is true when an authorizer cannot list its rules (or failed to), so that the
	// subject may be allowed more than the lists show.
	Incomplete bool `json:"incomplete"`
	// EvaluationError says what went wrong while listing; the lists are still what could be found.
	EvaluationError string `json:"evaluationError,omitempty"`
}

// ResourceRule is a set of verbs the subject may perform on resources. "*" in a list means all.
type ResourceRule struct {
	// Verbs are the verbs allowed.
	Verbs []string `json:"verbs"`
	// APIGroups are the API groups of the resources.
	APIGroups []string `json:"apiGroups,omitempty"`
	// Resources are the resources; "pods/status" names a subresource, "*/scale" one of every resource.
	Resources []string `json:"resources,omitempty"`
	// ResourceNames narrow the rule to objects of these names; empty means every object.
	ResourceNames []string `json:"resourceNames,omitempty"`
}

// NonResourceRule is a set of verbs the subject may perform on paths that are not resources.
type NonResourceRule struct {
	// Verbs are the verbs allowed (lower-case HTTP methods).
	Verbs []string `json:"verbs"`
	// NonResourceURLs are the paths; a trailing "*" matches any path with that prefix.
	NonResourceURLs []string `json:"nonResourceURLs,omitempty"`
}
