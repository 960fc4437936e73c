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
