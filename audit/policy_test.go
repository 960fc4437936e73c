package audit

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPolicy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.yaml")
	os.WriteFile(path, []byte(`apiVersion: audit.k8s.io/v1
kind: Policy
rules:
- level: None
  users: ["system:kube-proxy"]
- level: RequestResponse
  resources:
  - group: ""
    resources: ["secrets", "pods/log"]
- level: Request
  verbs: ["create", "update", "patch"]
  namespaces: ["prod"]
- level: None
  nonResourceURLs: ["/healthz*", "/version"]
- level: Metadata
`), 0o600)
	p, err := LoadPolicy(path)
	if err != nil {
		t.Fatal(err)
	}
	alice := UserInfo{Username: "alice", Groups: []string{"devs"}}
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"ignored user", Request{User: UserInfo{Username: "system:kube-proxy"}, Verb: "get", ResourceRequest: true, Resource: "secrets"}, LevelNone},
		{"secrets in full", Request{User: alice, Verb: "get", ResourceRequest: true, Resource: "secrets", Namespace: "x"}, LevelRequestResponse},
		{"a named subresource", Request{User: alice, Verb: "get", ResourceRequest: true, Resource: "pods", Subresource: "log"}, LevelRequestResponse},
		{"pods themselves are not pods/log", Request{User: alice, Verb: "get", ResourceRequest: true, Resource: "pods"}, LevelMetadata},
		{"writes in prod", Request{User: alice, Verb: "create", ResourceRequest: true, Resource: "deployments", APIGroup: "apps", Namespace: "prod"}, LevelRequest},
		{"reads in prod", Request{User: alice, Verb: "get", ResourceRequest: true, Resource: "deployments", APIGroup: "apps", Namespace: "prod"}, LevelMetadata},
		{"health checks", Request{User: alice, Verb: "get", Path: "/healthz/ready"}, LevelNone},
		{"other paths", Request{User: alice, Verb: "get", Path: "/api"}, LevelMetadata},
	}
	for _, tc := range cases {
		if got := p.LevelFor(tc.req); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Everything\n"), 0o600)
	if _, err := LoadPolicy(bad); err == nil {
		t.Error("a policy with an unknown level loaded")
	}
	if DefaultPolicy().LevelFor(Request{Path: "/x"}) != LevelMetadata {
		t.Error("the default policy records metadata")
	}
}
