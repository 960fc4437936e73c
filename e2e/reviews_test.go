package e2e

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/meta"
	rbacapi "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/tokenfile"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
	"github.com/skiff-io/skiff/pki"
	"github.com/skiff-io/skiff/store/memdb"
)

const janeToken = "jane-token"

// startReviewSkiff serves skiff with Kubernetes' bootstrap RBAC policy, in which jane (a static
// token) may read pods in "dev", and returns client configs for the admin (a client certificate in
// system:masters) and for jane.
func startReviewSkiff(t *testing.T, contentType string) (admin, jane *rest.Config) {
	t.Helper()
	reg := api.Builtin()
	st, err := memdb.Open(memdb.Options{Codec: reg})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ca, err := pki.NewCA("e2e-ca", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	static, err := tokenfile.New([]tokenfile.Entry{{Token: janeToken, User: authn.User{Name: "jane", UID: "jane-uid",
		Groups: []string{"dev-team"}, Extra: map[string][]string{"scopes.example.com": {"read"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	roles, bindings := rbac.BootstrapPolicy()
	policy := rbac.Policy{ClusterRoles: roles, ClusterRoleBindings: bindings,
		Roles: []*rbacapi.Role{{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "pod-reader"},
			Rules: []rbacapi.PolicyRule{{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}}}}},
		RoleBindings: []*rbacapi.RoleBinding{{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "read-pods"},
			RoleRef:  rbacapi.RoleRef{APIGroup: rbacapi.GroupName, Kind: "Role", Name: "pod-reader"},
			Subjects: []rbacapi.Subject{{Kind: rbacapi.UserKind, APIGroup: rbacapi.GroupName, Name: "jane"}}}},
	}
	srv, err := apiserver.New(apiserver.Config{Registry: reg, Store: st,
		Authenticator: authn.Union(authn.X509(ca.Pool()), static),
		Authorizer:    authz.Union(rbac.NewStatic(policy)),
		APIAudiences:  []string{"https://kubernetes.default.svc"},
	})
	if err != nil {
		t.Fatal(err)
	}
	serving, _ := ca.Issue(pki.Options{CommonName: "skiff", DNSNames: []string{"localhost"}, Usage: pki.ServerAuth})
	adminCert, _ := ca.Issue(pki.Options{CommonName: "admin", Organizations: []string{"system:masters"}, Usage: pki.ClientAuth})
	cert, err := tls.X509KeyPair(serving.CertPEM, serving.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.EnableHTTP2 = true
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert, ClientCAs: ca.Pool()}
	hs.StartTLS()
	t.Cleanup(hs.Close)
	admin = &rest.Config{Host: hs.URL, ContentConfig: rest.ContentConfig{ContentType: contentType},
		TLSClientConfig: rest.TLSClientConfig{CAData: ca.CertPEM, CertData: adminCert.CertPEM, KeyData: adminCert.KeyPEM, ServerName: "localhost"}}
	jane = &rest.Config{Host: hs.URL, ContentConfig: rest.ContentConfig{ContentType: contentType}, BearerToken: janeToken,
		TLSClientConfig: rest.TLSClientConfig{CAData: ca.CertPEM, ServerName: "localhost"}}
	return admin, jane
}

func TestReviews(t *testing.T) {
	for _, ct := range []string{"application/json", "application/vnd.kubernetes.protobuf"} {
		t.Run(ct, func(t *testing.T) {
			adminConfig, janeConfig := startReviewSkiff(t, ct)
			admin, err := kubernetes.NewForConfig(adminConfig)
			if err != nil {
				t.Fatal(err)
			}
			jane, err := kubernetes.NewForConfig(janeConfig)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()

			// kubectl auth can-i list pods -n dev, as jane.
			for verb, want := range map[string]bool{"list": true, "delete": false} {
				ssar, err := jane.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
					Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
						Namespace: "dev", Verb: verb, Resource: "pods"}}}, metav1.CreateOptions{})
				if err != nil {
					t.Fatalf("SelfSubjectAccessReview %s: %v", verb, err)
				}
				if ssar.Status.Allowed != want || ssar.Spec.ResourceAttributes.Verb != verb {
					t.Errorf("can-i %s pods: %+v", verb, ssar.Status)
				}
				if want && ssar.Status.Reason != `RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "jane"` {
					t.Errorf("reason: %q", ssar.Status.Reason)
				}
			}

			// kubectl auth can-i --list -n dev, as jane.
			ssrr, err := jane.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx, &authorizationv1.SelfSubjectRulesReview{
				Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: "dev"}}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("SelfSubjectRulesReview: %v", err)
			}
			found := slices.ContainsFunc(ssrr.Status.ResourceRules, func(r authorizationv1.ResourceRule) bool {
				return slices.Equal(r.Verbs, []string{"get", "list"}) && slices.Equal(r.Resources, []string{"pods"})
			})
			if !found || ssrr.Status.Incomplete || len(ssrr.Status.NonResourceRules) == 0 {
				t.Errorf("jane's rules in dev: %+v", ssrr.Status)
			}
			if _, err := jane.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx, &authorizationv1.SelfSubjectRulesReview{}, metav1.CreateOptions{}); !apierrors.IsBadRequest(err) || err.Error() != "no namespace on request" {
				t.Errorf("without a namespace: %v", err)
			}

			// kubectl auth whoami, as jane.
			ssr, err := jane.AuthenticationV1().SelfSubjectReviews().Create(ctx, &authenticationv1.SelfSubjectReview{}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("SelfSubjectReview: %v", err)
			}
			if u := ssr.Status.UserInfo; u.Username != "jane" || u.UID != "jane-uid" || !slices.Equal(u.Groups, []string{"dev-team", "system:authenticated"}) ||
				!slices.Equal(u.Extra["scopes.example.com"], []string{"read"}) || ssr.CreationTimestamp.IsZero() {
				t.Errorf("whoami: %+v at %v", u, ssr.CreationTimestamp)
			}

			// A token reviewer (an aggregated API server, a webhook) checks jane's token.
			tr, err := admin.AuthenticationV1().TokenReviews().Create(ctx, &authenticationv1.TokenReview{
				Spec: authenticationv1.TokenReviewSpec{Token: janeToken}}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("TokenReview: %v", err)
			}
			if !tr.Status.Authenticated || tr.Status.User.Username != "jane" || !slices.Equal(tr.Status.Audiences, []string{"https://kubernetes.default.svc"}) {
				t.Errorf("token review: %+v", tr.Status)
			}
			bad, err := admin.AuthenticationV1().TokenReviews().Create(ctx, &authenticationv1.TokenReview{
				Spec: authenticationv1.TokenReviewSpec{Token: "forged"}}, metav1.CreateOptions{})
			if err != nil || bad.Status.Authenticated || bad.Status.Error == "" {
				t.Errorf("forged token review: %+v %v", bad, err)
			}

			// The admin asks about jane, extras included (wrapped lists in protobuf).
			sar, err := admin.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{
				Spec: authorizationv1.SubjectAccessReviewSpec{User: "jane", Extra: map[string]authorizationv1.ExtraValue{"scopes.example.com": {"read"}},
					ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: "dev", Verb: "get", Resource: "pods"}}}, metav1.CreateOptions{})
			if err != nil {
				t.Fatalf("SubjectAccessReview: %v", err)
			}
			if !sar.Status.Allowed || !slices.Equal(sar.Spec.Extra["scopes.example.com"], []string{"read"}) {
				t.Errorf("subject access review: %+v %+v", sar.Spec, sar.Status)
			}
			lsar, err := admin.AuthorizationV1().LocalSubjectAccessReviews("dev").Create(ctx, &authorizationv1.LocalSubjectAccessReview{
				Spec: authorizationv1.SubjectAccessReviewSpec{User: "jane",
					ResourceAttributes: &authorizationv1.ResourceAttributes{Namespace: "prod", Verb: "get", Resource: "pods"}}}, metav1.CreateOptions{})
			if !apierrors.IsInvalid(err) || err.Error() != `LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "prod": must match metadata.namespace` {
				t.Errorf("local review of another namespace: %v %v", lsar, err)
			}
			// jane may check herself, not others.
			if _, err := jane.AuthorizationV1().SubjectAccessReviews().Create(ctx, sar, metav1.CreateOptions{}); !apierrors.IsForbidden(err) {
				t.Errorf("jane asking about others: %v", err)
			}

			// Discovery lists the reviews as create-only, which kubectl needs to find them.
			for gv, want := range map[string][]string{
				"authorization.k8s.io/v1":  {"localsubjectaccessreviews", "selfsubjectaccessreviews", "selfsubjectrulesreviews", "subjectaccessreviews"},
				"authentication.k8s.io/v1": {"selfsubjectreviews", "tokenreviews"},
			} {
				list, err := admin.Discovery().ServerResourcesForGroupVersion(gv)
				if err != nil {
					t.Fatalf("discovery %s: %v", gv, err)
				}
				var names []string
				for _, r := range list.APIResources {
					names = append(names, r.Name)
					if !slices.Equal(r.Verbs, metav1.Verbs{"create"}) {
						t.Errorf("%s %s verbs: %v", gv, r.Name, r.Verbs)
					}
				}
				if !slices.Equal(names, want) {
					t.Errorf("%s resources: %v", gv, names)
				}
			}
		})
	}
}
