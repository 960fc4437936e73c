package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/audit"
	"github.com/skiff-io/skiff/authn/serviceaccount"
	"github.com/skiff-io/skiff/client/kubeconfig"
	"github.com/skiff-io/skiff/pki"
)

// These tests drive `skiff apiserver` with its default --authorization-mode=Node,RBAC and default
// admission plugins through real kubectl, as users authenticated each way Kubernetes supports, and
// check that each sees exactly what RBAC (or the Node authorizer) allows.

// ca returns the data dir's certificate authority.
func (c *cluster) ca() *pki.CA {
	c.t.Helper()
	ca, err := pki.LoadCA(filepath.Join(c.dataDir, "pki"), "ca")
	if err != nil {
		c.t.Fatal(err)
	}
	return ca
}

// as returns a kubectl that authenticates with ai.
func (c *cluster) as(bin, name string, ai kubeconfig.AuthInfo) *kubectl {
	c.t.Helper()
	path := filepath.Join(c.t.TempDir(), name+".kubeconfig")
	if err := kubeconfig.New("skiff", c.url, c.ca().CertPEM, ai).WriteFile(path); err != nil {
		c.t.Fatal(err)
	}
	k := c.kubectl(bin)
	k.kubeconfig = path
	return k
}

// certUser returns a kubectl presenting a client certificate issued by ca.
func (c *cluster) certUser(bin string, ca *pki.CA, cn string, groups []string, validFor time.Duration) *kubectl {
	c.t.Helper()
	kp, err := ca.Issue(pki.Options{CommonName: cn, Organizations: groups, Usage: pki.ClientAuth, ValidFor: validFor})
	if err != nil {
		c.t.Fatal(err)
	}
	return c.as(bin, strings.ReplaceAll(cn, ":", "-"), kubeconfig.AuthInfo{ClientCertificateData: kp.CertPEM, ClientKeyData: kp.KeyPEM})
}

// fails runs kubectl, which must fail with stderr matching want.
func (k *kubectl) fails(args []string, want string) {
	k.t.Helper()
	out, errOut, err := k.run("", args...)
	if err == nil {
		k.t.Errorf("kubectl %s succeeded, want failure /%s/:\n%s", strings.Join(args, " "), want, out)
		return
	}
	if !regexp.MustCompile(want).MatchString(errOut) {
		k.t.Errorf("kubectl %s: stderr lacks /%s/:\n%s", strings.Join(args, " "), want, errOut)
	}
}

// eventually runs kubectl until it succeeds and prints every want: the authorizers and the
// server's loops follow the store through watches, so a change takes a moment to count.
func (k *kubectl) eventually(args []string, want ...string) {
	k.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, errOut, err := k.run("", args...)
		missing := ""
		for _, w := range want {
			if err == nil && !regexp.MustCompile("(?m)"+w).MatchString(out) {
				missing = w
			}
		}
		if err == nil && missing == "" {
			return
		}
		if time.Now().After(deadline) {
			k.t.Fatalf("kubectl %s: after 10s: err %v, output lacks /%s/:\n%s\n%s", strings.Join(args, " "), err, missing, out, errOut)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func forbidden(user, verb, resource, group, namespace string) string {
	return regexp.QuoteMeta(forbiddenRaw(user, verb, resource, group, namespace))
}

// unauthorized is kubectl's report of a 401 (its wording changed in 1.28).
const unauthorized = `error: You must be logged in to the server \((Unauthorized|the server has asked for the client to provide credentials)\)`

func TestKubectlAuth(t *testing.T) {
	bin := kubectls(t)["path"]
	dir := t.TempDir()
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte("t0k3n-for-tina,tina,uid-tina,\"devs,qa\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	policy := filepath.Join(dir, "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(`apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
- level: None
  resources: [{group: "", resources: [events]}]
- level: RequestResponse
  resources: [{group: "rbac.authorization.k8s.io"}]
- level: Metadata
`), 0o600); err != nil {
		t.Fatal(err)
	}
	c := startAPIServer(t, "--token-auth-file", tokens, "--audit-policy-file", policy)
	ca := c.ca()
	// Subtests run in order; each points the cluster's helpers at itself, so that failures are
	// reported from the subtest's own goroutine.
	var admin *kubectl
	sub := func(t *testing.T) {
		c.t = t
		admin = c.kubectl(bin)
	}

	t.Run("client certificate", func(t *testing.T) {
		sub(t)
		jane := c.certUser(bin, ca, "jane", []string{"web"}, time.Hour)
		jane.fails([]string{"get", "pods"}, forbidden("jane", "list", "pods", "", "default"))
		admin.must("", []string{"create", "rolebinding", "jane-view", "--clusterrole=view", "--user=jane"}, `^rolebinding.rbac.authorization.k8s.io/jane-view created`)
		admin.must("", []string{"run", "web", "--image=nginx:1.22"}, `^pod/web created`)
		jane.eventually([]string{"get", "pods"}, `^web\s+0/1\s+Pending`)
		// view grants no secrets, no writes, and nothing in other namespaces.
		jane.fails([]string{"get", "secrets"}, forbidden("jane", "list", "secrets", "", "default"))
		jane.fails([]string{"run", "mine", "--image=nginx"}, forbidden("jane", "create", "pods", "", "default"))
		jane.fails([]string{"get", "pods", "-n", "kube-system"}, forbidden("jane", "list", "pods", "", "kube-system"))
		// The group in the certificate's O counts: bind the group, not the user.
		admin.must("", []string{"create", "rolebinding", "web-edit", "--clusterrole=edit", "--group=web"}, `created`)
		jane.eventually([]string{"run", "mine", "--image=nginx"}, `^pod/mine created`)
	})

	t.Run("impersonation", func(t *testing.T) {
		sub(t)
		// The admin (system:masters) may act as anyone, and then gets only what they may do.
		admin.must("", []string{"get", "pods", "--as", "jane"}, `^web\s`)
		admin.fails([]string{"get", "secrets", "--as", "jane"}, forbidden("jane", "list", "secrets", "", "default"))
		jane := c.certUser(bin, ca, "jane", []string{"web"}, time.Hour)
		// kubectl's discovery fails first and prints only "unknown", as it does against
		// kube-apiserver; the raw request shows the server's message.
		jane.fails([]string{"get", "--raw", "/api/v1/namespaces/default/pods", "--as", "kubernetes-admin"},
			regexp.QuoteMeta(`Error from server (Forbidden): users "kubernetes-admin" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope`))
		admin.must("", []string{"create", "clusterrole", "impersonate-robot", "--verb=impersonate", "--resource=users", "--resource-name=robot-user"}, `created`)
		admin.must("", []string{"create", "clusterrolebinding", "jane-impersonates", "--clusterrole=impersonate-robot", "--user=jane"}, `created`)
		// As robot-user, jane can do what robot-user can: nothing but the basics.
		deadline := time.Now().Add(10 * time.Second)
		for {
			out, errOut, _ := jane.run("", "auth", "can-i", "get", "pods", "--as", "robot-user")
			if strings.TrimSpace(out) == "no" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("kubectl auth can-i get pods --as robot-user: %q %s", out, errOut)
			}
			time.Sleep(50 * time.Millisecond)
		}
		jane.must("", []string{"auth", "can-i", "create", "selfsubjectaccessreviews.authorization.k8s.io", "--as", "robot-user"}, `^yes$`)
		jane.fails([]string{"get", "--raw", "/api/v1/namespaces/default/pods", "--as", "someone-else"}, regexp.QuoteMeta(`User "jane" cannot impersonate resource "users"`))
		jane.must("", []string{"auth", "whoami", "--as", "robot-user", "-o", "jsonpath={.status.userInfo.username} {.status.userInfo.groups}"}, `^robot-user \["system:authenticated"\]$`)
		// Her own rules: edit through her group, impersonation of robot-user by name.
		jane.must("", []string{"auth", "can-i", "--list"}, `^pods\s+\[\]\s+\[\]\s+\[get list watch create delete`, `^users\s+\[\]\s+\[robot-user\]\s+\[impersonate\]$`)
	})

	t.Run("static token", func(t *testing.T) {
		sub(t)
		tina := c.as(bin, "tina", kubeconfig.AuthInfo{Token: "t0k3n-for-tina"})
		tina.fails([]string{"get", "configmaps", "-n", "kube-public"}, forbidden("tina", "list", "configmaps", "", "kube-public"))
		admin.must("", []string{"create", "rolebinding", "qa-view", "--clusterrole=view", "--group=qa", "-n", "kube-public"}, `created`)
		tina.eventually([]string{"get", "configmaps", "-n", "kube-public"})
		c.as(bin, "nobody", kubeconfig.AuthInfo{Token: "not-a-token"}).fails([]string{"get", "pods"}, unauthorized)
	})

	t.Run("service account token", func(t *testing.T) {
		sub(t)
		admin.must("", []string{"create", "serviceaccount", "robot"}, `^serviceaccount/robot created`)
		token := strings.TrimSpace(admin.must("", []string{"create", "token", "robot", "--duration=1h"}))
		robot := c.as(bin, "robot", kubeconfig.AuthInfo{Token: token})
		robot.fails([]string{"get", "deployments"}, forbidden("system:serviceaccount:default:robot", "list", "deployments", "apps", "default"))
		admin.must("", []string{"create", "rolebinding", "robot-view", "--clusterrole=view", "--serviceaccount=default:robot"}, `created`)
		robot.eventually([]string{"get", "deployments"})

		// Tokens the server must refuse: signed by another key, expired, for another audience,
		// or for an account that was deleted and made again (another uid).
		uid := admin.must("", []string{"get", "serviceaccount", "robot", "-o", "jsonpath={.metadata.uid}"})
		sa := &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "robot", Namespace: "default", UID: meta.UID(uid)}}
		serverKey, err := serviceAccountKey(c.dataDir, "")
		if err != nil {
			t.Fatal(err)
		}
		otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		const iss = "https://kubernetes.default.svc.cluster.local"
		issue := func(t *testing.T, iss *serviceaccount.Issuer, sa *core.ServiceAccount, aud string) string {
			tok, _, err := iss.Issue(sa, []string{aud}, time.Hour, nil)
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		good, err := serviceaccount.NewIssuer(serverKey, iss, clocktesting.NewFakeClock(time.Now()))
		if err != nil {
			t.Fatal(err)
		}
		past, _ := serviceaccount.NewIssuer(serverKey, iss, clocktesting.NewFakeClock(time.Now().Add(-2*time.Hour)))
		forger, _ := serviceaccount.NewIssuer(otherKey, iss, clocktesting.NewFakeClock(time.Now()))
		robot2 := sa.DeepCopy()
		robot2.UID = "not-the-robots-uid"
		for name, tok := range map[string]string{
			"minted with the server's key": issue(t, good, sa, iss),
			"forged":                       issue(t, forger, sa, iss),
			"expired":                      issue(t, past, sa, iss),
			"wrong audience":               issue(t, good, sa, "https://elsewhere.example.com"),
			"wrong uid":                    issue(t, good, robot2, iss),
			"garbage":                      "eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
		} {
			k := c.as(bin, "robot-"+strings.ReplaceAll(name, " ", "-"), kubeconfig.AuthInfo{Token: tok})
			if name == "minted with the server's key" {
				k.must("", []string{"get", "deployments"}) // the control: the same path with a good token works
				continue
			}
			k.fails([]string{"get", "deployments"}, unauthorized)
		}
	})

	t.Run("certificates the server must refuse", func(t *testing.T) {
		sub(t)
		otherCA, err := pki.NewCA("not-skiff", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		c.certUser(bin, otherCA, "kubernetes-admin", []string{"system:masters"}, time.Hour).fails([]string{"get", "pods"}, unauthorized)
		c.certUser(bin, ca, "old-admin", []string{"system:masters"}, -time.Minute).fails([]string{"get", "pods"}, unauthorized)
		// A serving certificate is not for clients.
		kp, err := ca.Issue(pki.Options{CommonName: "a-server", Organizations: []string{"system:masters"}, Usage: pki.ServerAuth})
		if err != nil {
			t.Fatal(err)
		}
		c.as(bin, "server-cert", kubeconfig.AuthInfo{ClientCertificateData: kp.CertPEM, ClientKeyData: kp.KeyPEM}).fails([]string{"get", "pods"}, unauthorized)
	})

	t.Run("no credentials", func(t *testing.T) {
		sub(t)
		client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool()}}}
		resp, err := client.Get(c.url + "/api/v1/namespaces/default/pods")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var st meta.Status
		if err := json.Unmarshal(body, &st); err != nil {
			t.Fatalf("401 body is not a Status: %v\n%s", err, body)
		}
		if resp.StatusCode != http.StatusUnauthorized || st.Kind != "Status" || st.Code != 401 || st.Reason != meta.StatusReasonUnauthorized || st.Message != "Unauthorized" {
			t.Errorf("no credentials: %d %+v", resp.StatusCode, st)
		}
	})

	t.Run("escalation", func(t *testing.T) {
		sub(t)
		// Mallory may manage RoleBindings and Roles in default, but holds nothing else.
		mallory := c.certUser(bin, ca, "mallory", nil, time.Hour)
		admin.must("", []string{"create", "role", "rbac-writer", "--verb=create,get,list", "--resource=rolebindings.rbac.authorization.k8s.io,roles.rbac.authorization.k8s.io"}, `created`)
		admin.must("", []string{"create", "rolebinding", "mallory-rbac", "--role=rbac-writer", "--user=mallory"}, `created`)
		mallory.eventually([]string{"get", "rolebindings"})
		mallory.fails([]string{"create", "rolebinding", "mallory-admin", "--clusterrole=cluster-admin", "--user=mallory"},
			regexp.QuoteMeta(`rolebindings.rbac.authorization.k8s.io "mallory-admin" is forbidden: user "mallory" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:`))
		mallory.fails([]string{"create", "role", "secret-reader", "--verb=get", "--resource=secrets"},
			regexp.QuoteMeta(`roles.rbac.authorization.k8s.io "secret-reader" is forbidden: user "mallory" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:`))
		// What she holds she may grant.
		mallory.must("", []string{"create", "role", "rb-reader", "--verb=get", "--resource=rolebindings.rbac.authorization.k8s.io"}, `created`)
		// With bind on a role, she may bind it without holding it.
		admin.must("", []string{"create", "clusterrole", "bind-view", "--verb=bind", "--resource=clusterroles.rbac.authorization.k8s.io", "--resource-name=view"}, `created`)
		admin.must("", []string{"create", "rolebinding", "mallory-bind", "--clusterrole=bind-view", "--user=mallory"}, `created`)
		mallory.eventually([]string{"create", "rolebinding", "friend-view", "--clusterrole=view", "--user=friend"}, `created`)
	})

	t.Run("audit", func(t *testing.T) {
		sub(t)
		checkAudit(t, c)
	})

	t.Run("node", func(t *testing.T) {
		sub(t)
		manifest := `apiVersion: v1
kind: Secret
metadata: {name: NODE-secret}
stringData: {k: v}
---
apiVersion: v1
kind: Node
metadata: {name: NODE}
---
apiVersion: v1
kind: Pod
metadata: {name: NODE-pod}
spec:
  nodeName: NODE
  containers: [{name: c, image: busybox}]
  volumes: [{name: s, secret: {secretName: NODE-secret}}]
`
		for _, n := range []string{"node-a", "node-b"} {
			admin.must(strings.ReplaceAll(manifest, "NODE", n), []string{"apply", "-f", "-"}, `secret/`+n+`-secret created`, `node/`+n+` created`, `pod/`+n+`-pod created`)
		}
		kubelet := c.certUser(bin, ca, "system:node:node-a", []string{"system:nodes"}, time.Hour)
		kubelet.eventually([]string{"get", "secret", "node-a-secret"})
		kubelet.must("", []string{"get", "pod", "node-a-pod"}, `^node-a-pod\s`)
		kubelet.must("", []string{"get", "pods", "--field-selector", "spec.nodeName=node-a"}, `^node-a-pod\s`)
		noRelation := `: no relationship found between node 'node-a' and this object`
		kubelet.fails([]string{"get", "pod", "node-b-pod"}, regexp.QuoteMeta(`Error from server (Forbidden): pods "node-b-pod" is forbidden: User "system:node:node-a" cannot get resource "pods" in API group "" in the namespace "default"`+noRelation))
		kubelet.fails([]string{"get", "secret", "node-b-secret"}, regexp.QuoteMeta(`Error from server (Forbidden): secrets "node-b-secret" is forbidden: User "system:node:node-a" cannot get resource "secrets" in API group "" in the namespace "default"`+noRelation))
		kubelet.fails([]string{"get", "pods"}, regexp.QuoteMeta(forbiddenRaw("system:node:node-a", "list", "pods", "", "default")+": can only list/watch pods with spec.nodeName field selector"))
		// The Node authorizer lets a kubelet update nodes; NodeRestriction keeps it to its own.
		kubelet.must("", []string{"label", "node", "node-a", "disk=ssd"}, `node/node-a labeled`)
		kubelet.fails([]string{"label", "node", "node-b", "disk=ssd"}, regexp.QuoteMeta(`Error from server (Forbidden): nodes "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"`))
	})
}

// auditRecords reads the cluster's audit log.
func (c *cluster) auditRecords() []*audit.Event {
	c.t.Helper()
	data, err := os.ReadFile(filepath.Join(filepath.Dir(c.dataDir), "audit.log"))
	if err != nil {
		c.t.Fatal(err)
	}
	var out []*audit.Event
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		ev := &audit.Event{}
		if err := json.Unmarshal([]byte(line), ev); err != nil {
			c.t.Fatalf("audit line is not an event: %v\n%s", err, line)
		}
		out = append(out, ev)
	}
	return out
}

// checkAudit looks for the records of what TestKubectlAuth did: who, how authenticated, what was
// decided and why, which admission plugin refused, and the times of each stage.
func checkAudit(t *testing.T, c *cluster) {
	find := func(what string, match func(ev *audit.Event) bool) *audit.Event {
		t.Helper()
		evs := c.auditRecords()
		for _, ev := range evs {
			if match(ev) {
				return ev
			}
		}
		t.Errorf("no audit record of %s among %d", what, len(evs))
		return nil
	}
	is := func(user, verb, resource string) func(ev *audit.Event) bool {
		return func(ev *audit.Event) bool {
			return ev.User.Username == user && ev.Verb == verb && ev.ObjectRef != nil && ev.ObjectRef.Resource == resource
		}
	}
	if ev := find("jane's refused secret list", is("jane", "list", "secrets")); ev != nil {
		want := map[string]string{"authentication.skiff.io/method": "x509", "authorization.k8s.io/decision": "forbid"}
		for k, v := range want {
			if ev.Annotations[k] != v {
				t.Errorf("jane's secret list: annotation %s = %q, want %q (all: %v)", k, ev.Annotations[k], v, ev.Annotations)
			}
		}
		if ev.ResponseStatus == nil || ev.ResponseStatus.Code != 403 || ev.Level != "Metadata" || ev.Stage != "ResponseComplete" {
			t.Errorf("jane's secret list: %s %s %+v", ev.Level, ev.Stage, ev.ResponseStatus)
		}
	}
	if ev := find("jane's allowed pod list", func(ev *audit.Event) bool {
		return is("jane", "list", "pods")(ev) && ev.ResponseStatus != nil && ev.ResponseStatus.Code == 200
	}); ev != nil {
		if got, want := ev.Annotations["authorization.k8s.io/reason"], `RBAC: allowed by RoleBinding "jane-view/default" of ClusterRole "view" to User "jane"`; got != want {
			t.Errorf("reason of jane's pod list = %q, want %q", got, want)
		}
		for _, stage := range []string{"Authenticated", "Authorized"} {
			at, ok := ev.StageTimestamps[stage]
			if !ok || at.Before(ev.RequestReceivedTimestamp.Time) || ev.StageTimestamp.Before(at.Time) {
				t.Errorf("stage %s at %v, outside %v .. %v", stage, at, ev.RequestReceivedTimestamp, ev.StageTimestamp)
			}
		}
	}
	if ev := find("tina's token request", is("tina", "list", "configmaps")); ev != nil && ev.Annotations["authentication.skiff.io/method"] != "token" {
		t.Errorf("tina authenticated by %q", ev.Annotations["authentication.skiff.io/method"])
	}
	if ev := find("mallory's refused escalation", func(ev *audit.Event) bool {
		return is("mallory", "create", "rolebindings")(ev) && ev.ResponseStatus != nil && ev.ResponseStatus.Code == 403
	}); ev != nil {
		if ev.Annotations["admission.skiff.io/rejected-by"] != "RBACEscalation" || ev.Level != "RequestResponse" || len(ev.RequestObject) == 0 {
			t.Errorf("mallory's escalation: level %s, request body %d bytes, annotations %v", ev.Level, len(ev.RequestObject), ev.Annotations)
		}
		if _, ok := ev.StageTimestamps["Admitted"]; ok {
			t.Errorf("a refused request has an Admitted stage: %v", ev.StageTimestamps)
		}
	}
	if ev := find("the admin's pod create", func(ev *audit.Event) bool {
		return is("kubernetes-admin", "create", "pods")(ev) && ev.ResponseStatus != nil && ev.ResponseStatus.Code == 201
	}); ev != nil {
		if _, ok := ev.StageTimestamps["Persisted"]; !ok || ev.Annotations["admission.skiff.io/validating"] == "" {
			t.Errorf("admin's pod create: stages %v, annotations %v", ev.StageTimestamps, ev.Annotations)
		}
	}
}

func forbiddenRaw(user, verb, resource, group, namespace string) string {
	qualified := resource
	if group != "" {
		qualified += "." + group
	}
	return `Error from server (Forbidden): ` + qualified + ` is forbidden: User "` + user + `" cannot ` + verb +
		` resource "` + resource + `" in API group "` + group + `" in the namespace "` + namespace + `"`
}
