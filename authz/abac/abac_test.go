package abac_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/abac"
)

// policyFile is the example of Kubernetes' ABAC documentation, with comments, blank lines, a group
// policy, a path prefix and two unversioned lines.
const policyFile = `# Alice can do anything to all resources.
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "alice", "namespace": "*", "resource": "*", "apiGroup": "*"}}
# The kubelet can read any pods, and read and write events.
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "kubelet", "namespace": "*", "resource": "pods", "readonly": true}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "kubelet", "namespace": "*", "resource": "events"}}

# Bob can just read pods in namespace projectCaribou.
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "bob", "namespace": "projectCaribou", "resource": "pods", "readonly": true}}
# Anyone authenticated can read every non-resource path.
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "*", "readonly": true, "nonResourcePath": "*"}}
# Operators can do anything to deployments, and get anything under /logs/.
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"group": "ops", "namespace": "*", "resource": "deployments", "apiGroup": "apps"}}
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"group": "ops", "nonResourcePath": "/logs/*"}}
# Carol, in group dev, can write configmaps in dev; the policy needs both.
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"user": "carol", "group": "dev", "namespace": "dev", "resource": "configmaps"}}
# Unauthenticated requests may read /healthz.
{"apiVersion": "abac.authorization.kubernetes.io/v1beta1", "kind": "Policy", "spec": {"group": "system:unauthenticated", "readonly": true, "nonResourcePath": "/healthz"}}
# Unversioned (Kubernetes 1.0): dave reads everything; eve may do anything in namespace eve.
{"user": "dave", "readonly": true}
{"user": "eve", "namespace": "eve"}
`

func load(t *testing.T, content string) (*abac.Authorizer, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "policy.jsonl")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return abac.Load(path)
}

func user(name string, groups ...string) authn.User {
	return authn.User{Name: name, Groups: append(groups, authn.AllAuthenticated)}
}

func TestAuthorize(t *testing.T) {
	a, err := load(t, policyFile)
	if err != nil {
		t.Fatal(err)
	}
	res := func(u authn.User, verb, group, resource, ns string) authz.Attributes {
		return authz.Attributes{User: u, Verb: verb, ResourceRequest: true, APIGroup: group, APIVersion: "v1", Resource: resource, Namespace: ns, Name: "x"}
	}
	path := func(u authn.User, verb, p string) authz.Attributes {
		return authz.Attributes{User: u, Verb: verb, Path: p}
	}
	anonymous := authn.User{Name: authn.Anonymous, Groups: []string{authn.AllUnauthenticated}}
	cases := []struct {
		name  string
		attrs authz.Attributes
		want  authz.Decision
	}{
		{"alice deletes a deployment", res(user("alice"), "delete", "apps", "deployments", "prod"), authz.Allow},
		{"alice creates a namespace", res(user("alice"), "create", "", "namespaces", ""), authz.Allow},
		{"alice may not read /version through resources alone", path(user("alice"), "post", "/version"), authz.NoOpinion},
		{"kubelet lists pods", res(user("kubelet"), "list", "", "pods", ""), authz.Allow},
		{"kubelet deletes a pod", res(user("kubelet"), "delete", "", "pods", "default"), authz.NoOpinion},
		{"kubelet patches an event", res(user("kubelet"), "patch", "", "events", "default"), authz.Allow},
		{"kubelet's events are in the core group only", res(user("kubelet"), "patch", "events.k8s.io", "events", "default"), authz.NoOpinion},
		{"bob reads pods in projectCaribou", res(user("bob"), "get", "", "pods", "projectCaribou"), authz.Allow},
		{"bob watches pods in projectCaribou", res(user("bob"), "watch", "", "pods", "projectCaribou"), authz.Allow},
		{"bob reads pods elsewhere", res(user("bob"), "get", "", "pods", "default"), authz.NoOpinion},
		{"bob writes pods in projectCaribou", res(user("bob"), "create", "", "pods", "projectCaribou"), authz.NoOpinion},
		{"bob reads secrets in projectCaribou", res(user("bob"), "get", "", "secrets", "projectCaribou"), authz.NoOpinion},
		{"anyone authenticated gets /version", path(user("zed"), "get", "/version"), authz.Allow},
		{"anyone authenticated posts /version", path(user("zed"), "post", "/version"), authz.NoOpinion},
		{"* is not anonymous", path(anonymous, "get", "/version"), authz.NoOpinion},
		{"anonymous gets /healthz", path(anonymous, "get", "/healthz"), authz.Allow},
		{"a non-resource policy grants no resource", res(user("zed"), "get", "", "pods", "default"), authz.NoOpinion},
		{"ops updates deployments", res(user("ivan", "ops"), "update", "apps", "deployments", "web"), authz.Allow},
		{"ops deployments in another group", res(user("ivan", "ops"), "update", "extensions", "deployments", "web"), authz.NoOpinion},
		{"ops posts under /logs/", path(user("ivan", "ops"), "post", "/logs/kube-apiserver.log"), authz.Allow},
		{"ops prefix is no wildcard elsewhere", path(user("ivan", "ops"), "post", "/logsx"), authz.NoOpinion},
		{"carol in dev", res(user("carol", "dev"), "update", "", "configmaps", "dev"), authz.Allow},
		{"carol outside dev", res(user("carol"), "update", "", "configmaps", "dev"), authz.NoOpinion},
		{"someone else in dev", res(user("mallory", "dev"), "update", "", "configmaps", "dev"), authz.NoOpinion},
		{"unversioned: dave reads anything", res(user("dave"), "list", "apps", "deployments", ""), authz.Allow},
		{"unversioned: dave reads any path", path(user("dave"), "get", "/metrics"), authz.Allow},
		{"unversioned: dave writes nothing", res(user("dave"), "create", "", "pods", "default"), authz.NoOpinion},
		{"unversioned: eve writes in eve", res(user("eve"), "delete", "apps", "deployments", "eve"), authz.Allow},
		{"unversioned: eve's namespace only", res(user("eve"), "delete", "", "pods", "default"), authz.NoOpinion},
		{"unversioned: eve gets no paths", path(user("eve"), "post", "/logs/x"), authz.NoOpinion},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, reason, err := a.Authorize(context.Background(), tc.attrs)
			if err != nil {
				t.Fatal(err)
			}
			if d != tc.want {
				t.Errorf("decision %v, want %v", d, tc.want)
			}
			if wantReason := map[authz.Decision]string{authz.Allow: "", authz.NoOpinion: "No policy matched."}[tc.want]; reason != wantReason {
				t.Errorf("reason %q, want %q", reason, wantReason)
			}
		})
	}
}

// TestParse checks how lines become policies, in particular the conversions of "*" and of the
// unversioned format.
func TestParse(t *testing.T) {
	cases := []struct {
		line string
		want abac.PolicySpec // as New sees it
	}{
		{`{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"alice","group":"","namespace":"*","resource":"*","apiGroup":"*","readonly":true,"nonResourcePath":"*"}}`,
			abac.PolicySpec{User: "alice", Namespace: "*", Resource: "*", APIGroup: "*", Readonly: true, NonResourcePath: "*"}},
		{`{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy"}`, abac.PolicySpec{}},
		{`{"user":"bob","namespace":"ns","resource":"pods"}`,
			abac.PolicySpec{User: "bob", Namespace: "ns", Resource: "pods", APIGroup: "*"}},
		{`{}`, abac.PolicySpec{Group: "system:authenticated", Namespace: "*", Resource: "*", APIGroup: "*", NonResourcePath: "*"}},
		{`{"user":"*","readonly":true}`, abac.PolicySpec{Group: "system:authenticated", Readonly: true, Namespace: "*", Resource: "*", APIGroup: "*", NonResourcePath: "*"}},
		{`{"apiVersion":"abac.authorization.kubernetes.io/v0","kind":"Policy","group":"g","resource":"pods"}`,
			abac.PolicySpec{Group: "g", Namespace: "*", Resource: "pods", APIGroup: "*"}},
		{`{"kind":"Policy","spec":{"user":"x"},"user":"y"}`, // no apiVersion: unversioned, spec ignored
			abac.PolicySpec{User: "y", Namespace: "*", Resource: "*", APIGroup: "*", NonResourcePath: "*"}},
	}
	for _, tc := range cases {
		got, err := abac.Parse("p", strings.NewReader(tc.line))
		if err != nil {
			t.Errorf("%s: %v", tc.line, err)
			continue
		}
		if len(got) != 1 {
			t.Errorf("%s: %d policies", tc.line, len(got))
			continue
		}
		if diff := cmp.Diff(tc.want, got[0].Spec); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tc.line, diff)
		}
	}
}

func TestWildcardSubjects(t *testing.T) {
	ctx := context.Background()
	attrs := authz.Attributes{Verb: "get", ResourceRequest: true, Resource: "pods", Namespace: "ns"}
	for _, spec := range []abac.PolicySpec{
		{User: "*", Namespace: "*", Resource: "*", APIGroup: "*"},
		{Group: "*", Namespace: "*", Resource: "*", APIGroup: "*"},
		{User: "*", Group: "ops", Namespace: "*", Resource: "*", APIGroup: "*"}, // "*" wins, as in Kubernetes
	} {
		a := abac.New([]abac.Policy{{APIVersion: abac.APIVersion, Kind: abac.Kind, Spec: spec}})
		for _, tc := range []struct {
			user authn.User
			want authz.Decision
		}{
			{user("anyone"), authz.Allow},
			{authn.User{Name: authn.Anonymous, Groups: []string{authn.AllUnauthenticated}}, authz.NoOpinion},
		} {
			attrs.User = tc.user
			if d, _, _ := a.Authorize(ctx, attrs); d != tc.want {
				t.Errorf("%+v for %s: %v, want %v", spec, tc.user.Name, d, tc.want)
			}
		}
	}
	if d, _, _ := abac.New(nil).Authorize(ctx, attrs); d != authz.NoOpinion {
		t.Errorf("no policies: %v", d)
	}
}

func TestLoadErrors(t *testing.T) {
	valid := `{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"user":"a"}}`
	cases := []struct {
		name    string
		content string
		line    int
		want    string // the message after "error reading policy file <path>, line <n>: "
	}{
		{"broken JSON", valid + "\n# fine\n{\"user\": \"x\",\n", 3, `{"user": "x",: abac: invalid policy: unexpected end of JSON input`},
		{"not an object", valid + "\n[1, 2]\n", 2, `[1, 2]: abac: invalid policy: a policy is a JSON object`},
		{"unknown version", `{"apiVersion":"abac.authorization.kubernetes.io/v2","kind":"Policy","spec":{}}`, 1,
			`{"apiVersion":"abac.authorization.kubernetes.io/v2","kind":"Policy","spec":{}}: abac: invalid policy: no kind "Policy" is registered for version "abac.authorization.kubernetes.io/v2": want kind "Policy", apiVersion "abac.authorization.kubernetes.io/v1beta1"`},
		{"unknown kind", `{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Rule"}`, 1,
			`{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Rule"}: abac: invalid policy: no kind "Rule" is registered for version "abac.authorization.kubernetes.io/v1beta1": want kind "Policy", apiVersion "abac.authorization.kubernetes.io/v1beta1"`},
		{"wrong field type", `{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"readonly":"yes"}}`, 1,
			`{"apiVersion":"abac.authorization.kubernetes.io/v1beta1","kind":"Policy","spec":{"readonly":"yes"}}: abac: invalid policy: json: cannot unmarshal string into Go struct field PolicySpec.spec.readonly of type bool`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := load(t, tc.content)
			if !errors.Is(err, abac.ErrInvalidPolicy) {
				t.Fatalf("error %v does not wrap ErrInvalidPolicy", err)
			}
			var le *abac.LoadError
			if !errors.As(err, &le) || le.Line != tc.line {
				t.Fatalf("error %v is not a LoadError for line %d", err, tc.line)
			}
			_, msg, _ := strings.Cut(err.Error(), ", line ")
			if diff := cmp.Diff(tc.want, strings.TrimPrefix(msg, string(rune('0'+tc.line))+": ")); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
			if !strings.HasPrefix(err.Error(), "error reading policy file "+le.Path+", line ") {
				t.Errorf("message %q does not start with the file and line", err)
			}
		})
	}
	_, err := abac.Load(filepath.Join(t.TempDir(), "missing.jsonl"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want an error wrapping fs.ErrNotExist", err)
	}
	if a, err := load(t, "\n# only comments\n\n"); err != nil {
		t.Errorf("empty file: %v", err)
	} else if d, _, _ := a.Authorize(context.Background(), authz.Attributes{User: user("x"), Verb: "get", Path: "/"}); d != authz.NoOpinion {
		t.Errorf("empty file allowed: %v", d)
	}
}
