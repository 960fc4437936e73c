package apiserver_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	testclock "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/authentication"
	"github.com/skiff-io/skiff/api/authorization"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	rbacv1 "github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authn/serviceaccount"
	"github.com/skiff-io/skiff/authn/tokenfile"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/rbac"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

// The reviews' test cluster: static tokens for an admin (system:masters) and for jane, who may read
// pods in "dev" through a RoleBinding and has a second binding there to a role that does not exist;
// service account tokens for the API's audience; Kubernetes' bootstrap RBAC policy.
const (
	adminToken  = "admin-token"
	janeToken   = "jane-token"
	apiAudience = "https://kubernetes.default.svc"
	saIssuer    = "https://issuer.example.com"
)

var reviewNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

type reviewCluster struct {
	*testServer
	store  store.Store
	issuer *serviceaccount.Issuer
	sink   *memorySink
}

func rbacRule(verbs, groups, resources []string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{Verbs: verbs, APIGroups: groups, Resources: resources}
}

func newReviewCluster(t *testing.T, mutate ...func(*apiserver.Config)) *reviewCluster {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := serviceaccount.NewIssuer(key, saIssuer, nil)
	if err != nil {
		t.Fatal(err)
	}
	static, err := tokenfile.New([]tokenfile.Entry{
		{Token: adminToken, User: authn.User{Name: "admin", Groups: []string{authn.SystemPrivilegedGroup}}},
		{Token: janeToken, User: authn.User{Name: "jane", UID: "jane-uid", Groups: []string{"dev-team"},
			Extra: map[string][]string{"scopes.example.com": {"read", "write"}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	roles, bindings := rbac.BootstrapPolicy()
	policy := rbac.Policy{
		ClusterRoles:        roles,
		ClusterRoleBindings: bindings,
		Roles: []*rbacv1.Role{{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "pod-reader"},
			Rules: []rbacv1.PolicyRule{rbacRule([]string{"get", "list"}, []string{""}, []string{"pods"})}}},
		RoleBindings: []*rbacv1.RoleBinding{
			{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "read-pods"},
				RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "pod-reader"},
				Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "jane"}}},
			{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "ghost"},
				RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "ghost"},
				Subjects: []rbacv1.Subject{{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "dev-team"}}},
		},
	}
	rc := &reviewCluster{issuer: issuer, sink: &memorySink{}}
	rc.testServer = newTestServer(t, append([]func(*apiserver.Config){func(c *apiserver.Config) {
		rc.store = c.Store
		sa, err := serviceaccount.NewAuthenticator([]crypto.PublicKey{key.Public()}, []string{saIssuer}, []string{apiAudience},
			serviceaccount.StoreLookup(c.Store), nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Authenticator = authn.Union(static, sa)
		c.APIAudiences = []string{apiAudience}
		c.Authorizer = authz.Union(rbac.NewStatic(policy))
		c.Clock = testclock.NewFakeClock(reviewNow)
		c.Audit = rc.sink
	}}, mutate...)...)
	return rc
}

// post sends body as the token's user and decodes a 201 answer into out.
func (rc *reviewCluster) post(token, path string, body any, out any, header ...string) {
	rc.t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		rc.t.Fatal(err)
	}
	r := rc.do("POST", path, string(data), append([]string{"Authorization", "Bearer " + token}, header...)...)
	if r.code != http.StatusCreated {
		rc.t.Fatalf("POST %s: %d, want 201\n%s", path, r.code, r.body)
	}
	if err := json.Unmarshal(r.body, out); err != nil {
		rc.t.Fatal(err)
	}
}

const (
	ssarPath = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
	sarPath  = "/apis/authorization.k8s.io/v1/subjectaccessreviews"
	ssrrPath = "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews"
	trPath   = "/apis/authentication.k8s.io/v1/tokenreviews"
	ssrPath  = "/apis/authentication.k8s.io/v1/selfsubjectreviews"
)

func lsarPath(ns string) string {
	return "/apis/authorization.k8s.io/v1/namespaces/" + ns + "/localsubjectaccessreviews"
}

func TestSelfSubjectAccessReview(t *testing.T) {
	rc := newReviewCluster(t)
	pods := func(verb, ns string) authorization.SelfSubjectAccessReviewSpec {
		return authorization.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorization.ResourceAttributes{Verb: verb, Resource: "pods", Namespace: ns}}
	}
	tests := []struct {
		name  string
		token string
		spec  authorization.SelfSubjectAccessReviewSpec
		want  authorization.SubjectAccessReviewStatus
	}{
		{"a RoleBinding allows", janeToken, pods("list", "dev"),
			authorization.SubjectAccessReviewStatus{Allowed: true, Reason: `RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "jane"`}},
		{"a verb no rule grants, with the missing role for a reason", janeToken, pods("delete", "dev"),
			authorization.SubjectAccessReviewStatus{Reason: `RBAC: role.rbac.authorization.k8s.io "ghost" not found`}},
		{"another namespace", janeToken, pods("get", "prod"), authorization.SubjectAccessReviewStatus{}},
		{"a ClusterRoleBinding to a group allows", janeToken,
			authorization.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorization.ResourceAttributes{
				Verb: "create", Group: "authorization.k8s.io", Resource: "selfsubjectrulesreviews"}},
			authorization.SubjectAccessReviewStatus{Allowed: true, Reason: `RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"`}},
		{"a non-resource path", janeToken,
			authorization.SelfSubjectAccessReviewSpec{NonResourceAttributes: &authorization.NonResourceAttributes{Verb: "get", Path: "/apis"}},
			authorization.SubjectAccessReviewStatus{Allowed: true, Reason: `RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"`}},
		{"system:masters may do anything", adminToken, pods("delete", "prod"),
			authorization.SubjectAccessReviewStatus{Allowed: true, Reason: `RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"`}},
		{"an unparsable field selector is reported and ignored", janeToken,
			authorization.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorization.ResourceAttributes{Verb: "list", Resource: "pods", Namespace: "dev",
				FieldSelector: &authorization.FieldSelectorAttributes{RawSelector: "spec.nodeName=a,b\\"}}},
			authorization.SubjectAccessReviewStatus{Allowed: true, Reason: `RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "jane"`,
				EvaluationError: "spec.resourceAttributes.fieldSelector ignored due to parse error"}},
		{"label requirements with an unknown operator are partly ignored", janeToken,
			authorization.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorization.ResourceAttributes{Verb: "list", Resource: "pods", Namespace: "dev",
				LabelSelector: &authorization.LabelSelectorAttributes{Requirements: []meta.LabelSelectorRequirement{
					{Key: "app", Operator: meta.LabelSelectorOpIn, Values: []string{"web"}}, {Key: "tier", Operator: "Matches", Values: []string{"front"}}}}}},
			authorization.SubjectAccessReviewStatus{Allowed: true, Reason: `RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "jane"`,
				EvaluationError: "spec.resourceAttributes.labelSelector partially ignored due to parse error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &authorization.SelfSubjectAccessReview{TypeMeta: meta.TypeMeta{APIVersion: "authorization.k8s.io/v1", Kind: "SelfSubjectAccessReview"}, Spec: tt.spec}
			var got authorization.SelfSubjectAccessReview
			rc.post(tt.token, ssarPath, in, &got)
			if diff := cmp.Diff(tt.want, got.Status); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
			// The spec comes back as it was sent, with the object's kind.
			if diff := cmp.Diff(tt.spec, got.Spec); diff != "" || got.Kind != "SelfSubjectAccessReview" || got.APIVersion != "authorization.k8s.io/v1" {
				t.Errorf("echo: %s %s (-sent +got):\n%s", got.APIVersion, got.Kind, diff)
			}
		})
	}
}

func TestSubjectAccessReview(t *testing.T) {
	rc := newReviewCluster(t)
	sar := func(spec authorization.SubjectAccessReviewSpec) *authorization.SubjectAccessReview {
		return &authorization.SubjectAccessReview{TypeMeta: meta.TypeMeta{APIVersion: "authorization.k8s.io/v1", Kind: "SubjectAccessReview"}, Spec: spec}
	}
	podsInDev := &authorization.ResourceAttributes{Verb: "get", Resource: "pods", Namespace: "dev", Version: "v1"}
	tests := []struct {
		name string
		spec authorization.SubjectAccessReviewSpec
		want authorization.SubjectAccessReviewStatus
	}{
		{"the user named", authorization.SubjectAccessReviewSpec{User: "jane", ResourceAttributes: podsInDev},
			authorization.SubjectAccessReviewStatus{Allowed: true, Reason: `RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "jane"`}},
		// The review answers for the identity it describes: jane's groups are not looked up.
		{"another user", authorization.SubjectAccessReviewSpec{User: "bob", ResourceAttributes: podsInDev}, authorization.SubjectAccessReviewStatus{}},
		{"a group alone", authorization.SubjectAccessReviewSpec{Groups: []string{"system:masters"}, ResourceAttributes: podsInDev},
			authorization.SubjectAccessReviewStatus{Allowed: true, Reason: `RBAC: allowed by ClusterRoleBinding "cluster-admin" of ClusterRole "cluster-admin" to Group "system:masters"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got authorization.SubjectAccessReview
			rc.post(adminToken, sarPath, sar(tt.spec), &got)
			if diff := cmp.Diff(tt.want, got.Status); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("Kubernetes' answer, managedFields and all", func(t *testing.T) {
		r := rc.do("POST", sarPath, `{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"jane","resourceAttributes":{"verb":"get","resource":"pods","namespace":"dev"}}}`,
			"Authorization", "Bearer "+adminToken, "User-Agent", "kubectl/v1.32.0 (linux/amd64)")
		if r.code != 201 {
			t.Fatalf("%d %s", r.code, r.body)
		}
		m := r.json(t)
		want := map[string]any{"allowed": true, "reason": `RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "jane"`}
		if diff := cmp.Diff(want, m["status"]); diff != "" {
			t.Errorf("status (-want +got):\n%s", diff)
		}
		if get(m, "metadata", "managedFields", 0, "manager") != "kubectl" || get(m, "metadata", "managedFields", 0, "operation") != "Update" ||
			get(m, "metadata", "creationTimestamp") != nil || get(m, "metadata", "uid") != nil {
			t.Errorf("metadata: %v", m["metadata"])
		}
	})

	t.Run("jane may not ask about others", func(t *testing.T) {
		r := rc.do("POST", sarPath, `{"kind":"SubjectAccessReview","apiVersion":"authorization.k8s.io/v1","spec":{"user":"bob","nonResourceAttributes":{"path":"/","verb":"get"}}}`,
			"Authorization", "Bearer "+janeToken)
		if r.code != 403 || !strings.Contains(string(r.body), `User \"jane\" cannot create resource \"subjectaccessreviews\" in API group \"authorization.k8s.io\" at the cluster scope`) {
			t.Errorf("%d %s", r.code, r.body)
		}
	})
}

// TestReviewErrors checks the 400 and 422 answers, with Kubernetes' messages and field paths.
func TestReviewErrors(t *testing.T) {
	rc := newReviewCluster(t)
	tests := []struct {
		name, path, body string
		code             int
		message          string
		causes           []meta.StatusCause
	}{
		{"SubjectAccessReview with neither attributes nor subject", sarPath,
			`{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{}}`, 422,
			`SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]`,
			[]meta.StatusCause{
				{Type: "FieldValueInvalid", Message: "Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified", Field: "spec.resourceAttributes"},
				{Type: "FieldValueInvalid", Message: `Invalid value: "": at least one of user or group must be specified`, Field: "spec.user"},
			}},
		{"SubjectAccessReview with both attributes", sarPath,
			`{"apiVersion":"authorization.k8s.io/v1","kind":"SubjectAccessReview","spec":{"user":"jane","resourceAttributes":{"verb":"get"},"nonResourceAttributes":{"path":"/","verb":"get"}}}`, 422,
			`SubjectAccessReview.authorization.k8s.io "" is invalid: spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/", Verb:"get"}: cannot be specified in combination with resourceAttributes`, nil},
		{"SelfSubjectAccessReview with a name", ssarPath,
			`{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{"name":"x"},"spec":{"resourceAttributes":{"verb":"get"}}}`, 422,
			`SelfSubjectAccessReview.authorization.k8s.io "x" is invalid: metadata: Invalid value:`, nil},
		{"field selector with both forms", ssarPath,
			`{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"list","fieldSelector":{"rawSelector":"a=b","requirements":[{"key":"a","operator":"In","values":["b"]}]}}}}`, 422,
			`SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.fieldSelector.rawSelector: Invalid value: "a=b": may not specified at the same time as requirements`, nil},
		{"field selector with neither form", ssarPath,
			`{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"list","fieldSelector":{}}}}`, 422,
			`SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.fieldSelector.requirements: Required value: when spec.resourceAttributes.fieldSelector is specified, requirements or rawSelector is required`, nil},
		{"LocalSubjectAccessReview about another namespace", lsarPath("dev"),
			`{"apiVersion":"authorization.k8s.io/v1","kind":"LocalSubjectAccessReview","spec":{"user":"jane","resourceAttributes":{"verb":"get","resource":"pods","namespace":"prod"}}}`, 422,
			`LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "prod": must match metadata.namespace`,
			[]meta.StatusCause{{Type: "FieldValueInvalid", Message: `Invalid value: "prod": must match metadata.namespace`, Field: "spec.resourceAttributes.namespace"}}},
		{"LocalSubjectAccessReview without the namespace in its spec", lsarPath("dev"),
			`{"apiVersion":"authorization.k8s.io/v1","kind":"LocalSubjectAccessReview","spec":{"user":"jane","resourceAttributes":{"verb":"get","resource":"pods"}}}`, 422,
			`LocalSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes.namespace: Invalid value: "": must match metadata.namespace`, nil},
		{"LocalSubjectAccessReview about a path", lsarPath("dev"),
			`{"apiVersion":"authorization.k8s.io/v1","kind":"LocalSubjectAccessReview","spec":{"user":"jane","nonResourceAttributes":{"path":"/","verb":"get"}}}`, 422,
			`spec.nonResourceAttributes: Invalid value: authorization.NonResourceAttributes{Path:"/", Verb:"get"}: disallowed on this kind of request`, nil},
		{"LocalSubjectAccessReview whose metadata names another namespace", lsarPath("dev"),
			`{"apiVersion":"authorization.k8s.io/v1","kind":"LocalSubjectAccessReview","metadata":{"namespace":"prod"},"spec":{"user":"jane","resourceAttributes":{"verb":"get","namespace":"prod"}}}`, 400,
			"the namespace of the provided object does not match the namespace sent on the request", nil},
		{"SelfSubjectRulesReview without a namespace", ssrrPath,
			`{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{}}`, 400, "no namespace on request", nil},
		{"TokenReview without a token", trPath,
			`{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{}}`, 400, "token is required for TokenReview in authentication", nil},
		{"a body of another kind", ssarPath,
			`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}`, 400,
			"the API version in the data (v1) does not match the expected API version (authorization.k8s.io/v1)", nil},
		{"a body that is not JSON", ssrPath, `{"apiVersion":`, 400, "invalid JSON", nil},
		{"a field the kind does not have, strictly", ssarPath + "?fieldValidation=Strict",
			`{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"get"},"user":"bob"}}`, 400,
			`strict decoding error: unknown field "spec.user"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rc.do("POST", tt.path, tt.body, "Authorization", "Bearer "+adminToken)
			var st meta.Status
			if err := json.Unmarshal(r.body, &st); err != nil {
				t.Fatalf("%d %s", r.code, r.body)
			}
			if r.code != tt.code || int(st.Code) != tt.code || st.Kind != "Status" || !strings.Contains(st.Message, tt.message) {
				t.Errorf("got %d %q, want %d with %q", r.code, st.Message, tt.code, tt.message)
			}
			if tt.causes != nil {
				if diff := cmp.Diff(tt.causes, st.Details.Causes); diff != "" || st.Reason != meta.StatusReasonInvalid {
					t.Errorf("reason %s, causes (-want +got):\n%s", st.Reason, diff)
				}
			}
		})
	}
}

func TestLocalSubjectAccessReview(t *testing.T) {
	rc := newReviewCluster(t)
	body := func(verb string) string {
		return fmt.Sprintf(`{"apiVersion":"authorization.k8s.io/v1","kind":"LocalSubjectAccessReview","spec":{"user":"jane","resourceAttributes":{"verb":%q,"resource":"pods","namespace":"dev"}}}`, verb)
	}
	for verb, allowed := range map[string]bool{"get": true, "delete": false} {
		r := rc.do("POST", lsarPath("dev"), body(verb), "Authorization", "Bearer "+adminToken)
		if r.code != 201 {
			t.Fatalf("%s: %d %s", verb, r.code, r.body)
		}
		m := r.json(t)
		if get(m, "status", "allowed") != allowed || get(m, "metadata", "namespace") != "dev" {
			t.Errorf("%s: status %v, metadata %v", verb, m["status"], m["metadata"])
		}
	}
	// A namespace admin may be granted LocalSubjectAccessReviews in their namespace alone, so there
	// is no such resource outside one.
	if r := rc.do("POST", "/apis/authorization.k8s.io/v1/localsubjectaccessreviews", body("get"), "Authorization", "Bearer "+adminToken); r.code != 404 {
		t.Errorf("outside a namespace: %d %s", r.code, r.body)
	}
}

func TestSelfSubjectRulesReview(t *testing.T) {
	rc := newReviewCluster(t)
	in := `{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"dev"}}`
	var jane authorization.SelfSubjectRulesReview
	rc.post(janeToken, ssrrPath, json.RawMessage(in), &jane)
	for _, want := range []authorization.ResourceRule{
		{Verbs: []string{"get", "list"}, APIGroups: []string{""}, Resources: []string{"pods"}},
		{Verbs: []string{"create"}, APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"selfsubjectaccessreviews", "selfsubjectrulesreviews"}},
	} {
		if !containsRule(jane.Status.ResourceRules, want) {
			t.Errorf("jane's rules lack %+v: %+v", want, jane.Status.ResourceRules)
		}
	}
	if !containsRule(jane.Status.NonResourceRules, authorization.NonResourceRule{Verbs: []string{"get"}, NonResourceURLs: []string{"/healthz", "/livez", "/readyz", "/version", "/version/"}}) {
		t.Errorf("jane's non-resource rules: %+v", jane.Status.NonResourceRules)
	}
	if containsRule(jane.Status.ResourceRules, authorization.ResourceRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}) {
		t.Error("jane may do everything")
	}
	// RBAC lists everything it allows; the missing role is reported, and costs nothing.
	if jane.Status.Incomplete || jane.Status.EvaluationError != `role.rbac.authorization.k8s.io "ghost" not found` {
		t.Errorf("incomplete %v, evaluationError %q", jane.Status.Incomplete, jane.Status.EvaluationError)
	}
	// Kubernetes answers with a new object: the spec is not echoed.
	if jane.Spec.Namespace != "" || jane.Kind != "SelfSubjectRulesReview" {
		t.Errorf("answer: %s %+v", jane.Kind, jane.Spec)
	}

	var admin authorization.SelfSubjectRulesReview
	rc.post(adminToken, ssrrPath, json.RawMessage(in), &admin)
	if !containsRule(admin.Status.ResourceRules, authorization.ResourceRule{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}) ||
		!containsRule(admin.Status.NonResourceRules, authorization.NonResourceRule{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}) {
		t.Errorf("system:masters' rules lack cluster-admin's: %+v", admin.Status)
	}
}

func containsRule[T any](rules []T, want T) bool {
	for _, r := range rules {
		if cmp.Equal(r, want) {
			return true
		}
	}
	return false
}

// TestSelfSubjectRulesReviewAuthorizers checks the whole answer for each kind of authorizer chain.
func TestSelfSubjectRulesReviewAuthorizers(t *testing.T) {
	policy := rbac.Policy{
		ClusterRoles: []*rbacv1.ClusterRole{{ObjectMeta: meta.ObjectMeta{Name: "reviewer"}, Rules: []rbacv1.PolicyRule{
			rbacRule([]string{"create"}, []string{"authorization.k8s.io"}, []string{"selfsubjectrulesreviews"}),
			{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}},
		}}},
		ClusterRoleBindings: []*rbacv1.ClusterRoleBinding{{ObjectMeta: meta.ObjectMeta{Name: "reviewers"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "reviewer"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "system:anonymous"}}}},
		Roles: []*rbacv1.Role{{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "cm-editor"},
			Rules: []rbacv1.PolicyRule{{Verbs: []string{"update"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"settings"}}}}},
		RoleBindings: []*rbacv1.RoleBinding{{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "cm-editors"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "cm-editor"},
			Subjects: []rbacv1.Subject{{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "system:anonymous"}}}},
	}
	rbacRules := authorization.SubjectRulesReviewStatus{
		ResourceRules: []authorization.ResourceRule{
			{Verbs: []string{"create"}, APIGroups: []string{"authorization.k8s.io"}, Resources: []string{"selfsubjectrulesreviews"}},
			{Verbs: []string{"update"}, APIGroups: []string{""}, Resources: []string{"configmaps"}, ResourceNames: []string{"settings"}},
		},
		NonResourceRules: []authorization.NonResourceRule{{Verbs: []string{"get"}, NonResourceURLs: []string{"/metrics"}}},
	}
	allowAll := authorization.SubjectRulesReviewStatus{
		ResourceRules:    []authorization.ResourceRule{{Verbs: []string{"*"}, APIGroups: []string{"*"}, Resources: []string{"*"}}},
		NonResourceRules: []authorization.NonResourceRule{{Verbs: []string{"*"}, NonResourceURLs: []string{"*"}}},
	}
	// An authorizer that cannot list its rules, as a webhook.
	opaque := authz.AuthorizerFunc(func(context.Context, authz.Attributes) (authz.Decision, string, error) {
		return authz.NoOpinion, "", nil
	})
	tests := []struct {
		name       string
		authorizer authz.Authorizer
		want       authorization.SubjectRulesReviewStatus
	}{
		{"no authorizer allows everything", nil, allowAll},
		{"RBAC", rbac.NewStatic(policy), rbacRules},
		{"a union with one that cannot list", authz.Union(opaque, rbac.NewStatic(policy)), authorization.SubjectRulesReviewStatus{
			ResourceRules: rbacRules.ResourceRules, NonResourceRules: rbacRules.NonResourceRules,
			Incomplete: true, EvaluationError: "authorizer does not support user rule resolution"}},
		{"AlwaysDeny has nothing to list", authz.Union(authz.AlwaysDeny(), authz.AlwaysAllow()), allowAll},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, func(c *apiserver.Config) { c.Authorizer = tt.authorizer })
			if tt.name == "AlwaysDeny has nothing to list" {
				// AlwaysDeny would refuse the request itself: ask through Server.Create.
				obj, err := ts.srv.Create(authn.WithUser(context.Background(), authn.User{Name: "system:anonymous"}),
					&authorization.SelfSubjectRulesReview{Spec: authorization.SelfSubjectRulesReviewSpec{Namespace: "dev"}}, "")
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.want, obj.(*authorization.SelfSubjectRulesReview).Status); diff != "" {
					t.Errorf("status (-want +got):\n%s", diff)
				}
				return
			}
			m := ts.mustDo(201, "POST", ssrrPath, `{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"dev"}}`)
			var got authorization.SubjectRulesReviewStatus
			data, _ := json.Marshal(m["status"])
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("empty lists are [], not null", func(t *testing.T) {
		ts := newTestServer(t, func(c *apiserver.Config) {
			c.Authorizer = authz.AuthorizerFunc(func(context.Context, authz.Attributes) (authz.Decision, string, error) { return authz.Allow, "", nil })
		})
		r := ts.do("POST", ssrrPath, `{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectRulesReview","spec":{"namespace":"dev"}}`)
		if r.code != 201 || !strings.Contains(string(r.body), `"status":{"resourceRules":[],"nonResourceRules":[],"incomplete":true,"evaluationError":"authorizer does not support user rule resolution"}`) {
			t.Errorf("%d %s", r.code, r.body)
		}
	})
}

func TestTokenReview(t *testing.T) {
	rc := newReviewCluster(t)
	sa, err := rc.srv.Create(context.Background(), &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Namespace: "dev", Name: "builder"}}, "test")
	if err != nil {
		t.Fatal(err)
	}
	saToken, _, err := rc.issuer.Issue(sa.(*core.ServiceAccount), []string{apiAudience, "https://vault.example.com"}, time.Hour, nil)
	if err != nil {
		t.Fatal(err)
	}
	saUser := authentication.UserInfo{Username: "system:serviceaccount:dev:builder", UID: string(sa.GetObjectMeta().UID),
		Groups: []string{"system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"}}
	tests := []struct {
		name      string
		token     string
		audiences []string
		want      authentication.TokenReviewStatus
	}{
		{"a static token", janeToken, nil, authentication.TokenReviewStatus{Authenticated: true, Audiences: []string{apiAudience},
			User: authentication.UserInfo{Username: "jane", UID: "jane-uid", Groups: []string{"dev-team", "system:authenticated"},
				Extra: map[string][]string{"scopes.example.com": {"read", "write"}}}}},
		{"a static token stands for the API's audiences only", janeToken, []string{"https://vault.example.com"},
			authentication.TokenReviewStatus{Error: "invalid bearer token"}},
		{"a service account token", saToken, nil, authentication.TokenReviewStatus{Authenticated: true, User: saUser, Audiences: []string{apiAudience}}},
		{"a service account token for one of the audiences asked", saToken, []string{"https://other.example.com", apiAudience},
			authentication.TokenReviewStatus{Authenticated: true, User: saUser, Audiences: []string{apiAudience}}},
		{"a service account token for none of them", saToken, []string{"https://other.example.com"},
			authentication.TokenReviewStatus{Error: `token audiences ["https://kubernetes.default.svc"] is invalid for the target audiences ["https://other.example.com"]`}},
		{"an unknown token", "no-such-token", nil, authentication.TokenReviewStatus{Error: "tokenfile: invalid bearer token"}},
		// Both authenticators' errors, as Kubernetes' union aggregates them.
		{"a forged service account token", saToken[:len(saToken)-4] + "AAAA", nil,
			authentication.TokenReviewStatus{Error: "[tokenfile: invalid bearer token, serviceaccount: token signature is invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &authentication.TokenReview{TypeMeta: meta.TypeMeta{APIVersion: "authentication.k8s.io/v1", Kind: "TokenReview"},
				Spec: authentication.TokenReviewSpec{Token: tt.token, Audiences: tt.audiences}}
			var got authentication.TokenReview
			rc.post(adminToken, trPath, in, &got) // 201 whatever the answer: a bad token is not a bad request
			if tt.want.Error != "" && !strings.HasPrefix(got.Status.Error, tt.want.Error) {
				t.Errorf("error %q, want it to start with %q", got.Status.Error, tt.want.Error)
			}
			got.Status.Error = tt.want.Error
			// A service account token's user carries the token's id, different for every token.
			const credentialID = "authentication.kubernetes.io/credential-id"
			if id := got.Status.User.Extra[credentialID]; tt.token == saToken && tt.want.Authenticated {
				if len(id) != 1 || !strings.HasPrefix(id[0], "JTI=") {
					t.Errorf("credential id %q", id)
				}
				delete(got.Status.User.Extra, credentialID)
				if len(got.Status.User.Extra) == 0 {
					got.Status.User.Extra = nil
				}
			}
			if diff := cmp.Diff(tt.want, got.Status); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(in.Spec, got.Spec); diff != "" {
				t.Errorf("spec (-sent +got):\n%s", diff)
			}
		})
	}

	t.Run("an unauthenticated answer still has its user object", func(t *testing.T) {
		r := rc.do("POST", trPath, `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"nope"}}`, "Authorization", "Bearer "+adminToken)
		if r.code != 201 || !strings.Contains(string(r.body), `"status":{"user":{},"error":"tokenfile: invalid bearer token"}`) {
			t.Errorf("%d %s", r.code, r.body)
		}
	})

	t.Run("the anonymous fallback does not make a token valid", func(t *testing.T) {
		ts := newTestServer(t, func(c *apiserver.Config) {
			c.Authenticator = authn.WithAnonymous(authn.Union(authn.AuthenticatorFunc(func(*http.Request) (*authn.Response, bool, error) { return nil, false, nil })))
		})
		m := ts.mustDo(201, "POST", trPath, `{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"whatever"}}`)
		if diff := cmp.Diff(map[string]any{"user": map[string]any{}, "error": "invalid bearer token"}, m["status"]); diff != "" {
			t.Errorf("status (-want +got):\n%s", diff)
		}
	})
}

func TestSelfSubjectReview(t *testing.T) {
	rc := newReviewCluster(t)
	in := `{"apiVersion":"authentication.k8s.io/v1","kind":"SelfSubjectReview"}`
	tests := []struct {
		name   string
		header []string
		want   authentication.UserInfo
	}{
		{"the requester, extra and all", []string{"Authorization", "Bearer " + janeToken}, authentication.UserInfo{
			Username: "jane", UID: "jane-uid", Groups: []string{"dev-team", "system:authenticated"},
			Extra: map[string][]string{"scopes.example.com": {"read", "write"}}}},
		{"the impersonated user", []string{"Authorization", "Bearer " + adminToken, "Impersonate-User", "bob", "Impersonate-Group", "qa",
			"Impersonate-Extra-Reason", "testing"}, authentication.UserInfo{
			Username: "bob", Groups: []string{"qa", "system:authenticated"}, Extra: map[string][]string{"reason": {"testing"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rc.do("POST", ssrPath, in, tt.header...)
			if r.code != 201 {
				t.Fatalf("%d %s", r.code, r.body)
			}
			var got authentication.SelfSubjectReview
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Status.UserInfo); diff != "" {
				t.Errorf("userInfo (-want +got):\n%s", diff)
			}
			if got.Kind != "SelfSubjectReview" || !got.CreationTimestamp.Time.Equal(reviewNow) {
				t.Errorf("kind %q, creationTimestamp %v", got.Kind, got.CreationTimestamp)
			}
		})
	}
}

// TestReviewsAreCreateOnly checks that reviews are served only as creates, and never stored.
func TestReviewsAreCreateOnly(t *testing.T) {
	rc := newReviewCluster(t)
	var out authorization.SelfSubjectAccessReview
	rc.post(adminToken, ssarPath, json.RawMessage(`{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}`), &out)
	tests := []struct{ method, path, verb, resource string }{
		{"GET", ssarPath, "list", "selfsubjectaccessreviews.authorization.k8s.io"},
		{"GET", ssarPath + "?watch=true", "watch", "selfsubjectaccessreviews.authorization.k8s.io"},
		{"GET", "/apis/authorization.k8s.io/v1/watch/subjectaccessreviews", "watch", "subjectaccessreviews.authorization.k8s.io"},
		{"GET", ssrrPath + "/mine", "get", "selfsubjectrulesreviews.authorization.k8s.io"},
		{"DELETE", trPath, "deletecollection", "tokenreviews.authentication.k8s.io"},
		{"DELETE", ssrPath + "/me", "delete", "selfsubjectreviews.authentication.k8s.io"},
		{"PUT", lsarPath("dev") + "/x", "update", "localsubjectaccessreviews.authorization.k8s.io"},
		{"PATCH", lsarPath("dev") + "/x", "patch", "localsubjectaccessreviews.authorization.k8s.io"},
		{"GET", lsarPath("dev"), "list", "localsubjectaccessreviews.authorization.k8s.io"},
		{"POST", ssarPath + "/named", "create on a named object", "selfsubjectaccessreviews.authorization.k8s.io"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			body := ""
			if tt.method != "GET" && tt.method != "DELETE" {
				body = `{}`
			}
			r := rc.do(tt.method, tt.path, body, "Authorization", "Bearer "+adminToken, "Content-Type", "application/merge-patch+json")
			var st meta.Status
			if err := json.Unmarshal(r.body, &st); err != nil {
				t.Fatalf("%d %s", r.code, r.body)
			}
			want := fmt.Sprintf("%s is not supported on resources of kind %q", tt.verb, tt.resource)
			if r.code != 405 || st.Reason != meta.StatusReasonMethodNotAllowed || st.Message != want {
				t.Errorf("%d %s %q, want 405 %q", r.code, st.Reason, st.Message, want)
			}
		})
	}
	// Nothing was written for any of the reviews of this test or the others.
	res, err := rc.store.List(context.Background(), "/registry/", store.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, obj := range res.Items {
		if k, _ := api.Builtin().KindOf(obj); k == nil || k.Virtual {
			t.Errorf("stored: %T %s", obj, obj.GetObjectMeta().Name)
		}
	}
}

func TestReviewDiscovery(t *testing.T) {
	ts := newTestServer(t)
	resources := func(gv string) []apiserver.APIResource {
		r := ts.do("GET", "/apis/"+gv, "")
		var list apiserver.APIResourceList
		if r.code != 200 || json.Unmarshal(r.body, &list) != nil {
			t.Fatalf("%s: %d %s", gv, r.code, r.body)
		}
		return list.APIResources
	}
	create := []string{"create"}
	if diff := cmp.Diff([]apiserver.APIResource{
		{Name: "localsubjectaccessreviews", SingularName: "localsubjectaccessreview", Namespaced: true, Kind: "LocalSubjectAccessReview", Verbs: create},
		{Name: "selfsubjectaccessreviews", SingularName: "selfsubjectaccessreview", Kind: "SelfSubjectAccessReview", Verbs: create},
		{Name: "selfsubjectrulesreviews", SingularName: "selfsubjectrulesreview", Kind: "SelfSubjectRulesReview", Verbs: create},
		{Name: "subjectaccessreviews", SingularName: "subjectaccessreview", Kind: "SubjectAccessReview", Verbs: create},
	}, resources("authorization.k8s.io/v1")); diff != "" {
		t.Errorf("authorization.k8s.io/v1 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]apiserver.APIResource{
		{Name: "selfsubjectreviews", SingularName: "selfsubjectreview", Kind: "SelfSubjectReview", Verbs: create},
		{Name: "tokenreviews", SingularName: "tokenreview", Kind: "TokenReview", Verbs: create},
	}, resources("authentication.k8s.io/v1")); diff != "" {
		t.Errorf("authentication.k8s.io/v1 (-want +got):\n%s", diff)
	}

	// Aggregated discovery, which kubectl 1.30+ reads.
	r := ts.do("GET", "/apis", "", "Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
	var agg apiserver.APIGroupDiscoveryList
	if err := json.Unmarshal(r.body, &agg); err != nil {
		t.Fatal(err)
	}
	var got *apiserver.APIResourceDiscovery
	for _, g := range agg.Items {
		for _, v := range g.Versions {
			for i, res := range v.Resources {
				if g.Name == "authorization.k8s.io" && v.Version == "v1" && res.Resource == "selfsubjectrulesreviews" {
					got = &v.Resources[i]
				}
			}
		}
	}
	want := &apiserver.APIResourceDiscovery{Resource: "selfsubjectrulesreviews", Scope: "Cluster", SingularResource: "selfsubjectrulesreview", Verbs: create,
		ResponseKind: &apiserver.GroupVersionKind{Group: "authorization.k8s.io", Version: "v1", Kind: "SelfSubjectRulesReview"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("aggregated discovery (-want +got):\n%s", diff)
	}
}

// TestReviewAudit checks that a review is recorded as any create is, without a Persisted stage.
func TestReviewAudit(t *testing.T) {
	rc := newReviewCluster(t)
	var out authorization.SelfSubjectAccessReview
	rc.post(janeToken, ssarPath, json.RawMessage(`{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"get","resource":"pods"}}}`), &out)
	rc.sink.mu.Lock()
	defer rc.sink.mu.Unlock()
	var ev *audit.Event
	for _, e := range rc.sink.events {
		if e.ObjectRef != nil && e.ObjectRef.Resource == "selfsubjectaccessreviews" {
			ev = e
		}
	}
	if ev == nil {
		t.Fatalf("no audit event among %d", len(rc.sink.events))
	}
	if ev.Verb != "create" || ev.User.Username != "jane" || ev.ResponseStatus == nil || ev.ResponseStatus.Code != 201 ||
		ev.ObjectRef.APIGroup != "authorization.k8s.io" {
		t.Errorf("event: verb %s user %s status %+v ref %+v", ev.Verb, ev.User.Username, ev.ResponseStatus, ev.ObjectRef)
	}
	if ev.StageTimestamps["Admitted"].IsZero() || !ev.StageTimestamps["Persisted"].IsZero() {
		t.Errorf("stages: %v", ev.StageTimestamps)
	}
}

// Verdict is a user's own virtual kind: a question answered by a handler, never stored.
type Verdict struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
	Question        string `json:"question"`
	Answer          string `json:"answer,omitempty"`
}

func (v *Verdict) DeepCopyObject() meta.Object {
	c := *v
	v.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

func TestVirtualKinds(t *testing.T) {
	gvk := api.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Verdict"}
	register := func(c *apiserver.Config) {
		if err := api.Register(c.Registry, api.KindSpec[*Verdict]{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind, Virtual: true}); err != nil {
			t.Fatal(err)
		}
	}
	ts := newTestServer(t, register, func(c *apiserver.Config) {
		c.VirtualKinds = map[api.GroupVersionKind]apiserver.CreateFunc{gvk: func(ctx context.Context, obj meta.Object) (meta.Object, error) {
			v := obj.(*Verdict)
			u, _ := authn.UserFrom(ctx)
			v.Answer = fmt.Sprintf("%s asked %q", u.Name, v.Question)
			return v, nil
		}}
	})
	m := ts.mustDo(201, "POST", "/apis/example.com/v1/verdicts", `{"apiVersion":"example.com/v1","kind":"Verdict","question":"why"}`)
	if m["answer"] != `system:anonymous asked "why"` || m["kind"] != "Verdict" {
		t.Errorf("answer: %v", m)
	}
	if r := ts.do("GET", "/apis/example.com/v1/verdicts", ""); r.code != 405 {
		t.Errorf("list: %d %s", r.code, r.body)
	}

	// A virtual kind needs a handler; a handler needs a virtual kind.
	for name, mutate := range map[string]func(*apiserver.Config){
		"no handler": register,
		"not virtual": func(c *apiserver.Config) {
			c.VirtualKinds = map[api.GroupVersionKind]apiserver.CreateFunc{{Version: "v1", Kind: "Pod"}: func(_ context.Context, o meta.Object) (meta.Object, error) { return o, nil }}
		},
	} {
		cfg := apiserver.Config{Registry: api.Builtin(), Store: memStore(t)}
		mutate(&cfg)
		if _, err := apiserver.New(cfg); err == nil || !strings.Contains(err.Error(), "Config.VirtualKinds") {
			t.Errorf("%s: New: %v", name, err)
		}
	}
}

func memStore(t *testing.T) store.Store {
	t.Helper()
	st, err := memdb.Open(memdb.Options{Codec: api.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// FuzzReviewBodies sends arbitrary bodies to every review: a client's mistake is a 4xx, and a
// token or question the server cannot answer yes to is still a 201.
func FuzzReviewBodies(f *testing.F) {
	reg := api.Builtin()
	st, err := memdb.Open(memdb.Options{Codec: reg})
	if err != nil {
		f.Fatal(err)
	}
	defer st.Close()
	srv, err := apiserver.New(apiserver.Config{Registry: reg, Store: st})
	if err != nil {
		f.Fatal(err)
	}
	client := &http.Client{Transport: srv.Transport(nil)}
	paths := []string{ssarPath, sarPath, lsarPath("dev"), ssrrPath, trPath, ssrPath}
	contentTypes := []string{"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"}
	f.Add(uint8(0), uint8(0), []byte(`{"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","spec":{"resourceAttributes":{"verb":"list","fieldSelector":{"requirements":[{"key":"a","operator":"In","values":["b"]}]}}}}`))
	f.Add(uint8(1), uint8(0), []byte(`{"spec":{"user":"u","resourceAttributes":{"labelSelector":{"rawSelector":"a in (b"}}}}`))
	f.Add(uint8(2), uint8(1), []byte("spec:\n  groups: [g]\n  resourceAttributes: {namespace: dev, verb: get}\n"))
	f.Add(uint8(3), uint8(0), []byte(`{"spec":{"namespace":"dev"}}`))
	f.Add(uint8(4), uint8(0), []byte(`{"spec":{"token":"t","audiences":["a"]}}`))
	f.Add(uint8(5), uint8(2), []byte("k8s\x00\x0a\x2c\x0a\x18authentication.k8s.io/v1\x12\x11SelfSubjectReview"))
	f.Fuzz(func(t *testing.T, path, ct uint8, body []byte) {
		url := "http://skiff" + paths[int(path)%len(paths)]
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", contentTypes[int(ct)%len(contentTypes)])
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("POST %s %q: %v", url, body, err)
		}
		defer resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("POST %s (%s) %q: %d", url, req.Header.Get("Content-Type"), body, resp.StatusCode)
		}
	})
}
