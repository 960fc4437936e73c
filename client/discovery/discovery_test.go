package discovery_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr/testr"
	"github.com/google/go-cmp/cmp"
	clocktesting "k8s.io/utils/clock/testing"

	"github.com/skiff-io/skiff/api"
	"github.com/skiff-io/skiff/api/apierrors"
	"github.com/skiff-io/skiff/api/meta"
	"github.com/skiff-io/skiff/apiserver"
	"github.com/skiff-io/skiff/client"
	"github.com/skiff-io/skiff/client/discovery"
	"github.com/skiff-io/skiff/store/memdb"
)

// host is the URL every test server answers as, so that servers built with different kinds share
// one cache folder, as one cluster does before and after a CRD is installed.
const host = "https://skiff.invalid"

// newServer starts a real API server on an in-memory store with the built-in kinds and those extra
// registers.
func newServer(t *testing.T, extra ...func(*api.Registry) error) *apiserver.Server {
	t.Helper()
	reg := api.Builtin()
	for _, add := range extra {
		if err := add(reg); err != nil {
			t.Fatal(err)
		}
	}
	st, err := memdb.Open(memdb.Options{Codec: reg, HistorySize: 50, BookmarkInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := apiserver.New(apiserver.Config{Registry: reg, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Bootstrap(context.Background()); err != nil {
		t.Fatal(err)
	}
	return srv
}

// counter counts the requests that reach the server.
type counter struct {
	next  http.RoundTripper
	mu    sync.Mutex
	paths []string
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.paths = append(c.paths, r.URL.Path)
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// take returns the paths requested since the last take.
func (c *counter) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.paths
	c.paths = nil
	slices.Sort(out)
	return out
}

// newDiscovery returns a discovery client of srv and the counter of its requests.
func newDiscovery(t *testing.T, srv *apiserver.Server, opts discovery.Options) (*discovery.Client, *counter) {
	t.Helper()
	cnt := &counter{next: srv.Transport(nil)}
	c, err := client.New(client.Config{Host: host, Transport: cnt, QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Logger.GetSink() == nil {
		opts.Logger = testr.New(t)
	}
	return discovery.New(c, opts), cnt
}

func wantRequests(t *testing.T, cnt *counter, what string, want ...string) {
	t.Helper()
	slices.Sort(want)
	if diff := cmp.Diff(want, cnt.take(), cmp.Comparer(func(a, b []string) bool { return slices.Equal(a, b) })); diff != "" {
		t.Errorf("%s: requests (-want +got):\n%s", what, diff)
	}
}

var ctx = context.Background()

// fullDiscovery is what a cold cache costs with aggregated discovery.
var fullDiscovery = []string{"/api", "/apis"}

func TestServerGroups(t *testing.T) {
	d, cnt := newDiscovery(t, newServer(t), discovery.Options{})
	groups, err := d.ServerGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "cold", fullDiscovery...)
	if len(groups.Groups) == 0 || groups.Groups[0].Name != "" {
		t.Fatalf("the core group is not first: %+v", groups.Groups)
	}
	byName := map[string]discovery.APIGroup{}
	for _, g := range groups.Groups {
		byName[g.Name] = g
	}
	for _, tc := range []struct {
		group, preferred string
		versions         []string
	}{
		{"", "v1", []string{"v1"}},
		{"apps", "apps/v1", []string{"apps/v1"}},
		{"rbac.authorization.k8s.io", "rbac.authorization.k8s.io/v1", []string{"rbac.authorization.k8s.io/v1"}},
		{"admissionregistration.k8s.io", "admissionregistration.k8s.io/v1",
			[]string{"admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1"}},
	} {
		g, ok := byName[tc.group]
		if !ok {
			t.Errorf("group %q is missing", tc.group)
			continue
		}
		var got []string
		for _, v := range g.Versions {
			got = append(got, v.GroupVersion)
		}
		if diff := cmp.Diff(tc.versions, got); diff != "" || g.PreferredVersion.GroupVersion != tc.preferred {
			t.Errorf("group %q: preferred %q, versions (-want +got):\n%s", tc.group, g.PreferredVersion.GroupVersion, diff)
		}
	}
	// A second call is served from memory.
	if _, err := d.ServerGroups(ctx); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "warm")
}

func findResource(l *discovery.APIResourceList, name string) *discovery.APIResource {
	for i := range l.APIResources {
		if l.APIResources[i].Name == name {
			return &l.APIResources[i]
		}
	}
	return nil
}

func TestServerResources(t *testing.T) {
	d, cnt := newDiscovery(t, newServer(t), discovery.Options{})
	core, err := d.ServerResourcesForGroupVersion(ctx, "v1")
	if err != nil {
		t.Fatal(err)
	}
	// Without a group list in hand, one group version costs one plain request.
	wantRequests(t, cnt, "v1", "/api/v1")
	if core.GroupVersion != "v1" || core.Kind != "APIResourceList" {
		t.Errorf("list: %q %q", core.GroupVersion, core.Kind)
	}
	pods := findResource(core, "pods")
	if pods == nil {
		t.Fatal("v1 has no pods")
	}
	if pods.SingularName != "pod" || pods.Kind != "Pod" || !pods.Namespaced || !slices.Contains(pods.ShortNames, "po") ||
		!slices.Contains(pods.Verbs, "watch") || pods.IsSubresource() {
		t.Errorf("pods: %+v", pods)
	}
	if st := findResource(core, "pods/status"); st == nil || st.Kind != "Pod" || !st.IsSubresource() {
		t.Errorf("pods/status: %+v", st)
	}
	if ev := findResource(core, "pods/eviction"); ev != nil && (ev.Group != "policy" || ev.Kind != "Eviction") {
		t.Errorf("pods/eviction: %+v", ev)
	}
	if nodes := findResource(core, "nodes"); nodes == nil || nodes.Namespaced || !slices.Contains(nodes.ShortNames, "no") {
		t.Errorf("nodes: %+v", nodes)
	}

	apps, err := d.ServerResourcesForGroupVersion(ctx, "apps/v1")
	if err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "apps/v1", "/apis/apps/v1")
	if dep := findResource(apps, "deployments"); dep == nil || dep.Kind != "Deployment" || !slices.Contains(dep.ShortNames, "deploy") ||
		!slices.Contains(dep.Categories, "all") {
		t.Errorf("deployments: %+v", dep)
	}
	if sc := findResource(apps, "deployments/scale"); sc == nil || sc.Group != "autoscaling" || sc.Version != "v1" || sc.Kind != "Scale" {
		t.Errorf("deployments/scale: %+v", sc)
	}

	// A group version the server does not serve is an error, remembered like a document.
	for range 2 {
		_, err = d.ServerResourcesForGroupVersion(ctx, "example.com/v1")
		if !apierrors.IsNotFound(err) {
			t.Errorf("an unserved group version: %v, want NotFound", err)
		}
	}
	wantRequests(t, cnt, "an unserved group version", "/apis/example.com/v1")
	d.Invalidate()
	if _, err = d.ServerResourcesForGroupVersion(ctx, "example.com/v1"); !apierrors.IsNotFound(err) {
		t.Errorf("an unserved group version after Invalidate: %v, want NotFound", err)
	}
	wantRequests(t, cnt, "an unserved group version after Invalidate", "/apis/example.com/v1")
}

// TestAggregatedEqualsPlain checks that the lists aggregated discovery gives equal those each group
// version answers, so that it does not matter which way a cache file was filled.
func TestAggregatedEqualsPlain(t *testing.T) {
	srv := newServer(t)
	agg, _ := newDiscovery(t, srv, discovery.Options{})
	groups, lists, err := agg.ServerGroupsAndResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var gvs []string
	for _, g := range groups.Groups {
		for _, v := range g.Versions {
			gvs = append(gvs, v.GroupVersion)
		}
	}
	if len(lists) != len(gvs) {
		t.Fatalf("%d lists for %d group versions", len(lists), len(gvs))
	}
	plain, cnt := newDiscovery(t, srv, discovery.Options{})
	for i, gv := range gvs {
		want, err := plain.ServerResourcesForGroupVersion(ctx, gv)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, lists[i]); diff != "" {
			t.Errorf("%s (-plain +aggregated):\n%s", gv, diff)
		}
	}
	if got := len(cnt.take()); got != len(gvs) {
		t.Errorf("plain discovery made %d requests for %d group versions", got, len(gvs))
	}
}

func TestServerVersion(t *testing.T) {
	d, _ := newDiscovery(t, newServer(t), discovery.Options{})
	v, err := d.ServerVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := apiserver.DefaultVersion()
	if v.Major != want.Major || v.Minor != want.Minor || v.GitVersion != want.GitVersion || v.Platform != want.Platform || v.String() != want.GitVersion {
		t.Errorf("version: %+v, want %+v", v, want)
	}
}

func TestMappingFor(t *testing.T) {
	m := discovery.NewMapper(func() *discovery.Client { d, _ := newDiscovery(t, newServer(t), discovery.Options{}); return d }())
	pod := discovery.Mapping{Version: "v1", Kind: "Pod", Resource: "pods", Namespaced: true}
	deploy := discovery.Mapping{Group: "apps", Version: "v1", Kind: "Deployment", Resource: "deployments", Namespaced: true}
	for _, tc := range []struct {
		arg  string
		want discovery.Mapping
	}{
		{"po", pod},
		{"pods", pod},
		{"pod", pod},
		{"Pod", pod},
		{"PODS", pod},
		{"deploy", deploy},
		{"deployments", deploy},
		{"deployment", deploy},
		{"Deployment", deploy},
		{"deployments.apps", deploy},
		{"deploy.apps", deploy},
		{"deployments.v1.apps", deploy},
		{"Deployment.v1.apps", deploy},
		{"Deployment.apps", deploy},
		{"deployments.app", deploy}, // a group prefix, as kubectl allows
		{"rs", discovery.Mapping{Group: "apps", Version: "v1", Kind: "ReplicaSet", Resource: "replicasets", Namespaced: true}},
		{"ns", discovery.Mapping{Version: "v1", Kind: "Namespace", Resource: "namespaces"}},
		{"no", discovery.Mapping{Version: "v1", Kind: "Node", Resource: "nodes"}},
		{"clusterroles.rbac.authorization.k8s.io", discovery.Mapping{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", Resource: "clusterroles"}},
		{"clusterroles.rbac", discovery.Mapping{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", Resource: "clusterroles"}},
		{"clusterroles.v1.rbac.authorization.k8s.io", discovery.Mapping{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", Resource: "clusterroles"}},
		// Only in a group's non-preferred version.
		{"initializerconfigurations", discovery.Mapping{Group: "admissionregistration.k8s.io", Version: "v1alpha1", Kind: "InitializerConfiguration", Resource: "initializerconfigurations"}},
	} {
		got, err := m.MappingFor(ctx, tc.arg)
		if err != nil {
			t.Errorf("%q: %v", tc.arg, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tc.arg, diff)
		}
	}
	gvk, err := m.KindFor(ctx, "deploy")
	if err != nil || gvk != (api.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}) {
		t.Errorf("KindFor(deploy): %v %v", gvk, err)
	}
	if got := deploy.APIVersion() + " " + deploy.GroupResource().String(); got != "apps/v1 deployments.apps" {
		t.Errorf("mapping helpers: %q", got)
	}
}

func TestMappingForNoMatch(t *testing.T) {
	d, cnt := newDiscovery(t, newServer(t), discovery.Options{})
	m := discovery.NewMapper(d)
	for _, tc := range []struct{ arg, msg string }{
		{"nosuch", `the server doesn't have a resource type "nosuch"`},
		{"pods/status", `the server doesn't have a resource type "pods/status"`},
		{"status", `the server doesn't have a resource type "status"`},
		{"nosuch.apps", `the server doesn't have a resource type "nosuch"`},
		{"pods.apps", `the server doesn't have a resource type "pods"`},
		{"deployments.v2.apps", `the server doesn't have a resource type "deployments"`},
		{"PO", `the server doesn't have a resource type "PO"`}, // short names match exactly, as in kubectl
		{"", `the server doesn't have a resource type ""`},
	} {
		_, err := m.MappingFor(ctx, tc.arg)
		if !errors.Is(err, discovery.ErrNoMatch) || err.Error() != tc.msg {
			t.Errorf("%q: %v, want ErrNoMatch saying %s", tc.arg, err, tc.msg)
		}
	}
	// The data came from the server, so a miss in it asks nothing more.
	wantRequests(t, cnt, "misses in fresh data", fullDiscovery...)
}

func TestResourceFor(t *testing.T) {
	d, _ := newDiscovery(t, newServer(t), discovery.Options{})
	m := discovery.NewMapper(d)
	for _, tc := range []struct {
		group, kind string
		versions    []string
		want        discovery.Mapping
		msg         string
	}{
		{group: "apps", kind: "Deployment", want: discovery.Mapping{Group: "apps", Version: "v1", Kind: "Deployment", Resource: "deployments", Namespaced: true}},
		{group: "", kind: "Pod", versions: []string{"v1"}, want: discovery.Mapping{Version: "v1", Kind: "Pod", Resource: "pods", Namespaced: true}},
		{group: "", kind: "Node", versions: []string{"v2", "v1"}, want: discovery.Mapping{Version: "v1", Kind: "Node", Resource: "nodes"}},
		{group: "rbac.authorization.k8s.io", kind: "ClusterRole", want: discovery.Mapping{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", Resource: "clusterroles"}},
		{group: "admissionregistration.k8s.io", kind: "InitializerConfiguration", want: discovery.Mapping{Group: "admissionregistration.k8s.io", Version: "v1alpha1", Kind: "InitializerConfiguration", Resource: "initializerconfigurations"}},
		{group: "", kind: "Nope", msg: `no matches for kind "Nope" in group ""`},
		{group: "", kind: "Deployment", msg: `no matches for kind "Deployment" in group ""`},
		{group: "apps", kind: "Deployment", versions: []string{"v2"}, msg: `no matches for kind "Deployment" in version "apps/v2"`},
		{group: "apps", kind: "Deployment", versions: []string{"v3", "v2"}, msg: `no matches for kind "Deployment" in versions ["apps/v2" "apps/v3"]`},
		{group: "autoscaling", kind: "Scale", msg: `no matches for kind "Scale" in group "autoscaling"`}, // only a subresource's kind
	} {
		got, err := m.ResourceFor(ctx, tc.group, tc.kind, tc.versions...)
		if tc.msg != "" {
			if !errors.Is(err, discovery.ErrNoMatch) || err.Error() != tc.msg {
				t.Errorf("%s %s %v: %v, want ErrNoMatch saying %s", tc.group, tc.kind, tc.versions, err, tc.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s %v: %v", tc.group, tc.kind, tc.versions, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s %s %v (-want +got):\n%s", tc.group, tc.kind, tc.versions, diff)
		}
	}
}

// Gadget is a custom kind, installed on the second server of the cache tests as a CRD would be.
type Gadget struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
}

func (g *Gadget) DeepCopyObject() meta.Object {
	c := *g
	g.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

func withGadgets(r *api.Registry) error {
	return api.Register(r, api.KindSpec[*Gadget]{Group: "example.com", Version: "v1", Kind: "Gadget", Namespaced: true,
		ShortNames: []string{"gd"}, Subresources: []string{"status"}})
}

// OtherPod is a kind of another group that takes the core group's resource and short names.
type OtherPod struct {
	meta.TypeMeta   `json:",inline"`
	meta.ObjectMeta `json:"metadata,omitempty"`
}

func (p *OtherPod) DeepCopyObject() meta.Object {
	c := *p
	p.ObjectMeta.DeepCopyInto(&c.ObjectMeta)
	return &c
}

func TestMappingPrefersTheCoreGroup(t *testing.T) {
	srv := newServer(t, func(r *api.Registry) error {
		return api.Register(r, api.KindSpec[*OtherPod]{Group: "example.com", Version: "v1", Kind: "Pod", Resource: "pods",
			Singular: "pod", ShortNames: []string{"po"}})
	})
	d, _ := newDiscovery(t, srv, discovery.Options{})
	m := discovery.NewMapper(d)
	core := discovery.Mapping{Version: "v1", Kind: "Pod", Resource: "pods", Namespaced: true}
	other := discovery.Mapping{Group: "example.com", Version: "v1", Kind: "Pod", Resource: "pods"}
	for arg, want := range map[string]discovery.Mapping{
		"pods": core, "pod": core, "po": core, "Pod": core,
		"pods.example.com": other, "po.example.com": other, "pods.v1.example.com": other, "Pod.example.com": other,
	} {
		got, err := m.MappingFor(ctx, arg)
		if err != nil || got != want {
			t.Errorf("%q: %+v %v, want %+v", arg, got, err, want)
		}
	}
}

func TestCacheFiles(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t)
	d, cnt := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
	if _, err := discovery.NewMapper(d).MappingFor(ctx, "po"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "cold cache", fullDiscovery...)

	hostDir := filepath.Join(dir, "skiff.invalid")
	if d.CacheDir() != hostDir {
		t.Errorf("CacheDir() = %q, want %q", d.CacheDir(), hostDir)
	}
	for _, f := range []string{"servergroups.json", "v1/serverresources.json", "apps/v1/serverresources.json",
		"rbac.authorization.k8s.io/v1/serverresources.json", "admissionregistration.k8s.io/v1alpha1/serverresources.json"} {
		fi, err := os.Stat(filepath.Join(hostDir, f))
		if err != nil {
			t.Error(err)
			continue
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", f, fi.Mode().Perm())
		}
	}
	for _, sub := range []string{"", "v1", "apps", "apps/v1"} {
		fi, err := os.Stat(filepath.Join(hostDir, sub))
		if err != nil {
			t.Error(err)
			continue
		}
		// The umask may take bits away, never add them.
		if fi.Mode().Perm()&^0o750 != 0 {
			t.Errorf("folder %q: mode %v, want at most 0750", sub, fi.Mode().Perm())
		}
	}
	entries, _ := filepath.Glob(filepath.Join(hostDir, "*.tmp"))
	if len(entries) != 0 {
		t.Errorf("temporary files left behind: %v", entries)
	}

	// A second client over the same folder asks nothing within the TTL.
	d2, cnt2 := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
	if _, err := d2.ServerGroups(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d2.ServerResourcesForGroupVersion(ctx, "apps/v1"); err != nil {
		t.Fatal(err)
	}
	m2 := discovery.NewMapper(d2)
	for _, arg := range []string{"po", "deploy", "clusterroles.rbac.authorization.k8s.io"} {
		if _, err := m2.MappingFor(ctx, arg); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m2.ResourceFor(ctx, "apps", "ReplicaSet"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt2, "warm cache")
}

func TestCacheTTL(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t)
	clk := clocktesting.NewFakePassiveClock(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC))
	opts := discovery.Options{CacheDir: dir, Clock: clk} // TTL: the default
	d, cnt := newDiscovery(t, srv, opts)
	if _, _, err := d.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "cold cache", fullDiscovery...)

	// kubectl's six hours: still good at the last instant, in memory and on disk.
	clk.SetTime(clk.Now().Add(6 * time.Hour))
	if _, _, err := d.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "after 6h, same client")
	d2, cnt2 := newDiscovery(t, srv, opts)
	if _, err := discovery.NewMapper(d2).MappingFor(ctx, "deploy"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt2, "after 6h, new client")

	// Then expired: refetched once, and trusted again.
	clk.SetTime(clk.Now().Add(time.Second))
	if _, err := discovery.NewMapper(d2).MappingFor(ctx, "deploy"); err != nil {
		t.Fatal(err)
	}
	if _, err := d2.ServerResourcesForGroupVersion(ctx, "v1"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt2, "after 6h1s", fullDiscovery...)
	d3, cnt3 := newDiscovery(t, srv, opts)
	if _, err := discovery.NewMapper(d3).MappingFor(ctx, "po"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt3, "the refetched cache")

	// A short TTL, and a negative one that trusts nothing.
	short, cnt4 := newDiscovery(t, srv, discovery.Options{CacheDir: dir, Clock: clk, TTL: time.Minute})
	clk.SetTime(clk.Now().Add(2 * time.Minute))
	if _, err := short.ServerGroups(ctx); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt4, "TTL 1m, 2m later", fullDiscovery...)
	never, cnt5 := newDiscovery(t, srv, discovery.Options{CacheDir: dir, Clock: clk, TTL: -1})
	for range 2 {
		if _, err := never.ServerGroups(ctx); err != nil {
			t.Fatal(err)
		}
	}
	wantRequests(t, cnt5, "negative TTL", "/api", "/apis", "/api", "/apis")
}

func TestCacheRefetchesOnAMiss(t *testing.T) {
	dir := t.TempDir()
	before := newServer(t)
	after := newServer(t, withGadgets) // the same cluster, once a CRD is installed
	opts := discovery.Options{CacheDir: dir}

	d, cnt := newDiscovery(t, before, opts)
	if _, err := discovery.NewMapper(d).MappingFor(ctx, "po"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "filling the cache", fullDiscovery...)

	// A resource that is not in the cache costs one refetch, and is found.
	d2, cnt2 := newDiscovery(t, after, opts)
	m2 := discovery.NewMapper(d2)
	got, err := m2.MappingFor(ctx, "gd")
	want := discovery.Mapping{Group: "example.com", Version: "v1", Kind: "Gadget", Resource: "gadgets", Namespaced: true}
	if err != nil || got != want {
		t.Fatalf("gd: %+v %v, want %+v", got, err, want)
	}
	wantRequests(t, cnt2, "a miss in the cache", fullDiscovery...)
	// A name that misses in what was just fetched fails at once.
	if _, err := m2.MappingFor(ctx, "nosuch"); !errors.Is(err, discovery.ErrNoMatch) {
		t.Fatalf("nosuch: %v", err)
	}
	if _, err := m2.ResourceFor(ctx, "example.com", "Widget"); !errors.Is(err, discovery.ErrNoMatch) {
		t.Fatalf("Widget: %v", err)
	}
	wantRequests(t, cnt2, "a miss in fresh data")
	// The refetch rewrote the cache for everyone.
	d3, cnt3 := newDiscovery(t, after, opts)
	if _, err := discovery.NewMapper(d3).ResourceFor(ctx, "example.com", "Gadget"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt3, "the rewritten cache")

	// A name the server does not have either: one refetch, then kubectl's error.
	d4, cnt4 := newDiscovery(t, after, opts)
	m4 := discovery.NewMapper(d4)
	_, err = m4.MappingFor(ctx, "nosuch")
	if !errors.Is(err, discovery.ErrNoMatch) || err.Error() != `the server doesn't have a resource type "nosuch"` {
		t.Errorf("nosuch: %v", err)
	}
	wantRequests(t, cnt4, "an unknown name", fullDiscovery...)
	if _, err := m4.MappingFor(ctx, "nosuch"); !errors.Is(err, discovery.ErrNoMatch) {
		t.Errorf("nosuch again: %v", err)
	}
	wantRequests(t, cnt4, "an unknown name again")
}

func TestInvalidate(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t)
	d, cnt := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
	if _, _, err := d.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "cold", fullDiscovery...)
	d.Invalidate()
	if _, err := d.ServerResourcesForGroupVersion(ctx, "apps/v1"); err != nil {
		t.Fatal(err)
	}
	// The files predate Invalidate, so they are not trusted either.
	wantRequests(t, cnt, "after Invalidate", "/apis/apps/v1")
	if _, _, err := d.ServerGroupsAndResources(ctx); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "after Invalidate", fullDiscovery...)
	// What the client wrote since is trusted again.
	d.Invalidate()
	if _, err := d.ServerGroups(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ServerResourcesForGroupVersion(ctx, "v1"); err != nil {
		t.Fatal(err)
	}
	wantRequests(t, cnt, "files written since", fullDiscovery...)
}

func TestCorruptCacheFiles(t *testing.T) {
	srv := newServer(t)
	for _, tc := range []struct {
		name, file, content string
		want                []string
	}{
		{"garbage groups", "servergroups.json", "\x00\xffnot json", fullDiscovery},
		{"truncated groups", "servergroups.json", `{"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps","vers`, fullDiscovery},
		{"null groups", "servergroups.json", "null", fullDiscovery},
		{"empty groups", "servergroups.json", "", fullDiscovery},
		{"mistyped groups", "servergroups.json", `{"kind":"APIGroupList","groups":7}`, fullDiscovery},
		{"inconsistent groups", "servergroups.json", `{"kind":"APIGroupList","groups":[{"name":"apps","versions":[{"groupVersion":"v1","version":"v1"}]}]}`, fullDiscovery},
		{"another kind as groups", "servergroups.json", `{"kind":"APIResourceList","groupVersion":"v1","resources":[]}`, fullDiscovery},
		// A bad resource list costs only its own group version.
		{"garbage resources", "apps/v1/serverresources.json", "}{", []string{"/apis/apps/v1"}},
		{"another group version", "apps/v1/serverresources.json", `{"kind":"APIResourceList","apiVersion":"v1","groupVersion":"batch/v1","resources":[]}`, []string{"/apis/apps/v1"}},
		{"a folder in the way", "apps/v1/serverresources.json", "", []string{"/apis/apps/v1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			d, _ := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
			if _, _, err := d.ServerGroupsAndResources(ctx); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(d.CacheDir(), filepath.FromSlash(tc.file))
			if tc.name == "a folder in the way" {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
				if err := os.Mkdir(path, 0o750); err != nil {
					t.Fatal(err)
				}
			} else if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}

			d2, cnt := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
			m := discovery.NewMapper(d2)
			for _, arg := range []string{"po", "deploy"} {
				if _, err := m.MappingFor(ctx, arg); err != nil {
					t.Fatalf("%s: %v", arg, err)
				}
			}
			wantRequests(t, cnt, "a corrupt file", tc.want...)
			if tc.name == "a folder in the way" {
				return // the folder cannot be replaced; the client works without that file
			}
			// The file was rewritten: a third client asks nothing.
			d3, cnt3 := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
			if _, err := discovery.NewMapper(d3).MappingFor(ctx, "deploy"); err != nil {
				t.Fatal(err)
			}
			wantRequests(t, cnt3, "the rewritten file")
		})
	}
}

func TestHostFolders(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	for _, tc := range []struct{ host, want string }{
		{"https://10.0.0.1:6443", "10.0.0.1_6443"},
		{"http://example.com:8080/prefix", "example.com_8080/prefix"},
		{"https://example.com/../../escape", "example.com/__/__/escape"},
	} {
		c, err := client.New(client.Config{Host: tc.host, Transport: srv.Transport(nil), QPS: -1})
		if err != nil {
			t.Fatal(err)
		}
		d := discovery.New(c, discovery.Options{CacheDir: dir})
		if want := filepath.Join(dir, filepath.FromSlash(tc.want)); d.CacheDir() != want {
			t.Errorf("%s: %q, want %q", tc.host, d.CacheDir(), want)
		}
		if !strings.HasPrefix(d.CacheDir(), dir+string(filepath.Separator)) {
			t.Errorf("%s: %q is outside %q", tc.host, d.CacheDir(), dir)
		}
	}
	if d := discovery.New(func() *client.Client {
		c, _ := client.New(client.Config{Host: host, Transport: srv.Transport(nil)})
		return c
	}(), discovery.Options{}); d.CacheDir() != "" {
		t.Errorf("no CacheDir: %q", d.CacheDir())
	}
}

// TestConcurrentLookups runs lookups on a cold cache at once, for the race detector.
func TestConcurrentLookups(t *testing.T) {
	srv := newServer(t)
	dir := t.TempDir()
	d, _ := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
	m := discovery.NewMapper(d)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			arg := []string{"po", "deploy", "ns", "rs"}[i%4]
			if _, err := m.MappingFor(ctx, arg); err != nil {
				t.Error(err)
			}
			if i%3 == 0 {
				d.Invalidate()
			}
		})
	}
	wg.Wait()
}

func TestDiscoveryErrors(t *testing.T) {
	srv := newServer(t)
	c, err := client.New(client.Config{Host: host, Transport: srv.Transport(nil), QPS: -1})
	if err != nil {
		t.Fatal(err)
	}
	d := discovery.New(c, discovery.Options{})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := discovery.NewMapper(d).MappingFor(cctx, "po"); !errors.Is(err, context.Canceled) || errors.Is(err, discovery.ErrNoMatch) {
		t.Errorf("canceled: %v", err)
	}
	if _, err := d.ServerResourcesForGroupVersion(ctx, "a/b/c"); err == nil {
		t.Error("a malformed group version was accepted")
	}
}

// TestPartialDiscovery: a group version the server no longer serves (listed by a cache file
// written before an aggregated API went away) fails alone; lookups still work.
func TestPartialDiscovery(t *testing.T) {
	dir := t.TempDir()
	srv := newServer(t)
	d, _ := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
	groups, lists, err := d.ServerGroupsAndResources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stale := *groups
	gone := discovery.GroupVersionForDiscovery{GroupVersion: "gone.example.com/v1", Version: "v1"}
	stale.Groups = append(slices.Clone(groups.Groups), discovery.APIGroup{Name: "gone.example.com",
		Versions: []discovery.GroupVersionForDiscovery{gone}, PreferredVersion: gone})
	b, err := json.Marshal(&stale)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.CacheDir(), "servergroups.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}

	d2, cnt := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
	_, lists2, err := d2.ServerGroupsAndResources(ctx)
	var failed *discovery.GroupDiscoveryFailedError
	if !errors.Is(err, discovery.ErrGroupDiscoveryFailed) || !apierrors.IsNotFound(err) || !errors.As(err, &failed) ||
		len(failed.Groups) != 1 || failed.Groups["gone.example.com/v1"] == nil ||
		!strings.HasPrefix(err.Error(), "unable to retrieve the complete list of server APIs: gone.example.com/v1: ") {
		t.Errorf("partial discovery: %v", err)
	}
	if len(lists2) != len(lists) {
		t.Errorf("%d lists, want the %d that could be read", len(lists2), len(lists))
	}
	wantRequests(t, cnt, "the gone group version", "/apis/gone.example.com/v1")

	d3, cnt3 := newDiscovery(t, srv, discovery.Options{CacheDir: dir})
	m := discovery.NewMapper(d3)
	if _, err := m.MappingFor(ctx, "po"); err != nil {
		t.Errorf("po with a group version missing: %v", err)
	}
	wantRequests(t, cnt3, "a hit", "/apis/gone.example.com/v1")
	// A miss in incomplete, cached data refetches; the server's answer no longer lists the group.
	_, err = m.MappingFor(ctx, "nosuch")
	if !errors.Is(err, discovery.ErrNoMatch) || err.Error() != `the server doesn't have a resource type "nosuch"` {
		t.Errorf("nosuch: %v", err)
	}
	wantRequests(t, cnt3, "a miss", fullDiscovery...)
}
