package serviceaccount

import (
	"errors"
	"fmt"
)

// Why a token was rejected. Every error AuthenticateToken returns wraps one of these, so that a
// caller (TokenReview, audit, a metric) can tell the reasons apart with errors.Is.
var (
	// ErrMalformed means the token claims to be a JWT but cannot be read as one of ours: bad
	// encoding, or missing claims every service account token has.
	ErrMalformed = errors.New("serviceaccount: malformed token")
	// ErrInvalidAlgorithm means the token's "alg" is not one the trusted keys sign with; "none" and
	// HMAC algorithms never are.
	ErrInvalidAlgorithm = errors.New("serviceaccount: token algorithm is not accepted")
	// ErrInvalidSignature means no trusted key verifies the token: forged, or tampered with.
	ErrInvalidSignature = errors.New("serviceaccount: token signature is invalid")
	// ErrInvalidIssuer means the token's "iss" is not one of the trusted issuers.
	ErrInvalidIssuer = errors.New("serviceaccount: token issuer is not trusted")
	// ErrInvalidAudience means none of the token's audiences is one of the server's.
	ErrInvalidAudience = errors.New("serviceaccount: token audience does not match")
	// ErrExpired means the token's "exp" has passed (by more than Leeway).
	ErrExpired = errors.New("serviceaccount: token has expired")
	// ErrNotYetValid means the token's "nbf" or "iat" is still ahead (by more than Leeway).
	ErrNotYetValid = errors.New("serviceaccount: token is not valid yet")
	// ErrServiceAccountDeleted means the token's service account is gone, or was deleted and
	// recreated: the namesake is another identity.
	ErrServiceAccountDeleted = errors.New("serviceaccount: service account has been deleted")
	// ErrPodDeleted means the pod a token is bound to is gone, or was recreated.
	ErrPodDeleted = errors.New("serviceaccount: pod has been deleted")
	// ErrSecretDeleted means the secret a token is bound to is gone, or was recreated.
	ErrSecretDeleted = errors.New("serviceaccount: secret has been deleted")
)

// deletedError says which object a token depended on is gone. It reads "serviceaccount: pod ci/web-0
// has been deleted" and wraps the sentinel of its kind.
type deletedError struct {
	sentinel        error
	what            string // "service account", "pod", "secret"
	namespace, name string
	detail          string // why, when not simply absent
}

func (e *deletedError) Error() string {
	msg := fmt.Sprintf("serviceaccount: %s %s/%s has been deleted", e.what, e.namespace, e.name)
	if e.detail != "" {
		msg += " (" + e.detail + ")"
	}
	return msg
}

func (e *deletedError) Unwrap() error { return e.sentinel }
