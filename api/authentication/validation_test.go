package authentication

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/api/field/fieldtest"
)

func ptr[T any](v T) *T { return &v }

func TestDefaultTokenRequest(t *testing.T) {
	tests := []struct {
		name string
		in   *int64
		want int64
	}{
		{"unset gets an hour", nil, DefaultExpirationSeconds},
		{"set is kept", ptr(int64(900)), 900},
		{"an invalid value is kept for validation to report", ptr(int64(1)), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &TokenRequest{Spec: TokenRequestSpec{ExpirationSeconds: tt.in}}
			DefaultTokenRequest(tr)
			if diff := cmp.Diff(tt.want, *tr.Spec.ExpirationSeconds); diff != "" {
				t.Errorf("expirationSeconds (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateTokenRequest(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*TokenRequest)
		want   []string
	}{
		{"defaults are valid", func(*TokenRequest) {}, nil},
		{"unset expiration counts as the default", func(tr *TokenRequest) { tr.Spec.ExpirationSeconds = nil }, nil},
		{"ten minutes is the minimum", func(tr *TokenRequest) { tr.Spec.ExpirationSeconds = ptr(int64(600)) }, nil},
		{"under ten minutes", func(tr *TokenRequest) { tr.Spec.ExpirationSeconds = ptr(int64(599)) },
			[]string{"spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes"}},
		{"2^32 seconds is the maximum", func(tr *TokenRequest) { tr.Spec.ExpirationSeconds = ptr(int64(1 << 32)) }, nil},
		{"over 2^32 seconds", func(tr *TokenRequest) { tr.Spec.ExpirationSeconds = ptr(int64(1<<32 + 1)) },
			[]string{"spec.expirationSeconds: Invalid value: 4294967297: may not specify a duration larger than 2^32 seconds"}},
		{"bound to a pod", func(tr *TokenRequest) {
			tr.Spec.BoundObjectRef = &BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: "web-0", UID: "u1"}
		}, nil},
		{"bound to a secret without apiVersion", func(tr *TokenRequest) {
			tr.Spec.BoundObjectRef = &BoundObjectReference{Kind: "Secret", Name: "s"}
		}, nil},
		{"bound to another kind", func(tr *TokenRequest) {
			tr.Spec.BoundObjectRef = &BoundObjectReference{Kind: "Node", APIVersion: "v1", Name: "n1"}
		}, []string{`spec.boundObjectRef.kind: Unsupported value: "Node": supported values: "Pod", "Secret"`}},
		{"bound to a pod of another group", func(tr *TokenRequest) {
			tr.Spec.BoundObjectRef = &BoundObjectReference{Kind: "Pod", APIVersion: "example.com/v1", Name: "p"}
		}, []string{`spec.boundObjectRef.apiVersion: Unsupported value: "example.com/v1": supported values: "v1"`}},
		{"bound object needs a name", func(tr *TokenRequest) {
			tr.Spec.BoundObjectRef = &BoundObjectReference{Kind: "Pod"}
		}, []string{"spec.boundObjectRef.name: Required value: the object the token is bound to"}},
		{"no attestations", func(tr *TokenRequest) {
			tr.Spec.Attestations = map[string][]string{"admissionReviewAPIGroups": {"*"}}
		}, []string{`spec.attestations: Invalid value: map[string][]string{"admissionReviewAPIGroups":[]string{"*"}}: attestations may only be specified with a webhook bound object reference`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &TokenRequest{Spec: TokenRequestSpec{Audiences: []string{"api"}}}
			DefaultTokenRequest(tr)
			tt.mutate(tr)
			fieldtest.Expect(t, ValidateTokenRequest(tr), tt.want...)
		})
	}
}
