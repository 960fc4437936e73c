package serviceaccount

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/cryptosigner"
	"github.com/go-jose/go-jose/v4/jwt"
	"k8s.io/utils/clock"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
)

// ErrUnsupportedKey means a key is neither RSA nor ECDSA on P-256, P-384 or P-521, the keys
// Kubernetes signs service account tokens with.
var ErrUnsupportedKey = errors.New("serviceaccount: unsupported key")

// BoundObject names the object a token is bound to: the token is rejected once that object is
// deleted, even before it expires.
type BoundObject struct {
	// Kind is "Pod" or "Secret".
	Kind string
	Name string
	UID  meta.UID
}

// Issuer signs service account tokens with the server's key. It is safe for concurrent use.
type Issuer struct {
	issuer string
	signer jose.Signer
	clock  clock.PassiveClock
}

// NewIssuer returns an Issuer that signs with key (an *ecdsa.PrivateKey gives ES256, ES384 or
// ES512 by its curve; an *rsa.PrivateKey gives RS256; any other crypto.Signer over such a key, an
// HSM's for example, works too) and names issuer in every token's "iss". Tokens carry a key ID
// derived from the public key, as Kubernetes derives it, so that verifiers holding several keys try
// the right one first. clk is the real clock when nil.
func NewIssuer(key crypto.Signer, issuer string, clk clock.PassiveClock) (*Issuer, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: no key", ErrUnsupportedKey)
	}
	if issuer == "" {
		return nil, errors.New("serviceaccount: an issuer is required")
	}
	alg, err := algorithmFor(key.Public())
	if err != nil {
		return nil, err
	}
	kid, err := keyID(key.Public())
	if err != nil {
		return nil, err
	}
	var signingKey any
	switch k := key.(type) {
	case *ecdsa.PrivateKey, *rsa.PrivateKey:
		signingKey = k
	default:
		signingKey = cryptosigner.Opaque(key)
	}
	signer, err := jose.NewSigner(jose.SigningKey{
		Algorithm: alg,
		Key:       jose.JSONWebKey{Key: signingKey, KeyID: kid, Algorithm: string(alg), Use: "sig"},
	}, nil)
	if err != nil {
		return nil, fmt.Errorf("serviceaccount: creating signer: %w", err)
	}
	if clk == nil {
		clk = clock.RealClock{}
	}
	return &Issuer{issuer: issuer, signer: signer, clock: clk}, nil
}

// URL returns the issuer named in every token's "iss".
func (i *Issuer) URL() string { return i.issuer }

// Issue signs a token for sa, valid for audiences from now for expiration, and bound to bound when
// it is not nil. The caller checks that bound exists and belongs to sa (TokenRequester does). The
// token carries the claims Kubernetes puts in one: iss, sub (system:serviceaccount:<ns>:<name>),
// aud, exp, iat, nbf, jti, and "kubernetes.io" with the namespace, the service account's name and
// uid, and the bound object's. Times are whole seconds, so expiresAt is exactly the token's "exp".
func (i *Issuer) Issue(sa *core.ServiceAccount, audiences []string, expiration time.Duration, bound *BoundObject) (token string, expiresAt time.Time, err error) {
	switch {
	case sa == nil || sa.Namespace == "" || sa.Name == "" || sa.UID == "":
		return "", time.Time{}, errors.New("serviceaccount: issuing a token needs a service account with a namespace, name and uid")
	case len(audiences) == 0:
		// A token without an audience would be accepted by anyone who trusts the issuer, the
		// legacy tokens' flaw that audiences exist to fix.
		return "", time.Time{}, errors.New("serviceaccount: issuing a token needs at least one audience")
	case expiration < time.Second:
		return "", time.Time{}, fmt.Errorf("serviceaccount: token lifetime %v is too short", expiration)
	}
	k := &kubernetesClaims{
		Namespace:      sa.Namespace,
		ServiceAccount: ref{Name: sa.Name, UID: string(sa.UID)},
	}
	if bound != nil {
		r := &ref{Name: bound.Name, UID: string(bound.UID)}
		if r.Name == "" || r.UID == "" {
			return "", time.Time{}, errors.New("serviceaccount: a bound object needs a name and uid")
		}
		switch bound.Kind {
		case "Pod":
			k.Pod = r
		case "Secret":
			k.Secret = r
		default:
			return "", time.Time{}, fmt.Errorf("serviceaccount: cannot bind a token to a %q", bound.Kind)
		}
	}
	jti, err := newJTI()
	if err != nil {
		return "", time.Time{}, err
	}
	now := i.clock.Now().Truncate(time.Second)
	expiresAt = now.Add(expiration).Truncate(time.Second)
	public := jwt.Claims{
		Issuer:    i.issuer,
		Subject:   UserName(sa.Namespace, sa.Name),
		Audience:  jwt.Audience(audiences),
		Expiry:    jwt.NewNumericDate(expiresAt),
		NotBefore: jwt.NewNumericDate(now),
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        jti,
	}
	token, err = jwt.Signed(i.signer).Claims(privateClaims{Kubernetes: k}).Claims(public).Serialize()
	if err != nil {
		return "", time.Time{}, fmt.Errorf("serviceaccount: signing token: %w", err)
	}
	return token, expiresAt, nil
}

// newJTI returns a random UUID (version 4) to identify one token in audit logs.
func newJTI() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("serviceaccount: generating token id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// algorithmFor returns the signature algorithm Kubernetes uses with a public key.
func algorithmFor(pub crypto.PublicKey) (jose.SignatureAlgorithm, error) {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return jose.RS256, nil
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return jose.ES256, nil
		case elliptic.P384():
			return jose.ES384, nil
		case elliptic.P521():
			return jose.ES512, nil
		}
		return "", fmt.Errorf("%w: ECDSA curve %s", ErrUnsupportedKey, k.Curve.Params().Name)
	}
	return "", fmt.Errorf("%w: %T", ErrUnsupportedKey, pub)
}

// keyID derives a key ID from a public key as Kubernetes does (base64url of the SHA-256 of its
// PKIX DER), so that a token's kid matches what Kubernetes tooling expects. The hash cannot be
// reversed, so nobody mistakes the ID for the key.
func keyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrUnsupportedKey, err)
	}
	sum := sha256.Sum256(der)
	return base64.RawURLEncoding.EncodeToString(sum[:]), nil
}
