package serviceaccount

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/tokenfile"
	"github.com/skiff-io/skiff/store"
)

// Method is what Response.Method says for a request authenticated by a service account token.
const Method = "serviceaccount"

// Leeway is how far clocks may disagree: a token is accepted up to a minute after its expiry and
// from a minute before its start, and an object whose deletion time passed less than a minute ago
// still counts, as in Kubernetes.
const Leeway = time.Minute

// Authenticator verifies service account tokens. It is safe for concurrent use.
type Authenticator struct {
	keys      []verificationKey
	algs      []jose.SignatureAlgorithm
	issuers   []string
	audiences []string
	lookup    Lookup
	clock     clock.PassiveClock
}

type verificationKey struct {
	key crypto.PublicKey
	alg jose.SignatureAlgorithm
	id  string
}

var _ authn.Authenticator = (*Authenticator)(nil)

// NewAuthenticator returns an Authenticator that accepts tokens signed by one of keys (public keys,
// or private keys whose public half is used; several allow rotation), naming one of issuers, for at
// least one of audiences, and whose service account (and bound pod or secret) still exist as they
// were when the token was issued, which lookup says. audiences default to issuers, as
// kube-apiserver's --api-audiences defaults to --service-account-issuer. clk is the real clock when
// nil.
func NewAuthenticator(keys []crypto.PublicKey, issuers []string, audiences []string, lookup Lookup, clk clock.PassiveClock) (*Authenticator, error) {
	if len(keys) == 0 {
		return nil, errors.New("serviceaccount: at least one key is required")
	}
	if len(issuers) == 0 || slices.Contains(issuers, "") {
		return nil, errors.New("serviceaccount: at least one issuer is required, and none may be empty")
	}
	if lookup == nil {
		return nil, errors.New("serviceaccount: a Lookup is required")
	}
	if len(audiences) == 0 {
		audiences = issuers
	}
	if clk == nil {
		clk = clock.RealClock{}
	}
	a := &Authenticator{
		issuers:   slices.Clone(issuers),
		audiences: slices.Clone(audiences),
		lookup:    lookup,
		clock:     clk,
	}
	for _, k := range keys {
		if private, ok := k.(interface{ Public() crypto.PublicKey }); ok {
			k = private.Public()
		}
		alg, err := algorithmFor(k)
		if err != nil {
			return nil, err
		}
		id, err := keyID(k)
		if err != nil {
			return nil, err
		}
		a.keys = append(a.keys, verificationKey{key: k, alg: alg, id: id})
		if !slices.Contains(a.algs, alg) {
			a.algs = append(a.algs, alg)
		}
	}
	return a, nil
}

// AuthenticateRequest authenticates r by the service account token in its "Authorization: Bearer"
// header. ok is false, with no error, when there is no bearer token or it is not a JWT (a static
// token, say, for another authenticator); a JWT that fails any check is an error saying why (see
// AuthenticateToken).
func (a *Authenticator) AuthenticateRequest(r *http.Request) (*authn.Response, bool, error) {
	token, ok := tokenfile.BearerToken(r)
	if !ok {
		return nil, false, nil
	}
	return a.AuthenticateToken(r.Context(), token)
}

// AuthenticateToken verifies token, in this order: it is a JWT (ok false, no error, otherwise),
// from a trusted issuer, with an accepted algorithm and a signature by a trusted key, for one of the
// server's audiences, within its validity (with Leeway), naming a service account that still exists
// with the same uid and, when bound, a pod or secret that still exists with the same uid and whose
// deletion time, if set, has not passed. Each failure is an error wrapping its sentinel
// (ErrInvalidIssuer, ErrInvalidAlgorithm, ErrInvalidSignature, ErrInvalidAudience, ErrExpired,
// ErrNotYetValid, ErrServiceAccountDeleted, ErrPodDeleted, ErrSecretDeleted, ErrMalformed), or the
// Lookup's error.
//
// A pod being deleted gracefully keeps a deletion time in the future until its grace period ends,
// and its token keeps working until then, as in Kubernetes: a terminating pod may still need the
// API (to release a lease, say) to shut down cleanly.
//
// The user is system:serviceaccount:<ns>:<name> with the service account's uid, in the groups
// system:serviceaccounts, system:serviceaccounts:<ns> and system:authenticated; a pod-bound token
// adds the pod's name and uid to Extra. Response.Audiences are the token's audiences the server
// accepts.
func (a *Authenticator) AuthenticateToken(ctx context.Context, token string) (*authn.Response, bool, error) {
	header, unverifiedPayload, isJWT, err := splitJWT(token)
	if !isJWT {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var unverified struct {
		Issuer string `json:"iss"`
	}
	if err := json.Unmarshal(unverifiedPayload, &unverified); err != nil {
		return nil, false, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	// Checked before the signature only to give the right reason: a token from another issuer is
	// usually signed by a key we do not have. The verified claim is checked again below.
	if !slices.Contains(a.issuers, unverified.Issuer) {
		return nil, false, fmt.Errorf("%w: %q", ErrInvalidIssuer, unverified.Issuer)
	}
	if !slices.Contains(a.algs, jose.SignatureAlgorithm(header.Algorithm)) {
		return nil, false, fmt.Errorf("%w: %q", ErrInvalidAlgorithm, header.Algorithm)
	}
	payload, err := a.verify(token)
	if err != nil {
		return nil, false, err
	}
	var public jwt.Claims
	var private privateClaims
	if err := json.Unmarshal(payload, &public); err != nil {
		return nil, false, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	if err := json.Unmarshal(payload, &private); err != nil {
		return nil, false, fmt.Errorf("%w: kubernetes.io claim: %v", ErrMalformed, err)
	}
	if !slices.Contains(a.issuers, public.Issuer) {
		return nil, false, fmt.Errorf("%w: %q", ErrInvalidIssuer, public.Issuer)
	}
	var audiences []string
	for _, aud := range public.Audience {
		if slices.Contains(a.audiences, aud) && !slices.Contains(audiences, aud) {
			audiences = append(audiences, aud)
		}
	}
	if len(audiences) == 0 {
		return nil, false, fmt.Errorf("%w: the token is for %q, the server accepts %q", ErrInvalidAudience, []string(public.Audience), a.audiences)
	}
	now := a.clock.Now()
	if public.Expiry == nil {
		// Tokens we issue always expire; one that does not is a legacy token or not ours.
		return nil, false, fmt.Errorf("%w: no expiry", ErrMalformed)
	}
	switch err := public.ValidateWithLeeway(jwt.Expected{Time: now}, Leeway); {
	case err == nil:
	case errors.Is(err, jwt.ErrExpired):
		return nil, false, fmt.Errorf("%w: at %s", ErrExpired, public.Expiry.Time().UTC().Format(time.RFC3339))
	case errors.Is(err, jwt.ErrNotValidYet), errors.Is(err, jwt.ErrIssuedInTheFuture):
		return nil, false, fmt.Errorf("%w: %v", ErrNotYetValid, err)
	default:
		return nil, false, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	k := private.Kubernetes
	if k == nil || k.Namespace == "" || k.ServiceAccount.Name == "" || k.ServiceAccount.UID == "" {
		return nil, false, fmt.Errorf("%w: no kubernetes.io claim naming a service account", ErrMalformed)
	}
	if public.Subject != UserName(k.Namespace, k.ServiceAccount.Name) {
		return nil, false, fmt.Errorf("%w: subject %q does not name the service account in the kubernetes.io claim", ErrMalformed, public.Subject)
	}
	if err := a.checkObjects(ctx, k, now); err != nil {
		return nil, false, err
	}
	return &authn.Response{User: userFor(k, public.ID), Method: Method, Audiences: audiences}, true, nil
}

// verify checks the signature of token with the trusted keys of its algorithm, the one whose key
// ID it names first, and returns the verified payload.
func (a *Authenticator) verify(token string) ([]byte, error) {
	jws, err := jose.ParseSignedCompact(token, a.algs)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if len(jws.Signatures) != 1 {
		return nil, fmt.Errorf("%w: %d signatures", ErrMalformed, len(jws.Signatures))
	}
	h := jws.Signatures[0].Header
	candidates := make([]verificationKey, 0, len(a.keys))
	for _, k := range a.keys {
		if k.alg == jose.SignatureAlgorithm(h.Algorithm) && k.id == h.KeyID {
			candidates = append(candidates, k)
		}
	}
	for _, k := range a.keys {
		// Tokens from a signer that derives key IDs differently, or sets none, are still tried
		// against every key of their algorithm: a signature either verifies or it does not.
		if k.alg == jose.SignatureAlgorithm(h.Algorithm) && k.id != h.KeyID {
			candidates = append(candidates, k)
		}
	}
	if len(candidates) == 0 {
		return nil, fmt.Errorf("%w: no trusted key for %s", ErrInvalidSignature, h.Algorithm)
	}
	for _, k := range candidates {
		if payload, err := jws.Verify(k.key); err == nil {
			return payload, nil
		}
	}
	return nil, fmt.Errorf("%w: no trusted key verifies it", ErrInvalidSignature)
}

// checkObjects makes sure the service account, and the pod or secret the token is bound to, still
// exist with the uids the token names.
func (a *Authenticator) checkObjects(ctx context.Context, k *kubernetesClaims, now time.Time) error {
	// Something deleted before this instant is gone; after it, within the leeway, it still counts.
	deletedBefore := now.Add(-Leeway)
	ns := k.Namespace
	sa, err := a.lookup.ServiceAccount(ctx, ns, k.ServiceAccount.Name)
	if err := checkObject(ErrServiceAccountDeleted, "service account", ns, k.ServiceAccount, objectMeta(sa), err, deletedBefore); err != nil {
		return err
	}
	if k.Secret != nil {
		secret, err := a.lookup.Secret(ctx, ns, k.Secret.Name)
		if err := checkObject(ErrSecretDeleted, "secret", ns, *k.Secret, objectMeta(secret), err, deletedBefore); err != nil {
			return err
		}
	}
	if k.Pod != nil {
		pod, err := a.lookup.Pod(ctx, ns, k.Pod.Name)
		if err := checkObject(ErrPodDeleted, "pod", ns, *k.Pod, objectMeta(pod), err, deletedBefore); err != nil {
			return err
		}
	}
	return nil
}

// objectMeta returns o's metadata, or nil for a nil object (a typed nil included).
func objectMeta[T interface {
	*E
	meta.Object
}, E any](o T) *meta.ObjectMeta {
	if o == nil {
		return nil
	}
	return o.GetObjectMeta()
}

func checkObject(sentinel error, what, namespace string, want ref, got *meta.ObjectMeta, lookupErr error, deletedBefore time.Time) error {
	gone := func(detail string) error {
		return &deletedError{sentinel: sentinel, what: what, namespace: namespace, name: want.Name, detail: detail}
	}
	switch {
	case errors.Is(lookupErr, store.ErrNotFound):
		return gone("")
	case lookupErr != nil:
		return fmt.Errorf("serviceaccount: looking up %s %s/%s: %w", what, namespace, want.Name, lookupErr)
	case got == nil:
		return gone("")
	case string(got.UID) != want.UID:
		return gone(fmt.Sprintf("a new one has uid %s, the token was issued for uid %s", got.UID, want.UID))
	case got.DeletionTimestamp != nil && got.DeletionTimestamp.Before(deletedBefore):
		return gone("deletion pending since " + got.DeletionTimestamp.UTC().Format(time.RFC3339))
	}
	return nil
}

// jwtHeader is the part of a JOSE header read before verification, to tell a JWT from other bearer
// tokens and to name a rejected algorithm.
type jwtHeader struct {
	Algorithm string `json:"alg"`
}

// splitJWT reports whether token looks like a JWS in compact form (three base64url parts, the
// first a JSON object with an "alg"), and returns its header and its still unverified payload. A
// token that looks like a JWT is this authenticator's to judge: one whose payload does not decode
// is an error.
func splitJWT(token string) (h jwtHeader, payload []byte, isJWT bool, err error) {
	first, rest, ok := strings.Cut(token, ".")
	if !ok {
		return h, nil, false, nil
	}
	second, third, ok := strings.Cut(rest, ".")
	if !ok || strings.Contains(third, ".") {
		return h, nil, false, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(first)
	if err != nil || json.Unmarshal(raw, &h) != nil || h.Algorithm == "" {
		return h, nil, false, nil
	}
	payload, err = base64.RawURLEncoding.DecodeString(second)
	if err != nil {
		return h, nil, true, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	return h, payload, true, nil
}
