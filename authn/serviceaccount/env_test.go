package serviceaccount_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn/serviceaccount"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

const (
	issuerURL = "https://skiff.example.com"
	apiAud    = "https://skiff.example.com"
)

var t0 = time.Date(2024, 5, 14, 9, 30, 0, 0, time.UTC)

// Keys are made once per test binary: RSA generation is slow, and nothing depends on fresh keys.
var (
	keysOnce                   sync.Once
	ecKey, otherECKey, p384Key *ecdsa.PrivateKey
	rsaKey                     *rsa.PrivateKey
)

func keys(t testing.TB) {
	t.Helper()
	keysOnce.Do(func() {
		must := func(err error) {
			if err != nil {
				panic(err)
			}
		}
		var err error
		ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		otherECKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		must(err)
		p384Key, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
		must(err)
		rsaKey, err = rsa.GenerateKey(rand.Reader, 2048)
		must(err)
	})
}

// env is a small cluster: a real in-memory store holding a service account ci/builder, a pod
// running as it and a secret, an issuer, and an authenticator trusting the EC and RSA keys.
type env struct {
	ctx       context.Context
	store     *memdb.Store
	clock     *clocktesting.FakePassiveClock
	issuer    *serviceaccount.Issuer
	rsaIssuer *serviceaccount.Issuer
	authn     *serviceaccount.Authenticator
	sa        *core.ServiceAccount
	pod       *core.Pod
	secret    *core.Secret
}

func newEnv(t testing.TB) *env {
	t.Helper()
	keys(t)
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{ctx: context.Background(), store: st, clock: clocktesting.NewFakePassiveClock(t0)}
	e.sa = &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "ci", Name: "builder", UID: "sa-uid-1"}}
	e.pod = &core.Pod{ObjectMeta: meta.ObjectMeta{Namespace: "ci", Name: "build-7f9c4", UID: "pod-uid-1"},
		Spec: core.PodSpec{ServiceAccountName: "builder", NodeName: "node-1", Containers: []core.Container{{Name: "c", Image: "busybox"}}}}
	e.secret = &core.Secret{ObjectMeta: meta.ObjectMeta{Namespace: "ci", Name: "builder-token", UID: "secret-uid-1"}}
	e.create(t, "serviceaccounts", e.sa)
	e.create(t, "pods", e.pod)
	e.create(t, "secrets", e.secret)
	if e.issuer, err = serviceaccount.NewIssuer(ecKey, issuerURL, e.clock); err != nil {
		t.Fatal(err)
	}
	if e.rsaIssuer, err = serviceaccount.NewIssuer(rsaKey, issuerURL, e.clock); err != nil {
		t.Fatal(err)
	}
	e.authn, err = serviceaccount.NewAuthenticator([]crypto.PublicKey{ecKey.Public(), rsaKey.Public()},
		[]string{issuerURL}, []string{apiAud, "vault"}, serviceaccount.StoreLookup(st), e.clock)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// authnFor returns an authenticator like e.authn that accepts audiences.
func (e *env) authnFor(t testing.TB, audiences []string) *serviceaccount.Authenticator {
	t.Helper()
	a, err := serviceaccount.NewAuthenticator([]crypto.PublicKey{ecKey.Public(), rsaKey.Public()},
		[]string{issuerURL}, audiences, serviceaccount.StoreLookup(e.store), e.clock)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (e *env) create(t testing.TB, resource string, obj meta.Object) {
	t.Helper()
	m := obj.GetObjectMeta()
	if _, err := e.store.Create(e.ctx, store.Key(resource, m.Namespace, m.Name), obj); err != nil {
		t.Fatal(err)
	}
}

func (e *env) delete(t testing.TB, resource, namespace, name string) {
	t.Helper()
	if _, err := e.store.Delete(e.ctx, store.Key(resource, namespace, name), nil); err != nil {
		t.Fatal(err)
	}
}

// markDeleted sets obj's deletionTimestamp, as a graceful delete or a pending finalizer does.
func (e *env) markDeleted(t testing.TB, resource string, obj meta.Object, at time.Time) {
	t.Helper()
	obj = obj.DeepCopyObject()
	m := obj.GetObjectMeta()
	ts := meta.NewTime(at)
	m.DeletionTimestamp = &ts
	if _, err := e.store.Update(e.ctx, store.Key(resource, m.Namespace, m.Name), obj); err != nil {
		t.Fatal(err)
	}
}

func (e *env) issue(t testing.TB, bound *serviceaccount.BoundObject) string {
	t.Helper()
	tok, _, err := e.issuer.Issue(e.sa, []string{apiAud}, time.Hour, bound)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func (e *env) podBound() *serviceaccount.BoundObject {
	return &serviceaccount.BoundObject{Kind: "Pod", Name: e.pod.Name, UID: e.pod.UID}
}

// claims are those of a valid token for ci/builder, for tests that sign their own variations.
func (e *env) claims() map[string]any {
	return map[string]any{
		"iss": issuerURL,
		"sub": "system:serviceaccount:ci:builder",
		"aud": []string{apiAud},
		"iat": t0.Unix(),
		"nbf": t0.Unix(),
		"exp": t0.Add(time.Hour).Unix(),
		"kubernetes.io": map[string]any{
			"namespace":      "ci",
			"serviceaccount": map[string]any{"name": "builder", "uid": "sa-uid-1"},
		},
	}
}

// sign signs claims with key under alg, as a forger with that key would.
func sign(t testing.TB, key any, alg jose.SignatureAlgorithm, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: key}, nil)
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func b64(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// unsafePart decodes part i (0 header, 1 payload) of a token, unverified.
func unsafePart(t testing.TB, token string, i int) map[string]any {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[i])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// failingLookup stands for a store that cannot answer.
type failingLookup struct{ err error }

func (f failingLookup) ServiceAccount(context.Context, string, string) (*core.ServiceAccount, error) {
	return nil, f.err
}
func (f failingLookup) Pod(context.Context, string, string) (*core.Pod, error) { return nil, f.err }
func (f failingLookup) Secret(context.Context, string, string) (*core.Secret, error) {
	return nil, f.err
}
