package kubeconfig_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/client/kubeconfig"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

const fileA = `apiVersion: v1
kind: Config
current-context: a
clusters:
- name: shared
  cluster: {server: "https://a.example:6443", certificate-authority: ca.crt}
- name: only-a
  cluster: {server: "https://only-a:6443"}
users:
- name: u
  user: {client-certificate: certs/u.crt, client-key: /abs/u.key, exec: {command: x}}
contexts:
- name: a
  context: {cluster: shared, user: u, namespace: team-a}
preferences: {}
extensions:
- name: x
  extension: {foo: bar}
`

const fileB = `apiVersion: v1
kind: Config
current-context: b
clusters:
- name: shared
  cluster: {server: "https://b.example:6443"}
users:
- name: u
  user: {token: from-b}
- name: v
  user: {tokenFile: tok}
contexts:
- name: a
  context: {cluster: only-a, user: v}
- name: b
  context: {cluster: shared, user: v}
`

func TestSourcesFiles(t *testing.T) {
	for _, tc := range []struct {
		s    kubeconfig.Sources
		want []string
	}{
		{kubeconfig.Sources{Explicit: "/x", Env: "/a:/b", Home: "/h"}, []string{"/x"}},
		{kubeconfig.Sources{Env: "/a::/b:/a", Home: "/h"}, []string{"/a", "/b"}},
		{kubeconfig.Sources{Home: "/h"}, []string{"/h/.kube/config"}},
		{kubeconfig.Sources{}, nil},
	} {
		if got := tc.s.Files(); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%+v: %v, want %v", tc.s, got, tc.want)
		}
	}
}

func TestLoadSourcesMergesAsKubectl(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a", "config"), filepath.Join(dir, "b", "config")
	write(t, a, fileA)
	write(t, b, fileB)
	missing := filepath.Join(dir, "missing")

	kc, err := kubeconfig.LoadSources(kubeconfig.Sources{Env: missing + ":" + a + ":" + b})
	if err != nil {
		t.Fatal(err)
	}
	// The first file to set current-context, or to name a cluster, user or context, wins.
	if kc.CurrentContext != "a" {
		t.Errorf("current-context %q", kc.CurrentContext)
	}
	r, err := kc.Resolve("")
	if err != nil {
		t.Fatal(err)
	}
	if r.Cluster.Server != "https://a.example:6443" || r.Namespace != "team-a" || r.UserName != "u" || r.User.Token != "" {
		t.Errorf("resolved %+v", r)
	}
	// Relative paths are relative to the file that holds them.
	if r.Cluster.CertificateAuthority != filepath.Join(dir, "a", "ca.crt") || r.User.ClientCertificate != filepath.Join(dir, "a", "certs/u.crt") || r.User.ClientKey != "/abs/u.key" {
		t.Errorf("paths: %q %q %q", r.Cluster.CertificateAuthority, r.User.ClientCertificate, r.User.ClientKey)
	}
	rb, err := kc.Resolve("b")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Cluster.Server != "https://a.example:6443" || rb.User.TokenFile != filepath.Join(dir, "b", "tok") || rb.Namespace != "default" {
		t.Errorf("context b: %+v", rb)
	}

	// Reversed order, the other file wins.
	kc2, err := kubeconfig.LoadSources(kubeconfig.Sources{Env: b + ":" + a})
	if err != nil {
		t.Fatal(err)
	}
	if r, err := kc2.Resolve("a"); err != nil || r.Cluster.Server != "https://only-a:6443" {
		t.Errorf("reversed: %v %+v", err, r)
	}

	// An explicit file must exist; files in KUBECONFIG may be missing; nothing found is an error.
	if _, err := kubeconfig.LoadSources(kubeconfig.Sources{Explicit: missing, Env: a}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing explicit file: %v", err)
	}
	if _, err := kubeconfig.LoadSources(kubeconfig.Sources{Env: missing}); !errors.Is(err, kubeconfig.ErrNoConfig) {
		t.Errorf("nothing found: %v", err)
	}
	home := filepath.Join(dir, "home")
	write(t, filepath.Join(home, ".kube", "config"), fileB)
	if kc, err := kubeconfig.LoadSources(kubeconfig.Sources{Home: home}); err != nil || kc.CurrentContext != "b" {
		t.Errorf("home: %v", err)
	}
	write(t, filepath.Join(dir, "bad"), "clusters: [[[")
	if _, err := kubeconfig.LoadSources(kubeconfig.Sources{Explicit: filepath.Join(dir, "bad")}); err == nil || !strings.Contains(err.Error(), "bad") {
		t.Errorf("bad yaml: %v", err)
	}
}

func TestResolveErrors(t *testing.T) {
	kc := &kubeconfig.Config{
		Clusters: []kubeconfig.NamedCluster{{Name: "c", Cluster: kubeconfig.Cluster{Server: "https://x"}}, {Name: "noserver"}},
		Contexts: []kubeconfig.NamedContext{
			{Name: "nocluster", Context: kubeconfig.Context{Cluster: "gone"}},
			{Name: "nouser", Context: kubeconfig.Context{Cluster: "c", User: "gone"}},
			{Name: "empty", Context: kubeconfig.Context{Cluster: "noserver"}},
		},
	}
	for name, want := range map[string]string{
		"":          "no current-context",
		"missing":   `context "missing" does not exist`,
		"nocluster": `cluster "gone", which does not exist`,
		"nouser":    `user "gone", which does not exist`,
		"empty":     "has no server",
	} {
		_, err := kc.Resolve(name)
		if !errors.Is(err, kubeconfig.ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", name, err, want)
		}
	}
}
