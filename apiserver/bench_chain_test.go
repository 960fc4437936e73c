package apiserver_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/go-logr/logr"

	"github.com/skiff-io/skiff/admission"
	"github.com/skiff-io/skiff/admission/noderestriction"
	"github.com/skiff-io/skiff/admission/plugins"
	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/api/rbac"
	"github.com/skiff-io/skiff/api/resource"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/authn"
	"github.com/skiff-io/skiff/authz"
	"github.com/skiff-io/skiff/authz/node"
	rbacauthz "github.com/skiff-io/skiff/authz/rbac"
	"github.com/skiff-io/skiff/pki"
	"github.com/skiff-io/skiff/store"
	"github.com/skiff-io/skiff/store/memdb"
)

// Sizes of the RBAC policy the chain benchmark runs against.
const (
	chainNamespaces = 100
	chainBindings   = 1000 // Roles and RoleBindings each, spread over the namespaces
)

// startChainServer is startBenchServer with, when full, the chain `skiff apiserver` runs: x509
// authentication, the Node and RBAC authorizers over a policy of chainBindings Roles and
// RoleBindings plus the bootstrap policy, and the default admission plugins with NodeRestriction
// and the RBAC escalation check. quota adds a ResourceQuota to the namespace the requests go to,
// which every create is charged against. Without full, the server authenticates by x509 and
// allows everything, with no admission: the baseline the chain's cost is measured from. The
// client is user dev-0500, whose Role in team-050 allows the requests.
func startChainServer(b *testing.B, full, quota bool) *benchServer {
	b.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	reg := api.Builtin()
	st, err := memdb.Open(memdb.Options{Dir: b.TempDir(), Codec: reg})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cancel()
		st.Close()
	})
	seedChainPolicy(b, st, quota)
	ca, _ := pki.NewCA("bench", time.Hour)
	cfg := apiserver.Config{Registry: reg, Store: st, Authenticator: authn.X509(ca.Pool()),
		MaxRequestsInFlight: 10000, MaxMutatingRequestsInFlight: 10000}
	if full {
		cfg.Authorizer, cfg.Admission = fullChain(b, ctx, st, reg)
	}
	srv, err := apiserver.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	serving, _ := ca.Issue(pki.Options{CommonName: "skiff", DNSNames: []string{"localhost"}, Usage: pki.ServerAuth})
	user, _ := ca.Issue(pki.Options{CommonName: "dev-0500", Organizations: []string{"devs"}, Usage: pki.ClientAuth})
	cert, _ := tls.X509KeyPair(serving.CertPEM, serving.KeyPEM)
	clientCert, _ := tls.X509KeyPair(user.CertPEM, user.KeyPEM)
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.EnableHTTP2 = true
	hs.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert, ClientCAs: ca.Pool()}
	hs.StartTLS()
	b.Cleanup(hs.Close)
	return &benchServer{url: hs.URL, clients: func() *http.Client {
		return &http.Client{Transport: &http.Transport{
			TLSClientConfig:   &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", Certificates: []tls.Certificate{clientCert}},
			ForceAttemptHTTP2: true,
		}}
	}}
}

// seedChainPolicy writes the namespaces, their default service accounts, chainBindings Roles
// and RoleBindings (one user each) and the bootstrap policy straight into the store.
func seedChainPolicy(b *testing.B, st store.Store, quota bool) {
	b.Helper()
	ctx := context.Background()
	put := func(resource, ns, name string, obj meta.Object) {
		if _, err := st.Create(ctx, store.Key(resource, ns, name), obj); err != nil {
			b.Fatal(err)
		}
	}
	for n := range chainNamespaces {
		ns := fmt.Sprintf("team-%03d", n)
		put("namespaces", "", ns, &core.Namespace{ObjectMeta: meta.ObjectMeta{Name: ns}, Status: core.NamespaceStatus{Phase: core.NamespaceActive}})
		put("serviceaccounts", ns, "default", &core.ServiceAccount{ObjectMeta: meta.ObjectMeta{Name: "default", Namespace: ns}})
	}
	for i := range chainBindings {
		ns := fmt.Sprintf("team-%03d", i/(chainBindings/chainNamespaces))
		name := fmt.Sprintf("dev-%04d", i)
		put("roles", ns, name, &rbac.Role{ObjectMeta: meta.ObjectMeta{Name: name, Namespace: ns}, Rules: []rbac.PolicyRule{
			{Verbs: []string{"get", "list", "watch", "create", "update", "delete"}, APIGroups: []string{""}, Resources: []string{"pods", "configmaps"}},
			{Verbs: []string{"get", "list"}, APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets"}},
		}})
		put("rolebindings", ns, name, &rbac.RoleBinding{ObjectMeta: meta.ObjectMeta{Name: name, Namespace: ns},
			Subjects: []rbac.Subject{{Kind: "User", APIGroup: rbac.GroupName, Name: name}},
			RoleRef:  rbac.RoleRef{APIGroup: rbac.GroupName, Kind: "Role", Name: name}})
	}
	roles, bindings := rbacauthz.BootstrapPolicy()
	for _, r := range roles {
		put("clusterroles", "", r.Name, r)
	}
	for _, rb := range bindings {
		put("clusterrolebindings", "", rb.Name, rb)
	}
	if quota {
		hard := core.ResourceList{"pods": resource.MustParse("1000000"), "requests.cpu": resource.MustParse("100000"), "limits.memory": resource.MustParse("100Ti")}
		put("resourcequotas", "team-050", "q", &core.ResourceQuota{ObjectMeta: meta.ObjectMeta{Name: "q", Namespace: "team-050"},
			Spec: core.ResourceQuotaSpec{Hard: hard}, Status: core.ResourceQuotaStatus{Hard: hard, Used: core.ResourceList{
				"pods": resource.MustParse("0"), "requests.cpu": resource.MustParse("0"), "limits.memory": resource.MustParse("0")}}})
	}
}

// fullChain builds the authorizers and admission chain as `skiff apiserver` does by default.
func fullChain(b *testing.B, ctx context.Context, st store.Store, reg *api.Registry) (authz.Authorizer, admission.Chain) {
	b.Helper()
	rb := rbacauthz.NewFromStore(st, logr.Discard())
	na := node.New(st, node.Options{})
	go rb.Run(ctx)
	go na.Run(ctx)
	if err := rb.WaitForSync(ctx); err != nil {
		b.Fatal(err)
	}
	if err := na.WaitFor(ctx, 0); err != nil {
		b.Fatal(err)
	}
	az := authz.Union(na, rb)
	r := plugins.New()
	if err := r.Register(noderestriction.PluginName, func(d plugins.Deps) (admission.Plugin, error) { return noderestriction.New(d.Store), nil }); err != nil {
		b.Fatal(err)
	}
	if err := r.Register(rbacauthz.EscalationPluginName, func(plugins.Deps) (admission.Plugin, error) {
		return rbacauthz.NewEscalationPlugin(rb).WithVerbAuthorizer(az), nil
	}); err != nil {
		b.Fatal(err)
	}
	chain, err := r.Build([]string{noderestriction.PluginName, rbacauthz.EscalationPluginName}, nil, plugins.Deps{Store: st, Kinds: reg})
	if err != nil {
		b.Fatal(err)
	}
	return az, chain
}

// BenchmarkAuthChain measures what authentication, authorization and admission add to a request
// over TLS: each iteration sends the same request to the baseline server and to the full-chain
// one, in turn, so that both see the same machine; it reports both latency distributions and
// the differences of their p50 and p99 (added-*). With quota, creates are also charged to a
// ResourceQuota, which costs a second store write.
func BenchmarkAuthChain(b *testing.B) {
	for _, quota := range []bool{false, true} {
		for _, op := range []string{"get", "create"} {
			name := op
			if quota {
				name += "+quota"
			}
			b.Run(name, func(b *testing.B) {
				servers := []*benchServer{startChainServer(b, false, quota), startChainServer(b, true, quota)}
				lat := [2][]time.Duration{make([]time.Duration, b.N), make([]time.Duration, b.N)}
				clients := []*http.Client{servers[0].clients(), servers[1].clients()}
				for k, s := range servers {
					if code, err := do(clients[k], "POST", s.url+"/api/v1/namespaces/team-050/pods", podBody("seed")); err != nil || code != 201 {
						b.Fatalf("seed pod: %d %v", code, err)
					}
				}
				b.ResetTimer()
				for i := range b.N {
					for k, s := range servers {
						base := s.url + "/api/v1/namespaces/team-050/pods"
						t0 := time.Now()
						var code int
						var err error
						if op == "get" {
							code, err = do(clients[k], "GET", base+"/seed", nil)
						} else {
							code, err = do(clients[k], "POST", base, podBody(fmt.Sprintf("p-%08d", i)))
						}
						lat[k][i] = time.Since(t0)
						if err != nil || (code != 200 && code != 201) {
							b.Fatalf("%s: %d %v", op, code, err)
						}
					}
				}
				b.StopTimer()
				var p50, p99 [2]float64
				for k := range lat {
					slices.Sort(lat[k])
					p50[k] = float64(lat[k][b.N/2].Microseconds()) / 1000
					p99[k] = float64(lat[k][b.N*99/100].Microseconds()) / 1000
				}
				b.ReportMetric(p50[0], "base-p50-ms")
				b.ReportMetric(p99[0], "base-p99-ms")
				b.ReportMetric(p50[1], "full-p50-ms")
				b.ReportMetric(p99[1], "full-p99-ms")
				b.ReportMetric(p50[1]-p50[0], "added-p50-ms")
				b.ReportMetric(p99[1]-p99[0], "added-p99-ms")
			})
		}
	}
}

// BenchmarkChainOnly times the chain alone, in process, for a pod create by dev-0500: x509
// authentication of the request's certificate, the Node and RBAC authorizers, then every
// default admission plugin's Admit and Validate (dry run, so nothing is charged or stored).
// This is the chain's own cost without HTTP, TLS and the store, which dominate
// BenchmarkAuthChain.
func BenchmarkChainOnly(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reg := api.Builtin()
	st, err := memdb.Open(memdb.Options{Dir: b.TempDir(), Codec: reg})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	seedChainPolicy(b, st, true)
	az, chain := fullChain(b, ctx, st, reg)
	ca, _ := pki.NewCA("bench", time.Hour)
	user, _ := ca.Issue(pki.Options{CommonName: "dev-0500", Organizations: []string{"devs"}, Usage: pki.ClientAuth})
	authenticator := authn.X509(ca.Pool())
	req := httptest.NewRequest("POST", "/api/v1/namespaces/team-050/pods", nil)
	req.TLS = &tls.ConnectionState{PeerCertificates: []*x509.Certificate{user.Cert}}
	podKind, err := reg.KindFor(api.GroupVersionKind{Version: "v1", Kind: "Pod"})
	if err != nil {
		b.Fatal(err)
	}
	lat := make([]time.Duration, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		pod := &core.Pod{ObjectMeta: meta.ObjectMeta{Name: fmt.Sprintf("p-%08d", i), Namespace: "team-050"},
			Spec: core.PodSpec{Containers: []core.Container{{Name: "nginx", Image: "nginx:1.22", Resources: core.ResourceRequirements{
				Requests: core.ResourceList{"cpu": resource.MustParse("100m"), "memory": resource.MustParse("128Mi")},
				Limits:   core.ResourceList{"cpu": resource.MustParse("500m"), "memory": resource.MustParse("256Mi")}}}}}}
		podKind.Default(pod)
		t0 := time.Now()
		res, ok, err := authenticator.AuthenticateRequest(req)
		if !ok || err != nil {
			b.Fatalf("authenticate: %v %v", ok, err)
		}
		d, reason, _ := az.Authorize(ctx, authz.Attributes{User: res.User, Verb: "create", ResourceRequest: true, APIVersion: "v1",
			Resource: "pods", Namespace: "team-050"})
		if d != authz.Allow {
			b.Fatalf("not allowed: %s", reason)
		}
		attrs := &admission.Attributes{Operation: admission.Create, Object: pod, Version: "v1", Kind: "Pod", Resource: "pods",
			Namespace: "team-050", Name: pod.Name, User: res.User, DryRun: true}
		if err := chain.Admit(ctx, attrs); err != nil {
			b.Fatal(err)
		}
		if err := chain.Validate(ctx, attrs); err != nil {
			b.Fatal(err)
		}
		lat[i] = time.Since(t0)
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[b.N/2].Nanoseconds())/1000, "p50-µs")
	b.ReportMetric(float64(lat[b.N*99/100].Nanoseconds())/1000, "p99-µs")
}
