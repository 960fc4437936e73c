package serviceaccount

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/store"
)

// TokenRequester answers the TokenRequests posted to a service account's token subresource
// (serviceaccounts/<name>/token), as kube-apiserver does.
type TokenRequester struct {
	// Issuer signs the tokens.
	Issuer *Issuer
	// Lookup finds the service account and the object a token is to be bound to.
	Lookup Lookup
	// Audiences are what a request that names none gets: the audiences the API server's own
	// Authenticator accepts. Empty means the issuer's URL, as kube-apiserver's --api-audiences
	// defaults to --service-account-issuer.
	Audiences []string
	// MaxExpiration, when set, silently shortens longer requests, as kube-apiserver's
	// --service-account-max-token-expiration does: clients read the expiry from the answer.
	MaxExpiration time.Duration
}

var tokenRequestKind = apierrors.GroupKind{Group: authentication.GroupName, Kind: "TokenRequest"}

// TokenRequest issues a token for the service account namespace/name as req asks, and returns a
// copy of req with its defaults filled and status.token and status.expirationTimestamp set; req
// itself is not changed. The request is defaulted and validated (authentication.ValidateTokenRequest:
// expirationSeconds at least 600, 3600 when unset). A bound object must be a Pod or Secret in the
// same namespace that exists, whose uid is the reference's when the reference has one, and, for a
// pod, that runs as this service account.
//
// Errors are API errors, ready to be the response: Invalid (422) for a request that does not
// validate, NotFound (404) for a missing service account or bound object, Conflict (409) for a uid
// that does not match, BadRequest (400) for a request whose metadata names another service
// account or a pod that runs as another one. A Lookup or signing failure is returned wrapped, for an
// Internal error.
func (t *TokenRequester) TokenRequest(ctx context.Context, namespace, name string, req *authentication.TokenRequest) (*authentication.TokenRequest, error) {
	if req == nil {
		return nil, apierrors.NewBadRequest("a TokenRequest is required")
	}
	if req.Namespace != "" && req.Namespace != namespace {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the namespace of the TokenRequest (%s) does not match the namespace of the service account (%s)", req.Namespace, namespace))
	}
	if req.Name != "" && req.Name != name {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("the name of the TokenRequest (%s) does not match the name of the service account (%s)", req.Name, name))
	}
	out := req.DeepCopy()
	out.APIVersion, out.Kind = authentication.APIVersion, "TokenRequest"
	out.Namespace, out.Name = namespace, name
	authentication.DefaultTokenRequest(out)
	if errs := authentication.ValidateTokenRequest(out); len(errs) > 0 {
		return nil, apierrors.NewInvalid(tokenRequestKind, name, errs)
	}

	sa, err := t.Lookup.ServiceAccount(ctx, namespace, name)
	if err != nil {
		return nil, lookupError(err, "serviceaccounts", namespace, name)
	}
	bound, err := t.boundObject(ctx, namespace, name, out.Spec.BoundObjectRef)
	if err != nil {
		return nil, err
	}
	if len(out.Spec.Audiences) == 0 {
		out.Spec.Audiences = t.Audiences
		if len(out.Spec.Audiences) == 0 {
			out.Spec.Audiences = []string{t.Issuer.URL()}
		}
		out.Spec.Audiences = append([]string(nil), out.Spec.Audiences...)
	}
	expiration := time.Duration(*out.Spec.ExpirationSeconds) * time.Second
	if t.MaxExpiration > 0 && expiration > t.MaxExpiration {
		expiration = t.MaxExpiration
		seconds := int64(expiration / time.Second)
		out.Spec.ExpirationSeconds = &seconds
	}
	token, expiresAt, err := t.Issuer.Issue(sa, out.Spec.Audiences, expiration, bound)
	if err != nil {
		return nil, err
	}
	out.Status = authentication.TokenRequestStatus{Token: token, ExpirationTimestamp: meta.NewTime(expiresAt)}
	return out, nil
}

// boundObject checks the object ref names and returns it for the token's claims; nil for no ref.
func (t *TokenRequester) boundObject(ctx context.Context, namespace, saName string, ref *authentication.BoundObjectReference) (*BoundObject, error) {
	if ref == nil {
		return nil, nil
	}
	var uid meta.UID
	switch ref.Kind {
	case authentication.BoundKindPod:
		pod, err := t.Lookup.Pod(ctx, namespace, ref.Name)
		if err != nil {
			return nil, lookupError(err, "pods", namespace, ref.Name)
		}
		if pod.Spec.ServiceAccountName != saName {
			return nil, apierrors.NewBadRequest(fmt.Sprintf("cannot bind token for serviceaccount %q to pod running with different serviceaccount name.", saName))
		}
		uid = pod.UID
	case authentication.BoundKindSecret:
		secret, err := t.Lookup.Secret(ctx, namespace, ref.Name)
		if err != nil {
			return nil, lookupError(err, "secrets", namespace, ref.Name)
		}
		uid = secret.UID
	default: // ValidateTokenRequest has refused any other kind
		return nil, apierrors.NewBadRequest(fmt.Sprintf("cannot bind token to object of kind %q", ref.Kind))
	}
	if ref.UID != "" && ref.UID != uid {
		return nil, apierrors.NewConflict(apierrors.GroupResource{Resource: ref.Kind}, ref.Name,
			fmt.Errorf("the UID in the bound object reference (%s) does not match the UID in record. The object might have been deleted and then recreated", ref.UID))
	}
	return &BoundObject{Kind: ref.Kind, Name: ref.Name, UID: uid}, nil
}

// lookupError turns a Lookup's not-found into the API's NotFound, and wraps anything else.
func lookupError(err error, resource, namespace, name string) error {
	if errors.Is(err, store.ErrNotFound) {
		return apierrors.NewNotFound(apierrors.GroupResource{Resource: resource}, name)
	}
	return fmt.Errorf("serviceaccount: looking up %s %s/%s: %w", resource, namespace, name, err)
}
