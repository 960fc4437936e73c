package webhook

import (
	"encoding/json"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/api/meta"
)

// The AdmissionReview group, versions and kind. The server sends the first version a webhook lists
// in admissionReviewVersions that it knows; the two encode the same fields.
const (
	ReviewGroup   = "admission.k8s.io"
	ReviewV1      = ReviewGroup + "/v1"
	ReviewV1beta1 = ReviewGroup + "/v1beta1"
	ReviewKind    = "AdmissionReview"
)

// AdmissionReview is the body of a webhook call and of its answer: the API server fills Request,
// the webhook answers with the same apiVersion and kind and fills Response.
type AdmissionReview struct {
	meta.TypeMeta `json:",inline"`
	Request       *AdmissionRequest  `json:"request,omitempty"`
	Response      *AdmissionResponse `json:"response,omitempty"`
}

// AdmissionRequest describes the request being admitted.
type AdmissionRequest struct {
	// UID identifies this call; the response must carry it back.
	UID meta.UID `json:"uid"`
	// Kind, Resource and SubResource are what the webhook is asked about; RequestKind,
	// RequestResource and RequestSubResource what the client sent. They differ only when a rule
	// matched an equivalent resource; skiff serves one version of each resource, so they are equal.
	Kind               GroupVersionKind      `json:"kind"`
	Resource           GroupVersionResource  `json:"resource"`
	SubResource        string                `json:"subResource,omitempty"`
	RequestKind        *GroupVersionKind     `json:"requestKind,omitempty"`
	RequestResource    *GroupVersionResource `json:"requestResource,omitempty"`
	RequestSubResource string                `json:"requestSubResource,omitempty"`
	// Name is the object's name; it may be empty on create when the server generates it.
	Name string `json:"name,omitempty"`
	// Namespace is the object's namespace; for a namespace itself, its own name.
	Namespace string              `json:"namespace,omitempty"`
	Operation admission.Operation `json:"operation"`
	UserInfo  UserInfo            `json:"userInfo"`
	// Object is the new object, null on delete. OldObject is the current object on update and
	// delete, null otherwise.
	Object    json.RawMessage `json:"object"`
	OldObject json.RawMessage `json:"oldObject"`
	// DryRun says that nothing will be stored: a webhook must then have no side effects.
	DryRun *bool `json:"dryRun,omitempty"`
	// Options are the operation's options (meta.k8s.io/v1 CreateOptions, UpdateOptions or
	// DeleteOptions).
	Options json.RawMessage `json:"options"`
}

// AdmissionResponse is a webhook's answer.
type AdmissionResponse struct {
	// UID is the request's UID.
	UID     meta.UID `json:"uid"`
	Allowed bool     `json:"allowed"`
	// Result says why a request is denied: its message is shown to the client, its code (400
	// when absent or not from 400 to 599) is the HTTP status.
	Result *meta.Status `json:"status,omitempty"`
	// Patch is an RFC 6902 JSON patch of the object (base64 on the wire), from mutating webhooks
	// only, with PatchType JSONPatch.
	Patch     []byte     `json:"patch,omitempty"`
	PatchType *PatchType `json:"patchType,omitempty"`
	// AuditAnnotations are added to the request's audit event, each key prefixed with the
	// webhook's name and "/".
	AuditAnnotations map[string]string `json:"auditAnnotations,omitempty"`
	// Warnings are shown to the client (as Warning headers).
	Warnings []string `json:"warnings,omitempty"`
}

// PatchType is the format of a response's patch.
type PatchType string

// PatchTypeJSONPatch is the only patch type: RFC 6902.
const PatchTypeJSONPatch PatchType = "JSONPatch"

// GroupVersionKind names a kind in an AdmissionRequest.
type GroupVersionKind struct {
	Group   string `json:"group"`
	Version string `json:"version"`
	Kind    string `json:"kind"`
}

// GroupVersionResource names a resource in an AdmissionRequest.
type GroupVersionResource struct {
	Group    string `json:"group"`
	Version  string `json:"version"`
	Resource string `json:"resource"`
}

// UserInfo is the user making the request, as authentication.k8s.io/v1 spells it.
type UserInfo struct {
	Username string              `json:"username,omitempty"`
	UID      string              `json:"uid,omitempty"`
	Groups   []string            `json:"groups,omitempty"`
	Extra    map[string][]string `json:"extra,omitempty"`
}
