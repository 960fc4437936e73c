package authentication

import (
	"github.com/skiff-io/skiff/api/field"
)

// Token lifetimes, in seconds, as Kubernetes bounds them.
const (
	// MinExpirationSeconds is the shortest lifetime a client may ask for: a token that expires
	// sooner would have to be refreshed so often that clients could not keep up.
	MinExpirationSeconds = 10 * 60
	// DefaultExpirationSeconds is the lifetime of a token whose request names none.
	DefaultExpirationSeconds = 60 * 60
	// MaxExpirationSeconds is the longest lifetime a client may ask for.
	MaxExpirationSeconds = 1 << 32
)

// The kinds a token can be bound to.
const (
	BoundKindPod    = "Pod"
	BoundKindSecret = "Secret"
)

// DefaultTokenRequest applies Kubernetes' defaults: an expiration of DefaultExpirationSeconds. The
// default audiences belong to the server, which fills them when it issues the token.
func DefaultTokenRequest(tr *TokenRequest) {
	if tr.Spec.ExpirationSeconds == nil {
		s := int64(DefaultExpirationSeconds)
		tr.Spec.ExpirationSeconds = &s
	}
}

// ValidateTokenRequest checks a TokenRequest as Kubernetes does: an expiration between ten minutes
// and 2^32 seconds (unset counts as the default), no attestations. It also checks what Kubernetes
// checks only when it looks the bound object up, so that the answer is a 422 listing every problem:
// the bound object must be a core Pod or Secret with a name. Whether that object exists is for the
// server to say.
func ValidateTokenRequest(tr *TokenRequest) field.ErrorList {
	var errs field.ErrorList
	spec := field.NewPath("spec")
	exp := int64(DefaultExpirationSeconds)
	if tr.Spec.ExpirationSeconds != nil {
		exp = *tr.Spec.ExpirationSeconds
	}
	if exp < MinExpirationSeconds {
		errs = append(errs, field.Invalid(spec.Child("expirationSeconds"), exp, "may not specify a duration less than 10 minutes"))
	}
	if exp > MaxExpirationSeconds {
		errs = append(errs, field.Invalid(spec.Child("expirationSeconds"), exp, "may not specify a duration larger than 2^32 seconds"))
	}
	if len(tr.Spec.Attestations) != 0 {
		errs = append(errs, field.Invalid(spec.Child("attestations"), tr.Spec.Attestations, "attestations may only be specified with a webhook bound object reference"))
	}
	if ref := tr.Spec.BoundObjectRef; ref != nil {
		p := spec.Child("boundObjectRef")
		if ref.Kind != BoundKindPod && ref.Kind != BoundKindSecret {
			errs = append(errs, field.NotSupported(p.Child("kind"), ref.Kind, []string{BoundKindPod, BoundKindSecret}))
		}
		if ref.APIVersion != "" && ref.APIVersion != "v1" {
			errs = append(errs, field.NotSupported(p.Child("apiVersion"), ref.APIVersion, []string{"v1"}))
		}
		if ref.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), "the object the token is bound to"))
		}
	}
	return errs
}
