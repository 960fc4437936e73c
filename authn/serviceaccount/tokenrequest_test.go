package serviceaccount_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/serviceaccount"
)

func ptr[T any](v T) *T { return &v }

func TestTokenRequest(t *testing.T) {
	type check func(t *testing.T, e *env, out *authentication.TokenRequest, resp *authn.Response)
	tests := []struct {
		name      string
		requester func(e *env) *serviceaccount.TokenRequester
		sa        string
		req       authentication.TokenRequest
		wantSpec  authentication.TokenRequestSpec
		wantExp   time.Duration
		check     check
		wantErr   func(error) bool
		wantMsg   string
	}{
		{
			name:     "defaults: the issuer as audience, an hour",
			wantSpec: authentication.TokenRequestSpec{Audiences: []string{issuerURL}, ExpirationSeconds: ptr(int64(3600))},
			wantExp:  time.Hour,
		},
		{
			name: "default audiences from the requester",
			requester: func(e *env) *serviceaccount.TokenRequester {
				return &serviceaccount.TokenRequester{Issuer: e.issuer, Lookup: serviceaccount.StoreLookup(e.store), Audiences: []string{"vault"}}
			},
			wantSpec: authentication.TokenRequestSpec{Audiences: []string{"vault"}, ExpirationSeconds: ptr(int64(3600))},
			wantExp:  time.Hour,
		},
		{
			name:     "audiences and expiration as asked",
			req:      authentication.TokenRequest{Spec: authentication.TokenRequestSpec{Audiences: []string{"vault", "other"}, ExpirationSeconds: ptr(int64(600))}},
			wantSpec: authentication.TokenRequestSpec{Audiences: []string{"vault", "other"}, ExpirationSeconds: ptr(int64(600))},
			wantExp:  10 * time.Minute,
		},
		{
			name: "expiration capped by MaxExpiration",
			requester: func(e *env) *serviceaccount.TokenRequester {
				return &serviceaccount.TokenRequester{Issuer: e.issuer, Lookup: serviceaccount.StoreLookup(e.store), MaxExpiration: 2 * time.Hour}
			},
			req:      authentication.TokenRequest{Spec: authentication.TokenRequestSpec{ExpirationSeconds: ptr(int64(48 * 3600))}},
			wantSpec: authentication.TokenRequestSpec{Audiences: []string{issuerURL}, ExpirationSeconds: ptr(int64(7200))},
			wantExp:  2 * time.Hour,
		},
		{
			name: "bound to a pod, uid filled from the pod",
			req: authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
				BoundObjectRef: &authentication.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "build-7f9c4"}}},
			wantSpec: authentication.TokenRequestSpec{Audiences: []string{issuerURL}, ExpirationSeconds: ptr(int64(3600)),
				BoundObjectRef: &authentication.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "build-7f9c4"}},
			wantExp: time.Hour,
			check: func(t *testing.T, e *env, out *authentication.TokenRequest, resp *authn.Response) {
				if diff := cmp.Diff([]string{"pod-uid-1"}, resp.User.Extra[serviceaccount.ExtraPodUID]); diff != "" {
					t.Errorf("pod uid (-want +got):\n%s", diff)
				}
				e.delete(t, "pods", "ci", "build-7f9c4")
				if _, _, err := e.authn.AuthenticateToken(e.ctx, out.Status.Token); !errors.Is(err, serviceaccount.ErrPodDeleted) {
					t.Errorf("after the pod is deleted: %v, want ErrPodDeleted", err)
				}
			},
		},
		{
			name: "bound to a secret with its uid",
			req: authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
				BoundObjectRef: &authentication.BoundObjectReference{Kind: "Secret", Name: "builder-token", UID: "secret-uid-1"}}},
			wantSpec: authentication.TokenRequestSpec{Audiences: []string{issuerURL}, ExpirationSeconds: ptr(int64(3600)),
				BoundObjectRef: &authentication.BoundObjectReference{Kind: "Secret", Name: "builder-token", UID: "secret-uid-1"}},
			wantExp: time.Hour,
			check: func(t *testing.T, e *env, out *authentication.TokenRequest, _ *authn.Response) {
				e.delete(t, "secrets", "ci", "builder-token")
				if _, _, err := e.authn.AuthenticateToken(e.ctx, out.Status.Token); !errors.Is(err, serviceaccount.ErrSecretDeleted) {
					t.Errorf("after the secret is deleted: %v, want ErrSecretDeleted", err)
				}
			},
		},
		{
			name:    "too short",
			req:     authentication.TokenRequest{Spec: authentication.TokenRequestSpec{ExpirationSeconds: ptr(int64(599))}},
			wantErr: apierrors.IsInvalid,
			wantMsg: "spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes",
		},
		{
			name: "bound to a node",
			req: authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
				BoundObjectRef: &authentication.BoundObjectReference{Kind: "Node", APIVersion: "v1", Name: "node-1"}}},
			wantErr: apierrors.IsInvalid,
			wantMsg: `spec.boundObjectRef.kind: Unsupported value: "Node"`,
		},
		{
			name: "bound pod missing",
			req: authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
				BoundObjectRef: &authentication.BoundObjectReference{Kind: "Pod", Name: "gone"}}},
			wantErr: apierrors.IsNotFound,
			wantMsg: `pods "gone" not found`,
		},
		{
			name: "bound pod uid does not match",
			req: authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
				BoundObjectRef: &authentication.BoundObjectReference{Kind: "Pod", Name: "build-7f9c4", UID: "pod-uid-0"}}},
			wantErr: apierrors.IsConflict,
			wantMsg: "the UID in the bound object reference (pod-uid-0) does not match the UID in record",
		},
		{
			name: "bound pod runs as another service account",
			sa:   "deployer",
			req: authentication.TokenRequest{Spec: authentication.TokenRequestSpec{
				BoundObjectRef: &authentication.BoundObjectReference{Kind: "Pod", Name: "build-7f9c4"}}},
			wantErr: apierrors.IsBadRequest,
			wantMsg: `cannot bind token for serviceaccount "deployer" to pod running with different serviceaccount name.`,
		},
		{
			name:    "service account missing",
			sa:      "nobody",
			wantErr: apierrors.IsNotFound,
			wantMsg: `serviceaccounts "nobody" not found`,
		},
		{
			name:    "request for another namespace",
			req:     authentication.TokenRequest{ObjectMeta: meta.ObjectMeta{Namespace: "kube-system"}},
			wantErr: apierrors.IsBadRequest,
			wantMsg: "the namespace of the TokenRequest (kube-system) does not match the namespace of the service account (ci)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.create(t, "serviceaccounts", &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "ci", Name: "deployer", UID: "sa-uid-deployer"}})
			r := &serviceaccount.TokenRequester{Issuer: e.issuer, Lookup: serviceaccount.StoreLookup(e.store)}
			if tt.requester != nil {
				r = tt.requester(e)
			}
			sa := tt.sa
			if sa == "" {
				sa = "builder"
			}
			req := tt.req.DeepCopy()
			out, err := r.TokenRequest(e.ctx, "ci", sa, req)
			if diff := cmp.Diff(&tt.req, req); diff != "" {
				t.Errorf("the request was changed (-before +after):\n%s", diff)
			}
			if tt.wantErr != nil {
				if err == nil || !tt.wantErr(err) {
					t.Fatalf("error %v is not the expected kind", err)
				}
				if got := apierrors.StatusOf(err).Message; !strings.Contains(got, tt.wantMsg) {
					t.Errorf("message %q does not say %q", got, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := &authentication.TokenRequest{
				TypeMeta:   meta.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "TokenRequest"},
				ObjectMeta: meta.ObjectMeta{Namespace: "ci", Name: "builder"},
				Spec:       tt.wantSpec,
				Status:     authentication.TokenRequestStatus{ExpirationTimestamp: meta.NewTime(t0.Add(tt.wantExp))},
			}
			if diff := cmp.Diff(want, out, cmpopts.IgnoreFields(authentication.TokenRequestStatus{}, "Token")); diff != "" {
				t.Errorf("answer (-want +got):\n%s", diff)
			}
			// The answer's token is what it says: for its audiences, until its expiry.
			verifier := e.authnFor(t, out.Spec.Audiences)
			resp, ok, err := verifier.AuthenticateToken(e.ctx, out.Status.Token)
			if !ok || err != nil {
				t.Fatalf("issued token rejected: %v", err)
			}
			if diff := cmp.Diff(out.Spec.Audiences, resp.Audiences); diff != "" {
				t.Errorf("token audiences (-want +got):\n%s", diff)
			}
			e.clock.SetTime(t0.Add(tt.wantExp + serviceaccount.Leeway + time.Second))
			if _, _, err := verifier.AuthenticateToken(e.ctx, out.Status.Token); !errors.Is(err, serviceaccount.ErrExpired) {
				t.Errorf("after status.expirationTimestamp: %v, want ErrExpired", err)
			}
			e.clock.SetTime(t0)
			if tt.check != nil {
				tt.check(t, e, out, resp)
			}
		})
	}
}
