package webhook

// The apiVersion and kind of a SubjectAccessReview.
const (
	APIVersion = "authorization.k8s.io/v1"
	Kind       = "SubjectAccessReview"
)

// SubjectAccessReview asks whether a user may do something, and carries the answer. It is
// Kubernetes' authorization.k8s.io/v1 kind, field for field on the wire; the request carries no
// metadata.
type SubjectAccessReview struct {
	APIVersion string                    `json:"apiVersion,omitempty"`
	Kind       string                    `json:"kind,omitempty"`
	Spec       SubjectAccessReviewSpec   `json:"spec"`
	Status     SubjectAccessReviewStatus `json:"status"`
}

// SubjectAccessReviewSpec is the question: exactly one of ResourceAttributes and
// NonResourceAttributes is set.
type SubjectAccessReviewSpec struct {
	ResourceAttributes    *ResourceAttributes    `json:"resourceAttributes,omitempty"`
	NonResourceAttributes *NonResourceAttributes `json:"nonResourceAttributes,omitempty"`
	User                  string                 `json:"user,omitempty"`
	Groups                []string               `json:"groups,omitempty"`
	Extra                 map[string]ExtraValue  `json:"extra,omitempty"`
	UID                   string                 `json:"uid,omitempty"`
}

// ExtraValue is the values of one extra attribute of the user.
type ExtraValue []string

// ResourceAttributes describe a request on an API resource.
type ResourceAttributes struct {
	Namespace   string `json:"namespace,omitempty"`
	Verb        string `json:"verb,omitempty"`
	Group       string `json:"group,omitempty"`
	Version     string `json:"version,omitempty"`
	Resource    string `json:"resource,omitempty"`
	Subresource string `json:"subresource,omitempty"`
	Name        string `json:"name,omitempty"`
	// FieldSelector is the field selector of a list, watch or deletecollection (Kubernetes 1.31
	// and later send it; older webhooks ignore it and judge the broadest request).
	FieldSelector *FieldSelectorAttributes `json:"fieldSelector,omitempty"`
}

// FieldSelectorAttributes are a request's field selector, as parsed requirements.
type FieldSelectorAttributes struct {
	Requirements []FieldSelectorRequirement `json:"requirements,omitempty"`
}

// FieldSelectorRequirement is one term: key In [value] for "=", key NotIn [value] for "!=".
type FieldSelectorRequirement struct {
	Key      string   `json:"key"`
	Operator string   `json:"operator"`
	Values   []string `json:"values,omitempty"`
}

// NonResourceAttributes describe a request on any other path (/healthz, /version, /logs/...).
type NonResourceAttributes struct {
	Path string `json:"path,omitempty"`
	Verb string `json:"verb,omitempty"`
}

// SubjectAccessReviewStatus is the answer. Allowed and Denied both false means the service has
// no opinion.
type SubjectAccessReviewStatus struct {
	Allowed bool `json:"allowed"`
	// Denied short-circuits: no later authorizer is asked.
	Denied bool   `json:"denied,omitempty"`
	Reason string `json:"reason,omitempty"`
	// EvaluationError reports a failure the service met while still giving an answer.
	EvaluationError string `json:"evaluationError,omitempty"`
}
