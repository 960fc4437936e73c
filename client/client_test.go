package client_test

import (
	"context"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/apps"
	"github.com/skiff-io/skiff/api/autoscaling"
	"github.com/skiff-io/skiff/api/core"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/testenv"
)

// newServer starts a real API server on an in-memory store and returns a client that reaches it
// through the server's in-process transport.
func newServer(t *testing.T) (*apiserver.Server, *client.Client) {
	t.Helper()
	env := testenv.Start(t, testenv.Options{HistorySize: 50, BookmarkInterval: 50 * time.Millisecond})
	return env.Server, env.Client()
}

func testPod(name string) *core.Pod {
	return &core.Pod{
		ObjectMeta: meta.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"app": "web"}},
		Spec:       core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}},
	}
}

func TestTypedCRUD(t *testing.T) {
	ctx := context.Background()
	_, c := newServer(t)
	pods := client.For[*core.Pod](c).Namespace("default")

	created, err := pods.Create(ctx, testPod("a"), client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if created.UID == "" || created.ResourceVersion == "" || created.Kind != "Pod" || created.APIVersion != "v1" {
		t.Fatalf("created pod lacks server-set fields: %+v", created.ObjectMeta)
	}
	if _, err := pods.Create(ctx, testPod("a"), client.CreateOptions{}); !apierrors.IsAlreadyExists(err) {
		t.Fatalf("second create: %v, want AlreadyExists", err)
	}
	gen := testPod("")
	gen.GenerateName = "web-"
	g, err := pods.Create(ctx, gen, client.CreateOptions{})
	if err != nil || !strings.HasPrefix(g.Name, "web-") || len(g.Name) <= len("web-") {
		t.Fatalf("generateName create: %v %q", err, g.Name)
	}
	if _, err := pods.Create(ctx, testPod("dry"), client.CreateOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "dry", client.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("a dry-run create was stored: %v", err)
	}

	got, err := pods.Get(ctx, "a", client.GetOptions{})
	if err != nil || got.UID != created.UID || got.Spec.Containers[0].Image != "nginx" {
		t.Fatalf("get: %v %+v", err, got)
	}

	list, err := pods.List(ctx, client.ListOptions{LabelSelector: "app=web"})
	if err != nil || len(list.Items) != 2 || list.ResourceVersion == "" {
		t.Fatalf("list: %v %d items", err, len(list.Items))
	}
	if list.Items[0].Kind != "Pod" {
		t.Errorf("list items have no kind: %q", list.Items[0].Kind)
	}
	none, err := pods.List(ctx, client.ListOptions{LabelSelector: "app=db"})
	if err != nil || len(none.Items) != 0 {
		t.Fatalf("list app=db: %v %d", err, len(none.Items))
	}
	page, err := pods.List(ctx, client.ListOptions{Limit: 1})
	if err != nil || len(page.Items) != 1 || page.Continue == "" {
		t.Fatalf("limited list: %v %d %q", err, len(page.Items), page.Continue)
	}
	rest, err := pods.List(ctx, client.ListOptions{Limit: 1, Continue: page.Continue})
	if err != nil || len(rest.Items) != 1 || rest.Items[0].Name == page.Items[0].Name {
		t.Fatalf("second page: %v %+v", err, rest.Items)
	}
	all, err := client.For[*core.Pod](c).List(ctx, client.ListOptions{})
	if err != nil || len(all.Items) != 2 {
		t.Fatalf("list across namespaces: %v %d", err, len(all.Items))
	}

	// Update, then a stale update conflicts.
	got.Labels["tier"] = "front"
	upd, err := pods.Update(ctx, got, client.UpdateOptions{})
	if err != nil || upd.Labels["tier"] != "front" || upd.ResourceVersion == got.ResourceVersion {
		t.Fatalf("update: %v %+v", err, upd.ObjectMeta)
	}
	got.Labels["tier"] = "back"
	if _, err := pods.Update(ctx, got, client.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Fatalf("stale update: %v, want Conflict", err)
	}

	upd.Status.Phase = core.PodRunning
	st, err := pods.UpdateStatus(ctx, upd, client.UpdateOptions{})
	if err != nil || st.Status.Phase != core.PodRunning {
		t.Fatalf("update status: %v %+v", err, st.Status)
	}

	// Every patch type.
	for _, tc := range []struct {
		pt   client.PatchType
		body string
		opts client.PatchOptions
		want func(*core.Pod) bool
	}{
		{client.MergePatchType, `{"metadata":{"labels":{"m":"1"}}}`, client.PatchOptions{}, func(p *core.Pod) bool { return p.Labels["m"] == "1" }},
		{client.JSONPatchType, `[{"op":"add","path":"/metadata/labels/j","value":"2"}]`, client.PatchOptions{}, func(p *core.Pod) bool { return p.Labels["j"] == "2" }},
		{client.StrategicMergePatchType, `{"spec":{"containers":[{"name":"c","image":"nginx:2"}]}}`, client.PatchOptions{}, func(p *core.Pod) bool {
			return len(p.Spec.Containers) == 1 && p.Spec.Containers[0].Image == "nginx:2"
		}},
		{client.ApplyPatchType, `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"applied":"yes"}}}`,
			client.PatchOptions{WriteOptions: client.WriteOptions{FieldManager: "test"}, Force: true}, func(p *core.Pod) bool { return p.Labels["applied"] == "yes" }},
	} {
		p, err := pods.Patch(ctx, "a", tc.pt, []byte(tc.body), tc.opts)
		if err != nil || !tc.want(p) {
			t.Errorf("%s: %v %+v", tc.pt, err, p)
		}
	}
	if _, err := pods.Patch(ctx, "a", client.ApplyPatchType, []byte(`{}`), client.PatchOptions{}); err == nil || !strings.Contains(err.Error(), "field manager") {
		t.Errorf("apply without a field manager: %v", err)
	}
	if _, err := pods.Patch(ctx, "a", client.MergePatchType, []byte(`{"status":{"phase":"Failed"}}`), client.PatchOptions{}, "status"); err != nil {
		t.Errorf("status patch: %v", err)
	} else if p, _ := pods.Get(ctx, "a", client.GetOptions{}); p.Status.Phase != core.PodFailed {
		t.Errorf("status patch not applied: %s", p.Status.Phase)
	}

	// Invalid objects come back as Invalid with causes.
	bad := testPod("Bad_Name")
	if _, err := pods.Create(ctx, bad, client.CreateOptions{}); !apierrors.IsInvalid(err) || len(apierrors.Causes(err)) == 0 {
		t.Fatalf("invalid create: %v", err)
	}

	// Delete with a failing precondition, then for real.
	wrong := meta.UID("nope")
	if err := pods.Delete(ctx, "a", client.DeleteOptions{Preconditions: &meta.Preconditions{UID: &wrong}}); !apierrors.IsConflict(err) {
		t.Fatalf("delete with a wrong uid: %v, want Conflict", err)
	}
	if err := pods.Delete(ctx, "a", client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "a", client.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := pods.DeleteCollection(ctx, client.DeleteOptions{}, client.ListOptions{LabelSelector: "app=web"}); err != nil {
		t.Fatal(err)
	}
	if l, _ := pods.List(ctx, client.ListOptions{}); len(l.Items) != 0 {
		t.Fatalf("%d pods left after deletecollection", len(l.Items))
	}
}

func TestClientSideChecks(t *testing.T) {
	ctx := context.Background()
	_, c := newServer(t)
	pods := client.For[*core.Pod](c)
	if _, err := pods.Get(ctx, "x", client.GetOptions{}); err == nil || !strings.Contains(err.Error(), "namespace is required") {
		t.Errorf("get without a namespace: %v", err)
	}
	if _, err := pods.Namespace("default").Get(ctx, "", client.GetOptions{}); err == nil || !strings.Contains(err.Error(), "name may not be empty") {
		t.Errorf("get without a name: %v", err)
	}
	p := testPod("x")
	p.Namespace = "other"
	if _, err := pods.Namespace("default").Create(ctx, p, client.CreateOptions{}); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("create into the wrong namespace: %v", err)
	}
	empty, err := client.New(client.Config{Host: "https://x", Registry: api.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.For[*core.Pod](empty).Namespace("default").Get(ctx, "x", client.GetOptions{}); !errors.Is(err, client.ErrUnknownKind) {
		t.Errorf("unregistered kind: %v", err)
	}
	// Nodes are cluster-scoped: the namespace is ignored in the path.
	n, err := client.For[*core.Node](c).Create(ctx, &core.Node{ObjectMeta: meta.ObjectMeta{Name: "n1"}}, client.CreateOptions{})
	if err != nil || n.Name != "n1" {
		t.Fatalf("create node: %v", err)
	}
	if _, err := client.New(client.Config{}); !errors.Is(err, client.ErrConfig) {
		t.Errorf("no host: %v", err)
	}
	if _, err := client.New(client.Config{Host: "ftp://x"}); !errors.Is(err, client.ErrConfig) {
		t.Errorf("ftp host: %v", err)
	}
	if _, err := client.New(client.Config{Host: "https://x", TLS: client.TLSConfig{CertData: []byte("x")}}); !errors.Is(err, client.ErrConfig) {
		t.Errorf("certificate without key: %v", err)
	}
	if _, err := client.New(client.Config{Host: "https://x", TLS: client.TLSConfig{CAData: []byte("not pem")}}); !errors.Is(err, client.ErrConfig) {
		t.Errorf("bad CA: %v", err)
	}
}

func TestSubresources(t *testing.T) {
	ctx := context.Background()
	_, c := newServer(t)
	pods := client.For[*core.Pod](c).Namespace("default")
	if _, err := pods.Create(ctx, testPod("p"), client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	b := &core.Binding{ObjectMeta: meta.ObjectMeta{Name: "p"}, Target: core.ObjectReference{Kind: "Node", Name: "n1"}}
	if err := pods.CreateSubresource(ctx, "p", "binding", b, nil, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if p, _ := pods.Get(ctx, "p", client.GetOptions{}); p.Spec.NodeName != "n1" {
		t.Fatalf("binding did not set nodeName: %q", p.Spec.NodeName)
	}
	if err := pods.CreateSubresource(ctx, "p", "binding", b, nil, client.CreateOptions{}); !apierrors.IsConflict(err) {
		t.Fatalf("second binding: %v, want Conflict", err)
	}

	deps := client.For[*apps.Deployment](c).Namespace("default")
	replicas := int32(2)
	d := &apps.Deployment{
		ObjectMeta: meta.ObjectMeta{Name: "web"},
		Spec: apps.DeploymentSpec{
			Replicas: &replicas,
			Selector: &meta.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: core.PodTemplateSpec{
				ObjectMeta: meta.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       core.PodSpec{Containers: []core.Container{{Name: "c", Image: "nginx"}}},
			},
		},
	}
	if _, err := deps.Create(ctx, d, client.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var sc autoscaling.Scale
	if err := deps.GetSubresource(ctx, "web", "scale", &sc); err != nil || sc.Spec.Replicas != 2 {
		t.Fatalf("get scale: %v %+v", err, sc)
	}
	sc.Spec.Replicas = 5
	var out autoscaling.Scale
	if err := deps.UpdateSubresource(ctx, "web", "scale", &sc, &out, client.UpdateOptions{}); err != nil || out.Spec.Replicas != 5 {
		t.Fatalf("update scale: %v %+v", err, out)
	}
	if got, _ := deps.Get(ctx, "web", client.GetOptions{}); *got.Spec.Replicas != 5 {
		t.Fatalf("scale not applied: %d", *got.Spec.Replicas)
	}
}

func TestWatch(t *testing.T) {
	ctx := context.Background()
	_, c := newServer(t)
	pods := client.For[*core.Pod](c).Namespace("default")
	list, err := pods.List(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := pods.Watch(ctx, client.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	p, err := pods.Create(ctx, testPod("w"), client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p.Labels["x"] = "y"
	if _, err := pods.Update(ctx, p, client.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := pods.Delete(ctx, "w", client.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	want := []client.EventType{client.Added, client.Modified, client.Deleted}
	for i, typ := range want {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatalf("watch closed after %d events", i)
			}
			if ev.Type != typ || ev.Object.Name != "w" || ev.Object.Kind != "Pod" {
				t.Fatalf("event %d: %s %v, want %s of w", i, ev.Type, ev.Object, typ)
			}
			if typ == client.Modified && ev.Object.Labels["x"] != "y" {
				t.Errorf("MODIFIED carries %v", ev.Object.Labels)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no event %d", i)
		}
	}
	w.Stop()
	if _, ok := <-w.Events(); ok {
		t.Fatal("events after Stop")
	}
	w.Stop() // twice is fine
}

func TestWatchTooOld(t *testing.T) {
	ctx := context.Background()
	_, c := newServer(t)
	cms := client.For[*core.ConfigMap](c).Namespace("default")
	first, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "cm"}}, client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 100 { // the server keeps 50 changes of history
		first.Data = map[string]string{"i": fmt.Sprint(i)}
		if first, err = cms.Update(ctx, first, client.UpdateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	w, err := cms.Watch(ctx, client.ListOptions{ResourceVersion: "2"})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	select {
	case ev := <-w.Events():
		if ev.Type != client.Error || !apierrors.IsGone(ev.Status) {
			t.Fatalf("got %s %v, want an ERROR event with a 410", ev.Type, ev.Status)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no event")
	}
}

func TestWatchBookmarks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, c := newServer(t)
	cms := client.For[*core.ConfigMap](c).Namespace("default")
	l, err := cms.List(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	w, err := cms.Watch(ctx, client.ListOptions{ResourceVersion: l.ResourceVersion, AllowWatchBookmarks: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	cm, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "b"}}, client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ev := <-w.Events(); ev.Type != client.Added || ev.Object.Name != "b" {
		t.Fatalf("first event %s %v", ev.Type, ev.Object)
	}
	// The server's store sends a bookmark every 50 ms to an idle watch that allows them.
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-w.Events():
			if !ok {
				t.Fatal("watch closed before a bookmark")
			}
			if ev.Type != client.Bookmark {
				t.Fatalf("unexpected %s event", ev.Type)
			}
			if rv(t, ev.Object.ResourceVersion) < rv(t, cm.ResourceVersion) {
				t.Fatalf("bookmark at %q, before the create at %q", ev.Object.ResourceVersion, cm.ResourceVersion)
			}
			return
		case <-timeout:
			t.Fatal("no bookmark")
		}
	}
}

// fakeServer answers with scripted responses and records requests.
type fakeServer struct {
	mu      sync.Mutex
	answers []func(w http.ResponseWriter, r *http.Request)
	reqs    []*http.Request
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	var a func(w http.ResponseWriter, r *http.Request)
	if len(f.answers) > 0 {
		a, f.answers = f.answers[0], f.answers[1:]
	}
	f.mu.Unlock()
	if a == nil {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default"}}`)
		return
	}
	a(w, r)
}

func (f *fakeServer) requests() []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]*http.Request(nil), f.reqs...)
}

func tooMany(retryAfter string) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"TooManyRequests","code":429,"message":"slow down"}`)
	}
}

// stepWhenWaiting advances the fake clock whenever the client waits on it, so retries happen
// without the test sleeping, and counts the waits.
func stepWhenWaiting(ctx context.Context, clk *clocktesting.FakeClock, waited *atomic.Int64, step time.Duration) {
	for ctx.Err() == nil {
		if clk.HasWaiters() {
			waited.Add(1)
			clk.Step(step)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRetryOn429(t *testing.T) {
	fs := &fakeServer{answers: []func(http.ResponseWriter, *http.Request){tooMany("3"), tooMany("")}}
	ts := httptest.NewServer(fs)
	defer ts.Close()
	clk := clocktesting.NewFakeClock(time.Now())
	c, err := client.New(client.Config{Host: ts.URL, Clock: clk, QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var waited atomic.Int64
	go stepWhenWaiting(ctx, clk, &waited, 3*time.Second)
	start := clk.Now()
	ns, err := client.For[*core.Namespace](c).Get(context.Background(), "default", client.GetOptions{})
	if err != nil || ns.Name != "default" {
		t.Fatalf("get after two 429s: %v", err)
	}
	if n := len(fs.requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if waited.Load() != 2 || clk.Since(start) != 6*time.Second {
		t.Errorf("waited %d times, %s in all", waited.Load(), clk.Since(start))
	}

	// Past MaxRetries the 429 is the answer.
	fs.answers = []func(http.ResponseWriter, *http.Request){tooMany("1"), tooMany("1"), tooMany("1")}
	c2, _ := client.New(client.Config{Host: ts.URL, Clock: clk, QPS: -1, MaxRetries: 2})
	_, err = client.For[*core.Namespace](c2).Get(context.Background(), "default", client.GetOptions{})
	if !apierrors.IsTooManyRequests(err) || !strings.Contains(err.Error(), "slow down") {
		t.Fatalf("after retries: %v", err)
	}

	// A 500 without Retry-After is not retried, and a body that is not a Status still gives a
	// typed error.
	before := len(fs.requests())
	fs.answers = []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusInternalServerError)
	}}
	_, err = client.For[*core.Namespace](c).Get(context.Background(), "default", client.GetOptions{})
	if st := apierrors.StatusOf(err); st.Code != 500 || st.Reason != meta.StatusReasonInternalError || !strings.Contains(st.Message, "boom") {
		t.Fatalf("500: %v", err)
	}
	if n := len(fs.requests()) - before; n != 1 {
		t.Errorf("a 500 was sent %d times", n)
	}
	fs.answers = []func(http.ResponseWriter, *http.Request){func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	}}
	if _, err = client.For[*core.Namespace](c).Get(context.Background(), "default", client.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("plain 404: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	fs := &fakeServer{}
	ts := httptest.NewServer(fs)
	defer ts.Close()
	c, err := client.New(client.Config{Host: ts.URL, QPS: 50, Burst: 5})
	if err != nil {
		t.Fatal(err)
	}
	ns := client.For[*core.Namespace](c)
	start := time.Now()
	for range 15 {
		if _, err := ns.Get(context.Background(), "default", client.GetOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	// 5 requests ride the burst, the other 10 wait 20 ms each: at least 200 ms in all.
	if d := time.Since(start); d < 180*time.Millisecond {
		t.Fatalf("15 requests at 50 QPS with burst 5 took %s", d)
	}
	// A cancelled context stops the wait for a token.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ns.Get(ctx, "default", client.GetOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestCredentials(t *testing.T) {
	fs := &fakeServer{}
	ts := httptest.NewTLSServer(fs)
	defer ts.Close()
	ca := pemOf(ts.Certificate().Raw)
	get := func(cfg client.Config) *http.Request {
		t.Helper()
		cfg.Host, cfg.QPS = ts.URL, -1
		if cfg.TLS.CAData == nil && !cfg.TLS.Insecure {
			cfg.TLS.CAData = ca
		}
		c, err := client.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := client.For[*core.Namespace](c).Get(context.Background(), "default", client.GetOptions{}); err != nil {
			t.Fatal(err)
		}
		rs := fs.requests()
		return rs[len(rs)-1]
	}
	if r := get(client.Config{BearerToken: "abc"}); r.Header.Get("Authorization") != "Bearer abc" {
		t.Errorf("bearer: %q", r.Header.Get("Authorization"))
	}
	if r := get(client.Config{Username: "u", Password: "p"}); r.Header.Get("Authorization") != "Basic dTpw" {
		t.Errorf("basic: %q", r.Header.Get("Authorization"))
	}
	r := get(client.Config{UserAgent: "test/1", Impersonate: client.Impersonation{UserName: "jane", Groups: []string{"a", "b"}, Extra: map[string][]string{"example.com/team": {"x"}}}})
	if r.Header.Get("Impersonate-User") != "jane" || len(r.Header.Values("Impersonate-Group")) != 2 ||
		r.Header.Get("Impersonate-Extra-Example.com%2fteam") != "x" || r.UserAgent() != "test/1" {
		t.Errorf("impersonation headers: %v", r.Header)
	}
	if r := get(client.Config{TLS: client.TLSConfig{Insecure: true}}); r == nil {
		t.Error("insecure")
	}

	// A token file is read again after a minute.
	dir := t.TempDir()
	tf := filepath.Join(dir, "token")
	os.WriteFile(tf, []byte("one\n"), 0o600)
	clk := clocktesting.NewFakeClock(time.Now())
	c, err := client.New(client.Config{Host: ts.URL, TLS: client.TLSConfig{CAData: ca}, BearerTokenFile: tf, Clock: clk, QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	ns := client.For[*core.Namespace](c)
	auth := func() string {
		if _, err := ns.Get(context.Background(), "default", client.GetOptions{}); err != nil {
			t.Fatal(err)
		}
		rs := fs.requests()
		return rs[len(rs)-1].Header.Get("Authorization")
	}
	if a := auth(); a != "Bearer one" {
		t.Fatalf("token file: %q", a)
	}
	os.WriteFile(tf, []byte("two"), 0o600)
	if a := auth(); a != "Bearer one" {
		t.Fatalf("token re-read within the minute: %q", a)
	}
	clk.Step(61 * time.Second)
	if a := auth(); a != "Bearer two" {
		t.Fatalf("token not re-read after a minute: %q", a)
	}
	if _, err := client.New(client.Config{Host: ts.URL, BearerTokenFile: filepath.Join(dir, "missing")}); !errors.Is(err, client.ErrConfig) {
		t.Errorf("missing token file: %v", err)
	}

	// Without the CA the server is not trusted.
	c, _ = client.New(client.Config{Host: ts.URL, QPS: -1})
	if _, err := client.For[*core.Namespace](c).Get(context.Background(), "default", client.GetOptions{}); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted server: %v", err)
	}
}

func pemOf(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func rv(t *testing.T, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("resourceVersion %q: %v", s, err)
	}
	return n
}

func TestForKind(t *testing.T) {
	ctx := context.Background()
	_, c := newServer(t)
	k, err := c.Registry().ResourceFor("", "configmaps")
	if err != nil {
		t.Fatal(err)
	}
	cms := client.ForKind(c, k).Namespace("default")
	obj, err := cms.Create(ctx, &core.ConfigMap{ObjectMeta: meta.ObjectMeta{Name: "dyn"}, Data: map[string]string{"a": "b"}}, client.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm, ok := obj.(*core.ConfigMap)
	if !ok || cm.Data["a"] != "b" || cm.Kind != "ConfigMap" {
		t.Fatalf("%T %+v", obj, obj)
	}
	l, err := cms.List(ctx, client.ListOptions{})
	if err != nil || len(l.Items) != 1 || l.Items[0].(*core.ConfigMap).Name != "dyn" {
		t.Fatalf("list: %v %v", err, l)
	}
	if _, err := client.ForKind(c, nil).Get(ctx, "x", client.GetOptions{}); !errors.Is(err, client.ErrUnknownKind) {
		t.Fatalf("nil kind: %v", err)
	}
}
