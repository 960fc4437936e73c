// Package authentication holds the kinds of Kubernetes' "authentication.k8s.io" group, version v1.
// None is ever stored: a client creates one and the server answers with the same object, its
// status filled.
//
// TokenRequest is what a client posts to a service account's token subresource
// (serviceaccounts/<name>/token) to be issued a short-lived token for chosen audiences, optionally
// bound to a pod or secret so that it dies with it. TokenReview asks the server to authenticate a
// token (webhooks and services that accept service account tokens use it); SelfSubjectReview asks
// who the requester is (kubectl auth whoami).
//
//	seconds := int64(600)
//	tr := &authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
//		Audiences:         []string{"https://vault.example.com"},
//		ExpirationSeconds: &seconds,
//		BoundObjectRef:    &authentication.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "web-0"},
//	}}
//	authentication.DefaultTokenRequest(tr)
//	if errs := authentication.ValidateTokenRequest(tr); len(errs) > 0 {
//		return apierrors.NewInvalid(apierrors.GroupKind{Group: authentication.GroupName, Kind: "TokenRequest"}, "", errs)
//	}
//	// the server fills tr.Status.Token and tr.Status.ExpirationTimestamp
package authentication

//go:generate go run github.com/skiff-io/skiff/cmd/deepcopy-gen

// GroupName is the API group of this package's kinds.
const GroupName = "authentication.k8s.io"

// Version is the API version of this package's kinds.
const Version = "v1"

// APIVersion is what the kinds of this package carry in apiVersion.
const APIVersion = GroupName + "/" + Version
