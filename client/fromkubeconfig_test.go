package client_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/kubeconfig"
)

func TestFromKubeconfig(t *testing.T) {
	fs := &fakeServer{}
	ts := httptest.NewTLSServer(fs)
	defer ts.Close()
	kc := kubeconfig.New("skiff", ts.URL, pemOf(ts.Certificate().Raw), kubeconfig.AuthInfo{Token: "tok", Impersonate: "jane"})
	kc.Contexts[0].Context.Namespace = "team"
	cfg, ns, err := client.FromKubeconfig(kc, "")
	if err != nil {
		t.Fatal(err)
	}
	if ns != "team" {
		t.Errorf("namespace %q", ns)
	}
	cfg.QPS = -1
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.For[*core.Namespace](c).Get(context.Background(), "default", client.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	r := fs.requests()[0]
	if r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("Impersonate-User") != "jane" {
		t.Errorf("headers %v", r.Header)
	}

	for name, user := range map[string]kubeconfig.AuthInfo{
		"exec credential plugins": {Exec: []byte(`{"command":"x"}`)},
		"auth-provider":           {AuthProvider: []byte(`{"name":"oidc"}`)},
	} {
		kc := kubeconfig.New("x", ts.URL, nil, user)
		if _, _, err := client.FromKubeconfig(kc, ""); !errors.Is(err, client.ErrConfig) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := client.FromKubeconfig(kc, "nope"); !errors.Is(err, kubeconfig.ErrInvalid) {
		t.Errorf("unknown context: %v", err)
	}
}
