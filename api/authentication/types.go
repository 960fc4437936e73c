package authentication

import "github.com/skiff-io/skiff/api/meta"

// TokenRequest asks for a token for the service account named by the request's path. It is never
// stored: the server answers the create with the same object, its status filled.
type TokenRequest struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Spec            TokenRequestSpec   `json:"spec"`
	Status          TokenRequestStatus `json:"status,omitempty"`
}

// TokenRequestSpec is what the client asks for. Kubernetes encodes audiences, expirationSeconds and
// boundObjectRef without omitempty, so an unset one is written as null; the tags keep that.
type TokenRequestSpec struct {
	// Audiences are who the token is for: a recipient must find itself among them and reject the
	// token otherwise. Empty means the API server's own audiences.
	Audiences []string `json:"audiences"`
	// ExpirationSeconds is the lifetime asked for: at least 600, 3600 when unset. The server may
	// issue a shorter one, so clients read status.expirationTimestamp rather than assume.
	ExpirationSeconds *int64 `json:"expirationSeconds"`
	// BoundObjectRef ties the token to a Pod or Secret: once that object is deleted the token is
	// rejected, whatever its expiry.
	BoundObjectRef *BoundObjectReference `json:"boundObjectRef"`
	// Attestations are only meaningful for tokens bound to webhook configurations, which skiff does
	// not issue; the field exists so that such a request is decoded and refused with a reason rather
	// than failing to decode.
	Attestations map[string][]string `json:"attestations,omitempty"`
}

// TokenRequestStatus is the issued token.
type TokenRequestStatus struct {
	// Token is the opaque bearer token.
	Token string `json:"token"`
	// ExpirationTimestamp is when the token stops being accepted.
	ExpirationTimestamp meta.Time `json:"expirationTimestamp"`
}

// BoundObjectReference names the object a token is bound to.
type BoundObjectReference struct {
	// Kind is "Pod" or "Secret".
	Kind string `json:"kind,omitempty"`
	// APIVersion is "v1" (or empty): both kinds are in the core group.
	APIVersion string `json:"apiVersion,omitempty"`
	Name       string `json:"name,omitempty"`
	// UID, when set, must be the object's: it guards against binding to a namesake created after
	// the one the client had in mind was deleted.
	UID meta.UID `json:"uid,omitempty"`
}

// TokenReview asks the API server to authenticate a token: a webhook, an aggregated API server or
// a service that accepts service account tokens (Vault, say) sends the token it was given and
// learns whose it is. It is never stored: the server answers the create with the same object, its
// status filled. A token that does not authenticate is an answer (status.authenticated false, with
// status.error), not a failed request.
type TokenReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Spec holds the token.
	Spec TokenReviewSpec `json:"spec"`
	// Status is whether the token authenticated, and as whom.
	Status TokenReviewStatus `json:"status,omitempty"`
}

// TokenReviewSpec is the token and who it is meant for.
type TokenReviewSpec struct {
	// Token is the opaque bearer token.
	Token string `json:"token,omitempty"`
	// Audiences are the audiences the reviewer accepts the token for: the token must be for one of
	// them. Empty means the API server's own audiences.
	Audiences []string `json:"audiences,omitempty"`
}

// TokenReviewStatus is the result of authenticating the token.
type TokenReviewStatus struct {
	// Authenticated is true when the token is valid for one of the audiences.
	Authenticated bool `json:"authenticated,omitempty"`
	// User is whom the token stands for.
	User UserInfo `json:"user,omitempty"`
	// Audiences are the audiences, among those asked for, that the token is valid for. A reviewer
	// that asked for several must check that the one it is appears here.
	Audiences []string `json:"audiences,omitempty"`
	// Error says why the token did not authenticate.
	Error string `json:"error,omitempty"`
}

// UserInfo is an authenticated user as the API server sees it.
type UserInfo struct {
	// Username names the user uniquely among users.
	Username string `json:"username,omitempty"`
	// UID identifies the user across time: a user deleted and created again gets another.
	UID string `json:"uid,omitempty"`
	// Groups are the groups the user belongs to.
	Groups []string `json:"groups,omitempty"`
	// Extra is what else the authenticator knows about the user (the pod a service account token
	// is bound to, say).
	Extra map[string][]string `json:"extra,omitempty"`
}

// SelfSubjectReview asks the API server who the requester is, as it authenticated them:
// "kubectl auth whoami" sends one. With impersonation, the answer is the impersonated user. It is
// never stored.
type SelfSubjectReview struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	// Status is filled by the server.
	Status SelfSubjectReviewStatus `json:"status,omitempty"`
}

// SelfSubjectReviewStatus is the requester.
type SelfSubjectReviewStatus struct {
	// UserInfo is the user that made the request.
	UserInfo UserInfo `json:"userInfo,omitempty"`
}
